/*
 * cmd_budget.c - `pairaid budget [--by project|pairing|county|kind|domain|donor]
 * [--format table|csv|json|xlsx] [--bom] [--headers en|zh] [-o FILE]`: the
 * budget-execution table of Chinese finance reports: 预算数 (budget), 已拨付
 * (allocated to the project's accounts), 待审批 (payments waiting for
 * approval), 已支出 (paid) and 执行率 (paid / budget).  CSV and XLSX are the
 * report module's 预算执行情况表 (report.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct rows {
    struct pa_budget_row *items;
    char **names;
    size_t n, cap;
};

static int collect(const struct pa_budget_row *row, void *ctx)
{
    struct rows *r = ctx;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        struct pa_budget_row *items = realloc(r->items, cap * sizeof(*items));
        char **names = items ? realloc(r->names, cap * sizeof(*names)) : NULL;
        if (items)
            r->items = items;
        if (names)
            r->names = names;
        if (items == NULL || names == NULL)
            return 1;
        r->cap = cap;
    }
    r->items[r->n] = *row;
    r->names[r->n] = strdup(row->name ? row->name : "");
    r->items[r->n].name = r->names[r->n];
    return r->names[r->n++] == NULL;
}

static void rate_text(int permille, char *buf, size_t size)
{
    if (permille < 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%d.%d%%", permille / 10, permille % 10);
}

/* The money of a row in display order: budget, allocated, committed (of it
 * expired), paid, and the investment beside them. */
#define NAMOUNTS 6
static void row_amounts(const struct pa_budget_row *row, int64_t amounts[NAMOUNTS])
{
    amounts[0] = row->budget_fen;
    amounts[1] = row->allocated_fen;
    amounts[2] = row->committed_fen;
    amounts[3] = row->expired_fen;
    amounts[4] = row->paid_fen;
    amounts[5] = row->investment_fen;
}

static int print_json(const struct rows *r)
{
    json_t *array = json_array();
    for (size_t i = 0; array && i < r->n; i++) {
        const struct pa_budget_row *row = &r->items[i];
        char v[NAMOUNTS][64], rate[16];
        int64_t amounts[NAMOUNTS];
        row_amounts(row, amounts);
        pa_cli_yuan(amounts, NAMOUNTS, v);
        rate_text(row->rate_permille, rate, sizeof(rate));
        json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s?}", "key",
                              row->key, "name", row->name, "projects", (json_int_t)row->projects,
                              "budget", v[0], "allocated", v[1], "committed", v[2], "expired",
                              v[3], "paid", v[4], "investment", v[5], "rate",
                              row->rate_permille < 0 ? NULL : rate);
        pa_cli_json_push(&array, o);
    }
    return pa_cli_json_print(array);
}

/* One unit for the whole table (金额单位), chosen by its largest figure. */
static int print_table(const struct pa_cli *cli, const struct rows *r, enum pa_budget_group by)
{
    int64_t largest = 0;
    for (size_t i = 0; i < r->n; i++) {
        int64_t v[NAMOUNTS];
        row_amounts(&r->items[i], v);
        for (int k = 0; k < NAMOUNTS; k++)
            largest = v[k] > largest ? v[k] : largest;
    }
    enum pa_money_unit unit = pa_cli_unit(largest);
    const char *headers[] = {by == PA_BUDGET_PROJECT ? pa_cli_label(cli, "项目", "project")
                                                     : pa_cli_label(cli, "分组", "group"),
                             pa_cli_label(cli, "名称", "name"),
                             pa_cli_label(cli, "项目数", "projects"),
                             pa_cli_label(cli, "预算数", "budget"),
                             pa_cli_label(cli, "已拨付", "allocated"),
                             pa_cli_label(cli, "待审批", "pending"),
                             pa_cli_label(cli, "其中已过期", "of it expired"),
                             pa_cli_label(cli, "已支出", "paid"),
                             pa_cli_label(cli, "执行率", "rate"),
                             pa_cli_label(cli, "总投资", "investment")};
    const bool right[] = {false, false, true, true, true, true, true, true, true, true};
    struct pa_table t;
    pa_table_init(&t, 10, headers, right);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < r->n; i++) {
        const struct pa_budget_row *row = &r->items[i];
        char v[NAMOUNTS][64], rate[16], count[24];
        int64_t amounts[NAMOUNTS];
        row_amounts(row, amounts);
        for (int k = 0; k < NAMOUNTS; k++)
            pa_money_format(amounts[k], unit, PA_MONEY_GROUP, v[k], sizeof(v[k]));
        rate_text(row->rate_permille, rate, sizeof(rate));
        snprintf(count, sizeof(count), "%lld", (long long)row->projects);
        const char *cells[] = {row->key, row->name, count, v[0], v[1],
                               v[2],     v[3],      v[4],  rate, row->investment_fen ? v[5] : "-"};
        rc = pa_table_add(&t, cells);
    }
    printf("%s (%s)\n", pa_cli_label(cli, "预算执行情况", "Budget execution"),
           pa_cli_unit_label(cli, unit));
    pa_table_print(&t, stdout);
    pa_table_release(&t);
    return rc == 0 ? PA_EXIT_OK : PA_EXIT_RUNTIME;
}

int cmd_budget(struct pa_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {PA_CLI_GLOBAL_OPTIONS,
                                            {"by", required_argument, NULL, 'b'},
                                            {"format", required_argument, NULL, 'f'},
                                            PA_CLI_SHEET_OPTIONS,
                                            {0, 0, 0, 0}};
    enum pa_budget_group by = PA_BUDGET_PROJECT;
    struct pa_cli_sheet sheet = {0};
    enum pa_out_format format = PA_OUT_TABLE;
    struct pa_error err;
    pa_error_clear(&err);
    int opt;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        if (pa_cli_sheet_option(&sheet, opt, optarg)) {
            continue;
        } else if (opt == 'b') {
            if (pa_budget_group_parse(optarg, &by, &err) != 0)
                return pa_cli_fail(&err);
        } else if (opt == 'f') {
            if (pa_cli_out_format(optarg, &format) != 0)
                return PA_EXIT_INPUT;
        } else if (pa_cli_global_option(cli, opt, optarg) <= 0) {
            return PA_EXIT_INPUT;
        }
    }
    if (optind != argc)
        return pa_cli_usage("usage: pairaid budget [--by project|pairing|county|kind|domain|donor] "
                            "[--format table|csv|json|xlsx] [--bom] [--headers en|zh] [-o FILE]");
    if (pa_cli_sheet_check(&sheet, format) != 0)
        return PA_EXIT_INPUT;
    struct pa_db *db;
    int rc = pa_cli_open(cli, PA_DB_READONLY, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    if (format == PA_OUT_CSV || format == PA_OUT_XLSX) {
        struct pa_report_query q = {.kind = PA_REPORT_BUDGET, .group = by};
        rc = pa_cli_sheet_write(db, &q, format, &sheet);
        pa_db_free(db);
        return rc;
    }
    struct rows r = {0};
    rc = pa_ledger_budget(db, by, collect, &r, &err);
    pa_db_free(db);
    if (rc != 0)
        rc = pa_cli_fail(&err);
    else if (format == PA_OUT_JSON)
        rc = print_json(&r);
    else
        rc = print_table(cli, &r, by);
    for (size_t i = 0; i < r.n; i++)
        free(r.names[i]);
    free(r.names);
    free(r.items);
    return rc;
}
