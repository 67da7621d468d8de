-- kbh.uddannelse_job: 18-29-year-olds in a youth education, a higher
-- education or a job on 1 October, out of those whose status is known.
SELECT aar,
       sum(status IN ('ungdomsuddannelse', 'videregaaende', 'beskaeftiget')) AS numerator,
       count(*) AS denominator,
       count(*) AS n
FROM unge_status
WHERE alder >= 18 AND alder <= 29 AND status <> 'uoplyst'
GROUP BY aar;
