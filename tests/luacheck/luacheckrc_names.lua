-- luacheckrc_names.lua RC -- the names the standard "tegn_sandbox" of the
-- luacheck config RC declares, one a line, in the form sandbox_names.lua
-- prints. Runs under lua5.1 (the interpreter luacheck itself uses).
stds = {}
files = {} -- per-file settings (lua/tegn.d.lua), which name nothing here
dofile(arg[1])
local out = {}

local function walk(prefix, defs)
  for k, v in pairs(defs) do
    if type(k) == "number" then
      out[#out + 1] = prefix .. v
    elseif v.other_fields then
      out[#out + 1] = prefix .. k .. ".*"
    elseif v.fields and next(v.fields) then
      walk(prefix .. k .. ".", v.fields)
    else
      out[#out + 1] = prefix .. k
    end
  end
end

walk("", stds.tegn_sandbox.read_globals)
table.sort(out)
print(table.concat(out, "\n"))
