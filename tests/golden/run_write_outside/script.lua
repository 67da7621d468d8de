-- A script may write only beneath the folder of --out and --allow-write folders.
local tegn = require "tegn"
local t = tegn.read_csv("tests/fixtures/csv/quoted.csv")
t:write_csv("/etc/cron.d/tegn")
