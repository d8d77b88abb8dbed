-- personal_account (违规转入个人账户): a payment of more than :max_amount
-- into an account of individuals (households, people) that is not a subsidy
-- (补助) is an error.
-- Picked out by one scan first, then ordered: as in negative_list.sql.
WITH paid AS MATERIALIZED (
    SELECT m.* FROM a_moves m JOIN orgs o ON o.code = m.dst_org
    WHERE o.kind = 'individuals' AND coalesce(m.purpose, '') <> 'subsidy'
      AND m.amount > :max_amount AND EXISTS (SELECT 1 FROM a_accounts a WHERE a.code = m.src)
)
SELECT m.id AS key, m.dst AS subject, coalesce(m.project, m.src_project) AS project,
       p.region, 'error' AS severity, m.amount, m.id || ' ' || m.src || ' ' || m.dst AS evidence,
       printf('%s从账户%s向个人账户%s支付%s，用途为“%s”；个人账户只应收到补助，非补助类单笔不得超过%s。',
              m.date, m.src, m.dst, pa_yuan(m.amount),
              coalesce(pa_zh('purpose', m.purpose), '未注明'), pa_yuan(:max_amount)) AS message
FROM paid m LEFT JOIN a_projects p ON p.code = coalesce(m.project, m.src_project)
ORDER BY m.src, m.date, m.seq
