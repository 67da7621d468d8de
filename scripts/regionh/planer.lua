-- Rammer og Retning: the individual plans state the citizen's own wishes
-- for everyday life and how the citizen's choices are supported. The unit
-- is a plan made or reviewed in the year (individuelle_planer.csv; DSV
-- without Sølager), overall and per tilbud.
local tegn = require "tegn"
local ind = require "indikator"
local col = tegn.col

local function planer(data)
  return data.individuelle_planer:derive{ aar = col"plan_dato":year() }
end

local note = "Enheden er en plan udarbejdet eller revideret i året (første plan efter "
  .. "indflytning og de årlige opfølgninger; en borger kan have to i et år). Manglende "
  .. "årlige opfølgninger (ca. 7 %) indgår ikke: de er ikke i data. Sølager har ingen planer; "
  .. "Mosehuset lukkede 30.06.2023. Pr. tilbud har de små tilbud under 20 planer om året; "
  .. "de år vises, men vurderes ikke."

local function plan_indikator(id, title, goal, column, by)
  tegn.indicator{
    id = id,
    strategy = "regionh",
    title = title,
    goal = goal,
    direction = "up",
    unit = "andel af planer",
    period = "aar",
    by = by,
    -- per tilbud, the groups add up to the overall series: hide enough
    -- tilbud that a hidden one cannot be worked out from the total
    part_of = by and id:gsub("_tilbud$", "") or nil,
    note = note,
    compute = function(data)
      return ind.share(planer(data), { "aar", by }, col(column))
    end,
  }
end

plan_indikator("regionh.planer.oensker", "Borgerens ønsker fremgår af den individuelle plan",
  "Andelen af årets planer, hvor borgerens egne ønsker til hverdagslivet fremgår, stiger",
  "oensker_fremgaar")
plan_indikator("regionh.planer.oensker_tilbud",
  "Borgerens ønsker fremgår af planen, pr. tilbud",
  "Som regionh.planer.oensker, for hvert tilbud", "oensker_fremgaar", "tilbud_id")
plan_indikator("regionh.planer.valg", "Planen beskriver støtte til borgerens valg",
  "Andelen af årets planer, der beskriver, hvordan borgerens valg understøttes, stiger",
  "valg_understoettet")
plan_indikator("regionh.planer.valg_tilbud",
  "Planen beskriver støtte til valg, pr. tilbud",
  "Som regionh.planer.valg, for hvert tilbud", "valg_understoettet", "tilbud_id")
