-- kbh.personaleomsaetning: leavers per mean headcount in the KK units: the
-- year's leavers over the year's summed monthly average headcount / 12,
-- counting an exported row that appears twice (KK-124 2023-09) once.
WITH hr AS (SELECT DISTINCT * FROM hr_maaned WHERE tilbud_id LIKE 'KK-%')
SELECT CAST(substr(maaned, 1, 4) AS INTEGER) AS aar,
       sum(fratraadte) AS numerator,
       sum(gns_ansatte) / 12.0 AS denominator
FROM hr
GROUP BY 1;
