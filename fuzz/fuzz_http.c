/*
 * fuzz_http.c - libFuzzer target for what the HTTP server parses of a request's
 * untrusted bytes before the library sees them: JSON bodies held to the API's
 * contract (pa_http_body_json, pa_http_known_fields, pa_http_record) and the
 * percent-decoder libmicrohttpd calls for the path and query (pa_http_unescape).
 *
 * No server runs: each input gets a request made by hand (calloc'd, server and
 * conn NULL, which these functions never touch; pa_http_query would, so it is
 * not called).  Its body is a malloc'd copy of the input with a NUL after it,
 * as the server's take_body() leaves it.  After each input the reply and the
 * request's arena are freed.
 *
 * Byte 0 chooses what the rest is:
 *
 *     selector = (uint8_t)(data[0] - '0') % 6
 *
 *   '0'  a project:    pa_http_body_json(object) then pa_http_record("projects")
 *   '1'  an account:   pa_http_body_json(object) then pa_http_record("accounts")
 *   '2'  transfers:    pa_http_body_json(object or array), then pa_http_record
 *        ("transfers") on each object, prefixed "[i]" in a batch, stopping at
 *        the first refusal (as POST /api/v1/transfers does)
 *   '3'  a milestone:  pa_http_body_json(object) then pa_http_record("milestones")
 *   '4'  field names:  pa_http_body_json(object) then pa_http_known_fields with
 *        the fields PATCH /api/v1/projects/{code} takes
 *   '5'  a URL path or query value, up to its first NUL: pa_http_unescape
 *
 * so the seed files start with an ASCII digit.
 *
 * What is checked (__builtin_trap() on a violation, besides ASan/UBSan/LSan):
 *  - a parser returns a refusal exactly when it answered, and then r->status is
 *    400, 413, 422 or 503 and r->reply is JSON of the one error shape:
 *    {"error": {"code": string, "message": non-empty string, "field": string
 *    or null or absent}}, with the code the status means (400 malformed, 413
 *    too_large, 422 invalid, 503 busy);
 *  - pa_http_body_json returns an object, or with allow_array a non-empty
 *    array of objects;
 *  - after pa_http_record succeeds, every money value is >= 0 and formats
 *    (pa_value_format) to exactly the string the body held;
 *  - pa_http_unescape: the length it returns is <= the input's and is the
 *    string's length (no NUL inside the output: "%00" is never decoded), the
 *    output is what a reference decoder gives, a string without '%' comes back
 *    unchanged, and an output without '%' is unchanged by a second pass.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"
#include "pairaid/pairaid.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_http: check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);  \
            __builtin_trap();                                                                      \
        }                                                                                          \
    } while (0)

static const char *const kinds[] = {"projects", "accounts", "transfers", "milestones"};

/* PATCH /api/v1/projects/{code} (src/http/projects.c) */
static const char *const patchable[] = {"name",          "status", "budget", "end_date",
                                        "beneficiaries", "public", NULL};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    pa_ledger_init(); /* registers the registry's and the ledger's kinds, as pa_open does */
    for (size_t i = 0; i < PA_ARRAY_LEN(kinds); i++)
        if (pa_kind_find(kinds[i]) == NULL) {
            fprintf(stderr, "fuzz_http: no kind '%s'\n", kinds[i]);
            abort();
        }
    return 0;
}

/* ---- answers ------------------------------------------------------------------------ */

static const char *code_for(unsigned status)
{
    switch (status) {
    case 400:
        return "malformed";
    case 413:
        return "too_large";
    case 422:
        return "invalid";
    case 503:
        return "busy";
    default:
        return NULL;
    }
}

/* The parser refused: the answer is the API's error shape with a 4xx/503 status. */
static void check_refused(const struct pa_http_request *r)
{
    const char *want = code_for(r->status);
    CHECK(want != NULL);
    CHECK(r->reply != NULL && r->reply_len > 0);
    json_error_t jerr;
    json_t *reply = json_loadb(r->reply, r->reply_len, JSON_REJECT_DUPLICATES, &jerr);
    if (reply == NULL)
        fprintf(stderr, "fuzz_http: the reply is not JSON (%s): %.*s\n", jerr.text,
                (int)r->reply_len, r->reply);
    CHECK(reply != NULL);
    json_t *error = json_object_get(reply, "error");
    CHECK(json_is_object(error));
    json_t *code = json_object_get(error, "code"), *message = json_object_get(error, "message");
    json_t *field = json_object_get(error, "field");
    CHECK(json_is_string(code) && strcmp(json_string_value(code), want) == 0);
    CHECK(json_is_string(message) && json_string_length(message) > 0);
    CHECK(field == NULL || json_is_null(field) || json_is_string(field));
    json_decref(reply);
}

/* The parser accepted: nothing was answered. */
static void check_accepted(const struct pa_http_request *r)
{
    CHECK(r->status == 0 && r->reply == NULL);
}

/* ---- JSON bodies -------------------------------------------------------------------- */

static json_t *body_json(struct pa_http_request *r, bool allow_array)
{
    json_t *v = pa_http_body_json(r, allow_array);
    if (v == NULL) {
        check_refused(r);
        return NULL;
    }
    check_accepted(r);
    if (json_is_array(v)) {
        CHECK(allow_array && json_array_size(v) > 0);
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) CHECK(json_is_object(item));
    } else {
        CHECK(json_is_object(v));
    }
    return v;
}

/* Every money value of an accepted record is >= 0 and prints back as given. */
static void check_money(const struct pa_record *rec, json_t *obj)
{
    const struct pa_kind *kind = rec->kind;
    for (int i = 0; i < kind->ncolumns; i++) {
        const struct pa_column *col = &kind->columns[i];
        if (col->type != PA_COL_MONEY || rec->v[i].null)
            continue;
        json_t *given = json_object_get(obj, col->name);
        CHECK(json_is_string(given));
        CHECK(rec->v[i].i >= 0);
        char buf[64];
        const char *text = pa_value_format(col, &rec->v[i], buf, sizeof(buf));
        if (strcmp(text, json_string_value(given)) != 0)
            fprintf(stderr, "fuzz_http: %s \"%s\" parsed as %lld fen, formats as \"%s\"\n",
                    col->name, json_string_value(given), (long long)rec->v[i].i, text);
        CHECK(strcmp(text, json_string_value(given)) == 0);
    }
}

/* pa_http_record on obj: 0 if accepted (and checked), -1 if refused (and checked). */
static int record(struct pa_http_request *r, const struct pa_kind *kind, json_t *obj,
                  const char *prefix)
{
    struct pa_record rec;
    if (pa_http_record(r, kind, obj, &rec, prefix) != 0) {
        check_refused(r);
        return -1;
    }
    check_accepted(r);
    CHECK(rec.kind == kind);
    check_money(&rec, obj);
    return 0;
}

static void fuzz_record(struct pa_http_request *r, const char *name)
{
    const struct pa_kind *kind = pa_kind_find(name);
    bool batch_ok = strcmp(name, "transfers") == 0;
    json_t *body = body_json(r, batch_ok);
    if (body == NULL)
        return;
    if (json_is_array(body)) {
        for (size_t i = 0; i < json_array_size(body); i++) {
            char prefix[32];
            snprintf(prefix, sizeof(prefix), "[%zu]", i);
            if (record(r, kind, json_array_get(body, i), prefix) != 0)
                break;
        }
    } else {
        (void)record(r, kind, body, NULL);
    }
    json_decref(body);
}

static void fuzz_known_fields(struct pa_http_request *r)
{
    json_t *body = body_json(r, false);
    if (body == NULL)
        return;
    int rc = pa_http_known_fields(r, body, patchable, NULL);
    bool all_known = true;
    const char *key;
    json_t *value;
    json_object_foreach(body, key, value)
    {
        bool known = false;
        for (int i = 0; patchable[i]; i++)
            known = known || strcmp(patchable[i], key) == 0;
        all_known = all_known && known;
    }
    CHECK((rc == 0) == all_known);
    if (rc == 0)
        check_accepted(r);
    else
        check_refused(r);
    json_decref(body);
}

/* ---- URL unescaping ------------------------------------------------------------------ */

static int hex_value(char c)
{
    static const char digits[] = "0123456789abcdef0123456789ABCDEF";
    const char *p = c ? strchr(digits, c) : NULL;
    return p ? (int)((p - digits) % 16) : -1;
}

/* What pa_http_unescape should give: "%XY" with two hex digits becomes the byte
 * 0xXY unless that is 0; everything else is copied. */
static size_t reference_unescape(const char *in, char *out)
{
    size_t n = 0;
    while (*in) {
        int hi = in[0] == '%' ? hex_value(in[1]) : -1;
        int lo = hi >= 0 ? hex_value(in[2]) : -1;
        if (lo >= 0 && (hi << 4 | lo) != 0) {
            out[n++] = (char)(hi << 4 | lo);
            in += 3;
        } else {
            out[n++] = *in++;
        }
    }
    out[n] = '\0';
    return n;
}

static void fuzz_unescape(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1), *input = malloc(size + 1), *want = malloc(size + 1);
    if (s == NULL || input == NULL || want == NULL) {
        free(s);
        free(input);
        free(want);
        return;
    }
    memcpy(s, data, size);
    s[size] = '\0';
    size_t in_len = strlen(s);
    memcpy(input, s, in_len + 1);

    size_t n = pa_http_unescape(s);
    CHECK(n <= in_len);
    CHECK(strlen(s) == n); /* no NUL inside: "%00" is left as it is */
    size_t m = reference_unescape(input, want);
    CHECK(m == n && memcmp(s, want, n) == 0);
    if (strchr(input, '%') == NULL)
        CHECK(n == in_len && memcmp(s, input, n) == 0);
    if (strchr(s, '%') == NULL) {
        memcpy(want, s, n + 1);
        CHECK(pa_http_unescape(s) == n && memcmp(s, want, n + 1) == 0);
    }
    free(s);
    free(input);
    free(want);
}

/* ---- the entry point ----------------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned selector = (uint8_t)(data[0] - '0') % 6;
    const uint8_t *rest = data + 1;
    size_t len = size - 1;
    if (selector == 5) {
        fuzz_unescape(rest, len);
        return 0;
    }

    struct pa_http_request *r = calloc(1, sizeof(*r));
    char *body = malloc(len + 1);
    if (r == NULL || body == NULL) {
        free(r);
        free(body);
        return 0;
    }
    memcpy(body, rest, len);
    body[len] = '\0';
    r->method = "POST";
    r->url = "/api/v1/fuzz";
    r->body = body;
    r->body_len = len;
    r->body_cap = len + 1;

    if (selector < 4)
        fuzz_record(r, kinds[selector]);
    else
        fuzz_known_fields(r);

    if (!r->reply_static)
        free(r->reply);
    pa_http_arena_free(r);
    free(r->body);
    free(r);
    return 0;
}
