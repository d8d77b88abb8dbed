/*
 * server.c - libmicrohttpd glue, routing, the readers and the group-committing
 * writer.
 *
 * libmicrohttpd calls the access handler several times per request: first with
 * only the headers, then with each piece of the body, then once more with none.
 * We never answer on the first call: libmicrohttpd 0.9.75 then closes the
 * connection instead of keeping it alive, which made the server 4.4x slower.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "http_int.h"

#define READERS_MAX   64
#define GROUP_MAX     128 /* jobs sharing one COMMIT */
#define DRAIN_SECONDS 10  /* how long shutdown waits for requests in flight */

struct job {
    pa_http_job fn;
    struct pa_http_request *r;
    void *ctx;
    bool alone, done;
    struct job *next;
};

struct pa_server {
    struct pa_server_config config;
    struct MHD_Daemon *daemon;
    atomic_int in_flight;

    pthread_key_t reader_key;
    pthread_mutex_t readers_lock;
    struct pa_db *readers[READERS_MAX];
    int nreaders;

    struct pa_db *writer_db;
    pthread_t writer;
    pthread_mutex_t lock;
    pthread_cond_t wake, finished;
    struct job *head, *tail;
    bool stopping;

    struct pa_rate_limit *rate;
    struct pa_metrics *metrics;
    struct pa_cache *cache;
};

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct pa_rate_limit *pa_server_rate_limit(struct pa_server *s)
{
    return s->rate;
}

struct pa_cache *pa_server_cache(struct pa_server *s)
{
    return s->cache;
}

struct pa_metrics *pa_server_metrics(struct pa_server *s)
{
    return s->metrics;
}

const char *pa_server_db_path(struct pa_server *s)
{
    return s->config.db_path;
}

int64_t pa_server_session_seconds(struct pa_server *s)
{
    return s->config.session_seconds;
}

/* ---- readers: one read-only connection per request thread ------------------ */

/* Reads that depend on who asks (pa_scope_*) see the caller. */
static struct pa_db *act_as_caller(struct pa_http_request *r, struct pa_db *db)
{
    pa_db_set_principal(db, r->signed_in ? &r->user : NULL, NULL);
    return db;
}

struct pa_db *pa_http_reader(struct pa_http_request *r)
{
    struct pa_server *s = r->server;
    struct pa_db *db = pthread_getspecific(s->reader_key);
    if (db != NULL)
        return act_as_caller(r, db);
    struct pa_error err;
    pa_error_clear(&err);
    pthread_mutex_lock(&s->readers_lock);
    int rc = s->nreaders < READERS_MAX ? pa_open(&db, s->config.db_path, PA_DB_READONLY, &err)
                                       : PA_EBUSY;
    if (rc == 0)
        s->readers[s->nreaders++] = db;
    pthread_mutex_unlock(&s->readers_lock);
    if (rc != 0) {
        pa_http_error(r, 503, "busy", NULL, "the database cannot be opened for reading");
        return NULL;
    }
    pthread_setspecific(s->reader_key, db);
    return act_as_caller(r, db);
}

/* ---- the writer ---------------------------------------------------------------- */

static int run_job(struct pa_db *db, struct job *j, struct pa_error *err)
{
    pa_error_clear(err);
    struct pa_http_request *r = j->r;
    r->status = 0;
    int rc = pa_db_set_principal(db, r->signed_in ? &r->user : NULL, err);
    if (rc == 0 && !r->signed_in)
        rc = pa_db_set_actor(db, "http", err);
    return rc != 0 ? rc : j->fn(db, r, j->ctx, err);
}

/* Runs one job in its own transaction (or none, if it manages its own). */
static void run_alone(struct pa_db *db, struct job *j)
{
    struct pa_error err;
    pa_error_clear(&err);
    int rc = j->alone ? 0 : pa_db_begin(db, &err);
    if (rc == 0)
        rc = run_job(db, j, &err);
    if (!j->alone) {
        if (rc == 0)
            rc = pa_db_commit(db, &err);
        if (rc != 0)
            pa_db_rollback(db);
    }
    if (rc != 0 && j->r->status == 0)
        pa_http_fail(j->r, &err);
}

/* The jobs of a group run in one transaction.  If one of them fails, the group
 * is undone and each job runs again alone, so a refused request never takes
 * others down with it, and the common case pays for one COMMIT. */
static void run_group(struct pa_db *db, struct job *first)
{
    struct pa_error err;
    pa_error_clear(&err);
    int n = 0;
    for (struct job *j = first; j; j = j->next)
        n++;
    if (n == 1 || first->alone) {
        for (struct job *j = first; j; j = j->next)
            run_alone(db, j);
        return;
    }
    int rc = pa_db_begin(db, &err);
    for (struct job *j = first; rc == 0 && j; j = j->next)
        rc = run_job(db, j, &err);
    if (rc == 0)
        rc = pa_db_commit(db, &err);
    if (rc == 0)
        return;
    pa_db_rollback(db);
    for (struct job *j = first; j; j = j->next)
        run_alone(db, j);
}

/* Takes the queued jobs: every ordinary one (up to GROUP_MAX), or a lone
 * `alone` job at the head. */
static struct job *take_group(struct pa_server *s)
{
    struct job *first = s->head, *last = first;
    if (first->alone) {
        s->head = first->next;
    } else {
        int n = 1;
        while (last->next && !last->next->alone && n < GROUP_MAX) {
            last = last->next;
            n++;
        }
        s->head = last->next;
    }
    if (s->head == NULL)
        s->tail = NULL;
    last->next = NULL;
    return first;
}

static void *writer_main(void *arg)
{
    struct pa_server *s = arg;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        while (s->head == NULL && !s->stopping)
            pthread_cond_wait(&s->wake, &s->lock);
        if (s->head == NULL)
            break;
        struct job *group = take_group(s);
        pthread_mutex_unlock(&s->lock);
        run_group(s->writer_db, group);
        pthread_mutex_lock(&s->lock);
        for (struct job *j = group; j; j = j->next)
            j->done = true;
        pthread_cond_broadcast(&s->finished);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

void pa_http_write(struct pa_http_request *r, pa_http_job fn, void *ctx, bool alone)
{
    struct pa_server *s = r->server;
    struct job j = {.fn = fn, .r = r, .ctx = ctx, .alone = alone};
    pthread_mutex_lock(&s->lock);
    if (s->tail)
        s->tail->next = &j;
    else
        s->head = &j;
    s->tail = &j;
    pthread_cond_signal(&s->wake);
    while (!j.done)
        pthread_cond_wait(&s->finished, &s->lock);
    pthread_mutex_unlock(&s->lock);
}

/* ---- routing ------------------------------------------------------------------- */

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

/* The route for the request; 404/405 answered when there is none. */
static const struct pa_route *find_route(struct pa_http_request *r)
{
    bool path_known = false;
    for (size_t i = 0; i < pa_http_nroutes; i++) {
        const struct pa_route *route = &pa_http_routes[i];
        if (!match(r, route->pattern, r->url))
            continue;
        if (strcmp(route->method, r->method) == 0)
            return route;
        path_known = true;
    }
    if (path_known)
        pa_http_error(r, 405, "method_not_allowed", NULL, "%s is not allowed here", r->method);
    else
        pa_http_error(r, 404, "not_found", NULL, "no such resource");
    return NULL;
}

static bool is_write(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

static void dispatch(struct pa_http_request *r)
{
    if (r->too_large) {
        pa_http_error(r, 413, "too_large", NULL, "the body is over %d bytes", PA_HTTP_BODY_MAX);
        return;
    }
    bool api = strncmp(r->url, "/api/", 5) == 0 || strcmp(r->url, "/healthz") == 0 ||
               strcmp(r->url, "/metrics") == 0 || strncmp(r->url, "/media/", 7) == 0;
    if (!api) {
        if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
            pa_http_error(r, 405, "method_not_allowed", NULL, "pages are only read");
        else if (!pa_http_static(r))
            pa_http_error(r, 404, "not_found", NULL, "no such page");
        return;
    }
    r->route = find_route(r);
    if (r->route == NULL)
        return;
    if (pa_http_identify(r) != 0)
        return;
    if (r->route->access == PA_SIGNED_IN && !r->signed_in) {
        pa_http_error(r, 401, "unauthenticated", NULL, "sign in first");
        return;
    }
    /* signing in is the one public write, and it does not act as the session */
    if (is_write(r->method) && r->route->access == PA_SIGNED_IN && pa_http_check_csrf(r) != 0)
        return;
    if (pa_cache_answer(r))
        return;
    r->route->handle(r);
    if (r->status == 0)
        pa_http_error(r, 500, "internal", NULL, "the server did not answer");
    pa_cache_keep(r);
}

/* ---- libmicrohttpd ------------------------------------------------------------- */

static void add_headers(struct pa_http_request *r, struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "Content-Type",
                            r->content_type ? r->content_type : "application/json");
    MHD_add_response_header(resp, "Cache-Control",
                            r->cache_control ? r->cache_control : "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; base-uri 'none'; form-action 'self'; "
                            "frame-ancestors 'none'");
    if (r->set_cookie[0])
        MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
    if (r->disposition[0])
        MHD_add_response_header(resp, "Content-Disposition", r->disposition);
    if (r->status == 429)
        MHD_add_response_header(resp, "Retry-After", "60");
}

static enum MHD_Result reply(struct pa_http_request *r)
{
    r->replied = true;
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        r->reply_len, r->reply, r->reply_static ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_FREE);
    if (resp == NULL)
        return MHD_NO;
    if (!r->reply_static)
        r->reply = NULL; /* libmicrohttpd frees it */
    add_headers(r, resp);
    enum MHD_Result ret = MHD_queue_response(r->conn, r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static bool take_body(struct pa_http_request *r, const char *data, size_t n)
{
    if (r->too_large || r->body_len + n > PA_HTTP_BODY_MAX) {
        r->too_large = true;
        return false;
    }
    if (r->body_len + n + 1 > r->body_cap) {
        size_t cap = r->body_cap ? r->body_cap : 4096;
        while (cap < r->body_len + n + 1)
            cap *= 2;
        char *body = realloc(r->body, cap);
        if (body == NULL) {
            r->too_large = true;
            return false;
        }
        r->body = body;
        r->body_cap = cap;
    }
    memcpy(r->body + r->body_len, data, n);
    r->body_len += n;
    r->body[r->body_len] = '\0';
    return true;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct pa_http_request *r = *con_cls;
    if (r == NULL) {
        r = calloc(1, sizeof(*r));
        if (r == NULL)
            return MHD_NO;
        r->server = cls;
        r->conn = conn;
        r->method = method;
        r->url = url;
        r->started_ns = now_ns();
        atomic_fetch_add(&r->server->in_flight, 1);
        *con_cls = r;
        /* A body announced as too large is refused before it is sent (and before
         * "100 Continue"); closing this connection is then what we want. */
        const char *length =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (length && strtoull(length, NULL, 10) > PA_HTTP_BODY_MAX) {
            r->too_large = true;
            dispatch(r);
            return reply(r);
        }
        return MHD_YES;
    }
    if (r->replied) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        /* Past the limit the rest is read and dropped: libmicrohttpd 0.9.75 does
         * not deliver an answer queued in the middle of a chunked upload. */
        take_body(r, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    dispatch(r);
    return reply(r);
}

static void access_log(struct pa_server *s, struct pa_http_request *r, double seconds)
{
    if (s->config.access_log == NULL)
        return;
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char addr[INET6_ADDRSTRLEN] = "";
    if (info && info->client_addr && info->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)info->client_addr)->sin_addr, addr,
                  sizeof(addr));
    char when[32];
    time_t t = time(NULL);
    struct tm tm;
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
    /* the path only: a query string is not logged, and no header ever is */
    json_t *line = json_pack("{s:s, s:s, s:s, s:i, s:f, s:s, s:s}", "time", when, "method",
                             r->method ? r->method : "", "path", r->url ? r->url : "", "status",
                             (int)r->status, "ms", seconds * 1000.0, "user",
                             r->signed_in ? r->user.name : "", "addr", addr);
    char *text = line ? json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    if (text)
        s->config.access_log(text, s->config.ctx);
    free(text);
    json_decref(line);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn, (void)toe;
    struct pa_server *s = cls;
    struct pa_http_request *r = *con_cls;
    if (r == NULL)
        return;
    double seconds = (double)(now_ns() - r->started_ns) / 1e9;
    if (r->replied) {
        pa_metrics_observe(s->metrics, r->route ? r->route->pattern : "static", r->status, seconds);
        access_log(s, r, seconds);
    }
    if (!r->reply_static)
        free(r->reply);
    free(r->body);
    pa_http_arena_free(r);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&s->in_flight, 1);
}

/* Percent-decodes a path or query value in place, as libmicrohttpd would, but
 * leaves "%00" as it is: a NUL would silently cut the rest off, so that
 * "/app/%00../../etc/passwd" read as "/app/".  Undecoded, it names nothing. */
size_t pa_http_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls, (void)conn;
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

/* ---- starting and stopping ------------------------------------------------------ */

static int open_writer(struct pa_server *s, struct pa_error *err)
{
    int rc = pa_open(&s->writer_db, s->config.db_path, PA_DB_CREATE, err);
    if (rc == 0)
        rc = pa_db_set_actor(s->writer_db, "http", err);
    return rc;
}

static int start_daemon(struct pa_server *s, struct pa_error *err)
{
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons(s->config.port);
    if (inet_pton(AF_INET, s->config.address, &addr.sin_addr) != 1)
        return pa_error_setf(err, PA_EINVAL, "listen", "'%s' is not an IPv4 address",
                             s->config.address);
    s->daemon = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO, 0, NULL, NULL, on_request, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
        s->config.threads, MHD_OPTION_CONNECTION_LIMIT, 1000u, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        0u, MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(64 * 1024), MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_UNESCAPE_CALLBACK, pa_http_unescape, NULL, MHD_OPTION_END);
    if (s->daemon == NULL)
        return pa_error_set(err, PA_EIO, "cannot listen on %s:%u (in use?)", s->config.address,
                            s->config.port);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (s->config.on_ready)
        s->config.on_ready(info ? info->port : s->config.port, s->config.ctx);
    return 0;
}

/* Stops accepting, waits (a while) for requests in flight, then stops. */
static void stop_daemon(struct pa_server *s)
{
    if (s->daemon == NULL)
        return;
    MHD_quiesce_daemon(s->daemon);
    for (int i = 0; i < DRAIN_SECONDS * 100 && atomic_load(&s->in_flight) > 0; i++)
        usleep(10000);
    MHD_stop_daemon(s->daemon);
}

static void stop_writer(struct pa_server *s)
{
    pthread_mutex_lock(&s->lock);
    s->stopping = true;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->writer, NULL);
}

static void free_server(struct pa_server *s)
{
    for (int i = 0; i < s->nreaders; i++)
        pa_db_free(s->readers[i]);
    pa_db_free(s->writer_db);
    pa_rate_limit_free(s->rate);
    pa_metrics_free(s->metrics);
    pa_cache_free(s->cache);
    pthread_key_delete(s->reader_key);
    pthread_mutex_destroy(&s->readers_lock);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->wake);
    pthread_cond_destroy(&s->finished);
}

int pa_server_run(const struct pa_server_config *config, volatile sig_atomic_t *stop,
                  struct pa_error *err)
{
    struct pa_server s;
    memset(&s, 0, sizeof(s));
    s.config = *config;
    if (s.config.threads == 0)
        s.config.threads = 16;
    if (s.config.session_seconds <= 0)
        s.config.session_seconds = PA_SESSION_DEFAULT_SECONDS;
    if (s.config.address == NULL)
        s.config.address = "127.0.0.1";
    pthread_key_create(&s.reader_key, NULL);
    pthread_mutex_init(&s.readers_lock, NULL);
    pthread_mutex_init(&s.lock, NULL);
    pthread_cond_init(&s.wake, NULL);
    pthread_cond_init(&s.finished, NULL);
    s.rate = pa_rate_limit_new();
    s.metrics = pa_metrics_new();
    s.cache = pa_cache_new();
    int rc = s.rate && s.metrics && s.cache ? open_writer(&s, err)
                                            : pa_error_set(err, PA_ENOMEM, "out of memory");
    bool writer_started = false;
    if (rc == 0) {
        writer_started = pthread_create(&s.writer, NULL, writer_main, &s) == 0;
        if (!writer_started)
            rc = pa_error_set(err, PA_EINTERNAL, "cannot start the writer thread");
    }
    if (rc == 0)
        rc = start_daemon(&s, err);
    while (rc == 0 && !*stop)
        usleep(100000);
    stop_daemon(&s);
    if (writer_started)
        stop_writer(&s);
    free_server(&s);
    return rc;
}
