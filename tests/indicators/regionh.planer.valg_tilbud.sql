-- regionh.planer.valg_tilbud: as regionh.planer.valg, per tilbud.
SELECT tilbud_id,
       CAST(strftime('%Y', plan_dato) AS INTEGER) AS aar,
       sum(valg_understoettet = 'J') AS numerator,
       count(*) AS denominator,
       count(*) AS n
FROM individuelle_planer
WHERE valg_understoettet IN ('J', 'N')
GROUP BY tilbud_id, aar;
