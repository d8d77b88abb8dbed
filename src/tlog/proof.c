/*
 * proof.c - the log as its readers ask for it: entries with their leaf hashes,
 * the current tree head, and inclusion and consistency proofs with the range
 * checks that go with them.  The command line (`pairaid log ...`) and the HTTP
 * API both answer from here, so a proof means the same thing in either.
 *
 * A reader's connection sees each statement's own snapshot: the size is read
 * first and every hash after it is of a tree at most that size, whose nodes
 * never change once written, so a concurrent writer cannot make an answer
 * disagree with itself.
 */
#include <string.h>

#include "pairaid/tlog.h"

static const char sql_entries[] =
    "SELECT seq, type, actor, time, entry FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2";
/* one log's: from its own index (a leaf's place in that log), by events_by_log */
static const char sql_log_entries[] = "SELECT seq, type, actor, time, entry FROM events "
                                      "WHERE log = ?3 ORDER BY seq LIMIT ?2 OFFSET ?1";

/* fn for each row; *step is the last sqlite3_step's answer */
static int each_entry(sqlite3_stmt *stmt, int64_t from, const char *log,
                      int (*fn)(const struct pa_log_entry *e, void *ctx), void *ctx, int *step)
{
    int rc = 0;
    for (int64_t index = from; rc == 0 && (*step = sqlite3_step(stmt)) == SQLITE_ROW; index++) {
        struct pa_log_entry e = {
            .seq = sqlite3_column_int64(stmt, 0),
            .type = (const char *)sqlite3_column_text(stmt, 1),
            .actor = (const char *)sqlite3_column_text(stmt, 2),
            .time = sqlite3_column_int64(stmt, 3),
            .entry = sqlite3_column_blob(stmt, 4),
            .len = (size_t)sqlite3_column_bytes(stmt, 4),
        };
        e.index = log ? index : e.seq - 1;
        e.log = log;
        PA_ASSERT(e.index >= from);
        if (e.entry == NULL)
            e.entry = "";
        pa_merkle_leaf_hash(e.entry, e.len, e.leaf_hash);
        rc = fn(&e, ctx);
    }
    return rc;
}

int pa_tlog_entries(struct pa_db *db, const char *log, int64_t from, int64_t count,
                    int (*fn)(const struct pa_log_entry *e, void *ctx), void *ctx,
                    struct pa_error *err)
{
    PA_ASSERT(db != NULL && fn != NULL);
    /* the log holds every pairing's books: whoever checks it needs all of it,
     * and the public has the checkpoint and proofs instead */
    const struct pa_principal *who = pa_db_principal(db);
    if (who && who->role == PA_ROLE_ANONYMOUS)
        return pa_error_set(err, PA_EUNAUTH, "sign in to read the log's entries");
    if (from < 0 || count < 0)
        return pa_error_setf(err, PA_EINVAL, from < 0 ? "from" : "count",
                             "from and count must be whole numbers >= 0");
    sqlite3_stmt *stmt;
    int rc = pa_tlog_log_check(db, log, err);
    if (rc == 0)
        rc = pa_db_prepare(db, log ? sql_log_entries : sql_entries, &stmt, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(stmt, 1, from);
    sqlite3_bind_int64(stmt, 2, count);
    if (log)
        pa_db_bind_text(stmt, 3, log);
    int step = SQLITE_DONE;
    rc = each_entry(stmt, from, log, fn, ctx, &step);
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading events");
    sqlite3_reset(stmt);
    return rc;
}

int pa_tlog_head(struct pa_db *db, const char *log, uint64_t *size, pa_hash root,
                 struct pa_error *err)
{
    PA_ASSERT(db != NULL && size != NULL);
    struct pa_tlog__view v;
    int rc = pa_tlog__view_open(db, log, &v, err);
    *size = v.size;
    if (rc == 0)
        rc = pa_merkle_root(&v.src, v.size, root, err);
    return rc;
}

/* `size` checked against the tree's (< 0: the tree's own). */
static int size_within(const struct pa_tlog__view *v, int64_t size, const char *field,
                       uint64_t *out, struct pa_error *err)
{
    if (size > (int64_t)v->size)
        return pa_error_setf(err, PA_EINVAL, field, "%s %lld is larger than the log (%lld entries)",
                             field, (long long)size, (long long)v->size);
    *out = size >= 0 ? (uint64_t)size : v->size;
    return 0;
}

static int prove_inclusion(struct pa_tlog__view *v, int64_t index, int64_t size,
                           struct pa_inclusion *out, struct pa_error *err)
{
    if (index < 0)
        return pa_error_setf(err, PA_EINVAL, "index", "index must be a whole number >= 0");
    int rc = size_within(v, size, "size", &out->size, err);
    if (rc == 0 && (uint64_t)index >= out->size)
        rc = pa_error_setf(err, PA_EINVAL, "index", "index %lld is not below the tree size %llu",
                           (long long)index, (unsigned long long)out->size);
    if (rc != 0)
        return rc;
    out->index = (uint64_t)index;
    rc = pa_merkle_inclusion_proof(&v->src, out->index, out->size, out->proof, &out->n, err);
    if (rc == 0)
        rc = pa_merkle_root(&v->src, out->size, out->root, err);
    if (rc == 0)
        rc = v->src.subtree(v->src.ctx, 0, out->index, out->leaf_hash, err);
    PA_ASSERT(rc != 0 || (out->n >= 0 && out->n <= PA_PROOF_MAX));
    return rc;
}

int pa_tlog_prove_inclusion(struct pa_db *db, const char *log, int64_t index, int64_t size,
                            struct pa_inclusion *out, struct pa_error *err)
{
    PA_ASSERT(db != NULL && out != NULL);
    memset(out, 0, sizeof(*out));
    struct pa_tlog__view v;
    int rc = pa_tlog__view_open(db, log, &v, err);
    if (rc == 0)
        rc = prove_inclusion(&v, index, size, out, err);
    return rc;
}

static int prove_consistency(struct pa_tlog__view *v, int64_t from, int64_t to,
                             struct pa_consistency *out, struct pa_error *err)
{
    /* the size first: "5 to 99" on a log of 50 is about the 99 */
    int rc = size_within(v, to, "to", &out->to, err);
    if (rc == 0 && (from < 1 || (uint64_t)from > out->to))
        rc = pa_error_setf(err, PA_EINVAL, "from",
                           "a consistency proof needs 1 <= OLD <= NEW (here from %lld, to %llu)",
                           (long long)from, (unsigned long long)out->to);
    if (rc != 0)
        return rc;
    out->from = (uint64_t)from;
    rc = pa_merkle_consistency_proof(&v->src, out->from, out->to, out->proof, &out->n, err);
    if (rc == 0)
        rc = pa_merkle_root(&v->src, out->from, out->old_root, err);
    if (rc == 0)
        rc = pa_merkle_root(&v->src, out->to, out->new_root, err);
    PA_ASSERT(rc != 0 || (out->n >= 0 && out->n <= PA_PROOF_MAX));
    return rc;
}

int pa_tlog_prove_consistency(struct pa_db *db, const char *log, int64_t from, int64_t to,
                              struct pa_consistency *out, struct pa_error *err)
{
    PA_ASSERT(db != NULL && out != NULL);
    memset(out, 0, sizeof(*out));
    struct pa_tlog__view v;
    int rc = pa_tlog__view_open(db, log, &v, err);
    if (rc == 0)
        rc = prove_consistency(&v, from, to, out, err);
    return rc;
}

/* ---- as JSON ---------------------------------------------------------------------- */

static json_t *b64_hash(const pa_hash h)
{
    char b64[64];
    pa_base64(h, PA_HASH_LEN, b64, sizeof(b64));
    return json_string(b64);
}

static json_t *path_json(const pa_hash *proof, int n)
{
    PA_ASSERT(n >= 0 && n <= PA_PROOF_MAX);
    json_t *array = json_array();
    for (int i = 0; array && i < n; i++)
        if (json_array_append_new(array, b64_hash(proof[i])) != 0) {
            json_decref(array);
            return NULL;
        }
    return array;
}

json_t *pa_inclusion_json(const struct pa_inclusion *p)
{
    return json_pack("{s:I, s:I, s:o, s:o, s:o}", "index", (json_int_t)p->index, "size",
                     (json_int_t)p->size, "leaf_hash", b64_hash(p->leaf_hash), "root",
                     b64_hash(p->root), "proof", path_json(p->proof, p->n));
}

json_t *pa_consistency_json(const struct pa_consistency *c)
{
    return json_pack("{s:I, s:I, s:o, s:o, s:o}", "from", (json_int_t)c->from, "to",
                     (json_int_t)c->to, "old_root", b64_hash(c->old_root), "new_root",
                     b64_hash(c->new_root), "proof", path_json(c->proof, c->n));
}
