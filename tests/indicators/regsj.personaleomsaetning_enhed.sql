-- regsj.personaleomsaetning_enhed: as regsj.personaleomsaetning, per unit.
SELECT tilbud_id,
       CAST(substr(maaned, 1, 4) AS INTEGER) AS aar,
       sum(fratraadte) AS numerator,
       sum(gns_ansatte) / 12.0 AS denominator
FROM hr_maaned
WHERE tilbud_id LIKE 'RSJ-%'
GROUP BY tilbud_id, aar;
