-- no_benefit_link (未建立联农带农机制): an industry project with a budget
-- above :min_budget that records no benefit link to local households.
-- A warning.
SELECT code AS key, code AS subject, code AS project, region, 'warning' AS severity,
       budget AS amount, code AS evidence,
       printf('产业项目%s“%s”预算%s，超过%s，没有建立联农带农（利益联结）机制。', code, name,
              pa_yuan(budget), pa_yuan(:min_budget)) AS message
FROM a_projects
WHERE domain = 'industry' AND benefit_link = 0 AND budget > :min_budget
  AND start_date <= :as_of
