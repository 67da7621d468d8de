-- alle.lua: the main job. Every indicator of the three strategies, in the
-- order the summary shows them; `tegn demo` runs this script and writes
-- out/indikatorer.json. Each line loads one indicator script (the folder is
-- the strategy); the data catalog loads each dataset once for all of them.

-- Københavns Kommune: socialstrategiens tegn på succes
require "kbh.ensomhed"

-- Region Hovedstaden: Den Sociale Virksomhed, Rammer og Retning

-- Region Sjælland: strategi 2025-2028
