-- takster.lua: a year's takster for every tilbud, recomputed from the
-- budget in tegn.sqlite under BEK2022 and checked against the published
-- takst, and the same budget under the proposed national2027 model, which
-- splits the døgntakst into a basistakst and a servicetakst. Finance staff
-- copy this to check a takst sheet or to see a new model's split.
--   build/tegn run examples/takster.lua --param aar=2026 --out out/takster.json
-- (out/takster_<aar>.csv and .xlsx; --param csv= writes neither; the folder, made when
-- missing, must be beneath the folder of --out or an --allow-write folder, docs/sandbox.md)
local tegn = require "tegn"
local col = tegn.col

local aar = tonumber(tegn.param("aar", "2026"))
local db = "datasets/tegn.sqlite"
local param = tegn.read_sqlite(db, "SELECT * FROM takst_param WHERE aar = ?", { aar })
if #param == 0 then
  -- a year with no budget: say so, rather than "0 of 0 takster differ"
  local span = tegn.read_sqlite(db, "SELECT min(aar) AS fra, max(aar) AS til FROM takst_param")
    :rows()[1]
  error(string.format("no takst_param rows for aar %d in %s (it has %d-%d)", aar, db, span.fra,
                      span.til))
end
local budget = tegn.read_sqlite(db, "SELECT * FROM takst_budget WHERE aar = ?", { aar })
local publiceret = tegn.read_sqlite(db, "SELECT tilbud_id, doegntakst_kr FROM takst WHERE aar = ?",
                                    { aar })
local tilbud = tegn.read_csv("datasets/tilbud.csv"):select{ "tilbud_id", "navn" }

local bek = tegn.takst.compute_table(param, budget, "BEK2022")
  :select{ "tilbud_id", "doegntakst", "maanedstakst" }
local national = tegn.takst.compute_table(param, budget, "national2027")
  :select{ "tilbud_id", basistakst = "basistakst", servicetakst = "servicetakst" }

local sammen = bek
  :join(national, { on = "tilbud_id" })
  :join(publiceret, { on = "tilbud_id", how = "left" })
  :join(tilbud, { on = "tilbud_id" })
  :derive{ afviger_fra_publiceret = col"doegntakst":ne(col"doegntakst_kr") }
  :sort{ "tilbud_id" }

sammen:select{ "tilbud_id", "navn", "doegntakst_kr", "doegntakst", "basistakst",
               "servicetakst" }:show(40)
local afviger = #sammen:filter(col"afviger_fra_publiceret")
print(string.format("%d of %d takster differ from the published ones", afviger, #sammen))
local csv = tegn.param("csv", "out")
if csv ~= "" then -- for Danish Excel: ';', decimal comma, BOM; kroner with øre
  sammen:write_csv(csv .. "/takster_" .. aar .. ".csv",
                   { excel = true, decimals = { maanedstakst = 2 },
                     allow_identifiers = { "navn" } }) -- the tilbud's name
  -- The workbook: kroner as numbers Danish Excel shows 4.892 and 148.798,50
  local kr = "#,##0"
  sammen:write_xlsx(csv .. "/takster_" .. aar .. ".xlsx", { sheet = "Takster " .. aar,
    decimals = { maanedstakst = 2 }, allow_identifiers = { "navn" },
    formats = { doegntakst_kr = kr, doegntakst = kr, basistakst = kr, servicetakst = kr } })
end
tegn.emit({ aar = aar, afviger = afviger, takster = sammen }, { allow_identifiers = { "navn" } })
