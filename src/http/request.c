/*
 * request.c - reading a request: its arena, query parameters, and JSON bodies
 * held to the contract (money as "123.45", unknown fields refused).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http_int.h"

/* ---- the arena -------------------------------------------------------------- */

/* Under AddressSanitizer the bytes of a chunk that no allocation has asked for
 * are poisoned, so that reading past one string of a request (into the
 * padding after it, or the next string) is reported as it would be for
 * malloc'd memory, instead of passing unseen inside the chunk. */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(addr, size)   ((void)(addr), (void)(size))
#define ASAN_UNPOISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#endif

struct pa_arena_chunk {
    struct pa_arena_chunk *next;
    size_t used, size;
    max_align_t data[];
};

#define CHUNK_MIN 4096

void *pa_http_alloc(struct pa_http_request *r, size_t size)
{
    size_t rounded = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    struct pa_arena_chunk *c = r->arena;
    if (c == NULL || c->size - c->used < rounded) {
        size_t bytes = rounded > CHUNK_MIN ? rounded : CHUNK_MIN;
        c = malloc(sizeof(*c) + bytes);
        if (c == NULL)
            return NULL;
        ASAN_POISON_MEMORY_REGION(c->data, bytes);
        c->next = r->arena;
        c->used = 0;
        c->size = bytes;
        r->arena = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += rounded;
    ASAN_UNPOISON_MEMORY_REGION(p, size);
    return p;
}

char *pa_http_strdup(struct pa_http_request *r, const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = pa_http_alloc(r, n);
    return copy ? memcpy(copy, s, n) : NULL;
}

void pa_http_arena_free(struct pa_http_request *r)
{
    while (r->arena) {
        struct pa_arena_chunk *next = r->arena->next;
        ASAN_UNPOISON_MEMORY_REGION(r->arena->data, r->arena->size);
        free(r->arena);
        r->arena = next;
    }
}

/* ---- headers, arguments, cookies ----------------------------------------------------- */

const char *pa_http_header(const struct pa_http_request *r, const char *name)
{
    for (int i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

const char *pa_http_query(const struct pa_http_request *r, const char *name)
{
    for (int i = 0; i < r->nargs; i++)
        if (strcmp(r->args[i].name, name) == 0)
            return r->args[i].value ? r->args[i].value : "";
    return NULL;
}

/* RFC 6265 5.4: "name=value" pairs separated by "; ".  The value is copied
 * into the arena; the first cookie of that name wins. */
const char *pa_http_cookie(struct pa_http_request *r, const char *name)
{
    const char *header = pa_http_header(r, "Cookie");
    size_t n = strlen(name);
    for (const char *p = header; p && *p;) {
        while (*p == ' ' || *p == ';')
            p++;
        size_t len = strcspn(p, ";");
        if (len > n && strncmp(p, name, n) == 0 && p[n] == '=') {
            char *value = pa_http_alloc(r, len - n);
            if (value == NULL)
                return NULL;
            memcpy(value, p + n + 1, len - n - 1);
            value[len - n - 1] = '\0';
            return value;
        }
        p += len;
    }
    return NULL;
}

/* Percent-decodes in place, as libmicrohttpd would, but leaves "%00" as it is:
 * a NUL would silently cut the rest off, so that "/app/%00../../etc/passwd"
 * read as "/app/".  Undecoded, it names nothing. */
size_t pa_http_unescape(char *s)
{
    char *out = s;
    for (const char *in = s; *in; in++) {
        unsigned hi, lo;
        if (in[0] == '%' && isxdigit((unsigned char)in[1]) && isxdigit((unsigned char)in[2]) &&
            sscanf(in + 1, "%1x%1x", &hi, &lo) == 2 && (hi | lo) != 0) {
            *out++ = (char)(hi << 4 | lo);
            in += 2;
        } else {
            *out++ = *in;
        }
    }
    *out = '\0';
    return (size_t)(out - s);
}

int pa_http_query_int(struct pa_http_request *r, const char *name, int64_t min, int64_t max,
                      int64_t fallback, int64_t *out)
{
    const char *text = pa_http_query(r, name);
    *out = fallback;
    if (text == NULL)
        return 0;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (!isdigit((unsigned char)text[0]) || *end != '\0' || errno == ERANGE || v < min || v > max) {
        pa_http_error(r, 400, "malformed", name, "%s must be a whole number from %lld to %lld",
                      name, (long long)min, (long long)max);
        return -1;
    }
    *out = v;
    return 0;
}

int pa_http_page(struct pa_http_request *r, int64_t *limit, int64_t *offset)
{
    if (pa_http_query_int(r, "limit", 1, PA_HTTP_PAGE_MAX, 100, limit) != 0)
        return -1;
    return pa_http_query_int(r, "offset", 0, INT64_MAX / 2, 0, offset);
}

/* ---- JSON bodies ----------------------------------------------------------------- */

json_t *pa_http_body_json(struct pa_http_request *r, bool allow_array)
{
    json_error_t jerr;
    json_t *v =
        r->body_len ? json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
    if (v == NULL) {
        pa_http_error(r, 400, "malformed", NULL, "the body is not JSON: %s",
                      r->body_len ? jerr.text : "it is empty");
        return NULL;
    }
    bool ok = json_is_object(v);
    if (allow_array && json_is_array(v)) {
        size_t i;
        json_t *item;
        ok = json_array_size(v) > 0;
        json_array_foreach(v, i, item) ok = ok && json_is_object(item);
    }
    if (!ok) {
        pa_http_error(r, 400, "malformed", NULL,
                      allow_array ? "the body must be an object or a non-empty array of objects"
                                  : "the body must be a JSON object");
        json_decref(v);
        return NULL;
    }
    return v;
}

static void field_name(char *buf, size_t size, const char *prefix, const char *key)
{
    snprintf(buf, size, "%s%s%s", prefix ? prefix : "", prefix && prefix[0] ? "." : "", key);
}

int pa_http_known_fields(struct pa_http_request *r, json_t *obj, const char *const *allowed,
                         const char *prefix)
{
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value)
    {
        bool known = false;
        for (int i = 0; allowed[i] && !known; i++)
            known = strcmp(allowed[i], key) == 0;
        if (!known) {
            char field[96];
            field_name(field, sizeof(field), prefix, key);
            pa_http_error(r, 422, "invalid", field, "unknown field '%.64s'", key);
            return -1;
        }
    }
    return 0;
}

int pa_http_optional_text(struct pa_http_request *r, json_t *body, const char *key,
                          const char **out)
{
    json_t *v = json_object_get(body, key);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        pa_http_error(r, 422, "invalid", key, "%s must be a string", key);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

/* Money in the API: digits, a point and exactly two decimals, as a string. */
static bool money_text(const char *s)
{
    size_t digits = strspn(s, "0123456789");
    return digits > 0 && (digits == 1 || s[0] != '0') && s[digits] == '.' &&
           isdigit((unsigned char)s[digits + 1]) && isdigit((unsigned char)s[digits + 2]) &&
           s[digits + 3] == '\0';
}

/* The text a column's parser expects for a JSON value, or NULL after answering 422. */
static const char *column_text(struct pa_http_request *r, const struct pa_column *col,
                               json_t *value, const char *field, char *buf, size_t size)
{
    switch (col->type) {
    case PA_COL_COUNT:
        if (!json_is_integer(value) || json_integer_value(value) < 0)
            break;
        snprintf(buf, size, "%lld", (long long)json_integer_value(value));
        return buf;
    case PA_COL_BOOL:
        if (!json_is_boolean(value))
            break;
        return json_is_true(value) ? "true" : "false";
    case PA_COL_MONEY:
        if (!json_is_string(value))
            break;
        if (!money_text(json_string_value(value))) {
            pa_http_error(r, 422, "invalid", field,
                          "money is a string of yuan with exactly two decimals, like "
                          "\"1400000.00\"");
            return NULL;
        }
        return json_string_value(value);
    default:
        if (json_is_string(value))
            return json_string_value(value);
    }
    static const char *const expected[] = {[PA_COL_COUNT] = PA_MSG("a whole number >= 0"),
                                           [PA_COL_BOOL] = PA_MSG("true or false"),
                                           [PA_COL_MONEY] = PA_MSG("a string like \"1400000.00\"")};
    const char *want = (size_t)col->type < PA_ARRAY_LEN(expected) && expected[col->type]
                           ? expected[col->type]
                           : PA_MSG("a string");
    pa_http_error(r, 422, "invalid", field, "%s must be %s", field, want);
    return NULL;
}

int pa_http_record(struct pa_http_request *r, const struct pa_kind *kind, json_t *obj,
                   struct pa_record *rec, const char *prefix)
{
    const char *allowed[PA_MAX_COLUMNS + 1] = {0};
    for (int i = 0; i < kind->ncolumns; i++)
        allowed[i] = kind->columns[i].name;
    if (pa_http_known_fields(r, obj, allowed, prefix) != 0)
        return -1;
    memset(rec, 0, sizeof(*rec));
    rec->kind = kind;
    for (int i = 0; i < kind->ncolumns; i++) {
        const struct pa_column *col = &kind->columns[i];
        char field[96], buf[32];
        field_name(field, sizeof(field), prefix, col->name);
        json_t *value = json_object_get(obj, col->name);
        const char *text = "";
        if (value && !json_is_null(value) &&
            (text = column_text(r, col, value, field, buf, sizeof(buf))) == NULL)
            return -1;
        char *copy = pa_http_strdup(r, text);
        struct pa_error err;
        pa_error_clear(&err);
        if (copy == NULL) {
            pa_http_error(r, 503, "busy", NULL, "out of memory");
            return -1;
        }
        if (pa_value_parse(col, copy, strlen(copy), &rec->v[i], &err) != 0) {
            snprintf(err.field, sizeof(err.field), "%.63s", field);
            err.code = PA_EINVAL;
            pa_http_fail(r, &err);
            return -1;
        }
    }
    return 0;
}
