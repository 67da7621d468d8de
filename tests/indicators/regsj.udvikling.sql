-- regsj.udvikling: per survey year, the share answering 4 or 5 (experiencing own development)
-- among RSJ respondents answering for themselves (alone or with help), of
-- those who answered the item.
SELECT aar,
       sum(udvikling_1_5 >= 4) AS numerator,
       count(*) AS denominator,
       count(*) AS n
FROM borger_survey
WHERE survey = 'RSJ' AND besvaret_af IN ('borger', 'hjaelp') AND udvikling_1_5 IS NOT NULL
GROUP BY aar;
