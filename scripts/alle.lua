-- alle.lua: the main job. Every indicator of the three strategies, in the
-- order the summary shows them; `tegn demo` runs this script and writes
-- out/indikatorer.json. Each line loads one indicator script (the folder is
-- the strategy); the data catalog loads each dataset once for all of them.

-- Københavns Kommune: socialstrategiens tegn på succes
require "kbh.ensomhed"
require "kbh.livskvalitet"
require "kbh.tilfredshed"
require "kbh.skoleniveau"
require "kbh.ungdomsuddannelse"
require "kbh.uddannelse_job"
require "kbh.foreningsliv"
require "kbh.inddragelse"
require "kbh.sammenhaeng"
require "kbh.sagsfrister"
require "kbh.sygefravaer"
require "kbh.personaleomsaetning"
require "kbh.stolthed"
require "kbh.tryghed"

-- Region Hovedstaden: Den Sociale Virksomhed, Rammer og Retning
require "regionh.planer"
require "regionh.sundhedstjek"
require "regionh.bevaegelse"
require "regionh.maaltider"
require "regionh.netvaerk"
require "regionh.belaegning"

-- Region Sjælland: strategi 2025-2028
require "regsj.trivsel"
require "regsj.tilfredshed"
require "regsj.udvikling"
require "regsj.kvalitetsstandarder"
require "regsj.belaegning"
require "regsj.sygefravaer"
require "regsj.personaleomsaetning"
