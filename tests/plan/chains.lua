-- chains.lua -- random chains of verbs (join, filter, derive, group_by/agg,
-- sort, rename, select, head) over the lualib fixtures, printed row by row; errors a
-- chain raises are printed too. run_plan_diff.sh runs it with plans and with
-- TEGN_EAGER=1 for many seeds and requires the same bytes: a plan must give
-- what the verbs give one at a time (tg_plan.h).
--   tegn run tests/plan/chains.lua --param dir=tests/fixtures/lualib --param seed=7
local tegn = require "tegn"
local col = tegn.col
local b = tegn.read_csv(tegn.param("dir", "") .. "/belaegning.csv")
local tb = tegn.read_csv(tegn.param("dir", "") .. "/tilbud.csv")
local seed = tonumber(tegn.param("seed", "1"))
math.randomseed(seed)
local R = math.random
local out = {}
local function emit(t)
  local ok, rows = pcall(function() return t:rows() end)
  if not ok then out[#out + 1] = "ERR " .. tostring(rows); return end
  out[#out + 1] = table.concat(t:columns(), ",") .. " #" .. #rows
  for i, r in ipairs(rows) do
    local cs = {}
    for _, c in ipairs(t:columns()) do cs[#cs + 1] = tostring(r[c]) end
    out[#out + 1] = table.concat(cs, "|")
  end
end
local preds = {
  function(t) return col"dage":gt(R(0, 20)) end,
  function(t) return col"status":eq"belagt" end,
  function(t) return col"takst_kr":lt(3000) | col"dage":le(3) end,
  function(t) return col"pladser":gt(R(5, 15)) end,
  function(t) return col"kommune":ne"Ballerup" & col"dage":ge(2) end,
  function(t) return col"kommune_right":eq"Høje-Taastrup" end,
  function(t) return col"x":gt(100) end,
}
local function has(t, name) for _, c in ipairs(t:columns()) do if c == name then return true end end end
for trial = 1, 40 do
  local t = R(2) == 1 and b or b:filter(col"dage":gt(R(0, 10)))
  local steps = {}
  for s = 1, R(1, 5) do
    local k = R(1, 8)
    local ok, nt = pcall(function()
      if k == 1 and has(t, "tilbud_id") and not has(t, "navn") then
        local how = ({"inner", "left", "semi", "anti"})[R(1, 4)]
        local right = R(2) == 1 and tb or tb:filter(col"pladser":gt(R(5, 12)))
        return t:join(right, {on = "tilbud_id", how = how})
      elseif k == 2 then
        local p = preds[R(1, #preds)](t)
        return t:filter(p)
      elseif k == 3 and has(t, "dage") then
        return t:derive{x = col"dage" * 10 + 1, dage = col"dage" + 1}
      elseif k == 4 and has(t, "tilbud_id") then
        local keys = {"tilbud_id"}
        if has(t, "pladser") and R(2) == 1 then keys[#keys + 1] = "pladser" end
        if has(t, "status") and R(2) == 1 then table.insert(keys, R(1, #keys + 1), "status") end
        if has(t, "dato") and R(2) == 1 then keys.m = col"dato":trunc"month" end
        local aggs = {n = tegn.count()}
        if has(t, "dage") then aggs.d = tegn.sum"dage"; aggs.f = tegn.first"dage" end
        if has(t, "takst_kr") then aggs.mt = tegn.mean"takst_kr" end
        return t:group_by(keys):agg(aggs)
      elseif k == 5 then
        return t:sort(t:columns()[1])
      elseif k == 6 and has(t, "navn") then
        return t:rename{nn = "navn"}
      elseif k == 8 then
        local cols = t:columns()
        local keep, ren = {}, {}
        for i, c in ipairs(cols) do if R(3) > 1 then keep[#keep + 1] = c end end
        if #keep > 1 and R(2) == 1 then ren["r_" .. keep[#keep]] = keep[#keep]; keep[#keep] = nil end
        keep.r_extra = nil
        for k2, v in pairs(ren) do keep[k2] = v end
        return t:select(keep)
      else
        return t:head(R(1, 70))
      end
    end)
    if ok then t = nt; steps[#steps + 1] = k else steps[#steps + 1] = "e" .. k end
  end
  out[#out + 1] = "trial " .. trial .. " " .. table.concat(steps, ",")
  emit(t)
end
print(table.concat(out, "\n"))
