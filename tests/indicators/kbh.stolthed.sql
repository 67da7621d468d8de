-- kbh.stolthed: staff in the KK units answering 4 or 5 on the 1-5 pride
-- item, out of those who answered it.
SELECT aar,
       sum(stolt_1_5 >= 4) AS numerator,
       count(stolt_1_5) AS denominator,
       count(stolt_1_5) AS n
FROM medarbejder_survey
WHERE tilbud_id LIKE 'KK-%' AND stolt_1_5 IS NOT NULL
GROUP BY aar;
