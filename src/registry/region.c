/*
 * region.c - lookups in the built-in GB/T 2260 list: does a code exist, and does
 * it lie inside another region (a county inside its city, a city inside its
 * province).  The list never changes after the first migration, so it is read
 * into memory once per connection: an import checks a region or two per row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairaid/registry.h"

#define REGIONS_MAX 8192

struct region {
    char code[8];
    int level;
    int parent; /* index, or -1 */
};

struct region_cache {
    struct region *regions;
    int n;
    struct pa_strmap *index;
};

static int keep(struct pa_db *db, void *state, struct pa_error *err)
{
    (void)db, (void)state, (void)err;
    return 0;
}

static void keep_after_rollback(struct pa_db *db, void *state)
{
    (void)db, (void)state;
}

static void free_cache(void *state)
{
    struct region_cache *cache = state;
    if (cache == NULL)
        return;
    pa_strmap_free(cache->index);
    free(cache->regions);
    free(cache);
}

static const struct pa_db_extension region_extension = {keep, keep_after_rollback, free_cache};

static int find(const struct region_cache *cache, const char *code)
{
    long i = -1;
    return pa_strmap_get(cache->index, code, &i) ? (int)i : -1;
}

/* Rows come in code order, so every parent is already indexed. */
static int fill(struct pa_db *db, struct region_cache *cache, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(pa_db_sqlite(db),
                           "SELECT code, level, parent FROM regions ORDER BY code", -1, &stmt,
                           NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "reading regions");
    int rc = 0, step = SQLITE_DONE;
    while (rc == 0 && cache->n < REGIONS_MAX && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct region *r = &cache->regions[cache->n];
        snprintf(r->code, sizeof(r->code), "%s", sqlite3_column_text(stmt, 0));
        r->level = sqlite3_column_int(stmt, 1);
        const char *parent = (const char *)sqlite3_column_text(stmt, 2);
        r->parent = parent ? find(cache, parent) : -1;
        if (pa_strmap_put(cache->index, r->code, cache->n, NULL) < 0)
            rc = pa_error_set(err, PA_ENOMEM, "out of memory");
        cache->n++;
    }
    if (rc == 0 && cache->n < REGIONS_MAX && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading regions");
    sqlite3_finalize(stmt);
    return rc;
}

static int load(struct pa_db *db, struct region_cache **out, struct pa_error *err)
{
    *out = pa_db_extension_state(db, &region_extension);
    if (*out)
        return 0;
    struct region_cache *cache = calloc(1, sizeof(*cache));
    if (cache == NULL || (cache->regions = calloc(REGIONS_MAX, sizeof(struct region))) == NULL ||
        pa_strmap_new(&cache->index) != 0) {
        free_cache(cache);
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    int rc = fill(db, cache, err);
    if (rc == 0)
        rc = pa_db_extension_attach(db, &region_extension, cache, err);
    else
        free_cache(cache);
    if (rc == 0)
        *out = cache;
    return rc;
}

int pa_region_lookup(struct pa_db *db, const char *code, int *level, struct pa_error *err)
{
    struct region_cache *cache;
    int rc = load(db, &cache, err);
    if (rc != 0)
        return rc;
    int i = find(cache, code);
    if (i < 0)
        return pa_error_set(err, PA_ENOTFOUND, "unknown region code %s (GB/T 2260)", code);
    if (level)
        *level = cache->regions[i].level;
    return 0;
}

int pa_region_name(struct pa_db *db, const char *code, char *name, size_t size,
                   struct pa_error *err)
{
    static const char sql[] = "SELECT name FROM regions WHERE code = ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, code);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        snprintf(name, size, "%s", sqlite3_column_text(stmt, 0));
    else
        rc = pa_error_set(err, PA_ENOTFOUND, "unknown region code %s (GB/T 2260)", code);
    sqlite3_reset(stmt);
    return rc;
}

int pa_region_within(struct pa_db *db, const char *code, const char *ancestor, bool *within,
                     struct pa_error *err)
{
    PA_ASSERT(code != NULL && ancestor != NULL && within != NULL);
    struct region_cache *cache;
    int rc = load(db, &cache, err);
    if (rc != 0)
        return rc;
    *within = false;
    for (int i = find(cache, code), depth = 0; i >= 0 && depth < 4;
         i = cache->regions[i].parent, depth++) {
        if (strcmp(cache->regions[i].code, ancestor) == 0) {
            *within = true;
            break;
        }
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
    .table = "regions",
    .order_by = "code",
};
