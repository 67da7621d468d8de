-- bench/queries.lua: the peers' workload (research/perf.md, shared peers
-- duckdb.sql) as a tegn script: (a) load, (b) occupied place-days and mean
-- takst per tilbud per month, (c) filter + count, (d) join with the tilbud
-- table giving the occupancy rate. Each query runs REPS times; the median
-- and the first run are emitted with the answers' checksums.
--   tegn run bench/queries.lua --param csv=bench/data/occ_10000000.csv \
--            --param tilbud=bench/data/tilbud_10000000.csv [--param out=DIR]
-- queries=LIST (comma-separated) picks the queries; the default is the
-- peers' three, b_groupby,c_filter_count,d_join_rate. bn_groupby and
-- dn_join_rate are (b) and (d) written in the order an analyst writes
-- them: filter, join the tilbud table, then group by month (the join
-- first, so every later step sees the tilbud columns). tegn plans such a
-- chain (t:explain() shows it); TEGN_EAGER=1 runs it verb by verb.
-- With out=DIR (an existing folder) the last (b) and (d) answers are also
-- written to DIR/b_groupby.csv and DIR/d_join_rate.csv, sorted by tilbud_id,
-- month, for bench/queries.sh to compare with the peers; this is untimed.
local tegn = require "tegn"
local col, count, mean = tegn.col, tegn.count, tegn.mean
local reps = tonumber(tegn.param("reps", "3"))
local outdir = tegn.param("out", "")

-- Wall time (tegn.clock): the verbs run on every --threads thread, and
-- os.clock, the process's CPU time, would add the threads' times up.
-- os.clock (CPU seconds of every thread) is kept beside it: on a shared
-- machine, wall time much above CPU / threads means the process waited.
local function timed(f)
    local t0, c0 = tegn.clock(), os.clock()
    local r = f()
    return r, tegn.clock() - t0, os.clock() - c0
end

local function median(xs)
    table.sort(xs)
    return xs[(#xs + 1) // 2]
end

local occ, a_s, a_cpu = timed(function() return tegn.read_csv(tegn.param("csv", "")) end)
local tilbud = tegn.read_csv(tegn.param("tilbud", ""))

local queries = {
    b_groupby = function()
        return occ:filter(col"status":eq"belagt")
                  :group_by{ "tilbud_id", month = col"date":trunc"month" }
                  :agg{ occupied_days = count(), mean_takst = mean"takst_kr" }
    end,
    c_filter_count = function()
        return #occ:filter(col"status":eq"belagt" & col"kommune":eq"Høje-Taastrup"
                           & col"takst_kr":ge(3000)
                           & col"date":between(tegn.date"2023-01-01", tegn.date"2023-12-31"))
    end,
    d_join_rate = function()
        return occ:filter(col"status":eq"belagt")
                  :group_by{ "tilbud_id", month = col"date":trunc"month" }
                  :agg{ occupied_days = count() }
                  :join(tilbud, { on = "tilbud_id" })
                  :derive{ rate = col"occupied_days"
                                  / (col"normerede_pladser" * col"month":days_in_month()) }
    end,
    bn_groupby = function()
        return occ:filter(col"status":eq"belagt")
                  :join(tilbud, { on = "tilbud_id" })
                  :group_by{ "tilbud_id", month = col"date":trunc"month" }
                  :agg{ occupied_days = count(), mean_takst = mean"takst_kr" }
    end,
    dn_join_rate = function()
        return occ:filter(col"status":eq"belagt")
                  :join(tilbud, { on = "tilbud_id" })
                  :group_by{ "tilbud_id", "normerede_pladser", month = col"date":trunc"month" }
                  :agg{ occupied_days = count() }
                  :derive{ rate = col"occupied_days"
                                  / (col"normerede_pladser" * col"month":days_in_month()) }
    end,
}

local names = {}
for name in tegn.param("queries", "b_groupby,c_filter_count,d_join_rate"):gmatch"[^,]+" do
    assert(queries[name], "unknown query " .. name)
    names[#names + 1] = name
end

-- a_load_s is the load's wall time; queries_s (all timed query runs) lets
-- queries.sh estimate the load's share of the whole process.
local out = { rows = #occ, a_load_s = a_s, a_load_cpu_s = a_cpu, queries_s = 0 }
for _, name in ipairs(names) do
    local times, cpus, result = {}, {}, nil
    for i = 1, reps do
        -- a plan runs when its rows are needed: #r inside the timing
        local r, s, c = timed(function()
            local r = queries[name]()
            if type(r) ~= "number" then local _ = #r end
            return r
        end)
        times[i], cpus[i], result = s, c, r
        out.queries_s = out.queries_s + s
    end
    out[name .. "_first_s"] = times[1]
    out[name .. "_s"] = median(times)
    out[name .. "_cpu_s"] = median(cpus)
    out[name .. "_answer"] = type(result) == "number" and result or #result
    if outdir ~= "" and type(result) ~= "number" then
        result:sort{ "tilbud_id", "month" }:write_csv(outdir .. "/" .. name .. ".csv")
    end
end
tegn.emit(out)
