-- lifetime.lua -- a Table stays alive while a verb uses it (issue 10, point
-- 2): t:free() from a map_rows callback, or from the __index, __len or
-- __pairs of an option table the verb reads, must neither crash (under
-- ASan: no heap-use-after-free) nor change the verb's result. Every case
-- compares the result with the same verb over an untouched copy (the
-- expected value), and then shows that the victim is freed (unusable).
col = tegn.col
t = tegn.read_csv(DIR .. 'belaegning.csv')
-- s: a selection (row numbers over t), r: an identical one never freed
s = t:filter(col'dage':gt(1))
r = t:filter(col'dage':gt(1))
tilbud = tegn.read_csv(DIR .. 'tilbud.csv')
th = tegn.read_csv(DIR .. 'takst_hist.csv')

-- A copy of 'base' whose metamethods free 'victim' whenever they run: on
-- a missing key (__index), on # (__len) and on pairs (__pairs).
function evil(base, victim)
  local p = {}
  for k, v in pairs(base) do p[k] = v end
  return setmetatable(p, {
    __index = function() victim:free() end,
    __len = function() victim:free() return #base end,
    __pairs = function() victim:free() return next, base, nil end,
  })
end

-- An empty table whose __index frees 'victim' and then gives base[k]:
-- every option the verb reads runs it.
function hollow(base, victim)
  return setmetatable({}, {__index = function(_, k) victim:free() return base[k] end})
end

-- The rows of a table as one string: what "the same result" compares.
function text(x)
  local out = {table.concat(x:columns(), '|')}
  for _, row in ipairs(x:rows()) do
    local v = {}
    for i, c in ipairs(x:columns()) do v[i] = tostring(row[c]) end
    out[#out + 1] = table.concat(v, '|')
  end
  return table.concat(out, '\n')
end

-- Prints whether got's rows equal want's, and the victim's state.
function same(got, want, victim)
  print(text(got) == text(want), tostring(victim))
end

-- case: map_rows: the callback frees the receiver, a selection
same(s:map_rows(function(row) s:free() return row end),
     r:map_rows(function(row) return row end), s)
-- expect:
script.lua:1: warning: map_rows calls a Lua function for every row, which is slow; use filter, derive and expressions where they can do the job
true	tegn.Table(freed)

-- case: map_rows: the callback frees the receiver and collects garbage
same(s:map_rows(function(row) s:free() collectgarbage() return {d = row.dage} end),
     r:map_rows(function(row) return {d = row.dage} end), s)
-- expect:
script.lua:1: warning: map_rows calls a Lua function for every row, which is slow; use filter, derive and expressions where they can do the job
true	tegn.Table(freed)

-- case: map_rows: a <close> table in the callback is the receiver
same(s:map_rows(function(row) local v <close> = s return row end),
     r:map_rows(function(row) return row end), s)
-- expect:
script.lua:1: warning: map_rows calls a Lua function for every row, which is slow; use filter, derive and expressions where they can do the job
true	tegn.Table(freed)

-- case: derive: the spec frees the receiver
same(s:derive(evil({x = col'dage' * 2}, s)), r:derive{x = col'dage' * 2}, s)
-- expect:
true	tegn.Table(freed)

-- case: sort: the key list frees the receiver
same(s:sort(evil({'dage', 'dato'}, s)), r:sort{'dage', 'dato'}, s)
-- expect:
true	tegn.Table(freed)

-- case: distinct: the column list frees the receiver
same(s:distinct(evil({'tilbud_id', 'status'}, s)), r:distinct{'tilbud_id', 'status'}, s)
-- expect:
true	tegn.Table(freed)

-- case: top: the options free the receiver
same(s:top(2, evil({by = 'dage', per = 'tilbud_id'}, s)),
     r:top(2, {by = 'dage', per = 'tilbud_id'}), s)
-- expect:
true	tegn.Table(freed)

-- case: top: every option read frees the receiver
same(s:top(2, hollow({by = 'dage', per = 'tilbud_id'}, s)),
     r:top(2, {by = 'dage', per = 'tilbud_id'}), s)
-- expect:
true	tegn.Table(freed)

-- case: join: the options free the receiver
same(s:join(tilbud, evil({on = 'tilbud_id'}, s)), r:join(tilbud, {on = 'tilbud_id'}), s)
-- expect:
true	tegn.Table(freed)

-- case: join: the key list frees the receiver
same(s:join(tilbud, {on = evil({'tilbud_id'}, s)}), r:join(tilbud, {on = 'tilbud_id'}), s)
-- expect:
true	tegn.Table(freed)

-- case: join: the options free the other table
local o = tegn.read_csv(DIR .. 'tilbud.csv')
same(s:join(o, evil({on = 'tilbud_id'}, o)), r:join(tilbud, {on = 'tilbud_id'}), o)
-- expect:
true	tegn.Table(freed)

-- case: join_asof: the options free the other table
local o = tegn.read_csv(DIR .. 'takst_hist.csv')
same(t:join_asof(o, evil({by = 'tilbud_id', on = {'dato', 'gyldig_fra'}}, o)),
     t:join_asof(th, {by = 'tilbud_id', on = {'dato', 'gyldig_fra'}}), o)
-- expect:
true	tegn.Table(freed)

-- case: pivot: the options free the receiver
local spec = {rows = 'tilbud_id', cols = 'status', values = 'dage', agg = 'sum', fill = 0}
same(s:pivot(hollow(spec, s)), r:pivot(spec), s)
-- expect:
true	tegn.Table(freed)

-- case: unpivot: the options and the melt list free the receiver
same(s:unpivot(evil({keep = 'tilbud_id', melt = evil({'dage', 'takst_kr'}, s),
                     into = {'navn', 'vaerdi'}}, s)),
     r:unpivot{keep = 'tilbud_id', melt = {'dage', 'takst_kr'}, into = {'navn', 'vaerdi'}}, s)
-- expect:
true	tegn.Table(freed)

-- case: complete: the options free the receiver
local m = t:derive{m = col'dato':trunc'month'}
local spec = {by = 'tilbud_id', period = 'm', unit = 'month', fill = {dage = 0}}
local want = m:complete(spec)
same(m:complete(hollow(spec, m)), want, m)
-- expect:
true	tegn.Table(freed)

-- case: windows: the by and order lists free the receiver
same(s:derive{l = col'dage':lag(1, {by = evil({'tilbud_id'}, s), order = evil({'dato'}, s)})},
     r:derive{l = col'dage':lag(1, {by = 'tilbud_id', order = 'dato'})}, s)
-- expect:
true	tegn.Table(freed)

-- case: group_by and agg: freeing the receiver is an error, not a crash
print(pcall(function() return s:group_by(evil({'status'}, s)):agg{n = tegn.count()} end))
local g = r:group_by('status')
print(pcall(g.agg, g, evil({n = tegn.count()}, r)))
-- expect:
false	script.lua:1: the table was freed (t:free() or <close>)
false	script.lua:3: the table was freed (t:free() or <close>)

-- case: select and rename: freeing the receiver is an error, not a crash
print(pcall(s.select, s, evil({'dage', 'status'}, s)))
print(pcall(r.rename, r, evil({d = 'dage'}, r)))
-- expect:
false	script.lua:1: the table was freed (t:free() or <close>)
false	script.lua:2: the table was freed (t:free() or <close>)

-- case: write_csv: the options free the receiver; the file is whole
s:write_csv(TMP .. 'o.csv', evil({sep = ';'}, s))
r:write_csv(TMP .. 'r.csv', {sep = ';'})
print(read_file(TMP .. 'o.csv') == read_file(TMP .. 'r.csv'), s)
-- expect:
true	tegn.Table(freed)

-- case: write_sqlite: the options free the receiver
s:write_sqlite(TMP .. 'o.sqlite', 'x', evil({}, s))
same(tegn.read_sqlite(TMP .. 'o.sqlite', 'x'), r, s)
-- expect:
true	tegn.Table(freed)

-- case: a free outside any verb releases at once, also from pcall
local a, b = t:head(5), t:head(5)
a:free()
pcall(b.free, b)
print(a, b)
-- expect:
tegn.Table(freed)	tegn.Table(freed)

-- case: a table freed in a coroutine is unusable at once
local c = t:head(5)
coroutine.wrap(function() c:free() end)()
print(c, pcall(c.head, c))
-- expect:
tegn.Table(freed)	false	script.lua:3: the table was freed (t:free() or <close>)

-- case: forecast.holt_winters: the options free the series
local f = tegn.read_csv(DIR .. 'forecast.csv'):filter(col'pct':ge(0))
local g = tegn.read_csv(DIR .. 'forecast.csv'):filter(col'pct':ge(0))
local spec = {time = 'maaned', value = 'pct', by = 'tilbud_id'}
same(tegn.forecast.holt_winters(f, hollow(spec, f)), tegn.forecast.holt_winters(g, spec), f)
-- expect:
true	tegn.Table(freed)

-- case: sim.from_stays: the options free the stays
local o = tegn.read_csv(DIR .. 'stays.csv'):filter(col'tilbud_id':ne'')
local p = tegn.read_csv(DIR .. 'stays.csv'):filter(col'tilbud_id':ne'')
local spec = {fra = '2024-01-01', til = '2025-01-01'}
same(tegn.sim.from_stays(o, hollow(spec, o)), tegn.sim.from_stays(p, spec), o)
-- expect:
true	tegn.Table(freed)
