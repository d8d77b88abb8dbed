/*
 * scope.c - who may change what.  The rules of DESIGN.md's users table live
 * here, in the library, so the command line (--as a user) and the HTTP API
 * obey the same ones.  The local operator (no principal) and admins may do
 * everything; the other roles only what their region or pairing covers.
 */
#include <stdlib.h>
#include <string.h>

#include "pairaid/registry.h"

bool pa_scope_unrestricted(struct pa_db *db)
{
    const struct pa_principal *who = pa_db_principal(db);
    return who == NULL || who->role == PA_ROLE_ADMIN;
}

static int deny_role(const struct pa_principal *who, const char *what, struct pa_error *err)
{
    return pa_error_set(err, PA_EDENIED, "a user with role '%s' may not %s",
                        pa_role_name(who->role), what);
}

int pa_scope_covers_region(struct pa_db *db, const char *region, bool *covered,
                           struct pa_error *err)
{
    const struct pa_principal *who = pa_db_principal(db);
    *covered = true;
    if (pa_scope_unrestricted(db) || who->role == PA_ROLE_ASSESSOR)
        return 0;
    if (who->region[0] == '\0' || region == NULL) {
        *covered = false;
        return 0;
    }
    return pa_region_within(db, region, who->region, covered, err);
}

int pa_scope_covers_pairing(struct pa_db *db, const char *pairing, bool *covered,
                            struct pa_error *err)
{
    const struct pa_principal *who = pa_db_principal(db);
    *covered = true;
    if (pa_scope_unrestricted(db) || who->pairing[0] == '\0')
        return 0;
    /* walk up the pairing's parents (a pairing tree is shallow: city, then county) */
    static const char sql[] = "SELECT parent FROM pairings WHERE code = ?1";
    char code[PA_CODE_MAX + 1];
    snprintf(code, sizeof(code), "%s", pairing ? pairing : "");
    for (int depth = 0; depth < 8 && code[0]; depth++) {
        if (strcmp(code, who->pairing) == 0)
            return 0;
        sqlite3_stmt *stmt;
        int rc = pa_db_prepare(db, sql, &stmt, err);
        if (rc != 0)
            return rc;
        pa_db_bind_text(stmt, 1, code);
        const unsigned char *parent = NULL;
        if (sqlite3_step(stmt) == SQLITE_ROW)
            parent = sqlite3_column_text(stmt, 0);
        snprintf(code, sizeof(code), "%s", parent ? (const char *)parent : "");
        sqlite3_reset(stmt);
    }
    *covered = false;
    return 0;
}

int pa_scope_require(struct pa_db *db, enum pa_role role, const char *region, const char *what,
                     struct pa_error *err)
{
    if (pa_scope_unrestricted(db))
        return 0;
    const struct pa_principal *who = pa_db_principal(db);
    if (who->role != role)
        return deny_role(who, what, err);
    bool covered;
    int rc = pa_scope_covers_region(db, region, &covered, err);
    if (rc == 0 && !covered)
        rc = pa_error_set(err, PA_EDENIED, "user '%s' may not %s: it is outside region %s",
                          who->name, what, who->region);
    return rc;
}

int pa_scope_admin_only(struct pa_db *db, const char *what, struct pa_error *err)
{
    if (pa_scope_unrestricted(db))
        return 0;
    return deny_role(pa_db_principal(db), what, err);
}

int pa_scope_allow(struct pa_db *db, const struct pa_record *rec, struct pa_error *err)
{
    (void)db, (void)rec, (void)err;
    return 0;
}

int pa_scope_covers_everything(struct pa_db *db, bool *covered, struct pa_error *err)
{
    *covered = true;
    if (pa_scope_unrestricted(db) || pa_db_principal(db)->pairing[0] == '\0')
        return 0;
    static const char sql[] = "SELECT code FROM pairings ORDER BY code";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    /* copied out first: pa_scope_covers_pairing runs statements of its own */
    char(*codes)[PA_CODE_MAX + 1] = NULL;
    size_t n = 0, cap = 0;
    while (rc == 0 && sqlite3_step(stmt) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            void *grown = realloc(codes, cap * sizeof(*codes));
            if (grown == NULL)
                rc = pa_error_set(err, PA_ENOMEM, "out of memory");
            else
                codes = grown;
        }
        if (rc == 0)
            snprintf(codes[n++], PA_CODE_MAX + 1, "%s", sqlite3_column_text(stmt, 0));
    }
    sqlite3_reset(stmt);
    for (size_t i = 0; rc == 0 && *covered && i < n; i++)
        rc = pa_scope_covers_pairing(db, codes[i], covered, err);
    free(codes);
    return rc;
}
