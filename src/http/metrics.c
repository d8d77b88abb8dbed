/*
 * metrics.c - /healthz and /metrics (Prometheus text format): requests by
 * route and status, a latency histogram per route, events in the log and the
 * database's size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "http_int.h"

#define SERIES_MAX 256

static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                 0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
#define NBUCKETS PA_ARRAY_LEN(buckets)

struct series {
    const char *route; /* a route's pattern: static, so compared by address */
    unsigned status;
    unsigned long long count;
};

struct histogram {
    const char *route;
    unsigned long long le[NBUCKETS], count;
    double sum;
};

struct pa_metrics {
    pthread_mutex_t lock;
    struct series series[SERIES_MAX];
    int nseries;
    struct histogram hist[SERIES_MAX];
    int nhist;
    /* the writer's COMMITs (each one fdatasync) and the requests they carried */
    unsigned long long commits, committed_writes;
};

struct pa_metrics *pa_metrics_new(void)
{
    struct pa_metrics *m = calloc(1, sizeof(*m));
    if (m)
        pthread_mutex_init(&m->lock, NULL);
    return m;
}

void pa_metrics_free(struct pa_metrics *m)
{
    if (m == NULL)
        return;
    pthread_mutex_destroy(&m->lock);
    free(m);
}

void pa_metrics_observe(struct pa_metrics *m, const char *route, unsigned status, double seconds)
{
    pthread_mutex_lock(&m->lock);
    int i = 0;
    while (i < m->nseries && (m->series[i].route != route || m->series[i].status != status))
        i++;
    if (i == m->nseries && i < SERIES_MAX)
        m->series[m->nseries++] = (struct series){route, status, 0};
    if (i < SERIES_MAX)
        m->series[i].count++;
    int h = 0;
    while (h < m->nhist && m->hist[h].route != route)
        h++;
    if (h == m->nhist && h < SERIES_MAX)
        m->hist[m->nhist++].route = route;
    if (h < SERIES_MAX) {
        struct histogram *hg = &m->hist[h];
        for (size_t b = 0; b < NBUCKETS; b++)
            hg->le[b] += seconds <= buckets[b];
        hg->count++;
        hg->sum += seconds;
    }
    pthread_mutex_unlock(&m->lock);
}

void pa_metrics_commit(struct pa_metrics *m, unsigned writes)
{
    pthread_mutex_lock(&m->lock);
    m->commits++;
    m->committed_writes += writes;
    pthread_mutex_unlock(&m->lock);
}

char *pa_metrics_text(struct pa_metrics *m, int64_t events, int64_t db_bytes, size_t *len)
{
    char *text = NULL;
    FILE *out = open_memstream(&text, len);
    if (out == NULL)
        return NULL;
    fputs("# HELP pairaid_http_requests_total HTTP requests answered, by route and status.\n"
          "# TYPE pairaid_http_requests_total counter\n",
          out);
    pthread_mutex_lock(&m->lock);
    for (int i = 0; i < m->nseries; i++)
        fprintf(out, "pairaid_http_requests_total{route=\"%s\",status=\"%u\"} %llu\n",
                m->series[i].route, m->series[i].status, m->series[i].count);
    fputs("# HELP pairaid_http_request_seconds Time to answer, by route.\n"
          "# TYPE pairaid_http_request_seconds histogram\n",
          out);
    for (int h = 0; h < m->nhist; h++) {
        const struct histogram *hg = &m->hist[h];
        for (size_t b = 0; b < NBUCKETS; b++)
            fprintf(out, "pairaid_http_request_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
                    hg->route, buckets[b], hg->le[b]);
        fprintf(out, "pairaid_http_request_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n",
                hg->route, hg->count);
        fprintf(out, "pairaid_http_request_seconds_sum{route=\"%s\"} %.6f\n", hg->route, hg->sum);
        fprintf(out, "pairaid_http_request_seconds_count{route=\"%s\"} %llu\n", hg->route,
                hg->count);
    }
    fprintf(out,
            "# HELP pairaid_write_commits_total COMMITs of requests' writes (an fdatasync each).\n"
            "# TYPE pairaid_write_commits_total counter\npairaid_write_commits_total %llu\n"
            "# HELP pairaid_write_requests_total Requests' writes those COMMITs carried.\n"
            "# TYPE pairaid_write_requests_total counter\npairaid_write_requests_total %llu\n",
            m->commits, m->committed_writes);
    pthread_mutex_unlock(&m->lock);
    fprintf(out,
            "# HELP pairaid_log_events Events in the audit log.\n"
            "# TYPE pairaid_log_events gauge\npairaid_log_events %lld\n"
            "# HELP pairaid_database_bytes Size of the database file and its WAL (on PostgreSQL: the local copy's).\n"
            "# TYPE pairaid_database_bytes gauge\npairaid_database_bytes %lld\n",
            (long long)events, (long long)db_bytes);
    if (fclose(out) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

static int64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* On PostgreSQL, what this server keeps on its own disk: the local copy (the
 * database's size is PostgreSQL's to report, pg_database_size). */
static int64_t database_bytes(const char *path)
{
    char copy[4096], wal[4200];
    if (pa_pg_uri(path) && pa_pg_copy_path(path, copy, sizeof(copy), NULL) == 0)
        path = copy;
    snprintf(wal, sizeof(wal), "%s-wal", path);
    return file_size(path) + file_size(wal);
}

static int log_size(struct pa_http_request *r, int64_t *events)
{
    struct pa_db *db = pa_http_reader(r);
    struct pa_error err;
    pa_error_clear(&err);
    if (db == NULL)
        return -1;
    if (pa_tlog_size(db, events, &err) != 0) {
        pa_http_fail(r, &err);
        return -1;
    }
    return 0;
}

/* `today` is the server's day (pa_date_today, which $PAIRAID_TODAY sets in tests): the web
 * pages print it as a report's 统计截止日期, so a printed date agrees with the books' "today"
 * rather than with the reader's clock. */
void pa_h_healthz(struct pa_http_request *r)
{
    int64_t events;
    char today[PA_DATE_LEN + 1];
    pa_date_format(pa_date_today(), today);
    if (log_size(r, &events) == 0)
        pa_http_json(r, 200,
                     json_pack("{s:s, s:I, s:s}", "status", "ok", "events", (json_int_t)events, "today", today));
}

void pa_h_metrics(struct pa_http_request *r)
{
    int64_t events;
    if (log_size(r, &events) != 0)
        return;
    size_t len;
    char *text = pa_metrics_text(r->metrics, events, database_bytes(r->config->db_path), &len);
    if (text == NULL)
        pa_http_error(r, 503, "busy", NULL, "out of memory");
    else
        pa_http_bytes(r, 200, "text/plain; version=0.0.4", text, len);
}
