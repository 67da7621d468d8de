-- Strategi 2025-2028: sick leave. Sick days per FTE-year in Region
-- Sjælland's units, Σ sygedage / (Σ fte / 12) from the monthly payroll
-- export (hr_maaned.csv), per year, overall and per unit.
local tegn = require "tegn"
local ind = require "indikator"
local region = require "region"
local col = tegn.col

local note = "Sygedage (dagsværk) divideret med årsværk (summen af månedernes fuldtidsstillinger "
  .. "/ 12), fra lønsystemets månedsudtræk. Intervallet er Poissons og er for smalt, fordi "
  .. "langtidssygdom samler mange dage hos få; brug det med forsigtighed. Stevnsfortets "
  .. "normering blev skåret ca. 8 % ved reduktionen til 22 pladser i 2022."

for _, v in ipairs{ { "", nil, "Lavere sygefravær" },
                    { "_enhed", "tilbud_id", "Lavere sygefravær, pr. enhed" } } do
  tegn.indicator{
    id = "regsj.sygefravaer" .. v[1],
    strategy = "regsj",
    title = v[3],
    goal = "Antallet af sygedage pr. årsværk falder",
    direction = "down",
    kind = "rate",
    unit = "sygedage pr. årsværk",
    period = "aar",
    by = v[2],
    note = note,
    compute = function(data)
      return ind.rate(region.hr(data, "RSJ-"), { "aar", v[2] }, "sygedage", col"fte" / 12)
    end,
  }
end
