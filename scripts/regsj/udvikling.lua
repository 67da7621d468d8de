-- Strategi 2025-2028: follow data on the citizens' development. The share
-- answering 4 or 5 (of 1-5) to the item on their own development in
-- Region Sjælland's citizen survey (2019, 2021, 2023, 2025), own answers.
local tegn = require "tegn"
local ind = require "indikator"
local region = require "region"
local col = tegn.col

tegn.indicator{
  id = "regsj.udvikling",
  strategy = "regsj",
  title = "Borgerne oplever udvikling",
  goal = "Andelen af borgere, der oplever at udvikle sig (4 eller 5 på en skala 1-5), stiger",
  direction = "up",
  unit = "andel af borgere",
  period = "aar",
  note = "Borgerundersøgelsen hvert andet år, borgere i tilbuddet 1. oktober. Kun borgerens "
    .. "egne svar (alene eller med hjælp); pårørendes svar på borgerens vegne står i details. "
    .. "Blanke svar tæller ikke.",
  compute = function(data)
    local egne, paaroerende = region.egne_svar(data, "RSJ")
    local udvikling = col"udvikling_1_5":ge(4)
    return ind.share(egne, { "aar" }, udvikling),
      { paaroerendes_svar = region.andele(ind.share(paaroerende, { "aar" }, udvikling), { "aar" }) }
  end,
}
