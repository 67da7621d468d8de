-- kbh.sagsfrister: by the year a case was received, the cases flagged
-- overholdt = 1 out of those whose last day (modtaget + frist_dage) was
-- before the extraction day 2026-01-15, so that every counted case has a
-- known outcome (an open case past its deadline carries overholdt = 0).
-- Cases decided before they were received are registration errors and are
-- left out.
SELECT CAST(strftime('%Y', modtaget) AS INTEGER) AS aar,
       sum(overholdt = 1) AS numerator,
       count(*) AS denominator,
       count(*) AS n
FROM sager
WHERE date(modtaget, '+' || frist_dage || ' days') < '2026-01-15'
  AND NOT coalesce(afgjort < modtaget, 0)
GROUP BY 1;
