/*
 * dispatch.c - a request from its first header to its answer: framing checks,
 * routing, the body's limits, who is asking, the answer cache, the handler.
 *
 * Nothing here touches a socket: mhd.c copies what libmicrohttpd parsed into
 * the request and sends what it answers, and fuzz/fuzz_http.c drives the same
 * functions with arbitrary bytes.
 *
 * Framing is checked before anything else because a request whose length is
 * ambiguous (two Content-Length values, a transfer coding we do not decode) or
 * whose headers hide a bare CR can be read differently by a proxy in front of
 * us: such a request is refused and its connection closed (request smuggling).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <arpa/inet.h>

#include "http_int.h"

/* A body announced larger than this is refused at once, with the connection
 * closed; a smaller one over the route's limit is read and dropped first, so
 * that the client (a browser sends no "Expect: 100-continue") gets the 413
 * instead of a reset connection. */
#define DRAIN_MAX_BYTES ((int64_t)256 << 20)

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void pa_http_request_init(struct pa_http_request *r, struct pa_http_service *s, const char *method,
                          const char *url, const char *client)
{
    PA_ASSERT(r != NULL && s != NULL && method != NULL && url != NULL);
    memset(r, 0, sizeof(*r));
    r->service = s;
    r->config = pa_http_service_config(s);
    r->cache = pa_http_service_cache(s);
    r->metrics = pa_http_service_metrics(s);
    r->limiter = pa_http_service_limiter(s);
    r->started_ns = now_ns();
    r->lang = PA_LANG_EN; /* existing API clients read English */
    r->method = pa_http_strdup(r, method);
    r->url = pa_http_strdup(r, url);
    snprintf(r->client, sizeof(r->client), "%s", client ? client : "");
    if (r->method == NULL || r->url == NULL) { /* out of memory: answered in begin */
        r->method = r->method ? r->method : "GET";
        r->url = r->url ? r->url : "/";
        r->too_many_fields = true;
    }
}

static void add_field(struct pa_http_request *r, struct pa_http_field *fields, int *n,
                      const char *name, const char *value)
{
    if (*n == PA_HTTP_FIELDS_MAX) {
        r->too_many_fields = true;
        return;
    }
    char *copy_name = pa_http_strdup(r, name ? name : "");
    char *copy_value = value ? pa_http_strdup(r, value) : NULL;
    if (copy_name == NULL || (value && copy_value == NULL)) {
        r->too_many_fields = true;
        return;
    }
    fields[*n].name = copy_name;
    fields[*n].value = copy_value;
    (*n)++;
}

void pa_http_add_header(struct pa_http_request *r, const char *name, const char *value)
{
    add_field(r, r->headers, &r->nheaders, name, value ? value : "");
    if (strcasecmp(name, "Accept-Language") == 0)
        r->lang = pa_lang_accept(value);
}

void pa_http_add_arg(struct pa_http_request *r, const char *name, const char *value)
{
    add_field(r, r->args, &r->nargs, name, value);
}

/* ---- framing ---------------------------------------------------------------------- */

/* Content-Length as announced: -1 when there is none, -2 when it is not one
 * number (two different values, or not digits). */
static int64_t content_length(const struct pa_http_request *r)
{
    int64_t length = -1;
    for (int i = 0; i < r->nheaders; i++) {
        if (strcasecmp(r->headers[i].name, "Content-Length") != 0)
            continue;
        const char *v = r->headers[i].value;
        char *end;
        if (!isdigit((unsigned char)v[0]))
            return -2;
        long long n = strtoll(v, &end, 10);
        if (*end != '\0' || n < 0 || (length >= 0 && n != length))
            return -2;
        length = n;
    }
    return length;
}

/* A control character other than TAB: libmicrohttpd passes a bare CR inside a
 * header value through, which a proxy may have read as a line end. */
static bool has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
            return true;
    return false;
}

/* 0, or the status a request with bad framing gets (and its connection closes).
 * libmicrohttpd 0.9.75 frames the body by the first Content-Length and passes
 * the others on; it neither decodes nor refuses a transfer coding other than
 * "chunked", and would then read every following byte as body. */
static unsigned framing_problem(struct pa_http_request *r, const char **why)
{
    if (r->too_many_fields) {
        *why = PA_MSG("too many headers or query arguments");
        return 431;
    }
    int transfer_encodings = 0;
    for (int i = 0; i < r->nheaders; i++) {
        if (has_control(r->headers[i].name) || has_control(r->headers[i].value)) {
            *why = PA_MSG("a header holds a control character (a bare CR?)");
            return 400;
        }
        transfer_encodings += strcasecmp(r->headers[i].name, "Transfer-Encoding") == 0;
    }
    const char *te = pa_http_header(r, "Transfer-Encoding");
    if (transfer_encodings > 1 || (te && strcasecmp(te, "chunked") != 0)) {
        *why = PA_MSG("only the chunked transfer coding is understood");
        return 501;
    }
    int64_t length = content_length(r);
    if (length == -2) {
        *why = PA_MSG("Content-Length is not one whole number");
        return 400;
    }
    if (te && length >= 0) {
        *why = PA_MSG("a request has either Content-Length or Transfer-Encoding, not both");
        return 400;
    }
    return 0;
}

/* A trusted reverse proxy says who its client is: the last address it added
 * to X-Forwarded-For.  Anything that is not one address is ignored. */
static void client_behind_proxy(struct pa_http_request *r)
{
    const char *proxy = r->config->trusted_proxy;
    const char *xff = pa_http_header(r, "X-Forwarded-For");
    if (proxy == NULL || xff == NULL || strcmp(r->client, proxy) != 0)
        return;
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    while (*last == ' ' || *last == '\t')
        last++;
    char addr[PA_HTTP_ADDR_MAX];
    size_t n = strcspn(last, " \t");
    if (n == 0 || n >= sizeof(addr) || last[n + strspn(last + n, " \t")] != '\0')
        return;
    memcpy(addr, last, n);
    addr[n] = '\0';
    unsigned char bin[16];
    if (inet_pton(AF_INET, addr, bin) == 1 || inet_pton(AF_INET6, addr, bin) == 1)
        snprintf(r->client, sizeof(r->client), "%s", addr);
}

/* ---- routing ---------------------------------------------------------------------- */

/* Does url match pattern?  {} matches one non-empty segment, copied to params. */
static bool match(struct pa_http_request *r, const char *pattern, const char *url)
{
    r->nparams = 0;
    while (*pattern && *url) {
        if (pattern[0] == '{' && pattern[1] == '}') {
            size_t n = strcspn(url, "/");
            if (n == 0 || r->nparams == PA_HTTP_PARAMS_MAX)
                return false;
            char *param = pa_http_alloc(r, n + 1);
            if (param == NULL)
                return false;
            memcpy(param, url, n);
            param[n] = '\0';
            r->params[r->nparams++] = param;
            url += n;
            pattern += 2;
        } else if (*pattern++ != *url++) {
            return false;
        }
    }
    return *pattern == '\0' && *url == '\0';
}

static bool is_api(const char *url)
{
    return strncmp(url, "/api/", 5) == 0 || strcmp(url, "/healthz") == 0 ||
           strcmp(url, "/metrics") == 0 || strncmp(url, "/media/", 7) == 0;
}

static void allow_method(struct pa_http_request *r, const char *method)
{
    if (strstr(r->allow, method) != NULL)
        return;
    size_t used = strlen(r->allow);
    snprintf(r->allow + used, sizeof(r->allow) - used, "%s%s", used ? ", " : "", method);
    if (strcmp(method, "GET") == 0)
        allow_method(r, "HEAD");
}

/* The route for the request, or NULL with r->allow listing the methods its
 * path takes (empty: no such path). */
static const struct pa_route *find_route(struct pa_http_request *r)
{
    r->head = strcmp(r->method, "HEAD") == 0;
    const char *method = r->head ? "GET" : r->method;
    r->allow[0] = '\0';
    for (size_t i = 0; i < pa_http_nroutes; i++) {
        const struct pa_route *route = &pa_http_routes[i];
        if (!match(r, route->pattern, r->url))
            continue;
        if (strcmp(route->method, method) == 0)
            return route;
        allow_method(r, route->method);
    }
    return NULL;
}

static void refuse(struct pa_http_request *r, unsigned status, const char *code, const char *why)
{
    const char *zh = r->lang == PA_LANG_ZH ? pa_msg_zh(why) : NULL;
    pa_http_error(r, status, code, NULL, "%s", zh ? zh : why);
    r->close = true;
}

void pa_http_begin(struct pa_http_request *r)
{
    const char *why = NULL;
    unsigned status = framing_problem(r, &why);
    if (status != 0) {
        refuse(r, status, status == 431 ? "too_large" : status == 501 ? "not_implemented"
                                                                       : "malformed",
               why);
        return;
    }
    client_behind_proxy(r);
    if (is_api(r->url))
        r->route = find_route(r);
    r->body_max = r->route && r->route->body == PA_BODY_UPLOAD ? r->config->upload_bytes
                                                                : PA_HTTP_BODY_MAX;
    int64_t length = content_length(r);
    if (length > r->body_max) {
        r->too_large = true;
        if (length > DRAIN_MAX_BYTES || pa_http_expects_continue(r))
            refuse(r, 413, "too_large", "the body is too large");
    }
}

bool pa_http_answered(const struct pa_http_request *r)
{
    return r->status != 0;
}

bool pa_http_expects_continue(const struct pa_http_request *r)
{
    const char *expect = pa_http_header(r, "Expect");
    return expect && strcasecmp(expect, "100-continue") == 0;
}

/* ---- the body ---------------------------------------------------------------------- */

static bool grow_body(struct pa_http_request *r, size_t n)
{
    if (r->body_len + n + 1 <= r->body_cap)
        return true;
    size_t cap = r->body_cap ? r->body_cap : 4096;
    while (cap < r->body_len + n + 1)
        cap *= 2;
    char *body = realloc(r->body, cap);
    if (body == NULL)
        return false;
    r->body = body;
    r->body_cap = cap;
    return true;
}

/* An upload goes to an unnamed temporary file: it never sits in memory whole. */
static bool spool(struct pa_http_request *r, const char *data, size_t n)
{
    if (r->upload == NULL && (r->upload = tmpfile()) == NULL)
        return false;
    return fwrite(data, 1, n, r->upload) == n;
}

void pa_http_take_body(struct pa_http_request *r, const char *data, size_t n)
{
    if (r->status != 0 || r->too_large)
        return; /* answered, or too large: the rest is read and dropped */
    if ((int64_t)(r->body_len + n) > r->body_max) {
        r->too_large = true;
        return;
    }
    bool ok = r->route && r->route->body == PA_BODY_UPLOAD ? spool(r, data, n) : grow_body(r, n);
    if (!ok) {
        pa_http_error(r, 503, "busy", NULL, "the body cannot be stored now");
        return;
    }
    if (r->upload == NULL) {
        memcpy(r->body + r->body_len, data, n);
        r->body[r->body_len + n] = '\0';
    }
    r->body_len += n;
}

/* ---- dispatch ------------------------------------------------------------------------ */

static bool is_write(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

static void answer_static(struct pa_http_request *r)
{
    if (is_write(r->method)) {
        snprintf(r->allow, sizeof(r->allow), "GET, HEAD");
        pa_http_error(r, 405, "method_not_allowed", NULL, "pages are only read");
    } else if (!pa_http_static(r)) {
        pa_http_error(r, 404, "not_found", NULL, "no such page");
    }
}

static void dispatch(struct pa_http_request *r)
{
    if (r->too_large) {
        pa_http_error(r, 413, "too_large", NULL, "the body is over %lld bytes",
                      (long long)r->body_max);
        return;
    }
    if (!is_api(r->url)) {
        answer_static(r);
        return;
    }
    if (r->route == NULL) {
        if (r->allow[0])
            pa_http_error(r, 405, "method_not_allowed", NULL, "%.16s is not allowed here",
                          r->method);
        else
            pa_http_error(r, 404, "not_found", NULL, "no such resource");
        return;
    }
    if (pa_http_identify(r) != 0)
        return;
    if (r->route->access == PA_SIGNED_IN && !r->signed_in) {
        pa_http_error(r, 401, "unauthenticated", NULL, "sign in first");
        return;
    }
    /* signing in is the one public write; it checks its own origin */
    if (is_write(r->method) && r->route->access == PA_SIGNED_IN && pa_http_check_csrf(r) != 0)
        return;
    if (pa_cache_answer(r))
        return;
    r->route->handle(r);
    if (r->status == 0)
        pa_http_error(r, 500, "internal", NULL, "the server did not answer");
    pa_cache_keep(r);
}

void pa_http_finish(struct pa_http_request *r)
{
    if (r->status == 0)
        dispatch(r);
    PA_ASSERT(r->status >= 100 && r->status <= 599);
    PA_ASSERT(r->reply_len == 0 || r->reply != NULL);
}

void pa_http_request_release(struct pa_http_request *r)
{
    if (!r->reply_static)
        free(r->reply);
    r->reply = NULL;
    free(r->body);
    r->body = NULL;
    if (r->upload)
        fclose(r->upload);
    r->upload = NULL;
    pa_http_arena_free(r);
}
