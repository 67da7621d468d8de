-- Tegn på succes: flere børn og unge når et skoleniveau, der kvalificerer til
-- en ungdomsuddannelse: at least 2,0 in both dansk and matematik at the end of
-- 9th grade, among all the forvaltning's pupils of the year (no exam = not met).
local tegn = require "tegn"
local ind = require "indikator"
local col = tegn.col

tegn.indicator{
  id = "kbh.skoleniveau",
  strategy = "kbh",
  title = "Flere børn og unge når et skoleniveau, der kvalificerer til en ungdomsuddannelse",
  goal = "Andelen af de børn og unge kendt af forvaltningen, der forlader 9. klasse med mindst "
    .. "2,0 i både dansk og matematik (gennemsnit af karaktererne i faget), stiger. Nævneren er "
    .. "hele afgangsårgangen: elever uden karakterer i dansk og matematik tæller som ikke "
    .. "kvalificerede",
  direction = "up",
  unit = "andel af elever",
  period = "afgangsaar",
  note = "2020: afgangsprøverne blev aflyst (COVID-19), og standpunktskaraktererne, som er "
    .. "højere, trådte i stedet; 2020 er ikke direkte sammenlignelig, men indgår i tendensen. "
    .. "11-17 % af eleverne har ingen karakterer",
  compute = function(data)
    local kvalificeret = (col"dansk":ge(2.0) & col"matematik":ge(2.0)):fill_null(false)
    return ind.share(data.unge_skole, { "afgangsaar" }, kvalificeret)
  end,
}
