/*
 * test_model.c - the ledger against a plain reference model.
 *
 * Random batches of commands (posted and pending transfers, posts in full and in
 * part, voids, expiries, linked chains, retries with the same id, changed retries,
 * unknown and closed accounts, overflow-sized amounts, payments' purpose, stage
 * and contract, two donor-side actors and a recipient's officer) go both to
 * pairaid and to the model below, which is written straight from docs/ledger.md
 * ("the order of the checks") with nothing shared with src/ledger.  Every result
 * code and, after every batch, every account's four counters must agree.  At the
 * end every transfer row must carry the purpose, stage and contract the model
 * expects (a post or void its pending transfer's), the balances worked out from
 * the transfers (as of the last position) must equal the counters, and a replay
 * of the log must give the same tables.
 *
 * The recipient's officer pays from project accounts under the measures' payment
 * limit, which the real hook reads (pa_audit_init): the defaults' 50,000.00 yuan,
 * then, halfway, 20,000.00 yuan once both sides approve new measures.
 *
 * PA_SEED=N repeats a run; PA_MODEL_OPS=N sets the number of transfers (100,000).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support.h"

#define NACC 7
#define MAXC 8

/* ---- the books the test sets up, as the model knows them -------------------------- */

static const struct {
    const char *code, *kind, *project;
} account_setup[NACC] = {
    {"SRC", "source", NULL}, {"POOL", "pool", NULL}, {"PA", "project", "P1"},
    {"PB", "pool", NULL},    {"PAY", "payee", NULL}, {"SRC2", "source", NULL},
    {"PC", "project", "P2"}, /* the recipient's officer pays from it; never closed */
};

static const struct {
    const char *code;
    int64_t budget; /* fen */
} project_setup[] = {{"P1", 100}, {"P2", 100000000}};

static const struct {
    const char *code, *project;
} contract_setup[] = {{"C1", "P1"}, {"C2", "P2"}};

/* What `purpose` and `stage` may be (docs/ledger.md, "What a payment is for"). */
static const char *const purposes[] = {"works",           "goods",      "services",  "subsidy",
                                       "training",        "allocation", "personnel", "allowances",
                                       "office_building", "vehicles",   "debt",      "deposit",
                                       "running_costs",   "other"};
static const char *const stages[] = {"advance", "progress", "final"};

/* The measures' approval threshold: the defaults', and the one adopted halfway. */
#define DEFAULT_LIMIT 5000000 /* 50,000.00 yuan */
#define ADOPTED_LIMIT 2000000 /* 20,000.00 yuan */

/* ---- the model -------------------------------------------------------------- */

struct macc {
    const char *code, *kind, *project;
    bool closed;
    int64_t dp, dpo, cp, cpo;
};

struct mxfer {
    bool used;
    enum pa_transfer_kind kind;
    char date[16], from[16], to[16], project[16], memo[16], pending_id[16], expires[16];
    bool has_project, has_memo, has_expires;
    const char *purpose, *stage, *contract; /* the generator's literals, or NULL */
    int64_t amount;
    int resolved; /* 0 open, 1 posted, 2 voided (pending only) */
    char actor[8];
};

struct model {
    struct macc acc[NACC];
    struct mxfer *x; /* by id number: T0, T1, ... */
    long nids;
    int64_t payment_limit; /* what a recipient may pay from a project account at once */
};

static struct model M;

/* Who submits a batch: the recipient's officer or an operator on the donor side. */
struct who {
    const char *name;
    bool recipient;
};

/* What a chain changed in the model, to take back if it fails. */
struct undo {
    struct macc acc[NACC];
    long created[MAXC];
    int ncreated;
    long resolved[MAXC];
    int nresolved;
};

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

static bool one_of(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

static bool project_known(const char *code)
{
    for (size_t i = 0; i < PA_ARRAY_LEN(project_setup); i++)
        if (strcmp(code, project_setup[i].code) == 0)
            return true;
    return false;
}

static const char *contract_project(const char *code)
{
    for (size_t i = 0; i < PA_ARRAY_LEN(contract_setup); i++)
        if (strcmp(code, contract_setup[i].code) == 0)
            return contract_setup[i].project;
    return NULL;
}

/* A project's budget less what its accounts have received or been promised. */
static int64_t unfunded(const struct model *m, const char *project)
{
    int64_t left = 0;
    for (size_t i = 0; i < PA_ARRAY_LEN(project_setup); i++)
        if (strcmp(project, project_setup[i].code) == 0)
            left = project_setup[i].budget;
    for (int i = 0; i < NACC; i++)
        if (eq(m->acc[i].project, project))
            left -= m->acc[i].cpo + m->acc[i].cp;
    return left;
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
    else if ((!res || t->purpose) && !eq(t->purpose, s->purpose))
        *field = "purpose";
    else if ((!res || t->stage) && !eq(t->stage, s->stage))
        *field = "stage";
    else if ((!res || t->contract) && !eq(t->contract, s->contract))
        *field = "contract";
    return *field ? PA_TR_EXISTS_DIFFERENT : PA_TR_EXISTS;
}

/* The fields a retry is compared on, in order; purpose and the rest describe the payment. */
static const char *const compared[] = {"kind",    "date",    "from",  "to",
                                       "amount",  "project", "memo",  "pending_id",
                                       "expires", "purpose", "stage", "contract"};
#define FIRST_DETAIL 9 /* compared[FIRST_DETAIL] is "purpose" */

static struct undo *chain_undo; /* set while a chain is being tried */

/* Records a transfer; `like` gives what a post or void takes from its pending
 * transfer (project, purpose, stage, contract), or is NULL for a new one. */
static void remember(struct model *m, const struct pa_transfer *t, const char *actor,
                     const char *from, const char *to, int64_t amount, const struct mxfer *like)
{
    long i = id_index(t->id);
    struct mxfer *x = &m->x[i];
    if (chain_undo)
        chain_undo->created[chain_undo->ncreated++] = i;
    const char *project = like ? (like->has_project ? like->project : NULL) : t->project;
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
    x->purpose = like ? like->purpose : t->purpose;
    x->stage = like ? like->stage : t->stage;
    x->contract = like ? like->contract : t->contract;
    snprintf(x->actor, sizeof(x->actor), "%s", actor);
}

static bool sum_overflows(int64_t a, int64_t b, int64_t c)
{
    int64_t r;
    return __builtin_add_overflow(a, b, &r) || __builtin_add_overflow(r, c, &r);
}

static enum pa_transfer_result model_create(struct model *m, const struct pa_transfer *t,
                                            const struct who *who)
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
    if (t->project && !project_known(t->project))
        return PA_TR_PROJECT_NOT_FOUND;
    if (t->expires &&
        (t->kind != PA_TRANSFER_PENDING || !date_ok(t->expires) || strcmp(t->expires, t->date) < 0))
        return PA_TR_EXPIRES_INVALID;
    if (t->purpose && !one_of(t->purpose, purposes, PA_ARRAY_LEN(purposes)))
        return PA_TR_PURPOSE_INVALID;
    if (t->stage && !one_of(t->stage, stages, PA_ARRAY_LEN(stages)))
        return PA_TR_STAGE_INVALID;
    if (t->contract && !contract_project(t->contract))
        return PA_TR_CONTRACT_NOT_FOUND;
    /* the payment's project: the one it names, else the project account it
     * leaves, else the one it enters */
    const char *paid_for = t->project                          ? t->project
                           : strcmp(a->kind, "project") == 0 ? a->project
                           : strcmp(b->kind, "project") == 0 ? b->project
                                                             : NULL;
    if (t->contract && paid_for && strcmp(contract_project(t->contract), paid_for) != 0)
        return PA_TR_CONTRACT_OTHER_PROJECT;
    if (sum_overflows(a->dpo, a->dp, t->amount_fen) || sum_overflows(b->cpo, b->cp, t->amount_fen))
        return PA_TR_OVERFLOW;
    bool source = strcmp(a->kind, "source") == 0;
    if (!source && a->dpo + a->dp + t->amount_fen > a->cpo)
        return PA_TR_EXCEEDS_CREDITS;
    /* a request from a pool into a project account: at most its project's budget
     * not yet received or promised */
    if (t->kind == PA_TRANSFER_PENDING && strcmp(a->kind, "pool") == 0 && b->project &&
        t->amount_fen > unfunded(m, b->project))
        return PA_TR_EXCEEDS_BUDGET;
    /* a recipient pays from a project account at once only up to the limit */
    if (who->recipient && t->kind == PA_TRANSFER_POSTED && strcmp(a->kind, "project") == 0 &&
        t->amount_fen > m->payment_limit)
        return PA_TR_NEEDS_APPROVAL;
    if (t->kind == PA_TRANSFER_POSTED) {
        a->dpo += t->amount_fen;
        b->cpo += t->amount_fen;
    } else {
        a->dp += t->amount_fen;
        b->cp += t->amount_fen;
    }
    remember(m, t, who->name, t->from, t->to, t->amount_fen, NULL);
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
    if ((t->purpose && !eq(t->purpose, p->purpose)) || (t->stage && !eq(t->stage, p->stage)) ||
        (t->contract && !eq(t->contract, p->contract)))
        return PA_TR_DETAIL_DIFFERS;
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
    remember(m, t, actor, p->from, p->to, amount, p);
    return PA_TR_CREATED;
}

static enum pa_transfer_result model_one(struct model *m, const struct pa_transfer *t,
                                         const struct who *who, const char **field)
{
    *field = NULL;
    long i = t->id ? id_index(t->id) : -1;
    if (i < 0)
        return PA_TR_ID_INVALID;
    if (m->x[i].used)
        return compare_stored(t, &m->x[i], field);
    if (t->kind == PA_TRANSFER_POST || t->kind == PA_TRANSFER_VOID)
        return model_resolve(m, t, who->name);
    return model_create(m, t, who);
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
static void model_batch(const struct pa_transfer *t, int n, const struct who *who,
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
            r[k] = model_one(&M, &t[k], who, &fields[k]);
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
/* ids of recent pending transfers, for posts and voids; the recipient's own
 * requests also in a ring of their own, which the recipient's officer may withdraw */
static char pending_ring[32][24], own_ring[32][24];
static int npending, nown;

static void note_pending(const char *id, bool recipient)
{
    snprintf(pending_ring[npending < 32 ? npending++ : rand() % 32], 24, "%s", id);
    if (recipient)
        snprintf(own_ring[nown < 32 ? nown++ : rand() % 32], 24, "%s", id);
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
    return account_setup[rand() % NACC].code;
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

static const char *pick_project(void)
{
    static const char *const projects[] = {"P1", "P2", "NOPE"};
    return projects[rand() % 3];
}

/* A purpose, stage or contract: mostly known ones, now and then not. */
static const char *pick_purpose(void)
{
    static const char *const some[] = {"works", "goods", "subsidy", "office_building", "other"};
    return rand() % 10 ? some[rand() % 5] : rand() % 2 ? "bribes" : "Works";
}
static const char *pick_stage(void)
{
    return rand() % 10 ? stages[rand() % 3] : rand() % 2 ? "deposit" : "Final";
}
static const char *pick_contract(void)
{
    return rand() % 10 ? contract_setup[rand() % 2].code : "C9";
}

/* What a new payment is for, sometimes. */
static void pick_details(struct pa_transfer *t)
{
    t->purpose = rand() % 4 == 0 ? pick_purpose() : NULL;
    t->stage = rand() % 5 == 0 ? pick_stage() : NULL;
    t->contract = rand() % 6 == 0 ? pick_contract() : NULL;
    if (t->contract && rand() % 3 == 0) /* with a project, its own or another's */
        t->project = pick_project();
}

/* A post or void that now and then restates its pending transfer's purpose,
 * stage or contract, as it is or not. */
static void restate_details(struct pa_transfer *t)
{
    if (rand() % 8 != 0)
        return;
    long pi = id_index(t->pending_id);
    const struct mxfer *p = pi >= 0 && M.x[pi].used ? &M.x[pi] : NULL;
    bool same = p && rand() % 2;
    switch (rand() % 3) {
    case 0:
        t->purpose = same && p->purpose ? p->purpose : pick_purpose();
        break;
    case 1:
        t->stage = same && p->stage ? p->stage : pick_stage();
        break;
    default:
        t->contract = same && p->contract ? p->contract : pick_contract();
        break;
    }
}

static struct {
    struct pa_transfer t;
    char id[24], pending_id[24];
} history[64];
static int nhistory;

static void note_history(const struct pa_transfer *t)
{
    int h = nhistory < 64 ? nhistory++ : rand() % 64;
    history[h].t = *t;
    snprintf(history[h].id, sizeof(history[h].id), "%s", t->id);
    snprintf(history[h].pending_id, sizeof(history[h].pending_id), "%s",
             t->pending_id ? t->pending_id : "");
}

/* A donor-side transfer resembling earlier ones often enough to exercise retries. */
static void generate(struct pa_transfer *t)
{
    static const char *const memos[] = {"m0", "m1", "拨付"};
    memset(t, 0, sizeof(*t));
    int r = rand() % 100;
    if (r < 8 && nhistory > 0) { /* an exact retry, or one with a field changed */
        int h = rand() % nhistory;
        *t = history[h].t;
        t->id = history[h].id;
        t->pending_id = t->pending_id ? history[h].pending_id : NULL;
        t->linked = false;
        if (rand() % 2) {
            switch (rand() % 7) {
            case 0:
                t->amount_fen += 1;
                break;
            case 1:
                t->date = dates[rand() % 6];
                break;
            case 2:
                t->memo = t->memo ? NULL : "changed";
                break;
            case 3:
                t->purpose = t->purpose && rand() % 2 ? NULL : pick_purpose();
                break;
            case 4:
                t->stage = t->stage && rand() % 2 ? NULL : pick_stage();
                break;
            case 5:
                t->contract = t->contract && rand() % 2 ? NULL : pick_contract();
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
    t->project = rand() % 10 == 0 ? pick_project() : NULL;
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
        pick_details(t);
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
        restate_details(t);
    }
    note_history(t);
}

/* What the recipient's officer pays: small sums, or sums about the payment limit. */
static int64_t recipient_amount(void)
{
    int r = rand() % 10;
    if (r < 4)
        return 1 + rand() % 5000;
    if (r < 7)
        return M.payment_limit - 1 + rand() % 3; /* just under, at, just over */
    if (r < 9)
        return M.payment_limit + 1 + rand() % M.payment_limit;
    return pick_amount();
}

/* A transfer of the recipient's officer: only what a recipient may do (anything
 * else is PA_EDENIED, not a result): pay or ask to pay from a project account of
 * theirs, ask a pool for money into one, withdraw a request of their own. */
static void generate_recipient(struct pa_transfer *t)
{
    memset(t, 0, sizeof(*t));
    t->id = pick_id(85, 40);
    t->date = dates[rand() % 6];
    t->project = rand() % 10 == 0 ? pick_project() : NULL;
    const char *mine = rand() % 4 ? "PC" : "PA";
    int r = rand() % 100;
    if (r < 85 || nown == 0) {
        t->kind = r < 60 ? PA_TRANSFER_POSTED : PA_TRANSFER_PENDING;
        t->from = r < 75 ? mine : rand() % 2 ? "POOL" : "PB";
        t->to = r < 75 ? pick_account() : mine;
        t->amount_fen = r < 75 ? recipient_amount() : 1 + rand() % 5000;
        if (rand() % 20 == 0)
            t->from = "NOPE";
        pick_details(t);
    } else {
        t->kind = PA_TRANSFER_VOID;
        t->pending_id = nown ? own_ring[rand() % nown] : pick_id(0, 30);
        restate_details(t);
    }
}

/* ---- the test ---------------------------------------------------------------------- */

static const struct who donors[] = {{"alice", false}, {"bob", false}};
static const struct who officer = {"donghai", true};

/* The users who act besides the operators: the recipient's officer, and the
 * two sides' users who approve measures. */
static const struct pa_principal users[] = {
    {.name = "donghai", .role = PA_ROLE_RECIPIENT, .region = "320722"},
    {.name = "wuxi", .role = PA_ROLE_DONOR, .region = "320200"},
    {.name = "lyg", .role = PA_ROLE_RECIPIENT, .region = "320700"},
};

static void act_as_user(struct pa_db *db, const char *name)
{
    struct pa_error err;
    if (pa_user_act_as(db, name, &err) != 0)
        fail_msg("act as %s: %s", name, err.message);
}

/* Acts as `who`: the recipient's officer as the user that it is, anyone else
 * as the local operator under that name. */
static void act_as(struct pa_db *db, const struct who *who)
{
    if (who->recipient) {
        act_as_user(db, who->name);
        return;
    }
    assert_int_equal(pa_db_set_principal(db, NULL, NULL), 0);
    assert_int_equal(pa_db_set_actor(db, who->name, NULL), 0);
}

static void setup_books(struct pa_db *db)
{
    struct pa_import_report report;
    const char *steps[][2] = {
        {"pairings",
         "code,name,donor,recipient,start_date\nWX,无锡—连云港,320200,320700,2022-01-01\n"},
        {"projects", "code,name,pairing,region,domain,kind,status,budget,start_date\n"
                     "P1,食堂,WX,320722,education,livelihood,approved,1.00,2022-07-01\n"
                     "P2,道路,WX,320722,transport,livelihood,approved,1000000.00,2022-07-01\n"},
        {"orgs", "code,name,credit_code,region,kind,source\n"
                 "BUILDER,东海建工,,320722,enterprise,\n"},
        {"contracts", "code,project,supplier,category,amount,signed,procurement\n"
                      "C1,P1,BUILDER,works,1.00,2022-08-01,inquiry\n"
                      "C2,P2,BUILDER,works,900000.00,2022-08-01,public_tender\n"},
        {"accounts", "code,name,kind,region,pairing,project\n"
                     "SRC,来源,source,320200,WX,\nSRC2,来源二,source,320206,WX,\n"
                     "POOL,资金池,pool,320700,WX,\nPA,项目A,project,320722,WX,P1\n"
                     "PB,项目B,pool,320700,WX,\nPAY,收款单位,payee,320722,,\n"
                     "PC,项目C,project,320722,WX,P2\n"},
    };
    for (size_t i = 0; i < PA_ARRAY_LEN(steps); i++) {
        if (test_import(db, steps[i][0], steps[i][1], &report) != 0)
            fail_msg("setup %s: %s", steps[i][0], report.kept ? report.errors[0].message : "?");
        pa_import_report_release(&report);
    }
    struct pa_error err;
    assert_int_equal(pa_db_begin(db, NULL), 0);
    for (size_t i = 0; i < PA_ARRAY_LEN(users); i++)
        if (pa_user_add(db, &users[i], "tall-Cedar-82", &err) != 0)
            fail_msg("setup user %s: %s", users[i].name, err.message);
    assert_int_equal(pa_db_commit(db, NULL), 0);
    memset(&M, 0, sizeof(M));
    for (int i = 0; i < NACC; i++) {
        M.acc[i].code = account_setup[i].code;
        M.acc[i].kind = account_setup[i].kind;
        M.acc[i].project = account_setup[i].project;
    }
    M.payment_limit = DEFAULT_LIMIT;
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

/* One transfer outside the random batches, through both sides, as the operator. */
static enum pa_transfer_result submit_both(struct pa_db *db, const struct pa_transfer *t)
{
    struct pa_transfer_outcome out;
    const char *field;
    struct who self = {pa_db_actor(db), false}; /* an operator */
    assert_int_equal(pa_db_begin(db, NULL), 0);
    assert_int_equal(pa_ledger_submit(db, t, 1, &out, NULL), 0);
    assert_int_equal(pa_db_commit(db, NULL), 0);
    assert_int_equal(out.result, model_one(&M, t, &self, &field));
    return out.result;
}

/* Voids every open pending transfer of an account, so that it can then be closed. */
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
        assert_int_equal(submit_both(db, &t), PA_TR_CREATED);
    }
}

/* The donor keeps the recipient's account PC able to pay a few times the payment
 * limit, so that a payment over it meets NEEDS_APPROVAL rather than EXCEEDS_CREDITS. */
static void fund_recipient(struct pa_db *db)
{
    struct macc *pc = macc(&M, "PC");
    if (pc->cpo - pc->dpo - pc->dp >= 3 * DEFAULT_LIMIT)
        return;
    char id[24];
    snprintf(id, sizeof(id), "T%ld", next_id++);
    struct pa_transfer t = {.id = id,
                            .kind = PA_TRANSFER_POSTED,
                            .date = "2024-01-05",
                            .from = rand() % 2 ? "SRC" : "SRC2",
                            .to = "PC",
                            .amount_fen = 4 * DEFAULT_LIMIT};
    submit_both(db, &t); /* agreeing is enough: a source might have overflowed */
}

/* Tries to close an account (never a source but SRC2, the pool or PC); the model
 * says whether that must work. */
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

/* The pairing adopts measures with a lower payment limit: proposed by the
 * operator, in force once a donor-side and a recipient-side user approve. */
static void adopt_measures(struct pa_db *db)
{
    static const char text[] = "[payments]\napproval_threshold = 20000\n"; /* ADOPTED_LIMIT */
    struct pa_error err;
    int version;
    bool in_force;
    assert_int_equal(pa_db_begin(db, NULL), 0);
    if (pa_measures_propose(db, "WX", text, &version, &err) != 0)
        fail_msg("propose: %s", err.message);
    assert_int_equal(pa_db_commit(db, NULL), 0);
    const char *sides[] = {"wuxi", "lyg"};
    for (int i = 0; i < 2; i++) {
        act_as_user(db, sides[i]);
        assert_int_equal(pa_db_begin(db, NULL), 0);
        if (pa_measures_approve(db, "WX", version, &in_force, &err) != 0)
            fail_msg("approve: %s", err.message);
        assert_int_equal(pa_db_commit(db, NULL), 0);
        assert_int_equal(in_force, i == 1);
    }
    act_as(db, &donors[0]);
    M.payment_limit = ADOPTED_LIMIT;
}

static const char *text_or_null(sqlite3_stmt *stmt, int column)
{
    return (const char *)sqlite3_column_text(stmt, column);
}

/* Every row carries the purpose, stage and contract the model expects: a new
 * transfer its own, a post or void its pending transfer's. */
static void rows_carry_their_details(struct pa_db *db, long ops)
{
    sqlite3_stmt *stmt;
    long rows = 0, used = 0;
    assert_int_equal(sqlite3_prepare_v2(pa_db_sqlite(db),
                                        "SELECT id, purpose, stage, contract FROM transfers", -1,
                                        &stmt, NULL),
                     SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *id = text_or_null(stmt, 0);
        long i = id_index(id);
        if (i < 0 || !M.x[i].used)
            fail_msg("transfer %s is stored, the model has none", id);
        const struct mxfer *x = &M.x[i];
        if (!eq(text_or_null(stmt, 1), x->purpose) || !eq(text_or_null(stmt, 2), x->stage) ||
            !eq(text_or_null(stmt, 3), x->contract))
            fail_msg("transfer %s: pairaid %s/%s/%s, model %s/%s/%s", id, text_or_null(stmt, 1),
                     text_or_null(stmt, 2), text_or_null(stmt, 3), x->purpose, x->stage,
                     x->contract);
        rows++;
    }
    sqlite3_finalize(stmt);
    for (long i = 0; i < M.nids; i++)
        used += M.x[i].used;
    assert_int_equal(rows, used);
    /* and, read from the table alone, each post's are its pending transfer's */
    static const char posts[] =
        "SELECT count(*), count(r.purpose), count(r.stage), count(r.contract), "
        "sum(r.purpose IS NOT p.purpose OR r.stage IS NOT p.stage OR r.contract IS NOT "
        "p.contract) FROM transfers r JOIN transfers p ON p.id = r.pending_id "
        "WHERE r.kind = 'post'";
    assert_int_equal(sqlite3_prepare_v2(pa_db_sqlite(db), posts, -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(stmt, 4), 0);
    if (ops >= 100000) /* not vacuous */
        for (int c = 1; c <= 3; c++)
            assert_true(sqlite3_column_int64(stmt, c) > 0);
    sqlite3_finalize(stmt);
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
    M.nids = ops + ops / 10 + 64; /* the batches' ids, and drain's and fund_recipient's */
    M.x = calloc((size_t)M.nids, sizeof(*M.x));
    assert_non_null(M.x);
    long done = 0, results[64] = {0}, differing[PA_ARRAY_LEN(compared)] = {0};
    while (done < ops) {
        int n = 1 + rand() % MAXC;
        const struct who *who = rand() % 8 == 0 ? &officer : &donors[rand() % 2];
        if (who->recipient)
            fund_recipient(db);
        struct pa_transfer t[MAXC];
        for (int k = 0; k < n; k++) {
            if (who->recipient)
                generate_recipient(&t[k]);
            else
                generate(&t[k]);
            t[k].linked = k + 1 < n && rand() % 4 == 0;
        }
        if (rand() % 30 == 0)
            t[n - 1].linked = true; /* an open chain at the end of a batch */
        act_as(db, who);
        struct pa_transfer_outcome out[MAXC];
        struct pa_error err;
        assert_int_equal(pa_db_begin(db, NULL), 0);
        if (pa_ledger_submit(db, t, (size_t)n, out, &err) != 0)
            fail_msg("submit: %s", err.message);
        if (pa_db_commit(db, &err) != 0)
            fail_msg("commit: %s", err.message);
        act_as(db, &donors[0]); /* the checks below read as the operator */
        enum pa_transfer_result expected[MAXC];
        const char *fields[MAXC];
        model_batch(t, n, who, expected, fields);
        for (int k = 0; k < n; k++) {
            if (out[k].result != expected[k] || (fields[k] && strcmp(out[k].field, fields[k]) != 0))
                fail_msg("op %ld (%s %s by %s, seed %u): pairaid %s %s, model %s %s", done + k,
                         t[k].id,
                         t[k].kind == PA_TRANSFER_POSTED    ? "posted"
                         : t[k].kind == PA_TRANSFER_PENDING ? "pending"
                         : t[k].kind == PA_TRANSFER_POST    ? "post"
                                                            : "void",
                         who->name, seed, pa_transfer_result_name(out[k].result), out[k].field,
                         pa_transfer_result_name(expected[k]), fields[k] ? fields[k] : "");
            results[expected[k]]++;
            if (expected[k] == PA_TR_EXISTS_DIFFERENT)
                for (int f = 0; f < (int)PA_ARRAY_LEN(compared); f++)
                    differing[f] += strcmp(fields[k], compared[f]) == 0;
            if (t[k].kind == PA_TRANSFER_PENDING && expected[k] == PA_TR_CREATED)
                note_pending(t[k].id, who->recipient);
            if (getenv("PA_MODEL_TRACE"))
                print_message("%ld %s %s %d %s->%s %lld pend=%s %s/%s/%s linked=%d actor=%s: %s\n",
                              done + k, t[k].id, t[k].date, (int)t[k].kind,
                              t[k].from ? t[k].from : "-", t[k].to ? t[k].to : "-",
                              (long long)t[k].amount_fen, t[k].pending_id ? t[k].pending_id : "-",
                              t[k].purpose ? t[k].purpose : "-", t[k].stage ? t[k].stage : "-",
                              t[k].contract ? t[k].contract : "-", t[k].linked, who->name,
                              pa_transfer_result_name(out[k].result));
        }
        done += n;
        compare_balances(db, NULL, done);
        if (rand() % 2000 == 0) {
            static const char *const closable[] = {"PA", "PB", "PAY", "SRC2"};
            try_close(db, macc(&M, closable[rand() % 4]), done);
        }
        if (done > ops / 2 && closed_accounts() == 0) { /* from now on, a closed account */
            drain(db, "PAY");
            try_close(db, macc(&M, "PAY"), done);
            assert_true(macc(&M, "PAY")->closed);
        }
        if (done > ops / 2 && M.payment_limit == DEFAULT_LIMIT)
            adopt_measures(db);
    }
    for (int r = 0; r <= PA_TR_OVERFLOW; r++)
        print_message("  %-24s %ld\n", pa_transfer_result_name((enum pa_transfer_result)r),
                      results[r]);
    print_message("  EXISTS_DIFFERENT by field:");
    for (int f = 0; f < (int)PA_ARRAY_LEN(compared); f++)
        print_message(" %s %ld", compared[f], differing[f]);
    print_message("\n");
    /* every result the contract names was reached at least once, and a retry
     * differing in each field of what a payment is for */
    for (int r = 0; r <= PA_TR_OVERFLOW; r++)
        if (results[r] == 0 && ops >= 100000)
            fail_msg("no operation gave %s", pa_transfer_result_name((enum pa_transfer_result)r));
    for (int f = 0; f < (int)PA_ARRAY_LEN(compared); f++)
        if (differing[f] == 0 && ops >= 100000 && f >= FIRST_DETAIL)
            fail_msg("no retry differed in %s", compared[f]);
    rows_carry_their_details(db, ops);
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
    rows_carry_their_details(db, ops);
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
