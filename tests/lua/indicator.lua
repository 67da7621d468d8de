-- indicator.lua -- tegn.indicator and the data catalog from Lua: groups,
-- suppression and verdicts in the returned tables, and the errors a script
-- author meets. The data is lualib/andele/andele.csv, given as
-- --param datasets=...; the verdicts are worked by hand: group A 40 of 100 ->
-- 70 of 100 (a 30-point rise, far outside chance: improved); B 3 of 30 (a
-- count of 1-4: suppressed) -> 10 of 30: not judged; C one period: not
-- judged. The document (details, params' types) is checked in C,
-- tests/unit/test_luaind.c. Format: tests/lua/README.md.

-- the fields every indicator below shares
function spec(t)
  local s = { id = 't.x', title = 'T', strategy = 's', goal = 'g', direction = 'up',
    unit = 'u', by = 'tilbud_id', period = 'aar' }
  for k, v in pairs(t) do s[k] = v end
  return s
end

-- case: groups, series and verdicts
-- params: datasets=FIXTURES/lualib/andele
local s, v = tegn.indicator(spec{ compute = function(data)
  return data.andele:rename{numerator = 'num', denominator = 'den'} end })
for _, r in ipairs(v:rows()) do print(r.tilbud_id, r.verdict) end
for _, r in ipairs(s:rows()) do
  print(r.tilbud_id, r.aar, r.value, r.numerator, r.suppressed, r.small)
end
-- expect:
A	improved
B	not_judged
C	not_judged
A	2019	0.4	40.0	false	false
A	2025	0.7	70.0	false	false
B	2019	nil	nil	true	false
B	2025	0.33333333333333	10.0	false	false
C	2025	0.5	20.0	false	false

-- case: a missing title
-- params: datasets=FIXTURES/lualib/andele
tegn.indicator{ id = 'a', strategy = 's', goal = 'g', direction = 'up',
  unit = 'u', compute = print }
-- error contains:
'title' must be a non-empty string

-- case: a misspelt option
-- params: datasets=FIXTURES/lualib/andele
tegn.indicator(spec{ titl = 1, compute = print })
-- error contains:
unknown option 'titl'; did you mean 'title'?

-- case: a bad direction
-- params: datasets=FIXTURES/lualib/andele
tegn.indicator(spec{ direction = 'op', compute = print })
-- error contains:
indicator: 'direction' must be 'up' or 'down', got 'op'

-- case: compute must return a table
-- params: datasets=FIXTURES/lualib/andele
tegn.indicator(spec{ id = 't.y', compute = function() end })
-- error contains:
compute must return a tegn.Table, not a nil

-- case: an id defined twice in one run
-- params: datasets=FIXTURES/lualib/andele
pcall(tegn.indicator, spec{ id = 't.y', compute = function() end })
tegn.indicator(spec{ id = 't.y', compute = function(d) return d.andele end })
-- error contains:
id 't.y' is already defined in this run

-- case: a share needs numerator
-- params: datasets=FIXTURES/lualib/andele
tegn.indicator(spec{ id = 't.z', compute = function(d) return d.andele end })
-- error contains:
no column 'numerator'

-- case: an unknown dataset
-- params: datasets=FIXTURES/lualib/andele
tegn.indicator(spec{ id = 't.w', compute = function(d) return d.andle end })
-- error contains:
no dataset 'andle' in

-- case: a param that does not fit its default's type
-- params: datasets=FIXTURES/lualib/andele n=abc
tegn.indicator(spec{ id = 't.v', params = { n = 1 }, compute = print })
-- error:
script.lua:1: parameter 'n': expected a whole number, got 'abc'

-- case: indicator params take the default's type: an int default refuses 4.5
-- params: datasets=FIXTURES/lualib/andele n=4.5
tegn.indicator(spec{ id = 't.v', params = { n = 1 }, compute = print })
-- error:
script.lua:1: parameter 'n': expected a whole number, got '4.5'

-- case: indicator params: numbers (a Danish decimal comma too), booleans, dates, defaults
-- params: datasets=FIXTURES/lualib/andele n=4 x=0,955 b=ja d=01-03-2024
tegn.indicator(spec{ id = 't.v', params = { n = 1, x = 0.5, b = false, d = tegn.date'2000-01-01',
  k = 'std' }, compute = function(data, p)
    print(p.n, math.type(p.n), p.x, p.b, p.d, p.k)
    return data.andele:rename{numerator = 'num', denominator = 'den'}
  end })
-- expect:
4	integer	0.955	true	2024-03-01	std

-- case: a mean needs value
-- params: datasets=FIXTURES/lualib/andele
tegn.indicator(spec{ id = 't.u', kind = 'mean',
  compute = function(d) return d.andele end })
-- error contains:
no column 'value'

-- case: ind.share with == (a plain false in Lua) is refused at the caller's line, not a share of 0
local ind = require 'indikator'
local t = tegn.read_csv(FIXTURES .. 'lualib/belaegning.csv')
local s = ind.share(t, { 'tilbud_id' }, tegn.col'status' == 'belagt')
-- error:
script.lua:3: ind.share: 'hit' must be an expression, got false (== and ~= on an expression give a plain Lua boolean: use col"x":eq(v) or :ne(v))

-- case: data.sql in compute, with and without query params (was "read_sqlite: 'db' must be a string")
-- params: datasets=SOURCE/datasets
-- counts by SQL over datasets/tegn.sqlite: takst_param has one row per tilbud and year,
-- 32 tilbud in 2019-2023 and 31 in 2024-2026 (253 rows)
local s = tegn.indicator(spec{ id = 't.sql', by = {}, min_n = 1, compute = function(data)
  print(#data.sql('SELECT * FROM takst_param'), #data.sql('SELECT * FROM takst_param WHERE aar = ?', {2024}))
  return data.sql([[SELECT aar, count(*) AS numerator, 2 * count(*) AS denominator
    FROM takst_param WHERE aar >= :fra GROUP BY aar]], {fra = 2025})
end })
for _, r in ipairs(s:rows()) do print(r.aar, r.value, r.numerator) end
print(#tegn.data:sql('SELECT 1 AS x'), pcall(tegn.data.sql, 5))
-- expect:
253	31
2025	0.5	31.0
2026	0.5	31.0
1	false	script.lua:9: data.sql: 'query' must be a string, got 5

-- case: an error inside a scripts/lib helper names the user's line that called it
local ind = require 'indikator'
local b = tegn.read_csv(DIR .. 'belaegning.csv')
local s = ind.share(b, { 'tilbud_id' },
  tegn.col'svar':eq(5))
-- error contains:
indikator.lua:
: no column 'svar'; the columns are dato, tilbud_id, kommune, status, takst_kr, dage (called from script.lua:3)

-- case: two rows for one group and period name the group; a missing column lists what compute returned
-- params: datasets=FIXTURES/lualib/andele
-- andele.csv: B has rows for 2019 and 2025, both made 2021; its columns are tilbud_id;aar;num;den
print(select(2, pcall(tegn.indicator, spec{ id = 't.d2', compute = function(data)
  local a = data.andele:rename{numerator = 'num', denominator = 'den'}
  return a:filter(tegn.col'tilbud_id':eq('B')):derive{aar = 2021}
end })))
print(select(2, pcall(tegn.indicator, spec{ id = 't.d3', compute = function(data)
  return data.andele:rename{numerator = 'num'}
end })))
-- expect:
script.lua:2: indicator 't.d2': two rows for period 2021 in group B
script.lua:6: indicator 't.d3': compute returned no column 'denominator' (it returned: tilbud_id, aar, numerator, den)

-- case: baseline = "first_judged": a suppressed first year (1 of 3) no longer leaves the group unjudged
-- params: datasets=SOURCE/datasets
-- by hand: 2020 20/50 = 0.4 is the first period that can be judged; 2023 40/50 = 0.8; the
-- difference 0.4 is far outside chance with n = 50 (Newcombe's interval about [0.21, 0.55])
local function data(d) return d.sql([[SELECT 'X' AS tilbud_id, 2019 AS aar, 1 AS numerator, 3 AS denominator
  UNION ALL SELECT 'X', 2020, 20, 50 UNION ALL SELECT 'X', 2021, 22, 50
  UNION ALL SELECT 'X', 2022, 30, 50 UNION ALL SELECT 'X', 2023, 40, 50]]) end
local _, v1 = tegn.indicator(spec{ id = 't.f1', compute = data })
local _, v2 = tegn.indicator(spec{ id = 't.f2', baseline = 'first_judged', compute = data })
for _, v in ipairs{ v1, v2 } do
  local r = v:rows()[1]
  print(r.verdict, r.baseline_period, r.latest_period, r.reason)
end
-- expect:
not_judged	2019	2023	too few at baseline or latest to judge
improved	2020	2023	the change since baseline is significant in the good direction

-- case: through a tail call (return ind.share(...)) the user's line is kept, not the caller's caller
-- params: datasets=FIXTURES/lualib/andele
tegn.indicator(spec{ id = 't.tc', compute = function(data)
  return require('indikator').share(data.andele, { 'tilbud_id', 'aar' },
    tegn.col'svar':eq(5))
end })
-- error contains:
: no column 'svar'; the columns are tilbud_id, aar, num, den (called from script.lua:2)
