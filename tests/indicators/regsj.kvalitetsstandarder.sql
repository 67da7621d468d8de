-- regsj.kvalitetsstandarder: per year, items fulfilled out of items reviewed
-- in the audits that were a tilbud's first audit of a standard that year
-- (re-audits later the same year are left out).
SELECT CAST(strftime('%Y', a.dato) AS INTEGER) AS aar,
       sum(a.antal_opfyldt) AS numerator,
       sum(a.antal_gennemgaaet) AS denominator
FROM db.audit a
WHERE a.dato = (SELECT min(b.dato) FROM db.audit b
                WHERE b.tilbud_id = a.tilbud_id AND b.standard_nr = a.standard_nr
                  AND strftime('%Y', b.dato) = strftime('%Y', a.dato))
GROUP BY aar;
