-- 004_auth.sql - users and their sessions: the only state kept outside the
-- event log (DESIGN.md).  Not part of the projection: replay and verify leave
-- them alone, and a password never enters an event.

CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'donor', 'recipient', 'auditor', 'assessor')),
    region        TEXT REFERENCES regions(code),
    pairing       TEXT,
    password_hash TEXT NOT NULL,          -- Argon2id, libsodium's crypto_pwhash_str format
    created       INTEGER NOT NULL        -- Unix seconds
) STRICT, WITHOUT ROWID;

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,          -- SHA-256 of the token; the token itself is never stored
    user       TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    created    INTEGER NOT NULL,
    expires    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
