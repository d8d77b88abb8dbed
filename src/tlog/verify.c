/*
 * verify.c - `pairaid log verify`: everything pairaid can check about its own
 * books, naming the first difference precisely.
 *
 *  1. the events: positions 1..n with no gap, canonical bytes, and the type,
 *     actor and time columns equal to what the bytes say;
 *  2. the tree: recomputed from the events, it must equal tlog_tiles node for node;
 *     and each log's inside it (a pairing's, the province's) log_tiles;
 *  3. the checkpoints: each matches the tree at its size (a pairing's or the
 *     province's checkpoint: that log's tree, logs.c), and each signature is
 *     by a trusted key and verifies;
 *  4. what each key last signed (key_heads) is its latest checkpoint, per
 *     log; each pairing head the province log recorded (log_heads) is that
 *     log's tree at that size;
 *  5. the events replayed into a fresh database give exactly the stored tables,
 *     the built-in region list included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairaid/tlog.h"

#define LEVELS PA_TLOG_LEVELS

struct tree {
    struct pa_tlog__memtree whole;
    /* the logs inside it, by events.log: each event's leaf goes to both */
    struct log_tree {
        char name[PA_LOG_NAME_MAX + 1];
        struct pa_tlog__memtree t;
    } *logs;
    int nlogs;
};

static void tree_release(struct tree *t)
{
    pa_tlog__memtree_release(&t->whole);
    for (int i = 0; i < t->nlogs; i++)
        pa_tlog__memtree_release(&t->logs[i].t);
    free(t->logs);
    memset(t, 0, sizeof(*t));
}

/* The tree a checkpoint of `log` signs: the whole log's (NULL) or that log's,
 * made of the events read by check_events (empty if it has none). */
static int tree_of(struct tree *t, const char *log, struct pa_tlog__memtree **out,
                   struct pa_error *err)
{
    *out = &t->whole;
    if (log == NULL)
        return 0;
    for (int i = 0; i < t->nlogs; i++)
        if (strcmp(t->logs[i].name, log) == 0) {
            *out = &t->logs[i].t;
            return 0;
        }
    struct log_tree *grown = realloc(t->logs, (size_t)(t->nlogs + 1) * sizeof(*grown));
    if (grown == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    t->logs = grown;
    struct log_tree *lt = &t->logs[t->nlogs++];
    memset(lt, 0, sizeof(*lt));
    snprintf(lt->name, sizeof(lt->name), "%s", log);
    *out = &lt->t;
    return 0;
}

static int trees_build(struct tree *t, struct pa_error *err)
{
    int rc = pa_tlog__memtree_build(&t->whole, err);
    for (int i = 0; rc == 0 && i < t->nlogs; i++)
        rc = pa_tlog__memtree_build(&t->logs[i].t, err);
    return rc;
}

/* ---- 1. the events ------------------------------------------------------------ */

static int check_event_row(sqlite3_stmt *stmt, int64_t expected, struct tree *t,
                           struct pa_flat_reader *reader, struct pa_error *err)
{
    int64_t seq = sqlite3_column_int64(stmt, 0);
    if (seq != expected)
        return pa_error_set(err, PA_ETAMPER, "event %lld is missing from the log (next is %lld)",
                            (long long)expected, (long long)seq);
    const void *entry = sqlite3_column_blob(stmt, 4);
    size_t len = (size_t)sqlite3_column_bytes(stmt, 4);
    struct pa_event ev;
    struct pa_error why;
    /* the envelope is all this step reads: any flat event will do (flat.c) */
    if (!pa_flat_decode(reader, entry ? entry : "", len, &ev) &&
        pa_tlog_decode(entry ? entry : "", len, &ev, &why) != 0)
        return pa_error_set(err, PA_ETAMPER, "event %lld: %s", (long long)seq, why.message);
    const char *type = (const char *)sqlite3_column_text(stmt, 1);
    const char *actor = (const char *)sqlite3_column_text(stmt, 2);
    int rc = 0;
    if (type == NULL || strcmp(type, ev.type) != 0)
        rc = pa_error_set(err, PA_ETAMPER,
                          "table events, event %lld, column type: the entry says '%s'",
                          (long long)seq, ev.type);
    else if (actor == NULL || strcmp(actor, ev.actor) != 0)
        rc = pa_error_set(err, PA_ETAMPER,
                          "table events, event %lld, column actor: the entry says '%s'",
                          (long long)seq, ev.actor);
    else if (sqlite3_column_int64(stmt, 3) != ev.time)
        rc = pa_error_set(err, PA_ETAMPER,
                          "table events, event %lld, column time: the entry says %lld",
                          (long long)seq, (long long)ev.time);
    pa_event_release(&ev);
    /* the leaf, once, to the whole log's tree and to its own log's (whose
     * name the replay checks later) */
    const char *log = (const char *)sqlite3_column_text(stmt, 5);
    struct pa_tlog__memtree *own = NULL;
    if (rc == 0 && log)
        rc = tree_of(t, log, &own, err);
    if (rc == 0)
        rc = pa_tlog__memtree_add(&t->whole, entry ? entry : "", len, err);
    if (rc == 0 && own)
        rc = pa_tlog__memtree_add_hash(own, t->whole.level[0][t->whole.count[0] - 1], err);
    return rc;
}

static int check_events(struct pa_db *db, struct tree *t, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(pa_db_sqlite(db),
                           "SELECT seq, type, actor, time, entry, log FROM events ORDER BY seq", -1,
                           &stmt, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "reading the log");
    struct pa_flat_reader reader;
    pa_flat_reader_init(&reader);
    int rc = 0, step;
    int64_t expected = 1;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW)
        rc = check_event_row(stmt, expected++, t, &reader, err);
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading the log");
    sqlite3_finalize(stmt);
    pa_flat_reader_release(&reader);
    return rc != 0 ? rc : trees_build(t, err);
}

/* ---- 2. the stored tree ----------------------------------------------------------- */

/* Walks the expected nodes in (level, index) order beside the stored rows. */
struct cursor {
    int level;
    uint64_t index;
    bool done;
};

static void cursor_next(const struct pa_tlog__memtree *t, struct cursor *c)
{
    if (++c->index < t->count[c->level])
        return;
    c->level++;
    c->index = 0;
    c->done = c->level >= LEVELS || t->count[c->level] == 0;
}

static int before(int l1, uint64_t i1, int l2, uint64_t i2)
{
    return l1 < l2 || (l1 == l2 && i1 < i2);
}

/* The tiles being checked: the whole log's (table tlog_tiles) or one log's. */
struct tiles {
    const char *table; /* as messages name it: "tlog_tiles", "log_tiles (log 'WX-LYG')" */
    bool whole;
};

/* Compares one stored node with the expected one under the cursor. */
static int check_node(const struct pa_tlog__memtree *t, const struct tiles *which,
                      struct cursor *c, int l, uint64_t i, const unsigned char *hash,
                      struct pa_error *err)
{
    if (which->whole && l == 0 && i >= t->count[0])
        return pa_error_set(err, PA_ETAMPER,
                            "table events: event %llu is missing from the log (the tree still "
                            "holds its leaf): the log was truncated",
                            (unsigned long long)i + 1);
    if (c->done || before(l, i, c->level, c->index))
        return pa_error_set(err, PA_ETAMPER,
                            "table %s: node (level %d, index %llu) is not part of the tree",
                            which->table, l, (unsigned long long)i);
    if (before(c->level, c->index, l, i))
        return pa_error_set(err, PA_ETAMPER, "table %s: node (level %d, index %llu) is missing",
                            which->table, c->level, (unsigned long long)c->index);
    bool same = memcmp(hash, t->level[l][i], PA_HASH_LEN) == 0;
    cursor_next(t, c);
    if (!same && which->whole && l == 0)
        return pa_error_set(err, PA_ETAMPER,
                            "event %llu no longer matches its leaf hash (table tlog_tiles, "
                            "level 0, index %llu)",
                            (unsigned long long)i + 1, (unsigned long long)i);
    if (!same)
        return pa_error_set(err, PA_ETAMPER,
                            "table %s: node (level %d, index %llu) does not match the events",
                            which->table, l, (unsigned long long)i);
    return 0;
}

/* Walks the stored tiles (level, tile, hashes, in that order) beside tree t. */
static int check_tiles(struct pa_db *db, const struct pa_tlog__memtree *t, sqlite3_stmt *stmt,
                       const struct tiles *which, struct pa_error *err)
{
    struct cursor c = {0, 0, t->count[0] == 0};
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        int l = sqlite3_column_int(stmt, 0);
        uint64_t tile = (uint64_t)sqlite3_column_int64(stmt, 1);
        int bytes = sqlite3_column_bytes(stmt, 2);
        const unsigned char *hashes = sqlite3_column_blob(stmt, 2);
        if (l < 0 || l >= LEVELS || bytes % PA_HASH_LEN != 0 || bytes > 256 * PA_HASH_LEN) {
            rc = pa_error_set(err, PA_ETAMPER, "table %s: tile (level %d, %llu) is damaged",
                              which->table, l, (unsigned long long)tile);
            break;
        }
        for (int k = 0; rc == 0 && k < bytes / PA_HASH_LEN; k++)
            rc = check_node(t, which, &c, l, tile * 256 + (uint64_t)k, hashes + k * PA_HASH_LEN,
                            err);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading the tree");
    if (rc == 0 && !c.done)
        rc = pa_error_set(err, PA_ETAMPER, "table %s: node (level %d, index %llu) is missing",
                          which->table, c.level, (unsigned long long)c.index);
    return rc;
}

static int check_tree(struct pa_db *db, const struct pa_tlog__memtree *t, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(pa_db_sqlite(db),
                           "SELECT level, tile, hashes FROM tlog_tiles ORDER BY level, tile", -1,
                           &stmt, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "reading the tree");
    const struct tiles whole = {"tlog_tiles", true};
    int rc = check_tiles(db, t, stmt, &whole, err);
    sqlite3_finalize(stmt);
    return rc;
}

/* Each log's stored tree is the one its events give; a log's tiles with no
 * event of that log are not part of any tree. */
static int check_log_trees(struct pa_db *db, struct tree *all, struct pa_error *err)
{
    sqlite3_stmt *logs, *tiles;
    if (sqlite3_prepare_v2(pa_db_sqlite(db),
                           "SELECT log FROM events WHERE log IS NOT NULL UNION "
                           "SELECT log FROM log_tiles ORDER BY 1",
                           -1, &logs, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "reading the logs' trees");
    if (sqlite3_prepare_v2(pa_db_sqlite(db),
                           "SELECT level, tile, hashes FROM log_tiles WHERE log = ?1 "
                           "ORDER BY level, tile",
                           -1, &tiles, NULL) != SQLITE_OK) {
        sqlite3_finalize(logs);
        return pa_db_fail(db, err, "reading the logs' trees");
    }
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(logs)) == SQLITE_ROW) {
        char log[PA_LOG_NAME_MAX + 1], table[PA_LOG_NAME_MAX + 32];
        snprintf(log, sizeof(log), "%s", (const char *)sqlite3_column_text(logs, 0));
        snprintf(table, sizeof(table), "log_tiles (log '%s')", log);
        const struct tiles which = {table, false};
        struct pa_tlog__memtree *t;
        rc = tree_of(all, log, &t, err);
        sqlite3_reset(tiles);
        sqlite3_bind_text(tiles, 1, log, -1, SQLITE_TRANSIENT);
        if (rc == 0)
            rc = check_tiles(db, t, tiles, &which, err);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading the logs' trees");
    sqlite3_finalize(tiles);
    sqlite3_finalize(logs);
    return rc;
}

/* ---- 3. checkpoints and 4. what each key signed ----------------------------------------- */

static const struct pa_verifier *trusted_key(const struct pa_note_signature *sig,
                                             const struct pa_verifier *trusted, int ntrusted)
{
    for (int k = 0; k < ntrusted; k++)
        if (strcmp(trusted[k].name, sig->name) == 0 && trusted[k].hash == sig->hash)
            return &trusted[k];
    return NULL;
}

static int check_signatures(int64_t id, const struct pa_note *note,
                            const struct pa_verifier *trusted, int ntrusted, struct pa_error *err)
{
    for (int s = 0; ntrusted > 0 && s < note->nsigs; s++) {
        const struct pa_verifier *v = trusted_key(&note->sigs[s], trusted, ntrusted);
        if (v == NULL)
            return pa_error_set(
                err, PA_ETAMPER,
                "checkpoint %lld is signed by '%s' (%08x), which is not a trusted key",
                (long long)id, note->sigs[s].name, note->sigs[s].hash);
        struct pa_error why;
        if (pa_note_verify_signature(note, s, v, &why) != 0)
            return pa_error_set(err, PA_ETAMPER, "checkpoint %lld: %s", (long long)id, why.message);
    }
    return 0;
}

/* A checkpoint of a log inside the whole log carries that log's origin line;
 * one of the whole log, any other. */
static bool origin_fits(const char *origin, const char *log)
{
    char expected[PA_LOG_NAME_MAX + 32];
    if (log == NULL)
        return strncmp(origin, "pairaid/log/", 12) != 0;
    pa_tlog_log_origin(log, expected, sizeof(expected));
    return strcmp(origin, expected) == 0;
}

static int check_checkpoint_row(sqlite3_stmt *stmt, struct tree *all,
                                const struct pa_verifier *trusted, int ntrusted,
                                struct pa_error *err)
{
    int64_t id = sqlite3_column_int64(stmt, 0);
    const char *origin = (const char *)sqlite3_column_text(stmt, 1);
    const char *log = (const char *)sqlite3_column_text(stmt, 5);
    struct pa_tlog__memtree *t;
    int rc = tree_of(all, log, &t, err);
    if (rc != 0)
        return rc;
    uint64_t size = (uint64_t)sqlite3_column_int64(stmt, 2);
    const void *root = sqlite3_column_blob(stmt, 3);
    struct pa_note note;
    struct pa_checkpoint c;
    struct pa_error why;
    if (pa_note_parse((const char *)sqlite3_column_text(stmt, 4), &note, &why) != 0)
        return pa_error_set(err, PA_ETAMPER, "table checkpoints, checkpoint %lld, column note: %s",
                            (long long)id, why.message);
    rc = pa_checkpoint_parse(note.text, &c, &why);
    if (rc != 0)
        rc = pa_error_set(err, PA_ETAMPER, "checkpoint %lld: %s", (long long)id, why.message);
    else if (!origin_fits(c.origin, log))
        rc = pa_error_set(err, PA_ETAMPER,
                          "table checkpoints, checkpoint %lld, column log: '%s' is not the log "
                          "of its origin line '%s'",
                          (long long)id, log ? log : "NULL", c.origin);
    else if (origin == NULL || strcmp(origin, c.origin) != 0 || size != c.size ||
             sqlite3_column_bytes(stmt, 3) != PA_HASH_LEN || memcmp(root, c.root, PA_HASH_LEN) != 0)
        rc = pa_error_set(err, PA_ETAMPER,
                          "table checkpoints, checkpoint %lld: the columns origin, "
                          "size or root differ from the signed note",
                          (long long)id);
    else if (c.size > t->count[0] && log)
        rc = pa_error_set(err, PA_ETAMPER,
                          "checkpoint %lld has %llu entries but the log '%s' holds only %llu: "
                          "events were taken out of it",
                          (long long)id, (unsigned long long)c.size, log,
                          (unsigned long long)t->count[0]);
    else if (c.size > t->count[0])
        rc = pa_error_set(err, PA_ETAMPER,
                          "checkpoint %lld has %llu entries but the log holds only "
                          "%llu: the log was truncated",
                          (long long)id, (unsigned long long)c.size,
                          (unsigned long long)t->count[0]);
    if (rc == 0) {
        struct pa_merkle_source src;
        pa_tlog__memtree_source(t, &src);
        pa_hash expected;
        rc = pa_merkle_root(&src, c.size, expected, err);
        if (rc == 0 && memcmp(expected, c.root, PA_HASH_LEN) != 0)
            rc = pa_error_set(err, PA_ETAMPER,
                              "checkpoint %lld (size %llu) no longer matches the "
                              "tree of the events",
                              (long long)id, (unsigned long long)c.size);
    }
    if (rc == 0)
        rc = check_signatures(id, &note, trusted, ntrusted, err);
    pa_note_release(&note);
    return rc;
}

static int check_checkpoints(struct pa_db *db, struct tree *t, const struct pa_verifier *trusted,
                             int ntrusted, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(pa_db_sqlite(db),
                           "SELECT id, origin, size, root, note, log FROM checkpoints ORDER BY id",
                           -1,
                           &stmt, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "reading checkpoints");
    int rc = 0, step;
    int64_t expected = 1;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (sqlite3_column_int64(stmt, 0) != expected)
            rc = pa_error_set(err, PA_ETAMPER, "table checkpoints: checkpoint %lld is missing",
                              (long long)expected);
        else
            rc = check_checkpoint_row(stmt, t, trusted, ntrusted, err);
        expected++;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading checkpoints");
    sqlite3_finalize(stmt);
    return rc;
}

/* Every key that signed a checkpoint has its row in key_heads. */
static int check_signers_known(struct pa_db *db, struct pa_error *err)
{
    sqlite3_stmt *stmt, *known;
    if (sqlite3_prepare_v2(pa_db_sqlite(db),
                           "SELECT id, note, coalesce(log, '') FROM checkpoints ORDER BY id", -1,
                           &stmt, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "reading checkpoints");
    if (sqlite3_prepare_v2(pa_db_sqlite(db),
                           "SELECT 1 FROM key_heads WHERE key_name = ?1 AND log = ?2", -1, &known,
                           NULL) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return pa_db_fail(db, err, "reading key_heads");
    }
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct pa_note note;
        if (pa_note_parse((const char *)sqlite3_column_text(stmt, 1), &note, NULL) != 0)
            continue; /* reported by check_checkpoints */
        for (int i = 0; rc == 0 && i < note.nsigs; i++) {
            sqlite3_reset(known);
            sqlite3_bind_text(known, 1, note.sigs[i].name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(known, 2, (const char *)sqlite3_column_text(stmt, 2), -1,
                              SQLITE_TRANSIENT);
            int found = sqlite3_step(known);
            if (found == SQLITE_DONE)
                rc = pa_error_set(err, PA_ETAMPER,
                                  "table key_heads: key '%s' signed checkpoint "
                                  "%lld but its row is missing",
                                  note.sigs[i].name, (long long)sqlite3_column_int64(stmt, 0));
            else if (found != SQLITE_ROW)
                rc = pa_db_fail(db, err, "reading key_heads");
        }
        pa_note_release(&note);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading checkpoints");
    sqlite3_finalize(known);
    sqlite3_finalize(stmt);
    return rc;
}

/* The newest checkpoint signed by v must be what key_heads remembers. */
static int check_key_head(struct pa_db *db, const struct pa_verifier *v, const char *log,
                          uint64_t size, const char *root_hex, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(pa_db_sqlite(db),
                           "SELECT size, hex(root), note FROM checkpoints "
                           "WHERE coalesce(log, '') = ?1 ORDER BY id DESC",
                           -1, &stmt, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "reading checkpoints");
    sqlite3_bind_text(stmt, 1, log, -1, SQLITE_STATIC);
    int rc = 1; /* not found yet */
    int step = SQLITE_DONE;
    while (rc == 1 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct pa_note note;
        if (pa_note_parse((const char *)sqlite3_column_text(stmt, 2), &note, NULL) != 0)
            continue;
        for (int i = 0; rc == 1 && i < note.nsigs; i++) {
            if (strcmp(note.sigs[i].name, v->name) != 0 || note.sigs[i].hash != v->hash)
                continue;
            bool same = (uint64_t)sqlite3_column_int64(stmt, 0) == size && root_hex &&
                        strcmp((const char *)sqlite3_column_text(stmt, 1), root_hex) == 0;
            rc = same ? 0
                      : pa_error_set(err, PA_ETAMPER,
                                     "table key_heads, key '%s': what it signed "
                                     "last is not its newest checkpoint",
                                     v->name);
        }
        pa_note_release(&note);
    }
    if (rc == 1 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading checkpoints");
    sqlite3_finalize(stmt);
    return rc == 1 ? pa_error_set(err, PA_ETAMPER,
                                  "table checkpoints: the checkpoint '%s' last signed (size "
                                  "%llu) is missing",
                                  v->name, (unsigned long long)size)
                   : rc;
}

/* What a key last signed must be the newest checkpoint carrying its signature. */
static int check_key_heads(struct pa_db *db, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(
            pa_db_sqlite(db),
            "SELECT key_name, verifier, size, hex(root), log FROM key_heads ORDER BY log, key_name",
            -1,
            &stmt, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "reading key_heads");
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 0);
        struct pa_verifier v;
        if (pa_verifier_parse((const char *)sqlite3_column_text(stmt, 1), &v, NULL) != 0 ||
            strcmp(v.name, name) != 0) {
            rc = pa_error_set(
                err, PA_ETAMPER,
                "table key_heads, key '%s', column verifier: not that key's verifier key", name);
            break;
        }
        const char *log = (const char *)sqlite3_column_text(stmt, 4);
        rc = check_key_head(db, &v, log ? log : "", (uint64_t)sqlite3_column_int64(stmt, 2),
                            (const char *)sqlite3_column_text(stmt, 3), err);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading key_heads");
    sqlite3_finalize(stmt);
    return rc;
}

/* Each pairing head the province log recorded is that log's tree at that
 * size: a pairing whose events changed after the province recorded them
 * cannot hide it by signing anew. */
static int check_log_head(struct tree *all, sqlite3_stmt *stmt, struct pa_error *err)
{
    const char *log = (const char *)sqlite3_column_text(stmt, 0);
    uint64_t size = (uint64_t)sqlite3_column_int64(stmt, 1);
    const char *root = (const char *)sqlite3_column_text(stmt, 2);
    struct pa_tlog__memtree *t;
    struct pa_merkle_source src;
    pa_hash expected;
    char b64[64];
    int rc = tree_of(all, log, &t, err);
    if (rc == 0 && size > t->count[0])
        return pa_error_set(err, PA_ETAMPER,
                            "table log_heads: the province log records the log '%s' at size %llu, "
                            "but it holds only %llu events",
                            log, (unsigned long long)size, (unsigned long long)t->count[0]);
    pa_tlog__memtree_source(t, &src);
    if (rc == 0)
        rc = pa_merkle_root(&src, size, expected, err);
    pa_base64(expected, PA_HASH_LEN, b64, sizeof(b64));
    if (rc == 0 && (root == NULL || strcmp(root, b64) != 0))
        rc = pa_error_set(err, PA_ETAMPER,
                          "table log_heads: the province log records the log '%s' at size %llu "
                          "with another root than its events give",
                          log, (unsigned long long)size);
    return rc;
}

static int check_log_heads(struct pa_db *db, struct tree *t, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(pa_db_sqlite(db), "SELECT log, size, root FROM log_heads ORDER BY seq",
                           -1, &stmt, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "reading the pairings' log heads");
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW)
        rc = check_log_head(t, stmt, err);
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading the pairings' log heads");
    sqlite3_finalize(stmt);
    return rc;
}

/* ---- 5. replay and compare ------------------------------------------------------- */

static int replay_into(struct pa_db *db, struct pa_db *fresh, struct pa_error *err)
{
    int rc = pa_db_begin(fresh, err);
    if (rc == 0)
        rc = pa_tlog__replay(db, fresh, err);
    if (rc == 0)
        rc = pa_db_commit(fresh, err);
    if (rc != 0)
        pa_db_rollback(fresh);
    return rc;
}

/* "ORDER BY" over the table's primary key, from PRAGMA table_info. */
static int key_order(struct pa_db *db, const char *table, char *order, size_t size, int *nkey,
                     struct pa_error *err)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "PRAGMA table_info(\"%s\")", table);
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(pa_db_sqlite(db), sql, -1, &stmt, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "reading the schema");
    const char *cols[16] = {0};
    char names[16][64];
    *nkey = 0;
    int step;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        int pk = sqlite3_column_int(stmt, 5);
        if (pk > 0 && pk <= 16) {
            snprintf(names[pk - 1], sizeof(names[0]), "%s", sqlite3_column_text(stmt, 1));
            cols[pk - 1] = names[pk - 1];
            (*nkey)++;
        }
    }
    sqlite3_finalize(stmt);
    if (step != SQLITE_DONE)
        return pa_db_fail(db, err, "reading the schema");
    order[0] = '\0';
    for (int i = 0; i < *nkey; i++)
        snprintf(order + strlen(order), size - strlen(order), "%s\"%s\"", i ? ", " : "", cols[i]);
    return *nkey > 0 ? 0 : pa_error_set(err, PA_EINTERNAL, "table %s has no primary key", table);
}

/* The key of the current row, for messages: "code=LYG-MS-001" or "level=0, idx=3". */
static void describe_key(sqlite3_stmt *stmt, int nkey, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int i = 0; i < nkey; i++) {
        const char *v = (const char *)sqlite3_column_text(stmt, i);
        char excerpt[80];
        pa_text_excerpt(v ? v : "NULL", excerpt, sizeof(excerpt));
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? "/" : "", excerpt);
    }
}

static int compare_values(sqlite3_stmt *a, sqlite3_stmt *b, int col)
{
    int ta = sqlite3_column_type(a, col), tb = sqlite3_column_type(b, col);
    if (ta != tb)
        return 1;
    if (ta == SQLITE_NULL)
        return 0;
    if (ta == SQLITE_INTEGER)
        return sqlite3_column_int64(a, col) != sqlite3_column_int64(b, col);
    int na = sqlite3_column_bytes(a, col), nb = sqlite3_column_bytes(b, col);
    const void *pa =
        ta == SQLITE_BLOB ? sqlite3_column_blob(a, col) : (const void *)sqlite3_column_text(a, col);
    const void *pb =
        tb == SQLITE_BLOB ? sqlite3_column_blob(b, col) : (const void *)sqlite3_column_text(b, col);
    return na != nb || (na > 0 && memcmp(pa, pb, (size_t)na) != 0);
}

static void value_text(sqlite3_stmt *s, int col, char *buf, size_t size)
{
    const char *v = sqlite3_column_type(s, col) == SQLITE_NULL
                        ? "NULL"
                        : (const char *)sqlite3_column_text(s, col);
    pa_text_excerpt(v ? v : "", buf, size);
}

/* Compares the key columns of two rows: <0, 0, >0 as the live row sorts. */
static int compare_keys(sqlite3_stmt *live, sqlite3_stmt *fresh, int nkey)
{
    for (int i = 0; i < nkey; i++) {
        if (sqlite3_column_type(live, i) == SQLITE_INTEGER &&
            sqlite3_column_type(fresh, i) == SQLITE_INTEGER) {
            sqlite3_int64 x = sqlite3_column_int64(live, i), y = sqlite3_column_int64(fresh, i);
            if (x != y)
                return x < y ? -1 : 1;
            continue;
        }
        const char *x = (const char *)sqlite3_column_text(live, i);
        const char *y = (const char *)sqlite3_column_text(fresh, i);
        int c = strcmp(x ? x : "", y ? y : "");
        if (c != 0)
            return c;
    }
    return 0;
}

static int compare_rows(const char *table, sqlite3_stmt *live, sqlite3_stmt *fresh, int nkey,
                        struct pa_error *err)
{
    for (int c = nkey; c < sqlite3_column_count(live); c++) {
        if (!compare_values(live, fresh, c))
            continue;
        char key[200], expected[80], found[80];
        describe_key(live, nkey, key, sizeof(key));
        value_text(fresh, c, expected, sizeof(expected));
        value_text(live, c, found, sizeof(found));
        return pa_error_set(err, PA_ETAMPER,
                            "table %s, key %s, column %s: expected '%s' (replayed "
                            "from the log), found '%s'",
                            table, key, sqlite3_column_name(live, c), expected, found);
    }
    return 0;
}

static int compare_table(struct pa_db *db, struct pa_db *fresh, const char *table,
                         struct pa_error *err)
{
    char order[256], sql[1024];
    int nkey = 0; /* set by key_order; gcc -O1 (the TSan build) cannot see that */
    int rc = key_order(fresh, table, order, sizeof(order), &nkey, err);
    if (rc != 0)
        return rc;
    /* key columns first, then every column, so that messages can name both */
    snprintf(sql, sizeof(sql), "SELECT %s, * FROM \"%s\" ORDER BY %s", order, table, order);
    sqlite3_stmt *a = NULL, *b = NULL;
    if (sqlite3_prepare_v2(pa_db_sqlite(db), sql, -1, &a, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(pa_db_sqlite(fresh), sql, -1, &b, NULL) != SQLITE_OK) {
        sqlite3_finalize(a);
        return pa_db_fail(db, err, "comparing tables");
    }
    int sa = sqlite3_step(a), sb = sqlite3_step(b);
    for (;;) {
        /* only the end of the rows ends a table: a page that cannot be read is
         * the database's failure, not a row deleted behind pairaid's back */
        if (sa != SQLITE_ROW && sa != SQLITE_DONE) {
            rc = pa_db_fail(db, err, "reading the tables");
            break;
        }
        if (sb != SQLITE_ROW && sb != SQLITE_DONE) {
            rc = pa_db_fail(fresh, err, "replaying the tables");
            break;
        }
        if (rc != 0 || (sa == SQLITE_DONE && sb == SQLITE_DONE))
            break;
        int order_cmp = sa != SQLITE_ROW ? 1 : sb != SQLITE_ROW ? -1 : compare_keys(a, b, nkey);
        char key[200];
        if (order_cmp < 0) {
            describe_key(a, nkey, key, sizeof(key));
            rc = pa_error_set(err, PA_ETAMPER,
                              "table %s, key %s: a row the log does not explain "
                              "(added behind pairaid's back)",
                              table, key);
        } else if (order_cmp > 0) {
            describe_key(b, nkey, key, sizeof(key));
            rc = pa_error_set(err, PA_ETAMPER,
                              "table %s, key %s: the row is missing (deleted "
                              "behind pairaid's back)",
                              table, key);
        } else {
            rc = compare_rows(table, a, b, nkey, err);
            sa = sqlite3_step(a);
            sb = sqlite3_step(b);
        }
    }
    sqlite3_finalize(a);
    sqlite3_finalize(b);
    return rc;
}

static int check_projection(struct pa_db *db, struct pa_error *err)
{
    struct pa_db *fresh = NULL;
    int rc = pa_db_open(&fresh, ":memory:", PA_DB_CREATE, err);
    if (rc == 0)
        rc = replay_into(db, fresh, err);
    if (rc == 0)
        rc = compare_table(db, fresh, "regions", err);
    for (int i = 0; rc == 0 && pa_tlog__table(i); i++)
        rc = compare_table(db, fresh, pa_tlog__table(i), err);
    pa_db_free(fresh);
    return rc;
}

int pa_tlog_verify(struct pa_db *db, const struct pa_verifier *trusted, int ntrusted,
                   struct pa_error *err)
{
    struct tree t;
    memset(&t, 0, sizeof(t));
    int rc = check_events(db, &t, err);
    if (rc == 0)
        rc = check_tree(db, &t.whole, err);
    if (rc == 0)
        rc = check_checkpoints(db, &t, trusted, ntrusted, err);
    if (rc == 0)
        rc = check_key_heads(db, err);
    if (rc == 0)
        rc = check_signers_known(db, err);
    if (rc == 0)
        rc = check_log_heads(db, &t, err);
    /* after what the checkpoints say, which names a truncation as one */
    if (rc == 0)
        rc = check_log_trees(db, &t, err);
    tree_release(&t);
    if (rc == 0)
        rc = check_projection(db, err);
    return rc;
}
