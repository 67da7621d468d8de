-- tegn_side.lua -- tegn's half of bench/ets_vs_r.sh, run in the work
-- folder: tegn.forecast.ets (automatic model) at the same origins as R on
-- the classic series (series.csv), and on the bundled occupancy data
-- (occ.csv: the open tilbud), writing tegn_<o>.csv / occ_<o>.csv.
local tegn = require "tegn"
local col = tegn.col

local s = tegn.read_csv("series.csv")
local groups = { { period = 12, t = s:filter(col"series":ne"UKgas") },
                 { period = 4, t = s:filter(col"series":eq"UKgas") } }
for gi, g in ipairs(groups) do
  local n = {}
  for _, r in ipairs(g.t:group_by("series"):agg{ n = tegn.max(col"t") }:rows()) do
    n[r.series] = r.n
  end
  -- Origins counted back from each series' end: k = 24 .. 12 points before it.
  for k = 24, 12, -1 do
    local parts = {}
    for name, len in pairs(n) do
      parts[#parts + 1] = { name = name, o = len - k }
    end
    for _, p in ipairs(parts) do
      local tr = g.t:filter(col"series":eq(p.name):and_(col"t":le(p.o)))
      local fc = tegn.forecast.ets(tr, { by = "series", time = "t", value = "y",
                                         period = g.period, horizon = 12, level = 80 })
      fc:write_csv(string.format("tegn_%d_%s_%d.csv", gi, p.name, k))
    end
  end
end

local occ = tegn.read_csv("occ.csv")
for k = 24, 12, -1 do
  local o = 84 - k
  local tr = occ:filter(col"t":le(o))
  local fc = tegn.forecast.ets(tr, { by = "tilbud_id", time = "t", value = "y",
                                     period = 12, horizon = 12, level = 80 })
  fc:write_csv(string.format("occ_%d.csv", k))
end
