-- disclosure.lua -- the disclosure rules of tegn.indicator (docs/disclosure.md):
-- the count and its complement, the named rule sets per indicator and per
-- run, zeros, rounding, dominance, and secondary suppression against a
-- total the groups are part_of. The data is lualib/sdc/andele.csv, worked by
-- hand: 2024 B is 3 of 30 (a count of 1-4), 2025 A is 97 of 100 (3 do not:
-- the complement), 2025 E is 0 of 20.

function spec(t)
  local s = { id = 't.x', title = 'T', strategy = 's', goal = 'g', direction = 'up',
    unit = 'u', by = 'tilbud_id', period = 'aar' }
  for k, v in pairs(t) do s[k] = v end
  return s
end
function andele(data)
  return data.andele:rename{ numerator = 'num', denominator = 'den' }
end
function total(data)
  return data.andele:group_by{ 'aar' }:agg{ numerator = tegn.sum'num', denominator = tegn.sum'den' }
end
function show(s)
  for _, r in ipairs(s:rows()) do print(r.tilbud_id, r.aar, r.numerator, r.suppressed) end
end

-- case: the default rules hide a count of 1-4 and a complement of 1-4, and show a zero
-- params: datasets=FIXTURES/lualib/sdc
show(tegn.indicator(spec{ compute = andele }))
-- expect:
A	2024	40.0	false
A	2025	nil	true
B	2024	nil	true
B	2025	10.0	false
C	2024	20.0	false
C	2025	25.0	false
D	2024	25.0	false
D	2025	30.0	false
E	2024	5.0	false
E	2025	0.0	false

-- case: part_of a total: the cheapest further group is hidden in each year
-- params: datasets=FIXTURES/lualib/sdc
-- by hand: 2024 B alone would be the total's 93 less the rest; E (n 20) is
-- the smallest shown; 2025 A likewise, E again (0 of 20, its n the least)
tegn.indicator(spec{ id = 't.total', by = {}, compute = total })
show(tegn.indicator(spec{ part_of = 't.total', compute = andele }))
-- expect:
A	2024	40.0	false
A	2025	nil	true
B	2024	nil	true
B	2025	10.0	false
C	2024	20.0	false
C	2025	25.0	false
D	2024	25.0	false
D	2025	30.0	false
E	2024	nil	true
E	2025	nil	true

-- case: the "dst" set: a minimum of 3, so 3 of 30 and 97 of 100 are shown
-- params: datasets=FIXTURES/lualib/sdc
show(tegn.indicator(spec{ disclosure = 'dst', compute = andele }):filter(tegn.col'aar':eq(2025)))
-- expect:
A	2025	97.0	false
B	2025	10.0	false
C	2025	25.0	false
D	2025	30.0	false
E	2025	0.0	false

-- case: the rule set for a whole run: --param disclosure=dst
-- params: datasets=FIXTURES/lualib/sdc disclosure=dst
show(tegn.indicator(spec{ compute = andele }):filter(tegn.col'tilbud_id':eq('B')))
-- expect:
B	2024	3.0	false
B	2025	10.0	false

-- case: an indicator's own setting wins over the run's
-- params: datasets=FIXTURES/lualib/sdc disclosure=dst
show(tegn.indicator(spec{ disclosure = { rules = 'tegn' }, compute = andele })
  :filter(tegn.col'tilbud_id':eq('B')))
-- expect:
B	2024	nil	true
B	2025	10.0	false

-- case: zero = "hide" hides 0 of 20 (everyone in the group answered no)
-- params: datasets=FIXTURES/lualib/sdc
show(tegn.indicator(spec{ disclosure = { zero = 'hide' }, compute = andele })
  :filter(tegn.col'tilbud_id':eq('E')))
-- expect:
E	2024	5.0	false
E	2025	nil	true

-- case: round_to = 5 rounds the published counts half up
-- params: datasets=FIXTURES/lualib/sdc
local s = tegn.indicator(spec{ disclosure = { rules = 'dst', round_to = 5 }, compute = andele })
for _, r in ipairs(s:filter(tegn.col'aar':eq(2025)):rows()) do
  print(r.tilbud_id, r.numerator, r.denominator)
end
-- expect:
A	95.0	100.0
B	10.0	30.0
C	25.0	50.0
D	30.0	60.0
E	0.0	20.0

-- case: a sum dominated by its largest part is hidden (p %-rule, p = 10)
-- params: datasets=FIXTURES/lualib/sdc
-- by hand: A 2025: 97 with parts 72.75 and 19.4: the other 4.85 are under
-- 10 % of 72.75; every sum split so is dominated, a sum of 0 has no parts
local s = tegn.indicator(spec{ kind = 'rate', compute = function(data)
  return andele(data):derive{ top1 = tegn.col'numerator' * 0.75, top2 = tegn.col'numerator' * 0.2,
    parts = 10 } end })
for _, r in ipairs(s:filter(tegn.col'aar':eq(2025)):rows()) do print(r.tilbud_id, r.suppressed) end
-- expect:
A	true
B	true
C	true
D	true
E	false

-- case: the p %-rule can be switched off
-- params: datasets=FIXTURES/lualib/sdc
local s = tegn.indicator(spec{ kind = 'rate', disclosure = { p_percent = false },
  compute = function(data)
    return andele(data):derive{ top1 = tegn.col'numerator' * 0.75, parts = 10 } end })
print(#s:filter(tegn.col'suppressed'):rows())
-- expect:
1

-- case: an unknown rule set
-- params: datasets=FIXTURES/lualib/sdc
tegn.indicator(spec{ disclosure = 'dts', compute = andele })
-- error contains:
indicator: unknown disclosure rules 'dts' (known: tegn, dst)

-- case: part_of an indicator not defined
-- params: datasets=FIXTURES/lualib/sdc
tegn.indicator(spec{ part_of = 't.total', compute = andele })
-- error contains:
indicator 't.x': part_of 't.total' is not an indicator without 'by' defined before this one

-- case: part_of a total the groups do not add up to
-- params: datasets=FIXTURES/lualib/sdc
tegn.indicator(spec{ id = 't.total', by = {}, compute = function(data)
  return total(data):derive{ denominator = tegn.col'denominator' + 1 } end })
tegn.indicator(spec{ part_of = 't.total', disclosure = 'dst', compute = andele })
-- error contains:
the groups of period 2024 add up to 260, not to the total's 261

-- case: t:suppress on a count table: 1-4, all but 1-4, then the cheapest count of the year
-- params: datasets=FIXTURES/lualib/sdc
-- by hand: 2024 b = 3 alone would be 53 - 50: a (20) goes too; 2025 a = 2,
-- b = 1, and c = 30 of 33 (3 others); d = 0 is shown
local s = tegn.read_csv(FIXTURES .. 'lualib/sdc/aarsager.csv')
  :suppress{ count = 'antal', within = { 'aar' }, mark = 'skjult' }
dump(s)
-- expect:
2024|a|NULL|true
2024|b|NULL|true
2024|c|30|false
2025|a|NULL|true
2025|b|NULL|true
2025|c|NULL|true
2025|d|0|false

-- case: t:suppress with the "dst" set: 3 is shown, 2 and 1 are not (their sum 3 leaves each 1 or 2)
-- params: datasets=FIXTURES/lualib/sdc
local s = tegn.read_csv(FIXTURES .. 'lualib/sdc/aarsager.csv')
  :suppress{ count = 'antal', within = { 'aar' }, rules = 'dst' }
print(table.concat(s:columns(), ','))
dump(s)
-- expect:
aar,aarsag,antal,suppressed
2024|a|20|false
2024|b|3|false
2024|c|30|false
2025|a|NULL|true
2025|b|NULL|true
2025|c|30|false
2025|d|0|false

-- case: t:suppress needs whole numbers
-- params: datasets=FIXTURES/lualib/sdc
tegn.read_csv(FIXTURES .. 'lualib/sdc/aarsager.csv'):suppress{ count = 'aarsag' }
-- error contains:
suppress: column 'aarsag' must hold whole numbers, not string

-- case: funnel = true: a step less the next of 1-4 is hidden by hiding the step before it
-- params: datasets=FIXTURES/lualib/sdc
-- by hand: 2024 1_a is 38 of 40 (the complement 2); 2_b less 3_c is 30 - 28 = 2 who
-- stopped at 3_c, which 2_b and 3_c shown would give: 2_b (the lower step) is
-- hidden, and 3_c, whose stop is then 2_b - 28 with 2_b at least 5, stays
function trin(data)
  return data.trin:filter(tegn.col'aar':eq(2024)):rename{ numerator = 'x', denominator = 'n' }
end
local plain = tegn.indicator(spec{ id = 't.plain', by = 'trin', compute = trin })
local s = tegn.indicator(spec{ id = 't.funnel', by = 'trin', funnel = true, compute = trin })
for i, r in ipairs(s:rows()) do print(r.trin, plain:rows()[i].suppressed, r.suppressed) end
-- expect:
1_a	true	true
2_b	false	true
3_c	false	false
4_d	false	false

-- case: funnel = true refuses a step larger than the one before it
-- params: datasets=FIXTURES/lualib/sdc
tegn.indicator(spec{ id = 't.funnel', by = 'trin', funnel = true, compute = function(data)
  return data.trin:rename{ numerator = 'x', denominator = 'n' } end })
-- error contains:
funnel: a step has more (31) than the step before it (25) in period 2025

-- case: details as a function get the published series: which periods it hides
-- params: datasets=FIXTURES/lualib/sdc
tegn.indicator(spec{ id = 't.d', by = 'trin', funnel = true, compute = function(data)
  return data.trin:filter(tegn.col'aar':eq(2024)):rename{ numerator = 'x', denominator = 'n' },
    function(serie)
      local skjult = serie:filter(tegn.col'suppressed'):select{ 'trin' }
      for _, r in ipairs(skjult:rows()) do print(r.trin) end
      return { skjult = skjult }
    end
end })
-- expect:
1_a
2_b

-- case: t:suppress with total and hide: the rest of a total published elsewhere stays hidden
-- params: datasets=FIXTURES/lualib/sdc
-- by hand: hide = flag hides c (30) in both years. 2024: 20 + 3 + 30 = 53
-- of a total 56, so the rest is 3, 1-4, hidden where it is published; b = 3
-- is 1-4; with b, c and the rest hidden, 56 - 20 = 36 leaves each a range
-- (b and the rest 1-4, c at least 28), so a stays. 2025: 2 + 1 + 30 + 0 =
-- 33 = the total, rest 0 (shown there); a and b are 1-4, c is hidden, d = 0
-- is shown
local t = tegn.read_csv(FIXTURES .. 'lualib/sdc/aarsager.csv')
  :derive{ total = tegn.if_else(tegn.col'aar':eq(2024), 56, 33), flag = tegn.col'aarsag':eq'c' }
local s = t:suppress{ count = 'antal', within = { 'aar' }, total = 'total', hide = 'flag',
  mark = 'skjult' }
for _, r in ipairs(s:rows()) do print(r.aar, r.aarsag, r.antal, r.skjult) end
-- expect:
2024	a	20	false
2024	b	nil	true
2024	c	nil	true
2025	a	nil	true
2025	b	nil	true
2025	c	nil	true
2025	d	0	false

-- case: part_of a total whose counts are rounded: the groups' exact sums are within its rounding
-- params: datasets=FIXTURES/lualib/sdc
-- by hand: 2024 sums to 93 of 260, published as 95 of 260; 2025 to 162 of 260, as 160
local t = tegn.indicator(spec{ id = 't.total', by = {}, disclosure = { round_to = 5 },
  compute = total })
tegn.indicator(spec{ part_of = 't.total', disclosure = { round_to = 5 }, compute = andele })
for _, r in ipairs(t:rows()) do print(r.aar, r.numerator, r.denominator) end
-- expect:
2024	95.0	260.0
2025	160.0	260.0
