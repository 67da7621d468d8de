-- asserts.lua -- the guards in front of the engine's value-dependent
-- asserts (issue 11.1; the audit is tests/redteam/ASSERTS.md). Each case
-- gives a script the value an assert forbids, at its boundary, and must get
-- an error naming the argument (or, where the value is legal, the answer
-- worked out by hand), never an abort. The assert each case guards is named
-- in the case. Format: tests/lua/README.md.
col = tegn.col
b = tegn.read_csv(DIR .. 'belaegning.csv')

-- case: tg_agg_quantile (p in [0, 1]): quantile above 1
b:group_by('status'):agg{q = tegn.quantile('dage', 1.5)}
-- error:
script.lua:1: quantile: 'p' must be a number from 0 to 1, got 1.5

-- case: tg_agg_quantile (p in [0, 1]): quantile of NaN
b:group_by('status'):agg{q = tegn.quantile('dage', 0 / 0)}
-- error:
script.lua:1: quantile: 'p' must be a number from 0 to 1, got nan

-- case: tg_agg's number-column switch: sum of a string column
b:group_by('status'):agg{s = tegn.sum('kommune')}
-- error:
script.lua:1: agg: aggregate 's': sum needs a number column, got string

-- case: tg_num_round (digits in range): round to 400 places
b:derive{r = col'takst_kr':round(400)}
-- error:
script.lua:1: round: 'digits' must be a whole number from -18 to 15, got 400

-- case: tg_date_ymd (valid day): month 13
print(tegn.date(2024, 13, 1))
-- error:
script.lua:1: no such date 2024-13-1

-- case: tg_date_format (years 1-9999): a Date past 9999-12-31
print(tegn.date(9999, 12, 31) + 1)
-- error:
script.lua:1: date out of range (years 1 to 9999)

-- case: tg_date_format (years 1-9999): a date column moved past year 9999
b:derive{d = col'dato' + 4000000}
-- error data contains:
date out of range (years 1-9999) in (col("dato") + 4000000) at row 1

-- case: tg_date_format (years 1-9999): an int cast to a date past year 9999
b:derive{d = (col'dage' * 100000000):cast('date')}
-- error data contains:
cannot cast 300000000 to date (out of range)

-- case: tg_kern_range (lo <= hi): between with the bounds swapped is empty
-- by hand: no value is both >= 20 and <= 10
print(#b:filter(col'dage':between(20, 10)))
-- expect:
0

-- case: tg_json_real and tg_json_table (decimals >= -1): emit decimals -5
tegn.emit({n = 1.5}, {decimals = -5})
-- error:
script.lua:1: emit: 'decimals' must be a whole number from -1 to 17, got -5

-- case: tg_json_write (indent 0-16): emit indent 400
tegn.emit({n = 1}, {indent = 400})
-- error:
script.lua:1: emit: 'indent' must be a whole number from 0 to 16, got 400

-- case: tg_out's places (decimals in range): write_csv decimals 400
b:write_csv(TMP .. 'x.csv', {decimals = 400})
-- error:
script.lua:1: write_csv: 'decimals' must be a whole number from -1 to 17, got 400

-- case: tg_fmt_digits (finite): format.number of infinity
print(tegn.format.number(1 / 0))
-- error:
script.lua:1: format.number: 'x' must be a number, got inf

-- case: tg_db_write (mode): write_sqlite with an unknown mode
b:write_sqlite(TMP .. 'x.sqlite', 't', {mode = 'bogus'})
-- error:
script.lua:1: write_sqlite: 'mode' must be one of 'create', 'replace' or 'append', got 'bogus'

-- case: tg_takst_tillaeg (timer >= 0): negative hours
tegn.takst.tillaeg{timer = -1, tillaegstakst = 100}
-- error contains:
script.lua:1: takst.tillaeg: 'timer' must be a number

-- case: tg_sim_erlang_b (c >= 0): negative places
tegn.sim.erlang_b(-1, 2)
-- error:
script.lua:1: sim.erlang_b: 'c' must be a whole number from 0 to 1000000, got -1

-- case: tg_window (k >= 1): rolling mean over 0 rows
b:derive{r = col'dage':rolling_mean(0)}
-- error:
script.lua:1: rolling_mean: 'k' must be a whole number from 1 to 1000000000, got 0

-- case: tg_json_set_take (an object): emit of a list cannot be the document
tegn.emit({1, 2, 3})
-- error:
script.lua:1: emit: 'doc' must be a table of named values, not a list, got a table

-- case: tg_json_set_take (an object): a value mixing list items and keys
tegn.emit{a = {1, x = 2}}
-- error:
script.lua:1: emit: 'a' mixes list items and named keys (or has keys that are not strings)

-- case: tg_reshape's melt names (distinct): unpivot melting one column twice
b:unpivot{keep = 'tilbud_id', melt = {'dage', 'dage'}}
-- error:
script.lua:1: unpivot: column 'dage' is given twice

-- case: tg_reshape's period step (years 1-9999): complete up to 9999-12
-- by hand: months 9999-10, -11, -12 for each of 2 groups
local t = b:filter(col'tilbud_id':isin{'T01', 'T03'}):select{'tilbud_id'}:distinct()
  :derive{p = tegn.if_else(col'tilbud_id':eq'T01', tegn.lit(tegn.date(9999, 10, 1)),
                           tegn.lit(tegn.date(9999, 12, 1))), n = tegn.lit(1)}
print(#t:complete{by = 'tilbud_id', period = 'p', unit = 'month', fill = {n = 0}})
-- expect:
6

-- case: tg_exec's filter mask (a bool): a predicate that is not a bool
b:filter(col'dage')
-- error:
script.lua:1: filter: the predicate must be a bool, got int in col("dage")

-- case: tg_ets and tg_forecast points (h >= 1): a forecast 0 periods ahead
tegn.forecast.ets(tegn.read_csv(DIR .. 'forecast.csv'),
  {time = 'maaned', value = 'pct', by = 'tilbud_id', horizon = 0})
-- error:
script.lua:1: ets: 'horizon' must be a whole number from 1 to 1000, got 0
