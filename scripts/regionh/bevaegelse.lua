-- Rammer og Retning: more movement in everyday life. Mean days per week
-- with at least 30 minutes of movement, per quarter, over DSV residents
-- present at least 30 days in the quarter (aktivitet_kvartal.csv, from
-- 2021K1; not Sølager). DSV's movement initiatives are the details.
local tegn = require "tegn"
local ind = require "indikator"
local region = require "region"

tegn.indicator{
  id = "regionh.bevaegelse",
  strategy = "regionh",
  title = "Flere borgere bevæger sig i hverdagen",
  goal = "Gennemsnitligt antal dage om ugen med mindst 30 minutters bevægelse stiger",
  direction = "up",
  kind = "mean",
  unit = "dage pr. uge (0-7)",
  period = "kvartal",
  baseline = "2021K4",
  note = "Gennemsnit over borgere, der har boet mindst 30 dage i kvartalet (en borger, der "
    .. "flyttede mellem to tilbud i kvartalet, tæller i begge). Niveauet er højest i 3. kvartal, "
    .. "så seneste kvartal sammenlignes med samme kvartal i 2021 (2021K4). Tilbuddenes "
    .. "bevægelsestiltag er i details.",
  compute = function(data)
    return ind.mean(data.aktivitet_kvartal, { "kvartal" }, "bevaegelse_dage_uge"),
      { tiltag = region.tiltag(data, "bevaegelse") }
  end,
}
