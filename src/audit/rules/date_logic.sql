-- date_logic (日期逻辑错误): a payment out of a project's accounts dated
-- before the project was approved (its approval date, else its start date)
-- or after its end date, and a project that ends before it starts.  Errors.
-- The payments first, in the order of their ids, then the projects, by code
-- (the order scans of a_moves and a_projects used to give).
WITH found AS (
    SELECT 1 AS part, m.id AS sort,
           m.id AS key, p.code AS subject, p.code AS project, p.region, 'error' AS severity,
           m.amount, m.id || ' ' || m.src || ' ' || p.code AS evidence,
           CASE WHEN m.date < coalesce(p.approved_on, p.start_date) THEN
               printf('%s从项目%s的账户%s付款%s，早于项目%s日期%s。', m.date, p.code, m.src,
                      pa_yuan(m.amount), CASE WHEN p.approved_on IS NULL THEN '开始' ELSE '立项' END,
                      coalesce(p.approved_on, p.start_date))
           ELSE
               printf('%s从项目%s的账户%s付款%s，晚于项目结束日期%s。', m.date, p.code, m.src,
                      pa_yuan(m.amount), p.end_date)
           END AS message
    FROM a_moves m JOIN a_projects p ON p.code = m.src_project
    WHERE m.src_kind = 'project'
      AND (m.date < coalesce(p.approved_on, p.start_date)
           OR (p.end_date IS NOT NULL AND m.date > p.end_date))
    UNION ALL
    SELECT 2, p.code, p.code, p.code, p.code, p.region, 'error', p.budget, p.code,
           printf('项目%s的结束日期%s早于开始日期%s。', p.code, p.end_date, p.start_date)
    FROM a_projects p WHERE p.end_date < p.start_date
)
SELECT key, subject, project, region, severity, amount, evidence, message FROM found
ORDER BY part, sort
