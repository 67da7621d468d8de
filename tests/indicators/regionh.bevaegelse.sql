-- regionh.bevaegelse: per quarter, the mean, sample SD and n of days per week with at least
-- 30 minutes of movement, over the activity rows (DSV residents
-- present >= 30 days in the quarter).
WITH m AS (
  SELECT kvartal, avg(bevaegelse_dage_uge) AS mean, count(bevaegelse_dage_uge) AS n
  FROM aktivitet_kvartal
  WHERE bevaegelse_dage_uge IS NOT NULL
  GROUP BY kvartal
)
SELECT a.kvartal,
       m.mean AS value,
       sqrt(sum((a.bevaegelse_dage_uge - m.mean) * (a.bevaegelse_dage_uge - m.mean))
            / (m.n - 1)) AS sd,
       m.n AS n
FROM aktivitet_kvartal a JOIN m ON m.kvartal = a.kvartal
WHERE a.bevaegelse_dage_uge IS NOT NULL
GROUP BY a.kvartal;
