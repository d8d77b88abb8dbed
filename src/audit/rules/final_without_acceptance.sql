-- final_without_acceptance (未验收支付尾款): a final payment (stage final)
-- made when the project had no acceptance (验收) milestone on or before the
-- payment's date is an error.
SELECT m.id AS key, p.code AS subject, p.code AS project, p.region, 'error' AS severity,
       m.amount, m.id || ' ' || p.code || coalesce(' ' || m.contract, '') AS evidence,
       printf('%s向%s支付尾款%s，但项目%s此前没有验收记录。', m.date, m.dst,
              pa_yuan(m.amount), p.code) AS message
FROM a_moves m JOIN a_projects p ON p.code = coalesce(m.project, m.src_project)
WHERE m.stage = 'final'
  AND NOT EXISTS (SELECT 1 FROM milestones s
                   WHERE s.project = p.code AND s.kind = 'acceptance' AND s.date <= m.date)
