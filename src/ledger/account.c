/*
 * account.c - ledger accounts: the `accounts` kind (import, export, its checks),
 * closing an account, and the per-transaction cache of their four counters that
 * transfers work on (see ledger_int.h for why).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger_int.h"

/* ---- the cache ------------------------------------------------------------ */

struct saved_counters {
    int index;
    struct pa_account before;
};

struct ledger_cache {
    /* One allocation per account, so a pointer handed out stays valid while the
     * cache grows; kept for reuse after a transaction ends. */
    struct pa_account **accounts;
    bool *dirty;
    int n, cap;
    struct pa_strmap *index; /* code -> position in accounts */
    struct saved_counters *saved;
    int nsaved, saved_cap;
    bool chain_open;
};

static void forget(struct ledger_cache *c)
{
    c->n = 0;
    c->nsaved = 0;
    c->chain_open = false;
    pa_strmap_free(c->index);
    c->index = NULL;
}

static void free_cache(void *state)
{
    struct ledger_cache *c = state;
    if (c == NULL)
        return;
    forget(c);
    for (int i = 0; i < c->cap; i++)
        free(c->accounts[i]);
    free(c->accounts);
    free(c->dirty);
    free(c->saved);
    free(c);
}

static const char sql_write_back[] =
    "UPDATE accounts SET debits_pending = ?2, debits_posted = ?3, credits_pending = ?4, "
    "credits_posted = ?5, closed = ?6 WHERE code = ?1";

/* A 128-bit running sum, since totals over many accounts may pass int64 even
 * when every account's counters fit. */
struct wide_sum {
    uint64_t lo;
    int64_t hi;
};

static void wide_add(struct wide_sum *s, int64_t v)
{
    uint64_t before = s->lo;
    s->lo += (uint64_t)v;
    if (v >= 0 && s->lo < before)
        s->hi++;
    else if (v < 0 && s->lo > before)
        s->hi--;
}

/* The books must balance: every transfer debits one account what it credits
 * another.  Before every commit, what the transaction changed is summed over
 * the accounts it touched (in 128 bits): the debits it added must equal the
 * credits it added, posted and pending.  Summing every account instead cost a
 * quarter of a single HTTP transfer's time (bench/RESULTS.md); the whole books
 * are checked by replay in `log verify`. */
static int check_balanced(const struct ledger_cache *c, struct pa_error *err)
{
    struct wide_sum posted = {0, 0}, pending = {0, 0};
    for (int i = 0; i < c->n; i++) {
        const struct pa_account *a = c->accounts[i];
        if (!c->dirty[i])
            continue;
        wide_add(&posted, a->debits_posted - a->loaded_debits_posted);
        wide_add(&posted, -(a->credits_posted - a->loaded_credits_posted));
        wide_add(&pending, a->debits_pending - a->loaded_debits_pending);
        wide_add(&pending, -(a->credits_pending - a->loaded_credits_pending));
    }
    if (posted.lo != 0 || posted.hi != 0 || pending.lo != 0 || pending.hi != 0)
        return pa_error_set(err, PA_EINTERNAL,
                            "the transaction does not balance: its debits differ from its "
                            "credits (posted by %lld fen, pending by %lld fen); nothing was "
                            "committed",
                            (long long)posted.lo, (long long)pending.lo);
    return 0;
}

static int write_back(struct pa_db *db, void *state, struct pa_error *err)
{
    struct ledger_cache *c = state;
    PA_ASSERT(!c->chain_open);
    bool any = false;
    int rc = 0;
    for (int i = 0; rc == 0 && i < c->n; i++) {
        if (!c->dirty[i])
            continue;
        const struct pa_account *a = c->accounts[i];
        sqlite3_stmt *stmt;
        rc = pa_db_prepare(db, sql_write_back, &stmt, err);
        if (rc != 0)
            break;
        sqlite3_bind_text(stmt, 1, a->code, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, a->debits_pending);
        sqlite3_bind_int64(stmt, 3, a->debits_posted);
        sqlite3_bind_int64(stmt, 4, a->credits_pending);
        sqlite3_bind_int64(stmt, 5, a->credits_posted);
        sqlite3_bind_int(stmt, 6, a->closed);
        if (sqlite3_step(stmt) != SQLITE_DONE)
            rc = pa_db_fail(db, err, "writing account balances");
        sqlite3_reset(stmt);
        any = true;
    }
    if (rc == 0 && any)
        rc = check_balanced(c, err);
    forget(c);
    return rc;
}

static void after_rollback(struct pa_db *db, void *state)
{
    (void)db;
    forget(state);
}

static const struct pa_db_extension ledger_extension = {write_back, after_rollback, free_cache};

static int cache_of(struct pa_db *db, struct ledger_cache **out, struct pa_error *err)
{
    *out = pa_db_extension_state(db, &ledger_extension);
    if (*out == NULL) {
        struct ledger_cache *c = calloc(1, sizeof(*c));
        if (c == NULL)
            return pa_error_set(err, PA_ENOMEM, "out of memory");
        int rc = pa_db_extension_attach(db, &ledger_extension, c, err);
        if (rc != 0)
            return rc;
        *out = c;
    }
    if ((*out)->index == NULL && pa_strmap_new(&(*out)->index) != 0)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    return 0;
}

int pa_ledger__attach(struct pa_db *db, struct pa_error *err)
{
    struct ledger_cache *c;
    return cache_of(db, &c, err);
}

static int grow(struct ledger_cache *c, struct pa_error *err)
{
    if (c->n < c->cap)
        return 0;
    int cap = c->cap ? c->cap * 2 : 64;
    struct pa_account **accounts = realloc(c->accounts, (size_t)cap * sizeof(*accounts));
    if (accounts == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    c->accounts = accounts;
    bool *dirty = realloc(c->dirty, (size_t)cap * sizeof(*dirty));
    if (dirty == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    c->dirty = dirty;
    for (int i = c->cap; i < cap; i++) {
        c->accounts[i] = calloc(1, sizeof(struct pa_account));
        if (c->accounts[i] == NULL) {
            c->cap = i;
            return pa_error_set(err, PA_ENOMEM, "out of memory");
        }
    }
    c->cap = cap;
    return 0;
}

static const char sql_read_account[] =
    "SELECT kind, closed, debits_pending, debits_posted, credits_pending, credits_posted "
    "FROM accounts WHERE code = ?1";

/* The pairing whose log holds an account's events: a project account's is its
 * project's. */
static const char sql_account_pairing[] =
    "SELECT coalesce((SELECT p.pairing FROM projects p WHERE p.code = a.project), a.pairing) "
    "FROM accounts a WHERE a.code = ?1";

int pa_ledger__log_of_account(struct pa_db *db, const char *code, char *log,
                              struct pa_error *err)
{
    struct pa_account *a = NULL;
    int rc = code ? pa_ledger__account(db, code, &a, err) : 0;
    snprintf(log, PA_LOG_NAME_MAX + 1, "%s", a ? a->log : "");
    return rc;
}

int pa_ledger__account(struct pa_db *db, const char *code, struct pa_account **acct,
                       struct pa_error *err)
{
    struct ledger_cache *c;
    int rc = cache_of(db, &c, err);
    long i;
    *acct = NULL;
    if (rc != 0)
        return rc;
    if (pa_strmap_get(c->index, code, &i)) {
        *acct = c->accounts[i];
        return 0;
    }
    sqlite3_stmt *stmt;
    if ((rc = pa_db_prepare(db, sql_read_account, &stmt, err)) != 0 || (rc = grow(c, err)) != 0)
        return rc;
    pa_db_bind_text(stmt, 1, code);
    int step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        struct pa_account *a = c->accounts[c->n];
        snprintf(a->code, sizeof(a->code), "%s", code);
        const char *kind = (const char *)sqlite3_column_text(stmt, 0);
        a->is_source = strcmp(kind, "source") == 0;
        a->is_pool = strcmp(kind, "pool") == 0;
        a->is_project = strcmp(kind, "project") == 0;
        a->closed = sqlite3_column_int(stmt, 1) != 0;
        a->debits_pending = sqlite3_column_int64(stmt, 2);
        a->debits_posted = sqlite3_column_int64(stmt, 3);
        a->credits_pending = sqlite3_column_int64(stmt, 4);
        a->credits_posted = sqlite3_column_int64(stmt, 5);
        a->loaded_debits_pending = a->debits_pending;
        a->loaded_debits_posted = a->debits_posted;
        a->loaded_credits_pending = a->credits_pending;
        a->loaded_credits_posted = a->credits_posted;
        a->slot = c->n;
        c->dirty[c->n] = false;
        sqlite3_reset(stmt);
        rc = pa_tlog_log_of_row(db, sql_account_pairing, code, a->log, err);
        if (rc != 0)
            return rc;
        if (pa_strmap_put(c->index, a->code, c->n, NULL) < 0)
            rc = pa_error_set(err, PA_ENOMEM, "out of memory");
        else
            *acct = c->accounts[c->n++];
    } else if (step != SQLITE_DONE) {
        rc = pa_db_fail(db, err, "reading an account");
    }
    sqlite3_reset(stmt);
    return rc;
}

void pa_ledger__touch(struct pa_db *db, struct pa_account *acct)
{
    struct ledger_cache *c = pa_db_extension_state(db, &ledger_extension);
    PA_ASSERT(c != NULL && acct->slot >= 0 && acct->slot < c->n && c->accounts[acct->slot] == acct);
    int i = acct->slot;
    if (c->chain_open) {
        if (c->nsaved == c->saved_cap) {
            int cap = c->saved_cap ? c->saved_cap * 2 : 16;
            struct saved_counters *saved = realloc(c->saved, (size_t)cap * sizeof(*saved));
            PA_ASSERT(saved != NULL); /* a chain touches few accounts; cannot undo without it */
            c->saved = saved;
            c->saved_cap = cap;
        }
        c->saved[c->nsaved].index = i;
        c->saved[c->nsaved].before = *acct;
        c->nsaved++;
    }
    c->dirty[i] = true;
}

void pa_ledger__chain_begin(struct pa_db *db)
{
    struct ledger_cache *c = pa_db_extension_state(db, &ledger_extension);
    PA_ASSERT(c != NULL && !c->chain_open);
    c->chain_open = true;
    c->nsaved = 0;
}

void pa_ledger__chain_end(struct pa_db *db, bool restore)
{
    struct ledger_cache *c = pa_db_extension_state(db, &ledger_extension);
    PA_ASSERT(c != NULL && c->chain_open);
    /* Newest first, so an account touched twice gets its oldest counters back. */
    for (int k = c->nsaved - 1; restore && k >= 0; k--)
        *c->accounts[c->saved[k].index] = c->saved[k].before;
    c->chain_open = false;
    c->nsaved = 0;
}

/* ---- the accounts kind ------------------------------------------------------- */

enum { A_CODE, A_NAME, A_KIND, A_REGION, A_PAIRING, A_PROJECT, A_ORG, A_DOMAINS, A_KINDS };

static const struct pa_enum_value account_kinds[] = {{"source", "资金来源"},
                                                     {"pool", "资金池"},
                                                     {"project", "项目"},
                                                     {"payee", "收款单位"},
                                                     {NULL, NULL}};

static const struct pa_column account_columns[] = {
    {"code", PA_COL_CODE, PA_COL_KEY | PA_COL_REQUIRED, NULL},
    {"name", PA_COL_NAME, PA_COL_REQUIRED, NULL},
    {"kind", PA_COL_ENUM, PA_COL_REQUIRED, account_kinds},
    {"region", PA_COL_REGION, PA_COL_REQUIRED, NULL},
    {"pairing", PA_COL_CODE, 0, NULL},
    {"project", PA_COL_CODE, 0, NULL},
    /* what the joint audit checks (docs/audit.md); exported only when used */
    {"org", PA_COL_CODE, PA_COL_EXTRA, NULL},                   /* a payee's organisation */
    {"domains", PA_COL_SET, PA_COL_EXTRA, pa_project_domains},  /* a fund's designated */
    {"kinds", PA_COL_SET, PA_COL_EXTRA, pa_project_kinds},      /* direction (投向) */
};

/* A project account belongs to one project, in that project's region, and to
 * its project's pairing or a pairing above it (the same rule as reading). */
static int check_project_account(struct pa_db *db, const struct pa_record *rec,
                                 struct pa_error *err)
{
    static const char sql[] = "SELECT region || '|' || pairing FROM projects WHERE code = ?1";
    const char *project = rec->v[A_PROJECT].s;
    char facts[160];
    bool found;
    int rc = pa_db_lookup_text(db, sql, project, facts, sizeof(facts), &found, err);
    if (rc != 0)
        return rc;
    if (!found)
        return pa_error_setf(err, PA_ENOTFOUND, "project", "unknown project '%s'", project);
    char *pairing = strchr(facts, '|');
    PA_ASSERT(pairing != NULL);
    *pairing++ = '\0';
    if (strcmp(facts, rec->v[A_REGION].s) != 0)
        return pa_error_setf(err, PA_EINVAL, "region",
                             "a project account is in its project's region %s", facts);
    const char *given = rec->v[A_PAIRING].null ? NULL : rec->v[A_PAIRING].s;
    if (given && (rc = pa_scope_read(db, 0, err)) != 0)
        return rc;
    if (given && !pa_pairing_under(db, pairing, given))
        return pa_error_setf(err, PA_EINVAL, "pairing",
                             "project '%s' belongs to pairing '%s', not to '%s' or below it",
                             project, pairing, given);
    return 0;
}

static int check_account(struct pa_db *db, const struct pa_record *rec, struct pa_error *err)
{
    static const char sql_pairing[] = "SELECT code FROM pairings WHERE code = ?1";
    bool is_project = strcmp(rec->v[A_KIND].s, "project") == 0;
    char ignored[8];
    bool found;
    if (!rec->v[A_PAIRING].null) {
        int rc = pa_db_lookup_text(db, sql_pairing, rec->v[A_PAIRING].s, ignored, sizeof(ignored), &found,
                             err);
        if (rc != 0)
            return rc;
        if (!found)
            return pa_error_setf(err, PA_ENOTFOUND, "pairing", "unknown pairing '%s'",
                                 rec->v[A_PAIRING].s);
    }
    bool is_fund = strcmp(rec->v[A_KIND].s, "pool") == 0 || strcmp(rec->v[A_KIND].s, "source") == 0;
    if (!is_fund && (!rec->v[A_DOMAINS].null || !rec->v[A_KINDS].null))
        return pa_error_setf(err, PA_EINVAL, rec->v[A_DOMAINS].null ? "kinds" : "domains",
                             "only a fund (a source or a pool) has a designated direction");
    if (!rec->v[A_ORG].null) {
        static const char sql_org[] = "SELECT code FROM orgs WHERE code = ?1";
        char org[PA_CODE_MAX + 1];
        int rc = pa_db_lookup_text(db, sql_org, rec->v[A_ORG].s, org, sizeof(org), &found, err);
        if (rc != 0)
            return rc;
        if (!found)
            return pa_error_setf(err, PA_ENOTFOUND, "org", "unknown organisation '%s'",
                                 rec->v[A_ORG].s);
    }
    if (is_project && rec->v[A_PROJECT].null)
        return pa_error_setf(err, PA_EINVAL, "project", "a project account names its project");
    if (!is_project && !rec->v[A_PROJECT].null)
        return pa_error_setf(err, PA_EINVAL, "project",
                             "only accounts of kind project belong to a project");
    return is_project ? check_project_account(db, rec, err) : 0;
}

/* ---- who controls an account's money -----------------------------------------
 * All money in the programme is a donor's: a source account's is its region's,
 * a pool's and a project account's are the donor of their pairing.  That donor
 * approves (posts) or rejects (voids) requests against it.  Day to day, the
 * recipient where a project is records its payments and asks for money; a
 * payee is outside the programme, and only an admin moves money out of it. */

struct owner {
    char kind[16];
    char region[8];                /* the account's own region */
    char donor[8];                 /* whose money it is */
    char pairing[PA_CODE_MAX + 1]; /* its pairing (a project account's: its project's) */
};

static int owner_of(struct pa_db *db, const char *code, struct owner *o, struct pa_error *err)
{
    static const char sql[] =
        "SELECT a.kind, a.region, coalesce(g.donor, a.region), g.code FROM accounts a "
        "LEFT JOIN projects p ON p.code = a.project "
        "LEFT JOIN pairings g ON g.code = coalesce(p.pairing, a.pairing) WHERE a.code = ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, code);
    int step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        const unsigned char *pairing = sqlite3_column_text(stmt, 3);
        snprintf(o->kind, sizeof(o->kind), "%s", sqlite3_column_text(stmt, 0));
        snprintf(o->region, sizeof(o->region), "%s", sqlite3_column_text(stmt, 1));
        snprintf(o->donor, sizeof(o->donor), "%s",
                 strcmp(o->kind, "source") == 0 ? o->region
                                                : (const char *)sqlite3_column_text(stmt, 2));
        snprintf(o->pairing, sizeof(o->pairing), "%s", pairing ? (const char *)pairing : "");
    } else if (step == SQLITE_DONE) {
        rc = pa_error_setf(err, PA_ENOTFOUND, "account", "unknown account '%s'", code);
    } else {
        rc = pa_db_fail(db, err, "reading an account");
    }
    sqlite3_reset(stmt);
    return rc;
}

int pa_ledger__authorize_spend(struct pa_db *db, const char *account, const char *what,
                               struct pa_error *err)
{
    if (pa_scope_unrestricted(db))
        return 0;
    struct owner o;
    int rc = owner_of(db, account, &o, err);
    if (rc != 0)
        return rc;
    if (strcmp(o.kind, "project") == 0)
        return pa_scope_require(db, PA_ROLE_RECIPIENT, o.region, what, err);
    if (strcmp(o.kind, "payee") == 0)
        return pa_scope_admin_only(db, what, err);
    return pa_scope_require(db, PA_ROLE_DONOR, o.donor, what, err);
}

int pa_ledger__authorize_approval(struct pa_db *db, const char *account, const char *what,
                                  struct pa_error *err)
{
    if (pa_scope_unrestricted(db))
        return 0;
    struct owner o;
    int rc = owner_of(db, account, &o, err);
    if (rc != 0)
        return rc;
    if (strcmp(o.kind, "payee") == 0)
        return pa_scope_admin_only(db, what, err);
    return pa_scope_require(db, PA_ROLE_DONOR, o.donor, what, err);
}

/* A request only reserves money its requester may ask for: a recipient asks
 * to pay from a project account of theirs, or asks the pool of a project's
 * pairing (or of the pairing above it) for money into a project account of
 * theirs; never a payee's, a source's or another county's money.
 * The payer half decides alone except for a recipient asking a pool, where
 * the answer depends on the account the money goes into (*needs_target). */
static int authorize_payer(struct pa_db *db, const char *from, struct owner *payer,
                           bool *needs_target, struct pa_error *err)
{
    *needs_target = false;
    if (pa_scope_unrestricted(db))
        return 0;
    if (pa_db_principal(db)->role != PA_ROLE_RECIPIENT)
        return pa_ledger__authorize_spend(db, from, "reserve money of this account", err);
    int rc = owner_of(db, from, payer, err);
    if (rc != 0)
        return rc;
    if (strcmp(payer->kind, "project") == 0)
        return pa_scope_require(db, PA_ROLE_RECIPIENT, payer->region,
                                "request payments from this project account", err);
    if (strcmp(payer->kind, "pool") != 0)
        return pa_error_set(err, PA_EDENIED,
                            "a request pays from a project account, or asks a pool for money "
                            "into one; '%s' is a %s account",
                            from, payer->kind);
    *needs_target = true;
    return 0;
}

int pa_ledger__authorize_payer(struct pa_db *db, const char *from, bool *needs_target,
                               struct pa_error *err)
{
    struct owner payer;
    return authorize_payer(db, from, &payer, needs_target, err);
}

int pa_ledger__authorize_request(struct pa_db *db, const char *from, const char *to,
                                 struct pa_error *err)
{
    struct owner payer, payee;
    bool needs_target;
    int rc = authorize_payer(db, from, &payer, &needs_target, err);
    if (rc != 0 || !needs_target)
        return rc;
    if ((rc = owner_of(db, to, &payee, err)) != 0)
        return rc;
    if (strcmp(payee.kind, "project") != 0)
        return pa_error_set(err, PA_EDENIED, "money asked of a pool goes into a project account");
    rc = pa_scope_require(db, PA_ROLE_RECIPIENT, payee.region,
                          "request money for this project account", err);
    if (rc == 0)
        rc = pa_scope_read(db, 0, err);
    if (rc == 0 && !pa_pairing_under(db, payee.pairing, payer.pairing))
        rc = pa_error_set(err, PA_EDENIED,
                          "pool '%s' (pairing '%s') does not fund pairing '%s'", from,
                          payer.pairing, payee.pairing);
    return rc;
}

int pa_ledger__unfunded(struct pa_db *db, const char *account, bool *applies, int64_t *unfunded,
                        struct pa_error *err)
{
    static const char sql[] =
        "SELECT p.budget, b.code FROM accounts a JOIN projects p ON p.code = a.project "
        "JOIN accounts b ON b.project = p.code AND b.kind = 'project' "
        "WHERE a.code = ?1 AND a.kind = 'project'";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, account);
    /* the project's accounts' codes first: their counters come from the cache,
     * which runs statements of its own */
    char codes[8][PA_CODE_MAX + 1];
    int n = 0, step;
    int64_t budget = 0;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW && n < (int)PA_ARRAY_LEN(codes)) {
        budget = sqlite3_column_int64(stmt, 0);
        snprintf(codes[n++], sizeof(codes[0]), "%s", sqlite3_column_text(stmt, 1));
    }
    bool complete = step == SQLITE_DONE;
    sqlite3_reset(stmt);
    if (!complete && step != SQLITE_ROW)
        return pa_db_fail(db, err, "reading a project's accounts");
    *applies = n > 0;
    *unfunded = budget;
    if (!complete) /* more than 8 accounts for one project: too many to be a budget line */
        return pa_error_setf(err, PA_EINVAL, "to", "project of '%s' has too many accounts",
                             account);
    for (int i = 0; rc == 0 && i < n; i++) {
        struct pa_account *acct;
        rc = pa_ledger__account(db, codes[i], &acct, err);
        if (rc == 0 && acct &&
            (__builtin_sub_overflow(*unfunded, acct->credits_posted, unfunded) ||
             __builtin_sub_overflow(*unfunded, acct->credits_pending, unfunded)))
            rc = pa_error_setf(err, PA_ERANGE, "amount", "a project's funding overflows");
    }
    return rc;
}

static int authorize_account(struct pa_db *db, const struct pa_record *rec, struct pa_error *err)
{
    if (pa_scope_unrestricted(db))
        return 0;
    const char *kind = rec->v[A_KIND].s;
    const char *region = rec->v[A_REGION].s;
    if (strcmp(kind, "pool") == 0 && !rec->v[A_PAIRING].null) {
        static const char sql[] = "SELECT donor FROM pairings WHERE code = ?1";
        char donor[8];
        bool found;
        int rc = pa_db_lookup_text(db, sql, rec->v[A_PAIRING].s, donor, sizeof(donor), &found, err);
        if (rc != 0 || !found)
            return rc; /* an unknown pairing is reported by the check */
        return pa_scope_require(db, PA_ROLE_DONOR, donor, "open a pool for this pairing", err);
    }
    if (strcmp(kind, "source") == 0 || strcmp(kind, "pool") == 0)
        return pa_scope_require(db, PA_ROLE_DONOR, region, "open this account", err);
    return pa_scope_require(db, PA_ROLE_RECIPIENT, region, "open this account", err);
}

const struct pa_kind pa_ledger__account_kind = {
    .name = "accounts",
    .event_create = "account.create",
    .columns = account_columns,
    .ncolumns = PA_ARRAY_LEN(account_columns),
    .table = "accounts",
    .order_by = "code",
    .visible = "pa_sees_account(code)",
    .sql_has_extra = "SELECT EXISTS (SELECT 1 FROM accounts WHERE org IS NOT NULL OR "
                     "domains IS NOT NULL OR kinds IS NOT NULL)",
    .check = check_account,
    .authorize = authorize_account,
};

/* ---- closing ------------------------------------------------------------------ */

static int close_cached(struct pa_db *db, const char *code, bool replaying, struct pa_error *err)
{
    struct pa_account *a;
    int rc = pa_ledger__account(db, code, &a, err);
    if (rc != 0)
        return rc;
    int bad = replaying ? PA_ETAMPER : PA_ENOTFOUND;
    if (a == NULL)
        return pa_error_setf(err, bad, "account", "unknown account '%s'", code);
    bad = replaying ? PA_ETAMPER : PA_EINVAL;
    if (a->closed)
        return pa_error_setf(err, bad, "account", "account '%s' is already closed", code);
    if (a->debits_pending != 0 || a->credits_pending != 0)
        return pa_error_setf(err, bad, "account",
                             "account '%s' has pending transfers: post or void them first", code);
    pa_ledger__touch(db, a);
    a->closed = true;
    return 0;
}

int pa_ledger__apply_close(struct pa_db *db, const struct pa_event *ev, struct pa_error *err)
{
    const char *code = NULL;
    if (json_unpack((json_t *)ev->data, "{s:s !}", "code", &code) != 0)
        return pa_error_set(err, PA_ETAMPER, "event '%s' is malformed", ev->type);
    return close_cached(db, code, true, err);
}

int pa_account_close(struct pa_db *db, const char *code, struct pa_error *err)
{
    PA_ASSERT(pa_db_in_transaction(db));
    int rc = pa_code_check(code, err);
    if (rc == 0)
        rc = pa_ledger__authorize_approval(db, code, "close this account", err);
    if (rc == 0)
        rc = close_cached(db, code, false, err);
    if (rc != 0)
        return rc;
    struct pa_canon c;
    pa_canon_init(&c);
    struct pa_actor who;
    pa_db_who(db, &who);
    pa_canon_begin(&c, &who);
    pa_canon_key(&c, "code");
    pa_canon_string(&c, code, strlen(code));
    int64_t now = (int64_t)time(NULL);
    rc = pa_canon_finish(&c, now, "account.close", err);
    if (rc == 0)
        rc = pa_tlog_append_canon(db, "account.close", now, &c, NULL, NULL, err);
    pa_canon_release(&c);
    return rc;
}
