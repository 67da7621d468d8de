-- regionh.netvaerk: per quarter, the mean, sample SD and n of private network persons in
-- contact in the quarter, over the activity rows (DSV residents
-- present >= 30 days in the quarter).
WITH m AS (
  SELECT kvartal, avg(netvaerk_personer) AS mean, count(netvaerk_personer) AS n
  FROM aktivitet_kvartal
  WHERE netvaerk_personer IS NOT NULL
  GROUP BY kvartal
)
SELECT a.kvartal,
       m.mean AS value,
       sqrt(sum((a.netvaerk_personer - m.mean) * (a.netvaerk_personer - m.mean))
            / (m.n - 1)) AS sd,
       m.n AS n
FROM aktivitet_kvartal a JOIN m ON m.kvartal = a.kvartal
WHERE a.netvaerk_personer IS NOT NULL
GROUP BY a.kvartal;
