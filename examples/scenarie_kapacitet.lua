-- scenarie_kapacitet.lua: a capacity plan for two Region Sjælland tilbud,
-- simulated 2026-2030, and what it does to the takster under two rule sets.
--
--   * Himmelev (RSJ-03), where demand has fallen for years, closes 4 of its
--     24 places from 1 April 2027.
--   * Bo og Naboskab (RSJ-13) opens a new unit with 8 highly specialised
--     places for adults with autism on 1 September 2026 (6 citizens are
--     already waiting; start-up costs of 1.2 mio. kr. in 2026).
--
-- Run from the repository root:
--   mkdir -p out
--   build/tegn run examples/scenarie_kapacitet.lua --out out/scenarie.json
-- Parameters: --param replikationer=2000 --param seed=1 --param csv=out
-- (csv= with no folder writes no CSV files and no workbook; the folder must
-- be the folder of --out or an --allow-write folder, docs/sandbox.md). The
-- workbook scenarie.xlsx holds the comparison and each rule set's result
-- as three sheets.
--
-- The inputs come from the bundled data (datasets/): the 2026 budget lines
-- (tegn.sqlite, takst_budget), the P/L rate (takst_param), actual occupancy
-- 2023-2025 and demand from the stays (ophold.csv). Everything else is an
-- assumption of this scenario and is marked "antagelse".
local tegn = require "tegn"
local col = tegn.col

local REPS = tegn.param("replikationer", 2000, "int")
local SEED = tegn.param("seed", 20260101, "int")
local CSV = tegn.param("csv", "out")
local DB = "datasets/tegn.sqlite"

-- ---- the bundled data ----

local budget = tegn.read_sqlite(DB, "takst_budget")
local param = tegn.read_sqlite(DB, "takst_param")
local ophold = tegn.read_csv("datasets/ophold.csv")

-- Days since 1970-01-01 of an ISO date (the civil-from-days algorithm).
local function dag(iso)
  local y, m, d = iso:match("^(%d+)-(%d+)-(%d+)$")
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
  return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
end

-- The budget lines of a tilbud-year (kilde = 'budget') as { type = kr }.
local function linjer(id, aar)
  local out = {}
  local rows = budget:filter(col"tilbud_id":eq(id) & col"aar":eq(aar) & col"kilde":eq("budget"))
  for _, r in ipairs(rows:rows()) do out[r.omkostningstype] = r.beloeb_kr end
  return out
end

local function param_for(id, aar)
  return param:filter(col"tilbud_id":eq(id) & col"aar":eq(aar)):rows()[1]
end

-- Occupied days per year from the stays: a stay occupies [indflyttet, fraflyttet).
-- Also the admissions per year, the completed stays' lengths and the
-- residents on 1 January 2026 (the extraction day's stays).
local function fra_ophold(id, fra_aar, til_aar)
  local belagt, ind, laengder, beboere = {}, {}, {}, 0
  for y = fra_aar, til_aar do belagt[y], ind[y] = 0, 0 end
  local slut = dag("2026-01-01")
  for _, s in ipairs(ophold:filter(col"tilbud_id":eq(id)):rows()) do
    local a = dag(s.indflyttet)
    local b = s.fraflyttet and dag(s.fraflyttet) or slut
    if s.fraflyttet then laengder[#laengder + 1] = b - a end
    if a < slut and b >= slut then beboere = beboere + 1 end
    local y0 = tonumber(s.indflyttet:sub(1, 4))
    if ind[y0] then ind[y0] = ind[y0] + 1 end
    for y = fra_aar, til_aar do
      local y1, y2 = dag(y .. "-01-01"), dag((y + 1) .. "-01-01")
      local n = math.min(b, y2) - math.max(a, y1)
      if n > 0 then belagt[y] = belagt[y] + n end
    end
  end
  local sum, sum2 = 0, 0
  for _, l in ipairs(laengder) do sum, sum2 = sum + l, sum2 + l * l end
  local middel = sum / #laengder
  local sd = math.sqrt(math.max(sum2 / #laengder - middel * middel, 1))
  return belagt, ind, middel, sd, beboere
end

-- ---- Himmelev: 24 places, 20 from 2027-04-01 ----

local himmelev = "RSJ-03"
local belagt, ind, middel, sd, beboere = fra_ophold(himmelev, 2023, 2025)
local historik = {}
for y = 2023, 2025 do historik[y] = belagt[y] / (24 * (y == 2024 and 366 or 365)) end

local l26 = linjer(himmelev, 2026)
local reg26 = l26.regulering_n2 -- decided from the accounts of 2024
l26.regulering_n2 = nil

-- The regulering of 2027 comes from 2025's accounts, not closed at the
-- extraction: estimated with the 2025 takst and costs as budgeted (antagelse).
local l25 = linjer(himmelev, 2025)
local grundlag25 = 0
for _, v in pairs(l25) do grundlag25 = grundlag25 + v end
local takst25 = tegn.read_sqlite(DB,
  "SELECT doegntakst_kr FROM takst WHERE tilbud_id = 'RSJ-03' AND aar = 2025")
  :rows()[1].doegntakst_kr
local e25 = tegn.takst.regulate{ aar = 2025, belagte_dage = belagt[2025], doegntakst = takst25,
                                 regnskab = grundlag25, takstgrundlag = grundlag25 }

local tilbud_himmelev = {
  id = himmelev,
  normerede_pladser = 24,
  kapacitet = { { fra = "2027-04-01", pladser = 20 } },
  omkostninger = l26,
  omkostninger_aar = 2026,
  pl_pct = param_for(himmelev, 2026).pl_pct,
  variabel_andel = 0.5,                       -- antagelse
  historik = historik,
  regulering = { [2026] = reg26, [2027] = e25.regulering },
  henvisninger = (ind[2023] + ind[2024] + ind[2025]) / 3,
  liggetid = { fordeling = "lognormal", middel = middel, sd = sd },
  politik = "venteliste",
  start_belagt = beboere,
}

-- ---- Bo og Naboskab: a new unit of 8 places for adults with autism ----

-- Costs per place as Bo og Naboskab's 2026 budget, times 1.5 for the highly
-- specialised staffing (antagelse); the unit's budget is for its 8 places.
local ny_linjer = {}
for k, v in pairs(linjer("RSJ-13", 2026)) do
  if k ~= "regulering_n2" then ny_linjer[k] = math.floor(v / 45 * 8 * 1.5 + 0.5) end
end

local tilbud_ny = {
  id = "RSJ-13-autisme",
  normerede_pladser = 0,
  kapacitet = { { fra = "2026-09-01", pladser = 8 } },
  pladser_grundlag = 8,
  omkostninger = ny_linjer,
  omkostninger_aar = 2026,
  pl_pct = param_for("RSJ-13", 2026).pl_pct,
  variabel_andel = 0.5,                       -- antagelse
  engangsudgifter = { [2026] = 1200000 },     -- opstart og tomgang (antagelse)
  budget_belaegning = 0.95,                   -- until the unit has two years of its own
  henvisninger = 3,                           -- antagelse
  liggetid = { fordeling = "lognormal", middel = 5 * 365, sd = 3 * 365 }, -- antagelse
  politik = "venteliste",
  start_belagt = 0,
  start_venteliste = 6,
}

-- ---- the scenario under two rule sets ----

local scenarie = { start_aar = 2026, aar = 5, replikationer = REPS, seed = SEED,
                   tilbud = { tilbud_himmelev, tilbud_ny } }
-- The CSV's places per column: kroner and days whole, belægning and the
-- share beyond the limit to three decimals (0,955), pladser to one.
local function decimaler(t)
  local d = {}
  for _, navn in ipairs(t:columns()) do
    if navn:find("belaegning", 1, true) or navn == "p_uden_for_graense" then d[navn] = 3
    elseif navn == "normerede_pladser" then d[navn] = 1
    else d[navn] = 0 end
  end
  return d
end

local resultater = {}
for _, regler in ipairs{ "BEK2022", "national2027" } do
  scenarie.regler = regler
  resultater[regler] = tegn.scenario.run(scenarie)
  if CSV ~= "" then
    resultater[regler]:write_csv(CSV .. "/scenarie_" .. regler .. ".csv",
                                 { excel = true, decimals = decimaler(resultater[regler]) })
  end
end

-- Side by side: the median takst and its 90 % band, and how often the
-- resultat went beyond the driftsramme (so it moves a later takst).
local function del(regler, kort)
  return resultater[regler]:select{ "tilbud_id", "aar",
    ["p5_" .. kort] = "doegntakst_p5", ["p50_" .. kort] = "doegntakst_p50",
    ["p95_" .. kort] = "doegntakst_p95", ["ud_" .. kort] = "p_uden_for_graense" }
end
local sammen = del("BEK2022", "bek")
  :join(del("national2027", "nat"), { on = { "tilbud_id", "aar" } })
  :join(resultater.BEK2022:select{ "tilbud_id", "aar", "normerede_pladser", "belaegning_p50" },
        { on = { "tilbud_id", "aar" } })
  :derive{ normerede_pladser = col"normerede_pladser":round(1),
           p5_bek = col"p5_bek":round(), p95_bek = col"p95_bek":round(),
           p5_nat = col"p5_nat":round(), p95_nat = col"p95_nat":round(),
           belaegning_p50 = col"belaegning_p50":round(3),
           ud_bek = col"ud_bek":round(3), ud_nat = col"ud_nat":round(3) }
  :sort{ "tilbud_id", "aar" }
sammen:select{ "tilbud_id", "aar", "normerede_pladser", "belaegning_p50", "p5_bek", "p50_bek",
               "p95_bek", "ud_bek", "p5_nat", "p50_nat", "p95_nat", "ud_nat" }:show(20)

if CSV ~= "" then
  -- One workbook: the side-by-side first, then each rule set; the shares
  -- beyond the limit (ud_*) to three places as in the CSVs, the rounded
  -- takster (p5_bek ...) as kroner Danish Excel shows 4.923.
  local d, kr = decimaler(resultater.BEK2022), {}
  for _, navn in ipairs(sammen:columns()) do
    if navn:find("^ud_") then d[navn] = 3 end
    if navn:find("^p%d+_") then kr[navn] = "#,##0" end
  end
  tegn.write_xlsx(CSV .. "/scenarie.xlsx", { { "Sammenligning", sammen },
    { "BEK2022", resultater.BEK2022 }, { "national2027", resultater.national2027 } },
    { decimals = d, formats = kr })
end

tegn.emit{
  scenarie = "kapacitet_rsj_2026_2030",
  replikationer = REPS,
  seed = SEED,
  sammenligning = sammen,
  BEK2022 = resultater.BEK2022,
  national2027 = resultater.national2027,
}
