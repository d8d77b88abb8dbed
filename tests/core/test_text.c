/*
 * test_text.c - codes, UTF-8 text limits, region codes, unified social credit
 * codes (GB 32100-2015) and the string map.
 */
#include <stdio.h>
#include <string.h>

#include "support.h"

static void codes(void **state)
{
    (void)state;
    assert_int_equal(pa_code_check("WX-LYG", NULL), 0);
    assert_int_equal(pa_code_check("a:b.c_d-e", NULL), 0);
    assert_int_equal(pa_code_check("0", NULL), 0);
    static const char *const bad[] = {"", "-x", ".x", "P 1", "P/1", "东海", "a,b", "a\"b", NULL};
    for (int i = 0; bad[i]; i++)
        if (pa_code_check(bad[i], NULL) == 0)
            fail_msg("'%s' was accepted", bad[i]);
    char longest[66];
    memset(longest, 'A', 64);
    longest[64] = '\0';
    assert_int_equal(pa_code_check(longest, NULL), 0);
    longest[64] = 'A';
    longest[65] = '\0';
    assert_int_equal(pa_code_check(longest, NULL), PA_EINVAL);
}

static int text(const char *s, size_t max, unsigned flags)
{
    return pa_text_check(s, strlen(s), max, flags, NULL);
}

static void utf8_text(void **state)
{
    (void)state;
    assert_int_equal(text("东海县桃林镇第二中心小学", 12, 0), 0);
    assert_int_equal(text("东海县桃林镇第二中心小学", 11, 0),
                     PA_EINVAL); /* characters, not bytes */
    assert_int_equal(text("line\nbreak", 100, 0), PA_EINVAL);
    assert_int_equal(text("line\nbreak\ttab\r\n", 100, PA_TEXT_MULTILINE), 0);
    assert_int_equal(text("bell\a", 100, PA_TEXT_MULTILINE), PA_EINVAL);
    assert_int_equal(text("\xff", 100, 0), PA_EINVAL);
    assert_int_equal(text("\xc0\xaf", 100, 0), PA_EINVAL);         /* overlong '/' */
    assert_int_equal(text("\xed\xa0\x80", 100, 0), PA_EINVAL);     /* surrogate */
    assert_int_equal(text("\xf4\x90\x80\x80", 100, 0), PA_EINVAL); /* past U+10FFFF */
    assert_int_equal(text("\xe4\xb8", 100, 0), PA_EINVAL);         /* truncated */
    assert_int_equal(text("\xf0\x9f\x98\x80", 1, 0), 0);           /* one emoji */
    assert_int_equal(pa_text_check("a\0b", 3, 10, 0, NULL), PA_EINVAL);
    assert_int_equal(pa_utf8_chars("无锡", 6), 2);
}

static void excerpts(void **state)
{
    (void)state;
    char buf[16];
    assert_string_equal(pa_text_excerpt("short", buf, sizeof(buf)), "short");
    assert_string_equal(pa_text_excerpt("a\nb\tc", buf, sizeof(buf)), "a\\nb\\tc");
    /* 12 bytes of room: four 3-byte characters fit, the fifth does not */
    assert_string_equal(pa_text_excerpt("东海县桃林镇", buf, sizeof(buf)), "东海县桃...");
    assert_string_equal(pa_text_excerpt("abcdefghijklmnopq", buf, sizeof(buf)), "abcdefghijkl...");
    assert_string_equal(pa_text_excerpt("", buf, sizeof(buf)), "");
}

static void scrubbing(void **state)
{
    (void)state;
    char cut[] = "东海\xe5\x8e"; /* 东海县 cut inside 县 */
    pa_utf8_scrub(cut);
    assert_string_equal(cut, "东海??");
    char mixed[] = "a\xff" "b\xc0\x80" "c 桃林";
    pa_utf8_scrub(mixed);
    assert_string_equal(mixed, "a?b??c 桃林");
    char fine[] = "unchanged 不变";
    pa_utf8_scrub(fine);
    assert_string_equal(fine, "unchanged 不变");
    assert_int_equal(pa_text_check(cut, strlen(cut), 100, 0, NULL), 0);
}

static void region_codes(void **state)
{
    (void)state;
    assert_int_equal(pa_region_code_check("320722", NULL), 0);
    assert_int_equal(pa_region_code_check("32072", NULL), PA_EINVAL);
    assert_int_equal(pa_region_code_check("3207220", NULL), PA_EINVAL);
    assert_int_equal(pa_region_code_check("32O722", NULL), PA_EINVAL);
}

/* The check character computed by hand from the glossary's algorithm for a code
 * whose first 17 characters are 91320200MA1MXXXX0 (Σ mod 31 = 2 -> 31-2 = 29 -> X). */
static void credit_codes(void **state)
{
    (void)state;
    char code[19] = "91320200MA1MXXXX0";
    int sum = 0;
    static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    static const char cs[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    for (int i = 0; i < 17; i++)
        sum += (int)(strchr(cs, code[i]) - cs) * w[i];
    char expected = cs[(31 - sum % 31) % 31];
    assert_int_equal(pa_credit_code_check_char(code), expected);
    code[17] = expected;
    code[18] = '\0';
    assert_int_equal(pa_credit_code_check(code, NULL), 0);
    code[17] = expected == '0' ? '1' : '0';
    struct pa_error err;
    assert_int_equal(pa_credit_code_check(code, &err), PA_EINVAL);
    assert_non_null(strstr(err.message, "check character"));
    /* Published codes of well-known enterprises, as printed on their licences. */
    static const char *const published[] = {"914403001922038216", "91330100716105852F",
                                            "9144030071526726XG", "91110000802100433B", NULL};
    for (int i = 0; published[i]; i++)
        assert_int_equal(pa_credit_code_check(published[i], NULL), 0);
    assert_int_equal(pa_credit_code_check_char("91320200MA1MXXXX0"), 'E');
    assert_int_equal(pa_credit_code_check("91320200MA1MXXXX", NULL), PA_EINVAL);   /* 16 chars */
    assert_int_equal(pa_credit_code_check("91320200MA1MXXXXIZ", NULL), PA_EINVAL); /* I, Z */
    assert_int_equal(pa_credit_code_check("913A0200MA1MXXXX00", NULL), PA_EINVAL); /* region */
}

/* Every credit code shipped with the demo passes. */
static void demo_credit_codes(void **state)
{
    (void)state;
    struct pa_db *db = test_db();
    test_load_demo(db);
    sqlite3_stmt *stmt;
    assert_int_equal(
        sqlite3_prepare_v2(pa_db_sqlite(db),
                           "SELECT credit_code FROM orgs WHERE credit_code IS NOT NULL", -1, &stmt,
                           NULL),
        SQLITE_OK);
    int n = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        assert_int_equal(pa_credit_code_check((const char *)sqlite3_column_text(stmt, 0), NULL), 0);
        n++;
    }
    assert_true(n >= 10);
    sqlite3_finalize(stmt);
    pa_db_free(db);
}

static void string_map(void **state)
{
    (void)state;
    struct pa_strmap *map;
    assert_int_equal(pa_strmap_new(&map), 0);
    char key[32];
    for (long i = 0; i < 10000; i++) {
        snprintf(key, sizeof(key), "k%ld", i);
        assert_int_equal(pa_strmap_put(map, key, i, NULL), 1);
    }
    for (long i = 0; i < 10000; i++) {
        long v = -1;
        snprintf(key, sizeof(key), "k%ld", i);
        assert_int_equal(pa_strmap_put(map, key, -1, &v), 0);
        assert_int_equal(v, i);
        v = -1;
        assert_int_equal(pa_strmap_get(map, key, &v), 1);
        assert_int_equal(v, i);
    }
    assert_int_equal(pa_strmap_get(map, "absent", NULL), 0);
    assert_int_equal(pa_strmap_get(map, "absent", NULL), 0); /* a look-up adds nothing */
    pa_strmap_free(map);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(codes),
        cmocka_unit_test(utf8_text),
        cmocka_unit_test(excerpts),
        cmocka_unit_test(scrubbing),
        cmocka_unit_test(region_codes),
        cmocka_unit_test(credit_codes),
        cmocka_unit_test(demo_credit_codes),
        cmocka_unit_test(string_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
