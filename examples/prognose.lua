-- prognose.lua: occupancy forecast for every open tilbud, 24 months ahead
-- (Holt-Winters, damped trend, monthly season) with 80 % and 95 % intervals,
-- and a rolling-origin backtest against the seasonal-naive forecast, so the
-- reader can see whether the model beats "same month last year" before
-- trusting it.
--   build/tegn run examples/prognose.lua --out out/prognose.json
local tegn = require "tegn"
local col = tegn.col

local maaned = tegn.read_csv("datasets/belaegning_maaned.csv")
local aabne = tegn.read_csv("datasets/tilbud.csv"):filter(col"lukket":is_null())
local serie = maaned:join(aabne:select{ "tilbud_id" }, { on = "tilbud_id", how = "semi" })

local opts = { by = "tilbud_id", time = "maaned", value = "belaegningsprocent",
               period = 12, horizon = 24, damped = true }
local prognose, parametre = tegn.forecast.holt_winters(serie, opts)
local test = tegn.forecast.backtest(serie, { by = "tilbud_id", time = "maaned",
  value = "belaegningsprocent", period = 12, horizon = 12, min_train = 36, damped = true })

local samlet = test
  :group_by{ "method" }
  :agg{ mape = tegn.mean"mape", mase = tegn.mean"mase", tilbud = tegn.count() }
samlet:show()
prognose:filter(col"h":eq(12)):select{ "tilbud_id", "maaned", "point", "lo95", "hi95" }:show(5)

-- For Danish Excel (';', decimal comma, BOM), belægning in percent to one decimal.
prognose:write_csv("out/prognose.csv", { excel = true, decimals = {
  point = 1, lo80 = 1, hi80 = 1, lo95 = 1, hi95 = 1 } })
-- The same as an Excel workbook, with the backtest's summary as a second sheet.
tegn.write_xlsx("out/prognose.xlsx", { { "Prognose", prognose }, { "Backtest", samlet } },
                { decimals = { point = 1, lo80 = 1, hi80 = 1, lo95 = 1, hi95 = 1, mape = 1,
                               mase = 2 } })
tegn.emit{ prognose = prognose, parametre = parametre, backtest = test, samlet = samlet }
