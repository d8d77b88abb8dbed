/*
 * replica.c - `pairaid replica`: keeping a verified copy of another party's
 * books, one month's events at a time.
 *
 * A pull, in one transaction of the replica's database:
 *   1. the latest signed checkpoint (size S, root R): every signature by a
 *      trusted key verifies, and at least one trusted key signed it;
 *   2. a consistency proof from the size A and root the replica verified last
 *      to (S, R), made by the source from its own tree;
 *   3. the entries A..S: each appended to the replica's own log and applied to
 *      its tables by the same code as replay (pa_tlog__append_decoded), and its
 *      leaf hash kept; with the replica's tree for [0, A) they must rebuild R,
 *      else the first changed entry is found by bisection with the source's
 *      consistency proofs;
 *   4. the digest of the tables compared with the source's.  The source can
 *      only digest its tables as they stand (size T >= S): the entries S..T are
 *      applied under a savepoint, the tables compared, and the savepoint undone,
 *      so that only signed entries are kept.
 *
 * The replica's own state (source, trusted keys, the verified size and root)
 * lives in two tables made by `replica init`, not by a migration: they exist
 * only in a replica, are not part of the projection and never in the log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairaid/replica.h"

#define PAGE_ENTRIES 1000

static const char sql_schema[] =
    "CREATE TABLE IF NOT EXISTS replica_state ("
    " id INTEGER PRIMARY KEY CHECK (id = 1), source TEXT NOT NULL, user TEXT NOT NULL,"
    " size INTEGER NOT NULL DEFAULT 0, root BLOB, checkpoint TEXT, pulled INTEGER NOT NULL DEFAULT "
    "0"
    ") STRICT;"
    "CREATE TABLE IF NOT EXISTS replica_keys (verifier TEXT PRIMARY KEY) STRICT;";

void pa_replica_source_close(struct pa_replica_source *s)
{
    if (s && s->close)
        s->close(s->ctx);
    if (s)
        memset(s, 0, sizeof(*s));
}

/* ---- state ---------------------------------------------------------------------- */

int pa_replica_init(struct pa_db *db, const char *source, const char *user,
                    const struct pa_verifier *keys, int nkeys, struct pa_error *err)
{
    PA_ASSERT(db != NULL && source != NULL && nkeys >= 0);
    if (nkeys == 0)
        return pa_error_set(err, PA_EINVAL, "a replica needs at least one trusted key");
    int64_t size = 0;
    int rc = pa_tlog_size(db, &size, err);
    if (rc == 0 && size != 0)
        return pa_error_set(err, PA_EEXIST, "the database already holds %lld events",
                            (long long)size);
    if (rc == 0)
        rc = pa_db_begin(db, err);
    if (rc == 0)
        rc = pa_db_exec(db, sql_schema, err);
    sqlite3_stmt *stmt = NULL;
    if (rc == 0 && sqlite3_prepare_v2(pa_db_sqlite(db),
                                      "INSERT INTO replica_state(id, source, user, root) "
                                      "VALUES (1, ?1, ?2, NULL)",
                                      -1, &stmt, NULL) != SQLITE_OK)
        rc = pa_db_fail(db, err, "making the replica");
    if (rc == 0) {
        sqlite3_bind_text(stmt, 1, source, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, user ? user : "", -1, SQLITE_STATIC);
        if (sqlite3_step(stmt) != SQLITE_DONE)
            rc = pa_db_fail(db, err, "making the replica");
    }
    sqlite3_finalize(stmt);
    stmt = NULL;
    if (rc == 0 && sqlite3_prepare_v2(pa_db_sqlite(db),
                                      "INSERT OR IGNORE INTO replica_keys(verifier) VALUES (?1)",
                                      -1, &stmt, NULL) != SQLITE_OK)
        rc = pa_db_fail(db, err, "making the replica");
    for (int i = 0; rc == 0 && i < nkeys; i++) {
        char text[256];
        pa_verifier_format(&keys[i], text, sizeof(text));
        sqlite3_reset(stmt);
        sqlite3_bind_text(stmt, 1, text, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(stmt) != SQLITE_DONE)
            rc = pa_db_fail(db, err, "making the replica");
    }
    sqlite3_finalize(stmt);
    if (rc == 0)
        rc = pa_db_commit(db, err);
    if (rc != 0)
        pa_db_rollback(db);
    return rc;
}

static int read_keys(struct pa_db *db, struct pa_replica_info *out, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(pa_db_sqlite(db), "SELECT verifier FROM replica_keys ORDER BY verifier",
                           -1, &stmt, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "reading the replica's keys");
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (out->nkeys == (int)PA_ARRAY_LEN(out->keys))
            rc = pa_error_set(err, PA_EINVAL, "a replica trusts at most %d keys",
                              (int)PA_ARRAY_LEN(out->keys));
        else if (pa_verifier_parse((const char *)sqlite3_column_text(stmt, 0),
                                   &out->keys[out->nkeys++], err) != 0)
            rc = pa_error_set(err, PA_ETAMPER, "table replica_keys: '%.60s' is not a verifier key",
                              (const char *)sqlite3_column_text(stmt, 0));
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading the replica's keys");
    sqlite3_finalize(stmt);
    return rc;
}

int pa_replica_info(struct pa_db *db, struct pa_replica_info *out, struct pa_error *err)
{
    memset(out, 0, sizeof(*out));
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(pa_db_sqlite(db),
                           "SELECT source, user, size, root FROM replica_state WHERE id = 1", -1,
                           &stmt, NULL) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return pa_error_set(err, PA_ENOTFOUND,
                            "'%s' is not a replica (make one with pairaid replica init)",
                            pa_db_path(db));
    }
    int rc = 0, step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        snprintf(out->source, sizeof(out->source), "%s", sqlite3_column_text(stmt, 0));
        snprintf(out->user, sizeof(out->user), "%s", sqlite3_column_text(stmt, 1));
        out->size = sqlite3_column_int64(stmt, 2);
        if (sqlite3_column_bytes(stmt, 3) == PA_HASH_LEN)
            memcpy(out->root, sqlite3_column_blob(stmt, 3), PA_HASH_LEN);
        else if (out->size != 0)
            rc = pa_error_set(err, PA_ETAMPER, "table replica_state: the root is damaged");
    } else {
        rc = step == SQLITE_DONE ? pa_error_set(err, PA_ENOTFOUND,
                                                "'%s' is not a replica (make one with pairaid "
                                                "replica init)",
                                                pa_db_path(db))
                                 : pa_db_fail(db, err, "reading the replica's state");
    }
    sqlite3_finalize(stmt);
    return rc == 0 ? read_keys(db, out, err) : rc;
}

static int save_state(struct pa_db *db, int64_t size, const pa_hash root, const char *note,
                      struct pa_error *err)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(pa_db_sqlite(db),
                           "UPDATE replica_state SET size = ?1, root = ?2, checkpoint = ?3, "
                           "pulled = pulled + 1 WHERE id = 1",
                           -1, &stmt, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "recording the pull");
    sqlite3_bind_int64(stmt, 1, size);
    sqlite3_bind_blob(stmt, 2, root, PA_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, note, -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : pa_db_fail(db, err, "recording the pull");
    sqlite3_finalize(stmt);
    return rc;
}

/* ---- 1. the checkpoint ----------------------------------------------------------- */

static const struct pa_verifier *trusted_key(const struct pa_replica_info *info,
                                             const struct pa_note_signature *sig)
{
    for (int k = 0; k < info->nkeys; k++)
        if (strcmp(info->keys[k].name, sig->name) == 0 && info->keys[k].hash == sig->hash)
            return &info->keys[k];
    return NULL;
}

/* Every signature by a trusted key verifies, and there is at least one; the
 * signatures of keys the replica does not know are not its business. */
static int check_note(const struct pa_replica_info *info, const char *text,
                      struct pa_checkpoint *cp, struct pa_replica_pull *out, struct pa_error *err)
{
    struct pa_note note;
    struct pa_error why;
    if (pa_note_parse(text, &note, &why) != 0)
        return pa_error_set(err, PA_ETAMPER, "the source's checkpoint: %s", why.message);
    int rc = pa_checkpoint_parse(note.text, cp, &why);
    if (rc != 0)
        rc = pa_error_set(err, PA_ETAMPER, "the source's checkpoint: %s", why.message);
    int trusted = 0;
    for (int s = 0; rc == 0 && s < note.nsigs; s++) {
        const struct pa_verifier *v = trusted_key(info, &note.sigs[s]);
        if (v == NULL)
            continue;
        if (pa_note_verify_signature(&note, s, v, &why) != 0)
            rc = pa_error_set(err, PA_ETAMPER,
                              "bad signature: the checkpoint of size %llu carries a signature by "
                              "'%s' that does not verify with its trusted key",
                              (unsigned long long)cp->size, v->name);
        else
            snprintf(out->signers + strlen(out->signers),
                     sizeof(out->signers) - strlen(out->signers), "%s%s", trusted ? ", " : "",
                     v->name);
        trusted++;
    }
    if (rc == 0 && trusted == 0)
        rc = pa_error_set(err, PA_ETAMPER,
                          "bad signature: the checkpoint of size %llu is not signed by any "
                          "trusted key",
                          (unsigned long long)cp->size);
    pa_note_release(&note);
    return rc;
}

/* ---- 3. the new leaves and the roots they make ------------------------------------ */

/* The replica's tree below `base` (as verified before this pull) and the leaf
 * hashes of the new entries after it, as one source of perfect subtrees. */
struct leaves {
    struct pa_merkle_source db_tree;
    uint64_t base, n, cap;
    pa_hash *hash;
};

static int leaves_add(struct leaves *l, const pa_hash h, struct pa_error *err)
{
    if (l->n == l->cap) {
        uint64_t cap = l->cap ? l->cap * 2 : 1024;
        pa_hash *grown = realloc(l->hash, cap * sizeof(pa_hash));
        if (grown == NULL)
            return pa_error_set(err, PA_ENOMEM, "out of memory");
        l->hash = grown;
        l->cap = cap;
    }
    memcpy(l->hash[l->n++], h, PA_HASH_LEN);
    return 0;
}

static int leaves_subtree(void *ctx, int level, uint64_t index, pa_hash out, struct pa_error *err)
{
    struct leaves *l = ctx;
    uint64_t end = (index + 1) << level;
    if (end <= l->base)
        return l->db_tree.subtree(l->db_tree.ctx, level, index, out, err);
    if (level == 0) {
        PA_ASSERT(index >= l->base && index - l->base < l->n);
        memcpy(out, l->hash[index - l->base], PA_HASH_LEN);
        return 0;
    }
    pa_hash left, right;
    int rc = leaves_subtree(ctx, level - 1, 2 * index, left, err);
    if (rc == 0)
        rc = leaves_subtree(ctx, level - 1, 2 * index + 1, right, err);
    if (rc == 0)
        pa_merkle_node_hash(left, right, out);
    return rc;
}

static int leaves_root(struct leaves *l, uint64_t size, pa_hash out, struct pa_error *err)
{
    struct pa_merkle_source src = {leaves_subtree, l};
    return pa_merkle_root(&src, size, out, err);
}

/* The root of size S does not match: the prefix of size m is good when the
 * source's tree proves it consistent with the signed root.  Bisection finds
 * the largest good m, so entry m is the first that was changed. */
static int find_changed(const struct pa_replica_source *src, struct leaves *l,
                        const struct pa_checkpoint *cp, struct pa_error *err)
{
    uint64_t good = l->base, bad = cp->size;
    while (bad - good > 1) {
        uint64_t m = good + (bad - good) / 2;
        pa_hash root, proof[PA_PROOF_MAX];
        int n = 0;
        int rc = leaves_root(l, m, root, err);
        if (rc == 0)
            rc = src->consistency(src->ctx, (int64_t)m, (int64_t)cp->size, proof, &n, err);
        if (rc == PA_ENOTFOUND)
            return pa_error_set(err, PA_ETAMPER,
                                "the entries from index %llu to %llu do not rebuild the signed "
                                "root of size %llu: an entry was changed",
                                (unsigned long long)l->base, (unsigned long long)cp->size,
                                (unsigned long long)cp->size);
        if (rc != 0)
            return rc;
        struct pa_error why;
        if (pa_merkle_verify_consistency(m, cp->size, root, cp->root, proof, n, &why) == 0)
            good = m;
        else
            bad = m;
    }
    return pa_error_set(err, PA_ETAMPER,
                        "leaf hash mismatch at index %llu: entry %llu (event %llu) is not the "
                        "one the signed tree of size %llu holds",
                        (unsigned long long)good, (unsigned long long)good,
                        (unsigned long long)good + 1, (unsigned long long)cp->size);
}

/* ---- applying entries --------------------------------------------------------------- */

struct applying {
    struct pa_db *db;
    struct leaves *leaves; /* NULL: the unsigned tail, not kept */
    int64_t next, applied;
    int failed; /* the first entry that did not apply: its error is in why */
    struct pa_error why;
};

static int apply_entry(const void *entry, size_t len, void *arg, struct pa_error *err)
{
    struct applying *a = arg;
    int64_t index = a->next++;
    if (a->leaves) {
        pa_hash h;
        pa_merkle_leaf_hash(entry, len, h);
        int rc = leaves_add(a->leaves, h, err);
        if (rc != 0)
            return rc;
    }
    if (a->failed)
        return 0; /* keep hashing: a changed entry is named before what it broke */
    struct pa_event ev;
    struct pa_error why;
    int64_t seq = 0;
    int rc = pa_tlog_decode(entry, len, &ev, &why);
    if (rc == 0) {
        rc = pa_tlog__append_decoded(a->db, entry, len, &ev, &why);
        seq = ev.seq;
        pa_event_release(&ev);
    }
    if (rc == PA_EDB || rc == PA_EBUSY || rc == PA_ENOMEM || rc == PA_EIO)
        return pa_error_set(err, rc, "event %lld: %s", (long long)index + 1, why.message);
    if (rc != 0) {
        a->failed = 1;
        pa_error_set(&a->why, PA_ETAMPER, "event %lld: %s", (long long)index + 1, why.message);
        return 0;
    }
    if (seq != index + 1)
        return pa_error_set(err, PA_ETAMPER,
                            "the replica's log is out of step: event %lld was stored as %lld",
                            (long long)index + 1, (long long)seq);
    a->applied++;
    return 0;
}

static int fetch_and_apply(const struct pa_replica_source *src, struct applying *a, int64_t from,
                           int64_t to, struct pa_error *err)
{
    a->next = from;
    int rc = 0;
    for (int64_t at = from; rc == 0 && at < to; at += PAGE_ENTRIES) {
        int64_t count = to - at < PAGE_ENTRIES ? to - at : PAGE_ENTRIES;
        rc = src->entries(src->ctx, at, count, apply_entry, a, err);
        if (rc == 0 && a->next != at + count)
            rc = pa_error_set(err, PA_EIO, "the source sent %lld entries from index %lld, not %lld",
                              (long long)(a->next - at), (long long)at, (long long)count);
    }
    return rc;
}

/* ---- 4. the digest -------------------------------------------------------------------- */

static int compare_digest(const struct pa_digest *mine, const struct pa_digest *theirs,
                          struct pa_error *err)
{
    if (memcmp(mine->digest, theirs->digest, PA_HASH_LEN) == 0)
        return 0;
    for (int t = 0; t < theirs->ntables || t < mine->ntables; t++) {
        const struct pa_digest_table *a = t < mine->ntables ? &mine->tables[t] : NULL;
        const struct pa_digest_table *b = t < theirs->ntables ? &theirs->tables[t] : NULL;
        if (a == NULL || b == NULL || strcmp(a->name, b->name) != 0)
            return pa_error_set(err, PA_ETAMPER,
                                "digest mismatch at size %lld: the source's tables are not "
                                "the replica's ('%s' against '%s')",
                                (long long)mine->size, b ? b->name : "-", a ? a->name : "-");
        if (a->rows != b->rows || memcmp(a->hash, b->hash, PA_HASH_LEN) != 0)
            return pa_error_set(err, PA_ETAMPER,
                                "digest mismatch at size %lld: table %s differs from its log on "
                                "the source (%lld rows there, %lld rows replayed here)",
                                (long long)mine->size, a->name, (long long)b->rows,
                                (long long)a->rows);
    }
    return pa_error_set(err, PA_ETAMPER, "digest mismatch at size %lld", (long long)mine->size);
}

/* Compares the tables with the source's at its size T >= S: the unsigned
 * entries S..T are applied under a savepoint and undone after. */
static int check_digest(struct pa_db *db, const struct pa_replica_source *src, int64_t size,
                        struct pa_replica_pull *out, struct pa_error *err)
{
    struct pa_digest *theirs = malloc(sizeof(*theirs)), *mine = malloc(sizeof(*mine));
    int rc = theirs && mine ? 0 : pa_error_set(err, PA_ENOMEM, "out of memory");
    if (rc == 0 && (rc = src->digest(src->ctx, theirs, err)) == PA_ENOTFOUND)
        rc = 0, out->digest_size = -1; /* an old bundle without one: nothing to compare */
    else if (rc == 0 && theirs->size < size)
        rc = pa_error_set(err, PA_ETAMPER,
                          "the source's log holds %lld entries, fewer than its checkpoint's %lld",
                          (long long)theirs->size, (long long)size);
    else if (rc == 0) {
        out->digest_size = theirs->size;
        out->tail = theirs->size - size;
        struct applying tail = {.db = db};
        rc = pa_db_flush(db, err);
        if (rc == 0 && out->tail > 0 && (rc = pa_tlog_savepoint(db, err)) == 0) {
            rc = fetch_and_apply(src, &tail, size, theirs->size, err);
            if (rc == 0 && tail.failed)
                rc = pa_error_set(err, PA_ETAMPER, "%s (after the checkpoint)", tail.why.message);
            if (rc == 0)
                rc = pa_db_flush(db, err);
        }
        if (rc == 0)
            rc = pa_tlog_digest(db, mine, err);
        if (rc == 0)
            rc = compare_digest(mine, theirs, err);
        if (out->tail > 0 && pa_db_in_transaction(db)) {
            struct pa_error ignored;
            pa_db_flush(db, &ignored); /* forgets the tail's cached state */
            int undo = pa_tlog_rollback_to(db, &ignored);
            if (rc == 0 && undo != 0)
                rc = pa_error_set(err, undo, "%s", ignored.message);
        }
    }
    free(theirs);
    free(mine);
    return rc;
}

/* ---- the pull ------------------------------------------------------------------------ */

static int check_consistency(const struct pa_replica_source *src,
                             const struct pa_replica_info *info, const struct pa_checkpoint *cp,
                             struct pa_error *err)
{
    if ((int64_t)cp->size < info->size)
        return pa_error_set(err, PA_ETAMPER,
                            "rewritten history: the source's checkpoint has %llu entries, fewer "
                            "than the %lld this replica verified (a rollback)",
                            (unsigned long long)cp->size, (long long)info->size);
    if (info->size == 0)
        return 0;
    struct pa_error why;
    if ((int64_t)cp->size == info->size)
        return memcmp(cp->root, info->root, PA_HASH_LEN) == 0
                   ? 0
                   : pa_error_set(err, PA_ETAMPER,
                                  "rewritten history: the checkpoint of size %lld has another "
                                  "root than the one this replica verified (a fork)",
                                  (long long)info->size);
    pa_hash proof[PA_PROOF_MAX];
    int n = 0;
    int rc = src->consistency(src->ctx, info->size, (int64_t)cp->size, proof, &n, err);
    if (rc == PA_ENOTFOUND)
        return 0; /* a bundle: the new entries must rebuild the root over ours */
    if (rc != 0)
        return rc;
    if (pa_merkle_verify_consistency((uint64_t)info->size, cp->size, info->root, cp->root, proof, n,
                                     &why) != 0)
        return pa_error_set(err, PA_ETAMPER,
                            "rewritten history: the consistency proof from size %lld to size %llu "
                            "does not verify (the source's log is not an extension of the one "
                            "this replica verified)",
                            (long long)info->size, (unsigned long long)cp->size);
    return 0;
}

static int pull_in_transaction(struct pa_db *db, const struct pa_replica_source *src,
                               const struct pa_replica_info *info, struct pa_replica_pull *out,
                               struct pa_error *err)
{
    char *note = NULL;
    struct pa_checkpoint cp;
    int rc = src->checkpoint(src->ctx, &note, err);
    if (rc == PA_ENOTFOUND)
        rc = pa_error_set(err, PA_EIO,
                          "the source has no signed checkpoint yet: ask its owner to "
                          "run pairaid log checkpoint");
    if (rc == 0)
        rc = check_note(info, note, &cp, out, err);
    if (rc == 0)
        rc = check_consistency(src, info, &cp, err);
    struct leaves l = {.base = (uint64_t)info->size};
    pa_tlog_tree_source(db, &l.db_tree);
    struct applying a = {.db = db, .leaves = &l};
    /* a first pull, or one that more than doubles the copy: indexes built once */
    if (rc == 0 && (int64_t)cp.size - info->size > info->size) {
        rc = pa_tlog__defer_bulk_indexes(db, err);
        if (rc == 0)
            rc = pa_tlog_defer_indexes(db, err);
    }
    if (rc == 0)
        rc = fetch_and_apply(src, &a, info->size, (int64_t)cp.size, err);
    pa_hash root;
    if (rc == 0)
        rc = leaves_root(&l, cp.size, root, err);
    if (rc == 0 && memcmp(root, cp.root, PA_HASH_LEN) != 0)
        rc = find_changed(src, &l, &cp, err);
    if (rc == 0 && a.failed)
        rc = pa_error_set(err, PA_ETAMPER, "%s", a.why.message);
    out->applied = a.applied;
    out->to_size = (int64_t)cp.size;
    if (rc == 0)
        rc = check_digest(db, src, (int64_t)cp.size, out, err);
    if (rc == 0)
        rc = save_state(db, (int64_t)cp.size, cp.root, note, err);
    free(l.hash);
    free(note);
    return rc;
}

int pa_replica_pull(struct pa_db *db, const struct pa_replica_source *src,
                    struct pa_replica_pull *out, struct pa_error *err)
{
    PA_ASSERT(db != NULL && src != NULL && out != NULL);
    memset(out, 0, sizeof(*out));
    out->digest_size = -1;
    struct pa_replica_info *info = malloc(sizeof(*info));
    if (info == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    int rc = pa_replica_info(db, info, err);
    int64_t logged = 0;
    if (rc == 0)
        rc = pa_tlog_size(db, &logged, err);
    if (rc == 0 && logged != info->size)
        rc = pa_error_set(err, PA_ETAMPER,
                          "the replica's own log holds %lld events but it verified %lld: it was "
                          "changed behind its back (run pairaid log verify)",
                          (long long)logged, (long long)info->size);
    out->from_size = out->to_size = info->size;
    if (rc == 0)
        rc = pa_db_begin(db, err);
    if (rc == 0)
        rc = pull_in_transaction(db, src, info, out, err);
    if (rc == 0)
        rc = pa_db_commit(db, err);
    if (rc != 0)
        pa_db_rollback(db);
    free(info);
    return rc;
}
