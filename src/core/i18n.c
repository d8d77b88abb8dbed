/*
 * i18n.c - messages in two languages.  The English printf format of a message
 * is its key: the catalogue (messages.c) gives its Chinese twin with the same
 * conversions in the same order.  The Chinese is formatted here, conversion by
 * conversion, so that it can show field names and codes by their Chinese
 * labels (%#s) and embed the Chinese of an earlier message where the English
 * embeds the English one.  Also: which language an Accept-Language header
 * prefers.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pairaid/core.h"
#include "messages.h"

/* ---- the catalogue ----------------------------------------------------------- */

static int compare_key(const void *key, const void *entry)
{
    return strcmp(key, ((const struct pa_msg_entry *)entry)->en);
}

static const char *lookup(const struct pa_msg_entry *table, size_t n, const char *key)
{
    if (key == NULL)
        return NULL;
    const struct pa_msg_entry *e = bsearch(key, table, n, sizeof(*table), compare_key);
    return e ? e->zh : NULL;
}

const char *pa_msg_zh(const char *en)
{
    return lookup(pa_msg_catalogue, pa_msg_catalogue_len, en);
}

const char *pa_field_label(const char *name, enum pa_lang lang)
{
    const char *zh = lang == PA_LANG_ZH ? lookup(pa_msg_fields, pa_msg_fields_len, name) : NULL;
    return zh ? zh : name;
}

static int compare_code(const void *key, const void *entry)
{
    return strcmp(key, ((const struct pa_msg_code *)entry)->code);
}

const char *pa_field_name(size_t i)
{
    return i < pa_msg_fields_len ? pa_msg_fields[i].en : NULL;
}

const char *pa_error_code_text(const char *code, enum pa_lang lang)
{
    const struct pa_msg_code *e =
        code ? bsearch(code, pa_msg_codes, pa_msg_codes_len, sizeof(*e), compare_code) : NULL;
    if (e == NULL)
        return NULL;
    return lang == PA_LANG_ZH ? e->zh : e->en;
}

/* ---- the ring of recent texts and their twins --------------------------------- */

/* Big enough for a request's or a file's worth of nested messages; an evicted
 * text merely shows in English inside a Chinese message. */
#define TWINS 64

static struct {
    char en[512], zh[512];
} twins[TWINS];
static unsigned twins_next;
static pthread_mutex_t twins_lock = PTHREAD_MUTEX_INITIALIZER;

void pa_msg_twin(const char *en, const char *zh)
{
    if (en == NULL || zh == NULL || en[0] == '\0' || strcmp(en, zh) == 0)
        return;
    pthread_mutex_lock(&twins_lock);
    for (unsigned i = 0; i < TWINS; i++)
        if (strcmp(twins[i].en, en) == 0 && strcmp(twins[i].zh, zh) == 0) {
            pthread_mutex_unlock(&twins_lock);
            return;
        }
    unsigned slot = twins_next++ % TWINS;
    snprintf(twins[slot].en, sizeof(twins[slot].en), "%s", en);
    snprintf(twins[slot].zh, sizeof(twins[slot].zh), "%s", zh);
    pthread_mutex_unlock(&twins_lock);
}

/* Copies the twin of en into buf and returns true, if the ring holds one. */
static bool twin_of(const char *en, char *buf, size_t size)
{
    bool found = false;
    if (en == NULL || en[0] == '\0')
        return false;
    pthread_mutex_lock(&twins_lock);
    for (unsigned i = 0; i < TWINS && !found; i++) {
        unsigned slot = (twins_next - 1 - i) % TWINS; /* the newest first */
        if (strcmp(twins[slot].en, en) == 0) {
            snprintf(buf, size, "%s", twins[slot].zh);
            found = true;
        }
    }
    pthread_mutex_unlock(&twins_lock);
    return found;
}

/* ---- formatting one conversion at a time --------------------------------------- */

struct spec {
    char text[32]; /* the conversion as written, '#' dropped for %s */
    bool label;    /* %#s: show the argument's Chinese label */
    bool star_width, star_precision;
    int precision; /* -1: none */
    char length[3];
    char conv;
};

/* Parses the conversion at fmt (just after '%'); returns its length, 0 if it
 * is not one this formatter knows. */
static size_t parse_spec(const char *fmt, struct spec *s)
{
    const char *p = fmt;
    memset(s, 0, sizeof(*s));
    s->precision = -1;
    size_t out = 0;
    s->text[out++] = '%';
    for (; *p && strchr("-+ #0", *p); p++) {
        if (*p == '#')
            s->label = true;
        else if (out < 8)
            s->text[out++] = *p;
    }
    if (*p == '*')
        s->star_width = true, s->text[out++] = *p++;
    while (isdigit((unsigned char)*p) && out < 16)
        s->text[out++] = *p++;
    if (*p == '.') {
        s->text[out++] = *p++;
        if (*p == '*')
            s->star_precision = true, s->text[out++] = *p++;
        else {
            s->precision = atoi(p);
            while (isdigit((unsigned char)*p) && out < 24)
                s->text[out++] = *p++;
        }
    }
    for (int n = 0; n < 2 && *p && strchr("hlzjt", *p); n++)
        s->length[n] = *p, s->text[out++] = *p++;
    if (*p == '\0' || !strchr("diouxXcsp%", *p))
        return 0;
    s->conv = *p;
    s->text[out++] = *p++;
    s->text[out] = '\0';
    if (s->label && s->conv != 's')
        return 0;
    return (size_t)(p - fmt);
}

/* The text a %s argument shows in Chinese: its label, or its twin. */
static const char *chinese_arg(const struct spec *s, const char *arg, char *buf, size_t size)
{
    if (arg == NULL)
        return "(null)";
    if (s->label) {
        const char *label = pa_field_label(arg, PA_LANG_ZH);
        if (label == arg)
            label = pa_msg_zh(arg);
        if (label)
            return label;
    }
    return twin_of(arg, buf, size) ? buf : arg;
}

/* Appends one string, cut to `precision` bytes without splitting a character. */
static size_t put_text(char *buf, size_t size, size_t at, const char *text, int precision)
{
    size_t len = strlen(text);
    if (precision >= 0 && len > (size_t)precision) {
        len = (size_t)precision;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    }
    for (size_t i = 0; i < len; i++, at++)
        if (at + 1 < size)
            buf[at] = text[i];
    return at;
}

/* Formats one non-string conversion with snprintf and the right argument type. */
static int put_value(char *tmp, size_t size, const struct spec *s, va_list *ap)
{
    const char *l = s->length;
    if (s->conv == 'p')
        return snprintf(tmp, size, s->text, va_arg(*ap, void *));
    if (strchr("di", s->conv)) {
        if (strcmp(l, "ll") == 0)
            return snprintf(tmp, size, s->text, va_arg(*ap, long long));
        if (strcmp(l, "l") == 0)
            return snprintf(tmp, size, s->text, va_arg(*ap, long));
        if (strcmp(l, "z") == 0 || strcmp(l, "t") == 0 || strcmp(l, "j") == 0)
            return snprintf(tmp, size, s->text, va_arg(*ap, long));
        return snprintf(tmp, size, s->text, va_arg(*ap, int));
    }
    if (strcmp(l, "ll") == 0)
        return snprintf(tmp, size, s->text, va_arg(*ap, unsigned long long));
    if (l[0] == 'l' || l[0] == 'z' || l[0] == 'j' || l[0] == 't')
        return snprintf(tmp, size, s->text, va_arg(*ap, unsigned long));
    return snprintf(tmp, size, s->text, va_arg(*ap, unsigned)); /* also c, hh, h */
}

static int format_zh(char *buf, size_t size, const char *fmt, va_list ap)
{
    size_t at = 0;
    va_list args;
    va_copy(args, ap);
    for (const char *p = fmt; *p;) {
        struct spec s;
        size_t n = *p == '%' ? parse_spec(p + 1, &s) : 0;
        if (n == 0 || s.conv == '%') {
            at = put_text(buf, size, at, n ? "%" : (char[]){*p, '\0'}, -1);
            p += n ? n + 1 : 1;
            continue;
        }
        p += n + 1;
        int width = s.star_width ? va_arg(args, int) : 0;
        int precision = s.star_precision ? va_arg(args, int) : s.precision;
        if (s.conv == 's') {
            char twin[512];
            const char *text = chinese_arg(&s, va_arg(args, const char *), twin, sizeof(twin));
            at = put_text(buf, size, at, text, precision);
            (void)width; /* no message pads a string */
            continue;
        }
        char tmp[64];
        if (s.star_width || s.star_precision) {
            at = put_text(buf, size, at, "?", -1); /* no message uses them on numbers */
            (void)va_arg(args, int);
            continue;
        }
        if (put_value(tmp, sizeof(tmp), &s, &args) >= 0)
            at = put_text(buf, size, at, tmp, -1);
    }
    va_end(args);
    if (size > 0)
        buf[at < size ? at : size - 1] = '\0';
    return (int)at;
}

int pa_msg_vformat(char *buf, size_t size, enum pa_lang lang, const char *fmt, va_list ap)
{
    if (lang == PA_LANG_EN)
        return vsnprintf(buf, size, fmt, ap);
    const char *zh = pa_msg_zh(fmt);
    /* a format the catalogue lacks keeps its English words, with the Chinese
     * of what it embeds */
    return format_zh(buf, size, zh ? zh : fmt, ap);
}

int pa_msg_format(char *buf, size_t size, enum pa_lang lang, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = pa_msg_vformat(buf, size, lang, fmt, ap);
    va_end(ap);
    return n;
}

void pa_msg_format2(char *en, char *zh, size_t size, const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    vsnprintf(en, size, fmt, ap);
    pa_msg_vformat(zh, size, PA_LANG_ZH, fmt, again);
    va_end(again);
    va_end(ap);
    pa_msg_twin(en, zh);
}

const char *pa_msg_skip_line(const char *text)
{
    const char *p = text;
    if (strncmp(p, "line ", 5) == 0)
        p += 5;
    else if (strncmp(p, "第 ", strlen("第 ")) == 0)
        p += strlen("第 ");
    else
        return text;
    if (!isdigit((unsigned char)*p))
        return text;
    while (isdigit((unsigned char)*p))
        p++;
    if (strncmp(p, ": ", 2) == 0)
        return p + 2;
    if (strncmp(p, " 行：", strlen(" 行：")) == 0)
        return p + strlen(" 行：");
    return text;
}

/* ---- Accept-Language -------------------------------------------------------- */

/* The q-value of one range ("zh-CN;q=0.8"): 1000ths, 1000 when none is given. */
static int quality(const char *range, size_t len)
{
    const char *q = memchr(range, ';', len);
    if (q == NULL)
        return 1000;
    while (q < range + len && (*q == ';' || *q == ' '))
        q++;
    if (range + len - q < 3 || q[0] != 'q' || q[1] != '=')
        return 1000;
    q += 2;
    int value = (*q == '1') ? 1000 : 0;
    if (*q == '0' && q + 1 < range + len && q[1] == '.') {
        int scale = 100;
        for (const char *d = q + 2; d < range + len && isdigit((unsigned char)*d) && scale > 0;
             d++, scale /= 10)
            value += (*d - '0') * scale;
    }
    return value;
}

static bool names(const char *range, size_t len, const char *lang)
{
    size_t n = strlen(lang);
    return len >= n && strncasecmp(range, lang, n) == 0 &&
           (len == n || range[n] == '-' || range[n] == ';' || range[n] == ' ');
}

enum pa_lang pa_lang_accept(const char *header)
{
    int zh = -1, en = -1;
    for (const char *p = header; p && *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t len = strcspn(p, ",");
        if (len == 0)
            break;
        int q = quality(p, len);
        if (names(p, len, "zh") && q > zh)
            zh = q;
        if (names(p, len, "en") && q > en)
            en = q;
        p += len;
    }
    return zh > 0 && zh > en ? PA_LANG_ZH : PA_LANG_EN;
}
