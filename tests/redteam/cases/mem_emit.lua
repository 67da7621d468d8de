-- attack: hit --mem while emit builds the JSON document (was exit 4, "out of memory")
-- issue: 6
-- args: --out ../out/doc.json --mem 16M
-- exit: 3
-- stderr: memory limit 16 MiB exceeded
-- The list fits; the JSON tree emit builds from it is far bigger. The cap is
-- crossed either in the tree (tg_mem: the message names the emit line) or in
-- Lua's own heap (LUA_ERRMEM has unwound before tegn sees it: no line); which
-- one varied from run to run, so only the message and the exit code are fixed.
local t = {}
for i = 1, 400000 do t[i] = i end
tegn.emit({ t = t })
