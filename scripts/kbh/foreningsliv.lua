-- Tegn på succes: flere deltager i foreningsliv og frivilligt arbejde.
-- Yes to the association/volunteering item of SOF's yearly survey, weighted.
local tegn = require "tegn"
local ind = require "indikator"
local col = tegn.col

tegn.indicator{
  id = "kbh.foreningsliv",
  strategy = "kbh",
  title = "Flere deltager i foreningsliv og frivilligt arbejde",
  goal = "Andelen af de adspurgte i SOF's brugerundersøgelse, der svarer ja til at deltage i "
    .. "foreningsliv eller frivilligt arbejde, stiger. Vægtet (vaegt); nævneren er dem, der har "
    .. "besvaret spørgsmålet",
  direction = "up",
  unit = "andel af borgere",
  period = "aar",
  note = "Forældre i Børnefamilier-enhederne (KK-107 til KK-110) besvarer ikke spørgsmålet og "
    .. "indgår ikke. 2020 (COVID-19) har færre besvarelser",
  compute = function(data)
    local sof = data.borger_survey:filter(col"survey":eq"SOF")
    return ind.share(sof, { "aar" }, col"foreningsliv_j_n", "vaegt")
  end,
}
