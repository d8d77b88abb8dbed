/*
 * test_record.c - the registry's rules, through pa_record_put and the import
 * path: identical records are skipped, different ones refused with the column
 * named, status only moves forward, and references must make geographic sense
 * (a project inside its pairing's recipient, a county pairing inside its city
 * pairing, an exchange between the two sides).
 */
#include <stdio.h>
#include <string.h>

#include "support.h"

static const char pairings_csv[] = "code,name,donor,recipient,start_date,end_date,parent\n"
                                   "WX-LYG,无锡—连云港,320200,320700,2022-01-01,2025-12-31,\n"
                                   "HS-GY,惠山—赣榆,320206,320707,2022-01-01,,WX-LYG\n";

static struct pa_db *db_with_pairings(void)
{
    struct pa_db *db = test_db();
    struct pa_import_report report;
    assert_int_equal(test_import(db, "pairings", pairings_csv, &report), 0);
    assert_int_equal(report.created, 2);
    pa_import_report_release(&report);
    return db;
}

/* Imports one row under a header and returns the first problem's column, or ""
 * when the import succeeded. */
static const char *import_one(struct pa_db *db, const char *kind, const char *header,
                              const char *row, int *rc)
{
    static char column[64];
    char csv[2048];
    snprintf(csv, sizeof(csv), "%s\n%s\n", header, row);
    struct pa_import_report report;
    *rc = test_import(db, kind, csv, &report);
    snprintf(column, sizeof(column), "%s", report.kept ? report.errors[0].column : "");
    if (report.kept)
        print_message("  %s -> %s: %s\n", row, report.errors[0].column, report.errors[0].message);
    pa_import_report_release(&report);
    return column;
}

#define PROJECT_HEADER "code,name,pairing,region,domain,kind,status,budget,start_date,end_date"

static void pairing_rules(void **state)
{
    (void)state;
    struct pa_db *db = db_with_pairings();
    const char *h = "code,name,donor,recipient,start_date,parent";
    int rc;
    /* donor and recipient the same, or one inside the other */
    assert_string_equal(import_one(db, "pairings", h, "X,x,320200,320200,2022-01-01,", &rc),
                        "recipient");
    assert_string_equal(import_one(db, "pairings", h, "X,x,320200,320206,2022-01-01,", &rc),
                        "recipient");
    /* unknown region, unknown parent, grandchild, county outside the parent's sides */
    assert_string_equal(import_one(db, "pairings", h, "X,x,999999,320707,2022-01-01,", &rc),
                        "donor");
    assert_string_equal(import_one(db, "pairings", h, "X,x,320206,320707,2022-01-01,NOPE", &rc),
                        "parent");
    assert_string_equal(import_one(db, "pairings", h, "X,x,320206,320707,2022-01-01,HS-GY", &rc),
                        "parent");
    assert_string_equal(import_one(db, "pairings", h, "X,x,320206,320802,2022-01-01,WX-LYG", &rc),
                        "recipient");
    assert_string_equal(import_one(db, "pairings", h, "X,x,320506,320707,2022-01-01,WX-LYG", &rc),
                        "donor");
    assert_string_equal(import_one(db, "pairings", h, "X,x,320211,320703,2022-01-01,X", &rc),
                        "parent");
    assert_int_equal(rc, PA_EINVAL);
    /* a good county pairing */
    assert_string_equal(
        import_one(db, "pairings", h, "BH-LY,滨湖—连云,320211,320703,2022-01-01,WX-LYG", &rc), "");
    assert_int_equal(rc, 0);
    pa_db_free(db);
}

static void project_must_lie_in_the_recipient_region(void **state)
{
    (void)state;
    struct pa_db *db = db_with_pairings();
    int rc;
    assert_string_equal(import_one(db, "projects", PROJECT_HEADER,
                                   "P1,x,HS-GY,320722,industry,park,proposed,1.00,2024-01-01,",
                                   &rc),
                        "region");
    assert_string_equal(import_one(db, "projects", PROJECT_HEADER,
                                   "P1,x,WX-LYG,320206,industry,park,proposed,1.00,2024-01-01,",
                                   &rc),
                        "region");
    assert_string_equal(import_one(db, "projects", PROJECT_HEADER,
                                   "P1,x,NOPE,320707,industry,park,proposed,1.00,2024-01-01,", &rc),
                        "pairing");
    assert_string_equal(
        import_one(db, "projects", PROJECT_HEADER,
                   "P1,x,HS-GY,320707,industry,park,proposed,1.00,2024-01-01,2023-12-31", &rc),
        "end_date");
    assert_string_equal(import_one(db, "projects", PROJECT_HEADER,
                                   "P1,x,WX-LYG,320707,industry,park,proposed,1.00,2024-01-01,",
                                   &rc),
                        "");
    assert_string_equal(
        import_one(db, "projects", PROJECT_HEADER,
                   "P2,x,HS-GY,320707,industry,park,proposed,1.00,2024-01-01,2024-01-01", &rc),
        "");
    pa_db_free(db);
}

static int64_t count(struct pa_db *db, const char *sql)
{
    sqlite3_stmt *stmt;
    assert_int_equal(sqlite3_prepare_v2(pa_db_sqlite(db), sql, -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

static void same_is_skipped_different_is_refused_status_moves_forward(void **state)
{
    (void)state;
    struct pa_db *db = db_with_pairings();
    int rc;
    const char *row = "P1,食堂,HS-GY,320707,education,livelihood,approved,1400000.00,2022-07-01,";
    assert_string_equal(import_one(db, "projects", PROJECT_HEADER, row, &rc), "");
    int64_t events = count(db, "SELECT count(*) FROM events");
    /* identical (even written differently: 1,400,000 and 教育) -> nothing appended */
    assert_string_equal(
        import_one(db, "projects", PROJECT_HEADER,
                   "P1,食堂,HS-GY,320707,教育,livelihood,approved,\"1,400,000\",2022-07-01,", &rc),
        "");
    assert_int_equal(count(db, "SELECT count(*) FROM events"), events);
    /* a different budget is refused, naming the column */
    assert_string_equal(
        import_one(db, "projects", PROJECT_HEADER,
                   "P1,食堂,HS-GY,320707,education,livelihood,approved,1400000.01,2022-07-01,",
                   &rc),
        "budget");
    assert_int_equal(rc, PA_EINVAL);
    /* status back: refused; forward (skipping steps): one event */
    assert_string_equal(
        import_one(db, "projects", PROJECT_HEADER,
                   "P1,食堂,HS-GY,320707,education,livelihood,proposed,1400000.00,2022-07-01,",
                   &rc),
        "status");
    assert_string_equal(
        import_one(db, "projects", PROJECT_HEADER,
                   "P1,食堂,HS-GY,320707,education,livelihood,completed,1400000.00,2022-07-01,",
                   &rc),
        "");
    assert_int_equal(count(db, "SELECT count(*) FROM events"), events + 1);
    assert_int_equal(count(db, "SELECT count(*) FROM projects WHERE status = 'completed'"), 1);
    /* status forward together with another change: refused, the other column named */
    assert_string_equal(
        import_one(
            db, "projects", PROJECT_HEADER,
            "P1,食堂,HS-GY,320707,education,livelihood,accepted,1400000.00,2022-07-01,2023-08-31",
            &rc),
        "end_date");
    /* the service call */
    struct pa_error err;
    assert_int_equal(pa_db_begin(db, NULL), 0);
    assert_int_equal(pa_project_advance(db, "P1", "approved", &err), PA_EINVAL);
    assert_int_equal(pa_project_advance(db, "P1", "验收", &err), 0);
    assert_int_equal(pa_project_advance(db, "NOPE", "accepted", &err), PA_ENOTFOUND);
    assert_int_equal(pa_db_commit(db, NULL), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM projects WHERE status = 'accepted'"), 1);
    pa_db_free(db);
}

static void orgs_and_exchanges(void **state)
{
    (void)state;
    struct pa_db *db = db_with_pairings();
    const char *oh = "code,name,credit_code,region,kind";
    int rc;
    assert_string_equal(
        import_one(db, "orgs", oh, "A,甲公司,914403001922038216,440300,enterprise", &rc), "");
    assert_string_equal(
        import_one(db, "orgs", oh, "B,乙公司,914403001922038216,440300,enterprise", &rc),
        "credit_code");
    assert_string_equal(
        import_one(db, "orgs", oh, "B,乙公司,914403001922038217,440300,enterprise", &rc),
        "credit_code");
    assert_string_equal(import_one(db, "orgs", oh, "B,乙公司,,440300,bank", &rc), "kind");
    assert_string_equal(import_one(db, "orgs", oh, "B,乙学校,,320707,学校", &rc), "");

    const char *xh = "code,pairing,role,from_region,to_region,start_date,people";
    assert_string_equal(
        import_one(db, "exchanges", xh, "X1,HS-GY,doctor,320206,320707,2023-01-01,3", &rc), "");
    assert_string_equal(
        import_one(db, "exchanges", xh, "X2,HS-GY,teacher,320707,320206,2023-01-01,2", &rc), "");
    assert_string_equal(
        import_one(db, "exchanges", xh, "X3,HS-GY,teacher,320206,320722,2023-01-01,2", &rc),
        "to_region");
    assert_string_equal(
        import_one(db, "exchanges", xh, "X3,HS-GY,teacher,320206,320707,2023-01-01,0", &rc),
        "people");
    assert_string_equal(
        import_one(db, "exchanges", xh, "X3,HS-GY,pilot,320206,320707,2023-01-01,1", &rc), "role");
    pa_db_free(db);
}

static void milestones_need_their_project(void **state)
{
    (void)state;
    struct pa_db *db = db_with_pairings();
    int rc;
    const char *mh = "project,date,kind,title,description";
    assert_string_equal(import_one(db, "milestones", mh, "NOPE,2024-08-23,start,开工,", &rc),
                        "project");
    assert_string_equal(
        import_one(db, "projects", PROJECT_HEADER,
                   "P,园区,HS-GY,320707,industry,park,in_progress,560000000,2024-08-23,", &rc),
        "");
    assert_string_equal(
        import_one(db, "milestones", mh, "P,2024-08-23,开工,正式开工,\"第一行\n第二行\"", &rc), "");
    assert_string_equal(import_one(db, "milestones", mh, "P,2024-08-23,start,正式开工,改了", &rc),
                        "description");
    pa_db_free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pairing_rules),
        cmocka_unit_test(project_must_lie_in_the_recipient_region),
        cmocka_unit_test(same_is_skipped_different_is_refused_status_moves_forward),
        cmocka_unit_test(orgs_and_exchanges),
        cmocka_unit_test(milestones_need_their_project),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
