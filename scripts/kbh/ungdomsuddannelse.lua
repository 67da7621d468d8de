-- Tegn på succes: flere unge gennemfører en ungdomsuddannelse: the share of the
-- 25-year-olds known by the forvaltning who have completed one (status on
-- 1 October; young people with unknown status are left out).
local tegn = require "tegn"
local ind = require "indikator"
local col = tegn.col

tegn.indicator{
  id = "kbh.ungdomsuddannelse",
  strategy = "kbh",
  title = "Flere unge gennemfører en ungdomsuddannelse",
  goal = "Andelen af de 25-årige kendt af forvaltningen, der har gennemført en "
    .. "ungdomsuddannelse (status 1. oktober), stiger. Nævneren er de 25-årige med kendt status: "
    .. "unge med status 'uoplyst' (forsvundet fra registrene) er udeladt, fordi vi ikke ved, om "
    .. "de har gennemført siden",
  direction = "up",
  unit = "andel af 25-årige",
  period = "aar",
  note = "Kun ca. 130-165 25-årige med kendt status om året, så serien er usikker fra år til "
    .. "år. Andelen med uoplyst status blandt de 25-årige er under 1 % i 2019 og 3-8 % i "
    .. "2020-2025",
  compute = function(data)
    local unge = data.unge_status:filter(col"alder":eq(25) & col"status":ne"uoplyst")
    return ind.share(unge, { "aar" }, col"ungdomsudd_fuldfoert")
  end,
}
