-- Occupied days per offer in 2023, printed (stderr) rather than emitted,
-- so the golden output has no run-dependent metadata.
local tegn = require "tegn"
local col = tegn.col
local dir = tegn.param("dir", "tests/fixtures/lualib/")
local b = tegn.read_csv(dir .. "belaegning.csv")
local t = b:filter(tegn.all{ col"status":eq"belagt", col"dato":year():eq(2023) })
  :derive{ udgift = (col"takst_kr" * col"dage"):round(0) }
  :select{ "tilbud_id", "dato", "dage", "udgift" }
  :sort{ "tilbud_id", "dato" }
t:show(100)
