/*
 * auth.h - users and sessions: who may sign in, with which role and scope.
 *
 * Who may do what is part of the books (DESIGN.md, "users in the log"): adding
 * a user, changing a user's role, region or pairing, and disabling or enabling
 * one are events, and the users table is their projection, which `log verify`
 * replays and compares like any other.  Replay also checks that every event's
 * actor held the role (and scope) the event records, as the log stood then.
 *
 * Passwords are stored only as Argon2id hashes (libsodium), in `credentials`;
 * a session is a random 256-bit token handed to the client and stored only as
 * its SHA-256.  Those two tables are the only state kept outside the log, and
 * a stolen database yields neither a password nor a session.  What each role
 * may do is decided where the data lives (registry.h, pa_scope_*); this module
 * only says who someone is.
 */
#ifndef PAIRAID_AUTH_H
#define PAIRAID_AUTH_H

#include "pairaid/registry.h"

#define PA_TOKEN_HEX_LEN           64 /* a token as given to clients: 32 bytes in hex */
#define PA_PASSWORD_MIN            8  /* bytes */
#define PA_PASSWORD_MAX            128
#define PA_SESSION_DEFAULT_SECONDS (8 * 3600)
#define PA_USER_NAME_MAX_CHARS     64

/* Registers the users' event types with the log; pa_open() does this. */
void pa_auth_init(void);

/* A user name is a code of ASCII letters, digits and ". _ -" (admin1,
 * wuxi.finance) or a name of Chinese characters, which may mix in those and
 * "·" (东海县项目办): no spaces, no look-alike letters from other scripts, at
 * most 64 characters, not "anonymous".  Names are compared exactly. */
int pa_user_name_check(const char *name, struct pa_error *err);

/* Refuses a weak password (libpwquality: too short, too simple, a dictionary
 * word, the user's name in it...) with a message saying why. */
int pa_password_check(const char *name, const char *password, struct pa_error *err);

/* Adds a user (admins only; a user.add event, and the password's hash).
 * Donors and recipients need a region, auditors a pairing, admins and
 * assessors neither; a name in use is PA_EEXIST.  In a transaction. */
int pa_user_add(struct pa_db *db, const struct pa_principal *user, const char *password,
                struct pa_error *err);
/* Gives a user another role, region or pairing (admins only; a user.change
 * event).  The user's sessions carry on with the new role.  In a transaction. */
int pa_user_change(struct pa_db *db, const struct pa_principal *user, struct pa_error *err);
/* Disables a user, ending their sessions, or enables them again (admins only;
 * user.disable / user.enable).  In a transaction. */
int pa_user_disable(struct pa_db *db, const char *name, struct pa_error *err);
int pa_user_enable(struct pa_db *db, const char *name, struct pa_error *err);
/* Sets a user's password (admins only; not an event: passwords are not part
 * of the books) and ends their sessions.  In a transaction. */
int pa_user_set_password(struct pa_db *db, const char *name, const char *password,
                         struct pa_error *err);

/* Fills *user if `name` is a user; *found says whether it is, *disabled (may
 * be NULL) whether it is disabled. */
int pa_user_find(struct pa_db *db, const char *name, struct pa_principal *user, bool *found,
                 bool *disabled, struct pa_error *err);
/* Calls fn for every user, by name. */
int pa_user_list(struct pa_db *db,
                 int (*fn)(const struct pa_principal *user, bool disabled, void *ctx), void *ctx,
                 struct pa_error *err);

/* Acts as the user `name` (pa_db_set_principal) and keeps doing so as the
 * users table says at the start of every transaction (pa_db_on_begin): a role
 * changed or a user disabled since takes effect before anything is written.
 * A disabled user is PA_EDENIED; a name that is no user, PA_ENOTFOUND. */
int pa_user_act_as(struct pa_db *db, const char *name, struct pa_error *err);
/* Reads the acting user again inside a transaction: the same check, once. */
int pa_user_refresh(struct pa_db *db, struct pa_error *err);

/* Checks a password: fills *user, or PA_EUNAUTH with the same message and in
 * the same time for an unknown user, a disabled one and a wrong password.
 * Read-only, and slow on purpose (Argon2id): servers call it outside their
 * write path. */
int pa_user_authenticate(struct pa_db *db, const char *name, const char *password,
                         struct pa_principal *user, struct pa_error *err);
/* Opens a session for `user` lasting `seconds`: the token (hex, NUL-terminated)
 * and its expiry (Unix seconds) are returned; only the token's hash is stored.
 * Sessions that have expired are swept on the way. */
int pa_session_open(struct pa_db *db, const struct pa_principal *user, int64_t seconds,
                    char token[PA_TOKEN_HEX_LEN + 1], int64_t *expires, struct pa_error *err);
/* The user of a live session; PA_EUNAUTH if the token is unknown or expired,
 * or its user is disabled or gone. */
int pa_session_find(struct pa_db *db, const char *token, struct pa_principal *user,
                    int64_t *expires, struct pa_error *err);
/* Ends a session (an unknown token is not an error) and sweeps expired ones. */
int pa_session_close(struct pa_db *db, const char *token, struct pa_error *err);
/* Deletes every expired session; *swept (may be NULL) counts them. */
int pa_session_sweep(struct pa_db *db, int64_t *swept, struct pa_error *err);
/* The anti-CSRF value bound to a session token: hex, NUL-terminated. */
void pa_session_csrf(const char *token, char csrf[PA_TOKEN_HEX_LEN + 1]);

/* Records the users of a database made before users were in the log (see
 * migration 006) as user.add events, once.  pa_open() does this when it opens
 * the database for writing. */
int pa_auth_adopt_users(struct pa_db *db, struct pa_error *err);

#endif
