/*
 * tree.c - the Merkle tree of the event log, kept in tlog_nodes in the same
 * transaction as each append (see 003_merkle.sql), and read back as the source
 * of perfect subtrees for roots and proofs.
 */
#include <string.h>

#include "pairaid/tlog.h"

static const char sql_node[] = "SELECT hash FROM tlog_nodes WHERE level = ?1 AND idx = ?2";
static const char sql_put_node[] = "INSERT INTO tlog_nodes(level, idx, hash) VALUES (?1, ?2, ?3)";

static int read_node(struct pa_db *db, int level, uint64_t idx, pa_hash out, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql_node, &stmt, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int(stmt, 1, level);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)idx);
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

static int write_node(struct pa_db *db, int level, uint64_t idx, const pa_hash hash,
                      struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql_put_node, &stmt, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int(stmt, 1, level);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)idx);
    sqlite3_bind_blob(stmt, 3, hash, PA_HASH_LEN, SQLITE_STATIC);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, "extending the tree");
    sqlite3_reset(stmt);
    return rc;
}

int pa_tlog__tree_append(struct pa_db *db, int64_t seq, const void *entry, size_t len,
                         struct pa_error *err)
{
    PA_ASSERT(seq >= 1);
    uint64_t idx = (uint64_t)(seq - 1);
    pa_hash h;
    pa_merkle_leaf_hash(entry, len, h);
    int rc = write_node(db, 0, idx, h, err);
    /* Each completed pair of siblings completes their parent. */
    for (int level = 0; rc == 0 && (idx & 1); level++, idx >>= 1) {
        pa_hash left;
        rc = read_node(db, level, idx - 1, left, err);
        if (rc == 0) {
            pa_merkle_node_hash(left, h, h);
            rc = write_node(db, level + 1, idx >> 1, h, err);
        }
    }
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
