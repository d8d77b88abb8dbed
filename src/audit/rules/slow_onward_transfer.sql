-- slow_onward_transfer (资金拨付不及时): a pool between the sources and the
-- projects holding money before passing it on.  First in, first out: an
-- arrival is passed on when what left the pool reaches the running total of
-- what came in up to and including it.  Held longer than :max_days (or still
-- held after that many days) is a warning.
WITH arrival AS (
    SELECT m.dst AS pool, a.region, m.id, m.date, m.amount,
           sum(m.amount) OVER (PARTITION BY m.dst ORDER BY m.date, m.seq) AS upto
    FROM a_moves m JOIN a_accounts a ON a.code = m.dst WHERE a.kind = 'pool'
), outflow AS MATERIALIZED (
    SELECT m.src AS pool, m.date,
           sum(m.amount) OVER (PARTITION BY m.src ORDER BY m.date, m.seq) AS upto
    FROM a_moves m JOIN a_accounts a ON a.code = m.src WHERE a.kind = 'pool'
), passed AS (
    SELECT r.*, (SELECT min(o.date) FROM outflow o
                  WHERE o.pool = r.pool AND o.upto >= r.upto) AS onward
    FROM arrival r
)
SELECT pool || ' ' || id AS key, pool AS subject, NULL AS project, region,
       'warning' AS severity, amount, id || ' ' || pool AS evidence,
       CASE WHEN onward IS NULL THEN
           printf('资金池%s于%s收到%s（%s），截至%s已%d天仍未全部拨付，超过%d天。', pool, date,
                  pa_yuan(amount), id, :as_of,
                  CAST(julianday(:as_of) - julianday(date) AS INTEGER), :max_days)
       ELSE
           printf('资金池%s于%s收到%s（%s），到%s才全部拨付，用时%d天，超过%d天。', pool, date,
                  pa_yuan(amount), id, onward,
                  CAST(julianday(onward) - julianday(date) AS INTEGER), :max_days)
       END AS message
FROM passed
WHERE julianday(coalesce(onward, :as_of)) - julianday(date) > :max_days
