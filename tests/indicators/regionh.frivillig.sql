-- regionh.frivillig: per quarter, the share of activity rows (DSV residents
-- present >= 30 days in the quarter) who volunteered in the community.
SELECT kvartal,
       sum(frivillig_j_n = 'J') AS numerator,
       count(*) AS denominator,
       count(*) AS n
FROM aktivitet_kvartal
WHERE frivillig_j_n IN ('J', 'N')
GROUP BY kvartal;
