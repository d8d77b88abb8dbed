-- revenue_share_unsettled (利益共享未结算): a co-built park's agreed share of
-- revenue for a year that has ended, not settled or settled more than
-- :max_gap_points percentage points short.  A warning.  The audit sees the books
-- as they stood at the end of :as_of, so a year whose last day is :as_of has
-- ended (as a project whose end date is :as_of has, in weak_results).
SELECT r.project || ' ' || r.year AS key, r.project AS subject, r.project, p.region,
       'warning' AS severity, 0 AS amount, r.project AS evidence,
       CASE WHEN r.settled IS NULL THEN
           printf('共建园区%s %d年约定分成%s，年度结束后仍未结算。', r.project, r.year,
                  pa_percent(r.agreed))
       ELSE
           printf('共建园区%s %d年约定分成%s，实际结算%s，相差%s个百分点，超过%s个百分点。',
                  r.project, r.year, pa_percent(r.agreed), pa_percent(r.settled),
                  pa_quantity(r.agreed - r.settled), pa_quantity(:max_gap_points))
       END AS message
FROM revenue_shares r JOIN a_projects p ON p.code = r.project
WHERE printf('%04d-12-31', r.year) <= :as_of
  AND (r.settled IS NULL OR r.agreed - r.settled > :max_gap_points)
