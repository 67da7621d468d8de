-- attack: require a module that is a symlink out of the script's folder
-- issue: 1
-- file: outside/evil.lua = return { pwned = true }
-- link: run/helper.lua -> @OUTSIDE@/evil.lua
-- exit: 1
-- stderr: leads outside its folder; require does not follow it
local h = require "helper"
tegn.emit{ pwned = h.pwned }
