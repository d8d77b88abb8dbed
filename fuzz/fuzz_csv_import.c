/*
 * fuzz_csv_import.c - libFuzzer target for pa_import(), the CSV importer.
 *
 * The importer takes whatever a programme office's spreadsheet saved, so it must
 * never crash, leak, or leave the database half-changed.  Each input is imported
 * into one in-memory database that already holds the built-in demo, so codes,
 * parents, pairings and projects in the CSV can refer to real records and the
 * checks that consult the stored state (references, regions, status moves) run.
 *
 * Input layout: byte 0 chooses the kind and the encoding, the rest is the CSV.
 *
 *     selector = (uint8_t)(data[0] - '0') % 10
 *     kind     = pairings, orgs, projects, milestones, exchanges  [selector % 5]
 *     encoding = selector < 5 ? NULL (UTF-8) : "gb18030"
 *
 * so the seed files start with an ASCII digit:
 *
 *     '0' pairings   '1' orgs   '2' projects   '3' milestones   '4' exchanges   (UTF-8)
 *     '5' pairings   '6' orgs   '7' projects   '8' milestones   '9' exchanges   (GB18030)
 *
 * What is checked (abort() on a violation, besides ASan/UBSan/LeakSanitizer):
 *  - pa_import returns 0, PA_EINVAL (bad rows or format) or PA_ENOMEM; any other
 *    code is a runtime failure that CSV text must not be able to cause;
 *  - no transaction is left open afterwards;
 *  - on failure the import is atomic: `SELECT count(*) FROM events` is unchanged,
 *    report.nerrors > 0, report.kept == min(nerrors, PA_IMPORT_ERRORS_KEPT), and
 *    every kept error has 1 <= line <= the input's number of lines and
 *    NUL-terminated column and message text;
 *  - on success the report adds up: no errors, rows == created + updated +
 *    skipped, and exactly created + updated events were appended.
 * The report is released after every call.
 *
 * A successful import changes the database, and the fuzzer needs every input to
 * start from the same state, so after a success the pristine demo database is
 * copied back with the SQLite backup API from a template taken at start-up.
 * (Opening a fresh database and loading the demo per input would be far slower.)
 *
 * Photos: the database is in memory, so it has no media folder and a photo column
 * is always refused; base_dir points nowhere so no file is ever opened.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairaid/pairaid.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const kinds[] = {"pairings", "orgs", "projects", "milestones", "exchanges"};

static struct pa_db *db;  /* the working database every input is imported into */
static sqlite3 *pristine; /* a copy of it right after the demo was loaded */

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_csv_import: check failed: %s (%s:%d)\n", #cond, __FILE__,        \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static int64_t count_events(void)
{
    sqlite3_stmt *stmt;
    CHECK(sqlite3_prepare_v2(pa_db_sqlite(db), "SELECT count(*) FROM events", -1, &stmt, NULL) ==
          SQLITE_OK);
    CHECK(sqlite3_step(stmt) == SQLITE_ROW);
    int64_t n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

/* Copies the whole of `from` over `to`. */
static void copy_database(sqlite3 *to, sqlite3 *from)
{
    sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
    if (b == NULL) {
        fprintf(stderr, "fuzz_csv_import: backup: %s\n", sqlite3_errmsg(to));
        abort();
    }
    int rc = sqlite3_backup_step(b, -1);
    CHECK(rc == SQLITE_DONE);
    CHECK(sqlite3_backup_finish(b) == SQLITE_OK);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    struct pa_error err;
    pa_error_clear(&err);
    if (pa_open(&db, ":memory:", PA_DB_CREATE, &err) != 0) {
        fprintf(stderr, "fuzz_csv_import: cannot open a database: %s\n", err.message);
        abort();
    }
    struct pa_import_report report;
    const char *file = NULL;
    if (pa_demo_load(db, &report, &file, &err) != 0) {
        fprintf(stderr, "fuzz_csv_import: cannot load the demo (%s): %s\n", file ? file : "-",
                err.message);
        abort();
    }
    pa_import_report_release(&report);
    CHECK(sqlite3_open(":memory:", &pristine) == SQLITE_OK);
    copy_database(pristine, pa_db_sqlite(db));
    return 0;
}

static long count_lines(const uint8_t *text, size_t len)
{
    long lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    return lines;
}

static void check_failure_report(const struct pa_import_report *r, long lines)
{
    CHECK(r->nerrors > 0);
    CHECK(r->kept >= 0 && r->kept <= PA_IMPORT_ERRORS_KEPT);
    CHECK(r->kept == (r->nerrors < PA_IMPORT_ERRORS_KEPT ? r->nerrors : PA_IMPORT_ERRORS_KEPT));
    CHECK(r->errors != NULL);
    for (int i = 0; i < r->kept; i++) {
        const struct pa_row_error *e = &r->errors[i];
        CHECK(e->line >= 1 && e->line <= lines);
        CHECK(memchr(e->column, '\0', sizeof(e->column)) != NULL);
        CHECK(memchr(e->message, '\0', sizeof(e->message)) != NULL);
        CHECK(e->message[0] != '\0');
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned selector = (uint8_t)(data[0] - '0') % 10;
    const char *kind = kinds[selector % 5];
    struct pa_import_options opts = {
        .encoding = selector < 5 ? NULL : "gb18030",
        .base_dir = "/nonexistent/pairaid-fuzz",
    };
    const uint8_t *csv = data + 1;
    size_t len = size - 1;

    int64_t before = count_events();
    struct pa_import_report report;
    struct pa_error err;
    pa_error_clear(&err);
    int rc = pa_import(db, kind, csv, len, &opts, &report, &err);
    if (rc != 0 && rc != PA_EINVAL && rc != PA_ENOMEM) {
        fprintf(stderr, "fuzz_csv_import: pa_import(%s) returned %s: %s\n", kind, pa_errname(rc),
                err.message);
        abort();
    }
    CHECK(!pa_db_in_transaction(db));
    int64_t after = count_events();

    if (rc == 0) {
        CHECK(report.nerrors == 0 && report.kept == 0);
        CHECK(report.rows == report.created + report.updated + report.skipped);
        CHECK(after - before == report.created + report.updated);
        copy_database(pa_db_sqlite(db), pristine);
        CHECK(count_events() == before);
    } else {
        CHECK(after == before);
        if (rc == PA_EINVAL)
            check_failure_report(&report, count_lines(csv, len));
    }
    pa_import_report_release(&report);
    return 0;
}
