-- kbh.sygefravaer: sick days per FTE-year in the KK units: the year's sick
-- days over the year's summed monthly FTE / 12, counting an exported row
-- that appears twice (KK-124 2023-09) once.
WITH hr AS (SELECT DISTINCT * FROM hr_maaned WHERE tilbud_id LIKE 'KK-%')
SELECT CAST(substr(maaned, 1, 4) AS INTEGER) AS aar,
       sum(sygedage) AS numerator,
       sum(fte) / 12.0 AS denominator
FROM hr
GROUP BY 1;
