-- plan.lua -- chains of verbs as plans (tg_plan): what t:explain() shows,
-- and results of planned chains compared with SQL over the naive reading of
-- the fixtures. Every other Lua test file runs both with plans and with
-- TEGN_EAGER=1 (each verb at once); this one only with plans, since eager
-- Tables have no plan to explain. Format: tests/lua/README.md.
col = tegn.col
b = tegn.read_csv(DIR .. 'belaegning.csv')
tilbud = tegn.read_csv(DIR .. 'tilbud.csv')

-- case: explain: a filter written after a join runs below it
local j = b:join(tilbud, {on = 'tilbud_id'})
local f = j:filter(col'status':eq'belagt')
print(f:explain())
-- expect:
join inner on tilbud_id = tilbud_id  [script.lua:1]
  filter (col("status") == "belagt") (pushed down)  [script.lua:2]
    scan 60 rows, 6 of 6 columns
  scan 5 rows, 4 of 4 columns

-- case: explain: the terms of an AND go to the side whose columns they read
local f = b:join(tilbud, {on = 'tilbud_id'})
  :filter(col'status':eq'belagt' & col'pladser':gt(10))
print(f:explain())
-- expect:
join inner on tilbud_id = tilbud_id  [script.lua:1]
  filter (col("status") == "belagt") (pushed down)  [script.lua:1]
    scan 60 rows, 6 of 6 columns
  filter (col("pladser") > 10) (pushed down)  [script.lua:1]
    scan 5 rows, 4 of 4 columns

-- case: explain: after the run, rows in and out of every step
-- by hand: 36 of b's 60 rows are belagt, 35 of them at a tilbud in tilbud.csv
local f = b:join(tilbud, {on = 'tilbud_id'}):filter(col'status':eq'belagt')
print(#f)
local text = f:explain()
print(text:match'join[^\n]*rows (%d+ %-> %d+)')
print(text:match'filter[^\n]*rows (%d+ %-> %d+)')
-- expect:
35
41 -> 35
60 -> 36

-- case: explain: only the columns later steps read are carried
local g = b:join(tilbud, {on = 'tilbud_id'}):group_by'navn':agg{n = tegn.count()}
print(g:explain())
-- expect:
group_by navn agg n = count()  [script.lua:1]
  join inner on tilbud_id = tilbud_id  [script.lua:1]
    scan 60 rows, 1 of 6 columns
    scan 5 rows, 2 of 4 columns

-- case: explain: a filter stays above a left join when it reads the right side
local f = b:join(tilbud, {on = 'tilbud_id', how = 'left'}):filter(col'pladser':gt(10))
print(f:explain())
-- expect:
filter (col("pladser") > 10)  [script.lua:1]
  join left on tilbud_id = tilbud_id  [script.lua:1]
    scan 60 rows, 6 of 6 columns
    scan 5 rows, 4 of 4 columns

-- case: explain: a table made by eager verbs has no plan
print(b:explain())
-- expect:
table 60 rows, 6 columns (no plan: the verbs that made it ran eagerly)

-- case: a right column renamed by the join keeps its suffix when the left one is not carried
-- (aggregates in name order: d, then n)
dump(b:join(tilbud, {on = 'tilbud_id'}):filter(col'pladser':gt(10))
  :group_by'kommune_right':agg{n = tegn.count(), d = tegn.sum'dage'})
-- expect sql:
SELECT t.kommune, sum(b.dage), count(*) FROM b JOIN tilbud AS t USING (tilbud_id)
  WHERE t.pladser > 10 GROUP BY t.kommune ORDER BY t.kommune

-- case: filter, join, then group by month, as an analyst writes it
dump(b:filter(col'status':eq'belagt'):join(tilbud, {on = 'tilbud_id'})
  :group_by{'tilbud_id', 'pladser', maaned = col'dato':trunc'month'}
  :agg{n = tegn.count(), takst = tegn.mean'takst_kr'}
  :derive{andel = col'n' / col'pladser'}, '%.4f')
-- expect sql %.4f:
SELECT b.tilbud_id, t.pladser, date(b.dato, 'start of month') AS m, count(*),
  avg(b.takst_kr), count(*) * 1.0 / t.pladser
  FROM b JOIN tilbud AS t USING (tilbud_id) WHERE b.status = 'belagt'
  GROUP BY b.tilbud_id, t.pladser, m ORDER BY b.tilbud_id, t.pladser, m

-- case: a filter moved below a derive gives the rows the derive then computes
dump(b:join(tilbud, {on = 'tilbud_id'}):derive{u = col'takst_kr' * col'dage'}
  :filter(col'kommune':eq'Ballerup' & col'u':gt(20000)))
-- expect sql:
SELECT b.*, t.navn, t.kommune, t.pladser, b.takst_kr * b.dage AS u
  FROM b JOIN tilbud AS t USING (tilbud_id)
  WHERE b.kommune = 'Ballerup' AND b.takst_kr * b.dage > 20000 ORDER BY b.rowid

-- case: one plan used by two chains
local j = b:join(tilbud, {on = 'tilbud_id'})
local x = j:filter(col'dage':gt(20))
local y = j:filter(col'dage':le(20))
print(#x + #y, #j)
-- expect:
59	59

-- case: an error found when the plan runs names the line of the verb
local d = b:derive{x = tegn.lit(4000000000000000000)}
local g = d:join(tilbud, {on = 'tilbud_id'}):group_by'status':agg{s = tegn.sum'x'}
print(#g)
-- error data contains:
script.lua:2: sum 's' overflows a 64-bit integer

-- case: explain: a group-by whose groups each meet one tilbud row runs before the join
-- (tilbud_id is unique in tilbud.csv and comes before pladser among the keys)
local j = b:filter(col'status':eq'belagt'):join(tilbud, {on = 'tilbud_id'})
local g = j:group_by{'tilbud_id', 'pladser'}:agg{n = tegn.count(), d = tegn.sum'dage'}
print(g:explain())
-- expect:
join inner on tilbud_id = tilbud_id (after the group-by)  [script.lua:2]
  group_by tilbud_id agg d = sum(col("dage")), n = count() (moved below the join)  [script.lua:3]
    filter (col("status") == "belagt")  [script.lua:2]
      scan 60 rows, 3 of 6 columns
  scan 5 rows, 2 of 4 columns

-- case: a group-by moved below a left join keeps the groups without a match
dump(b:join(tilbud, {on = 'tilbud_id', how = 'left'})
  :group_by{'tilbud_id', 'navn', maaned = col'dato':trunc'month'}
  :agg{n = tegn.count(), takst = tegn.max'takst_kr'})
-- expect sql:
SELECT b.tilbud_id, t.navn, date(b.dato, 'start of month') AS m, count(*), max(b.takst_kr)
  FROM b LEFT JOIN tilbud AS t USING (tilbud_id)
  GROUP BY b.tilbud_id, t.navn, m ORDER BY b.tilbud_id, m

-- case: a right table with repeated keys keeps the group-by above the join
-- by hand (Python over the CSV): each b row counts the first ten rows with its tilbud_id
local r = b:select{'tilbud_id', 'dage'}:head(10)
local g = b:join(r, {on = 'tilbud_id'}):group_by'tilbud_id':agg{n = tegn.count()}
dump(g)
print(g:explain():match'\n  ([a-z]+)')
-- expect:
T01|24
T02|10
T03|7
T04|22
T05|76
join

-- case: a key from the right side before the join key keeps the group-by above the join
local g = b:join(tilbud, {on = 'tilbud_id'}):group_by{'pladser', 'tilbud_id'}
  :agg{n = tegn.count()}
assert(g:explain():match'^group_by', 'the group-by stays on top')
dump(g)
-- expect sql:
SELECT t.pladser, b.tilbud_id, count(*) FROM b JOIN tilbud AS t USING (tilbud_id)
  GROUP BY t.pladser, b.tilbud_id ORDER BY t.pladser, b.tilbud_id

-- case: a filter that keeps no rows, then a join and a group-by
-- by hand: no stay has a negative number of days
local g = b:filter(col'dage':lt(0)):join(tilbud, {on = 'tilbud_id'})
print(#g, #g:group_by'navn':agg{n = tegn.count()})
-- expect:
0	0

-- case: explain: a filter on the group keys runs before the group-by, one on an aggregate after
-- (the scan carries kommune and status, all the group-by and the filter read)
local g = b:group_by{'kommune', 'status'}:agg{n = tegn.count()}
print(g:filter(col'status':eq'belagt' & col'n':gt(1)):explain())
-- expect:
filter (col("n") > 1)  [script.lua:3]
  group_by kommune, status agg n = count()  [script.lua:2]
    filter (col("status") == "belagt") (pushed down)  [script.lua:3]
      scan 60 rows, 2 of 6 columns

-- case: a filter on the group keys gives the groups SQL's WHERE and HAVING give
dump(b:group_by{'kommune', 'status'}:agg{n = tegn.count(), d = tegn.sum'dage'}
  :filter(col'status':eq'belagt' & col'n':gt(1)))
-- expect sql:
SELECT kommune, status, sum(dage), count(*) FROM b WHERE status = 'belagt'
  GROUP BY kommune, status HAVING count(*) > 1 ORDER BY kommune, status

-- case: a filter after a group-by without keys stays after it
-- by hand: the one row of a group-by without keys counts 60 rows; no row has n = 0
local g = b:group_by():agg{n = tegn.count()}:filter(col'n':eq(0))
print(#g, g:explain():match'^filter' ~= nil)
-- expect:
0	true

-- case: rename, select and sort of a join's result read its rows
dump(b:join(tilbud, {on = 'tilbud_id'}):rename{sted = 'navn'}
  :select{'dato', 'sted', 'dage'}:sort{'dato', 'sted'})
-- expect sql:
SELECT b.dato, t.navn, b.dage FROM b JOIN tilbud AS t USING (tilbud_id)
  ORDER BY b.dato, t.navn, b.rowid

-- case: a column reference to a grouped result needs no rows; its schema is the group-by's
local g = b:join(tilbud, {on = 'tilbud_id'}):group_by'navn':agg{n = tegn.count()}
print(tostring(g.n), g:explain():find('rows %d') == nil)
local s = g:schema()
print(s[1].name, s[1].type, s[2].name, s[2].type)
-- expect:
col("n")	true
navn	string	n	int

-- case: a filter on the right table does not keep the group-by above the join
local g = b:join(tilbud, {on = 'tilbud_id'}):filter(col'pladser':gt(8) & col'dage':gt(5))
  :group_by{'tilbud_id', 'navn'}:agg{n = tegn.count(), d = tegn.sum'dage'}
assert(g:explain():match'moved below the join', 'the group-by moves')
dump(g)
-- expect sql:
SELECT b.tilbud_id, t.navn, sum(b.dage), count(*) FROM b JOIN tilbud AS t USING (tilbud_id)
  WHERE t.pladser > 8 AND b.dage > 5 GROUP BY b.tilbud_id, t.navn ORDER BY b.tilbud_id

-- case: explain: select and rename are steps of the plan; a filter passes one that keeps its columns' names
local j = b:join(tilbud, {on = 'tilbud_id'}):select{'status', 'dage', sted = 'navn'}
print(j:filter(col'status':eq'ledig'):explain())
-- expect:
select status, dage, sted = navn  [script.lua:1]
  join inner on tilbud_id = tilbud_id  [script.lua:1]
    filter (col("status") == "ledig") (pushed down)  [script.lua:2]
      scan 60 rows, 3 of 6 columns
    scan 5 rows, 2 of 4 columns

-- case: a select and a rename of a join, filtered and grouped
dump(b:join(tilbud, {on = 'tilbud_id'}):select{'status', 'dage', sted = 'navn'}
  :rename{d = 'dage'}:filter(col'status':ne'ledig' & col'sted':ne'Hus Nord')
  :group_by'sted':agg{n = tegn.count(), d = tegn.sum'd'})
-- expect sql:
SELECT t.navn, sum(b.dage), count(*) FROM b JOIN tilbud AS t USING (tilbud_id)
  WHERE b.status <> 'ledig' AND t.navn <> 'Hus Nord' GROUP BY t.navn ORDER BY t.navn
