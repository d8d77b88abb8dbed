/*
 * projects.c - GET/POST /api/v1/projects, GET/PATCH /api/v1/projects/{code},
 * POST /api/v1/projects/{code}/milestones, GET /api/v1/projects/{code}/history.
 */
#include <string.h>

#include "http_int.h"

void pa_h_projects(struct pa_http_request *r)
{
    struct pa_project_filter f = {
        .q = pa_http_query(r, "q"),
        .kind = pa_http_query(r, "kind"),
        .status = pa_http_query(r, "status"),
        .domain = pa_http_query(r, "domain"),
        .region = pa_http_query(r, "region"),
        .pairing = pa_http_query(r, "pairing"),
    };
    struct pa_db *db;
    if (pa_http_query_int(r, "year", 1900, 2999, 0, &f.year) != 0 ||
        pa_http_page(r, &f.limit, &f.offset) != 0 || (db = pa_http_reader(r)) == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    json_t *projects;
    int64_t total;
    if (pa_project_list(db, &f, &projects, &total, &err) != 0)
        pa_http_fail(r, &err);
    else
        pa_http_json(r, 200,
                     json_pack("{s:o, s:I}", "projects", projects, "total", (json_int_t)total));
}

static void answer_project(struct pa_http_request *r, struct pa_db *db, const char *code,
                           unsigned status)
{
    struct pa_error err;
    pa_error_clear(&err);
    json_t *project;
    if (pa_project_detail(db, code, &project, &err) != 0)
        pa_http_fail(r, &err);
    else
        pa_http_json(r, status, project);
}

void pa_h_project(struct pa_http_request *r)
{
    struct pa_db *db = pa_http_reader(r);
    if (db)
        answer_project(r, db, r->params[0], 200);
}

/* ---- writes ------------------------------------------------------------------------ */

static int create_project(struct pa_db *db, struct pa_http_request *r, void *ctx,
                          struct pa_error *err)
{
    const struct pa_record *rec = ctx;
    enum pa_put_result result;
    int rc = pa_record_put(db, rec, &result, err);
    if (rc == 0 && result != PA_PUT_CREATED)
        rc = pa_error_setf(err, PA_EEXIST, "code", "project '%s' exists already", rec->v[0].s);
    if (rc == 0)
        answer_project(r, db, rec->v[0].s, 201);
    return rc;
}

/* A new project starts as proposed and unpublished unless the body says otherwise. */
static int default_field(json_t *body, const char *key, json_t *value)
{
    if (json_object_get(body, key) == NULL)
        return json_object_set_new(body, key, value);
    json_decref(value);
    return 0;
}

void pa_h_project_create(struct pa_http_request *r)
{
    json_t *body = pa_http_body_json(r, false);
    if (body == NULL)
        return;
    default_field(body, "status", json_string("proposed"));
    default_field(body, "public", json_false());
    struct pa_record rec;
    if (pa_http_record(r, pa_kind_find("projects"), body, &rec, NULL) == 0)
        pa_http_write(r, create_project, &rec, false);
    json_decref(body);
}

static int edit_project(struct pa_db *db, struct pa_http_request *r, void *ctx,
                        struct pa_error *err)
{
    const struct pa_record *rec = ctx;
    enum pa_put_result result;
    int rc = pa_project_edit(db, rec, &result, err);
    if (rc == 0)
        answer_project(r, db, rec->v[0].s, 200);
    return rc;
}

static const char *const patchable[] = {"name",          "status", "budget",      "end_date",
                                        "beneficiaries", "public", "approved_on", "benefit_link",
                                        "investment",    NULL};

/* The stored project with the body's fields laid over it: the whole record
 * goes through the same parsing as a new one. */
void pa_h_project_patch(struct pa_http_request *r)
{
    struct pa_db *db = pa_http_reader(r);
    json_t *body = db ? pa_http_body_json(r, false) : NULL;
    if (body == NULL || pa_http_known_fields(r, body, patchable, NULL) != 0) {
        json_decref(body);
        return;
    }
    struct pa_error err;
    pa_error_clear(&err);
    json_t *stored;
    if (pa_project_detail(db, r->params[0], &stored, &err) != 0) {
        pa_http_fail(r, &err);
        json_decref(body);
        return;
    }
    static const char *const derived[] = {
        "region_name",    "pairing_name",    "milestones", "accounts",   "execution", "payments",
        "payments_count", "payments_amount", "contracts",  "indicators", "may"};
    for (size_t i = 0; i < PA_ARRAY_LEN(derived); i++)
        json_object_del(stored, derived[i]);
    json_object_update(stored, body);
    struct pa_record rec;
    if (pa_http_record(r, pa_kind_find("projects"), stored, &rec, NULL) == 0)
        pa_http_write(r, edit_project, &rec, false);
    json_decref(stored);
    json_decref(body);
}

static int add_milestone(struct pa_db *db, struct pa_http_request *r, void *ctx,
                         struct pa_error *err)
{
    const struct pa_record *rec = ctx;
    enum pa_put_result result;
    int rc = pa_record_put(db, rec, &result, err);
    if (rc == 0 && result != PA_PUT_CREATED)
        rc = pa_error_setf(err, PA_EEXIST, "title", "this milestone is recorded already");
    if (rc == 0)
        pa_http_json(r, 201, pa_record_json(rec));
    return rc;
}

static const char *const milestone_fields[] = {"date",        "kind",  "title",
                                               "description", "photo", NULL};

/* A milestone's photo names a picture stored by POST /api/v1/media (by its
 * SHA-256 file name): the server reads no file on a client's say-so. */
static bool photo_stored(struct pa_http_request *r, json_t *body)
{
    json_t *photo = json_object_get(body, "photo");
    if (photo == NULL || json_is_null(photo))
        return true;
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return false;
    if (json_is_string(photo) && pa_media_exists(db, json_string_value(photo)))
        return true;
    pa_http_error(r, 422, "invalid", "photo",
                  "no stored picture of that name: upload it with POST /api/v1/media first");
    return false;
}

/* The project in the path must exist: a 404, before the body is looked at. */
static bool path_project_exists(struct pa_http_request *r)
{
    struct pa_db *db = pa_http_reader(r);
    struct pa_error err;
    pa_error_clear(&err);
    bool exists = false;
    if (db && pa_project_exists(db, r->params[0], &exists, &err) != 0)
        pa_http_fail(r, &err);
    else if (db && !exists)
        pa_http_error(r, 404, "not_found", NULL, "no project '%.64s'", r->params[0]);
    return exists;
}

void pa_h_milestone_create(struct pa_http_request *r)
{
    if (!path_project_exists(r))
        return;
    json_t *body = pa_http_body_json(r, false);
    if (body == NULL || pa_http_known_fields(r, body, milestone_fields, NULL) != 0 ||
        !photo_stored(r, body)) {
        json_decref(body);
        return;
    }
    json_object_set_new(body, "project", json_string(r->params[0]));
    struct pa_record rec;
    if (pa_http_record(r, pa_kind_find("milestones"), body, &rec, NULL) == 0)
        pa_http_write(r, add_milestone, &rec, false);
    json_decref(body);
}

/* ---- the change history ------------------------------------------------------------ */

void pa_h_project_history(struct pa_http_request *r)
{
    struct pa_db *db = pa_http_reader(r);
    if (db == NULL)
        return;
    struct pa_error err;
    pa_error_clear(&err);
    json_t *history;
    if (pa_project_history(db, r->params[0], &history, &err) != 0)
        pa_http_fail(r, &err);
    else
        pa_http_json(r, 200, json_pack("{s:s, s:o}", "project", r->params[0], "history", history));
}
