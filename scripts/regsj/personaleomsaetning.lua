-- Strategi 2025-2028: staff turnover. People leaving per 100 employees in a
-- year in Region Sjælland's units, 100 × Σ fratraadte / (Σ gns_ansatte / 12)
-- from the monthly payroll export (hr_maaned.csv), overall and per unit.
local tegn = require "tegn"
local ind = require "indikator"
local region = require "region"
local col = tegn.col

local note = "Fratrådte i året pr. 100 ansatte, hvor antallet af ansatte er gennemsnittet af "
  .. "månedernes gennemsnitlige antal ansatte (Σ gns_ansatte / 12, dvs. ansat-år), fra "
  .. "lønsystemets månedsudtræk; det er personaleomsætningen i procent. Omsætningen topper i "
  .. "juli-august. Poisson-intervallet antager uafhængige fratrædelser. Pr. enhed skjules et år "
  .. "med 1-4 fratrådte."

for _, v in ipairs{ { "", nil, "Lavere personaleomsætning" },
                    { "_enhed", "tilbud_id", "Lavere personaleomsætning, pr. enhed" } } do
  tegn.indicator{
    id = "regsj.personaleomsaetning" .. v[1],
    strategy = "regsj",
    title = v[3],
    goal = "Personaleomsætningen (fratrådte pr. 100 ansatte) falder",
    direction = "down",
    kind = "rate",
    per = 100,
    unit = "fratrådte pr. 100 ansatte (procent)",
    period = "aar",
    by = v[2],
    part_of = v[2] and "regsj.personaleomsaetning" or nil,
    note = note,
    compute = function(data)
      return ind.rate(region.hr(data, "RSJ-"), { "aar", v[2] }, "fratraadte",
        col"gns_ansatte" / 12)
    end,
  }
end
