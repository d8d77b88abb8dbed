/*
 * tree.c - the Merkle trees of the event log, stored as tiles of 256 node
 * hashes per level (see 003_merkle.sql) and read back as the source of perfect
 * subtrees for roots and proofs: the whole log's, and one for each log inside
 * it (012_pairing_logs.sql), extended by the same append.
 *
 * Appending a leaf appends to the last tile of level 0 and, for every pair of
 * siblings it completes, to the last tile of the level above.  Those last tiles
 * live in a per-transaction cache (a pa_db_extension) and are written back once
 * before COMMIT; a rollback forgets them.  A full tile is written when the next
 * one starts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairaid/tlog.h"

#define TILE_NODES 256
#define LEVELS     64

struct tile {
    bool loaded, dirty;
    uint64_t index; /* which tile of its level */
    int count;      /* nodes in it */
    pa_hash nodes[TILE_NODES];
};

/* One tree's last tiles: the whole log's (log "") or one log's inside it
 * (logs.c), whose tiles are kept in log_tiles. */
struct tree_cache {
    char log[PA_LOG_NAME_MAX + 1];
    struct tile last[LEVELS];
};

/* Every tree a transaction has touched; [0] is the whole log's.  Large, but
 * calloc'd, so a level's tile costs memory only once used. */
struct trees {
    int n;
    struct tree_cache **tree;
};

static const char sql_last_tile[] =
    "SELECT tile, hashes FROM tlog_tiles WHERE level = ?1 ORDER BY tile DESC LIMIT 1";
static const char sql_put_tile[] =
    "INSERT OR REPLACE INTO tlog_tiles(level, tile, hashes) VALUES (?1, ?2, ?3)";
static const char sql_node[] =
    "SELECT substr(hashes, ?3 * 32 + 1, 32) FROM tlog_tiles WHERE level = ?1 AND tile = ?2";
static const char sql_log_last_tile[] = "SELECT tile, hashes FROM log_tiles WHERE log = ?4 AND "
                                        "level = ?1 ORDER BY tile DESC LIMIT 1";
static const char sql_log_put_tile[] =
    "INSERT OR REPLACE INTO log_tiles(level, tile, hashes, log) VALUES (?1, ?2, ?3, ?4)";
static const char sql_log_node[] = "SELECT substr(hashes, ?3 * 32 + 1, 32) FROM log_tiles "
                                   "WHERE log = ?4 AND level = ?1 AND tile = ?2";

/* A statement on the tiles of `log`'s tree ("": the whole log's), its log bound. */
static int prepare(struct pa_db *db, const char *log, const char *whole, const char *of_log,
                   sqlite3_stmt **stmt, struct pa_error *err)
{
    int rc = pa_db_prepare(db, log[0] ? of_log : whole, stmt, err);
    if (rc == 0 && log[0])
        pa_db_bind_text(*stmt, 4, log);
    return rc;
}

static int write_tile(struct pa_db *db, const char *log, int level, const struct tile *t,
                      struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = prepare(db, log, sql_put_tile, sql_log_put_tile, &stmt, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int(stmt, 1, level);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)t->index);
    sqlite3_bind_blob(stmt, 3, t->nodes, t->count * PA_HASH_LEN, SQLITE_STATIC);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, "extending the tree");
    sqlite3_reset(stmt);
    return rc;
}

/* Writes what changed; the tiles are read again when next needed. */
static int write_dirty(struct pa_db *db, struct trees *ts, bool forget_after,
                       struct pa_error *err)
{
    int rc = 0;
    for (int i = 0; i < ts->n; i++)
        for (int l = 0; l < LEVELS; l++) {
            struct tile *t = &ts->tree[i]->last[l];
            if (rc == 0 && t->dirty)
                rc = write_tile(db, ts->tree[i]->log, l, t, err);
            t->dirty = false;
            if (forget_after)
                t->loaded = false;
        }
    return rc;
}

static int write_back(struct pa_db *db, void *state, struct pa_error *err)
{
    return write_dirty(db, state, true, err); /* a new transaction reads the tiles again */
}

static void forget(struct pa_db *db, void *state)
{
    (void)db;
    struct trees *ts = state;
    for (int i = 0; i < ts->n; i++)
        for (int l = 0; l < LEVELS; l++)
            ts->tree[i]->last[l].loaded = ts->tree[i]->last[l].dirty = false;
}

static void free_trees(void *state)
{
    struct trees *ts = state;
    for (int i = 0; i < ts->n; i++)
        free(ts->tree[i]);
    free(ts->tree);
    free(ts);
}

static const struct pa_db_extension tree_extension = {write_back, forget, free_trees};

static int trees_of(struct pa_db *db, struct trees **out, struct pa_error *err)
{
    *out = pa_db_extension_state(db, &tree_extension);
    if (*out)
        return 0;
    struct trees *ts = calloc(1, sizeof(*ts));
    if (ts == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    int rc = pa_db_extension_attach(db, &tree_extension, ts, err);
    if (rc == 0)
        *out = ts;
    return rc;
}

/* The cache of `log`'s tree ("": the whole log's), made on first use. */
static int tree_named(struct pa_db *db, const char *log, struct tree_cache **out,
                      struct pa_error *err)
{
    struct trees *ts;
    int rc = trees_of(db, &ts, err);
    if (rc != 0)
        return rc;
    for (int i = ts->n - 1; i >= 0; i--)
        if (strcmp(ts->tree[i]->log, log) == 0) {
            *out = ts->tree[i];
            return 0;
        }
    struct tree_cache **grown = realloc(ts->tree, (size_t)(ts->n + 1) * sizeof(*grown));
    if (grown == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    ts->tree = grown;
    if ((ts->tree[ts->n] = calloc(1, sizeof(struct tree_cache))) == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    snprintf(ts->tree[ts->n]->log, sizeof(ts->tree[0]->log), "%s", log);
    *out = ts->tree[ts->n++];
    return 0;
}

/* The last tile of a level, read from the database on first use. */
static int last_tile(struct pa_db *db, struct tree_cache *c, int level, struct tile **out,
                     struct pa_error *err)
{
    struct tile *t = &c->last[level];
    *out = t;
    if (t->loaded)
        return 0;
    sqlite3_stmt *stmt;
    int rc = prepare(db, c->log, sql_last_tile, sql_log_last_tile, &stmt, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int(stmt, 1, level);
    int step = sqlite3_step(stmt);
    memset(t, 0, sizeof(*t));
    if (step == SQLITE_ROW) {
        int bytes = sqlite3_column_bytes(stmt, 1);
        t->index = (uint64_t)sqlite3_column_int64(stmt, 0);
        t->count = bytes / PA_HASH_LEN;
        if (bytes % PA_HASH_LEN != 0 || t->count > TILE_NODES)
            rc = pa_error_set(err, PA_ETAMPER, "tree tile (level %d, %llu) is damaged", level,
                              (unsigned long long)t->index);
        else
            memcpy(t->nodes, sqlite3_column_blob(stmt, 1), (size_t)bytes);
    } else if (step != SQLITE_DONE) {
        rc = pa_db_fail(db, err, "reading the tree");
    }
    sqlite3_reset(stmt);
    t->loaded = rc == 0;
    return rc;
}

/* Puts node (level, i), which must be the next node of its level. */
static int put_node(struct pa_db *db, struct tree_cache *c, int level, uint64_t i, const pa_hash h,
                    struct pa_error *err)
{
    struct tile *t;
    int rc = last_tile(db, c, level, &t, err);
    if (rc != 0)
        return rc;
    if (t->count == TILE_NODES && i == (t->index + 1) * TILE_NODES) {
        if (t->dirty && (rc = write_tile(db, c->log, level, t, err)) != 0)
            return rc;
        t->index++;
        t->count = 0;
    }
    if (i != t->index * TILE_NODES + (uint64_t)t->count)
        return pa_error_set(err, PA_ETAMPER,
                            "the tree is out of step with the log at level %d "
                            "(node %llu)",
                            level, (unsigned long long)i);
    memcpy(t->nodes[t->count++], h, PA_HASH_LEN);
    t->dirty = true;
    return 0;
}

/* Adds leaf h at index idx, and every parent it completes: the left sibling of
 * an odd node is always in the same (last) tile. */
static int add_leaf(struct pa_db *db, struct tree_cache *c, uint64_t idx, const pa_hash leaf,
                    struct pa_error *err)
{
    pa_hash h;
    memcpy(h, leaf, PA_HASH_LEN);
    int rc = put_node(db, c, 0, idx, h, err);
    for (int level = 0; rc == 0 && (idx & 1); level++, idx >>= 1) {
        const struct tile *t = &c->last[level];
        pa_merkle_node_hash(t->nodes[t->count - 2], h, h);
        rc = put_node(db, c, level + 1, idx >> 1, h, err);
    }
    return rc;
}

/* The leaves of a tree: its level 0's last tile says how many. */
static int tree_size(struct pa_db *db, struct tree_cache *c, uint64_t *size, struct pa_error *err)
{
    struct tile *t;
    int rc = last_tile(db, c, 0, &t, err);
    *size = t->index * TILE_NODES + (uint64_t)t->count;
    return rc;
}

int pa_tlog__tree_append(struct pa_db *db, int64_t seq, const char *log, const void *entry,
                         size_t len, struct pa_error *err)
{
    PA_ASSERT(seq >= 1 && log != NULL);
    struct tree_cache *whole, *own;
    uint64_t size = 0;
    pa_hash h;
    pa_merkle_leaf_hash(entry, len, h);
    int rc = tree_named(db, "", &whole, err);
    if (rc == 0)
        rc = add_leaf(db, whole, (uint64_t)(seq - 1), h, err);
    if (rc == 0)
        rc = tree_named(db, log, &own, err);
    if (rc == 0)
        rc = tree_size(db, own, &size, err);
    return rc != 0 ? rc : add_leaf(db, own, size, h, err);
}

int pa_tlog__log_tree_size(struct pa_db *db, const char *log, uint64_t *size,
                           struct pa_error *err)
{
    /* this transaction's own appends first: they are in the cache until COMMIT */
    struct trees *ts = pa_db_extension_state(db, &tree_extension);
    for (int i = 0; ts && i < ts->n; i++) {
        const struct tile *t = &ts->tree[i]->last[0];
        if (strcmp(ts->tree[i]->log, log) == 0 && t->loaded) {
            *size = t->index * TILE_NODES + (uint64_t)t->count;
            return 0;
        }
    }
    sqlite3_stmt *stmt;
    *size = 0;
    int rc = prepare(db, log, sql_last_tile, sql_log_last_tile, &stmt, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int(stmt, 1, 0);
    int step = sqlite3_step(stmt);
    if (step == SQLITE_ROW)
        *size = (uint64_t)sqlite3_column_int64(stmt, 0) * TILE_NODES +
                (uint64_t)sqlite3_column_bytes(stmt, 1) / PA_HASH_LEN;
    else if (step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading the tree");
    sqlite3_reset(stmt);
    return rc;
}

static int read_node(struct pa_db *db, const char *log, int level, uint64_t idx, pa_hash out,
                     struct pa_error *err)
{
    struct trees *ts = pa_db_extension_state(db, &tree_extension);
    for (int i = 0; ts && i < ts->n && level < LEVELS; i++) {
        const struct tile *t = &ts->tree[i]->last[level];
        if (strcmp(ts->tree[i]->log, log) == 0 && t->loaded && idx / TILE_NODES == t->index &&
            idx % TILE_NODES < (uint64_t)t->count) {
            memcpy(out, t->nodes[idx % TILE_NODES], PA_HASH_LEN);
            return 0;
        }
    }
    sqlite3_stmt *stmt;
    int rc = prepare(db, log, sql_node, sql_log_node, &stmt, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int(stmt, 1, level);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)(idx / TILE_NODES));
    sqlite3_bind_int64(stmt, 3, (sqlite3_int64)(idx % TILE_NODES));
    int step = sqlite3_step(stmt);
    if (step == SQLITE_ROW && sqlite3_column_bytes(stmt, 0) == PA_HASH_LEN)
        memcpy(out, sqlite3_column_blob(stmt, 0), PA_HASH_LEN);
    else if (step == SQLITE_ROW || step == SQLITE_DONE)
        rc = pa_error_set(err, PA_ETAMPER, "tree node (level %d, index %llu) is missing or damaged",
                          level, (unsigned long long)idx);
    else
        rc = pa_db_fail(db, err, "reading the tree");
    sqlite3_reset(stmt);
    return rc;
}

static int db_subtree(void *ctx, int level, uint64_t index, pa_hash out, struct pa_error *err)
{
    return read_node(ctx, "", level, index, out, err);
}

void pa_tlog_tree_source(struct pa_db *db, struct pa_merkle_source *src)
{
    src->subtree = db_subtree;
    src->ctx = db;
}

static int log_subtree(void *ctx, int level, uint64_t index, pa_hash out, struct pa_error *err)
{
    const struct pa_tlog__view *v = ctx;
    return read_node(v->db, v->log, level, index, out, err);
}

void pa_tlog__log_tree_source(struct pa_tlog__view *v, struct pa_merkle_source *src)
{
    src->subtree = log_subtree;
    src->ctx = v;
}

/* Writes one log's tree whole, from its events (an older database's logs,
 * assigned after the fact: logs.c). */
int pa_tlog__log_tiles_write(struct pa_db *db, const char *log, const struct pa_tlog__memtree *t,
                             struct pa_error *err)
{
    int rc = 0;
    for (int l = 0; rc == 0 && l < LEVELS && t->count[l] > 0; l++)
        for (uint64_t first = 0; rc == 0 && first < t->count[l]; first += TILE_NODES) {
            struct tile tile = {.index = first / TILE_NODES};
            uint64_t n = t->count[l] - first < TILE_NODES ? t->count[l] - first : TILE_NODES;
            tile.count = (int)n;
            memcpy(tile.nodes, t->level[l][first], n * PA_HASH_LEN);
            rc = write_tile(db, log, l, &tile, err);
        }
    return rc;
}

/* ---- savepoints: a linked chain of transfers that fails is undone ---------------- */

static const char sql_savepoint[] = "SAVEPOINT chain";
static const char sql_rollback_to[] = "ROLLBACK TO chain";
static const char sql_release[] = "RELEASE chain";

int pa_tlog_savepoint(struct pa_db *db, struct pa_error *err)
{
    /* Written out first, so that after a ROLLBACK TO the tiles in the database
     * are exactly the tree at the savepoint and the cache can simply reload. */
    struct trees *ts = pa_db_extension_state(db, &tree_extension);
    int rc = ts ? write_dirty(db, ts, false, err) : 0;
    return rc != 0 ? rc : pa_db_run(db, sql_savepoint, err);
}

int pa_tlog_release(struct pa_db *db, struct pa_error *err)
{
    return pa_db_run(db, sql_release, err);
}

int pa_tlog_rollback_to(struct pa_db *db, struct pa_error *err)
{
    int rc = pa_db_run(db, sql_rollback_to, err);
    if (rc == 0)
        rc = pa_db_run(db, sql_release, err);
    struct trees *ts = pa_db_extension_state(db, &tree_extension);
    if (ts)
        forget(db, ts);
    return rc;
}
