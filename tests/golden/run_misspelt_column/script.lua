local tegn = require "tegn"
local col = tegn.col
local b = tegn.read_csv("tests/fixtures/lualib/belaegning.csv")
local dyre = b:filter(col"takst":ge(3000))
tegn.emit{ n = #dyre }
