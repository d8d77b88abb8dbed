/*
 * test_indexes.c - the transfers' reader indexes (by payer and by payee
 * account) and pa_db_defer_indexes: a bulk write drops them for its
 * transaction and builds them again just before COMMIT, exactly as they were;
 * a rollback brings them back; constraint indexes are never touched; a large
 * import and a replay defer them, a small import does not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static const char *const reader_indexes[] = {"transfers_by_from", "transfers_by_to", "events_by_log"};

/* The CREATE statement SQLite keeps for an index, or NULL if there is none;
 * malloc'd. */
static char *index_sql(struct pa_db *db, const char *name)
{
    sqlite3_stmt *stmt;
    assert_int_equal(sqlite3_prepare_v2(pa_db_sqlite(db),
                                        "SELECT sql FROM sqlite_schema WHERE type = 'index' AND "
                                        "name = ?1",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    char *sql = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW)
        sql = strdup((const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return sql;
}

static int64_t count_indexes(struct pa_db *db)
{
    sqlite3_stmt *stmt;
    assert_int_equal(sqlite3_prepare_v2(pa_db_sqlite(db),
                                        "SELECT count(*) FROM sqlite_schema WHERE type = 'index'",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

static void assert_reader_indexes_present(struct pa_db *db)
{
    for (size_t i = 0; i < PA_ARRAY_LEN(reader_indexes); i++) {
        char *sql = index_sql(db, reader_indexes[i]);
        assert_non_null(sql);
        free(sql);
    }
}

static void dropped_then_rebuilt_as_they_were(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    char *before = index_sql(db, "transfers_by_from");
    assert_non_null(before);
    int64_t all = count_indexes(db);

    assert_int_equal(pa_db_begin(db, NULL), 0);
    assert_int_equal(pa_db_defer_indexes(db, "transfers", NULL), 0);
    assert_null(index_sql(db, "transfers_by_from"));
    assert_null(index_sql(db, "transfers_by_to"));
    assert_int_equal(count_indexes(db), all - 2); /* the primary key's stays */
    assert_int_equal(pa_db_defer_indexes(db, "transfers", NULL), 0); /* again: nothing left */
    assert_int_equal(pa_db_commit(db, NULL), 0);

    char *after = index_sql(db, "transfers_by_from");
    assert_non_null(after);
    assert_string_equal(after, before);
    assert_int_equal(count_indexes(db), all);
    free(before);
    free(after);
    pa_db_free(db);
}

static void a_rollback_brings_them_back(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    int64_t all = count_indexes(db);
    assert_int_equal(pa_db_begin(db, NULL), 0);
    assert_int_equal(pa_db_defer_indexes(db, "transfers", NULL), 0);
    pa_db_rollback(db);
    assert_int_equal(count_indexes(db), all);
    assert_reader_indexes_present(db);
    /* the next transaction starts with nothing deferred: its COMMIT creates nothing twice */
    assert_int_equal(pa_db_begin(db, NULL), 0);
    assert_int_equal(pa_db_commit(db, NULL), 0);
    assert_int_equal(count_indexes(db), all);
    pa_db_free(db);
}

static void constraint_indexes_stay(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    int64_t all = count_indexes(db);
    assert_int_equal(pa_db_begin(db, NULL), 0);
    /* orgs has a UNIQUE constraint (SQLite's automatic index) and no other index */
    assert_int_equal(pa_db_defer_indexes(db, "orgs", NULL), 0);
    assert_int_equal(count_indexes(db), all);
    assert_int_equal(pa_db_defer_indexes(db, "no_such_table", NULL), 0);
    assert_int_equal(pa_db_commit(db, NULL), 0);
    assert_int_equal(count_indexes(db), all);
    pa_db_free(db);
}

/* ---- who defers: large imports and replays ----------------------------------------------- */

struct ddl_seen {
    int drops, creates;
};

static int on_statement(unsigned type, void *ctx, void *stmt, void *sql)
{
    (void)type;
    (void)stmt;
    struct ddl_seen *seen = ctx;
    seen->drops += strncmp(sql, "DROP INDEX", 10) == 0;
    seen->creates += strncmp(sql, "CREATE INDEX", 12) == 0;
    return 0;
}

/* n transfers of 0.01 from a donor's source to its pool, dated today. */
static char *small_transfers(int n, const char *prefix)
{
    char today[PA_DATE_LEN + 1];
    pa_date_format(pa_date_today(), today);
    size_t cap = 64 + (size_t)n * 80;
    char *csv = malloc(cap);
    assert_non_null(csv);
    size_t len = (size_t)snprintf(csv, cap, "id,date,from,to,amount\n");
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(csv + len, cap - len, "%s-%d,%s,SRC-WX-CITY,POOL-WX-LYG,0.01\n",
                                prefix, i, today);
    return csv;
}

static struct ddl_seen import_seen(struct pa_db *db, int rows, const char *prefix)
{
    struct ddl_seen seen = {0};
    char *csv = small_transfers(rows, prefix);
    sqlite3_trace_v2(pa_db_sqlite(db), SQLITE_TRACE_STMT, on_statement, &seen);
    struct pa_import_report report;
    assert_int_equal(test_import(db, "transfers", csv, &report), 0);
    sqlite3_trace_v2(pa_db_sqlite(db), 0, NULL, NULL);
    assert_int_equal(report.created, rows);
    pa_import_report_release(&report);
    free(csv);
    return seen;
}

static void large_imports_and_replays_defer(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    test_load_demo(db);
    int64_t logged;
    assert_int_equal(pa_tlog_size(db, &logged, NULL), 0);

    struct ddl_seen small = import_seen(db, 20, "SMALL");
    assert_int_equal(small.drops, 0);
    assert_int_equal(small.creates, 0);

    /* as many rows as the log has events: more than half again the table */
    /* the transfers' two reader indexes, and the log's (events_by_log) */
    struct ddl_seen large = import_seen(db, (int)logged, "LARGE");
    assert_int_equal(large.drops, 3);
    assert_int_equal(large.creates, 3);
    assert_reader_indexes_present(db);

    char *live = test_dump(db);
    struct ddl_seen replay = {0};
    sqlite3_trace_v2(pa_db_sqlite(db), SQLITE_TRACE_STMT, on_statement, &replay);
    struct pa_error err;
    assert_int_equal(pa_tlog_replay(db, &err), 0);
    sqlite3_trace_v2(pa_db_sqlite(db), 0, NULL, NULL);
    assert_int_equal(replay.drops, 2);
    assert_int_equal(replay.creates, 2);
    assert_reader_indexes_present(db);
    char *replayed = test_dump(db);
    assert_string_equal(replayed, live);
    free(live);
    free(replayed);
    pa_db_free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dropped_then_rebuilt_as_they_were),
        cmocka_unit_test(a_rollback_brings_them_back),
        cmocka_unit_test(constraint_indexes_stay),
        cmocka_unit_test(large_imports_and_replays_defer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
