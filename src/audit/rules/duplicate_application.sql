-- duplicate_application (重复申报): two projects of one county whose names are
-- alike (character-bigram Dice similarity of at least :min_similarity
-- percent), that name no two different towns (镇/乡/街道), and whose years
-- overlap.  An error about the later of the two.
SELECT a.code || ' ' || b.code AS key, b.code AS subject, b.code AS project, b.region,
       'error' AS severity, b.budget AS amount, a.code || ' ' || b.code AS evidence,
       printf('项目%s“%s”与项目%s“%s”同在%s，名称相似度%s，实施年度重叠（%s—%s与%s—%s），疑似重复申报。',
              b.code, b.name, a.code, a.name, (SELECT name FROM regions WHERE code = b.region),
              pa_percent(CAST(pa_similarity(a.name, b.name) * 10000 AS INTEGER)),
              substr(a.start_date, 1, 4), substr(coalesce(a.end_date, a.start_date), 1, 4),
              substr(b.start_date, 1, 4), substr(coalesce(b.end_date, b.start_date), 1, 4))
           AS message
FROM a_projects a JOIN a_projects b ON b.region = a.region AND a.code < b.code
WHERE a.start_date <= :as_of AND b.start_date <= :as_of
  AND substr(a.start_date, 1, 4) <= substr(coalesce(b.end_date, b.start_date), 1, 4)
  AND substr(b.start_date, 1, 4) <= substr(coalesce(a.end_date, a.start_date), 1, 4)
  AND pa_same_town(a.name, b.name)
  AND pa_similarity(a.name, b.name) * 10000 >= :min_similarity
