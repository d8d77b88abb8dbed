/*
 * portal.c - what the public portal reads from the registry: key moments of
 * published projects, the pairings with their regions' names, the region tree
 * one level at a time, and which projects are published.  Everything comes back
 * as JSON with the field names of docs/api.md (the CSV columns), so the HTTP
 * layer never sees SQL.  Key moments follow the read rules (scope.c):
 * the public sees those of published projects.
 */
#include <string.h>

#include "pairaid/registry.h"

#define MOMENTS_WHERE                                                                              \
    " FROM milestones m JOIN projects p ON p.code = m.project"                                     \
    " WHERE pa_sees_project(p.pairing, p.public)"

static const char sql_moments[] =
    "SELECT m.project, p.name, m.date, m.kind, m.title, m.description, "
    "CASE WHEN m.photo IS NULL THEN NULL ELSE '/media/' || m.photo END" MOMENTS_WHERE
    " ORDER BY m.date DESC, m.project, m.title LIMIT ?1 OFFSET ?2";
static const char sql_moments_count[] = "SELECT count(*)" MOMENTS_WHERE;

/* The pairing kind's columns in its order, then the two regions' names. */
static const char sql_pairings[] =
    "SELECT g.code, g.name, g.donor, g.recipient, g.start_date, g.end_date, g.parent, g.source, "
    "d.name, r.name FROM pairings g JOIN regions d ON d.code = g.donor "
    "JOIN regions r ON r.code = g.recipient ORDER BY g.code";

static const char sql_provinces[] =
    "SELECT code, name, level, parent FROM regions WHERE parent IS NULL ORDER BY code";
static const char sql_children[] =
    "SELECT code, name, level, parent FROM regions WHERE parent = ?1 ORDER BY code";

static json_t *text_or_null(sqlite3_stmt *stmt, int col)
{
    const unsigned char *s = sqlite3_column_text(stmt, col);
    return s ? json_string((const char *)s) : json_null();
}

/* Runs a prepared statement to its end, appending row(stmt) for each row. */
static int collect(struct pa_db *db, sqlite3_stmt *stmt, json_t *(*row)(sqlite3_stmt *stmt),
                   json_t **out, const char *what, struct pa_error *err)
{
    json_t *list = json_array();
    int step = SQLITE_DONE, rc = 0;
    while (list && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        json_t *item = row(stmt);
        if (item == NULL || json_array_append_new(list, item) != 0) {
            json_decref(list);
            list = NULL;
        }
    }
    if (list == NULL)
        rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    else if (step != SQLITE_DONE)
        rc = pa_db_fail(db, err, what);
    sqlite3_reset(stmt);
    if (rc != 0) {
        json_decref(list);
        list = NULL;
    }
    *out = list;
    return rc;
}

/* ---- key moments ------------------------------------------------------------------ */

static json_t *moment_json(sqlite3_stmt *stmt)
{
    static const char *const names[] = {"project", "project_name", "date", "kind",
                                        "title",   "description",  "photo"};
    json_t *m = json_object();
    for (int i = 0; m && i < (int)PA_ARRAY_LEN(names); i++)
        if (json_object_set_new(m, names[i], text_or_null(stmt, i)) != 0) {
            json_decref(m);
            m = NULL;
        }
    return m;
}

int pa_moment_list(struct pa_db *db, int64_t limit, int64_t offset, json_t **moments,
                   int64_t *total, struct pa_error *err)
{
    PA_ASSERT(db != NULL && moments != NULL && total != NULL);
    PA_ASSERT(limit >= 0 && offset >= 0);
    *moments = NULL;
    sqlite3_stmt *stmt;
    int rc = pa_scope_read(db, 0, err);
    if (rc == 0)
        rc = pa_db_prepare(db, sql_moments_count, &stmt, err);
    if (rc != 0)
        return rc;
    int step = sqlite3_step(stmt);
    *total = step == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_reset(stmt);
    if (step != SQLITE_ROW)
        return pa_db_fail(db, err, "counting key moments");
    if ((rc = pa_db_prepare(db, sql_moments, &stmt, err)) != 0)
        return rc;
    sqlite3_bind_int64(stmt, 1, limit);
    sqlite3_bind_int64(stmt, 2, offset);
    return collect(db, stmt, moment_json, moments, "listing key moments", err);
}

/* ---- pairings ----------------------------------------------------------------------- */

static json_t *pairing_json(sqlite3_stmt *stmt)
{
    const struct pa_kind *kind = pa_kind_find("pairings");
    PA_ASSERT(kind != NULL && kind->ncolumns == 8);
    struct pa_record rec;
    pa_record_from_row(&rec, kind, stmt);
    json_t *p = pa_record_json(&rec);
    if (p && (json_object_set_new(p, "donor_name", text_or_null(stmt, 8)) != 0 ||
              json_object_set_new(p, "recipient_name", text_or_null(stmt, 9)) != 0)) {
        json_decref(p);
        p = NULL;
    }
    return p;
}

int pa_pairing_list(struct pa_db *db, json_t **pairings, struct pa_error *err)
{
    PA_ASSERT(db != NULL && pairings != NULL);
    *pairings = NULL;
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql_pairings, &stmt, err);
    return rc != 0 ? rc : collect(db, stmt, pairing_json, pairings, "listing pairings", err);
}

/* ---- regions -------------------------------------------------------------------------- */

static json_t *region_json(sqlite3_stmt *stmt)
{
    return json_pack("{s:o, s:o, s:i, s:o}", "code", text_or_null(stmt, 0), "name",
                     text_or_null(stmt, 1), "level", sqlite3_column_int(stmt, 2), "parent",
                     text_or_null(stmt, 3));
}

int pa_region_children(struct pa_db *db, const char *parent, json_t **regions, struct pa_error *err)
{
    PA_ASSERT(db != NULL && regions != NULL);
    *regions = NULL;
    int rc = 0;
    if (parent) {
        /* the shape first, so the message says what is wrong with the text */
        rc = pa_region_code_check(parent, err);
        if (rc == 0)
            rc = pa_region_lookup(db, parent, NULL, err);
        if (rc != 0)
            return rc;
    }
    sqlite3_stmt *stmt;
    if ((rc = pa_db_prepare(db, parent ? sql_children : sql_provinces, &stmt, err)) != 0)
        return rc;
    if (parent)
        pa_db_bind_text(stmt, 1, parent);
    return collect(db, stmt, region_json, regions, "listing regions", err);
}

/* ---- the projects a principal answers for ------------------------------------------ */

/* Is the project in the principal's own scope?  A recipient's where it is, a
 * donor's where its pairing's money comes from, an auditor's in its pairing;
 * every project for the others. */
static int project_in_scope(struct pa_db *db, sqlite3_stmt *row, bool *in, struct pa_error *err)
{
    const struct pa_principal *who = pa_db_principal(db);
    const char *region = (const char *)sqlite3_column_text(row, 1);
    const char *pairing = (const char *)sqlite3_column_text(row, 2);
    const char *donor = (const char *)sqlite3_column_text(row, 3);
    *in = true;
    if (who && who->role == PA_ROLE_AUDITOR) {
        *in = pa_pairing_under(db, pairing, who->pairing);
        return 0;
    }
    return pa_scope_covers_region(db, who && who->role == PA_ROLE_DONOR ? donor : region, in, err);
}

int pa_project_scope_set(struct pa_db *db, struct pa_strmap **codes, struct pa_error *err)
{
    static const char sql[] = "SELECT p.code, p.region, p.pairing, g.donor FROM projects p "
                              "JOIN pairings g ON g.code = p.pairing";
    *codes = NULL;
    struct pa_strmap *set;
    if (pa_strmap_new(&set) != 0)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    sqlite3_stmt *stmt = NULL;
    int rc = pa_scope_read(db, 0, err);
    if (rc == 0)
        rc = pa_db_prepare(db, sql, &stmt, err);
    int step = SQLITE_DONE;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        bool in = false;
        rc = project_in_scope(db, stmt, &in, err);
        if (rc == 0 && in &&
            pa_strmap_put(set, (const char *)sqlite3_column_text(stmt, 0), 1, NULL) < 0)
            rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "listing the projects in scope");
    sqlite3_reset(stmt); /* a no-op on NULL */
    if (rc != 0)
        pa_strmap_free(set);
    else
        *codes = set;
    return rc;
}
