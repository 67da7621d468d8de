-- indikator.lua: the building blocks of indicator scripts. Each turns a
-- table of people, cases or months into the columns tegn.indicator reads
-- (numerator/denominator/n, value/sd/n), with tegn's verbs: nothing here
-- runs Lua per row.
local tegn = require "tegn"
local col, sum = tegn.col, tegn.sum

local M = {}

local function expr(x)
  if type(x) == "string" then return col(x) end
  return x
end

-- The share of rows where `hit` (a bool expression) is true, per `by` (keys
-- as group_by takes them), among the rows where `hit` is not NULL. With a
-- weight column `w` the shares are weighted and n is Kish's effective
-- sample size (sum w)^2 / sum w^2; without, n is the number of rows.
function M.share(t, by, hit, w)
  local wt = w and col(w) or tegn.lit(1.0)
  return t:derive{ _hit = hit }
    :filter(col"_hit":not_null())
    :derive{ _w = wt, _y = tegn.if_else(col"_hit", wt, 0.0), _w2 = wt * wt }
    :group_by(by)
    :agg{ numerator = sum"_y", denominator = sum"_w", _w2 = sum"_w2" }
    :derive{ n = col"denominator" * col"denominator" / col"_w2" }
end

-- The mean of `x` (a column name or an expression) per `by`, with its
-- standard deviation and the number of non-NULL values.
function M.mean(t, by, x)
  return t:derive{ _x = expr(x) }
    :filter(col"_x":not_null())
    :group_by(by)
    :agg{ value = tegn.mean"_x", sd = tegn.std"_x", n = tegn.count() }
end

-- Events per exposure per `by`: the sums of two columns or expressions.
function M.rate(t, by, events, exposure)
  return t:derive{ _e = expr(events), _x = expr(exposure) }
    :group_by(by)
    :agg{ numerator = sum"_e", denominator = sum"_x" }
end

-- A "YYYY-MM" month column as the year (an int expression).
function M.year_of_month(name)
  return tegn.concat(col(name), "-01"):cast"date":year()
end

return M
