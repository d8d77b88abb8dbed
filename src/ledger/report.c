/*
 * report.c - what finance offices read from the ledger: balances (now, as of a
 * business date, as of a log position), account statements with a running
 * balance, budget execution (预算数 / 已拨付 / 已支出 / 执行率) per project or
 * grouped, and the totals for the summary.
 *
 * Balances now are the accounts' counters.  Balances as of a point are worked
 * out from the transfers themselves, so they also check the counters: for the
 * latest point both must agree (tested).
 *
 * Everything here shows what the principal reads (scope.c): balances and
 * statements of the accounts it reads, budget execution of the projects it
 * reads.  What donors arranged and pools hold are public aggregates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger_int.h"

/* ---- balances ------------------------------------------------------------------- */

static const char sql_balances_now[] =
    "SELECT code, kind, debits_posted, credits_posted, debits_pending, credits_pending, "
    "pa_sees_account(code) FROM accounts WHERE ?1 IS NULL OR code = ?1 ORDER BY code";

/* Movements up to the point, in any order: posted and post rows move posted
 * money; a pending row is still reserved unless a post or void within the point
 * resolved it (a resolver is never before its pending transfer, in date or in
 * position, so both pass the same filter). */
static const char sql_moves_as_of[] =
    "SELECT kind, from_account, to_account, amount, id, pending_id FROM transfers "
    "WHERE (?1 IS NULL OR date <= ?1) AND (?2 = 0 OR seq <= ?2)";

struct open_pending {
    char id[PA_CODE_MAX + 1];
    long from, to;
    int64_t amount;
};

struct as_of_sums {
    struct pa_balance *accounts;
    bool *read; /* does the principal read account i? */
    long n;
    struct pa_strmap *index, *resolved;
    struct open_pending *pending;
    long npending, cap_pending;
};

static void as_of_release(struct as_of_sums *s)
{
    free(s->accounts);
    free(s->read);
    free(s->pending);
    pa_strmap_free(s->index);
    pa_strmap_free(s->resolved);
}

static int load_accounts_zeroed(struct pa_db *db, struct as_of_sums *s, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql_balances_now, &stmt, err);
    if (rc != 0)
        return rc;
    long cap = 0;
    int step = SQLITE_DONE;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (s->n == cap) {
            cap = cap ? cap * 2 : 256;
            struct pa_balance *grown = realloc(s->accounts, (size_t)cap * sizeof(*grown));
            bool *read = grown ? realloc(s->read, (size_t)cap * sizeof(*read)) : NULL;
            if (grown)
                s->accounts = grown;
            if (read)
                s->read = read;
            if (grown == NULL || read == NULL) {
                rc = pa_error_set(err, PA_ENOMEM, "out of memory");
                break;
            }
        }
        struct pa_balance *b = &s->accounts[s->n];
        memset(b, 0, sizeof(*b));
        snprintf(b->account, sizeof(b->account), "%s", sqlite3_column_text(stmt, 0));
        snprintf(b->kind, sizeof(b->kind), "%s", sqlite3_column_text(stmt, 1));
        s->read[s->n] = sqlite3_column_int(stmt, 6) != 0;
        if (pa_strmap_put(s->index, b->account, s->n, NULL) < 0)
            rc = pa_error_set(err, PA_ENOMEM, "out of memory");
        s->n++;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading accounts");
    sqlite3_reset(stmt);
    return rc;
}

static bool add_to(int64_t *counter, int64_t amount)
{
    return !__builtin_add_overflow(*counter, amount, counter);
}

static int note_pending(struct as_of_sums *s, const char *id, long from, long to, int64_t amount,
                        struct pa_error *err)
{
    if (s->npending == s->cap_pending) {
        long cap = s->cap_pending ? s->cap_pending * 2 : 64;
        struct open_pending *grown = realloc(s->pending, (size_t)cap * sizeof(*grown));
        if (grown == NULL)
            return pa_error_set(err, PA_ENOMEM, "out of memory");
        s->pending = grown;
        s->cap_pending = cap;
    }
    struct open_pending *p = &s->pending[s->npending++];
    snprintf(p->id, sizeof(p->id), "%s", id);
    p->from = from;
    p->to = to;
    p->amount = amount;
    return 0;
}

static int sum_moves(struct pa_db *db, const struct pa_as_of *as_of, struct as_of_sums *s,
                     struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql_moves_as_of, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, as_of->date);
    sqlite3_bind_int64(stmt, 2, as_of->seq);
    int step;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(stmt, 0);
        long from = -1, to = -1;
        pa_strmap_get(s->index, (const char *)sqlite3_column_text(stmt, 1), &from);
        pa_strmap_get(s->index, (const char *)sqlite3_column_text(stmt, 2), &to);
        int64_t amount = sqlite3_column_int64(stmt, 3);
        if (from < 0 || to < 0) {
            rc = pa_error_set(err, PA_ETAMPER, "transfer '%s' names an unknown account",
                              sqlite3_column_text(stmt, 4));
        } else if (strcmp(kind, "pending") == 0) {
            /* counted after the pass, and only if still open: adding first and
             * taking away later could overflow on the way to a total that fits */
            rc = note_pending(s, (const char *)sqlite3_column_text(stmt, 4), from, to, amount, err);
        } else {
            bool posts = strcmp(kind, "void") != 0;
            if (posts && (!add_to(&s->accounts[from].debits_posted, amount) ||
                          !add_to(&s->accounts[to].credits_posted, amount)))
                rc = pa_error_set(err, PA_ERANGE, "a balance overflows");
            const char *pending_id = (const char *)sqlite3_column_text(stmt, 5);
            if (rc == 0 && pending_id && pa_strmap_put(s->resolved, pending_id, 0, NULL) < 0)
                rc = pa_error_set(err, PA_ENOMEM, "out of memory");
        }
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "computing balances");
    sqlite3_reset(stmt);
    for (long i = 0; rc == 0 && i < s->npending; i++) {
        const struct open_pending *p = &s->pending[i];
        if (pa_strmap_get(s->resolved, p->id, NULL))
            continue;
        if (!add_to(&s->accounts[p->from].debits_pending, p->amount) ||
            !add_to(&s->accounts[p->to].credits_pending, p->amount))
            rc = pa_error_set(err, PA_ERANGE, "a balance overflows");
    }
    return rc;
}

/* Balances as of a date or position, summed here rather than in SQL: one pass
 * over the transfers (measured: the SQL with a GROUP BY took 1.56 s over a
 * million transfers, bench/RESULTS.md).  Every account is summed, so that a
 * transfer always finds both of its accounts; only those read are shown. */
static int balances_as_of(struct pa_db *db, const char *account, const struct pa_as_of *as_of,
                          int (*fn)(const struct pa_balance *b, void *ctx), void *ctx, int *rows,
                          struct pa_error *err)
{
    struct as_of_sums s;
    memset(&s, 0, sizeof(s));
    int rc = pa_strmap_new(&s.index) == 0 && pa_strmap_new(&s.resolved) == 0
                 ? 0
                 : pa_error_set(err, PA_ENOMEM, "out of memory");
    if (rc == 0)
        rc = load_accounts_zeroed(db, &s, err);
    if (rc == 0)
        rc = sum_moves(db, as_of, &s, err);
    for (long i = 0; rc == 0 && i < s.n; i++) {
        if (!s.read[i] || (account && strcmp(account, s.accounts[i].account) != 0))
            continue;
        (*rows)++;
        if (fn(&s.accounts[i], ctx) != 0)
            break;
    }
    as_of_release(&s);
    return rc;
}

int pa_ledger_balances(struct pa_db *db, const char *account, const struct pa_as_of *as_of,
                       int (*fn)(const struct pa_balance *b, void *ctx), void *ctx,
                       struct pa_error *err)
{
    bool now = as_of == NULL || (as_of->date == NULL && as_of->seq == 0);
    if (!now && as_of->date && pa_date_parse(as_of->date, NULL, err) != 0)
        return pa_error_setf(err, PA_EINVAL, "as-of", "%s", err ? err->message : "bad date");
    if (!now && as_of->seq < 0)
        return pa_error_setf(err, PA_EINVAL, "at", "a log position is a number >= 1");
    int rows = 0;
    int rc = pa_scope_read(db, PA_SCOPE_ACCOUNTS, err);
    if (rc != 0)
        return rc;
    if (!now) {
        rc = balances_as_of(db, account, as_of, fn, ctx, &rows, err);
        if (rc == 0 && account && rows == 0)
            rc = pa_error_setf(err, PA_ENOTFOUND, "account", "unknown account '%s'", account);
        return rc;
    }
    sqlite3_stmt *stmt;
    rc = pa_db_prepare(db, sql_balances_now, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, account);
    int step;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (sqlite3_column_int(stmt, 6) == 0)
            continue; /* not read by the principal */
        struct pa_balance b;
        snprintf(b.account, sizeof(b.account), "%s", sqlite3_column_text(stmt, 0));
        snprintf(b.kind, sizeof(b.kind), "%s", sqlite3_column_text(stmt, 1));
        b.debits_posted = sqlite3_column_int64(stmt, 2);
        b.credits_posted = sqlite3_column_int64(stmt, 3);
        b.debits_pending = sqlite3_column_int64(stmt, 4);
        b.credits_pending = sqlite3_column_int64(stmt, 5);
        rows++;
        if (fn(&b, ctx) != 0)
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "computing balances");
    sqlite3_reset(stmt);
    if (rc == 0 && account && rows == 0)
        rc = pa_error_setf(err, PA_ENOTFOUND, "account", "unknown account '%s'", account);
    return rc;
}

/* ---- statements -------------------------------------------------------------- */

static const char sql_statement[] =
    "SELECT t.id, t.date, t.kind, t.from_account, t.to_account, t.amount, t.project, t.memo, "
    "t.seq, p.amount, t.comment FROM transfers t LEFT JOIN transfers p ON p.id = t.pending_id "
    "WHERE t.from_account = ?1 OR t.to_account = ?1 ORDER BY t.date, t.seq";

/* The account exists and the principal reads it; one it may not read is as
 * unknown as one that does not exist. */
static int account_exists(struct pa_db *db, const char *code, struct pa_error *err)
{
    static const char sql[] = "SELECT 1 FROM accounts WHERE code = ?1 AND pa_sees_account(code)";
    sqlite3_stmt *stmt;
    int rc = pa_scope_read(db, PA_SCOPE_ACCOUNTS, err);
    if (rc == 0)
        rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, code);
    int step = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (step == SQLITE_DONE)
        return pa_error_setf(err, PA_ENOTFOUND, "account", "unknown account '%s'", code);
    return step == SQLITE_ROW ? 0 : pa_db_fail(db, err, "reading an account");
}

/* What one transfer does to `account`: posted debit/credit and pending change. */
static void statement_effect(struct pa_statement_line *l, bool outgoing, int64_t amount,
                             int64_t pending_amount)
{
    bool posts = strcmp(l->kind, "posted") == 0 || strcmp(l->kind, "post") == 0;
    if (posts && outgoing)
        l->debit_fen = amount;
    else if (posts)
        l->credit_fen = amount;
    if (strcmp(l->kind, "pending") == 0)
        l->pending_fen = amount;
    else if (strcmp(l->kind, "post") == 0)
        l->pending_fen = -pending_amount;
    else if (strcmp(l->kind, "void") == 0)
        l->pending_fen = -amount;
}

int pa_ledger_statement(struct pa_db *db, const char *account,
                        int (*fn)(const struct pa_statement_line *line, void *ctx), void *ctx,
                        struct pa_error *err)
{
    int rc = account_exists(db, account, err);
    sqlite3_stmt *stmt;
    if (rc == 0)
        rc = pa_db_prepare(db, sql_statement, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, account);
    int64_t balance = 0;
    int step;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct pa_statement_line l = {0};
        const char *from = (const char *)sqlite3_column_text(stmt, 3);
        bool outgoing = strcmp(from, account) == 0;
        l.id = (const char *)sqlite3_column_text(stmt, 0);
        l.date = (const char *)sqlite3_column_text(stmt, 1);
        l.kind = (const char *)sqlite3_column_text(stmt, 2);
        l.counterparty = outgoing ? (const char *)sqlite3_column_text(stmt, 4) : from;
        l.project = (const char *)sqlite3_column_text(stmt, 6);
        l.memo = (const char *)sqlite3_column_text(stmt, 7);
        l.seq = sqlite3_column_int64(stmt, 8);
        l.comment = (const char *)sqlite3_column_text(stmt, 10);
        statement_effect(&l, outgoing, sqlite3_column_int64(stmt, 5),
                         sqlite3_column_int64(stmt, 9));
        if (__builtin_add_overflow(balance, l.credit_fen - l.debit_fen, &balance))
            rc = pa_error_set(err, PA_ERANGE, "the running balance overflows");
        l.balance_fen = balance;
        if (rc == 0 && fn(&l, ctx) != 0)
            break;
    }
    if (rc == 0 && step != SQLITE_ROW && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading a statement");
    sqlite3_reset(stmt);
    return rc;
}

/* ---- budget execution ------------------------------------------------------------ */

/* Money a project account gave back to a fund (结余资金收回): neither
 * allocated to the project nor paid by it.  One account's transfers, read
 * through transfers_by_from, so a project's page does not read the ledger. */
#define RETURNED_BY(account)                                                                       \
    "(SELECT coalesce(sum(t.amount), 0) FROM transfers t JOIN accounts f ON f.code = "             \
    "t.to_account AND f.kind IN ('source', 'pool') WHERE t.from_account = " account                \
    " AND t.kind IN ('posted', 'post'))"

/* Each project account with what it gave back and its requests still open
 * and past their expiry date (:today). */
#define PROJECT_ACCOUNTS                                                                           \
    "(SELECT a.code, a.project, a.credits_posted, a.debits_posted, a.debits_pending, "             \
    RETURNED_BY("a.code") " AS returned, (SELECT coalesce(sum(t.amount), 0) FROM transfers t "     \
    "WHERE t.from_account = a.code AND t.kind = 'pending' AND t.resolved_by IS NULL AND "          \
    "t.expires < :today) AS expired FROM accounts a WHERE a.kind = 'project')"

/* One row per project: its budget (the assistance money) and what its project
 * accounts received (allocated), reserved for payments waiting for approval
 * (committed, and of it what expired) and paid, both net of what they gave
 * back; and its total investment, kept apart from the budget.  WHERE names the
 * projects (a condition on p). */
#define PER_PROJECT(where)                                                                         \
    "SELECT p.code, p.name, p.pairing, p.region, p.kind, p.domain, p.budget, "                     \
    "coalesce(sum(a.credits_posted - a.returned), 0) AS allocated, "                               \
    "coalesce(sum(a.debits_pending), 0) AS committed, "                                            \
    "coalesce(sum(a.debits_posted - a.returned), 0) AS paid, "                                     \
    "coalesce(sum(a.expired), 0) AS expired, coalesce(p.investment, 0) AS investment, "            \
    "(SELECT donor FROM pairings WHERE code = p.pairing) AS donor FROM projects p "                \
    "LEFT JOIN " PROJECT_ACCOUNTS " a ON a.project = p.code "                                      \
    "WHERE pa_sees_project(p.pairing, p.public) AND " where " GROUP BY p.code"

#define GROUPED(key, name)                                                                         \
    "SELECT " key ", " name ", count(*), sum(budget), sum(allocated), sum(committed), sum(paid), " \
    "sum(expired), sum(investment) FROM (" PER_PROJECT("1") ") x GROUP BY 1 ORDER BY 1"

static const char *const budget_sql[] = {
    [PA_BUDGET_PROJECT] =
        "SELECT code, name, 1, budget, allocated, committed, paid, expired, investment FROM ("
        PER_PROJECT("1") ") x ORDER BY code",
    [PA_BUDGET_PAIRING] = GROUPED("pairing", "(SELECT name FROM pairings WHERE code = pairing)"),
    [PA_BUDGET_COUNTY] = GROUPED("region", "(SELECT name FROM regions WHERE code = region)"),
    [PA_BUDGET_KIND] = GROUPED("kind", "NULL"),
    [PA_BUDGET_DOMAIN] = GROUPED("domain", "NULL"),
    /* 帮扶方: the donor region of each project's pairing, so that a donor's row
     * adds up the budgets of the projects it answers for and the money they
     * received and paid, like every other grouping.  (It once summed the donors'
     * source accounts, which have no budget: 预算数 0.00 and no rate for all.) */
    [PA_BUDGET_DONOR] = GROUPED("donor", "(SELECT name FROM regions WHERE code = donor)"),
};

int pa_budget_group_parse(const char *name, enum pa_budget_group *group, struct pa_error *err)
{
    static const char *const names[] = {"project", "pairing", "county", "kind", "domain", "donor"};
    for (size_t i = 0; i < PA_ARRAY_LEN(names); i++)
        if (strcmp(name, names[i]) == 0) {
            *group = (enum pa_budget_group)i;
            return 0;
        }
    return pa_error_setf(err, PA_EINVAL, "by",
                         "'%.40s' is not one of project, pairing, county, kind, domain, donor",
                         name);
}

/* 执行率 = 已支出 / 预算数, in tenths of a percent, rounded half up. */
static int rate_permille(int64_t paid, int64_t budget)
{
    if (budget <= 0)
        return -1;
    int64_t scaled, r;
    if (!__builtin_mul_overflow(paid, 2000, &scaled) &&
        !__builtin_add_overflow(scaled, budget, &scaled) && budget <= INT64_MAX / 2)
        r = scaled / (budget * 2);
    else /* amounts near the int64 limit: exact to a tenth of a percent is enough */
        r = paid / (budget / 1000 > 0 ? budget / 1000 : 1);
    return r > 1000000 ? 1000000 : (int)r;
}

/* Binds :today, the one clock (pa_date_today), which says which requests expired. */
static void bind_today(sqlite3_stmt *stmt)
{
    char today[PA_DATE_LEN + 1];
    pa_date_format(pa_date_today(), today);
    int i = sqlite3_bind_parameter_index(stmt, ":today");
    PA_ASSERT(i > 0);
    sqlite3_bind_text(stmt, i, today, -1, SQLITE_TRANSIENT);
}

/* Calls fn for each row of a prepared budget statement (columns: key, name,
 * projects, budget, allocated, committed, paid, expired, investment); resets it. */
static int budget_rows(struct pa_db *db, sqlite3_stmt *stmt,
                       int (*fn)(const struct pa_budget_row *row, void *ctx), void *ctx,
                       struct pa_error *err)
{
    int rc = 0, step;
    bind_today(stmt);
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct pa_budget_row row = {0};
        snprintf(row.key, sizeof(row.key), "%s", sqlite3_column_text(stmt, 0));
        row.name = (const char *)sqlite3_column_text(stmt, 1);
        row.projects = sqlite3_column_int64(stmt, 2);
        row.budget_fen = sqlite3_column_int64(stmt, 3);
        row.allocated_fen = sqlite3_column_int64(stmt, 4);
        row.committed_fen = sqlite3_column_int64(stmt, 5);
        row.paid_fen = sqlite3_column_int64(stmt, 6);
        row.expired_fen = sqlite3_column_int64(stmt, 7);
        row.investment_fen = sqlite3_column_int64(stmt, 8);
        row.rate_permille = rate_permille(row.paid_fen, row.budget_fen);
        if (fn(&row, ctx) != 0)
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "computing budget execution");
    sqlite3_reset(stmt);
    return rc;
}

int pa_ledger_budget(struct pa_db *db, enum pa_budget_group group,
                     int (*fn)(const struct pa_budget_row *row, void *ctx), void *ctx,
                     struct pa_error *err)
{
    PA_ASSERT((size_t)group < PA_ARRAY_LEN(budget_sql));
    sqlite3_stmt *stmt;
    int rc = pa_scope_read(db, PA_SCOPE_ACCOUNTS, err);
    if (rc == 0)
        rc = pa_db_prepare(db, budget_sql[group], &stmt, err);
    return rc != 0 ? rc : budget_rows(db, stmt, fn, ctx, err);
}

int pa_ledger_budget_of(struct pa_db *db, const char *project,
                        int (*fn)(const struct pa_budget_row *row, void *ctx), void *ctx,
                        struct pa_error *err)
{
    static const char sql[] =
        "SELECT code, name, 1, budget, allocated, committed, paid, expired, investment FROM ("
        PER_PROJECT("p.code = :code") ") x"; /* named: :today comes first in the text */
    sqlite3_stmt *stmt;
    int rc = pa_scope_read(db, 0, err);
    if (rc == 0)
        rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, sqlite3_bind_parameter_index(stmt, ":code"), project);
    return budget_rows(db, stmt, fn, ctx, err);
}

/* ---- totals for the summary ---------------------------------------------------------- */

int pa_funds_summary_load(struct pa_db *db, struct pa_funds_summary *s, struct pa_error *err)
{
    /* what the donors arranged and the pools hold are public aggregates; the
     * rest is what the principal reads */
#define READ_T "(pa_sees_account(from_account) OR pa_sees_account(to_account))"
    static const char sql[] =
        "SELECT (SELECT count(*) FROM accounts WHERE pa_sees_account(code)), "
        "(SELECT count(*) FROM transfers WHERE " READ_T "), "
        "(SELECT count(*) FROM transfers WHERE kind = 'pending' AND resolved_by IS NULL AND "
        READ_T "), "
        "(SELECT count(*) FROM transfers WHERE kind = 'pending' AND resolved_by IS NULL AND "
        " expires < ?1 AND " READ_T "), "
        /* a source's credits are money given back to it */
        "coalesce((SELECT sum(debits_posted - credits_posted) FROM accounts WHERE kind = "
        "'source'), 0), "
        "coalesce((SELECT sum(credits_posted - debits_posted) FROM accounts WHERE kind = 'pool'), "
        "0), "
        "coalesce((SELECT sum(a.credits_posted - " RETURNED_BY("a.code") ") FROM accounts a "
        "WHERE a.kind = 'project' AND pa_sees_account(a.code)), 0), "
        "coalesce((SELECT sum(a.debits_posted - " RETURNED_BY("a.code") ") FROM accounts a "
        "WHERE a.kind = 'project' AND pa_sees_account(a.code)), 0), "
        "coalesce((SELECT sum(debits_pending) FROM accounts WHERE pa_sees_account(code)), 0), "
        /* counted from the account that would pay, like debits_pending above */
        "coalesce((SELECT sum(amount) FROM transfers WHERE kind = 'pending' AND resolved_by IS "
        "NULL AND expires < ?1 AND pa_sees_account(from_account)), 0)";
#undef READ_T
    sqlite3_stmt *stmt;
    int rc = pa_scope_read(db, PA_SCOPE_ACCOUNTS, err);
    if (rc == 0)
        rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    char today[PA_DATE_LEN + 1];
    pa_date_format(pa_date_today(), today);
    pa_db_bind_text(stmt, 1, today);
    memset(s, 0, sizeof(*s));
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        int64_t *fields[] = {&s->accounts,        &s->transfers,    &s->pending_transfers,
                             &s->expired_pending, &s->arranged_fen, &s->pooled_fen,
                             &s->allocated_fen,   &s->paid_fen,     &s->pending_fen,
                             &s->expired_pending_fen};
        for (size_t i = 0; i < PA_ARRAY_LEN(fields); i++)
            *fields[i] = sqlite3_column_int64(stmt, (int)i);
    } else {
        rc = pa_db_fail(db, err, "summing the funds");
    }
    sqlite3_reset(stmt);
    return rc;
}
