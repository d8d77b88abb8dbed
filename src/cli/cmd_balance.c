/*
 * cmd_balance.c - `pairaid balance [--account CODE] [--as-of DATE | --at N]
 * [--format table|csv|json|xlsx] [--bom] [--headers en|zh] [-o FILE]`: every
 * account's four counters and its balance
 * (credits posted - debits posted), now, at the end of a business date, or after
 * log position N.  CSV and JSON are for programs (yuan, two decimals); the table
 * is for people (separators, 万元 once amounts reach ten thousand yuan), as is
 * the XLSX 资金账户余额表 of the report module (report.h), which writes the CSV too.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct rows {
    struct pa_balance *items;
    size_t n, cap;
};

static int collect(const struct pa_balance *b, void *ctx)
{
    struct rows *rows = ctx;
    if (rows->n == rows->cap) {
        size_t cap = rows->cap ? rows->cap * 2 : 64;
        struct pa_balance *items = realloc(rows->items, cap * sizeof(*items));
        if (items == NULL)
            return 1;
        rows->items = items;
        rows->cap = cap;
    }
    rows->items[rows->n++] = *b;
    return 0;
}

static int64_t balance_of(const struct pa_balance *b)
{
    return b->credits_posted - b->debits_posted;
}

static int print_json(const struct rows *rows)
{
    json_t *array = json_array();
    for (size_t i = 0; array && i < rows->n; i++) {
        const struct pa_balance *b = &rows->items[i];
        char v[5][64];
        int64_t amounts[] = {b->debits_posted, b->credits_posted, b->debits_pending,
                             b->credits_pending, balance_of(b)};
        pa_cli_yuan(amounts, 5, v);
        json_t *obj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "account", b->account,
                                "kind", b->kind, "debits_posted", v[0], "credits_posted", v[1],
                                "debits_pending", v[2], "credits_pending", v[3], "balance", v[4]);
        pa_cli_json_push(&array, obj);
    }
    return pa_cli_json_print(array);
}

static int print_table(const struct pa_cli *cli, const struct rows *rows)
{
    int64_t largest = 0;
    for (size_t i = 0; i < rows->n; i++) {
        const struct pa_balance *b = &rows->items[i];
        int64_t v[] = {b->debits_posted, b->credits_posted, b->debits_pending, b->credits_pending,
                       balance_of(b) < 0 ? -balance_of(b) : balance_of(b)};
        for (size_t k = 0; k < PA_ARRAY_LEN(v); k++)
            largest = v[k] > largest ? v[k] : largest;
    }
    enum pa_money_unit unit = pa_cli_unit(largest);
    const char *headers[] = {pa_cli_label(cli, "账户", "account"),
                             pa_cli_label(cli, "类型", "kind"),
                             pa_cli_label(cli, "借方已过账", "debits posted"),
                             pa_cli_label(cli, "贷方已过账", "credits posted"),
                             pa_cli_label(cli, "借方待审批", "debits pending"),
                             pa_cli_label(cli, "贷方待审批", "credits pending"),
                             pa_cli_label(cli, "余额", "balance")};
    const bool right[] = {false, false, true, true, true, true, true};
    struct pa_table t;
    pa_table_init(&t, 7, headers, right);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < rows->n; i++) {
        const struct pa_balance *b = &rows->items[i];
        char v[5][64];
        int64_t amounts[] = {b->debits_posted, b->credits_posted, b->debits_pending,
                             b->credits_pending, balance_of(b)};
        for (int k = 0; k < 5; k++)
            pa_money_format(amounts[k], unit, PA_MONEY_GROUP, v[k], sizeof(v[k]));
        const char *cells[] = {b->account, b->kind, v[0], v[1], v[2], v[3], v[4]};
        rc = pa_table_add(&t, cells);
    }
    printf("%s: %s\n", pa_cli_label(cli, "金额单位", "amounts in"), pa_cli_unit_label(cli, unit));
    pa_table_print(&t, stdout);
    pa_table_release(&t);
    return rc == 0 ? PA_EXIT_OK : PA_EXIT_RUNTIME;
}

static int parse_position(const char *text, int64_t *seq)
{
    char *end;
    long long v = strtoll(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < 1)
        return pa_cli_usage("--at takes a log position (1, 2, 3 ...)");
    *seq = v;
    return 0;
}

int cmd_balance(struct pa_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {PA_CLI_GLOBAL_OPTIONS,
                                            {"account", required_argument, NULL, 'a'},
                                            {"as-of", required_argument, NULL, 'd'},
                                            {"at", required_argument, NULL, 'n'},
                                            {"format", required_argument, NULL, 'f'},
                                            PA_CLI_SHEET_OPTIONS,
                                            {0, 0, 0, 0}};
    const char *account = NULL;
    struct pa_cli_sheet sheet = {0};
    struct pa_as_of as_of = {NULL, 0};
    enum pa_out_format format = PA_OUT_TABLE;
    int opt;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        if (pa_cli_sheet_option(&sheet, opt, optarg))
            continue;
        switch (opt) {
        case 'a':
            account = optarg;
            break;
        case 'd':
            as_of.date = optarg;
            break;
        case 'n':
            if (parse_position(optarg, &as_of.seq) != 0)
                return PA_EXIT_INPUT;
            break;
        case 'f':
            if (pa_cli_out_format(optarg, &format) != 0)
                return PA_EXIT_INPUT;
            break;
        default:
            if (pa_cli_global_option(cli, opt, optarg) <= 0)
                return PA_EXIT_INPUT;
        }
    }
    if (optind != argc)
        return pa_cli_usage("usage: pairaid balance [--account CODE] [--as-of DATE] [--at N] "
                            "[--format table|csv|json|xlsx] [--bom] [--headers en|zh] [-o FILE]");
    if (pa_cli_sheet_check(&sheet, format) != 0)
        return PA_EXIT_INPUT;
    struct pa_db *db;
    int rc = pa_cli_open(cli, PA_DB_READONLY, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    if (format == PA_OUT_CSV || format == PA_OUT_XLSX) {
        struct pa_report_query q = {.kind = PA_REPORT_BALANCES, .account = account, .as_of = as_of};
        rc = pa_cli_sheet_write(db, &q, format, &sheet);
        pa_db_free(db);
        return rc;
    }
    struct rows rows = {0};
    struct pa_error err;
    pa_error_clear(&err);
    rc = pa_ledger_balances(db, account, &as_of, collect, &rows, &err);
    pa_db_free(db);
    if (rc != 0)
        rc = pa_cli_fail(&err);
    else if (format == PA_OUT_JSON)
        rc = print_json(&rows);
    else
        rc = print_table(cli, &rows);
    free(rows.items);
    return rc;
}
