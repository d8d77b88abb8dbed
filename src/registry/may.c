/*
 * may.c - where the acting principal may file a project, asked of the very
 * functions that refuse a project filed elsewhere: the project kind's region
 * rule (its region lies within the pairing's recipient region) and its
 * authorize (pa_scope_require).  The app's forms offer what these answer, so
 * no second copy of the rules lives in JavaScript and a form a user fills in
 * is one the library will take.
 */
#include <string.h>

#include "pairaid/registry.h"

static const char sql_recipient[] = "SELECT recipient FROM pairings WHERE code = ?1";

static int pairing_recipient(struct pa_db *db, const char *pairing, char recipient[8],
                             bool *found, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql_recipient, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, pairing);
    int step = sqlite3_step(stmt);
    *found = step == SQLITE_ROW;
    if (*found)
        snprintf(recipient, 8, "%s", (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_reset(stmt);
    return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : pa_db_fail(db, err, "reading a pairing");
}

/* The kind's authorize on a project that is only its region: the one column
 * the rule reads.  A refusal is an answer (false), not an error. */
static int authorized_in(struct pa_db *db, const char *region, bool *may, struct pa_error *err)
{
    const struct pa_kind *kind = pa_kind_find("projects");
    int col = pa_kind_column(kind, "region");
    PA_ASSERT(kind != NULL && kind->authorize != NULL && col >= 0);
    struct pa_record rec;
    memset(&rec, 0, sizeof(rec));
    rec.kind = kind;
    rec.v[col].s = region;
    struct pa_error denied;
    pa_error_clear(&denied);
    int rc = kind->authorize(db, &rec, &denied);
    *may = rc == 0;
    if (rc == PA_EDENIED || rc == PA_EUNAUTH)
        return 0;
    if (rc != 0)
        return pa_error_set(err, rc, "%s", denied.message);
    return 0;
}

int pa_project_may_create(struct pa_db *db, const char *pairing, const char *region, bool *may,
                          struct pa_error *err)
{
    PA_ASSERT(db != NULL && pairing != NULL && region != NULL && may != NULL);
    *may = false;
    char recipient[8];
    bool found, within = false;
    int rc = pairing_recipient(db, pairing, recipient, &found, err);
    if (rc == 0 && found)
        rc = pa_region_within(db, region, recipient, &within, err);
    if (rc != 0 || !within)
        return rc;
    return authorized_in(db, region, may, err);
}

/* The narrowest region a project of this pairing could have for the
 * principal: their own region when it lies within the pairing's recipient
 * side, else the recipient side itself (which then must lie within theirs). */
static int candidate_region(struct pa_db *db, const char *recipient, char out[8],
                            struct pa_error *err)
{
    const struct pa_principal *who = pa_db_principal(db);
    bool inside = false;
    int rc = 0;
    if (who && who->region[0])
        rc = pa_region_within(db, who->region, recipient, &inside, err);
    snprintf(out, 8, "%s", inside ? who->region : recipient);
    return rc;
}

int pa_pairing_list_may_create(struct pa_db *db, json_t **pairings, struct pa_error *err)
{
    PA_ASSERT(db != NULL && pairings != NULL);
    json_t *all;
    int rc = pa_pairing_list(db, &all, err);
    if (rc != 0)
        return rc;
    json_t *kept = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(all, i, p)
    {
        const char *code = json_string_value(json_object_get(p, "code"));
        const char *recipient = json_string_value(json_object_get(p, "recipient"));
        char region[8];
        bool may = false;
        rc = candidate_region(db, recipient, region, err);
        if (rc == 0)
            rc = pa_project_may_create(db, code, region, &may, err);
        if (rc != 0)
            break;
        if (may)
            json_array_append(kept, p);
    }
    json_decref(all);
    if (rc != 0)
        json_decref(kept);
    *pairings = rc == 0 ? kept : NULL;
    return rc;
}

/* A pairing's recipient region and the regions below it (a city and its
 * counties), as pa_region_children lists them. */
static const char sql_side[] = "SELECT code, name, level, parent FROM regions "
                               "WHERE code = ?1 OR parent = ?1 ORDER BY level, code";

int pa_region_list_may_create(struct pa_db *db, const char *pairing, json_t **regions,
                              struct pa_error *err)
{
    PA_ASSERT(db != NULL && pairing != NULL && regions != NULL);
    *regions = NULL;
    char recipient[8];
    bool found;
    int rc = pairing_recipient(db, pairing, recipient, &found, err);
    if (rc == 0 && !found)
        rc = pa_error_setf(err, PA_ENOTFOUND, "pairing", "unknown pairing '%s'", pairing);
    sqlite3_stmt *stmt;
    if (rc != 0 || (rc = pa_db_prepare(db, sql_side, &stmt, err)) != 0)
        return rc;
    pa_db_bind_text(stmt, 1, recipient);
    /* the rows first: the checks below run statements of their own */
    json_t *rows = json_array();
    int step;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
        json_array_append_new(
            rows, json_pack("{s:s, s:s, s:i, s:s?}", "code", sqlite3_column_text(stmt, 0), "name",
                            sqlite3_column_text(stmt, 1), "level", sqlite3_column_int(stmt, 2),
                            "parent", sqlite3_column_text(stmt, 3)));
    sqlite3_reset(stmt);
    if (step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "listing regions");
    json_t *kept = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        bool may = false;
        if (rc == 0)
            rc = pa_project_may_create(db, pairing,
                                       json_string_value(json_object_get(r, "code")), &may, err);
        if (rc == 0 && may)
            json_array_append(kept, r);
    }
    json_decref(rows);
    if (rc != 0)
        json_decref(kept);
    *regions = rc == 0 ? kept : NULL;
    return rc;
}

int pa_project_may_change(struct pa_db *db, const char *code, bool *may, struct pa_error *err)
{
    PA_ASSERT(db != NULL && code != NULL && may != NULL);
    char region[8];
    *may = false;
    int rc = pa_registry__project_region(db, code, region, err);
    return rc != 0 ? rc : authorized_in(db, region, may, err);
}
