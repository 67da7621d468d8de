-- belaegning.lua: occupancy (belægningsprocent) per tilbud per year, against
-- the budgeted occupancy, flagged when it deviates 5 points or more.
local tegn = require "tegn"
local col, sum = tegn.col, tegn.sum

local maaned = tegn.read_csv("datasets/belaegning_maaned.csv")
local tilbud = tegn.read_csv("datasets/tilbud.csv")
local param = tegn.read_sqlite("datasets/tegn.sqlite",
    "SELECT aar, tilbud_id, budget_belaegning FROM takst_param")

local aar = tonumber(tegn.param("aar", "2024"))

local pr_aar = maaned
  :derive{ aar = tegn.concat(col"maaned", "-01"):cast"date":year() }
  :filter(col"aar":eq(aar))
  :group_by{ "tilbud_id", "aar" }
  :agg{ dage = sum"belaegningsdage", mulige = sum"mulige_dage", maaneder = tegn.count() }
  :derive{ belaegning = (col"dage" / col"mulige"):round(3) }
  :join(param, { on = { "tilbud_id", "aar" }, how = "left" })
  :join(tilbud:select{ "tilbud_id", "navn" }, { on = "tilbud_id" })
  :derive{ afvigelse = (col"belaegning" - col"budget_belaegning"):round(3) }
  :derive{ flag = col"afvigelse":abs():ge(0.05) }
  :sort{ "tilbud_id" }

-- navn is the tilbud's name, not a person's: written knowingly
tegn.emit({ indikator = "belaegning_mod_budget", aar = aar, tilbud = pr_aar },
          { allow_identifiers = { "navn" } })
