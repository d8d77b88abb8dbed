/*
 * test_date.c - dates: strict shape, real calendar days, and day numbers checked
 * against a naive day-by-day model over three centuries.
 */
#include <stdio.h>
#include <string.h>

#include "support.h"

static void accepts_real_dates(void **state)
{
    (void)state;
    int32_t days = -1;
    assert_int_equal(pa_date_parse("1970-01-01", &days, NULL), 0);
    assert_int_equal(days, 0);
    assert_int_equal(pa_date_parse("2024-02-29", &days, NULL), 0);
    assert_int_equal(pa_date_parse("2000-02-29", &days, NULL), 0);
    assert_int_equal(pa_date_parse("2022-07-01", &days, NULL), 0);
    assert_int_equal(days, 19174);
}

static void refuses_dates_that_do_not_exist(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "2023-02-30", "2023-02-29", "1900-02-29", "2023-13-01",     "2023-00-10",  "2023-04-31",
        "2023-1-01",  "2023/01/01", "20230101",   "2023-01-01 ",    " 2023-01-01", "2023-01-011",
        "",           "1899-12-31", "3000-01-01", "２０２３-01-01", NULL};
    for (int i = 0; bad[i]; i++) {
        struct pa_error err;
        if (pa_date_parse(bad[i], NULL, &err) == 0)
            fail_msg("'%s' was accepted", bad[i]);
        assert_int_equal(err.code, PA_EINVAL);
    }
}

static void day_numbers_match_a_day_by_day_walk(void **state)
{
    (void)state;
    static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int32_t expected;
    assert_int_equal(pa_date_parse("1900-01-01", &expected, NULL), 0);
    for (int y = 1900; y < 2200; y++) {
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        for (int m = 1; m <= 12; m++) {
            int n = month_days[m - 1] + (m == 2 && leap);
            for (int d = 1; d <= n; d++, expected++) {
                char text[40], back[PA_DATE_LEN + 1];
                int32_t days;
                snprintf(text, sizeof(text), "%04d-%02d-%02d", y, m, d);
                assert_int_equal(pa_date_parse(text, &days, NULL), 0);
                assert_int_equal(days, expected);
                pa_date_format(days, back);
                assert_string_equal(back, text);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_real_dates),
        cmocka_unit_test(refuses_dates_that_do_not_exist),
        cmocka_unit_test(day_numbers_match_a_day_by_day_walk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
