/*
 * log.c - the audit log over HTTP: GET /api/v1/log/checkpoint, /log/entries,
 * /log/proof/inclusion, /log/proof/consistency and /log/digest.  The library answers
 * (src/tlog/proof.c, the same code as `pairaid log`); this file reads the
 * numbers and writes hashes in base64, as checkpoints do.
 *
 * A parameter that is not a whole number is the request's fault in form (400);
 * a number outside the log, such as an index past its end, is a well-formed
 * question the log cannot answer (422 naming the parameter).
 */
#include <stdlib.h>

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
    int rc = pa_tlog_head(db, &size, root, &err);
    if (rc == 0 && (rc = pa_tlog_latest_checkpoint(db, &note, &err)) == PA_ENOTFOUND)
        rc = 0; /* nobody has signed yet: the head alone */
    json_t *signers = NULL;
    if (rc == 0)
        rc = pa_tlog_signers_json(db, &signers, &err);
    if (rc != 0) {
        free(note);
        pa_http_fail(r, &err);
        return;
    }
    answer(r, json_pack("{s:I, s:o, s:o, s:o}", "size", (json_int_t)size, "root", b64_hash(root),
                        "checkpoint", note ? json_string(note) : json_null(), "signers",
                        signers));
    free(note);
}

/* ---- entries ------------------------------------------------------------------------ */

static int entry_json(const struct pa_log_entry *e, void *ctx)
{
    json_t *list = ctx;
    /* canonical bytes are UTF-8 JSON text; anything else was not written by us */
    json_t *text = json_stringn((const char *)e->entry, e->len);
    if (text == NULL)
        return PA_ETAMPER;
    json_t *item = json_pack("{s:I, s:s?, s:s?, s:I, s:o, s:o}", "index", (json_int_t)e->index,
                             "type", e->type, "actor", e->actor, "time", (json_int_t)e->time,
                             "entry", text, "leaf_hash", b64_hash(e->leaf_hash));
    if (item == NULL || json_array_append_new(list, item) != 0)
        return PA_ENOMEM;
    return 0;
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
    json_t *list = json_array();
    int64_t size = 0;
    int rc = list ? pa_tlog_size(db, &size, &err) : pa_error_set(&err, PA_ENOMEM, "out of memory");
    if (rc == 0)
        rc = pa_tlog_entries(db, from, count, entry_json, list, &err);
    if (rc == PA_ETAMPER && err.message[0] == '\0')
        pa_error_set(&err, rc, "an event of the log is not UTF-8 JSON text");
    else if (rc == PA_ENOMEM && err.message[0] == '\0')
        pa_error_set(&err, rc, "out of memory");
    if (rc != 0) {
        json_decref(list);
        pa_http_fail(r, &err);
        return;
    }
    PA_ASSERT((int64_t)json_array_size(list) <= count);
    answer(r, json_pack("{s:o, s:I}", "entries", list, "size", (json_int_t)size));
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
    if (pa_tlog_prove_inclusion(db, index, size, &p, &err) != 0) {
        pa_http_fail(r, &err);
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
    if (pa_tlog_prove_consistency(db, from, to, &c, &err) != 0) {
        pa_http_fail(r, &err);
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
