/*
 * pg_int.h - what the files of src/pg share: the connection helpers, the
 * state kept on a copy's database (struct upstream), and the photos' part.
 */
#ifndef PAIRAID_PG_INT_H
#define PAIRAID_PG_INT_H

#include <libpq-fe.h>

#include "pairaid/pg.h"
#include "pairaid/tlog.h"

/* pg_advisory_xact_lock's key for the log: "pairaid" in ASCII.  One log, one
 * key; per-pairing logs would each take their own (docs/scale-out.md). */
#define LOG_LOCK_KEY "31084527470913892"
#define SCHEMA_VERSION "2"
#define CHANNEL "pairaid"
#define SESSION_SETTINGS                                                                           \
    "SET bytea_output = hex; SET client_encoding = 'UTF8'; SET client_min_messages = warning"

/* The tables outside the log that every process must share (side_tables in
 * pg.c): the log's own two first (all a verification reads). */
#define NSIDE 4
#define NSIDE_OF_LOG 2

struct upstream {
    PGconn *conn;
    bool in_transaction;
    int64_t head;           /* the copy's log size once brought up to date */
    int64_t side_version[NSIDE];
    int64_t side_sum;       /* pairaid_side's versions added up, when last read */
    int nside;              /* how many of side_tables this copy follows */
    bool versions_kept;     /* the copy has upstream_side */
    bool side_dirty[NSIDE]; /* written by this transaction */
    bool side_pulled[NSIDE]; /* replaced from upstream by this transaction */
    bool pulling;           /* side tables being replaced from upstream: not dirt */
    bool stale;             /* the copy holds what the log does not: make it again */
    int64_t media_seen;     /* pairaid_media's last id this process has */
    char **media_new;       /* written here, not yet sent */
    int nmedia_new, media_cap;
};

/* PostgreSQL's message as a pa_error (PA_EBUSY when the server went away),
 * never the URI; `what` is a phrase of the catalogue. */
int pa_pg__fail(PGconn *conn, struct pa_error *err, const char *what);
/* Runs SQL without parameters (several statements allowed). */
int pa_pg__command(PGconn *conn, const char *sql, struct pa_error *err, const char *what);
/* Connects and sets the session's settings; libpq's notices are dropped. */
int pa_pg__connect(const char *uri, PGconn **out, struct pa_error *err);
/* The token this process signs its notifications with. */
const char *pa_pg__own_token(void);

/* media.c: a file written to the media folder, remembered until the commit
 * sends it; the files this process has not sent yet, sent; the files other
 * processes sent that the media folder lacks, fetched. */
int pa_pg__media_written(struct pa_db *db, void *state, const char *name, struct pa_error *err);
int pa_pg__push_media(struct pa_db *db, struct upstream *u, struct pa_error *err);
int pa_pg__pull_media(struct pa_db *db, struct upstream *u, struct pa_error *err);

#endif
