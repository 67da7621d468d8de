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
