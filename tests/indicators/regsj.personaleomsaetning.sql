-- regsj.personaleomsaetning: per year, leavers per employee-year in Region Sjælland's
-- units: events = the year's fratraadte, exposure = the sum of the monthly
-- gns_ansatte / 12.
SELECT CAST(substr(maaned, 1, 4) AS INTEGER) AS aar,
       sum(fratraadte) AS numerator,
       sum(gns_ansatte) / 12.0 AS denominator
FROM hr_maaned
WHERE tilbud_id LIKE 'RSJ-%'
GROUP BY aar;
