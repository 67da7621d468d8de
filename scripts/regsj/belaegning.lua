-- Strategi 2025-2028: only occupied places can be charged, so each
-- tilbud's occupancy is followed against the occupancy its takst was
-- budgeted on (takst_param), per year, from the monthly occupancy report;
-- 5 percentage points or more from budget is flagged.
local tegn = require "tegn"
local region = require "region"

tegn.indicator{
  id = "regsj.belaegning",
  strategy = "regsj",
  title = "Belægning mod budgetteret belægning, pr. tilbud",
  goal = "Belægningsprocenten holdes på den budgetterede; afvigelser på 5 procentpoint eller "
    .. "mere markeres",
  direction = "up",
  kind = "rate",
  per = 100,
  census = true,
  unit = "belægningsprocent (belagte dage pr. 100 mulige dage)",
  period = "aar",
  by = "tilbud_id",
  flag_deviation = 5,
  note = "Belægningsdage og mulige dage er summen af månedsrapporternes egne tal, som de blev "
    .. "indberettet (den 14. i måneden efter; sent registrerede indflytninger mangler i "
    .. "rapporterne). Et år med en manglende rapport (Roskildehjemmet 2019-07, Skelbakken "
    .. "2020-04) opgøres over de rapporterede måneder; de står i details. Stevnsfortet gik fra "
    .. "25 til 22 pladser 1.7.2022: de mulige dage følger pladserne dag for dag, mens taksten "
    .. "og budgettet for 2022 stadig var beregnet på 25 pladser. Kofoedsminde var overbelagt i "
    .. "2020-2022 (over 100 %). Budgettet er takst_param.budget_belaegning × 100. Belægningen "
    .. "er en totaltælling, ikke en stikprøve (census): den har intet konfidensinterval og "
    .. "ingen vurdering; afvigelsen fra budget (flag) er det, der skal handles på. "
    .. "Indikatoren er en 'rate', fordi belægningen kan overstige 100 %.",
  compute = function(data)
    local serie, huller = region.belaegning(data, "RSJ-")
    return serie, { aar_med_faerre_end_12_rapporter = huller }
  end,
}
