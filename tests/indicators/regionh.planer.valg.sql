-- regionh.planer.valg: per year of plan_dato, the share of DSV's plans
-- (first plans and yearly reviews) where the plan states how the citizen's choices are supported.
SELECT CAST(strftime('%Y', plan_dato) AS INTEGER) AS aar,
       sum(valg_understoettet = 'J') AS numerator,
       count(*) AS denominator,
       count(*) AS n
FROM individuelle_planer
WHERE valg_understoettet IN ('J', 'N')
GROUP BY aar;
