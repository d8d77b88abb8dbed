/*
 * tree.c - the Merkle tree of the event log, stored as tiles of 256 node hashes
 * per level (see 003_merkle.sql) and read back as the source of perfect
 * subtrees for roots and proofs.
 *
 * Appending a leaf appends to the last tile of level 0 and, for every pair of
 * siblings it completes, to the last tile of the level above.  Those last tiles
 * live in a per-transaction cache (a pa_db_extension) and are written back once
 * before COMMIT; a rollback forgets them.  A full tile is written when the next
 * one starts.
 */
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

struct tree_cache {
    struct tile last[LEVELS];
};

static const char sql_last_tile[] =
    "SELECT tile, hashes FROM tlog_tiles WHERE level = ?1 ORDER BY tile DESC LIMIT 1";
static const char sql_put_tile[] =
    "INSERT OR REPLACE INTO tlog_tiles(level, tile, hashes) VALUES (?1, ?2, ?3)";
static const char sql_node[] =
    "SELECT substr(hashes, ?3 * 32 + 1, 32) FROM tlog_tiles WHERE level = ?1 AND tile = ?2";

static int write_tile(struct pa_db *db, int level, const struct tile *t, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql_put_tile, &stmt, err);
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

static int write_back(struct pa_db *db, void *state, struct pa_error *err)
{
    struct tree_cache *c = state;
    int rc = 0;
    for (int l = 0; rc == 0 && l < LEVELS; l++)
        if (c->last[l].dirty)
            rc = write_tile(db, l, &c->last[l], err);
    memset(c, 0, sizeof(*c)); /* a new transaction reads the tiles again */
    return rc;
}

static void forget(struct pa_db *db, void *state)
{
    (void)db;
    memset(state, 0, sizeof(struct tree_cache));
}

static const struct pa_db_extension tree_extension = {write_back, forget, free};

static int cache_of(struct pa_db *db, struct tree_cache **out, struct pa_error *err)
{
    *out = pa_db_extension_state(db, &tree_extension);
    if (*out)
        return 0;
    struct tree_cache *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    int rc = pa_db_extension_attach(db, &tree_extension, c, err);
    if (rc == 0)
        *out = c;
    return rc;
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
    int rc = pa_db_prepare(db, sql_last_tile, &stmt, err);
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
        if (t->dirty && (rc = write_tile(db, level, t, err)) != 0)
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

int pa_tlog__tree_append(struct pa_db *db, int64_t seq, const void *entry, size_t len,
                         struct pa_error *err)
{
    PA_ASSERT(seq >= 1);
    struct tree_cache *c;
    int rc = cache_of(db, &c, err);
    uint64_t idx = (uint64_t)(seq - 1);
    pa_hash h;
    pa_merkle_leaf_hash(entry, len, h);
    if (rc == 0)
        rc = put_node(db, c, 0, idx, h, err);
    /* Each completed pair of siblings completes their parent; the left sibling
     * of an odd node is always in the same (last) tile. */
    for (int level = 0; rc == 0 && (idx & 1); level++, idx >>= 1) {
        const struct tile *t = &c->last[level];
        pa_merkle_node_hash(t->nodes[t->count - 2], h, h);
        rc = put_node(db, c, level + 1, idx >> 1, h, err);
    }
    return rc;
}

static int read_node(struct pa_db *db, int level, uint64_t idx, pa_hash out, struct pa_error *err)
{
    struct tree_cache *c = pa_db_extension_state(db, &tree_extension);
    const struct tile *t = c && level < LEVELS ? &c->last[level] : NULL;
    if (t && t->loaded && idx / TILE_NODES == t->index && idx % TILE_NODES < (uint64_t)t->count) {
        memcpy(out, t->nodes[idx % TILE_NODES], PA_HASH_LEN);
        return 0;
    }
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql_node, &stmt, err);
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
    return read_node(ctx, level, index, out, err);
}

void pa_tlog_tree_source(struct pa_db *db, struct pa_merkle_source *src)
{
    src->subtree = db_subtree;
    src->ctx = db;
}

/* ---- savepoints: a linked chain of transfers that fails is undone ---------------- */

static const char sql_savepoint[] = "SAVEPOINT chain";
static const char sql_rollback_to[] = "ROLLBACK TO chain";
static const char sql_release[] = "RELEASE chain";

int pa_tlog_savepoint(struct pa_db *db, struct pa_error *err)
{
    /* Written out first, so that after a ROLLBACK TO the tiles in the database
     * are exactly the tree at the savepoint and the cache can simply reload. */
    struct tree_cache *c = pa_db_extension_state(db, &tree_extension);
    int rc = 0;
    for (int l = 0; c && rc == 0 && l < LEVELS; l++) {
        if (c->last[l].dirty)
            rc = write_tile(db, l, &c->last[l], err);
        c->last[l].dirty = false;
    }
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
    struct tree_cache *c = pa_db_extension_state(db, &tree_extension);
    if (c)
        memset(c, 0, sizeof(*c));
    return rc;
}
