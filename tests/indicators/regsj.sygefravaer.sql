-- regsj.sygefravaer: per year, sick days per FTE-year in Region Sjælland's
-- units: events = the year's sygedage, exposure = the sum of the monthly
-- fte / 12; and the dispersion between units: Pearson's chi-square of each
-- unit's sick days against the year's rate times its FTE-years, over
-- (units - 1).
WITH unit AS (SELECT CAST(substr(maaned, 1, 4) AS INTEGER) AS aar, tilbud_id,
                     sum(sygedage) AS e, sum(fte) / 12.0 AS x
              FROM hr_maaned WHERE tilbud_id LIKE 'RSJ-%' GROUP BY 1, 2),
     yr AS (SELECT aar, sum(e) AS numerator, sum(x) AS denominator FROM unit GROUP BY aar)
SELECT yr.aar, numerator, denominator,
       (SELECT sum((u.e - numerator / denominator * u.x) * (u.e - numerator / denominator * u.x)
                   / (numerator / denominator * u.x)) / (count(*) - 1)
        FROM unit u WHERE u.aar = yr.aar AND u.x > 0) AS dispersion
FROM yr;
