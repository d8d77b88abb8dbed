/*
 * jsonw.c - a streaming JSON writer for the large list answers (balances, log
 * entries): each row is written as text straight into the answer's buffer,
 * with no tree of json_t values to build, hash and free per field, which is
 * what made GET /balances spend most of its time in jansson.
 *
 * The bytes are exactly those json_dumps(..., JSON_COMPACT) writes for the
 * same values in the same order (tests/http/test_jsonw.c compares them): no
 * spaces, keys in the order written, strings escaped as jansson escapes them
 * (\" \\ \b \f \n \r \t, other controls as \u00XX in upper-case hex, "/" and
 * non-ASCII as they are).  Strings must be valid UTF-8, as jansson requires;
 * pa_jw_stringn checks text that comes from outside (the log's bytes).
 *
 * The buffer grows by doubling and is handed to the reply as it is (the reply
 * is malloc'd and freed with the request), so the answer is never copied.
 * Running out of memory is remembered and answered 503 at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

static void put(struct pa_json_writer *w, const char *s, size_t n)
{
    if (w->failed)
        return;
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < w->len + n + 1)
            cap *= 2;
        char *buf = realloc(w->buf, cap);
        if (buf == NULL) {
            w->failed = true;
            return;
        }
        w->buf = buf;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

/* The comma before a value or a key that is not the first of its container. */
static void separate(struct pa_json_writer *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth > 0 && !w->first[w->depth - 1])
        put(w, ",", 1);
    if (w->depth > 0)
        w->first[w->depth - 1] = false;
}

static void open_container(struct pa_json_writer *w, char c)
{
    separate(w);
    put(w, &c, 1);
    if (w->depth == PA_JW_DEPTH_MAX) {
        w->failed = true;
        return;
    }
    w->first[w->depth++] = true;
}

static void close_container(struct pa_json_writer *w, char c)
{
    PA_ASSERT(w->depth > 0 || w->failed);
    if (w->depth > 0)
        w->depth--;
    put(w, &c, 1);
}

void pa_jw_object(struct pa_json_writer *w)
{
    open_container(w, '{');
}

void pa_jw_end_object(struct pa_json_writer *w)
{
    close_container(w, '}');
}

void pa_jw_array(struct pa_json_writer *w)
{
    open_container(w, '[');
}

void pa_jw_end_array(struct pa_json_writer *w)
{
    close_container(w, ']');
}

/* The string's bytes, escaped as jansson's dump_string escapes them. */
static void quoted(struct pa_json_writer *w, const char *s, size_t n)
{
    put(w, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        char buf[8];
        const char *esc = pa_json_escape((unsigned char)s[i], buf);
        if (esc == NULL)
            continue;
        put(w, s + start, i - start);
        put(w, esc, strlen(esc));
        start = i + 1;
    }
    put(w, s + start, n - start);
    put(w, "\"", 1);
}

void pa_jw_key(struct pa_json_writer *w, const char *key)
{
    separate(w);
    quoted(w, key, strlen(key));
    put(w, ":", 1);
    w->after_key = true;
}

void pa_jw_null(struct pa_json_writer *w)
{
    separate(w);
    put(w, "null", 4);
}

void pa_jw_string(struct pa_json_writer *w, const char *s)
{
    if (s == NULL) {
        pa_jw_null(w);
        return;
    }
    separate(w);
    quoted(w, s, strlen(s));
}

/* Is s[0..n) UTF-8 as jansson's json_stringn accepts it: no overlong form, no
 * surrogate, nothing past U+10FFFF (a NUL byte is allowed, written \u0000)? */
static bool utf8_valid(const unsigned char *s, size_t n)
{
    static const uint32_t least[] = {0, 0x80, 0x800, 0x10000};
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t more;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            more = 1, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            more = 2, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            more = 3, cp = c & 0x07;
        } else {
            return false;
        }
        if (more > n - 1 - i)
            return false;
        for (size_t k = 1; k <= more; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if (cp < least[more] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += more + 1;
    }
    return true;
}

bool pa_jw_stringn(struct pa_json_writer *w, const char *s, size_t n)
{
    if (!utf8_valid((const unsigned char *)s, n))
        return false;
    separate(w);
    quoted(w, s, n);
    return true;
}

void pa_jw_int(struct pa_json_writer *w, int64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof(buf), "%lld", (long long)v);
    separate(w);
    put(w, buf, (size_t)n);
}

void pa_jw_money(struct pa_json_writer *w, int64_t fen)
{
    char buf[64];
    pa_money_format(fen, PA_YUAN, 0, buf, sizeof(buf));
    pa_jw_string(w, buf);
}

void pa_jw_string_field(struct pa_json_writer *w, const char *key, const char *s)
{
    pa_jw_key(w, key);
    pa_jw_string(w, s);
}

void pa_jw_int_field(struct pa_json_writer *w, const char *key, int64_t v)
{
    pa_jw_key(w, key);
    pa_jw_int(w, v);
}

void pa_jw_money_field(struct pa_json_writer *w, const char *key, int64_t fen)
{
    pa_jw_key(w, key);
    pa_jw_money(w, fen);
}

void pa_jw_json(struct pa_json_writer *w, const json_t *value)
{
    char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
    if (text == NULL) {
        w->failed = true;
        return;
    }
    separate(w);
    put(w, text, strlen(text));
    free(text);
}

void pa_jw_free(struct pa_json_writer *w)
{
    free(w->buf);
    memset(w, 0, sizeof(*w));
}

void pa_http_json_writer(struct pa_http_request *r, unsigned status, struct pa_json_writer *w)
{
    if (w->failed || w->depth != 0 || w->buf == NULL) {
        pa_jw_free(w);
        pa_http_error(r, 503, "busy", NULL, "out of memory");
        return;
    }
    pa_http_bytes(r, status, "application/json", w->buf, w->len);
    w->buf = NULL;
    pa_jw_free(w);
}
