/*
 * query.c - the registry as JSON for the API and the web pages: project lists
 * with search and filters.  Field names and money follow docs/api.md, which
 * follows the CSV columns.
 */
#include <string.h>

#include "pairaid/registry.h"

#define PROJECT_COLUMNS                                                                            \
    "p.code, p.name, p.pairing, p.region, p.domain, p.kind, p.status, p.budget, p.start_date, "    \
    "p.end_date, p.beneficiaries, p.public, p.source, p.approved_on, p.benefit_link, "           \
    "p.investment"

/* Every filter is optional (NULL or "" = any).  ?1 q, ?2 kind, ?3 status,
 * ?4 domain, ?5 region (the region or one below it), ?6 pairing (the pairing
 * or one below it); and only what the principal reads (scope.c). */
#define PROJECT_WHERE                                                                              \
    " FROM projects p JOIN regions r ON r.code = p.region"                                         \
    " WHERE pa_sees_project(p.pairing, p.public)"                                                  \
    " AND (?1 = '' OR instr(p.code, ?1) > 0 OR instr(p.name, ?1) > 0)"                             \
    " AND (?2 = '' OR p.kind = ?2) AND (?3 = '' OR p.status = ?3)"                                 \
    " AND (?4 = '' OR p.domain = ?4)"                                                              \
    " AND (?5 = '' OR p.region = ?5 OR r.parent = ?5"                                              \
    "      OR r.parent IN (SELECT code FROM regions WHERE parent = ?5))"                           \
    " AND (?6 = '' OR pa_pairing_under(p.pairing, ?6))"

static const char sql_list[] = "SELECT " PROJECT_COLUMNS ", r.name" PROJECT_WHERE
                               " ORDER BY p.start_date DESC, p.code LIMIT ?7 OFFSET ?8";
static const char sql_count[] = "SELECT count(*)" PROJECT_WHERE;

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

static void bind_filter(sqlite3_stmt *stmt, const struct pa_project_filter *f)
{
    pa_db_bind_text(stmt, 1, or_empty(f->q));
    pa_db_bind_text(stmt, 2, or_empty(f->kind));
    pa_db_bind_text(stmt, 3, or_empty(f->status));
    pa_db_bind_text(stmt, 4, or_empty(f->domain));
    pa_db_bind_text(stmt, 5, or_empty(f->region));
    pa_db_bind_text(stmt, 6, or_empty(f->pairing));
}

json_t *pa_record_json(const struct pa_record *rec)
{
    json_t *obj = json_object();
    for (int i = 0; obj && i < rec->kind->ncolumns; i++)
        json_object_set_new(obj, rec->kind->columns[i].name,
                            pa_value_json(&rec->kind->columns[i], &rec->v[i]));
    return obj;
}

int pa_project_list(struct pa_db *db, const struct pa_project_filter *f, json_t **out,
                    int64_t *total, struct pa_error *err)
{
    *out = NULL;
    sqlite3_stmt *stmt;
    int rc = pa_scope_read(db, 0, err);
    if (rc == 0)
        rc = pa_db_prepare(db, sql_count, &stmt, err);
    if (rc != 0)
        return rc;
    bind_filter(stmt, f);
    int step = sqlite3_step(stmt);
    *total = step == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_reset(stmt);
    if (step != SQLITE_ROW)
        return pa_db_fail(db, err, "counting projects");
    if ((rc = pa_db_prepare(db, sql_list, &stmt, err)) != 0)
        return rc;
    bind_filter(stmt, f);
    sqlite3_bind_int64(stmt, 7, f->limit);
    sqlite3_bind_int64(stmt, 8, f->offset);
    json_t *list = json_array();
    while (list && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct pa_record rec;
        pa_record_from_row(&rec, pa_kind_find("projects"), stmt);
        json_t *p = pa_record_json(&rec);
        json_object_set_new(p, "region_name",
                            json_string((const char *)sqlite3_column_text(stmt, 16)));
        json_array_append_new(list, p);
    }
    if (list == NULL || step != SQLITE_DONE) {
        rc = list ? pa_db_fail(db, err, "listing projects")
                  : pa_error_set(err, PA_ENOMEM, "out of memory");
        json_decref(list);
        list = NULL;
    }
    sqlite3_reset(stmt);
    *out = list;
    return rc;
}

int pa_project_exists(struct pa_db *db, const char *code, bool *exists, struct pa_error *err)
{
    static const char sql[] = "SELECT 1 FROM projects WHERE code = ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, code);
    int step = sqlite3_step(stmt);
    *exists = step == SQLITE_ROW;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "finding a project");
    sqlite3_reset(stmt);
    return rc;
}
