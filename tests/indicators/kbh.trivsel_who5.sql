-- kbh.trivsel_who5: the weighted mean WHO-5 score (raw x 4) per year among
-- SOF respondents with a score, the weighted standard deviation
-- sqrt(sum w (x - mean)^2 / sum w) (two passes) and Kish's effective n.
WITH r AS (
  SELECT aar, who5_raa * 4.0 AS x, vaegt AS w
  FROM borger_survey
  WHERE survey = 'SOF' AND who5_raa IS NOT NULL
),
m AS (
  SELECT aar, sum(w * x) / sum(w) AS mean, sum(w) AS sw, sum(w * w) AS sw2
  FROM r GROUP BY aar
)
SELECT m.aar,
       m.mean AS value,
       sqrt(sum(r.w * (r.x - m.mean) * (r.x - m.mean)) / m.sw) AS sd,
       m.sw * m.sw / m.sw2 AS n
FROM r JOIN m ON r.aar = m.aar
GROUP BY m.aar;
