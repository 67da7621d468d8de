-- Tegn på succes: flere er tilfredse med den hjælp, de får.
-- Tilfreds = 4-5 on the 1-5 satisfaction item of SOF's yearly survey, weighted.
local tegn = require "tegn"
local ind = require "indikator"
local col = tegn.col

tegn.indicator{
  id = "kbh.tilfredshed",
  strategy = "kbh",
  title = "Flere er tilfredse med den hjælp, de får",
  goal = "Andelen af de adspurgte i SOF's brugerundersøgelse, der svarer 4 eller 5 (1-5) på "
    .. "spørgsmålet om tilfredshed med hjælpen, stiger. Vægtet (vaegt); nævneren er dem, der "
    .. "har besvaret spørgsmålet",
  direction = "up",
  unit = "andel af borgere",
  period = "aar",
  note = "I Børnefamilier-enhederne (KK-107 til KK-110) svarer forældrene om deres sag og "
    .. "indgår. 2020 (COVID-19) har færre besvarelser",
  compute = function(data)
    local sof = data.borger_survey:filter(col"survey":eq"SOF")
    return ind.share(sof, { "aar" }, col"tilfreds_1_5":ge(4), "vaegt")
  end,
}
