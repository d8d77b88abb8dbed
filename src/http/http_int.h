/*
 * http_int.h - what the server's files share: the request, the routes, the
 * writer queue, and the helpers handlers answer with.
 *
 * A handler is a function of one request.  It reads through pa_http_reader()
 * and writes through pa_http_write(), and answers with pa_http_json() or
 * pa_http_error()/pa_http_fail(); anything it allocates for the answer is
 * freed when the connection is done with the request.
 */
#ifndef PAIRAID_HTTP_INT_H
#define PAIRAID_HTTP_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include <jansson.h>
#include <microhttpd.h>

#include "pairaid/pairaid.h"

#define PA_HTTP_BODY_MAX   (1024 * 1024) /* larger bodies get 413 */
#define PA_HTTP_PARAMS_MAX 3
#define PA_HTTP_PAGE_MAX   1000

struct pa_server;
struct pa_http_request;

enum pa_access {
    PA_PUBLIC,    /* anyone, signed in or not */
    PA_SIGNED_IN, /* any user */
};

struct pa_route {
    const char *method;  /* "GET", "POST", "PATCH" */
    const char *pattern; /* "/api/v1/projects/{}": {} matches one path segment */
    enum pa_access access;
    void (*handle)(struct pa_http_request *r);
    bool cache; /* anonymous answers depend only on the log: cache.c may keep them */
};

struct pa_arena_chunk;

struct pa_http_request {
    struct pa_server *server;
    struct pa_arena_chunk *arena; /* everything of this request, freed at once */
    struct MHD_Connection *conn;
    const struct pa_route *route;
    const char *method, *url;
    char *params[PA_HTTP_PARAMS_MAX]; /* the {} segments, decoded */
    int nparams;
    char *body;
    size_t body_len, body_cap;
    bool too_large, body_refused;
    bool replied; /* the access handler has queued its answer */
    long long started_ns;

    /* who asks */
    bool signed_in, by_cookie;
    struct pa_principal user;
    char token[PA_TOKEN_HEX_LEN + 1];
    int64_t expires;

    /* the answer cache (cache.c) */
    bool cache_candidate;
    int64_t cache_version;
    char cache_key[512];

    /* the answer */
    unsigned status;
    char *reply; /* malloc'd body, or points into a static blob */
    size_t reply_len;
    bool reply_static;
    const char *content_type;
    const char *cache_control;
    char disposition[128]; /* Content-Disposition for downloads */
    char set_cookie[256];
};

/* ---- the request's arena (request.c): freed when the request is done ---------- */
void *pa_http_alloc(struct pa_http_request *r, size_t size); /* NULL when out of memory */
char *pa_http_strdup(struct pa_http_request *r, const char *s);
void pa_http_arena_free(struct pa_http_request *r);

/* ---- answering (reply.c) ---------------------------------------------------- */
void pa_http_json(struct pa_http_request *r, unsigned status, json_t *body); /* steals body */
void pa_http_error(struct pa_http_request *r, unsigned status, const char *code, const char *field,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Answers a library error with the status its code means (docs/api.md). */
void pa_http_fail(struct pa_http_request *r, const struct pa_error *err);
void pa_http_bytes(struct pa_http_request *r, unsigned status, const char *content_type, char *body,
                   size_t len); /* takes body (malloc'd) */
/* Money as the API writes it: yuan with two decimals, a string. */
json_t *pa_http_money(int64_t fen);
/* "12.3" (percent, one decimal) from tenths of a percent; null if < 0. */
json_t *pa_http_rate(int permille);

/* ---- reading the request (request.c) ------------------------------------------ */
const char *pa_http_query(struct pa_http_request *r, const char *name);
/* A whole number in [min, max] from the query, or `fallback` if absent; on a
 * bad one answers 400 and returns -1. */
int pa_http_query_int(struct pa_http_request *r, const char *name, int64_t min, int64_t max,
                      int64_t fallback, int64_t *out);
/* limit/offset of a list. */
int pa_http_page(struct pa_http_request *r, int64_t *limit, int64_t *offset);
/* Parses the body as one JSON object or (if allow_array) an array of objects;
 * answers 400 on malformed JSON and returns NULL. */
json_t *pa_http_body_json(struct pa_http_request *r, bool allow_array);
/* Rejects a field of obj not in `allowed` (NULL-terminated) with 422. */
int pa_http_known_fields(struct pa_http_request *r, json_t *obj, const char *const *allowed,
                         const char *prefix);

/* A record of `kind` from a JSON object whose keys are the kind's columns;
 * strings for text, money and dates, integers for counts, booleans for flags.
 * The strings live in the request's arena.  Answers 422 and returns -1. */
int pa_http_record(struct pa_http_request *r, const struct pa_kind *kind, json_t *obj,
                   struct pa_record *rec, const char *prefix);

/* What the caller may read: anonymous readers published projects only,
 * auditors their pairing. */
void pa_http_read_scope(struct pa_http_request *r, struct pa_project_filter *f);

/* ---- database access (server.c) ------------------------------------------------ */
/* This thread's read-only connection. NULL after answering 503. */
struct pa_db *pa_http_reader(struct pa_http_request *r);

/* Runs job(db, r, ctx) on the writer, acting as the request's user, and waits.
 * Returning nonzero (with err) discards what the job wrote; the writer then
 * answers with pa_http_fail unless the job answered itself.  Jobs that arrive
 * together share one COMMIT.  `alone`: the job manages its own transaction. */
typedef int (*pa_http_job)(struct pa_db *db, struct pa_http_request *r, void *ctx,
                           struct pa_error *err);
void pa_http_write(struct pa_http_request *r, pa_http_job job, void *ctx, bool alone);

/* libmicrohttpd's unescape callback: percent-decodes s in place, except "%00",
 * and returns the new length (server.c; not static so fuzz/fuzz_http.c can test it). */
size_t pa_http_unescape(void *cls, struct MHD_Connection *conn, char *s);

/* ---- the parts of the server --------------------------------------------------- */
extern const struct pa_route pa_http_routes[];
extern const size_t pa_http_nroutes;

/* auth.c: who is asking (cookie or bearer), CSRF, login and its rate limit. */
struct pa_rate_limit;
struct pa_rate_limit *pa_rate_limit_new(void);
void pa_rate_limit_free(struct pa_rate_limit *rl);
/* 0 when the request may go on; otherwise the answer (401/403) is set. */
int pa_http_identify(struct pa_http_request *r);
int pa_http_check_csrf(struct pa_http_request *r);
struct pa_rate_limit *pa_server_rate_limit(struct pa_server *s);
int64_t pa_server_session_seconds(struct pa_server *s);

/* static.c: the embedded web folder and the media folder. */
bool pa_http_static(struct pa_http_request *r);
void pa_http_media(struct pa_http_request *r);

/* cache.c: pa_cache_answer answers from the cache (true) or notes what to keep;
 * pa_cache_keep keeps the handler's answer. */
struct pa_cache;
struct pa_cache *pa_cache_new(void);
void pa_cache_free(struct pa_cache *c);
bool pa_cache_answer(struct pa_http_request *r);
void pa_cache_keep(struct pa_http_request *r);
struct pa_cache *pa_server_cache(struct pa_server *s);

/* metrics.c */
struct pa_metrics;
struct pa_metrics *pa_metrics_new(void);
void pa_metrics_free(struct pa_metrics *m);
void pa_metrics_observe(struct pa_metrics *m, const char *route, unsigned status, double seconds);
struct pa_metrics *pa_server_metrics(struct pa_server *s);
const char *pa_server_db_path(struct pa_server *s);
char *pa_metrics_text(struct pa_metrics *m, int64_t events, int64_t db_bytes, size_t *len);

/* The handlers, one file per resource. */
void pa_h_login(struct pa_http_request *r);
void pa_h_logout(struct pa_http_request *r);
void pa_h_me(struct pa_http_request *r);
void pa_h_healthz(struct pa_http_request *r);
void pa_h_metrics(struct pa_http_request *r);
void pa_h_projects(struct pa_http_request *r);
void pa_h_project(struct pa_http_request *r);
void pa_h_project_create(struct pa_http_request *r);
void pa_h_project_patch(struct pa_http_request *r);
void pa_h_milestone_create(struct pa_http_request *r);
void pa_h_summary(struct pa_http_request *r);
void pa_h_moments(struct pa_http_request *r);
void pa_h_budget(struct pa_http_request *r);
void pa_h_flows(struct pa_http_request *r);
void pa_h_pairings(struct pa_http_request *r);
void pa_h_regions(struct pa_http_request *r);
void pa_h_enums(struct pa_http_request *r);
void pa_h_accounts(struct pa_http_request *r);
void pa_h_account_create(struct pa_http_request *r);
void pa_h_statement(struct pa_http_request *r);
void pa_h_balances(struct pa_http_request *r);
void pa_h_transfers(struct pa_http_request *r);
void pa_h_transfer_create(struct pa_http_request *r);
void pa_h_transfer_post(struct pa_http_request *r);
void pa_h_transfer_void(struct pa_http_request *r);
void pa_h_import(struct pa_http_request *r);
void pa_h_export(struct pa_http_request *r);
void pa_h_log_checkpoint(struct pa_http_request *r);
void pa_h_log_entries(struct pa_http_request *r);
void pa_h_log_inclusion(struct pa_http_request *r);
void pa_h_log_consistency(struct pa_http_request *r);
void pa_h_media(struct pa_http_request *r);

#endif
