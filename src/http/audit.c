/*
 * audit.c - the joint audit (联合审计) over HTTP:
 *   GET  /api/v1/audit/findings[?status=&rule=&severity=&region=&project=&pairing=]
 *   GET  /api/v1/audit/findings/{id}               one finding with its history
 *   POST /api/v1/audit/run                         {"as_of"?, "pairing"?}
 *   POST /api/v1/audit/findings/{id}/responses     {"action","note","attachment"?}
 *   POST /api/v1/media                             a picture (the body), for an attachment
 *   GET  /api/v1/measures[?pairing=]               versions, the text in force, diffs
 *   POST /api/v1/measures                          {"text","pairing"?}
 *   POST /api/v1/measures/{version}/approve        {"pairing"?}
 *   GET  /api/v1/inbox                             待办: what waits for the user's action
 *   GET  /api/v1/audit/summary                     public: counts and amounts, no notes
 *
 * Who may do what is the library's (src/audit/): these handlers only read
 * requests and answer.  An attachment is uploaded first, as the body of its
 * own request, the way an import's file is (spooled, never held in the JSON
 * body), and the response then names the stored file; the response refuses a
 * name that is not a picture in the media folder, so a client can never make
 * the server point at a file of its choosing.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#include "http_int.h"

/* A library error whose field names the path's own thing is a 404: the
 * finding or the measures version in the URL does not exist (or is not read). */
static void fail_path(struct pa_http_request *r, const struct pa_error *err, const char *field)
{
    if (err->code == PA_ENOTFOUND && strcmp(err->field, field) == 0)
        pa_http_error(r, 404, "not_found", NULL, "%s", pa_error_text(err, r->lang));
    else
        pa_http_fail(r, err);
}

/* ---- findings ------------------------------------------------------------------------- */

void pa_h_findings(struct pa_http_request *r)
{
    struct pa_finding_filter f = {
        .status = pa_http_query(r, "status"),
        .rule = pa_http_query(r, "rule"),
        .severity = pa_http_query(r, "severity"),
        .region = pa_http_query(r, "region"),
        .project = pa_http_query(r, "project"),
        .pairing = pa_http_query(r, "pairing"),
    };
    if (f.status && f.status[0] == '\0')
        f.status = NULL; /* ?status= is the default (open), as an empty select sends it */
    bool file;
    struct pa_sheet_options opts;
    struct pa_db *db;
    if (pa_http_report_format(r, &file, &opts) != 0 || (db = pa_http_reader(r)) == NULL)
        return;
    if (file) { /* 审计发现问题清单 as a file */
        struct pa_report_query q = {.kind = PA_REPORT_FINDINGS, .findings = f};
        pa_http_report(r, db, &q, &opts);
        return;
    }
    struct pa_error err;
    pa_error_clear(&err);
    json_t *list;
    if (pa_audit_findings(db, &f, &list, &err) == 0) {
        pa_http_json(
            r, 200,
            json_pack("{s:o, s:I}", "findings", list, "total", (json_int_t)json_array_size(list)));
    } else if (err.code == PA_EINVAL) {
        /* a status, rule or severity that is not one: a bad query parameter */
        pa_http_error(r, 400, "malformed", err.field, "%s", pa_error_text(&err, r->lang));
    } else {
        pa_http_fail(r, &err);
    }
}

void pa_h_finding(struct pa_http_request *r)
{
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    json_t *f;
    if (pa_audit_finding(db, r->params[0], &f, &err) == 0)
        pa_http_json(r, 200, f);
    else
        fail_path(r, &err, "id");
}

/* ---- running the audit ------------------------------------------------------------------ */

struct audit_run {
    const char *as_of, *pairing;
};

static int run_audit(struct pa_db *db, struct pa_http_request *r, void *ctx, struct pa_error *err)
{
    const struct audit_run *a = ctx;
    struct pa_audit_outcome o;
    int rc = pa_audit_run(db, a->as_of, a->pairing, &o, err);
    if (rc != 0)
        return rc;
    char today[PA_DATE_LEN + 1];
    pa_date_format(pa_date_today(), today);
    pa_http_json(r, 200,
                 json_pack("{s:s, s:s?, s:i, s:i, s:I, s:I, s:I, s:I, s:I}", "as_of",
                           a->as_of ? a->as_of : today, "pairing", a->pairing, "runs", o.runs,
                           "measures_version", o.measures_version, "found", (json_int_t)o.found,
                           "opened", (json_int_t)o.opened, "updated", (json_int_t)o.updated,
                           "cleared", (json_int_t)o.cleared, "unchanged", (json_int_t)o.unchanged));
    return 0;
}

void pa_h_audit_run(struct pa_http_request *r)
{
    static const char *const fields[] = {"as_of", "pairing", NULL};
    json_t *body = r->body_len ? pa_http_body_json(r, false) : json_object();
    struct audit_run a;
    if (body != NULL && pa_http_known_fields(r, body, fields, NULL) == 0 &&
        pa_http_optional_text(r, body, "as_of", &a.as_of) == 0 &&
        pa_http_optional_text(r, body, "pairing", &a.pairing) == 0)
        pa_http_write(r, run_audit, &a, false);
    json_decref(body);
}

/* ---- responses (整改) ---------------------------------------------------------------------- */

struct response {
    const char *id, *action, *note, *attachment;
};

static int respond(struct pa_db *db, struct pa_http_request *r, void *ctx, struct pa_error *err)
{
    const struct response *x = ctx;
    json_t *f;
    /* a finding the user may not read is as unknown as one that does not exist */
    int rc = pa_audit_finding(db, x->id, &f, err);
    if (rc != 0) {
        fail_path(r, err, "id");
        return rc;
    }
    json_decref(f);
    if (x->attachment && !pa_media_exists(db, x->attachment))
        return pa_error_setf(err, PA_EINVAL, "attachment",
                             "'%.80s' is not a stored picture: upload it to /api/v1/media first",
                             x->attachment);
    rc = pa_audit_respond(db, x->id, x->action, x->note, x->attachment, err);
    if (rc == 0 && (rc = pa_audit_finding(db, x->id, &f, err)) == 0)
        pa_http_json(r, 201, f);
    return rc;
}

void pa_h_finding_respond(struct pa_http_request *r)
{
    static const char *const fields[] = {"action", "note", "attachment", NULL};
    json_t *body = pa_http_body_json(r, false);
    struct response x = {.id = r->params[0]};
    if (body != NULL && pa_http_known_fields(r, body, fields, NULL) == 0 &&
        pa_http_optional_text(r, body, "action", &x.action) == 0 &&
        pa_http_optional_text(r, body, "note", &x.note) == 0 &&
        pa_http_optional_text(r, body, "attachment", &x.attachment) == 0) {
        if (x.attachment && x.attachment[0] == '\0')
            x.attachment = NULL;
        pa_http_write(r, respond, &x, false);
    }
    json_decref(body);
}

/* ---- attachments ------------------------------------------------------------------------- */

/* The picture is the body, as an import's file is; its type is what its bytes
 * say (pa_media_store_bytes), so Content-Type is only checked for sense. */
void pa_h_media_upload(struct pa_http_request *r)
{
    const char *type = pa_http_header(r, "Content-Type");
    if (type == NULL || strncasecmp(type, "image/", 6) != 0) {
        pa_http_error(r, 415, "unsupported_media_type", NULL,
                      "send the picture itself with Content-Type image/jpeg, image/png, "
                      "image/webp or image/gif");
        return;
    }
    if (r->upload == NULL || r->body_len == 0) {
        pa_http_error(r, 422, "invalid", NULL, "the picture is empty");
        return;
    }
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    if (fflush(r->upload) != 0) {
        pa_http_error(r, 503, "busy", NULL, "the uploaded file cannot be read back");
        return;
    }
    void *map = mmap(NULL, r->body_len, PROT_READ, MAP_PRIVATE, fileno(r->upload), 0);
    if (map == MAP_FAILED) {
        pa_http_error(r, 503, "busy", NULL, "the uploaded file cannot be read back");
        return;
    }
    struct pa_error err;
    pa_error_clear(&err);
    char name[80];
    int rc = pa_media_store_bytes(db, map, r->body_len, name, &err);
    munmap(map, r->body_len);
    if (rc == PA_ERANGE) {
        pa_http_error(r, 413, "too_large", NULL, "%s", pa_error_text(&err, r->lang));
    } else if (rc != 0) {
        pa_http_fail(r, &err);
    } else {
        char url[96];
        snprintf(url, sizeof(url), "/media/%s", name);
        pa_http_json(r, 201,
                     json_pack("{s:s, s:s, s:I}", "name", name, "url", url, "bytes",
                               (json_int_t)r->body_len));
    }
}

/* ---- the measures (资金管理办法) ----------------------------------------------------------- */

void pa_h_measures(struct pa_http_request *r)
{
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    const char *pairing = pa_http_query(r, "pairing");
    struct pa_error err;
    pa_error_clear(&err);
    char city[PA_CODE_MAX + 1];
    json_t *out;
    int rc = pa_audit_city_pairing(db, pairing && pairing[0] ? pairing : NULL, city, &err);
    if (rc == 0)
        rc = pa_scope_read(db, 0, &err);
    if (rc == 0 && !pa_scope_sees_pairing(db, city))
        rc = pa_error_setf(&err, PA_ENOTFOUND, "pairing", "unknown pairing '%s'", city);
    if (rc == 0)
        rc = pa_measures_list(db, city, &out, &err);
    if (rc == 0)
        pa_http_json(r, 200, out);
    else if (err.code == PA_ENOTFOUND || err.code == PA_EINVAL)
        pa_http_error(r, err.code == PA_ENOTFOUND ? 404 : 400,
                      err.code == PA_ENOTFOUND ? "not_found" : "malformed", err.field, "%s",
                      pa_error_text(&err, r->lang));
    else
        pa_http_fail(r, &err);
}

struct proposal {
    const char *text, *pairing;
};

static int propose(struct pa_db *db, struct pa_http_request *r, void *ctx, struct pa_error *err)
{
    const struct proposal *p = ctx;
    int version;
    char city[PA_CODE_MAX + 1];
    int rc = pa_audit_city_pairing(db, p->pairing, city, err);
    if (rc == 0)
        rc = pa_measures_propose(db, city, p->text, &version, err);
    if (rc == 0)
        pa_http_json(r, 201, json_pack("{s:i, s:s}", "version", version, "pairing", city));
    return rc;
}

/* A bad file names its line and key, as `pairaid measures propose` does, in
 * the error shape of every other answer (pa_http_file_error). */
static bool measures_text_ok(struct pa_http_request *r, const char *text)
{
    struct pa_measures m;
    struct pa_error err;
    pa_error_clear(&err);
    int line = 0;
    if (pa_measures_parse(text, &m, &line, &err) == 0)
        return true;
    pa_http_file_error(r, line, &err);
    return false;
}

void pa_h_measures_propose(struct pa_http_request *r)
{
    static const char *const fields[] = {"text", "pairing", NULL};
    json_t *body = pa_http_body_json(r, false);
    struct proposal p;
    if (body != NULL && pa_http_known_fields(r, body, fields, NULL) == 0 &&
        pa_http_optional_text(r, body, "text", &p.text) == 0 &&
        pa_http_optional_text(r, body, "pairing", &p.pairing) == 0) {
        if (p.text == NULL)
            pa_http_error(r, 422, "invalid", "text", "text is the measures as an INI file");
        else if (measures_text_ok(r, p.text))
            pa_http_write(r, propose, &p, false);
    }
    json_decref(body);
}

struct approval {
    const char *pairing;
    int version;
};

static int approve(struct pa_db *db, struct pa_http_request *r, void *ctx, struct pa_error *err)
{
    const struct approval *a = ctx;
    bool in_force = false;
    char city[PA_CODE_MAX + 1];
    int rc = pa_audit_city_pairing(db, a->pairing, city, err);
    if (rc == 0)
        rc = pa_measures_approve(db, city, a->version, &in_force, err);
    if (rc == 0)
        pa_http_json(r, 200,
                     json_pack("{s:i, s:s, s:b}", "version", a->version, "pairing", city,
                               "in_force", in_force));
    else
        fail_path(r, err, "version");
    return rc;
}

void pa_h_measures_approve(struct pa_http_request *r)
{
    static const char *const fields[] = {"pairing", NULL};
    const char *v = r->params[0];
    char *end;
    long version = strtol(v, &end, 10);
    if (v[0] < '1' || v[0] > '9' || *end != '\0' || version > 1000000) {
        pa_http_error(r, 404, "not_found", NULL, "no measures version '%.20s'", v);
        return;
    }
    json_t *body = r->body_len ? pa_http_body_json(r, false) : json_object();
    struct approval a = {.version = (int)version};
    if (body != NULL && pa_http_known_fields(r, body, fields, NULL) == 0 &&
        pa_http_optional_text(r, body, "pairing", &a.pairing) == 0)
        pa_http_write(r, approve, &a, false);
    json_decref(body);
}

/* ---- the public summary ---------------------------------------------------------------------- */

/* Counts and amounts per county, rule and status, with each county's totals;
 * the library leaves out findings about unpublished projects and never reads
 * a note. */
void pa_h_audit_summary(struct pa_http_request *r)
{
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    json_t *rows;
    if (pa_audit_public_summary(db, &rows, &err) != 0) {
        pa_http_fail(r, &err);
        return;
    }
    int64_t count = 0, fen = 0;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        int64_t amount = 0;
        pa_money_parse(json_string_value(json_object_get(row, "amount")), &amount, NULL);
        count += json_integer_value(json_object_get(row, "count"));
        if (__builtin_add_overflow(fen, amount, &fen)) {
            json_decref(rows);
            pa_http_error(r, 500, "internal", NULL, "the findings' amounts overflow");
            return;
        }
    }
    pa_http_json(r, 200,
                 json_pack("{s:o, s:I, s:o}", "rows", rows, "count", (json_int_t)count, "amount",
                           pa_http_money(fen)));
}

/* ---- the inbox (待办) --------------------------------------------------------------------- */

/* GET /api/v1/inbox: what waits for the signed-in user's action (pa_inbox). */
void pa_h_inbox(struct pa_http_request *r)
{
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    json_t *inbox;
    if (pa_inbox(db, &inbox, &err) != 0)
        pa_http_fail(r, &err);
    else
        pa_http_json(r, 200, inbox);
}
