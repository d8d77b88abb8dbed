/*
 * store.c - opening the SQLite database the way pairaid needs it (WAL, full
 * sync, foreign keys, a busy timeout), applying the migrations built into the
 * binary, loading the GB/T 2260 region list, and caching prepared statements so
 * that hot paths such as an import never re-parse SQL.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "pairaid/store.h"

/* Statements are cached by their (static) SQL text's address, one per distinct
 * query the library has: about 180 today (registry, ledger, audit, assessment
 * metrics, the kinds' generated SQL).  A server connection meets all of them in
 * time, so the cache holds every one with room to grow. */
#define STMT_CACHE_MAX  512
#define EXTENSIONS_MAX  8
#define BUSY_TIMEOUT_MS 5000

extern const struct pa_blob pa_migrations[];
extern const struct pa_blob pa_region_data[];

struct cached_stmt {
    const char *sql;
    sqlite3_stmt *stmt;
};

struct pa_db {
    sqlite3 *sql;
    char *path;
    char *media_dir;
    char *actor;
    bool has_principal;
    struct pa_principal principal;
    int (*on_begin)(struct pa_db *db, struct pa_error *err);
    struct cached_stmt cache[STMT_CACHE_MAX];
    int ncached;
    struct {
        const struct pa_db_extension *ext;
        void *state;
    } extensions[EXTENSIONS_MAX];
    int nextensions;
    const struct pa_db_upstream *upstream;
    void *upstream_state;
};

void pa_db_set_upstream(struct pa_db *db, const struct pa_db_upstream *up, void *state)
{
    PA_ASSERT(db->upstream == NULL);
    db->upstream = up;
    db->upstream_state = state;
}

int pa_db_media_written(struct pa_db *db, const char *name, struct pa_error *err)
{
    if (db->upstream == NULL)
        return 0;
    return db->upstream->media_written(db, db->upstream_state, name, err);
}

void *pa_db_upstream_state(struct pa_db *db, const struct pa_db_upstream *up)
{
    return db->upstream == up ? db->upstream_state : NULL;
}

void *pa_db_extension_state(struct pa_db *db, const struct pa_db_extension *ext)
{
    for (int i = 0; i < db->nextensions; i++)
        if (db->extensions[i].ext == ext)
            return db->extensions[i].state;
    return NULL;
}

int pa_db_extension_attach(struct pa_db *db, const struct pa_db_extension *ext, void *state,
                           struct pa_error *err)
{
    PA_ASSERT(pa_db_extension_state(db, ext) == NULL);
    if (db->nextensions == EXTENSIONS_MAX) {
        ext->free(state);
        return pa_error_set(err, PA_EINTERNAL, "too many database extensions");
    }
    db->extensions[db->nextensions].ext = ext;
    db->extensions[db->nextensions].state = state;
    db->nextensions++;
    return 0;
}

int pa_db_fail(struct pa_db *db, struct pa_error *err, const char *what)
{
    int rc = sqlite3_errcode(db->sql);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return pa_error_set(err, PA_EBUSY, "%s: the database is locked by another program", what);
    /* SQL's sum() refuses to overflow rather than wrap: a total too large to
     * show, which is the data's problem, not the program's */
    if (strcmp(sqlite3_errmsg(db->sql), "integer overflow") == 0)
        return pa_error_set(err, PA_ERANGE, "%s: the total is too large to add up", what);
    return pa_error_set(err, PA_EDB, "%s: %s", what, sqlite3_errmsg(db->sql));
}

int pa_db_exec(struct pa_db *db, const char *sql, struct pa_error *err)
{
    if (sqlite3_exec(db->sql, sql, NULL, NULL, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "database");
    return 0;
}

/* Runs one statement without results through the statement cache: transaction
 * control runs for every batch, and re-preparing it each time showed up in
 * profiles (and churned memory under AddressSanitizer). */
int pa_db_run(struct pa_db *db, const char *sql, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, "database");
    sqlite3_reset(stmt);
    return rc;
}

int pa_db_bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
    if (text == NULL)
        return sqlite3_bind_null(stmt, index);
    return sqlite3_bind_text(stmt, index, text, -1, SQLITE_STATIC);
}

int pa_db_lookup_text(struct pa_db *db, const char *sql, const char *key, char *out, size_t size,
                      bool *found, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, key);
    int step = sqlite3_step(stmt);
    const unsigned char *value = step == SQLITE_ROW ? sqlite3_column_text(stmt, 0) : NULL;
    *found = step == SQLITE_ROW;
    snprintf(out, size, "%s", value ? (const char *)value : "");
    sqlite3_reset(stmt);
    return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : pa_db_fail(db, err, "looking up");
}

int pa_db_prepare(struct pa_db *db, const char *sql, sqlite3_stmt **stmt, struct pa_error *err)
{
    PA_ASSERT(db != NULL && sql != NULL && stmt != NULL);
    for (int i = 0; i < db->ncached; i++) {
        if (db->cache[i].sql == sql) {
            *stmt = db->cache[i].stmt;
            sqlite3_reset(*stmt);
            sqlite3_clear_bindings(*stmt);
            return 0;
        }
    }
    PA_ASSERT(db->ncached < STMT_CACHE_MAX);
    if (sqlite3_prepare_v3(db->sql, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "preparing a statement");
    db->cache[db->ncached].sql = sql;
    db->cache[db->ncached].stmt = *stmt;
    db->ncached++;
    return 0;
}

void pa_db_on_begin(struct pa_db *db, int (*fn)(struct pa_db *db, struct pa_error *err))
{
    db->on_begin = fn;
}

int pa_db_begin(struct pa_db *db, struct pa_error *err)
{
    PA_ASSERT(sqlite3_get_autocommit(db->sql));
    static const char sql[] = "BEGIN IMMEDIATE";
    int rc = pa_db_run(db, sql, err);
    if (rc == 0 && db->upstream && (rc = db->upstream->after_begin(db, db->upstream_state, err)) != 0)
        pa_db_rollback(db);
    else if (rc == 0 && db->on_begin && (rc = db->on_begin(db, err)) != 0)
        pa_db_rollback(db);
    return rc;
}

static void forget_transaction(struct pa_db *db)
{
    if (db->upstream)
        db->upstream->after_rollback(db, db->upstream_state);
    for (int i = 0; i < db->nextensions; i++)
        db->extensions[i].ext->after_rollback(db, db->extensions[i].state);
}

int pa_db_commit(struct pa_db *db, struct pa_error *err)
{
    PA_ASSERT(!sqlite3_get_autocommit(db->sql));
    for (int i = 0; i < db->nextensions; i++) {
        int rc = db->extensions[i].ext->before_commit(db, db->extensions[i].state, err);
        if (rc != 0)
            return rc;
    }
    /* the upstream last, once every extension has written its state: what it
     * commits is the whole transaction, and only then does the local copy */
    if (db->upstream) {
        int rc = db->upstream->before_commit(db, db->upstream_state, err);
        if (rc != 0)
            return rc;
    }
    static const char sql[] = "COMMIT";
    int rc = pa_db_run(db, sql, err);
    if (rc != 0)
        forget_transaction(db);
    return rc;
}

/* ---- reader indexes deferred to the end of a bulk write --------------------------- */

/* The CREATE INDEX statements of the indexes a transaction dropped, to be run
 * again just before it commits. */
struct deferred_indexes {
    struct deferred_index {
        char *name, *sql;
    } *index;
    int n, cap;
};

static void deferred_forget(struct deferred_indexes *d)
{
    for (int i = 0; i < d->n; i++) {
        sqlite3_free(d->index[i].name);
        sqlite3_free(d->index[i].sql);
    }
    d->n = 0;
}

static int deferred_recreate(struct pa_db *db, void *state, struct pa_error *err)
{
    struct deferred_indexes *d = state;
    int rc = 0;
    for (int i = 0; rc == 0 && i < d->n; i++)
        rc = pa_db_exec(db, d->index[i].sql, err);
    if (rc == 0)
        deferred_forget(d);
    return rc;
}

static void deferred_after_rollback(struct pa_db *db, void *state)
{
    (void)db; /* the rollback brought the indexes back */
    deferred_forget(state);
}

static void deferred_free(void *state)
{
    struct deferred_indexes *d = state;
    deferred_forget(d);
    free(d->index);
    free(d);
}

static const struct pa_db_extension deferred_extension = {
    deferred_recreate,
    deferred_after_rollback,
    deferred_free,
};

static int deferred_state(struct pa_db *db, struct deferred_indexes **out, struct pa_error *err)
{
    *out = pa_db_extension_state(db, &deferred_extension);
    if (*out)
        return 0;
    struct deferred_indexes *d = calloc(1, sizeof(*d));
    if (d == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    int rc = pa_db_extension_attach(db, &deferred_extension, d, err);
    if (rc == 0)
        *out = d;
    return rc;
}

static int deferred_keep(struct deferred_indexes *d, sqlite3_stmt *row, struct pa_error *err)
{
    if (d->n == d->cap) {
        int cap = d->cap ? 2 * d->cap : 4;
        struct deferred_index *bigger = realloc(d->index, (size_t)cap * sizeof(*bigger));
        if (bigger == NULL)
            return pa_error_set(err, PA_ENOMEM, "out of memory");
        d->index = bigger;
        d->cap = cap;
    }
    struct deferred_index *x = &d->index[d->n];
    x->name = sqlite3_mprintf("%s", sqlite3_column_text(row, 0));
    x->sql = sqlite3_mprintf("%s", sqlite3_column_text(row, 1));
    d->n++; /* counted even half made: deferred_forget frees what is there */
    return x->name && x->sql ? 0 : pa_error_set(err, PA_ENOMEM, "out of memory");
}

int pa_db_defer_indexes(struct pa_db *db, const char *table, struct pa_error *err)
{
    PA_ASSERT(pa_db_in_transaction(db));
    /* sql is NULL for the indexes SQLite makes for PRIMARY KEY and UNIQUE */
    static const char sql[] = "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND "
                              "tbl_name = ?1 AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'";
    struct deferred_indexes *d;
    sqlite3_stmt *stmt;
    int rc = deferred_state(db, &d, err);
    if (rc == 0)
        rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
    int first = d->n, step;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW)
        rc = deferred_keep(d, stmt, err);
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading the schema");
    sqlite3_reset(stmt);
    for (int i = first; rc == 0 && i < d->n; i++) {
        char *drop = sqlite3_mprintf("DROP INDEX \"%w\"", d->index[i].name);
        rc = drop ? pa_db_exec(db, drop, err) : pa_error_set(err, PA_ENOMEM, "out of memory");
        sqlite3_free(drop);
    }
    return rc;
}

int pa_db_flush(struct pa_db *db, struct pa_error *err)
{
    PA_ASSERT(!sqlite3_get_autocommit(db->sql));
    for (int i = 0; i < db->nextensions; i++) {
        int rc = db->extensions[i].ext->before_commit(db, db->extensions[i].state, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

void pa_db_rollback(struct pa_db *db)
{
    if (db == NULL)
        return;
    if (!sqlite3_get_autocommit(db->sql))
        sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
    forget_transaction(db);
}

bool pa_db_in_transaction(struct pa_db *db)
{
    return !sqlite3_get_autocommit(db->sql);
}

sqlite3 *pa_db_sqlite(struct pa_db *db)
{
    return db->sql;
}

const char *pa_db_path(const struct pa_db *db)
{
    return db->path;
}

const char *pa_db_media_dir(const struct pa_db *db)
{
    return db->media_dir;
}

const char *pa_db_actor(const struct pa_db *db)
{
    return db->actor;
}

void pa_db_who(const struct pa_db *db, struct pa_actor *who)
{
    const struct pa_principal *p = pa_db_principal(db);
    who->name = db->actor;
    who->role = p ? pa_role_name(p->role) : PA_OPERATOR_ROLE;
    who->scope = p && p->region[0] ? p->region : p && p->pairing[0] ? p->pairing : NULL;
}

int pa_db_set_actor(struct pa_db *db, const char *actor, struct pa_error *err)
{
    if (actor == NULL || actor[0] == '\0')
        return pa_error_set(err, PA_EINVAL, "actor name is empty");
    int rc = pa_text_check(actor, strlen(actor), 64, 0, err);
    if (rc != 0)
        return pa_error_set(err, rc, "actor name %s", err ? err->message : "is invalid");
    char *copy = strdup(actor);
    if (copy == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    free(db->actor);
    db->actor = copy;
    return 0;
}

static const struct {
    const char *name, *zh;
} roles[] = {
#define PA_ROLE_ROW(name, code, zh) {code, zh},
    PA_ROLES(PA_ROLE_ROW)
#undef PA_ROLE_ROW
};

const struct pa_principal pa_anonymous = {.name = "anonymous", .role = PA_ROLE_ANONYMOUS};

const char *pa_role_name(enum pa_role role)
{
    if (role == PA_ROLE_ANONYMOUS)
        return "anonymous";
    return (size_t)role < PA_ARRAY_LEN(roles) ? roles[role].name : "?";
}

const char *pa_role_zh(enum pa_role role)
{
    if (role == PA_ROLE_ANONYMOUS)
        return "公众";
    return (size_t)role < PA_ARRAY_LEN(roles) ? roles[role].zh : "?";
}

int pa_role_parse(const char *name, enum pa_role *role, struct pa_error *err)
{
    for (size_t i = 0; i < PA_ARRAY_LEN(roles); i++)
        if (strcmp(name, roles[i].name) == 0) {
            *role = (enum pa_role)i;
            return 0;
        }
    return pa_error_setf(err, PA_EINVAL, "role",
                         "unknown role '%s' (admin, donor, recipient, auditor or assessor)", name);
}

int pa_db_set_principal(struct pa_db *db, const struct pa_principal *who, struct pa_error *err)
{
    if (who == NULL) {
        db->has_principal = false;
        return 0;
    }
    int rc = pa_db_set_actor(db, who->name, err);
    if (rc != 0)
        return rc;
    db->principal = *who;
    db->has_principal = true;
    return 0;
}

const struct pa_principal *pa_db_principal(const struct pa_db *db)
{
    return db->has_principal ? &db->principal : NULL;
}

int pa_db_backup(struct pa_db *db, const char *path, struct pa_error *err)
{
    sqlite3 *copy = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXCLUSIVE;
    if (access(path, F_OK) == 0)
        return pa_error_set(err, PA_EEXIST, "%s exists already: a backup never overwrites", path);
    if (sqlite3_open_v2(path, &copy, flags, NULL) != SQLITE_OK) {
        sqlite3_close(copy);
        return pa_error_set(err, PA_EIO, "cannot create %s", path);
    }
    sqlite3_backup *b = sqlite3_backup_init(copy, "main", db->sql, "main");
    int step = SQLITE_ERROR;
    while (b && (step = sqlite3_backup_step(b, 256)) == SQLITE_OK)
        continue; /* 256 pages at a time: writers get the lock in between */
    sqlite3_backup_finish(b);
    /* a backup is an archive: a rollback journal, so that it opens read-only
     * anywhere (a WAL database needs a -shm file beside it) */
    if (step == SQLITE_DONE &&
        sqlite3_exec(copy, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK)
        step = SQLITE_ERROR;
    int rc = step == SQLITE_DONE
                 ? 0
                 : pa_error_set(err, PA_EIO, "backup to %s failed: %s", path, sqlite3_errmsg(copy));
    sqlite3_close(copy);
    if (rc != 0)
        unlink(path);
    return rc;
}

int pa_db_schema_version(struct pa_db *db)
{
    sqlite3_stmt *stmt;
    int version = -1;
    if (sqlite3_prepare_v2(db->sql, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        version = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return version;
}

/* Splits one line of data/regions.csv (code,name,level,parent; never quoted). */
static int insert_region_line(sqlite3_stmt *stmt, char *line)
{
    char *fields[4];
    for (int i = 0; i < 4; i++) {
        fields[i] = line;
        char *comma = i < 3 ? strchr(line, ',') : NULL;
        if (i < 3 && comma == NULL)
            return -1;
        if (comma) {
            *comma = '\0';
            line = comma + 1;
        }
    }
    sqlite3_reset(stmt);
    sqlite3_bind_text(stmt, 1, fields[0], -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, fields[1], -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(stmt, 3, atoi(fields[2]));
    if (fields[3][0])
        sqlite3_bind_text(stmt, 4, fields[3], -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(stmt, 4);
    return sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
}

/* Loads the built-in region list.  It is sorted by code, so every parent is
 * inserted before its children and the foreign key holds row by row. */
static int load_regions(struct pa_db *db, struct pa_error *err)
{
    const struct pa_blob *blob = &pa_region_data[0];
    PA_ASSERT(blob->data != NULL);
    char *text = malloc(blob->len + 1);
    if (text == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    memcpy(text, blob->data, blob->len);
    text[blob->len] = '\0';

    sqlite3_stmt *stmt = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(db->sql,
                           "INSERT INTO regions(code, name, level, parent) "
                           "VALUES (?1, ?2, ?3, ?4)",
                           -1, &stmt, NULL) != SQLITE_OK) {
        rc = pa_db_fail(db, err, "loading regions");
        goto out;
    }
    char *save = NULL;
    strtok_r(text, "\n", &save); /* the header */
    for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (insert_region_line(stmt, line) != 0) {
            rc = pa_db_fail(db, err, "loading the built-in region list");
            goto out;
        }
    }
out:
    sqlite3_finalize(stmt);
    free(text);
    return rc;
}

/* 'PAID': set by migration 006, so that a database is known to be ours. */
#define APPLICATION_ID 1346455876

static int pragma_int(struct pa_db *db, const char *sql, int *out)
{
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(db->sql, sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
        *out = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* What is at the path before anything is written to it: a database of ours
 * (at some schema version), an empty one, or something else, refused.  A file
 * with a schema version below zero used to index the migrations out of
 * bounds (running unrelated SQL, or crashing). */
static int check_schema(struct pa_db *db, unsigned flags, int count, int *version,
                        struct pa_error *err)
{
    int app = 0, tables = 0;
    if (pragma_int(db, "PRAGMA user_version", version) != 0 ||
        pragma_int(db, "PRAGMA application_id", &app) != 0 ||
        pragma_int(db, "SELECT count(*) FROM sqlite_master", &tables) != 0)
        return pa_db_fail(db, err, "reading the database's schema");
    bool ours = app == APPLICATION_ID || (app == 0 && *version > 0);
    if (*version < 0 || (app != 0 && app != APPLICATION_ID) || (*version == 0 && tables > 0))
        return pa_error_set(err, PA_EDB,
                            "'%s' is not a pairaid database (another program's, or damaged)",
                            db->path);
    if (*version > count)
        return pa_error_set(err, PA_EDB,
                            "database schema version %d is newer than this pairaid (%d)",
                            *version, count);
    if (*version == 0 && !(flags & PA_DB_CREATE))
        return pa_error_set(err, PA_EDB,
                            "'%s' is not a pairaid database (it is empty): create one with "
                            "'pairaid init'",
                            db->path);
    if ((flags & PA_DB_READONLY) && !(flags & PA_DB_ANY_SCHEMA) && *version < count)
        return pa_error_set(err, PA_EDB,
                            "'%s' has schema version %d of %d: a command that writes (such as "
                            "'pairaid init') upgrades it; reading never does",
                            db->path, *version, count);
    PA_ASSERT(*version >= 0 && *version <= count && (ours || *version == 0));
    return 0;
}

/* Applies migrations numbered after PRAGMA user_version, each in its own
 * transaction together with the version bump. */
static int migrate(struct pa_db *db, int version, int count, struct pa_error *err)
{
    PA_ASSERT(version >= 0 && version <= count);
    for (int i = version; i < count; i++) {
        int rc = pa_db_begin(db, err);
        if (rc == 0)
            rc = pa_db_exec(db, (const char *)pa_migrations[i].data, err);
        if (rc == 0 && i == 0)
            rc = load_regions(db, err);
        if (rc == 0) {
            char pragma[96];
            snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d; PRAGMA application_id = %d",
                     i + 1, APPLICATION_ID);
            rc = pa_db_exec(db, pragma, err);
        }
        if (rc == 0)
            rc = pa_db_commit(db, err);
        if (rc != 0) {
            pa_db_rollback(db);
            return rc;
        }
    }
    return 0;
}

static int migrations_built_in(void)
{
    int count = 0;
    while (pa_migrations[count].name != NULL)
        count++;
    return count;
}

static int set_paths(struct pa_db *db, const char *path)
{
    db->path = strdup(path);
    if (db->path == NULL)
        return PA_ENOMEM;
    if (strcmp(path, ":memory:") == 0) {
        db->media_dir = strdup("");
    } else {
        char *copy = strdup(path);
        if (copy == NULL)
            return PA_ENOMEM;
        const char *dir = dirname(copy);
        size_t n = strlen(dir) + sizeof("/media");
        db->media_dir = malloc(n);
        if (db->media_dir)
            snprintf(db->media_dir, n, "%s/media", dir);
        free(copy);
    }
    db->actor = strdup("system");
    return db->media_dir && db->actor ? 0 : PA_ENOMEM;
}

static int configure(struct pa_db *db, unsigned flags, struct pa_error *err)
{
    sqlite3_busy_timeout(db->sql, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(db->sql, 0);
    int count = migrations_built_in(), version = 0;
    int rc = pa_db_exec(db, "PRAGMA foreign_keys = ON", err);
    if (rc == 0)
        rc = check_schema(db, flags, count, &version, err);
    if (rc == 0 && !(flags & PA_DB_READONLY) && strcmp(db->path, ":memory:") != 0)
        rc = pa_db_exec(db, "PRAGMA journal_mode = WAL", err);
    if (rc == 0)
        rc = pa_db_exec(db, "PRAGMA synchronous = FULL", err);
    if (rc == 0 && !(flags & PA_DB_READONLY))
        rc = migrate(db, version, count, err);
    /* A server keeps one reader per thread: 1 MiB of page cache each (SQLite's
     * default is 2 MiB) keeps sixteen of them well inside its memory budget,
     * and the kernel's page cache holds the file anyway. */
    if (rc == 0 && (flags & PA_DB_READONLY))
        rc = pa_db_exec(db, "PRAGMA cache_size = -1024", err);
    return rc;
}

/* "file:PATH?immutable=1", the path percent-encoded where a URI needs it. */
static char *immutable_uri(const char *path)
{
    size_t n = strlen(path);
    char *uri = malloc(3 * n + sizeof("file:?immutable=1"));
    if (uri == NULL)
        return NULL;
    char *o = uri + sprintf(uri, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        o += strchr("?#%", *p) || *p < 0x20 ? sprintf(o, "%%%02X", *p) : sprintf(o, "%c", *p);
    strcpy(o, "?immutable=1");
    return uri;
}

/* A read-only copy on read-only media cannot have the -shm file SQLite wants
 * for a WAL database: there, the file cannot change under us, and it is opened
 * immutable, unless a -wal beside it holds changes that would then be missed. */
static int open_read_only_media(struct pa_db *db, struct pa_error *err)
{
    char wal[4096];
    struct stat st;
    snprintf(wal, sizeof(wal), "%s-wal", db->path);
    if (stat(wal, &st) == 0 && st.st_size > 0)
        return pa_error_set(err, PA_EIO,
                            "'%s' cannot be read here: its -wal file holds changes and its "
                            "folder is read-only (copy both where they can be written)",
                            db->path);
    char *uri = immutable_uri(db->path);
    if (uri == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    sqlite3_close(db->sql);
    db->sql = NULL;
    int rc = sqlite3_open_v2(uri, &db->sql,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
    free(uri);
    return rc == SQLITE_OK ? 0
                           : pa_error_set(err, PA_EIO, "cannot open database '%s': %s", db->path,
                                          db->sql ? sqlite3_errmsg(db->sql) : "out of memory");
}

static bool directory_writable(const char *path)
{
    char *copy = strdup(path);
    bool ok = copy && access(dirname(copy), W_OK) == 0;
    free(copy);
    return ok;
}

int pa_db_open(struct pa_db **out, const char *path, unsigned flags, struct pa_error *err)
{
    PA_ASSERT(out != NULL && path != NULL);
    *out = NULL;
    struct stat st;
    bool memory = strcmp(path, ":memory:") == 0;
    if (!memory && !(flags & PA_DB_CREATE) && stat(path, &st) != 0)
        return pa_error_set(err, PA_ENOTFOUND,
                            "no database at '%s' (run 'pairaid init' or 'pairaid demo')", path);
    struct pa_db *db = calloc(1, sizeof(*db));
    if (db == NULL || set_paths(db, path) != 0) {
        pa_db_free(db);
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    int open_flags = (flags & PA_DB_READONLY) ? SQLITE_OPEN_READONLY
                                              : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc = 0;
    if (sqlite3_open_v2(path, &db->sql, open_flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        rc = pa_error_set(err, PA_EIO, "cannot open database '%s': %s", path,
                          db->sql ? sqlite3_errmsg(db->sql) : "out of memory");
    int probe = 0;
    if (rc == 0 && (flags & PA_DB_READONLY) && !memory &&
        pragma_int(db, "PRAGMA user_version", &probe) != 0 &&
        (sqlite3_errcode(db->sql) == SQLITE_READONLY ||
         sqlite3_errcode(db->sql) == SQLITE_CANTOPEN) &&
        !directory_writable(path))
        rc = open_read_only_media(db, err);
    if (rc == 0)
        rc = configure(db, flags, err);
    if (rc != 0) {
        pa_db_free(db);
        return rc;
    }
    *out = db;
    return 0;
}

void pa_db_remove_files(const char *path)
{
    char side[4096];
    unlink(path);
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
}

void pa_db_free(struct pa_db *db)
{
    if (db == NULL)
        return;
    for (int i = 0; i < db->ncached; i++)
        sqlite3_finalize(db->cache[i].stmt);
    for (int i = 0; i < db->nextensions; i++)
        db->extensions[i].ext->free(db->extensions[i].state);
    if (db->upstream)
        db->upstream->free(db->upstream_state);
    if (db->sql)
        sqlite3_close(db->sql);
    free(db->path);
    free(db->media_dir);
    free(db->actor);
    free(db);
}
