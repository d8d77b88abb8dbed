-- 001_schema.sql - the event log and the registry's projection tables.
-- The events table is the source of truth; every other table here except
-- regions (built-in reference data) is rebuilt from it by replay.

CREATE TABLE regions (
    code   TEXT PRIMARY KEY CHECK (length(code) = 6),
    name   TEXT NOT NULL,
    level  INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    parent TEXT REFERENCES regions(code)
) STRICT, WITHOUT ROWID;

CREATE TABLE events (
    seq   INTEGER PRIMARY KEY,      -- 1, 2, 3 ... the log position
    type  TEXT NOT NULL,
    actor TEXT NOT NULL,
    time  INTEGER NOT NULL,         -- Unix seconds, UTC
    entry BLOB NOT NULL             -- canonical bytes (docs/events.md)
) STRICT;

CREATE TABLE pairings (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    donor      TEXT NOT NULL REFERENCES regions(code),
    recipient  TEXT NOT NULL REFERENCES regions(code),
    start_date TEXT NOT NULL,
    end_date   TEXT,
    parent     TEXT REFERENCES pairings(code),
    source     TEXT
) STRICT, WITHOUT ROWID;

CREATE TABLE orgs (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    credit_code TEXT UNIQUE,
    region      TEXT NOT NULL REFERENCES regions(code),
    kind        TEXT NOT NULL,
    source      TEXT
) STRICT, WITHOUT ROWID;

CREATE TABLE projects (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    pairing       TEXT NOT NULL REFERENCES pairings(code),
    region        TEXT NOT NULL REFERENCES regions(code),
    domain        TEXT NOT NULL,
    kind          TEXT NOT NULL,
    status        TEXT NOT NULL,
    budget        INTEGER NOT NULL CHECK (budget >= 0),  -- fen
    start_date    TEXT NOT NULL,
    end_date      TEXT,
    beneficiaries INTEGER CHECK (beneficiaries >= 0),
    public        INTEGER NOT NULL CHECK (public IN (0, 1)),
    source        TEXT
) STRICT, WITHOUT ROWID;

CREATE TABLE milestones (
    project     TEXT NOT NULL REFERENCES projects(code),
    date        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    description TEXT,
    photo       TEXT,           -- SHA-256 hex + extension, a file in the media folder
    source      TEXT,
    PRIMARY KEY (project, date, title)
) STRICT, WITHOUT ROWID;

CREATE TABLE exchanges (
    code        TEXT PRIMARY KEY,
    pairing     TEXT NOT NULL REFERENCES pairings(code),
    role        TEXT NOT NULL,
    from_region TEXT NOT NULL REFERENCES regions(code),
    to_region   TEXT NOT NULL REFERENCES regions(code),
    start_date  TEXT NOT NULL,
    end_date    TEXT,
    people      INTEGER NOT NULL CHECK (people >= 1),
    description TEXT,
    source      TEXT
) STRICT, WITHOUT ROWID;
