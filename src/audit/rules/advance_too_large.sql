-- advance_too_large (预付款比例过高): advance payments (stage advance) under
-- a contract above :max_percent of the contract's amount are a warning.
WITH advance AS (
    SELECT contract, sum(amount) AS paid, group_concat(id, ' ') AS ids
    FROM a_moves WHERE stage = 'advance' AND contract IS NOT NULL GROUP BY contract
)
SELECT c.code AS key, c.code AS subject, c.project, p.region, 'warning' AS severity,
       a.paid AS amount, c.code || ' ' || a.ids AS evidence,
       printf('合同%s金额%s，已付预付款%s，占合同金额的%s，超过%s。', c.code, pa_yuan(c.amount),
              pa_yuan(a.paid), pa_percent(a.paid * 10000 / c.amount),
              pa_percent(:max_percent)) AS message
FROM advance a JOIN contracts c ON c.code = a.contract JOIN a_projects p ON p.code = c.project
WHERE a.paid * 10000 > c.amount * :max_percent
