-- 003_merkle.sql - the RFC 9162 Merkle tree over the event log.  Every perfect
-- subtree is kept: leaves [idx << level, (idx + 1) << level).  Level 0 holds
-- the leaf hashes, SHA-256(0x00 || entry) of event seq = idx + 1.  A node is
-- written once, when its last leaf arrives, in the transaction of that event,
-- so an append costs O(log n) and a proof reads O(log^2 n) rows.
CREATE TABLE tlog_nodes (
    level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 63),
    idx   INTEGER NOT NULL CHECK (idx >= 0),
    hash  BLOB NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;

-- Signed checkpoints (C2SP tlog-checkpoint notes), as signed and co-signed.
CREATE TABLE checkpoints (
    id     INTEGER PRIMARY KEY,
    origin TEXT NOT NULL,
    size   INTEGER NOT NULL CHECK (size >= 0),
    root   BLOB NOT NULL CHECK (length(root) = 32),
    note   TEXT NOT NULL          -- the whole signed note, signatures included
) STRICT;

-- The last checkpoint each key signed: what a witness checks consistency against.
CREATE TABLE key_heads (
    key_name TEXT PRIMARY KEY,
    verifier TEXT NOT NULL,       -- the key's verifier key (NAME+HASH+KEY)
    size     INTEGER NOT NULL,
    root     BLOB NOT NULL
) STRICT, WITHOUT ROWID;
