-- Tegn på succes: flere oplever god livskvalitet. SOF's yearly survey, weighted:
-- the single quality-of-life item (4-5 of 5; reworded in 2022, so compared from
-- 2022) and the WHO-5 wellbeing score, asked the same way in every year.
local tegn = require "tegn"
local ind = require "indikator"
local kbh = require "kbh"
local col = tegn.col

local function sof(data)
  return data.borger_survey:filter(col"survey":eq"SOF")
end

tegn.indicator{
  id = "kbh.livskvalitet",
  strategy = "kbh",
  title = "Flere oplever god livskvalitet",
  goal = "Andelen af de adspurgte i SOF's brugerundersøgelse, der svarer 4 eller 5 (god eller "
    .. "meget god) på spørgsmålet om livskvalitet (1-5), stiger. Vægtet (vaegt); nævneren er "
    .. "dem, der har besvaret spørgsmålet",
  direction = "up",
  unit = "andel af borgere",
  period = "aar",
  comparable_from = 2022,
  note = "Spørgsmålet blev omformuleret i 2022: fra 'Hvordan vil du vurdere din livskvalitet?' "
    .. "(meget lav ... meget høj) til 'Hvordan vil du beskrive din livskvalitet?' (meget dårlig "
    .. "... meget god). Flere svarer 'god' end 'høj', så andelen springer ca. 8 point i 2022; "
    .. "2019-2021 vises, men sammenlignes ikke. Forældre i Børnefamilier-enhederne besvarer "
    .. "ikke spørgsmålet. Se kbh.trivsel_who5 for en serie uden brud",
  compute = function(data)
    return ind.share(sof(data), { "aar" }, col"livskval_1_5":ge(4), "vaegt")
  end,
}

tegn.indicator{
  id = "kbh.trivsel_who5",
  strategy = "kbh",
  title = "Flere oplever god livskvalitet (trivsel, WHO-5)",
  goal = "Den gennemsnitlige WHO-5-trivselsscore (råscore 0-25 gange 4, altså 0-100) blandt de "
    .. "adspurgte i SOF's brugerundersøgelse stiger. Vægtet (vaegt); blandt dem, der har en "
    .. "WHO-5-score",
  kind = "mean",
  direction = "up",
  unit = "WHO-5-score (0-100)",
  period = "aar",
  note = "WHO-5 er stillet på samme måde alle år og er derfor sammenlignelig hen over "
    .. "omformuleringen af livskvalitetsspørgsmålet i 2022. Middelværdi og spredning er "
    .. "vægtede, n er Kish' effektive n. 2020 (COVID-19) har færre besvarelser og lavere "
    .. "trivsel. Forældre i Børnefamilier-enhederne besvarer ikke WHO-5",
  compute = function(data)
    return kbh.wmean(sof(data), { "aar" }, col"who5_raa" * 4, "vaegt")
  end,
}
