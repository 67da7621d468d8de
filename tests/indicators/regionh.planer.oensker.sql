-- regionh.planer.oensker: per year of plan_dato, the share of DSV's plans
-- (first plans and yearly reviews) where the plan states the citizen's own wishes.
SELECT CAST(strftime('%Y', plan_dato) AS INTEGER) AS aar,
       sum(oensker_fremgaar = 'J') AS numerator,
       count(*) AS denominator,
       count(*) AS n
FROM individuelle_planer
WHERE oensker_fremgaar IN ('J', 'N')
GROUP BY aar;
