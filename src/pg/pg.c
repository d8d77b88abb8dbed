/*
 * pg.c - the PostgreSQL backend: the books kept in PostgreSQL, the projection
 * in a local SQLite copy that follows them (pg.h says how and why).
 *
 * On PostgreSQL (made by ensure_schema, versioned by pairaid_meta.schema):
 *   pairaid_events (seq, entry)   the log: each event's canonical bytes
 *   pairaid_side (name, version)  a counter per side table, bumped by each write
 *   checkpoints, key_heads, credentials, sessions
 *                                 the SQLite tables of the same names: the
 *                                 state outside the log, copied whole
 *   pairaid_heads (size, root)    the tree head after each commit: an event
 *                                 changed inside PostgreSQL no longer gives
 *                                 them (what tlog_tiles does on SQLite)
 *   pairaid_media (id, name, bytes) the photos and attachments, by SHA-256 name:
 *                                 each process keeps them in its media folder
 *   pairaid_event_json            a view of the log as jsonb, for people
 * The copy remembers which database it follows in `upstream_origin`, and the
 * version of each side table it holds in `upstream_side` (written in the same
 * transaction as the table), so that a new process copies only what changed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "pg_int.h"

/* The tables outside the log that every process must share, in the order they
 * are copied. */
static const char *const side_tables[NSIDE] = {"checkpoints", "key_heads", "credentials",
                                               "sessions"};

static const char pg_schema[] =
    "CREATE TABLE IF NOT EXISTS pairaid_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "INSERT INTO pairaid_meta VALUES ('origin', gen_random_uuid()::text) ON CONFLICT DO NOTHING;"
    "INSERT INTO pairaid_meta VALUES ('schema', '" SCHEMA_VERSION "') ON CONFLICT DO NOTHING;"
    "CREATE TABLE IF NOT EXISTS pairaid_events ("
    " seq BIGINT PRIMARY KEY CHECK (seq > 0), entry BYTEA NOT NULL);"
    "CREATE TABLE IF NOT EXISTS pairaid_side (name TEXT PRIMARY KEY, version BIGINT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS pairaid_heads (size BIGINT PRIMARY KEY CHECK (size > 0),"
    " root BYTEA NOT NULL CHECK (length(root) = 32));"
    "CREATE TABLE IF NOT EXISTS checkpoints (id BIGINT PRIMARY KEY, origin TEXT NOT NULL,"
    " size BIGINT NOT NULL CHECK (size >= 0), root BYTEA NOT NULL CHECK (length(root) = 32),"
    " note TEXT NOT NULL, log TEXT);"
    "CREATE TABLE IF NOT EXISTS key_heads (log TEXT NOT NULL, key_name TEXT NOT NULL,"
    " verifier TEXT NOT NULL, size BIGINT NOT NULL, root BYTEA NOT NULL,"
    " PRIMARY KEY (log, key_name));"
    "CREATE TABLE IF NOT EXISTS credentials (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS sessions (token_hash BYTEA PRIMARY KEY, \"user\" TEXT NOT NULL,"
    " created BIGINT NOT NULL, expires BIGINT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS pairaid_media (id BIGSERIAL UNIQUE, name TEXT PRIMARY KEY,"
    " bytes BYTEA NOT NULL);"
    "CREATE OR REPLACE VIEW pairaid_event_json AS"
    " SELECT seq, convert_from(entry, 'UTF8')::jsonb AS event FROM pairaid_events;";

/* What this process sends with its notifications, so that its own listener
 * can tell them from other processes': a server's writer commits into the same
 * copy its readers use, so its own commits need no catch-up transaction (which
 * would take the log's lock again for nothing, one per group). */
static char self_token[33];
static pthread_once_t self_token_once = PTHREAD_ONCE_INIT;

static void make_self_token(void)
{
    unsigned char bytes[16];
    randombytes_buf(bytes, sizeof(bytes));
    for (int i = 0; i < 16; i++)
        snprintf(self_token + 2 * i, 3, "%02x", bytes[i]);
}

const char *pa_pg__own_token(void)
{
    pthread_once(&self_token_once, make_self_token);
    PA_ASSERT(strlen(self_token) == 32);
    return self_token;
}

static const char copy_schema[] =
    "CREATE TABLE IF NOT EXISTS upstream_origin (id INTEGER PRIMARY KEY CHECK (id = 1),"
    " origin TEXT NOT NULL) STRICT;"
    "CREATE TABLE IF NOT EXISTS upstream_side (name TEXT PRIMARY KEY, version INTEGER NOT NULL)"
    " STRICT";


bool pa_pg_uri(const char *path)
{
    return path && (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0);
}

/* ---- talking to PostgreSQL ------------------------------------------------------------ */

/* PostgreSQL's message, first line only, without the URI (never echoed). */
int pa_pg__fail(PGconn *conn, struct pa_error *err, const char *what)
{
    char msg[300];
    snprintf(msg, sizeof(msg), "%s", conn ? PQerrorMessage(conn) : "out of memory");
    msg[strcspn(msg, "\n")] = '\0';
    /* a server that went away is unavailable for now (HTTP 503), not broken */
    int code = conn && PQstatus(conn) == CONNECTION_BAD ? PA_EBUSY : PA_EDB;
    return pa_error_set(err, code, "PostgreSQL, %s: %s", what, msg);
}

int pa_pg__command(PGconn *conn, const char *sql, struct pa_error *err, const char *what)
{
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : pa_pg__fail(conn, err, what);
    PQclear(res);
    return rc;
}

/* libpq prints notices (a server shutting down, a warning) on stderr; a
 * library prints nothing: what matters reaches the caller as an error. */
static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

int pa_pg__connect(const char *uri, PGconn **out, struct pa_error *err)
{
    PGconn *conn = PQconnectdb(uri);
    *out = NULL;
    if (conn)
        PQsetNoticeProcessor(conn, ignore_notice, NULL);
    if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
        int rc = pa_pg__fail(conn, err, "connecting");
        PQfinish(conn);
        return rc;
    }
    if (PQserverVersion(conn) < 130000) { /* gen_random_uuid() is core from 13 on */
        PQfinish(conn);
        return pa_error_set(err, PA_EDB, "PostgreSQL 13 or later is needed");
    }
    int rc = pa_pg__command(conn, SESSION_SETTINGS, err, "configuring the connection");
    if (rc != 0) {
        PQfinish(conn);
        return rc;
    }
    *out = conn;
    return 0;
}

/* One value of a one-row query, copied into buf. */
static int pg_value(PGconn *conn, const char *sql, char *buf, size_t size, struct pa_error *err,
                    const char *what)
{
    PGresult *res = PQexec(conn, sql);
    int rc = 0;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        rc = pa_pg__fail(conn, err, what);
    else if (PQntuples(res) != 1)
        rc = pa_error_set(err, PA_EDB, "PostgreSQL, %s: no answer", what);
    else
        snprintf(buf, size, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return rc;
}

/* Schema 1 (before the logs inside the log, SQLite's migration 012) to 2. */
static const char pg_upgrade_from_1[] =
    "ALTER TABLE checkpoints ADD COLUMN log TEXT;"
    "ALTER TABLE key_heads ADD COLUMN log TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE key_heads DROP CONSTRAINT key_heads_pkey;"
    "ALTER TABLE key_heads ADD PRIMARY KEY (log, key_name);"
    "UPDATE pairaid_meta SET value = '2' WHERE key = 'schema';";

/* pairaid's tables, made under the log's lock so that two first starts do not race.
 * uri names the database in the error when it holds no books, as a missing SQLite
 * file is named: with $PAIRAID_DB the command line does not say which it was. */
static int ensure_schema(PGconn *conn, const char *uri, bool create, struct pa_error *err)
{
    char version[32];
    int rc = pa_pg__command(conn, "BEGIN", err, "beginning");
    if (rc == 0)
        rc = pa_pg__command(conn, "SELECT pg_advisory_xact_lock(" LOG_LOCK_KEY ")", err, "locking");
    bool exists = false;
    if (rc == 0) {
        rc = pg_value(conn, "SELECT to_regclass('pairaid_meta') IS NOT NULL", version,
                      sizeof(version), err, "reading the schema");
        exists = rc == 0 && version[0] == 't';
    }
    if (rc == 0 && !exists && !create) {
        char shown[512];
        pa_pg_shown(uri, shown, sizeof(shown));
        rc = pa_error_set(err, PA_ENOTFOUND,
                          "the PostgreSQL database '%s' holds no pairaid books (run 'pairaid init' "
                          "or 'pairaid demo' with this --db)",
                          shown);
    }
    if (rc == 0 && !exists)
        rc = pa_pg__command(conn, pg_schema, err, "making pairaid's tables");
    if (rc == 0)
        rc = pg_value(conn, "SELECT value FROM pairaid_meta WHERE key = 'schema'", version,
                      sizeof(version), err, "reading the schema");
    if (rc == 0 && strcmp(version, "1") == 0) {
        rc = pa_pg__command(conn, pg_upgrade_from_1, err, "upgrading pairaid's tables");
        snprintf(version, sizeof(version), "%s", SCHEMA_VERSION);
    }
    if (rc == 0 && strcmp(version, SCHEMA_VERSION) != 0)
        rc = pa_error_set(err, PA_EDB,
                          "the PostgreSQL database has pairaid schema %s, and this pairaid knows %s",
                          version, SCHEMA_VERSION);
    if (rc == 0)
        return pa_pg__command(conn, "COMMIT", err, "making pairaid's tables");
    PQclear(PQexec(conn, "ROLLBACK"));
    return rc;
}

/* ---- the copy's side tables -------------------------------------------------------- */

static int side_index(const char *name)
{
    for (int i = 0; i < NSIDE; i++)
        if (strcmp(side_tables[i], name) == 0)
            return i;
    return -1;
}

/* pa_upstream_touch(name), called by the temporary triggers below. */
static void touch_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct upstream *u = sqlite3_user_data(ctx);
    int i = argc == 1 ? side_index((const char *)sqlite3_value_text(argv[0])) : -1;
    if (i >= 0 && !u->pulling)
        u->side_dirty[i] = true;
}

static int watch_side_tables(struct pa_db *db, struct upstream *u, struct pa_error *err)
{
    if (sqlite3_create_function(pa_db_sqlite(db), "pa_upstream_touch", 1,
                                SQLITE_UTF8 | SQLITE_DIRECTONLY, u, touch_fn, NULL,
                                NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "watching the tables outside the log");
    static const char *const ops[] = {"INSERT", "UPDATE", "DELETE"};
    for (int i = 0; i < NSIDE; i++) {
        for (int k = 0; k < 3; k++) {
            char sql[256];
            snprintf(sql, sizeof(sql),
                     "CREATE TEMP TRIGGER IF NOT EXISTS upstream_%s_%d AFTER %s ON main.%s "
                     "BEGIN SELECT pa_upstream_touch('%s'); END",
                     side_tables[i], k, ops[k], side_tables[i], side_tables[i]);
            int rc = pa_db_exec(db, sql, err);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

/* The copy's columns of a side table, and whether each is a BLOB. */
struct columns {
    char list[256]; /* "a", "b", ... quoted for both databases */
    int n;
    bool blob[8];
};

static int side_columns(struct pa_db *db, const char *table, struct columns *c,
                        struct pa_error *err)
{
    char sql[96];
    sqlite3_stmt *stmt;
    snprintf(sql, sizeof(sql), "PRAGMA main.table_info(%s)", table);
    if (sqlite3_prepare_v2(pa_db_sqlite(db), sql, -1, &stmt, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "reading a table's columns");
    memset(c, 0, sizeof(*c));
    size_t used = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW && c->n < (int)PA_ARRAY_LEN(c->blob)) {
        used += (size_t)snprintf(c->list + used, sizeof(c->list) - used, "%s\"%s\"",
                                 c->n ? ", " : "", (const char *)sqlite3_column_text(stmt, 1));
        c->blob[c->n++] = strcmp((const char *)sqlite3_column_text(stmt, 2), "BLOB") == 0;
    }
    sqlite3_finalize(stmt);
    PA_ASSERT(c->n > 0 && used < sizeof(c->list));
    return 0;
}

static int hex_value(char ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Binds PostgreSQL's text form of a value: bytea as "\x…", the rest as text
 * (SQLite's STRICT integer columns convert a decimal string exactly). */
static int bind_pg_text(sqlite3_stmt *stmt, int index, const char *text, bool blob)
{
    if (!blob)
        return sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
    size_t n = strlen(text);
    if (n < 2 || text[0] != '\\' || text[1] != 'x' || n % 2)
        return SQLITE_MISMATCH;
    unsigned char *bytes = malloc(n / 2 + 1);
    if (bytes == NULL)
        return SQLITE_NOMEM;
    for (size_t i = 2; i < n; i += 2) {
        int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
        if (hi < 0 || lo < 0) {
            free(bytes);
            return SQLITE_MISMATCH;
        }
        bytes[i / 2 - 1] = (unsigned char)(hi << 4 | lo);
    }
    return sqlite3_bind_blob(stmt, index, bytes, (int)(n / 2 - 1), free);
}

/* Replaces the copy's table with PostgreSQL's. */
static int pull_side_table(struct pa_db *db, struct upstream *u, const char *table,
                           struct pa_error *err)
{
    struct columns c;
    int rc = side_columns(db, table, &c, err);
    char sql[512];
    snprintf(sql, sizeof(sql), "DELETE FROM main.%s", table);
    if (rc == 0)
        rc = pa_db_exec(db, sql, err);
    if (rc != 0)
        return rc;
    snprintf(sql, sizeof(sql), "SELECT %s FROM %s", c.list, table);
    PGresult *res = PQexec(u->conn, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = pa_pg__fail(u->conn, err, "reading a table outside the log");
        PQclear(res);
        return rc;
    }
    char params[64] = "";
    for (int k = 0; k < c.n; k++)
        snprintf(params + strlen(params), sizeof(params) - strlen(params), "%s?", k ? "," : "");
    snprintf(sql, sizeof(sql), "INSERT INTO main.%s (%s) VALUES (%s)", table, c.list, params);
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(pa_db_sqlite(db), sql, -1, &stmt, NULL) != SQLITE_OK)
        rc = pa_db_fail(db, err, "copying a table outside the log");
    for (int row = 0; rc == 0 && row < PQntuples(res); row++) {
        sqlite3_reset(stmt);
        for (int k = 0; rc == 0 && k < c.n; k++) {
            int b = PQgetisnull(res, row, k)
                        ? sqlite3_bind_null(stmt, k + 1)
                        : bind_pg_text(stmt, k + 1, PQgetvalue(res, row, k), c.blob[k]);
            if (b != SQLITE_OK)
                rc = pa_error_set(err, PA_EDB, "PostgreSQL, table %s, row %d: a value pairaid cannot read",
                                  table, row + 1);
        }
        if (rc == 0 && sqlite3_step(stmt) != SQLITE_DONE)
            rc = pa_db_fail(db, err, "copying a table outside the log");
    }
    sqlite3_finalize(stmt);
    PQclear(res);
    return rc;
}

/* The copy now holds version v of side table i: remembered here and, in the
 * same transaction, in the copy (an in-memory copy has no such table). */
static int hold_side_version(struct pa_db *db, struct upstream *u, int i, int64_t v,
                             struct pa_error *err)
{
    u->side_version[i] = v;
    static const char sql[] = "INSERT OR REPLACE INTO upstream_side VALUES (?1, ?2)";
    if (!u->versions_kept)
        return 0;
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(stmt, 1, side_tables[i], -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, v);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, "recording the copy's origin");
    sqlite3_reset(stmt);
    return rc;
}

/* What the copy remembers of its side tables' versions, read when it is opened. */
static int read_side_versions(struct pa_db *db, struct upstream *u, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(pa_db_sqlite(db), "SELECT name, version FROM upstream_side", -1, &stmt,
                           NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "reading the copy's origin");
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        int i = side_index((const char *)sqlite3_column_text(stmt, 0));
        if (i >= 0)
            u->side_version[i] = sqlite3_column_int64(stmt, 1);
    }
    sqlite3_finalize(stmt);
    u->versions_kept = true;
    return 0;
}

static int pull_side_tables(struct pa_db *db, struct upstream *u, struct pa_error *err)
{
    PGresult *res = PQexec(u->conn, "SELECT name, version FROM pairaid_side");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = pa_pg__fail(u->conn, err, "reading the tables outside the log");
        PQclear(res);
        return rc;
    }
    int64_t version[NSIDE] = {0};
    for (int row = 0; row < PQntuples(res); row++) {
        int i = side_index(PQgetvalue(res, row, 0));
        if (i >= 0)
            version[i] = strtoll(PQgetvalue(res, row, 1), NULL, 10);
    }
    PQclear(res);
    int rc = 0;
    u->pulling = true;
    for (int i = 0; rc == 0 && i < u->nside; i++) {
        if (version[i] == u->side_version[i])
            continue;
        rc = pull_side_table(db, u, side_tables[i], err);
        u->side_pulled[i] = true;
        if (rc == 0)
            rc = hold_side_version(db, u, i, version[i], err);
    }
    u->pulling = false;
    return rc;
}

/* COPY's text format: backslash, tab, newline and carriage return escaped. */
static int copy_text(PGconn *conn, const char *text)
{
    char buf[1024];
    size_t n = 0;
    for (const char *p = text; *p; p++) {
        if (n > sizeof(buf) - 4) {
            if (PQputCopyData(conn, buf, (int)n) != 1)
                return -1;
            n = 0;
        }
        const char *esc = *p == '\\' ? "\\\\" : *p == '\t' ? "\\t" : *p == '\n' ? "\\n"
                                                                : *p == '\r' ? "\\r" : NULL;
        if (esc) {
            memcpy(buf + n, esc, 2);
            n += 2;
        } else {
            buf[n++] = *p;
        }
    }
    return n && PQputCopyData(conn, buf, (int)n) != 1 ? -1 : 0;
}

/* A bytea in COPY's text format: "\\x" and two hex digits a byte. */
static int copy_bytes(PGconn *conn, const unsigned char *bytes, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char buf[4096];
    size_t n = 0;
    memcpy(buf, "\\\\x", 3);
    n = 3;
    for (size_t i = 0; i < len; i++) {
        if (n > sizeof(buf) - 2) {
            if (PQputCopyData(conn, buf, (int)n) != 1)
                return -1;
            n = 0;
        }
        buf[n++] = digits[bytes[i] >> 4];
        buf[n++] = digits[bytes[i] & 15];
    }
    return PQputCopyData(conn, buf, (int)n) == 1 ? 0 : -1;
}

static int copy_value(PGconn *conn, sqlite3_stmt *row, int k)
{
    switch (sqlite3_column_type(row, k)) {
    case SQLITE_NULL:
        return PQputCopyData(conn, "\\N", 2) == 1 ? 0 : -1;
    case SQLITE_BLOB:
        return copy_bytes(conn, sqlite3_column_blob(row, k), (size_t)sqlite3_column_bytes(row, k));
    default:
        return copy_text(conn, (const char *)sqlite3_column_text(row, k));
    }
}

/* Ends a COPY: every row sent, or abandoned with the reason. */
static int copy_end(PGconn *conn, bool ok, struct pa_error *err, const char *what)
{
    if (PQputCopyEnd(conn, ok ? NULL : "pairaid stopped sending") != 1)
        return pa_pg__fail(conn, err, what);
    int rc = 0;
    PGresult *res;
    while ((res = PQgetResult(conn)) != NULL) {
        if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
            rc = pa_pg__fail(conn, err, what);
        PQclear(res);
    }
    return rc;
}

/* Sends rows of the copy (sql's columns, in order) to `COPY target FROM STDIN`. */
static int copy_rows(struct pa_db *db, struct upstream *u, const char *sql, sqlite3_int64 bind,
                     const char *target, struct pa_error *err, const char *what)
{
    sqlite3_stmt *row;
    if (sqlite3_prepare_v2(pa_db_sqlite(db), sql, -1, &row, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, what);
    sqlite3_bind_int64(row, 1, bind);
    char copy[384];
    snprintf(copy, sizeof(copy), "COPY %s FROM STDIN", target);
    PGresult *res = PQexec(u->conn, copy);
    int rc = PQresultStatus(res) == PGRES_COPY_IN ? 0 : pa_pg__fail(u->conn, err, what);
    PQclear(res);
    if (rc != 0) {
        sqlite3_finalize(row);
        return rc;
    }
    bool ok = true;
    int step;
    while (ok && (step = sqlite3_step(row)) == SQLITE_ROW) {
        for (int k = 0; ok && k < sqlite3_column_count(row); k++)
            ok = (k == 0 || PQputCopyData(u->conn, "\t", 1) == 1) && copy_value(u->conn, row, k) == 0;
        ok = ok && PQputCopyData(u->conn, "\n", 1) == 1;
    }
    if (ok && step != SQLITE_DONE) {
        ok = false;
        rc = pa_db_fail(db, err, what);
    }
    sqlite3_finalize(row);
    int end = copy_end(u->conn, ok, err, what);
    return rc ? rc : end;
}

static int push_side_table(struct pa_db *db, struct upstream *u, int i, struct pa_error *err)
{
    const char *table = side_tables[i];
    struct columns c;
    int rc = side_columns(db, table, &c, err);
    char sql[384], target[320];
    snprintf(sql, sizeof(sql), "DELETE FROM %s", table);
    if (rc == 0)
        rc = pa_pg__command(u->conn, sql, err, "writing a table outside the log");
    snprintf(sql, sizeof(sql), "SELECT %s FROM main.%s WHERE ?1 IS NOT NULL", c.list, table);
    snprintf(target, sizeof(target), "%s (%s)", table, c.list);
    if (rc == 0)
        rc = copy_rows(db, u, sql, 1, target, err, "writing a table outside the log");
    const char *values[1] = {table};
    PGresult *res = rc ? NULL
                       : PQexecParams(u->conn,
                                      "INSERT INTO pairaid_side VALUES ($1, 1) ON CONFLICT (name) "
                                      "DO UPDATE SET version = pairaid_side.version + 1 "
                                      "RETURNING version",
                                      1, NULL, values, NULL, NULL, 0);
    if (rc == 0 && PQresultStatus(res) != PGRES_TUPLES_OK)
        rc = pa_pg__fail(u->conn, err, "writing a table outside the log");
    if (rc == 0)
        rc = hold_side_version(db, u, i, strtoll(PQgetvalue(res, 0, 0), NULL, 10), err);
    PQclear(res);
    return rc;
}

/* ---- the log ---------------------------------------------------------------------------- */

static int copy_entry(struct pa_db *db, int64_t seq, const void **entry, int *len,
                      sqlite3_stmt **stmt, struct pa_error *err)
{
    static const char sql[] = "SELECT entry FROM events WHERE seq = ?1";
    int rc = pa_db_prepare(db, sql, stmt, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(*stmt, 1, seq);
    if (sqlite3_step(*stmt) != SQLITE_ROW)
        return pa_db_fail(db, err, "reading the copy's log");
    *entry = sqlite3_column_blob(*stmt, 0);
    *len = sqlite3_column_bytes(*stmt, 0);
    return 0;
}

/* Unavailable (HTTP 503) rather than broken: the copy is made again at the
 * next open, and a server does so at once (pa_pg_stale). */
static int stale_copy(struct upstream *u, struct pa_error *err, int64_t seq)
{
    u->stale = true;
    return pa_error_set(err, PA_EBUSY,
                        "the local copy's event %lld is not the PostgreSQL log's: the database was "
                        "restored or changed, and the copy must be made again",
                        (long long)seq);
}

/* Applies one event from PostgreSQL to the copy, as replay does. */
static int apply_pulled(struct pa_db *db, int64_t seq, const void *entry, size_t len,
                        struct pa_error *err)
{
    struct pa_event ev;
    struct pa_error why;
    pa_error_clear(&why);
    int rc = pa_tlog_decode(entry, len, &ev, &why);
    if (rc == 0) {
        rc = pa_tlog__append_decoded(db, entry, len, &ev, &why);
        if (rc == 0 && ev.seq != seq)
            rc = pa_error_set(&why, PA_ETAMPER, "stored as event %lld", (long long)ev.seq);
        pa_event_release(&ev);
    }
    if (rc != 0)
        return pa_error_set(err, rc, "PostgreSQL's event %lld: %s", (long long)seq, why.message);
    return 0;
}

/* The events PostgreSQL has beyond the copy's, streamed row by row. */
static int pull_events(struct pa_db *db, struct upstream *u, int64_t local, struct pa_error *err)
{
    char from[24];
    snprintf(from, sizeof(from), "%lld", (long long)local + 1);
    const char *values[1] = {from};
    if (!PQsendQueryParams(u->conn, "SELECT seq, entry FROM pairaid_events WHERE seq >= $1::bigint "
                                    "ORDER BY seq",
                           1, NULL, values, NULL, NULL, 1) ||
        !PQsetSingleRowMode(u->conn))
        return pa_pg__fail(u->conn, err, "reading the log");
    int rc = 0;
    int64_t expect = local + 1;
    PGresult *res;
    while ((res = PQgetResult(u->conn)) != NULL) {
        ExecStatusType st = PQresultStatus(res);
        if (rc == 0 && st == PGRES_SINGLE_TUPLE) {
            int64_t seq = 0;
            for (int b = 0; b < 8; b++)
                seq = seq << 8 | (unsigned char)PQgetvalue(res, 0, 0)[b];
            if (seq != expect)
                rc = pa_error_set(err, PA_ETAMPER, "the PostgreSQL log has no event %lld",
                                  (long long)expect);
            else
                rc = apply_pulled(db, seq, PQgetvalue(res, 0, 1), (size_t)PQgetlength(res, 0, 1), err);
            expect++;
        } else if (rc == 0 && st != PGRES_TUPLES_OK) {
            rc = pa_pg__fail(u->conn, err, "reading the log");
        }
        PQclear(res);
    }
    return rc;
}

static int log_size(struct pa_db *db, int64_t *size, struct pa_error *err)
{
    return pa_tlog_size(db, size, err);
}

/* ---- the upstream hooks ---------------------------------------------------------------- */

/* What PostgreSQL holds now, in one round trip: the log's size, whether its
 * event `local` is the copy's last (NULL when it has none), and the counters
 * of the side tables and photos. */
struct upstream_now {
    int64_t size, side_sum, media_max;
    bool last_same;
};

static int read_now(struct pa_db *db, struct upstream *u, int64_t local, struct upstream_now *now,
                    struct pa_error *err)
{
    const void *mine = NULL;
    int mine_len = 0;
    sqlite3_stmt *stmt = NULL;
    int rc = local > 0 ? copy_entry(db, local, &mine, &mine_len, &stmt, err) : 0;
    char seq[24];
    snprintf(seq, sizeof(seq), "%lld", (long long)local);
    const char *values[2] = {seq, mine};
    int lengths[2] = {0, mine_len}, formats[2] = {0, 1};
    PGresult *res = rc ? NULL
                       : PQexecParams(u->conn,
                                      "SELECT coalesce((SELECT max(seq) FROM pairaid_events), 0),"
                                      " coalesce((SELECT sum(version) FROM pairaid_side), 0),"
                                      " coalesce((SELECT max(id) FROM pairaid_media), 0),"
                                      " coalesce((SELECT entry = $2 FROM pairaid_events"
                                      "           WHERE seq = $1::bigint), false)",
                                      2, NULL, values, lengths, formats, 0);
    if (stmt)
        sqlite3_reset(stmt);
    if (rc == 0 && (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1))
        rc = pa_pg__fail(u->conn, err, "reading the log's size");
    if (rc == 0) {
        now->size = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        now->side_sum = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
        now->media_max = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
        now->last_same = local == 0 || PQgetvalue(res, 0, 3)[0] == 't';
    }
    PQclear(res);
    return rc;
}

/* A connection lost (PostgreSQL restarted, a standby promoted) is made again
 * once per transaction; what the copy remembers of the side tables is
 * forgotten, since the database may be another one now. */
static int reconnect(struct upstream *u, struct pa_error *err)
{
    if (PQstatus(u->conn) == CONNECTION_OK)
        return 0;
    PQreset(u->conn);
    if (PQstatus(u->conn) != CONNECTION_OK)
        return pa_pg__fail(u->conn, err, "connecting");
    for (int i = 0; i < NSIDE; i++)
        u->side_version[i] = -1;
    u->side_sum = -1;
    return pa_pg__command(u->conn, SESSION_SETTINGS, err, "configuring the connection");
}

static int after_begin(struct pa_db *db, void *state, struct pa_error *err)
{
    struct upstream *u = state;
    int rc = reconnect(u, err);
    static const char begin[] = "BEGIN; SELECT pg_advisory_xact_lock(" LOG_LOCK_KEY ")";
    if (rc == 0)
        rc = pa_pg__command(u->conn, begin, err, "waiting for the log");
    /* the connection is found lost only when used: made again, once */
    if (rc != 0 && PQstatus(u->conn) == CONNECTION_BAD && (rc = reconnect(u, err)) == 0)
        rc = pa_pg__command(u->conn, begin, err, "waiting for the log");
    PGTransactionStatusType ts = PQtransactionStatus(u->conn);
    u->in_transaction = ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR;
    if (rc != 0)
        return rc;
    memset(u->side_dirty, 0, sizeof(u->side_dirty));
    memset(u->side_pulled, 0, sizeof(u->side_pulled));
    int64_t local = 0;
    struct upstream_now now;
    rc = log_size(db, &local, err);
    if (rc == 0)
        rc = read_now(db, u, local, &now, err);
    /* the copy's last event must be the log's: a log restored to another
     * history of any length is caught, not only a shorter one */
    if (rc == 0 && (now.size < local || !now.last_same))
        rc = stale_copy(u, err, now.size < local ? now.size + 1 : local);
    if (rc == 0 && now.size - local > local && now.size - local > 1000) {
        rc = pa_tlog__defer_bulk_indexes(db, err);
        if (rc == 0)
            rc = pa_tlog_defer_indexes(db, err);
    }
    if (rc == 0 && now.size > local)
        rc = pull_events(db, u, local, err);
    if (rc == 0 && now.side_sum != u->side_sum) {
        rc = pull_side_tables(db, u, err);
        u->side_sum = now.side_sum;
    }
    if (rc == 0 && now.media_max > u->media_seen)
        rc = pa_pg__pull_media(db, u, err);
    if (rc == 0)
        u->head = now.size;
    return rc;
}

static int push_events(struct pa_db *db, struct upstream *u, struct pa_error *err)
{
    static const char sql[] = "SELECT seq, entry FROM events WHERE seq > ?1 ORDER BY seq";
    return copy_rows(db, u, sql, u->head, "pairaid_events (seq, entry)", err,
                     "writing the log");
}

/* The end of a transaction on PostgreSQL, in one round trip: the copy's tree
 * head recorded beside the events it covers (when there are new ones), the
 * notification for other servers (when anything changed), and COMMIT. */
static int commit_upstream(struct pa_db *db, struct upstream *u, bool new_events, bool changed,
                           struct pa_error *err)
{
    char sql[256] = "";
    if (new_events) {
        uint64_t size = 0;
        pa_hash root;
        int rc = pa_tlog_head(db, NULL, &size, root, err);
        if (rc != 0)
            return rc;
        char hex[2 * PA_HASH_LEN + 1];
        for (int i = 0; i < PA_HASH_LEN; i++)
            snprintf(hex + 2 * i, 3, "%02x", root[i]);
        snprintf(sql, sizeof(sql), "INSERT INTO pairaid_heads VALUES (%llu, '\\x%s'::bytea); ",
                 (unsigned long long)size, hex);
    }
    if (changed) /* signed with this process's token: its own listener skips it */
        snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql),
                 "SELECT pg_notify('" CHANNEL "', '%s'); ", pa_pg__own_token());
    strcat(sql, "COMMIT");
    return pa_pg__command(u->conn, sql, err, "committing");
}

static int before_commit(struct pa_db *db, void *state, struct pa_error *err)
{
    struct upstream *u = state;
    int64_t size = 0;
    int rc = log_size(db, &size, err);
    bool changed = rc == 0 && size > u->head;
    bool new_events = changed;
    if (changed)
        rc = push_events(db, u, err);
    if (rc == 0 && u->nmedia_new > 0) {
        changed = true;
        rc = pa_pg__push_media(db, u, err);
    }
    for (int i = 0; rc == 0 && i < NSIDE; i++) {
        if (u->side_dirty[i]) {
            changed = true;
            rc = push_side_table(db, u, i, err);
        }
    }
    if (rc == 0)
        rc = commit_upstream(db, u, new_events, changed, err);
    if (rc == 0) {
        u->in_transaction = false;
        u->head = size;
        memset(u->side_dirty, 0, sizeof(u->side_dirty));
    }
    return rc;
}

static void after_rollback(struct pa_db *db, void *state)
{
    (void)db;
    struct upstream *u = state;
    if (u->in_transaction)
        PQclear(PQexec(u->conn, "ROLLBACK"));
    u->in_transaction = false;
    /* the copy's side tables are back as they were before this transaction
     * wrote or replaced them: the next one copies them again (side_sum too,
     * or after_begin would think nothing changed and never look) */
    for (int i = 0; i < NSIDE; i++) {
        if (u->side_dirty[i] || u->side_pulled[i]) {
            u->side_version[i] = -1;
            u->side_sum = -1;
        }
    }
    memset(u->side_dirty, 0, sizeof(u->side_dirty));
    memset(u->side_pulled, 0, sizeof(u->side_pulled));
}

static void upstream_free(void *state)
{
    struct upstream *u = state;
    if (u == NULL)
        return;
    PQfinish(u->conn);
    for (int i = 0; i < u->nmedia_new; i++)
        free(u->media_new[i]);
    free(u->media_new);
    free(u);
}

static const struct pa_db_upstream pg_upstream = {after_begin, before_commit, after_rollback,
                                                  upstream_free, pa_pg__media_written};

bool pa_pg_stale(struct pa_db *db)
{
    struct upstream *u = pa_db_upstream_state(db, &pg_upstream);
    return u && u->stale;
}

/* ---- opening ---------------------------------------------------------------------------- */

static int attach(struct pa_db *db, PGconn *conn, struct pa_error *err)
{
    struct upstream *u = calloc(1, sizeof(*u));
    if (u == NULL) {
        PQfinish(conn);
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    u->conn = conn;
    for (int i = 0; i < NSIDE; i++)
        u->side_version[i] = -1;
    u->side_sum = -1;
    u->nside = NSIDE;
    pa_db_set_upstream(db, &pg_upstream, u);
    return watch_side_tables(db, u, err);
}

/* Brings the copy up to date: one empty transaction. */
static int catch_up(struct pa_db *db, struct pa_error *err)
{
    int rc = pa_db_begin(db, err);
    if (rc == 0)
        rc = pa_db_commit(db, err);
    if (rc != 0)
        pa_db_rollback(db);
    return rc;
}

/* The copy follows one PostgreSQL database: a copy made from another (or from
 * this one before it was made anew) is not trusted. */
static int check_origin(struct pa_db *db, PGconn *conn, bool *same, struct pa_error *err)
{
    char origin[64];
    int rc = pg_value(conn, "SELECT value FROM pairaid_meta WHERE key = 'origin'", origin,
                      sizeof(origin), err, "reading the database's identity");
    if (rc == 0)
        rc = pa_db_exec(db, copy_schema, err);
    sqlite3_stmt *stmt = NULL;
    if (rc == 0 && sqlite3_prepare_v2(pa_db_sqlite(db),
                                      "SELECT origin FROM upstream_origin WHERE id = 1", -1, &stmt,
                                      NULL) != SQLITE_OK)
        rc = pa_db_fail(db, err, "reading the copy's origin");
    int64_t size = 0;
    if (rc == 0 && sqlite3_step(stmt) == SQLITE_ROW) {
        *same = strcmp((const char *)sqlite3_column_text(stmt, 0), origin) == 0;
    } else if (rc == 0 && (rc = pa_tlog_size(db, &size, err)) == 0) {
        *same = size == 0; /* a new, empty copy */
        sqlite3_finalize(stmt);
        stmt = NULL;
        if (*same && sqlite3_prepare_v2(pa_db_sqlite(db),
                                        "INSERT INTO upstream_origin VALUES (1, ?1)", -1, &stmt,
                                        NULL) == SQLITE_OK) {
            sqlite3_bind_text(stmt, 1, origin, -1, SQLITE_STATIC);
            if (sqlite3_step(stmt) != SQLITE_DONE)
                rc = pa_db_fail(db, err, "recording the copy's origin");
        }
    }
    sqlite3_finalize(stmt);
    return rc;
}

void pa_pg_shown(const char *uri, char *buf, size_t size)
{
    const char *user = "", *host = "", *port = "", *dbname = "";
    PQconninfoOption *opts = PQconninfoParse(uri, NULL);
    for (PQconninfoOption *o = opts; o && o->keyword; o++) {
        const char **slot = strcmp(o->keyword, "user") == 0     ? &user
                            : strcmp(o->keyword, "host") == 0   ? &host
                            : strcmp(o->keyword, "port") == 0   ? &port
                            : strcmp(o->keyword, "dbname") == 0 ? &dbname
                                                                : NULL;
        if (slot && o->val)
            *slot = o->val;
    }
    snprintf(buf, size, "postgresql://%s%s%s%s%s/%s", user, *user ? "@" : "", host, *port ? ":" : "",
             port, dbname);
    PQconninfoFree(opts);
}

int pa_pg_copy_path(const char *uri, char *buf, size_t size, struct pa_error *err)
{
    PQconninfoOption *opts = PQconninfoParse(uri, NULL);
    if (opts == NULL)
        return pa_error_set(err, PA_EINVAL, "the --db URI is not a valid PostgreSQL connection URI");
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (o->val && (strcmp(o->keyword, "host") == 0 || strcmp(o->keyword, "hostaddr") == 0 ||
                       strcmp(o->keyword, "port") == 0 || strcmp(o->keyword, "dbname") == 0 ||
                       strcmp(o->keyword, "user") == 0)) {
            crypto_hash_sha256_update(&h, (const unsigned char *)o->keyword, strlen(o->keyword) + 1);
            crypto_hash_sha256_update(&h, (const unsigned char *)o->val, strlen(o->val) + 1);
        }
    }
    PQconninfoFree(opts);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&h, digest);
    char dir[3072];
    const char *cache = getenv("PAIRAID_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME"),
               *home = getenv("HOME");
    if (cache && *cache)
        snprintf(dir, sizeof(dir), "%s", cache);
    else if (xdg && *xdg)
        snprintf(dir, sizeof(dir), "%s/pairaid", xdg);
    else if (home && *home)
        snprintf(dir, sizeof(dir), "%s/.cache/pairaid", home);
    else
        return pa_error_set(err, PA_EINVAL,
                            "no folder for the local copy: set PAIRAID_CACHE_DIR");
    /* the parents of $XDG_CACHE_HOME/pairaid may be missing on a new account */
    for (char *p = dir + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(dir, 0700);
            *p = '/';
        }
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return pa_error_set(err, PA_EIO, "cannot make the folder '%s' for the local copy: %s", dir,
                            strerror(errno));
    char hex[17];
    for (int i = 0; i < 8; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    if ((size_t)snprintf(buf, size, "%s/pg-%s.db", dir, hex) >= size)
        return pa_error_set(err, PA_EINVAL, "the folder for the local copy has too long a name");
    return 0;
}

/* Opens the copy at path, attached to conn and brought up to date; *stale
 * when it follows another database or holds what the log does not. */
static int open_copy(struct pa_db **out, const char *path, PGconn *conn, bool *stale,
                     struct pa_error *err)
{
    *stale = false;
    struct pa_db *db = NULL;
    int rc = pa_db_open(&db, path, PA_DB_CREATE, err);
    bool same = true;
    if (rc == 0)
        rc = check_origin(db, conn, &same, err);
    if (rc == 0 && !same) {
        *stale = true;
        PQfinish(conn);
        pa_db_free(db);
        return 0;
    }
    if (rc == 0) {
        rc = attach(db, conn, err);
        conn = NULL; /* the database owns it now */
    }
    if (rc == 0)
        rc = read_side_versions(db, pa_db_upstream_state(db, &pg_upstream), err);
    if (rc == 0)
        rc = catch_up(db, err);
    struct upstream *u = pa_db_upstream_state(db, &pg_upstream);
    if (rc != 0 && u && u->stale) {
        *stale = true;
        rc = 0;
    }
    if (rc != 0 || *stale) {
        PQfinish(conn);
        pa_db_free(db);
        return rc;
    }
    *out = db;
    return 0;
}

static int open_writable(struct pa_db **out, const char *uri, const char *path, unsigned flags,
                         struct pa_error *err)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        PGconn *conn;
        int rc = pa_pg__connect(uri, &conn, err);
        if (rc == 0)
            rc = ensure_schema(conn, uri, flags & PA_DB_CREATE, err);
        if (rc != 0) {
            PQfinish(conn);
            return rc;
        }
        bool stale = false;
        rc = open_copy(out, path, conn, &stale, err);
        if (rc != 0 || !stale)
            return rc;
        pa_db_remove_files(path); /* made again from the log, once */
    }
    return pa_error_set(err, PA_EDB, "the local copy of the PostgreSQL database cannot be made");
}

int pa_pg_open(struct pa_db **out, const char *uri, unsigned flags, struct pa_error *err)
{
    PA_ASSERT(out != NULL && pa_pg_uri(uri));
    *out = NULL;
    char path[4096];
    int rc = pa_pg_copy_path(uri, path, sizeof(path), err);
    if (rc != 0)
        return rc;
    if ((flags & PA_DB_READONLY) && (flags & PA_DB_AS_FOLLOWED))
        return pa_db_open(out, path, flags, err);
    struct pa_db *db = NULL;
    rc = open_writable(&db, uri, path, flags & ~(unsigned)PA_DB_READONLY, err);
    if (rc != 0 || !(flags & PA_DB_READONLY)) {
        *out = db;
        return rc;
    }
    pa_db_free(db);
    return pa_db_open(out, path, flags, err);
}

/* Every head recorded at a commit must be the tree's at that size. */
static int check_heads(struct pa_db *db, PGconn *conn, struct pa_error *err)
{
    PGresult *res = PQexecParams(conn, "SELECT size, root FROM pairaid_heads ORDER BY size", 0, NULL,
                                 NULL, NULL, NULL, 1);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = pa_pg__fail(conn, err, "reading the log");
        PQclear(res);
        return rc;
    }
    struct pa_merkle_source tree;
    pa_tlog_tree_source(db, &tree);
    int64_t logged = 0;
    int rc = pa_tlog_size(db, &logged, err);
    for (int row = 0; rc == 0 && row < PQntuples(res); row++) {
        uint64_t size = 0;
        for (int b = 0; b < 8; b++)
            size = size << 8 | (unsigned char)PQgetvalue(res, row, 0)[b];
        pa_hash root;
        if (size > (uint64_t)logged)
            rc = pa_error_set(err, PA_ETAMPER,
                              "PostgreSQL's log holds %lld events, and a commit recorded %llu "
                              "(table pairaid_heads): events were deleted",
                              (long long)logged, (unsigned long long)size);
        if (rc == 0)
            rc = pa_merkle_root(&tree, size, root, err);
        if (rc == 0 && (PQgetlength(res, row, 1) != PA_HASH_LEN ||
                        memcmp(root, PQgetvalue(res, row, 1), PA_HASH_LEN) != 0))
            rc = pa_error_set(err, PA_ETAMPER,
                              "PostgreSQL's log: the first %llu events are not those committed "
                              "(table pairaid_heads): an event at or before %llu was changed",
                              (unsigned long long)size, (unsigned long long)size);
    }
    PQclear(res);
    return rc;
}

int pa_pg_load_fresh(const char *uri, struct pa_db **out, struct pa_error *err)
{
    *out = NULL;
    PGconn *conn;
    int rc = pa_pg__connect(uri, &conn, err);
    if (rc == 0)
        rc = ensure_schema(conn, uri, false, err);
    if (rc != 0) {
        PQfinish(conn);
        return rc;
    }
    struct pa_db *db = NULL;
    rc = pa_db_open(&db, ":memory:", PA_DB_CREATE, err);
    if (rc == 0) {
        rc = attach(db, conn, err);
        conn = NULL;
    }
    struct upstream *u = db ? pa_db_upstream_state(db, &pg_upstream) : NULL;
    if (u) /* an auditor's role need not read password hashes or sessions */
        u->nside = NSIDE_OF_LOG;
    if (rc == 0)
        rc = catch_up(db, err);
    if (rc == 0)
        rc = check_heads(db, u->conn, err);
    PQfinish(conn);
    if (rc != 0) {
        pa_db_free(db);
        return rc;
    }
    *out = db;
    return 0;
}
