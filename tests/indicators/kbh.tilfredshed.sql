-- kbh.tilfredshed: the weighted share answering 4 or 5 on the 1-5
-- satisfaction item among SOF respondents who answered it, per year, with
-- Kish's effective n.
SELECT aar,
       total(CASE WHEN tilfreds_1_5 IN (4, 5) THEN vaegt END) AS numerator,
       total(vaegt) AS denominator,
       total(vaegt) * total(vaegt) / total(vaegt * vaegt) AS n
FROM borger_survey
WHERE survey = 'SOF' AND tilfreds_1_5 BETWEEN 1 AND 5
GROUP BY aar;
