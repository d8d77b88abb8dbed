-- weak_results (绩效不达标): a closed project (completed or accepted, its end
-- date passed) that was not accepted (验收) within :acceptance_days days of
-- its end, or whose outcome indicators have no baseline or reached less than
-- :min_achieved_percent of their target.  Warnings.
WITH closed AS (
    SELECT * FROM a_projects
    WHERE status IN ('completed', 'accepted') AND end_date IS NOT NULL AND end_date <= :as_of
)
SELECT c.code || ' acceptance' AS key, c.code AS subject, c.code AS project, c.region,
       'warning' AS severity, c.budget AS amount, c.code AS evidence,
       printf('项目%s于%s竣工，至%s已超过%d天仍没有验收记录。', c.code, c.end_date, :as_of,
              :acceptance_days) AS message
FROM closed c
WHERE c.status = 'completed'
  AND julianday(:as_of) - julianday(c.end_date) > :acceptance_days
  AND NOT EXISTS (SELECT 1 FROM milestones s
                   WHERE s.project = c.code AND s.kind = 'acceptance' AND s.date <= :as_of)
UNION ALL
SELECT c.code || ' ' || i.name, c.code, c.code, c.region, 'warning', c.budget, c.code,
       CASE WHEN i.baseline IS NULL THEN
           printf('项目%s已结束，绩效指标“%s”没有基期值，无法评价成效。', c.code, i.name)
       WHEN i.actual IS NULL THEN
           printf('项目%s已结束，绩效指标“%s”目标%s%s，没有填报实际值。', c.code, i.name,
                  pa_quantity(i.target), coalesce(i.unit, ''))
       ELSE
           printf('项目%s的绩效指标“%s”目标%s%s，实际%s%s，完成%s，低于%s。', c.code, i.name,
                  pa_quantity(i.target), coalesce(i.unit, ''), pa_quantity(i.actual),
                  coalesce(i.unit, ''), pa_percent(i.actual * 10000 / max(i.target, 1)),
                  pa_percent(:min_achieved_percent))
       END
FROM closed c JOIN indicators i ON i.project = c.code
WHERE i.baseline IS NULL OR i.actual IS NULL OR i.actual * 10000 < i.target * :min_achieved_percent
