-- sandbox.lua -- the sandboxed runtime as a script sees it: globals by
-- assignment, error messages and positions of non-string errors, pcall,
-- xpcall and coroutines, Lua 5.4's math.random argument rules, and
-- string.rep that cannot hang. test_lua.c keeps what needs C: escapes,
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
