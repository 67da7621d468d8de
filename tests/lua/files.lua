-- files.lua -- which files a script may read and write (docs/sandbox.md,
-- "Files"). The driver runs each case as `tegn run` would with
-- --allow-read FIXTURES --allow-read <source tree> --allow-write <scratch
-- folder>: reads beneath those and the working directory, writes only
-- beneath the scratch folder (TMP). Symlinks and swapped links are covered
-- by tests/unit/test_path.c, require's links by tests/unit/test_lualib.c.

-- case: read_csv outside the allowed folders is refused, naming the rule
tegn.read_csv('/etc/passwd')
-- error io:
script.lua:1: read_csv: '/etc/passwd' is outside the folders this run may read (the script's folder, the working directory, --allow-read DIR)

-- case: '..' does not lead out of an allowed folder
tegn.read_csv(DIR .. '../../../../../../../../../../../../etc/passwd')
-- error io contains:
is outside the folders this run may read

-- case: read_sqlite outside the allowed folders is refused
tegn.read_sqlite('/etc/passwd', 'SELECT 1')
-- error io contains:
read_sqlite: '/etc/passwd' is outside the folders this run may read

-- case: write_csv outside the allowed folders is refused, naming the rule
tegn.read_csv(DIR .. 'dmy.csv'):write_csv('/etc/cron.d/tegn')
-- error io:
script.lua:1: write_csv: '/etc/cron.d/tegn' is outside the folders this run may write (the folder of --out, --allow-write DIR)

-- case: write_sqlite outside the allowed folders is refused
tegn.read_csv(DIR .. 'dmy.csv'):write_sqlite('/etc/tegn.sqlite', 'x')
-- error io contains:
write_sqlite: '/etc/tegn.sqlite' is outside the folders this run may write

-- case: a folder that may be read may not be written
tegn.read_csv(DIR .. 'dmy.csv'):write_csv(DIR .. 'copy.csv')
-- error io contains:
is outside the folders this run may write

-- case: writing beneath an allowed folder works, and reading it back
local t = tegn.read_csv(DIR .. 'dmy.csv')
t:write_csv(TMP .. 'copy.csv')
print(#tegn.read_csv(TMP .. 'copy.csv') == #t)
-- expect:
true

-- case: a script may not overwrite a file it read
local t = tegn.read_csv(DIR .. 'dmy.csv')
t:write_csv(TMP .. 'in.csv')
tegn.read_csv(TMP .. 'in.csv')
t:write_csv(TMP .. 'in.csv')
-- error io contains:
in.csv' was read by this run; a script may not overwrite its inputs

-- case: nor a database it read
local t = tegn.read_csv(DIR .. 'dmy.csv')
t:write_sqlite(TMP .. 'in.sqlite', 'a')
tegn.read_sqlite(TMP .. 'in.sqlite', 'a')
t:write_sqlite(TMP .. 'in.sqlite', 'b')
-- error io contains:
in.sqlite' was read by this run

-- case: a refused path is an error pcall can catch, and nothing is written
local t = tegn.read_csv(DIR .. 'dmy.csv')
local ok, msg = pcall(t.write_csv, t, '/etc/cron.d/tegn')
print(ok, read_file('/etc/cron.d/tegn') == nil)
-- expect:
false	true

-- case: write_csv decimals per column, Danish Excel without float noise
-- by hand: takst 5855.55 to 0 places is 5856; 0.955 to 3 stays 0,955 (one
-- common number of places, 2, would make it 0,96); 0.1 + 0.2 is
-- 0.30000000000000004, which Excel's 12 significant digits make 0,3
local t = tegn.read_csv(DIR .. 'dmy.csv'):head(1):derive{
  takst = tegn.lit(5855.55), belaegning = tegn.lit(0.955),
  sum = tegn.lit(0.1) + tegn.lit(0.2) }:select{ "takst", "belaegning", "sum" }
t:write_csv(TMP .. 'da.csv', { excel = true, decimals = { takst = 0, belaegning = 3 } })
t:write_csv(TMP .. 'raw.csv')
print((read_file(TMP .. 'da.csv'):gsub('\r', '')))
print(read_file(TMP .. 'raw.csv'))
-- expect:
﻿takst;belaegning;sum
5856,0;0,955;0,3

takst,belaegning,sum
5855.55,0.955,0.30000000000000004

-- case: write_csv decimals names only columns of the table
local t = tegn.read_csv(DIR .. 'dmy.csv')
t:write_csv(TMP .. 'x.csv', { decimals = { beloeb = 1, belob = 2 } })
-- error contains:
no column 'belob'; did you mean 'beloeb'?

-- case: write_csv and write_sqlite make missing folders beneath an allowed folder
local t = tegn.read_csv(DIR .. 'dmy.csv')
t:write_csv(TMP .. 'ny/mappe/copy.csv')
t:write_sqlite(TMP .. 'db/ny/copy.db', 'dmy', { mode = 'replace' })
print(#tegn.read_csv(TMP .. 'ny/mappe/copy.csv'), #tegn.read_sqlite(TMP .. 'db/ny/copy.db', 'dmy'))
-- expect:
3	3

-- case: a missing folder outside the allowed folders is refused, not made
tegn.read_csv(DIR .. 'dmy.csv'):write_csv('/etc/tegn_ny/mappe/x.csv')
-- error io contains:
write_csv: '/etc/tegn_ny/mappe/x.csv' is outside the folders this run may write
