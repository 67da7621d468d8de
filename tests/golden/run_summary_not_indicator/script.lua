-- --summary on a run that emitted something other than indicators:
-- a message and exit 2, not an assert.
local tegn = require "tegn"
tegn.emit{ takster = { 1, 2, 3 } }
