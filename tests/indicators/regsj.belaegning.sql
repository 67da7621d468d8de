-- regsj.belaegning: per RSJ tilbud and year, the reported belægningsdage and
-- mulige dage summed over the monthly reports there are, and the budgeted
-- occupancy of the year's takst in per cent.
SELECT b.tilbud_id,
       CAST(substr(b.maaned, 1, 4) AS INTEGER) AS aar,
       sum(b.belaegningsdage) AS numerator,
       sum(b.mulige_dage) AS denominator,
       (SELECT 100 * p.budget_belaegning FROM db.takst_param p
        WHERE p.tilbud_id = b.tilbud_id
          AND p.aar = CAST(substr(b.maaned, 1, 4) AS INTEGER)) AS target
FROM belaegning_maaned b
WHERE b.tilbud_id LIKE 'RSJ-%'
GROUP BY b.tilbud_id, aar;
