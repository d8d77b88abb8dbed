/*
 * assess.c - the yearly assessment (考核) over HTTP:
 *   GET  /api/v1/assessment[?year=]               public: the published ranking of a year
 *   GET  /api/v1/assessment/{pairing}[?year=]     public: a pairing's scores with their inputs
 *   GET  /api/v1/assessment/schemes               the versions, the one in use, the default
 *   POST /api/v1/assessment/schemes               {"text"}: a new version (assessors)
 *   POST /api/v1/assessment/run                   {"year","scheme"?}: score, rank, publish
 *   POST /api/v1/assessment/preview               {"year","scheme"?}: the same, recording nothing
 *
 * Both reads are also reports, as CSV or XLSX files (report.c: ?format=).
 * What was published is public (DESIGN.md: the public reads rankings), so
 * the two reads answer anyone and cache.c may keep their anonymous answers
 * until the log grows, as it does the portal's other reads.  Who may manage
 * schemes, run and preview is the library's (src/assess/).  A preview is
 * pa_assess_compute on the reader's connection: it reads one snapshot of the
 * books and writes nothing, so comparing two schemes never waits for the
 * writer and can never publish by mistake.
 */
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

/* ---- reading what was published ------------------------------------------------------ */

/* The published run a read asks for: ?year=, else the latest year published.
 * *run is borrowed from *runs (the caller's); answers 400/404 and returns -1;
 * returns 1 (with *run NULL) when no year was asked for and none is published. */
static int find_run(struct pa_http_request *r, struct pa_db *db, json_t **runs, json_t **run,
                    struct pa_error *err)
{
    int64_t year;
    *runs = NULL;
    if (pa_http_query_int(r, "year", 1949, 2999, 0, &year) != 0)
        return -1;
    if (pa_assess_runs(db, runs, err) != 0) {
        pa_http_fail(r, err);
        return -1;
    }
    size_t i;
    json_t *v;
    *run = NULL;
    json_array_foreach(*runs, i, v)
    {
        /* newest first: the first of the year asked for, or the latest year's newest */
        json_int_t y = json_integer_value(json_object_get(v, "year"));
        if (year ? y == year
                 : *run == NULL || y > json_integer_value(json_object_get(*run, "year")))
            *run = v;
        if (year && *run)
            break;
    }
    if (*run == NULL && year == 0) {
        /* "the latest ranking" when none is published yet is an empty one */
        *run = NULL;
        return 1;
    }
    if (*run == NULL) {
        if (year)
            pa_http_error(r, 404, "not_found", "year", "no assessment of %lld has been published",
                          (long long)year);
        else
            pa_http_error(r, 404, "not_found", "year", "no assessment has been published yet");
        json_decref(*runs);
        *runs = NULL;
        return -1;
    }
    return 0;
}

/* What every read says about the run it shows. */
static json_t *run_fields(json_t *run)
{
    return json_pack("{s:O, s:O, s:O, s:O, s:O}", "year", json_object_get(run, "year"), "seq",
                     json_object_get(run, "seq"), "scheme", json_object_get(run, "scheme"),
                     "scheme_name", json_object_get(run, "name"), "published",
                     json_object_get(run, "published"));
}

/* The years published, newest first, each once. */
static json_t *years_of(json_t *runs)
{
    json_t *years = json_array();
    size_t i, k;
    json_t *v, *y;
    json_array_foreach(runs, i, v)
    {
        json_t *year = json_object_get(v, "year");
        bool seen = false;
        json_array_foreach(years, k, y) seen = seen || json_equal(y, year);
        size_t at = 0;
        while (!seen && at < json_array_size(years) &&
               json_integer_value(json_array_get(years, at)) > json_integer_value(year))
            at++;
        if (!seen)
            json_array_insert(years, at, year);
    }
    return years;
}

/* Each ranking row gets its areas: [{"area","weight","score"}], the radar's points. */
static void attach_areas(json_t *ranking, json_t *areas)
{
    size_t i, k;
    json_t *row, *a;
    json_array_foreach(ranking, i, row)
    {
        json_t *mine = json_array();
        const char *pairing = json_string_value(json_object_get(row, "pairing"));
        json_array_foreach(areas, k, a)
        {
            if (strcmp(json_string_value(json_object_get(a, "pairing")), pairing) != 0)
                continue;
            json_t *copy = json_deep_copy(a);
            json_object_del(copy, "pairing");
            json_array_append_new(mine, copy);
        }
        json_object_set_new(row, "areas", mine);
    }
}

void pa_h_assessment(struct pa_http_request *r)
{
    bool file;
    struct pa_sheet_options opts;
    struct pa_db *db;
    if (pa_http_report_format(r, &file, &opts) != 0 || (db = pa_http_reader(r)) == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    json_t *runs, *run, *ranking = NULL, *areas = NULL;
    int found = find_run(r, db, &runs, &run, &err);
    if (found < 0)
        return;
    if (found > 0 && file) { /* no ranking to put in a file */
        pa_http_error(r, 404, "not_found", "year", "no assessment has been published yet");
        json_decref(runs);
        return;
    }
    if (file) { /* 考核排名表 as a file: the year's published ranking */
        struct pa_report_query q = {
            .kind = PA_REPORT_RANKING, .year = (int)json_integer_value(json_object_get(run, "year"))};
        pa_http_report(r, db, &q, &opts);
        json_decref(runs);
        return;
    }
    if (found > 0) {
        pa_http_json(r, 200,
                     json_pack("{s:n, s:n, s:n, s:n, s:n, s:[], s:[]}", "year", "seq", "scheme",
                               "scheme_name", "published", "years", "ranking"));
        json_decref(runs);
        return;
    }
    int year = (int)json_integer_value(json_object_get(run, "year"));
    if (pa_assess_ranking(db, year, &ranking, &err) == 0 &&
        pa_assess_areas(db, year, &areas, &err) == 0) {
        attach_areas(ranking, areas);
        json_t *out = run_fields(run);
        json_object_set_new(out, "years", years_of(runs));
        json_object_set_new(out, "ranking", ranking);
        pa_http_json(r, 200, out);
    } else {
        json_decref(ranking);
        pa_http_fail(r, &err);
    }
    json_decref(areas);
    json_decref(runs);
}

/* Points to gain on an indicator: what is missing to its target,
 * weight x (1 - actual / target) = weight - score while below it, else 0. */
static json_t *gain(json_t *score)
{
    int64_t weight = 0, points = 0, actual = 0, target = 0;
    pa_money_parse(json_string_value(json_object_get(score, "weight")), &weight, NULL);
    pa_money_parse(json_string_value(json_object_get(score, "score")), &points, NULL);
    pa_money_parse(json_string_value(json_object_get(score, "actual")), &actual, NULL);
    pa_money_parse(json_string_value(json_object_get(score, "target")), &target, NULL);
    int64_t missing = actual < target && points < weight ? weight - points : 0;
    char buf[40];
    snprintf(buf, sizeof(buf), "%lld.%02lld", (long long)(missing / 100),
             (long long)(missing % 100));
    return json_string(buf);
}

void pa_h_assessment_pairing(struct pa_http_request *r)
{
    bool file;
    struct pa_sheet_options opts;
    struct pa_db *db;
    if (pa_http_report_format(r, &file, &opts) != 0 || (db = pa_http_reader(r)) == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    json_t *runs, *run, *ranking = NULL, *scores = NULL, *areas = NULL;
    int found = find_run(r, db, &runs, &run, &err);
    if (found > 0) {
        pa_http_error(r, 404, "not_found", "year", "no assessment has been published yet");
        json_decref(runs);
    }
    if (found != 0)
        return;
    int year = (int)json_integer_value(json_object_get(run, "year"));
    const char *pairing = r->params[0];
    int rc = pa_assess_ranking(db, year, &ranking, &err);
    if (rc == 0)
        rc = pa_assess_areas(db, year, &areas, &err);
    if (rc == 0)
        rc = pa_assess_scores(db, year, pairing, &scores, &err);
    json_t *row = NULL, *v;
    size_t i;
    json_array_foreach(rc == 0 ? ranking : NULL, i, v)
        if (strcmp(json_string_value(json_object_get(v, "pairing")), pairing) == 0)
            row = v;
    if (rc != 0) {
        pa_http_fail(r, &err);
    } else if (row == NULL) {
        /* a county pairing, an unknown code: nothing of it was published */
        pa_http_error(r, 404, "not_found", NULL, "'%.64s' is not a pairing assessed in %d",
                      pairing, year);
    } else if (file) { /* 考核得分表 of the pairing as a file */
        struct pa_report_query q = {.kind = PA_REPORT_SCORES, .year = year, .pairing = pairing};
        pa_http_report(r, db, &q, &opts);
    } else {
        attach_areas(ranking, areas);
        json_array_foreach(scores, i, v) json_object_set_new(v, "gain", gain(v));
        json_t *out = run_fields(run);
        json_object_update(out, row);
        json_object_set(out, "scores", scores);
        pa_http_json(r, 200, out);
    }
    json_decref(ranking);
    json_decref(areas);
    json_decref(scores);
    json_decref(runs);
}

/* ---- schemes ----------------------------------------------------------------------------- */

static json_t *metric_list(void)
{
    json_t *list = json_array();
    for (int i = 0; list && pa_metrics[i].name; i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "name", pa_metrics[i].name, "zh",
                                              pa_metrics[i].zh, "unit", pa_metrics[i].unit));
    return list;
}

void pa_h_schemes(struct pa_http_request *r)
{
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    struct pa_scheme *s = malloc(sizeof(*s));
    char *text = NULL;
    json_t *versions = NULL, *runs = NULL;
    int rc = s ? pa_scheme_current(db, s, &text, &err)
               : pa_error_set(&err, PA_ENOMEM, "out of memory");
    if (rc == 0)
        rc = pa_scheme_list(db, &versions, &err);
    if (rc == 0)
        rc = pa_assess_runs(db, &runs, &err);
    if (rc == 0)
        pa_http_json(r, 200,
                     json_pack("{s:i, s:s, s:s, s:s, s:o, s:o, s:o}", "in_use", s->version,
                               "name", s->name[0] ? s->name : "-", "text", text, "default_text",
                               pa_scheme_default_text(), "versions", versions, "runs", runs,
                               "metrics", metric_list()));
    else
        pa_http_fail(r, &err);
    free(text);
    free(s);
}

/* A scheme the library refused: if the text is what is wrong, 422 naming
 * its line and key (nothing was recorded: the job's transaction is rolled
 * back).  Anything else the writer answers from err. */
static void scheme_refused(struct pa_http_request *r, const char *text, int rc,
                           const struct pa_error *err)
{
    if (rc != PA_EINVAL || text == NULL || strcmp(err->field, "year") == 0)
        return;
    struct pa_scheme *s = malloc(sizeof(*s));
    struct pa_error perr;
    pa_error_clear(&perr);
    int line = 0;
    if (s && pa_scheme_parse(text, s, &line, &perr) == PA_EINVAL)
        pa_http_file_error(r, line, &perr);
    free(s);
}

struct scheme_add {
    const char *text;
};

static int add_scheme(struct pa_db *db, struct pa_http_request *r, void *ctx,
                      struct pa_error *err)
{
    const struct scheme_add *a = ctx;
    int version = 0;
    int rc = pa_scheme_add(db, a->text, &version, err);
    if (rc != 0) {
        scheme_refused(r, a->text, rc, err);
        return rc;
    }
    struct pa_scheme *s = malloc(sizeof(*s));
    if (s == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    rc = pa_scheme_current(db, s, NULL, err);
    if (rc == 0)
        pa_http_json(r, 201, json_pack("{s:i, s:s}", "version", version, "name",
                                       s->name[0] ? s->name : "-"));
    free(s);
    return rc;
}

void pa_h_scheme_add(struct pa_http_request *r)
{
    static const char *const fields[] = {"text", NULL};
    json_t *body = pa_http_body_json(r, false);
    struct scheme_add a;
    if (body != NULL && pa_http_known_fields(r, body, fields, NULL) == 0 &&
        pa_http_optional_text(r, body, "text", &a.text) == 0) {
        if (a.text == NULL)
            pa_http_error(r, 422, "invalid", "text", "text is the scheme as an INI file");
        else
            pa_http_write(r, add_scheme, &a, false);
    }
    json_decref(body);
}

/* ---- running and previewing ---------------------------------------------------------------- */

struct assess_request {
    int year;
    const char *scheme; /* INI text, or NULL for the scheme in use */
};

/* {"year": YYYY, "scheme"?: INI}; answers 400/422 and returns -1. */
static int assess_request(struct pa_http_request *r, json_t **body, struct assess_request *a)
{
    static const char *const fields[] = {"year", "scheme", NULL};
    *body = pa_http_body_json(r, false);
    if (*body == NULL || pa_http_known_fields(r, *body, fields, NULL) != 0 ||
        pa_http_optional_text(r, *body, "scheme", &a->scheme) != 0)
        return -1;
    json_t *year = json_object_get(*body, "year");
    if (!json_is_integer(year) || json_integer_value(year) < 1949 ||
        json_integer_value(year) > 2999) {
        pa_http_error(r, 422, "invalid", "year", "year is a whole number, YYYY, from 1949 to 2999");
        return -1;
    }
    a->year = (int)json_integer_value(year);
    return 0;
}

static int run(struct pa_db *db, struct pa_http_request *r, void *ctx, struct pa_error *err)
{
    const struct assess_request *a = ctx;
    json_t *result;
    int64_t seq = 0;
    int rc = pa_assess_compute(db, a->year, a->scheme, &result, err);
    if (rc != 0) {
        scheme_refused(r, a->scheme, rc, err);
        return rc;
    }
    rc = pa_assess_publish(db, result, &seq, err);
    if (rc == 0)
        pa_http_json(r, 201,
                     json_pack("{s:i, s:I, s:O, s:O, s:I}", "year", a->year, "seq",
                               (json_int_t)seq, "scheme", json_object_get(result, "scheme"),
                               "scheme_name", json_object_get(result, "name"), "pairings",
                               (json_int_t)json_array_size(json_object_get(result, "results"))));
    json_decref(result);
    return rc;
}

void pa_h_assessment_run(struct pa_http_request *r)
{
    json_t *body;
    struct assess_request a = {0};
    if (assess_request(r, &body, &a) == 0)
        pa_http_write(r, run, &a, false);
    json_decref(body);
}

void pa_h_assessment_preview(struct pa_http_request *r)
{
    json_t *body, *result = NULL, *ranking, *scores;
    struct assess_request a = {0};
    struct pa_db *db;
    if (assess_request(r, &body, &a) != 0 || (db = pa_http_reader(r)) == NULL) {
        json_decref(body);
        return;
    }
    struct pa_error err;
    pa_error_clear(&err);
    int rc = pa_assess_compute(db, a.year, a.scheme, &result, &err);
    if (rc == 0)
        rc = pa_assess_result_view(result, &ranking, &scores, &err);
    if (rc == 0) {
        pa_http_json(r, 200,
                     json_pack("{s:i, s:O, s:O, s:o, s:o}", "year", a.year, "scheme",
                               json_object_get(result, "scheme"), "scheme_name",
                               json_object_get(result, "name"), "ranking", ranking, "scores",
                               scores));
    } else {
        scheme_refused(r, a.scheme, rc, &err);
        if (r->status == 0)
            pa_http_fail(r, &err);
    }
    json_decref(result);
    json_decref(body);
}
