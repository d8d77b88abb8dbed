/*
 * region.c - lookups in the built-in GB/T 2260 list: does a code exist, and does
 * it lie inside another region (a county inside its city, a city inside its
 * province).  The list has three levels, so walking up the parents is short.
 */
#include <stdio.h>
#include <string.h>

#include "pairaid/registry.h"

static const char sql_region[] = "SELECT level, parent FROM regions WHERE code = ?1";

int pa_region_lookup(struct pa_db *db, const char *code, int *level, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql_region, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, code);
    int step = sqlite3_step(stmt);
    if (step == SQLITE_ROW && level)
        *level = sqlite3_column_int(stmt, 0);
    sqlite3_reset(stmt);
    if (step == SQLITE_DONE)
        return pa_error_set(err, PA_ENOTFOUND, "unknown region code %s (GB/T 2260)", code);
    return step == SQLITE_ROW ? 0 : pa_db_fail(db, err, "looking up a region");
}

int pa_region_within(struct pa_db *db, const char *code, const char *ancestor, bool *within,
                     struct pa_error *err)
{
    PA_ASSERT(code != NULL && ancestor != NULL && within != NULL);
    char current[8];
    snprintf(current, sizeof(current), "%s", code);
    *within = false;
    for (int depth = 0; depth < 4; depth++) {
        if (strcmp(current, ancestor) == 0) {
            *within = true;
            return 0;
        }
        sqlite3_stmt *stmt;
        int rc = pa_db_prepare(db, sql_region, &stmt, err);
        if (rc != 0)
            return rc;
        pa_db_bind_text(stmt, 1, current);
        int step = sqlite3_step(stmt);
        bool has_parent = step == SQLITE_ROW && sqlite3_column_type(stmt, 1) != SQLITE_NULL;
        if (has_parent)
            snprintf(current, sizeof(current), "%s", sqlite3_column_text(stmt, 1));
        sqlite3_reset(stmt);
        if (step != SQLITE_ROW && step != SQLITE_DONE)
            return pa_db_fail(db, err, "looking up a region");
        if (!has_parent)
            return 0;
    }
    return 0;
}

static const struct pa_column region_columns[] = {
    {"code", PA_COL_REGION, PA_COL_KEY | PA_COL_REQUIRED, NULL},
    {"name", PA_COL_NAME, PA_COL_REQUIRED, NULL},
    {"level", PA_COL_COUNT, PA_COL_REQUIRED, NULL},
    {"parent", PA_COL_REGION, 0, NULL},
};

/* Read only: exported, never imported (no event type, no insert). */
const struct pa_kind pa_region_kind = {
    .name = "regions",
    .columns = region_columns,
    .ncolumns = PA_ARRAY_LEN(region_columns),
    .sql_export = "SELECT code, name, level, parent FROM regions ORDER BY code",
};
