-- Strategi 2025-2028: follow data on the citizens' well-being (trivsel).
-- WHO-5 on the 0-100 scale (raw score × 4) in Region Sjælland's citizen
-- survey (2019, 2021, 2023, 2025), over the citizens' own answers.
local tegn = require "tegn"
local ind = require "indikator"
local region = require "region"
local col = tegn.col

tegn.indicator{
  id = "regsj.trivsel",
  strategy = "regsj",
  title = "Borgernes trivsel (WHO-5)",
  goal = "Den gennemsnitlige WHO-5-trivselsscore (0-100) blandt borgerne stiger",
  direction = "up",
  kind = "mean",
  unit = "WHO-5-score (0-100)",
  period = "aar",
  note = "Borgerundersøgelsen hvert andet år, borgere i tilbuddet 1. oktober. Kun borgerens "
    .. "egne svar (alene eller med hjælp); pårørende svarer ikke på WHO-5. Blanke svar "
    .. "(ca. 6 %) tæller ikke. Over 50 er normal trivsel, 35 og derunder høj risiko for "
    .. "depression og stress.",
  compute = function(data)
    local egne = region.egne_svar(data, "RSJ")
    return ind.mean(egne, { "aar" }, col"who5_raa" * 4)
  end,
}
