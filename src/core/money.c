/*
 * money.c - amounts as int64 fen: parsing what finance staff type into
 * spreadsheets, formatting in 元/万元/亿元 as Chinese finance reports do, and
 * arithmetic that refuses to wrap.
 */
#include <stdio.h>
#include <string.h>

#include "pairaid/core.h"

int pa_money_add(int64_t a, int64_t b, int64_t *sum)
{
    PA_ASSERT(sum != NULL);
    if (__builtin_add_overflow(a, b, sum))
        return PA_ERANGE;
    return 0;
}

int pa_money_sub(int64_t a, int64_t b, int64_t *difference)
{
    PA_ASSERT(difference != NULL);
    if (__builtin_sub_overflow(a, b, difference))
        return PA_ERANGE;
    return 0;
}

/* Accumulates one digit into *value, refusing anything beyond INT64_MAX. */
static int push_digit(int64_t *value, char c)
{
    if (__builtin_mul_overflow(*value, 10, value) || __builtin_add_overflow(*value, c - '0', value))
        return PA_ERANGE;
    return 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The integer part: plain digits, or digits grouped by commas in threes
 * ("1,400,000"); a misplaced comma is more likely a typo than a number. */
static int parse_integer_part(const char **p, int64_t *yuan, struct pa_error *err)
{
    const char *s = *p;
    int group = 0, digits = 0;
    bool grouped = false;

    for (; is_digit(*s) || *s == ','; s++) {
        if (*s == ',') {
            if (digits == 0 || (grouped && group != 3) || (!grouped && group > 3))
                return pa_error_set(err, PA_EINVAL, "misplaced thousands separator");
            grouped = true;
            group = 0;
            continue;
        }
        if (push_digit(yuan, *s) != 0)
            return pa_error_set(err, PA_ERANGE, "amount too large");
        group++;
        digits++;
    }
    if (digits == 0)
        return pa_error_set(err, PA_EINVAL, "not an amount");
    if (grouped && group != 3)
        return pa_error_set(err, PA_EINVAL, "misplaced thousands separator");
    *p = s;
    return 0;
}

int pa_money_parse(const char *text, int64_t *fen, struct pa_error *err)
{
    PA_ASSERT(text != NULL && fen != NULL);
    const char *s = text;
    int64_t yuan = 0, cents = 0;
    int decimals = 0;

    if (*s == '-')
        return pa_error_set(err, PA_EINVAL, "amount must not be negative");
    if (!is_digit(*s))
        return pa_error_set(err, PA_EINVAL, "'%.40s' is not an amount in yuan", text);
    int rc = parse_integer_part(&s, &yuan, err);
    if (rc != 0)
        return rc;
    if (*s == '.') {
        for (s++; is_digit(*s); s++) {
            if (++decimals > 2)
                return pa_error_set(err, PA_EINVAL, "amount has more than two decimals");
            cents = cents * 10 + (*s - '0');
        }
        if (decimals == 0)
            return pa_error_set(err, PA_EINVAL, "'%.40s' is not an amount in yuan", text);
        if (decimals == 1)
            cents *= 10;
    }
    if (*s != '\0')
        return pa_error_set(err, PA_EINVAL, "'%.40s' is not an amount in yuan", text);
    if (__builtin_mul_overflow(yuan, PA_FEN_PER_YUAN, fen) ||
        __builtin_add_overflow(*fen, cents, fen))
        return pa_error_set(err, PA_ERANGE, "amount too large");
    PA_ASSERT(*fen >= 0);
    return 0;
}

/* Divides |fen| by `per_hundredth` with 四舍五入, giving hundredths of the unit.
 * Works on unsigned values so that INT64_MIN formats without overflow. */
static uint64_t round_to_hundredths(uint64_t magnitude, uint64_t per_hundredth)
{
    uint64_t q = magnitude / per_hundredth, r = magnitude % per_hundredth;
    if (r * 2 >= per_hundredth)
        q++;
    return q;
}

static void group_thousands(const char *digits, char *out)
{
    size_t n = strlen(digits);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            *out++ = ',';
        *out++ = digits[i];
    }
    *out = '\0';
}

enum pa_money_unit pa_money_unit_for(int64_t fen)
{
    uint64_t m = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    if (m >= (uint64_t)PA_FEN_PER_YI)
        return PA_YI;
    if (m >= (uint64_t)PA_FEN_PER_WAN)
        return PA_WAN;
    return PA_YUAN;
}

int pa_money_format(int64_t fen, enum pa_money_unit unit, unsigned flags, char *buf, size_t size)
{
    static const uint64_t per_hundredth[] = {1, PA_FEN_PER_WAN / 100, PA_FEN_PER_YI / 100};
    static const char *const suffix[] = {"元", "万元", "亿元"};
    PA_ASSERT(buf != NULL && unit <= PA_YI);

    uint64_t magnitude = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    uint64_t hundredths = round_to_hundredths(magnitude, per_hundredth[unit]);
    char whole[32], grouped[48];
    snprintf(whole, sizeof(whole), "%llu", (unsigned long long)(hundredths / 100));
    if (flags & PA_MONEY_GROUP)
        group_thousands(whole, grouped);
    else
        memcpy(grouped, whole, strlen(whole) + 1);
    int n = snprintf(buf, size, "%s%s.%02llu%s", fen < 0 && hundredths > 0 ? "-" : "", grouped,
                     (unsigned long long)(hundredths % 100),
                     (flags & PA_MONEY_SUFFIX) ? suffix[unit] : "");
    if (n < 0 || (size_t)n >= size)
        return PA_ERANGE;
    return n;
}
