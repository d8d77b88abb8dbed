/*
 * auth.c - who is asking: a session token from the cookie or from
 * "Authorization: Bearer"; CSRF protection for cookie-authenticated writes;
 * sign-in (throttled by limiter.c), sign-out and /me.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "http_int.h"

#define COOKIE_NAME "pairaid_session"

/* ---- identifying the caller ---------------------------------------------------------- */

static const char *bearer_token(struct pa_http_request *r)
{
    const char *auth = pa_http_header(r, "Authorization");
    if (auth && strncmp(auth, "Bearer ", 7) == 0)
        return auth + 7;
    return NULL;
}

int pa_http_identify(struct pa_http_request *r)
{
    const char *token = bearer_token(r);
    r->by_cookie = token == NULL;
    if (token == NULL)
        token = pa_http_cookie(r, COOKIE_NAME);
    if (token == NULL)
        return 0;
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return -1;
    struct pa_error err;
    pa_error_clear(&err);
    int rc = pa_session_find(db, token, &r->user, &r->expires, &err);
    /* behind a load balancer the sign-in may have been answered by another
     * server a moment ago; unknown tokens of a group share one catch-up.  A
     * public page answers anyway: a stale cookie there costs no transaction. */
    if (rc == PA_EUNAUTH && r->route->access != PA_PUBLIC && pa_http_follow(r)) {
        pa_error_clear(&err);
        rc = pa_session_find(db, token, &r->user, &r->expires, &err);
    }
    if (rc == PA_EUNAUTH) {
        /* a public page still answers; anything needing sign-in says why not */
        if (r->route->access == PA_PUBLIC)
            return 0;
        pa_http_fail(r, &err);
        return -1;
    }
    if (rc != 0) {
        pa_http_fail(r, &err);
        return -1;
    }
    r->signed_in = true;
    snprintf(r->token, sizeof(r->token), "%s", token);
    return 0;
}

/* The request comes from this server's own pages, or from no browser at all.
 * A browser names the page that made a request in Origin (and, since 2020, in
 * Sec-Fetch-Site); a foreign one is refused. */
bool pa_http_same_origin(struct pa_http_request *r)
{
    const char *site = pa_http_header(r, "Sec-Fetch-Site");
    if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
        return false;
    const char *origin = pa_http_header(r, "Origin");
    const char *host = pa_http_header(r, "Host");
    if (origin == NULL)
        return true;
    const char *after_scheme = strstr(origin, "://");
    return host && after_scheme && strcmp(after_scheme + 3, host) == 0;
}

/* A browser sends the cookie by itself, also on a request another site makes it
 * send; it never adds our header by itself.  So a cookie-authenticated write
 * must carry X-CSRF-Token, and a foreign Origin is refused outright. */
int pa_http_check_csrf(struct pa_http_request *r)
{
    if (!r->signed_in || !r->by_cookie)
        return 0;
    if (!pa_http_same_origin(r)) {
        pa_http_error(r, 403, "forbidden", NULL, "cross-site request refused");
        return -1;
    }
    const char *given = pa_http_header(r, "X-CSRF-Token");
    char expected[PA_TOKEN_HEX_LEN + 1];
    pa_session_csrf(r->token, expected);
    if (given == NULL || strlen(given) != PA_TOKEN_HEX_LEN ||
        sodium_memcmp(given, expected, PA_TOKEN_HEX_LEN) != 0) {
        pa_http_error(r, 403, "forbidden", NULL,
                      "a write signed in by cookie needs the X-CSRF-Token header");
        return -1;
    }
    return 0;
}

/* ---- the handlers ----------------------------------------------------------------- */

static json_t *user_json(struct pa_db *db, const struct pa_principal *u)
{
    char region_name[128];
    bool named =
        u->region[0] && pa_region_name(db, u->region, region_name, sizeof(region_name), NULL) == 0;
    return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?}", "name", u->name, "role",
                     pa_role_name(u->role), "role_name", pa_role_zh(u->role), "region",
                     u->region[0] ? u->region : NULL, "region_name", named ? region_name : NULL,
                     "pairing", u->pairing[0] ? u->pairing : NULL);
}

static json_t *expiry_json(int64_t expires)
{
    char buf[32];
    time_t t = (time_t)expires;
    struct tm tm;
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
    return json_string(buf);
}

static json_t *session_json(struct pa_db *db, const struct pa_principal *u, const char *token,
                            int64_t expires, bool with_token)
{
    char csrf[PA_TOKEN_HEX_LEN + 1];
    pa_session_csrf(token, csrf);
    json_t *obj = json_pack("{s:o, s:s, s:o}", "user", user_json(db, u), "csrf", csrf, "expires",
                            expiry_json(expires));
    if (obj && with_token)
        json_object_set_new(obj, "token", json_string(token));
    return obj;
}

struct login {
    struct pa_principal user;
    char token[PA_TOKEN_HEX_LEN + 1];
    int64_t expires;
};

static int open_session(struct pa_db *db, struct pa_http_request *r, void *ctx,
                        struct pa_error *err)
{
    struct login *l = ctx;
    int rc = pa_session_open(db, &l->user, r->config->session_seconds, l->token,
                             &l->expires, err);
    if (rc == 0)
        pa_http_json(r, 200, session_json(db, &l->user, l->token, l->expires, true));
    return rc;
}

static const char *const login_fields[] = {"username", "password", NULL};

/* Signing in is a write anyone may attempt, so it is where login CSRF (another
 * site signing a browser in as someone else) must be stopped: only JSON is
 * accepted, which a page on another site cannot send without asking first,
 * and a foreign Origin is refused. */
static bool login_request_ok(struct pa_http_request *r)
{
    const char *type = pa_http_header(r, "Content-Type");
    size_t n = strlen("application/json");
    if (type == NULL || strncasecmp(type, "application/json", n) != 0 ||
        (type[n] != '\0' && type[n] != ';' && type[n] != ' ')) {
        pa_http_error(r, 415, "unsupported_media_type", NULL,
                      "sign in with a JSON body (Content-Type: application/json)");
        return false;
    }
    if (!pa_http_same_origin(r)) {
        pa_http_error(r, 403, "forbidden", NULL, "cross-site sign-in refused");
        return false;
    }
    return true;
}

/* The slow password check runs on the request's thread, not on the writer;
 * the attempt is reserved with the throttle first. */
static void sign_in(struct pa_http_request *r, const char *name, const char *password)
{
    struct login l;
    memset(&l, 0, sizeof(l));
    struct pa_error err;
    pa_error_clear(&err);
    struct pa_db *db;
    if (!pa_rate_limit_begin(r->limiter, name, r->client)) {
        pa_http_error(r, 429, "too_many_attempts", NULL,
                      "too many failed sign-ins: wait a minute and try again");
        return;
    }
    bool failed = false;
    if ((db = pa_http_reader(r)) != NULL) {
        if (pa_user_authenticate(db, name, password, &l.user, &err) != 0) {
            failed = err.code == PA_EUNAUTH;
            pa_http_fail(r, &err);
        } else {
            pa_http_write(r, open_session, &l, false);
            if (r->status == 200)
                snprintf(r->set_cookie, sizeof(r->set_cookie),
                         COOKIE_NAME "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld",
                         l.token, (long long)r->config->session_seconds);
        }
    }
    pa_rate_limit_done(r->limiter, name, r->client, failed);
    sodium_memzero(l.token, sizeof(l.token));
}

void pa_h_login(struct pa_http_request *r)
{
    json_t *body = login_request_ok(r) ? pa_http_body_json(r, false) : NULL;
    if (body == NULL || pa_http_known_fields(r, body, login_fields, NULL) != 0) {
        json_decref(body);
        return;
    }
    const char *name = json_string_value(json_object_get(body, "username"));
    const char *password = json_string_value(json_object_get(body, "password"));
    if (name == NULL || password == NULL)
        pa_http_error(r, 422, "invalid", name ? "password" : "username",
                      "username and password are strings");
    else
        sign_in(r, name, password);
    json_decref(body);
}

static int close_session(struct pa_db *db, struct pa_http_request *r, void *ctx,
                         struct pa_error *err)
{
    (void)ctx;
    int rc = pa_session_close(db, r->token, err);
    if (rc == 0)
        pa_http_bytes(r, 204, "application/json", NULL, 0);
    return rc;
}

void pa_h_logout(struct pa_http_request *r)
{
    pa_http_write(r, close_session, NULL, false);
    snprintf(r->set_cookie, sizeof(r->set_cookie),
             COOKIE_NAME "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

/* /me also says what the user may do (the library's answer, pa_principal_may),
 * so the app shows only the menu entries and buttons that can succeed. */
void pa_h_me(struct pa_http_request *r)
{
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    json_t *may;
    if (pa_principal_may(db, &may, &err) != 0) {
        pa_http_fail(r, &err);
        return;
    }
    json_t *me = session_json(db, &r->user, r->token, r->expires, false);
    if (me)
        json_object_set_new(me, "may", may);
    else
        json_decref(may);
    pa_http_json(r, 200, me);
}
