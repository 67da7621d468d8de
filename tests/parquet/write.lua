-- tests/parquet/write.lua: a CSV written as Parquet, as check_parquet.mjs asks.
--   tegn run write.lua --param csv=F --param out=P [--param compression=zstd]
--            [--param rows=N] [--param part=col1,col2]
local tegn = require "tegn"
local t = tegn.read_csv(tegn.param("csv", ""))
local opts = { compression = tegn.param("compression", "zstd") }
local rows = tegn.param("rows", "")
if rows ~= "" then opts.row_group_rows = tonumber(rows) end
local part = tegn.param("part", "")
if part ~= "" then
    opts.partition_by = {}
    for name in part:gmatch("[^,]+") do opts.partition_by[#opts.partition_by + 1] = name end
end
t:write_parquet(tegn.param("out", ""), opts)
