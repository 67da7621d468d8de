-- After the memory limit no script code runs: the __close handler would
-- print and write a file on the way out, and neither happens.
local t = tegn.read_csv("tests/fixtures/lualib/belaegning.csv")
local guard <close> = setmetatable({}, { __close = function()
  print("closed")
  t:write_csv("after_limit.csv")
end })
local s = {}
for i = 1, 1e9 do s[i] = ("x"):rep(100) .. i end
