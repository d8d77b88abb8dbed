/*
 * cmd_audit.c - the joint audit (联合审计) from the command line:
 *   pairaid audit run [--as-of DATE] [--pairing CODE]
 *   pairaid audit findings [--status open|all|STATUS] [--rule ID]
 *                          [--format table|csv|json|xlsx] [--bom] [--headers en|zh] [-o FILE]
 *   pairaid audit show ID                      one finding with its history
 *   pairaid audit respond ID --action acknowledge|explain|resolve|reopen --note TEXT
 *                                              [--attach FILE]
 * CSV columns: id,rule,severity,subject,amount,evidence,message,status,opened,updated;
 * CSV and XLSX are the report module's 审计发现问题清单 (report.h).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct audit_args {
    const char *as_of, *pairing, *status, *rule, *action, *note, *attach;
    enum pa_out_format format;
    struct pa_cli_sheet sheet;
};

/* ---- run ---------------------------------------------------------------------------- */

struct run {
    const struct audit_args *a;
    struct pa_audit_outcome out;
};

static int run(struct pa_db *db, void *ctx, struct pa_error *err)
{
    struct run *r = ctx;
    return pa_audit_run(db, r->a->as_of, r->a->pairing, &r->out, err);
}

static int cmd_run(struct pa_cli *cli, const struct audit_args *a)
{
    struct pa_db *db;
    int rc = pa_cli_open(cli, 0, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    struct run r = {.a = a};
    struct pa_error err;
    pa_error_clear(&err);
    rc = pa_cli_transaction(db, run, &r, &err);
    pa_db_free(db);
    if (rc != 0)
        return pa_cli_fail(&err);
    const struct pa_audit_outcome *o = &r.out;
    if (cli->lang == PA_LANG_EN)
        printf("audited %d pairing(s) with measures version %d: %lld findings; %lld new, %lld "
               "updated, %lld cleared, %lld unchanged\n",
               o->runs, o->measures_version, (long long)o->found, (long long)o->opened,
               (long long)o->updated, (long long)o->cleared, (long long)o->unchanged);
    else
        printf("审计完成：%d个结对，资金管理办法第%d版（0为默认值）；发现问题%lld条，其中新增%lld条、"
               "更新%lld条、已不再发现（销号）%lld条、未变%lld条\n",
               o->runs, o->measures_version, (long long)o->found, (long long)o->opened,
               (long long)o->updated, (long long)o->cleared, (long long)o->unchanged);
    return PA_EXIT_OK;
}

/* ---- findings ------------------------------------------------------------------------- */

static const char *field(json_t *f, const char *name)
{
    const char *s = json_string_value(json_object_get(f, name));
    return s ? s : "";
}

static const char *severity_zh(const struct pa_cli *cli, const char *severity)
{
    return strcmp(severity, "error") == 0 ? pa_cli_label(cli, "错误", "error")
                                          : pa_cli_label(cli, "提示", "warning");
}

static const char *status_zh(const struct pa_cli *cli, const char *status)
{
    static const char *const names[][2] = {{"open", "待整改"},     {"acknowledged", "已确认"},
                                           {"explained", "已说明"}, {"resolved", "已销号"},
                                           {"cleared", "已消除"}};
    for (size_t i = 0; i < PA_ARRAY_LEN(names); i++)
        if (strcmp(names[i][0], status) == 0)
            return pa_cli_label(cli, names[i][1], names[i][0]);
    return status;
}

static int print_table(const struct pa_cli *cli, json_t *list)
{
    const char *headers[] = {pa_cli_label(cli, "编号", "id"),
                             pa_cli_label(cli, "规则", "rule"),
                             pa_cli_label(cli, "级别", "severity"),
                             pa_cli_label(cli, "对象", "subject"),
                             pa_cli_label(cli, "金额（元）", "amount (yuan)"),
                             pa_cli_label(cli, "状态", "status"),
                             pa_cli_label(cli, "说明", "message")};
    const bool right[] = {false, false, false, false, true, false, false};
    struct pa_table t;
    pa_table_init(&t, 7, headers, right);
    size_t i;
    json_t *f;
    int rc = 0;
    json_array_foreach(list, i, f)
    {
        int64_t fen = 0;
        char amount[64];
        pa_money_parse(field(f, "amount"), &fen, NULL);
        pa_money_format(fen, PA_YUAN, PA_MONEY_GROUP, amount, sizeof(amount));
        const char *cells[] = {field(f, "id"),
                               cli->lang == PA_LANG_EN ? field(f, "rule") : field(f, "rule_zh"),
                               severity_zh(cli, field(f, "severity")),
                               field(f, "subject"),
                               amount,
                               status_zh(cli, field(f, "status")),
                               field(f, "message")};
        if (rc == 0)
            rc = pa_table_add(&t, cells);
    }
    printf(pa_cli_label(cli, "审计发现：%zu条\n", "findings: %zu\n"), json_array_size(list));
    pa_table_print(&t, stdout);
    pa_table_release(&t);
    return rc == 0 ? PA_EXIT_OK : PA_EXIT_RUNTIME;
}

static int cmd_findings(struct pa_cli *cli, const struct audit_args *a)
{
    struct pa_db *db;
    int rc = pa_cli_open(cli, PA_DB_READONLY, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    struct pa_finding_filter f = {.status = a->status, .rule = a->rule, .pairing = a->pairing};
    if (a->format == PA_OUT_CSV || a->format == PA_OUT_XLSX) {
        struct pa_report_query q = {.kind = PA_REPORT_FINDINGS, .findings = f};
        rc = pa_cli_sheet_write(db, &q, a->format, &a->sheet);
        pa_db_free(db);
        return rc;
    }
    struct pa_error err;
    pa_error_clear(&err);
    json_t *list = NULL;
    rc = pa_audit_findings(db, &f, &list, &err);
    pa_db_free(db);
    if (rc != 0)
        return pa_cli_fail(&err);
    if (a->format == PA_OUT_JSON)
        return pa_cli_json_print(list);
    else
        rc = print_table(cli, list);
    json_decref(list);
    return rc;
}

static int cmd_show(struct pa_cli *cli, const char *id)
{
    struct pa_db *db;
    int rc = pa_cli_open(cli, PA_DB_READONLY, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    struct pa_error err;
    pa_error_clear(&err);
    json_t *f = NULL;
    rc = pa_audit_finding(db, id, &f, &err);
    pa_db_free(db);
    if (rc != 0)
        return pa_cli_fail(&err);
    printf("%s  %s  %s  %s\n%s\n%s: %s\n%s: %s\n", field(f, "id"), field(f, "rule_zh"),
           severity_zh(cli, field(f, "severity")), status_zh(cli, field(f, "status")),
           field(f, "message"), pa_cli_label(cli, "金额（元）", "amount (yuan)"),
           field(f, "amount"), pa_cli_label(cli, "证据", "evidence"), field(f, "evidence"));
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(f, "history"), i, h)
    {
        printf("  %s  %-12s %-12s %s%s%s\n", field(h, "date"), field(h, "action"),
               status_zh(cli, field(h, "status")), field(h, "actor"),
               json_is_string(json_object_get(h, "note")) ? ": " : "", field(h, "note"));
    }
    json_decref(f);
    return PA_EXIT_OK;
}

/* ---- respond ------------------------------------------------------------------------------ */

struct respond {
    const char *id;
    const struct audit_args *a;
};

static int respond(struct pa_db *db, void *ctx, struct pa_error *err)
{
    struct respond *r = ctx;
    char stored[80];
    const char *attachment = NULL;
    if (r->a->attach) {
        int rc = pa_media_store(db, r->a->attach, stored, err);
        if (rc != 0)
            return rc;
        attachment = stored;
    }
    return pa_audit_respond(db, r->id, r->a->action, r->a->note, attachment, err);
}

static int cmd_respond(struct pa_cli *cli, const char *id, const struct audit_args *a)
{
    if (a->action == NULL || a->note == NULL)
        return pa_cli_usage("usage: pairaid audit respond ID --action "
                            "acknowledge|explain|resolve|reopen --note TEXT [--attach FILE]");
    struct pa_db *db;
    int rc = pa_cli_open(cli, 0, &db);
    if (rc != PA_EXIT_OK)
        return rc;
    struct respond r = {.id = id, .a = a};
    struct pa_error err;
    pa_error_clear(&err);
    rc = pa_cli_transaction(db, respond, &r, &err);
    pa_db_free(db);
    if (rc != 0)
        return pa_cli_fail(&err);
    printf("%s: %s\n", id, a->action);
    return PA_EXIT_OK;
}

int cmd_audit(struct pa_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {PA_CLI_GLOBAL_OPTIONS,
                                            {"as-of", required_argument, NULL, 'd'},
                                            {"pairing", required_argument, NULL, 'p'},
                                            {"status", required_argument, NULL, 's'},
                                            {"rule", required_argument, NULL, 'r'},
                                            {"format", required_argument, NULL, 'f'},
                                            {"action", required_argument, NULL, 'a'},
                                            {"note", required_argument, NULL, 'n'},
                                            {"attach", required_argument, NULL, 't'},
                                            PA_CLI_SHEET_OPTIONS,
                                            {0, 0, 0, 0}};
    struct audit_args a = {.format = PA_OUT_TABLE};
    int opt;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        if (pa_cli_sheet_option(&a.sheet, opt, optarg))
            continue;
        switch (opt) {
        case 'd':
            a.as_of = optarg;
            break;
        case 'p':
            a.pairing = optarg;
            break;
        case 's':
            a.status = optarg;
            break;
        case 'r':
            a.rule = optarg;
            break;
        case 'a':
            a.action = optarg;
            break;
        case 'n':
            a.note = optarg;
            break;
        case 't':
            a.attach = optarg;
            break;
        case 'f':
            if (pa_cli_out_format(optarg, &a.format) != 0)
                return PA_EXIT_INPUT;
            break;
        default:
            if (pa_cli_global_option(cli, opt, optarg) <= 0)
                return PA_EXIT_INPUT;
        }
    }
    int left = argc - optind;
    const char *verb = left > 0 ? argv[optind] : "";
    if (strcmp(verb, "run") == 0 && left == 1)
        return cmd_run(cli, &a);
    if (strcmp(verb, "findings") == 0 && left == 1)
        return pa_cli_sheet_check(&a.sheet, a.format) != 0 ? PA_EXIT_INPUT : cmd_findings(cli, &a);
    if (strcmp(verb, "show") == 0 && left == 2)
        return cmd_show(cli, argv[optind + 1]);
    if (strcmp(verb, "respond") == 0 && left == 2)
        return cmd_respond(cli, argv[optind + 1], &a);
    return pa_cli_usage("usage: pairaid audit run [--as-of DATE] [--pairing CODE] | findings "
                        "[--status S] [--rule ID] [--format table|csv|json|xlsx] [--bom] [--headers en|zh] "
                        "[-o FILE] | show ID | respond "
                        "ID --action A --note TEXT [--attach FILE]");
}
