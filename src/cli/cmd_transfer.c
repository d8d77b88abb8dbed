/*
 * cmd_transfer.c - `pairaid transfer create|post|void`: one transfer at a time,
 * for people.  create moves money at once, or with --pending asks for approval;
 * post approves a pending transfer (by someone other than who asked: --as), in
 * full or in part; void releases it.  The result is printed as the ledger gives
 * it: created, already exists, or the reason it was refused.  --comment gives a
 * post or void the approver's comment (审批意见), which the event records.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: pairaid transfer create --id ID --from ACCOUNT --to ACCOUNT --amount YUAN "
    "[--date DATE] [--project CODE] [--memo TEXT] [--pending [--expires DATE]]\n"
    "         [--purpose PURPOSE] [--stage STAGE] [--contract CODE]\n"
    "       pairaid transfer post PENDING_ID [--id ID] [--amount YUAN] [--date DATE] "
    "[--comment TEXT]\n"
    "       pairaid transfer void PENDING_ID [--id ID] [--date DATE] [--comment TEXT]";

struct args {
    struct pa_transfer t;
    const char *amount;
    char today[PA_DATE_LEN + 1];
    char default_id[PA_CODE_MAX + 8];
};

/* A purpose or stage may be given in Chinese (车辆) as in a CSV file; the
 * ledger refuses what is neither. */
static const char *code_of(const struct pa_enum_value *values, const char *text)
{
    for (int i = 0; values[i].name; i++)
        if (strcmp(values[i].zh, text) == 0)
            return values[i].name;
    return text;
}

static int parse(struct pa_cli *cli, int argc, char **argv, struct args *a)
{
    static const struct option options[] = {PA_CLI_GLOBAL_OPTIONS,
                                            {"id", required_argument, NULL, 'i'},
                                            {"from", required_argument, NULL, 'f'},
                                            {"to", required_argument, NULL, 't'},
                                            {"amount", required_argument, NULL, 'm'},
                                            {"date", required_argument, NULL, 'd'},
                                            {"project", required_argument, NULL, 'p'},
                                            {"memo", required_argument, NULL, 'o'},
                                            {"pending", no_argument, NULL, 'P'},
                                            {"expires", required_argument, NULL, 'e'},
                                            {"purpose", required_argument, NULL, 'u'},
                                            {"stage", required_argument, NULL, 's'},
                                            {"contract", required_argument, NULL, 'c'},
                                            {"comment", required_argument, NULL, 'C'},
                                            {0, 0, 0, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'i':
            a->t.id = optarg;
            break;
        case 'f':
            a->t.from = optarg;
            break;
        case 't':
            a->t.to = optarg;
            break;
        case 'm':
            a->amount = optarg;
            break;
        case 'd':
            a->t.date = optarg;
            break;
        case 'p':
            a->t.project = optarg;
            break;
        case 'o':
            a->t.memo = optarg;
            break;
        case 'P':
            a->t.kind = PA_TRANSFER_PENDING;
            break;
        case 'e':
            a->t.expires = optarg;
            break;
        case 'u':
            a->t.purpose = code_of(pa_payment_purposes, optarg);
            break;
        case 's':
            a->t.stage = code_of(pa_payment_stages, optarg);
            break;
        case 'c':
            a->t.contract = optarg;
            break;
        case 'C':
            a->t.comment = optarg;
            break;
        default:
            if (pa_cli_global_option(cli, opt, optarg) <= 0)
                return -1;
        }
    }
    return 0;
}

/* Works out the transfer from the sub-command and its arguments; prints usage
 * and returns nonzero when they do not fit. */
static int shape(int argc, char **argv, struct args *a)
{
    const char *verb = optind < argc ? argv[optind] : "";
    int rest = argc - optind - 1;
    if (strcmp(verb, "create") == 0 && rest == 0) {
        if (!a->t.id || !a->t.from || !a->t.to || !a->amount)
            return pa_cli_usage("transfer create needs --id, --from, --to and --amount");
        if (a->t.comment)
            return pa_cli_usage("--comment is for transfer post and void: a request's reason "
                                "goes in --memo");
    } else if ((strcmp(verb, "post") == 0 || strcmp(verb, "void") == 0) && rest == 1) {
        if (a->t.kind == PA_TRANSFER_PENDING || a->t.expires || a->t.from || a->t.to)
            return pa_cli_usage("--pending, --expires, --from and --to are for transfer create");
        a->t.kind = verb[0] == 'p' ? PA_TRANSFER_POST : PA_TRANSFER_VOID;
        a->t.pending_id = argv[optind + 1];
        if (a->t.id == NULL) {
            snprintf(a->default_id, sizeof(a->default_id), "%s:%s", a->t.pending_id, verb);
            a->t.id = a->default_id;
        }
    } else {
        return pa_cli_usage("%s", usage);
    }
    if (a->t.date == NULL) {
        pa_date_format(pa_date_today(), a->today);
        a->t.date = a->today;
    }
    return 0;
}

static int parse_amount(struct args *a)
{
    struct pa_error err;
    if (a->amount == NULL)
        return 0;
    if (pa_money_parse(a->amount, &a->t.amount_fen, &err) != 0) {
        snprintf(err.field, sizeof(err.field), "amount");
        return pa_cli_fail(&err);
    }
    return 0;
}

static int report(const struct pa_cli *cli, const struct pa_transfer *t,
                  const struct pa_transfer_outcome *out)
{
    if (pa_transfer_result_ok(out->result)) {
        printf("%s: %s\n", t->id,
               out->result == PA_TR_CREATED
                   ? pa_cli_label(cli, "已记录", "created")
                   : pa_cli_label(cli, "已存在(未重复记录)", "already exists"));
        return PA_EXIT_OK;
    }
    if (out->result == PA_TR_EXISTS_DIFFERENT)
        pa_cli_error("transfer '%s' already exists with a different %s", t->id, out->field);
    else
        pa_cli_error("transfer '%s' refused: %s%s%s", t->id, pa_transfer_result_text(out->result),
                     out->detail[0] ? PA_MSG(": ") : "", out->detail);
    return PA_EXIT_INPUT;
}

struct submission {
    const struct pa_transfer *t;
    struct pa_transfer_outcome out;
};

/* A refused transfer leaves nothing to commit; report() explains it. */
#define REFUSED 1

static int submit(struct pa_db *db, void *ctx, struct pa_error *err)
{
    struct submission *s = ctx;
    int rc = pa_ledger_submit(db, s->t, 1, &s->out, err);
    return rc != 0 ? rc : s->out.result == PA_TR_CREATED ? 0 : REFUSED;
}

int cmd_transfer(struct pa_cli *cli, int argc, char **argv)
{
    struct args a;
    memset(&a, 0, sizeof(a));
    if (parse(cli, argc, argv, &a) != 0)
        return PA_EXIT_INPUT;
    int rc = shape(argc, argv, &a);
    if (rc == 0)
        rc = parse_amount(&a);
    if (rc != 0)
        return rc;
    struct pa_db *db;
    if ((rc = pa_cli_open(cli, 0, &db)) != PA_EXIT_OK)
        return rc;
    struct pa_error err;
    pa_error_clear(&err);
    struct submission s = {&a.t, {0}};
    rc = pa_cli_transaction(db, submit, &s, &err);
    pa_db_free(db);
    return rc != 0 && rc != REFUSED ? pa_cli_fail(&err) : report(cli, &a.t, &s.out);
}
