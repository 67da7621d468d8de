-- sim.lua -- tegn.sim from scripts: the closed forms against hand values,
-- run's tables against each other and against hand-computed possible days,
-- seeds, from_stays on a small stay file (lualib/stays.csv) whose rates,
-- Kaplan-Meier mean and sd and seasonal factors were worked out by hand (see
-- the comments), and the error messages. Format: tests/lua/README.md.

-- two units: A with a capacity change, B with a waiting-list cap, seasons and
-- an empirical length of stay
function two_units()
  return { start = '2026-07-01', dage = 365, replikationer = 50, seed = 3,
    tilbud = {
      { id = 'A', normerede_pladser = 20, henvisninger_pr_aar = 40, politik = 'afvisning',
        liggetid = { fordeling = 'gamma', middel = 150, sd = 100 },
        kapacitet = { { fra = '2026-10-01', pladser = 10 } } },
      { id = 'B', normerede_pladser = 8, henvisninger_pr_aar = 20, max_venteliste = 5,
        saeson = { 1, 1, 1, 1, 1, 1, 0.5, 1, 1, 1, 1, 1.5 },
        liggetid = { fordeling = 'empirisk', dage = { 10, 20, 30, 40, 300 } } } } }
end

-- case: erlang_b(1, 2) = 2/3
print(tegn.sim.erlang_b(1, 2))
-- expect ~1e-9:
0.666666666667

-- case: erlang_b(10, 5) from the table
print(tegn.sim.erlang_b(10, 5))
-- expect ~5e-6:
0.01838

-- case: erlang_c(2, 1) = 1/3
print(tegn.sim.erlang_c(2, 1))
-- expect ~1e-9:
0.333333333333

-- case: erlang_c at full load is 1
print(tegn.sim.erlang_c(3, 3))
-- expect:
1.0

-- case: erlang_b refuses negative places
tegn.sim.erlang_b(-1, 2)
-- error contains:

-- case: run: periods follow calendar years, possible days the capacity change
-- A has 20 places for July-September (92 days) and 10 from October, so
-- 2026 (184 days) has 92 * 20 + 92 * 10 = 2760, 2027 (181 days) 1810
local spec = two_units()
spec.per_replikation = true
local s, p, r = tegn.sim.run(spec)
print(#s, #p, #r)
for _, x in ipairs(p:rows()) do
  print(x.tilbud_id, x.aar, x.fra, x.til, x.dage, x.mulige_dage)
end
local m = s:rows()
print(m[1].mulige_dage, m[2].mulige_dage, m[2].middel_liggetid)
-- expect:
2	4	200
A	2026	2026-07-01	2026-12-31	184	2760.0
A	2027	2027-01-01	2027-06-30	181	1810.0
B	2026	2026-07-01	2026-12-31	184	1472.0
B	2027	2027-01-01	2027-06-30	181	1448.0
4570.0	2920.0	80.0

-- case: run: the three tables agree
-- per-replication days average to the period means, which sum to the
-- summary's belagte dage
local spec = two_units()
spec.per_replikation = true
local s, p, r = tegn.sim.run(spec)
local sum, per = {}, {}
for _, x in ipairs(r:rows()) do
  local k = x.tilbud_id .. x.aar
  per[k] = (per[k] or 0) + x.belagte_dage / 50
  sum[x.tilbud_id] = (sum[x.tilbud_id] or 0) + x.belagte_dage / 50
  if x.tilbud_id == 'B' then assert(x.belagte_dage <= x.mulige_dage + 1e-9) end
end
for _, x in ipairs(p:rows()) do
  assert(math.abs(per[x.tilbud_id .. x.aar] - x.belagte_dage) < 1e-6)
  assert(x.belagte_dage_p5 <= x.belagte_dage_p50)
  assert(x.belagte_dage_p50 <= x.belagte_dage_p95)
  assert(math.abs(x.belaegningsprocent - 100 * x.belagte_dage / x.mulige_dage) < 1e-9)
end
for _, x in ipairs(s:rows()) do
  assert(math.abs(sum[x.tilbud_id] - x.belagte_dage) < 1e-6)
  assert(math.abs(x.belaegning * 365 - x.belagte_dage) < 1e-6)
  assert(x.belaegning_p5 <= x.belaegning_p50 and x.belaegning_p95 <= 20)
end
local a, b = s:rows()[1], s:rows()[2]
assert(a.p_venter == a.p_afvist and a.middel_ventetid == 0)
assert(b.p_afvist <= b.p_venter)
print('ok')
-- expect:
ok

-- case: run: the same seed gives the same tables; without seed the run's seed
-- so two calls agree; another seed differs
local spec = two_units()
local function key(t)
  local x = t:rows()
  return string.format('%.17g %.17g', x[1].belagte_dage, x[2].belagte_dage)
end
local a = key(tegn.sim.run(spec))
local b = key(tegn.sim.run(spec))
spec.seed = nil
local c = key(tegn.sim.run(spec))
local d = key(tegn.sim.run(spec))
spec.seed = 4
local f = key(tegn.sim.run(spec))
print(a == b, c == d, a ~= c, a ~= f)
-- expect:
true	true	true	true

-- case: run: a loss system matches Erlang B
local s = tegn.sim.run{ start = '2026-01-01', dage = 730, replikationer = 40,
  tilbud = { { id = 'T', normerede_pladser = 10, henvisninger_pr_aar = 365 * 8 / 20,
    politik = 'afvisning', liggetid = { middel = 20 } } } }
local x = s:rows()[1]
local b = tegn.sim.erlang_b(10, 8)
print(math.abs(x.p_fuld - b) < 4 * x.p_fuld_se, x.p_fuld_se < 0.01,
  math.abs(x.p_afvist - b) < 4 * x.p_afvist_se)
-- expect:
true	true	true

-- case: from_stays: rates, Kaplan-Meier mean and sd, seasons, by hand
-- the stays of tilbud A in stays.csv, window 2024-01-01 .. 2025-01-01 (366 days):
--   2023-12-22 .. 2024-01-11  20 days, seen from its day 10
--   2024-02-01 .. 2024-03-02  30 days
--   2024-06-01 ..             ongoing: 214 days at the window's end
--   2024-06-10 .. 2024-07-20  40 days
--   2020-01-01 .. 2023-05-01  before the window: left out
-- Kaplan-Meier: S(20) = 3/4 (4 at risk), S(30) = 1/2 (3), S(40) = 1/4 (2);
-- the last quarter is 214 + Exp(98) (98 = (10 + 30 + 214 + 40) / 3), so
-- the mean is (20 + 30 + 40) / 4 + (214 + 98) / 4 = 100.5 and
-- E[L^2] = (400 + 900 + 1600) / 4 + (312^2 + 98^2) / 4 = 27462, sd =
-- sqrt(27462 - 100.5^2). Admissions in the window: 3, so 3 / 366 * 365 a
-- year; seasonal factors February (1 / 29) / (3 / 366) = 366 / 87 and June
-- (2 / 30) / (3 / 366) = 732 / 90. One resident on 2025-01-01. Tilbud B
-- has no completed stay: NULL (printed -1).
local o = tegn.read_csv(DIR .. 'stays.csv')
local e = tegn.sim.from_stays(o, { fra = '2024-01-01', til = '2025-01-01' })
for _, x in ipairs(e:rows()) do
  print(x.tilbud_id, x.ophold, x.afsluttede, x.indflytninger, x.belagte,
    string.format('%.10g %.10g %.10g', x.henvisninger_pr_aar,
      x.middel_liggetid or -1, x.sd_liggetid or -1),
    string.format('%.10g %.10g %.10g', x.saeson_01, x.saeson_02, x.saeson_06))
end
-- expect:
A	4	3	3	1	2.991803279 100.5 131.7639936	0 4.206896552 8.133333333
B	1	0	1	1	0.9972677596 -1 -1	0 0 0

-- case: from_stays as an empirical liggetid: the mean is the Kaplan-Meier mean
local o = tegn.read_csv(DIR .. 'stays.csv'):filter(tegn.col'tilbud_id':eq'A')
local s = tegn.sim.run{ start = '2025-01-01', replikationer = 2, tilbud = {
  { id = 'A', normerede_pladser = 3, henvisninger_pr_aar = 3, liggetid = { fordeling =
    'empirisk', ophold = o, fra = '2024-01-01', til = '2025-01-01' } } } }
print(s:rows()[1].middel_liggetid)
-- expect:
100.5

-- case: error: sim.run: 'start' is required
tegn.sim.run{ tilbud = {} }
-- error:
script.lua:1: sim.run: 'start' is required

-- case: error: sim.run: 'start' must be a date ("YYYY-MM-DD" or tegn.date), got '2026-02-30'
tegn.sim.run{ start = '2026-02-30', tilbud = {} }
-- error:
script.lua:1: sim.run: 'start' must be a date ("YYYY-MM-DD" or tegn.date), got '2026-02-30'

-- case: error: unknown option 'dagee'; did you mean 'dage'?
tegn.sim.run{ start = '2026-01-01', dagee = 3, tilbud = {} }
-- error contains:
unknown option 'dagee'; did you mean 'dage'?

-- case: error: sim.run: tilbud 'X': unknown option 'normerede_pladsr'; did you mean 'normerede_pladser'?
tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', normerede_pladsr = 3 } } }
-- error contains:
sim.run: tilbud 'X': unknown option 'normerede_pladsr'; did you mean 'normerede_pladser'?

-- case: error: give one of 'henvisninger_pr_aar' and 'henvisninger_pr_dag'
tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', normerede_pladser = 3,
  henvisninger_pr_aar = 3, henvisninger_pr_dag = 1, liggetid = { middel = 9 } } } }
-- error contains:
give one of 'henvisninger_pr_aar' and 'henvisninger_pr_dag'

-- case: error: a lognormal 'liggetid' needs 'sd'
tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', normerede_pladser = 3,
  henvisninger_pr_aar = 3, liggetid = { fordeling = 'lognormal', middel = 9 } } } }
-- error contains:
a lognormal 'liggetid' needs 'sd'

-- case: error: tilbud 'X': the mean length of stay must be > 0
tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', normerede_pladser = 3,
  henvisninger_pr_aar = 3, liggetid = { middel = 0 } } } }
-- error contains:
tilbud 'X': the mean length of stay must be > 0

-- case: error: sim.run: tilbud 'X': 'politik' must be 'venteliste' or 'afvisning', got 'vent'
tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', normerede_pladser = 3,
  henvisninger_pr_aar = 3, politik = 'vent', liggetid = { middel = 9 } } } }
-- error:
script.lua:1: sim.run: tilbud 'X': 'politik' must be 'venteliste' or 'afvisning', got 'vent'

-- case: error: the observation window 'fra' and 'til' is required
tegn.sim.from_stays(tegn.read_csv(DIR .. 'stays_open.csv'), {})
-- error contains:
the observation window 'fra' and 'til' is required

-- case: error: column 'indflyttet' must hold strings
tegn.sim.from_stays(tegn.read_csv(DIR .. 'stays_open.csv'), { fra = '2024-01-01',
  til = '2025-01-01', by = 'indflyttet' })
-- error contains:
column 'indflyttet' must hold strings

-- case: error: one grammar for every argument error: function, context, key, expectation, value
tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'Himmelev', normerede_pladser = 1.5,
  henvisninger_pr_aar = 3, liggetid = { middel = 9 } } } }
-- error:
script.lua:1: sim.run: tilbud 'Himmelev': 'normerede_pladser' must be a whole number from 0 to 1000000, got 1.5

-- case: error: a NaN rate is refused
tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', normerede_pladser = 3,
  henvisninger_pr_aar = 0/0, liggetid = { middel = 9 } } } }
-- error:
script.lua:1: sim.run: tilbud 'X': 'henvisninger_pr_aar' must be a number, got nan

-- case: error: a list item is named by its position
tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', normerede_pladser = 3,
  henvisninger_pr_aar = 3, saeson = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1},
  liggetid = { middel = 9 } } } }
-- error:
script.lua:1: sim.run: tilbud 'X': 'saeson[12]' must be a number >= 0, got -1

-- case: error: a Table fetched from an option is named by its key, not "bad argument #-1"
tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', normerede_pladser = 3,
  henvisninger_pr_aar = 3, liggetid = { fordeling = 'empirisk', ophold = {},
  fra = '2024-01-01', til = '2025-01-01' } } } }
-- error:
script.lua:1: sim.run: tilbud 'X': 'ophold' must be a tegn.Table, got a table

-- case: error: erlang_b's places are whole
tegn.sim.erlang_b(2.5, 1)
-- error:
script.lua:1: sim.erlang_b: 'c' must be a whole number from 0 to 1000000, got 2.5

-- case: error: erlang_c's load is finite
tegn.sim.erlang_c(3, 0/0)
-- error:
script.lua:1: sim.erlang_c: 'a' must be a number >= 0, got nan

-- case: error: one liggetid reader: lognormal needs sd, in the words tegn.scenario uses
tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', normerede_pladser = 3,
  henvisninger_pr_aar = 3, liggetid = { fordeling = 'lognormal', middel = 400 } } } }
-- error:
script.lua:1: sim.run: tilbud 'X': a lognormal 'liggetid' needs 'sd' (days)

-- case: one liggetid reader: eksponentiel needs no sd
local s = tegn.sim.run{ start = '2026-01-01', dage = 10, replikationer = 1, tilbud = { { id = 'X',
  normerede_pladser = 3, henvisninger_pr_aar = 3, liggetid = { middel = 9 } } } }
print(#s)
-- expect:
1

-- case: error: an empirical list of stays holds numbers >= 0
tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', normerede_pladser = 3,
  henvisninger_pr_aar = 3, liggetid = { fordeling = 'empirisk', dage = { 3, 0/0 } } } } }
-- error:
script.lua:1: sim.run: tilbud 'X': 'dage[2]' must be a number >= 0, got nan

-- case: the old key names still work for one release, with one warning per name
-- expected: the same as the new names (max_venteliste, start_belagt, start_venteliste)
local function run(u)
  local s = tegn.sim.run{ start = '2026-01-01', dage = 30, replikationer = 5, seed = 1,
    tilbud = { u } }
  return s:rows()[1].belagte_dage
end
local new = run{ id = 'X', normerede_pladser = 4, henvisninger_pr_aar = 50,
  liggetid = { middel = 20 }, start_belagt = 4, start_venteliste = 2 }
local old1 = run{ id = 'X', pladser = 4, henvisninger_pr_aar = 50,
  liggetid = { middel = 20 }, belagte = 4, venteliste = 2 }
local old2 = run{ id = 'X', pladser = 4, henvisninger_pr_aar = 50,
  liggetid = { middel = 20 }, belagte = 4, venteliste = 2 }
print(new == old1, new == old2)
-- expect:
script.lua:3: warning: sim.run: tilbud 'X': 'pladser' is now called 'normerede_pladser'; the old name works until the next release
script.lua:3: warning: sim.run: tilbud 'X': 'belagte' is now called 'start_belagt'; the old name works until the next release
script.lua:3: warning: sim.run: tilbud 'X': 'venteliste' is now called 'start_venteliste'; the old name works until the next release
true	true

-- case: error: the old and the new name together
tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', normerede_pladser = 3, pladser = 3,
  henvisninger_pr_aar = 3, liggetid = { middel = 9 } } } }
-- error:
script.lua:1: sim.run: tilbud 'X': give 'normerede_pladser' (or its old name 'pladser'), not both

-- case: a tilbud that is not a table, or lacks a string id, is named
local o = two_units()
o.tilbud[2] = 5
print(select(2, pcall(tegn.sim.run, o)))
o.tilbud[2] = { id = 7 }
print(select(2, pcall(tegn.sim.run, o)))
o.tilbud = {}
print(select(2, pcall(tegn.sim.run, o)))
-- expect:
script.lua:3: sim.run: 'tilbud[2]' must be a table, got 5
script.lua:5: sim.run: tilbud 2: 'id' must be a string, got 7
script.lua:7: sim.run: 'tilbud' must be a non-empty list of tilbud, got a table

-- case: start_opholdt: exponential stays are memoryless, so elapsed stays change nothing
-- (the remaining stay of an exponential is the same exponential, one draw each)
local function run(u)
  local s = tegn.sim.run{ start = '2026-01-01', dage = 60, replikationer = 20, seed = 3,
    tilbud = { u } }
  return s:rows()[1].belagte_dage
end
local a = run{ id = 'X', normerede_pladser = 4, henvisninger_pr_aar = 10,
  liggetid = { middel = 40 }, start_belagt = 3 }
local b = run{ id = 'X', normerede_pladser = 4, henvisninger_pr_aar = 10,
  liggetid = { middel = 40 }, start_opholdt = { 500, 20, 3000 } }
print(a == b)
-- expect:
true

-- case: start_opholdt: with lognormal stays a long stay so far predicts a long rest
local function run(days)
  local s = tegn.sim.run{ start = '2026-01-01', dage = 365, replikationer = 200, seed = 3,
    tilbud = { { id = 'X', normerede_pladser = 3, henvisninger_pr_aar = 0.001,
      liggetid = { fordeling = 'lognormal', middel = 200, sd = 400 }, start_opholdt = days } } }
  return s:rows()[1].belagte_dage
end
print(run{ 3000, 3000, 3000 } > 1.3 * run{ 1, 1, 1 })
-- expect:
true

-- case: error: more elapsed stays than residents at the start
tegn.sim.run{ start = '2026-01-01', tilbud = { { id = 'X', normerede_pladser = 3,
  henvisninger_pr_aar = 3, liggetid = { middel = 9 }, start_belagt = 1, start_opholdt = { 4, 5 } } } }
-- error:
script.lua:1: sim.run: tilbud 'X': 2 elapsed stays given for 1 residents at the start

-- case: from_stays says in its output that the rate counts admissions
-- issue 18: stays hold no referrals turned away or waiting, so the rate
-- underestimates demand where a tilbud was often full; each row says so.
local o = tegn.read_csv(DIR .. 'stays.csv')
local e = tegn.sim.from_stays(o, { fra = '2024-01-01', til = '2025-01-01' })
for _, x in ipairs(e:rows()) do print(x.tilbud_id, x.henvisninger_kilde) end
-- expect:
A	indflytninger: afviste og ventende henvisninger er ikke i data
B	indflytninger: afviste og ventende henvisninger er ikke i data

-- case: from_stays with referrals: demand counts the turned-away and waiting ones
-- issue 18: referrals.csv holds every referral with its outcome. Tilbud A,
-- window 2024-01-01 .. 2025-01-01 (366 days): 6 referrals in it (the one of
-- 2023-12-10 is before), 2 turned away, 1 waiting; 6 / 366 x 365 a year
-- against the 3 admissions' 2.99. Seasons from the referrals: January
-- (1 / 31) / (6 / 366) = 366 / 186, February 0, June (2 / 30) / (6 / 366)
-- = 732 / 180. B: 2 referrals (one without an outcome: counted, neither
-- turned away nor waiting), February (1 / 29) / (2 / 366) = 366 / 58.
local o = tegn.read_csv(DIR .. 'stays.csv')
local h = tegn.read_csv(DIR .. 'referrals.csv')
local e = tegn.sim.from_stays(o, { fra = '2024-01-01', til = '2025-01-01', henvisninger = h })
for _, x in ipairs(e:rows()) do
  print(x.tilbud_id, x.indflytninger, x.henvisninger, x.afviste, x.ventende,
    string.format('%.10g %.10g %.10g %.10g', x.henvisninger_pr_aar, x.saeson_01, x.saeson_02,
      x.saeson_06), x.henvisninger_kilde)
end
-- expect:
A	3	6	2	1	5.983606557 1.967741935 0 4.066666667	henvisninger: alle henvisninger, også afviste og ventende
B	1	2	0	0	1.994535519 0 6.310344828 0	henvisninger: alle henvisninger, også afviste og ventende

-- case: from_stays with referrals but no outcome column, and a tilbud without referrals
-- Without 'udfald' every referral counts and the split is NULL (printed -1);
-- a tilbud with no referral rows keeps the admissions and says so.
local o = tegn.read_csv(DIR .. 'stays.csv')
local h = tegn.read_csv(DIR .. 'referrals.csv')
local function show(e)
  for _, x in ipairs(e:rows()) do
    print(x.tilbud_id, x.henvisninger or -1, x.afviste or -1,
      string.format('%.10g', x.henvisninger_pr_aar), x.henvisninger_kilde)
  end
end
show(tegn.sim.from_stays(o, { fra = '2024-01-01', til = '2025-01-01',
  henvisninger = h:select{ 'tilbud_id', 'henvist' } }))
show(tegn.sim.from_stays(o, { fra = '2024-01-01', til = '2025-01-01',
  henvisninger = h:filter(tegn.col'tilbud_id':eq'A') }))
-- expect:
A	6	-1	5.983606557	henvisninger: alle henvisninger (udfald ikke i data)
B	2	-1	1.994535519	henvisninger: alle henvisninger (udfald ikke i data)
A	6	2	5.983606557	henvisninger: alle henvisninger, også afviste og ventende
B	-1	-1	0.9972677596	indflytninger: afviste og ventende henvisninger er ikke i data

-- case: from_stays with referrals: the errors name the row, the value and the column
local o = tegn.read_csv(DIR .. 'stays.csv')
local h = tegn.read_csv(DIR .. 'referrals.csv')
local w = { fra = '2024-01-01', til = '2025-01-01' }
local function try(extra)
  local opts = { fra = w.fra, til = w.til }
  for k, v in pairs(extra) do opts[k] = v end
  print(select(2, pcall(tegn.sim.from_stays, o, opts)))
end
try{ henvisninger = h:derive{ udfald = tegn.lit("flyttet") } }
try{ henvisninger = h:derive{ tilbud_id = tegn.lit("C") } }
try{ henvisninger = h, henvist = 'dato' }
try{ henvisninger = h, udfald = 'status' }
try{ udfald = 'status' }
-- expect:
script.lua:7: sim.from_stays: henvisninger row 1: udfald must be 'optaget', 'afvist' or 'venter' (or empty), got 'flyttet'
script.lua:7: sim.from_stays: henvisninger row 1: tilbud 'C' has no stays
script.lua:7: sim.from_stays: henvisninger needs the columns 'tilbud_id', 'dato' (a date) and optionally 'udfald' (optaget, afvist or venter); it has no 'dato'
script.lua:7: sim.from_stays: henvisninger needs the columns 'tilbud_id', 'henvist' (a date) and optionally 'status' (optaget, afvist or venter); it has no 'status'
script.lua:7: sim.from_stays: 'henvist' and 'udfald' name columns of 'henvisninger', which is not given
