-- kbh.lua: helpers for Copenhagen's indicator scripts (scripts/kbh/) that
-- indikator.lua does not have: a weighted mean score for the SOF survey and
-- the restriction to Socialforvaltningen's own units. Like indikator.lua,
-- nothing here runs Lua per row.
local tegn = require "tegn"
local col, sum = tegn.col, tegn.sum

local M = {}

local function expr(x)
  if type(x) == "string" then return col(x) end
  return x
end

-- The square root of column `v` (>= 0) into column `name`, by Newton's
-- method from column `start` (> 0), since expressions have no sqrt. Each
-- step squares the relative error once it is small; from a start within a
-- factor of 16 of the root, ten steps reach double precision.
local function sqrt_into(t, name, v, start)
  t = t:derive{ [name] = col(start) }
  for _ = 1, 10 do
    t = t:derive{ [name] = (col(name) + col(v) / col(name)) * 0.5 }
  end
  return t:derive{ [name] = tegn.if_else(col(v):gt(0.0), col(name), 0.0) }
end

-- The weighted mean of `x` (a column name or an expression) per `by`, for
-- tegn.indicator's kind "mean": `value` = sum(w x) / sum(w), `sd` the
-- weighted standard deviation sqrt(sum(w (x - value)^2) / sum(w)), and `n`
-- Kish's effective sample size (sum w)^2 / sum w^2, so that sd / sqrt(n) is
-- the usual approximate standard error of a weighted mean. Rows where x is
-- NULL are left out.
function M.wmean(t, by, x, w)
  local g = t:derive{ _x = expr(x) }
    :filter(col"_x":not_null())
    :derive{ _w = col(w), _wx = col(w) * col"_x", _wxx = col(w) * col"_x" * col"_x",
             _w2 = col(w) * col(w) }
    :group_by(by)
    :agg{ _sw = sum"_w", _swx = sum"_wx", _swxx = sum"_wxx", _sw2 = sum"_w2",
          _sd0 = tegn.std"_x" }
    :derive{ value = col"_swx" / col"_sw", n = col"_sw" * col"_sw" / col"_sw2" }
  -- The variance as E(x^2) - mean^2, clamped at 0 against rounding; the
  -- unweighted sd, which is near the weighted one, starts Newton.
  g = g:derive{ _var = col"_swxx" / col"_sw" - col"value" * col"value",
                _sd0 = tegn.if_else(col"_sd0":gt(0.0), col"_sd0", 1.0) }
    :derive{ _var = tegn.if_else(col"_var":gt(0.0), col"_var", 0.0) }
  return sqrt_into(g, "sd", "_var", "_sd0")
end

-- The rows of `t` whose column `key` names one of Socialforvaltningen's
-- units (datasets/kk_enheder.csv): Copenhagen's part of the HR and staff
-- survey files, which also hold the regional tilbud.
function M.sof_units(data, t, key)
  return t:join(data.kk_enheder, { on = { [key] = "enhed_id" }, how = "semi" })
end

return M
