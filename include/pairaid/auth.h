/*
 * auth.h - users and sessions: who may sign in, with which role and scope.
 *
 * Passwords are stored only as Argon2id hashes (libsodium); a session is a
 * random 256-bit token handed to the client and stored only as its SHA-256, so
 * a stolen database yields neither.  What each role may do is decided where
 * the data lives (registry.h, pa_scope_*); this module only says who someone is.
 */
#ifndef PAIRAID_AUTH_H
#define PAIRAID_AUTH_H

#include "pairaid/registry.h"

#define PA_TOKEN_HEX_LEN           64 /* a token as given to clients: 32 bytes in hex */
#define PA_PASSWORD_MIN            8  /* bytes */
#define PA_PASSWORD_MAX            128
#define PA_SESSION_DEFAULT_SECONDS (8 * 3600)

/* Adds a user.  Donors and recipients need a region, auditors a pairing, and
 * admins and assessors neither; a name in use is PA_EEXIST. */
int pa_user_add(struct pa_db *db, const struct pa_principal *user, const char *password,
                struct pa_error *err);
/* Fills *user if `name` is a user; *found says whether it is. */
int pa_user_find(struct pa_db *db, const char *name, struct pa_principal *user, bool *found,
                 struct pa_error *err);
/* Calls fn for every user, by name. */
int pa_user_list(struct pa_db *db, int (*fn)(const struct pa_principal *user, void *ctx), void *ctx,
                 struct pa_error *err);

/* Checks a password: fills *user, or PA_EUNAUTH with the same message and in
 * the same time for an unknown user and a wrong password.  Read-only, and slow
 * on purpose (Argon2id): servers call it outside their write path. */
int pa_user_authenticate(struct pa_db *db, const char *name, const char *password,
                         struct pa_principal *user, struct pa_error *err);
/* Opens a session for `user` lasting `seconds`: the token (hex, NUL-terminated)
 * and its expiry (Unix seconds) are returned; only the token's hash is stored. */
int pa_session_open(struct pa_db *db, const struct pa_principal *user, int64_t seconds,
                    char token[PA_TOKEN_HEX_LEN + 1], int64_t *expires, struct pa_error *err);
/* The user of a live session; PA_EUNAUTH if the token is unknown or expired. */
int pa_session_find(struct pa_db *db, const char *token, struct pa_principal *user,
                    int64_t *expires, struct pa_error *err);
/* Ends a session (an unknown token is not an error) and sweeps expired ones. */
int pa_session_close(struct pa_db *db, const char *token, struct pa_error *err);
/* The anti-CSRF value bound to a session token: hex, NUL-terminated. */
void pa_session_csrf(const char *token, char csrf[PA_TOKEN_HEX_LEN + 1]);

#endif
