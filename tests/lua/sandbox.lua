-- sandbox.lua -- the sandboxed runtime as a script sees it: globals by
-- assignment, error messages and positions of non-string errors, pcall,
-- xpcall and coroutines, Lua 5.4's math.random argument rules, and
-- string.rep and table.move that cannot hang. test_lua.c keeps what needs C: escapes,
-- memory and time limits, cancellation, errors raised from C, and
-- math.random against its reference. Format: tests/lua/README.md.

-- case: assignment defines a global; rawget tests for one without raising
x = 1
assert(x == 1 and rawget(_G, 'y') == nil)
print('ok')
-- expect:
ok

-- case: an undefined global is an error naming it
local a = 1
print(colum)
-- error:
script.lua:2: undefined global 'colum'

-- case: an error object with __tostring: the message, the line from the stack

error(setmetatable({}, { __tostring = function() return 'custom' end }))
-- error:
script.lua:2: custom

-- case: an error object without __tostring
error({})
-- error contains:
(error object is a table value)

-- case: error at level 0: the line from the stack
local x

error('plain', 0)
-- error:
script.lua:3: plain

-- case: coroutines, pcall and xpcall work, also across yields
-- yield across the sandbox's pcall (its continuation path)
local co = coroutine.wrap(function()
  local ok, v = pcall(function() return coroutine.yield(1) + 1 end)
  assert(ok and v == 11)
  local ok2, e = xpcall(function() error('boom') end,
                        function(m) return 'handled: ' .. m end)
  print(ok2, e)
  return 2
end)
print(co(), co(10))
print(pcall(error, 'x', 0))
print(select('#', pcall(function() return 1, 2, 3 end)))
print(coroutine.resume(coroutine.create(function() end)))
print(string.rep('ab', 3, ','))
-- expect:
false	handled: script.lua:5: boom
1	2
false	x
4
true
ab,ab,ab

-- case: math.random: an empty interval
math.random(3, 1)
-- error:
script.lua:1: bad argument #1 to 'random' (interval is empty)

-- case: math.random: too many arguments
math.random(1, 2, 3)
-- error:
script.lua:1: wrong number of arguments

-- case: math.random: integers in range, floats in [0, 1), every value drawn
local seen = {}
for _ = 1, 6000 do
  local v = math.random(2, 7)
  assert(v >= 2 and v <= 7 and math.type(v) == 'integer')
  seen[v] = true
  local f = math.random()
  assert(f >= 0 and f < 1)
end
for v = 2, 7 do assert(seen[v]) end
print('ok')
-- expect:
ok

-- case: string.rep of the empty string is instant
-- stock string.rep would loop 2^62 times in C, out of the hook's reach
print(string.rep('', 1 << 62) == '', ('').rep('', 1 << 62, '') == '')
print(string.rep('x', 0) == '' and string.rep('x', -1) == '')
-- expect:
true	true
true

-- case: table.move in pieces keeps the stock results, overlapping or not
-- (moves past MOVE_PIECE elements are cut into pieces the hook can stop)
local a, c = {}, {}
for i = 1, 10000 do a[i], c[i] = i, i end
print(table.move(a, 1, 9000, 500) == a, a[499], a[500], a[9499], a[9500])
table.move(c, 600, 10000, 1)
print(c[1], c[9401], c[9402])
local d = table.move(c, 1, 9000, 3, {})
print(d[2], d[3], d[9002], d[9003])
print(pcall(table.move, {}, 1, 5000, math.maxinteger - 10))
-- expect:
true	499	1	9000	9500
600	10000	9402
nil	600	9599	nil
false	bad argument #4 to 'table.move' (destination wrap around)

-- case: nested coroutine.close raises instead of overflowing the C stack
-- Lua 5.4.4 recursed in C for each level (a segfault at about 5,000 levels
-- with an 8 MiB stack); the sandbox stops at 100 levels. Each handler
-- closes the coroutine made before it, so closing the last one nests
-- 20,000 deep; the error climbs out through every handler's assert.
local co = false
for _ = 1, 20000 do
  local prev = co
  co = coroutine.create(function()
    local x <close> = setmetatable({}, { __close = function()
      if prev then assert(coroutine.close(prev)) end
    end })
    coroutine.yield()
  end)
  coroutine.resume(co)
end
local ok, msg = coroutine.close(co)
print(ok, tostring(msg):match('coroutine%.close nested deeper than %d+ levels'))
-- expect:
false	coroutine.close nested deeper than 100 levels

-- case: coroutine.close nests as deep as scripts need, and counts back down
local function chain(n)
  local co = false
  for _ = 1, n do
    local prev = co
    co = coroutine.create(function()
      local x <close> = setmetatable({}, { __close = function()
        if prev then assert(coroutine.close(prev)) end
      end })
      coroutine.yield()
    end)
    coroutine.resume(co)
  end
  return coroutine.close(co)
end
print(chain(50), chain(50), pcall(coroutine.close, coroutine.running()))
-- expect contains:
true	true	false

-- case: read_sqlite refuses fts3_tokenizer, which would give a pointer into the library
local path = TMP .. 'b.sqlite'
tegn.read_csv(DIR .. 'belaegning.csv'):write_sqlite(path, 'b')
tegn.read_sqlite(path, "SELECT hex(fts3_tokenizer('simple')) AS p")
-- error contains:
script.lua:3:
not authorized to use function: fts3_tokenizer

-- case: read_sqlite refuses load_extension
local path = TMP .. 'b.sqlite'
tegn.read_csv(DIR .. 'belaegning.csv'):write_sqlite(path, 'b')
tegn.read_sqlite(path, "SELECT load_extension('/tmp/x.so') AS p")
-- error contains:
script.lua:3:
not authorized to use function: load_extension

-- case: read_sqlite refuses ATTACH, VACUUM INTO and pragma writes, and nothing is written
local path = TMP .. 'b.sqlite'
tegn.read_csv(DIR .. 'belaegning.csv'):write_sqlite(path, 'b')
for _, sql in ipairs{"ATTACH '" .. TMP .. "c.sqlite' AS c", "VACUUM INTO '" .. TMP .. "v.sqlite'",
                     'PRAGMA writable_schema = 1', 'PRAGMA journal_mode = WAL',
                     "UPDATE b SET dage = 0 RETURNING dage"} do
  local ok, e = pcall(tegn.read_sqlite, path, sql)
  print(ok, e:match('not a query returning rows') or e:match('not authorized'))
end
print(read_file(TMP .. 'c.sqlite') == nil, read_file(TMP .. 'v.sqlite') == nil)
-- expect:
false	not a query returning rows
false	not a query returning rows
false	not authorized
false	not authorized
false	not a query returning rows
true	true

-- case: read_sqlite still reads table shapes, JSON, windows and recursive queries
local path = TMP .. 'b.sqlite'
tegn.read_csv(DIR .. 'belaegning.csv'):write_sqlite(path, 'b')
print(table.concat({#tegn.read_sqlite(path, 'PRAGMA table_info(b)'),
      #tegn.read_sqlite(path, "SELECT * FROM pragma_table_info('b')"),
      #tegn.read_sqlite(path, "SELECT value FROM json_each('[1,2,3]')"),
      tegn.read_sqlite(path, "SELECT '{\"a\":2}' ->> '$.a' AS a, sum(1) OVER () AS n FROM b"):rows()[1].n,
      #tegn.read_sqlite(path, 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT i FROM n')}, '|'))
-- expect sql:
SELECT 6, 6, 3, (SELECT count(*) FROM b), 5

-- case: the tegn module is read-only: a field cannot be replaced
tegn.read_csv = function() return nil end
-- error:
script.lua:1: cannot set 'read_csv': the tegn module is read-only

-- case: the tegn module is read-only: no new fields either
tegn.helper = 1
-- error:
script.lua:1: cannot set 'helper': the tegn module is read-only

-- case: the tegn module is read-only: rawset, setmetatable and the metatable are closed
print(pcall(rawset, tegn, 'read_csv', print))
print(pcall(setmetatable, tegn, nil))
print(getmetatable(tegn), getmetatable(tegn.data))
print(require('tegn') == tegn, type(tegn.read_csv), rawget(tegn, 'read_csv'))
-- expect:
false	rawset: the tegn module is read-only
false	cannot change a protected metatable
false	false
true	function	nil

-- case: tegn.data is read-only: a dataset cannot be replaced, nor sql
print(pcall(function() tegn.data.belaegning = tegn.read_csv(DIR .. 'dmy.csv') end))
print(pcall(function() tegn.data.sql = print end))
print(pcall(rawset, tegn.data, 'sql', print))
-- expect:
false	script.lua:1: cannot set 'belaegning': tegn.data is read-only
false	script.lua:2: cannot set 'sql': tegn.data is read-only
false	rawset: tegn.data is read-only

-- case: a read-only tegn still lists its functions and holds the params
-- params: aar=2024
local names = {}
for k in pairs(tegn) do names[k] = true end
print(pcall(function() tegn.params.extra = 'x' end))
local seen = {}
for k, v in pairs(tegn.params) do seen[#seen + 1] = k .. '=' .. v end
print(names.read_csv, names.params, names.data, tegn.params.aar, tegn.params.extra, seen[1], #seen)
-- expect:
false	script.lua:3: cannot set tegn.params.extra: the params are read-only (--param)
true	true	true	2024	nil	aar=2024	1

-- case: the global tegn cannot be replaced, nor removed
tegn = { read_csv = function() return 'forged' end }
-- error:
script.lua:1: cannot set global 'tegn': the sandbox's globals are read-only

-- case: the sandbox's globals are read-only by every route; new globals are not
print(pcall(function() _G.tegn = nil end))
print(pcall(rawset, _G, 'tegn', {}))
print(pcall(function() print = function() end end))
print(pcall(function() _G.pairs = next end))
print(pcall(function() string.format = nil end))
print(pcall(function() require('string').rep = nil end))
print(pcall(function() table.insert = nil end))
print(require('string') == string, getmetatable(''), ('x'):rep(3))
helper = 42
rawset(_G, 'other', 1)
print(helper, other, tegn.read_csv ~= nil, type(tegn))
-- expect:
false	script.lua:1: cannot set global 'tegn': the sandbox's globals are read-only
false	rawset: cannot set global 'tegn': the sandbox's globals are read-only
false	script.lua:3: cannot set global 'print': the sandbox's globals are read-only
false	script.lua:4: cannot set global 'pairs': the sandbox's globals are read-only
false	script.lua:5: cannot set 'format': string is read-only
false	script.lua:6: cannot set 'rep': string is read-only
false	script.lua:7: cannot set 'insert': table is read-only
true	false	xxx
42	1	true	table

-- case: a chunk run before the script (as a library module) cannot hand it another tegn
local lib = load([[
  local real = tegn
  pcall(function() tegn = setmetatable({}, { __index = real }) end)
  pcall(rawset, _G, 'tegn', {})
  pcall(function() _G.string = { format = function() return 'forged' end } end)
  shared = 'a module may still set its own globals'
]])
lib()
print(tegn == require('tegn'), string.format('%d', 7), shared)
-- expect:
true	7	a module may still set its own globals

-- case: pairs(_G) lists the sandbox's globals and the script's own
mine = 1
local seen = {}
for k in pairs(_G) do seen[k] = true end
print(seen.tegn, seen.print, seen.string, seen.mine, rawget(_G, 'print'), rawget(_G, 'mine'))
-- expect:
true	true	true	true	nil	1
