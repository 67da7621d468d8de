-- regsj.trivsel: per survey year, the mean, sample SD and n of WHO-5 × 4
-- among RSJ respondents answering for themselves (alone or with help).
WITH s AS (
  SELECT aar, 4.0 * who5_raa AS who5
  FROM borger_survey
  WHERE survey = 'RSJ' AND besvaret_af IN ('borger', 'hjaelp') AND who5_raa IS NOT NULL
),
m AS (SELECT aar, avg(who5) AS mean, count(*) AS n FROM s GROUP BY aar)
SELECT s.aar,
       m.mean AS value,
       sqrt(sum((s.who5 - m.mean) * (s.who5 - m.mean)) / (m.n - 1)) AS sd,
       m.n AS n
FROM s JOIN m ON m.aar = s.aar
GROUP BY s.aar;
