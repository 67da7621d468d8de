-- Rammer og Retning: residents of DSV's botilbud get the health check
-- (OK22, from 2022). The unit is an offer (db.sundhedstjek, one row per
-- offer, the year of the offer); offers still waiting for a time at
-- extraction have no outcome yet and are left out.
local tegn = require "tegn"
local ind = require "indikator"
local region = require "region"
local col = tegn.col

local note = "Enheden er et tilbud om sundhedstjek i tilbudsåret (en borger kan få et nyt "
  .. "tilbud ca. to år efter et gennemført tjek). Tilbud, der ved udtrækket venter på en tid "
  .. "(aarsag_ikke = venter_paa_tid, alle fra 2025), er ikke afsluttede og tæller ikke med. "
  .. "Tilbud, der ikke blev gennemført fordi borgeren flyttede eller blev indlagt, tæller med "
  .. "som ikke gennemført. Pr. botilbud er n ofte under 20 og vurderes ikke."

local function afsluttede(data)
  return data.sundhedstjek:filter(tegn.coalesce(col"aarsag_ikke", ""):ne"venter_paa_tid")
end

for _, v in ipairs{ { "", nil, "Sundhedstjek gennemføres for borgere i botilbud" },
                    { "_tilbud", "tilbud_id", "Sundhedstjek gennemføres, pr. botilbud" } } do
  tegn.indicator{
    id = "regionh.sundhedstjek" .. v[1],
    strategy = "regionh",
    title = v[3],
    goal = "Andelen af tilbudte sundhedstjek, der gennemføres, stiger",
    direction = "up",
    unit = "andel af tilbudte sundhedstjek",
    period = "aar",
    by = v[2],
    part_of = v[2] and "regionh.sundhedstjek" or nil,
    note = note,
    compute = function(data)
      return ind.share(afsluttede(data), { "aar", v[2] }, col"gennemfoert":not_null())
    end,
  }
end

-- The funnel: the share of the year's offers that reached each step.
tegn.indicator{
  id = "regionh.sundhedstjek.trin",
  strategy = "regionh",
  title = "Sundhedstjek: fra tilbud til gennemført tjek",
  goal = "Andelen af tilbudte sundhedstjek, der når hvert trin (drøftet, samtykke, bestilt, "
    .. "ønsket, gennemført), stiger",
  direction = "up",
  unit = "andel af tilbudte sundhedstjek",
  period = "aar",
  by = "trin",
  note = note .. " Årsagerne til, at et tjek ikke blev gennemført, er i details (antal pr. år; "
    .. "1-4 skjult).",
  compute = function(data)
    local tjek = afsluttede(data)
    local trin = tjek:group_by{ "aar" }:agg{
      denominator = tegn.count(),
      ["1_droeftet"] = tegn.count"droeftet",
      ["2_samtykke"] = tegn.count"samtykke",
      ["3_bestilt"] = tegn.count"bestilt",
      ["4_oensker"] = tegn.count"oensker",
      ["5_gennemfoert"] = tegn.count"gennemfoert",
    }:unpivot{ keep = { "aar", "denominator" }, into = { "trin", "numerator" } }
    local aarsager = tjek:filter(col"gennemfoert":is_null())
      :group_by{ "aar", "aarsag_ikke" }:agg{ antal = tegn.count() }
    return trin, { aarsager_ikke_gennemfoert = region.skjul_smaa(aarsager, "antal", { "aar" }) }
  end,
}
