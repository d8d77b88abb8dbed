-- publicity_gap (公示不到位): a project that paid a payee with no public
-- notice (公示) posted before its first payment is an error; one whose notice
-- before that payment was up for fewer than :min_days days is a warning.
WITH first_paid AS (
    SELECT src_project AS project, min(date) AS day FROM a_moves
    WHERE src_kind = 'project' AND dst_kind = 'payee' GROUP BY src_project
), judged AS (
    SELECT f.project, f.day,
           (SELECT id FROM a_moves WHERE src_project = f.project AND dst_kind = 'payee'
             AND date = f.day ORDER BY seq LIMIT 1) AS id,
           (SELECT max(CAST(julianday(n.until) - julianday(n.posted) AS INTEGER) + 1)
              FROM notices n WHERE n.project = f.project AND n.posted < f.day) AS days
    FROM first_paid f
)
SELECT p.code AS key, p.code AS subject, p.code AS project, p.region,
       CASE WHEN j.days IS NULL THEN 'error' ELSE 'warning' END AS severity,
       (SELECT amount FROM a_moves WHERE id = j.id) AS amount, p.code || ' ' || j.id AS evidence,
       CASE WHEN j.days IS NULL THEN
           printf('项目%s于%s首次付款（%s），此前没有公示记录。', p.code, j.day, j.id)
       ELSE
           printf('项目%s首次付款（%s，%s）前的公示只有%d天，少于%d天。', p.code, j.id, j.day,
                  j.days, :min_days)
       END AS message
FROM judged j JOIN a_projects p ON p.code = j.project
WHERE j.days IS NULL OR j.days < :min_days
