/*
 * source_http.c - a replica's source that is a `pairaid serve`: the log's
 * checkpoint, entries (paged), consistency proofs and the tables' digest over
 * the JSON API, through libcurl.
 *
 * Only http:// and https:// are accepted, redirects are not followed, every
 * answer is capped (64 MiB) and every request has a deadline, so that a server
 * that stalls or floods gives a clear runtime error (PA_EIO) and the pull
 * changes nothing.  It signs in once (POST /api/v1/login) and sends the token
 * as a bearer token; the password is never stored.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairaid/replica.h"

#define ANSWER_MAX_BYTES  (64u << 20)
#define CONNECT_TIMEOUT_S 10L
#define REQUEST_TIMEOUT_S 600L

struct http_source {
    CURL *curl;
    char base[1024];
    char auth[300]; /* "Authorization: Bearer TOKEN" or "" */
};

struct answer {
    char *body;
    size_t len, cap;
    bool too_big;
};

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
    struct answer *a = arg;
    size_t bytes = size * n;
    if (a->len + bytes + 1 > ANSWER_MAX_BYTES) {
        a->too_big = true;
        return 0;
    }
    if (a->len + bytes + 1 > a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 65536;
        while (cap < a->len + bytes + 1)
            cap *= 2;
        char *grown = realloc(a->body, cap);
        if (grown == NULL)
            return 0;
        a->body = grown;
        a->cap = cap;
    }
    memcpy(a->body + a->len, data, bytes);
    a->len += bytes;
    a->body[a->len] = '\0';
    return bytes;
}

/* One request; *json is the parsed answer (the caller's) when the status is 200. */
static int request(struct http_source *h, const char *path, const char *post, json_t **json,
                   struct pa_error *err)
{
    char url[2048];
    snprintf(url, sizeof(url), "%s%s", h->base, path);
    struct answer a = {0};
    struct curl_slist *headers = NULL;
    if (h->auth[0])
        headers = curl_slist_append(headers, h->auth);
    if (post)
        headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_reset(h->curl);
    curl_easy_setopt(h->curl, CURLOPT_URL, url);
    curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h->curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
    curl_easy_setopt(h->curl, CURLOPT_TIMEOUT, REQUEST_TIMEOUT_S);
    curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &a);
    if (post)
        curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, post);
    CURLcode c = curl_easy_perform(h->curl);
    curl_slist_free_all(headers);
    long status = 0;
    curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
    int rc = 0;
    if (a.too_big)
        rc = pa_error_set(err, PA_EIO, "the answer to %s is larger than 64 MiB", path);
    else if (c != CURLE_OK)
        rc = pa_error_set(err, PA_EIO, "cannot read %s from '%s': %s", path, h->base,
                          curl_easy_strerror(c));
    json_error_t jerr;
    json_t *body = rc == 0 && a.body ? json_loadb(a.body, a.len, 0, &jerr) : NULL;
    const char *message = NULL;
    json_unpack(body, "{s:{s:s}}", "error", "message", &message);
    if (rc == 0 && status == 401 && h->auth[0] == '\0' && post == NULL)
        rc = pa_error_set(err, PA_EUNAUTH,
                          "the server's log entries are for signed-in users: give --user NAME");
    else if (rc == 0 && status == 401)
        rc = pa_error_set(err, PA_EUNAUTH, "the server refused the sign-in: %s",
                          message ? message : "401");
    else if (rc == 0 && status == 404 && message == NULL)
        rc = pa_error_set(err, PA_EIO,
                          "the server at '%s' does not answer %s: is it a pairaid "
                          "serve of this version?",
                          h->base, path);
    else if (rc == 0 && status != 200)
        rc = pa_error_set(err, PA_EIO, "the server answered %ld to %s: %s", status, path,
                          message ? message : "no message");
    else if (rc == 0 && body == NULL)
        rc = pa_error_set(err, PA_EIO, "the answer to %s is not JSON", path);
    free(a.body);
    if (rc != 0)
        json_decref(body);
    else
        *json = body;
    return rc;
}

static int sign_in(struct http_source *h, const char *user, const char *password,
                   struct pa_error *err)
{
    json_t *req = json_pack("{s:s, s:s}", "username", user, "password", password);
    char *text = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    if (text == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    json_t *answer = NULL;
    int rc = request(h, "/api/v1/login", text, &answer, err);
    free(text);
    const char *token = NULL;
    if (rc == 0 && (json_unpack(answer, "{s:s}", "token", &token) != 0 || strlen(token) > 200))
        rc = pa_error_set(err, PA_EIO, "the sign-in answer has no token");
    if (rc == 0)
        snprintf(h->auth, sizeof(h->auth), "Authorization: Bearer %s", token);
    json_decref(answer);
    return rc;
}

static int http_checkpoint(void *ctx, char **note, struct pa_error *err)
{
    json_t *answer = NULL;
    int rc = request(ctx, "/api/v1/log/checkpoint", NULL, &answer, err);
    if (rc != 0)
        return rc;
    const char *text = json_string_value(json_object_get(answer, "checkpoint"));
    if (text == NULL)
        rc = json_is_null(json_object_get(answer, "checkpoint"))
                 ? PA_ENOTFOUND
                 : pa_error_set(err, PA_EIO, "the checkpoint answer has no checkpoint");
    else if ((*note = strdup(text)) == NULL)
        rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    json_decref(answer);
    return rc;
}

static int http_keys(void *ctx, char **text, struct pa_error *err)
{
    json_t *answer = NULL;
    int rc = request(ctx, "/api/v1/log/checkpoint", NULL, &answer, err);
    if (rc != 0)
        return rc;
    size_t i, size = 1;
    json_t *signer, *signers = json_object_get(answer, "signers");
    json_array_foreach(signers, i, signer)
    {
        const char *v = json_string_value(json_object_get(signer, "verifier"));
        size += v ? strlen(v) + 1 : 0;
    }
    *text = calloc(1, size);
    if (*text == NULL)
        rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    json_array_foreach(signers, i, signer)
    {
        const char *v = json_string_value(json_object_get(signer, "verifier"));
        if (rc == 0 && v)
            strcat(strcat(*text, v), "\n");
    }
    json_decref(answer);
    return rc;
}

static int http_entries(void *ctx, int64_t from, int64_t count,
                        int (*fn)(const void *entry, size_t len, void *arg, struct pa_error *err),
                        void *arg, struct pa_error *err)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/log/entries?from=%lld&count=%lld", (long long)from,
             (long long)count);
    json_t *answer = NULL;
    int rc = request(ctx, path, NULL, &answer, err);
    if (rc != 0)
        return rc;
    json_t *list = json_object_get(answer, "entries"), *item;
    size_t i;
    if (!json_is_array(list) || (int64_t)json_array_size(list) != count)
        rc = pa_error_set(err, PA_EIO, "the server sent %lld entries from index %lld, not %lld",
                          (long long)json_array_size(list), (long long)from, (long long)count);
    json_array_foreach(list, i, item)
    {
        json_t *entry = json_object_get(item, "entry");
        json_int_t index = json_integer_value(json_object_get(item, "index"));
        if (rc == 0 && (!json_is_string(entry) || index != from + (json_int_t)i))
            rc = pa_error_set(err, PA_EIO, "the server's entry %lld is not entry %lld",
                              (long long)index, (long long)from + (long long)i);
        if (rc == 0)
            rc = fn(json_string_value(entry), json_string_length(entry), arg, err);
    }
    json_decref(answer);
    return rc;
}

static int http_consistency(void *ctx, int64_t from, int64_t to, pa_hash proof[PA_PROOF_MAX],
                            int *n, struct pa_error *err)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/log/proof/consistency?from=%lld&to=%lld", (long long)from,
             (long long)to);
    json_t *answer = NULL;
    int rc = request(ctx, path, NULL, &answer, err);
    if (rc != 0)
        return rc;
    json_t *list = json_object_get(answer, "proof"), *item;
    size_t i;
    *n = 0;
    if (!json_is_array(list) || json_array_size(list) > PA_PROOF_MAX)
        rc = pa_error_set(err, PA_EIO, "the consistency proof from %lld to %lld is malformed",
                          (long long)from, (long long)to);
    json_array_foreach(list, i, item)
    {
        const char *b64 = json_string_value(item);
        if (rc == 0 && (b64 == NULL || pa_unbase64(b64, strlen(b64), proof[i], PA_HASH_LEN) != 0))
            rc = pa_error_set(err, PA_EIO, "the consistency proof from %lld to %lld is malformed",
                              (long long)from, (long long)to);
        (*n)++;
    }
    json_decref(answer);
    return rc;
}

static int http_digest(void *ctx, struct pa_digest *out, struct pa_error *err)
{
    json_t *answer = NULL;
    int rc = request(ctx, "/api/v1/log/digest", NULL, &answer, err);
    if (rc == 0)
        rc = pa_digest_parse(answer, out, err);
    json_decref(answer);
    return rc;
}

static void http_close(void *ctx)
{
    struct http_source *h = ctx;
    if (h == NULL)
        return;
    if (h->auth[0]) { /* best effort: the session would expire anyway */
        json_t *ignored = NULL;
        if (request(h, "/api/v1/logout", "{}", &ignored, NULL) == 0)
            json_decref(ignored);
    }
    curl_easy_cleanup(h->curl);
    free(h);
}

int pa_replica_http_open(const char *url, const char *user, const char *password,
                         struct pa_replica_source *out, struct pa_error *err)
{
    memset(out, 0, sizeof(*out));
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        return pa_error_set(err, PA_EINVAL, "'%.80s' is not an http:// or https:// URL", url);
    if (strlen(url) >= 1000)
        return pa_error_set(err, PA_EINVAL, "the URL is too long");
    static bool initialised;
    if (!initialised && curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        return pa_error_set(err, PA_EIO, "cannot start libcurl");
    initialised = true;
    struct http_source *h = calloc(1, sizeof(*h));
    if (h == NULL || (h->curl = curl_easy_init()) == NULL) {
        free(h);
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    snprintf(h->base, sizeof(h->base), "%s", url);
    size_t len = strlen(h->base);
    while (len > 0 && h->base[len - 1] == '/')
        h->base[--len] = '\0';
    int rc = user && user[0] ? sign_in(h, user, password ? password : "", err) : 0;
    if (rc != 0) {
        http_close(h);
        return rc;
    }
    *out = (struct pa_replica_source){
        http_checkpoint, http_entries, http_consistency, http_digest, http_keys, http_close, h};
    return 0;
}
