-- kbh.ensomhed: the weighted share with T-ILS >= 7 among SOF respondents
-- who answered T-ILS, and Kish's effective n.
SELECT aar,
       sum(CASE WHEN tils >= 7 THEN vaegt ELSE 0 END) AS numerator,
       sum(vaegt) AS denominator,
       sum(vaegt) * sum(vaegt) / sum(vaegt * vaegt) AS n
FROM borger_survey
WHERE survey = 'SOF' AND tils IS NOT NULL
GROUP BY aar;
