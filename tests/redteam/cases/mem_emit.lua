-- attack: hit --mem while emit builds the JSON document (was exit 4, "out of memory")
-- issue: 6
-- args: --out ../out/doc.json --mem 40M
-- exit: 3
-- stderr: script.lua:9: memory limit 40 MiB exceeded
-- The list fits; the JSON tree emit builds from it is far bigger.
local t = {}
for i = 1, 1000000 do t[i] = i end
tegn.emit({ t = t })
