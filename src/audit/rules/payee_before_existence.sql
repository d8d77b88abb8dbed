-- payee_before_existence (虚报冒领信号): a payment to, or a contract with, an
-- organisation dated before the organisation was registered (成立日期).
SELECT m.id AS key, o.code AS subject, coalesce(m.project, m.src_project) AS project,
       p.region, 'error' AS severity, m.amount, m.id || ' ' || m.dst || ' ' || o.code AS evidence,
       printf('%s向%s（%s）付款%s，而该单位%s才成立。', m.date, o.name, o.code,
              pa_yuan(m.amount), o.registered) AS message
FROM a_moves m JOIN orgs o ON o.code = m.dst_org
     LEFT JOIN a_projects p ON p.code = coalesce(m.project, m.src_project)
WHERE m.dst_kind = 'payee' AND o.registered IS NOT NULL AND m.date < o.registered
UNION ALL
SELECT c.code, o.code, c.project, p.region, 'error', c.amount, c.code || ' ' || o.code,
       printf('合同%s于%s与%s（%s）签订，金额%s，而该单位%s才成立。', c.code, c.signed, o.name,
              o.code, pa_yuan(c.amount), o.registered)
FROM contracts c JOIN a_projects p ON p.code = c.project JOIN orgs o ON o.code = c.supplier
WHERE c.signed <= :as_of AND o.registered IS NOT NULL AND c.signed < o.registered
