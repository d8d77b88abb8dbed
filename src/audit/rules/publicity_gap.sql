-- publicity_gap (公示不到位): a project that paid a payee with no public
-- notice (公示) posted before its first payment is an error; one whose notice
-- before that payment was up for fewer than :min_days days is a warning.
-- The first payment (earliest date, then the first recorded) is found in one
-- pass; both CTEs are materialized so that nothing is evaluated once per
-- reference (a correlated subquery here used to rescan a_moves per row).
WITH first_paid AS MATERIALIZED (
    SELECT project, day, id, amount FROM (
        SELECT src_project AS project, date AS day, id, amount,
               row_number() OVER (PARTITION BY src_project ORDER BY date, seq) AS n
        FROM a_moves WHERE src_kind = 'project' AND dst_kind = 'payee')
    WHERE n = 1
), judged AS MATERIALIZED (
    SELECT f.project, f.day, f.id, f.amount,
           (SELECT max(CAST(julianday(n.until) - julianday(n.posted) AS INTEGER) + 1)
              FROM notices n WHERE n.project = f.project AND n.posted < f.day) AS days
    FROM first_paid f
)
SELECT p.code AS key, p.code AS subject, p.code AS project, p.region,
       CASE WHEN j.days IS NULL THEN 'error' ELSE 'warning' END AS severity,
       j.amount AS amount, p.code || ' ' || j.id AS evidence,
       CASE WHEN j.days IS NULL THEN
           printf('项目%s于%s首次付款（%s），此前没有公示记录。', p.code, j.day, j.id)
       ELSE
           printf('项目%s首次付款（%s，%s）前的公示只有%d天，少于%d天。', p.code, j.id, j.day,
                  j.days, :min_days)
       END AS message
FROM a_projects p JOIN judged j ON j.project = p.code
WHERE j.days IS NULL OR j.days < :min_days
