-- Rammer og Retning: networks and volunteering. The mean number of private
-- network persons in contact in the quarter, and the share who volunteered
-- (aktivitet_kvartal.csv, from 2021K1; not Sølager). The initiatives have no
-- end date, so they are the details, not an indicator of their own.
local tegn = require "tegn"
local ind = require "indikator"
local region = require "region"
local col = tegn.col

local om_data = "Borgere, der har boet mindst 30 dage i kvartalet (en borger, der flyttede "
  .. "mellem to tilbud i kvartalet, tæller i begge). Seneste kvartal sammenlignes med samme "
  .. "kvartal i 2021 (2021K4). "

tegn.indicator{
  id = "regionh.netvaerk",
  strategy = "regionh",
  title = "Borgerne har et større netværk",
  goal = "Gennemsnitligt antal private netværkspersoner, borgeren har haft kontakt med i "
    .. "kvartalet, stiger",
  direction = "up",
  kind = "mean",
  unit = "netværkspersoner (0-15)",
  period = "kvartal",
  baseline = "2021K4",
  note = om_data .. "Tilbuddenes netværkstiltag er i details; de har ingen slutdato, så "
    .. "det kan ikke opgøres, hvilke borgere et tiltag nåede i et kvartal.",
  compute = function(data)
    return ind.mean(data.aktivitet_kvartal, { "kvartal" }, "netvaerk_personer"),
      { tiltag = region.tiltag(data, "netvaerk") }
  end,
}

tegn.indicator{
  id = "regionh.frivillig",
  strategy = "regionh",
  title = "Flere borgere er frivillige i lokalsamfundet",
  goal = "Andelen af borgere, der har været frivillige i lokalsamfundet i kvartalet, stiger",
  direction = "up",
  unit = "andel af borgere",
  period = "kvartal",
  baseline = "2021K4",
  note = om_data .. "Tilbuddenes frivillighedstiltag er i details.",
  compute = function(data)
    return ind.share(data.aktivitet_kvartal, { "kvartal" }, col"frivillig_j_n"),
      { tiltag = region.tiltag(data, "frivillighed") }
  end,
}
