-- attack: hit --mem while emit builds the JSON document (was exit 4, "out of memory")
-- issue: 6
-- args: --out ../out/doc.json --mem 16M
-- exit: 3
-- stderr: script.lua:9: memory limit 16 MiB exceeded
-- The list fits; the JSON tree emit builds from it is far bigger.
local t = {}
for i = 1, 400000 do t[i] = i end
tegn.emit({ t = t })
