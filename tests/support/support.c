/*
 * support.c - see support.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

struct pa_db *test_db(void)
{
    struct pa_db *db = NULL;
    struct pa_error err;
    int rc = pa_open(&db, ":memory:", PA_DB_CREATE, &err);
    if (rc != 0)
        fail_msg("open: %s", err.message);
    assert_int_equal(pa_db_set_actor(db, "tester", &err), 0);
    return db;
}

int test_import(struct pa_db *db, const char *kind, const char *csv,
                struct pa_import_report *report)
{
    struct pa_error err;
    pa_error_clear(&err);
    return pa_import(db, kind, csv, strlen(csv), NULL, report, &err);
}

static void append(char **buf, size_t *len, const char *s)
{
    size_t n = strlen(s);
    *buf = realloc(*buf, *len + n + 1);
    assert_non_null(*buf);
    memcpy(*buf + *len, s, n + 1);
    *len += n;
}

char *test_dump(struct pa_db *db)
{
    static const char *const tables[] = {"pairings",   "orgs",      "projects",
                                         "milestones", "exchanges", NULL};
    char *buf = NULL;
    size_t len = 0;
    append(&buf, &len, "");
    for (int t = 0; tables[t]; t++) {
        char sql[128];
        snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY 1, 2, 3, 4", tables[t]);
        sqlite3_stmt *stmt;
        assert_int_equal(sqlite3_prepare_v2(pa_db_sqlite(db), sql, -1, &stmt, NULL), SQLITE_OK);
        append(&buf, &len, tables[t]);
        append(&buf, &len, "\n");
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(stmt); c++) {
                const char *v = (const char *)sqlite3_column_text(stmt, c);
                append(&buf, &len, v ? v : "<null>");
                append(&buf, &len, "|");
            }
            append(&buf, &len, "\n");
        }
        sqlite3_finalize(stmt);
    }
    return buf;
}

void test_load_demo(struct pa_db *db)
{
    struct pa_import_report report;
    struct pa_error err;
    const char *file = NULL;
    pa_error_clear(&err);
    int rc = pa_demo_load(db, &report, &file, &err);
    if (rc != 0) {
        for (int i = 0; i < report.kept; i++)
            print_error("%s:%ld: %s: %s\n", file, report.errors[i].line, report.errors[i].column,
                        report.errors[i].message);
        fail_msg("demo: %s", err.message);
    }
    pa_import_report_release(&report);
}
