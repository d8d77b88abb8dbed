/*
 * mhd.c - the libmicrohttpd glue: it copies each request into a struct
 * pa_http_request for dispatch.c, sends back what that answers, logs it, and
 * guards the connections themselves.
 *
 * libmicrohttpd calls the access handler several times per request: first with
 * only the headers, then with each piece of the body, then once more with none.
 * We answer on the first call only when the request is refused outright
 * (dispatch.c's pa_http_begin): answering early otherwise makes libmicrohttpd
 * 0.9.75 close the connection instead of keeping it alive, which made the
 * server 4.4x slower.
 *
 * Connections are guarded here because a slow client costs a connection, not
 * a request: at most `per_address` connections per client address; a new
 * connection's headers must arrive within `header_seconds`; a request's body
 * within `request_seconds` of its headers.  libmicrohttpd's own timeout only
 * closes connections that send nothing, so a client trickling a header line
 * every few seconds would otherwise hold its connection for ever.  A sweeper
 * thread shuts such connections down; libmicrohttpd then sees the socket end
 * and cleans up as for any closed connection.
 *
 * The per-address count is checked twice.  accept_policy refuses early, before
 * libmicrohttpd spends anything on the connection, but each pool thread
 * accepts on its own, and a connection only joins the list (on_connection)
 * after libmicrohttpd has set it up; two threads accepting from one address at
 * once both counted without the other and let it hold more than its share.
 * on_connection therefore checks again, counting and joining under one lock,
 * and shuts down a connection over the limit as the sweeper does.
 *
 * A write is not run on the pool thread that received it.  The writer
 * (service.c) commits every job queued together at once, but a request thread
 * waits for its job, so with 16 pool threads at most 16 writes could share an
 * fdatasync, and reads on the same threads waited behind them.  So a request
 * that may write (any method but GET and HEAD) is suspended once its body is
 * in (MHD_suspend_connection) and handed to a waiter thread, which runs it
 * and resumes the connection; libmicrohttpd then calls on_request again and
 * the answer is sent from the pool thread.  Waiter threads are started as
 * needed, up to WAITERS_MAX, so as many writes as that can wait for one
 * commit while the pool goes on serving reads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <microhttpd.h>

#include "http_int.h"

#define CONNECTIONS_MAX 1000
#define IDLE_SECONDS    30 /* a kept-alive connection may wait this long for its next request */
#define DRAIN_SECONDS   10 /* how long shutdown waits for requests in flight */
#define SWEEP_MS        250
#define WAITERS_MAX     128 /* writes waiting at once: service.c's GROUP_MAX */

/* ---- guarding connections ---------------------------------------------------------- */

enum conn_phase {
    WAITING,   /* for a request's headers */
    RECEIVING, /* a request's body */
    WORKING,   /* suspended while a waiter thread runs it: no deadline */
    ANSWERING, /* the answer is queued; libmicrohttpd's idle timeout applies */
};

struct conn {
    int fd;
    char addr[PA_HTTP_ADDR_MAX];
    enum conn_phase phase;
    long long deadline_ns; /* 0: none */
    bool shut;
    bool refused; /* over its address's limit: shut, not counted, never answered */
    struct conn *prev, *next;
};

struct guard {
    pthread_mutex_t lock;
    struct conn *live; /* every open connection */
    unsigned count;
    const struct pa_server_config *config;
    pthread_t sweeper;
    bool sweeping, stop;
    pthread_cond_t wake;
};

struct exchange;

/* Threads that run writes off the pool (see the top of the file). */
struct waiters {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct exchange *head, *tail; /* suspended, not yet taken */
    pthread_t threads[WAITERS_MAX];
    int started, idle;
    bool stop;
};

struct server {
    struct pa_http_service *service;
    const struct pa_server_config *config;
    struct MHD_Daemon *daemon;
    atomic_int in_flight;
    struct guard guard;
    struct waiters waiters;
};

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void address_text(const struct sockaddr *sa, char out[PA_HTTP_ADDR_MAX])
{
    out[0] = '\0';
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, PA_HTTP_ADDR_MAX);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, PA_HTTP_ADDR_MAX);
}

/* Connections from addr, lock held.  A few hundred connections at most, so a
 * walk is cheaper than keeping a map in step. */
static unsigned connections_from(const struct guard *g, const char *addr)
{
    unsigned n = 0;
    for (const struct conn *c = g->live; c; c = c->next)
        n += !c->refused && strcmp(c->addr, addr) == 0;
    return n;
}

/* Whether addr may open one more connection, lock held. */
static bool may_connect(const struct guard *g, const char *addr)
{
    const char *proxy = g->config->trusted_proxy;
    if (proxy && strcmp(addr, proxy) == 0)
        return true; /* every client of the proxy shares its address */
    return connections_from(g, addr) < g->config->per_address;
}

static enum MHD_Result accept_policy(void *cls, const struct sockaddr *sa, socklen_t len)
{
    (void)len;
    struct guard *g = cls;
    char addr[PA_HTTP_ADDR_MAX];
    address_text(sa, addr);
    pthread_mutex_lock(&g->lock);
    bool ok = may_connect(g, addr);
    pthread_mutex_unlock(&g->lock);
    return ok ? MHD_YES : MHD_NO;
}

static void set_phase(struct conn *c, enum conn_phase phase, unsigned seconds)
{
    c->phase = phase;
    c->deadline_ns = seconds ? now_ns() + (long long)seconds * 1000000000LL : 0;
}

static void on_connection(void *cls, struct MHD_Connection *connection, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct guard *g = cls;
    struct conn *c = *socket_context;
    pthread_mutex_lock(&g->lock);
    if (code == MHD_CONNECTION_NOTIFY_STARTED && (c = calloc(1, sizeof(*c))) != NULL) {
        const union MHD_ConnectionInfo *fd =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
        const union MHD_ConnectionInfo *peer =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        c->fd = fd ? fd->connect_fd : -1;
        address_text(peer ? peer->client_addr : NULL, c->addr);
        set_phase(c, WAITING, g->config->header_seconds);
        /* the firm check (see the top of the file): on the list, but shut */
        c->refused = !may_connect(g, c->addr);
        if (c->refused && c->fd >= 0) {
            shutdown(c->fd, SHUT_RDWR);
            c->shut = true;
        }
        c->next = g->live;
        if (g->live)
            g->live->prev = c;
        g->live = c;
        g->count++;
        *socket_context = c;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && c != NULL) {
        /* libmicrohttpd closes the socket after this returns, so while the
         * sweeper holds the lock, every fd on the list is still this one's */
        if (c->prev)
            c->prev->next = c->next;
        else
            g->live = c->next;
        if (c->next)
            c->next->prev = c->prev;
        g->count--;
        free(c);
        *socket_context = NULL;
    }
    pthread_mutex_unlock(&g->lock);
}

/* The phase of the request's connection moves on (lock taken here); false if
 * the connection was refused. */
static bool connection_phase(struct server *s, struct MHD_Connection *connection,
                             enum conn_phase phase, unsigned seconds)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct conn *c = info ? info->socket_context : NULL;
    if (c == NULL)
        return true;
    pthread_mutex_lock(&s->guard.lock);
    bool refused = c->refused;
    if (!refused)
        set_phase(c, phase, seconds);
    pthread_mutex_unlock(&s->guard.lock);
    return !refused;
}

static void *sweeper_main(void *arg)
{
    struct guard *g = arg;
    pthread_mutex_lock(&g->lock);
    while (!g->stop) {
        long long now = now_ns();
        for (struct conn *c = g->live; c; c = c->next)
            if (!c->shut && c->deadline_ns && now > c->deadline_ns && c->fd >= 0) {
                shutdown(c->fd, SHUT_RDWR);
                c->shut = true;
            }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += SWEEP_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&g->wake, &g->lock, &until);
    }
    pthread_mutex_unlock(&g->lock);
    return NULL;
}

/* ---- requests ------------------------------------------------------------------------ */

static enum MHD_Result copy_header(void *cls, enum MHD_ValueKind kind, const char *name,
                                   const char *value)
{
    (void)kind;
    pa_http_add_header(cls, name, value);
    return MHD_YES;
}

static enum MHD_Result copy_arg(void *cls, enum MHD_ValueKind kind, const char *name,
                                const char *value)
{
    (void)kind;
    pa_http_add_arg(cls, name, value);
    return MHD_YES;
}

static void add_headers(const struct pa_http_request *r, struct MHD_Response *resp)
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
    if (r->etag[0])
        MHD_add_response_header(resp, "ETag", r->etag);
    if (r->content_encoding)
        MHD_add_response_header(resp, "Content-Encoding", r->content_encoding);
    if (r->vary_encoding)
        MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    if (r->disposition[0])
        MHD_add_response_header(resp, "Content-Disposition", r->disposition);
    if (r->status == 405 && r->allow[0])
        MHD_add_response_header(resp, "Allow", r->allow);
    if (r->status == 429)
        MHD_add_response_header(resp, "Retry-After", "60");
    if (r->close)
        MHD_add_response_header(resp, "Connection", "close");
}

enum exchange_state {
    RECEIVED, /* the headers, perhaps some of the body */
    HANDED,   /* suspended, with a waiter thread */
    FINISHED, /* answered by a waiter thread, resumed: to be sent */
};

struct exchange {
    struct pa_http_request r;
    bool replied;
    _Atomic enum exchange_state state;
    struct MHD_Connection *conn;
    struct exchange *next; /* in the waiters' queue */
};

static enum MHD_Result reply(struct server *s, struct MHD_Connection *conn, struct exchange *x)
{
    struct pa_http_request *r = &x->r;
    x->replied = true;
    connection_phase(s, conn, ANSWERING, 0);
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        r->reply_len, r->reply, r->reply_static ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_FREE);
    if (resp == NULL)
        return MHD_NO;
    if (!r->reply_static)
        r->reply = NULL; /* libmicrohttpd frees it */
    add_headers(r, resp);
    enum MHD_Result ret = MHD_queue_response(conn, r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static struct exchange *start(struct server *s, struct MHD_Connection *conn, const char *url,
                              const char *method)
{
    struct exchange *x = calloc(1, sizeof(*x));
    if (x == NULL)
        return NULL;
    const union MHD_ConnectionInfo *peer =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char addr[PA_HTTP_ADDR_MAX];
    address_text(peer ? peer->client_addr : NULL, addr);
    pa_http_request_init(&x->r, s->service, method, url, addr);
    MHD_get_connection_values(conn, MHD_HEADER_KIND, copy_header, &x->r);
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, copy_arg, &x->r);
    atomic_fetch_add(&s->in_flight, 1);
    pa_http_begin(&x->r);
    return x;
}

/* ---- writes, run by waiter threads ------------------------------------------------------ */

static bool may_write(const struct pa_http_request *r)
{
    return strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0;
}

static void *waiter_main(void *arg)
{
    struct server *s = arg;
    struct waiters *w = &s->waiters;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (w->head == NULL && !w->stop)
            pthread_cond_wait(&w->wake, &w->lock);
        struct exchange *x = w->head;
        if (x == NULL)
            break; /* stopping, and nothing left: queued writes are run first */
        w->head = x->next;
        if (w->head == NULL)
            w->tail = NULL;
        w->idle--;
        pthread_mutex_unlock(&w->lock);
        pa_http_finish(&x->r); /* waits for the writer's commit */
        atomic_store(&x->state, FINISHED);
        MHD_resume_connection(x->conn);
        pthread_mutex_lock(&w->lock);
        w->idle++;
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* Suspends the connection and queues its request for a waiter thread,
 * starting one if none is idle; false (nothing done) if none can run it. */
static bool hand_to_waiter(struct server *s, struct MHD_Connection *conn, struct exchange *x)
{
    struct waiters *w = &s->waiters;
    pthread_mutex_lock(&w->lock);
    if (!w->stop && w->idle == 0 && w->started < WAITERS_MAX &&
        pthread_create(&w->threads[w->started], NULL, waiter_main, s) == 0) {
        w->started++;
        w->idle++;
    }
    bool handed = w->started > 0 && !w->stop;
    if (handed) {
        connection_phase(s, conn, WORKING, 0);
        x->conn = conn;
        x->next = NULL;
        atomic_store(&x->state, HANDED);
        MHD_suspend_connection(conn);
        if (w->tail)
            w->tail->next = x;
        else
            w->head = x;
        w->tail = x;
        pthread_cond_signal(&w->wake);
    }
    pthread_mutex_unlock(&w->lock);
    return handed;
}

static void start_waiters(struct waiters *w)
{
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
}

/* Runs what is queued, then joins the threads: every suspended connection
 * has been resumed when this returns.  A kept-alive connection may still
 * send a request until libmicrohttpd stops; hand_to_waiter then refuses it
 * and the pool thread runs it, so the lock lives on until free_waiters. */
static void stop_waiters(struct waiters *w)
{
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
    for (int i = 0; i < w->started; i++)
        pthread_join(w->threads[i], NULL);
}

/* Once libmicrohttpd has stopped. */
static void free_waiters(struct waiters *w)
{
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct server *s = cls;
    struct exchange *x = *con_cls;
    if (x == NULL) {
        /* data sent before a refused connection was shut down can still be
         * read: it is closed unanswered, as if accept_policy had refused it */
        if (!connection_phase(s, conn, RECEIVING, s->config->request_seconds) ||
            (x = start(s, conn, url, method)) == NULL)
            return MHD_NO;
        *con_cls = x;
        /* refused from its headers alone (framing, or a body far too large) */
        return pa_http_answered(&x->r) ? reply(s, conn, x) : MHD_YES;
    }
    if (x->replied) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        /* past a limit the rest is read and dropped, so the client gets the 413 */
        pa_http_take_body(&x->r, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    enum exchange_state state = atomic_load(&x->state);
    if (state == HANDED)
        return MHD_YES; /* not resumed yet (libmicrohttpd should not call) */
    if (state == RECEIVED) {
        if (may_write(&x->r) && hand_to_waiter(s, conn, x))
            return MHD_YES; /* on_request is called again once resumed */
        pa_http_finish(&x->r);
    }
    return reply(s, conn, x);
}

static void access_log(struct server *s, const struct pa_http_request *r, double seconds)
{
    if (s->config->access_log == NULL)
        return;
    char when[32];
    time_t t = time(NULL);
    struct tm tm;
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
    /* the path only: a query string is not logged, and no header ever is */
    json_t *line = json_pack("{s:s, s:s, s:s, s:i, s:f, s:s, s:s}", "time", when, "method",
                             r->method, "path", r->url, "status", (int)r->status, "ms",
                             seconds * 1000.0, "user", r->signed_in ? r->user.name : "", "addr",
                             r->client);
    char *text = line ? json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    if (text)
        s->config->access_log(text, s->config->ctx);
    free(text);
    json_decref(line);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    struct server *s = cls;
    struct exchange *x = *con_cls;
    if (x == NULL)
        return;
    struct pa_http_request *r = &x->r;
    double seconds = (double)(now_ns() - r->started_ns) / 1e9;
    if (x->replied) {
        pa_metrics_observe(r->metrics, r->route ? r->route->pattern : "static", r->status,
                           seconds);
        access_log(s, r, seconds);
    }
    pa_http_request_release(r);
    free(x);
    *con_cls = NULL;
    connection_phase(s, conn, WAITING, IDLE_SECONDS);
    atomic_fetch_sub(&s->in_flight, 1);
}

static size_t unescape(void *cls, struct MHD_Connection *conn, char *text)
{
    (void)cls, (void)conn;
    return pa_http_unescape(text);
}

/* ---- starting and stopping ------------------------------------------------------------ */

static int start_daemon(struct server *s, struct pa_error *err)
{
    const struct pa_server_config *c = s->config;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons(c->port);
    if (inet_pton(AF_INET, c->address, &addr.sin_addr) != 1)
        return pa_error_setf(err, PA_EINVAL, "listen", "'%s' is not an IPv4 address", c->address);
    s->daemon = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME, 0, accept_policy, &s->guard, on_request, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, c->threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTIONS_MAX, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)IDLE_SECONDS, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection,
        &s->guard, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_END);
    if (s->daemon == NULL)
        return pa_error_set(err, PA_EIO, "cannot listen on %s:%u (in use?)", c->address, c->port);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (c->on_ready)
        c->on_ready(info ? info->port : c->port, c->ctx);
    return 0;
}

/* Stops accepting, waits (a while) for requests in flight, then stops. */
static void stop_daemon(struct server *s)
{
    if (s->daemon) {
        MHD_quiesce_daemon(s->daemon);
        for (int i = 0; i < DRAIN_SECONDS * 100 && atomic_load(&s->in_flight) > 0; i++)
            usleep(10000);
    }
    /* libmicrohttpd closes suspended connections as it stops: none may be
     * left with a waiter thread still using its request */
    stop_waiters(&s->waiters);
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
}

static int start_sweeper(struct guard *g, const struct pa_server_config *config,
                         struct pa_error *err)
{
    g->config = config;
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->wake, NULL);
    g->sweeping = pthread_create(&g->sweeper, NULL, sweeper_main, g) == 0;
    return g->sweeping ? 0 : pa_error_set(err, PA_EINTERNAL, "cannot start the sweeper thread");
}

static void stop_sweeper(struct guard *g)
{
    if (g->sweeping) {
        pthread_mutex_lock(&g->lock);
        g->stop = true;
        pthread_cond_signal(&g->wake);
        pthread_mutex_unlock(&g->lock);
        pthread_join(g->sweeper, NULL);
    }
    PA_ASSERT(g->live == NULL && g->count == 0);
    pthread_cond_destroy(&g->wake);
    pthread_mutex_destroy(&g->lock);
}

int pa_server_run(const struct pa_server_config *config, volatile sig_atomic_t *stop,
                  struct pa_error *err)
{
    struct server s;
    memset(&s, 0, sizeof(s));
    int rc = pa_http_service_open(&s.service, config, err);
    if (rc != 0)
        return rc;
    s.config = pa_http_service_config(s.service);
    rc = start_sweeper(&s.guard, s.config, err);
    start_waiters(&s.waiters);
    if (rc == 0)
        rc = start_daemon(&s, err);
    while (rc == 0 && !*stop)
        usleep(100000);
    stop_daemon(&s);
    free_waiters(&s.waiters);
    stop_sweeper(&s.guard);
    pa_http_service_close(s.service);
    return rc;
}
