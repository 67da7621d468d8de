-- The cap is hit while emit builds the JSON tree (far bigger than the Lua
-- list): that is the memory limit, exit 3, not an internal error.
local t = {}
for i = 1, 1000000 do t[i] = i end
tegn.emit({ t = t })
