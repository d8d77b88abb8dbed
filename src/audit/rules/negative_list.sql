-- negative_list (超范围支出): money of the programme spent on a purpose the
-- measures forbid: running costs, wages and allowances, office buildings,
-- vehicles, debt, guarantee deposits (:purposes).  Any amount is an error.
SELECT m.id AS key, coalesce(m.project, m.src_project, m.src) AS subject,
       coalesce(m.project, m.src_project) AS project, p.region, 'error' AS severity,
       m.amount, m.id || ' ' || m.src || ' ' || m.dst AS evidence,
       printf('%s从账户%s向%s支付%s，用途为“%s”，属于资金管理办法列出的禁止支出。', m.date,
              m.src, m.dst, pa_yuan(m.amount), pa_zh('purpose', m.purpose)) AS message
FROM a_moves m LEFT JOIN a_projects p ON p.code = coalesce(m.project, m.src_project)
WHERE m.purpose IS NOT NULL AND instr(:purposes, '|' || m.purpose || '|') > 0
  AND m.src IN (SELECT code FROM a_accounts)
