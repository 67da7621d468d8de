-- regsj.sygefravaer_enhed: as regsj.sygefravaer, per unit.
SELECT tilbud_id,
       CAST(substr(maaned, 1, 4) AS INTEGER) AS aar,
       sum(sygedage) AS numerator,
       sum(fte) / 12.0 AS denominator
FROM hr_maaned
WHERE tilbud_id LIKE 'RSJ-%'
GROUP BY tilbud_id, aar;
