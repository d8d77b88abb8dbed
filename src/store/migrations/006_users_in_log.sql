-- 006_users_in_log.sql - who may do what becomes part of the books (DESIGN.md,
-- "users in the log"): the users table is now a projection of user.add,
-- user.change, user.disable and user.enable events, compared by `log verify`
-- like any other.  Password hashes move to `credentials` and sessions stay
-- outside the log: they are the only state that is not in it.
--
-- Users made before this migration are not in the log yet: they wait in
-- users_to_log, and the first write-open of the database records each as a
-- user.add event (auth.c, pa_auth_adopt_users) and drops that table.  Sessions
-- are dropped: everyone signs in again once.

CREATE TABLE credentials (
    name          TEXT PRIMARY KEY,   -- a users.name; no foreign key, so a replay keeps it
    password_hash TEXT NOT NULL       -- Argon2id, libsodium's crypto_pwhash_str format
) STRICT, WITHOUT ROWID;
INSERT INTO credentials(name, password_hash) SELECT name, password_hash FROM users;

CREATE TABLE users_to_log AS SELECT name, role, region, pairing FROM users ORDER BY created, name;

DROP TABLE sessions;
DROP TABLE users;

CREATE TABLE users (
    name     TEXT PRIMARY KEY,
    role     TEXT NOT NULL CHECK (role IN ('admin', 'donor', 'recipient', 'auditor', 'assessor')),
    region   TEXT REFERENCES regions(code),
    pairing  TEXT,
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
) STRICT, WITHOUT ROWID;

-- No foreign key to users: replay rebuilds users and must not take the
-- sessions with it; a session is only honoured while its user exists and is
-- not disabled (pa_session_find joins them).
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,      -- SHA-256 of the token; the token itself is never stored
    user       TEXT NOT NULL,
    created    INTEGER NOT NULL,
    expires    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_expiry ON sessions(expires);
