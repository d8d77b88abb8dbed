-- 002_ledger.sql - the fund ledger's projection: accounts with their four
-- counters, and every transfer (posted, pending, and the post/void that
-- resolves a pending one).  Both are rebuilt from the event log by replay.

CREATE TABLE accounts (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('source', 'pool', 'project', 'payee')),
    region          TEXT NOT NULL REFERENCES regions(code),
    pairing         TEXT REFERENCES pairings(code),
    project         TEXT REFERENCES projects(code),
    debits_pending  INTEGER NOT NULL DEFAULT 0,   -- fen, as all amounts here
    debits_posted   INTEGER NOT NULL DEFAULT 0,
    credits_pending INTEGER NOT NULL DEFAULT 0,
    credits_posted  INTEGER NOT NULL DEFAULT 0,
    closed          INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1))
) STRICT, WITHOUT ROWID;

-- No secondary index: each one costs every insert (measured in bench/RESULTS.md),
-- and the reports that scan transfers read them all anyway.
CREATE TABLE transfers (
    id           TEXT PRIMARY KEY,
    seq          INTEGER NOT NULL,    -- the event that recorded it
    kind         TEXT NOT NULL CHECK (kind IN ('posted', 'pending', 'post', 'void')),
    date         TEXT NOT NULL,
    from_account TEXT NOT NULL,
    to_account   TEXT NOT NULL,
    amount       INTEGER NOT NULL CHECK (amount > 0),
    project      TEXT,
    memo         TEXT,
    pending_id   TEXT,                -- post/void: the pending transfer it resolves
    expires      TEXT,                -- pending: after this date it can only be voided
    resolved_by  TEXT,                -- pending: the post or void that resolved it
    actor        TEXT NOT NULL
) STRICT, WITHOUT ROWID;
