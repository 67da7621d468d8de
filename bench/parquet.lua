-- bench/parquet.lua: a loaded table written as Parquet with each codec, timed
-- (CPU seconds of the write, os.clock; the write runs on one thread).
--   tegn run bench/parquet.lua --param csv=bench/data/occ_10000000.csv --param out=DIR
local tegn = require "tegn"
local csv, out = tegn.param("csv", ""), tegn.param("out", "")
local t = tegn.read_csv(csv)
for _, codec in ipairs{ "zstd", "snappy", "none" } do
    local t0 = os.clock()
    t:write_parquet(out .. "/tegn_" .. codec .. ".parquet", { compression = codec })
    print(string.format("tegn %-6s %8.2f s  %d rows", codec, os.clock() - t0, #t))
end
