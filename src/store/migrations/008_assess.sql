-- 008_assess.sql - the yearly assessment (考核): schemes, manual scores and
-- published results.  Projections of the event log, rebuilt by replay.

-- Versions of the assessment scheme; the latest is the one in use.
CREATE TABLE schemes (
    version INTEGER PRIMARY KEY CHECK (version >= 1),
    text    TEXT NOT NULL,
    actor   TEXT NOT NULL
) STRICT;

-- Scores that the books cannot give (meetings held, surveys ...), with their source.
CREATE TABLE scores (
    pairing   TEXT NOT NULL REFERENCES pairings(code),
    year      INTEGER NOT NULL CHECK (year BETWEEN 1949 AND 2999),
    indicator TEXT NOT NULL,
    actual    INTEGER NOT NULL CHECK (actual >= 0),   -- hundredths
    source    TEXT NOT NULL,
    PRIMARY KEY (pairing, year, indicator)
) STRICT, WITHOUT ROWID;

-- Each published assessment: the event, its year and the scheme it used.
CREATE TABLE assess_runs (
    seq     INTEGER PRIMARY KEY,
    year    INTEGER NOT NULL,
    scheme  INTEGER NOT NULL,   -- the scheme version (0: the default)
    name    TEXT NOT NULL
) STRICT;

-- Its ranking: every number in hundredths.
CREATE TABLE assess_results (
    seq         INTEGER NOT NULL REFERENCES assess_runs(seq),
    pairing     TEXT NOT NULL,
    name        TEXT NOT NULL,
    base        INTEGER NOT NULL,
    bonus       INTEGER NOT NULL,
    penalty     INTEGER NOT NULL,
    total       INTEGER NOT NULL,
    tier        INTEGER NOT NULL,
    tier_name   TEXT NOT NULL,
    rank        INTEGER NOT NULL,
    spent_share INTEGER NOT NULL,
    PRIMARY KEY (seq, pairing)
) STRICT, WITHOUT ROWID;

-- Its scores, each with the inputs it came from.
CREATE TABLE assess_scores (
    seq       INTEGER NOT NULL REFERENCES assess_runs(seq),
    pairing   TEXT NOT NULL,
    indicator TEXT NOT NULL,
    name      TEXT NOT NULL,
    area      TEXT NOT NULL,
    weight    INTEGER NOT NULL,
    metric    TEXT NOT NULL,
    actual    INTEGER NOT NULL,
    target    INTEGER NOT NULL,
    score     INTEGER NOT NULL,
    inputs    TEXT NOT NULL,
    position  INTEGER NOT NULL,  -- the indicator's place in the scheme
    PRIMARY KEY (seq, pairing, indicator)
) STRICT, WITHOUT ROWID;
