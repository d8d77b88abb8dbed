-- scope.sql - what one audit run looks at: the city-level pairing :pairing and
-- the pairings below it, their projects and accounts, and the money that moved
-- (posted, or approved from a request) up to the end of :as_of.  Every rule
-- reads these temp tables, so every rule sees the same books.
DROP TABLE IF EXISTS temp.a_pairings;
DROP TABLE IF EXISTS temp.a_projects;
DROP TABLE IF EXISTS temp.a_accounts;
DROP TABLE IF EXISTS temp.a_moves;
CREATE TEMP TABLE a_pairings AS
    WITH RECURSIVE below(code) AS (
        SELECT :pairing UNION SELECT p.code FROM pairings p JOIN below b ON p.parent = b.code)
    SELECT code FROM below;
CREATE TEMP TABLE a_projects AS
    SELECT * FROM projects WHERE pairing IN (SELECT code FROM a_pairings);
CREATE TEMP TABLE a_accounts AS
    SELECT code, kind, region, pairing, project, org, domains, kinds FROM accounts
    WHERE pairing IN (SELECT code FROM a_pairings) OR project IN (SELECT code FROM a_projects);
CREATE UNIQUE INDEX temp.a_accounts_code ON a_accounts(code);
CREATE TEMP TABLE a_moves AS
    SELECT t.id, t.seq, t.date, t.from_account AS src, t.to_account AS dst, t.amount,
           t.project, t.purpose, t.stage, t.contract,
           f.kind AS src_kind, f.project AS src_project,
           d.kind AS dst_kind, d.project AS dst_project, d.org AS dst_org
    FROM transfers t JOIN accounts f ON f.code = t.from_account
                     JOIN accounts d ON d.code = t.to_account
    WHERE t.kind IN ('posted', 'post') AND t.date <= :as_of
      AND (t.from_account IN (SELECT code FROM a_accounts)
           OR t.to_account IN (SELECT code FROM a_accounts));
-- Money into and out of project accounts, in order, for idle_funds; the other
-- rules scan a_moves once each.  Partial: indexing all of a_moves cost more than
-- every rule's scan together (bench/RESULTS.md, "Joint audit"), and a rule that
-- walked a whole index fetched each move by its rowid.  A query uses these only
-- if it says dst_kind = 'project' (src_kind = 'project') itself.
CREATE INDEX temp.a_moves_project_in ON a_moves(dst, date, seq) WHERE dst_kind = 'project';
CREATE INDEX temp.a_moves_project_out ON a_moves(src, date, seq) WHERE src_kind = 'project';
