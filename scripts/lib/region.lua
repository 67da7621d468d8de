-- region.lua: building blocks shared by the regional indicator scripts
-- (scripts/regionh, scripts/regsj): occupancy against the budgeted
-- occupancy, the initiatives behind DSV's activity goals, the regional
-- surveys' own answers, staff months per region, and hiding small counts
-- in details. Like indikator.lua, nothing here runs Lua per row.
local tegn = require "tegn"
local ind = require "indikator"
local col, sum = tegn.col, tegn.sum

local M = {}

-- Occupancy per tilbud and year from the monthly report, for the tilbud
-- whose id starts with `prefix` ("DSV-", "RSJ-"): numerator = belægningsdage,
-- denominator = mulige dage, both as reported and summed over the months
-- reported; target = the budgeted occupancy of takst_param, both × `per`
-- (100: per cent). The second value lists the tilbud-years with fewer than
-- 12 reported months (a missing report or a closure), for the details.
function M.belaegning(data, prefix, per)
  per = per or 100
  local aar = data.belaegning_maaned
    :filter(col"tilbud_id":starts_with(prefix))
    :group_by{ "tilbud_id", aar = ind.year_of_month("maaned") }
    :agg{ numerator = sum"belaegningsdage", denominator = sum"mulige_dage",
          maaneder = tegn.count() }
  local budget = data.takst_param:select{ "aar", "tilbud_id", "budget_belaegning" }
  local serie = aar
    :join(budget, { on = { "tilbud_id", "aar" }, how = "left" })
    :derive{ target = col"budget_belaegning" * per }
  local navne = data.tilbud:select{ "tilbud_id", "navn", "lukket" }
  local huller = aar:filter(col"maaneder":lt(12))
    :join(navne, { on = "tilbud_id", how = "left" })
    :select{ "tilbud_id", "navn", "aar", "maaneder", "lukket" }
  return serie, huller
end

-- The spec of a region's occupancy indicator, for tegn.indicator: `id`,
-- `strategy`, the tilbud `prefix` and `saerlige`, the note's sentences on
-- that region's own realities.
function M.belaegning_spec(id, strategy, prefix, saerlige)
  return {
    id = id,
    strategy = strategy,
    title = "Belægning mod budgetteret belægning, pr. tilbud",
    goal = "Belægningsprocenten holdes på den budgetterede; afvigelser på 5 procentpoint eller "
      .. "mere markeres",
    direction = "up",
    kind = "rate",
    per = 100,
    census = true,
    unit = "belægningsprocent (belagte dage pr. 100 mulige dage)",
    period = "aar",
    by = "tilbud_id",
    flag_deviation = 5,
    note = "Belægningsdage og mulige dage er summen af månedsrapporternes egne tal, som de blev "
      .. "indberettet (den 14. i måneden efter; sent registrerede indflytninger mangler i "
      .. "rapporterne). " .. saerlige .. " Budgettet er takst_param.budget_belaegning × 100. "
      .. "Belægningen er en totaltælling, ikke en stikprøve (census): den har intet "
      .. "konfidensinterval og ingen vurdering; afvigelsen fra budget (flag) er det, der skal "
      .. "handles på. Indikatoren er en 'rate', fordi belægningen kan overstige 100 %.",
    compute = function(data)
      local serie, huller = M.belaegning(data, prefix)
      return serie, { aar_med_faerre_end_12_rapporter = huller }
    end,
  }
end

-- DSV's initiatives with theme `tema` (netvaerk, frivillighed, bevaegelse,
-- maaltider), with the tilbud's name, oldest first.
function M.tiltag(data, tema)
  return data.dsv_tiltag
    :filter(col"tema":eq(tema))
    :join(data.tilbud:select{ "tilbud_id", "navn" }, { on = "tilbud_id", how = "left" })
    :select{ "tilbud_id", "navn", "startdato", "titel", "status", "deltagere" }
    :sort{ "startdato", "tilbud_id" }
end

-- The answers of a regional survey ("RSJ", "DSV") given by the citizen,
-- alone or with help; proxies (a relative answering for the citizen) are
-- left out, and returned second for the details.
function M.egne_svar(data, survey)
  local s = data.borger_survey:filter(col"survey":eq(survey))
  return s:filter(col"besvaret_af":ne"paaroerende"), s:filter(col"besvaret_af":eq"paaroerende")
end

-- A share table of ind.share (numerator, denominator per `by`) as a table
-- for the details: the `by` columns, svar (answers), ja (hits), andel.
function M.andele(shares, by)
  local keep = {}
  for i, k in ipairs(by) do keep[i] = k end
  keep[#keep + 1] = "svar"
  keep[#keep + 1] = "ja"
  keep[#keep + 1] = "andel"
  return shares:derive{ andel = col"numerator" / col"denominator" }
    :rename{ svar = "denominator", ja = "numerator" }
    :select(keep)
end

-- The staff months (hr_maaned) of the units whose id starts with `prefix`,
-- with the year as `aar`.
function M.hr(data, prefix)
  return data.hr_maaned
    :filter(col"tilbud_id":starts_with(prefix))
    :derive{ aar = ind.year_of_month("maaned") }
end

-- `t` with the count column `name` hidden (NULL) by the rules the
-- indicators' series follow (docs/disclosure.md): 1 to 4, or all but 1 to 4
-- of a group of `within` (its total is known, e.g. a year's offers not
-- carried out), and then further counts until no hidden one is the total
-- less the rest; `skjult` says where. `hide` names a boolean column whose
-- true rows are hidden whatever their count.
function M.skjul_smaa(t, name, within, hide)
  return t:suppress{ count = name, within = within, hide = hide, mark = "skjult" }
end

return M
