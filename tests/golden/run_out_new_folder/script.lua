-- --out into folders that do not exist yet: tegn makes them (mkdir -p), and
-- a CSV written beneath the folder of --out may name new folders too.
local tegn = require "tegn"
local t = tegn.read_csv("datasets/tilbud.csv"):head(2):select{ "tilbud_id", "navn" }
t:write_csv("out/ny/mappe/csv/tilbud.csv", { excel = true, allow_identifiers = { "navn" } })
print((tegn.read_csv("out/ny/mappe/csv/tilbud.csv"):rows()[2].navn))
tegn.emit{ n = #t }
