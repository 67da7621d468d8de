-- Tegn på succes: andelen af sager, hvor sagsbehandlingsfristen overholdes,
-- stiger: SOF's cases by the year received, among those whose deadline had
-- passed at extraction; a case still open after its deadline is not met.
local tegn = require "tegn"
local ind = require "indikator"
local col = tegn.col

tegn.indicator{
  id = "kbh.sagsfrister",
  strategy = "kbh",
  title = "Andelen af sager, hvor sagsbehandlingsfristen overholdes, stiger",
  goal = "Andelen af SOF's sager, der afgøres senest på fristens sidste dag (modtaget + "
    .. "frist_dage), stiger. Sagerne opgøres efter det år, de er modtaget. Nævneren er sagerne, "
    .. "hvis frist var udløbet på udtræksdagen; en sag, der stadig er åben efter fristen, er "
    .. "ikke overholdt. Tre sager med afgørelse før modtagelse (fejlregistrering) er udeladt",
  direction = "up",
  unit = "andel af sager",
  period = "aar",
  note = "Opgjort efter modtagelsesår, ikke afgørelsesår: data begynder med sager modtaget i "
    .. "2019, så 2019's afgjorte sager ville mangle de langsomme sager fra 2018. 2025 er "
    .. "foreløbig: sager, hvis frist løber ud efter udtrækket (15. januar 2026), er endnu ikke "
    .. "med. Dyk i 2020 (COVID-19), i 2023 (fristen for socialpædagogisk støtte, SEL § 85, "
    .. "sat ned fra 56 til 42 dage) og i 2024 (barnets lov)",
  params = { udtraek = "2026-01-15" },
  compute = function(data, params)
    local frist = col"modtaget" + col"frist_dage"
    local sager = data.sager
      :filter(tegn.any{ col"afgjort":is_null(), col"afgjort":ge(col"modtaget") })
      :filter(frist:lt(tegn.date(params.udtraek)))
    -- Open cases (no afgjort) compare as NULL: not met.
    local overholdt = col"afgjort":le(frist):fill_null(false)
    return ind.share(sager, { aar = col"modtaget":year() }, overholdt)
  end,
}
