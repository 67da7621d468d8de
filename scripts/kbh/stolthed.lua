-- Tegn på succes: flere medarbejdere er stolte af deres arbejdsplads: 4-5 on the
-- 1-5 pride item of the staff survey, Socialforvaltningen's units.
local tegn = require "tegn"
local ind = require "indikator"
local kbh = require "kbh"
local col = tegn.col

tegn.indicator{
  id = "kbh.stolthed",
  strategy = "kbh",
  title = "Flere medarbejdere er stolte af deres arbejdsplads",
  goal = "Andelen af medarbejderne i Socialforvaltningens enheder, der svarer 4 eller 5 (1-5) "
    .. "på spørgsmålet om at være stolt af sin arbejdsplads i medarbejderundersøgelsen, "
    .. "stiger. Nævneren er dem, der har besvaret spørgsmålet",
  direction = "up",
  unit = "andel af medarbejdere",
  period = "aar",
  note = "Medarbejderundersøgelsen holdes hvert andet år (2019, 2021, 2023, 2025); uvægtet",
  compute = function(data)
    local svar = kbh.sof_units(data, data.medarbejder_survey, "tilbud_id")
    return ind.share(svar, { "aar" }, col"stolt_1_5":ge(4))
  end,
}
