-- takst.lua -- tegn.takst from scripts: rule sets and their overrides,
-- example E through compute and regulate, compute_table over the bundled
-- tegn.sqlite compared with its published takster, the small functions, and
-- the error messages. Expected values are the hand calculations of
-- test_takst.c (the domain brief's example E) or come from SQL over the
-- bundled data. Format: tests/lua/README.md.

-- example E of the domain brief
E = { aar = 2023, normerede_pladser = 20, budget_belaegning = 0.95,
  omkostninger = { direkte_loen = 28000000, tilsyn = 0, afskrivning = 600000,
    forrentning = 250000, regulering_n2 = 400000 } }

-- case: compute: example E under BEK2022, the unrounded month, national2027
local r = tegn.takst.compute(E)
print(r.regler, r.takstgrundlag, r.belaegningsdage, r.doegntakst,
  r.maanedstakst, r.omkostninger.overhead, r.basistakst)
print(string.format('%.5f', r.doegntakst_uafrundet))
E.regler = tegn.takst.rules('BEK2022', { maanedstakst_af = 'uafrundet' })
print(tegn.takst.compute(E).maanedstakst)
E.maanedsfaktor = 30.5
print(tegn.takst.compute(E).maanedstakst)
E.regler = 'national2027'
r = tegn.takst.compute(E)
print(r.regler, r.basistakst, r.servicetakst)
-- expect:
BEK2022	30930000	6935	4460	135658.33	1680000	nil
4459.98558
135657.89
136029.56
national2027	365	4095

-- case: regulate: example E
-- the brief's -1,256,737 needs the unrounded quotient; the charged 4,460
-- gives -1,256,640; the -8 % case is split (see test_takst.c)
local t = tegn.takst.compute(E)
local function show(g) print(g.provenu, g.resultat,
  string.format('%.2f', g.resultat_pct), g.graense, g.driftsramme,
  g.regulering, g.aar_regulering) end
local a = { aar = 2023, belagte_dage = 6716, doegntakst = t.doegntakst_uafrundet,
  regnskab = 31210000, takstgrundlag = t.takstgrundlag }
show(tegn.takst.regulate(a))
a.doegntakst = t.doegntakst
show(tegn.takst.regulate(a))
a.belagte_dage = 6443
a.regnskab = { direkte_loen = 28280000, overhead = 1680000,
  afskrivning = 600000, forrentning = 250000, regulering_n2 = 400000 }
show(tegn.takst.regulate(a))
a.regler = tegn.takst.rules{ overfoersel_grundlag = 'omkostninger' }
a.budget_regulering = 400000
show(tegn.takst.regulate(a))
a.regler = 'national2027'
show(tegn.takst.regulate(a))
-- expect:
29953263	-1256737	-4.06	1546500	-1256737	0	2025
29953360	-1256640	-4.06	1546500	-1256640	0	2025
28735780	-2474220	-8.00	1546500	-1546500	927720	2025
28735780	-2474220	-8.10	1526500	-1526500	947720	2025
28735780	-2474220	-8.00	0	0	2474220	2025

-- case: rules: the fields, overrides, names, rule_sets, table()
local r = tegn.takst.rules('BEK2022')
print(r, r.navn, r.version, r.belaegning_min, r.belaegning_max,
  r.takstdage, r.overfoersel_pct, r.overfoersel_grundlag, r.regulering_aar)
print(table.concat(r.overhead_grundlag, ','), #r.basistakst_grundlag,
  table.concat(r.tilsyn_gebyr, ','), table.concat(r.deltid, ','))
local d = tegn.takst.rules(r, { overfoersel_pct_underskud = 3, takstdage = 334,
  deltid = { 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1 } })
print(d.navn, d.overfoersel_pct, d.overfoersel_pct_overskud,
  d.overfoersel_pct_underskud, d.takstdage, d.deltid[1])
print(tegn.takst.rules(d, { navn = 'mine' }).navn, tegn.takst.rules(d).navn)
print(table.concat(tegn.takst.rule_sets(), ','))
local t = tegn.takst.rules('national2027'):table()
print(t.navn, t.overfoersel_pct, table.concat(t.basistakst_grundlag, ','))
-- expect:
tegn.TakstRules(BEK2022 v1)	BEK2022	1	0.95	0.98	kalender	5.0	takstgrundlag	2
direkte_loen,direkte_drift,ejendom	0	39448,47338,78896,118344	0.6,0.6,0.85,1.0,1.0,1.0,1.0
BEK2022*	nil	5.0	3.0	334	0.5
mine	BEK2022*
BEK2022,national2027
national2027	0.0	ejendom,overhead,tilsyn,afskrivning,forrentning

-- case: rules error: no rule set 'BEK2021'
tegn.takst.rules('BEK2021')
-- error contains:
no rule set 'BEK2021'

-- case: rules error: did you mean 'overfoersel_pct'?
tegn.takst.rules('BEK2022', { overfoersel_pst = 3 })
-- error contains:
did you mean 'overfoersel_pct'?

-- case: rules error: belaegning_max must be
tegn.takst.rules{ belaegning_max = 0.9 }
-- error contains:
belaegning_max must be

-- case: rules error: unknown omkostningstype 'loen'
tegn.takst.rules{ overhead_grundlag = { 'loen' } }
-- error:
script.lua:1: rules: 'overhead_grundlag[1]' must be an omkostningstype, got 'loen'

-- case: rules error: 'doegntakst' or 'uafrundet'
tegn.takst.rules{ maanedstakst_af = 'x' }
-- error contains:
'doegntakst' or 'uafrundet'

-- case: rules error: list of 7 numbers
tegn.takst.rules{ deltid = { 1, 2 } }
-- error contains:
list of 7 numbers

-- case: rules error: no field 'carry'
local x = tegn.takst.rules().carry
-- error contains:
no field 'carry'

-- case: budget_belaegning from history: mean of N-2 and N-3, 3 decimals, clamped
local h = { [2020] = 0.9634, [2021] = 0.9701, [2022] = 0.92,
  [2023] = 0.93 }
print(tegn.takst.budget_belaegning{ aar = 2023, historik = h },
  tegn.takst.budget_belaegning{ aar = 2025, historik = h },
  tegn.takst.budget_belaegning{ aar = 2025, historik = h, akut = true })
E.budget_belaegning = nil
E.historik = { [2020] = 0.95, [2021] = 0.95 }
local r = tegn.takst.compute(E)
print(r.budget_belaegning, r.doegntakst)
-- expect:
0.967	0.95	0.925
0.95	4460

-- case: budget_belaegning: missing years
tegn.takst.budget_belaegning{ aar = 2030, historik = { [2020] = 0.9 } }
-- error contains:
no actual occupancy for 2027-2028

-- case: historik: the errors of the reader tegn.scenario shares; empty is refused here
local function bb(h)
  print(select(2, pcall(tegn.takst.budget_belaegning, { aar = 2025, historik = h })))
end
bb{}
bb{ [2023] = true }
bb{ [2023.5] = 0.9 }
bb{ [1900] = 0.9, [2023] = 0.9 }
bb'x'
-- expect:
script.lua:2: takst.budget_belaegning: 'historik' must be a table { [year] = number } with a year, got a table
script.lua:2: takst.budget_belaegning: 'historik[2023]' must be a number, got true
script.lua:2: takst.budget_belaegning: 'historik' must be keyed by year (a whole number from 1 to 9999), got 2023.5
script.lua:2: takst.budget_belaegning: 'historik' spans more than 100 years
script.lua:2: takst.budget_belaegning: 'historik' must be a table { [year] = number }, got 'x'

-- case: compute: both budget_belaegning and historik
E.historik = { [2020] = 0.9 }
tegn.takst.compute(E)
-- error contains:
either budget_belaegning or historik

-- case: compute_table: every takst in tegn.sqlite equals the published one
-- mismatches against the published table counted by a join (SQL says 253 rows)
local col = tegn.col
local p = tegn.read_sqlite(TEGN_DB, 'takst_param')
local b = tegn.read_sqlite(TEGN_DB, 'takst_budget')
local t = tegn.takst.compute_table(p, b)
local pub = tegn.read_sqlite(TEGN_DB, 'takst')
local j = t:join(pub, { on = { 'aar', 'tilbud_id' } })
print(#t, #j, #j:filter(col'doegntakst':ne(col'doegntakst_kr')))
print(table.concat(t:columns(), ','))
local n = tegn.takst.compute_table(p, b, 'national2027')
print(#n:filter(col'basistakst':is_null()))
-- expect:
253	253	0
aar,tilbud_id,takstgrundlag,belaegningsdage,doegntakst_uafrundet,maanedstakst,doegntakst,basistakst,servicetakst
0

-- case: compute_table: a budget without omkostningstype
local p = tegn.read_sqlite(TEGN_DB, 'takst_param')
tegn.takst.compute_table(p, p)
-- error contains:
omkostningstype

-- case: one half-up rule: the takst code and :round() in a script agree
-- 1.15 x 50 is 57.49999999999999 in binary; the takst code (here
-- ydelsespakke's pris) and :round() both round it to 58; before they shared
-- tg_num_round_f64 the script got 57
local col = tegn.col
local y = tegn.takst.ydelsespakke{ timer_fra = 0, timer_til = 2.3, timepris = 50 }
local t = tegn.read_sqlite(TEGN_DB, 'takst_param'):filter(col'aar':eq(2019))
local d = t:derive{ pris = ((col'aar' * 0 + y.timer) * 50):round() }
print(y.pris, #d:filter(col'pris':eq(y.pris)) == #d)
-- expect:
58	true

-- case: the small functions: ydelsespakke, tillaeg, moms_refusion, deltid
local y = tegn.takst.ydelsespakke{ timer_fra = 5, timer_til = 10,
  timepris = 402, periode_dage = 7 }
print(y.timer, y.pris, y.pris_pr_dag)
y = tegn.takst.ydelsespakke{ timer_fra = 0, timer_til = 1, timepris = 401 }
print(y.pris, y.pris_pr_dag)
print(tegn.takst.tillaeg{ timer = 3, tillaegstakst = 393.76 })
print(tegn.takst.moms_refusion{ takst = 1000, momsbelagt_andel = 0.25 })
print(tegn.takst.deltid{ takst = 1235, dage_pr_uge = 3 },
  tegn.takst.deltid{ takst = 1235, dage_pr_uge = 2 })
-- expect:
7.5	3015	431
201	nil
1181.28
50
1050	741

-- case: error: takst.deltid: 'dage_pr_uge' must be a whole number from 1 to 7, got 9
tegn.takst.deltid{ takst = 1000, dage_pr_uge = 9 }
-- error:
script.lua:1: takst.deltid: 'dage_pr_uge' must be a whole number from 1 to 7, got 9

-- case: error: ydelsespakke timer_fra <= timer_til
tegn.takst.ydelsespakke{ timer_fra = 5, timer_til = 1, timepris = 1 }
-- error contains:
timer_fra <= timer_til

-- case: error: moms_refusion between 0 and 1
tegn.takst.moms_refusion{ takst = 1000, momsbelagt_andel = 25 }
-- error:
script.lua:1: takst.moms_refusion: 'momsbelagt_andel' must be a number from 0 to 1, got 25

-- case: compute: omkostninger is required, at the script line

tegn.takst.compute{ normerede_pladser = 20, budget_belaegning = 0.95 }
-- error:
script.lua:2: takst.compute: 'omkostninger' is required

-- case: error: unknown option 'loen'
tegn.takst.compute{ normerede_pladser = 20, budget_belaegning = 0.95,
  aar = 2023, omkostninger = { loen = 1 } }
-- error contains:
unknown option 'loen'

-- case: error: indtaegt must be 0 or negative
tegn.takst.compute{ normerede_pladser = 20, budget_belaegning = 0.95,
  aar = 2023, omkostninger = { indtaegt = 5 } }
-- error contains:
indtaegt must be 0 or negative

-- case: error: no rule set 'x'
tegn.takst.compute{ regler = 'x', normerede_pladser = 20,
  budget_belaegning = 0.95, omkostninger = {} }
-- error contains:
no rule set 'x'

-- case: error: unknown option 'pladser'
tegn.takst.compute{ pladser = 20 }
-- error contains:
unknown option 'pladser'

-- case: error: takst.regulate: 'belagte_dage' is required
tegn.takst.regulate{ aar = 2023, doegntakst = 4460, regnskab = 1,
  takstgrundlag = 1 }
-- error:
script.lua:1: takst.regulate: 'belagte_dage' is required

-- case: error: a NaN is refused where a number is required
tegn.takst.compute{ normerede_pladser = 0/0, budget_belaegning = 0.95 }
-- error:
script.lua:1: takst.compute: 'normerede_pladser' must be a number, got nan

-- case: error: an infinite takst
tegn.takst.moms_refusion{ takst = 1/0, momsbelagt_andel = 0.25 }
-- error:
script.lua:1: takst.moms_refusion: 'takst' must be a number, got inf

-- case: error: days a week are whole
tegn.takst.deltid{ takst = 1000, dage_pr_uge = 2.5 }
-- error:
script.lua:1: takst.deltid: 'dage_pr_uge' must be a whole number from 1 to 7, got 2.5

-- case: rule fields, tillaeg and omkostningstyper name the bad value
print(select(2, pcall(tegn.takst.rules, { navn = '' })))
print(select(2, pcall(tegn.takst.rules, { takstdage = 'alle' })))
print(select(2, pcall(tegn.takst.rules, { overhead_grundlag = 'loen' })))
print(select(2, pcall(tegn.takst.tillaeg, { timer = -1, tillaegstakst = 300 })))
-- expect:
script.lua:1: rules: 'navn' must be a string of 1 to 31 bytes, got ''
script.lua:2: rules: 'takstdage' must be 'kalender' or a number of days, got 'alle'
script.lua:3: rules: 'overhead_grundlag' must be a list of omkostningstyper, got 'loen'
script.lua:4: takst.tillaeg: 'timer' must be a number >= 0, got -1

-- case: rules names its base and overrides arguments
print(select(2, pcall(tegn.takst.rules, 5)))
print(select(2, pcall(tegn.takst.rules, 'BEK2022', 5)))
print(select(2, pcall(tegn.takst.compute, { regler = 5 })))
-- expect:
script.lua:1: rules: 'base' must be a rule set (tegn.takst.rules) or its name, got 5
script.lua:2: rules: 'overrides' must be a table, got 5
script.lua:3: takst.compute: 'regler' must be a rule set (tegn.takst.rules) or its name, got 5
