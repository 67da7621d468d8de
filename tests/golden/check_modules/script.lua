-- a module beside the script: the global it sets and the methods it gives
-- its values are known, even where the script uses them before require
print(hjaelp(1))
local m = require "hjaelper"
local o = m.ny()
print(o:tael(), o:taelx())
