-- kbh.ungdomsuddannelse: 25-year-olds who have completed a youth education
-- (J), out of the 25-year-olds whose status is known (not 'uoplyst').
SELECT aar,
       sum(ungdomsudd_fuldfoert = 'J') AS numerator,
       count(*) AS denominator,
       count(*) AS n
FROM unge_status
WHERE alder = 25 AND status <> 'uoplyst'
GROUP BY aar;
