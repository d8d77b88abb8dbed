/*
 * logs.c - the logs inside the database's log (docs/scale-out.md, "Pairing
 * logs").  Every event belongs to one log, chosen by its module (log_of) and
 * kept in events.log: the city-level pairing whose books it writes, or the
 * province log "*".  A log's tree is over its own events in the order of the
 * whole log, kept in tiles as the whole log's is (tree.c), and recomputed
 * from those events (pa_tlog__log_tree) by verify and for an older
 * database's events, assigned after the fact.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairaid/tlog.h"

void pa_tlog_log_origin(const char *log, char *buf, size_t size)
{
    snprintf(buf, size, "pairaid/log/%s", log);
}

const char *pa_tlog__origin_log(const char *origin)
{
    return strncmp(origin, "pairaid/log/", 12) == 0 ? origin + 12 : NULL;
}

/* Which city-level pairing a pairing is under never changes (its parent is
 * fixed when it is made), so an import of a hundred thousand rows asks the
 * database once per pairing.  Forgotten after a rollback, which may undo the
 * pairing itself. */
#define CITIES_CACHED 64
struct city_cache {
    int n;
    struct {
        char code[PA_CODE_MAX + 1], city[PA_CODE_MAX + 1];
    } known[CITIES_CACHED];
};

static int cities_keep(struct pa_db *db, void *state, struct pa_error *err)
{
    (void)db, (void)state, (void)err;
    return 0;
}

static void cities_forget(struct pa_db *db, void *state)
{
    (void)db;
    ((struct city_cache *)state)->n = 0;
}

static const struct pa_db_extension city_extension = {cities_keep, cities_forget, free};

static struct city_cache *cities_of(struct pa_db *db)
{
    struct city_cache *c = pa_db_extension_state(db, &city_extension);
    if (c == NULL && (c = calloc(1, sizeof(*c))) != NULL &&
        pa_db_extension_attach(db, &city_extension, c, NULL) != 0)
        c = NULL; /* freed by the refusal */
    return c;     /* NULL: no cache, every question goes to the database */
}

static int city_level_read(struct pa_db *db, const char *code, char *out, size_t size,
                           struct pa_error *err)
{
    static const char sql[] = "WITH RECURSIVE up(code, parent) AS ("
                              " SELECT code, parent FROM pairings WHERE code = ?1"
                              " UNION ALL SELECT p.code, p.parent FROM pairings p"
                              " JOIN up ON p.code = up.parent)"
                              "SELECT code FROM up WHERE parent IS NULL";
    bool found;
    return pa_db_lookup_text(db, sql, code, out, size, &found, err);
}

/* The city-level pairing above `code` (itself if it is one); "" if unknown. */
static int city_level(struct pa_db *db, const char *code, char *out, size_t size,
                      struct pa_error *err)
{
    struct city_cache *c = cities_of(db);
    for (int i = 0; c && i < c->n; i++)
        if (strcmp(c->known[i].code, code) == 0) {
            snprintf(out, size, "%s", c->known[i].city);
            return 0;
        }
    int rc = city_level_read(db, code, out, size, err);
    if (rc == 0 && c && out[0] && c->n < CITIES_CACHED && strlen(code) <= PA_CODE_MAX) {
        snprintf(c->known[c->n].code, sizeof(c->known[0].code), "%s", code);
        snprintf(c->known[c->n].city, sizeof(c->known[0].city), "%s", out);
        c->n++;
    }
    return rc;
}

int pa_tlog_log_of_pairing(struct pa_db *db, const char *pairing, char *log,
                           struct pa_error *err)
{
    log[0] = '\0';
    return pairing ? city_level(db, pairing, log, PA_LOG_NAME_MAX + 1, err) : 0;
}

int pa_tlog_log_of_row(struct pa_db *db, const char *sql, const char *key, char *log,
                       struct pa_error *err)
{
    char pairing[PA_CODE_MAX + 1] = "";
    bool found = false;
    log[0] = '\0';
    int rc = key ? pa_db_lookup_text(db, sql, key, pairing, sizeof(pairing), &found, err) : 0;
    return rc != 0 || pairing[0] == '\0' ? rc : pa_tlog_log_of_pairing(db, pairing, log, err);
}

int pa_tlog_log_check(struct pa_db *db, const char *log, struct pa_error *err)
{
    if (log == NULL || strcmp(log, PA_LOG_PROVINCE) == 0)
        return 0;
    char city[PA_LOG_NAME_MAX + 1];
    int rc = city_level(db, log, city, sizeof(city), err);
    if (rc != 0)
        return rc;
    if (city[0] == '\0')
        return pa_error_setf(err, PA_ENOTFOUND, "log",
                             "no log '%.64s': a log is a city-level pairing's code, or '*' for "
                             "the province's",
                             log);
    if (strcmp(city, log) != 0)
        return pa_error_setf(err, PA_EINVAL, "log",
                             "pairing '%.64s' is not city-level: its events are in the log of "
                             "'%s'",
                             log, city);
    return 0;
}

int pa_tlog_log_size(struct pa_db *db, const char *log, int64_t *size, struct pa_error *err)
{
    if (log == NULL)
        return pa_tlog_size(db, size, err);
    uint64_t n = 0;
    int rc = pa_tlog__log_tree_size(db, log, &n, err);
    *size = (int64_t)n;
    return rc;
}

int pa_tlog__log_tree(struct pa_db *db, const char *log, struct pa_tlog__memtree *t,
                      struct pa_error *err)
{
    static const char sql[] = "SELECT entry FROM events WHERE log = ?1 ORDER BY seq";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, log);
    int step;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        const void *entry = sqlite3_column_blob(stmt, 0);
        rc = pa_tlog__memtree_add(t, entry ? entry : "", (size_t)sqlite3_column_bytes(stmt, 0),
                                  err);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading the log");
    sqlite3_reset(stmt);
    return rc != 0 ? rc : pa_tlog__memtree_build(t, err);
}

int pa_tlog__view_open(struct pa_db *db, const char *log, struct pa_tlog__view *v,
                       struct pa_error *err)
{
    memset(v, 0, sizeof(*v));
    v->db = db;
    v->log = log;
    if (log == NULL) {
        int64_t size = 0;
        int rc = pa_tlog_size(db, &size, err);
        v->size = (uint64_t)size;
        pa_tlog_tree_source(db, &v->src);
        return rc;
    }
    pa_tlog__log_tree_source(v, &v->src);
    int rc = pa_tlog_log_check(db, log, err);
    return rc != 0 ? rc : pa_tlog__log_tree_size(db, log, &v->size, err);
}

/* ---- which log an event belongs to ------------------------------------------------ */

static int assign(struct pa_db *db, int64_t seq, const void *entry, size_t len,
                  sqlite3_stmt *update, struct pa_error *err)
{
    struct pa_event ev;
    struct pa_error why;
    if (pa_tlog_decode(entry, len, &ev, &why) != 0)
        return pa_error_set(err, PA_ETAMPER, "event %lld: %s", (long long)seq, why.message);
    ev.seq = seq;
    char log[PA_LOG_NAME_MAX + 1];
    int rc = pa_tlog_log_of(db, &ev, log, err);
    pa_event_release(&ev);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(update, 1, log, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(update, 2, seq);
    if (sqlite3_step(update) != SQLITE_DONE)
        rc = pa_db_fail(db, err, "assigning events to their logs");
    sqlite3_reset(update);
    return rc;
}

/* The projection as it stands now answers log_of for an old event as it did
 * then: the facts it reads (which pairing a project, an account, a finding
 * belongs to; a pairing's parent; a transfer's accounts) never change. */
static int assign_missing(struct pa_db *db, struct pa_error *err)
{
    sqlite3_stmt *stmt, *update;
    if (sqlite3_prepare_v2(pa_db_sqlite(db),
                           "SELECT seq, entry FROM events WHERE log IS NULL ORDER BY seq", -1, &stmt,
                           NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "reading the log");
    if (sqlite3_prepare_v2(pa_db_sqlite(db), "UPDATE events SET log = ?1 WHERE seq = ?2", -1,
                           &update, NULL) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return pa_db_fail(db, err, "assigning events to their logs");
    }
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        const void *entry = sqlite3_column_blob(stmt, 1);
        rc = assign(db, sqlite3_column_int64(stmt, 0), entry ? entry : "",
                    (size_t)sqlite3_column_bytes(stmt, 1), update, err);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading the log");
    sqlite3_finalize(update);
    sqlite3_finalize(stmt);
    return rc;
}

/* Every log's tree written whole, from its events: after they were assigned. */
static int write_log_trees(struct pa_db *db, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_exec(db, "DELETE FROM log_tiles", err);
    if (rc == 0 && sqlite3_prepare_v2(pa_db_sqlite(db), "SELECT DISTINCT log FROM events", -1,
                                      &stmt, NULL) != SQLITE_OK)
        rc = pa_db_fail(db, err, "reading the log");
    if (rc != 0)
        return rc;
    int step;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        char log[PA_LOG_NAME_MAX + 1];
        struct pa_tlog__memtree t = {0};
        snprintf(log, sizeof(log), "%s", (const char *)sqlite3_column_text(stmt, 0));
        rc = pa_tlog__log_tree(db, log, &t, err);
        if (rc == 0)
            rc = pa_tlog__log_tiles_write(db, log, &t, err);
        pa_tlog__memtree_release(&t);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading the log");
    sqlite3_finalize(stmt);
    return rc;
}

int pa_tlog_assign_logs(struct pa_db *db, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, "SELECT 1 FROM events WHERE log IS NULL LIMIT 1", &stmt, err);
    if (rc != 0)
        return rc;
    int step = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (step == SQLITE_DONE)
        return 0;
    if (step != SQLITE_ROW)
        return pa_db_fail(db, err, "reading the log");
    rc = pa_db_begin(db, err);
    if (rc == 0)
        rc = assign_missing(db, err);
    if (rc == 0)
        rc = write_log_trees(db, err);
    if (rc == 0)
        rc = pa_db_commit(db, err);
    if (rc != 0)
        pa_db_rollback(db);
    return rc;
}

/* ---- every log's head ---------------------------------------------------------------- */

static int add_head(struct pa_db *db, const char *log, const char *name, json_t *list,
                    struct pa_error *err)
{
    struct pa_tlog__view v = {.db = db, .log = log};
    pa_hash root;
    char origin[PA_LOG_NAME_MAX + 32], b64[64];
    pa_tlog__log_tree_source(&v, &v.src);
    int rc = pa_tlog__log_tree_size(db, log, &v.size, err);
    if (rc == 0)
        rc = pa_merkle_root(&v.src, v.size, root, err);
    char *note = NULL;
    if (rc == 0 && (rc = pa_tlog_latest_checkpoint(db, log, &note, err)) == PA_ENOTFOUND)
        rc = 0;
    if (rc == 0) {
        pa_tlog_log_origin(log, origin, sizeof(origin));
        pa_base64(root, PA_HASH_LEN, b64, sizeof(b64));
        if (json_array_append_new(list, json_pack("{s:s, s:s?, s:s, s:I, s:s, s:s?}", "log", log,
                                                  "name", name, "origin", origin, "size",
                                                  (json_int_t)v.size, "root", b64,
                                                  "checkpoint", note)) != 0)
            rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    free(note);
    return rc;
}

int pa_tlog_logs_json(struct pa_db *db, json_t **out, struct pa_error *err)
{
    static const char sql[] = "SELECT code, name FROM pairings WHERE parent IS NULL ORDER BY code";
    json_t *list = json_array();
    if (list == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    int rc = add_head(db, PA_LOG_PROVINCE, NULL, list, err);
    sqlite3_stmt *stmt = NULL;
    if (rc == 0 && sqlite3_prepare_v2(pa_db_sqlite(db), sql, -1, &stmt, NULL) != SQLITE_OK)
        rc = pa_db_fail(db, err, "reading pairings");
    int step = SQLITE_DONE;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        rc = add_head(db, (const char *)sqlite3_column_text(stmt, 0),
                      (const char *)sqlite3_column_text(stmt, 1), list, err);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading pairings");
    sqlite3_finalize(stmt);
    if (rc != 0) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return 0;
}

/* ---- the province log binds the pairings' -------------------------------------------- */

static int apply_log_head(struct pa_db *db, const struct pa_event *ev, struct pa_error *err)
{
    static const char sql[] = "INSERT INTO log_heads(log, size, root, seq) VALUES (?1, ?2, ?3, ?4)";
    const char *log = NULL, *root = NULL;
    json_int_t size = -1;
    pa_hash bin;
    if (json_unpack((json_t *)ev->data, "{s:s, s:s, s:I !}", "log", &log, "root", &root, "size",
                    &size) != 0 ||
        size < 0 || pa_unbase64(root, strlen(root), bin, sizeof(bin)) != 0)
        return pa_error_set(err, PA_ETAMPER, "event '%s' is malformed", ev->type);
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, log);
    sqlite3_bind_int64(stmt, 2, size);
    pa_db_bind_text(stmt, 3, root);
    sqlite3_bind_int64(stmt, 4, ev->seq);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, "recording a pairing's log head");
    sqlite3_reset(stmt);
    return rc;
}

static const struct pa_event_type log_events[] = {{"log.head", apply_log_head}, {NULL, NULL}};
static const char *const log_tables[] = {"log_heads", NULL};
/* no log_of: a log.head is the province's */
static const struct pa_event_module log_module = {
    .name = "log", .types = log_events, .tables = log_tables};

void pa_tlog_init(void)
{
    pa_tlog_register(&log_module);
}

/* The root the province log recorded for `log` at `size`: *found false if none. */
static int recorded_head(struct pa_db *db, const char *log, uint64_t size, char *root,
                         size_t cap, bool *found, struct pa_error *err)
{
    static const char sql[] = "SELECT root FROM log_heads WHERE log = ?1 AND size = ?2";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, log);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)size);
    int step = sqlite3_step(stmt);
    *found = step == SQLITE_ROW;
    if (*found)
        snprintf(root, cap, "%s", (const char *)sqlite3_column_text(stmt, 0));
    else if (step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading the pairings' log heads");
    sqlite3_reset(stmt);
    return rc;
}

int pa_tlog__record_head(struct pa_db *db, const char *log, uint64_t size, const pa_hash root,
                         struct pa_error *err)
{
    char b64[64], before[64];
    bool found = false;
    pa_base64(root, PA_HASH_LEN, b64, sizeof(b64));
    int rc = recorded_head(db, log, size, before, sizeof(before), &found, err);
    if (rc != 0 || (found && strcmp(before, b64) == 0))
        return rc; /* a second signature of the same head: recorded once */
    if (found)
        return pa_error_set(err, PA_ETAMPER,
                            "refused: the province log records the log '%s' at size %llu with "
                            "another root (a fork)",
                            log, (unsigned long long)size);
    json_t *data = json_pack("{s:s, s:s, s:I}", "log", log, "root", b64, "size", (json_int_t)size);
    if (data == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    return pa_tlog_append(db, "log.head", data, NULL, err);
}
