/*
 * test_comment.c - the approver's comment (审批意见) on a post or a void: its
 * place in the canonical event bytes (a known answer docs/events.md shows),
 * its row, replay and verify; that a log whose posts and voids carry no
 * comment (every log written before it existed) keeps its bytes and verifies;
 * and the comments the ledger refuses, which change nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static struct pa_db *books(void)
{
    struct pa_db *db = test_db();
    struct pa_import_report report;
    static const char *const steps[][2] = {
        {"pairings", "code,name,donor,recipient,start_date\nWX,无锡—连云港,320200,320700,"
                     "2022-01-01\n"},
        {"accounts", "code,name,kind,region,pairing,project\nSRC,来源,source,320200,WX,\n"
                     "POOL,资金池,pool,320700,WX,\nPAY,收款单位,payee,320722,,\n"},
        {"transfers", "id,date,from,to,amount\nF1,2024-01-01,SRC,POOL,1000.00\n"},
    };
    for (size_t i = 0; i < PA_ARRAY_LEN(steps); i++) {
        if (test_import(db, steps[i][0], steps[i][1], &report) != 0)
            fail_msg("setup %s: %s", steps[i][0], report.kept ? report.errors[0].message : "?");
        pa_import_report_release(&report);
    }
    return db;
}

/* Submits one transfer as `actor` (an operator: not a user) and commits it. */
static enum pa_transfer_result submit(struct pa_db *db, const char *actor,
                                      const struct pa_transfer *t)
{
    struct pa_transfer_outcome out;
    assert_int_equal(pa_db_set_actor(db, actor, NULL), 0);
    assert_int_equal(pa_db_begin(db, NULL), 0);
    assert_int_equal(pa_ledger_submit(db, t, 1, &out, NULL), 0);
    assert_int_equal(pa_db_commit(db, NULL), 0);
    return out.result;
}

static void request(struct pa_db *db, const char *id, int64_t fen)
{
    struct pa_transfer t = {.id = id, .kind = PA_TRANSFER_PENDING, .date = "2024-01-02",
                            .from = "POOL", .to = "PAY", .amount_fen = fen};
    assert_int_equal(submit(db, "alice", &t), PA_TR_CREATED);
}

/* The newest event's entry, malloc'd. */
static char *last_entry(struct pa_db *db)
{
    sqlite3_stmt *stmt;
    assert_int_equal(sqlite3_prepare_v2(pa_db_sqlite(db),
                                        "SELECT entry FROM events ORDER BY seq DESC LIMIT 1", -1,
                                        &stmt, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    char *entry = strndup(sqlite3_column_blob(stmt, 0), (size_t)sqlite3_column_bytes(stmt, 0));
    sqlite3_finalize(stmt);
    return entry;
}

static char *column_text(struct pa_db *db, const char *sql)
{
    sqlite3_stmt *stmt;
    assert_int_equal(sqlite3_prepare_v2(pa_db_sqlite(db), sql, -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    const unsigned char *text = sqlite3_column_text(stmt, 0);
    char *copy = text ? strdup((const char *)text) : NULL;
    sqlite3_finalize(stmt);
    return copy;
}

static void verifies(struct pa_db *db)
{
    struct pa_error err;
    if (pa_tlog_verify(db, NULL, 0, &err) != 0)
        fail_msg("log verify: %s", err.message);
}

/* The known answer of docs/events.md: a post with a comment, keys sorted. */
static void encodes_the_comment_in_order(void **state)
{
    (void)state;
    json_t *data = json_pack("{s:s, s:s, s:I, s:s, s:s}", "pending_id", "REQ-1", "id",
                             "REQ-1-P", "amount_fen", (json_int_t)30000000, "date", "2024-09-12",
                             "comment", "同意拨付，按合同进度款支付");
    struct pa_actor bob = {"wuxi.finance", "donor", "320200"};
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(pa_tlog_encode("transfer.post", &bob, 1726100000, data, &out, &len, NULL),
                     0);
    assert_string_equal(out, "{\"actor\":\"wuxi.finance\",\"data\":{\"amount_fen\":30000000,"
                             "\"comment\":\"同意拨付，按合同进度款支付\",\"date\":\"2024-09-12\","
                             "\"id\":\"REQ-1-P\",\"pending_id\":\"REQ-1\"},\"role\":\"donor\","
                             "\"scope\":\"320200\",\"time\":1726100000,\"type\":\"transfer.post\","
                             "\"v\":2}");
    pa_hash leaf;
    pa_merkle_leaf_hash(out, len, leaf);
    char hex[2 * PA_HASH_LEN + 1];
    for (int i = 0; i < PA_HASH_LEN; i++)
        snprintf(hex + 2 * i, 3, "%02x", leaf[i]);
    print_message("leaf hash %s\n", hex);
    assert_string_equal(hex, "7f7b82fa91b521e9d3041f1bf28f5c58150d5b8a01df35b1a601f98edd78de91");
    free(out);
    json_decref(data);
}

/* The ledger writes the comment into the post's and the void's events (after
 * amount_fen, before date) and rows; replay and verify agree. */
static void post_and_void_record_the_comment(void **state)
{
    (void)state;
    struct pa_db *db = books();
    request(db, "R1", 30000);
    request(db, "R2", 20000);
    struct pa_transfer post = {.id = "R1-P", .kind = PA_TRANSFER_POST, .date = "2024-01-03",
                               .pending_id = "R1", .comment = "同意\n按进度拨付"};
    assert_int_equal(submit(db, "bob", &post), PA_TR_CREATED);
    char *entry = last_entry(db);
    assert_non_null(strstr(entry, "\"data\":{\"amount_fen\":30000,\"comment\":\"同意\\n按进度拨付\","
                                  "\"date\":\"2024-01-03\",\"id\":\"R1-P\",\"pending_id\":\"R1\"}"));
    free(entry);
    struct pa_transfer reject = {.id = "R2-V", .kind = PA_TRANSFER_VOID, .date = "2024-01-03",
                                 .pending_id = "R2", .comment = "材料不全"};
    assert_int_equal(submit(db, "bob", &reject), PA_TR_CREATED);
    entry = last_entry(db);
    assert_non_null(strstr(entry, "\"data\":{\"comment\":\"材料不全\",\"date\":\"2024-01-03\","
                                  "\"id\":\"R2-V\",\"pending_id\":\"R2\"}"));
    free(entry);
    char *stored = column_text(db, "SELECT comment FROM transfers WHERE id = 'R1-P'");
    assert_string_equal(stored, "同意\n按进度拨付");
    free(stored);
    /* the same decision again is a retry only with the same comment */
    assert_int_equal(submit(db, "bob", &post), PA_TR_EXISTS);
    post.comment = "另一个意见";
    assert_int_equal(submit(db, "bob", &post), PA_TR_EXISTS_DIFFERENT);
    verifies(db);
    /* a comment changed behind pairaid's back is found, and replay restores it */
    assert_int_equal(
        pa_db_exec(db, "UPDATE transfers SET comment = '不同意' WHERE id = 'R2-V'", NULL), 0);
    struct pa_error err;
    assert_int_equal(pa_tlog_verify(db, NULL, 0, &err), PA_ETAMPER);
    assert_int_equal(pa_tlog_replay(db, NULL), 0);
    stored = column_text(db, "SELECT comment FROM transfers WHERE id = 'R2-V'");
    assert_string_equal(stored, "材料不全");
    free(stored);
    verifies(db);
    pa_db_free(db);
}

/* Posts and voids without a comment write the bytes they always did (no
 * member, never null), so logs begun before comments existed keep their
 * Merkle root and verify; the demo's log is one. */
static void logs_without_comments_verify(void **state)
{
    (void)state;
    struct pa_db *db = books();
    request(db, "R1", 30000);
    request(db, "R2", 100);
    struct pa_transfer post = {.id = "R1-P", .kind = PA_TRANSFER_POST, .date = "2024-01-03",
                               .pending_id = "R1", .comment = ""};
    assert_int_equal(submit(db, "bob", &post), PA_TR_CREATED);
    char *entry = last_entry(db);
    assert_null(strstr(entry, "comment"));
    assert_non_null(strstr(entry, "\"data\":{\"amount_fen\":30000,\"date\":\"2024-01-03\","
                                  "\"id\":\"R1-P\",\"pending_id\":\"R1\"}"));
    free(entry);
    struct pa_transfer withdraw = {.id = "R2-V", .kind = PA_TRANSFER_VOID, .date = "2024-01-03",
                                   .pending_id = "R2"};
    assert_int_equal(submit(db, "alice", &withdraw), PA_TR_CREATED);
    entry = last_entry(db);
    assert_non_null(strstr(entry, "\"data\":{\"date\":\"2024-01-03\",\"id\":\"R2-V\","
                                  "\"pending_id\":\"R2\"},\"role\":\"operator\",\"time\":"));
    free(entry);
    verifies(db);
    pa_db_free(db);

    db = test_db();
    test_load_demo(db);
    char *count = column_text(db, "SELECT count(*) FROM transfers WHERE kind IN ('post', 'void') "
                                  "AND comment IS NULL");
    assert_true(atoi(count) > 0);
    free(count);
    verifies(db);
    pa_db_free(db);
}

/* A comment on new money, too long, or not text is refused: nothing recorded. */
static void bad_comments_are_refused(void **state)
{
    (void)state;
    struct pa_db *db = books();
    request(db, "R1", 30000);
    char *before = test_dump(db);
    struct pa_transfer t = {.id = "N1", .kind = PA_TRANSFER_PENDING, .date = "2024-01-02",
                            .from = "POOL", .to = "PAY", .amount_fen = 1, .comment = "x"};
    assert_int_equal(submit(db, "alice", &t), PA_TR_COMMENT_INVALID);
    t.kind = PA_TRANSFER_POSTED;
    assert_int_equal(submit(db, "alice", &t), PA_TR_COMMENT_INVALID);
    char longest[3 * 1001 + 1] = "";
    for (int i = 0; i < 1001; i++)
        strcat(longest, "意");
    struct pa_transfer post = {.id = "R1-P", .kind = PA_TRANSFER_POST, .date = "2024-01-03",
                               .pending_id = "R1", .comment = longest};
    assert_int_equal(submit(db, "bob", &post), PA_TR_COMMENT_INVALID);
    post.comment = "bad \xff byte";
    assert_int_equal(submit(db, "bob", &post), PA_TR_COMMENT_INVALID);
    post.comment = "nul\x01";
    assert_int_equal(submit(db, "bob", &post), PA_TR_COMMENT_INVALID);
    char *after = test_dump(db);
    assert_string_equal(before, after);
    free(before);
    free(after);
    longest[3 * 1000] = '\0'; /* exactly 1,000 characters */
    assert_int_equal(submit(db, "bob", &post), PA_TR_COMMENT_INVALID); /* still "nul\x01" */
    post.comment = longest;
    assert_int_equal(submit(db, "bob", &post), PA_TR_CREATED);
    verifies(db);
    pa_db_free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encodes_the_comment_in_order),
        cmocka_unit_test(post_and_void_record_the_comment),
        cmocka_unit_test(logs_without_comments_verify),
        cmocka_unit_test(bad_comments_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
