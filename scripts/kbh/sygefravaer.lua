-- Tegn på succes: sygefraværet falder: sick days per FTE-year in
-- Socialforvaltningen's units, from the monthly payroll export.
local tegn = require "tegn"
local ind = require "indikator"
local kbh = require "kbh"
local col = tegn.col

tegn.indicator{
  id = "kbh.sygefravaer",
  strategy = "kbh",
  title = "Sygefraværet falder",
  goal = "Sygedage pr. årsværk i Socialforvaltningens enheder falder: summen af sygedage over "
    .. "årets måneder og enheder divideret med summen af fuldtidsstillinger (fte) over de samme "
    .. "måneder / 12",
  kind = "rate",
  direction = "down",
  unit = "sygedage pr. årsværk",
  period = "aar",
  note = "De 40 KK-enheder i kk_enheder.csv; én række pr. enhed og måned (den dobbelt "
    .. "eksporterede række for KK-124 i 2023-09 tælles én gang). Sygefraværet topper i "
    .. "2020-03/04 og 2021-12 til 2022-02 (COVID-19). Sygedage kommer i forløb, så "
    .. "enhederne varierer langt mere end uafhængige hændelser ville: intervallerne er "
    .. "udvidet med spredningen mellem enhederne (quasi-Poisson, kolonnen dispersion)",
  compute = function(data)
    local hr = kbh.sof_units(data, data.hr_maaned:distinct{ "maaned", "tilbud_id" }, "tilbud_id")
    return ind.rate(hr, { aar = ind.year_of_month"maaned" }, "sygedage", col"fte" / 12,
                    "tilbud_id")
  end,
}
