-- Strategi 2025-2028: sick leave. Sick days per FTE-year in Region
-- Sjælland's units, Σ sygedage / (Σ fte / 12) from the monthly payroll
-- export (hr_maaned.csv), per year, overall and per unit.
local tegn = require "tegn"
local ind = require "indikator"
local region = require "region"
local col = tegn.col

local note = "Sygedage (dagsværk) divideret med årsværk (summen af månedernes fuldtidsstillinger "
  .. "/ 12), fra lønsystemets månedsudtræk. Langtidssygdom samler mange dage hos få, så "
  .. "Poissons interval er for smalt: det samlede tal udvides med spredningen mellem enhederne "
  .. "(quasi-Poisson); tallene pr. enhed har ingen sådan korrektion. Stevnsfortets "
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
    part_of = v[2] and "regsj.sygefravaer" or nil,
    note = note,
    compute = function(data)
      -- overall: the spread between the units widens the interval
      return ind.rate(region.hr(data, "RSJ-"), { "aar", v[2] }, "sygedage", col"fte" / 12,
                      not v[2] and "tilbud_id" or nil)
    end,
  }
end
