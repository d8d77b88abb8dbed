-- slow_onward_transfer (资金拨付不及时): a pool between the sources and the
-- projects holding money before passing it on.  First in, first out: an
-- arrival is passed on when what left the pool reaches the running total of
-- what came in up to and including it.  Held longer than :max_days (or still
-- held after that many days) is a warning.
--
-- How, in one pass over a_moves and two sorts of the pools' moves: what left a
-- pool adds up strictly increasing in (date, seq) order, so the date an arrival
-- was passed on, the least date of the outflows whose running total reaches its
-- own, is the running minimum of the outflows' dates taken from the largest
-- total down (an outflow of equal total before the arrival: side 1 first).
WITH pool_moves AS MATERIALIZED (
    SELECT src, dst, src_kind, dst_kind, id, date, seq, amount FROM a_moves
    WHERE dst_kind = 'pool' OR src_kind = 'pool'
), arrival AS (
    SELECT m.dst AS pool, a.region, m.id, m.date, m.seq, m.amount,
           sum(m.amount) OVER (PARTITION BY m.dst ORDER BY m.date, m.seq) AS upto
    FROM pool_moves m JOIN a_accounts a ON a.code = m.dst
    WHERE m.dst_kind = 'pool' AND a.kind = 'pool'
), outflow AS (
    SELECT m.src AS pool, m.date,
           sum(m.amount) OVER (PARTITION BY m.src ORDER BY m.date, m.seq) AS upto
    FROM pool_moves m JOIN a_accounts a ON a.code = m.src
    WHERE m.src_kind = 'pool' AND a.kind = 'pool'
), passed AS MATERIALIZED (
    SELECT * FROM (
        SELECT pool, region, id, date, seq, amount, side,
               min(out_date) OVER (PARTITION BY pool ORDER BY upto DESC, side DESC
                                   ROWS UNBOUNDED PRECEDING) AS onward
        FROM (SELECT pool, region, id, date, seq, amount, upto, 0 AS side, NULL AS out_date
                FROM arrival
              UNION ALL
              SELECT pool, NULL, NULL, NULL, NULL, NULL, upto, 1, date FROM outflow))
    WHERE side = 0
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
ORDER BY pool, date, seq
