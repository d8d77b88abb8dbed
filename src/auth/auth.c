/*
 * auth.c - users (Argon2id passwords) and sessions (hashed random tokens).
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "pairaid/auth.h"

/* OWASP's Argon2id floor (19 MiB, 2 passes): a sign-in costs tens of
 * milliseconds and the server's memory stays small under a burst of them. */
#define PWHASH_OPS 2
#define PWHASH_MEM (19u * 1024 * 1024)

static int check_scope_fields(struct pa_db *db, const struct pa_principal *u, struct pa_error *err)
{
    bool regional = u->role == PA_ROLE_DONOR || u->role == PA_ROLE_RECIPIENT;
    bool paired = u->role == PA_ROLE_AUDITOR;
    if (regional != (u->region[0] != '\0'))
        return pa_error_setf(err, PA_EINVAL, "region",
                             regional ? "a %s needs --region" : "role %s has no region",
                             pa_role_name(u->role));
    if (paired != (u->pairing[0] != '\0'))
        return pa_error_setf(err, PA_EINVAL, "pairing",
                             paired ? "an %s needs --pairing" : "role %s has no pairing",
                             pa_role_name(u->role));
    if (regional) {
        int level;
        int rc = pa_region_lookup(db, u->region, &level, err);
        if (rc != 0) {
            if (err)
                snprintf(err->field, sizeof(err->field), "region");
            return rc;
        }
    }
    if (paired) {
        static const char sql[] = "SELECT 1 FROM pairings WHERE code = ?1";
        sqlite3_stmt *stmt;
        int rc = pa_db_prepare(db, sql, &stmt, err);
        if (rc != 0)
            return rc;
        pa_db_bind_text(stmt, 1, u->pairing);
        int step = sqlite3_step(stmt);
        sqlite3_reset(stmt);
        if (step != SQLITE_ROW)
            return pa_error_setf(err, PA_ENOTFOUND, "pairing", "unknown pairing '%s'", u->pairing);
    }
    return 0;
}

static int check_password(const char *password, struct pa_error *err)
{
    size_t n = strlen(password);
    if (n < PA_PASSWORD_MIN || n > PA_PASSWORD_MAX)
        return pa_error_setf(err, PA_EINVAL, "password", "a password has %d to %d bytes",
                             PA_PASSWORD_MIN, PA_PASSWORD_MAX);
    return pa_text_check(password, n, PA_PASSWORD_MAX, 0, err);
}

int pa_user_add(struct pa_db *db, const struct pa_principal *user, const char *password,
                struct pa_error *err)
{
    int rc = pa_text_check(user->name, strlen(user->name), 64, 0, err);
    if (rc == 0 && user->name[0] == '\0')
        rc = pa_error_setf(err, PA_EINVAL, "name", "a user needs a name");
    if (rc == 0)
        rc = check_scope_fields(db, user, err);
    if (rc == 0)
        rc = check_password(password, err);
    if (rc != 0)
        return rc;
    if (sodium_init() < 0)
        return pa_error_set(err, PA_EINTERNAL, "libsodium cannot start");
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(hash, password, strlen(password), PWHASH_OPS, PWHASH_MEM,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return pa_error_set(err, PA_ENOMEM, "not enough memory to hash the password");
    static const char sql[] =
        "INSERT INTO users(name, role, region, pairing, password_hash, created) "
        "VALUES (?1, ?2, nullif(?3, ''), nullif(?4, ''), ?5, ?6) ON CONFLICT DO NOTHING";
    sqlite3_stmt *stmt;
    if ((rc = pa_db_prepare(db, sql, &stmt, err)) != 0)
        return rc;
    pa_db_bind_text(stmt, 1, user->name);
    pa_db_bind_text(stmt, 2, pa_role_name(user->role));
    pa_db_bind_text(stmt, 3, user->region);
    pa_db_bind_text(stmt, 4, user->pairing);
    pa_db_bind_text(stmt, 5, hash);
    sqlite3_bind_int64(stmt, 6, (sqlite3_int64)time(NULL));
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, "adding a user");
    else if (sqlite3_changes(pa_db_sqlite(db)) == 0)
        rc = pa_error_setf(err, PA_EEXIST, "name", "user '%s' exists already", user->name);
    sqlite3_reset(stmt);
    sodium_memzero(hash, sizeof(hash));
    return rc;
}

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
                 struct pa_error *err)
{
    static const char sql[] = "SELECT name, role, region, pairing FROM users WHERE name = ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, name);
    int step = sqlite3_step(stmt);
    *found = step == SQLITE_ROW;
    if (*found)
        principal_from_row(stmt, 0, user);
    else if (step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "finding a user");
    sqlite3_reset(stmt);
    return rc;
}

int pa_user_list(struct pa_db *db, int (*fn)(const struct pa_principal *user, void *ctx), void *ctx,
                 struct pa_error *err)
{
    static const char sql[] = "SELECT name, role, region, pairing FROM users ORDER BY name";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    int step;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct pa_principal u;
        principal_from_row(stmt, 0, &u);
        rc = fn(&u, ctx);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = pa_db_fail(db, err, "listing users");
    sqlite3_reset(stmt);
    return rc;
}

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

/* Verifies against a real hash even for an unknown user, so timing does not
 * tell which names exist. */
static int verify_password(struct pa_db *db, const char *name, const char *password,
                           struct pa_principal *user, struct pa_error *err)
{
    pthread_once(&dummy_once, make_dummy_hash);
    if (dummy[0] == '\0')
        return pa_error_set(err, PA_ENOMEM, "not enough memory to check a password");
    static const char sql[] =
        "SELECT name, role, region, pairing, password_hash FROM users WHERE name = ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    pa_db_bind_text(stmt, 1, name);
    bool found = sqlite3_step(stmt) == SQLITE_ROW;
    char hash[crypto_pwhash_STRBYTES];
    snprintf(hash, sizeof(hash), "%s", found ? (const char *)sqlite3_column_text(stmt, 4) : dummy);
    if (found)
        principal_from_row(stmt, 0, user);
    sqlite3_reset(stmt);
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
    if (strlen(password) > PA_PASSWORD_MAX || strlen(name) > 4 * 64)
        return denied(err);
    return verify_password(db, name, password, user, err);
}

int pa_session_open(struct pa_db *db, const struct pa_principal *user, int64_t seconds,
                    char token[PA_TOKEN_HEX_LEN + 1], int64_t *expires, struct pa_error *err)
{
    int rc;
    if (sodium_init() < 0)
        return pa_error_set(err, PA_EINTERNAL, "libsodium cannot start");
    unsigned char raw[32], hash[crypto_hash_sha256_BYTES];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(token, PA_TOKEN_HEX_LEN + 1, raw, sizeof(raw));
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
        "SELECT s.expires, u.name, u.role, u.region, u.pairing FROM sessions s "
        "JOIN users u ON u.name = s.user WHERE s.token_hash = ?1";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_blob(stmt, 1, hash, sizeof(hash), SQLITE_STATIC);
    int step = sqlite3_step(stmt);
    if (step == SQLITE_ROW && sqlite3_column_int64(stmt, 0) > (int64_t)time(NULL)) {
        *expires = sqlite3_column_int64(stmt, 0);
        principal_from_row(stmt, 1, user);
    } else if (step == SQLITE_ROW || step == SQLITE_DONE) {
        rc = pa_error_set(err, PA_EUNAUTH,
                          step == SQLITE_ROW ? "the session has expired: sign in again"
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
    static const char sql[] = "DELETE FROM sessions WHERE token_hash = ?1 OR expires <= ?2";
    sqlite3_stmt *stmt;
    int rc = pa_db_prepare(db, sql, &stmt, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_blob(stmt, 1, hash, sizeof(hash), SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)time(NULL));
    if (sqlite3_step(stmt) != SQLITE_DONE)
        rc = pa_db_fail(db, err, "closing a session");
    sqlite3_reset(stmt);
    return rc;
}

void pa_session_csrf(const char *token, char csrf[PA_TOKEN_HEX_LEN + 1])
{
    static const unsigned char context[] = "pairaid csrf v1";
    unsigned char mac[32];
    crypto_generichash(mac, sizeof(mac), (const unsigned char *)token, strlen(token), context,
                       sizeof(context) - 1);
    sodium_bin2hex(csrf, PA_TOKEN_HEX_LEN + 1, mac, sizeof(mac));
}
