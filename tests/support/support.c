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

struct text {
    char *buf;
    size_t len, cap;
};

/* Grows by doubling: the dump of a large database is appended to many times. */
static void append(struct text *t, const char *s)
{
    size_t n = strlen(s);
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->buf = realloc(t->buf, t->cap);
        assert_non_null(t->buf);
    }
    memcpy(t->buf + t->len, s, n + 1);
    t->len += n;
}

char *test_dump(struct pa_db *db)
{
    static const char *const tables[] = {"pairings",       "orgs",
                                         "projects",       "milestones",
                                         "exchanges",      "accounts",
                                         "transfers",      "contracts",
                                         "notices",        "indicators",
                                         "revenue_shares", "measures",
                                         "findings",       "finding_history",
                                         "audit_runs",     NULL};
    struct text out = {NULL, 0, 0};
    append(&out, "");
    for (int t = 0; tables[t]; t++) {
        char sql[128];
        snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY 1, 2, 3, 4", tables[t]);
        sqlite3_stmt *stmt;
        assert_int_equal(sqlite3_prepare_v2(pa_db_sqlite(db), sql, -1, &stmt, NULL), SQLITE_OK);
        append(&out, tables[t]);
        append(&out, "\n");
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(stmt); c++) {
                const char *v = (const char *)sqlite3_column_text(stmt, c);
                append(&out, v ? v : "<null>");
                append(&out, "|");
            }
            append(&out, "\n");
        }
        sqlite3_finalize(stmt);
    }
    return out.buf;
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
