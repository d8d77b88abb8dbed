/*
 * cmd_summary.c - `pairaid summary`: the programme at a glance for a terminal:
 * pairings, projects by kind, status and domain with budgets in 万元, people
 * exchanged and the latest key moments (定格时刻).  Chinese first; --lang en.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* The label of an enum value: its Chinese name, or the code itself in English. */
static const char *value_label(const struct pa_cli *cli, const char *column, const char *value)
{
    const struct pa_kind *kind = pa_kind_find("projects");
    int col = pa_kind_column(kind, column);
    if (cli->lang == PA_LANG_ZH && col >= 0)
        for (const struct pa_enum_value *e = kind->columns[col].values; e && e->name; e++)
            if (strcmp(e->name, value) == 0)
                return e->zh;
    return value;
}

static void print_rows(const struct pa_cli *cli, const char *title, const char *column,
                       const struct pa_summary_row *rows, int n)
{
    printf("\n%s\n", title);
    for (int i = 0; i < n; i++) {
        char wan[64];
        pa_money_format(rows[i].budget_fen, PA_WAN, PA_MONEY_GROUP, wan, sizeof(wan));
        /* Chinese labels are two columns wide per character: pad by display width. */
        const char *label = value_label(cli, column, rows[i].key);
        int width = (int)pa_utf8_chars(label, strlen(label));
        int cjk = (int)(strlen(label) - (size_t)width) / 2;
        printf("  %s%*s %5lld %s %14s %s\n", label, 16 - width - cjk, "", (long long)rows[i].count,
               pa_cli_label(cli, "个", "  "), wan, pa_cli_label(cli, "万元", "x10k yuan"));
    }
}

static void print_funds(const struct pa_cli *cli, const struct pa_funds_summary *f)
{
    char arranged[64], pooled[64], allocated[64], paid[64], live[64], expired[64];
    unsigned flags = PA_MONEY_GROUP | PA_MONEY_SUFFIX;
    pa_money_format(f->arranged_fen, PA_WAN, flags, arranged, sizeof(arranged));
    pa_money_format(f->pooled_fen, PA_WAN, flags, pooled, sizeof(pooled));
    pa_money_format(f->allocated_fen, PA_WAN, flags, allocated, sizeof(allocated));
    pa_money_format(f->paid_fen, PA_WAN, flags, paid, sizeof(paid));
    pa_money_format(f->pending_fen - f->expired_pending_fen, PA_WAN, flags, live, sizeof(live));
    pa_money_format(f->expired_pending_fen, PA_WAN, flags, expired, sizeof(expired));
    printf("\n%s\n", pa_cli_label(cli, "帮扶资金", "Assistance funds"));
    if (f->accounts == 0) {
        printf("  %s\n", pa_cli_label(cli, "(尚无资金账户)", "(no fund accounts yet)"));
        return;
    }
    printf("  %s %s   %s %s\n", pa_cli_label(cli, "已安排", "arranged"), arranged,
           pa_cli_label(cli, "资金池结余", "held in pools"), pooled);
    printf("  %s %s   %s %s\n", pa_cli_label(cli, "已拨付项目", "allocated to projects"), allocated,
           pa_cli_label(cli, "项目已支出", "paid by projects"), paid);
    /* an expired request can only be voided: it is not work waiting, so it is
     * counted apart from the live ones */
    printf("  %s %lld %s (%s), %s %lld %s (%s)\n", pa_cli_label(cli, "待审批", "pending"),
           (long long)(f->pending_transfers - f->expired_pending),
           pa_cli_label(cli, "笔", "transfers"), live,
           pa_cli_label(cli, "另有已过期", "and expired"), (long long)f->expired_pending,
           pa_cli_label(cli, "笔", "transfers"), expired);
}

static void print_summary(const struct pa_cli *cli, const struct pa_summary *s,
                          const struct pa_funds_summary *funds)
{
    char total[64], yi[64];
    pa_money_format(s->budget_fen, PA_WAN, PA_MONEY_GROUP | PA_MONEY_SUFFIX, total, sizeof(total));
    pa_money_format(s->budget_fen, PA_YI, PA_MONEY_SUFFIX, yi, sizeof(yi));
    printf("%s\n", pa_cli_label(cli, "结对帮扶概览", "Paired assistance at a glance"));
    printf("  %s: %lld (%s %lld)\n", pa_cli_label(cli, "结对关系", "pairings"),
           (long long)s->pairings, pa_cli_label(cli, "县区结对", "county-level"),
           (long long)s->county_pairings);
    printf("  %s: %lld, %s %s (%s)\n", pa_cli_label(cli, "项目", "projects"),
           (long long)s->projects, pa_cli_label(cli, "帮扶资金安排", "assistance money"), total,
           yi);
    if (s->investment_fen > 0) { /* other people's money too: never added to the budget */
        pa_money_format(s->investment_fen, PA_YI, PA_MONEY_GROUP | PA_MONEY_SUFFIX, yi,
                        sizeof(yi));
        printf("  %s %s\n", pa_cli_label(cli, "园区及产业项目总投资", "total investment of parks "
                                          "and industrial projects"), yi);
    }
    printf("  %s: %lld   %s: %lld (%lld %s)\n", pa_cli_label(cli, "单位", "organisations"),
           (long long)s->orgs, pa_cli_label(cli, "人才交流", "people exchanges"),
           (long long)s->exchanges, (long long)s->people, pa_cli_label(cli, "人次", "people"));
    print_funds(cli, funds);
    print_rows(cli, pa_cli_label(cli, "按类别", "By kind"), "kind", s->by_kind, s->nkind);
    print_rows(cli, pa_cli_label(cli, "按状态", "By status"), "status", s->by_status, s->nstatus);
    print_rows(cli, pa_cli_label(cli, "按领域", "By domain"), "domain", s->by_domain, s->ndomain);
    printf("\n%s\n", pa_cli_label(cli, "最新定格时刻", "Latest key moments"));
    for (int i = 0; i < s->nmoments; i++)
        printf("  %s  %s  (%s)\n", s->moments[i].date, s->moments[i].title, s->moments[i].project);
    if (s->nmoments == 0)
        printf("  %s\n", pa_cli_label(cli, "(暂无)", "(none yet)"));
}

int cmd_summary(struct pa_cli *cli, int argc, char **argv)
{
    if (pa_cli_only_global_options(cli, argc, argv) != 0)
        return PA_EXIT_INPUT;
    if (optind != argc)
        return pa_cli_usage("summary takes no arguments");
    struct pa_db *db;
    int rc = pa_cli_open(cli, PA_DB_READONLY, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    struct pa_summary s;
    struct pa_funds_summary funds;
    struct pa_error err;
    pa_error_clear(&err);
    rc = pa_summary_load(db, &s, &err);
    if (rc == 0)
        rc = pa_funds_summary_load(db, &funds, &err);
    pa_db_free(db);
    if (rc != 0)
        return pa_cli_fail(&err);
    print_summary(cli, &s, &funds);
    return PA_EXIT_OK;
}
