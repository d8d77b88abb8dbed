-- idle_funds (资金闲置滞留): money that reached a project's account and was
-- not spent.  Spending is first in, first out: what left the account paid
-- for what arrived first.  A warning when, of the money that arrived
-- :warning_days or more days ago, less than :min_spent_percent has been
-- spent; an error when any money that arrived :error_days or more days ago
-- is still there.
-- account is materialized: its three sums are worked out once per account,
-- not once for each place judged and the result refer to them.  The moves of
-- a project account have dst_kind (src_kind) 'project': saying so lets the
-- subqueries use scope.sql's partial indexes.
WITH account AS MATERIALIZED (
    SELECT a.code, a.project, p.region,
           (SELECT coalesce(sum(amount), 0) FROM a_moves
             WHERE dst_kind = 'project' AND dst = a.code
               AND date <= date(:as_of, printf('-%d days', :warning_days))) AS old_in,
           (SELECT coalesce(sum(amount), 0) FROM a_moves
             WHERE dst_kind = 'project' AND dst = a.code
               AND date <= date(:as_of, printf('-%d days', :error_days))) AS ancient_in,
           (SELECT coalesce(sum(amount), 0) FROM a_moves
             WHERE src_kind = 'project' AND src = a.code) AS spent
    FROM a_accounts a JOIN a_projects p ON p.code = a.project
    WHERE a.kind = 'project'
), judged AS (
    SELECT *, max(ancient_in - spent, 0) AS held, min(spent, old_in) AS used
    FROM account WHERE old_in > 0
)
SELECT code AS key, project AS subject, project, region,
       CASE WHEN held > 0 THEN 'error' ELSE 'warning' END AS severity,
       CASE WHEN held > 0 THEN held ELSE old_in - used END AS amount,
       code || coalesce(' ' || (SELECT group_concat(id, ' ') FROM (
           SELECT id FROM a_moves WHERE dst_kind = 'project' AND dst = judged.code
              AND date <= date(:as_of, printf('-%d days', :warning_days))
            ORDER BY date, seq LIMIT 10)), '') AS evidence,
       CASE WHEN held > 0 THEN
           printf('项目%s的账户%s中，%d天以前到账的资金尚有%s未支出，滞留超过%d天。',
                  project, code, :error_days, pa_yuan(held), :error_days)
       ELSE
           printf('项目%s的账户%s在%d天以前到账%s，截至%s只支出%s（%s），低于资金管理办法要求的%s。',
                  project, code, :warning_days, pa_yuan(old_in), :as_of, pa_yuan(used),
                  pa_percent(used * 10000 / old_in), pa_percent(:min_spent_percent))
       END AS message
FROM judged
WHERE held > 0 OR used * 10000 < old_in * :min_spent_percent
