-- kbh.tryghed: staff in the KK units answering 4 or 5 on the 1-5 safety
-- item, out of those who answered it.
SELECT aar,
       sum(tryg_1_5 >= 4) AS numerator,
       count(tryg_1_5) AS denominator,
       count(tryg_1_5) AS n
FROM medarbejder_survey
WHERE tilbud_id LIKE 'KK-%' AND tryg_1_5 IS NOT NULL
GROUP BY aar;
