-- regionh.sundhedstjek.trin: the funnel. Per offer year and step, the
-- offers that reached the step (its column is filled) out of all offers
-- with an outcome (not waiting for a time at extraction).
WITH afsluttet AS (
  SELECT * FROM db.sundhedstjek WHERE aarsag_ikke IS NOT 'venter_paa_tid'
),
trin(trin, naaet, aar) AS (
  SELECT '1_droeftet', droeftet IS NOT NULL, aar FROM afsluttet
  UNION ALL SELECT '2_samtykke', samtykke IS NOT NULL, aar FROM afsluttet
  UNION ALL SELECT '3_bestilt', bestilt IS NOT NULL, aar FROM afsluttet
  UNION ALL SELECT '4_oensker', oensker IS NOT NULL, aar FROM afsluttet
  UNION ALL SELECT '5_gennemfoert', gennemfoert IS NOT NULL, aar FROM afsluttet
)
SELECT trin, aar, sum(naaet) AS numerator, count(*) AS denominator
FROM trin
GROUP BY trin, aar;
