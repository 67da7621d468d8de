-- Tegn på succes: færre borgere med særlige behov er ensomme.
-- Ensom = T-ILS (3-item UCLA) ≥ 7; SOF's yearly survey, weighted.
local tegn = require "tegn"
local ind = require "indikator"
local col = tegn.col

tegn.indicator{
  id = "kbh.ensomhed",
  strategy = "kbh",
  title = "Færre borgere med særlige behov er ensomme",
  goal = "Andelen af borgere, der er ensomme (T-ILS ≥ 7), falder",
  direction = "down",
  unit = "andel af borgere",
  period = "aar",
  compute = function(data)
    local sof = data.borger_survey:filter(col"survey":eq"SOF")
    return ind.share(sof, { "aar" }, col"tils":ge(7), "vaegt")
  end,
}
