/*
 * test_money.c - parsing and formatting of amounts, against hand-computed
 * answers and against a plain integer model for random values.
 */
#include <stdlib.h>
#include <string.h>

#include "support.h"

static int64_t parse_ok(const char *text)
{
    int64_t fen = -1;
    struct pa_error err;
    if (pa_money_parse(text, &fen, &err) != 0)
        fail_msg("'%s': %s", text, err.message);
    return fen;
}

static void parses_what_finance_staff_type(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("1,400,000.00"), 140000000);
    assert_int_equal(parse_ok("1400000"), 140000000);
    assert_int_equal(parse_ok("0.5"), 50);
    assert_int_equal(parse_ok("0.05"), 5);
    assert_int_equal(parse_ok("120000000.00"), 12000000000);
    assert_int_equal(parse_ok("92233720368547758.07"), INT64_MAX);
}

static void refuses_what_is_not_an_amount(void **state)
{
    (void)state;
    static const char *const bad[] = {"",
                                      "-1",
                                      "1.234",
                                      "abc",
                                      "1,40,000",
                                      "1400,000.0,0",
                                      "1,4000",
                                      ",100",
                                      "1.",
                                      ".5",
                                      "+5",
                                      "1e6",
                                      "1 000",
                                      "92233720368547758.08",
                                      "99999999999999999999",
                                      "1,000,",
                                      NULL};
    for (int i = 0; bad[i]; i++) {
        int64_t fen = 0;
        struct pa_error err;
        if (pa_money_parse(bad[i], &fen, &err) == 0)
            fail_msg("'%s' was accepted as %lld", bad[i], (long long)fen);
    }
}

static void formats_in_chinese_units(void **state)
{
    (void)state;
    char buf[64];
    pa_money_format(140000000, PA_YUAN, PA_MONEY_GROUP, buf, sizeof(buf));
    assert_string_equal(buf, "1,400,000.00");
    pa_money_format(140000000, PA_WAN, PA_MONEY_SUFFIX, buf, sizeof(buf));
    assert_string_equal(buf, "140.00万元");
    pa_money_format(12000000000, PA_YI, PA_MONEY_SUFFIX, buf, sizeof(buf));
    assert_string_equal(buf, "1.20亿元");
    pa_money_format(56000000000, PA_YI, 0, buf, sizeof(buf));
    assert_string_equal(buf, "5.60");
    pa_money_format(12345, PA_WAN, 0, buf, sizeof(buf)); /* 123.45 yuan = 0.012345 万 */
    assert_string_equal(buf, "0.01");
    pa_money_format(-150000, PA_WAN, 0, buf, sizeof(buf)); /* rounds half away from zero */
    assert_string_equal(buf, "-0.15");
    pa_money_format(INT64_MIN, PA_YUAN, PA_MONEY_GROUP, buf, sizeof(buf));
    assert_string_equal(buf, "-92,233,720,368,547,758.08");
    assert_int_equal(pa_money_unit_for(99999999), PA_WAN);
    assert_int_equal(pa_money_unit_for(PA_FEN_PER_YI), PA_YI);
    assert_int_equal(pa_money_unit_for(999999), PA_YUAN);
}

static void round_trips_random_amounts(void **state)
{
    (void)state;
    srand(42);
    for (int i = 0; i < 100000; i++) {
        int64_t fen = ((int64_t)rand() << 31 | rand()) % INT64_C(100000000000000);
        char plain[64], grouped[64];
        pa_money_format(fen, PA_YUAN, 0, plain, sizeof(plain));
        pa_money_format(fen, PA_YUAN, PA_MONEY_GROUP, grouped, sizeof(grouped));
        assert_int_equal(parse_ok(plain), fen);
        assert_int_equal(parse_ok(grouped), fen);
    }
}

static void arithmetic_refuses_to_wrap(void **state)
{
    (void)state;
    int64_t out;
    assert_int_equal(pa_money_add(INT64_MAX, 1, &out), PA_ERANGE);
    assert_int_equal(pa_money_sub(INT64_MIN, 1, &out), PA_ERANGE);
    assert_int_equal(pa_money_add(1, 2, &out), 0);
    assert_int_equal(out, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_what_finance_staff_type),
        cmocka_unit_test(refuses_what_is_not_an_amount),
        cmocka_unit_test(formats_in_chinese_units),
        cmocka_unit_test(round_trips_random_amounts),
        cmocka_unit_test(arithmetic_refuses_to_wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
