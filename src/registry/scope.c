/*
 * scope.c - who may change what, and who may read what.  The rules of
 * DESIGN.md's users table live here, in the library, so the command line
 * (--as a user), the HTTP API and every report obey the same ones.
 *
 * Writes: the local operator (no principal) and admins may do everything; the
 * other roles only what their region covers (pa_scope_require).
 *
 * Reads: the local operator, admins and assessors read everything.  Everyone
 * else reads the published projects (what the public sees) and, beyond them,
 * the books of the pairings their scope reaches:
 *  - an auditor: their pairing and the pairings below it;
 *  - a donor or a recipient: every pairing whose donor side (for a donor) or
 *    recipient side (for a recipient) is their region, lies within it, or
 *    contains it: 东海县 reads 宜兴—东海 and the city pairing 无锡—连云港 above
 *    it, 无锡市 every pairing of its districts;
 *  - the public (pa_anonymous): none.
 * A project is read when it is published or its pairing is read; an account
 * when its project is read, or (without a project) its pairing is, or (with
 * neither: a payee) its region lies within a side of a pairing that is read.
 * A transfer is read when either of its accounts is.
 *
 * Every query that filters by these rules calls pa_scope_read first and uses
 * the SQL functions it registers (pa_sees_pairing, pa_sees_project,
 * pa_sees_account, pa_sees_region, pa_pairing_under), so the rule is written
 * once, here, and the SQL only names it.  What it computes is kept on the
 * connection until the principal changes or the log grows.
 */
#include <stdlib.h>
#include <string.h>

#include "pairaid/registry.h"

/* ---- write scope ------------------------------------------------------------- */

bool pa_scope_unrestricted(struct pa_db *db)
{
    const struct pa_principal *who = pa_db_principal(db);
    return who == NULL || who->role == PA_ROLE_ADMIN;
}

static int deny_role(const struct pa_principal *who, const char *what, struct pa_error *err)
{
    if (who->role == PA_ROLE_ANONYMOUS)
        return pa_error_set(err, PA_EUNAUTH, "sign in to %s", what);
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
    if (rc == 0 && !covered) {
        /* in Chinese the region is named as well as coded: 东海县（320722） */
        char name[128], zh[160];
        struct pa_error ignored;
        if (pa_region_name(db, who->region, name, sizeof(name), &ignored) == 0) {
            snprintf(zh, sizeof(zh), "%s（%s）", name, who->region);
            pa_msg_twin(who->region, zh);
        }
        rc = pa_error_set(err, PA_EDENIED, "user '%s' may not %s: it is outside region %s",
                          who->name, what, who->region);
    }
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

/* ---- read scope ---------------------------------------------------------------- */

struct scope_pairing {
    char code[PA_CODE_MAX + 1];
    char donor[8], recipient[8];
    int parent; /* index, or -1 */
    bool read;
};

struct read_scope {
    bool valid, everything, functions;
    bool as_operator; /* computed for the local operator (no principal) */
    struct pa_principal who;
    int64_t log_size;
    struct scope_pairing *pairings;
    int npairings;
    struct pa_strmap *index;    /* pairing code -> position */
    struct pa_strmap *accounts; /* the accounts read, when asked for */
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

static void forget(struct read_scope *s)
{
    free(s->pairings);
    s->pairings = NULL;
    s->npairings = 0;
    pa_strmap_free(s->index);
    pa_strmap_free(s->accounts);
    s->index = s->accounts = NULL;
    s->valid = false;
}

static void free_scope(void *state)
{
    if (state)
        forget(state);
    free(state);
}

static const struct pa_db_extension scope_extension = {keep, keep_after_rollback, free_scope};

static struct read_scope *scope_of(struct pa_db *db)
{
    struct read_scope *s = pa_db_extension_state(db, &scope_extension);
    PA_ASSERT(s != NULL && s->valid); /* pa_scope_read comes first */
    return s;
}

bool pa_scope_reads_everything(struct pa_db *db)
{
    const struct pa_principal *who = pa_db_principal(db);
    return who == NULL || who->role == PA_ROLE_ADMIN || who->role == PA_ROLE_ASSESSOR;
}

static int pairing_at(const struct read_scope *s, const char *code)
{
    long i = -1;
    return code && s->index && pa_strmap_get(s->index, code, &i) ? (int)i : -1;
}

/* Is pairing i `ancestor` or below it?  Parents are stored before their
 * children, so the walk ends within npairings steps. */
static bool under(const struct read_scope *s, int i, int ancestor)
{
    for (int steps = 0; i >= 0 && steps <= s->npairings; i = s->pairings[i].parent, steps++)
        if (i == ancestor)
            return true;
    return false;
}

/* Do two regions lie one within the other (either way, or the same)? */
static int related(struct pa_db *db, const char *a, const char *b, bool *out, struct pa_error *err)
{
    int rc = pa_region_within(db, a, b, out, err);
    if (rc == 0 && !*out)
        rc = pa_region_within(db, b, a, out, err);
    return rc;
}

static int decide_pairing(struct pa_db *db, struct read_scope *s, int i, struct pa_error *err)
{
    const struct pa_principal *who = &s->who;
    struct scope_pairing *p = &s->pairings[i];
    p->read = s->everything;
    if (s->everything)
        return 0;
    if (who->role == PA_ROLE_AUDITOR)
        p->read = under(s, i, pairing_at(s, who->pairing));
    else if (who->role == PA_ROLE_DONOR && who->region[0])
        return related(db, p->donor, who->region, &p->read, err);
    else if (who->role == PA_ROLE_RECIPIENT && who->region[0])
        return related(db, p->recipient, who->region, &p->read, err);
    return 0;
}

static int load_pairings(struct pa_db *db, struct read_scope *s, struct pa_error *err)
{
    static const char count_sql[] = "SELECT count(*) FROM pairings";
    static const char sql[] = "SELECT code, donor, recipient, parent FROM pairings "
                              "ORDER BY parent IS NOT NULL, code";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, count_sql, &stmt, err);
    if (rc != 0)
        return rc;
    int step = sqlite3_step(stmt);
    int64_t n = step == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_reset(stmt);
    if (step != SQLITE_ROW)
        return pa_db_fail(db, err, "reading pairings");
    s->pairings = calloc((size_t)n + 1, sizeof(*s->pairings));
    if (s->pairings == NULL || pa_strmap_new(&s->index) != 0)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    if ((rc = pa_db_prepare(db, sql, &stmt, err)) != 0)
        return rc;
    while (rc == 0 && s->npairings < n && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct scope_pairing *p = &s->pairings[s->npairings];
        snprintf(p->code, sizeof(p->code), "%s", sqlite3_column_text(stmt, 0));
        snprintf(p->donor, sizeof(p->donor), "%s", sqlite3_column_text(stmt, 1));
        snprintf(p->recipient, sizeof(p->recipient), "%s", sqlite3_column_text(stmt, 2));
        p->parent = pairing_at(s, (const char *)sqlite3_column_text(stmt, 3));
        if (pa_strmap_put(s->index, p->code, s->npairings, NULL) < 0)
            rc = pa_error_set(err, PA_ENOMEM, "out of memory");
        s->npairings++;
    }
    if (rc == 0 && s->npairings < n && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading pairings");
    sqlite3_reset(stmt);
    for (int i = 0; rc == 0 && i < s->npairings; i++)
        rc = decide_pairing(db, s, i, err);
    return rc;
}

bool pa_scope_sees_pairing(struct pa_db *db, const char *code)
{
    const struct read_scope *s = scope_of(db);
    int i = pairing_at(s, code);
    return s->everything || (i >= 0 && s->pairings[i].read);
}

bool pa_scope_sees_project(struct pa_db *db, const char *pairing, bool is_public)
{
    return is_public || pa_scope_sees_pairing(db, pairing);
}

/* A payee (an account with neither project nor pairing) is read when its
 * region lies within a side of a pairing that is read. */
static bool sees_region(struct pa_db *db, const struct read_scope *s, const char *region)
{
    if (s->everything)
        return true;
    for (int i = 0; region && i < s->npairings; i++) {
        const struct scope_pairing *p = &s->pairings[i];
        bool in = false;
        if (p->read && ((pa_region_within(db, region, p->donor, &in, NULL) == 0 && in) ||
                        (pa_region_within(db, region, p->recipient, &in, NULL) == 0 && in)))
            return true;
    }
    return false;
}

static int load_accounts(struct pa_db *db, struct read_scope *s, struct pa_error *err)
{
    static const char sql[] = "SELECT a.code, a.pairing, a.region, a.project, p.pairing, "
                              "p.public FROM accounts a LEFT JOIN projects p ON p.code = a.project";
    if (pa_strmap_new(&s->accounts) != 0)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err), step = SQLITE_DONE;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(stmt, 0);
        const char *pairing = (const char *)sqlite3_column_text(stmt, 1);
        const char *region = (const char *)sqlite3_column_text(stmt, 2);
        bool read;
        if (sqlite3_column_type(stmt, 3) != SQLITE_NULL)
            read = pa_scope_sees_project(db, (const char *)sqlite3_column_text(stmt, 4),
                                         sqlite3_column_int(stmt, 5) != 0);
        else if (pairing)
            read = pa_scope_sees_pairing(db, pairing);
        else
            read = sees_region(db, s, region);
        if (read && pa_strmap_put(s->accounts, code, 1, NULL) < 0)
            rc = pa_error_set(err, PA_ENOMEM, "out of memory");
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading accounts");
    sqlite3_reset(stmt);
    return rc;
}

bool pa_scope_sees_account(struct pa_db *db, const char *code)
{
    const struct read_scope *s = scope_of(db);
    PA_ASSERT(s->everything || s->accounts != NULL); /* asked for with PA_SCOPE_ACCOUNTS */
    return s->everything || (code && pa_strmap_get(s->accounts, code, NULL));
}

bool pa_pairing_under(struct pa_db *db, const char *code, const char *ancestor)
{
    const struct read_scope *s = scope_of(db);
    int a = pairing_at(s, ancestor);
    return a >= 0 && under(s, pairing_at(s, code), a);
}

/* ---- the rules in SQL -------------------------------------------------------- */

static struct pa_db *fn_db(sqlite3_context *ctx)
{
    return sqlite3_user_data(ctx);
}

static const char *fn_text(sqlite3_value *v)
{
    return (const char *)sqlite3_value_text(v);
}

static void sql_sees_pairing(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sqlite3_result_int(ctx, pa_scope_sees_pairing(fn_db(ctx), fn_text(argv[0])));
}

static void sql_sees_project(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sqlite3_result_int(ctx, pa_scope_sees_project(fn_db(ctx), fn_text(argv[0]),
                                                  sqlite3_value_int(argv[1]) != 0));
}

static void sql_sees_account(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sqlite3_result_int(ctx, pa_scope_sees_account(fn_db(ctx), fn_text(argv[0])));
}

static void sql_sees_region(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    struct pa_db *db = fn_db(ctx);
    sqlite3_result_int(ctx, sees_region(db, scope_of(db), fn_text(argv[0])));
}

static void sql_pairing_under(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sqlite3_result_int(ctx, pa_pairing_under(fn_db(ctx), fn_text(argv[0]), fn_text(argv[1])));
}

static int register_functions(struct pa_db *db, struct pa_error *err)
{
    static const struct {
        const char *name;
        int nargs;
        void (*fn)(sqlite3_context *, int, sqlite3_value **);
    } functions[] = {
        {"pa_sees_pairing", 1, sql_sees_pairing}, {"pa_sees_project", 2, sql_sees_project},
        {"pa_sees_account", 1, sql_sees_account}, {"pa_sees_region", 1, sql_sees_region},
        {"pa_pairing_under", 2, sql_pairing_under},
    };
    for (size_t i = 0; i < PA_ARRAY_LEN(functions); i++)
        if (sqlite3_create_function_v2(pa_db_sqlite(db), functions[i].name, functions[i].nargs,
                                       SQLITE_UTF8 | SQLITE_DIRECTONLY, db, functions[i].fn, NULL,
                                       NULL, NULL) != SQLITE_OK)
            return pa_db_fail(db, err, "registering the read rules");
    return 0;
}

/* Was s computed for the principal acting now, on the log as it is now? */
static bool current(const struct read_scope *s, const struct pa_principal *who, int64_t size)
{
    if (!s->valid || s->log_size != size || s->as_operator != (who == NULL))
        return false;
    return who == NULL || (s->who.role == who->role && strcmp(s->who.name, who->name) == 0 &&
                           strcmp(s->who.region, who->region) == 0 &&
                           strcmp(s->who.pairing, who->pairing) == 0);
}

static int attach(struct pa_db *db, struct read_scope **out, struct pa_error *err)
{
    *out = pa_db_extension_state(db, &scope_extension);
    if (*out)
        return 0;
    struct read_scope *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    int rc = pa_db_extension_attach(db, &scope_extension, s, err);
    if (rc == 0)
        rc = register_functions(db, err);
    if (rc == 0)
        *out = s;
    return rc;
}

int pa_scope_read(struct pa_db *db, unsigned needs, struct pa_error *err)
{
    struct read_scope *s;
    int64_t size;
    int rc = attach(db, &s, err);
    if (rc == 0)
        rc = pa_tlog_size(db, &size, err);
    if (rc != 0)
        return rc;
    const struct pa_principal *who = pa_db_principal(db);
    if (!current(s, who, size)) {
        forget(s);
        s->as_operator = who == NULL;
        s->who = who ? *who : (struct pa_principal){0};
        s->log_size = size;
        s->everything = pa_scope_reads_everything(db);
        rc = load_pairings(db, s, err);
        s->valid = rc == 0;
    }
    if (rc == 0 && !s->everything && (needs & PA_SCOPE_ACCOUNTS) && s->accounts == NULL)
        rc = load_accounts(db, s, err);
    if (rc != 0)
        forget(s);
    return rc;
}
