-- A plan that outgrows --mem stops with the memory limit when it runs: the
-- limit names the line that needed the rows (#j), the joins are checked at
-- theirs.
local tegn = require "tegn"
local b = tegn.read_csv("tests/fixtures/lualib/belaegning.csv"):select{ "status", "dage" }
local s = b:select{ "status" }
local j = b:join(s, { on = "status" }):join(s, { on = "status" }):join(s, { on = "status" })
  :join(s, { on = "status" }):join(s, { on = "status" })
print(#j)
