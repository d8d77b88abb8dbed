-- books.sql - the baseline's books in PostgreSQL (bench/pg, issue 15): tables shaped like
-- pairaid's (src/store/migrations/002_ledger.sql, 001_schema.sql, 003_merkle.sql) and plpgsql
-- functions that record transfers with pairaid's checks and append each to an event log.
--
-- Logs: log 0 is "one global log"; logs 1..8 are one log per city-level pairing of 8, and logs
-- 1..64 one per pairing of a province where every client writes for a pairing of its own.  Each log has
-- ONE row in log_heads, its serialisation point: an append updates it (size + 1, and the head,
-- SHA-256 of the previous head and the new leaf), so its row lock orders the appends of that log
-- and is held until COMMIT, WAL flush included.  The head stands for the Merkle tree's state:
-- pairaid's tree costs an append a hash or two and a write of the last tiles (003_merkle.sql),
-- all inside the same critical section; what is measured here is that section's contention.
-- append_advisory is the other way to serialise: pg_advisory_xact_lock(log) first.

DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;
SET search_path = bench;
-- The functions name their tables unqualified: every session of this database looks in bench
-- first (cheaper than a SET clause on each function, which costs every call).
DO $$ BEGIN
    EXECUTE format('ALTER DATABASE %I SET search_path = bench, public', current_database());
END $$;

CREATE TABLE accounts (
    code            TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('source', 'pool', 'project', 'payee')),
    pairing         INTEGER NOT NULL,
    debits_pending  BIGINT NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),  -- fen
    debits_posted   BIGINT NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
    credits_pending BIGINT NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
    credits_posted  BIGINT NOT NULL DEFAULT 0 CHECK (credits_posted >= 0)
);

CREATE TABLE transfers (
    id           TEXT PRIMARY KEY,
    log          INTEGER,             -- the log and the event that recorded it (NULL: no log)
    seq          BIGINT,
    kind         TEXT NOT NULL CHECK (kind IN ('posted', 'pending', 'post', 'void')),
    date         DATE NOT NULL,
    from_account TEXT NOT NULL,
    to_account   TEXT NOT NULL,
    amount       BIGINT NOT NULL CHECK (amount > 0),   -- fen
    actor        TEXT NOT NULL
);

CREATE TABLE events (
    log   INTEGER NOT NULL,
    seq   BIGINT NOT NULL,            -- 1, 2, 3 ... within its log
    entry BYTEA NOT NULL,             -- the event's canonical bytes
    leaf  BYTEA NOT NULL,             -- the Merkle leaf hash, SHA-256(0x00 || entry)
    PRIMARY KEY (log, seq)
);

CREATE TABLE log_heads (
    log  INTEGER PRIMARY KEY,
    size BIGINT NOT NULL,
    head BYTEA NOT NULL
);

-- The books every run starts from: logs 0..64, pairings 1..8, each with 64 pools (one per pgbench client, so
-- that only the log is shared) funded with 10^15 fen, and 64 payees.
CREATE FUNCTION reset() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE transfers, events, accounts, log_heads;
    INSERT INTO accounts (code, kind, pairing, credits_posted)
        SELECT format('P%s-POOL-%s', p, c), 'pool', p, 1000000000000000
          FROM generate_series(1, 8) p, generate_series(0, 63) c;
    INSERT INTO accounts (code, kind, pairing)
        SELECT format('P%s-PAY-%s', p, c), 'payee', p
          FROM generate_series(1, 8) p, generate_series(0, 63) c;
    INSERT INTO log_heads SELECT l, 0, '\x'::bytea FROM generate_series(0, 64) l;
END $$;

-- The ledger's checks and counters for one posted transfer (pairaid's, src/ledger/): accounts
-- exist and differ, amount > 0, and the payer may not spend more than it received.  The check and
-- the debit are one UPDATE, so the payer's row lock makes them atomic.
CREATE FUNCTION post(p_from TEXT, p_to TEXT, p_amount BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_amount <= 0 THEN
        RAISE EXCEPTION 'amount must be positive';
    END IF;
    IF p_from = p_to THEN
        RAISE EXCEPTION 'from and to are the same account "%"', p_from;
    END IF;
    UPDATE accounts SET debits_posted = debits_posted + p_amount
     WHERE code = p_from AND credits_posted - debits_posted - debits_pending >= p_amount;
    IF NOT FOUND THEN
        IF EXISTS (SELECT 1 FROM accounts WHERE code = p_from) THEN
            RAISE EXCEPTION 'account "%" would spend more than it received', p_from;
        END IF;
        RAISE EXCEPTION 'no account "%"', p_from;
    END IF;
    UPDATE accounts SET credits_posted = credits_posted + p_amount WHERE code = p_to;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no account "%"', p_to;
    END IF;
END $$;

-- The event's bytes: about the size of pairaid's transfer.create entry (docs/events.md).
CREATE FUNCTION entry_of(p_id TEXT, p_from TEXT, p_to TEXT, p_amount BIGINT) RETURNS BYTEA
LANGUAGE sql IMMUTABLE AS $$
    SELECT convert_to(format('{"type":"transfer.create","actor":"bench","time":1764806400,'
                             '"id":"%s","kind":"posted","date":"2026-12-04","from":"%s","to":"%s",'
                             '"amount":%s,"memo":"帮扶资金拨付"}', p_id, p_from, p_to, p_amount), 'UTF8')
$$;

-- Appends one event to log p_log at its next seq: the log_heads row is the serialisation point.
CREATE FUNCTION append(p_log INTEGER, p_entry BYTEA) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    v_leaf BYTEA := sha256('\x00'::bytea || p_entry);
    v_seq  BIGINT;
BEGIN
    UPDATE log_heads SET size = size + 1, head = sha256(head || v_leaf)
     WHERE log = p_log RETURNING size INTO v_seq;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no log %', p_log;
    END IF;
    INSERT INTO events (log, seq, entry, leaf) VALUES (p_log, v_seq, p_entry, v_leaf);
    RETURN v_seq;
END $$;

-- The same serialised by an advisory lock on the log's number, held until COMMIT too; the head
-- row is still written (the tree's state must be), but no longer waited for.
CREATE FUNCTION append_advisory(p_log INTEGER, p_entry BYTEA) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    v_leaf BYTEA := sha256('\x00'::bytea || p_entry);
    v_seq  BIGINT;
BEGIN
    PERFORM pg_advisory_xact_lock(p_log);
    UPDATE log_heads SET size = size + 1, head = sha256(head || v_leaf)
     WHERE log = p_log RETURNING size INTO v_seq;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no log %', p_log;
    END IF;
    INSERT INTO events (log, seq, entry, leaf) VALUES (p_log, v_seq, p_entry, v_leaf);
    RETURN v_seq;
END $$;

-- ONE transfer: checks and counters first, then the log (as late as possible, since its lock is
-- held from here to COMMIT), then the transfer row with its seq.  p_log NULL: no log at all (the
-- ceiling the log is measured against); p_advisory: serialise with the advisory lock.
CREATE FUNCTION transfer(p_log INTEGER, p_id TEXT, p_from TEXT, p_to TEXT, p_amount BIGINT,
                         p_advisory BOOLEAN DEFAULT false) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    v_seq BIGINT;
BEGIN
    PERFORM post(p_from, p_to, p_amount);
    IF p_log IS NOT NULL THEN
        IF p_advisory THEN
            v_seq := append_advisory(p_log, entry_of(p_id, p_from, p_to, p_amount));
        ELSE
            v_seq := append(p_log, entry_of(p_id, p_from, p_to, p_amount));
        END IF;
    END IF;
    INSERT INTO transfers (id, log, seq, kind, date, from_account, to_account, amount, actor)
        VALUES (p_id, p_log, v_seq, 'posted', DATE '2026-12-04', p_from, p_to, p_amount, 'bench');
    RETURN v_seq;
END $$;

-- MANY transfers in one call and one transaction (pairaid's import): the checks for each, the log
-- locked once for the whole batch, which takes seqs size+1 .. size+n.
CREATE FUNCTION transfers(p_log INTEGER, p_ids TEXT[], p_from TEXT[], p_to TEXT[],
                          p_amount BIGINT[]) RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
    n      INTEGER := cardinality(p_ids);
    v_size BIGINT;
    v_head BYTEA;
    v_entry BYTEA;
    v_leaf BYTEA;
BEGIN
    IF n > 100000 THEN
        RAISE EXCEPTION 'at most 100000 transfers a call, not %', n;
    END IF;
    FOR i IN 1 .. n LOOP
        PERFORM post(p_from[i], p_to[i], p_amount[i]);
    END LOOP;
    SELECT size, head INTO v_size, v_head FROM log_heads WHERE log = p_log FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no log %', p_log;
    END IF;
    FOR i IN 1 .. n LOOP
        v_entry := entry_of(p_ids[i], p_from[i], p_to[i], p_amount[i]);
        v_leaf := sha256('\x00'::bytea || v_entry);
        v_head := sha256(v_head || v_leaf);
        INSERT INTO events (log, seq, entry, leaf) VALUES (p_log, v_size + i, v_entry, v_leaf);
        INSERT INTO transfers (id, log, seq, kind, date, from_account, to_account, amount, actor)
            VALUES (p_ids[i], p_log, v_size + i, 'posted', DATE '2026-12-04', p_from[i], p_to[i],
                    p_amount[i], 'bench');
    END LOOP;
    UPDATE log_heads SET size = v_size + n, head = v_head WHERE log = p_log;
    RETURN n;
END $$;

-- The same batch set-based, as fast as PostgreSQL can take it: one UPDATE for all the debits (each
-- payer's total checked against its balance at once), one for the credits, one INSERT for the
-- events and one for the transfers.  Its check is on each payer's total for the batch, not on each
-- transfer in order: the same answer whenever no payer is also paid within the batch.  The head
-- becomes SHA-256 of the old head and all the batch's leaves, the cost of one pass over them.
CREATE FUNCTION transfers_set(p_log INTEGER, p_ids TEXT[], p_from TEXT[], p_to TEXT[],
                              p_amount BIGINT[]) RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
    n       INTEGER := cardinality(p_ids);
    v_size  BIGINT;
    v_payers INTEGER;
    v_done  INTEGER;
BEGIN
    IF n > 100000 THEN
        RAISE EXCEPTION 'at most 100000 transfers a call, not %', n;
    END IF;
    IF EXISTS (SELECT 1 FROM unnest(p_from, p_to, p_amount) t(f, r, a) WHERE a <= 0 OR f = r) THEN
        RAISE EXCEPTION 'a transfer of nothing, or to its own payer';
    END IF;
    SELECT count(DISTINCT f) INTO v_payers FROM unnest(p_from) f;
    UPDATE accounts SET debits_posted = debits_posted + b.total
      FROM (SELECT f, sum(a) total FROM unnest(p_from, p_amount) t(f, a) GROUP BY f) b
     WHERE code = b.f AND credits_posted - debits_posted - debits_pending >= b.total;
    GET DIAGNOSTICS v_done = ROW_COUNT;
    IF v_done <> v_payers THEN
        RAISE EXCEPTION 'an account would spend more than it received, or does not exist';
    END IF;
    UPDATE accounts SET credits_posted = credits_posted + b.total
      FROM (SELECT r, sum(a) total FROM unnest(p_to, p_amount) t(r, a) GROUP BY r) b WHERE code = b.r;
    GET DIAGNOSTICS v_done = ROW_COUNT;
    IF v_done <> (SELECT count(DISTINCT r) FROM unnest(p_to) r) THEN
        RAISE EXCEPTION 'a payee does not exist';
    END IF;
    SELECT size INTO v_size FROM log_heads WHERE log = p_log FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no log %', p_log;
    END IF;
    INSERT INTO events (log, seq, entry, leaf)
        SELECT p_log, v_size + i, e, sha256('\x00'::bytea || e)
          FROM (SELECT i, entry_of(id, f, r, a) e FROM unnest(p_ids, p_from, p_to, p_amount) WITH ORDINALITY t(id, f, r, a, i)) x;
    INSERT INTO transfers (id, log, seq, kind, date, from_account, to_account, amount, actor)
        SELECT id, p_log, v_size + i, 'posted', DATE '2026-12-04', f, r, a, 'bench'
          FROM unnest(p_ids, p_from, p_to, p_amount) WITH ORDINALITY t(id, f, r, a, i);
    UPDATE log_heads SET size = v_size + n,
           head = sha256(head || (SELECT string_agg(leaf, ''::bytea ORDER BY seq) FROM events
                                   WHERE log = p_log AND seq > v_size))
     WHERE log = p_log;
    RETURN n;
END $$;

-- What a run must leave: every transfer once, each log's seqs 1..size without a gap and one event
-- per logged transfer, Σ debits = Σ credits.  Returns one line, or raises.
CREATE FUNCTION check_books() RETURNS TEXT LANGUAGE plpgsql AS $$
DECLARE
    v_transfers BIGINT;
    v_events    BIGINT;
    v_bad       TEXT;
BEGIN
    SELECT count(*) INTO v_transfers FROM transfers;
    SELECT count(*) INTO v_events FROM events;
    SELECT string_agg(format('log %s: size %s, %s events, max seq %s', h.log, h.size, e.n, e.top), '; ')
      INTO v_bad
      FROM log_heads h
      LEFT JOIN (SELECT log, count(*) n, max(seq) top FROM events GROUP BY log) e USING (log)
     WHERE h.size <> coalesce(e.n, 0) OR h.size <> coalesce(e.top, 0);
    IF v_bad IS NOT NULL THEN
        RAISE EXCEPTION 'a log has gaps: %', v_bad;
    END IF;
    IF v_events <> (SELECT count(*) FROM transfers WHERE log IS NOT NULL)
       OR EXISTS (SELECT 1 FROM transfers t LEFT JOIN events e USING (log, seq)
                   WHERE t.log IS NOT NULL AND e.seq IS NULL) THEN
        RAISE EXCEPTION 'transfers and events disagree';
    END IF;
    IF (SELECT sum(debits_posted) FROM accounts) <> (SELECT sum(credits_posted) FROM accounts)
                                                      - 512 * 1000000000000000 THEN
        RAISE EXCEPTION 'debits and credits disagree';
    END IF;
    RETURN format('%s transfers, %s events', v_transfers, v_events);
END $$;
