/*
 * rules.c - the 19 compliance rules.  Each is one SQL file in rules/, built
 * into the binary, that reads the scope tables of scope.sql and returns one
 * row per finding: key (what it is about, stable across runs), subject,
 * project, region, severity, amount (fen), evidence and a Chinese message.
 * Its thresholds come from the measures as named parameters (:max_days ...),
 * so a rule is read and reviewed as the one query it is.
 *
 * The rules call a few SQL functions registered here: pa_yuan, pa_percent,
 * pa_quantity and pa_zh for the messages; pa_similarity and pa_same_town for
 * duplicate applications; pa_credit_code_valid for identifiers.
 */
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"

extern const struct pa_blob pa_rule_sql[];

#define DAYS PA_PARAM_DAYS
#define MONEY PA_PARAM_MONEY
#define PERCENT PA_PARAM_PERCENT
#define COUNT PA_PARAM_COUNT

const struct pa_rule pa_rules[PA_RULES] = {
    {"idle_funds",
     "资金闲置滞留",
     {{"warning_days", DAYS, "180", "到账满此天数后检查支出进度"},
      {"min_spent_percent", PERCENT, "50", "届时至少应支出的比例（%）"},
      {"error_days", DAYS, "365", "资金滞留满此天数即为错误"}}},
    {"slow_onward_transfer", "资金拨付不及时", {{"max_days", DAYS, "30", "资金池转拨的最长天数"}}},
    {"negative_list",
     "超范围支出（负面清单）",
     {{"purposes", PA_PARAM_PURPOSES,
       "personnel, allowances, office_building, vehicles, debt, deposit, running_costs",
       "禁止的支出用途"}}},
    {"purpose_mismatch", "投向不符或先拨后立项", {{NULL, 0, NULL, NULL}}},
    {"budget_overrun",
     "超预算支出",
     {{"warning_percent", PERCENT, "90", "支出达到预算此比例为提示（%）"},
      {"error_percent", PERCENT, "100", "支出超过预算此比例为错误（%）"}}},
    {"advance_too_large", "预付款比例过高", {{"max_percent", PERCENT, "30", "预付款占合同金额上限（%）"}}},
    {"final_without_acceptance", "未验收支付尾款", {{NULL, 0, NULL, NULL}}},
    {"split_contracts",
     "拆分合同规避招标",
     {{"works_limit", MONEY, "4000000", "工程招标限额（元）"},
      {"goods_limit", MONEY, "2000000", "货物招标限额（元）"},
      {"services_limit", MONEY, "1000000", "服务招标限额（元）"},
      {"window_days", DAYS, "90", "合并计算的天数"}}},
    {"duplicate_application",
     "重复申报",
     {{"min_similarity", PERCENT, "85", "名称相似度下限（%，字符二元组Dice系数）"}}},
    {"payee_before_existence", "收款单位成立前付款", {{NULL, 0, NULL, NULL}}},
    {"personal_account", "违规转入个人账户", {{"max_amount", MONEY, "5000", "非补助类单笔上限（元）"}}},
    {"supplier_capture",
     "供应商垄断",
     {{"max_in_a_row", COUNT, "3", "同一供应商连续中标次数"},
      {"max_share_percent", PERCENT, "50", "同一供应商中标份数占比上限（%）"},
      {"min_contracts", COUNT, "4", "计算占比所需的最少合同份数"}}},
    {"publicity_gap", "公示不到位", {{"min_days", DAYS, "10", "公示最少天数"}}},
    {"weak_results",
     "绩效不达标",
     {{"min_achieved_percent", PERCENT, "80", "指标完成率下限（%）"},
      {"acceptance_days", DAYS, "180", "竣工后应完成验收的天数"}}},
    {"date_logic", "日期逻辑错误", {{NULL, 0, NULL, NULL}}},
    {"industry_share", "产业投入占比不足", {{"min_percent", PERCENT, "60", "产业项目占比下限（%）"}}},
    {"no_benefit_link",
     "未建立联农带农机制",
     {{"min_budget", MONEY, "500000", "产业项目预算超过此金额须联农带农（元）"}}},
    {"revenue_share_unsettled",
     "利益共享未结算",
     {{"max_gap_points", PERCENT, "1", "约定与结算分成之差上限（百分点）"}}},
    {"bad_identifiers", "标识码错误", {{NULL, 0, NULL, NULL}}},
};

int pa_audit__rule_index(const char *id)
{
    for (int r = 0; r < PA_RULES; r++)
        if (strcmp(pa_rules[r].id, id) == 0)
            return r;
    return -1;
}

static const char *rule_sql(const char *name)
{
    char file[64];
    snprintf(file, sizeof(file), "%s.sql", name);
    for (int i = 0; pa_rule_sql[i].name; i++)
        if (strcmp(pa_rule_sql[i].name, file) == 0)
            return (const char *)pa_rule_sql[i].data;
    pa_assert_fail("a rule without its SQL file", __FILE__, __LINE__);
}

/* ---- similarity of Chinese names ------------------------------------------------
 * Character bigrams (two consecutive characters) compared with the Dice
 * coefficient: 2 |A ∩ B| / (|A| + |B|), counting repeated bigrams as often as
 * they occur.  Chinese names carry their meaning in two-character words (食堂,
 * 改造), so bigrams match what a reader sees as "the same project" better than
 * an edit distance, which punishes a reordered name as much as a new one. */

#define NAME_CHARS 256

static int code_points(const char *s, uint32_t out[NAME_CHARS])
{
    int n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && n < NAME_CHARS) {
        int len = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        uint32_t c = len == 1 ? *p : (uint32_t)(*p & (0x3F >> (len - 1)));
        for (int i = 1; i < len && p[i]; i++)
            c = (c << 6) | (p[i] & 0x3F);
        for (int i = 0; i < len && *p; i++)
            p++;
        /* spaces and punctuation do not make two names different */
        if (c == ' ' || c == 0x3000 || c == 0xFF08 || c == 0xFF09 || c == '(' || c == ')' ||
            c == 0x201C || c == 0x201D || c == '-' || c == 0x2014)
            continue;
        out[n++] = c;
    }
    return n;
}

double pa_audit__similarity(const char *a, const char *b)
{
    static _Thread_local uint32_t ca[NAME_CHARS], cb[NAME_CHARS];
    static _Thread_local bool used[NAME_CHARS];
    int na = code_points(a, ca), nb = code_points(b, cb);
    if (na < 2 || nb < 2)
        return na == nb && (na == 0 || ca[0] == cb[0]) ? 1.0 : 0.0;
    memset(used, 0, sizeof(used));
    int common = 0;
    for (int i = 0; i + 1 < na; i++)
        for (int j = 0; j + 1 < nb; j++)
            if (!used[j] && ca[i] == cb[j] && ca[i + 1] == cb[j + 1]) {
                used[j] = true;
                common++;
                break;
            }
    return 2.0 * common / (double)((na - 1) + (nb - 1));
}

/* The town a name names: the characters before 镇, 乡 or 街道 (at most four). */
static size_t town_of(const char *name, const char **start)
{
    static const char *const marks[] = {"街道", "镇", "乡"};
    for (size_t m = 0; m < PA_ARRAY_LEN(marks); m++) {
        const char *at = strstr(name, marks[m]);
        if (at == NULL || at == name)
            continue;
        const char *from = at;
        for (int chars = 0; from > name && chars < 4; chars++)
            do
                from--;
            while (from > name && ((unsigned char)*from & 0xC0) == 0x80);
        *start = from;
        return (size_t)(at - from) + strlen(marks[m]);
    }
    return 0;
}

static bool same_town(const char *a, const char *b)
{
    const char *ta = NULL, *tb = NULL;
    size_t la = town_of(a, &ta), lb = town_of(b, &tb);
    if (la == 0 || lb == 0)
        return true; /* a name without a town names none that differs */
    /* the shorter ends the longer: 青湖镇 and 东海县青湖镇 are one town */
    size_t n = la < lb ? la : lb;
    return strncmp(ta + la - n, tb + lb - n, n) == 0;
}

/* ---- SQL functions ------------------------------------------------------------------ */

static void sql_similarity(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *a = (const char *)sqlite3_value_text(argv[0]);
    const char *b = (const char *)sqlite3_value_text(argv[1]);
    sqlite3_result_double(ctx, a && b ? pa_audit__similarity(a, b) : 0.0);
}

static void sql_same_town(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *a = (const char *)sqlite3_value_text(argv[0]);
    const char *b = (const char *)sqlite3_value_text(argv[1]);
    sqlite3_result_int(ctx, a && b && same_town(a, b));
}

/* 1400000.00 yuan as "140.00万元", as Chinese finance reports write it. */
static void sql_yuan(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    int64_t fen = sqlite3_value_int64(argv[0]);
    enum pa_money_unit unit = pa_money_unit_for(fen < 0 ? -fen : fen);
    char buf[64];
    pa_money_format(fen, unit, PA_MONEY_GROUP, buf, sizeof(buf));
    static const char *const names[] = {"元", "万元", "亿元"};
    char out[80];
    snprintf(out, sizeof(out), "%s%s", buf, names[unit]);
    sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

/* Hundredths as a number without trailing zeros: 8500 -> "85", 1250 -> "12.5". */
static void quantity_text(int64_t hundredths, char *buf, size_t size)
{
    snprintf(buf, size, "%s%lld.%02lld", hundredths < 0 ? "-" : "",
             (long long)(llabs(hundredths) / 100), (long long)(llabs(hundredths) % 100));
    char *end = buf + strlen(buf) - 1;
    while (*end == '0')
        *end-- = '\0';
    if (*end == '.')
        *end = '\0';
}

static void sql_quantity(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    char buf[48];
    quantity_text(sqlite3_value_int64(argv[0]), buf, sizeof(buf));
    sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

static void sql_percent(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    char buf[48];
    quantity_text(sqlite3_value_int64(argv[0]), buf, sizeof(buf) - 1);
    strcat(buf, "%");
    sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

/* pa_zh(list, code): the Chinese name of a code ("a|b" for sets: "产业、教育"). */
static void sql_zh(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *list = (const char *)sqlite3_value_text(argv[0]);
    const char *code = (const char *)sqlite3_value_text(argv[1]);
    if (list == NULL || code == NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    static const struct {
        const char *name;
        const struct pa_enum_value *values;
    } lists[] = {{"purpose", pa_payment_purposes}, {"domain", pa_project_domains},
                 {"domains", pa_project_domains},  {"kind", pa_project_kinds},
                 {"kinds", pa_project_kinds},      {"category", NULL}};
    static const struct pa_enum_value categories[] = {
        {"works", "工程"}, {"goods", "货物"}, {"services", "服务"}, {NULL, NULL}};
    const struct pa_enum_value *values = NULL;
    for (size_t i = 0; i < PA_ARRAY_LEN(lists); i++)
        if (strcmp(lists[i].name, list) == 0)
            values = lists[i].values ? lists[i].values : categories;
    char out[512] = "";
    for (const char *p = code; values && *p;) {
        size_t len = strcspn(p, "|");
        const char *zh = NULL;
        for (int i = 0; values[i].name && !zh; i++)
            if (strlen(values[i].name) == len && strncmp(values[i].name, p, len) == 0)
                zh = values[i].zh;
        size_t used = strlen(out);
        snprintf(out + used, sizeof(out) - used, "%s%.*s", used ? "、" : "",
                 zh ? (int)strlen(zh) : (int)len, zh ? zh : p);
        p += len + (p[len] == '|');
    }
    sqlite3_result_text(ctx, values ? out : code, -1, SQLITE_TRANSIENT);
}

static void sql_credit_code_valid(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *code = (const char *)sqlite3_value_text(argv[0]);
    sqlite3_result_int(ctx, code && pa_credit_code_check(code, NULL) == 0);
}

static int register_functions(struct pa_db *db, struct pa_error *err)
{
    static const struct {
        const char *name;
        int args;
        void (*fn)(sqlite3_context *, int, sqlite3_value **);
    } functions[] = {
        {"pa_similarity", 2, sql_similarity}, {"pa_same_town", 2, sql_same_town},
        {"pa_yuan", 1, sql_yuan},             {"pa_quantity", 1, sql_quantity},
        {"pa_percent", 1, sql_percent},       {"pa_zh", 2, sql_zh},
        {"pa_credit_code_valid", 1, sql_credit_code_valid},
    };
    for (size_t i = 0; i < PA_ARRAY_LEN(functions); i++)
        if (sqlite3_create_function(pa_db_sqlite(db), functions[i].name, functions[i].args,
                                    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, functions[i].fn,
                                    NULL, NULL) != SQLITE_OK)
            return pa_db_fail(db, err, "registering the audit's SQL functions");
    return 0;
}

/* ---- running ----------------------------------------------------------------------- */

static void bind_common(sqlite3_stmt *stmt, const char *pairing, const char *as_of)
{
    int i = sqlite3_bind_parameter_index(stmt, ":pairing");
    if (i > 0)
        sqlite3_bind_text(stmt, i, pairing, -1, SQLITE_STATIC);
    if ((i = sqlite3_bind_parameter_index(stmt, ":as_of")) > 0)
        sqlite3_bind_text(stmt, i, as_of, -1, SQLITE_STATIC);
}

int pa_audit__prepare(struct pa_db *db, const char *pairing, const char *as_of,
                      struct pa_error *err)
{
    int rc = register_functions(db, err);
    const char *sql = rule_sql("scope");
    while (rc == 0 && sql && *sql) {
        sqlite3_stmt *stmt = NULL;
        const char *tail;
        if (sqlite3_prepare_v2(pa_db_sqlite(db), sql, -1, &stmt, &tail) != SQLITE_OK)
            return pa_db_fail(db, err, "preparing the audit's scope");
        if (stmt) {
            bind_common(stmt, pairing, as_of);
            if (sqlite3_step(stmt) != SQLITE_DONE)
                rc = pa_db_fail(db, err, "preparing the audit's scope");
            sqlite3_finalize(stmt);
        }
        sql = tail;
    }
    return rc;
}

static void bind_params(sqlite3_stmt *stmt, int r, const struct pa_measures *m)
{
    for (int k = 0; k < PA_RULE_PARAMS && pa_rules[r].params[k].name; k++) {
        const struct pa_rule_param *param = &pa_rules[r].params[k];
        char name[64];
        snprintf(name, sizeof(name), ":%s", param->name);
        int i = sqlite3_bind_parameter_index(stmt, name);
        PA_ASSERT(i > 0); /* a threshold the rule's SQL does not use is a mistake */
        if (param->type == PA_PARAM_PURPOSES)
            sqlite3_bind_text(stmt, i, m->purposes[r], -1, SQLITE_STATIC);
        else
            sqlite3_bind_int64(stmt, i, m->value[r][k]);
    }
}

static const char *column_text(sqlite3_stmt *stmt, int i)
{
    return (const char *)sqlite3_column_text(stmt, i);
}

int pa_audit__rule_run(struct pa_db *db, int r, const struct pa_measures *m, const char *pairing,
                       const char *as_of, int (*fn)(const struct pa_audit_hit *hit, void *ctx),
                       void *ctx, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(pa_db_sqlite(db), rule_sql(pa_rules[r].id), -1, &stmt, NULL) !=
        SQLITE_OK)
        return pa_db_fail(db, err, pa_rules[r].id);
    bind_common(stmt, pairing, as_of);
    bind_params(stmt, r, m);
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct pa_audit_hit hit = {
            .key = column_text(stmt, 0),
            .subject = column_text(stmt, 1),
            .project = column_text(stmt, 2),
            .region = column_text(stmt, 3),
            .severity = column_text(stmt, 4),
            .amount_fen = sqlite3_column_int64(stmt, 5),
            .evidence = column_text(stmt, 6),
            .message = column_text(stmt, 7),
        };
        PA_ASSERT(hit.key && hit.severity && hit.message);
        rc = fn(&hit, ctx);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, pa_rules[r].id);
    sqlite3_finalize(stmt);
    return rc;
}
