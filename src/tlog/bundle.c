/*
 * bundle.c - the audit log as plain files, for an auditor who receives files
 * instead of a database: the event bytes, the signed checkpoints and the
 * verifier keys (and the digest of the tables, for replicas).  Loading a bundle rebuilds the log
 * (tree and tables) in an empty database, where pa_tlog_verify checks it like any other.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pairaid/tlog.h"

#define ENTRY_MAX_BYTES (1 << 20)

static int open_in(const char *dir, const char *name, const char *mode, FILE **f,
                   struct pa_error *err)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    *f = fopen(path, mode);
    if (*f == NULL)
        return pa_error_set(err, errno == ENOENT ? PA_ENOTFOUND : PA_EIO, "cannot open '%s': %s",
                            path, strerror(errno));
    return 0;
}

static int export_entries(struct pa_db *db, const char *dir, struct pa_error *err)
{
    FILE *f;
    sqlite3_stmt *stmt;
    int rc = open_in(dir, "entries", "w", &f, err);
    if (rc != 0)
        return rc;
    if (sqlite3_prepare_v2(pa_db_sqlite(db), "SELECT entry FROM events ORDER BY seq", -1, &stmt,
                           NULL) != SQLITE_OK) {
        fclose(f);
        return pa_db_fail(db, err, "reading the log");
    }
    char *b64 = malloc(ENTRY_MAX_BYTES * 4 / 3 + 8);
    rc = b64 ? 0 : pa_error_set(err, PA_ENOMEM, "out of memory");
    int step = SQLITE_DONE;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        int n = sqlite3_column_bytes(stmt, 0);
        if (n > ENTRY_MAX_BYTES)
            rc = pa_error_set(err, PA_ETAMPER, "an event is larger than 1 MiB");
        else {
            pa_base64(sqlite3_column_blob(stmt, 0), (size_t)n, b64, ENTRY_MAX_BYTES * 4 / 3 + 8);
            fprintf(f, "%s\n", b64);
        }
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading the log");
    free(b64);
    sqlite3_finalize(stmt);
    if (fclose(f) != 0 && rc == 0)
        rc = pa_error_set(err, PA_EIO, "cannot write the entries");
    return rc;
}

static int export_checkpoints(struct pa_db *db, const char *dir, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(pa_db_sqlite(db), "SELECT id, note FROM checkpoints ORDER BY id", -1,
                           &stmt, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "reading checkpoints");
    int rc = 0, step = SQLITE_DONE;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        char name[64];
        FILE *f;
        snprintf(name, sizeof(name), "checkpoint-%04lld.txt",
                 (long long)sqlite3_column_int64(stmt, 0));
        rc = open_in(dir, name, "w", &f, err);
        if (rc == 0) {
            fputs((const char *)sqlite3_column_text(stmt, 1), f);
            if (fclose(f) != 0)
                rc = pa_error_set(err, PA_EIO, "cannot write '%s'", name);
        }
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading checkpoints");
    sqlite3_finalize(stmt);
    return rc;
}

static int export_keys(struct pa_db *db, const char *dir, struct pa_error *err)
{
    FILE *f;
    sqlite3_stmt *stmt;
    int rc = open_in(dir, "keys", "w", &f, err);
    if (rc != 0)
        return rc;
    if (sqlite3_prepare_v2(pa_db_sqlite(db), "SELECT DISTINCT verifier FROM key_heads ORDER BY key_name", -1,
                           &stmt, NULL) != SQLITE_OK) {
        fclose(f);
        return pa_db_fail(db, err, "reading key_heads");
    }
    int step;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
        fprintf(f, "%s\n", sqlite3_column_text(stmt, 0));
    rc = step == SQLITE_DONE ? 0 : pa_db_fail(db, err, "reading key_heads");
    sqlite3_finalize(stmt);
    if (fclose(f) != 0 && rc == 0)
        rc = pa_error_set(err, PA_EIO, "cannot write the keys");
    return rc;
}

/* DIR/digest: the digest of the tables at the bundle's size, for a replica
 * made from bundles (src/replica/) to compare with its own. */
static int export_digest(struct pa_db *db, const char *dir, struct pa_error *err)
{
    struct pa_digest *d = malloc(sizeof(*d));
    if (d == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    int rc = pa_tlog_digest(db, d, err);
    json_t *j = rc == 0 ? pa_digest_json(d) : NULL;
    free(d);
    if (rc == 0 && j == NULL)
        rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    FILE *f = NULL;
    if (rc == 0)
        rc = open_in(dir, "digest", "w", &f, err);
    if (rc == 0) {
        json_dumpf(j, f, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc('\n', f);
        if (fclose(f) != 0)
            rc = pa_error_set(err, PA_EIO, "cannot write the digest");
    }
    json_decref(j);
    return rc;
}

int pa_tlog_export(struct pa_db *db, const char *dir, struct pa_error *err)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return pa_error_set(err, PA_EIO, "cannot create '%s': %s", dir, strerror(errno));
    /* one snapshot, so that the digest is of the tables at the entries' size */
    bool own = !pa_db_in_transaction(db);
    int rc = own ? pa_db_exec(db, "BEGIN", err) : 0;
    if (rc == 0)
        rc = export_entries(db, dir, err);
    if (rc == 0)
        rc = export_checkpoints(db, dir, err);
    if (rc == 0)
        rc = export_keys(db, dir, err);
    if (rc == 0)
        rc = export_digest(db, dir, err);
    if (own && pa_db_in_transaction(db))
        sqlite3_exec(pa_db_sqlite(db), rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* ---- loading ------------------------------------------------------------------------ */

static int load_entries(struct pa_db *db, const char *dir, struct pa_error *err)
{
    FILE *f;
    int rc = open_in(dir, "entries", "r", &f, err);
    if (rc != 0)
        return rc;
    size_t cap = ENTRY_MAX_BYTES * 4 / 3 + 8;
    char *line = malloc(cap);
    unsigned char *entry = malloc(ENTRY_MAX_BYTES);
    rc = line && entry ? 0 : pa_error_set(err, PA_ENOMEM, "out of memory");
    for (long n = 1; rc == 0 && fgets(line, (int)cap, f); n++) {
        size_t len = strcspn(line, "\r\n"), bin = 0;
        const char *end;
        struct pa_event ev;
        struct pa_error why;
        if (sodium_base642bin(entry, ENTRY_MAX_BYTES, line, len, NULL, &bin, &end,
                              sodium_base64_VARIANT_ORIGINAL) != 0 ||
            end != line + len)
            rc = pa_error_set(err, PA_ETAMPER, "entries:%ld: not base64", n);
        else if (pa_tlog_decode(entry, bin, &ev, &why) != 0)
            rc = pa_error_set(err, PA_ETAMPER, "entries:%ld: %s", n, why.message);
        else {
            if (pa_tlog__append_decoded(db, entry, bin, &ev, &why) != 0)
                rc = pa_error_set(err, PA_ETAMPER, "entries:%ld: %s", n, why.message);
            pa_event_release(&ev);
        }
    }
    free(line);
    free(entry);
    fclose(f);
    return rc;
}

static int store_note(struct pa_db *db, const char *text, const char *name, struct pa_error *err)
{
    struct pa_note note;
    struct pa_checkpoint c;
    struct pa_error why;
    int rc = pa_note_parse(text, &note, &why);
    if (rc != 0)
        return pa_error_set(err, PA_ETAMPER, "%s: %s", name, why.message);
    rc = pa_checkpoint_parse(note.text, &c, &why);
    pa_note_release(&note);
    if (rc != 0)
        return pa_error_set(err, PA_ETAMPER, "%s: %s", name, why.message);
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(
            pa_db_sqlite(db),
            "INSERT INTO checkpoints(origin, size, root, note, log) VALUES (?1, ?2, ?3, ?4, ?5)",
            -1, &stmt, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "storing a checkpoint");
    sqlite3_bind_text(stmt, 1, c.origin, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)c.size);
    sqlite3_bind_blob(stmt, 3, c.root, PA_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 4, text, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 5, pa_tlog__origin_log(c.origin), -1, SQLITE_STATIC);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, "storing a checkpoint");
    sqlite3_finalize(stmt);
    return rc;
}

static int load_checkpoints(struct pa_db *db, const char *dir, struct pa_error *err)
{
    int rc = 0;
    for (int i = 1; rc == 0 && i < 100000; i++) {
        char name[64];
        FILE *f;
        snprintf(name, sizeof(name), "checkpoint-%04d.txt", i);
        if (open_in(dir, name, "r", &f, NULL) != 0)
            break;
        char text[16384];
        size_t n = fread(text, 1, sizeof(text) - 1, f);
        text[n] = '\0';
        fclose(f);
        rc = store_note(db, text, name, err);
    }
    return rc;
}

/* What each key signed last of each log: the newest checkpoint of that log
 * carrying its signature. */
static int load_keys(struct pa_db *db, const char *dir, struct pa_verifier *keys, int max,
                     int *nkeys, struct pa_error *err)
{
    static const char sql[] =
        "INSERT INTO key_heads(log, key_name, verifier, size, root) "
        "SELECT coalesce(c.log, ''), ?1, ?2, c.size, c.root FROM checkpoints c "
        "WHERE c.id = (SELECT max(d.id) FROM checkpoints d WHERE d.log IS c.log "
        "AND instr(d.note, char(10) || ?3) > 0)";
    FILE *f;
    *nkeys = 0;
    int rc = open_in(dir, "keys", "r", &f, err);
    if (rc != 0)
        return rc;
    char line[512];
    while (rc == 0 && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0')
            continue;
        if (*nkeys == max || pa_verifier_parse(line, &keys[*nkeys], err) != 0) {
            rc = pa_error_set(err, PA_ETAMPER, "keys: '%.60s' is not a verifier key", line);
            break;
        }
        char signed_by[PA_KEY_NAME_MAX + 8];
        snprintf(signed_by, sizeof(signed_by), "\xE2\x80\x94 %s ", keys[*nkeys].name);
        sqlite3_stmt *stmt;
        if (sqlite3_prepare_v2(pa_db_sqlite(db), sql, -1, &stmt, NULL) != SQLITE_OK) {
            rc = pa_db_fail(db, err, "storing keys");
            break;
        }
        sqlite3_bind_text(stmt, 1, keys[*nkeys].name, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, line, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 3, signed_by, -1, SQLITE_STATIC);
        if (sqlite3_step(stmt) != SQLITE_DONE)
            rc = pa_db_fail(db, err, "storing keys");
        sqlite3_finalize(stmt);
        (*nkeys)++;
    }
    fclose(f);
    return rc;
}

int pa_tlog_load_bundle(struct pa_db *db, const char *dir, struct pa_verifier *keys, int max,
                        int *nkeys, struct pa_error *err)
{
    int rc = pa_db_begin(db, err);
    if (rc == 0)
        rc = pa_tlog__defer_bulk_indexes(db, err);
    if (rc == 0)
        rc = pa_tlog_defer_indexes(db, err);
    if (rc == 0)
        rc = load_entries(db, dir, err);
    if (rc == 0)
        rc = load_checkpoints(db, dir, err);
    if (rc == 0)
        rc = load_keys(db, dir, keys, max, nkeys, err);
    if (rc == 0)
        rc = pa_db_commit(db, err);
    if (rc != 0)
        pa_db_rollback(db);
    return rc;
}
