/*
 * listener.c - a server's ear on PostgreSQL: a connection that LISTENs for the
 * notifications other processes' commits send, so that the server can bring
 * its copy up to date between its own write groups.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "pg_int.h"

struct pa_pg_listener {
    char *uri;
    PGconn *conn;
};

static int listen_on(struct pa_pg_listener *l, struct pa_error *err)
{
    PQfinish(l->conn);
    l->conn = NULL;
    int rc = pa_pg__connect(l->uri, &l->conn, err);
    if (rc == 0)
        rc = pa_pg__command(l->conn, "LISTEN " CHANNEL, err, "listening");
    return rc;
}

int pa_pg_listener_open(struct pa_pg_listener **out, const char *uri, struct pa_error *err)
{
    struct pa_pg_listener *l = calloc(1, sizeof(*l));
    *out = NULL;
    if (l == NULL || (l->uri = strdup(uri)) == NULL) {
        free(l);
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    int rc = listen_on(l, err);
    if (rc != 0) {
        pa_pg_listener_close(l);
        return rc;
    }
    *out = l;
    return 0;
}

/* Whether another process committed: this process's own notifications are
 * dropped, its copy already holds what it wrote. */
static bool drain_notifications(PGconn *conn)
{
    bool any = false;
    const char *mine = pa_pg__own_token();
    PGnotify *n;
    while ((n = PQnotifies(conn)) != NULL) {
        if (n->extra == NULL || strcmp(n->extra, mine) != 0)
            any = true;
        PQfreemem(n);
    }
    return any;
}

int pa_pg_listener_wait(struct pa_pg_listener *l, int timeout_ms)
{
    if (l->conn == NULL || PQstatus(l->conn) != CONNECTION_OK) {
        struct pa_error err;
        return listen_on(l, &err) == 0 ? 1 : -1; /* anything may have happened meanwhile */
    }
    if (drain_notifications(l->conn))
        return 1;
    struct pollfd p = {.fd = PQsocket(l->conn), .events = POLLIN};
    int ready = poll(&p, 1, timeout_ms);
    if (ready < 0)
        return errno == EINTR ? 0 : -1;
    if (ready == 0)
        return 0;
    if (!PQconsumeInput(l->conn)) {
        PQfinish(l->conn);
        l->conn = NULL;
        return -1;
    }
    return drain_notifications(l->conn) ? 1 : 0;
}

void pa_pg_listener_close(struct pa_pg_listener *l)
{
    if (l == NULL)
        return;
    PQfinish(l->conn);
    free(l->uri);
    free(l);
}
