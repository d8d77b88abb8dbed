/*
 * checkpoint.c - signing tree heads, and the witness step.  A checkpoint is
 * kept as the whole signed note; what each key last signed is kept apart
 * (key_heads), because a witness must refuse to sign a tree that does not extend
 * the one it signed before, whatever the log now claims.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairaid/tlog.h"

int pa_tlog_origin(struct pa_db *db, char *buf, size_t size, struct pa_error *err)
{
    static const char sql[] = "SELECT group_concat(code, ',') FROM "
                              "(SELECT code FROM pairings WHERE parent IS NULL ORDER BY code)";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *codes = (const char *)sqlite3_column_text(stmt, 0);
        snprintf(buf, size, "pairaid/%s", codes ? codes : "empty");
    } else {
        rc = pa_db_fail(db, err, "reading pairings");
    }
    sqlite3_reset(stmt);
    return rc;
}

/* The head of the tree v reads, with the origin line of its log. */
static int current_head(struct pa_db *db, struct pa_tlog__view *v, struct pa_checkpoint *c,
                        struct pa_error *err)
{
    memset(c, 0, sizeof(*c));
    int rc = 0;
    if (v->log)
        pa_tlog_log_origin(v->log, c->origin, sizeof(c->origin));
    else
        rc = pa_tlog_origin(db, c->origin, sizeof(c->origin), err);
    c->size = v->size;
    return rc != 0 ? rc : pa_merkle_root(&v->src, c->size, c->root, err);
}

/* key_heads names the whole log '' */
static const char *log_key(const char *log)
{
    return log ? log : "";
}

static int remember_head(struct pa_db *db, const char *log, const struct pa_signer *signer,
                         const struct pa_checkpoint *c, struct pa_error *err)
{
    static const char sql[] = "INSERT OR REPLACE INTO key_heads(key_name, verifier, size, root, log) "
                              "VALUES (?1, ?2, ?3, ?4, ?5)";
    const struct pa_verifier *v = pa_signer_verifier(signer);
    char vkey[256];
    pa_verifier_format(v, vkey, sizeof(vkey));
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, v->name);
    pa_db_bind_text(stmt, 2, vkey);
    sqlite3_bind_int64(stmt, 3, (sqlite3_int64)c->size);
    sqlite3_bind_blob(stmt, 4, c->root, PA_HASH_LEN, SQLITE_STATIC);
    pa_db_bind_text(stmt, 5, log_key(log));
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, "remembering a signed checkpoint");
    sqlite3_reset(stmt);
    return rc;
}

static int store_checkpoint(struct pa_db *db, const char *log, const struct pa_checkpoint *c,
                            const char *note, bool replace_latest, struct pa_error *err)
{
    static const char insert[] =
        "INSERT INTO checkpoints(origin, size, root, note, log) VALUES (?1, ?2, ?3, ?4, ?5)";
    static const char update[] =
        "UPDATE checkpoints SET note = ?4 WHERE id = (SELECT max(id) FROM checkpoints "
        "WHERE log IS ?5) AND origin = ?1 AND size = ?2 AND root = ?3";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, replace_latest ? update : insert, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, c->origin);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)c->size);
    sqlite3_bind_blob(stmt, 3, c->root, PA_HASH_LEN, SQLITE_STATIC);
    pa_db_bind_text(stmt, 4, note);
    if (log)
        pa_db_bind_text(stmt, 5, log);
    else
        sqlite3_bind_null(stmt, 5);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, "storing a checkpoint");
    sqlite3_reset(stmt);
    return rc;
}

static char *concat(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s%s%s", a, b, c);
    return out;
}

int pa_tlog_checkpoint(struct pa_db *db, const char *log, const struct pa_signer *signer,
                       char **note, struct pa_error *err)
{
    PA_ASSERT(pa_db_in_transaction(db));
    struct pa_checkpoint c;
    struct pa_tlog__view v;
    char *text = NULL, *line = NULL;
    *note = NULL;
    int rc = pa_tlog__view_open(db, log, &v, err);
    if (rc == 0)
        rc = current_head(db, &v, &c, err);
    if (rc == 0)
        rc = pa_checkpoint_text(&c, &text, err);
    if (rc == 0)
        rc = pa_note_sign(text, signer, &line, err);
    if (rc == 0 && (*note = concat(text, "\n", line)) == NULL)
        rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    if (rc == 0)
        rc = store_checkpoint(db, log, &c, *note, false, err);
    if (rc == 0)
        rc = remember_head(db, log, signer, &c, err);
    /* the province log binds the pairings' (docs/scale-out.md) */
    if (rc == 0 && log && strcmp(log, PA_LOG_PROVINCE) != 0)
        rc = pa_tlog__record_head(db, log, c.size, c.root, err);
    free(text);
    free(line);
    return rc;
}

int pa_tlog_latest_checkpoint(struct pa_db *db, const char *log, char **note,
                              struct pa_error *err)
{
    static const char sql[] = "SELECT note FROM checkpoints WHERE log IS ?1 ORDER BY id DESC LIMIT 1";
    sqlite3_stmt *stmt;
    *note = NULL;
    int rc = pa_tlog_log_check(db, log, err);
    if (rc == 0)
        rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    if (log)
        pa_db_bind_text(stmt, 1, log);
    else
        sqlite3_bind_null(stmt, 1); /* the statement is kept: clear what it held */
    int step = sqlite3_step(stmt);
    if (step == SQLITE_ROW)
        *note = strdup((const char *)sqlite3_column_text(stmt, 0));
    sqlite3_reset(stmt);
    if (step == SQLITE_DONE && log)
        return pa_error_set(err, PA_ENOTFOUND,
                            "no checkpoint of the log '%s' yet: run 'pairaid log checkpoint --log "
                            "%s --key FILE'",
                            log, log);
    if (step == SQLITE_DONE)
        return pa_error_set(err, PA_ENOTFOUND,
                            "no checkpoint yet: run 'pairaid log checkpoint --key FILE'");
    if (step != SQLITE_ROW)
        return pa_db_fail(db, err, "reading checkpoints");
    return *note ? 0 : pa_error_set(err, PA_ENOMEM, "out of memory");
}

int pa_tlog_signers_json(struct pa_db *db, const char *log, json_t **out, struct pa_error *err)
{
    /* the time of the last event of the tree each key signed: in one log, the
     * size-th of its events */
    static const char sql[] =
        "WITH logged(n, time) AS (SELECT row_number() OVER (ORDER BY seq), time FROM events "
        "WHERE log = ?1) "
        "SELECT k.key_name, k.verifier, k.size, CASE WHEN k.log = '' "
        "THEN (SELECT e.time FROM events e WHERE e.seq = k.size) "
        "ELSE (SELECT l.time FROM logged l WHERE l.n = k.size) END "
        "FROM key_heads k WHERE k.log = ?1 ORDER BY k.key_name";
    *out = NULL;
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, log_key(log));
    json_t *list = json_array();
    int step;
    while (list && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        json_t *time = sqlite3_column_type(stmt, 3) == SQLITE_NULL
                           ? json_null()
                           : json_integer(sqlite3_column_int64(stmt, 3));
        json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:o}", "name",
                                              (const char *)sqlite3_column_text(stmt, 0),
                                              "verifier", (const char *)sqlite3_column_text(stmt, 1),
                                              "size", (json_int_t)sqlite3_column_int64(stmt, 2),
                                              "time", time));
    }
    sqlite3_reset(stmt);
    if (list == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    if (step != SQLITE_DONE) {
        json_decref(list);
        return pa_db_fail(db, err, "reading key_heads");
    }
    *out = list;
    return 0;
}

/* What this key signed last: *found false if it never signed. */
static int key_head(struct pa_db *db, const char *log, const char *name,
                    struct pa_checkpoint *head, bool *found, struct pa_error *err)
{
    static const char sql[] = "SELECT size, root FROM key_heads WHERE key_name = ?1 AND log = ?2";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, name);
    pa_db_bind_text(stmt, 2, log_key(log));
    int step = sqlite3_step(stmt);
    *found = step == SQLITE_ROW;
    if (*found) {
        head->size = (uint64_t)sqlite3_column_int64(stmt, 0);
        if (sqlite3_column_bytes(stmt, 1) == PA_HASH_LEN)
            memcpy(head->root, sqlite3_column_blob(stmt, 1), PA_HASH_LEN);
        else
            rc = pa_error_set(err, PA_ETAMPER, "what key '%s' signed last is damaged", name);
    } else if (step != SQLITE_DONE) {
        rc = pa_db_fail(db, err, "reading key_heads");
    }
    sqlite3_reset(stmt);
    return rc;
}

/* The witness's check: the new head extends the one this key signed before. */
static int check_extends(struct pa_tlog__view *v, const char *name,
                         const struct pa_checkpoint *old, const struct pa_checkpoint *now,
                         struct pa_error *err)
{
    if (now->size < old->size)
        return pa_error_set(err, PA_ETAMPER,
                            "refused: '%s' signed a tree of %llu entries; this one has %llu "
                            "(a rollback)",
                            name, (unsigned long long)old->size, (unsigned long long)now->size);
    if (old->size == 0)
        return 0;
    pa_hash proof[PA_PROOF_MAX];
    int n = 0;
    /* a proof that cannot be read (a busy or damaged database) is not a fork:
     * only one that does not verify is */
    int rc = pa_merkle_consistency_proof(&v->src, old->size, now->size, proof, &n, err);
    if (rc != 0)
        return rc;
    if (pa_merkle_verify_consistency(old->size, now->size, old->root, now->root, proof, n,
                                     NULL) != 0)
        return pa_error_set(err, PA_ETAMPER,
                            "refused: this tree is not an extension of the one '%s' signed at "
                            "size %llu (a fork)",
                            name, (unsigned long long)old->size);
    return 0;
}

/* The witness's checks of checkpoint c against the tree v reads and what this
 * key signed before of the same log. */
static int check_cosign(struct pa_db *db, struct pa_tlog__view *v, const struct pa_checkpoint *c,
                        const struct pa_note *parsed, const char *name, struct pa_error *err)
{
    struct pa_checkpoint tree, old;
    bool signed_before = false;
    /* the checkpoint must describe this log: recompute its root from the tree */
    int rc = current_head(db, v, &tree, err);
    if (rc == 0 && c->size > tree.size)
        rc = pa_error_set(err, PA_ETAMPER, "refused: the checkpoint has %llu entries, the log %llu",
                          (unsigned long long)c->size, (unsigned long long)tree.size);
    if (rc == 0) {
        rc = pa_merkle_root(&v->src, c->size, tree.root, err);
        if (rc == 0 && memcmp(tree.root, c->root, PA_HASH_LEN) != 0)
            rc = pa_error_set(err, PA_ETAMPER, "refused: the checkpoint's root is not the log's");
    }
    if (rc == 0)
        rc = key_head(db, v->log, name, &old, &signed_before, err);
    if (rc == 0 && signed_before)
        rc = check_extends(v, name, &old, c, err);
    for (int i = 0; rc == 0 && i < parsed->nsigs; i++)
        if (strcmp(parsed->sigs[i].name, name) == 0)
            rc = pa_error_set(err, PA_EEXIST, "'%s' has already signed this checkpoint", name);
    return rc;
}

int pa_tlog_cosign(struct pa_db *db, const char *log, const struct pa_signer *signer, char **note,
                   struct pa_error *err)
{
    PA_ASSERT(pa_db_in_transaction(db));
    char *latest = NULL, *line = NULL;
    struct pa_note parsed = {0};
    struct pa_checkpoint c;
    struct pa_tlog__view v;
    const char *name = pa_signer_verifier(signer)->name;
    *note = NULL;
    int rc = pa_tlog__view_open(db, log, &v, err);
    if (rc == 0)
        rc = pa_tlog_latest_checkpoint(db, log, &latest, err);
    if (rc == 0)
        rc = pa_note_parse(latest, &parsed, err);
    if (rc == 0)
        rc = pa_checkpoint_parse(parsed.text, &c, err);
    if (rc == 0)
        rc = check_cosign(db, &v, &c, &parsed, name, err);
    if (rc == 0)
        rc = pa_note_sign(parsed.text, signer, &line, err);
    if (rc == 0 && (*note = concat(latest, line, "")) == NULL)
        rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    if (rc == 0)
        rc = store_checkpoint(db, log, &c, *note, true, err);
    if (rc == 0)
        rc = remember_head(db, log, signer, &c, err);
    pa_note_release(&parsed);
    free(latest);
    free(line);
    return rc;
}
