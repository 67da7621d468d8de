-- Strategi 2025-2028: only occupied places can be charged, so each
-- tilbud's occupancy is followed against the occupancy its takst was
-- budgeted on (takst_param), per year, from the monthly occupancy report;
-- 5 percentage points or more from budget is flagged.
local tegn = require "tegn"
local region = require "region"

tegn.indicator(region.belaegning_spec("regsj.belaegning", "regsj", "RSJ-",
  "Et år med en manglende rapport (Roskildehjemmet 2019-07, Skelbakken 2020-04) opgøres over "
  .. "de rapporterede måneder; de står i details. Stevnsfortet gik fra 25 til 22 pladser "
  .. "1.7.2022: de mulige dage følger pladserne dag for dag, mens taksten og budgettet for 2022 "
  .. "stadig var beregnet på 25 pladser. Kofoedsminde var overbelagt i 2020-2022 (over 100 %)."))
