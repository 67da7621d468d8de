-- Strategi 2025-2028: follow data on the citizens' satisfaction. The share
-- answering 4 or 5 (of 1-5) to the satisfaction item of Region Sjælland's
-- citizen survey (2019, 2021, 2023, 2025), over the citizens' own answers.
local tegn = require "tegn"
local ind = require "indikator"
local region = require "region"
local col = tegn.col

tegn.indicator{
  id = "regsj.tilfredshed",
  strategy = "regsj",
  title = "Borgerne er tilfredse med tilbuddet",
  goal = "Andelen af borgere, der er tilfredse (4 eller 5 på en skala 1-5), stiger",
  direction = "up",
  unit = "andel af borgere",
  period = "aar",
  note = "Borgerundersøgelsen hvert andet år, borgere i tilbuddet 1. oktober. Kun borgerens "
    .. "egne svar (alene eller med hjælp); pårørendes svar på borgerens vegne (ca. 20 %, mest "
    .. "for børn og voksne med udviklingshæmning) er en anden måling og står i details. Blanke "
    .. "svar tæller ikke.",
  compute = function(data)
    local egne, paaroerende = region.egne_svar(data, "RSJ")
    local tilfreds = col"tilfreds_1_5":ge(4)
    return ind.share(egne, { "aar" }, tilfreds),
      { paaroerendes_svar = region.andele(ind.share(paaroerende, { "aar" }, tilfreds), { "aar" }) }
  end,
}
