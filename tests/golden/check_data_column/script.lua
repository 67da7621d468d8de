-- a misspelt column: found by --data, not by reading alone
local tegn = require "tegn"
local bel = tegn.read_csv("tests/fixtures/lualib/belaegning.csv")
local pr = bel:filter(tegn.col"status":eq"belagt")
  :group_by{ "tilbud_id" }
  :agg{ takst = tegn.mean"takst" }
pr:write_csv("ud/takst.csv")
tegn.emit{ pr = pr }
