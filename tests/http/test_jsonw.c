/*
 * test_jsonw.c - the streaming JSON writer (src/http/jsonw.c) writes exactly
 * the bytes json_dumps(JSON_COMPACT) writes for the same values: the server's
 * own rows of GET /balances, GET /log/entries and GET /accounts/{code}/statement
 * against the jansson objects they were built as before, on the demo's books,
 * and random strings full of escapes, control
 * characters, "/", non-ASCII and non-BMP characters; and it refuses, as
 * json_stringn does, the byte strings that are not UTF-8.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http_int.h"
#include "support.h"

static char *dumped(json_t *v)
{
    assert_non_null(v);
    char *text = json_dumps(v, JSON_COMPACT);
    json_decref(v);
    assert_non_null(text);
    return text;
}

static void same(struct pa_json_writer *w, json_t *v)
{
    char *want = dumped(v);
    assert_false(w->failed);
    assert_int_equal(w->depth, 0);
    assert_non_null(w->buf);
    if (strcmp(w->buf, want) != 0)
        fail_msg("the writer:\n%.400s\njansson:\n%.400s", w->buf, want);
    assert_int_equal(w->len, strlen(want));
    free(want);
    pa_jw_free(w);
}

/* ---- the demo's balances, as ledger.c wrote them with jansson ----------------------- */

struct both {
    json_t *list;
    struct pa_json_writer *w;
};

static int balance_both(const struct pa_balance *b, void *ctx)
{
    struct both *x = ctx;
    json_array_append_new(
        x->list, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "account", b->account, "kind",
                           b->kind, "debits_posted", pa_http_money(b->debits_posted),
                           "credits_posted", pa_http_money(b->credits_posted), "debits_pending",
                           pa_http_money(b->debits_pending), "credits_pending",
                           pa_http_money(b->credits_pending), "balance",
                           pa_http_money(b->credits_posted - b->debits_posted)));
    return pa_http_balance_row(b, x->w); /* the server's own row */
}

static void demo_balances(const char *as_of)
{
    struct pa_db *db = test_db();
    test_load_demo(db);
    struct pa_json_writer w = {0};
    struct both x = {.list = json_array(), .w = &w};
    pa_jw_object(&w);
    pa_jw_key(&w, "as_of");
    pa_jw_string(&w, as_of);
    pa_jw_key(&w, "balances");
    pa_jw_array(&w);
    struct pa_as_of when = {.date = as_of, .seq = 0};
    struct pa_error err;
    assert_int_equal(pa_ledger_balances(db, NULL, as_of ? &when : NULL, balance_both, &x, &err),
                     0);
    assert_true(json_array_size(x.list) > 100); /* the demo's books, every account */
    pa_jw_end_array(&w);
    pa_jw_end_object(&w);
    same(&w, json_pack("{s:s?, s:o}", "as_of", as_of, "balances", x.list));
    pa_db_free(db);
}

static void demo_balances_as_jansson_wrote_them(void **state)
{
    (void)state;
    demo_balances(NULL);
    demo_balances("2024-06-30");
}

/* ---- the demo's log entries, as log.c wrote them with jansson ------------------------- */

static int entry_both(const struct pa_log_entry *e, void *ctx)
{
    struct both *x = ctx;
    char b64[64];
    pa_base64(e->leaf_hash, PA_HASH_LEN, b64, sizeof(b64));
    json_array_append_new(
        x->list, json_pack("{s:I, s:s?, s:s?, s:I, s:o, s:o}", "index", (json_int_t)e->index,
                           "type", e->type, "actor", e->actor, "time", (json_int_t)e->time,
                           "entry", json_stringn((const char *)e->entry, e->len), "leaf_hash",
                           json_string(b64)));
    return pa_http_log_entry_row(e, x->w); /* the server's own row */
}

static void demo_log_entries_as_jansson_wrote_them(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    test_load_demo(db);
    struct pa_json_writer w = {0};
    struct both x = {.list = json_array(), .w = &w};
    pa_jw_object(&w);
    pa_jw_key(&w, "entries");
    pa_jw_array(&w);
    struct pa_error err;
    int64_t size = 0;
    assert_int_equal(pa_tlog_size(db, &size, &err), 0);
    assert_int_equal(pa_tlog_entries(db, NULL, 0, 1000, entry_both, &x, &err), 0);
    assert_true(json_array_size(x.list) > 100);
    pa_jw_end_array(&w);
    pa_jw_key(&w, "size");
    pa_jw_int(&w, size);
    pa_jw_end_object(&w);
    same(&w, json_pack("{s:o, s:I}", "entries", x.list, "size", (json_int_t)size));
    pa_db_free(db);
}

/* ---- random strings --------------------------------------------------------------------- */

/* Appends one code point as UTF-8. */
static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A code point of a kind picked at random: a control (NUL included), one of the
 * escaped or tricky ASCII characters, plain ASCII, Latin, Chinese, U+2028, or
 * one beyond the BMP (emoji, CJK extension B). */
static uint32_t random_code_point(bool nul)
{
    static const uint32_t tricky[] = {'"', '\\', '/', '\b', '\f', '\n', '\r', '\t', 0x7F,
                                      0x2028, 0x2029, 0xFEFF, 0xFFFD, 0x10FFFF, 0xE000};
    switch (rand() % 7) {
    case 0: return (uint32_t)(rand() % 0x20) | (nul ? 0 : 1);
    case 1: return tricky[rand() % (int)PA_ARRAY_LEN(tricky)];
    case 2: return 0x20 + (uint32_t)(rand() % 0x5F);
    case 3: return 0x80 + (uint32_t)(rand() % 0x780);
    case 4: return 0x4E00 + (uint32_t)(rand() % 0x5200);
    case 5: return 0x1F300 + (uint32_t)(rand() % 0x300);
    default: return 0x20000 + (uint32_t)(rand() % 0xA6E0);
    }
}

static size_t random_text(char *out, size_t max_chars, bool nul)
{
    size_t n = 0, chars = (size_t)rand() % (max_chars + 1);
    for (size_t i = 0; i < chars; i++)
        n += put_utf8(out + n, random_code_point(nul));
    out[n] = '\0';
    return n;
}

static void random_strings_as_jansson_writes_them(void **state)
{
    (void)state;
    srand(14);
    for (int round = 0; round < 2000; round++) {
        char key[4 * 16 + 1], text[4 * 64 + 1], bytes[4 * 64 + 1];
        random_text(key, 16, false);
        random_text(text, 64, false);
        size_t nbytes = random_text(bytes, 64, true); /* with NUL bytes: json_stringn's */
        int64_t number = ((int64_t)rand() << 32 | (int64_t)rand()) * (rand() % 2 ? 1 : -1);
        struct pa_json_writer w = {0};
        pa_jw_object(&w);
        pa_jw_key(&w, key);
        pa_jw_string(&w, text);
        pa_jw_key(&w, "list");
        pa_jw_array(&w);
        pa_jw_int(&w, number);
        pa_jw_money(&w, number);
        pa_jw_null(&w);
        assert_true(pa_jw_stringn(&w, bytes, nbytes));
        pa_jw_array(&w);
        pa_jw_end_array(&w);
        pa_jw_object(&w);
        pa_jw_end_object(&w);
        pa_jw_end_array(&w);
        pa_jw_end_object(&w);
        json_t *v = json_object();
        json_object_set_new(v, key, json_string(text));
        json_object_set_new(v, "list",
                            json_pack("[I, o, n, o, [], {}]", (json_int_t)number,
                                      pa_http_money(number), json_stringn(bytes, nbytes)));
        if (strcmp(key, "list") == 0) { /* the same key twice: jansson keeps the second */
            json_decref(v);
            pa_jw_free(&w);
            continue;
        }
        same(&w, v);
    }
}

/* ---- the demo's statements, as ledger.c wrote them with jansson ------------------------ */

static int line_both(const struct pa_statement_line *l, void *ctx)
{
    struct both *x = ctx;
    json_array_append_new(
        x->list,
        json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:o, s:o, s:o, s:o, s:I}", "id", l->id,
                  "date", l->date, "kind", l->kind, "counterparty", l->counterparty, "project",
                  l->project, "memo", l->memo, "comment", l->comment, "debit",
                  pa_http_money(l->debit_fen), "credit", pa_http_money(l->credit_fen), "pending",
                  pa_http_money(l->pending_fen), "balance", pa_http_money(l->balance_fen), "seq",
                  (json_int_t)l->seq));
    return pa_http_statement_row(l, x->w); /* the server's own row */
}

static void demo_statements_as_jansson_wrote_them(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    test_load_demo(db);
    sqlite3_stmt *codes;
    assert_int_equal(sqlite3_prepare_v2(pa_db_sqlite(db), "SELECT code FROM accounts ORDER BY code",
                                        -1, &codes, NULL),
                     SQLITE_OK);
    int accounts = 0, lines = 0;
    while (sqlite3_step(codes) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(codes, 0);
        struct pa_json_writer w = {0};
        struct both x = {.list = json_array(), .w = &w};
        pa_jw_array(&w);
        struct pa_error err;
        assert_int_equal(pa_ledger_statement(db, code, line_both, &x, &err), 0);
        pa_jw_end_array(&w);
        lines += (int)json_array_size(x.list);
        same(&w, x.list);
        accounts++;
    }
    sqlite3_finalize(codes);
    assert_true(accounts > 100 && lines > 1000); /* the demo's books, with memos and comments */
    pa_db_free(db);
}

/* A value jansson built (a statement's account), inside a streamed answer, in
 * every position: first and later in an object and an array. */
static void jansson_values_inside(void **state)
{
    (void)state;
    json_t *account = json_pack("{s:s, s:n, s:b, s:[i, s]}", "code", "POOL-WX-LYG", "project",
                                "closed", 0, "list", 1, "二");
    struct pa_json_writer w = {0};
    pa_jw_object(&w);
    pa_jw_key(&w, "account");
    pa_jw_json(&w, account);
    pa_jw_key(&w, "lines");
    pa_jw_array(&w);
    pa_jw_json(&w, account);
    pa_jw_int(&w, 7);
    pa_jw_json(&w, json_object_get(account, "list"));
    pa_jw_end_array(&w);
    pa_jw_key(&w, "null");
    pa_jw_json(&w, json_null());
    pa_jw_end_object(&w);
    same(&w, json_pack("{s:O, s:[O, i, O], s:n}", "account", account, "lines", account, 7,
                       json_object_get(account, "list"), "null"));
    json_decref(account);
}

/* Random bytes: the writer takes exactly the strings json_stringn takes. */
static void not_utf8_is_refused_as_jansson_refuses_it(void **state)
{
    (void)state;
    srand(2026);
    int refused = 0;
    for (int round = 0; round < 20000; round++) {
        unsigned char bytes[8];
        size_t n = 1 + (size_t)rand() % sizeof(bytes);
        for (size_t i = 0; i < n; i++)
            bytes[i] = (unsigned char)(rand() % 3 ? 0x80 + rand() % 0x80 : rand() % 0x100);
        json_t *s = json_stringn((const char *)bytes, n);
        struct pa_json_writer w = {0};
        pa_jw_array(&w); /* json_dumps writes only arrays and objects */
        bool taken = pa_jw_stringn(&w, (const char *)bytes, n);
        pa_jw_end_array(&w);
        assert_int_equal(taken, s != NULL);
        refused += !taken;
        if (s)
            same(&w, json_pack("[o]", s));
        else
            pa_jw_free(&w);
    }
    assert_true(refused > 1000); /* the test has teeth */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(demo_balances_as_jansson_wrote_them),
        cmocka_unit_test(demo_log_entries_as_jansson_wrote_them),
        cmocka_unit_test(demo_statements_as_jansson_wrote_them),
        cmocka_unit_test(random_strings_as_jansson_writes_them),
        cmocka_unit_test(jansson_values_inside),
        cmocka_unit_test(not_utf8_is_refused_as_jansson_refuses_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
