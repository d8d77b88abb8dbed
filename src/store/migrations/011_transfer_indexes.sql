-- 011_transfer_indexes.sql - an account's transfers without reading them all.
-- A project's page (its payments, what it gave back, its expired requests), an
-- account's statement and the audit rules ask for the transfers of one account;
-- with the primary key alone each such read scanned every transfer (1.3 s for
-- one project's page on 1,000,000 transfers).  The date orders a statement.
CREATE INDEX transfers_by_from ON transfers (from_account, date);
CREATE INDEX transfers_by_to ON transfers (to_account, date);
