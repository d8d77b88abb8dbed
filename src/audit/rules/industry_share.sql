-- industry_share (产业投入占比不足): a fund designated for industry among
-- other domains that put less than :min_percent of what it allocated to
-- projects into industry projects.  A warning; the amount is the shortfall.
-- The money into project accounts is picked out by one scan first (the plan
-- otherwise walks a_moves_src for its GROUP BY and fetches every move by rowid).
WITH into_projects AS MATERIALIZED (
    SELECT src, dst_project, amount FROM a_moves WHERE dst_kind = 'project'
), allocated AS (
    SELECT m.src AS fund, f.region, sum(m.amount) AS total,
           sum(CASE WHEN p.domain = 'industry' THEN m.amount ELSE 0 END) AS industry
    FROM into_projects m JOIN a_accounts f ON f.code = m.src
                         JOIN a_projects p ON p.code = m.dst_project
    WHERE f.kind IN ('pool', 'source')
      AND instr('|' || coalesce(f.domains, '') || '|', '|industry|') > 0
    GROUP BY m.src
)
SELECT fund AS key, fund AS subject, NULL AS project, region, 'warning' AS severity,
       (total * :min_percent) / 10000 - industry AS amount, fund AS evidence,
       printf('资金%s截至%s向项目拨付%s，其中产业项目%s，占%s，低于%s。', fund, :as_of,
              pa_yuan(total), pa_yuan(industry), pa_percent(industry * 10000 / total),
              pa_percent(:min_percent)) AS message
FROM allocated
WHERE total > 0 AND industry * 10000 < total * :min_percent
ORDER BY fund
