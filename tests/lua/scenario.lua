-- scenario.lua -- tegn.scenario from scripts: the hand-worked N+2 chain of
-- test_scenario.c (10 full places, 2025-2028) through the Lua keys under both
-- built-in rule sets, capacity steps given as dates, the per-replication
-- table, seeding from the run and from seed =, and the error messages.
-- Format: tests/lua/README.md.

-- the tilbud of test_scenario_chain_by_hand: nobody moves in or out
function full(extra)
  local t = { id = 'T', normerede_pladser = 10, start_belagt = 10, henvisninger = 0,
    liggetid = { fordeling = 'gamma', middel = 1e12, sd = 0 },
    omkostninger = { direkte_loen = 9000000, direkte_drift = 1000000,
                     ejendom = 500000, tilsyn = 0 },
    historik = { [2022] = 0.90, [2023] = 0.90, [2024] = 0.96 },
    regulering = { [2025] = 100000, [2026] = -50000 } }
  for k, v in pairs(extra or {}) do t[k] = v end
  return t
end

function show(s)
  for _, r in ipairs(s:rows()) do
    print(r.tilbud_id, r.aar, r.doegntakst_p5, r.doegntakst_p95, r.takstgrundlag_gns,
          r.resultat_p50, r.regulering_p50, r.regulering_n2_p50, r.p_uden_for_graense)
  end
end

-- case: the N+2 chain by hand under BEK2022 and national2027
-- expected: the hand calculation in test_scenario.c
local opts = { start_aar = 2025, aar = 4, replikationer = 3, tilbud = { full() } }
show(tegn.scenario.run(opts))
opts.regler = 'national2027'
show(tegn.scenario.run(opts))
-- expect:
T	2025	3239.0	3239.0	11230000.0	592350.0	-30850.0	100000.0	1.0
T	2026	3195.0	3195.0	11080000.0	20250.0	0.0	-50000.0	0.0
T	2027	3103.0	3103.0	11099150.0	206550.0	0.0	-30850.0	0.0
T	2028	3103.0	3103.0	11130000.0	20430.0	0.0	0.0	0.0
T	2025	3239.0	3239.0	11230000.0	592350.0	-592350.0	100000.0	1.0
T	2026	3195.0	3195.0	11080000.0	581750.0	-581750.0	-50000.0	1.0
T	2027	2946.0	2946.0	10537650.0	215250.0	-215250.0	-592350.0	1.0
T	2028	2941.0	2941.0	10548250.0	215810.0	-215810.0	-581750.0	1.0

-- case: a capacity cut given as a date, a rule set object, per-replication rows
-- the cut of test_scenario_capacity_by_hand
local s, rows = tegn.scenario.run{ regler = tegn.takst.rules('BEK2022'),
  start_aar = 2026, aar = 1, replikationer = 2, per_replikation = true,
  tilbud = { { id = 'cut', normerede_pladser = 25, start_belagt = 21,
    kapacitet = { { fra = '2026-07-01', pladser = 21 } },
    henvisninger = 0, liggetid = { fordeling = 'lognormal', middel = 1e12, sd = 0 },
    omkostninger = { direkte_loen = 20000000, direkte_drift = 2000000,
                     ejendom = 1000000, tilsyn = 50000 },
    omkostninger_aar = 2025, pl_pct = 2, variabel_andel = 0.6,
    historik = { [2023] = 0.97, [2024] = 0.96 } } } }
local r = s:rows()[1]
print(r.mulige_dage, r.omkostninger, r.doegntakst_p50, r.resultat_p50,
      r.regulering_p50, string.format('%.5f', r.normerede_pladser))
print(#rows, #rows:columns(), rows:rows()[2].replikation,
      rows:rows()[2].belaegningsdage, rows:rows()[2].belagte_dage)
-- expect:
8389.0	23767469.0	2936.0	-1263029.0	74656.0	22.98356
2	16	2	8095.385	7665.0

-- case: seeds: without seed = the run's seed, so two calls agree; seed = 99 differs
-- params: x=1
local function busy(seed) return tegn.scenario.run{ start_aar = 2026, aar = 2,
  replikationer = 50, seed = seed, tilbud = { { id = 'A', normerede_pladser = 12,
  henvisninger = 20, liggetid = { middel = 200 }, budget_belaegning = 0.95,
  omkostninger = { direkte_loen = 12000000 } } } } end
local function key(s) local r = s:rows()[2]
  return string.format('%.3f %.3f', r.resultat_gns, r.belaegning_p50) end
print(key(busy()) == key(busy()), key(busy()) ~= key(busy(99)))
-- expect:
true	true

-- case: error: unknown option 'henvisning'; did you mean 'henvisninger'?
tegn.scenario.run{ start_aar = 2025, tilbud = { full{ henvisning = 3 } } }
-- error contains:
unknown option 'henvisning'; did you mean 'henvisninger'?

-- case: error: scenario.run: tilbud 'T': 'henvisninger' is required
local t = full(); t.henvisninger = nil
tegn.scenario.run{ start_aar = 2025, tilbud = { t } }
-- error:
script.lua:2: scenario.run: tilbud 'T': 'henvisninger' is required

-- case: error: scenario.run: tilbud 'T': kapacitet[1]: 'fra' must be a date ("YYYY-MM-DD" or tegn.date), got '2025-13-01'
tegn.scenario.run{ start_aar = 2025, tilbud = { full{
  kapacitet = { { fra = '2025-13-01', pladser = 4 } } } } }
-- error:
script.lua:1: scenario.run: tilbud 'T': kapacitet[1]: 'fra' must be a date ("YYYY-MM-DD" or tegn.date), got '2025-13-01'

-- case: error: omkostninger: unknown option 'regulering_n2'
tegn.scenario.run{ start_aar = 2025, tilbud = { full{
  omkostninger = { regulering_n2 = 5 } } } }
-- error contains:
omkostninger: unknown option 'regulering_n2'

-- case: error: no rule set 'BEK2099'
tegn.scenario.run{ start_aar = 2025, regler = 'BEK2099', tilbud = { full() } }
-- error contains:
no rule set 'BEK2099'

-- case: error: two tilbud have the id 'T'
tegn.scenario.run{ start_aar = 2025, tilbud = { full(), full() } }
-- error contains:
two tilbud have the id 'T'

-- case: error: historik must be years before 2025
tegn.scenario.run{ start_aar = 2025, tilbud = { full{ historik = { [2025] = 1 } } } }
-- error contains:
historik must be years before 2025

-- case: error: tilbud 'T': no actual occupancy to budget 2025 on
tegn.scenario.run{ start_aar = 2025, tilbud = { full{ historik = {} } } }
-- error contains:
tilbud 'T': no actual occupancy to budget 2025 on

-- case: error: regulering: a year outside the scenario's
tegn.scenario.run{ start_aar = 2025, aar = 1, tilbud = { full{
  regulering = { [2026] = 1 } } } }
-- error:
script.lua:1: scenario.run: tilbud 'T': 'regulering' must be keyed by a year from 2025 to 2025, got 2026

-- case: tables by year: the errors of the reader tegn.takst shares
local function run(extra)
  print(select(2, pcall(tegn.scenario.run, { start_aar = 2025, aar = 2,
    tilbud = { full(extra) } })))
end
run{ historik = { [2024] = 'x' } }
run{ historik = { x = 0.9 } }
run{ historik = { [1970] = 0.9, [2024] = 0.9 } }
run{ engangsudgifter = 5 }
run{ engangsudgifter = { [2025] = 0 / 0 } }
-- expect:
script.lua:2: scenario.run: tilbud 'T': 'historik[2024]' must be a number, got 'x'
script.lua:2: scenario.run: tilbud 'T': 'historik' must be keyed by year (a whole number from 1 to 9999), got 'x'
script.lua:2: scenario.run: tilbud 'T': 'historik' spans more than 50 years
script.lua:2: scenario.run: tilbud 'T': 'engangsudgifter' must be a table { [year] = number }, got 5
script.lua:2: scenario.run: tilbud 'T': 'engangsudgifter[2025]' must be a number, got nan

-- case: the defaults run
tegn.scenario.run{ start_aar = 2025, tilbud = { full() } }
print('ok')
-- expect:
ok

-- case: tilbud must be a list, at the script line
tegn.scenario.run{ start_aar = 2025, tilbud = 3 }
-- error contains:
script.lua:1:

-- case: error: places are whole, and the message names the tilbud
tegn.scenario.run{ start_aar = 2025, tilbud = { full{ normerede_pladser = 2.5 } } }
-- error:
script.lua:1: scenario.run: tilbud 'T': 'normerede_pladser' must be a whole number from 0 to 1000000, got 2.5

-- case: error: a NaN is refused
tegn.scenario.run{ start_aar = 2025, tilbud = { full{ pl_pct = 0/0 } } }
-- error:
script.lua:1: scenario.run: tilbud 'T': 'pl_pct' must be a number, got nan

-- case: error: start_aar is a whole year
tegn.scenario.run{ start_aar = 2025.5, tilbud = { full() } }
-- error:
script.lua:1: scenario.run: 'start_aar' must be a whole number from 1900 to 9000, got 2025.5

-- case: one liggetid reader: an empirical distribution works here as in tegn.sim
-- expected: the N+2 chain by hand (BEK2022) again: every observed stay is far
-- longer than the four years, so as with the gamma of full() nobody moves out
local opts = { start_aar = 2025, aar = 4, replikationer = 3, tilbud = { full{
  liggetid = { fordeling = 'empirisk', dage = { 1e12, 1e12 } } } } }
show(tegn.scenario.run(opts))
-- expect:
T	2025	3239.0	3239.0	11230000.0	592350.0	-30850.0	100000.0	1.0
T	2026	3195.0	3195.0	11080000.0	20250.0	0.0	-50000.0	0.0
T	2027	3103.0	3103.0	11099150.0	206550.0	0.0	-30850.0	0.0
T	2028	3103.0	3103.0	11130000.0	20430.0	0.0	0.0	0.0

-- case: one liggetid reader: eksponentiel needs no sd (its sd is its mean)
local s = tegn.scenario.run{ start_aar = 2025, aar = 2, replikationer = 1, tilbud = { full{
  liggetid = { middel = 1e12 } } } }
print(#s)
-- expect:
2

-- case: error: one liggetid reader: lognormal needs sd, in the words tegn.sim uses
tegn.scenario.run{ start_aar = 2025, tilbud = { full{
  liggetid = { fordeling = 'lognormal', middel = 400 } } } }
-- error:
script.lua:1: scenario.run: tilbud 'T': a lognormal 'liggetid' needs 'sd' (days)

-- case: error: one liggetid reader: middel is required
tegn.scenario.run{ start_aar = 2025, tilbud = { full{ liggetid = { sd = 3 } } } }
-- error:
script.lua:1: scenario.run: tilbud 'T': 'liggetid' needs 'middel' (days)

-- case: the old name venteliste_max still works for one release, with a warning
local s = tegn.scenario.run{ start_aar = 2025, aar = 2, replikationer = 1, tilbud = { full{
  venteliste_max = 3 } } }
print(#s)
-- expect:
script.lua:1: warning: scenario.run: tilbud 'T': 'venteliste_max' is now called 'max_venteliste'; the old name works until the next release
2

-- case: a tilbud, its id, capacity and seasons are named when wrong
local function run(t) print(select(2, pcall(tegn.scenario.run, { start_aar = 2025, tilbud = t }))) end
run{ full(), 'x' }
run{ full{ id = 3 } }
run{ full{ kapacitet = 5 } }
run{ full{ saeson = { 1, 2 } } }
-- expect:
script.lua:1: scenario.run: 'tilbud[2]' must be a table, got 'x'
script.lua:1: scenario.run: 'tilbud.id' must be a string, got 3
script.lua:1: scenario.run: tilbud 'T': 'kapacitet' must be a list of { fra = 'YYYY-MM-DD', pladser = n }, got 5
script.lua:1: scenario.run: tilbud 'T': 'saeson' must be a list of 12 factors (January..December), got a table

-- case: cost uncertainty: a normal direkte_loen gives a normal resultat (issue 18)
-- Under national2027 the full tilbud's resultat 2025 is 592,350 less the drawn
-- deviation: N(592,350, 400,000^2), so p5 and p95 are 592,350 -/+ 1.6449 x
-- 400,000 = -65,604 and 1,250,304; 4,000 replications, fixed seed: the mean
-- within 4 standard errors (25,298), the percentiles within 4 of theirs
-- (sqrt(0.05 x 0.95 / 4,000) / phi(1.6449) x 400,000 = 13,365).
local s = tegn.scenario.run{ start_aar = 2025, aar = 2, replikationer = 4000, seed = 5,
  regler = 'national2027', tilbud = { full{ omkostninger_usikkerhed = {
    direkte_loen = { fordeling = 'normal', sd = 400000 } } } } }
local r = s:rows()[1]
print(math.abs(r.resultat_gns - 592350) < 25298,
      math.abs(r.resultat_p5 - (592350 - 1.6449 * 400000)) < 53460,
      math.abs(r.resultat_p95 - (592350 + 1.6449 * 400000)) < 53460)
-- expect:
true	true	true

-- case: cost uncertainty: a triangular ejendom moves the mean by (min + typisk + max) / 3
-- (-100,000 + 0 + 500,000) / 3 = 133,333: resultat mean 459,017; sd 131,233, so
-- 4 standard errors over 4,000 replications are 8,300.
local s = tegn.scenario.run{ start_aar = 2025, aar = 2, replikationer = 4000, seed = 5,
  regler = 'national2027', tilbud = { full{ omkostninger_usikkerhed = {
    ejendom = { fordeling = 'trekant', min = -100000, typisk = 0, max = 500000 } } } } }
print(math.abs(s:rows()[1].resultat_gns - 459017) < 8300)
-- expect:
true

-- case: cost uncertainty: the errors name the tilbud and the line
local function run(u, omk)
  local t = full{ omkostninger_usikkerhed = u }
  if omk then t.omkostninger = omk end
  print(select(2, pcall(tegn.scenario.run, { start_aar = 2025, aar = 2, replikationer = 1,
    tilbud = { t } })))
end
run{ loen = { sd = 1 } }
run{ direkte_loen = { fordeling = 'normal' } }
run{ direkte_loen = { fordeling = 'uniform', sd = 1 } }
run{ direkte_loen = { fordeling = 'trekant', min = 0, typisk = 1, max = 2, sd = 3 } }
run{ direkte_loen = { fordeling = 'trekant', min = 0, max = 2 } }
run{ direkte_loen = { fordeling = 'normal', sd = 1, max = 2 } }
run{ direkte_loen = { fordeling = 'lognormal', sd = 1, middel = 2 } }
run{ overhead = { sd = 1000 } }
run{ direkte_loen = 5 }
-- expect:
script.lua:4: scenario.run: tilbud 'T': omkostninger_usikkerhed: 'loen' is not an omkostningstype
script.lua:4: scenario.run: tilbud 'T': omkostninger_usikkerhed.direkte_loen: 'sd' is required
script.lua:4: scenario.run: tilbud 'T': omkostninger_usikkerhed.direkte_loen: 'fordeling' must be one of 'normal', 'lognormal' or 'trekant', got 'uniform'
script.lua:4: scenario.run: tilbud 'T': omkostninger_usikkerhed.direkte_loen: a triangular cost takes min, typisk and max, not sd or middel
script.lua:4: scenario.run: tilbud 'T': omkostninger_usikkerhed.direkte_loen: 'typisk' is required
script.lua:4: scenario.run: tilbud 'T': omkostninger_usikkerhed.direkte_loen: min, typisk and max belong to fordeling = "trekant"
script.lua:4: scenario.run: tilbud 'T': omkostninger_usikkerhed.direkte_loen: a lognormal cost has the budget line as its mean; no middel
script.lua:4: scenario.run: tilbud 'T': omkostninger_usikkerhed.overhead: an uncertain cost needs its line in omkostninger (not 0)
script.lua:4: scenario.run: tilbud 'T': 'omkostninger_usikkerhed.direkte_loen' must be a table like { fordeling = "normal", sd = kroner }, got 5
