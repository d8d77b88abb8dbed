-- 007_audit.sql - what the joint audit (联合审计) checks, and what it finds.
-- Every table here is a projection of the event log, rebuilt by replay.

-- The facts the compliance rules need, on existing records.
ALTER TABLE transfers ADD COLUMN purpose TEXT;     -- what a payment is for: works, goods, ... (docs/audit.md)
ALTER TABLE transfers ADD COLUMN stage TEXT;       -- advance, progress, final (预付款/进度款/尾款)
ALTER TABLE transfers ADD COLUMN contract TEXT;    -- the contract a payment is made under
ALTER TABLE projects ADD COLUMN approved_on TEXT;  -- 立项日期
ALTER TABLE projects ADD COLUMN benefit_link INTEGER NOT NULL DEFAULT 0
    CHECK (benefit_link IN (0, 1));                -- 联农带农: a benefit link to local households
ALTER TABLE orgs ADD COLUMN registered TEXT;       -- 成立日期
ALTER TABLE accounts ADD COLUMN org TEXT;          -- the organisation behind a payee account
ALTER TABLE accounts ADD COLUMN domains TEXT;      -- a fund's designated domains, 'a|b' (投向)
ALTER TABLE accounts ADD COLUMN kinds TEXT;        -- a fund's designated project kinds, 'a|b'

-- 合同: what a project bought, from whom, and how it was procured.
CREATE TABLE contracts (
    code        TEXT PRIMARY KEY,
    project     TEXT NOT NULL REFERENCES projects(code),
    supplier    TEXT NOT NULL REFERENCES orgs(code),
    category    TEXT NOT NULL,      -- works, goods, services (工程/货物/服务)
    amount      INTEGER NOT NULL CHECK (amount > 0),   -- fen
    signed      TEXT NOT NULL,      -- 签订日期
    procurement TEXT NOT NULL,      -- public_tender, invited_tender, ... (docs/csv-formats.md)
    source      TEXT
) STRICT, WITHOUT ROWID;

-- 公示: a public notice of a project, where and for how long it was posted.
CREATE TABLE notices (
    project TEXT NOT NULL REFERENCES projects(code),
    posted  TEXT NOT NULL,          -- the first day posted
    until   TEXT NOT NULL,          -- the last day posted
    place   TEXT NOT NULL,          -- 村务公开栏, the county's website, ...
    source  TEXT,
    PRIMARY KEY (project, posted, place)
) STRICT, WITHOUT ROWID;

-- 绩效指标: a project's outcome indicators (quantities in hundredths, as money is in fen).
CREATE TABLE indicators (
    project  TEXT NOT NULL REFERENCES projects(code),
    name     TEXT NOT NULL,
    unit     TEXT,
    baseline INTEGER CHECK (baseline >= 0),
    target   INTEGER NOT NULL CHECK (target >= 0),
    actual   INTEGER CHECK (actual >= 0),
    source   TEXT,
    PRIMARY KEY (project, name)
) STRICT, WITHOUT ROWID;

-- 利益共享: a co-built park's agreed and settled shares of revenue, by year (percent, in hundredths).
CREATE TABLE revenue_shares (
    project TEXT NOT NULL REFERENCES projects(code),
    year    INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2999),
    agreed  INTEGER NOT NULL CHECK (agreed BETWEEN 0 AND 10000),
    settled INTEGER CHECK (settled BETWEEN 0 AND 10000),
    source  TEXT,
    PRIMARY KEY (project, year)
) STRICT, WITHOUT ROWID;

-- 资金管理办法: versions of a city-level pairing's measures, in force once both sides approved.
CREATE TABLE measures (
    pairing     TEXT NOT NULL REFERENCES pairings(code),
    version     INTEGER NOT NULL CHECK (version >= 1),
    text        TEXT NOT NULL,      -- the INI file as proposed
    in_force    INTEGER NOT NULL DEFAULT 0 CHECK (in_force IN (0, 1)),
    proposed_by TEXT NOT NULL,
    donor_by    TEXT,               -- who approved for the donor side
    recipient_by TEXT,              -- who approved for the recipient side
    PRIMARY KEY (pairing, version)
) STRICT, WITHOUT ROWID;

-- 审计发现: what the rules found, with their state; an id stays with its finding.
CREATE TABLE findings (
    id        TEXT PRIMARY KEY,     -- F-0001, ...
    rule      TEXT NOT NULL,
    key       TEXT NOT NULL,        -- what the rule found it about (an account, a transfer ...)
    pairing   TEXT NOT NULL,        -- the city-level pairing whose audit found it
    severity  TEXT NOT NULL CHECK (severity IN ('warning', 'error')),
    subject   TEXT NOT NULL,
    project   TEXT,
    region    TEXT,
    amount    INTEGER NOT NULL,     -- fen
    evidence  TEXT NOT NULL,
    message   TEXT NOT NULL,
    status    TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'explained', 'resolved',
                                              'cleared')),
    opened    TEXT NOT NULL,        -- the as-of date of the run that found it
    updated   TEXT NOT NULL,
    measures  INTEGER NOT NULL,     -- the measures version used (0: the defaults)
    UNIQUE (pairing, rule, key)
) STRICT, WITHOUT ROWID;

-- The history of each finding: runs that changed it, and the responses (整改).
CREATE TABLE finding_history (
    finding    TEXT NOT NULL REFERENCES findings(id),
    seq        INTEGER NOT NULL,    -- the event
    action     TEXT NOT NULL,       -- opened, updated, cleared, acknowledge, explain, resolve, reopen
    status     TEXT NOT NULL,       -- the status after it
    actor      TEXT NOT NULL,
    role       TEXT,
    date       TEXT NOT NULL,       -- a run's as-of date, or the day of a response
    note       TEXT,
    attachment TEXT,                -- SHA-256 name of a file in the media folder
    PRIMARY KEY (finding, seq)
) STRICT, WITHOUT ROWID;

-- Each audit run: what it looked at and what it changed.
CREATE TABLE audit_runs (
    seq      INTEGER PRIMARY KEY,   -- the event
    pairing  TEXT NOT NULL,
    as_of    TEXT NOT NULL,
    measures INTEGER NOT NULL,
    opened   INTEGER NOT NULL,
    updated  INTEGER NOT NULL,
    cleared  INTEGER NOT NULL,
    unchanged INTEGER NOT NULL
) STRICT;
