-- sandbox_names.lua -- every name a script can reach in tegn's sandbox,
-- one a line: globals, their fields and the fields of tegn's sub-tables
-- (tegn.sim.run). tegn.params holds whatever --param gives: "tegn.params.*".
-- Run by tests/luacheck/check_sandbox.sh, which compares the list with the
-- standard .luacheckrc declares.
local out = {}

local function walk(prefix, t, depth)
  for k, v in pairs(t) do
    local name = prefix .. k
    if name == "tegn.params" then
      out[#out + 1] = name .. ".*"
    elseif type(v) == "table" and depth > 0 and name ~= "_G" then
      walk(name .. ".", v, depth - 1)
    else
      out[#out + 1] = name
    end
  end
end

walk("", _G, 2)
table.sort(out)
print(table.concat(out, "\n"))
