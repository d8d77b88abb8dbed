-- no_benefit_link (未建立联农带农机制): an industry project larger than
-- :min_budget that records no benefit link to local households.  A project's
-- size is its assistance money (budget) or, for parks and industrial-chain
-- projects announced by it, its total investment (investment), whichever is
-- larger: a 2.5亿元 chain project with no assistance money still needs the link.
-- A warning.
SELECT code AS key, code AS subject, code AS project, region, 'warning' AS severity,
       max(budget, coalesce(investment, 0)) AS amount, code AS evidence,
       printf('产业项目%s“%s”%s%s，超过%s，没有建立联农带农（利益联结）机制。', code, name,
              CASE WHEN coalesce(investment, 0) > budget THEN '总投资' ELSE '预算' END,
              pa_yuan(max(budget, coalesce(investment, 0))), pa_yuan(:min_budget)) AS message
FROM a_projects
WHERE domain = 'industry' AND benefit_link = 0 AND max(budget, coalesce(investment, 0)) > :min_budget
  AND start_date <= :as_of
