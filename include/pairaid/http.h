/*
 * http.h - the HTTP server: the JSON API of docs/api.md, the public portal and
 * the officers' app, on libmicrohttpd.  Built as its own library
 * (libpairaid_http) on top of libpairaid: the domain library knows nothing of
 * HTTP, and the command line links the server only for `pairaid serve`.
 *
 * Requests are answered by a small pool of threads, each reading through its
 * own read-only connection; every write goes to one writer thread, which
 * commits the writes that arrived together in one transaction (a group
 * commit), so a durable commit is shared by many requests.
 */
#ifndef PAIRAID_HTTP_H
#define PAIRAID_HTTP_H

#include <signal.h>

#include "pairaid/auth.h"

#define PA_HTTP_UPLOAD_DEFAULT_BYTES ((int64_t)64 << 20) /* a CSV import's body */

struct pa_server_config {
    const char *db_path;
    const char *address;     /* "127.0.0.1" */
    unsigned short port;     /* 8080; 0 picks a free one (see on_ready) */
    unsigned threads;        /* request threads; 0 = 16 (a write holds its thread until
                              * committed, so threads bound how many share a commit) */
    int64_t session_seconds; /* 0 = PA_SESSION_DEFAULT_SECONDS */
    /* The address of a reverse proxy whose X-Forwarded-For names the client
     * (the rightmost address in it); NULL: the header is ignored. */
    const char *trusted_proxy;
    unsigned per_address;     /* connections one client address may hold; 0 = 32 */
    unsigned header_seconds;  /* a request's headers must arrive within; 0 = 10 */
    unsigned request_seconds; /* a whole request (body included) within; 0 = 120 */
    int64_t upload_bytes;     /* an import's body at most; 0 = PA_HTTP_UPLOAD_DEFAULT_BYTES */
    /* Called once listening, with the port actually bound. */
    void (*on_ready)(unsigned short port, void *ctx);
    /* One JSON access-log line per request (no newline); NULL: none. */
    void (*access_log)(const char *line, void *ctx);
    void *ctx;
};

/* The defaults above filled in where config leaves zeros. */
void pa_server_config_defaults(struct pa_server_config *config);

/* Serves until *stop becomes nonzero (a signal handler sets it), then stops
 * accepting, lets requests in flight finish, and closes the database. */
int pa_server_run(const struct pa_server_config *config, volatile sig_atomic_t *stop,
                  struct pa_error *err);

#endif
