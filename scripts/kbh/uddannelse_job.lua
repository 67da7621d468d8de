-- Tegn på succes: flere er i beskæftigelse eller uddannelse: the share of the
-- 18-29-year-olds known by the forvaltning who are in a youth education, a
-- higher education or a job on 1 October (unknown status left out).
local tegn = require "tegn"
local ind = require "indikator"
local col = tegn.col

tegn.indicator{
  id = "kbh.uddannelse_job",
  strategy = "kbh",
  title = "Flere er i beskæftigelse eller uddannelse",
  goal = "Andelen af de 18-29-årige kendt af forvaltningen, der 1. oktober er i "
    .. "ungdomsuddannelse, videregående uddannelse eller beskæftigelse, stiger. Nævneren er de "
    .. "18-29-årige med kendt status: status 'uoplyst' (forsvundet fra registrene) er udeladt. "
    .. "De 16-17-årige indgår ikke, fordi mange af dem endnu går i grundskolen",
  direction = "up",
  unit = "andel af 18-29-årige",
  period = "aar",
  note = "Andelen med uoplyst status stiger fra 1 % (2019) til 6 % (2025). Talte de med som "
    .. "hverken i job eller uddannelse, ville andelen i 2025 være ca. 4 point lavere (63 % "
    .. "mod 67 %); stigningen siden 2019 er tydelig med begge nævnere",
  compute = function(data)
    local unge = data.unge_status:filter(col"alder":between(18, 29) & col"status":ne"uoplyst")
    local i_gang = col"status":isin{ "ungdomsuddannelse", "videregaaende", "beskaeftiget" }
    return ind.share(unge, { "aar" }, i_gang)
  end,
}
