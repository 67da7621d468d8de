-- lifetime.lua -- a Table stays alive while a verb uses it (issue 10, point
-- 2). t:free() from a map_rows callback (or in a coroutine) marks the table
-- freed but keeps its columns until the verb is done; option tables and
-- lists are read with raw access (options from a copy), so their __index,
-- __len and __pairs never run and cannot free a table or a string the verb
-- holds. Before, most of these cases were a heap-use-after-free under ASan.
-- Every case compares the result with the same verb over an untouched copy
-- (the expected value), then says whether the victim was freed.
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

-- Prints whether got's rows equal want's, and whether the victim was freed.
function same(got, want, victim)
  print(text(got) == text(want), tostring(victim) == 'tegn.Table(freed)' and 'freed' or 'alive')
end

-- case: map_rows: the callback frees the receiver, a selection
same(s:map_rows(function(row) s:free() return row end),
     r:map_rows(function(row) return row end), s)
-- expect:
script.lua:1: warning: map_rows calls a Lua function for every row, which is slow; use filter, derive and expressions where they can do the job
true	freed

-- case: map_rows: the callback frees the receiver and collects garbage
same(s:map_rows(function(row) s:free() collectgarbage() return {d = row.dage} end),
     r:map_rows(function(row) return {d = row.dage} end), s)
-- expect:
script.lua:1: warning: map_rows calls a Lua function for every row, which is slow; use filter, derive and expressions where they can do the job
true	freed

-- case: map_rows: a <close> table in the callback is the receiver
same(s:map_rows(function(row) local v <close> = s return row end),
     r:map_rows(function(row) return row end), s)
-- expect:
script.lua:1: warning: map_rows calls a Lua function for every row, which is slow; use filter, derive and expressions where they can do the job
true	freed

-- case: derive: the spec's metamethods do not run
same(s:derive(evil({x = col'dage' * 2}, s)), r:derive{x = col'dage' * 2}, s)
-- expect:
true	alive

-- case: sort: the key list's metamethods do not run
same(s:sort(evil({'dage', 'dato'}, s)), r:sort{'dage', 'dato'}, s)
-- expect:
true	alive

-- case: distinct: the column list's metamethods do not run
same(s:distinct(evil({'tilbud_id', 'status'}, s)), r:distinct{'tilbud_id', 'status'}, s)
-- expect:
true	alive

-- case: top: the options' metamethods do not run
same(s:top(2, evil({by = 'dage', per = 'tilbud_id'}, s)),
     r:top(2, {by = 'dage', per = 'tilbud_id'}), s)
-- expect:
true	alive

-- case: join: the options' metamethods do not run
same(s:join(tilbud, evil({on = 'tilbud_id'}, s)), r:join(tilbud, {on = 'tilbud_id'}), s)
-- expect:
true	alive

-- case: join: the key list's metamethods do not run
same(s:join(tilbud, {on = evil({'tilbud_id'}, s)}), r:join(tilbud, {on = 'tilbud_id'}), s)
-- expect:
true	alive

-- case: join: the options' metamethods do not run, the other table stays
local o = tegn.read_csv(DIR .. 'tilbud.csv')
same(s:join(o, evil({on = 'tilbud_id'}, o)), r:join(tilbud, {on = 'tilbud_id'}), o)
-- expect:
true	alive

-- case: join_asof: the options' metamethods do not run
local o = tegn.read_csv(DIR .. 'takst_hist.csv')
same(t:join_asof(o, evil({by = 'tilbud_id', on = {'dato', 'gyldig_fra'}}, o)),
     t:join_asof(th, {by = 'tilbud_id', on = {'dato', 'gyldig_fra'}}), o)
-- expect:
true	alive

-- case: unpivot: the metamethods of the options and the melt list do not run
same(s:unpivot(evil({keep = 'tilbud_id', melt = evil({'dage', 'takst_kr'}, s),
                     into = {'navn', 'vaerdi'}}, s)),
     r:unpivot{keep = 'tilbud_id', melt = {'dage', 'takst_kr'}, into = {'navn', 'vaerdi'}}, s)
-- expect:
true	alive

-- case: windows: the by and order lists' metamethods do not run
same(s:derive{l = col'dage':lag(1, {by = evil({'tilbud_id'}, s), order = evil({'dato'}, s)})},
     r:derive{l = col'dage':lag(1, {by = 'tilbud_id', order = 'dato'})}, s)
-- expect:
true	alive

-- case: write_csv: the options' metamethods do not run; the same file
s:write_csv(TMP .. 'o.csv', evil({sep = ';'}, s))
r:write_csv(TMP .. 'r.csv', {sep = ';'})
print(read_file(TMP .. 'o.csv') == read_file(TMP .. 'r.csv'), tostring(s) == 'tegn.Table(freed)')
-- expect:
true	false

-- case: write_sqlite: the options' metamethods do not run
s:write_sqlite(TMP .. 'o.sqlite', 'x', evil({}, s))
same(tegn.read_sqlite(TMP .. 'o.sqlite', 'x'), r, s)
-- expect:
true	alive

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

-- case: group_by, agg, select, rename: the lists' metamethods do not run
local a = s:group_by(evil({'status'}, s)):agg(evil({n = tegn.count()}, s))
same(a, r:group_by('status'):agg{n = tegn.count()}, s)
same(s:select(evil({'dage', 'status'}, s)), r:select{'dage', 'status'}, s)
same(s:rename(evil({d = 'dage'}, s)), r:rename{d = 'dage'}, s)
-- expect:
true	alive
true	alive
true	alive

-- case: options behind __index are not seen: they are read raw
print(pcall(s.top, s, 2, hollow({by = 'dage'}, s)))
print(s)
-- expect:
false	script.lua:1: top: 'by' is required
tegn.Table(57 rows: dato date, tilbud_id string, kommune string, status string, takst_kr float, dage int)

-- case: an option changed by its own metamethod keeps the value read first
-- the __index (for the absent 'per', 'desc') drops 'by' and collects: the
-- verb reads a copy, so the name it holds stays valid
local opts = setmetatable({by = ('da'):rep(1) .. ('ge'):rep(1)}, {__index = function(o)
  o.by = nil collectgarbage() collectgarbage() end})
same(s:top(2, opts), r:top(2, {by = 'dage'}), s)
-- expect:
true	alive

-- case: forecast.holt_winters: the options' metamethods do not run
local f = tegn.read_csv(DIR .. 'forecast.csv'):filter(col'pct':ge(0))
local g = tegn.read_csv(DIR .. 'forecast.csv'):filter(col'pct':ge(0))
local spec = {time = 'maaned', value = 'pct', by = 'tilbud_id'}
same(tegn.forecast.holt_winters(f, evil(spec, f)), tegn.forecast.holt_winters(g, spec), f)
-- expect:
true	alive

-- case: sim.from_stays: the options' metamethods do not run
local o = tegn.read_csv(DIR .. 'stays.csv'):filter(col'tilbud_id':ne'')
local p = tegn.read_csv(DIR .. 'stays.csv'):filter(col'tilbud_id':ne'')
local spec = {fra = '2024-01-01', til = '2025-01-01'}
same(tegn.sim.from_stays(o, evil(spec, o)), tegn.sim.from_stays(p, spec), o)
-- expect:
true	alive

-- case: pivot: the options' metamethods do not run
local spec = {rows = 'tilbud_id', cols = 'status', values = 'dage', agg = 'sum', fill = 0}
same(s:pivot(evil(spec, s)), r:pivot(spec), s)
-- expect:
true	alive

-- case: complete: the options' metamethods do not run, nor the fill's
local m = t:derive{m = col'dato':trunc'month'}
local spec = {by = 'tilbud_id', period = 'm', unit = 'month', fill = {dage = 0}}
local want = m:complete(spec)
same(m:complete(evil({by = 'tilbud_id', period = 'm', unit = 'month',
                      fill = evil({dage = 0}, m)}, m)), want, m)
-- expect:
true	alive

-- case: a map_rows callback may free another table a later verb uses
local o = tegn.read_csv(DIR .. 'tilbud.csv')
local n = 0
s:map_rows(function(row) n = n + 1 if n == 1 then o:free() end return row end)
print(pcall(s.join, s, o, {on = 'tilbud_id'}))
-- expect:
script.lua:3: warning: map_rows calls a Lua function for every row, which is slow; use filter, derive and expressions where they can do the job
false	script.lua:4: join: 'other' must be a tegn.Table that is not freed (t:free() or <close>), got a tegn.Table
