/*
 * test_assess.c - pa_assess_run split into compute and publish: computing
 * records nothing and reads the same result, byte for byte, that publishing
 * then records; a computed result viewed with pa_assess_result_view reads
 * exactly as the published ranking and scores do; and computing is the
 * assessors' as running is.  (The arithmetic, tiers and bad schemes are
 * tests/cli/assess.sh's, through the command line.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static int64_t count_events(struct pa_db *db)
{
    sqlite3_stmt *stmt;
    assert_int_equal(
        sqlite3_prepare_v2(pa_db_sqlite(db), "SELECT count(*) FROM events", -1, &stmt, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

static int64_t count_runs(struct pa_db *db)
{
    sqlite3_stmt *stmt;
    assert_int_equal(
        sqlite3_prepare_v2(pa_db_sqlite(db), "SELECT count(*) FROM assess_runs", -1, &stmt, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

/* The demo, with two more city pairings so that there is a ranking to make. */
static struct pa_db *demo_db(void)
{
    struct pa_db *db = test_db();
    test_load_demo(db);
    struct pa_import_report report;
    int rc = test_import(db, "pairings",
                         "code,name,donor,recipient,start_date,source\n"
                         "TA-NJ-HA,南京市—淮安市,320100,320800,2022-01-01,synthetic\n"
                         "TA-SZ-SQ,苏州市—宿迁市,320500,321300,2022-01-01,synthetic\n",
                         &report);
    pa_import_report_release(&report);
    assert_true(rc == 0 || rc == PA_EINVAL); /* the demo may hold them already */
    return db;
}

static char *dumps(const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    assert_non_null(s);
    return s;
}

static void compute_records_nothing_and_publish_records_it(void **state)
{
    (void)state;
    struct pa_db *db = demo_db();
    struct pa_error err;
    pa_error_clear(&err);
    int64_t events = count_events(db);
    char *before = test_dump(db);

    /* outside a transaction: a read snapshot of its own, closed again */
    json_t *result = NULL;
    assert_int_equal(pa_assess_compute(db, 2024, NULL, &result, &err), 0);
    assert_false(pa_db_in_transaction(db));
    assert_int_equal(count_events(db), events);
    assert_int_equal(count_runs(db), 0);
    char *after = test_dump(db);
    assert_string_equal(before, after);
    json_t *results = json_object_get(result, "results");
    assert_true(json_array_size(results) >= 3);
    assert_int_equal(json_integer_value(json_object_get(result, "year")), 2024);

    /* what assess run records is what compute gave */
    struct pa_assess_outcome out;
    assert_int_equal(pa_db_begin(db, &err), 0);
    assert_int_equal(pa_assess_run(db, 2024, NULL, &out, &err), 0);
    assert_int_equal(pa_db_commit(db, &err), 0);
    assert_int_equal(out.pairings, (int)json_array_size(results));
    assert_int_equal(count_events(db), events + 1);
    sqlite3_stmt *stmt;
    assert_int_equal(sqlite3_prepare_v2(pa_db_sqlite(db),
                                        "SELECT json_extract(entry, '$.data') FROM events "
                                        "WHERE seq = ?1",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(stmt, 1, out.seq);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    json_t *recorded = json_loads((const char *)sqlite3_column_text(stmt, 0), 0, NULL);
    sqlite3_finalize(stmt);
    assert_non_null(recorded);
    char *a = dumps(result), *b = dumps(recorded);
    assert_string_equal(a, b);
    free(a);
    free(b);
    json_decref(recorded);

    /* the preview's view is the published ranking and scores, field for field */
    json_t *ranking, *scores, *published_ranking, *published_scores;
    assert_int_equal(pa_assess_result_view(result, &ranking, &scores, &err), 0);
    assert_int_equal(pa_assess_ranking(db, 2024, &published_ranking, &err), 0);
    assert_int_equal(pa_assess_scores(db, 2024, NULL, &published_scores, &err), 0);
    a = dumps(ranking);
    b = dumps(published_ranking);
    assert_string_equal(a, b);
    free(a);
    free(b);
    a = dumps(scores);
    b = dumps(published_scores);
    assert_string_equal(a, b);
    free(a);
    free(b);
    json_decref(ranking);
    json_decref(scores);
    json_decref(published_ranking);
    json_decref(published_scores);

    /* publishing the same result again is a second event beside the first */
    assert_int_equal(pa_db_begin(db, &err), 0);
    int64_t seq = 0;
    assert_int_equal(pa_assess_publish(db, result, &seq, &err), 0);
    assert_int_equal(pa_db_commit(db, &err), 0);
    assert_true(seq > out.seq);
    assert_int_equal(count_runs(db), 2);
    json_decref(result);
    free(before);
    free(after);
    pa_db_free(db);
}

/* A scheme given as text is used instead of the one in use, and a bad one is refused. */
static void compute_with_a_scheme_text(void **state)
{
    (void)state;
    static const char scheme[] = "[scheme]\nname = 两项\n\n[tier.1]\nmin_total = 50\n\n"
                                 "[tier.2]\nmin_total = 0\n\n"
                                 "[meetings]\narea = organisation\nweight = 40\nmetric = manual\n"
                                 "target = 2\n\n"
                                 "[spent]\narea = funds\nweight = 60\nmetric = spent_share\n"
                                 "target = 90\n";
    struct pa_db *db = demo_db();
    struct pa_error err;
    pa_error_clear(&err);
    json_t *result;
    assert_int_equal(pa_assess_compute(db, 2024, scheme, &result, &err), 0);
    assert_string_equal(json_string_value(json_object_get(result, "name")), "两项");
    assert_int_equal(json_integer_value(json_object_get(result, "scheme")), 0);
    json_t *first = json_array_get(json_object_get(result, "results"), 0);
    assert_int_equal(json_array_size(json_object_get(first, "scores")), 2);
    json_decref(result);

    result = NULL;
    assert_int_equal(pa_assess_compute(db, 2024, "[scheme]\nname = x\n", &result, &err), PA_EINVAL);
    assert_null(result);
    assert_int_equal(pa_assess_compute(db, 1900, NULL, &result, &err), PA_EINVAL);
    assert_string_equal(err.field, "year");
    assert_false(pa_db_in_transaction(db));
    pa_db_free(db);
}

static void compute_is_the_assessors(void **state)
{
    (void)state;
    struct pa_db *db = demo_db();
    struct pa_error err;
    pa_error_clear(&err);
    struct pa_principal donor = {.name = "wuxi.finance", .role = PA_ROLE_DONOR, .region = "320200"};
    struct pa_principal assessor = {.name = "province.assess", .role = PA_ROLE_ASSESSOR};
    json_t *result = NULL;
    assert_int_equal(pa_db_set_principal(db, &donor, &err), 0);
    assert_int_equal(pa_assess_compute(db, 2024, NULL, &result, &err), PA_EDENIED);
    assert_null(result);
    assert_int_equal(pa_db_set_principal(db, &pa_anonymous, &err), 0);
    assert_int_equal(pa_assess_compute(db, 2024, NULL, &result, &err), PA_EUNAUTH);
    assert_int_equal(pa_db_set_principal(db, &assessor, &err), 0);
    assert_int_equal(pa_assess_compute(db, 2024, NULL, &result, &err), 0);
    /* and only they publish it */
    assert_int_equal(pa_db_set_principal(db, &donor, &err), 0);
    assert_int_equal(pa_db_begin(db, &err), 0);
    int64_t seq;
    assert_int_equal(pa_assess_publish(db, result, &seq, &err), PA_EDENIED);
    pa_db_rollback(db);
    assert_int_equal(count_runs(db), 0);
    json_decref(result);
    pa_db_free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compute_records_nothing_and_publish_records_it),
        cmocka_unit_test(compute_with_a_scheme_text),
        cmocka_unit_test(compute_is_the_assessors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
