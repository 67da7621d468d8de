-- tests/parquet/write.lua: a CSV written as Parquet, as check_parquet.mjs asks.
--   tegn run write.lua --param csv=F --param out=P [--param compression=zstd]
--            [--param rows=N] [--param part=col1,col2] [--param types=col:type,...]
--            [--param floats=text:float]
local tegn = require "tegn"
local types = {}
for name, type in tegn.param("types", ""):gmatch("([^,:]+):([^,]+)") do types[name] = type end
local t = tegn.read_csv(tegn.param("csv", ""), { types = types })
-- floats=text:float: the text column 'text' ("nan", "inf", "-inf", "-0.0", ...) as the float
-- column 'float' in its place, since CSV numbers admit no NaN or infinity; the CSV's first
-- column numbers the rows, to join the converted values back.
local text, float = tegn.param("floats", ""):match("^([^:]+):(.+)$")
if text then
    local special = { nan = 0 / 0, inf = math.huge, ["-inf"] = -math.huge }
    local id, keep = t:columns()[1], {}
    for _, c in ipairs(t:columns()) do
        keep[#keep + 1] = c == text and float or c
    end
    local conv = t:select { id, text }:map_rows(function(r)
        return { [id] = r[id], [float] = r[text] and (special[r[text]] or tonumber(r[text])) }
    end)
    t = t:join(conv, { on = id, how = "left" }):sort { id }:select(keep)
end

local opts = { compression = tegn.param("compression", "zstd") }
local rows = tegn.param("rows", "")
if rows ~= "" then opts.row_group_rows = tonumber(rows) end
local part = tegn.param("part", "")
if part ~= "" then
    opts.partition_by = {}
    for name in part:gmatch("[^,]+") do opts.partition_by[#opts.partition_by + 1] = name end
end
t:write_parquet(tegn.param("out", ""), opts)
