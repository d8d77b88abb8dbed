/*
 * test_auth.c - users, sessions and the role rules of the library's service
 * layer: who may sign in, what a session token gives, and what each role may
 * change (the same rules the HTTP API and `--as USER` obey).
 */
#include <stdlib.h>
#include <string.h>

#include "support.h"

static struct pa_principal user(const char *name, enum pa_role role, const char *region,
                                const char *pairing)
{
    struct pa_principal u;
    memset(&u, 0, sizeof(u));
    snprintf(u.name, sizeof(u.name), "%s", name);
    u.role = role;
    snprintf(u.region, sizeof(u.region), "%s", region);
    snprintf(u.pairing, sizeof(u.pairing), "%s", pairing);
    return u;
}

static int add(struct pa_db *db, struct pa_principal u, const char *password)
{
    struct pa_error err;
    pa_error_clear(&err);
    int rc = pa_user_add(db, &u, password, &err);
    if (rc != 0)
        print_message("  %s: %s: %s\n", u.name, err.field, err.message);
    return rc;
}

static void adding_users(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    test_load_demo(db);
    assert_int_equal(add(db, user("wx", PA_ROLE_DONOR, "320200", ""), "long enough"), 0);
    assert_int_equal(add(db, user("wx", PA_ROLE_DONOR, "320200", ""), "long enough"), PA_EEXIST);
    /* scope fields must fit the role */
    assert_int_equal(add(db, user("a", PA_ROLE_DONOR, "", ""), "long enough"), PA_EINVAL);
    assert_int_equal(add(db, user("b", PA_ROLE_ADMIN, "320200", ""), "long enough"), PA_EINVAL);
    assert_int_equal(add(db, user("c", PA_ROLE_AUDITOR, "", ""), "long enough"), PA_EINVAL);
    assert_int_equal(add(db, user("d", PA_ROLE_AUDITOR, "", "NOPE"), "long enough"), PA_ENOTFOUND);
    assert_int_equal(add(db, user("e", PA_ROLE_RECIPIENT, "999999", ""), "long enough"),
                     PA_ENOTFOUND);
    assert_int_equal(add(db, user("f", PA_ROLE_ASSESSOR, "", ""), "short"), PA_EINVAL);
    assert_int_equal(add(db, user("", PA_ROLE_ASSESSOR, "", ""), "long enough"), PA_EINVAL);
    /* the password is stored as an Argon2id hash, never as given */
    sqlite3_stmt *stmt;
    sqlite3_prepare_v2(pa_db_sqlite(db), "SELECT password_hash FROM users", -1, &stmt, NULL);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    const char *hash = (const char *)sqlite3_column_text(stmt, 0);
    assert_true(strncmp(hash, "$argon2id$", 10) == 0);
    assert_null(strstr(hash, "long enough"));
    sqlite3_finalize(stmt);
    pa_db_free(db);
}

static void sessions(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    test_load_demo(db);
    assert_int_equal(add(db, user("王会计", PA_ROLE_DONOR, "320200", ""), "correct horse"), 0);
    struct pa_principal who;
    struct pa_error wrong_password, unknown_user, err;
    pa_error_clear(&err);
    assert_int_equal(pa_user_authenticate(db, "王会计", "wrong horse", &who, &wrong_password),
                     PA_EUNAUTH);
    assert_int_equal(pa_user_authenticate(db, "nobody", "correct horse", &who, &unknown_user),
                     PA_EUNAUTH);
    /* nothing tells an attacker which of the two it was */
    assert_string_equal(wrong_password.message, unknown_user.message);
    assert_int_equal(pa_user_authenticate(db, "王会计", "correct horse", &who, &err), 0);
    assert_string_equal(who.name, "王会计");
    assert_int_equal(who.role, PA_ROLE_DONOR);
    assert_string_equal(who.region, "320200");

    char token[PA_TOKEN_HEX_LEN + 1], other[PA_TOKEN_HEX_LEN + 1];
    int64_t expires, found_expires;
    assert_int_equal(pa_db_begin(db, &err), 0);
    assert_int_equal(pa_session_open(db, &who, 3600, token, &expires, &err), 0);
    assert_int_equal(pa_session_open(db, &who, 3600, other, &expires, &err), 0);
    assert_int_equal(pa_db_commit(db, &err), 0);
    assert_int_equal(strlen(token), PA_TOKEN_HEX_LEN);
    assert_string_not_equal(token, other);
    struct pa_principal found;
    assert_int_equal(pa_session_find(db, token, &found, &found_expires, &err), 0);
    assert_string_equal(found.name, "王会计");
    /* only the token's hash is stored */
    sqlite3_stmt *stmt;
    sqlite3_prepare_v2(pa_db_sqlite(db), "SELECT count(*) FROM sessions WHERE token_hash = ?1", -1,
                       &stmt, NULL);
    sqlite3_bind_text(stmt, 1, token, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(stmt, 0), 0);
    sqlite3_finalize(stmt);
    /* the CSRF value is bound to the token */
    char csrf1[PA_TOKEN_HEX_LEN + 1], csrf2[PA_TOKEN_HEX_LEN + 1];
    pa_session_csrf(token, csrf1);
    pa_session_csrf(other, csrf2);
    assert_string_not_equal(csrf1, csrf2);
    pa_session_csrf(token, csrf2);
    assert_string_equal(csrf1, csrf2);
    /* an expired session and a closed one are gone */
    assert_int_equal(pa_db_exec(db, "UPDATE sessions SET expires = 1", &err), 0);
    assert_int_equal(pa_session_find(db, token, &found, &found_expires, &err), PA_EUNAUTH);
    assert_non_null(strstr(err.message, "expired"));
    assert_int_equal(pa_session_close(db, other, &err), 0);
    assert_int_equal(pa_session_find(db, other, &found, &found_expires, &err), PA_EUNAUTH);
    assert_int_equal(pa_session_find(db, "short", &found, &found_expires, &err), PA_EUNAUTH);
    pa_db_free(db);
}

/* ---- the role rules --------------------------------------------------------------- */

static int as(struct pa_db *db, struct pa_principal u)
{
    struct pa_error err;
    return pa_db_set_principal(db, &u, &err);
}

static int transfer(struct pa_db *db, const char *id, enum pa_transfer_kind kind, const char *from,
                    const char *to, const char *pending, enum pa_transfer_result *result)
{
    struct pa_transfer t = {.id = id,
                            .kind = kind,
                            .date = "2024-10-01",
                            .from = from,
                            .to = to,
                            .amount_fen = 100,
                            .pending_id = pending};
    struct pa_transfer_outcome out;
    struct pa_error err;
    pa_error_clear(&err);
    int rc = pa_db_begin(db, &err);
    if (rc == 0)
        rc = pa_ledger_submit(db, &t, 1, &out, &err);
    if (rc == 0 && !pa_transfer_result_ok(out.result))
        rc = -100;
    if (rc == 0)
        rc = pa_db_commit(db, &err);
    else
        pa_db_rollback(db);
    if (result)
        *result = out.result;
    return rc;
}

static void roles_and_money(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    test_load_demo(db);
    struct pa_principal wuxi = user("wuxi", PA_ROLE_DONOR, "320200", "");
    struct pa_principal jiangyin = user("jiangyin", PA_ROLE_DONOR, "320281", "");
    struct pa_principal donghai = user("donghai", PA_ROLE_RECIPIENT, "320722", "");
    struct pa_principal ganyu = user("ganyu", PA_ROLE_RECIPIENT, "320707", "");
    struct pa_principal auditor = user("audit", PA_ROLE_AUDITOR, "", "WX-LYG");
    const char *canteen = "PRJ-LYG-MS-TAOLIN-CANTEEN", *builder = "PAY-SYN-HOUSING-DH";

    /* a recipient asks to pay from a project account of theirs; nobody else there may */
    as(db, ganyu);
    assert_int_equal(transfer(db, "R1", PA_TRANSFER_PENDING, canteen, builder, NULL, NULL),
                     PA_EDENIED);
    as(db, auditor);
    assert_int_equal(transfer(db, "R1", PA_TRANSFER_PENDING, canteen, builder, NULL, NULL),
                     PA_EDENIED);
    as(db, donghai);
    assert_int_equal(transfer(db, "R1", PA_TRANSFER_PENDING, canteen, builder, NULL, NULL), 0);
    /* the requester cannot approve; nor a donor whose money it is not */
    assert_int_equal(transfer(db, "R1-P", PA_TRANSFER_POST, NULL, NULL, "R1", NULL), PA_EDENIED);
    as(db, jiangyin);
    assert_int_equal(transfer(db, "R1-P", PA_TRANSFER_POST, NULL, NULL, "R1", NULL), PA_EDENIED);
    /* the donor above 宜兴 (the pairing's donor) may */
    as(db, wuxi);
    assert_int_equal(transfer(db, "R1-P", PA_TRANSFER_POST, NULL, NULL, "R1", NULL), 0);

    /* a donor requesting from their own money cannot approve it either */
    assert_int_equal(
        transfer(db, "R2", PA_TRANSFER_PENDING, "SRC-WX-CITY", "POOL-WX-LYG", NULL, NULL), 0);
    enum pa_transfer_result result;
    assert_int_equal(transfer(db, "R2-P", PA_TRANSFER_POST, NULL, NULL, "R2", &result), -100);
    assert_int_equal(result, PA_TR_SAME_ACTOR);
    /* money moves out of a payee only by an admin */
    assert_int_equal(transfer(db, "R3", PA_TRANSFER_POSTED, builder, canteen, NULL, NULL),
                     PA_EDENIED);
    pa_db_free(db);
}

static int put_project(struct pa_db *db, const char *code, const char *region, const char *pairing)
{
    char csv[512];
    snprintf(csv, sizeof(csv),
             "code,name,pairing,region,domain,kind,status,budget,start_date\n"
             "%s,项目,%s,%s,education,livelihood,proposed,100.00,2025-01-01\n",
             code, pairing, region);
    struct pa_import_report report;
    int rc = test_import(db, "projects", csv, &report);
    if (report.kept)
        print_message("  %s\n", report.errors[0].message);
    pa_import_report_release(&report);
    return rc;
}

static void roles_and_projects(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    test_load_demo(db);
    as(db, user("ganyu", PA_ROLE_RECIPIENT, "320707", ""));
    assert_int_not_equal(put_project(db, "P1", "320722", "WX-LYG-YX-DH"), 0);
    as(db, user("wuxi", PA_ROLE_DONOR, "320200", ""));
    assert_int_not_equal(put_project(db, "P1", "320722", "WX-LYG-YX-DH"), 0);
    as(db, user("lyg", PA_ROLE_RECIPIENT, "320700", "")); /* the city covers its counties */
    assert_int_equal(put_project(db, "P1", "320722", "WX-LYG-YX-DH"), 0);
    struct pa_error err;
    pa_error_clear(&err);
    as(db, user("ganyu", PA_ROLE_RECIPIENT, "320707", ""));
    assert_int_equal(pa_db_begin(db, &err), 0);
    assert_int_equal(pa_project_advance(db, "P1", "approved", &err), PA_EDENIED);
    pa_db_rollback(db);
    /* the local operator (no principal) may do everything, as before users existed */
    pa_db_set_principal(db, NULL, &err);
    assert_int_equal(pa_db_begin(db, &err), 0);
    assert_int_equal(pa_project_advance(db, "P1", "approved", &err), 0);
    assert_int_equal(pa_db_commit(db, &err), 0);
    pa_db_free(db);
}

/* A PATCH changes only what may change, as events that replay to the same tables. */
static void editing_projects(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    test_load_demo(db);
    struct pa_error err;
    pa_error_clear(&err);
    const struct pa_kind *kind = pa_kind_find("projects");
    struct pa_record rec;
    sqlite3_stmt *stmt;
    assert_int_equal(pa_db_prepare(db, pa_kind_sql(kind, PA_SQL_SELECT_KEY), &stmt, &err), 0);
    pa_db_bind_text(stmt, 1, "LYG-MS-TAOLIN-CANTEEN");
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    pa_record_from_row(&rec, kind, stmt);
    /* the row's strings live until the statement is reset: keep copies */
    char *copies[PA_MAX_COLUMNS] = {0};
    for (int i = 0; i < kind->ncolumns; i++)
        if (rec.v[i].s)
            rec.v[i].s = copies[i] = strdup(rec.v[i].s);
    char name[] = "桃林镇学生食堂";
    rec.v[1].s = name;
    rec.v[10].i = 900; /* beneficiaries */
    rec.v[10].null = false;
    sqlite3_reset(stmt);
    enum pa_put_result result;
    assert_int_equal(pa_db_begin(db, &err), 0);
    assert_int_equal(pa_project_edit(db, &rec, &result, &err), 0);
    assert_int_equal(pa_db_commit(db, &err), 0);
    assert_int_equal(result, PA_PUT_UPDATED);
    char *before = test_dump(db);
    assert_non_null(strstr(before, "桃林镇学生食堂"));
    assert_int_equal(pa_tlog_replay(db, &err), 0);
    char *after = test_dump(db);
    assert_string_equal(before, after);
    free(before);
    free(after);
    /* the region is not for editing */
    char region[] = "320707";
    rec.v[3].s = region;
    assert_int_equal(pa_db_begin(db, &err), 0);
    assert_int_equal(pa_project_edit(db, &rec, &result, &err), PA_EEXIST);
    assert_string_equal(err.field, "region");
    pa_db_rollback(db);
    for (int i = 0; i < kind->ncolumns; i++)
        free(copies[i]);
    pa_db_free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(adding_users),     cmocka_unit_test(sessions),
        cmocka_unit_test(roles_and_money),  cmocka_unit_test(roles_and_projects),
        cmocka_unit_test(editing_projects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
