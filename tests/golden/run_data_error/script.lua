local tegn = require "tegn"
local t = tegn.read_csv("tests/fixtures/lualib/bad.csv", { types = { takst_kr = "float" } })
tegn.emit{ n = #t }
