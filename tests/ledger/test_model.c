/*
 * test_model.c - the ledger against a plain reference model.
 *
 * Random batches of commands (posted and pending transfers, posts in full and in
 * part, voids, expiries, linked chains, retries with the same id, changed retries,
 * unknown and closed accounts, overflow-sized amounts, two actors) go both to
 * pairaid and to the model below, which is written straight from docs/ledger.md
 * ("the order of the checks") with nothing shared with src/ledger.  Every result
 * code and, after every batch, every account's four counters must agree.  At the
 * end the balances worked out from the transfers (as of the last position) must
 * equal the counters, and a replay of the log must give the same tables.
 *
 * PA_SEED=N repeats a run; PA_MODEL_OPS=N sets the number of transfers (100,000).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support.h"

#define NACC 6
#define MAXC 8

/* ---- the model -------------------------------------------------------------- */

struct macc {
    const char *code;
    bool source, closed;
    int64_t dp, dpo, cp, cpo;
};

struct mxfer {
    bool used;
    enum pa_transfer_kind kind;
    char date[16], from[16], to[16], project[16], memo[16], pending_id[16], expires[16];
    bool has_project, has_memo, has_expires;
    int64_t amount;
    int resolved; /* 0 open, 1 posted, 2 voided (pending only) */
    char actor[8];
};

struct model {
    struct macc acc[NACC];
    struct mxfer *x; /* by id number: T0, T1, ... */
    long nids;
};

static struct model M;

/* What a chain changed in the model, to take back if it fails. */
struct undo {
    struct macc acc[NACC];
    long created[MAXC];
    int ncreated;
    long resolved[MAXC];
    int nresolved;
};

static const char *const account_codes[NACC] = {"SRC", "POOL", "PA", "PB", "PAY", "SRC2"};

static struct macc *macc(struct model *m, const char *code)
{
    for (int i = 0; code && i < NACC; i++)
        if (strcmp(m->acc[i].code, code) == 0)
            return &m->acc[i];
    return NULL;
}

static long id_index(const char *id)
{
    long i = id[0] == 'T' ? atol(id + 1) : -1; /* ids are T0, T1, ..., or invalid */
    return i < M.nids ? i : -1;
}

static bool date_ok(const char *d)
{
    return d && strcmp(d, "2024-02-30") != 0; /* the one impossible date the generator makes */
}

static bool eq(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static enum pa_transfer_result compare_stored(const struct pa_transfer *t, const struct mxfer *s,
                                              const char **field)
{
    bool res = t->kind == PA_TRANSFER_POST || t->kind == PA_TRANSFER_VOID;
    *field = NULL;
    if (t->kind != s->kind)
        *field = "kind";
    else if (!eq(t->date, s->date))
        *field = "date";
    else if ((!res || t->from) && !eq(t->from, s->from))
        *field = "from";
    else if ((!res || t->to) && !eq(t->to, s->to))
        *field = "to";
    else if ((!res || t->amount_fen) && t->amount_fen != s->amount)
        *field = "amount";
    else if ((!res || t->project) && !eq(t->project, s->has_project ? s->project : NULL))
        *field = "project";
    else if (!eq(t->memo, s->has_memo ? s->memo : NULL))
        *field = "memo";
    else if (res && !eq(t->pending_id, s->pending_id))
        *field = "pending_id";
    else if (!eq(t->expires, s->has_expires ? s->expires : NULL))
        *field = "expires";
    return *field ? PA_TR_EXISTS_DIFFERENT : PA_TR_EXISTS;
}

static struct undo *chain_undo; /* set while a chain is being tried */

static void remember(struct model *m, const struct pa_transfer *t, const char *actor,
                     const char *from, const char *to, int64_t amount, const char *project)
{
    long i = id_index(t->id);
    struct mxfer *x = &m->x[i];
    if (chain_undo)
        chain_undo->created[chain_undo->ncreated++] = i;
    memset(x, 0, sizeof(*x));
    x->used = true;
    x->kind = t->kind;
    snprintf(x->date, sizeof(x->date), "%s", t->date);
    snprintf(x->from, sizeof(x->from), "%s", from);
    snprintf(x->to, sizeof(x->to), "%s", to);
    x->amount = amount;
    x->has_project = project != NULL;
    snprintf(x->project, sizeof(x->project), "%s", project ? project : "");
    x->has_memo = t->memo != NULL;
    snprintf(x->memo, sizeof(x->memo), "%s", t->memo ? t->memo : "");
    x->has_expires = t->expires != NULL;
    snprintf(x->expires, sizeof(x->expires), "%s", t->expires ? t->expires : "");
    snprintf(x->pending_id, sizeof(x->pending_id), "%s", t->pending_id ? t->pending_id : "");
    snprintf(x->actor, sizeof(x->actor), "%s", actor);
}

static bool sum_overflows(int64_t a, int64_t b, int64_t c)
{
    int64_t r;
    return __builtin_add_overflow(a, b, &r) || __builtin_add_overflow(r, c, &r);
}

static enum pa_transfer_result model_create(struct model *m, const struct pa_transfer *t,
                                            const char *actor)
{
    struct macc *a = macc(m, t->from), *b = macc(m, t->to);
    if (!date_ok(t->date))
        return PA_TR_DATE_INVALID;
    if (t->amount_fen <= 0)
        return PA_TR_AMOUNT_INVALID;
    if (t->from && t->to && strcmp(t->from, t->to) == 0)
        return PA_TR_ACCOUNTS_SAME;
    if (!a)
        return PA_TR_FROM_NOT_FOUND;
    if (!b)
        return PA_TR_TO_NOT_FOUND;
    if (a->closed)
        return PA_TR_FROM_CLOSED;
    if (b->closed)
        return PA_TR_TO_CLOSED;
    if (t->project && strcmp(t->project, "P1") != 0)
        return PA_TR_PROJECT_NOT_FOUND;
    if (t->expires &&
        (t->kind != PA_TRANSFER_PENDING || !date_ok(t->expires) || strcmp(t->expires, t->date) < 0))
        return PA_TR_EXPIRES_INVALID;
    if (sum_overflows(a->dpo, a->dp, t->amount_fen) || sum_overflows(b->cpo, b->cp, t->amount_fen))
        return PA_TR_OVERFLOW;
    if (!a->source && a->dpo + a->dp + t->amount_fen > a->cpo)
        return PA_TR_EXCEEDS_CREDITS;
    /* a request from a pool into P1's account: at most P1's budget (1.00) not yet
     * received or promised by its one account, PA */
    struct macc *pa = macc(m, "PA");
    bool pool = strcmp(a->code, "POOL") == 0 || strcmp(a->code, "PB") == 0;
    if (t->kind == PA_TRANSFER_PENDING && pool && b == pa &&
        t->amount_fen > 100 - pa->cpo - pa->cp)
        return PA_TR_EXCEEDS_BUDGET;
    if (t->kind == PA_TRANSFER_POSTED) {
        a->dpo += t->amount_fen;
        b->cpo += t->amount_fen;
    } else {
        a->dp += t->amount_fen;
        b->cp += t->amount_fen;
    }
    remember(m, t, actor, t->from, t->to, t->amount_fen, t->project);
    return PA_TR_CREATED;
}

static enum pa_transfer_result model_resolve(struct model *m, const struct pa_transfer *t,
                                             const char *actor)
{
    long pi = t->pending_id ? id_index(t->pending_id) : -1;
    if (pi < 0 || !m->x[pi].used)
        return PA_TR_PENDING_NOT_FOUND;
    struct mxfer *p = &m->x[pi];
    if (p->kind != PA_TRANSFER_PENDING)
        return PA_TR_PENDING_NOT_PENDING;
    if (p->resolved)
        return p->resolved == 1 ? PA_TR_PENDING_ALREADY_POSTED : PA_TR_PENDING_ALREADY_VOIDED;
    if (!date_ok(t->date))
        return PA_TR_DATE_INVALID;
    if (strcmp(t->date, p->date) < 0)
        return PA_TR_DATE_BEFORE_PENDING;
    if (t->from && strcmp(t->from, p->from) != 0)
        return PA_TR_FROM_DIFFERS;
    if (t->to && strcmp(t->to, p->to) != 0)
        return PA_TR_TO_DIFFERS;
    if (t->project && !eq(t->project, p->has_project ? p->project : NULL))
        return PA_TR_PROJECT_DIFFERS;
    if (t->expires)
        return PA_TR_EXPIRES_INVALID;
    bool post = t->kind == PA_TRANSFER_POST;
    if (post && p->has_expires && strcmp(t->date, p->expires) > 0)
        return PA_TR_PENDING_EXPIRED;
    if (t->amount_fen < 0 || (!post && t->amount_fen != 0 && t->amount_fen != p->amount))
        return PA_TR_AMOUNT_INVALID;
    if (post && t->amount_fen > p->amount)
        return PA_TR_EXCEEDS_PENDING_AMOUNT;
    if (post && strcmp(actor, p->actor) == 0)
        return PA_TR_SAME_ACTOR;
    struct macc *a = macc(m, p->from), *b = macc(m, p->to);
    int64_t amount = post && t->amount_fen ? t->amount_fen : p->amount;
    a->dp -= p->amount;
    b->cp -= p->amount;
    if (post) {
        a->dpo += amount;
        b->cpo += amount;
    }
    p->resolved = post ? 1 : 2;
    if (chain_undo)
        chain_undo->resolved[chain_undo->nresolved++] = pi;
    remember(m, t, actor, p->from, p->to, amount, p->has_project ? p->project : NULL);
    return PA_TR_CREATED;
}

static enum pa_transfer_result model_one(struct model *m, const struct pa_transfer *t,
                                         const char *actor, const char **field)
{
    *field = NULL;
    long i = t->id ? id_index(t->id) : -1;
    if (i < 0)
        return PA_TR_ID_INVALID;
    if (m->x[i].used)
        return compare_stored(t, &m->x[i], field);
    if (t->kind == PA_TRANSFER_POST || t->kind == PA_TRANSFER_VOID)
        return model_resolve(m, t, actor);
    return model_create(m, t, actor);
}

static bool ok(enum pa_transfer_result r)
{
    return r == PA_TR_CREATED || r == PA_TR_EXISTS;
}

static void take_back(struct model *m, const struct undo *u)
{
    memcpy(m->acc, u->acc, sizeof(m->acc));
    for (int k = 0; k < u->ncreated; k++)
        m->x[u->created[k]].used = false;
    for (int k = 0; k < u->nresolved; k++)
        m->x[u->resolved[k]].resolved = 0;
}

/* A batch: a chain's changes are taken back unless every member is in the books. */
static void model_batch(const struct pa_transfer *t, int n, const char *actor,
                        enum pa_transfer_result *r, const char **fields)
{
    for (int i = 0; i < n;) {
        int end = i;
        while (end < n - 1 && t[end].linked)
            end++;
        bool chain = t[i].linked;
        struct undo u = {.ncreated = 0};
        memcpy(u.acc, M.acc, sizeof(u.acc));
        chain_undo = chain ? &u : NULL;
        bool failed = false;
        int failed_at = -1;
        for (int k = i; k <= end; k++) {
            if (failed) {
                r[k] = PA_TR_LINKED_FAILED;
                fields[k] = NULL;
                continue;
            }
            r[k] = model_one(&M, &t[k], actor, &fields[k]);
            if (chain && !ok(r[k])) {
                failed = true;
                failed_at = k;
            }
        }
        chain_undo = NULL;
        bool open = chain && t[end].linked;
        if (chain && (failed || open))
            take_back(&M, &u);
        for (int k = i; chain && (failed || open) && k <= end; k++) {
            if (k != failed_at || open) {
                r[k] = open ? PA_TR_LINKED_OPEN : PA_TR_LINKED_FAILED;
                fields[k] = NULL;
            }
        }
        i = end + 1;
    }
}

/* ---- the generator ---------------------------------------------------------------- */

static const char *const dates[] = {"2024-01-05", "2024-01-20", "2024-02-10",
                                    "2024-02-30", "2024-03-01", "2024-03-15"};
static long next_id;
static char pending_ring[32][24]; /* ids of recent pending transfers, for posts and voids */
static int npending;

static void note_pending(const char *id)
{
    snprintf(pending_ring[npending < 32 ? npending++ : rand() % 32], 24, "%s", id);
}
static char id_text[MAXC * 2][24];
static int id_slot;

/* An id: fresh (fresh_percent of the time), one of the last `window`, or any. */
static const char *pick_id(int fresh_percent, long window)
{
    long n;
    int r = rand() % 100;
    if (r < fresh_percent || next_id == 0)
        n = next_id++;
    else if (r < 95)
        n = next_id - 1 - rand() % window;
    else
        n = rand() % next_id;
    char *buf = id_text[id_slot++ % (MAXC * 2)];
    snprintf(buf, 24, "T%ld", n < 0 ? 0 : n);
    return buf;
}

static const char *pick_account(void)
{
    int r = rand() % 100;
    if (r < 3)
        return "NOPE";
    return account_codes[rand() % NACC];
}

static int64_t pick_amount(void)
{
    int r = rand() % 100;
    if (r < 2)
        return 0;
    if (r < 4)
        return INT64_MAX / 2 + rand() % 7;
    if (r < 5)
        return -5;
    return 1 + rand() % 5000;
}

/* A transfer resembling earlier ones often enough to exercise retries. */
static void generate(struct pa_transfer *t)
{
    static const char *const memos[] = {"m0", "m1", "拨付"};
    static struct {
        struct pa_transfer t;
        char id[24], pending_id[24];
    } history[64];
    static int nhistory;
    memset(t, 0, sizeof(*t));
    int r = rand() % 100;
    if (r < 8 && nhistory > 0) { /* an exact retry, or one with a field changed */
        int h = rand() % nhistory;
        *t = history[h].t;
        t->id = history[h].id;
        t->pending_id = t->pending_id ? history[h].pending_id : NULL;
        t->linked = false;
        if (rand() % 2) {
            switch (rand() % 4) {
            case 0:
                t->amount_fen += 1;
                break;
            case 1:
                t->date = dates[rand() % 6];
                break;
            case 2:
                t->memo = t->memo ? NULL : "changed";
                break;
            default:
                t->to = pick_account();
                break;
            }
        }
        return;
    }
    t->id = rand() % 200 == 0 ? "bad id" : pick_id(85, 40);
    t->date = dates[rand() % 6];
    t->project = rand() % 10 == 0 ? (rand() % 2 ? "P1" : "NOPE") : NULL;
    t->memo = rand() % 4 == 0 ? memos[rand() % 3] : NULL;
    if (r < 50) {
        t->kind = rand() % 3 ? PA_TRANSFER_POSTED : PA_TRANSFER_PENDING;
        t->from = pick_account();
        t->to = pick_account();
        t->amount_fen = pick_amount();
        if (t->kind == PA_TRANSFER_PENDING && rand() % 3 == 0)
            t->expires = dates[rand() % 6];
        if (rand() % 50 == 0)
            t->expires = "2024-03-01"; /* also on posted transfers: refused */
    } else {
        t->kind = rand() % 3 ? PA_TRANSFER_POST : PA_TRANSFER_VOID;
        t->pending_id = npending && rand() % 5 ? pending_ring[rand() % npending] : pick_id(0, 30);
        int a = rand() % 10;
        t->amount_fen = a < 5 ? 0 : a < 9 ? 1 + rand() % 3000 : -1;
        if (rand() % 20 == 0)
            t->from = pick_account();
        if (rand() % 20 == 0)
            t->to = pick_account();
        if (rand() % 40 == 0)
            t->expires = "2024-03-15";
    }
    int h = nhistory < 64 ? nhistory++ : rand() % 64;
    history[h].t = *t;
    snprintf(history[h].id, sizeof(history[h].id), "%s", t->id);
    snprintf(history[h].pending_id, sizeof(history[h].pending_id), "%s",
             t->pending_id ? t->pending_id : "");
}

/* ---- the test ---------------------------------------------------------------------- */

static void setup_books(struct pa_db *db)
{
    struct pa_import_report report;
    const char *steps[][2] = {
        {"pairings",
         "code,name,donor,recipient,start_date\nWX,无锡—连云港,320200,320700,2022-01-01\n"},
        {"projects", "code,name,pairing,region,domain,kind,status,budget,start_date\n"
                     "P1,食堂,WX,320722,education,livelihood,approved,1.00,2022-07-01\n"},
        {"accounts", "code,name,kind,region,pairing,project\n"
                     "SRC,来源,source,320200,WX,\nSRC2,来源二,source,320206,WX,\n"
                     "POOL,资金池,pool,320700,WX,\nPA,项目A,project,320722,WX,P1\n"
                     "PB,项目B,pool,320700,WX,\nPAY,收款单位,payee,320722,,\n"},
    };
    for (size_t i = 0; i < PA_ARRAY_LEN(steps); i++) {
        if (test_import(db, steps[i][0], steps[i][1], &report) != 0)
            fail_msg("setup %s: %s", steps[i][0], report.kept ? report.errors[0].message : "?");
        pa_import_report_release(&report);
    }
    memset(&M, 0, sizeof(M));
    for (int i = 0; i < NACC; i++) {
        M.acc[i].code = account_codes[i];
        M.acc[i].source = strncmp(account_codes[i], "SRC", 3) == 0;
    }
}

static int copy(const struct pa_balance *b, void *ctx)
{
    *(struct pa_balance *)ctx = *b;
    return 0;
}

static void compare_balances(struct pa_db *db, const struct pa_as_of *as_of, long op)
{
    for (int i = 0; i < NACC; i++) {
        struct pa_balance got;
        struct pa_error err;
        assert_int_equal(pa_ledger_balances(db, M.acc[i].code, as_of, copy, &got, &err), 0);
        const struct macc *a = &M.acc[i];
        if (got.debits_posted != a->dpo || got.credits_posted != a->cpo ||
            got.debits_pending != a->dp || got.credits_pending != a->cp)
            fail_msg("after op %ld, %s: pairaid %lld/%lld/%lld/%lld, model %lld/%lld/%lld/%lld", op,
                     a->code, (long long)got.debits_posted, (long long)got.credits_posted,
                     (long long)got.debits_pending, (long long)got.credits_pending,
                     (long long)a->dpo, (long long)a->cpo, (long long)a->dp, (long long)a->cp);
    }
}

static int closed_accounts(void)
{
    int n = 0;
    for (int i = 0; i < NACC; i++)
        n += M.acc[i].closed;
    return n;
}

/* Voids every open pending transfer of an account, through both sides, so that
 * the account can then be closed. */
static void drain(struct pa_db *db, const char *code)
{
    for (long i = 0; i < M.nids; i++) {
        struct mxfer *x = &M.x[i];
        if (!x->used || x->kind != PA_TRANSFER_PENDING || x->resolved ||
            (strcmp(x->from, code) != 0 && strcmp(x->to, code) != 0))
            continue;
        char id[24], pending[24];
        snprintf(id, sizeof(id), "T%ld", next_id++);
        snprintf(pending, sizeof(pending), "T%ld", i);
        struct pa_transfer t = {
            .id = id, .kind = PA_TRANSFER_VOID, .date = "2024-03-15", .pending_id = pending};
        struct pa_transfer_outcome out;
        const char *field;
        assert_int_equal(pa_db_begin(db, NULL), 0);
        assert_int_equal(pa_ledger_submit(db, &t, 1, &out, NULL), 0);
        assert_int_equal(pa_db_commit(db, NULL), 0);
        assert_int_equal(out.result, model_one(&M, &t, pa_db_actor(db), &field));
        assert_int_equal(out.result, PA_TR_CREATED);
    }
}

/* Tries to close an account (any but the sources and the pool); the model says
 * whether that must work. */
static void try_close(struct pa_db *db, struct macc *a, long op)
{
    bool expect = !a->closed && a->dp == 0 && a->cp == 0;
    struct pa_error err;
    assert_int_equal(pa_db_begin(db, NULL), 0);
    int rc = pa_account_close(db, a->code, &err);
    assert_int_equal(pa_db_commit(db, NULL), 0);
    if ((rc == 0) != expect)
        fail_msg("op %ld: closing %s: pairaid %d, model %s", op, a->code, rc, expect ? "ok" : "no");
    a->closed = a->closed || expect;
}

static void ledger_agrees_with_the_model(void **state)
{
    (void)state;
    unsigned seed =
        getenv("PA_SEED") ? (unsigned)strtoul(getenv("PA_SEED"), NULL, 10) : (unsigned)time(NULL);
    long ops = getenv("PA_MODEL_OPS") ? strtol(getenv("PA_MODEL_OPS"), NULL, 10) : 100000;
    print_message("seed %u, %ld transfers (PA_SEED=%u to repeat)\n", seed, ops, seed);
    srand(seed);
    struct pa_db *db = test_db();
    setup_books(db);
    M.nids = ops + 64;
    M.x = calloc((size_t)M.nids, sizeof(*M.x));
    assert_non_null(M.x);
    long done = 0, results[64] = {0};
    static const char *const actors[] = {"alice", "bob"};
    while (done < ops) {
        int n = 1 + rand() % MAXC;
        struct pa_transfer t[MAXC];
        for (int k = 0; k < n; k++) {
            generate(&t[k]);
            t[k].linked = k + 1 < n && rand() % 4 == 0;
        }
        if (rand() % 30 == 0)
            t[n - 1].linked = true; /* an open chain at the end of a batch */
        const char *actor = actors[rand() % 2];
        assert_int_equal(pa_db_set_actor(db, actor, NULL), 0);
        struct pa_transfer_outcome out[MAXC];
        struct pa_error err;
        assert_int_equal(pa_db_begin(db, NULL), 0);
        if (pa_ledger_submit(db, t, (size_t)n, out, &err) != 0)
            fail_msg("submit: %s", err.message);
        if (pa_db_commit(db, &err) != 0)
            fail_msg("commit: %s", err.message);
        enum pa_transfer_result expected[MAXC];
        const char *fields[MAXC];
        model_batch(t, n, actor, expected, fields);
        for (int k = 0; k < n; k++) {
            if (out[k].result != expected[k] || (fields[k] && strcmp(out[k].field, fields[k]) != 0))
                fail_msg("op %ld (%s %s, seed %u): pairaid %s %s, model %s %s", done + k, t[k].id,
                         t[k].kind == PA_TRANSFER_POSTED    ? "posted"
                         : t[k].kind == PA_TRANSFER_PENDING ? "pending"
                         : t[k].kind == PA_TRANSFER_POST    ? "post"
                                                            : "void",
                         seed, pa_transfer_result_name(out[k].result), out[k].field,
                         pa_transfer_result_name(expected[k]), fields[k] ? fields[k] : "");
            results[expected[k]]++;
            if (t[k].kind == PA_TRANSFER_PENDING && expected[k] == PA_TR_CREATED)
                note_pending(t[k].id);
            if (getenv("PA_MODEL_TRACE"))
                print_message("%ld %s %s %d %s->%s %lld pend=%s linked=%d actor=%s: %s\n", done + k,
                              t[k].id, t[k].date, (int)t[k].kind, t[k].from ? t[k].from : "-",
                              t[k].to ? t[k].to : "-", (long long)t[k].amount_fen,
                              t[k].pending_id ? t[k].pending_id : "-", t[k].linked, actor,
                              pa_transfer_result_name(out[k].result));
        }
        done += n;
        compare_balances(db, NULL, done);
        if (rand() % 2000 == 0)
            try_close(db, &M.acc[2 + rand() % (NACC - 2)], done);
        if (done > ops / 2 && closed_accounts() == 0) { /* from now on, a closed account */
            drain(db, "PAY");
            try_close(db, macc(&M, "PAY"), done);
            assert_true(macc(&M, "PAY")->closed);
        }
    }
    for (int r = 0; r <= PA_TR_OVERFLOW; r++)
        print_message("  %-24s %ld\n", pa_transfer_result_name((enum pa_transfer_result)r),
                      results[r]);
    /* every result the contract names was reached at least once */
    for (int r = 0; r <= PA_TR_OVERFLOW; r++)
        if (results[r] == 0 && ops >= 100000)
            fail_msg("no operation gave %s", pa_transfer_result_name((enum pa_transfer_result)r));
    struct pa_as_of latest = {"2999-12-31", 0};
    compare_balances(db, &latest, done); /* worked out from the transfers, not the counters */
    /* the log, its Merkle tree (through every undone chain) and the tables agree */
    struct pa_error verr;
    if (pa_tlog_verify(db, NULL, 0, &verr) != 0)
        fail_msg("log verify: %s", verr.message);
    char *before = test_dump(db);
    assert_int_equal(pa_tlog_replay(db, NULL), 0);
    char *after = test_dump(db);
    assert_string_equal(before, after);
    compare_balances(db, NULL, done);
    free(before);
    free(after);
    free(M.x);
    pa_db_free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(ledger_agrees_with_the_model)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
