-- regionh.sundhedstjek_tilbud: as regionh.sundhedstjek, per botilbud.
SELECT tilbud_id,
       aar,
       count(gennemfoert) AS numerator,
       count(*) AS denominator,
       count(*) AS n
FROM db.sundhedstjek
WHERE aarsag_ikke IS NOT 'venter_paa_tid'
GROUP BY tilbud_id, aar;
