-- budget_overrun (超预算支出): what a project's accounts paid out to payees
-- against its budget.  More than :error_percent is an error; :warning_percent
-- or more is a warning while the project is still running (a finished project
-- that spent 95 % of its budget is the normal outcome, not a risk).
WITH paid AS (
    SELECT src_project AS project, sum(amount) AS paid, max(date) AS last
    FROM a_moves WHERE src_kind = 'project' AND dst_kind = 'payee'
    GROUP BY src_project
)
SELECT p.code AS key, p.code AS subject, p.code AS project, p.region,
       CASE WHEN s.paid * 10000 > p.budget * :error_percent THEN 'error' ELSE 'warning' END
           AS severity,
       s.paid AS amount,
       p.code || ' ' || (SELECT group_concat(code, ' ') FROM a_accounts
                          WHERE project = p.code AND kind = 'project') AS evidence,
       printf('项目%s预算%s，截至%s已支出%s，为预算的%s（%s%s）。', p.code, pa_yuan(p.budget),
              :as_of, pa_yuan(s.paid), pa_percent(s.paid * 10000 / max(p.budget, 1)),
              CASE WHEN s.paid * 10000 > p.budget * :error_percent THEN '超过' ELSE '达到' END,
              pa_percent(CASE WHEN s.paid * 10000 > p.budget * :error_percent
                              THEN :error_percent ELSE :warning_percent END)) AS message
FROM paid s JOIN a_projects p ON p.code = s.project
WHERE s.paid * 10000 > p.budget * :error_percent
   OR (s.paid * 10000 >= p.budget * :warning_percent
       AND p.status NOT IN ('completed', 'accepted'))
