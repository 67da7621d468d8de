-- runs on the sample and writes nothing: not the CSV, not the document
local tegn = require "tegn"
local bel = tegn.read_csv("tests/fixtures/lualib/belaegning.csv")
local pr = bel:group_by{ "tilbud_id" }:agg{ takst = tegn.mean"takst_kr" }
pr:write_csv("tests/golden/check_data_ok/takst.csv")
tegn.emit{ pr = pr }
