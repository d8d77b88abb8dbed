-- purpose_mismatch (改变资金用途/投向不符): a fund (a source or a pool) whose
-- money is designated for some domains or kinds of project paying into a
-- project outside them, or money reaching a project before its approval date
-- (立项日期).  Each such allocation is an error.  In the order of the
-- transfers' ids (a_moves' own order, which a scan of it used to give).
SELECT m.id AS key, p.code AS subject, p.code AS project, p.region, 'error' AS severity,
       m.amount, m.id || ' ' || m.src || ' ' || p.code AS evidence,
       CASE
       WHEN f.domains IS NOT NULL AND instr('|' || f.domains || '|', '|' || p.domain || '|') = 0 THEN
           printf('资金%s限定投向%s，%s却向%s领域的项目%s拨付%s。', m.src,
                  pa_zh('domains', f.domains), m.date, pa_zh('domain', p.domain), p.code,
                  pa_yuan(m.amount))
       WHEN f.kinds IS NOT NULL AND instr('|' || f.kinds || '|', '|' || p.kind || '|') = 0 THEN
           printf('资金%s限定用于%s，%s却向%s类项目%s拨付%s。', m.src, pa_zh('kinds', f.kinds),
                  m.date, pa_zh('kind', p.kind), p.code, pa_yuan(m.amount))
       ELSE
           printf('%s向项目%s拨付%s，早于项目立项日期%s。', m.date, p.code, pa_yuan(m.amount),
                  p.approved_on)
       END AS message
FROM a_moves m JOIN accounts f ON f.code = m.src
               JOIN a_projects p ON p.code = m.dst_project
WHERE m.dst_kind = 'project' AND f.kind IN ('pool', 'source')
  AND ((f.domains IS NOT NULL AND instr('|' || f.domains || '|', '|' || p.domain || '|') = 0)
       OR (f.kinds IS NOT NULL AND instr('|' || f.kinds || '|', '|' || p.kind || '|') = 0)
       OR (p.approved_on IS NOT NULL AND m.date < p.approved_on))
ORDER BY m.id
