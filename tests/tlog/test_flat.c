/*
 * test_flat.c - the reader of flat events (src/tlog/flat.c) against jansson:
 * for random events it reads exactly what pa_tlog_decode reads, and on bytes
 * mutated at random it never accepts what pa_tlog_decode refuses (whatever it
 * leaves, pa_tlog_decode still judges, so verify's verdicts cannot change).
 * Then a replay of random transfers through it gives the live tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support.h"

static unsigned seed_from_env(void)
{
    unsigned seed = (unsigned)time(NULL);
    const char *env = getenv("PA_SEED");
    if (env)
        seed = (unsigned)strtoul(env, NULL, 10);
    print_message("seed %u (set PA_SEED to repeat)\n", seed);
    return seed;
}

/* Both readers found the same event: envelope and every field. */
static void assert_same(const struct pa_event *flat, const struct pa_event *tree)
{
    assert_string_equal(flat->type, tree->type);
    assert_string_equal(flat->actor, tree->actor);
    assert_string_equal(flat->role, tree->role);
    assert_true((flat->scope == NULL) == (tree->scope == NULL));
    if (flat->scope)
        assert_string_equal(flat->scope, tree->scope);
    assert_int_equal(flat->time, tree->time);
    assert_int_equal(flat->flat->n, (int)json_object_size(tree->data));
    for (int i = 0; i < flat->flat->n; i++) {
        const struct pa_flat_field *f = &flat->flat->field[i];
        const json_t *v = json_object_get(tree->data, f->key);
        assert_non_null(v);
        if (f->type == PA_FLAT_STRING)
            assert_string_equal(f->text, json_string_value(v));
        else if (f->type == PA_FLAT_INT)
            assert_true(json_is_integer(v) && json_integer_value(v) == f->number);
        else
            assert_true(json_is_boolean(v) && json_is_true(v) == (f->number != 0));
    }
}

static const char *const pieces[] = {"a",    "\"",   "\\", "\n",   "\r", "\t", "\b",   "\f",
                                     "\x01", "\x1f", "/",  "无锡", "😀",  " ",  "\x7f", "é",
                                     "{",    "}",    ":",  ",",    "0",  "-",  "拨付"};

static void random_text(char *text, size_t size)
{
    text[0] = '\0';
    for (int k = rand() % 10; k > 0; k--)
        if (strlen(text) + 8 < size)
            strcat(text, pieces[(size_t)rand() % PA_ARRAY_LEN(pieces)]);
}

/* A random event through jansson's encoder; *out is malloc'd. */
static void random_event(char **out, size_t *len)
{
    static const char *const keys[] = {"amount_fen", "comment", "date", "from", "id",
                                       "memo",       "pending", "to",   "x",    "无"};
    json_t *data = json_object();
    for (size_t k = 0; k < PA_ARRAY_LEN(keys); k++) {
        char text[128];
        switch (rand() % 4) {
        case 0:
            break; /* left out */
        case 1:
            random_text(text, sizeof(text));
            json_object_set_new(data, keys[k], json_string(text));
            break;
        case 2: {
            int64_t n = rand() % 3 == 0   ? (rand() % 2 ? INT64_MIN : INT64_MAX)
                        : rand() % 2 == 0 ? 0
                                          : (int64_t)rand() - RAND_MAX / 2;
            json_object_set_new(data, keys[k], json_integer((json_int_t)n));
            break;
        }
        default:
            json_object_set_new(data, keys[k], json_boolean(rand() % 2));
        }
    }
    char name[64];
    random_text(name, sizeof(name));
    struct pa_actor who = {name, rand() % 2 ? "donor" : name, rand() % 2 ? "320200" : NULL};
    int64_t when = rand() % 5 == 0 ? -(int64_t)rand() : (int64_t)rand();
    assert_int_equal(
        pa_tlog_encode(rand() % 2 ? "transfer.create" : name, &who, when, data, out, len, NULL), 0);
    json_decref(data);
}

static void reads_what_jansson_reads(void **state)
{
    (void)state;
    srand(seed_from_env());
    struct pa_flat_reader r;
    pa_flat_reader_init(&r);
    for (int round = 0; round < 20000; round++) {
        char *entry;
        size_t len;
        random_event(&entry, &len);
        struct pa_event flat, tree;
        assert_int_equal(pa_tlog_decode(entry, len, &tree, NULL), 0);
        /* jansson writes other control characters as \u00XX: left to it */
        bool escaped = memmem(entry, len, "\\u", 2) != NULL;
        assert_int_equal(pa_flat_decode(&r, entry, len, &flat), !escaped);
        if (!escaped)
            assert_same(&flat, &tree);
        pa_event_release(&tree);
        free(entry);
    }
    pa_flat_reader_release(&r);
}

/* Flips, deletes, inserts and duplicates bytes: whatever the flat reader still
 * accepts, jansson accepts too, with the same content. */
static void accepts_nothing_jansson_refuses(void **state)
{
    (void)state;
    srand(seed_from_env());
    static const char noise[] = "\"\\{}:,-0123456789.eE tfnu\x01\x80\xc0\xed\xf4\xff";
    struct pa_flat_reader r;
    pa_flat_reader_init(&r);
    long accepted = 0, refused = 0;
    for (int round = 0; round < 40000; round++) {
        char *entry;
        size_t len;
        random_event(&entry, &len);
        char *bytes = malloc(len + 8);
        memcpy(bytes, entry, len);
        for (int m = 1 + rand() % 2; m > 0 && len > 1; m--) {
            size_t at = (size_t)rand() % len;
            char ch = noise[(size_t)rand() % (sizeof(noise) - 1)];
            switch (rand() % 3) {
            case 0:
                bytes[at] = ch;
                break;
            case 1:
                memmove(bytes + at, bytes + at + 1, len - at - 1);
                len--;
                break;
            default:
                memmove(bytes + at + 1, bytes + at, len - at);
                bytes[at] = ch;
                len++;
            }
        }
        struct pa_event flat, tree;
        if (pa_flat_decode(&r, bytes, len, &flat)) {
            accepted++;
            if (pa_tlog_decode(bytes, len, &tree, NULL) != 0)
                fail_msg("flat.c accepted what jansson refuses: %.*s", (int)len, bytes);
            assert_same(&flat, &tree);
            pa_event_release(&tree);
        } else {
            refused++;
        }
        free(bytes);
        free(entry);
    }
    print_message("%ld mutated events still read, %ld left to jansson\n", accepted, refused);
    assert_true(accepted > 100 && refused > 10000);
    pa_flat_reader_release(&r);
}

/* Shapes it leaves to jansson, canonical or not. */
static void leaves_the_rest_to_jansson(void **state)
{
    (void)state;
    static const char *const left[] = {
        "{\"actor\":\"a\",\"data\":{\"x\":\"\\u0001\"},\"role\":\"r\",\"time\":0,\"type\":\"t\","
        "\"v\":2}", /* a \u escape (canonical, jansson reads it) */
        "{\"actor\":\"a\",\"data\":{\"x\":\"\\u0041\"},\"role\":\"r\",\"time\":0,\"type\":\"t\","
        "\"v\":2}", /* not canonical */
        "{\"actor\":\"a\",\"data\":{\"x\":{}},\"role\":\"r\",\"time\":0,\"type\":\"t\",\"v\":2}",
        "{\"actor\":\"a\",\"data\":{\"x\":[]},\"role\":\"r\",\"time\":0,\"type\":\"t\",\"v\":2}",
        "{\"actor\":\"a\",\"data\":{\"x\":null},\"role\":\"r\",\"time\":0,\"type\":\"t\",\"v\":2}",
        "{\"actor\":\"a\",\"data\":{\"x\":1.5},\"role\":\"r\",\"time\":0,\"type\":\"t\",\"v\":2}",
        "{\"actor\":\"a\",\"data\":{\"x\":-0},\"role\":\"r\",\"time\":0,\"type\":\"t\",\"v\":2}",
        "{\"actor\":\"a\",\"data\":{\"x\":01},\"role\":\"r\",\"time\":0,\"type\":\"t\",\"v\":2}",
        "{\"actor\":\"a\",\"data\":{\"x\":9223372036854775808},\"role\":\"r\",\"time\":0,"
        "\"type\":\"t\",\"v\":2}",
        "{\"actor\":\"a\",\"data\":{\"y\":1,\"x\":1},\"role\":\"r\",\"time\":0,\"type\":\"t\","
        "\"v\":2}",
        "{\"actor\":\"a\",\"data\":{\"x\":1,\"x\":1},\"role\":\"r\",\"time\":0,\"type\":\"t\","
        "\"v\":2}",
        "{\"actor\":\"\xc0\x80\",\"data\":{},\"role\":\"r\",\"time\":0,\"type\":\"t\",\"v\":2}",
        "{\"actor\":\"\xed\xa0\x80\",\"data\":{},\"role\":\"r\",\"time\":0,\"type\":\"t\",\"v\":2}",
        "{\"actor\":\"\xf4\x90\x80\x80\",\"data\":{},\"role\":\"r\",\"time\":0,\"type\":\"t\","
        "\"v\":2}",
        "{\"actor\":\"a\",\"data\":{},\"time\":0,\"type\":\"t\",\"v\":1}",
        "{\"actor\":\"a\",\"data\":{},\"role\":\"r\",\"time\":0,\"type\":\"t\",\"v\":2}\n",
        "{\"actor\":\"a\",\"data\":{},\"role\":\"r\",\"time\":0,\"type\":\"t\",\"v\":2} ",
        "{\"actor\":\"a\", \"data\":{},\"role\":\"r\",\"time\":0,\"type\":\"t\",\"v\":2}",
        "{\"actor\":\"a\",\"data\":{\"x\":\"\\/\"},\"role\":\"r\",\"time\":0,\"type\":\"t\","
        "\"v\":2}",
        NULL};
    struct pa_flat_reader r;
    pa_flat_reader_init(&r);
    for (int i = 0; left[i]; i++) {
        struct pa_event ev;
        if (pa_flat_decode(&r, left[i], strlen(left[i]), &ev))
            fail_msg("flat.c read: %s", left[i]);
    }
    static const char ok[] =
        "{\"actor\":\"王\",\"data\":{\"amount_fen\":-9223372036854775808,\"memo\":\"\\\"\\\\\\n\","
        "\"pending\":false},\"role\":\"donor\",\"scope\":\"320200\",\"time\":-5,"
        "\"type\":\"transfer.create\",\"v\":2}";
    struct pa_event ev;
    assert_true(pa_flat_decode(&r, ok, strlen(ok), &ev));
    assert_int_equal(ev.flat->n, 3);
    assert_string_equal(ev.flat->field[1].text, "\"\\\n");
    assert_true(ev.flat->field[0].number == INT64_MIN);
    assert_string_equal(ev.scope, "320200");
    assert_int_equal(ev.time, -5);
    pa_flat_reader_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_what_jansson_reads),
        cmocka_unit_test(accepts_nothing_jansson_refuses),
        cmocka_unit_test(leaves_the_rest_to_jansson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
