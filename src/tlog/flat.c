/*
 * flat.c - reading an event's canonical bytes without a JSON tree.
 *
 * `log verify` and `pairaid rebuild` read every event of the log; through
 * jansson (parse, dump again to prove the bytes canonical, unpack) reading
 * took most of verify's time (bench/RESULTS.md, issue 14).  Transfers, the bulk
 * of any log, carry flat data: strings, integers, booleans.  This reader takes
 * exactly that shape in version 2's key order, and proves the bytes canonical
 * the way pa_tlog_decode does, by encoding the fields again (pa_canon, which
 * the tests hold byte-identical to jansson) and comparing.  Whatever it does
 * not take is not judged here: pa_tlog_decode reads it as before, so an event
 * is accepted or refused exactly as it was, with the same message.
 */
#include <stdlib.h>
#include <string.h>

#include "pairaid/tlog.h"

#define FLAT_MAX_BYTES ((size_t)1 << 20)

struct cursor {
    const char *p, *end;
    char *out; /* where the next decoded string goes in the reader's text */
};

void pa_flat_reader_init(struct pa_flat_reader *r)
{
    memset(r, 0, sizeof(*r));
    pa_canon_init(&r->canon);
}

void pa_flat_reader_release(struct pa_flat_reader *r)
{
    pa_canon_release(&r->canon);
    free(r->text);
    memset(r, 0, sizeof(*r));
}

static bool literal(struct cursor *c, const char *s, size_t n)
{
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
        return false;
    c->p += n;
    return true;
}

/* Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most
 * U+10FFFF), which is what jansson accepts. */
static bool utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char b = s[i];
        size_t more = b < 0x80                 ? 0
                      : b >= 0xC2 && b <= 0xDF ? 1
                      : b >= 0xE0 && b <= 0xEF ? 2
                      : b >= 0xF0 && b <= 0xF4 ? 3
                                               : 4; /* never a lead byte */
        if (more == 4 || more > n - i - 1)
            return false;
        unsigned char b1 = more ? s[i + 1] : 0x80;
        if ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 > 0x9F) || /* overlong, surrogate */
            (b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 > 0x8F))   /* overlong, > U+10FFFF */
            return false;
        for (size_t k = 1; k <= more; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
        i += more + 1;
    }
    return true;
}

/* A string: the bytes as they are, or the short escapes jansson writes; a
 * \u escape (which jansson writes for other control characters) is left to
 * jansson.  Decoded into the reader's text, NUL-terminated. */
static bool string(struct cursor *c, const char **text)
{
    if (!literal(c, "\"", 1))
        return false;
    *text = c->out;
    const char *run = c->p;
    for (;;) {
        if (c->p == c->end)
            return false;
        unsigned char ch = (unsigned char)*c->p;
        if (ch == '"')
            break;
        if (ch < 0x20)
            return false;
        if (ch != '\\') {
            c->p++;
            continue;
        }
        if (c->end - c->p < 2)
            return false;
        const char *short_forms = "\"\\bfnrt", *decoded = "\"\\\b\f\n\r\t";
        const char *f = memchr(short_forms, c->p[1], 7);
        if (f == NULL)
            return false;
        memcpy(c->out, run, (size_t)(c->p - run));
        c->out += c->p - run;
        *c->out++ = decoded[f - short_forms];
        c->p += 2;
        run = c->p;
    }
    memcpy(c->out, run, (size_t)(c->p - run));
    c->out += c->p - run;
    *c->out++ = '\0';
    c->p++; /* the closing quote */
    return utf8_ok((const unsigned char *)*text, strlen(*text));
}

/* An integer as jansson writes it: no leading zero, no "-0", within int64. */
static bool integer(struct cursor *c, int64_t *v)
{
    bool negative = c->p < c->end && *c->p == '-';
    const char *digits = c->p + negative, *p = digits;
    uint64_t m = 0;
    while (p < c->end && *p >= '0' && *p <= '9') {
        if (m > (UINT64_MAX - 9) / 10)
            return false;
        m = m * 10 + (uint64_t)(*p++ - '0');
    }
    size_t n = (size_t)(p - digits);
    if (n == 0 || (n > 1 && digits[0] == '0') || (negative && m == 0))
        return false;
    if (m > (uint64_t)INT64_MAX + negative)
        return false;
    *v = negative ? (int64_t)(0 - m) : (int64_t)m;
    c->p = p;
    return true;
}

static bool value(struct cursor *c, struct pa_flat_field *f)
{
    f->text = NULL;
    f->number = 0;
    if (c->p == c->end)
        return false;
    if (*c->p == '"') {
        f->type = PA_FLAT_STRING;
        return string(c, &f->text);
    }
    f->type = PA_FLAT_BOOL;
    if (literal(c, "true", 4))
        return f->number = 1, true;
    if (literal(c, "false", 5))
        return true;
    f->type = PA_FLAT_INT;
    return integer(c, &f->number);
}

/* `{` fields `}`, keys strictly ascending (which also rules out repeats). */
static bool fields(struct cursor *c, struct pa_flat *flat)
{
    flat->n = 0;
    if (literal(c, "}", 1))
        return true;
    do {
        if (flat->n == PA_FLAT_FIELDS_MAX)
            return false;
        struct pa_flat_field *f = &flat->field[flat->n];
        if (!string(c, &f->key) || !literal(c, ":", 1) || !value(c, f))
            return false;
        if (flat->n > 0 && strcmp(flat->field[flat->n - 1].key, f->key) >= 0)
            return false;
        flat->n++;
    } while (literal(c, ",", 1));
    return literal(c, "}", 1);
}

/* The envelope of version 2, in its canonical key order. */
static bool envelope(struct cursor *c, struct pa_event *ev, struct pa_flat *flat)
{
    if (!literal(c, "{\"actor\":", 9) || !string(c, &ev->actor) || !literal(c, ",\"data\":{", 9) ||
        !fields(c, flat) || !literal(c, ",\"role\":", 8) || !string(c, &ev->role))
        return false;
    if (literal(c, ",\"scope\":", 9) && !string(c, &ev->scope))
        return false;
    return literal(c, ",\"time\":", 8) && integer(c, &ev->time) && literal(c, ",\"type\":", 8) &&
           string(c, &ev->type) && literal(c, ",\"v\":2}", 7) && c->p == c->end;
}

/* Encodes what was read again: the bytes are canonical when they come back. */
static bool canonical(struct pa_flat_reader *r, const struct pa_event *ev, const void *entry,
                      size_t len)
{
    struct pa_actor who = {ev->actor, ev->role, ev->scope};
    pa_canon_begin(&r->canon, &who);
    for (int i = 0; i < r->flat.n; i++) {
        const struct pa_flat_field *f = &r->flat.field[i];
        pa_canon_key(&r->canon, f->key);
        if (f->type == PA_FLAT_STRING)
            pa_canon_string(&r->canon, f->text, strlen(f->text));
        else if (f->type == PA_FLAT_INT)
            pa_canon_int(&r->canon, f->number);
        else
            pa_canon_bool(&r->canon, f->number != 0);
    }
    return pa_canon_finish(&r->canon, ev->time, ev->type, NULL) == 0 && r->canon.len == len &&
           memcmp(r->canon.buf, entry, len) == 0;
}

bool pa_flat_decode(struct pa_flat_reader *r, const void *entry, size_t len, struct pa_event *ev)
{
    PA_ASSERT(r != NULL && entry != NULL && ev != NULL);
    memset(ev, 0, sizeof(*ev));
    if (len > FLAT_MAX_BYTES)
        return false;
    /* decoded strings and their NULs never take more room than the quoted
     * strings they come from */
    if (r->cap < len + 1) {
        char *grown = realloc(r->text, len + 1);
        if (grown == NULL)
            return false;
        r->text = grown;
        r->cap = len + 1;
    }
    struct cursor c = {entry, (const char *)entry + len, r->text};
    if (!envelope(&c, ev, &r->flat) || !canonical(r, ev, entry, len)) {
        memset(ev, 0, sizeof(*ev));
        return false;
    }
    PA_ASSERT((size_t)(c.out - r->text) <= len + 1);
    ev->version = PA_EVENT_VERSION;
    ev->flat = &r->flat;
    return true;
}
