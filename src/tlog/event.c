/*
 * event.c - canonical event bytes, appending to the log, and replay.
 *
 * The bytes of an event are what a later Merkle tree hashes, so they must be the
 * same on every machine: jansson with sorted keys and compact separators, integers
 * only (amounts in fen), and text that input validation has already restricted to
 * UTF-8 without control characters other than TAB, LF and CR.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pairaid/tlog.h"

#define MAX_MODULES     8
#define CANONICAL_FLAGS (JSON_COMPACT | JSON_SORT_KEYS)

static const struct pa_event_module *modules[MAX_MODULES];
static int nmodules;

void pa_tlog_register(const struct pa_event_module *module)
{
    PA_ASSERT(module != NULL);
    for (int i = 0; i < nmodules; i++)
        if (modules[i] == module)
            return;
    PA_ASSERT(nmodules < MAX_MODULES);
    modules[nmodules++] = module;
}

static int apply_event(struct pa_db *db, const struct pa_event *ev, struct pa_error *err);

static const struct pa_event_module *find_module(const char *type, pa_event_apply_fn *apply)
{
    for (int i = 0; i < nmodules; i++)
        for (const struct pa_event_type *t = modules[i]->types; t->name; t++)
            if (strcmp(t->name, type) == 0) {
                *apply = t->apply;
                return modules[i];
            }
    return NULL;
}

static pa_event_apply_fn find_apply(const char *type)
{
    pa_event_apply_fn apply = NULL;
    find_module(type, &apply);
    return apply;
}

int pa_tlog_log_of(struct pa_db *db, const struct pa_event *ev, char log[PA_LOG_NAME_MAX + 1],
                   struct pa_error *err)
{
    pa_event_apply_fn apply;
    const struct pa_event_module *m = find_module(ev->type, &apply);
    log[0] = '\0';
    int rc = m && m->log_of ? m->log_of(db, ev, log, err) : 0;
    if (rc == 0 && log[0] == '\0')
        snprintf(log, PA_LOG_NAME_MAX + 1, "%s", PA_LOG_PROVINCE);
    return rc;
}

int pa_tlog_encode(const char *type, const struct pa_actor *who, int64_t time_s,
                   const json_t *data, char **out, size_t *len, struct pa_error *err)
{
    PA_ASSERT(type != NULL && who != NULL && who->name != NULL && who->role != NULL);
    PA_ASSERT(data != NULL && out != NULL);
    json_t *root = json_pack("{s:i, s:s, s:s, s:s, s:s*, s:I, s:O}", "v", PA_EVENT_VERSION,
                             "type", type, "actor", who->name, "role", who->role, "scope",
                             who->scope, "time", (json_int_t)time_s, "data", data);
    if (root == NULL)
        return pa_error_set(err, PA_EINTERNAL, "cannot build event '%s'", type);
    *out = json_dumps(root, CANONICAL_FLAGS);
    json_decref(root);
    if (*out == NULL)
        return pa_error_set(err, PA_ENOMEM, "cannot encode event '%s'", type);
    *len = strlen(*out);
    return 0;
}

void pa_event_release(struct pa_event *ev)
{
    if (ev == NULL)
        return;
    json_decref(ev->root);
    memset(ev, 0, sizeof(*ev));
}

/* Integers only: a real number would not hash the same on every machine. */
static bool has_real(const json_t *value)
{
    const char *key;
    const json_t *item;
    size_t i;
    if (json_is_real(value))
        return true;
    if (json_is_object(value)) {
        json_object_foreach((json_t *)value, key, item)
        {
            if (has_real(item))
                return true;
        }
    }
    if (json_is_array(value)) {
        json_array_foreach(value, i, item)
        {
            if (has_real(item))
                return true;
        }
    }
    return false;
}

/* The envelope: version 1 has no role; version 2 has one, and maybe a scope. */
static int unpack_envelope(struct pa_event *ev, struct pa_error *err)
{
    json_int_t version = 0, time_s = 0;
    json_t *data = NULL;
    ev->role = ev->scope = NULL;
    if (json_unpack(ev->root, "{s:I, s:s, s:s, s?s, s?s, s:I, s:o !}", "v", &version, "type",
                    &ev->type, "actor", &ev->actor, "role", &ev->role, "scope", &ev->scope, "time",
                    &time_s, "data", &data) != 0 ||
        !json_is_object(data))
        return pa_error_set(err, PA_ETAMPER,
                            "event does not have the fields v, type, actor, role, time, data");
    if (version != 1 && version != PA_EVENT_VERSION)
        return pa_error_set(err, PA_ETAMPER, "event version %lld is not known",
                            (long long)version);
    if ((version == 1) != (ev->role == NULL) || (ev->scope && !ev->role))
        return pa_error_set(err, PA_ETAMPER, "a version %d event %s a role", (int)version,
                            version == 1 ? PA_MSG("has") : PA_MSG("lacks"));
    ev->version = (int)version;
    ev->time = time_s;
    ev->data = data;
    return 0;
}

int pa_tlog_decode(const void *entry, size_t len, struct pa_event *ev, struct pa_error *err)
{
    PA_ASSERT(entry != NULL && ev != NULL);
    memset(ev, 0, sizeof(*ev));
    json_error_t jerr;
    ev->root = json_loadb(entry, len, JSON_REJECT_DUPLICATES, &jerr);
    if (ev->root == NULL)
        return pa_error_set(err, PA_ETAMPER, "event is not JSON: %s", jerr.text);
    int rc = unpack_envelope(ev, err);
    if (rc != 0) {
        pa_event_release(ev);
        return rc;
    }
    char *again = json_dumps(ev->root, CANONICAL_FLAGS);
    bool canonical = again && strlen(again) == len && memcmp(again, entry, len) == 0;
    free(again);
    if (!canonical) {
        pa_event_release(ev);
        return pa_error_set(err, PA_ETAMPER, "event bytes are not in canonical form");
    }
    if (has_real(ev->data)) {
        pa_event_release(ev);
        return pa_error_set(err, PA_ETAMPER, "event holds a number that is not an integer");
    }
    return 0;
}

/* The projection tables of every registered module, in registration order. */
const char *pa_tlog__table(int i)
{
    for (int m = 0; m < nmodules; m++)
        for (const char *const *t = modules[m]->tables; *t; t++)
            if (i-- == 0)
                return *t;
    return NULL;
}

/* Replay: every module may check that the event's actor could have made it
 * (auth.c: that it held the role the event records), then the event applies. */
static int apply_event(struct pa_db *db, const struct pa_event *ev, struct pa_error *err)
{
    pa_event_apply_fn apply = find_apply(ev->type);
    if (apply == NULL)
        return pa_error_set(err, PA_ETAMPER, "no module applies events of type '%s'", ev->type);
    for (int i = 0; i < nmodules; i++) {
        int rc = modules[i]->check_actor ? modules[i]->check_actor(db, ev, err) : 0;
        if (rc != 0)
            return rc;
    }
    return apply(db, ev, err);
}

static int insert_entry(struct pa_db *db, const char *type, const char *actor, int64_t time_s,
                        const char *entry, size_t len, const char *log, int64_t *seq,
                        struct pa_error *err);

/* log_of of an event given as its bytes (decoded for it: fine for events
 * written one at a time; the hot paths say their log themselves). */
static int log_of_bytes(struct pa_db *db, const char *entry, size_t len,
                        char log[PA_LOG_NAME_MAX + 1], struct pa_error *err)
{
    struct pa_event ev;
    int rc = pa_tlog_decode(entry, len, &ev, err);
    if (rc == 0)
        rc = pa_tlog_log_of(db, &ev, log, err);
    pa_event_release(&ev);
    return rc;
}

int pa_tlog_append_canon(struct pa_db *db, const char *type, int64_t time_s,
                         const struct pa_canon *c, const char *log, int64_t *seq,
                         struct pa_error *err)
{
    PA_ASSERT(db != NULL && pa_db_in_transaction(db) && !c->failed);
    int64_t ignored;
    char mine[PA_LOG_NAME_MAX + 1];
    int rc = log ? 0 : log_of_bytes(db, c->buf, c->len, mine, err);
    if (rc != 0)
        return rc;
    return insert_entry(db, type, pa_db_actor(db), time_s, c->buf, c->len,
                        log == NULL ? mine : log[0] ? log : PA_LOG_PROVINCE, seq ? seq : &ignored,
                        err);
}

int pa_tlog__append_decoded(struct pa_db *db, const void *entry, size_t len, struct pa_event *ev,
                            struct pa_error *err)
{
    PA_ASSERT(pa_db_in_transaction(db));
    char log[PA_LOG_NAME_MAX + 1];
    int rc = pa_tlog_log_of(db, ev, log, err);
    if (rc == 0)
        rc = insert_entry(db, ev->type, ev->actor, ev->time, entry, len, log, &ev->seq, err);
    return rc != 0 ? rc : apply_event(db, ev, err);
}

static const char sql_append[] =
    "INSERT INTO events(type, actor, time, entry, log) VALUES (?1, ?2, ?3, ?4, ?5)";

static int insert_entry(struct pa_db *db, const char *type, const char *actor, int64_t time_s,
                        const char *entry, size_t len, const char *log, int64_t *seq,
                        struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql_append, &stmt, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(stmt, 1, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, actor, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 3, time_s);
    sqlite3_bind_blob(stmt, 4, entry, (int)len, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 5, log, -1, SQLITE_STATIC);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, "appending to the event log");
    else
        *seq = sqlite3_last_insert_rowid(pa_db_sqlite(db));
    sqlite3_reset(stmt);
#ifndef PA_BENCH_WITHOUT_TREE /* only bench/ builds a library without the tree, to price it */
    if (rc == 0)
        rc = pa_tlog__tree_append(db, *seq, log, entry, len, err);
#endif
    return rc;
}

int pa_tlog_append(struct pa_db *db, const char *type, json_t *data, int64_t *seq,
                   struct pa_error *err)
{
    PA_ASSERT(db != NULL && pa_db_in_transaction(db));
    int64_t seq_local = 0, *seq_out = seq ? seq : &seq_local;
    char *entry = NULL;
    size_t len = 0;
    int64_t now = (int64_t)time(NULL);
    struct pa_actor who;
    pa_db_who(db, &who);
    struct pa_event ev = {.version = PA_EVENT_VERSION,
                          .type = type,
                          .actor = who.name,
                          .role = who.role,
                          .scope = who.scope,
                          .time = now,
                          .data = data};
    char log[PA_LOG_NAME_MAX + 1];
    pa_event_apply_fn apply = find_apply(type);
    PA_ASSERT(apply != NULL); /* a module appends only its own types */
    int rc = pa_tlog_encode(type, &who, now, data, &entry, &len, err);
    if (rc == 0)
        rc = pa_tlog_log_of(db, &ev, log, err);
    if (rc == 0)
        rc = insert_entry(db, type, who.name, now, entry, len, log, seq_out, err);
    if (rc == 0) {
        ev.seq = *seq_out;
        rc = apply(db, &ev, err);
    }
    free(entry);
    json_decref(data);
    return rc;
}

int pa_tlog_size(struct pa_db *db, int64_t *size, struct pa_error *err)
{
    /* The last position, not count(*): events are numbered 1, 2, 3... without
     * gaps (log verify checks it), and max() is one B-tree step where count()
     * read a million rows for every /healthz. */
    static const char sql[] = "SELECT coalesce(max(seq), 0) FROM events";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    if (sqlite3_step(stmt) != SQLITE_ROW)
        return pa_db_fail(db, err, "counting events");
    *size = sqlite3_column_int64(stmt, 0);
    sqlite3_reset(stmt);
    return 0;
}

static int clear_projection(struct pa_db *db, struct pa_error *err)
{
    for (int i = nmodules - 1; i >= 0; i--) {
        for (const char *const *t = modules[i]->tables; *t; t++) {
            /* Table names come from the modules' static lists, never from input. */
            char sql[128];
            snprintf(sql, sizeof(sql), "DELETE FROM \"%s\"", *t);
            int rc = pa_db_exec(db, sql, err);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

/* Does the module that applies `type` read it as flat fields? */
static bool takes_flat(const char *type)
{
    for (int i = 0; i < nmodules; i++)
        for (const char *const *t = modules[i]->flat_types; t && *t; t++)
            if (strcmp(*t, type) == 0)
                return true;
    return false;
}

/* Reads one event for replay: without a JSON tree where its module takes flat
 * fields and the bytes allow (flat.c), else through jansson. */
static int read_event(struct pa_flat_reader *r, const void *entry, size_t len, struct pa_event *ev,
                      struct pa_error *err)
{
    if (pa_flat_decode(r, entry, len, ev) && takes_flat(ev->type))
        return 0;
    return pa_tlog_decode(entry, len, ev, err);
}

int pa_tlog_defer_indexes(struct pa_db *db, struct pa_error *err)
{
    return pa_db_defer_indexes(db, "events", err);
}

int pa_tlog__defer_bulk_indexes(struct pa_db *db, struct pa_error *err)
{
    int rc = 0;
    for (int i = 0; rc == 0 && i < nmodules; i++)
        for (const char *const *t = modules[i]->bulk_tables; rc == 0 && t && *t; t++)
            rc = pa_db_defer_indexes(db, *t, err);
    return rc;
}

/* The log an event is kept in must be the one its module says, as the
 * projection stood before it: moving an event into another pairing's log
 * would take it out of the tree that pairing's two sides sign. */
static int check_log(struct pa_db *db, const struct pa_event *ev, const char *stored,
                     struct pa_error *err)
{
    char log[PA_LOG_NAME_MAX + 1];
    int rc = pa_tlog_log_of(db, ev, log, err);
    if (rc == 0 && (stored == NULL || strcmp(stored, log) != 0))
        rc = pa_error_set(err, PA_ETAMPER,
                          "table events, column log: it says '%s', but the event belongs to the "
                          "log '%s'",
                          stored ? stored : "NULL", log);
    return rc;
}

/* The one replay loop: every event of src's log, in order, checked and
 * applied to dst (src itself for a rebuild, a fresh database for verify).  An
 * event that cannot be applied is the log's fault (PA_ETAMPER); a database
 * that cannot be read is not (a corrupt page is PA_EDB, not a deleted row). */
int pa_tlog__replay(struct pa_db *src, struct pa_db *dst, struct pa_error *err)
{
    PA_ASSERT(src != NULL && dst != NULL && pa_db_in_transaction(dst));
    int rc = pa_tlog__defer_bulk_indexes(dst, err); /* it writes from nothing */
    if (rc != 0)
        return rc;
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(pa_db_sqlite(src), "SELECT seq, entry, log FROM events ORDER BY seq",
                           -1, &stmt, NULL) != SQLITE_OK)
        return pa_db_fail(src, err, "reading the event log");
    struct pa_flat_reader reader;
    pa_flat_reader_init(&reader);
    int step;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct pa_event ev;
        struct pa_error why;
        int64_t seq = sqlite3_column_int64(stmt, 0);
        const void *entry = sqlite3_column_blob(stmt, 1);
        rc = read_event(&reader, entry ? entry : "", (size_t)sqlite3_column_bytes(stmt, 1), &ev,
                        &why);
        if (rc == 0) {
            ev.seq = seq;
            rc = check_log(dst, &ev, (const char *)sqlite3_column_text(stmt, 2), &why);
            if (rc == 0)
                rc = apply_event(dst, &ev, &why);
            pa_event_release(&ev);
        }
        if (rc != 0)
            rc = pa_error_set(err, rc == PA_EDB || rc == PA_EBUSY || rc == PA_ENOMEM ? rc : PA_ETAMPER,
                              "event %lld: %.400s", (long long)seq, why.message);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(src, err, "reading the event log");
    sqlite3_finalize(stmt);
    pa_flat_reader_release(&reader);
    return rc;
}

int pa_tlog_replay(struct pa_db *db, struct pa_error *err)
{
    int rc = pa_db_begin(db, err);
    if (rc != 0)
        return rc;
    rc = clear_projection(db, err);
    if (rc == 0)
        rc = pa_tlog__replay(db, db, err);
    if (rc == 0)
        rc = pa_db_commit(db, err);
    if (rc != 0)
        pa_db_rollback(db);
    return rc;
}
