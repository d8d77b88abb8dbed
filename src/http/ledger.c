/*
 * ledger.c - accounts, balances, statements and transfers:
 * GET/POST /api/v1/accounts, GET /api/v1/accounts/{code}/statement,
 * GET /api/v1/balances, GET/POST /api/v1/transfers,
 * POST /api/v1/transfers/{id}/post and /void.  Balances and statements are
 * also reports, as CSV or XLSX files (report.c).
 */
#include <stdio.h>
#include <string.h>

#include "http_int.h"

#define BATCH_MAX 1000

/* ---- accounts ------------------------------------------------------------------------ */

void pa_h_accounts(struct pa_http_request *r)
{
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    /* ?may=request[&from=CODE]: the accounts a request may ask money of (or,
     * from CODE, pay into), as the library's request rule answers */
    const char *may = pa_http_query(r, "may"), *from = pa_http_query(r, "from");
    if ((may && strcmp(may, "request") != 0) || (from && !may) ||
        (may && (pa_http_query(r, "kind") || pa_http_query(r, "project")))) {
        pa_http_error(r, 400, "malformed", "may",
                      "may is request (with from, without kind and project) or left out");
        return;
    }
    json_t *accounts;
    int rc = may ? pa_account_list_may_request(db, from, &accounts, &err)
                 : pa_account_list(db, pa_http_query(r, "kind"), pa_http_query(r, "project"),
                                   &accounts, &err);
    if (rc != 0)
        pa_http_fail(r, &err);
    else
        pa_http_json(r, 200, json_pack("{s:o}", "accounts", accounts));
}

static int create_account(struct pa_db *db, struct pa_http_request *r, void *ctx,
                          struct pa_error *err)
{
    const struct pa_record *rec = ctx;
    enum pa_put_result result;
    int rc = pa_record_put(db, rec, &result, err);
    if (rc == 0 && result != PA_PUT_CREATED)
        rc = pa_error_setf(err, PA_EEXIST, "code", "account '%s' exists already", rec->v[0].s);
    if (rc == 0)
        pa_http_json(r, 201, pa_record_json(rec));
    return rc;
}

void pa_h_account_create(struct pa_http_request *r)
{
    json_t *body = pa_http_body_json(r, false);
    struct pa_record rec;
    if (body && pa_http_record(r, pa_kind_find("accounts"), body, &rec, NULL) == 0)
        pa_http_write(r, create_account, &rec, false);
    json_decref(body);
}

/* ---- statements and balances ---------------------------------------------------------- */

/* The account `code` in a list from pa_account_list, or NULL. */
static json_t *find_account(json_t *accounts, const char *code)
{
    size_t i;
    json_t *a;
    json_array_foreach(accounts, i, a)
    {
        if (strcmp(json_string_value(json_object_get(a, "code")), code) == 0)
            return a;
    }
    return NULL;
}

/* One line of a statement, written as it is read (jsonw.c): a pool's statement
 * has a line for every transfer it ever took part in. */
int pa_http_statement_row(const struct pa_statement_line *l, void *ctx)
{
    struct pa_json_writer *w = ctx;
    pa_jw_object(w);
    pa_jw_string_field(w, "id", l->id);
    pa_jw_string_field(w, "date", l->date);
    pa_jw_string_field(w, "kind", l->kind);
    pa_jw_string_field(w, "counterparty", l->counterparty);
    pa_jw_string_field(w, "project", l->project);
    pa_jw_string_field(w, "memo", l->memo);
    pa_jw_string_field(w, "comment", l->comment);
    pa_jw_money_field(w, "debit", l->debit_fen);
    pa_jw_money_field(w, "credit", l->credit_fen);
    pa_jw_money_field(w, "pending", l->pending_fen);
    pa_jw_money_field(w, "balance", l->balance_fen);
    pa_jw_int_field(w, "seq", l->seq);
    pa_jw_end_object(w);
    return w->failed;
}

void pa_h_statement(struct pa_http_request *r)
{
    bool file;
    struct pa_sheet_options opts;
    struct pa_db *db;
    if (pa_http_report_format(r, &file, &opts) != 0 || (db = pa_http_reader(r)) == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    json_t *accounts = NULL, *account = NULL;
    int rc = pa_account_list(db, NULL, NULL, &accounts, &err);
    if (rc == 0)
        account = find_account(accounts, r->params[0]);
    if (rc == 0 && account == NULL)
        rc = pa_error_set(&err, PA_ENOTFOUND, "no account '%s'", r->params[0]);
    if (rc == 0 && file) { /* 账户明细账 as a file, of an account the reader reads */
        struct pa_report_query q = {.kind = PA_REPORT_STATEMENT, .account = r->params[0]};
        pa_http_report(r, db, &q, &opts);
        json_decref(accounts);
        return;
    }
    struct pa_json_writer w = {0};
    if (rc == 0) {
        pa_jw_object(&w);
        pa_jw_key(&w, "account");
        pa_jw_json(&w, account);
        pa_jw_key(&w, "lines");
        pa_jw_array(&w);
        rc = pa_ledger_statement(db, r->params[0], pa_http_statement_row, &w, &err);
    }
    if (rc != 0 && w.failed)
        pa_error_set(&err, PA_ENOMEM, "out of memory");
    json_decref(accounts);
    if (rc != 0) {
        pa_jw_free(&w);
        pa_http_fail(r, &err);
        return;
    }
    pa_jw_end_array(&w);
    pa_jw_end_object(&w);
    pa_http_json_writer(r, 200, &w);
}

/* One row of GET /balances, written as it is read (jsonw.c): the list of every
 * account is the largest answer the app asks for. */
int pa_http_balance_row(const struct pa_balance *b, void *ctx)
{
    struct pa_json_writer *w = ctx;
    pa_jw_object(w);
    pa_jw_string_field(w, "account", b->account);
    pa_jw_string_field(w, "kind", b->kind);
    pa_jw_money_field(w, "debits_posted", b->debits_posted);
    pa_jw_money_field(w, "credits_posted", b->credits_posted);
    pa_jw_money_field(w, "debits_pending", b->debits_pending);
    pa_jw_money_field(w, "credits_pending", b->credits_pending);
    pa_jw_money_field(w, "balance", b->credits_posted - b->debits_posted);
    pa_jw_end_object(w);
    return w->failed;
}

void pa_h_balances(struct pa_http_request *r)
{
    bool file;
    struct pa_sheet_options opts;
    struct pa_db *db;
    if (pa_http_report_format(r, &file, &opts) != 0 || (db = pa_http_reader(r)) == NULL)
        return;
    const char *as_of = pa_http_query(r, "as_of");
    int32_t days;
    if (as_of && pa_date_parse(as_of, &days, NULL) != 0) {
        pa_http_error(r, 400, "malformed", "as_of", "as_of must be a date YYYY-MM-DD");
        return;
    }
    struct pa_as_of when = {.date = as_of, .seq = 0};
    if (file) { /* 资金账户余额表 as a file */
        struct pa_report_query q = {
            .kind = PA_REPORT_BALANCES, .account = pa_http_query(r, "account"), .as_of = when};
        pa_http_report(r, db, &q, &opts);
        return;
    }
    struct pa_error err;
    pa_error_clear(&err);
    struct pa_json_writer w = {0};
    pa_jw_object(&w);
    pa_jw_key(&w, "as_of");
    pa_jw_string(&w, as_of);
    pa_jw_key(&w, "balances");
    pa_jw_array(&w);
    int rc = pa_ledger_balances(db, pa_http_query(r, "account"), as_of ? &when : NULL,
                                pa_http_balance_row, &w, &err);
    if (rc != 0 && w.failed)
        pa_error_set(&err, PA_ENOMEM, "out of memory");
    if (rc != 0) {
        pa_jw_free(&w);
        pa_http_fail(r, &err);
        return;
    }
    pa_jw_end_array(&w);
    pa_jw_end_object(&w);
    pa_http_json_writer(r, 200, &w);
}

/* ---- transfers ------------------------------------------------------------------------- */

void pa_h_transfers(struct pa_http_request *r)
{
    struct pa_transfer_filter f = {
        .state = pa_http_query(r, "state"),
        .account = pa_http_query(r, "account"),
        .id = pa_http_query(r, "id"),
        .region = pa_http_query(r, "region"),
    };
    struct pa_error bad;
    pa_error_clear(&bad);
    if (f.region && f.region[0] && pa_region_code_check(f.region, &bad) != 0) {
        pa_http_error(r, 400, "malformed", "region", "%s", bad.message);
        return;
    }
    struct pa_db *db;
    if (pa_http_page(r, &f.limit, &f.offset) != 0 || (db = pa_http_reader(r)) == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    json_t *list;
    int64_t total;
    if (pa_transfer_list(db, &f, &list, &total, &err) != 0)
        pa_http_fail(r, &err);
    else
        pa_http_json(r, 200,
                     json_pack("{s:o, s:I}", "transfers", list, "total", (json_int_t)total));
}

struct submission {
    struct pa_transfer *transfers;
    struct pa_transfer_outcome *outcomes;
    size_t n;
    bool batch;
};

static bool is_conflict(enum pa_transfer_result result)
{
    return result == PA_TR_EXISTS_DIFFERENT || result == PA_TR_PENDING_ALREADY_POSTED ||
           result == PA_TR_PENDING_ALREADY_VOIDED || result == PA_TR_SAME_ACTOR;
}

/* The first refused transfer as the request's error; nonzero discards the batch. */
static int refusal(const struct submission *s, struct pa_error *err)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct pa_transfer_outcome *o = &s->outcomes[i];
        if (pa_transfer_result_ok(o->result))
            continue;
        char field[64] = "";
        const char *name = o->field[0] ? o->field : pa_transfer_result_field(o->result);
        if (s->batch)
            snprintf(field, sizeof(field), "[%zu]%s%s", i, name ? "." : "", name ? name : "");
        else
            snprintf(field, sizeof(field), "%s", name ? name : "");
        return pa_error_setf(err, is_conflict(o->result) ? PA_EEXIST : PA_EINVAL, field,
                             "%s: %s%s%s", pa_transfer_result_name(o->result),
                             pa_transfer_result_text(o->result), o->detail[0] ? PA_MSG(": ") : "",
                             o->detail);
    }
    return 0;
}

static int submit(struct pa_db *db, struct pa_http_request *r, void *ctx, struct pa_error *err)
{
    struct submission *s = ctx;
    int rc = pa_ledger_submit(db, s->transfers, s->n, s->outcomes, err);
    if (rc == 0)
        rc = refusal(s, err);
    if (rc != 0)
        return rc;
    json_t *results = json_array();
    bool created = false;
    for (size_t i = 0; i < s->n; i++) {
        created = created || s->outcomes[i].result == PA_TR_CREATED;
        json_array_append_new(results, json_pack("{s:s, s:s}", "id", s->transfers[i].id, "result",
                                                 pa_transfer_result_name(s->outcomes[i].result)));
    }
    pa_http_json(r, created ? 201 : 200, json_pack("{s:o}", "results", results));
    return 0;
}

static bool alloc_submission(struct pa_http_request *r, struct submission *s, size_t n)
{
    s->n = n;
    s->transfers = pa_http_alloc(r, n * sizeof(*s->transfers));
    s->outcomes = pa_http_alloc(r, n * sizeof(*s->outcomes));
    if (s->transfers && s->outcomes)
        return true;
    pa_http_error(r, 503, "busy", NULL, "out of memory");
    return false;
}

/* One transfer object of a POST: a posted or pending transfer, never a post/void. */
static int parse_transfer(struct pa_http_request *r, json_t *obj, const char *prefix,
                          struct pa_transfer *t)
{
    struct pa_record rec;
    if (pa_http_record(r, pa_kind_find("transfers"), obj, &rec, prefix) != 0)
        return -1;
    pa_transfer_from_record(&rec, t);
    if (t->kind == PA_TRANSFER_POST || t->kind == PA_TRANSFER_VOID || t->pending_id) {
        char field[64];
        snprintf(field, sizeof(field), "%s%s%s", prefix, prefix[0] ? "." : "",
                 t->pending_id ? "pending_id" : "kind");
        pa_http_error(r, 422, "invalid", field,
                      "a new transfer is posted or pending; approve or reject a pending one "
                      "with POST /api/v1/transfers/{id}/post or /void");
        return -1;
    }
    return 0;
}

void pa_h_transfer_create(struct pa_http_request *r)
{
    json_t *body = pa_http_body_json(r, true);
    if (body == NULL)
        return;
    struct submission s = {.batch = json_is_array(body)};
    size_t n = s.batch ? json_array_size(body) : 1;
    if (n > BATCH_MAX) {
        pa_http_error(r, 422, "invalid", NULL, "a batch has at most %d transfers", BATCH_MAX);
    } else if (alloc_submission(r, &s, n)) {
        bool ok = true;
        for (size_t i = 0; ok && i < n; i++) {
            char prefix[32] = "";
            if (s.batch)
                snprintf(prefix, sizeof(prefix), "[%zu]", i);
            ok = parse_transfer(r, s.batch ? json_array_get(body, i) : body, prefix,
                                &s.transfers[i]) == 0;
        }
        if (ok)
            pa_http_write(r, submit, &s, false);
    }
    json_decref(body);
}

/* comment: the approver's 审批意见, text of at most 1,000 characters (the
 * transfers kind checks it as it checks a memo) */
static const char *const resolve_fields[] = {"date", "amount", "id", "memo", "comment", NULL};

/* POST /transfers/{id}/post or /void: the approval or rejection of a pending one. */
static void resolve(struct pa_http_request *r, enum pa_transfer_kind kind)
{
    /* a pending transfer's id is a code: anything else names none (and text
     * that is not UTF-8 would make json_pack below fail) */
    if (pa_code_check(r->params[0], NULL) != 0) {
        pa_http_error(r, 404, "not_found", NULL, "no pending transfer '%.64s'", r->params[0]);
        return;
    }
    json_t *body = r->body_len ? pa_http_body_json(r, false) : json_object();
    if (body == NULL || pa_http_known_fields(r, body, resolve_fields, NULL) != 0) {
        json_decref(body);
        return;
    }
    /* the same parser as a transfer's, so the fields obey the same rules */
    char today[PA_DATE_LEN + 1], id[PA_CODE_MAX + 8];
    pa_date_format(pa_date_today(), today);
    snprintf(id, sizeof(id), "%.62s-%c", r->params[0], kind == PA_TRANSFER_POST ? 'P' : 'V');
    json_t *full = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "date", today, "from", "X",
                             "to", "X", "amount", "0.00");
    json_object_update(full, body);
    struct submission s = {.batch = false};
    struct pa_record rec;
    if (full == NULL)
        pa_http_error(r, 503, "busy", NULL, "out of memory");
    else if (pa_http_record(r, pa_kind_find("transfers"), full, &rec, NULL) == 0 &&
             alloc_submission(r, &s, 1)) {
        pa_transfer_from_record(&rec, &s.transfers[0]);
        s.transfers[0].kind = kind;
        s.transfers[0].from = s.transfers[0].to = NULL;
        s.transfers[0].pending_id = r->params[0];
        pa_http_write(r, submit, &s, false);
    }
    json_decref(full);
    json_decref(body);
}

void pa_h_transfer_post(struct pa_http_request *r)
{
    resolve(r, PA_TRANSFER_POST);
}

void pa_h_transfer_void(struct pa_http_request *r)
{
    resolve(r, PA_TRANSFER_VOID);
}
