-- Tegn på succes: personaleomsætningen falder: people leaving in the year per
-- 100 of the year's average headcount, Socialforvaltningen's units.
local tegn = require "tegn"
local ind = require "indikator"
local kbh = require "kbh"
local col = tegn.col

tegn.indicator{
  id = "kbh.personaleomsaetning",
  strategy = "kbh",
  title = "Personaleomsætningen falder",
  goal = "Personaleomsætningen i Socialforvaltningens enheder falder: antal fratrådte i året "
    .. "divideret med årets gennemsnitlige antal ansatte (summen af de månedlige "
    .. "gennemsnitlige antal ansatte / 12), i procent",
  kind = "rate",
  per = 100,
  direction = "down",
  unit = "fratrådte pr. 100 ansatte pr. år (personaleomsætning i %)",
  period = "aar",
  note = "De 40 KK-enheder i kk_enheder.csv; én række pr. enhed og måned (den dobbelt "
    .. "eksporterede række for KK-124 i 2023-09 tælles én gang). Omsætningen dykker i 2020 "
    .. "(COVID-19) og topper i 2022-2023",
  compute = function(data)
    local hr = kbh.sof_units(data, data.hr_maaned:distinct{ "maaned", "tilbud_id" }, "tilbud_id")
    return ind.rate(hr, { aar = ind.year_of_month"maaned" }, "fratraadte", col"gns_ansatte" / 12)
  end,
}
