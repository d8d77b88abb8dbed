/*
 * test_sheet.c - the sheet writer's CSV, byte for byte: every cell type in the
 * form programs and the importer read (yuan with two decimals whatever the
 * report's unit, YYYY-MM-DD, enum codes, rates as 12.3%), the formula guard on
 * free text only, the BOM and the Chinese headings, and the refusals (XLSX to a
 * stream, unknown formats and heading languages).  The XLSX side is read back
 * with openpyxl by tests/cli/xlsx.sh and the report tests.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

static const struct pa_sheet_column columns[] = {
    {"code", PA_CELL_CODE, NULL},
    {"name", PA_CELL_TEXT, NULL},
    {"status", PA_CELL_ENUM, NULL},
    {"budget", PA_CELL_MONEY, "预算数"}, /* a report's own heading, never in English */
    {"start_date", PA_CELL_DATE, NULL},
    {"beneficiaries", PA_CELL_COUNT, NULL},
    {"rate", PA_CELL_RATE, NULL},
    {"actual", PA_CELL_DECIMAL, NULL},
};
#define NCOLS ((int)(sizeof(columns) / sizeof(columns[0])))

/* Writes rows through a CSV sheet into memory; returns the malloc'd text. */
static char *csv_of(const struct pa_sheet_options *opts, const struct pa_sheet_title *title,
                    const struct pa_cell (*rows)[NCOLS], int nrows)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    struct pa_sheet *sheet;
    struct pa_error err;
    assert_int_equal(pa_sheet_open_stream(out, opts, title, columns, NCOLS, &sheet, &err), 0);
    for (int r = 0; r < nrows; r++)
        assert_int_equal(pa_sheet_row(sheet, rows[r], &err), 0);
    assert_int_equal(pa_sheet_close(sheet, &err), 0);
    fclose(out);
    return text;
}

static void every_type_as_programs_read_it(void **state)
{
    (void)state;
    int32_t day;
    assert_int_equal(pa_date_parse("2024-08-23", &day, NULL), 0);
    const struct pa_cell rows[][NCOLS] = {
        {pa_cell_code("LYG-MS-001"), pa_cell_text("学校食堂, 一期"), pa_cell_enum("in_progress", "实施"),
         pa_cell_money(140000000), pa_cell_date(day), pa_cell_count(1200), pa_cell_rate(619),
         pa_cell_decimal(21750)},
        {pa_cell_code("X"), pa_cell_text("=HYPERLINK(\"x\")"), pa_cell_enum(NULL, NULL),
         pa_cell_money(5), (struct pa_cell){0}, pa_cell_count(0), pa_cell_rate(-1),
         (struct pa_cell){0}},
    };
    struct pa_sheet_options opts = {PA_SHEET_CSV, PA_LANG_EN, false, true};
    /* the unit of a report's title changes XLSX cells, never CSV ones */
    struct pa_sheet_title title = {.name = "预算执行情况表", .org = "无锡市", .as_of = day, .unit = PA_WAN};
    char *text = csv_of(&opts, &title, rows, 2);
    assert_string_equal(text,
                        "code,name,status,budget,start_date,beneficiaries,rate,actual\n"
                        "LYG-MS-001,\"学校食堂, 一期\",in_progress,1400000.00,2024-08-23,1200,61.9%,"
                        "217.50\n"
                        "X,\"'=HYPERLINK(\"\"x\"\")\",,0.05,,0,,\n");
    free(text);
}

static void bom_and_chinese_headings(void **state)
{
    (void)state;
    struct pa_sheet_options opts = {PA_SHEET_CSV, PA_LANG_ZH, true, false};
    char *text = csv_of(&opts, NULL, NULL, 0);
    assert_memory_equal(text, "\xEF\xBB\xBF", 3);
    char first[64];
    snprintf(first, sizeof(first), "%s,", pa_field_label("code", PA_LANG_ZH));
    assert_memory_equal(text + 3, first, strlen(first));
    assert_string_not_equal(pa_field_label("code", PA_LANG_ZH), "code");
    assert_non_null(strstr(text, ",预算数,"));
    free(text);
}

static void refusals(void **state)
{
    (void)state;
    struct pa_error err;
    struct pa_sheet *sheet = (struct pa_sheet *)&err;
    struct pa_sheet_options xlsx = {PA_SHEET_XLSX, PA_LANG_ZH, false, true};
    assert_int_equal(pa_sheet_open_stream(stdout, &xlsx, NULL, columns, NCOLS, &sheet, &err),
                     PA_EINVAL);
    assert_null(sheet);
    enum pa_sheet_format format;
    assert_int_equal(pa_sheet_format_parse("xls", &format, &err), PA_EINVAL);
    assert_non_null(strstr(err.message, "xls"));
    assert_int_equal(pa_sheet_format_parse("xlsx", &format, &err), 0);
    assert_int_equal(format, PA_SHEET_XLSX);
    enum pa_lang lang;
    assert_int_equal(pa_sheet_headers_parse("fr", &lang, &err), PA_EINVAL);
    assert_int_equal(pa_sheet_headers_parse("zh", &lang, &err), 0);
    assert_int_equal(lang, PA_LANG_ZH);
}

static int fill_nothing_then_fail(struct pa_sheet *sheet, void *ctx, struct pa_error *err)
{
    (void)sheet;
    (void)ctx;
    return pa_error_set(err, PA_EIO, "the source failed");
}

/* A fill that fails leaves neither the file nor its temporary twin. */
static void atomic_write_leaves_nothing_on_failure(void **state)
{
    (void)state;
    char dir[] = "/tmp/pa-sheet-XXXXXX", path[64], tmp[80];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/out.xlsx", dir);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    struct pa_sheet_options opts = {PA_SHEET_XLSX, PA_LANG_ZH, false, true};
    struct pa_error err;
    assert_int_equal(pa_sheet_write_atomic(path, &opts, NULL, columns, NCOLS,
                                           fill_nothing_then_fail, NULL, &err),
                     PA_EIO);
    assert_int_not_equal(access(path, F_OK), 0);
    assert_int_not_equal(access(tmp, F_OK), 0);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_type_as_programs_read_it),
        cmocka_unit_test(bom_and_chinese_headings),
        cmocka_unit_test(refusals),
        cmocka_unit_test(atomic_write_leaves_nothing_on_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
