/*
 * published.c - what an assessment published: replaying assess.run and
 * scheme.add events into their tables, and reading the latest result of a
 * year back (a later run of the same year is a new event; the latest is the
 * one shown, the earlier ones stay in the log).
 */
#include <stdlib.h>
#include <string.h>

#include "assess_int.h"

static int insert(struct pa_db *db, const char *sql, json_t *values, const char *type,
                  struct pa_error *err)
{
    if (values == NULL)
        return pa_error_set(err, PA_ETAMPER, "event '%s' is malformed", type);
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    size_t i;
    json_t *v;
    json_array_foreach(values, i, v)
    {
        if (rc != 0)
            break;
        if (json_is_integer(v))
            sqlite3_bind_int64(stmt, (int)i + 1, json_integer_value(v));
        else
            sqlite3_bind_text(stmt, (int)i + 1, json_string_value(v), -1, SQLITE_TRANSIENT);
    }
    if (rc == 0 && sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, type);
    if (rc == 0)
        sqlite3_reset(stmt);
    json_decref(values);
    return rc;
}

static int apply_scores(struct pa_db *db, int64_t seq, const char *pairing, json_t *scores,
                        const char *type, struct pa_error *err)
{
    static const char sql[] =
        "INSERT INTO assess_scores(seq, pairing, indicator, name, area, weight, metric, actual, "
        "target, score, inputs, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
        "?12)";
    size_t i;
    json_t *sc;
    json_array_foreach(scores, i, sc)
    {
        const char *indicator, *name, *area, *metric, *inputs;
        json_int_t weight, actual, target, score;
        if (json_unpack(sc, "{s:s, s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:s !}", "indicator",
                        &indicator, "name", &name, "area", &area, "weight", &weight, "metric",
                        &metric, "actual", &actual, "target", &target, "score", &score, "inputs",
                        &inputs) != 0)
            return pa_error_set(err, PA_ETAMPER, "event '%s' is malformed", type);
        int rc = insert(db, sql,
                        json_pack("[I, s, s, s, s, I, s, I, I, I, s, I]", (json_int_t)seq,
                                  pairing, indicator, name, area, weight, metric, actual, target,
                                  score, inputs, (json_int_t)i),
                        type, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int pa_assess__apply_run(struct pa_db *db, const struct pa_event *ev, struct pa_error *err)
{
    int year, scheme;
    const char *name, *text;
    json_t *results;
    if (json_unpack((json_t *)ev->data, "{s:i, s:i, s:s, s:s, s:o !}", "year", &year, "scheme",
                    &scheme, "name", &name, "text", &text, "results", &results) != 0 ||
        !json_is_array(results))
        return pa_error_set(err, PA_ETAMPER, "event '%s' is malformed", ev->type);
    int rc = insert(db, "INSERT INTO assess_runs(seq, year, scheme, name) VALUES (?1, ?2, ?3, ?4)",
                    json_pack("[I, i, i, s]", (json_int_t)ev->seq, year, scheme, name), ev->type,
                    err);
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r)
    {
        const char *pairing, *pname, *tier_name;
        json_int_t base, bonus, penalty, total, spent;
        int tier, rank;
        json_t *scores;
        if (rc != 0)
            break;
        if (json_unpack(r, "{s:s, s:s, s:I, s:I, s:I, s:I, s:i, s:s, s:i, s:I, s:o !}",
                        "pairing", &pairing, "name", &pname, "base", &base, "bonus", &bonus,
                        "penalty", &penalty, "total", &total, "tier", &tier, "tier_name",
                        &tier_name, "rank", &rank, "spent_share", &spent, "scores",
                        &scores) != 0)
            return pa_error_set(err, PA_ETAMPER, "event '%s' is malformed", ev->type);
        rc = insert(db,
                    "INSERT INTO assess_results(seq, pairing, name, base, bonus, penalty, total, "
                    "tier, tier_name, rank, spent_share) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                    "?9, ?10, ?11)",
                    json_pack("[I, s, s, I, I, I, I, i, s, i, I]", (json_int_t)ev->seq, pairing,
                              pname, base, bonus, penalty, total, tier, tier_name, rank, spent),
                    ev->type, err);
        if (rc == 0)
            rc = apply_scores(db, ev->seq, pairing, scores, ev->type, err);
    }
    return rc;
}

int pa_assess__apply_scheme(struct pa_db *db, const struct pa_event *ev, struct pa_error *err)
{
    int version;
    const char *text;
    if (json_unpack((json_t *)ev->data, "{s:i, s:s !}", "version", &version, "text", &text) != 0)
        return pa_error_set(err, PA_ETAMPER, "event '%s' is malformed", ev->type);
    return insert(db, "INSERT INTO schemes(version, text, actor) VALUES (?1, ?2, ?3)",
                  json_pack("[i, s, s]", version, text, ev->actor), ev->type, err);
}

/* ---- reading -------------------------------------------------------------------------------- */

static json_t *hundredths(int64_t v)
{
    char buf[40];
    snprintf(buf, sizeof(buf), "%s%lld.%02lld", v < 0 ? "-" : "", (long long)(llabs(v) / 100),
             (long long)(llabs(v) % 100));
    return json_string(buf);
}

static int latest_run(struct pa_db *db, int year, int64_t *seq, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, "SELECT max(seq) FROM assess_runs WHERE year = ?1", &stmt, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int(stmt, 1, year);
    int step = sqlite3_step(stmt);
    bool none = step == SQLITE_ROW && sqlite3_column_type(stmt, 0) == SQLITE_NULL;
    *seq = sqlite3_column_int64(stmt, 0);
    sqlite3_reset(stmt);
    if (step != SQLITE_ROW)
        return pa_db_fail(db, err, "reading assessments");
    return none ? pa_error_setf(err, PA_ENOTFOUND, "year",
                                "no assessment of %d has been run (pairaid assess run --year %d)",
                                year, year)
                : 0;
}

static json_t *row_json(sqlite3_stmt *stmt, const char *const *names, int n, unsigned numbers)
{
    json_t *o = json_object();
    for (int i = 0; o && i < n; i++)
        json_object_set_new(o, names[i],
                            numbers & (1u << i) ? hundredths(sqlite3_column_int64(stmt, i))
                            : sqlite3_column_type(stmt, i) == SQLITE_INTEGER
                                ? json_integer(sqlite3_column_int64(stmt, i))
                                : json_string((const char *)sqlite3_column_text(stmt, i)));
    return o;
}

static int collect(struct pa_db *db, const char *sql, int64_t seq, const char *pairing,
                   const char *const *names, int n, unsigned numbers, json_t **out,
                   struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(stmt, 1, seq);
    pa_db_bind_text(stmt, 2, pairing ? pairing : "");
    json_t *list = json_array();
    int step;
    while (list && (step = sqlite3_step(stmt)) == SQLITE_ROW)
        json_array_append_new(list, row_json(stmt, names, n, numbers));
    sqlite3_reset(stmt);
    if (list == NULL || step != SQLITE_DONE) {
        json_decref(list);
        return list ? pa_db_fail(db, err, "reading an assessment")
                    : pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    *out = list;
    return 0;
}

int pa_assess_scores(struct pa_db *db, int year, const char *pairing, json_t **out,
                     struct pa_error *err)
{
    static const char sql[] =
        "SELECT s.pairing, s.area, s.indicator, s.weight, s.metric, s.actual, s.target, s.score, "
        "s.inputs, s.name FROM assess_scores s JOIN assess_results r ON r.seq = s.seq AND "
        "r.pairing = s.pairing WHERE s.seq = ?1 AND (?2 = '' OR s.pairing = ?2) "
        "ORDER BY r.tier, r.rank, s.position";
    static const char *const names[] = {"pairing", "area",   "indicator", "weight", "metric",
                                        "actual",  "target", "score",     "inputs", "name"};
    int64_t seq;
    int rc = latest_run(db, year, &seq, err);
    return rc != 0 ? rc
                   : collect(db, sql, seq, pairing, names, 10, 1u << 3 | 1u << 5 | 1u << 6 | 1u << 7,
                             out, err);
}

int pa_assess_ranking(struct pa_db *db, int year, json_t **out, struct pa_error *err)
{
    static const char sql[] =
        "SELECT pairing, name, base, bonus, penalty, total, tier, rank, spent_share, tier_name "
        "FROM assess_results WHERE seq = ?1 AND ?2 = '' ORDER BY tier, rank";
    static const char *const names[] = {"pairing", "name", "base", "bonus",       "penalty",
                                        "total",   "tier", "rank", "spent_share", "tier_name"};
    int64_t seq;
    int rc = latest_run(db, year, &seq, err);
    return rc != 0 ? rc
                   : collect(db, sql, seq, NULL, names, 10,
                             1u << 2 | 1u << 3 | 1u << 4 | 1u << 5 | 1u << 8, out, err);
}

int pa_assess_areas(struct pa_db *db, int year, json_t **out, struct pa_error *err)
{
    static const char sql[] =
        "SELECT pairing, area, sum(weight), sum(score) FROM assess_scores WHERE seq = ?1 "
        "AND ?2 = '' GROUP BY pairing, area ORDER BY pairing, min(position)";
    static const char *const names[] = {"pairing", "area", "weight", "score"};
    int64_t seq;
    int rc = latest_run(db, year, &seq, err);
    return rc != 0 ? rc : collect(db, sql, seq, NULL, names, 4, 1u << 2 | 1u << 3, out, err);
}

int pa_assess_runs(struct pa_db *db, json_t **out, struct pa_error *err)
{
    static const char sql[] =
        "SELECT r.seq, r.year, r.scheme, r.name, e.actor, date(e.time + 8 * 3600, 'unixepoch') "
        "FROM assess_runs r JOIN events e ON e.seq = r.seq WHERE ?1 >= 0 AND ?2 = '' "
        "ORDER BY r.seq DESC";
    static const char *const names[] = {"seq", "year", "scheme", "name", "actor", "published"};
    return collect(db, sql, 0, NULL, names, 6, 0, out, err);
}

int pa_scheme_list(struct pa_db *db, json_t **out, struct pa_error *err)
{
    static const char sql[] = "SELECT version, text, actor FROM schemes WHERE ?1 >= 0 AND "
                              "?2 = '' ORDER BY version DESC";
    static const char *const names[] = {"version", "text", "actor"};
    int rc = collect(db, sql, 0, NULL, names, 3, 0, out, err);
    struct pa_scheme *s = rc == 0 ? malloc(sizeof(*s)) : NULL;
    if (rc == 0 && s == NULL) {
        json_decref(*out);
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    size_t i;
    json_t *v;
    json_array_foreach(rc == 0 ? *out : NULL, i, v)
    {
        /* every recorded version was valid when it was added */
        const char *text = json_string_value(json_object_get(v, "text"));
        bool ok = pa_scheme_parse(text, s, NULL, err) == 0;
        json_object_set_new(v, "name", json_string(ok && s->name[0] ? s->name : "-"));
    }
    free(s);
    return rc;
}

/* ---- a computed result, read as a published one ---------------------------------------- */

static int by_tier_and_rank(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    json_int_t tx = json_integer_value(json_object_get(x, "tier")),
               ty = json_integer_value(json_object_get(y, "tier")),
               rx = json_integer_value(json_object_get(x, "rank")),
               ry = json_integer_value(json_object_get(y, "rank"));
    return tx != ty ? (tx < ty ? -1 : 1) : rx != ry ? (rx < ry ? -1 : 1) : 0;
}

/* o's members in `names` order, those in `numbers` (a bit per name) as hundredths. */
static json_t *view(json_t *o, const char *pairing, const char *const *names, int n,
                    unsigned numbers)
{
    json_t *row = json_object();
    for (int i = 0; row && i < n; i++) {
        json_t *v = json_object_get(o, names[i]);
        json_object_set_new(row, names[i],
                            strcmp(names[i], "pairing") == 0 && pairing ? json_string(pairing)
                            : numbers & (1u << i) ? hundredths(json_integer_value(v))
                                                  : json_incref(v));
    }
    return row;
}

int pa_assess_result_view(const json_t *result, json_t **ranking, json_t **scores,
                          struct pa_error *err)
{
    static const char *const rank_names[] = {"pairing", "name", "base", "bonus",       "penalty",
                                             "total",   "tier", "rank", "spent_share", "tier_name"};
    static const char *const score_names[] = {"pairing", "area",   "indicator", "weight", "metric",
                                              "actual",  "target", "score",     "inputs", "name"};
    json_t *results = json_object_get(result, "results");
    PA_ASSERT(json_is_array(results));
    size_t n = json_array_size(results);
    json_t **order = calloc(n ? n : 1, sizeof(*order));
    *ranking = json_array();
    *scores = json_array();
    if (order == NULL || *ranking == NULL || *scores == NULL) {
        free(order);
        json_decref(*ranking);
        json_decref(*scores);
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        order[i] = json_array_get(results, i);
    qsort(order, n, sizeof(*order), by_tier_and_rank);
    for (size_t i = 0; i < n; i++) {
        const char *pairing = json_string_value(json_object_get(order[i], "pairing"));
        json_array_append_new(*ranking, view(order[i], NULL, rank_names, 10,
                                             1u << 2 | 1u << 3 | 1u << 4 | 1u << 5 | 1u << 8));
        size_t k;
        json_t *sc;
        json_array_foreach(json_object_get(order[i], "scores"), k, sc) json_array_append_new(
            *scores, view(sc, pairing, score_names, 10, 1u << 3 | 1u << 5 | 1u << 6 | 1u << 7));
    }
    free(order);
    PA_ASSERT(json_array_size(*ranking) == n);
    return 0;
}
