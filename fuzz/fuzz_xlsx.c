/*
 * fuzz_xlsx.c - libFuzzer target for the XLSX reader (src/io/xlsx_read.c) and
 * the import of a workbook (src/io/import.c).  An input that starts as a zip
 * ("PK") is the whole file.  Any other input is a worksheet's XML, stored
 * (uncompressed) in a workbook built here around it with fixed workbook,
 * relationship, style and shared-string parts: mutations of a deflated zip
 * mostly break its checksum, so this is how the XML reading gets fuzzed.
 *
 * Each input is read twice: by pa_xlsx_read alone, whose rows are checked
 * (ascending, within Excel's limits, text NUL-terminated at its length), and by
 * pa_import of one kind (the input's length modulo 3 picks projects, accounts
 * or transfers) into an in-memory database holding the demo.  Besides memory
 * errors, leaks and undefined behaviour, the target aborts when pa_import
 * returns anything but 0, PA_EINVAL or PA_ENOMEM, when a failed import changed
 * the event count or left no reason, or when an error of a workbook's row names
 * no cell.  After a successful import the pristine demo is copied back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "pairaid/pairaid.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const kinds[] = {"projects", "accounts", "transfers"};

static struct pa_db *db;
static sqlite3 *pristine;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_xlsx: check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
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

static void copy_database(sqlite3 *to, sqlite3 *from)
{
    sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
    CHECK(b != NULL);
    CHECK(sqlite3_backup_step(b, -1) == SQLITE_DONE);
    CHECK(sqlite3_backup_finish(b) == SQLITE_OK);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    struct pa_error err;
    pa_error_clear(&err);
    CHECK(pa_open(&db, ":memory:", PA_DB_CREATE, &err) == 0);
    struct pa_import_report report;
    const char *file = NULL;
    CHECK(pa_demo_load(db, &report, &file, &err) == 0);
    pa_import_report_release(&report);
    CHECK(sqlite3_open(":memory:", &pristine) == SQLITE_OK);
    copy_database(pristine, pa_db_sqlite(db));
    return 0;
}

struct rows {
    long last;
};

static int check_row(void *ctx, long row, const struct pa_xlsx_cell *cells, size_t ncells)
{
    struct rows *r = ctx;
    CHECK(row >= 1 && row <= PA_XLSX_MAX_ROWS);
    CHECK(ncells >= 1 && ncells <= PA_XLSX_MAX_COLUMNS);
    bool any = false;
    for (size_t i = 0; i < ncells; i++) {
        CHECK(cells[i].text != NULL && cells[i].text[cells[i].len] == '\0');
        CHECK(strlen(cells[i].text) <= cells[i].len);
        CHECK(cells[i].problem == PA_XLSX_OK || cells[i].len == 0);
        any |= cells[i].len > 0 || cells[i].problem != PA_XLSX_OK;
    }
    CHECK(any && (cells[ncells - 1].len > 0 || cells[ncells - 1].problem != PA_XLSX_OK));
    r->last = row;
    return 0;
}

static void check_report(const struct pa_import_report *r)
{
    CHECK(r->nerrors > 0 && r->errors != NULL);
    CHECK(r->kept == (r->nerrors < PA_IMPORT_ERRORS_KEPT ? r->nerrors : PA_IMPORT_ERRORS_KEPT));
    for (int i = 0; i < r->kept; i++) {
        CHECK(r->errors[i].message[0] != '\0');
        CHECK(!r->xlsx || r->errors[i].cell[0] != '\0');
        CHECK(r->errors[i].line >= 1 && r->errors[i].line <= PA_XLSX_MAX_ROWS);
    }
}

static const char *const parts[][2] = {
    {"xl/workbook.xml",
     "<workbook xmlns:r=\"r\"><workbookPr date1904=\"0\"/><sheets><sheet name=\"Sheet1\" "
     "r:id=\"rId1\"/></sheets></workbook>"},
    {"xl/_rels/workbook.xml.rels",
     "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
     "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"x/styles\" "
     "Target=\"styles.xml\"/><Relationship Id=\"rId3\" Type=\"x/sharedStrings\" "
     "Target=\"/xl/sharedStrings.xml\"/></Relationships>"},
    {"xl/styles.xml",
     "<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy/mm/dd\"/></numFmts>"
     "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/></cellXfs>"
     "</styleSheet>"},
    {"xl/sharedStrings.xml",
     "<sst><si><t>code</t></si><si><r><t>na</t></r><r><t>me</t></r><rPh><t>x</t></rPh></si>"
     "<si><t>WX-LYG</t></si><si><t>industry</t></si></sst>"},
};

/* A workbook around `sheet` (its worksheet), in *out (malloc'd). */
static size_t wrap(const uint8_t *sheet, size_t size, uint8_t **out)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *buf = zip_source_buffer_create(NULL, 0, 0, &ze);
    CHECK(buf != NULL);
    zip_source_keep(buf);
    zip_t *za = zip_open_from_source(buf, ZIP_TRUNCATE, &ze);
    CHECK(za != NULL);
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        zip_source_t *s = zip_source_buffer(za, parts[i][1], strlen(parts[i][1]), 0);
        CHECK(s != NULL && zip_file_add(za, parts[i][0], s, 0) >= 0);
    }
    zip_source_t *s = zip_source_buffer(za, sheet, size, 0);
    zip_int64_t idx = s ? zip_file_add(za, "xl/worksheets/sheet1.xml", s, 0) : -1;
    CHECK(idx >= 0 && zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0) == 0);
    CHECK(zip_close(za) == 0);
    CHECK(zip_source_open(buf) == 0);
    CHECK(zip_source_seek(buf, 0, SEEK_END) == 0);
    zip_int64_t len = zip_source_tell(buf);
    CHECK(len > 0 && zip_source_seek(buf, 0, SEEK_SET) == 0);
    *out = malloc((size_t)len);
    CHECK(*out != NULL && zip_source_read(buf, *out, (zip_uint64_t)len) == len);
    zip_source_close(buf);
    zip_source_free(buf);
    zip_error_fini(&ze);
    return (size_t)len;
}

static void one_input(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
        one_input(data, size);
        return 0;
    }
    uint8_t *zip = NULL;
    size_t len = wrap(data, size, &zip);
    one_input(zip, len);
    free(zip);
    return 0;
}

static void one_input(const uint8_t *data, size_t size)
{
    struct pa_error err;
    pa_error_clear(&err);
    struct rows rows = {0};
    int rc = pa_xlsx_read(data, size, NULL, NULL, 0, check_row, &rows, &err);
    CHECK(rc == 0 || rc == PA_EINVAL || rc == PA_ENOMEM);
    CHECK(rc == 0 || err.message[0] != '\0');

    const char *kind = kinds[size % 3];
    int64_t before = count_events();
    struct pa_import_report report;
    struct pa_import_options opts = {.base_dir = "/nonexistent/pairaid-fuzz", .xlsx = true};
    pa_error_clear(&err);
    rc = pa_import(db, kind, data, size, &opts, &report, &err);
    CHECK(rc == 0 || rc == PA_EINVAL || rc == PA_ENOMEM);
    CHECK(!pa_db_in_transaction(db));
    if (rc == 0) {
        CHECK(report.rows == report.created + report.updated + report.skipped);
        copy_database(pa_db_sqlite(db), pristine);
    } else {
        CHECK(count_events() == before);
        if (report.nerrors > 0)
            check_report(&report);
        else
            CHECK(err.message[0] != '\0');
    }
    pa_import_report_release(&report);
}
