-- regsj.kvalitetsstandarder_standard: as regsj.kvalitetsstandarder, per
-- standard.
SELECT a.standard_nr,
       a.standard,
       CAST(strftime('%Y', a.dato) AS INTEGER) AS aar,
       sum(a.antal_opfyldt) AS numerator,
       sum(a.antal_gennemgaaet) AS denominator
FROM db.audit a
WHERE a.dato = (SELECT min(b.dato) FROM db.audit b
                WHERE b.tilbud_id = a.tilbud_id AND b.standard_nr = a.standard_nr
                  AND strftime('%Y', b.dato) = strftime('%Y', a.dato))
GROUP BY a.standard_nr, a.standard, aar;
