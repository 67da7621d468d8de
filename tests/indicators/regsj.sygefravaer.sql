-- regsj.sygefravaer: per year, sick days per FTE-year in Region Sjælland's
-- units: events = the year's sygedage, exposure = the sum of the monthly
-- fte / 12.
SELECT CAST(substr(maaned, 1, 4) AS INTEGER) AS aar,
       sum(sygedage) AS numerator,
       sum(fte) / 12.0 AS denominator
FROM hr_maaned
WHERE tilbud_id LIKE 'RSJ-%'
GROUP BY aar;
