-- regionh.sundhedstjek: per offer year, the share of health-check offers
-- that were completed, among offers with an outcome (offers still waiting
-- for a time at extraction are left out).
SELECT aar,
       count(gennemfoert) AS numerator,
       count(*) AS denominator,
       count(*) AS n
FROM db.sundhedstjek
WHERE aarsag_ikke IS NOT 'venter_paa_tid'
GROUP BY aar;
