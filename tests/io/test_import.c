/*
 * test_import.c - the CSV reader's promises: line numbers are the physical
 * lines where records start (quoted line breaks, CRLF, blank lines), BOM and
 * GB18030 input, every problem reported but only the first 100 kept, atomicity,
 * and exports that re-import into an empty database byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static const char header[] = "code,name,donor,recipient,start_date,end_date,parent\n";

static void line_numbers_follow_physical_lines(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    struct pa_import_report report;
    const char *csv = "\xEF\xBB\xBF"
                      "code,name,donor,recipient,start_date\r\n"
                      "A,\"two\r\nlines\",320200,320700,2022-01-01\r\n" /* lines 2-3: bad name */
                      "\r\n"                                            /* line 4: blank */
                      "B,ok,320200,320700,2022-13-01\r\n"               /* line 5: bad date */
                      "C,\"quote \"\"inside\"\"\",320200,320700,2022-01-01\r\n" /* line 6: fine */
                      "D,ok,320200,320700\r\n"; /* line 7: short row */
    assert_int_equal(test_import(db, "pairings", csv, &report), PA_EINVAL);
    assert_int_equal(report.nerrors, 3);
    assert_int_equal(report.errors[0].line, 2);
    assert_string_equal(report.errors[0].column, "name");
    assert_int_equal(report.errors[1].line, 5);
    assert_string_equal(report.errors[1].column, "start_date");
    assert_int_equal(report.errors[2].line, 7);
    assert_string_equal(report.errors[2].column, "");
    pa_import_report_release(&report);
    /* nothing stored: the good row C was rolled back with the rest */
    char *dump = test_dump(db);
    assert_null(strstr(dump, "C|"));
    free(dump);
    pa_db_free(db);
}

static void keeps_the_first_hundred_problems_and_counts_the_rest(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    size_t cap = 200 * 64;
    char *csv = malloc(cap);
    strcpy(csv, header);
    for (int i = 0; i < 150; i++)
        snprintf(csv + strlen(csv), cap - strlen(csv), "P%d,x,999999,320700,2022-01-01,,\n", i);
    struct pa_import_report report;
    assert_int_equal(test_import(db, "pairings", csv, &report), PA_EINVAL);
    assert_int_equal(report.nerrors, 150);
    assert_int_equal(report.kept, PA_IMPORT_ERRORS_KEPT);
    assert_int_equal(report.errors[99].line, 101);
    pa_import_report_release(&report);
    free(csv);
    pa_db_free(db);
}

static void reads_gb18030(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    /* "无锡" in GB18030 is CE DE CE FD */
    const char *csv = "code,name,donor,recipient,start_date\n"
                      "A,\xCE\xDE\xCE\xFD,320200,320700,2022-01-01\n";
    struct pa_import_options opts = {"gb18030", NULL, NULL, false};
    struct pa_import_report report;
    struct pa_error err;
    assert_int_equal(pa_import(db, "pairings", csv, strlen(csv), &opts, &report, &err), 0);
    pa_import_report_release(&report);
    char *dump = test_dump(db);
    assert_non_null(strstr(dump, "A|无锡|"));
    free(dump);
    /* read as UTF-8 when told so, the same bytes are refused ... */
    const char *again = "code,name,donor,recipient,start_date\n"
                        "B,\xCE\xDE\xCE\xFD,320200,320700,2022-01-01\n";
    struct pa_import_options utf8 = {"utf-8", NULL, NULL, false};
    assert_int_equal(pa_import(db, "pairings", again, strlen(again), &utf8, &report, &err),
                     PA_EINVAL);
    assert_string_equal(report.errors[0].column, "name");
    pa_import_report_release(&report);
    /* ... and with no encoding given they are detected as GB18030, with a note */
    assert_int_equal(test_import(db, "pairings", again, &report), 0);
    assert_string_equal(report.note, "the file is not UTF-8; it was read as GB18030");
    assert_string_equal(report.note_zh, "文件不是 UTF-8 编码，已按 GB18030 读取");
    pa_import_report_release(&report);
    /* and a byte sequence that is not GB18030 either is named by line */
    const char *broken = "code,name,donor,recipient,start_date\nC,\x81,320200,320700,2022-01-01\n";
    assert_int_equal(pa_import(db, "pairings", broken, strlen(broken), &opts, &report, &err),
                     PA_EINVAL);
    assert_int_equal(report.errors[0].line, 2);
    pa_import_report_release(&report);
    pa_db_free(db);
}

static char *export_all(struct pa_db *db, enum pa_format format)
{
    static const char *const kinds[] = {"pairings",   "orgs",      "projects",
                                        "milestones", "exchanges", NULL};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    for (int i = 0; kinds[i]; i++) {
        fprintf(f, "== %s\n", kinds[i]);
        assert_int_equal(pa_export(db, kinds[i], format, f, NULL), 0);
    }
    fclose(f);
    return buf;
}

static char *export_one(struct pa_db *db, const char *kind)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(pa_export(db, kind, PA_FORMAT_CSV, f, NULL), 0);
    fclose(f);
    return buf;
}

static void exports_reimport_byte_for_byte(void **state)
{
    (void)state;
    static const char *const kinds[] = {"pairings",   "orgs",      "projects",
                                        "milestones", "exchanges", NULL};
    struct pa_db *demo = test_db(), *copy = test_db();
    test_load_demo(demo);
    for (int i = 0; kinds[i]; i++) {
        char *csv = export_one(demo, kinds[i]);
        struct pa_import_report report;
        int rc = test_import(copy, kinds[i], csv, &report);
        if (rc != 0)
            fail_msg("%s: line %ld: %s", kinds[i], report.kept ? report.errors[0].line : 0,
                     report.kept ? report.errors[0].message : "?");
        pa_import_report_release(&report);
        free(csv);
    }
    for (int f = PA_FORMAT_CSV; f <= PA_FORMAT_JSON; f++) {
        char *a = export_all(demo, (enum pa_format)f), *b = export_all(copy, (enum pa_format)f);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    pa_db_free(demo);
    pa_db_free(copy);
}

static void regions_export_and_refuse_import(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    char *csv = export_one(db, "regions");
    assert_true(strncmp(csv, "code,name,level,parent\n", 23) == 0);
    assert_non_null(strstr(csv, "\n320722,东海县,3,320700\n"));
    assert_non_null(strstr(csv, "\n320000,江苏省,1,\n"));
    struct pa_import_report report;
    struct pa_error err;
    assert_int_equal(pa_import(db, "regions", csv, strlen(csv), NULL, &report, &err), PA_EINVAL);
    pa_import_report_release(&report);
    free(csv);
    pa_db_free(db);
}

/* The review: two milestones whose titles differ at character 191 were refused
 * as duplicates within one file (the key was cut at 512 bytes), while the same
 * rows from two files were accepted. */
static void long_keys_are_compared_whole(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    test_load_demo(db);
    char title[2][700] = {"", ""};
    for (int t = 0; t < 2; t++) {
        for (int i = 0; i < 190; i++)
            strcat(title[t], "桃");
        strcat(title[t], t ? "乙" : "甲"); /* character 191 */
        for (int i = 191; i < 200; i++)
            strcat(title[t], "林");
    }
    char csv[3000];
    snprintf(csv, sizeof(csv),
             "project,date,kind,title\nLYG-MS-001,2024-01-02,visit,%s\nLYG-MS-001,2024-01-02,visit,%s\n",
             title[0], title[1]);
    struct pa_import_report report;
    assert_int_equal(test_import(db, "milestones", csv, &report), 0);
    assert_int_equal(report.created, 2);
    pa_import_report_release(&report);
    /* the very same row twice is still a duplicate */
    snprintf(csv, sizeof(csv),
             "project,date,kind,title\nLYG-MS-002,2024-01-02,visit,%s\nLYG-MS-002,2024-01-02,visit,%s\n",
             title[0], title[0]);
    assert_int_equal(test_import(db, "milestones", csv, &report), PA_EINVAL);
    assert_int_equal(report.nerrors, 1);
    assert_int_equal(report.errors[0].line, 3);
    assert_non_null(strstr(report.errors[0].message, "duplicate of the record on line 2"));
    pa_import_report_release(&report);
    pa_db_free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(line_numbers_follow_physical_lines),
        cmocka_unit_test(long_keys_are_compared_whole),
        cmocka_unit_test(keeps_the_first_hundred_problems_and_counts_the_rest),
        cmocka_unit_test(reads_gb18030),
        cmocka_unit_test(exports_reimport_byte_for_byte),
        cmocka_unit_test(regions_export_and_refuse_import),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
