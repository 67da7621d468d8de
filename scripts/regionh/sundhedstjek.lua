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

-- The funnel: the share of the year's offers that reached each step. Each
-- step is a subset of the one before (funnel = true), so a step less the next
-- is the number who stopped there, which the disclosure rules protect like a
-- count (docs/disclosure.md#a-funnel).
local STOP = tegn.when(col"droeftet":is_null(), "1_droeftet")
  :when(col"samtykke":is_null(), "2_samtykke")
  :when(col"bestilt":is_null(), "3_bestilt")
  :when(col"oensker":is_null(), "4_oensker")
  :otherwise("5_gennemfoert")

-- Why an offer was not carried out (datasets/README.md) and the step it
-- stopped at; every reason gets a row every year, so a missing one says
-- nothing.
local AARSAGER = {
  { "ikke_droeftet", "1_droeftet" }, { "borger_afslog", "2_samtykke" },
  { "vaerge_ikke_svaret", "2_samtykke" }, { "ikke_bestilt_hos_laege", "3_bestilt" },
  { "borger_fortrudt", "4_oensker" }, { "borger_indlagt", "5_gennemfoert" },
  { "borger_urolig_aflyst", "5_gennemfoert" }, { "fraflyttet", "5_gennemfoert" },
  { "laege_ikke_kommet", "5_gennemfoert" },
}
local TRIN_AF = tegn.when(col"aarsag_ikke":eq(AARSAGER[1][1]), AARSAGER[1][2])
for i = 2, #AARSAGER do
  TRIN_AF = TRIN_AF:when(col"aarsag_ikke":eq(AARSAGER[i][1]), AARSAGER[i][2])
end
TRIN_AF = TRIN_AF:otherwise(tegn.null)

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
  funnel = true,
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
    -- The reasons of the offers that stopped at a step add up to the step
    -- before less the step, which the funnel shows: they are protected per
    -- year and step, then published per year. They are made once the funnel
    -- is judged (details as a function of the published series): where it
    -- hides a step, the reasons on either side of it are hidden too, since
    -- shown they would give it back as its neighbour less their sum.
    local antal = {}
    for _, a in ipairs(AARSAGER) do antal[a[1]] = tegn.count_if(col"aarsag_ikke":eq(a[1])) end
    local aarsager = tjek:group_by{ "aar" }:agg(antal)
      :unpivot{ keep = "aar", into = { "aarsag_ikke", "antal" } }
      :derive{ trin = TRIN_AF }
    local forkert = #tjek:filter(tegn.all{ col"gennemfoert":is_null(),
      tegn.coalesce(TRIN_AF:ne(STOP), true) })
    if forkert > 0 then
      error(string.format("sundhedstjek: %d offers stopped at another step than their reason "
        .. "says (AARSAGER)", forkert))
    end
    return trin, function(serie)
      local skjult = serie:derive{ foer = col"suppressed":lag(1, { by = "aar", order = "trin" }) }
        :derive{ risiko = tegn.any{ col"suppressed", tegn.coalesce(col"foer", false) } }
        :select{ "aar", "trin", "risiko" }
      local med = aarsager:join(skjult, { on = { "aar", "trin" } })
      return {
        aarsager_ikke_gennemfoert = region.skjul_smaa(med, "antal", { "aar", "trin" }, "risiko")
          :select{ "aar", "aarsag_ikke", "antal", "skjult" },
      }
    end
  end,
}
