/*
 * service.c - what every request of a server shares: the configuration, one
 * read-only database connection per request thread, the group-committing
 * writer, and the answer cache, metrics and sign-in limiter.
 *
 * Reads run on the request's own thread through its own connection, so they
 * never wait for each other.  Writes are jobs for one writer thread, which
 * runs the jobs queued together in one transaction and one COMMIT (a group
 * commit): with synchronous=FULL a commit costs an fdatasync, and sharing it is
 * what makes concurrent writes fast.  A job that fails undoes its group, and
 * the others are run again alone, so a refused request never takes others
 * down with it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http_int.h"

#define READERS_MAX   192 /* 64 pool threads at most, and mhd.c's 128 waiter threads */
#define GROUP_MAX     128  /* jobs sharing one COMMIT */
#define SWEEP_SECONDS 3600 /* expired sessions are deleted this often, besides at each sign-in */

struct job {
    pa_http_job fn;
    struct pa_http_request *r;
    void *ctx;
    bool alone, done;
    struct job *next;
};

struct pa_http_service {
    struct pa_server_config config;

    pthread_key_t reader_key;
    pthread_mutex_t readers_lock;
    struct pa_db *readers[READERS_MAX];
    int nreaders;

    /* what readers open: the database, or on PostgreSQL the writer's local
     * copy, which the writer keeps up to date (its own commits, and other
     * servers' as it hears of them) */
    char reader_path[4096];

    struct pa_db *writer_db;
    pthread_t writer;
    bool writer_started;
    pthread_mutex_t lock;
    pthread_cond_t wake, finished;
    struct job *head, *tail;
    bool stopping;

    struct pa_rate_limit *limiter;
    struct pa_metrics *metrics;
    struct pa_cache *cache;

    /* on PostgreSQL: other servers' writes, heard of by the follower thread
     * and applied to this server's copy by the writer between groups */
    struct pa_pg_listener *listener;
    pthread_t follower;
    bool follower_started, behind;
};

const struct pa_server_config *pa_http_service_config(const struct pa_http_service *s)
{
    return &s->config;
}

struct pa_cache *pa_http_service_cache(struct pa_http_service *s)
{
    return s->cache;
}

struct pa_metrics *pa_http_service_metrics(struct pa_http_service *s)
{
    return s->metrics;
}

struct pa_rate_limit *pa_http_service_limiter(struct pa_http_service *s)
{
    return s->limiter;
}

/* ---- readers: one read-only connection per request thread ------------------ */

/* Every read is the library's, as the caller: a user, or the public. */
static struct pa_db *act_as_caller(struct pa_http_request *r, struct pa_db *db)
{
    pa_db_set_principal(db, r->signed_in ? &r->user : &pa_anonymous, NULL);
    return db;
}

struct pa_db *pa_http_reader(struct pa_http_request *r)
{
    struct pa_http_service *s = r->service;
    struct pa_db *db = pthread_getspecific(s->reader_key);
    if (db != NULL)
        return act_as_caller(r, db);
    struct pa_error err;
    pa_error_clear(&err);
    pthread_mutex_lock(&s->readers_lock);
    int rc = s->nreaders < READERS_MAX ? pa_open(&db, s->reader_path, PA_DB_READONLY, &err)
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
    int rc = pa_db_set_principal(db, r->signed_in ? &r->user : &pa_anonymous, err);
    /* the user as the users table says now, inside the transaction: a role
     * changed or a user disabled since they signed in counts from here */
    if (rc == 0 && !j->alone)
        rc = pa_user_refresh(db, err);
    if (rc != 0)
        return rc;
    /* a job alone begins its own transaction(s): the same check at each BEGIN */
    pa_db_on_begin(db, j->alone ? pa_user_refresh : NULL);
    rc = j->fn(db, r, j->ctx, err);
    pa_db_on_begin(db, NULL);
    return rc;
}

/* Runs one job in its own transaction (or none, if it manages its own). */
static void run_alone(struct pa_db *db, struct pa_metrics *metrics, struct job *j)
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
        else
            pa_metrics_commit(metrics, 1);
    }
    PA_ASSERT(!pa_db_in_transaction(db));
    if (rc != 0 && j->r->status == 0)
        pa_http_fail(j->r, &err);
}

static void run_group(struct pa_db *db, struct pa_metrics *metrics, struct job *first)
{
    struct pa_error err;
    pa_error_clear(&err);
    int n = 0;
    for (struct job *j = first; j; j = j->next)
        n++;
    if (n == 1 || first->alone) {
        for (struct job *j = first; j; j = j->next)
            run_alone(db, metrics, j);
        return;
    }
    int rc = pa_db_begin(db, &err);
    for (struct job *j = first; rc == 0 && j; j = j->next)
        rc = run_job(db, j, &err);
    if (rc == 0)
        rc = pa_db_commit(db, &err);
    if (rc == 0) {
        pa_metrics_commit(metrics, (unsigned)n);
        return;
    }
    pa_db_rollback(db);
    for (struct job *j = first; j; j = j->next)
        run_alone(db, metrics, j);
}

/* Takes the queued jobs: every ordinary one (up to GROUP_MAX), or a lone
 * `alone` job at the head. */
static struct job *take_group(struct pa_http_service *s)
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

/* Deletes expired sessions, in a transaction of its own between groups. */
static void sweep_sessions(struct pa_db *db)
{
    struct pa_error err;
    pa_error_clear(&err);
    pa_db_set_principal(db, NULL, NULL);
    if (pa_db_begin(db, &err) != 0)
        return;
    if (pa_session_sweep(db, NULL, &err) != 0 || pa_db_commit(db, &err) != 0)
        pa_db_rollback(db);
}

/* Brings the local copy up to date with what other servers wrote: an empty
 * transaction, whose BEGIN applies their events (src/pg). */
static void catch_up(struct pa_db *db)
{
    struct pa_error err;
    pa_error_clear(&err);
    pa_db_set_principal(db, NULL, NULL);
    if (pa_db_begin(db, &err) == 0 && pa_db_commit(db, &err) != 0)
        pa_db_rollback(db);
}

static void *follower_main(void *arg)
{
    struct pa_http_service *s = arg;
    pthread_mutex_lock(&s->lock);
    while (!s->stopping) {
        pthread_mutex_unlock(&s->lock);
        int heard = pa_pg_listener_wait(s->listener, 250);
        if (heard < 0)
            usleep(250 * 1000); /* PostgreSQL is away: try again shortly */
        pthread_mutex_lock(&s->lock);
        if (heard > 0) {
            s->behind = true;
            pthread_cond_signal(&s->wake);
        }
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

static void *writer_main(void *arg)
{
    struct pa_http_service *s = arg;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += SWEEP_SECONDS;
        int waited = 0;
        while (s->head == NULL && !s->stopping && !s->behind && waited != ETIMEDOUT)
            waited = pthread_cond_timedwait(&s->wake, &s->lock, &until);
        if (s->behind) {
            s->behind = false;
            pthread_mutex_unlock(&s->lock);
            catch_up(s->writer_db);
            pthread_mutex_lock(&s->lock);
            continue;
        }
        if (s->head == NULL && !s->stopping) {
            pthread_mutex_unlock(&s->lock);
            sweep_sessions(s->writer_db);
            pthread_mutex_lock(&s->lock);
            continue;
        }
        if (s->head == NULL)
            break;
        struct job *group = take_group(s);
        pthread_mutex_unlock(&s->lock);
        run_group(s->writer_db, s->metrics, group);
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
    struct pa_http_service *s = r->service;
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

/* ---- opening and closing ------------------------------------------------------------ */

void pa_server_config_defaults(struct pa_server_config *c)
{
    if (c->threads == 0)
        c->threads = 16;
    if (c->session_seconds <= 0)
        c->session_seconds = PA_SESSION_DEFAULT_SECONDS;
    if (c->address == NULL)
        c->address = "127.0.0.1";
    if (c->per_address == 0)
        c->per_address = 32;
    if (c->header_seconds == 0)
        c->header_seconds = 10;
    if (c->request_seconds == 0)
        c->request_seconds = 120;
    if (c->upload_bytes <= 0)
        c->upload_bytes = PA_HTTP_UPLOAD_DEFAULT_BYTES;
}

int pa_http_service_open(struct pa_http_service **out, const struct pa_server_config *config,
                         struct pa_error *err)
{
    struct pa_http_service *s = calloc(1, sizeof(*s));
    *out = NULL;
    if (s == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    s->config = *config;
    pa_server_config_defaults(&s->config);
    pthread_key_create(&s->reader_key, NULL);
    pthread_mutex_init(&s->readers_lock, NULL);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->wake, NULL);
    pthread_cond_init(&s->finished, NULL);
    s->limiter = pa_rate_limit_new();
    s->metrics = pa_metrics_new();
    s->cache = pa_cache_new();
    int rc = s->limiter && s->metrics && s->cache
                 ? pa_open(&s->writer_db, s->config.db_path, PA_DB_CREATE, err)
                 : pa_error_set(err, PA_ENOMEM, "out of memory");
    if (rc == 0)
        rc = pa_db_set_actor(s->writer_db, "http", err);
    /* On PostgreSQL a reader opened through the URI would connect, take the
     * log's lock twice and catch the copy up, under readers_lock: a new
     * server's first requests queued behind each other and the writer for
     * seconds (bench/RESULTS.md, issue 15).  The copy is already current. */
    if (rc == 0 && pa_pg_uri(s->config.db_path))
        rc = pa_pg_copy_path(s->config.db_path, s->reader_path, sizeof(s->reader_path), err);
    else if (rc == 0 && (size_t)snprintf(s->reader_path, sizeof(s->reader_path), "%s",
                                         s->config.db_path) >= sizeof(s->reader_path))
        rc = pa_error_set(err, PA_EINVAL, "the database's name is too long");
    if (rc == 0) {
        s->writer_started = pthread_create(&s->writer, NULL, writer_main, s) == 0;
        if (!s->writer_started)
            rc = pa_error_set(err, PA_EINTERNAL, "cannot start the writer thread");
    }
    if (rc == 0 && pa_pg_uri(s->config.db_path))
        rc = pa_pg_listener_open(&s->listener, s->config.db_path, err);
    if (rc == 0 && s->listener) {
        s->follower_started = pthread_create(&s->follower, NULL, follower_main, s) == 0;
        if (!s->follower_started)
            rc = pa_error_set(err, PA_EINTERNAL, "cannot start the thread that follows PostgreSQL");
    }
    if (rc != 0) {
        pa_http_service_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

void pa_http_service_close(struct pa_http_service *s)
{
    if (s == NULL)
        return;
    if (s->writer_started) {
        pthread_mutex_lock(&s->lock);
        s->stopping = true;
        pthread_cond_signal(&s->wake);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->writer, NULL);
    }
    if (s->follower_started) {
        pthread_mutex_lock(&s->lock);
        s->stopping = true;
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->follower, NULL);
    }
    pa_pg_listener_close(s->listener);
    for (int i = 0; i < s->nreaders; i++)
        pa_db_free(s->readers[i]);
    pa_db_free(s->writer_db);
    pa_rate_limit_free(s->limiter);
    pa_metrics_free(s->metrics);
    pa_cache_free(s->cache);
    pthread_key_delete(s->reader_key);
    pthread_mutex_destroy(&s->readers_lock);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->wake);
    pthread_cond_destroy(&s->finished);
    free(s);
}
