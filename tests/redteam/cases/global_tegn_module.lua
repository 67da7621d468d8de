-- attack: a library module replaces the global tegn (or print, string.format) for the script
-- issue: 8
-- file: run/util.lua = local real = tegn\npcall(function() string.format = function() return "forged" end end)\ntegn = setmetatable({}, { __index = real })\nreturn {}
-- exit: 1
-- stderr: util.lua:3: cannot set global 'tegn': the sandbox's globals are read-only
require "util"
