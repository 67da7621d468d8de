-- Strategi 2025-2028: the 10 quality standards, monitored through audits.
-- The share of reviewed items fulfilled (db.audit), per year, overall and
-- per standard, from each tilbud's first audit of a standard in the year;
-- the re-audits of standards that scored below 75 % are the details.
local tegn = require "tegn"
local col, sum = tegn.col, tegn.sum

-- The audit rows with the year, and whether the audit is the tilbud's
-- first of that standard in the year (a later one is a re-audit).
local function audits(data)
  local a = data.audit:derive{ aar = col"dato":year() }
  local first = a:group_by{ "tilbud_id", "standard_nr", "aar" }:agg{ dato = tegn.min"dato" }
  return a:join(first, { on = { "tilbud_id", "standard_nr", "aar", "dato" }, how = "semi" }),
    a:join(first, { on = { "tilbud_id", "standard_nr", "aar", "dato" }, how = "anti" })
end

local function opfyldt(t, by)
  return t:group_by(by):agg{ numerator = sum"antal_opfyldt", denominator = sum"antal_gennemgaaet" }
end

local note = "Tæller: opfyldte punkter; nævner: gennemgåede punkter (journaler, planer, "
  .. "registreringer), summeret over standardens 2-3 indikatorer og de 13 tilbud. Kun "
  .. "tilbuddets første audit af en standard i året tæller: en standard under 75 % auditeres "
  .. "igen senere samme år, og genaudits ville give de svage standarder dobbelt vægt og vise "
  .. "status efter en målrettet opfølgning; de står i details (første audit og genaudit side om "
  .. "side). Både kvalitetsenhedens (KVU) og interne (INT) audits tæller. Audits var suspenderet "
  .. "11.03-30.06.2020, så 2020 har færre. Punkterne er grupperet i tilbud, så intervallerne "
  .. "er for smalle."

local function genaudits(data)
  local first, re = audits(data)
  local key = { "aar", "tilbud_id", "standard_nr", "standard" }
  return opfyldt(re, key):rename{ gen_opfyldt = "numerator", gen_gennemgaaet = "denominator" }
    :join(opfyldt(first, key), { on = key })
    :rename{ foerste_opfyldt = "numerator", foerste_gennemgaaet = "denominator" }
end

tegn.indicator{
  id = "regsj.kvalitetsstandarder",
  strategy = "regsj",
  title = "De 10 kvalitetsstandarder efterleves",
  goal = "Andelen af de auditerede punkter, der er opfyldt, stiger",
  direction = "up",
  unit = "andel af auditerede punkter",
  period = "aar",
  note = note,
  compute = function(data)
    return opfyldt((audits(data)), { "aar" }), { genaudits = genaudits(data) }
  end,
}

tegn.indicator{
  id = "regsj.kvalitetsstandarder_standard",
  strategy = "regsj",
  title = "Kvalitetsstandarderne efterleves, pr. standard",
  goal = "Andelen af de auditerede punkter, der er opfyldt, stiger for hver standard",
  direction = "up",
  unit = "andel af auditerede punkter",
  period = "aar",
  by = { "standard_nr", "standard" },
  part_of = "regsj.kvalitetsstandarder",
  note = note,
  compute = function(data)
    return opfyldt((audits(data)), { "standard_nr", "standard", "aar" })
  end,
}
