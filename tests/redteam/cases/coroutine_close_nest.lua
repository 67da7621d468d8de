-- attack: nested coroutine.close 20,000 deep (Lua 5.4.4 segfaults at about 5,000)
-- issue: 4
-- exit: 1
-- stderr: coroutine.close nested deeper than 100 levels
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
assert(coroutine.close(co))
