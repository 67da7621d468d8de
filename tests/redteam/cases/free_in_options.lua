-- attack: option tables whose __index, __len and __pairs free the receiver
-- issue: 2
-- exit: 0
-- writes: out/doc.json
local t = tegn.read_csv("input.csv")
local function evil(base)
  local p = {}
  for k, v in pairs(base) do p[k] = v end
  return setmetatable(p, {
    __index = function(_, k) t:free() collectgarbage() return base[k] end,
    __len = function() t:free() return #base end,
    __pairs = function() t:free() return next, base, nil end,
  })
end
local a = t:sort(evil({ "k" }))
local b = t:derive(evil({ d = tegn.col("k") * 2 }))
local c = t:top(2, evil({ by = "k" }))
tegn.emit{ a = a:rows(), b = b:rows(), c = c:rows(), t = tostring(t) }
