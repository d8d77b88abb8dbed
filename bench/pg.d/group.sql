-- group.sql - pgbench script of bench/pg: G transfers per transaction, by bench.transfers, which
-- checks them all, then takes the log once for the group.  G = 10 is a server's group commit;
-- G = 10000 is the batch (pairaid's import).
--   -D k=0 -D g=G -D log=N   (log 0: the global log; 8: the client's pairing's, as transfer.sql)
--   -D set=1                 bench.transfers_set instead: the same batch set-based
-- The group pays from the client's own pool to the 64 payees of its pairing in turn.
\set k :k + 1
\set p :client_id % 8 + 1
\if :log = 8
\set l :p
\else
\set l :log
\endif
\if :set = 1
SELECT bench.transfers_set(:l, array_agg('G' || :client_id || '-' || :k || '-' || i), array_agg('P' || :p || '-POOL-' || :client_id), array_agg('P' || :p || '-PAY-' || (i % 64)), array_agg((i * 7919 % 100000 + 1)::bigint)) FROM generate_series(1, :g) i;
\else
SELECT bench.transfers(:l, array_agg('G' || :client_id || '-' || :k || '-' || i), array_agg('P' || :p || '-POOL-' || :client_id), array_agg('P' || :p || '-PAY-' || (i % 64)), array_agg((i * 7919 % 100000 + 1)::bigint)) FROM generate_series(1, :g) i;
\endif
