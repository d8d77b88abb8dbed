/*
 * store.h - the SQLite database: opening (WAL, foreign keys, STRICT tables),
 * migrations built into the binary, transactions and a prepared-statement cache.
 *
 * Only the library's own modules use the SQL handle; front ends go through the
 * service calls of registry.h, io.h and later modules.
 */
#ifndef PAIRAID_STORE_H
#define PAIRAID_STORE_H

#include <sqlite3.h>

#include "pairaid/core.h"

struct pa_db;

enum pa_db_flags {
    PA_DB_CREATE = 1 << 0,     /* create the file if it does not exist */
    PA_DB_READONLY = 1 << 1,   /* open for reading only: never creates, migrates or writes */
    PA_DB_ANY_SCHEMA = 1 << 2, /* with READONLY: an older schema too (a backup copies any) */
    /* with READONLY, on PostgreSQL: the local copy as it stands, not brought up to date first
     * (a server's readers: its writer keeps the copy current, and reads go on while
     * PostgreSQL is away); no effect on SQLite */
    PA_DB_AS_FOLLOWED = 1 << 3,
};

/* Opens (and with PA_DB_CREATE, creates) the database at path, ":memory:" for a
 * private in-memory one, and applies every migration it has not seen, loading the
 * built-in GB/T 2260 region list on the way.  Missing file without PA_DB_CREATE is
 * PA_ENOTFOUND.  A file that is not a pairaid database (another program's, one
 * with a negative schema version, an empty one without PA_DB_CREATE) is refused
 * (PA_EDB) and left as it is.  Read-only, a database on read-only media (a
 * directory where SQLite cannot create its -shm file) is opened immutable. */
int pa_db_open(struct pa_db **out, const char *path, unsigned flags, struct pa_error *err);
/* Finalises cached statements and closes; NULL is allowed. */
void pa_db_free(struct pa_db *db);

sqlite3 *pa_db_sqlite(struct pa_db *db);
const char *pa_db_path(const struct pa_db *db);
/* The folder beside the database where photos are kept under their SHA-256:
 * "<dir of db>/media".  Empty for in-memory databases. */
const char *pa_db_media_dir(const struct pa_db *db);

/* Who is acting: recorded in every event.  The string is copied. */
int pa_db_set_actor(struct pa_db *db, const char *actor, struct pa_error *err);
const char *pa_db_actor(const struct pa_db *db);

/* What every event records of who made it (DESIGN.md, "users in the log"):
 * the acting name, the role it acted in ("operator" for the local operator,
 * who acts without a user), and that role's scope (a region for donors and
 * recipients, a pairing for auditors, else NULL).  Borrowed from db. */
struct pa_actor {
    const char *name, *role, *scope;
};
void pa_db_who(const struct pa_db *db, struct pa_actor *who);
#define PA_OPERATOR_ROLE "operator"

/* Called right after each BEGIN, inside the new transaction: the place where
 * the principal is read again, so that what a write records of its actor is
 * what the users table says while it commits (auth.c sets it).  A failure
 * ends the transaction and is pa_db_begin's. */
void pa_db_on_begin(struct pa_db *db, int (*fn)(struct pa_db *db, struct pa_error *err));

/* The roles of DESIGN.md's users table.  What each may do is decided by the
 * modules that own the data (registry.h: pa_scope_*), so every front end obeys
 * the same rules. */
#define PA_ROLES(X)                                                                                \
    X(ADMIN, "admin", "系统管理员")                                                                \
    X(DONOR, "donor", "支援方财务/项目人员")                                                       \
    X(RECIPIENT, "recipient", "受援方项目人员")                                                    \
    X(AUDITOR, "auditor", "联合审计组")                                                            \
    X(ASSESSOR, "assessor", "省考核办")

enum pa_role {
#define PA_ROLE_ENUM(name, code, zh) PA_ROLE_##name,
    PA_ROLES(PA_ROLE_ENUM)
#undef PA_ROLE_ENUM
    PA_ROLE_ANONYMOUS, /* the public, not signed in: never a user's role */
};

const char *pa_role_name(enum pa_role role); /* "donor" */
const char *pa_role_zh(enum pa_role role);   /* "支援方财务/项目人员" */
/* A user's role by name; "anonymous" is not one. */
int pa_role_parse(const char *name, enum pa_role *role, struct pa_error *err);

/* A signed-in user acting on the database: donors and recipients are scoped to
 * a region (and the regions below it), auditors to a pairing (and those below). */
struct pa_principal {
    char name[PA_CODE_MAX * 4 + 1]; /* user names may be Chinese: up to 64 characters */
    enum pa_role role;
    char region[8];                /* "" when the role has none */
    char pairing[PA_CODE_MAX + 1]; /* "" when the role has none */
};

/* The public: what a reader who has not signed in may see and do. */
extern const struct pa_principal pa_anonymous;

/* Acts as `who` from now on (and records its name as the actor); NULL returns
 * to the local operator, who holds the database file and may do everything.
 * Reads as well as writes obey the principal (registry.h, "who may read"). */
int pa_db_set_principal(struct pa_db *db, const struct pa_principal *who, struct pa_error *err);
/* NULL for the local operator. */
const struct pa_principal *pa_db_principal(const struct pa_db *db);

/* A consistent copy of the whole database (users and sessions included) to a
 * new file at `path`, while others keep reading and writing (SQLite's online
 * backup).  An existing file is refused (PA_EEXIST), never overwritten. */
int pa_db_backup(struct pa_db *db, const char *path, struct pa_error *err);

/* BEGIN IMMEDIATE, so a writer learns at once (PA_EBUSY) that another holds the lock. */
int pa_db_begin(struct pa_db *db, struct pa_error *err);
int pa_db_commit(struct pa_db *db, struct pa_error *err);
/* Rolls back if a transaction is open; safe to call on any error path. */
void pa_db_rollback(struct pa_db *db);
bool pa_db_in_transaction(struct pa_db *db);

/* A prepared statement for a static SQL string, cached by the string's address,
 * reset and with bindings cleared.  Borrowed: do not finalise it. */
int pa_db_prepare(struct pa_db *db, const char *sql, sqlite3_stmt **stmt, struct pa_error *err);
/* Turns SQLite's last error into PA_EDB/PA_EBUSY with `what` as context. */
int pa_db_fail(struct pa_db *db, struct pa_error *err, const char *what);

/* Runs one static statement without results through the statement cache. */
int pa_db_run(struct pa_db *db, const char *sql, struct pa_error *err);
/* Runs SQL with no results (several statements allowed). */
int pa_db_exec(struct pa_db *db, const char *sql, struct pa_error *err);

/* State a module keeps on a database connection for the length of a
 * transaction (the ledger's account cache): flushed before COMMIT, forgotten
 * after a rollback, freed with the database. */
struct pa_db_extension {
    int (*before_commit)(struct pa_db *db, void *state, struct pa_error *err);
    void (*after_rollback)(struct pa_db *db, void *state);
    void (*free)(void *state);
};
/* The state attached for ext, or NULL. */
void *pa_db_extension_state(struct pa_db *db, const struct pa_db_extension *ext);
/* Attaches state (owned by the database from now on) for ext. */
int pa_db_extension_attach(struct pa_db *db, const struct pa_db_extension *ext, void *state,
                           struct pa_error *err);

/* A database this one is the local copy of (the PostgreSQL backend, src/pg):
 * after_begin runs right after each BEGIN (before the on_begin hook), to lock
 * the upstream and bring the copy up to date; before_commit runs after every
 * extension's, to send the transaction upstream and commit it there first;
 * after_rollback undoes the upstream's part of a transaction that ends without
 * COMMIT.  The state is owned by the database from then on. */
struct pa_db_upstream {
    int (*after_begin)(struct pa_db *db, void *state, struct pa_error *err);
    int (*before_commit)(struct pa_db *db, void *state, struct pa_error *err);
    void (*after_rollback)(struct pa_db *db, void *state);
    void (*free)(void *state);
    /* a file was written to the media folder (under its SHA-256 name) */
    int (*media_written)(struct pa_db *db, void *state, const char *name, struct pa_error *err);
};
void pa_db_set_upstream(struct pa_db *db, const struct pa_db_upstream *up, void *state);
/* Tells the upstream, if any, that the media folder holds a new file. */
int pa_db_media_written(struct pa_db *db, const char *name, struct pa_error *err);
/* The state set for up, or NULL when db has another upstream or none. */
void *pa_db_upstream_state(struct pa_db *db, const struct pa_db_upstream *up);

/* Writes every extension's state back now, as COMMIT would, so that a read
 * later in the same transaction sees it (a replica's digest of its tables). */
int pa_db_flush(struct pa_db *db, struct pa_error *err);

/* For a bulk write (a large import, a replay): drops the table's indexes that
 * only speed up reads (not those of its PRIMARY KEY or UNIQUE constraints, so
 * every check of a write stays exactly as it was) for the rest of this
 * transaction, and builds them again just before it commits, once, by sorting,
 * instead of updating them row by row.  A rollback brings them back as they
 * were.  Reads inside the transaction that would use them get slower. */
int pa_db_defer_indexes(struct pa_db *db, const char *table, struct pa_error *err);

/* Deletes a closed database file and its -wal and -shm files, if there. */
void pa_db_remove_files(const char *path);

/* The number of migrations applied (PRAGMA user_version). */
int pa_db_schema_version(struct pa_db *db);

/* Binds text of unknown length, or NULL when text is NULL. */
int pa_db_bind_text(sqlite3_stmt *stmt, int index, const char *text);

/* The first column of the first row `sql` (a static string, prepared once;
 * one parameter, bound to key) gives, into out: *found says whether there was
 * a row; a NULL value reads as "". */
int pa_db_lookup_text(struct pa_db *db, const char *sql, const char *key, char *out, size_t size,
                      bool *found, struct pa_error *err);

#endif
