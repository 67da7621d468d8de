-- regionh.maaltider: per quarter, the mean, sample SD and n of main meals per week eaten
-- with others, over the activity rows (DSV residents
-- present >= 30 days in the quarter).
WITH m AS (
  SELECT kvartal, avg(faelles_maaltider_uge) AS mean, count(faelles_maaltider_uge) AS n
  FROM aktivitet_kvartal
  WHERE faelles_maaltider_uge IS NOT NULL
  GROUP BY kvartal
)
SELECT a.kvartal,
       m.mean AS value,
       sqrt(sum((a.faelles_maaltider_uge - m.mean) * (a.faelles_maaltider_uge - m.mean))
            / (m.n - 1)) AS sd,
       m.n AS n
FROM aktivitet_kvartal a JOIN m ON m.kvartal = a.kvartal
WHERE a.faelles_maaltider_uge IS NOT NULL
GROUP BY a.kvartal;
