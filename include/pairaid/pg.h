/*
 * pg.h - PostgreSQL as the shared home of the books (`--db postgresql://…`).
 *
 * The log is the source of truth and the tables are its projection
 * (DESIGN.md).  On PostgreSQL the database holds the truth that every server
 * shares: the events (their canonical bytes, so the same Merkle roots), the
 * signed checkpoints, what each key signed last, the password hashes and the
 * sessions.  Each pairaid process keeps the projection in a local SQLite copy
 * (its "cache", rebuilt from the log whenever it is missing or no longer the
 * log's), and every transaction:
 *
 *   1. takes the log's one serialisation point on PostgreSQL, an advisory
 *      transaction lock, so that appends from every process form one order;
 *   2. applies to the copy the events other processes appended since, with the
 *      same code as replay, so the ledger's checks see every transfer;
 *   3. does its work on the copy as on any SQLite database;
 *   4. sends its new events (and any changed checkpoints, credentials or
 *      sessions) to PostgreSQL and commits there, then commits the copy.
 *
 * docs/operations.md says how to run it; docs/scale-out.md why it is built so.
 */
#ifndef PAIRAID_PG_H
#define PAIRAID_PG_H

#include <stdbool.h>

#include "pairaid/store.h"

/* Does --db name a PostgreSQL database (postgresql:// or postgres://)? */
bool pa_pg_uri(const char *path);

/* Opens the PostgreSQL database at uri (making pairaid's tables there when
 * flags have PA_DB_CREATE) and the local copy, brought up to date.  With
 * PA_DB_READONLY the copy is opened read-only after being brought up to date
 * (with PA_DB_AS_FOLLOWED, as it stands), and holds no connection to
 * PostgreSQL.  A PostgreSQL that cannot be reached is PA_EBUSY.  Errors never
 * repeat the URI, which may carry a password. */
int pa_pg_open(struct pa_db **out, const char *uri, unsigned flags, struct pa_error *err);

/* uri as it may be shown: postgresql://USER@HOST:PORT/DB, never the password. */
void pa_pg_shown(const char *uri, char *buf, size_t size);

/* Whether db's copy was found to hold what PostgreSQL's log does not (the
 * database restored from a backup, or made anew): its transactions fail with
 * PA_EBUSY until it is closed and opened again, which makes it anew. */
bool pa_pg_stale(struct pa_db *db);

/* Where the local copy of uri is kept: $PAIRAID_CACHE_DIR, else
 * $XDG_CACHE_HOME/pairaid, else ~/.cache/pairaid; the file is named by the
 * server, port, database and user, never the password.  Returns 0 and writes
 * up to size bytes, or an error. */
int pa_pg_copy_path(const char *uri, char *buf, size_t size, struct pa_error *err);

/* Verification reads what PostgreSQL holds, not the copy: a fresh in-memory
 * database receives every event, checkpoint and key head from it (the
 * projection rebuilt by replay on the way), for pa_tlog_verify. */
int pa_pg_load_fresh(const char *uri, struct pa_db **out, struct pa_error *err);

/* Waiting for other processes' writes (a server's copy follows them): a
 * connection that LISTENs for pairaid's notifications. */
struct pa_pg_listener;
int pa_pg_listener_open(struct pa_pg_listener **out, const char *uri, struct pa_error *err);
/* Waits up to timeout_ms; 1 when another process committed (or the
 * connection was lost and made again, so something may have been missed), 0
 * on timeout, < 0 on an error (the caller waits and calls again). */
int pa_pg_listener_wait(struct pa_pg_listener *l, int timeout_ms);
void pa_pg_listener_close(struct pa_pg_listener *l);

#endif
