-- Rammer og Retning: meals as a shared part of everyday life. Mean main
-- meals per week eaten with others, per quarter, over DSV residents present
-- at least 30 days in the quarter (aktivitet_kvartal.csv, from 2021K1; not
-- Sølager). DSV's meal initiatives are the details.
local tegn = require "tegn"
local ind = require "indikator"
local region = require "region"

tegn.indicator{
  id = "regionh.maaltider",
  strategy = "regionh",
  title = "Flere fælles måltider",
  goal = "Gennemsnitligt antal hovedmåltider om ugen, der spises sammen med andre, stiger",
  direction = "up",
  kind = "mean",
  unit = "fælles måltider pr. uge (0-14)",
  period = "kvartal",
  baseline = "2021K4",
  note = "Gennemsnit over borgere, der har boet mindst 30 dage i kvartalet (en borger, der "
    .. "flyttede mellem to tilbud i kvartalet, tæller i begge). Seneste kvartal sammenlignes "
    .. "med samme kvartal i 2021 (2021K4), som for bevægelse. Tilbuddenes måltidstiltag er i "
    .. "details.",
  compute = function(data)
    return ind.mean(data.aktivitet_kvartal, { "kvartal" }, "faelles_maaltider_uge"),
      { tiltag = region.tiltag(data, "maaltider") }
  end,
}
