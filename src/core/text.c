/*
 * text.c - checks on what people type: codes, UTF-8 text with limits, GB/T 2260
 * region codes and unified social credit codes (GB 32100-2015).
 */
#include <assert.h>
#include <string.h>

#include "pairaid/core.h"

static bool is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

int pa_code_check(const char *text, struct pa_error *err)
{
    PA_ASSERT(text != NULL);
    size_t n = strlen(text);
    if (n == 0)
        return pa_error_set(err, PA_EINVAL, "code is empty");
    if (n > PA_CODE_MAX)
        return pa_error_set(err, PA_EINVAL, "code is longer than %d characters", PA_CODE_MAX);
    if (!is_alnum((unsigned char)text[0]))
        return pa_error_set(err, PA_EINVAL, "code must start with a letter or digit");
    for (size_t i = 1; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (!is_alnum(c) && c != ':' && c != '.' && c != '_' && c != '-')
            return pa_error_set(err, PA_EINVAL,
                                "code '%.64s' has a character outside A-Z a-z 0-9 : . _ -", text);
    }
    return 0;
}

/* Length of the UTF-8 sequence starting at s (at most `left` bytes), or 0 if it
 * is not well formed: overlong forms, surrogates and values past U+10FFFF are
 * refused as RFC 3629 requires. */
static size_t utf8_sequence(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else
        return 0;
    if (left < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

size_t pa_utf8_chars(const char *text, size_t len)
{
    size_t chars = 0;
    for (size_t i = 0; i < len; i++)
        chars += ((unsigned char)text[i] & 0xC0) != 0x80;
    return chars;
}

void pa_utf8_scrub(char *text)
{
    unsigned char *s = (unsigned char *)text;
    for (size_t left = strlen(text); left > 0;) {
        size_t n = utf8_sequence(s, left);
        if (n == 0) {
            *s = '?';
            n = 1;
        }
        s += n;
        left -= n;
    }
}

const char *pa_text_excerpt(const char *text, char *buf, size_t size)
{
    PA_ASSERT(buf != NULL && size >= 8);
    size_t j = 0, room = size - 4; /* room for "..." and the NUL */
    for (const unsigned char *s = (const unsigned char *)text; *s; s++) {
        const char *esc = *s == '\n' ? "\\n" : *s == '\r' ? "\\r" : *s == '\t' ? "\\t" : NULL;
        size_t n = esc ? 2 : (*s & 0xC0) == 0x80 ? 1 : utf8_sequence(s, strlen((const char *)s));
        if (n == 0)
            n = 1;
        /* a character's continuation bytes are copied with it; stop before one that does not fit */
        if (((*s & 0xC0) != 0x80 && j + n > room) || j + (esc ? 2 : 1) > room) {
            memcpy(buf + j, "...", 4);
            return buf;
        }
        if (esc) {
            memcpy(buf + j, esc, 2);
            j += 2;
        } else {
            buf[j++] = (char)*s;
        }
    }
    buf[j] = '\0';
    return buf;
}

int pa_text_check(const char *text, size_t len, size_t max_chars, unsigned flags,
                  struct pa_error *err)
{
    PA_ASSERT(text != NULL);
    const unsigned char *s = (const unsigned char *)text;
    size_t chars = 0;
    for (size_t i = 0; i < len;) {
        if (s[i] == 0)
            return pa_error_set(err, PA_EINVAL, "contains a NUL byte");
        bool line_char = s[i] == '\n' || s[i] == '\r' || s[i] == '\t';
        if ((s[i] < 0x20 || s[i] == 0x7F) && !(line_char && (flags & PA_TEXT_MULTILINE)))
            return pa_error_set(err, PA_EINVAL, "contains control character 0x%02X", s[i]);
        size_t n = utf8_sequence(s + i, len - i);
        if (n == 0)
            return pa_error_set(err, PA_EINVAL, "is not valid UTF-8 (byte %zu)", i + 1);
        i += n;
        chars++;
    }
    if (chars > max_chars)
        return pa_error_set(err, PA_EINVAL, "is %zu characters long; at most %zu allowed", chars,
                            max_chars);
    return 0;
}

int pa_region_code_check(const char *text, struct pa_error *err)
{
    PA_ASSERT(text != NULL);
    for (int i = 0; i < 6; i++)
        if (text[i] < '0' || text[i] > '9')
            goto bad;
    if (text[6] == '\0')
        return 0;
bad:
    return pa_error_set(err, PA_EINVAL, "'%.40s' is not a six-digit GB/T 2260 region code", text);
}

static const char credit_charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int credit_value(char c)
{
    const char *p = c ? strchr(credit_charset, c) : NULL;
    return p ? (int)(p - credit_charset) : -1;
}

char pa_credit_code_check_char(const char first17[17])
{
    static const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    static_assert(sizeof(credit_charset) - 1 == 31, "31 characters, values 0-30");
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        int v = credit_value(first17[i]);
        if (v < 0)
            return 0;
        sum += v * weights[i];
    }
    return credit_charset[(31 - sum % 31) % 31];
}

int pa_credit_code_check(const char *text, struct pa_error *err)
{
    PA_ASSERT(text != NULL);
    size_t n = strlen(text);
    if (n != 18)
        return pa_error_set(err, PA_EINVAL,
                            "a unified social credit code has 18 characters, not %zu", n);
    for (size_t i = 0; i < n; i++)
        if (credit_value(text[i]) < 0)
            return pa_error_set(err, PA_EINVAL,
                                "character %zu ('%c') is not allowed in a credit code", i + 1,
                                text[i] > 0x20 && text[i] < 0x7F ? text[i] : '?');
    for (size_t i = 2; i < 8; i++)
        if (text[i] < '0' || text[i] > '9')
            return pa_error_set(err, PA_EINVAL,
                                "characters 3-8 of a credit code are a region code (digits)");
    char expected = pa_credit_code_check_char(text);
    if (expected != text[17])
        return pa_error_set(err, PA_EINVAL, "check character is '%c' but should be '%c'", text[17],
                            expected);
    return 0;
}

const char *pa_json_escape(unsigned char c, char buf[8])
{
    static const char *const short_forms[] = {['"'] = "\\\"", ['\\'] = "\\\\", ['\b'] = "\\b",
                                              ['\f'] = "\\f", ['\n'] = "\\n", ['\r'] = "\\r",
                                              ['\t'] = "\\t"};
    if (c >= 0x20 && c != '"' && c != '\\')
        return NULL;
    if (short_forms[c])
        return short_forms[c];
    snprintf(buf, 8, "\\u%04X", c);
    return buf;
}
