-- bad_identifiers (标识码错误): an organisation the pairing's money or
-- contracts reach whose unified social credit code has a wrong check
-- character, or names (in characters 3-8) a region code that is unknown or
-- retired.  A warning.  Contracts count once signed, by :as_of, as money does
-- once it moved.
WITH involved AS (
    SELECT dst_org AS code FROM a_moves WHERE dst_org IS NOT NULL
    UNION SELECT c.supplier FROM contracts c JOIN a_projects p ON p.code = c.project
          WHERE c.signed <= :as_of
    UNION SELECT org FROM a_accounts WHERE org IS NOT NULL
)
SELECT o.code AS key, o.code AS subject, NULL AS project, o.region, 'warning' AS severity,
       0 AS amount, o.code || ' ' || o.credit_code AS evidence,
       CASE WHEN NOT pa_credit_code_valid(o.credit_code) THEN
           printf('%s（%s）的统一社会信用代码%s校验位错误。', o.name, o.code, o.credit_code)
       ELSE
           printf('%s（%s）的统一社会信用代码%s中的行政区划代码%s不存在或已撤销。', o.name,
                  o.code, o.credit_code, substr(o.credit_code, 3, 6))
       END AS message
FROM orgs o JOIN involved i ON i.code = o.code
WHERE o.credit_code IS NOT NULL
  AND (NOT pa_credit_code_valid(o.credit_code)
       OR NOT EXISTS (SELECT 1 FROM regions r WHERE r.code = substr(o.credit_code, 3, 6)))
