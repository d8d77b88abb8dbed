-- 012_pairing_logs.sql - one log per city-level pairing inside the database's
-- log (issue 15, docs/scale-out.md "Pairing logs").  Every event belongs to
-- exactly one log: the city-level pairing whose books it writes, or the
-- province log '*' (users, organisations, the pairings themselves, the
-- assessment).  Each log is its own RFC 9162 tree over its events in the order
-- of the database's log, with its own checkpoints, signed by its own two sides.
--
-- Events written before this migration have no log yet: the first write-open
-- of the database assigns them (pa_tlog_assign_logs), as 006 did for users.
ALTER TABLE events ADD COLUMN log TEXT;
CREATE INDEX events_by_log ON events (log, seq);

-- Each log's tree, kept as the whole log's is (003_merkle.sql): the perfect
-- subtrees of its leaves, 256 node hashes to a row, so that its proofs read
-- O(log² n) nodes and its head is one row away, however long it grows.
CREATE TABLE log_tiles (
    log    TEXT NOT NULL,
    level  INTEGER NOT NULL CHECK (level BETWEEN 0 AND 63),
    tile   INTEGER NOT NULL CHECK (tile >= 0),
    hashes BLOB NOT NULL CHECK (length(hashes) BETWEEN 32 AND 8192 AND length(hashes) % 32 = 0),
    PRIMARY KEY (log, level, tile)
) STRICT, WITHOUT ROWID;

-- NULL: a checkpoint of the database's whole log, as before; else the log it
-- signs (its origin line says the same: "pairaid/log/" and the log's name).
ALTER TABLE checkpoints ADD COLUMN log TEXT;

-- What each key signed last, now per log ('' is the whole log): a witness
-- checks a new checkpoint against the last one it signed of the same log.
CREATE TABLE key_heads_by_log (
    log      TEXT NOT NULL,
    key_name TEXT NOT NULL,
    verifier TEXT NOT NULL,
    size     INTEGER NOT NULL,
    root     BLOB NOT NULL,
    PRIMARY KEY (log, key_name)
) STRICT, WITHOUT ROWID;
INSERT INTO key_heads_by_log (log, key_name, verifier, size, root)
    SELECT '', key_name, verifier, size, root FROM key_heads;
DROP TABLE key_heads;
ALTER TABLE key_heads_by_log RENAME TO key_heads;

-- The province log binds the pairings' logs: each checkpoint signed of a
-- pairing's log appends a log.head event (its log, size and root) to the
-- province log, so that one province checkpoint commits to every pairing's
-- books as their own sides signed them.  The projection of those events.
CREATE TABLE log_heads (
    log  TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size >= 0),
    root TEXT NOT NULL,             -- base64, as in the checkpoint
    seq  INTEGER NOT NULL,          -- the log.head event that recorded it
    PRIMARY KEY (log, size)
) STRICT, WITHOUT ROWID;
