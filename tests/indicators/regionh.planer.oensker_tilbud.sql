-- regionh.planer.oensker_tilbud: as regionh.planer.oensker, per tilbud.
SELECT tilbud_id,
       CAST(strftime('%Y', plan_dato) AS INTEGER) AS aar,
       sum(oensker_fremgaar = 'J') AS numerator,
       count(*) AS denominator,
       count(*) AS n
FROM individuelle_planer
WHERE oensker_fremgaar IN ('J', 'N')
GROUP BY tilbud_id, aar;
