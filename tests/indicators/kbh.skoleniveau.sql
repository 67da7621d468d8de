-- kbh.skoleniveau: pupils leaving 9th grade with at least 2.0 in both dansk
-- and matematik, out of every pupil of the year (a pupil without grades
-- does not qualify).
SELECT afgangsaar,
       count(CASE WHEN dansk >= 2.0 AND matematik >= 2.0 THEN 1 END) AS numerator,
       count(*) AS denominator,
       count(*) AS n
FROM unge_skole
GROUP BY afgangsaar;
