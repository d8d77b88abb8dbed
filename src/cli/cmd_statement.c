/*
 * cmd_statement.c - `pairaid statement ACCOUNT [--format table|csv|json|xlsx]
 * [--bom] [--headers en|zh] [-o FILE]`: the account's movements in date order
 * with a running posted balance, and what each pending request reserves or
 * releases.  CSV and XLSX are the report module's 账户明细账 (report.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct printer {
    const struct pa_cli *cli;
    enum pa_out_format format;
    struct pa_table table;
    json_t *json;
    int failed;
};

static int print_line(const struct pa_statement_line *l, void *ctx)
{
    struct printer *p = ctx;
    char debit[64], credit[64], pending[64], balance[64];
    bool people = p->format == PA_OUT_TABLE;
    unsigned flags = people ? PA_MONEY_GROUP : 0;
    pa_money_format(l->debit_fen, PA_YUAN, flags, debit, sizeof(debit));
    pa_money_format(l->credit_fen, PA_YUAN, flags, credit, sizeof(credit));
    pa_money_format(l->pending_fen, PA_YUAN, flags, pending, sizeof(pending));
    pa_money_format(l->balance_fen, PA_YUAN, flags, balance, sizeof(balance));
    const char *cells[] = {l->date,
                           l->id,
                           l->kind,
                           l->counterparty,
                           l->project ? l->project : "",
                           people && l->debit_fen == 0 ? "" : debit,
                           people && l->credit_fen == 0 ? "" : credit,
                           people && l->pending_fen == 0 ? "" : pending,
                           balance,
                           l->memo ? l->memo : "",
                           l->comment ? l->comment : ""};
    if (p->format == PA_OUT_TABLE) {
        p->failed = pa_table_add(&p->table, cells);
    } else {
        json_t *o =
            json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s, s:s, s:s, s:s, s:s?, s:s?, s:I}", "date",
                      l->date, "id", l->id, "kind", l->kind, "counterparty", l->counterparty,
                      "project", l->project, "debit", debit, "credit", credit, "pending",
                      pending, "balance", balance, "memo", l->memo, "comment", l->comment,
                      "seq", (json_int_t)l->seq);
        pa_cli_json_push(&p->json, o);
        p->failed = p->json == NULL;
    }
    return p->failed;
}

int cmd_statement(struct pa_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {PA_CLI_GLOBAL_OPTIONS,
                                            {"format", required_argument, NULL, 'f'},
                                            PA_CLI_SHEET_OPTIONS,
                                            {0, 0, 0, 0}};
    struct printer p = {.cli = cli, .format = PA_OUT_TABLE};
    struct pa_cli_sheet sheet = {0};
    int opt;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        if (pa_cli_sheet_option(&sheet, opt, optarg)) {
            continue;
        } else if (opt == 'f') {
            if (pa_cli_out_format(optarg, &p.format) != 0)
                return PA_EXIT_INPUT;
        } else if (pa_cli_global_option(cli, opt, optarg) <= 0) {
            return PA_EXIT_INPUT;
        }
    }
    if (argc - optind != 1)
        return pa_cli_usage("usage: pairaid statement ACCOUNT [--format table|csv|json|xlsx] "
                            "[--bom] [--headers en|zh] [-o FILE]");
    if (pa_cli_sheet_check(&sheet, p.format) != 0)
        return PA_EXIT_INPUT;
    struct pa_db *db;
    int rc = pa_cli_open(cli, PA_DB_READONLY, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    if (p.format == PA_OUT_CSV || p.format == PA_OUT_XLSX) {
        struct pa_report_query q = {.kind = PA_REPORT_STATEMENT, .account = argv[optind]};
        rc = pa_cli_sheet_write(db, &q, p.format, &sheet);
        pa_db_free(db);
        return rc;
    }
    const char *headers[] = {
        pa_cli_label(cli, "日期", "date"),    pa_cli_label(cli, "编号", "id"),
        pa_cli_label(cli, "类型", "kind"),    pa_cli_label(cli, "对方账户", "counterparty"),
        pa_cli_label(cli, "项目", "project"), pa_cli_label(cli, "支出", "debit"),
        pa_cli_label(cli, "收入", "credit"),  pa_cli_label(cli, "待审批", "pending"),
        pa_cli_label(cli, "余额", "balance"), pa_cli_label(cli, "摘要", "memo"),
        pa_cli_label(cli, "审批意见", "comment")};
    const bool right[] = {false, false, false, false, false, true, true, true, true, false, false};
    pa_table_init(&p.table, 11, headers, right);
    p.json = json_array();
    struct pa_error err;
    pa_error_clear(&err);
    rc = pa_ledger_statement(db, argv[optind], print_line, &p, &err);
    pa_db_free(db);
    if (rc != 0) {
        rc = pa_cli_fail(&err);
    } else if (p.failed) {
        rc = PA_EXIT_RUNTIME;
    } else if (p.format == PA_OUT_TABLE) {
        printf("%s %s (%s)\n", pa_cli_label(cli, "账户明细", "Statement of"), argv[optind],
               pa_cli_label(cli, "元", "yuan"));
        pa_table_print(&p.table, stdout);
    } else if (p.format == PA_OUT_JSON) {
        rc = pa_cli_json_print(p.json);
        p.json = NULL;
    }
    json_decref(p.json);
    pa_table_release(&p.table);
    return rc;
}
