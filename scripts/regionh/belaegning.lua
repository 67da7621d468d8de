-- Rammer og Retning / the takst rules: only occupied places can be
-- charged, so each tilbud's occupancy is followed against the occupancy
-- its takst was budgeted on (takst_param), per year, from the monthly
-- occupancy report; 5 percentage points or more from budget is flagged.
local tegn = require "tegn"
local region = require "region"

tegn.indicator(region.belaegning_spec("regionh.belaegning", "regionh", "DSV-",
  "Et år med manglende rapporter (Lunden 2024-02, Rønnegård 2021-11 og -12) opgøres over de "
  .. "rapporterede måneder; de står i details. Mosehuset lukkede 30.06.2023: 2023 er "
  .. "januar-juni under afviklingen."))
