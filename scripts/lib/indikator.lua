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

-- Refuses a bare boolean where an expression belongs: `col"svar" == 5` is
-- a plain false in Lua (it calls __eq only for two userdata), which would
-- make every share 0. Raised at the caller's line.
local function need_expr(fn, key, x)
  if type(x) == "boolean" then
    error(string.format("%s: '%s' must be an expression, got %s (== and ~= on an "
      .. "expression give a plain Lua boolean: use col\"x\":eq(v) or :ne(v))",
      fn, key, tostring(x)), 3)
  end
end

-- The share of rows where `hit` (a bool expression) is true, per `by` (keys
-- as group_by takes them), among the rows where `hit` is not NULL. With a
-- weight column `w` the shares are weighted and n is Kish's effective
-- sample size (sum w)^2 / sum w^2; without, n is the number of rows.
function M.share(t, by, hit, w)
  need_expr("ind.share", "hit", hit)
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
  need_expr("ind.mean", "x", x)
  return t:derive{ _x = expr(x) }
    :filter(col"_x":not_null())
    :group_by(by)
    :agg{ value = tegn.mean"_x", sd = tegn.std"_x", n = tegn.count() }
end

-- The names of a group_by key list: listed names and named expressions.
local function key_names(by)
  local names = {}
  for k, v in pairs(by) do names[#names + 1] = type(k) == "number" and v or k end
  table.sort(names)
  return names
end

-- Events per exposure per `by`: the sums of two columns or expressions.
-- With `unit` (a column naming the units that make up a period, such as
-- tilbud_id), also the dispersion of the events between units: Pearson's
-- chi-square of the units' events against the period's rate, over k - 1.
-- Sick days come in spells, so units vary far more than Poisson counts
-- would; tegn.indicator widens the intervals by it (quasi-Poisson).
function M.rate(t, by, events, exposure, unit)
  need_expr("ind.rate", "events", events)
  need_expr("ind.rate", "exposure", exposure)
  local d = t:derive{ _e = expr(events), _x = expr(exposure) }
  local r = d:group_by(by):agg{ numerator = sum"_e", denominator = sum"_x" }
  if not unit then return r end
  local keys, per_unit = key_names(by), {}
  for k, v in pairs(by) do per_unit[k] = v end
  table.insert(per_unit, unit)
  local spread = d:group_by(per_unit)
    :agg{ _ue = sum"_e", _ux = sum"_x" }
    :join(r, { on = keys })
    :derive{ _exp = col"numerator" / col"denominator" * col"_ux" }
    :filter(col"_exp":gt(0))
    :derive{ _c = (col"_ue" - col"_exp") * (col"_ue" - col"_exp") / col"_exp" }
    :group_by(keys)
    :agg{ _chi = sum"_c", _k = tegn.count() }
    :filter(col"_k":gt(1))
    :derive{ dispersion = col"_chi" / (col"_k" - 1) }
  local cols = { "dispersion" }
  for _, k in ipairs(keys) do cols[#cols + 1] = k end
  return r:join(spread:select(cols), { on = keys, how = "left" })
end

-- A "YYYY-MM" month column as the year (an int expression).
function M.year_of_month(name)
  return tegn.concat(col(name), "-01"):cast"date":year()
end

return M
