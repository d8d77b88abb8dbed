/*
 * ledger.c - the ledger as a module: its kinds for import and export (accounts,
 * transfers), its event types for the log, and the transfers kind's put, which
 * routes each CSV row through pa_ledger_submit so a file obeys the same rules
 * as every other way of moving money.
 */
#include <stdio.h>
#include <string.h>

#include "ledger_int.h"

enum {
    T_ID,
    T_DATE,
    T_FROM,
    T_TO,
    T_AMOUNT,
    T_PROJECT,
    T_MEMO,
    T_KIND,
    T_PENDING_ID,
    T_EXPIRES,
    T_PURPOSE,
    T_STAGE,
    T_CONTRACT,
    T_COMMENT,
};

static const struct pa_enum_value transfer_kinds[] = {
    {"posted", "已过账"}, {"pending", "待审批"}, {"post", "批准"}, {"void", "撤销"}, {NULL, NULL}};

static const struct pa_column transfer_columns[] = {
    {"id", PA_COL_CODE, PA_COL_KEY | PA_COL_REQUIRED, NULL},
    {"date", PA_COL_DATE, PA_COL_REQUIRED, NULL},
    {"from", PA_COL_CODE, PA_COL_REQUIRED, NULL},
    {"to", PA_COL_CODE, PA_COL_REQUIRED, NULL},
    {"amount", PA_COL_MONEY, PA_COL_REQUIRED, NULL},
    {"project", PA_COL_CODE, 0, NULL},
    {"memo", PA_COL_MEMO, 0, NULL},
    {"kind", PA_COL_ENUM, PA_COL_EXTRA, transfer_kinds},
    {"pending_id", PA_COL_CODE, PA_COL_EXTRA, NULL},
    {"expires", PA_COL_DATE, PA_COL_EXTRA, NULL},
    /* what the joint audit reads (docs/audit.md); exported only when used */
    {"purpose", PA_COL_ENUM, PA_COL_EXTRA, pa_payment_purposes},
    {"stage", PA_COL_ENUM, PA_COL_EXTRA, pa_payment_stages},
    {"contract", PA_COL_CODE, PA_COL_EXTRA, NULL},
    /* a post's or void's 审批意见, so that an export re-imports with it */
    {"comment", PA_COL_MEMO, PA_COL_EXTRA, NULL},
};

/* The table's names for the columns "from" and "to" (SQL keywords). */
static const char *const transfer_sql_names[] = {
    NULL, NULL, "from_account", "to_account", NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL};

static const char *text_or_null(const struct pa_value *v)
{
    return v->null ? NULL : v->s;
}

void pa_transfer_from_record(const struct pa_record *rec, struct pa_transfer *t)
{
    memset(t, 0, sizeof(*t));
    t->id = rec->v[T_ID].s;
    t->date = rec->v[T_DATE].s;
    t->from = rec->v[T_FROM].s;
    t->to = rec->v[T_TO].s;
    t->amount_fen = rec->v[T_AMOUNT].i;
    t->project = text_or_null(&rec->v[T_PROJECT]);
    t->memo = text_or_null(&rec->v[T_MEMO]);
    t->pending_id = text_or_null(&rec->v[T_PENDING_ID]);
    t->expires = text_or_null(&rec->v[T_EXPIRES]);
    t->purpose = text_or_null(&rec->v[T_PURPOSE]);
    t->stage = text_or_null(&rec->v[T_STAGE]);
    t->contract = text_or_null(&rec->v[T_CONTRACT]);
    t->comment = text_or_null(&rec->v[T_COMMENT]);
    const char *kind = text_or_null(&rec->v[T_KIND]);
    for (int k = 0; kind && transfer_kinds[k].name; k++)
        if (strcmp(kind, transfer_kinds[k].name) == 0)
            t->kind = (enum pa_transfer_kind)k;
}

/* One CSV row is one transfer: created, skipped as already recorded, or a row
 * error naming the column at fault. */
static int put_transfer(struct pa_db *db, const struct pa_record *rec, enum pa_put_result *result,
                        struct pa_error *err)
{
    struct pa_transfer t;
    struct pa_transfer_outcome out;
    pa_transfer_from_record(rec, &t);
    int rc = pa_ledger_submit(db, &t, 1, &out, err);
    if (rc != 0)
        return rc;
    if (out.result == PA_TR_CREATED || out.result == PA_TR_EXISTS) {
        *result = out.result == PA_TR_CREATED ? PA_PUT_CREATED : PA_PUT_SAME;
        return 0;
    }
    const char *field = out.field[0] ? out.field : NULL;
    if (out.result == PA_TR_EXISTS_DIFFERENT)
        return pa_error_setf(err, PA_EEXIST, field,
                             "transfer '%s' is already recorded with a different %s", t.id,
                             out.field);
    return pa_error_setf(err, PA_EINVAL, field, "%s%s%s", pa_transfer_result_text(out.result),
                         out.detail[0] ? PA_MSG(": ") : "", out.detail);
}

const struct pa_kind pa_ledger__transfer_kind = {
    .name = "transfers",
    .event_create = NULL, /* transfers have their own events, applied by the ledger */
    .columns = transfer_columns,
    .ncolumns = PA_ARRAY_LEN(transfer_columns),
    .table = "transfers",
    .sql_names = transfer_sql_names,
    /* in log order, so that a re-import applies them in the order they happened */
    .order_by = "seq",
    .visible = "pa_sees_account(from_account) OR pa_sees_account(to_account)",
    .sql_has_extra = "SELECT EXISTS (SELECT 1 FROM transfers WHERE kind <> 'posted' OR "
                     "purpose IS NOT NULL OR stage IS NOT NULL OR contract IS NOT NULL)",
    .put = put_transfer,
    .authorize = pa_scope_allow, /* the ledger decides, per account */
    .repeats_allowed = true,
};

static const struct pa_event_type ledger_events[] = {
    {"account.create", pa_registry__apply_create},  {"account.close", pa_ledger__apply_close},
    {"transfer.create", pa_ledger__apply_transfer}, {"transfer.post", pa_ledger__apply_transfer},
    {"transfer.void", pa_ledger__apply_transfer},   {NULL, NULL},
};

static const char *const ledger_tables[] = {"transfers", "accounts", NULL};

/* transfer.c reads these as flat fields too: replay skips jansson for them */
static const char *const ledger_flat_types[] = {"transfer.create", "transfer.post",
                                                "transfer.void", NULL};

/* the ledger's writes read transfers by id only, never by account */
static const char *const ledger_bulk_tables[] = {"transfers", NULL};

/* An account is in its pairing's log (a project account: its project's); a
 * transfer in the log of the pairing whose money it moves. */
static int ledger_log_of(struct pa_db *db, const struct pa_event *ev, char *log,
                         struct pa_error *err)
{
    if (strcmp(ev->type, "account.create") == 0)
        return pa_registry__log_of(db, ev, log, err);
    if (strcmp(ev->type, "account.close") == 0)
        return pa_ledger__log_of_account(db, json_string_value(json_object_get(ev->data, "code")),
                                         log, err);
    return pa_ledger__log_of_transfer(db, ev, log, err);
}

static const struct pa_event_module ledger_module = {.name = "ledger",
                                                     .log_of = ledger_log_of,
                                                     .types = ledger_events,
                                                     .tables = ledger_tables,
                                                     .flat_types = ledger_flat_types,
                                                     .bulk_tables = ledger_bulk_tables};

void pa_ledger_init(void)
{
    pa_registry_init();
    pa_kind_register(&pa_ledger__account_kind);
    pa_kind_register(&pa_ledger__transfer_kind);
    pa_tlog_register(&ledger_module);
}
