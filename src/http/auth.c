/*
 * auth.c - who is asking: a session token from the cookie or from
 * "Authorization: Bearer"; CSRF protection for cookie-authenticated writes;
 * sign-in with its rate limit, sign-out and /me.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <sodium.h>

#include "http_int.h"

#define COOKIE_NAME    "pairaid_session"
#define FAILURES_MAX   10 /* failed sign-ins per key and window */
#define WINDOW_SECONDS 60
#define RATE_KEYS      1024

/* ---- the login rate limit --------------------------------------------------------
 * Failures are counted per user name and per client address over a fixed
 * window.  The table is small and bounded: when full, the oldest window goes. */

struct rate_entry {
    char key[160]; /* "u:NAME" or "a:ADDRESS" */
    time_t window_start;
    int failures;
};

struct pa_rate_limit {
    pthread_mutex_t lock;
    struct rate_entry entries[RATE_KEYS];
};

struct pa_rate_limit *pa_rate_limit_new(void)
{
    struct pa_rate_limit *rl = calloc(1, sizeof(*rl));
    if (rl)
        pthread_mutex_init(&rl->lock, NULL);
    return rl;
}

void pa_rate_limit_free(struct pa_rate_limit *rl)
{
    if (rl == NULL)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl);
}

/* The entry for key (created, or recycled from the oldest), lock held. */
static struct rate_entry *rate_entry(struct pa_rate_limit *rl, const char *key, time_t now)
{
    struct rate_entry *oldest = &rl->entries[0];
    for (int i = 0; i < RATE_KEYS; i++) {
        struct rate_entry *e = &rl->entries[i];
        if (strcmp(e->key, key) == 0) {
            if (now - e->window_start >= WINDOW_SECONDS)
                e->window_start = now, e->failures = 0;
            return e;
        }
        if (e->window_start < oldest->window_start)
            oldest = e;
    }
    snprintf(oldest->key, sizeof(oldest->key), "%s", key);
    oldest->window_start = now;
    oldest->failures = 0;
    return oldest;
}

static bool rate_limited(struct pa_rate_limit *rl, const char *user_key, const char *addr_key)
{
    time_t now = time(NULL);
    pthread_mutex_lock(&rl->lock);
    bool limited = rate_entry(rl, user_key, now)->failures >= FAILURES_MAX ||
                   rate_entry(rl, addr_key, now)->failures >= FAILURES_MAX;
    pthread_mutex_unlock(&rl->lock);
    return limited;
}

static void rate_fail(struct pa_rate_limit *rl, const char *user_key, const char *addr_key)
{
    time_t now = time(NULL);
    pthread_mutex_lock(&rl->lock);
    rate_entry(rl, user_key, now)->failures++;
    rate_entry(rl, addr_key, now)->failures++;
    pthread_mutex_unlock(&rl->lock);
}

static void client_address(struct pa_http_request *r, char *buf, size_t size)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    buf[0] = '\0';
    if (info && info->client_addr && info->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)info->client_addr)->sin_addr, buf,
                  (socklen_t)size);
}

/* ---- identifying the caller ---------------------------------------------------------- */

static const char *bearer_token(struct pa_http_request *r)
{
    const char *auth = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
    if (auth && strncmp(auth, "Bearer ", 7) == 0)
        return auth + 7;
    return NULL;
}

int pa_http_identify(struct pa_http_request *r)
{
    const char *token = bearer_token(r);
    r->by_cookie = token == NULL;
    if (token == NULL)
        token = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, COOKIE_NAME);
    if (token == NULL)
        return 0;
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return -1;
    struct pa_error err;
    pa_error_clear(&err);
    int rc = pa_session_find(db, token, &r->user, &r->expires, &err);
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

/* A browser sends the cookie by itself, also on a request another site makes it
 * send; it never adds our header by itself.  So a cookie-authenticated write
 * must carry X-CSRF-Token, and a foreign Origin is refused outright. */
int pa_http_check_csrf(struct pa_http_request *r)
{
    if (!r->signed_in || !r->by_cookie)
        return 0;
    const char *origin = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Origin");
    const char *host = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Host");
    if (origin && host) {
        const char *after_scheme = strstr(origin, "://");
        if (after_scheme == NULL || strcmp(after_scheme + 3, host) != 0) {
            pa_http_error(r, 403, "forbidden", NULL, "cross-site request refused");
            return -1;
        }
    }
    const char *given = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
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
    int rc = pa_session_open(db, &l->user, pa_server_session_seconds(r->server), l->token,
                             &l->expires, err);
    if (rc == 0)
        pa_http_json(r, 200, session_json(db, &l->user, l->token, l->expires, true));
    return rc;
}

static const char *const login_fields[] = {"username", "password", NULL};

void pa_h_login(struct pa_http_request *r)
{
    json_t *body = pa_http_body_json(r, false);
    if (body == NULL || pa_http_known_fields(r, body, login_fields, NULL) != 0) {
        json_decref(body);
        return;
    }
    const char *name = json_string_value(json_object_get(body, "username"));
    const char *password = json_string_value(json_object_get(body, "password"));
    if (name == NULL || password == NULL) {
        pa_http_error(r, 422, "invalid", name ? "password" : "username",
                      "username and password are strings");
        json_decref(body);
        return;
    }
    char addr[INET6_ADDRSTRLEN], user_key[160], addr_key[160];
    client_address(r, addr, sizeof(addr));
    snprintf(user_key, sizeof(user_key), "u:%.150s", name);
    snprintf(addr_key, sizeof(addr_key), "a:%s", addr);
    struct pa_rate_limit *rl = pa_server_rate_limit(r->server);
    struct login l;
    memset(&l, 0, sizeof(l));
    struct pa_error err;
    pa_error_clear(&err);
    struct pa_db *db;
    if (rate_limited(rl, user_key, addr_key)) {
        pa_http_error(r, 429, "too_many_attempts", NULL,
                      "too many failed sign-ins: wait a minute and try again");
    } else if ((db = pa_http_reader(r)) != NULL) {
        /* the slow password check runs here, not on the writer */
        if (pa_user_authenticate(db, name, password, &l.user, &err) != 0) {
            if (err.code == PA_EUNAUTH)
                rate_fail(rl, user_key, addr_key);
            pa_http_fail(r, &err);
        } else {
            pa_http_write(r, open_session, &l, false);
            if (r->status == 200)
                snprintf(r->set_cookie, sizeof(r->set_cookie),
                         COOKIE_NAME "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld",
                         l.token, (long long)pa_server_session_seconds(r->server));
        }
    }
    sodium_memzero(l.token, sizeof(l.token));
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

void pa_h_me(struct pa_http_request *r)
{
    struct pa_db *db = pa_http_reader(r);
    if (db)
        pa_http_json(r, 200, session_json(db, &r->user, r->token, r->expires, false));
}
