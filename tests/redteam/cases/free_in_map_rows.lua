-- attack: t:free() inside a map_rows callback (a heap-use-after-free before)
-- issue: 2
-- exit: 0
-- writes: out/doc.json
local t = tegn.read_csv("input.csv")
local s = t:filter(tegn.col("k"):gt(1))
local r = s:map_rows(function(row) s:free() collectgarbage() return { k = row.k * 2 } end)
tegn.emit{ k = r:rows(), freed = tostring(s) }
