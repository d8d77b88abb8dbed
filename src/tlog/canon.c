/*
 * canon.c - canonical event bytes written directly, without building and
 * dumping a JSON tree: the import of 100,000 projects spent 63 % of its
 * instructions in jansson (bench/RESULTS.md).  The rules are those of
 * docs/events.md, and the tests check byte-identity with pa_tlog_encode.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairaid/tlog.h"

#define CANON_MAX_BYTES ((size_t)64 << 20)

void pa_canon_init(struct pa_canon *c)
{
    memset(c, 0, sizeof(*c));
}

void pa_canon_release(struct pa_canon *c)
{
    free(c->buf);
    memset(c, 0, sizeof(*c));
}

static void put(struct pa_canon *c, const char *s, size_t n)
{
    if (c->failed)
        return;
    if (c->len + n > c->cap) {
        size_t cap = c->cap ? c->cap : 512;
        while (cap < c->len + n)
            cap *= 2;
        char *buf = cap <= CANON_MAX_BYTES ? realloc(c->buf, cap) : NULL;
        if (buf == NULL) {
            c->failed = true;
            return;
        }
        c->buf = buf;
        c->cap = cap;
    }
    memcpy(c->buf + c->len, s, n);
    c->len += n;
}

/* JSON string escaping as jansson does it: `"` and `\`, the short forms for
 * \b \f \n \r \t, \u00XX (upper-case hex) for other control characters; all
 * other bytes, UTF-8 included, as they are. */
static void put_string(struct pa_canon *c, const char *s, size_t len)
{
    put(c, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        char buf[8];
        const char *esc = pa_json_escape((unsigned char)s[i], buf);
        if (esc == NULL)
            continue;
        put(c, s + run, i - run);
        put(c, esc, strlen(esc));
        run = i + 1;
    }
    put(c, s + run, len - run);
    put(c, "\"", 1);
}

void pa_canon_begin(struct pa_canon *c, const struct pa_actor *who)
{
    PA_ASSERT(who != NULL && who->name != NULL && who->role != NULL);
    c->len = 0;
    c->failed = false;
    c->who = *who;
    put(c, "{\"actor\":", 9);
    put_string(c, who->name, strlen(who->name));
    put(c, ",\"data\":{", 9);
    c->last_key = NULL;
    c->first = true;
}

void pa_canon_key(struct pa_canon *c, const char *key)
{
    PA_ASSERT(c->last_key == NULL || strcmp(c->last_key, key) < 0);
    c->last_key = key;
    if (!c->first)
        put(c, ",", 1);
    c->first = false;
    put_string(c, key, strlen(key));
    put(c, ":", 1);
}

void pa_canon_string(struct pa_canon *c, const char *s, size_t len)
{
    put_string(c, s, len);
}

void pa_canon_int(struct pa_canon *c, int64_t v)
{
    char digits[24];
    char *p = digits + sizeof(digits);
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    if (v < 0)
        *--p = '-';
    put(c, p, (size_t)(digits + sizeof(digits) - p));
}

void pa_canon_bool(struct pa_canon *c, bool v)
{
    put(c, v ? "true" : "false", v ? 4 : 5);
}

int pa_canon_finish(struct pa_canon *c, int64_t time_s, const char *type, struct pa_error *err)
{
    put(c, "},\"role\":", 9);
    put_string(c, c->who.role, strlen(c->who.role));
    if (c->who.scope) {
        put(c, ",\"scope\":", 9);
        put_string(c, c->who.scope, strlen(c->who.scope));
    }
    put(c, ",\"time\":", 8);
    pa_canon_int(c, time_s);
    put(c, ",\"type\":", 8);
    put_string(c, type, strlen(type));
    put(c, ",\"v\":2}", 7);
    static_assert(PA_EVENT_VERSION == 2, "the trailer above writes version 2");
    if (c->failed)
        return pa_error_set(err, PA_ENOMEM, "event '%s' is too large", type);
    return 0;
}
