-- negative_list (超范围支出): money of the programme spent on a purpose the
-- measures forbid: running costs, wages and allowances, office buildings,
-- vehicles, debt, guarantee deposits (:purposes).  Any amount is an error.
-- The few such payments are picked out by one scan of a_moves first (an IN on
-- the pairing's accounts drove the plan through a_moves_src instead, fetching
-- every move by its rowid), then put in the order that plan gave them
-- (account, date, recording), now written down.
WITH paid AS MATERIALIZED (
    SELECT * FROM a_moves m
    WHERE m.purpose IS NOT NULL AND instr(:purposes, '|' || m.purpose || '|') > 0
      AND EXISTS (SELECT 1 FROM a_accounts a WHERE a.code = m.src)
)
SELECT m.id AS key, coalesce(m.project, m.src_project, m.src) AS subject,
       coalesce(m.project, m.src_project) AS project, p.region, 'error' AS severity,
       m.amount, m.id || ' ' || m.src || ' ' || m.dst AS evidence,
       printf('%s从账户%s向%s支付%s，用途为“%s”，属于资金管理办法列出的禁止支出。', m.date,
              m.src, m.dst, pa_yuan(m.amount), pa_zh('purpose', m.purpose)) AS message
FROM paid m LEFT JOIN a_projects p ON p.code = coalesce(m.project, m.src_project)
ORDER BY m.src, m.date, m.seq
