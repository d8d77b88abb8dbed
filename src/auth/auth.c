/*
 * auth.c - users (events of the log, with Argon2id passwords beside it) and
 * sessions (hashed random tokens).
 *
 * The users table is a projection: user.add, user.change, user.disable and
 * user.enable events make it, and replay makes it again.  Replay also checks,
 * for every event, that its actor held the role the event records (and that
 * role's scope) as the log stood then: a role granted behind pairaid's back,
 * used, and taken away again no longer leaves the books looking clean.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <pwquality.h>
#include <sodium.h>

#include "pairaid/auth.h"

/* OWASP's Argon2id floor (19 MiB, 2 passes): a sign-in costs tens of
 * milliseconds and the server's memory stays small under a burst of them. */
#define PWHASH_OPS 2
#define PWHASH_MEM (19u * 1024 * 1024)

/* ---- names and passwords -------------------------------------------------------- */

/* Decodes one UTF-8 code point (the text is already known to be valid). */
static unsigned next_code_point(const unsigned char **p)
{
    const unsigned char *s = *p;
    unsigned c = s[0];
    int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
    if (extra)
        c &= 0x3fu >> extra;
    for (int i = 1; i <= extra; i++)
        c = (c << 6) | (s[i] & 0x3fu);
    *p = s + extra + 1;
    return c;
}

static bool is_han(unsigned c)
{
    return (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) ||
           (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x2fa1f);
}

static bool is_ascii_word(unsigned c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

int pa_user_name_check(const char *name, struct pa_error *err)
{
    size_t len = strlen(name);
    int rc = pa_text_check(name, len, PA_USER_NAME_MAX_CHARS, 0, err);
    if (rc != 0)
        return pa_error_setf(err, PA_EINVAL, "name", "user name %s", err ? err->message : "");
    if (len == 0)
        return pa_error_setf(err, PA_EINVAL, "name", "a user needs a name");
    if (strcmp(name, pa_anonymous.name) == 0)
        return pa_error_setf(err, PA_EINVAL, "name", "'%s' is reserved for the public", name);
    const unsigned char *p = (const unsigned char *)name;
    for (bool first = true; *p; first = false) {
        unsigned c = next_code_point(&p);
        bool punct = c == '.' || c == '_' || c == '-' || c == 0xb7; /* · */
        if (first && punct)
            return pa_error_setf(err, PA_EINVAL, "name",
                                 "a user name starts with a letter, a digit or a Chinese character");
        if (!is_ascii_word(c) && !is_han(c) && !punct)
            return pa_error_setf(err, PA_EINVAL, "name",
                                 "'%s' is not a user name: letters, digits, Chinese characters "
                                 "and . _ - · only (no spaces)",
                                 name);
    }
    return 0;
}

int pa_password_check(const char *name, const char *password, struct pa_error *err)
{
    size_t n = strlen(password);
    if (n < PA_PASSWORD_MIN || n > PA_PASSWORD_MAX)
        return pa_error_setf(err, PA_EINVAL, "password", "a password has %d to %d bytes",
                             PA_PASSWORD_MIN, PA_PASSWORD_MAX);
    int rc = pa_text_check(password, n, PA_PASSWORD_MAX, 0, err);
    if (rc != 0)
        return rc;
    pwquality_settings_t *settings = pwquality_default_settings();
    if (settings == NULL)
        return pa_error_set(err, PA_ENOMEM, "out of memory");
    pwquality_set_int_value(settings, PWQ_SETTING_MIN_LENGTH, PA_PASSWORD_MIN);
    void *aux = NULL;
    int score = pwquality_check(settings, password, NULL, name, &aux);
    if (score < 0) {
        char why[PWQ_MAX_ERROR_MESSAGE_LEN];
        const char *text = pwquality_strerror(why, sizeof(why), score, aux);
        rc = pa_error_setf(err, PA_EINVAL, "password", "the password is too weak: %s", text);
    }
    pwquality_free_settings(settings);
    return rc;
}

/* ---- the users table, as the log makes it ------------------------------------------ */

static const char sql_find[] =
    "SELECT name, role, region, pairing, disabled FROM users WHERE name = ?1";

static void principal_from_row(sqlite3_stmt *stmt, int first, struct pa_principal *u)
{
    memset(u, 0, sizeof(*u));
    const unsigned char *text;
    snprintf(u->name, sizeof(u->name), "%s", sqlite3_column_text(stmt, first));
    pa_role_parse((const char *)sqlite3_column_text(stmt, first + 1), &u->role, NULL);
    if ((text = sqlite3_column_text(stmt, first + 2)) != NULL)
        snprintf(u->region, sizeof(u->region), "%s", text);
    if ((text = sqlite3_column_text(stmt, first + 3)) != NULL)
        snprintf(u->pairing, sizeof(u->pairing), "%s", text);
}

int pa_user_find(struct pa_db *db, const char *name, struct pa_principal *user, bool *found,
                 bool *disabled, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql_find, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, name);
    int step = sqlite3_step(stmt);
    *found = step == SQLITE_ROW;
    if (*found) {
        principal_from_row(stmt, 0, user);
        if (disabled)
            *disabled = sqlite3_column_int(stmt, 4) != 0;
    } else if (step != SQLITE_DONE) {
        rc = pa_db_fail(db, err, "finding a user");
    }
    sqlite3_reset(stmt);
    return rc;
}

int pa_user_list(struct pa_db *db,
                 int (*fn)(const struct pa_principal *user, bool disabled, void *ctx), void *ctx,
                 struct pa_error *err)
{
    static const char sql[] =
        "SELECT name, role, region, pairing, disabled FROM users ORDER BY name";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    int step = SQLITE_DONE;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct pa_principal u;
        principal_from_row(stmt, 0, &u);
        rc = fn(&u, sqlite3_column_int(stmt, 4) != 0, ctx);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "listing users");
    if (stmt)
        sqlite3_reset(stmt);
    return rc;
}

/* The scope a role records: a region, a pairing, or none. */
static const char *scope_of(const struct pa_principal *u)
{
    return u->region[0] ? u->region : u->pairing[0] ? u->pairing : NULL;
}

/* ---- applying user events (live and replay alike) -------------------------------------- */

static int run_change(struct pa_db *db, const char *sql, const char *const *text, int ntext,
                      const struct pa_event *ev, struct pa_error *err)
{
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    for (int i = 0; i < ntext; i++)
        pa_db_bind_text(stmt, i + 1, text[i]);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, ev->type);
    else if (sqlite3_changes(pa_db_sqlite(db)) != 1)
        rc = pa_error_set(err, PA_ETAMPER, "event '%s' for user '%s' does not fit the users table",
                          ev->type, text[0]);
    sqlite3_reset(stmt);
    return rc;
}

/* Only an admin (or the local operator) changes who may do what. */
static int by_admin(const struct pa_event *ev, struct pa_error *err)
{
    if (ev->role == NULL || strcmp(ev->role, "admin") == 0 ||
        strcmp(ev->role, PA_OPERATOR_ROLE) == 0)
        return 0;
    return pa_error_set(err, PA_ETAMPER, "'%s' changed users acting as '%s', not as an admin",
                        ev->actor, ev->role);
}

static int apply_user(struct pa_db *db, const struct pa_event *ev, struct pa_error *err)
{
    const char *name = NULL, *role = NULL, *region = NULL, *pairing = NULL;
    if (json_unpack((json_t *)ev->data, "{s:s, s:s, s?s, s?s !}", "name", &name, "role", &role,
                    "region", &region, "pairing", &pairing) != 0 ||
        pa_role_parse(role, &(enum pa_role){0}, NULL) != 0)
        return pa_error_set(err, PA_ETAMPER, "event '%s' is malformed", ev->type);
    int rc = by_admin(ev, err);
    if (rc != 0)
        return rc;
    const char *text[] = {name, role, region, pairing};
    if (strcmp(ev->type, "user.add") == 0)
        return run_change(db,
                          "INSERT INTO users(name, role, region, pairing) "
                          "SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS "
                          "(SELECT 1 FROM users WHERE name = ?1)",
                          text, 4, ev, err);
    return run_change(db, "UPDATE users SET role = ?2, region = ?3, pairing = ?4 WHERE name = ?1",
                      text, 4, ev, err);
}

static int apply_switch(struct pa_db *db, const struct pa_event *ev, struct pa_error *err)
{
    const char *name = NULL;
    if (json_unpack((json_t *)ev->data, "{s:s !}", "name", &name) != 0)
        return pa_error_set(err, PA_ETAMPER, "event '%s' is malformed", ev->type);
    int rc = by_admin(ev, err);
    if (rc != 0)
        return rc;
    const char *text[] = {name};
    return strcmp(ev->type, "user.disable") == 0
               ? run_change(db, "UPDATE users SET disabled = 1 WHERE name = ?1 AND disabled = 0",
                            text, 1, ev, err)
               : run_change(db, "UPDATE users SET disabled = 0 WHERE name = ?1 AND disabled = 1",
                            text, 1, ev, err);
}

/* Replay: did the event's actor hold the role (and scope) it records?  A name
 * that is no user acted as the local operator. */
static int check_actor(struct pa_db *db, const struct pa_event *ev, struct pa_error *err)
{
    if (ev->role == NULL)
        return 0; /* a version 1 entry records no role */
    struct pa_principal u;
    bool found, disabled = false;
    int rc = pa_user_find(db, ev->actor, &u, &found, &disabled, err);
    if (rc != 0)
        return rc;
    const char *role = found ? pa_role_name(u.role) : PA_OPERATOR_ROLE;
    const char *scope = found ? scope_of(&u) : NULL;
    if (found && disabled)
        return pa_error_set(err, PA_ETAMPER, "'%s' acted while disabled", ev->actor);
    if (strcmp(role, ev->role) != 0 || (scope == NULL) != (ev->scope == NULL) ||
        (scope && strcmp(scope, ev->scope) != 0))
        return pa_error_set(err, PA_ETAMPER,
                            "'%s' acted as '%s%s%s' but the log makes them '%s%s%s' then",
                            ev->actor, ev->role, ev->scope ? " " : "", ev->scope ? ev->scope : "",
                            role, scope ? " " : "", scope ? scope : "");
    return 0;
}

static const struct pa_event_type auth_events[] = {
    {"user.add", apply_user},        {"user.change", apply_user}, {"user.disable", apply_switch},
    {"user.enable", apply_switch},   {NULL, NULL},
};

static const char *const auth_tables[] = {"users", NULL};

static const struct pa_event_module auth_module = {
    .name = "auth", .types = auth_events, .tables = auth_tables, .check_actor = check_actor};

void pa_auth_init(void)
{
    pa_tlog_register(&auth_module);
}

/* ---- changing users ------------------------------------------------------------------ */

static int check_scope_fields(struct pa_db *db, const struct pa_principal *u, struct pa_error *err)
{
    bool regional = u->role == PA_ROLE_DONOR || u->role == PA_ROLE_RECIPIENT;
    bool paired = u->role == PA_ROLE_AUDITOR;
    if (u->role == PA_ROLE_ANONYMOUS)
        return pa_error_setf(err, PA_EINVAL, "role", "'anonymous' is not a user's role");
    if (regional != (u->region[0] != '\0'))
        return pa_error_setf(err, PA_EINVAL, "region",
                             regional ? "a %s needs --region" : "role %s has no region",
                             pa_role_name(u->role));
    if (paired != (u->pairing[0] != '\0'))
        return pa_error_setf(err, PA_EINVAL, "pairing",
                             paired ? "an %s needs --pairing" : "role %s has no pairing",
                             pa_role_name(u->role));
    if (regional) {
        int rc = pa_region_lookup(db, u->region, NULL, err);
        if (rc != 0 && err)
            snprintf(err->field, sizeof(err->field), "region");
        return rc;
    }
    if (!paired)
        return 0;
    static const char sql[] = "SELECT 1 FROM pairings WHERE code = ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, u->pairing);
    int step = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (step == SQLITE_ROW)
        return 0;
    return step == SQLITE_DONE
               ? pa_error_setf(err, PA_ENOTFOUND, "pairing", "unknown pairing '%s'", u->pairing)
               : pa_db_fail(db, err, "looking up a pairing");
}

static int user_event(struct pa_db *db, const char *type, const struct pa_principal *u,
                      struct pa_error *err)
{
    json_t *data = json_pack("{s:s, s:s, s:s*, s:s*}", "name", u->name, "role",
                             pa_role_name(u->role), "region", u->region[0] ? u->region : NULL,
                             "pairing", u->pairing[0] ? u->pairing : NULL);
    return data ? pa_tlog_append(db, type, data, NULL, err)
                : pa_error_set(err, PA_ENOMEM, "out of memory");
}

static int hash_password(const char *password, char hash[crypto_pwhash_STRBYTES],
                         struct pa_error *err)
{
    if (sodium_init() < 0)
        return pa_error_set(err, PA_EINTERNAL, "libsodium cannot start");
    if (crypto_pwhash_str_alg(hash, password, strlen(password), PWHASH_OPS, PWHASH_MEM,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return pa_error_set(err, PA_ENOMEM, "not enough memory to hash the password");
    return 0;
}

static int store_password(struct pa_db *db, const char *name, const char *password,
                          struct pa_error *err)
{
    char hash[crypto_pwhash_STRBYTES];
    int rc = hash_password(password, hash, err);
    static const char sql[] =
        "INSERT INTO credentials(name, password_hash) VALUES (?1, ?2) "
        "ON CONFLICT(name) DO UPDATE SET password_hash = excluded.password_hash";
    sqlite3_stmt *stmt;
    if (rc == 0)
        rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc == 0) {
        pa_db_bind_text(stmt, 1, name);
        pa_db_bind_text(stmt, 2, hash);
        if (sqlite3_step(stmt) != SQLITE_DONE)
            rc = pa_db_fail(db, err, "storing a password");
        sqlite3_reset(stmt);
    }
    sodium_memzero(hash, sizeof(hash));
    return rc;
}

static int end_sessions(struct pa_db *db, const char *name, struct pa_error *err)
{
    static const char sql[] = "DELETE FROM sessions WHERE user = ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, name);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, "ending sessions");
    sqlite3_reset(stmt);
    return rc;
}

/* The stored user `name`, which must exist. */
static int existing(struct pa_db *db, const char *name, struct pa_principal *u, bool *disabled,
                    struct pa_error *err)
{
    bool found;
    int rc = pa_user_find(db, name, u, &found, disabled, err);
    if (rc == 0 && !found)
        rc = pa_error_setf(err, PA_ENOTFOUND, "name", "no user '%s'", name);
    return rc;
}

int pa_user_add(struct pa_db *db, const struct pa_principal *user, const char *password,
                struct pa_error *err)
{
    PA_ASSERT(db != NULL && user != NULL && password != NULL && pa_db_in_transaction(db));
    int rc = pa_scope_admin_only(db, "add users", err);
    if (rc == 0)
        rc = pa_user_name_check(user->name, err);
    if (rc == 0)
        rc = check_scope_fields(db, user, err);
    if (rc == 0)
        rc = pa_password_check(user->name, password, err);
    struct pa_principal stored;
    bool found = false;
    if (rc == 0)
        rc = pa_user_find(db, user->name, &stored, &found, NULL, err);
    if (rc == 0 && found)
        rc = pa_error_setf(err, PA_EEXIST, "name", "user '%s' exists already", user->name);
    if (rc == 0)
        rc = user_event(db, "user.add", user, err);
    if (rc == 0)
        rc = store_password(db, user->name, password, err);
    return rc;
}

int pa_user_change(struct pa_db *db, const struct pa_principal *user, struct pa_error *err)
{
    PA_ASSERT(db != NULL && user != NULL && pa_db_in_transaction(db));
    struct pa_principal stored;
    int rc = pa_scope_admin_only(db, "change users", err);
    if (rc == 0)
        rc = existing(db, user->name, &stored, NULL, err);
    if (rc == 0)
        rc = check_scope_fields(db, user, err);
    if (rc != 0)
        return rc;
    if (stored.role == user->role && strcmp(stored.region, user->region) == 0 &&
        strcmp(stored.pairing, user->pairing) == 0)
        return pa_error_setf(err, PA_EINVAL, "role", "user '%s' has that role and scope already",
                             user->name);
    return user_event(db, "user.change", user, err);
}

static int switch_user(struct pa_db *db, const char *name, bool disable, struct pa_error *err)
{
    PA_ASSERT(db != NULL && name != NULL && pa_db_in_transaction(db));
    struct pa_principal stored;
    bool disabled = false;
    int rc = pa_scope_admin_only(db, disable ? "disable users" : "enable users", err);
    if (rc == 0)
        rc = existing(db, name, &stored, &disabled, err);
    if (rc == 0 && disabled == disable)
        rc = pa_error_setf(err, PA_EINVAL, "name", "user '%s' is %s already", name,
                           disable ? PA_MSG("disabled") : PA_MSG("enabled"));
    if (rc != 0)
        return rc;
    json_t *data = json_pack("{s:s}", "name", name);
    rc = data ? pa_tlog_append(db, disable ? "user.disable" : "user.enable", data, NULL, err)
              : pa_error_set(err, PA_ENOMEM, "out of memory");
    return rc == 0 && disable ? end_sessions(db, name, err) : rc;
}

int pa_user_disable(struct pa_db *db, const char *name, struct pa_error *err)
{
    return switch_user(db, name, true, err);
}

int pa_user_enable(struct pa_db *db, const char *name, struct pa_error *err)
{
    return switch_user(db, name, false, err);
}

int pa_user_set_password(struct pa_db *db, const char *name, const char *password,
                         struct pa_error *err)
{
    PA_ASSERT(db != NULL && name != NULL && password != NULL && pa_db_in_transaction(db));
    struct pa_principal stored;
    int rc = pa_scope_admin_only(db, "set passwords", err);
    if (rc == 0)
        rc = existing(db, name, &stored, NULL, err);
    if (rc == 0)
        rc = pa_password_check(name, password, err);
    if (rc == 0)
        rc = store_password(db, name, password, err);
    return rc == 0 ? end_sessions(db, name, err) : rc;
}

/* ---- acting as a user ---------------------------------------------------------------- */

int pa_user_refresh(struct pa_db *db, struct pa_error *err)
{
    const struct pa_principal *who = pa_db_principal(db);
    if (who == NULL || who->role == PA_ROLE_ANONYMOUS)
        return 0;
    char name[sizeof(who->name)];
    snprintf(name, sizeof(name), "%s", who->name);
    struct pa_principal fresh;
    bool found, disabled = false;
    int rc = pa_user_find(db, name, &fresh, &found, &disabled, err);
    if (rc == 0 && !found)
        rc = pa_error_set(err, PA_EUNAUTH, "user '%s' no longer exists", name);
    if (rc == 0 && disabled)
        rc = pa_error_set(err, PA_EUNAUTH, "user '%s' has been disabled", name);
    return rc != 0 ? rc : pa_db_set_principal(db, &fresh, err);
}

int pa_user_act_as(struct pa_db *db, const char *name, struct pa_error *err)
{
    struct pa_principal user;
    bool found, disabled = false;
    int rc = pa_user_find(db, name, &user, &found, &disabled, err);
    if (rc == 0 && !found)
        rc = pa_error_set(err, PA_ENOTFOUND, "no user '%s'", name);
    if (rc == 0 && disabled)
        rc = pa_error_set(err, PA_EDENIED, "user '%s' is disabled", name);
    if (rc == 0)
        rc = pa_db_set_principal(db, &user, err);
    if (rc == 0)
        pa_db_on_begin(db, pa_user_refresh);
    return rc;
}

/* ---- signing in ---------------------------------------------------------------------- */

static int denied(struct pa_error *err)
{
    return pa_error_set(err, PA_EUNAUTH, "wrong user name or password");
}

static char dummy[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy_hash(void)
{
    if (crypto_pwhash_str_alg(dummy, "not a password", 14, PWHASH_OPS, PWHASH_MEM,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        dummy[0] = '\0';
}

/* Verifies against a real hash even for an unknown or disabled user, so
 * timing does not tell which names exist. */
static int verify_password(struct pa_db *db, const char *name, const char *password,
                           struct pa_principal *user, struct pa_error *err)
{
    pthread_once(&dummy_once, make_dummy_hash);
    if (dummy[0] == '\0')
        return pa_error_set(err, PA_ENOMEM, "not enough memory to check a password");
    static const char sql[] =
        "SELECT u.name, u.role, u.region, u.pairing, c.password_hash FROM users u "
        "JOIN credentials c ON c.name = u.name WHERE u.name = ?1 AND u.disabled = 0";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, name);
    int step = sqlite3_step(stmt);
    bool found = step == SQLITE_ROW;
    char hash[crypto_pwhash_STRBYTES];
    snprintf(hash, sizeof(hash), "%s", found ? (const char *)sqlite3_column_text(stmt, 4) : dummy);
    if (found)
        principal_from_row(stmt, 0, user);
    sqlite3_reset(stmt);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return pa_db_fail(db, err, "checking a password");
    bool ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    return found && ok ? 0 : denied(err);
}

static void token_hash(const char *token, unsigned char out[crypto_hash_sha256_BYTES])
{
    crypto_hash_sha256(out, (const unsigned char *)token, strlen(token));
}

int pa_user_authenticate(struct pa_db *db, const char *name, const char *password,
                         struct pa_principal *user, struct pa_error *err)
{
    if (sodium_init() < 0)
        return pa_error_set(err, PA_EINTERNAL, "libsodium cannot start");
    if (strlen(password) > PA_PASSWORD_MAX || strlen(name) > 4 * PA_USER_NAME_MAX_CHARS)
        return denied(err);
    return verify_password(db, name, password, user, err);
}

int pa_session_sweep(struct pa_db *db, int64_t *swept, struct pa_error *err)
{
    static const char sql[] = "DELETE FROM sessions WHERE expires <= ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)time(NULL));
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, "sweeping sessions");
    else if (swept)
        *swept = sqlite3_changes(pa_db_sqlite(db));
    sqlite3_reset(stmt);
    return rc;
}

int pa_session_open(struct pa_db *db, const struct pa_principal *user, int64_t seconds,
                    char token[PA_TOKEN_HEX_LEN + 1], int64_t *expires, struct pa_error *err)
{
    if (sodium_init() < 0)
        return pa_error_set(err, PA_EINTERNAL, "libsodium cannot start");
    int rc = pa_session_sweep(db, NULL, err);
    if (rc != 0)
        return rc;
    unsigned char raw[32], hash[crypto_hash_sha256_BYTES];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(token, PA_TOKEN_HEX_LEN + 1, raw, sizeof(raw));
    sodium_memzero(raw, sizeof(raw));
    token_hash(token, hash);
    int64_t now = (int64_t)time(NULL);
    *expires = now + seconds;
    static const char sql[] =
        "INSERT INTO sessions(token_hash, user, created, expires) VALUES (?1, ?2, ?3, ?4)";
    sqlite3_stmt *stmt;
    if ((rc = pa_db_prepare(db, sql, &stmt, err)) != 0)
        return rc;
    sqlite3_bind_blob(stmt, 1, hash, sizeof(hash), SQLITE_STATIC);
    pa_db_bind_text(stmt, 2, user->name);
    sqlite3_bind_int64(stmt, 3, now);
    sqlite3_bind_int64(stmt, 4, *expires);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, "opening a session");
    sqlite3_reset(stmt);
    return rc;
}

int pa_session_find(struct pa_db *db, const char *token, struct pa_principal *user,
                    int64_t *expires, struct pa_error *err)
{
    if (strlen(token) != PA_TOKEN_HEX_LEN)
        return pa_error_set(err, PA_EUNAUTH, "not signed in");
    unsigned char hash[crypto_hash_sha256_BYTES];
    token_hash(token, hash);
    static const char sql[] =
        "SELECT s.expires, u.name, u.role, u.region, u.pairing, u.disabled FROM sessions s "
        "JOIN users u ON u.name = s.user WHERE s.token_hash = ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_blob(stmt, 1, hash, sizeof(hash), SQLITE_STATIC);
    int step = sqlite3_step(stmt);
    bool live = step == SQLITE_ROW && sqlite3_column_int64(stmt, 0) > (int64_t)time(NULL) &&
                sqlite3_column_int(stmt, 5) == 0;
    if (live) {
        *expires = sqlite3_column_int64(stmt, 0);
        principal_from_row(stmt, 1, user);
    } else if (step == SQLITE_ROW || step == SQLITE_DONE) {
        rc = pa_error_set(err, PA_EUNAUTH,
                          step == SQLITE_ROW ? "the session has ended: sign in again"
                                             : "not signed in");
    } else {
        rc = pa_db_fail(db, err, "finding a session");
    }
    sqlite3_reset(stmt);
    return rc;
}

int pa_session_close(struct pa_db *db, const char *token, struct pa_error *err)
{
    unsigned char hash[crypto_hash_sha256_BYTES];
    token_hash(token, hash);
    static const char sql[] = "DELETE FROM sessions WHERE token_hash = ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_blob(stmt, 1, hash, sizeof(hash), SQLITE_STATIC);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, "closing a session");
    sqlite3_reset(stmt);
    return rc == 0 ? pa_session_sweep(db, NULL, err) : rc;
}

void pa_session_csrf(const char *token, char csrf[PA_TOKEN_HEX_LEN + 1])
{
    static const unsigned char context[] = "pairaid csrf v1";
    unsigned char mac[32];
    crypto_generichash(mac, sizeof(mac), (const unsigned char *)token, strlen(token), context,
                       sizeof(context) - 1);
    sodium_bin2hex(csrf, PA_TOKEN_HEX_LEN + 1, mac, sizeof(mac));
}

/* ---- users made before they were in the log -------------------------------------------- */

static int adopt(struct pa_db *db, struct pa_error *err)
{
    static const char sql[] = "SELECT name, role, region, pairing FROM users_to_log";
    sqlite3_stmt *stmt = NULL;
    int rc = pa_db_set_actor(db, "pairaid-upgrade", err), step = SQLITE_DONE;
    if (rc == 0 && sqlite3_prepare_v2(pa_db_sqlite(db), sql, -1, &stmt, NULL) != SQLITE_OK)
        rc = pa_db_fail(db, err, "reading the users to record");
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct pa_principal u;
        principal_from_row(stmt, 0, &u);
        rc = user_event(db, "user.add", &u, err);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "reading the users to record");
    sqlite3_finalize(stmt);
    return rc == 0 ? pa_db_exec(db, "DROP TABLE users_to_log", err) : rc;
}

int pa_auth_adopt_users(struct pa_db *db, struct pa_error *err)
{
    static const char sql[] =
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'users_to_log'";
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v2(pa_db_sqlite(db), sql, -1, &stmt, NULL) != SQLITE_OK)
        return pa_db_fail(db, err, "reading the schema");
    int step = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (step == SQLITE_DONE)
        return 0;
    if (step != SQLITE_ROW)
        return pa_db_fail(db, err, "reading the schema");
    char actor[PA_USER_NAME_MAX_CHARS * 4 + 1];
    snprintf(actor, sizeof(actor), "%s", pa_db_actor(db));
    const struct pa_principal *who = pa_db_principal(db);
    PA_ASSERT(who == NULL); /* at open, before anyone acts */
    int rc = pa_db_begin(db, err);
    if (rc == 0)
        rc = adopt(db, err);
    if (rc == 0)
        rc = pa_db_commit(db, err);
    if (rc != 0)
        pa_db_rollback(db);
    int restored = pa_db_set_actor(db, actor, NULL);
    PA_ASSERT(restored == 0);
    return rc;
}
