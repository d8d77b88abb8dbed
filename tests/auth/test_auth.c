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

#define GOOD "tall-Cedar-82" /* a password libpwquality accepts */

/* Runs one change to users in its own transaction, as the CLI does. */
static int in_transaction(struct pa_db *db, int rc_of_begin, int (*fn)(struct pa_db *, void *,
                                                                       struct pa_error *),
                          void *ctx)
{
    struct pa_error err;
    pa_error_clear(&err);
    int rc = rc_of_begin == 0 ? pa_db_begin(db, &err) : rc_of_begin;
    if (rc == 0)
        rc = fn(db, ctx, &err);
    if (rc == 0)
        rc = pa_db_commit(db, &err);
    if (rc != 0) {
        pa_db_rollback(db);
        print_message("  %s: %s\n", err.field, err.message);
    }
    return rc;
}

struct adding {
    struct pa_principal u;
    const char *password;
};

static int do_add(struct pa_db *db, void *ctx, struct pa_error *err)
{
    struct adding *a = ctx;
    return pa_user_add(db, &a->u, a->password, err);
}

static int add(struct pa_db *db, struct pa_principal u, const char *password)
{
    struct adding a = {u, password};
    return in_transaction(db, 0, do_add, &a);
}

static void adding_users(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    test_load_demo(db);
    assert_int_equal(add(db, user("wx", PA_ROLE_DONOR, "320200", ""), GOOD), 0);
    assert_int_equal(add(db, user("wx", PA_ROLE_DONOR, "320200", ""), GOOD), PA_EEXIST);
    /* scope fields must fit the role */
    assert_int_equal(add(db, user("a", PA_ROLE_DONOR, "", ""), GOOD), PA_EINVAL);
    assert_int_equal(add(db, user("b", PA_ROLE_ADMIN, "320200", ""), GOOD), PA_EINVAL);
    assert_int_equal(add(db, user("c", PA_ROLE_AUDITOR, "", ""), GOOD), PA_EINVAL);
    assert_int_equal(add(db, user("d", PA_ROLE_AUDITOR, "", "NOPE"), GOOD), PA_ENOTFOUND);
    assert_int_equal(add(db, user("e", PA_ROLE_RECIPIENT, "999999", ""), GOOD), PA_ENOTFOUND);
    assert_int_equal(add(db, user("f", PA_ROLE_ASSESSOR, "", ""), "short"), PA_EINVAL);
    assert_int_equal(add(db, user("", PA_ROLE_ASSESSOR, "", ""), GOOD), PA_EINVAL);
    /* the password is stored as an Argon2id hash, never as given, and outside the
     * users table (which the log makes) */
    sqlite3_stmt *stmt;
    sqlite3_prepare_v2(pa_db_sqlite(db), "SELECT password_hash FROM credentials WHERE name = 'wx'",
                       -1, &stmt, NULL);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    const char *hash = (const char *)sqlite3_column_text(stmt, 0);
    assert_true(strncmp(hash, "$argon2id$", 10) == 0);
    assert_null(strstr(hash, GOOD));
    sqlite3_finalize(stmt);
    pa_db_free(db);
}

/* The review added 'admin1 ' (a trailing space) and could add look-alike
 * actors; and accepted "password", "12345678" and eight spaces for an admin. */
static void names_and_passwords(void **state)
{
    (void)state;
    static const char *const good_names[] = {"admin1", "wuxi.finance", "东海县项目办", "王会计",
                                             "audit_2024", "阿卜杜·热合曼", NULL};
    static const char *const bad_names[] = {
        "admin1 ", " admin1", "adm in", "\xd0\xb0" "dmin" /* Cyrillic а */, "anonymous", "",
        ".x", "-x", "a\tb", "admin1\xe3\x80\x80" /* ideographic space */, "x@y", "a/b",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 65 */, NULL};
    for (int i = 0; good_names[i]; i++)
        if (pa_user_name_check(good_names[i], NULL) != 0)
            fail_msg("refused the name '%s'", good_names[i]);
    for (int i = 0; bad_names[i]; i++) {
        struct pa_error err;
        if (pa_user_name_check(bad_names[i], &err) != PA_EINVAL)
            fail_msg("accepted the name '%s'", bad_names[i]);
        assert_string_equal(err.field, "name");
    }
    static const char *const weak[] = {"password", "12345678", "        ", "abcdefgh",
                                       "wuxi.finance", "qwertyuiop", NULL};
    for (int i = 0; weak[i]; i++) {
        struct pa_error err;
        if (pa_password_check("wuxi.finance", weak[i], &err) != PA_EINVAL)
            fail_msg("accepted the password '%s'", weak[i]);
        assert_string_equal(err.field, "password");
    }
    assert_int_equal(pa_password_check("wuxi.finance", GOOD, NULL), 0);
    assert_int_equal(pa_password_check("admin", "pairaid-root", NULL), 0); /* the demo's */
}

static void sessions(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    test_load_demo(db);
    assert_int_equal(add(db, user("王会计", PA_ROLE_DONOR, "320200", ""), GOOD), 0);
    struct pa_principal who;
    struct pa_error wrong_password, unknown_user, err;
    pa_error_clear(&err);
    assert_int_equal(pa_user_authenticate(db, "王会计", "wrong horse", &who, &wrong_password),
                     PA_EUNAUTH);
    assert_int_equal(pa_user_authenticate(db, "nobody", GOOD, &who, &unknown_user), PA_EUNAUTH);
    /* nothing tells an attacker which of the two it was */
    assert_string_equal(wrong_password.message, unknown_user.message);
    assert_int_equal(pa_user_authenticate(db, "王会计", GOOD, &who, &err), 0);
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
    assert_non_null(strstr(err.message, "ended"));
    /* opening a session sweeps the expired ones (not only signing out did) */
    char third[PA_TOKEN_HEX_LEN + 1];
    assert_int_equal(pa_db_begin(db, &err), 0);
    assert_int_equal(pa_session_open(db, &who, 3600, third, &expires, &err), 0);
    assert_int_equal(pa_db_commit(db, &err), 0);
    sqlite3_prepare_v2(pa_db_sqlite(db), "SELECT count(*) FROM sessions", -1, &stmt, NULL);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(stmt, 0), 1);
    sqlite3_finalize(stmt);
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
    /* a 东海县 project in progress, with money for its next payment (the canteen
     * spent or gave back all it had) */
    const char *canteen = "PRJ-LYG-MS-052", *builder = "PAY-SYN-HOUSING-DH";

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

/* ---- users in the log ----------------------------------------------------------------- */

static int do_change(struct pa_db *db, void *ctx, struct pa_error *err)
{
    return pa_user_change(db, ctx, err);
}

static int do_disable(struct pa_db *db, void *ctx, struct pa_error *err)
{
    return pa_user_disable(db, ctx, err);
}

static int do_enable(struct pa_db *db, void *ctx, struct pa_error *err)
{
    return pa_user_enable(db, ctx, err);
}

static int count_events(struct pa_db *db, const char *type)
{
    sqlite3_stmt *stmt;
    sqlite3_prepare_v2(pa_db_sqlite(db), "SELECT count(*) FROM events WHERE type = ?1", -1, &stmt,
                       NULL);
    sqlite3_bind_text(stmt, 1, type, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    int n = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

static void verify_ok(struct pa_db *db)
{
    struct pa_error err;
    pa_error_clear(&err);
    if (pa_tlog_verify(db, NULL, 0, &err) != 0)
        fail_msg("log verify: %s", err.message);
}

static void users_are_events(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    test_load_demo(db);
    struct pa_error err;
    pa_error_clear(&err);
    assert_int_equal(add(db, user("donghai", PA_ROLE_RECIPIENT, "320722", ""), GOOD), 0);
    struct pa_principal moved = user("donghai", PA_ROLE_RECIPIENT, "320707", "");
    assert_int_equal(in_transaction(db, 0, do_change, &moved), 0);
    assert_int_equal(in_transaction(db, 0, do_change, &moved), PA_EINVAL); /* nothing to change */
    char token[PA_TOKEN_HEX_LEN + 1];
    int64_t expires;
    struct pa_principal who;
    assert_int_equal(pa_user_authenticate(db, "donghai", GOOD, &who, &err), 0);
    assert_string_equal(who.region, "320707");
    assert_int_equal(pa_db_begin(db, &err), 0);
    assert_int_equal(pa_session_open(db, &who, 3600, token, &expires, &err), 0);
    assert_int_equal(pa_db_commit(db, &err), 0);
    /* disabled: no sign-in, and the session ends */
    assert_int_equal(in_transaction(db, 0, do_disable, "donghai"), 0);
    assert_int_equal(in_transaction(db, 0, do_disable, "donghai"), PA_EINVAL);
    assert_int_equal(pa_user_authenticate(db, "donghai", GOOD, &who, &err), PA_EUNAUTH);
    assert_int_equal(pa_session_find(db, token, &who, &expires, &err), PA_EUNAUTH);
    assert_int_equal(pa_user_act_as(db, "donghai", &err), PA_EDENIED);
    assert_int_equal(in_transaction(db, 0, do_enable, "donghai"), 0);
    assert_int_equal(pa_user_authenticate(db, "donghai", GOOD, &who, &err), 0);
    assert_int_equal(count_events(db, "user.add"), 1);
    assert_int_equal(count_events(db, "user.change"), 1);
    assert_int_equal(count_events(db, "user.disable"), 1);
    assert_int_equal(count_events(db, "user.enable"), 1);
    /* no password material in the log */
    sqlite3_stmt *stmt;
    sqlite3_prepare_v2(pa_db_sqlite(db),
                       "SELECT count(*) FROM events WHERE instr(entry, 'argon2') OR "
                       "instr(entry, '" GOOD "')",
                       -1, &stmt, NULL);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(stmt, 0), 0);
    sqlite3_finalize(stmt);
    /* the users table is the log's: replay keeps it, verify compares it */
    char *before = test_dump(db);
    assert_int_equal(pa_tlog_replay(db, &err), 0);
    char *after = test_dump(db);
    assert_string_equal(before, after);
    free(before);
    free(after);
    verify_ok(db);
    assert_int_equal(pa_db_exec(db, "UPDATE users SET region = '320722'", &err), 0);
    assert_int_equal(pa_tlog_verify(db, NULL, 0, &err), PA_ETAMPER);
    assert_non_null(strstr(err.message, "table users"));
    /* only admins (and the local operator) change users */
    assert_int_equal(pa_db_exec(db, "UPDATE users SET region = '320707'", &err), 0);
    as(db, user("wx", PA_ROLE_DONOR, "320200", ""));
    assert_int_equal(in_transaction(db, 0, do_disable, "donghai"), PA_EDENIED);
    pa_db_free(db);
}

static int approve(struct pa_db *db, void *ctx, struct pa_error *err)
{
    struct pa_transfer t = {.id = "R1-P", .kind = PA_TRANSFER_POST, .date = "2024-10-02",
                            .pending_id = ctx};
    struct pa_transfer_outcome out;
    int rc = pa_ledger_submit(db, &t, 1, &out, err);
    return rc != 0 ? rc : pa_transfer_result_ok(out.result) ? 0 : -100;
}

static int request(struct pa_db *db, void *ctx, struct pa_error *err)
{
    (void)ctx;
    struct pa_transfer t = {.id = "R1", .kind = PA_TRANSFER_PENDING, .date = "2024-10-01",
                            .from = "PRJ-LYG-PARK-HUIYU", .to = "PAY-SYN-EPC-HUIYU",
                            .amount_fen = 100};
    struct pa_transfer_outcome out;
    int rc = pa_ledger_submit(db, &t, 1, &out, err);
    return rc != 0 ? rc : pa_transfer_result_ok(out.result) ? 0 : -100;
}

/* The review's repro: a recipient made a donor behind pairaid's back approves a
 * request, the role is set back, and `log verify` passed. */
static void borrowed_roles_are_found(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    test_load_demo(db);
    struct pa_error err;
    pa_error_clear(&err);
    assert_int_equal(add(db, user("donghai", PA_ROLE_RECIPIENT, "320722", ""), GOOD), 0);
    assert_int_equal(add(db, user("ganyu", PA_ROLE_RECIPIENT, "320707", ""), GOOD), 0);
    assert_int_equal(pa_user_act_as(db, "ganyu", &err), 0);
    assert_int_equal(in_transaction(db, 0, request, NULL), 0);
    assert_int_equal(pa_user_act_as(db, "donghai", &err), 0);
    assert_int_equal(in_transaction(db, 0, approve, "R1"), PA_EDENIED); /* a recipient */
    assert_int_equal(pa_db_exec(db, "UPDATE users SET role = 'donor', region = '320206' "
                                    "WHERE name = 'donghai'",
                                &err),
                     0);
    /* the next transaction reads the role again: donghai is a donor now */
    assert_int_equal(in_transaction(db, 0, approve, "R1"), 0);
    assert_int_equal(pa_db_exec(db, "UPDATE users SET role = 'recipient', region = '320722' "
                                    "WHERE name = 'donghai'",
                                &err),
                     0);
    assert_int_equal(pa_tlog_verify(db, NULL, 0, &err), PA_ETAMPER);
    assert_non_null(strstr(err.message, "'donghai' acted as 'donor 320206'"));
    assert_non_null(strstr(err.message, "'recipient 320722'"));
    pa_db_free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(adding_users),     cmocka_unit_test(names_and_passwords),
        cmocka_unit_test(users_are_events), cmocka_unit_test(borrowed_roles_are_found),
        cmocka_unit_test(sessions),
        cmocka_unit_test(roles_and_money),  cmocka_unit_test(roles_and_projects),
        cmocka_unit_test(editing_projects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
