-- supplier_capture (供应商垄断): in one county, the same supplier winning
-- :max_in_a_row or more contracts in a row (by signing date), or more than
-- :max_share_percent of the county's contracts once it has :min_contracts.
-- A warning per county and supplier.
WITH c AS (
    SELECT c.code, c.supplier, c.amount, p.region,
           row_number() OVER (PARTITION BY p.region ORDER BY c.signed, c.code) AS n,
           row_number() OVER (PARTITION BY p.region, c.supplier ORDER BY c.signed, c.code) AS k
    FROM contracts c JOIN a_projects p ON p.code = c.project
    WHERE c.signed <= :as_of
), run AS (
    SELECT region, supplier, max(len) AS longest FROM (
        SELECT region, supplier, count(*) AS len FROM c GROUP BY region, supplier, n - k)
    GROUP BY region, supplier
), county AS (
    SELECT region, count(*) AS total FROM c GROUP BY region
), won AS (
    SELECT region, supplier, count(*) AS won, sum(amount) AS amount,
           group_concat(code, ' ') AS codes
    FROM c GROUP BY region, supplier
)
SELECT w.region || ' ' || w.supplier AS key, w.supplier AS subject, NULL AS project, w.region,
       'warning' AS severity, w.amount, w.supplier || ' ' || w.codes AS evidence,
       printf('%s的%d份合同中，%s（%s）中标%d份，占%s，合同金额%s，最长连续中标%d次（限%d次以下、%s以内）。',
              (SELECT name FROM regions WHERE code = w.region), t.total,
              (SELECT name FROM orgs WHERE code = w.supplier), w.supplier, w.won,
              pa_percent(w.won * 10000 / t.total), pa_yuan(w.amount), r.longest,
              :max_in_a_row, pa_percent(:max_share_percent)) AS message
FROM won w JOIN county t ON t.region = w.region
           JOIN run r ON r.region = w.region AND r.supplier = w.supplier
WHERE r.longest >= :max_in_a_row
   OR (t.total >= :min_contracts AND w.won * 10000 > t.total * :max_share_percent)
