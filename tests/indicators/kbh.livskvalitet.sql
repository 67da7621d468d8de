-- kbh.livskvalitet: the weighted share answering 4 or 5 on the 1-5
-- quality-of-life item among SOF respondents who answered it, per year,
-- with Kish's effective n (all years; the break is the spec's business).
SELECT aar,
       total(vaegt * (livskval_1_5 IN (4, 5))) AS numerator,
       total(vaegt) AS denominator,
       total(vaegt) * total(vaegt) / total(vaegt * vaegt) AS n
FROM borger_survey
WHERE survey = 'SOF' AND livskval_1_5 BETWEEN 1 AND 5
GROUP BY aar;
