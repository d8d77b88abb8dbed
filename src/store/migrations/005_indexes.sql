-- 005_indexes.sql - a project's accounts are looked up by project on every
-- project page (budget execution, balances); without this index each lookup
-- scanned every account (bench/RESULTS.md: 138 -> ~18,000 project reads/s).
-- Accounts are few and their indexed column never changes, so writes pay nothing.

CREATE INDEX accounts_by_project ON accounts(project);
