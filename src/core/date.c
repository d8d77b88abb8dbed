/*
 * date.c - calendar dates as the contracts write them (YYYY-MM-DD), checked to
 * exist, and converted to day numbers for arithmetic (expiry, ageing of funds).
 * Day numbers use Howard Hinnant's days-from-civil algorithm.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pairaid/core.h"

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void pa_date_format(int32_t days, char buf[PA_DATE_LEN + 1])
{
    int z = days + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int y = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int d = doy - (153 * mp + 2) / 5 + 1;
    int m = mp + (mp < 10 ? 3 : -9);
    y += m <= 2;
    PA_ASSERT(y >= 0 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
    snprintf(buf, PA_DATE_LEN + 1, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int pa_date_parse(const char *text, int32_t *days, struct pa_error *err)
{
    PA_ASSERT(text != NULL);
    int y = digits(text, 4);
    if (y < 0 || text[4] != '-')
        goto bad_shape;
    int m = digits(text + 5, 2);
    if (m < 0 || text[7] != '-')
        goto bad_shape;
    int d = digits(text + 8, 2);
    if (d < 0 || text[10] != '\0')
        goto bad_shape;
    if (y < 1900 || y > 2999)
        return pa_error_set(err, PA_EINVAL, "year of '%s' is outside 1900-2999", text);
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return pa_error_set(err, PA_EINVAL, "'%s' is not a date that exists", text);
    if (days)
        *days = days_from_civil(y, m, d);
    return 0;
bad_shape:
    return pa_error_set(err, PA_EINVAL, "'%.40s' is not a date of the form YYYY-MM-DD", text);
}

/* The test clock of pa_date_today: a date, or "@FILE" naming a file whose first
 * ten bytes are one (read at every call, so a test can move a running server
 * to the next day).  Anything unreadable or malformed is ignored. */
static bool test_today(int32_t *days)
{
    const char *setting = getenv(PA_TODAY_ENV);
    if (setting == NULL || setting[0] == '\0')
        return false;
    char text[PA_DATE_LEN + 1] = "";
    if (setting[0] != '@') {
        snprintf(text, sizeof(text), "%s", setting);
    } else {
        FILE *f = fopen(setting + 1, "r");
        size_t n = f ? fread(text, 1, PA_DATE_LEN, f) : 0;
        text[n] = '\0';
        if (f)
            fclose(f);
    }
    return pa_date_parse(text, days, NULL) == 0;
}

/* The programme keeps Beijing time (UTC+8, no daylight saving): a request made
 * at 07:00 in 东海县 is dated that day, wherever the server's clock is set. */
int32_t pa_date_today(void)
{
    int32_t days;
    if (test_today(&days))
        return days;
    return (int32_t)((time(NULL) + 8 * 3600) / 86400);
}
