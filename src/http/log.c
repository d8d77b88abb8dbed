/*
 * log.c - the audit log over HTTP: GET /api/v1/log/checkpoint, /log/heads,
 * /log/entries, /log/proof/inclusion, /log/proof/consistency and /log/digest.
 * All but the last take ?log=NAME for one log inside the log (tlog.h).  The library answers
 * (src/tlog/proof.c, the same code as `pairaid log`); this file reads the
 * numbers and writes hashes in base64, as checkpoints do.
 *
 * A parameter that is not a whole number is the request's fault in form (400);
 * a number outside the log, such as an index past its end, is a well-formed
 * question the log cannot answer (422 naming the parameter).
 */
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

#define ENTRIES_DEFAULT 100
#define ENTRIES_MAX     1000

static json_t *b64_hash(const pa_hash h)
{
    char b64[64];
    pa_base64(h, PA_HASH_LEN, b64, sizeof(b64));
    return json_string(b64);
}

static void answer(struct pa_http_request *r, json_t *body)
{
    if (body)
        pa_http_json(r, 200, body);
    else
        pa_http_error(r, 503, "busy", NULL, "out of memory");
}

/* An unknown ?log= names no log to read, as an unknown path names no record:
 * 404 (docs/openapi.yaml, LogName), where pa_http_fail would make a failed
 * lookup with a field a 422.  A county-level pairing's code stays a 422. */
static void fail(struct pa_http_request *r, const struct pa_error *err)
{
    if (err->code == PA_ENOTFOUND && strcmp(err->field, "log") == 0)
        pa_http_error(r, 404, "not_found", "log", "%s", pa_error_text(err, r->lang));
    else
        pa_http_fail(r, err);
}

/* A required whole number >= 0; answers 400 and returns -1 when it is missing or bad. */
static int required(struct pa_http_request *r, const char *name, int64_t *out)
{
    if (pa_http_query_int(r, name, 0, INT64_MAX, -1, out) != 0)
        return -1;
    if (*out >= 0)
        return 0;
    pa_http_error(r, 400, "malformed", name, "%s is required: a whole number", name);
    return -1;
}

void pa_h_log_checkpoint(struct pa_http_request *r)
{
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    uint64_t size = 0;
    pa_hash root;
    char *note = NULL;
    const char *log = pa_http_query(r, "log");
    int rc = pa_tlog_head(db, log, &size, root, &err);
    if (rc == 0 && (rc = pa_tlog_latest_checkpoint(db, log, &note, &err)) == PA_ENOTFOUND)
        rc = 0; /* nobody has signed yet: the head alone */
    json_t *signers = NULL;
    if (rc == 0)
        rc = pa_tlog_signers_json(db, log, &signers, &err);
    if (rc != 0) {
        free(note);
        fail(r, &err);
        return;
    }
    answer(r, json_pack("{s:I, s:o, s:o, s:o}", "size", (json_int_t)size, "root", b64_hash(root),
                        "checkpoint", note ? json_string(note) : json_null(), "signers",
                        signers));
    free(note);
}

/* Every log inside the log (tlog.h): the province's and each city-level
 * pairing's, with its size, root and latest checkpoint. */
void pa_h_log_heads(struct pa_http_request *r)
{
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    json_t *logs = NULL;
    if (pa_tlog_logs_json(db, &logs, &err) != 0) {
        pa_http_fail(r, &err);
        return;
    }
    answer(r, json_pack("{s:o}", "logs", logs));
}

/* ---- entries ------------------------------------------------------------------------ */

/* One entry of GET /log/entries, written as it is read (jsonw.c). */
int pa_http_log_entry_row(const struct pa_log_entry *e, void *ctx)
{
    struct pa_json_writer *w = ctx;
    char b64[64];
    pa_base64(e->leaf_hash, PA_HASH_LEN, b64, sizeof(b64));
    pa_jw_object(w);
    pa_jw_int_field(w, "index", e->index);
    if (e->log) /* one log's entries: where each is in the whole log */
        pa_jw_int_field(w, "seq", e->seq);
    pa_jw_string_field(w, "type", e->type);
    pa_jw_string_field(w, "actor", e->actor);
    pa_jw_int_field(w, "time", e->time);
    pa_jw_key(w, "entry");
    /* canonical bytes are UTF-8 JSON text; anything else was not written by us */
    if (!pa_jw_stringn(w, (const char *)e->entry, e->len))
        return PA_ETAMPER;
    pa_jw_string_field(w, "leaf_hash", b64);
    pa_jw_end_object(w);
    return w->failed ? PA_ENOMEM : 0;
}

void pa_h_log_entries(struct pa_http_request *r)
{
    int64_t from, count;
    if (pa_http_query_int(r, "from", 0, INT64_MAX / 2, 0, &from) != 0 ||
        pa_http_query_int(r, "count", 1, ENTRIES_MAX, ENTRIES_DEFAULT, &count) != 0)
        return;
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    struct pa_json_writer w = {0};
    pa_jw_object(&w);
    pa_jw_key(&w, "entries");
    pa_jw_array(&w);
    int64_t size = 0;
    const char *log = pa_http_query(r, "log");
    int rc = pa_tlog_log_check(db, log, &err);
    if (rc == 0)
        rc = pa_tlog_log_size(db, log, &size, &err);
    if (rc == 0)
        rc = pa_tlog_entries(db, log, from, count, pa_http_log_entry_row, &w, &err);
    if (rc == PA_ETAMPER && err.message[0] == '\0')
        pa_error_set(&err, rc, "an event of the log is not UTF-8 JSON text");
    else if (rc == PA_ENOMEM && err.message[0] == '\0')
        pa_error_set(&err, rc, "out of memory");
    if (rc != 0) {
        pa_jw_free(&w);
        fail(r, &err);
        return;
    }
    pa_jw_end_array(&w);
    pa_jw_key(&w, "size");
    pa_jw_int(&w, size);
    pa_jw_end_object(&w);
    pa_http_json_writer(r, 200, &w);
}

/* ---- proofs ------------------------------------------------------------------------- */

void pa_h_log_inclusion(struct pa_http_request *r)
{
    int64_t index, size;
    if (required(r, "index", &index) != 0 ||
        pa_http_query_int(r, "size", 0, INT64_MAX, -1, &size) != 0)
        return;
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    struct pa_inclusion p;
    if (pa_tlog_prove_inclusion(db, pa_http_query(r, "log"), index, size, &p, &err) != 0) {
        fail(r, &err);
        return;
    }
    answer(r, pa_inclusion_json(&p));
}

void pa_h_log_consistency(struct pa_http_request *r)
{
    int64_t from, to;
    if (required(r, "from", &from) != 0 || pa_http_query_int(r, "to", 0, INT64_MAX, -1, &to) != 0)
        return;
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    struct pa_consistency c;
    if (pa_tlog_prove_consistency(db, pa_http_query(r, "log"), from, to, &c, &err) != 0) {
        fail(r, &err);
        return;
    }
    answer(r, pa_consistency_json(&c));
}

/* ---- the digest of the tables, for replicas (src/replica/) ---------------------------- */

/* The tables as they stand now: one snapshot with the log's size.  A replica
 * that asks for another size (?size=N) learns the size the server can answer
 * for (409): the tables of an older size would need a replay. */
void pa_h_log_digest(struct pa_http_request *r)
{
    int64_t size;
    if (pa_http_query_int(r, "size", 0, INT64_MAX, -1, &size) != 0)
        return;
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    struct pa_digest *d = malloc(sizeof(*d));
    if (d == NULL) {
        pa_http_error(r, 503, "busy", NULL, "out of memory");
        return;
    }
    if (pa_tlog_digest(db, d, &err) != 0)
        pa_http_fail(r, &err);
    else if (size >= 0 && size != d->size)
        pa_http_error(r, 409, "conflict", "size",
                      "the digest is of the tables as they stand, at size %lld, not %lld",
                      (long long)d->size, (long long)size);
    else
        answer(r, pa_digest_json(d));
    free(d);
}
