-- kbh.foreningsliv: the weighted share answering J (yes) to taking part in
-- associations or volunteering among SOF respondents who answered J or N,
-- per year, with Kish's effective n.
SELECT aar,
       total(CASE WHEN foreningsliv_j_n = 'J' THEN vaegt END) AS numerator,
       total(vaegt) AS denominator,
       total(vaegt) * total(vaegt) / total(vaegt * vaegt) AS n
FROM borger_survey
WHERE survey = 'SOF' AND foreningsliv_j_n IN ('J', 'N')
GROUP BY aar;
