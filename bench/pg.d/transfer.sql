-- transfer.sql - pgbench script of bench/pg: ONE transfer per transaction, by bench.transfer.
--   -D k=0      each client numbers its transfers (pgbench keeps a client's variables)
--   -D log=N    -1: no log; 0: the one global log; 8: the log of the client's pairing (1..8);
--               64: a log of the client's own (1..64: a province where no two writers share one)
--   -D adv=B    true: serialise the log with pg_advisory_xact_lock instead of its head row
-- Client c is in pairing c % 8 + 1 and pays from its own pool to its own payee, so that clients
-- share no account row: the only row they can contend for is a log's.
\set k :k + 1
\set p :client_id % 8 + 1
\set amount random(1, 100000)
\if :log = 8
\set l :p
\elif :log = 64
\set l :client_id + 1
\else
\set l :log
\endif
SELECT bench.transfer(NULLIF(:l, -1), 'T' || :client_id || '-' || :k, 'P' || :p || '-POOL-' || :client_id, 'P' || :p || '-PAY-' || :client_id, :amount, :adv);
