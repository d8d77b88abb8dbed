/*
 * test_replay.c - transfers replayed from flat fields (src/tlog/flat.c) are
 * refused exactly where the JSON path refused them: a transfer event rewritten
 * behind pairaid's back, still in canonical bytes (so the flat reader takes
 * it), with a member too many, one missing or one of the wrong type, stops the
 * replay as "malformed"; an untouched log replays to the same tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* The seq of the first event of `type`. */
static int64_t first_event(struct pa_db *db, const char *type)
{
    sqlite3_stmt *stmt;
    assert_int_equal(sqlite3_prepare_v2(pa_db_sqlite(db),
                                        "SELECT min(seq) FROM events WHERE type = ?1", -1, &stmt,
                                        NULL),
                     SQLITE_OK);
    sqlite3_bind_text(stmt, 1, type, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    int64_t seq = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    assert_true(seq > 0);
    return seq;
}

/* The event at seq, decoded with jansson; the caller releases it. */
static void read_event(struct pa_db *db, int64_t seq, struct pa_event *ev)
{
    sqlite3_stmt *stmt;
    assert_int_equal(sqlite3_prepare_v2(pa_db_sqlite(db), "SELECT entry FROM events WHERE seq = ?1",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(stmt, 1, seq);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_int_equal(pa_tlog_decode(sqlite3_column_blob(stmt, 0),
                                    (size_t)sqlite3_column_bytes(stmt, 0), ev, NULL),
                     0);
    sqlite3_finalize(stmt);
}

/* Writes data as event seq's new (canonical) bytes; checks the flat reader
 * takes them, so the replay below goes through the flat path. */
static void rewrite(struct pa_db *db, int64_t seq, const struct pa_event *ev, json_t *data)
{
    struct pa_actor who = {ev->actor, ev->role, ev->scope};
    char *entry;
    size_t len;
    assert_int_equal(pa_tlog_encode(ev->type, &who, ev->time, data, &entry, &len, NULL), 0);
    struct pa_flat_reader r;
    pa_flat_reader_init(&r);
    struct pa_event flat;
    assert_true(pa_flat_decode(&r, entry, len, &flat));
    pa_flat_reader_release(&r);
    sqlite3_stmt *stmt;
    assert_int_equal(sqlite3_prepare_v2(pa_db_sqlite(db),
                                        "UPDATE events SET entry = ?2 WHERE seq = ?1", -1, &stmt,
                                        NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(stmt, 1, seq);
    sqlite3_bind_blob(stmt, 2, entry, (int)len, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
    free(entry);
}

/* The demo voids two requests but posts none: an operator other than the
 * requester posts one. */
static void post_a_request(struct pa_db *db)
{
    assert_int_equal(pa_db_set_actor(db, "approver", NULL), 0);
    sqlite3_stmt *stmt;
    assert_int_equal(sqlite3_prepare_v2(pa_db_sqlite(db),
                                        "SELECT id, date FROM transfers WHERE kind = 'pending' AND "
                                        "resolved_by IS NULL ORDER BY id",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    bool posted = false;
    while (!posted && sqlite3_step(stmt) == SQLITE_ROW) {
        char pending[64], id[80], date[16];
        snprintf(pending, sizeof(pending), "%s", sqlite3_column_text(stmt, 0));
        snprintf(id, sizeof(id), "%s-P", pending);
        snprintf(date, sizeof(date), "%s", sqlite3_column_text(stmt, 1)); /* not before it */
        struct pa_transfer t = {
            .kind = PA_TRANSFER_POST, .id = id, .date = date, .pending_id = pending};
        struct pa_transfer_outcome out;
        assert_int_equal(pa_db_begin(db, NULL), 0);
        assert_int_equal(pa_ledger_submit(db, &t, 1, &out, NULL), 0);
        posted = out.result == PA_TR_CREATED;
        if (posted)
            assert_int_equal(pa_db_commit(db, NULL), 0);
        else
            pa_db_rollback(db);
    }
    sqlite3_finalize(stmt);
    assert_true(posted);
}

static void refused_as_malformed(struct pa_db *db, int64_t seq, const char *type)
{
    struct pa_error err;
    assert_int_equal(pa_tlog_replay(db, &err), PA_ETAMPER);
    char expected[128];
    snprintf(expected, sizeof(expected), "event %lld: event '%s' is malformed", (long long)seq,
             type);
    assert_string_equal(err.message, expected);
}

static void malformed_transfers_are_refused(void **state)
{
    (void)state;
    static const char *const types[] = {"transfer.create", "transfer.post", "transfer.void"};
    for (size_t t = 0; t < PA_ARRAY_LEN(types); t++) {
        for (int how = 0; how < 3; how++) {
            struct pa_db *db = test_db();
            test_load_demo(db);
            post_a_request(db);
            if (t == 0 && how == 0) { /* an untouched log replays to the same tables */
                char *before = test_dump(db);
                assert_int_equal(pa_tlog_replay(db, NULL), 0);
                char *after = test_dump(db);
                assert_string_equal(before, after);
                free(before);
                free(after);
            }
            int64_t seq = first_event(db, types[t]);
            struct pa_event ev;
            read_event(db, seq, &ev);
            json_t *data = json_deep_copy(ev.data);
            if (how == 0)
                json_object_set_new(data, "zz_extra", json_integer(1));
            else if (how == 1)
                json_object_del(data, "id");
            else
                json_object_set_new(data, "date", json_integer(20240101));
            rewrite(db, seq, &ev, data);
            refused_as_malformed(db, seq, types[t]);
            json_decref(data);
            pa_event_release(&ev);
            pa_db_free(db);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(malformed_transfers_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
