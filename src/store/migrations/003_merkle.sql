-- 003_merkle.sql - the RFC 9162 Merkle tree over the event log.  Every perfect
-- subtree is kept: node (level, i) is the hash of leaves [i << level,
-- (i + 1) << level); level 0 holds the leaf hashes, SHA-256(0x00 || entry) of
-- event seq = i + 1.  Nodes are stored 256 to a row ("tiles", as in C2SP
-- tlog-tiles): tile t of a level holds nodes [256 t, 256 t + 256) end to end,
-- 32 bytes each; only the last tile of a level is partial.  Appends change the
-- last tile of each level in memory and write it back once before COMMIT, so
-- the tree costs an append a hash or two, not a row or two.
CREATE TABLE tlog_tiles (
    level  INTEGER NOT NULL CHECK (level BETWEEN 0 AND 63),
    tile   INTEGER NOT NULL CHECK (tile >= 0),
    hashes BLOB NOT NULL CHECK (length(hashes) BETWEEN 32 AND 8192 AND length(hashes) % 32 = 0),
    PRIMARY KEY (level, tile)
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
