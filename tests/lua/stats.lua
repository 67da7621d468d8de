-- stats.lua -- tegn.stats from scripts: each function on a worked example
-- whose numbers come from outside the code (the published and hand-computed
-- values of test_stats.c, and tests/unit/stats_ref.py, the standard-library
-- second computation; [ref] below), nil for undefined results, and the error
-- messages for misuse. Format: tests/lua/README.md.

-- f(v): v with 4 decimals, or 'nil'
function f(v) return v == nil and 'nil' or string.format('%.4f', v) end

-- case: wilson: Newcombe's 81/263
-- Wilson 81/263 and the exact Poisson interval of 10 events are Newcombe's
-- and Garwood's published values; the t interval is 62.4 -+ t(.975, 24) 18/5
-- = 62.4 -+ 2.063899 * 3.6 (tables).
local e, l, h = tegn.stats.wilson(81, 263)
print(f(e), f(l), f(h))
-- expect:
0.3080	0.2553	0.3662

-- case: wilson: no successes
local e, l, h = tegn.stats.wilson(0, 20, 0.95)
print(f(e), f(l), f(h))
-- expect:
0.0000	0.0000	0.1611

-- case: wilson: n = 0 is undefined
print(tegn.stats.wilson(0, 0))
-- expect:
nil	nil	nil

-- case: mean_ci: the t interval
local e, l, h = tegn.stats.mean_ci(62.4, 18, 25)
print(f(e), f(l), f(h))
-- expect:
62.4000	54.9700	69.8300

-- case: mean_ci: one observation has no interval
print(tegn.stats.mean_ci(3, 1, 1))
-- expect:
3.0	nil	nil

-- case: rate_ci: 10 events over 2.5 FTE-years
-- [4.795388696, 18.39035604] / 2.5 [ref]
local e, l, h = tegn.stats.rate_ci(10, 2.5)
print(f(e), f(l), f(h))
-- expect:
4.0000	1.9182	7.3561

-- case: rate_ci: no events
local e, l, h = tegn.stats.rate_ci(0, 1)
print(f(e), f(l), f(h))
-- expect:
0.0000	0.0000	3.6889

-- case: rate_ci: no exposure is undefined
print(tegn.stats.rate_ci(3, 0))
-- expect:
nil	nil	nil

-- case: prop_diff: Copenhagen's loneliness check
-- Copenhagen's loneliness check (3423/7282 -> 2979/7094): -0.0501
-- [-0.0663, -0.0339], z -6.046 [ref]; R's sleep data Welch test: t 1.8608,
-- p 0.07939, interval [-0.2055, 3.3655]; the rate ratio 10 -> 20 events over
-- equal exposure: 2 [0.8935, 4.7846], z 1.8257, p 0.0987 [ref].
local r = tegn.stats.prop_diff(3423, 7282, 2979, 7094)
print(f(r.est), f(r.lo), f(r.hi), f(r.z), r.p < 1e-8)
-- expect:
-0.0501	-0.0663	-0.0339	-6.0464	true

-- case: mean_diff: R's sleep data, Welch
local r = tegn.stats.mean_diff(0.75, 1.789009658, 10, 2.33, 2.002248736, 10)
print(f(r.est), f(r.lo), f(r.hi), f(r.t), f(r.p))
-- expect:
1.5800	-0.2055	3.3655	1.8608	0.0794

-- case: rate_ratio: 10 -> 20 events
local r = tegn.stats.rate_ratio(10, 1, 20, 1, 0.95)
print(f(r.est), f(r.lo), f(r.hi), f(r.z), f(r.p))
-- expect:
2.0000	0.8935	4.7846	1.8257	0.0987

-- case: rate_ratio: no events at baseline, the ratio and its upper limit are infinite
local r = tegn.stats.rate_ratio(0, 2, 4, 3)
print(r.est == math.huge, r.hi == math.huge, r.lo > 0)
-- expect:
true	true	true

-- case: mean_diff: nothing to compare, only est is defined
local r = tegn.stats.mean_diff(3, 1, 1, 4, 2, 9)
print(r.est, r.lo, r.hi, r.t, r.p)
-- expect:
1.0	nil	nil	nil	nil

-- case: trend: the hand example from two arrays
-- The hand example of test_stats.c: x = 1..6, y = 3 5 5 4 7 8 gives S = 10,
-- var S = 492/18, p 0.0852, tau-b 10/sqrt(210), slope 1 [-0.3117, 2].
local r = tegn.stats.trend({1, 2, 3, 4, 5, 6}, {3, 5, 5, 4, 7, 8})
print(r.n, math.tointeger(r.s), f(r.var_s), f(r.p), f(r.tau), f(r.slope), f(r.slope_lo),
  f(r.slope_hi))
-- expect:
6	10	27.3333	0.0852	0.6901	1.0000	-0.3117	2.0000

-- case: trend: tegn.null is skipped, dates become decimal years
local d = tegn.date
local r = tegn.stats.trend({d'2015-01-01', d'2016-01-01', d'2017-01-01', 1,
  d'2018-01-01', d'2019-01-01', d'2020-01-01'}, {3, 5, 5, tegn.null, 4, 7, 8})
print(r.n, math.tointeger(r.s), f(r.var_s), f(r.p), f(r.tau), f(r.slope), f(r.slope_lo),
  f(r.slope_hi))
-- expect:
6	10	27.3333	0.0852	0.6901	1.0000	-0.3117	2.0000

-- case: trend: fewer than 3 usable points is nil
print(tegn.stats.trend({1, 2, 3}, {1, tegn.null, 2}))
-- expect:
nil

-- case: trend: a flat series has no tau
local r = tegn.stats.trend({1, 2, 3, 4}, {5, 5, 5, 5})
print(r.s, r.p, r.tau, r.slope, r.slope_lo, r.slope_hi)
-- expect:
0.0	1.0	nil	0.0	0.0	0.0

-- case: trend: from a table, by year and by date
-- trend.csv: the hand example, a row with a NULL value and one filtered out
local t = tegn.read_csv(DIR .. 'trend.csv'):filter(tegn.col'aar':gt(2000))
local r = tegn.stats.trend(t, 'aar', 'value')
print(r.n, math.tointeger(r.s), f(r.var_s), f(r.p), f(r.tau), f(r.slope), f(r.slope_lo),
  f(r.slope_hi))
r = tegn.stats.trend(t, 'dato', 'value', 0.95)
print(r.n, math.tointeger(r.s), f(r.var_s), f(r.p), f(r.tau), f(r.slope), f(r.slope_lo),
  f(r.slope_hi))
-- expect:
6	10	27.3333	0.0852	0.6901	1.0000	-0.3117	2.0000
6	10	27.3333	0.0852	0.6901	1.0000	-0.3117	2.0000

-- case: trend: an unknown column
tegn.stats.trend(tegn.read_csv(DIR .. 'trend.csv'), 'aar', 'valu')
-- error contains:
no column 'valu'; did you mean 'value'?

-- case: trend: a string column
tegn.stats.trend(tegn.read_csv(DIR .. 'trend.csv'), 'aar', 'navn')
-- error contains:
trend: column 'navn' holds strings, not numbers or dates

-- case: bh: the hand example
-- bh by hand: .01 .04 .03 .005 -> .02 .04 .04 .02 (test_stats.c).
local q = tegn.stats.bh({0.01, 0.04, 0.03, 0.005})
print(#q, f(q[1]), f(q[2]), f(q[3]), f(q[4]))
-- expect:
4	0.0200	0.0400	0.0400	0.0200

-- case: bh: tegn.null stays
local q = tegn.stats.bh({0.01, tegn.null, 0.04})
print(#q, f(q[1]), q[2] == tegn.null, f(q[3]))
-- expect:
3	0.0200	true	0.0400

-- case: bh: empty
print(#tegn.stats.bh({}))
-- expect:
0

-- case: wilson: x above n, at the script line

tegn.stats.wilson(5, 4)
-- error:
script.lua:2: wilson: 'x' must be a number from 0 to n, got 5

-- case: error: wilson: 'n' must be a number >= 0, got -4
tegn.stats.wilson(1, -4)
-- error:
script.lua:1: wilson: 'n' must be a number >= 0, got -4

-- case: error: wilson: 'conf' must be a number between 0 and 1 (e.g. 0.95), got 95
tegn.stats.wilson(1, 4, 95)
-- error:
script.lua:1: wilson: 'conf' must be a number between 0 and 1 (e.g. 0.95), got 95

-- case: error: wilson: 'x' must be a number, got 'a'
tegn.stats.wilson('a', 4)
-- error:
script.lua:1: wilson: 'x' must be a number, got 'a'

-- case: error: mean_ci: 'sd' must be a number >= 0, got -1
tegn.stats.mean_ci(3, -1, 10)
-- error:
script.lua:1: mean_ci: 'sd' must be a number >= 0, got -1

-- case: error: mean_ci: 'mean' must be a number, got nan
tegn.stats.mean_ci(0/0, 1, 10)
-- error:
script.lua:1: mean_ci: 'mean' must be a number, got nan

-- case: error: rate_ci: 'events' must be a number >= 0, got -1
tegn.stats.rate_ci(-1, 10)
-- error:
script.lua:1: rate_ci: 'events' must be a number >= 0, got -1

-- case: error: prop_diff: 'x2' must be a number from 0 to n2, got 11
tegn.stats.prop_diff(1, 10, 11, 10)
-- error:
script.lua:1: prop_diff: 'x2' must be a number from 0 to n2, got 11

-- case: error: mean_diff: 'n2' must be a number >= 0, got nothing
tegn.stats.mean_diff(1, 1, 10, 2, 1)
-- error:
script.lua:1: mean_diff: 'n2' must be a number >= 0, got nothing

-- case: error: rate_ratio: 'exposure2' must be a number >= 0, got -1
tegn.stats.rate_ratio(1, 10, 2, -1)
-- error:
script.lua:1: rate_ratio: 'exposure2' must be a number >= 0, got -1

-- case: error: trend({1, 2, 3}, {1, 2})
tegn.stats.trend({1, 2, 3}, {1, 2})
-- error contains:
trend: xs and ys differ in length (3 and 2)

-- case: error: trend({1, 2, 'x'}, {1, 2, 3})
tegn.stats.trend({1, 2, 'x'}, {1, 2, 3})
-- error:
script.lua:1: trend: 'xs[3]' must be a number, a date or tegn.null, got 'x'

-- case: error: trend(5, 6)
tegn.stats.trend(5, 6)
-- error:
script.lua:1: trend: 'xs' must be a list or a tegn.Table, got 5

-- case: error: trend: 'conf' must be a number between 0 and 1 (e.g. 0.95), got 0
tegn.stats.trend({1, 2, 3}, {1, 2, 3}, 0)
-- error:
script.lua:1: trend: 'conf' must be a number between 0 and 1 (e.g. 0.95), got 0

-- case: error: bh({0.5, 1.5})
tegn.stats.bh({0.5, 1.5})
-- error:
script.lua:1: bh: 'ps[2]' must be a number from 0 to 1, got 1.5

-- case: error: bh({0.5, 'x'})
tegn.stats.bh({0.5, 'x'})
-- error:
script.lua:1: bh: 'ps[2]' must be a number from 0 to 1, got 'x'

-- case: wilson: n near the top of the double range keeps its width
-- issue 18: 2n and 4n^2 overflowed and p(1-p)/n underflowed, giving lo = hi
-- = 5e-308. By hand, multiplied through by n: centre = (5 + z^2/2)/(n + z^2),
-- half = z sqrt(5 (1 - 5/n) + z^2/4)/(n + z^2), z = 1.959963984540054.
local e, l, h = tegn.stats.wilson(5, 1e308)
print(string.format('%.6g %.6g %.6g', e, l, h))
-- expect:
5e-308 2.1357e-308 1.17058e-307

-- case: error: conf 1 - 2^-53 is refused, not answered with infinite limits
tegn.stats.mean_ci(10, 2, 30, 1 - 2^-53)
-- error:
script.lua:1: mean_ci: 'conf' is too close to 1 (1 - 2^-53): its critical value would be infinite

-- case: error: rate_ci refuses conf 1 - 2^-53 too
tegn.stats.rate_ci(10, 100, 1 - 2^-53)
-- error:
script.lua:1: rate_ci: 'conf' is too close to 1 (1 - 2^-53): its critical value would be infinite

-- case: conf 1 - 2^-52, the next double down, still gives finite limits
local e, l, h = tegn.stats.mean_ci(10, 2, 30, 1 - 2^-52)
print(l > -1e6 and h < 1e6)
-- expect:
true

-- case: error: trend refuses an infinite value
tegn.stats.trend({1, 2, 3, 4}, {1, math.huge, 3, 4})
-- error:
script.lua:1: trend: the values must be finite numbers, got an infinite one

-- case: trend: pairs whose differences both overflow have no slope
-- y = -1e308, 0, 1e308 at x = -1e308, 0, 1e308: the pair (1, 3) overflows in
-- both dy and dx (inf / inf); the other two slopes are 1.
local r = tegn.stats.trend({-1e308, 0, 1e308}, {-1e308, 0, 1e308})
print(r.slope, r.s)
-- expect:
1.0	3.0

-- case: rate_ci: exact Garwood limits stay exact for huge counts
-- issue 18: above ~1e10 events the Newton steps lost digits (1e12: lo off by
-- 2.6e4, 1.3 % of the half-width). Expected: R 4.2.2's qgamma(0.025, 1e12)
-- and qgamma(0.975, 1e12 + 1), printed with 17 digits.
local e, l, h = tegn.stats.rate_ci(1e12, 1)
print(string.format('%.17g %.17g', l, h))
-- expect:
999998040036.96265 1000001959965.9319
