-- forecast.lua -- tegn.forecast's argument and data errors. The series is
-- lualib/forecast.csv: two tilbud, A with months 2019-01 .. 2021-06 but none
-- for 2019-05, B with 2019-03 .. 2021-04 and an empty value in 2019-10, rows
-- out of order. The forecasts themselves are checked against the C functions
-- of tg_forecast.h in tests/unit/test_luaforecast.c.
-- Format: tests/lua/README.md.
t = tegn.read_csv(DIR .. 'forecast.csv')

-- case: error: holt_winters: unknown option 'horizn'; did you mean 'horizon'?
tegn.forecast.holt_winters(t, {time = 'maaned', value = 'pct', by = 'tilbud_id', horizn = 3})
-- error contains:
script.lua:1:
holt_winters: unknown option 'horizn'; did you mean 'horizon'?

-- case: error: holt_winters: 'time' is required
tegn.forecast.holt_winters(t, {value = 'pct'})
-- error:
script.lua:1: holt_winters: 'time' is required

-- case: error: holt_winters: 'period' must be a whole number from 1 to 64, got 0
tegn.forecast.holt_winters(t, {time = 'maaned', value = 'pct', by = 'tilbud_id', period = 0})
-- error:
script.lua:1: holt_winters: 'period' must be a whole number from 1 to 64, got 0

-- case: error: holt_winters: 'horizon' must be a whole number from 1 to 1000, got 2.5
tegn.forecast.holt_winters(t, {time = 'maaned', value = 'pct', by = 'tilbud_id', horizon = 2.5})
-- error:
script.lua:1: holt_winters: 'horizon' must be a whole number from 1 to 1000, got 2.5

-- case: error: holt_winters: 'level' must be a number between 0 and 100 (exclusive), got 100
tegn.forecast.holt_winters(t, {time = 'maaned', value = 'pct', by = 'tilbud_id', level = {80, 100}})
-- error:
script.lua:1: holt_winters: 'level' must be a number between 0 and 100 (exclusive), got 100

-- case: error: holt_winters: 'damped' must be true or false, got 1
tegn.forecast.holt_winters(t, {time = 'maaned', value = 'pct', by = 'tilbud_id', damped = 1})
-- error:
script.lua:1: holt_winters: 'damped' must be true or false, got 1

-- case: error: holt_winters: a damped model needs a trend
tegn.forecast.holt_winters(t, {time = 'maaned', value = 'pct', by = 'tilbud_id', trend = false, damped = true})
-- error contains:
script.lua:1:
holt_winters: a damped model needs a trend

-- case: error: phi is fixed but the model has no damping
tegn.forecast.holt_winters(t, {time = 'maaned', value = 'pct', by = 'tilbud_id', phi = 0.9})
-- error contains:
script.lua:1:
phi is fixed but the model has no damping

-- case: error: holt_winters: 'alpha' must be a number, got 'high'
tegn.forecast.holt_winters(t, {time = 'maaned', value = 'pct', by = 'tilbud_id', alpha = 'high'})
-- error:
script.lua:1: holt_winters: 'alpha' must be a number, got 'high'

-- case: error: no column 'tilbud'; did you mean 'tilbud_id'?
tegn.forecast.holt_winters(t, {time = 'maaned', value = 'pct', by = 'tilbud'})
-- error contains:
script.lua:1:
no column 'tilbud'; did you mean 'tilbud_id'?

-- case: data error: the series: 'maaned' has two rows for one period
tegn.forecast.holt_winters(t, {time = 'maaned', value = 'pct', })
-- error data contains:
the series: 'maaned' has two rows for one period

-- case: data error: group 'B': 26 periods are too few: this model needs at least 28
tegn.forecast.holt_winters(t, {time = 'maaned', value = 'pct', by = 'tilbud_id', period = 14})
-- error data contains:
group 'B': 26 periods are too few: this model needs at least 28

-- case: error: backtest: unknown option 'level'
tegn.forecast.backtest(t, {time = 'maaned', value = 'pct', by = 'tilbud_id', level = 80})
-- error contains:
script.lua:1:
backtest: unknown option 'level'

-- case: data error: group 'B': 26 periods are too few for a backtest
tegn.forecast.backtest(t, {time = 'maaned', value = 'pct', by = 'tilbud_id', min_train = 24, horizon = 3})
-- error data contains:
group 'B': 26 periods are too few for a backtest

-- case: error: backtest: min_train must be at least 24 for this model, got 12
tegn.forecast.backtest(t, {time = 'maaned', value = 'pct', by = 'tilbud_id', min_train = 12})
-- error contains:
script.lua:1:
backtest: min_train must be at least 24 for this model, got 12

-- case: error: a missing options table is named
tegn.forecast.backtest(t)
-- error:
script.lua:1: backtest: 'options' must be a table, got nothing

-- case: error: a plain table where a tegn.Table belongs
tegn.forecast.backtest({}, {})
-- error:
script.lua:1: backtest: 't' must be a tegn.Table, got a table

-- case: error: NaN, which once silently meant "fit", is refused like any non-finite number
tegn.forecast.holt_winters(t, {time = 'maaned', value = 'pct', by = 'tilbud_id', alpha = 0/0})
-- error:
script.lua:1: holt_winters: 'alpha' must be a number, got nan

-- case: error: an infinite smoothing parameter
tegn.forecast.holt_winters(t, {time = 'maaned', value = 'pct', by = 'tilbud_id', gamma = math.huge})
-- error:
script.lua:1: holt_winters: 'gamma' must be a number, got inf

-- case: error: a NaN level
tegn.forecast.holt_winters(t, {time = 'maaned', value = 'pct', by = 'tilbud_id', level = 0/0})
-- error:
script.lua:1: holt_winters: 'level' must be a number, got nan

-- case: error: holt_winters: a value whose square overflows is an error, not an inf SSE
local big = t:derive{ pct = tegn.when(tegn.col'maaned':eq'2020-01', 1e200):otherwise(tegn.col'pct') }
tegn.forecast.holt_winters(big, {time = 'maaned', value = 'pct', by = 'tilbud_id', period = 1})
-- error data:
script.lua:2: group 'A': the values are too large to fit: the squared errors overflow

-- case: error: ets: a bad model code
tegn.forecast.ets(t, {time = 'maaned', value = 'pct', by = 'tilbud_id', model = 'AMA'})
-- error contains:
ets: model must be three letters error, trend, season

-- case: ets: the fixed model, its reason, clipped forecasts and the candidates
local fc, pa, ca = tegn.forecast.ets(t, {time = 'maaned', value = 'pct', by = 'tilbud_id',
  model = 'ANN', period = 1, horizon = 2, upper = 0})
local p = pa:rows()[1]
print(p.tilbud_id, p.model, p.reason, p.intervals, p.beta == nil)
print(fc:rows()[1].point, fc:rows()[1].hi95)
print(#ca, ca:rows()[1].model, ca:rows()[1].chosen)
-- expect:
A	A,N,N	fixed by the caller	analytic	true
0.0	0.0
2	A,N,N	1

-- case: error: backtest: 'model' (ETS) and 'trend' (Holt-Winters) together
tegn.forecast.backtest(t, {time = 'maaned', value = 'pct', by = 'tilbud_id', model = 'ANN', trend = false})
-- error:
script.lua:1: backtest: give either 'model' (ETS) or 'trend'/'damped' (Holt-Winters)

-- case: backtest: with 'model' the method is "ets"
local ov = tegn.forecast.backtest(t, {time = 'maaned', value = 'pct', by = 'tilbud_id',
  model = 'ANN', period = 1, horizon = 2, min_train = 12})
for _, r in ipairs(ov:rows()) do print(r.tilbud_id, r.method, r.origins) end
-- expect:
A	ets	17
A	snaive	17
B	ets	13
B	snaive	13

-- case: error: ets: a Box-Cox lambda needs positive values
local z = t:derive{ pct = tegn.when(tegn.col'maaned':eq'2020-01', 0):otherwise(tegn.col'pct') }
tegn.forecast.ets(z, {time = 'maaned', value = 'pct', by = 'tilbud_id', model = 'ANN', period = 1, lambda = 0})
-- error data:
script.lua:2: group 'A': a Box-Cox transformation needs positive values, got 0
