-- hjaelper.lua: a module that sets a global and gives its values a method
function hjaelp(x) return x end
local M = {}
function M.ny() return setmetatable({}, {__index = M}) end
function M:tael() return 1 end
return M
