/*
 * http_int.h - what the server's files share: the request, the routes, the
 * service (readers and the writer), and the helpers handlers answer with.
 *
 * A request is plain data: its method, URL, headers, query arguments, body and
 * client address are copied into it by the libmicrohttpd glue (mhd.c), or by
 * fuzz/fuzz_http.c, and dispatch.c takes it from there.  So everything from
 * the first header to the last byte of the answer can be driven, and fuzzed,
 * without a socket.
 *
 * A handler is a function of one request.  It reads through pa_http_reader()
 * and writes through pa_http_write(), and answers with pa_http_json() or
 * pa_http_error()/pa_http_fail(); anything it allocates for the answer is
 * freed when the request is released.
 */
#ifndef PAIRAID_HTTP_INT_H
#define PAIRAID_HTTP_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include <jansson.h>

#include "pairaid/http.h"
#include "pairaid/pairaid.h"

#define PA_HTTP_BODY_MAX   (1024 * 1024) /* JSON bodies; larger ones get 413 */
#define PA_HTTP_FIELDS_MAX 100           /* headers, and query arguments, per request */
#define PA_HTTP_PARAMS_MAX 3
#define PA_HTTP_PAGE_MAX   1000
#define PA_HTTP_ADDR_MAX   46 /* INET6_ADDRSTRLEN */

struct pa_http_request;
struct pa_http_service;
struct pa_cache;
struct pa_metrics;
struct pa_rate_limit;

enum pa_access {
    PA_PUBLIC,    /* anyone, signed in or not */
    PA_SIGNED_IN, /* any user */
};

/* Whether a signed-in reader's answer may be kept (cache.c), and by what key.
 * The anonymous cache is `cache` below; this is the signed-in one. */
enum pa_keyed {
    PA_KEY_NONE,  /* never kept: the answer depends on more than the log and the reader's scope */
    PA_KEY_SCOPE, /* the same for every reader of one role, region and pairing */
    PA_KEY_USER,  /* holds something of the user (a can_resolve computed from their name) */
};

enum pa_body {
    PA_BODY_JSON,   /* up to PA_HTTP_BODY_MAX, in memory */
    PA_BODY_UPLOAD, /* up to the configured upload size, spooled to a temporary file */
};

struct pa_route {
    const char *method;  /* "GET", "POST", "PATCH"; a GET route also answers HEAD */
    const char *pattern; /* "/api/v1/projects/{}": {} matches one path segment */
    enum pa_access access;
    void (*handle)(struct pa_http_request *r);
    bool cache;          /* anonymous answers depend only on the log: cache.c may keep them */
    enum pa_body body;
    enum pa_keyed keyed; /* signed-in answers: PA_KEY_NONE unless the route says */
};

/* A header or a query argument; value is NULL for a bare "?flag". */
struct pa_http_field {
    const char *name, *value;
};

struct pa_arena_chunk;

struct pa_http_request {
    /* what the request works with (the service's, borrowed) */
    struct pa_http_service *service;
    const struct pa_server_config *config;
    struct pa_cache *cache;
    struct pa_metrics *metrics;
    struct pa_rate_limit *limiter;
    struct pa_arena_chunk *arena; /* everything of this request, freed at once */

    /* what was asked: copied in by the glue, all in the arena */
    const char *method, *url;
    struct pa_http_field headers[PA_HTTP_FIELDS_MAX], args[PA_HTTP_FIELDS_MAX];
    int nheaders, nargs;
    bool too_many_fields;
    enum pa_lang lang; /* of error messages: Accept-Language, English by default */
    char client[PA_HTTP_ADDR_MAX]; /* the peer, or the client a trusted proxy names */
    long long started_ns;

    /* routing */
    const struct pa_route *route;
    bool head; /* a HEAD answered as its GET */
    char *params[PA_HTTP_PARAMS_MAX]; /* the {} segments, decoded */
    int nparams;

    /* the body: in memory (body) or spooled to a file (upload) */
    char *body;
    size_t body_len, body_cap;
    FILE *upload;
    int64_t body_max;
    bool too_large;

    /* who asks */
    bool signed_in, by_cookie;
    struct pa_principal user;
    char token[PA_TOKEN_HEX_LEN + 1];
    int64_t expires;

    /* the answer cache (cache.c) */
    bool cache_candidate;
    int64_t cache_version;
    int32_t cache_day;
    unsigned char cache_key[32];

    /* the answer */
    unsigned status;
    bool close;  /* the connection cannot be trusted for another request */
    char *reply; /* malloc'd body, or points into a static blob */
    size_t reply_len;
    bool reply_static;
    const char *content_type;
    const char *cache_control;
    char allow[64];        /* the methods a path takes, for 405 */
    char disposition[512]; /* Content-Disposition for downloads (a Chinese name percent-encoded) */
    char set_cookie[256];
    char etag[32];                /* a static file's ETag, quoted; empty for the rest */
    const char *content_encoding; /* "gzip" when the reply is the compressed form */
    bool vary_encoding;           /* the file has a compressed form: Vary: Accept-Encoding */
};

/* ---- a request's life (dispatch.c) --------------------------------------------
 * init, then the headers and arguments, then begin (framing, routing, limits:
 * it may answer at once, with r->close when the rest of the connection cannot
 * be read safely), then the body piece by piece, then finish (the answer), then
 * release. */
void pa_http_request_init(struct pa_http_request *r, struct pa_http_service *s, const char *method,
                          const char *url, const char *client);
void pa_http_add_header(struct pa_http_request *r, const char *name, const char *value);
void pa_http_add_arg(struct pa_http_request *r, const char *name, const char *value);
void pa_http_begin(struct pa_http_request *r);
/* Was the request answered by pa_http_begin? */
bool pa_http_answered(const struct pa_http_request *r);
/* Does the client wait for "100 Continue" before sending its body? */
bool pa_http_expects_continue(const struct pa_http_request *r);
void pa_http_take_body(struct pa_http_request *r, const char *data, size_t n);
void pa_http_finish(struct pa_http_request *r);
void pa_http_request_release(struct pa_http_request *r);

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
void pa_http_static_bytes(struct pa_http_request *r, const char *content_type, const void *body,
                          size_t len); /* a 200 with bytes that outlive the request */
/* A bad INI file (measures, a scheme): 422 in the one error shape, whose
 * message starts with the line ("line 3: key 'weight': ...") and names the
 * key, and whose `field` is the key, as the command line's FILE:LINE: column
 * KEY: message does. */
void pa_http_file_error(struct pa_http_request *r, int line, const struct pa_error *err);
/* Money as the API writes it: yuan with two decimals, a string. */
json_t *pa_http_money(int64_t fen);
/* "12.3" (percent, one decimal) from tenths of a percent; null if < 0. */
json_t *pa_http_rate(int permille);

/* ---- streaming JSON (jsonw.c): the large lists, byte for byte as pa_http_json ---- */
#define PA_JW_DEPTH_MAX 16
struct pa_json_writer {
    char *buf; /* malloc'd, NUL-terminated */
    size_t len, cap;
    bool failed; /* out of memory, or nested too deep: answered 503 */
    bool after_key;
    int depth;
    bool first[PA_JW_DEPTH_MAX]; /* nothing written yet in the container at that depth */
};
void pa_jw_object(struct pa_json_writer *w);
void pa_jw_end_object(struct pa_json_writer *w);
void pa_jw_array(struct pa_json_writer *w);
void pa_jw_end_array(struct pa_json_writer *w);
void pa_jw_key(struct pa_json_writer *w, const char *key);
void pa_jw_string(struct pa_json_writer *w, const char *s); /* NULL: null */
/* Text from outside (not known to be UTF-8): false, writing nothing, if it is not. */
bool pa_jw_stringn(struct pa_json_writer *w, const char *s, size_t n);
void pa_jw_int(struct pa_json_writer *w, int64_t v);
void pa_jw_null(struct pa_json_writer *w);
void pa_jw_money(struct pa_json_writer *w, int64_t fen); /* as pa_http_money */
/* A member of the object being written: its key, then its value. */
void pa_jw_string_field(struct pa_json_writer *w, const char *key, const char *s);
void pa_jw_int_field(struct pa_json_writer *w, const char *key, int64_t v);
void pa_jw_money_field(struct pa_json_writer *w, const char *key, int64_t fen);
/* A small value built with jansson, inside a large answer: dumped as pa_http_json would. */
void pa_jw_json(struct pa_json_writer *w, const json_t *value);
void pa_jw_free(struct pa_json_writer *w);
/* The rows of the streamed lists, each written into the struct pa_json_writer
 * ctx as the library reads it (the callbacks of pa_ledger_balances,
 * pa_ledger_statement and pa_tlog_entries); test_jsonw holds them to jansson. */
int pa_http_balance_row(const struct pa_balance *b, void *ctx);
int pa_http_statement_row(const struct pa_statement_line *l, void *ctx);
int pa_http_log_entry_row(const struct pa_log_entry *e, void *ctx);
/* Answers with what w holds (taking its buffer), or 503 if it failed. */
void pa_http_json_writer(struct pa_http_request *r, unsigned status, struct pa_json_writer *w);

/* ---- reading the request (request.c) ------------------------------------------ */
/* A header by name (case-insensitive), the first if repeated; NULL if absent. */
const char *pa_http_header(const struct pa_http_request *r, const char *name);
/* A query argument by name, the first if repeated; NULL if absent ("" for ?a=). */
const char *pa_http_query(const struct pa_http_request *r, const char *name);
/* A cookie's value from the Cookie header; NULL if absent. */
const char *pa_http_cookie(struct pa_http_request *r, const char *name);
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

/* An optional string member of a body: NULL if absent or null; answers 422
 * and returns -1 if it is not a string. */
int pa_http_optional_text(struct pa_http_request *r, json_t *body, const char *key,
                          const char **out);

/* A record of `kind` from a JSON object whose keys are the kind's columns;
 * strings for text, money and dates, integers for counts, booleans for flags.
 * The strings live in the request's arena.  Answers 422 and returns -1. */
int pa_http_record(struct pa_http_request *r, const struct pa_kind *kind, json_t *obj,
                   struct pa_record *rec, const char *prefix);

/* Percent-decodes a path or query value in place, except "%00", and returns
 * the new length (libmicrohttpd's unescape callback; fuzz/fuzz_http.c too). */
size_t pa_http_unescape(char *s);

/* ---- the service: readers, the writer, and what requests share (service.c) ---- */
int pa_http_service_open(struct pa_http_service **out, const struct pa_server_config *config,
                         struct pa_error *err);
/* Lets queued writes finish, then closes every connection. */
void pa_http_service_close(struct pa_http_service *s);
const struct pa_server_config *pa_http_service_config(const struct pa_http_service *s);
struct pa_cache *pa_http_service_cache(struct pa_http_service *s);
/* Counts the times the writer made its copy anew (src/pg): part of every
 * cached answer's version, since a new copy may repeat an old log size. */
unsigned pa_http_service_generation(struct pa_http_service *s);
struct pa_metrics *pa_http_service_metrics(struct pa_http_service *s);
struct pa_rate_limit *pa_http_service_limiter(struct pa_http_service *s);

/* This thread's read-only connection, acting as the request's principal.
 * NULL after answering 503. */
struct pa_db *pa_http_reader(struct pa_http_request *r);

/* Runs job(db, r, ctx) on the writer, acting as the request's user, and waits.
 * Returning nonzero (with err) discards what the job wrote; the writer then
 * answers with pa_http_fail unless the job answered itself.  Jobs that arrive
 * together share one COMMIT.  `alone`: the job manages its own transaction. */
typedef int (*pa_http_job)(struct pa_db *db, struct pa_http_request *r, void *ctx,
                           struct pa_error *err);
void pa_http_write(struct pa_http_request *r, pa_http_job job, void *ctx, bool alone);

/* On PostgreSQL, brings this server's copy up to date with what other servers
 * wrote (a write group's BEGIN pulls it) and returns true; on SQLite there is
 * nothing to follow and it returns false at once.  For what a request must see
 * even if this server has not heard of it yet, such as a session opened a
 * moment ago on another server. */
bool pa_http_follow(struct pa_http_request *r);

/* ---- the parts of the server --------------------------------------------------- */
extern const struct pa_route pa_http_routes[];
extern const size_t pa_http_nroutes;

/* limiter.c: failed sign-ins per user name and per client address. */
struct pa_rate_limit *pa_rate_limit_new(void);
void pa_rate_limit_free(struct pa_rate_limit *rl);
/* Reserves an attempt for the user and the address: false (nothing reserved)
 * when either has had its failures for the window, counting attempts still in
 * flight.  Every reservation ends with pa_rate_limit_done. */
bool pa_rate_limit_begin(struct pa_rate_limit *rl, const char *user, const char *addr);
void pa_rate_limit_done(struct pa_rate_limit *rl, const char *user, const char *addr, bool failed);

/* auth.c: who is asking (cookie or bearer), CSRF, sign-in. */
/* 0 when the request may go on; otherwise the answer (401/403) is set. */
int pa_http_identify(struct pa_http_request *r);
int pa_http_check_csrf(struct pa_http_request *r);
/* Is the request from this server's own pages (or from no browser at all)? */
bool pa_http_same_origin(struct pa_http_request *r);

/* static.c: the embedded web folder and the media folder. */
bool pa_http_static(struct pa_http_request *r);

/* cache.c: pa_cache_answer answers from the cache (true) or notes what to keep;
 * pa_cache_keep keeps the handler's answer. */
struct pa_cache *pa_cache_new(void);
void pa_cache_free(struct pa_cache *c);
bool pa_cache_answer(struct pa_http_request *r);
void pa_cache_keep(struct pa_http_request *r);

/* report.c: a report's read answered as a CSV or XLSX file. */
/* Does the request ask for a file (?format= other than json, or an Accept
 * naming text/csv or the XLSX type)?  cache.c neither keeps nor serves those. */
bool pa_http_wants_file(const struct pa_http_request *r);
/* The representation asked for: *file false for JSON; else opts for the
 * sheet.  Answers 406 (unknown format) or 400 and returns -1. */
int pa_http_report_format(struct pa_http_request *r, bool *file, struct pa_sheet_options *opts);
/* The same for what is only ever a file: fallback ("xlsx") when the request
 * names no format, or names json. */
int pa_http_file_format(struct pa_http_request *r, const char *fallback, bool *file,
                        struct pa_sheet_options *opts);
/* A downloaded file's bytes in *data (malloc'd): write(path, NULL) makes it in
 * a private temporary directory when it must be seekable (an XLSX), every
 * trace removed after, also on failure; else write(NULL, out) streams it into
 * memory. */
typedef int (*pa_http_file_fn)(const char *path, FILE *out, void *ctx, struct pa_error *err);
int pa_http_file_bytes(bool seekable, pa_http_file_fn write, void *ctx, char **data, size_t *len,
                       struct pa_error *err);
/* Content-Disposition: attachment, the ASCII name for old clients and the
 * UTF-8 one as RFC 5987's filename* (names are ours, never a client's). */
void pa_http_disposition(struct pa_http_request *r, const char *ascii, const char *utf8);
/* Answers with report q as a file, with its Content-Disposition. */
void pa_http_report(struct pa_http_request *r, struct pa_db *db, const struct pa_report_query *q,
                    const struct pa_sheet_options *opts);

/* metrics.c */
struct pa_metrics *pa_metrics_new(void);
void pa_metrics_free(struct pa_metrics *m);
void pa_metrics_observe(struct pa_metrics *m, const char *route, unsigned status, double seconds);
void pa_metrics_commit(struct pa_metrics *m, unsigned writes);
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
void pa_h_project_history(struct pa_http_request *r);
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
void pa_h_template(struct pa_http_request *r);
void pa_h_log_checkpoint(struct pa_http_request *r);
void pa_h_log_heads(struct pa_http_request *r);
void pa_h_log_entries(struct pa_http_request *r);
void pa_h_log_inclusion(struct pa_http_request *r);
void pa_h_log_consistency(struct pa_http_request *r);
void pa_h_log_digest(struct pa_http_request *r);
void pa_h_media(struct pa_http_request *r);
void pa_h_media_upload(struct pa_http_request *r);
void pa_h_findings(struct pa_http_request *r);
void pa_h_finding(struct pa_http_request *r);
void pa_h_finding_respond(struct pa_http_request *r);
void pa_h_audit_run(struct pa_http_request *r);
void pa_h_audit_summary(struct pa_http_request *r);
void pa_h_measures(struct pa_http_request *r);
void pa_h_measures_propose(struct pa_http_request *r);
void pa_h_measures_approve(struct pa_http_request *r);
void pa_h_inbox(struct pa_http_request *r);
void pa_h_assessment(struct pa_http_request *r);
void pa_h_assessment_pairing(struct pa_http_request *r);
void pa_h_schemes(struct pa_http_request *r);
void pa_h_scheme_add(struct pa_http_request *r);
void pa_h_assessment_run(struct pa_http_request *r);
void pa_h_assessment_preview(struct pa_http_request *r);

#endif
