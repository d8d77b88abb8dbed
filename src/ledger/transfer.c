/*
 * transfer.c - moving money: checking a transfer against the books, recording it
 * as an event, and applying it to the counters (the same apply on the live path
 * and on replay).  Linked chains succeed or fail as one: a savepoint undoes their
 * rows and the account cache undoes their counters.
 *
 * The order of the checks is part of the contract (docs/ledger.md): the first one
 * that fails gives the result.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ledger_int.h"

static const char *const kind_names[] = {"posted", "pending", "post", "void"};

/* The negative list of the measures (docs/audit.md) names purposes from here. */
const struct pa_enum_value pa_payment_purposes[] = {
    {"works", "工程"},
    {"goods", "货物"},
    {"services", "服务"},
    {"subsidy", "补助"},
    {"training", "培训"},
    {"allocation", "资金拨付"},
    {"personnel", "人员经费"},
    {"allowances", "津补贴"},
    {"office_building", "办公楼"},
    {"vehicles", "车辆"},
    {"debt", "偿债"},
    {"deposit", "保证金"},
    {"running_costs", "日常公用经费"},
    {"other", "其他"},
    {NULL, NULL},
};

const struct pa_enum_value pa_payment_stages[] = {
    {"advance", "预付款"}, {"progress", "进度款"}, {"final", "尾款"}, {NULL, NULL}};

static pa_payment_limit_fn payment_limit;

void pa_ledger_set_payment_limit(pa_payment_limit_fn fn)
{
    payment_limit = fn;
}

static bool known(const struct pa_enum_value *values, const char *code)
{
    for (int i = 0; values[i].name; i++)
        if (strcmp(values[i].name, code) == 0)
            return true;
    return false;
}

const char *pa_transfer_result_name(enum pa_transfer_result r)
{
    static const char *const names[] = {
#define PA_TRANSFER_NAME(name, field, text) #name,
        PA_TRANSFER_RESULTS(PA_TRANSFER_NAME)
#undef PA_TRANSFER_NAME
    };
    return (size_t)r < PA_ARRAY_LEN(names) ? names[r] : "UNKNOWN";
}

const char *pa_transfer_result_text(enum pa_transfer_result r)
{
    static const char *const texts[] = {
#define PA_TRANSFER_TEXT(name, field, text) text,
        PA_TRANSFER_RESULTS(PA_TRANSFER_TEXT)
#undef PA_TRANSFER_TEXT
    };
    return (size_t)r < PA_ARRAY_LEN(texts) ? texts[r] : "unknown result";
}

const char *pa_transfer_result_field(enum pa_transfer_result r)
{
    static const char *const fields[] = {
#define PA_TRANSFER_FIELD(name, field, text) field,
        PA_TRANSFER_RESULTS(PA_TRANSFER_FIELD)
#undef PA_TRANSFER_FIELD
    };
    return (size_t)r < PA_ARRAY_LEN(fields) ? fields[r] : NULL;
}

bool pa_transfer_result_ok(enum pa_transfer_result r)
{
    return r == PA_TR_CREATED || r == PA_TR_EXISTS;
}

/* ---- what is stored --------------------------------------------------------- */

/* A transfer row as stored; text borrowed from the statement until it is reset. */
struct stored {
    const char *kind, *date, *from, *to, *project, *memo, *pending_id, *expires, *resolved_by,
        *actor, *purpose, *stage, *contract, *comment;
    int64_t amount_fen;
};

static const char sql_read_transfer[] =
    "SELECT kind, date, from_account, to_account, amount, project, memo, pending_id, expires, "
    "resolved_by, actor, purpose, stage, contract, comment FROM transfers WHERE id = ?1";

static void read_stored(sqlite3_stmt *stmt, struct stored *s)
{
    const char **text[] = {&s->kind,    &s->date,        &s->from, &s->to,
                           NULL,        &s->project,     &s->memo, &s->pending_id,
                           &s->expires, &s->resolved_by, &s->actor, &s->purpose,
                           &s->stage,   &s->contract,    &s->comment};
    for (int i = 0; i < (int)PA_ARRAY_LEN(text); i++)
        if (text[i])
            *text[i] = (const char *)sqlite3_column_text(stmt, i);
    s->amount_fen = sqlite3_column_int64(stmt, 4);
}

/* Looks up transfer `id`: *found tells; the statement stays stepped for the caller,
 * who resets it. */
static int find_transfer(struct pa_db *db, const char *id, sqlite3_stmt **stmt, bool *found,
                         struct stored *s, struct pa_error *err)
{
    int rc = pa_db_prepare(db, sql_read_transfer, stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(*stmt, 1, id);
    int step = sqlite3_step(*stmt);
    *found = step == SQLITE_ROW;
    if (*found)
        read_stored(*stmt, s);
    return step == SQLITE_ROW || step == SQLITE_DONE ? 0
                                                     : pa_db_fail(db, err, "reading a transfer");
}

static bool same_text(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return (a == NULL || a[0] == '\0') && (b == NULL || b[0] == '\0');
    return strcmp(a, b) == 0;
}

static enum pa_transfer_result outcome(struct pa_transfer_outcome *out, enum pa_transfer_result r,
                                       const char *field)
{
    out->result = r;
    const char *f = field ? field : pa_transfer_result_field(r);
    snprintf(out->field, sizeof(out->field), "%s", f ? f : "");
    return r;
}

/* Exact idempotency: the same id again is EXISTS only if every field the caller
 * gave matches; otherwise EXISTS_DIFFERENT names the first field that does not.
 * For POST/VOID, from/to/amount left out mean "the pending transfer's". */
static enum pa_transfer_result compare(const struct pa_transfer *t, const struct stored *s,
                                       struct pa_transfer_outcome *out)
{
    bool resolving = t->kind == PA_TRANSFER_POST || t->kind == PA_TRANSFER_VOID;
    if (strcmp(s->kind, kind_names[t->kind]) != 0)
        return outcome(out, PA_TR_EXISTS_DIFFERENT, "kind");
    if (!same_text(t->date, s->date))
        return outcome(out, PA_TR_EXISTS_DIFFERENT, "date");
    if ((!resolving || t->from) && !same_text(t->from, s->from))
        return outcome(out, PA_TR_EXISTS_DIFFERENT, "from");
    if ((!resolving || t->to) && !same_text(t->to, s->to))
        return outcome(out, PA_TR_EXISTS_DIFFERENT, "to");
    if ((!resolving || t->amount_fen != 0) && t->amount_fen != s->amount_fen)
        return outcome(out, PA_TR_EXISTS_DIFFERENT, "amount");
    if ((!resolving || t->project) && !same_text(t->project, s->project))
        return outcome(out, PA_TR_EXISTS_DIFFERENT, "project");
    if (!same_text(t->memo, s->memo))
        return outcome(out, PA_TR_EXISTS_DIFFERENT, "memo");
    if (resolving && !same_text(t->pending_id, s->pending_id))
        return outcome(out, PA_TR_EXISTS_DIFFERENT, "pending_id");
    if (!same_text(t->expires, s->expires))
        return outcome(out, PA_TR_EXISTS_DIFFERENT, "expires");
    if (!same_text(t->comment, s->comment))
        return outcome(out, PA_TR_EXISTS_DIFFERENT, "comment");
    const char *given[] = {t->purpose, t->stage, t->contract};
    const char *had[] = {s->purpose, s->stage, s->contract};
    static const char *const detail_names[] = {"purpose", "stage", "contract"};
    for (int i = 0; i < 3; i++)
        if ((!resolving || given[i]) && !same_text(given[i], had[i]))
            return outcome(out, PA_TR_EXISTS_DIFFERENT, detail_names[i]);
    return outcome(out, PA_TR_EXISTS, "");
}

/* ---- checks ------------------------------------------------------------------- */

/* What a transfer will do to the counters, worked out by the checks and carried
 * out by apply (live) or re-derived from the event (replay). */
struct effect {
    enum pa_transfer_kind kind;
    const char *id, *date, *project, *memo, *pending_id, *expires, *purpose, *stage, *contract;
    const char *comment; /* POST/VOID: the approver's 审批意见 */
    char from[PA_CODE_MAX + 1], to[PA_CODE_MAX + 1], project_buf[PA_CODE_MAX + 1];
    char purpose_buf[32], stage_buf[32], contract_buf[PA_CODE_MAX + 1]; /* a POST's, from its pending */
    int64_t amount_fen;         /* what is posted or reserved; for VOID what is released */
    int64_t pending_amount_fen; /* POST/VOID: the amount the pending transfer reserved */
};

static bool valid_date(const char *date)
{
    return date && pa_date_parse(date, NULL, NULL) == 0;
}

static int load_accounts(struct pa_db *db, const char *from, const char *to, struct pa_account **a,
                         struct pa_account **b, struct pa_error *err)
{
    int rc = pa_ledger__account(db, from, a, err);
    if (rc == 0)
        rc = pa_ledger__account(db, to, b, err);
    return rc;
}

/* The limit of every account but a source: what goes out (posted or reserved)
 * never exceeds what came in (posted). */
static bool exceeds_credits(const struct pa_account *a, int64_t more_fen, int64_t *available)
{
    int64_t out;
    *available = 0;
    if (a->is_source)
        return false;
    if (__builtin_add_overflow(a->debits_posted, a->debits_pending, &out) ||
        __builtin_sub_overflow(a->credits_posted, out, available))
        return true;
    return more_fen > *available;
}

/* What a payment is for: known codes, and a contract of the transfer's project. */
static int check_details(struct pa_db *db, const struct pa_transfer *t,
                         struct pa_transfer_outcome *out, struct pa_error *err)
{
    if (t->purpose && !known(pa_payment_purposes, t->purpose))
        return outcome(out, PA_TR_PURPOSE_INVALID, NULL), 0;
    if (t->stage && !known(pa_payment_stages, t->stage))
        return outcome(out, PA_TR_STAGE_INVALID, NULL), 0;
    if (t->contract == NULL)
        return 0;
    /* the payment's project: the one it names, else the project account it
     * leaves, else the one it enters */
    static const char sql[] =
        "SELECT c.project, coalesce(?2, (SELECT project FROM accounts WHERE code = ?3 AND "
        "kind = 'project'), (SELECT project FROM accounts WHERE code = ?4 AND kind = "
        "'project')) FROM contracts c WHERE c.code = ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, t->contract);
    pa_db_bind_text(stmt, 2, t->project);
    pa_db_bind_text(stmt, 3, t->from);
    pa_db_bind_text(stmt, 4, t->to);
    int step = sqlite3_step(stmt);
    const char *paid_for = step == SQLITE_ROW ? (const char *)sqlite3_column_text(stmt, 1) : NULL;
    if (step == SQLITE_DONE)
        outcome(out, PA_TR_CONTRACT_NOT_FOUND, NULL);
    else if (step != SQLITE_ROW)
        rc = pa_db_fail(db, err, "looking up a contract");
    else if (paid_for && strcmp((const char *)sqlite3_column_text(stmt, 0), paid_for) != 0)
        outcome(out, PA_TR_CONTRACT_OTHER_PROJECT, NULL);
    sqlite3_reset(stmt);
    return rc;
}

/* The measures' split of duties: a recipient pays from a project account at
 * once only up to the limit; more goes as a request the donor approves. */
static int check_payment_limit(struct pa_db *db, const struct pa_transfer *t,
                               const struct pa_account *a, struct pa_transfer_outcome *out,
                               struct pa_error *err)
{
    const struct pa_principal *who = pa_db_principal(db);
    if (t->kind != PA_TRANSFER_POSTED || !a->is_project || payment_limit == NULL ||
        who == NULL || who->role != PA_ROLE_RECIPIENT)
        return 0;
    int64_t limit;
    int rc = payment_limit(db, a->code, &limit, err);
    if (rc != 0 || limit < 0 || t->amount_fen <= limit)
        return rc;
    char most[64], need[64];
    pa_money_format(limit, PA_YUAN, PA_MONEY_GROUP, most, sizeof(most));
    pa_money_format(t->amount_fen, PA_YUAN, PA_MONEY_GROUP, need, sizeof(need));
    pa_msg_format2(out->detail, out->detail_zh, sizeof(out->detail),
             "the measures let a recipient pay up to %s from a project account at once, this "
             "payment is %s: submit it as a pending transfer for the donor to approve",
             most, need);
    return outcome(out, PA_TR_NEEDS_APPROVAL, NULL), 0;
}

static int check_new(struct pa_db *db, const struct pa_transfer *t, struct effect *e,
                     struct pa_transfer_outcome *out, struct pa_error *err)
{
    if (!valid_date(t->date))
        return outcome(out, PA_TR_DATE_INVALID, NULL), 0;
    if (t->amount_fen <= 0)
        return outcome(out, PA_TR_AMOUNT_INVALID, NULL), 0;
    if (t->from && t->to && strcmp(t->from, t->to) == 0)
        return outcome(out, PA_TR_ACCOUNTS_SAME, NULL), 0;
    struct pa_account *a = NULL, *b = NULL;
    int rc = load_accounts(db, t->from ? t->from : "", t->to ? t->to : "", &a, &b, err);
    if (rc != 0)
        return rc;
    if (a == NULL)
        return outcome(out, PA_TR_FROM_NOT_FOUND, NULL), 0;
    if (b == NULL)
        return outcome(out, PA_TR_TO_NOT_FOUND, NULL), 0;
    if (a->closed)
        return outcome(out, PA_TR_FROM_CLOSED, NULL), 0;
    if (b->closed)
        return outcome(out, PA_TR_TO_CLOSED, NULL), 0;
    rc = t->kind == PA_TRANSFER_PENDING
             ? pa_ledger__authorize_request(db, t->from, t->to, err)
             : pa_ledger__authorize_spend(db, t->from, "move money out of this account", err);
    if (rc != 0)
        return rc;
    if (t->project) {
        static const char sql[] = "SELECT 1 FROM projects WHERE code = ?1";
        sqlite3_stmt *stmt;
        if ((rc = pa_db_prepare(db, sql, &stmt, err)) != 0)
            return rc;
        pa_db_bind_text(stmt, 1, t->project);
        int step = sqlite3_step(stmt);
        sqlite3_reset(stmt);
        if (step != SQLITE_ROW)
            return outcome(out, PA_TR_PROJECT_NOT_FOUND, NULL), 0;
    }
    if (t->expires && (t->kind != PA_TRANSFER_PENDING || !valid_date(t->expires) ||
                       strcmp(t->expires, t->date) < 0))
        return outcome(out, PA_TR_EXPIRES_INVALID, NULL), 0;
    if ((rc = check_details(db, t, out, err)) != 0 || out->result != PA_TR_CREATED)
        return rc;
    int64_t ignored, available;
    if (__builtin_add_overflow(a->debits_posted, a->debits_pending, &ignored) ||
        __builtin_add_overflow(ignored, t->amount_fen, &ignored) ||
        __builtin_add_overflow(b->credits_posted, b->credits_pending, &ignored) ||
        __builtin_add_overflow(ignored, t->amount_fen, &ignored))
        return outcome(out, PA_TR_OVERFLOW, NULL), 0;
    if (exceeds_credits(a, t->amount_fen, &available)) {
        char have[64], need[64];
        pa_money_format(available, PA_YUAN, PA_MONEY_GROUP, have, sizeof(have));
        pa_money_format(t->amount_fen, PA_YUAN, PA_MONEY_GROUP, need, sizeof(need));
        pa_msg_format2(out->detail, out->detail_zh, sizeof(out->detail),
                 "account '%s' has %s available, the transfer needs %s", a->code, have, need);
        return outcome(out, PA_TR_EXCEEDS_CREDITS, NULL), 0;
    }
    if (t->kind == PA_TRANSFER_PENDING && a->is_pool && b->is_project) {
        /* a request may not freeze a pool beyond what its project is still owed */
        bool applies;
        int64_t unfunded;
        if ((rc = pa_ledger__unfunded(db, b->code, &applies, &unfunded, err)) != 0)
            return rc;
        if (applies && t->amount_fen > unfunded) {
            char left[64], need[64];
            pa_money_format(unfunded > 0 ? unfunded : 0, PA_YUAN, PA_MONEY_GROUP, left,
                            sizeof(left));
            pa_money_format(t->amount_fen, PA_YUAN, PA_MONEY_GROUP, need, sizeof(need));
            pa_msg_format2(out->detail, out->detail_zh, sizeof(out->detail),
                     "the project of '%s' may still be given %s, the request asks %s", b->code,
                     left, need);
            return outcome(out, PA_TR_EXCEEDS_BUDGET, NULL), 0;
        }
    }
    if ((rc = check_payment_limit(db, t, a, out, err)) != 0 || out->result != PA_TR_CREATED)
        return rc;
    snprintf(e->from, sizeof(e->from), "%s", t->from);
    snprintf(e->to, sizeof(e->to), "%s", t->to);
    e->amount_fen = t->amount_fen;
    return outcome(out, PA_TR_CREATED, ""), 0;
}

static enum pa_transfer_result pending_state(const struct stored *p)
{
    if (strcmp(p->kind, "pending") != 0)
        return PA_TR_PENDING_NOT_PENDING;
    if (p->resolved_by == NULL)
        return PA_TR_CREATED;
    return PA_TR_PENDING_ALREADY_POSTED; /* refined by the caller */
}

/* A POST pays what its request said it would: the same purpose, stage and contract. */
static void inherit_details(struct effect *e, const struct stored *p)
{
    snprintf(e->purpose_buf, sizeof(e->purpose_buf), "%s", p->purpose ? p->purpose : "");
    snprintf(e->stage_buf, sizeof(e->stage_buf), "%s", p->stage ? p->stage : "");
    snprintf(e->contract_buf, sizeof(e->contract_buf), "%s", p->contract ? p->contract : "");
    e->purpose = p->purpose ? e->purpose_buf : NULL;
    e->stage = p->stage ? e->stage_buf : NULL;
    e->contract = p->contract ? e->contract_buf : NULL;
}

static int check_resolving(struct pa_db *db, const struct pa_transfer *t, struct effect *e,
                           struct pa_transfer_outcome *out, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    struct stored p;
    bool found;
    int rc = find_transfer(db, t->pending_id ? t->pending_id : "", &stmt, &found, &p, err);
    if (rc != 0 || !found) {
        sqlite3_reset(stmt);
        return rc != 0 ? rc : (outcome(out, PA_TR_PENDING_NOT_FOUND, NULL), 0);
    }
    enum pa_transfer_result state = pending_state(&p);
    if (state == PA_TR_PENDING_ALREADY_POSTED) {
        /* posted or voided: look at the resolving transfer's kind */
        char by[PA_CODE_MAX + 1];
        snprintf(by, sizeof(by), "%s", p.resolved_by);
        sqlite3_reset(stmt);
        struct stored r;
        rc = find_transfer(db, by, &stmt, &found, &r, err);
        if (rc == 0 && found && strcmp(r.kind, "void") == 0)
            state = PA_TR_PENDING_ALREADY_VOIDED;
        sqlite3_reset(stmt);
        return rc != 0 ? rc : (outcome(out, state, NULL), 0);
    }
    /* the owner of the money decides; the requester may withdraw (void) their own */
    bool withdrawal = t->kind == PA_TRANSFER_VOID && strcmp(pa_db_actor(db), p.actor) == 0;
    if (state == PA_TR_CREATED && !withdrawal &&
        (rc = pa_ledger__authorize_approval(db, p.from,
                                         t->kind == PA_TRANSFER_POST
                                             ? "approve a request against this account"
                                             : "reject a request against this account",
                                         err)) != 0) {
        sqlite3_reset(stmt);
        return rc;
    }
    enum pa_transfer_result r = PA_TR_CREATED;
    if (state != PA_TR_CREATED)
        r = state;
    else if (!valid_date(t->date))
        r = PA_TR_DATE_INVALID;
    else if (strcmp(t->date, p.date) < 0)
        r = PA_TR_DATE_BEFORE_PENDING;
    else if (t->from && strcmp(t->from, p.from) != 0)
        r = PA_TR_FROM_DIFFERS;
    else if (t->to && strcmp(t->to, p.to) != 0)
        r = PA_TR_TO_DIFFERS;
    else if (t->project && !same_text(t->project, p.project))
        r = PA_TR_PROJECT_DIFFERS;
    else if ((t->purpose && !same_text(t->purpose, p.purpose)) ||
             (t->stage && !same_text(t->stage, p.stage)) ||
             (t->contract && !same_text(t->contract, p.contract)))
        r = PA_TR_DETAIL_DIFFERS;
    else if (t->expires)
        r = PA_TR_EXPIRES_INVALID;
    else if (t->kind == PA_TRANSFER_POST && p.expires && strcmp(t->date, p.expires) > 0)
        r = PA_TR_PENDING_EXPIRED;
    else if (t->amount_fen < 0 ||
             (t->kind == PA_TRANSFER_VOID && t->amount_fen != 0 && t->amount_fen != p.amount_fen))
        r = PA_TR_AMOUNT_INVALID;
    else if (t->kind == PA_TRANSFER_POST && t->amount_fen > p.amount_fen)
        r = PA_TR_EXCEEDS_PENDING_AMOUNT;
    else if (t->kind == PA_TRANSFER_POST && strcmp(pa_db_actor(db), p.actor) == 0)
        r = PA_TR_SAME_ACTOR;
    if (r == PA_TR_CREATED) {
        snprintf(e->from, sizeof(e->from), "%s", p.from);
        snprintf(e->to, sizeof(e->to), "%s", p.to);
        snprintf(e->project_buf, sizeof(e->project_buf), "%s", p.project ? p.project : "");
        e->project = p.project ? e->project_buf : NULL;
        inherit_details(e, &p);
        e->pending_amount_fen = p.amount_fen;
        e->amount_fen =
            t->kind == PA_TRANSFER_VOID || t->amount_fen == 0 ? p.amount_fen : t->amount_fen;
    }
    sqlite3_reset(stmt);
    outcome(out, r, NULL);
    return 0;
}

/* A comment is the approver's: text on a post or a void, never on new money
 * (whose reason is its memo). */
static bool comment_fits(const struct pa_transfer *t, const char *comment,
                         struct pa_transfer_outcome *out)
{
    if (comment == NULL)
        return true;
    bool resolving = t->kind == PA_TRANSFER_POST || t->kind == PA_TRANSFER_VOID;
    struct pa_error why;
    if (resolving &&
        pa_text_check(comment, strlen(comment), PA_MEMO_MAX_CHARS, PA_TEXT_MULTILINE, &why) == 0)
        return true;
    snprintf(out->detail, sizeof(out->detail), "%.300s",
             resolving ? why.message : "a new transfer's reason goes in its memo");
    outcome(out, PA_TR_COMMENT_INVALID, NULL);
    return false;
}

/* Runs the checks in contract order; out->result is CREATED when the transfer
 * may be recorded (and e then says what it does). */
static int check(struct pa_db *db, const struct pa_transfer *t, struct effect *e,
                 struct pa_transfer_outcome *out, struct pa_error *err)
{
    memset(out, 0, sizeof(*out));
    memset(e, 0, sizeof(*e));
    e->kind = t->kind;
    e->id = t->id;
    e->date = t->date;
    e->project = t->project;
    e->memo = t->memo;
    e->pending_id = t->pending_id;
    e->expires = t->expires;
    e->purpose = t->purpose;
    e->stage = t->stage;
    e->contract = t->contract;
    e->comment = t->comment && t->comment[0] ? t->comment : NULL;
    if (t->id == NULL || pa_code_check(t->id, NULL) != 0)
        return outcome(out, PA_TR_ID_INVALID, NULL), 0;
    sqlite3_stmt *stmt;
    struct stored s;
    bool found;
    int rc = find_transfer(db, t->id, &stmt, &found, &s, err);
    if (rc == 0 && found)
        compare(t, &s, out);
    sqlite3_reset(stmt);
    if (rc != 0 || found)
        return rc;
    if (!comment_fits(t, e->comment, out))
        return 0;
    if (t->kind == PA_TRANSFER_POST || t->kind == PA_TRANSFER_VOID)
        return check_resolving(db, t, e, out, err);
    return check_new(db, t, e, out, err);
}

/* ---- applying -------------------------------------------------------------- */

static const char sql_insert_transfer[] =
    "INSERT INTO transfers(id, seq, kind, date, from_account, to_account, amount, project, memo, "
    "pending_id, expires, resolved_by, actor, purpose, stage, contract, comment) VALUES (?1, ?2, "
    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULL, ?12, ?13, ?14, ?15, ?16)";
static const char sql_resolve[] =
    "UPDATE transfers SET resolved_by = ?2 WHERE id = ?1 AND kind = 'pending' AND "
    "resolved_by IS NULL";

static int insert_row(struct pa_db *db, const struct effect *e, int64_t seq, const char *actor,
                      struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql_insert_transfer, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, e->id);
    sqlite3_bind_int64(stmt, 2, seq);
    pa_db_bind_text(stmt, 3, kind_names[e->kind]);
    pa_db_bind_text(stmt, 4, e->date);
    pa_db_bind_text(stmt, 5, e->from);
    pa_db_bind_text(stmt, 6, e->to);
    sqlite3_bind_int64(stmt, 7, e->amount_fen);
    pa_db_bind_text(stmt, 8, e->project);
    pa_db_bind_text(stmt, 9, e->memo);
    pa_db_bind_text(stmt, 10, e->pending_id);
    pa_db_bind_text(stmt, 11, e->expires);
    pa_db_bind_text(stmt, 12, actor);
    pa_db_bind_text(stmt, 13, e->purpose);
    pa_db_bind_text(stmt, 14, e->stage);
    pa_db_bind_text(stmt, 15, e->contract);
    pa_db_bind_text(stmt, 16, e->comment);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, "recording a transfer");
    sqlite3_reset(stmt);
    if (rc != 0 || e->pending_id == NULL)
        return rc;
    if ((rc = pa_db_prepare(db, sql_resolve, &stmt, err)) != 0)
        return rc;
    pa_db_bind_text(stmt, 1, e->pending_id);
    pa_db_bind_text(stmt, 2, e->id);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, "resolving a pending transfer");
    else if (sqlite3_changes(pa_db_sqlite(db)) != 1)
        rc = pa_error_set(err, PA_ETAMPER, "pending transfer '%s' is not open", e->pending_id);
    sqlite3_reset(stmt);
    return rc;
}

/* Adds delta to a counter; a negative pending counter or an overflow can only
 * come from a log that was tampered with (the checks prevent both live). */
static bool add(int64_t *counter, int64_t delta)
{
    return !__builtin_add_overflow(*counter, delta, counter) && *counter >= 0;
}

static int move_counters(struct pa_db *db, const struct effect *e, struct pa_error *err)
{
    struct pa_account *a, *b;
    int rc = load_accounts(db, e->from, e->to, &a, &b, err);
    if (rc != 0)
        return rc;
    if (a == NULL || b == NULL || a == b)
        return pa_error_set(err, PA_ETAMPER, "transfer '%s' names unknown or equal accounts",
                            e->id);
    struct pa_account na = *a, nb = *b; /* changed copies: the cache keeps the old until ok */
    int64_t amount = e->amount_fen, pending = e->pending_amount_fen;
    bool ok = true;
    switch (e->kind) {
    case PA_TRANSFER_POSTED:
        ok = add(&na.debits_posted, amount) && add(&nb.credits_posted, amount);
        break;
    case PA_TRANSFER_PENDING:
        ok = add(&na.debits_pending, amount) && add(&nb.credits_pending, amount);
        break;
    case PA_TRANSFER_POST:
        ok = add(&na.debits_pending, -pending) && add(&na.debits_posted, amount) &&
             add(&nb.credits_pending, -pending) && add(&nb.credits_posted, amount);
        break;
    case PA_TRANSFER_VOID:
        ok = add(&na.debits_pending, -pending) && add(&nb.credits_pending, -pending);
        break;
    }
    if (!ok)
        return pa_error_set(err, PA_ETAMPER, "transfer '%s' breaks an account's counters", e->id);
    PA_ASSERT(na.debits_pending >= 0 && nb.credits_pending >= 0);
    pa_ledger__touch(db, a);
    pa_ledger__touch(db, b);
    *a = na;
    *b = nb;
    return 0;
}

static int apply_effect(struct pa_db *db, const struct effect *e, int64_t seq, const char *actor,
                        struct pa_error *err)
{
    int rc = insert_row(db, e, seq, actor, err);
    return rc != 0 ? rc : move_counters(db, e, err);
}

/* ---- events ---------------------------------------------------------------------- */

static const char *event_type(enum pa_transfer_kind kind)
{
    return kind == PA_TRANSFER_POST   ? "transfer.post"
           : kind == PA_TRANSFER_VOID ? "transfer.void"
                                      : "transfer.create";
}

static void key_text(struct pa_canon *c, const char *key, const char *value)
{
    if (value) {
        pa_canon_key(c, key);
        pa_canon_string(c, value, strlen(value));
    }
}

/* Keys in sorted order, as the canonical encoding requires. */
static void effect_canon(struct pa_canon *c, const struct effect *e)
{
    if (e->kind != PA_TRANSFER_VOID) {
        pa_canon_key(c, "amount_fen");
        pa_canon_int(c, e->amount_fen);
    }
    /* optional and only on a post or void, so events without one keep their bytes */
    key_text(c, "comment", e->comment);
    bool new_money = e->kind == PA_TRANSFER_POSTED || e->kind == PA_TRANSFER_PENDING;
    if (new_money) /* a post or void takes them from the pending transfer */
        key_text(c, "contract", e->contract);
    key_text(c, "date", e->date);
    if (new_money) {
        key_text(c, "expires", e->expires);
        key_text(c, "from", e->from);
    }
    key_text(c, "id", e->id);
    key_text(c, "memo", e->memo);
    if (e->kind == PA_TRANSFER_PENDING) {
        pa_canon_key(c, "pending");
        pa_canon_bool(c, true);
    }
    if (e->kind == PA_TRANSFER_POST || e->kind == PA_TRANSFER_VOID)
        key_text(c, "pending_id", e->pending_id);
    else
        key_text(c, "project", e->project);
    if (new_money) {
        key_text(c, "purpose", e->purpose);
        key_text(c, "stage", e->stage);
        key_text(c, "to", e->to);
    }
}

static int effect_from_event(struct pa_db *db, const struct pa_event *ev, struct effect *e,
                             struct pa_error *err);

/* A transfer is in the log of the pairing whose money it moves: the log of
 * whichever account has one (a payee's has none, nor a source without a
 * pairing).  One between two pairings' accounts — the ledger refuses a pool
 * paying another pairing's projects, but not a donor's source funding another
 * pairing's pool — is in neither pairing's books alone: the province's. */
static int transfer_log(struct pa_db *db, const struct effect *e, char *log,
                        struct pa_error *err)
{
    char to[PA_LOG_NAME_MAX + 1];
    int rc = pa_ledger__log_of_account(db, e->from, log, err);
    if (rc == 0)
        rc = pa_ledger__log_of_account(db, e->to, to, err);
    if (rc == 0 && log[0] == '\0')
        memcpy(log, to, sizeof(to));
    else if (rc == 0 && to[0] != '\0' && strcmp(log, to) != 0)
        log[0] = '\0';
    return rc;
}

int pa_ledger__log_of_transfer(struct pa_db *db, const struct pa_event *ev, char *log,
                               struct pa_error *err)
{
    struct effect e;
    int rc = effect_from_event(db, ev, &e, err);
    return rc != 0 ? rc : transfer_log(db, &e, log, err);
}

static int record(struct pa_db *db, struct pa_canon *c, const struct effect *e,
                  struct pa_error *err)
{
    int64_t now = (int64_t)time(NULL), seq = 0;
    const char *type = event_type(e->kind);
    struct pa_actor who;
    char log[PA_LOG_NAME_MAX + 1];
    pa_db_who(db, &who);
    pa_canon_begin(c, &who);
    effect_canon(c, e);
    int rc = pa_canon_finish(c, now, type, err);
    if (rc == 0)
        rc = transfer_log(db, e, log, err);
    if (rc == 0)
        rc = pa_tlog_append_canon(db, type, now, c, log, &seq, err);
    if (rc == 0)
        rc = apply_effect(db, e, seq, pa_db_actor(db), err);
    return rc;
}

/* What each transfer event holds, the same for both readers below: the
 * required fields, then the optional ones (as json_unpack's "s?"). */
struct field_want {
    const char *key;
    enum pa_flat_type type;
    bool required;
};

static const struct field_want create_fields[] = {
    {"amount_fen", PA_FLAT_INT, true},  {"contract", PA_FLAT_STRING, false},
    {"date", PA_FLAT_STRING, true},     {"expires", PA_FLAT_STRING, false},
    {"from", PA_FLAT_STRING, true},     {"id", PA_FLAT_STRING, true},
    {"memo", PA_FLAT_STRING, false},    {"pending", PA_FLAT_BOOL, false},
    {"project", PA_FLAT_STRING, false}, {"purpose", PA_FLAT_STRING, false},
    {"stage", PA_FLAT_STRING, false},   {"to", PA_FLAT_STRING, true},
    {NULL, 0, false}};
static const struct field_want post_fields[] = {
    {"amount_fen", PA_FLAT_INT, true}, {"comment", PA_FLAT_STRING, false},
    {"date", PA_FLAT_STRING, true},    {"id", PA_FLAT_STRING, true},
    {"memo", PA_FLAT_STRING, false},   {"pending_id", PA_FLAT_STRING, true},
    {NULL, 0, false}};
static const struct field_want void_fields[] = {
    {"comment", PA_FLAT_STRING, false}, {"date", PA_FLAT_STRING, true},
    {"id", PA_FLAT_STRING, true},       {"memo", PA_FLAT_STRING, false},
    {"pending_id", PA_FLAT_STRING, true}, {NULL, 0, false}};

/* Where each field of create_fields/post_fields/void_fields goes. */
struct unpacked {
    const char *text[12];
    int64_t number[12];
};

/* The flat fields (flat.c) against a want list: every key known, of its type,
 * every required one present — what json_unpack's "!" format checks.  Both
 * lists are in ascending key order, so one merge pass does. */
static bool unpack_flat(const struct pa_flat *flat, const struct field_want *want,
                        struct unpacked *u)
{
    memset(u, 0, sizeof(*u));
    int w = 0;
    for (int i = 0; i < flat->n; i++) {
        const struct pa_flat_field *f = &flat->field[i];
        for (; want[w].key && strcmp(want[w].key, f->key) < 0; w++)
            if (want[w].required)
                return false;
        if (want[w].key == NULL || strcmp(want[w].key, f->key) != 0 || want[w].type != f->type)
            return false;
        u->text[w] = f->text;
        u->number[w] = f->number;
        w++;
    }
    for (; want[w].key; w++)
        if (want[w].required)
            return false;
    return true;
}

/* Replay of an event read without a JSON tree: the same fields as the
 * json_unpack formats of effect_from_event, so the same events are malformed. */
static bool effect_from_flat(const struct pa_event *ev, struct effect *e, const char **from,
                             const char **to, int64_t *amount)
{
    struct unpacked u;
    if (strcmp(ev->type, "transfer.create") == 0) {
        if (!unpack_flat(ev->flat, create_fields, &u))
            return false;
        *amount = u.number[0];
        e->contract = u.text[1], e->date = u.text[2], e->expires = u.text[3];
        *from = u.text[4], e->id = u.text[5], e->memo = u.text[6];
        e->kind = u.number[7] ? PA_TRANSFER_PENDING : PA_TRANSFER_POSTED;
        e->project = u.text[8], e->purpose = u.text[9], e->stage = u.text[10];
        *to = u.text[11];
        return true;
    }
    bool post = strcmp(ev->type, "transfer.post") == 0;
    if (!unpack_flat(ev->flat, post ? post_fields : void_fields, &u))
        return false;
    int k = post ? 1 : 0; /* a void has no amount_fen */
    *amount = post ? u.number[0] : 0;
    e->comment = u.text[k], e->date = u.text[k + 1], e->id = u.text[k + 2];
    e->memo = u.text[k + 3], e->pending_id = u.text[k + 4];
    e->kind = post ? PA_TRANSFER_POST : PA_TRANSFER_VOID;
    return true;
}

/* Replay: the event's data back into an effect, reading the pending transfer it
 * resolves for the accounts and the amount reserved. */
static int effect_from_event(struct pa_db *db, const struct pa_event *ev, struct effect *e,
                             struct pa_error *err)
{
    const char *from = NULL, *to = NULL;
    json_int_t amount = 0;
    int pending = 0, bad;
    memset(e, 0, sizeof(*e));
    if (ev->data == NULL) {
        int64_t flat_amount = 0;
        bad = ev->flat == NULL || !effect_from_flat(ev, e, &from, &to, &flat_amount);
        amount = (json_int_t)flat_amount;
    } else if (strcmp(ev->type, "transfer.create") == 0) {
        bad = json_unpack((json_t *)ev->data,
                          "{s:I, s?s, s:s, s?s, s:s, s:s, s?s, s?b, s?s, s?s, s?s, s:s !}",
                          "amount_fen", &amount, "contract", &e->contract, "date", &e->date,
                          "expires", &e->expires, "from", &from, "id", &e->id, "memo", &e->memo,
                          "pending", &pending, "project", &e->project, "purpose", &e->purpose,
                          "stage", &e->stage, "to", &to);
        e->kind = pending ? PA_TRANSFER_PENDING : PA_TRANSFER_POSTED;
    } else {
        bool post = strcmp(ev->type, "transfer.post") == 0;
        bad = post ? json_unpack((json_t *)ev->data, "{s:I, s?s, s:s, s:s, s?s, s:s !}",
                                 "amount_fen", &amount, "comment", &e->comment, "date", &e->date,
                                 "id", &e->id, "memo", &e->memo, "pending_id", &e->pending_id)
                   : json_unpack((json_t *)ev->data, "{s?s, s:s, s:s, s?s, s:s !}", "comment",
                                 &e->comment, "date", &e->date, "id", &e->id, "memo", &e->memo,
                                 "pending_id", &e->pending_id);
        e->kind = post ? PA_TRANSFER_POST : PA_TRANSFER_VOID;
    }
    if (bad || (e->kind <= PA_TRANSFER_PENDING && amount <= 0))
        return pa_error_set(err, PA_ETAMPER, "event '%s' is malformed", ev->type);
    e->amount_fen = amount;
    if (from && to) {
        snprintf(e->from, sizeof(e->from), "%s", from);
        snprintf(e->to, sizeof(e->to), "%s", to);
        return 0;
    }
    sqlite3_stmt *stmt;
    struct stored p;
    bool found;
    int rc = find_transfer(db, e->pending_id, &stmt, &found, &p, err);
    if (rc == 0 && found) {
        snprintf(e->from, sizeof(e->from), "%s", p.from);
        snprintf(e->to, sizeof(e->to), "%s", p.to);
        snprintf(e->project_buf, sizeof(e->project_buf), "%s", p.project ? p.project : "");
        e->project = p.project ? e->project_buf : NULL;
        inherit_details(e, &p);
        e->pending_amount_fen = p.amount_fen;
        if (e->kind == PA_TRANSFER_VOID)
            e->amount_fen = p.amount_fen;
    }
    sqlite3_reset(stmt);
    if (rc == 0 && !found)
        rc = pa_error_set(err, PA_ETAMPER, "'%s' resolves an unknown transfer", e->id);
    return rc;
}

int pa_ledger__apply_transfer(struct pa_db *db, const struct pa_event *ev, struct pa_error *err)
{
    struct effect e;
    int rc = effect_from_event(db, ev, &e, err);
    return rc != 0 ? rc : apply_effect(db, &e, ev->seq, ev->actor, err);
}

/* ---- submitting ------------------------------------------------------------------ */

/* The rule of every account but a source, which the checks keep on the live
 * path (a replayed log that breaks it is caught as tampering instead). */
static bool within_limit(const struct pa_account *a)
{
    return a->is_source || a->debits_posted + a->debits_pending <= a->credits_posted;
}

static int submit_one(struct pa_db *db, struct pa_canon *c, const struct pa_transfer *t,
                      struct pa_transfer_outcome *out, struct pa_error *err)
{
    struct effect e;
    int rc = check(db, t, &e, out, err);
    if (rc != 0 || out->result != PA_TR_CREATED)
        return rc;
    PA_ASSERT(e.from[0] && e.to[0] && strcmp(e.from, e.to) != 0 && e.amount_fen > 0);
    rc = record(db, c, &e, err);
    struct pa_account *a = NULL, *b = NULL;
    if (rc == 0)
        rc = load_accounts(db, e.from, e.to, &a, &b, err);
    PA_ASSERT(rc != 0 || (a && b && within_limit(a) && within_limit(b)));
    return rc;
}

/* Ends a chain [first, last]: kept if every member is in the books, otherwise
 * undone, with every member but the one that failed marked LINKED_FAILED. */
static int end_chain(struct pa_db *db, size_t first, size_t last, bool open,
                     struct pa_transfer_outcome *out, struct pa_error *err)
{
    size_t failed = last + 1;
    for (size_t i = first; i <= last && failed > last; i++)
        if (!pa_transfer_result_ok(out[i].result))
            failed = i;
    bool undo = open || failed <= last;
    int rc = undo ? pa_tlog_rollback_to(db, err) : pa_tlog_release(db, err);
    pa_ledger__chain_end(db, undo);
    for (size_t i = first; undo && i <= last; i++) {
        if (i == failed && !open)
            continue;
        memset(&out[i], 0, sizeof(out[i]));
        out[i].result = open ? PA_TR_LINKED_OPEN : PA_TR_LINKED_FAILED;
    }
    return rc;
}

int pa_ledger_submit(struct pa_db *db, const struct pa_transfer *transfers, size_t n,
                     struct pa_transfer_outcome *out, struct pa_error *err)
{
    PA_ASSERT(db != NULL && pa_db_in_transaction(db) && (n == 0 || (transfers && out)));
    struct pa_canon c;
    pa_canon_init(&c);
    int rc = pa_ledger__attach(db, err);
    size_t chain_start = 0;
    bool in_chain = false, chain_failed = false;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct pa_transfer *t = &transfers[i];
        if (t->linked && !in_chain) {
            rc = pa_tlog_savepoint(db, err);
            pa_ledger__chain_begin(db);
            in_chain = true;
            chain_failed = false;
            chain_start = i;
        }
        if (rc != 0)
            break;
        if (in_chain && chain_failed) {
            memset(&out[i], 0, sizeof(out[i]));
            out[i].result = PA_TR_LINKED_FAILED;
        } else {
            rc = submit_one(db, &c, t, &out[i], err);
            chain_failed = in_chain && !pa_transfer_result_ok(out[i].result);
        }
        if (rc == 0 && in_chain && (!t->linked || i + 1 == n)) {
            rc = end_chain(db, chain_start, i, t->linked, out, err);
            in_chain = false;
        }
    }
    pa_canon_release(&c);
    return rc;
}
