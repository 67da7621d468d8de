-- every kind of problem tegn check finds without running the script
local tegn = require "tegn"
local col = tegn.col
local fra = tegn.param("fra", tegn.date"2024-01-01")
local til = tegn.param("til")                         -- required, not given
local t = tegn.redd_csv("tests/fixtures/lualib/tilbud.csv")
local f = io.open("/etc/passwd")
local u = t:fliter(col"pladser":gt(5))
os.execute("ls")
local m = require "../../etc/passwd"
local k = require "ingen_modul"
local x = ukendt + 1
local s = ("abc"):upper()                             -- a string method: fine
tegn.emit{ u = u, s = s, x = x, fra = fra, til = til, m = m, k = k, f = f,
           r = tegn.sim.runn }
