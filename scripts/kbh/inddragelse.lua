-- Tegn på succes: flere oplever at være inddraget i egen sag.
-- Inddraget = 4-5 on the 1-5 involvement item of SOF's yearly survey, weighted.
local tegn = require "tegn"
local ind = require "indikator"
local col = tegn.col

tegn.indicator{
  id = "kbh.inddragelse",
  strategy = "kbh",
  title = "Flere oplever at være inddraget i egen sag",
  goal = "Andelen af de adspurgte i SOF's brugerundersøgelse, der svarer 4 eller 5 (1-5) på "
    .. "spørgsmålet om at være inddraget i egen sag, stiger. Vægtet (vaegt); nævneren er dem, "
    .. "der har besvaret spørgsmålet",
  direction = "up",
  unit = "andel af borgere",
  period = "aar",
  note = "I Børnefamilier-enhederne (KK-107 til KK-110) svarer forældrene om deres sag og "
    .. "indgår. 2020 (COVID-19) har færre besvarelser",
  compute = function(data)
    local sof = data.borger_survey:filter(col"survey":eq"SOF")
    return ind.share(sof, { "aar" }, col"inddraget_1_5":ge(4), "vaegt")
  end,
}
