-- 009_investment.sql - a project's total investment (总投资) beside its
-- assistance money (budget, 帮扶资金安排).  Park and industrial-chain projects
-- are announced by their total investment, which is mostly other people's
-- money; budget execution is measured on the assistance money alone, so the two
-- figures must not share a column.  NULL where no investment is recorded.
ALTER TABLE projects ADD COLUMN investment INTEGER CHECK (investment >= 0);  -- fen
