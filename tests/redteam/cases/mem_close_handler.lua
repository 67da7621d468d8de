-- attack: a __close handler that prints and writes a file after the memory limit was hit
-- issue: 6
-- args: --out ../out/doc.json --mem 32M
-- exit: 3
-- stderr: memory limit 32 MiB exceeded
-- nostderr: closed
local t = tegn.read_csv("input.csv")
local guard <close> = setmetatable({}, { __close = function()
  print("closed")
  t:write_csv("../out/after_limit.csv")
end })
local s = {}
for i = 1, 1e9 do s[i] = ("x"):rep(1 << 16) .. i end
