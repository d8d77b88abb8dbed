/*
 * labels.c - the names a report shows for codes, in the headings' language:
 * the same words as the officers' app (web/i18n.js) and its printed reports,
 * so that a downloaded table reads like the page it came from.  Chinese names
 * the library already keeps (project kinds and domains, rules, metrics) are
 * taken from there.
 */
#include <assert.h>
#include <string.h>

#include "report_int.h"

struct label {
    const char *code, *zh, *en;
};

static const struct label transfer_kinds[] = {
    {"posted", "入账", "Posted"},
    {"pending", "申请冻结", "Request (reserved)"},
    {"post", "批准入账", "Approved"},
    {"void", "驳回释放", "Rejected (released)"},
    {NULL, NULL, NULL},
};
static const struct label account_kinds[] = {
    {"source", "资金来源", "Fund source"},
    {"pool", "资金池", "Pool"},
    {"project", "项目", "Project"},
    {"payee", "收款单位", "Payee"},
    {NULL, NULL, NULL},
};
static const struct label severities[] = {
    {"error", "错误", "Error"}, {"warning", "提示", "Warning"}, {NULL, NULL, NULL}};
static const struct label finding_statuses[] = {
    {"open", "待整改", "Open"},           {"acknowledged", "已确认", "Acknowledged"},
    {"explained", "已说明", "Explained"}, {"resolved", "已销号", "Resolved"},
    {"cleared", "已消除", "Cleared"},     {NULL, NULL, NULL},
};
static const struct label areas[] = {
    {"organisation", "组织领导", "Organisation"},
    {"funds", "资金支持", "Funds"},
    {"industry", "产业合作", "Industry"},
    {"livelihood", "民生帮扶", "Livelihoods"},
    {"talent", "人才交流", "People"},
    {"innovation", "机制创新", "Innovation"},
    {NULL, NULL, NULL},
};
/* English only: the Chinese is the library's (pa_project_kinds, ...). */
static const struct label kinds_en[] = {
    {"livelihood", NULL, "Small livelihood"},
    {"park", NULL, "Co-built park"},
    {"chain", NULL, "Industrial chain"},
    {"talent", NULL, "Talent exchange"},
    {"other", NULL, "Other"},
    {NULL, NULL, NULL},
};
static const struct label domains_en[] = {
    {"industry", NULL, "Industry"},
    {"technology", NULL, "Science & technology"},
    {"education", NULL, "Education"},
    {"health", NULL, "Health"},
    {"employment", NULL, "Human resources"},
    {"culture_tourism", NULL, "Culture, tourism & care"},
    {"transport", NULL, "Transport"},
    {"other", NULL, "Other"},
    {NULL, NULL, NULL},
};
static const struct label rules_en[] = {
    {"idle_funds", NULL, "Idle funds"},
    {"slow_onward_transfer", NULL, "Slow onward transfer"},
    {"purpose_mismatch", NULL, "Purpose mismatch"},
    {"negative_list", NULL, "Spending on the negative list"},
    {"advance_too_large", NULL, "Advance payment too large"},
    {"final_without_acceptance", NULL, "Final payment before acceptance"},
    {"split_contracts", NULL, "Split contracts"},
    {"duplicate_application", NULL, "Duplicate application"},
    {"supplier_capture", NULL, "Supplier capture"},
    {"payee_before_existence", NULL, "Payee paid before it existed"},
    {"personal_account", NULL, "Payment to a personal account"},
    {"budget_overrun", NULL, "Budget overrun"},
    {"no_benefit_link", NULL, "No benefit link to farmers"},
    {"weak_results", NULL, "Weak results"},
    {"publicity_gap", NULL, "Publicity gap"},
    {"date_logic", NULL, "Illogical dates"},
    {"industry_share", NULL, "Industry share too low"},
    {"revenue_share_unsettled", NULL, "Revenue share unsettled"},
    {"bad_identifiers", NULL, "Bad identifiers"},
    {NULL, NULL, NULL},
};

static const struct label *find(const struct label *set, const char *code)
{
    for (; set->code; set++)
        if (strcmp(set->code, code) == 0)
            return set;
    return NULL;
}

static const char *from_enum(const struct pa_enum_value *values, const char *code)
{
    for (; values->name; values++)
        if (strcmp(values->name, code) == 0)
            return values->zh;
    return NULL;
}

/* The Chinese the library keeps for a code of the sets that have one. */
static const char *library_zh(const char *set, const char *code)
{
    if (strcmp(set, "project_kind") == 0)
        return from_enum(pa_project_kinds, code);
    if (strcmp(set, "project_domain") == 0)
        return from_enum(pa_project_domains, code);
    if (strcmp(set, "rule") == 0) {
        for (int i = 0; i < PA_RULES; i++)
            if (strcmp(pa_rules[i].id, code) == 0)
                return pa_rules[i].zh;
        return NULL;
    }
    if (strcmp(set, "metric") == 0) {
        const struct pa_metric *m = pa_metric_find(code);
        return m ? m->zh : NULL;
    }
    return NULL;
}

const char *pa_report__label(const char *set, const char *code, enum pa_lang lang)
{
    static const struct {
        const char *name;
        const struct label *labels;
    } sets[] = {
        {"transfer_kind", transfer_kinds},
        {"account_kind", account_kinds},
        {"severity", severities},
        {"finding_status", finding_statuses},
        {"area", areas},
        {"project_kind", kinds_en},
        {"project_domain", domains_en},
        {"rule", rules_en},
    };
    PA_ASSERT(set != NULL && code != NULL);
    const struct label *l = NULL;
    for (size_t i = 0; i < PA_ARRAY_LEN(sets) && l == NULL; i++)
        if (strcmp(sets[i].name, set) == 0)
            l = find(sets[i].labels, code);
    if (lang == PA_LANG_EN)
        return l && l->en ? l->en : code;
    const char *zh = l && l->zh ? l->zh : library_zh(set, code);
    if (strcmp(set, "metric") == 0 && strcmp(code, "manual") == 0)
        zh = "人工评分";
    return zh ? zh : code;
}

const char *pa_report__group_label(enum pa_budget_group group, enum pa_lang lang)
{
    static const char *const zh[] = {"按项目",     "按结对关系", "按县区",
                                     "按项目类别", "按帮扶领域", "按帮扶方"};
    static const char *const en[] = {"by project", "by pairing", "by county",
                                     "by kind",    "by domain",  "by donor"};
    static_assert(PA_BUDGET_PROJECT == 0 && PA_BUDGET_DONOR == 5, "one label per grouping");
    PA_ASSERT((unsigned)group < PA_ARRAY_LEN(zh));
    return lang == PA_LANG_ZH ? zh[group] : en[group];
}

/* 制表单位 as the app's printed reports write it (web/app/reports.js):
 * "东海县（受援方项目经办）", "联合审计组（WX-LYG）", "考核办"; the local
 * operator of a database file covers every pairing, the public reads the
 * published figures. */
void pa_report__org(struct pa_db *db, enum pa_lang lang, char *buf, size_t size)
{
    static const char *const roles_zh[] = {"系统管理员", "帮扶方资金经办", "受援方项目经办",
                                           "联合审计组", "考核办"};
    static const char *const roles_en[] = {"Administrator", "Donor officer", "Recipient officer",
                                           "Joint auditor", "Assessor"};
    bool zh = lang == PA_LANG_ZH;
    const struct pa_principal *p = pa_db_principal(db);
    if (p == NULL) {
        snprintf(buf, size, "%s", zh ? "全部结对关系" : "All pairings");
        return;
    }
    if (p->role == PA_ROLE_ANONYMOUS || (unsigned)p->role >= PA_ARRAY_LEN(roles_zh)) {
        snprintf(buf, size, "%s", zh ? "公开数据" : "Published figures");
        return;
    }
    const char *role = zh ? roles_zh[p->role] : roles_en[p->role];
    char region[128] = "";
    if (p->region[0] && pa_region_name(db, p->region, region, sizeof(region), NULL) != 0)
        snprintf(region, sizeof(region), "%s", p->region);
    if (region[0])
        snprintf(buf, size, zh ? "%s（%s）" : "%s (%s)", region, role);
    else if (p->pairing[0])
        snprintf(buf, size, zh ? "%s（%s）" : "%s (%s)", role, p->pairing);
    else
        snprintf(buf, size, "%s", role);
}
