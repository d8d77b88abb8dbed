-- split_contracts (拆分合同规避招标): contracts of one project with one
-- supplier in one category, signed within :window_days of the first, each
-- under the tender threshold of its category (works :works_limit, goods
-- :goods_limit, services :services_limit) and not tendered, that together
-- reach it.  Each such group is an error, named by its first contract.
WITH c AS (
    SELECT c.code, c.project, c.supplier, c.category, c.amount, c.signed, p.region,
           CASE c.category WHEN 'works' THEN :works_limit WHEN 'goods' THEN :goods_limit
                ELSE :services_limit END AS threshold
    FROM contracts c JOIN a_projects p ON p.code = c.project
    WHERE c.signed <= :as_of AND c.procurement NOT IN ('public_tender', 'invited_tender')
), under AS (
    SELECT * FROM c WHERE amount < threshold
), grouped AS (
    SELECT a.code AS first, a.project, a.supplier, a.category, a.region, a.threshold,
           a.signed, count(*) AS n, sum(b.amount) AS total,
           group_concat(b.code, ' ') AS codes
    FROM under a JOIN under b
      ON b.project = a.project AND b.supplier = a.supplier AND b.category = a.category
     AND b.signed <= date(a.signed, printf('+%d days', :window_days))
     AND (b.signed > a.signed OR (b.signed = a.signed AND b.code >= a.code))
    GROUP BY a.code
    HAVING count(*) >= 2 AND sum(b.amount) >= a.threshold
)
SELECT g.project || ' ' || g.supplier || ' ' || g.first AS key, g.project AS subject,
       g.project, g.region, 'error' AS severity, g.total AS amount,
       g.supplier || ' ' || g.codes AS evidence,
       printf('项目%s在%d天内与%s签订%d份%s合同，合计%s，每份都低于%s的招标限额，合计却达到限额，疑似拆分合同规避招标。',
              g.project, :window_days, g.supplier, g.n, pa_zh('category', g.category),
              pa_yuan(g.total), pa_yuan(g.threshold)) AS message
FROM grouped g
WHERE NOT EXISTS (
    SELECT 1 FROM grouped e
     WHERE e.project = g.project AND e.supplier = g.supplier AND e.category = g.category
       AND (e.signed < g.signed OR (e.signed = g.signed AND e.first < g.first))
       AND g.signed <= date(e.signed, printf('+%d days', :window_days)))
