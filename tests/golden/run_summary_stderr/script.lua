-- --summary without --out: the document goes to stdout and its summary
-- to stderr, as `tegn --help` says (it was a usage error after the run).
local tegn = require "tegn"
local ind = require "indikator"
local col = tegn.col

tegn.indicator{
  id = "test.belagt",
  strategy = "test",
  title = "Andel belagte dage",
  goal = "Andelen af rækker med status belagt stiger",
  direction = "up",
  unit = "andel af rækker",
  period = "aar",
  min_n = 1,
  suppress_below = 1,
  compute = function()
    local b = tegn.read_csv("tests/fixtures/lualib/belaegning.csv")
    return ind.share(b, { aar = col"dato":year() }, col"status":eq"belagt")
  end,
}
