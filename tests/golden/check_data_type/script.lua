-- a type the data does not have: a data error with the file's line
local bel = tegn.read_csv("tests/fixtures/lualib/belaegning.csv", { types = { dage = "date" } })
tegn.emit{ n = #bel }
