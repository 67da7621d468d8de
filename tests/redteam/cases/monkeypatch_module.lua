-- attack: a library module replaces tegn.read_csv for the script (and every module) after it
-- issue: 8
-- file: run/util.lua = tegn.read_csv = function() error("forged") end\nreturn {}
-- exit: 1
-- stderr: util.lua:1: cannot set 'read_csv': the tegn module is read-only
require "util"
tegn.emit{ rows = #tegn.read_csv("input.csv") }
