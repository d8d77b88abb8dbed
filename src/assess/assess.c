/*
 * assess.c - scoring and ranking the pairings of a year, and the module:
 * manual scores as a record kind, scheme versions and published results as
 * events.
 *
 *   score   = weight x min(actual / target, cap), rounded half up to 0.01
 *   base    = the sum of the pairing's indicator scores
 *   total   = base + min(bonus, bonus_max) - penalty_per_error x open errors
 *   tiers   = in ranking order, each pairing takes the first tier whose
 *             min_total it reaches, whose "no open errors" it meets and
 *             whose share of the pairs is not yet full
 *   rank    = the order within the tier: total, then the tie-break metric,
 *             both descending, then the pairing's code
 *
 * Everything is integer hundredths, so the same books and scheme give the
 * same bytes.  A run is an assess.run event carrying the whole result: what
 * was published is signed with the books, and a recomputation that differs
 * is a new event, never an overwrite.
 */
#include <stdlib.h>
#include <string.h>

#include "assess_int.h"

int64_t pa_assess__score(int64_t weight, int64_t actual, int64_t target, int64_t cap)
{
    PA_ASSERT(weight > 0 && target > 0 && cap >= 100 && actual >= 0);
    __extension__ typedef __int128 wide; /* weight x actual may pass 2^63 */
    wide w = weight, a = actual, t = target;
    if (a * 100 >= t * cap) /* capped: weight x cap */
        return (int64_t)((w * cap + 50) / 100);
    return (int64_t)((2 * w * a + t) / (2 * t));
}

/* ---- manual scores ------------------------------------------------------------------- */

enum { S_PAIRING, S_YEAR, S_INDICATOR, S_ACTUAL, S_SOURCE };

static const struct pa_column score_columns[] = {
    {"pairing", PA_COL_CODE, PA_COL_KEY | PA_COL_REQUIRED, NULL},
    {"year", PA_COL_COUNT, PA_COL_KEY | PA_COL_REQUIRED, NULL},
    {"indicator", PA_COL_CODE, PA_COL_KEY | PA_COL_REQUIRED, NULL},
    {"actual", PA_COL_QUANTITY, PA_COL_REQUIRED | PA_COL_UPDATABLE, NULL},
    {"source", PA_COL_NAME, PA_COL_REQUIRED | PA_COL_UPDATABLE, NULL}, /* where it came from */
};

static int authorize_assessor(struct pa_db *db, const char *what, struct pa_error *err)
{
    const struct pa_principal *who = pa_db_principal(db);
    if (pa_scope_unrestricted(db) || who->role == PA_ROLE_ASSESSOR)
        return 0;
    return pa_error_set(err, who->role == PA_ROLE_ANONYMOUS ? PA_EUNAUTH : PA_EDENIED,
                        "only assessors may %s", what);
}

static int authorize_score(struct pa_db *db, const struct pa_record *rec, struct pa_error *err)
{
    (void)rec;
    return authorize_assessor(db, "record assessment scores", err);
}

static int check_score(struct pa_db *db, const struct pa_record *rec, struct pa_error *err)
{
    if (rec->v[S_YEAR].i < 1949 || rec->v[S_YEAR].i > 2999)
        return pa_error_setf(err, PA_EINVAL, "year", "%lld is not a year of the programme",
                             (long long)rec->v[S_YEAR].i);
    static const char sql[] = "SELECT parent FROM pairings WHERE code = ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, rec->v[S_PAIRING].s);
    int step = sqlite3_step(stmt);
    if (step == SQLITE_DONE)
        rc = pa_error_setf(err, PA_ENOTFOUND, "pairing", "unknown pairing '%s'",
                           rec->v[S_PAIRING].s);
    else if (step != SQLITE_ROW)
        rc = pa_db_fail(db, err, "looking up a pairing");
    else if (sqlite3_column_type(stmt, 0) != SQLITE_NULL)
        rc = pa_error_setf(err, PA_EINVAL, "pairing",
                           "'%s' is a county pairing: the province assesses city pairings",
                           rec->v[S_PAIRING].s);
    sqlite3_reset(stmt);
    return rc;
}

static const struct pa_kind score_kind = {
    .name = "scores",
    .event_create = "score.create",
    .event_update = "score.update",
    .columns = score_columns,
    .ncolumns = PA_ARRAY_LEN(score_columns),
    .table = "scores",
    .order_by = "year, pairing, indicator",
    .visible = "pa_sees_pairing(pairing)",
    .check = check_score,
    .authorize = authorize_score,
};

/* ---- schemes ----------------------------------------------------------------------------- */

int pa_scheme_add(struct pa_db *db, const char *text, int *version, struct pa_error *err)
{
    PA_ASSERT(pa_db_in_transaction(db));
    struct pa_scheme *s = malloc(sizeof(*s));
    int rc = s ? authorize_assessor(db, "manage assessment schemes", err)
               : pa_error_set(err, PA_ENOMEM, "out of memory");
    if (rc == 0)
        rc = pa_scheme_parse(text, s, NULL, err);
    free(s);
    if (rc != 0)
        return rc;
    sqlite3_stmt *stmt;
    if ((rc = pa_db_prepare(db, "SELECT coalesce(max(version), 0) + 1 FROM schemes", &stmt,
                            err)) != 0)
        return rc;
    int step = sqlite3_step(stmt);
    *version = sqlite3_column_int(stmt, 0);
    sqlite3_reset(stmt);
    if (step != SQLITE_ROW)
        return pa_db_fail(db, err, "numbering schemes");
    json_t *data = json_pack("{s:i, s:s}", "version", *version, "text", text);
    return data ? pa_tlog_append(db, "scheme.add", data, NULL, err)
                : pa_error_set(err, PA_EINVAL, "the scheme is not UTF-8 text");
}

int pa_scheme_current(struct pa_db *db, struct pa_scheme *s, char **text, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, "SELECT version, text FROM schemes ORDER BY version DESC LIMIT 1",
                           &stmt, err);
    if (rc != 0)
        return rc;
    int step = sqlite3_step(stmt);
    int version = step == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
    char *copy = strdup(step == SQLITE_ROW ? (const char *)sqlite3_column_text(stmt, 1)
                                           : pa_scheme_default_text());
    sqlite3_reset(stmt);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading schemes");
    else if (copy == NULL)
        rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    else if ((rc = pa_scheme_parse(copy, s, NULL, err)) == 0)
        s->version = version;
    if (rc == 0 && text)
        *text = copy;
    else
        free(copy);
    return rc;
}

/* ---- scoring one pairing ------------------------------------------------------------------ */

struct result {
    char pairing[PA_CODE_MAX + 1], name[256];
    int64_t base, bonus, penalty, total, tie, open_errors;
    int tier, rank;
    json_t *scores;
};

static int manual_score(struct pa_db *db, const char *pairing, int year, const char *indicator,
                        int64_t *actual, char *inputs, size_t size, struct pa_error *err)
{
    static const char sql[] =
        "SELECT actual, source FROM scores WHERE pairing = ?1 AND year = ?2 AND indicator = ?3";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, pairing);
    sqlite3_bind_int(stmt, 2, year);
    pa_db_bind_text(stmt, 3, indicator);
    int step = sqlite3_step(stmt);
    *actual = step == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    snprintf(inputs, size, "manual=%s", step == SQLITE_ROW
                                            ? (const char *)sqlite3_column_text(stmt, 1)
                                            : "no score imported");
    sqlite3_reset(stmt);
    return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : pa_db_fail(db, err, "reading scores");
}

static int score_pairing(struct pa_db *db, const struct pa_scheme *s, int year,
                         struct result *r, struct pa_error *err)
{
    char inputs[4096];
    int64_t actual;
    int rc = 0;
    r->scores = json_array();
    for (int i = 0; rc == 0 && r->scores && i < s->nindicators; i++) {
        const struct pa_indicator *ind = &s->indicators[i];
        rc = strcmp(ind->metric, "manual") == 0
                 ? manual_score(db, r->pairing, year, ind->id, &actual, inputs, sizeof(inputs), err)
                 : pa_assess__metric(db, pa_metric_find(ind->metric), r->pairing, year,
                                     ind->deadline, &actual, inputs, sizeof(inputs), err);
        if (rc != 0)
            break;
        int64_t score = pa_assess__score(ind->weight, actual, ind->target, ind->cap);
        r->base += score;
        json_array_append_new(
            r->scores, json_pack("{s:s, s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:s}", "indicator",
                                 ind->id, "name", ind->name, "area", ind->area, "weight",
                                 (json_int_t)ind->weight, "metric", ind->metric, "actual",
                                 (json_int_t)actual, "target", (json_int_t)ind->target, "score",
                                 (json_int_t)score, "inputs", inputs));
    }
    if (rc == 0 && r->scores == NULL)
        rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    if (rc == 0)
        rc = manual_score(db, r->pairing, year, "bonus", &r->bonus, inputs, sizeof(inputs), err);
    if (rc == 0)
        rc = pa_assess__metric(db, pa_metric_find("open_error_findings"), r->pairing, year, NULL,
                               &r->open_errors, inputs, sizeof(inputs), err);
    if (rc == 0)
        rc = pa_assess__metric(db, pa_metric_find(s->tie_break), r->pairing, year, NULL, &r->tie,
                               inputs, sizeof(inputs), err);
    r->bonus = r->bonus < s->bonus_max ? r->bonus : s->bonus_max;
    r->open_errors /= 100;
    r->penalty = s->penalty_per_error * r->open_errors;
    r->total = r->base + r->bonus - r->penalty;
    return rc;
}

static int by_total(const void *a, const void *b)
{
    const struct result *x = a, *y = b;
    if (x->total != y->total)
        return x->total > y->total ? -1 : 1;
    if (x->tie != y->tie)
        return x->tie > y->tie ? -1 : 1;
    return strcmp(x->pairing, y->pairing);
}

/* In ranking order, each pairing takes the first tier it qualifies for and
 * that is not full.  A share limit rounds down, but one pair may always be in
 * a tier: "at most 40 %" of three pairs is one. */
static void place_in_tiers(const struct pa_scheme *s, struct result *r, int n)
{
    qsort(r, (size_t)n, sizeof(*r), by_total);
    int taken[PA_SCHEME_TIERS] = {0};
    for (int i = 0; i < n; i++) {
        int t = 0;
        for (; t < s->ntiers - 1; t++) {
            const struct pa_tier *tier = &s->tiers[t];
            int64_t limit = tier->max_share ? tier->max_share * n / 10000 : n;
            if (r[i].total >= tier->min_total && (!tier->no_open_errors || r[i].open_errors == 0) &&
                taken[t] < (limit > 0 ? limit : 1))
                break;
        }
        r[i].tier = t + 1;
        r[i].rank = ++taken[t];
    }
}

/* ---- a run ------------------------------------------------------------------------------- */

/* pa_money(fen): "1400000.00", how the metrics' inputs show money. */
static void sql_money(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    char buf[64];
    pa_money_format(sqlite3_value_int64(argv[0]), PA_YUAN, 0, buf, sizeof(buf));
    sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

static json_t *result_json(const struct pa_scheme *s, const struct result *r)
{
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:i, s:s, s:i, s:I, s:O}", "pairing",
                     r->pairing, "name", r->name, "base", (json_int_t)r->base, "bonus",
                     (json_int_t)r->bonus, "penalty", (json_int_t)r->penalty, "total",
                     (json_int_t)r->total, "tier", r->tier, "tier_name",
                     s->tiers[r->tier - 1].name, "rank", r->rank, "spent_share",
                     (json_int_t)r->tie, "scores", r->scores);
}

static int load_pairings(struct pa_db *db, struct result **out, int *n, struct pa_error *err)
{
    static const char sql[] = "SELECT code, name FROM pairings WHERE parent IS NULL ORDER BY code";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    struct result *r = NULL;
    int count = 0, step;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct result *grown = realloc(r, (size_t)(count + 1) * sizeof(*r));
        if (grown == NULL) {
            rc = pa_error_set(err, PA_ENOMEM, "out of memory");
            break;
        }
        r = grown;
        memset(&r[count], 0, sizeof(*r));
        snprintf(r[count].pairing, sizeof(r[count].pairing), "%s", sqlite3_column_text(stmt, 0));
        snprintf(r[count].name, sizeof(r[count].name), "%s", sqlite3_column_text(stmt, 1));
        count++;
    }
    sqlite3_reset(stmt);
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading pairings");
    *out = r;
    *n = count;
    return rc;
}

/* Scores and ranks every pairing into *out (the assess.run event's data).
 * Reads only; the caller holds a transaction or a read snapshot. */
static int compute(struct pa_db *db, int year, const char *scheme_text, json_t **out,
                   struct pa_error *err)
{
    struct pa_scheme *s = malloc(sizeof(*s));
    char *text = NULL;
    struct result *r = NULL;
    int n = 0;
    int rc = s ? 0 : pa_error_set(err, PA_ENOMEM, "out of memory");
    if (rc == 0)
        rc = scheme_text ? pa_scheme_parse(scheme_text, s, NULL, err)
                         : pa_scheme_current(db, s, &text, err);
    if (rc == 0)
        rc = pa_scope_read(db, 0, err);
    if (rc == 0 && sqlite3_create_function(pa_db_sqlite(db), "pa_money", 1,
                                           SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_money,
                                           NULL, NULL) != SQLITE_OK)
        rc = pa_db_fail(db, err, "registering pa_money");
    if (rc == 0)
        rc = load_pairings(db, &r, &n, err);
    if (rc == 0)
        rc = pa_assess__year_transfers(db, year, err);
    for (int i = 0; rc == 0 && i < n; i++)
        rc = score_pairing(db, s, year, &r[i], err);
    pa_assess__year_transfers_drop(db);
    json_t *results = json_array();
    if (rc == 0) {
        place_in_tiers(s, r, n);
        for (int i = 0; results && i < n; i++)
            json_array_append_new(results, result_json(s, &r[i]));
        *out = json_pack("{s:i, s:i, s:s, s:s, s:O}", "year", year, "scheme",
                         scheme_text ? 0 : s->version, "name", s->name[0] ? s->name : "-",
                         "text", scheme_text ? scheme_text : text, "results", results);
        if (*out == NULL)
            rc = pa_error_set(err, PA_EINVAL, "the scheme is not UTF-8 text");
    }
    json_decref(results);
    for (int i = 0; i < n; i++)
        json_decref(r[i].scores);
    free(r);
    free(text);
    free(s);
    return rc;
}

int pa_assess_compute(struct pa_db *db, int year, const char *scheme_text, json_t **out,
                      struct pa_error *err)
{
    PA_ASSERT(db != NULL && out != NULL);
    *out = NULL;
    if (year < 1949 || year > 2999)
        return pa_error_setf(err, PA_EINVAL, "year", "%d is not a year of the programme", year);
    int rc = authorize_assessor(db, "run the assessment", err);
    if (rc != 0)
        return rc;
    /* every metric reads the same books: one snapshot unless the caller has a transaction */
    bool snapshot = !pa_db_in_transaction(db);
    if (snapshot && (rc = pa_db_run(db, "BEGIN", err)) != 0)
        return rc;
    rc = compute(db, year, scheme_text, out, err);
    if (snapshot)
        sqlite3_exec(pa_db_sqlite(db), rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    PA_ASSERT(rc != 0 || json_is_array(json_object_get(*out, "results")));
    return rc;
}

int pa_assess_publish(struct pa_db *db, json_t *result, int64_t *seq, struct pa_error *err)
{
    PA_ASSERT(pa_db_in_transaction(db));
    PA_ASSERT(json_is_array(json_object_get(result, "results")));
    int rc = authorize_assessor(db, "publish the assessment", err);
    return rc != 0 ? rc : pa_tlog_append(db, "assess.run", json_incref(result), seq, err);
}

int pa_assess_run(struct pa_db *db, int year, const char *scheme_text,
                  struct pa_assess_outcome *out, struct pa_error *err)
{
    PA_ASSERT(pa_db_in_transaction(db));
    memset(out, 0, sizeof(*out));
    json_t *result;
    int rc = pa_assess_compute(db, year, scheme_text, &result, err);
    if (rc == 0) {
        out->pairings = (int)json_array_size(json_object_get(result, "results"));
        rc = pa_assess_publish(db, result, &out->seq, err);
        json_decref(result);
    }
    return rc;
}

/* ---- the module ------------------------------------------------------------------------------ */

static const struct pa_event_type assess_events[] = {
    {"score.create", pa_registry__apply_create},
    {"score.update", pa_registry__apply_create},
    {"scheme.add", pa_assess__apply_scheme},
    {"assess.run", pa_assess__apply_run},
    {NULL, NULL},
};

static const char *const assess_tables[] = {"assess_scores", "assess_results", "assess_runs",
                                            "scores", "schemes", NULL};

static const struct pa_event_module assess_module = {
    .name = "assess", .types = assess_events, .tables = assess_tables};

void pa_assess_init(void)
{
    pa_kind_register(&score_kind);
    pa_tlog_register(&assess_module);
}
