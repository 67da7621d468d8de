-- Tegn på succes: flere medarbejdere oplever tryghed i arbejdet: 4-5 on the 1-5
-- safety item of the staff survey, Socialforvaltningen's units.
local tegn = require "tegn"
local ind = require "indikator"
local kbh = require "kbh"
local col = tegn.col

tegn.indicator{
  id = "kbh.tryghed",
  strategy = "kbh",
  title = "Flere medarbejdere oplever tryghed i arbejdet",
  goal = "Andelen af medarbejderne i Socialforvaltningens enheder, der svarer 4 eller 5 (1-5) "
    .. "på spørgsmålet om at føle sig tryg på arbejdet i medarbejderundersøgelsen, stiger. "
    .. "Nævneren er dem, der har besvaret spørgsmålet",
  direction = "up",
  unit = "andel af medarbejdere",
  period = "aar",
  note = "Medarbejderundersøgelsen holdes hvert andet år (2019, 2021, 2023, 2025); uvægtet. "
    .. "Tryghed er lavere i Borgercenter Voksnes udførerenheder",
  compute = function(data)
    local svar = kbh.sof_units(data, data.medarbejder_survey, "tilbud_id")
    return ind.share(svar, { "aar" }, col"tryg_1_5":ge(4))
  end,
}
