-- lib.lua -- the `tegn` module: loading, tables, params, dates, the module
-- and its metatables, tegn.emit's argument errors, and errors that point at
-- the script line or the data position. Expected values come from SQL over a
-- naive second reading of the fixtures (`-- expect sql:`), from hand
-- calculation, or from the calendar (checked with Python's datetime).
-- Format: tests/lua/README.md.

-- case: read_csv: the schema and row count
local t = tegn.read_csv(DIR .. 'belaegning.csv')
for _, c in ipairs(t:schema()) do print(c.name, c.type) end
print(#t)
-- expect:
dato	date
tilbud_id	string
kommune	string
status	string
takst_kr	float
dage	int
60

-- case: read_csv: every row as SQL reads it
dump(tegn.read_csv(DIR .. 'belaegning.csv'))
-- expect sql:
SELECT * FROM b

-- case: read_csv options: day-month-year dates, NA and - as NULL
-- by hand from dmy.csv
local t, r = tegn.read_csv(DIR .. 'dmy.csv', {sep = ',',
  types = {dato = {'date', '%d-%m-%Y'}}, na = {'NA', '-'}})
dump(t)
print(r.dialect.sep, r.dialect.header, r.rows, r.rejected)
print(r.columns[2].name, r.columns[2].type)
-- expect:
1|2024-02-01|10.50
2|2024-03-15|NULL
3|2023-12-31|NULL
,	true	3	0
dato	date

-- case: read_csv: header = false names the columns by position
local t = tegn.read_csv(DIR .. 'dmy.csv', {header = false,
  sep = ','})
for _, c in ipairs(t:schema()) do print(c.name, c.type) end
print(#t)
-- expect:
column1	string
column2	string
column3	string
4

-- case: read_csv: the reject report
-- bad.csv by hand: line 4 field 3 is 'n/a', line 6 field 3 is 'x12'
local t, r = tegn.read_csv(DIR .. 'bad.csv', {on_error = 'reject',
  types = {takst_kr = 'float'}})
print(#t, r.rows, r.rejected, #r.rejects)
for _, j in ipairs(r.rejects) do
  print(j.line, j.col, j.column, j.value, j.reason:sub(1, 17))
end
print(r.rejects[1].reason)
-- expect:
3	3	2	2
4	3	takst_kr	n/a	expected a number
6	3	takst_kr	x12	expected a number
expected a number, got 'n/a'

-- case: a loader error is catchable and names the script line and the data position
local ok, msg = pcall(tegn.read_csv, DIR .. 'bad.csv', {types = {takst_kr = 'float'}})
print(ok)
print(msg)
-- expect:
false
script.lua:1: FIXTURES/lualib/bad.csv:4:3: column 'takst_kr': expected a number, got 'n/a'

-- case: the same error inside a function called through pcall
local ok, msg = pcall(function()
  return tegn.read_csv(DIR .. 'bad.csv', {types = {takst_kr = 'float'}})
end)
print(msg)
-- expect:
script.lua:2: FIXTURES/lualib/bad.csv:4:3: column 'takst_kr': expected a number, got 'n/a'

-- case: an uncaught loader error is a data error at the data position
local x = 1
local t = tegn.read_csv(DIR .. 'bad.csv', {types = {takst_kr = 'float'}})
-- error data:
FIXTURES/lualib/bad.csv:4:3: column 'takst_kr': expected a number, got 'n/a'

-- case: a missing file is an I/O error (exit code 2 in the CLI)
tegn.read_csv(DIR .. 'nope.csv')
-- error io contains:
FIXTURES/lualib/nope.csv

-- case: read_csv: an unknown option suggests the nearest

tegn.read_csv(DIR .. 'dmy.csv', {sepp = ','})
-- error:
script.lua:2: read_csv: unknown option 'sepp'; did you mean 'sep'?

-- case: read_csv: types names a missing column
tegn.read_csv(DIR .. 'dmy.csv', {types = {datoo = 'date'}})
-- error contains:
no column 'datoo' in the file; did you mean 'dato'?

-- case: read_csv: on_error rejects an unknown choice
tegn.read_csv(DIR .. 'dmy.csv', {on_error = 'skip'})
-- error:
script.lua:1: read_csv: 'on_error' must be 'fail' or 'reject', got 'skip'

-- case: read_csv: na values of the wrong type are refused, not converted
tegn.read_csv(DIR .. 'dmy.csv', {na = {'NA', 0}})
-- error:
script.lua:1: read_csv: 'na[2]' must be a string, got 0

-- case: read_csv: a type that is not a type name
tegn.read_csv(DIR .. 'dmy.csv', {types = {id = 5}})
-- error:
script.lua:1: read_csv: 'types.id' must be "int", "float", "bool", "date", "string" or {"date", "%d-%m-%Y"}, got 5

-- case: read_csv: a type pair with a number format
tegn.read_csv(DIR .. 'dmy.csv', {types = {id = {'int', 2}}})
-- error:
script.lua:1: read_csv: 'types.id' must be "int", "float", "bool", "date", "string" or {"date", "%d-%m-%Y"}, got a table

-- case: a table is indexed by column names
local t = tegn.read_csv(DIR .. 'dmy.csv')
return t[1]
-- error:
script.lua:2: a table is indexed by column names, not a number

-- case: select refuses a number
local t = tegn.read_csv(DIR .. 'dmy.csv')
t:select{1}
-- error:
script.lua:2: select: 'columns[1]' must be a column name, got 1

-- case: write_sqlite: a second write fails, append adds rows; read back with SQL
-- round trip: CSV -> SQLite through tegn, checked with SQL
local path = TMP .. 'b.sqlite'
local t = tegn.read_csv(DIR .. 'belaegning.csv')
t:write_sqlite(path, 'b')
assert(not pcall(t.write_sqlite, t, path, 'b'))
t:head(5):write_sqlite(path, 'b', {mode = 'append'})
dump(tegn.read_sqlite(path, 'SELECT count(*), sum(dage), count(takst_kr),\
  round(sum(takst_kr), 2) FROM b'))
-- expect sql:
SELECT count(*), sum(dage), count(takst_kr), round(sum(takst_kr), 2) FROM
  (SELECT * FROM b UNION ALL SELECT * FROM (SELECT * FROM b LIMIT 5))

-- case: read_sqlite: positional parameters
local path = TMP .. 'b.sqlite'
tegn.read_csv(DIR .. 'belaegning.csv'):write_sqlite(path, 'b')
dump(tegn.read_sqlite(path, 'SELECT * FROM b WHERE dage >= ? AND kommune = ?',
  {20, 'Ballerup'}))
-- expect sql:
SELECT * FROM b WHERE dage >= 20 AND kommune = 'Ballerup'

-- case: read_sqlite: named parameters
local path = TMP .. 'b.sqlite'
tegn.read_csv(DIR .. 'belaegning.csv'):write_sqlite(path, 'b')
local t = tegn.read_sqlite(path,
  'SELECT * FROM b WHERE dage >= :min AND kommune = :k AND rowid <= 60',
  {min = 20, k = 'Ballerup'})
dump(t)
-- expect sql:
SELECT * FROM b WHERE dage >= 20 AND kommune = 'Ballerup'

-- case: read_sqlite: a date column comes back as a date
local path = TMP .. 'b.sqlite'
tegn.read_csv(DIR .. 'belaegning.csv'):write_sqlite(path, 'b')
local t = tegn.read_sqlite(path, 'SELECT * FROM b WHERE dage >= :min', {min = 20})
print(t:schema()[1].type)
-- expect:
date

-- case: read_sqlite: a date parameter compares with the stored YYYY-MM-DD text
local path = TMP .. 'b.sqlite'
tegn.read_csv(DIR .. 'belaegning.csv'):write_sqlite(path, 'b')
local t = tegn.read_sqlite(path, 'SELECT * FROM b WHERE dato >= ?1 AND rowid <= 60',
  {tegn.date('2024-01-01')})
print(#t)
-- expect sql:
SELECT count(*) FROM b WHERE dato >= '2024-01-01'

-- case: read_sqlite: an SQL error names the script line and the column
local path = TMP .. 'b.sqlite'
tegn.read_csv(DIR .. 'belaegning.csv'):write_sqlite(path, 'b')
tegn.read_sqlite(path, 'SELECT nope FROM b')
-- error contains:
script.lua:3:
nope

-- case: select with renames, then head
local t = tegn.read_csv(DIR .. 'belaegning.csv')
local s = t:select{'tilbud_id', 'dage', takst = 'takst_kr'}
dump(s:head(4))
-- expect sql:
SELECT tilbud_id, dage, takst_kr AS takst FROM b LIMIT 4

-- case: rename, select by names, head sizes
local t = tegn.read_csv(DIR .. 'belaegning.csv')
local r = t:rename{id = 'tilbud_id', d = 'dato'}
print(table.concat(r:columns(), ','), #r)
print(table.concat(t:select('dage', 'dato'):columns(), ','))
print(#t:head(0), #t:head(1000), #t:head())
-- expect:
d,id,kommune,status,takst_kr,dage	60
dage,dato
0	60	10

-- case: select: an unknown column names the nearest, at the script line
local t = tegn.read_csv(DIR .. 'belaegning.csv')
local s = t:select{'takst'}
-- error:
script.lua:2: no column 'takst'; did you mean 'takst_kr'?

-- case: rename: a column renamed twice
local t = tegn.read_csv(DIR .. 'belaegning.csv')
local r = t:rename{x = 'dage', y = 'dage'}
-- error contains:
renamed twice

-- case: rename: a name that would appear twice
local t = tegn.read_csv(DIR .. 'belaegning.csv')
local r = t:rename{status = 'dage'}
-- error contains:
column 'status' would appear twice

-- case: an unknown column with nothing near lists the columns
local t = tegn.read_csv(DIR .. 'belaegning.csv')
return t.zzzzzzzz
-- error contains:
no column 'zzzzzzzz'; the columns are dato, tilbud_id

-- case: free and <close>
local keep
do
  local t <close> = tegn.read_csv(DIR .. 'dmy.csv')
  keep = t
  print(#t)
end
print(tostring(keep))
print(pcall(function() return #keep end))
-- expect:
3
tegn.Table(freed)
false	script.lua:8: the table was freed (t:free() or <close>)

-- case: tostring, and free twice
local t = tegn.read_csv(DIR .. 'dmy.csv')
print(tostring(t))
t:free() t:free()
-- expect:
tegn.Table(3 rows: id int, dato date, beloeb string)

-- case: write_csv and show
-- by hand from dmy.csv
local path = TMP .. 'dmy.csv'
local t = tegn.read_csv(DIR .. 'dmy.csv', {na = {'NA', '-'},
  types = {dato = {'date', '%d-%m-%Y'}}})
t:write_csv(path)
t:head(2):show()
print(read_file(path))
-- expect:
id  dato        beloeb
 1  2024-02-01    10.5
 2  2024-03-15    null
(2 of 2 rows)
id,dato,beloeb
1,2024-02-01,10.5
2,2024-03-15,
3,2023-12-31,

-- case: write_csv for Excel: BOM, semicolons, day-month-year, decimal commas, CRLF
local path = TMP .. 'excel.csv'
local t = tegn.read_csv(DIR .. 'dmy.csv', {na = {'NA', '-'},
  types = {dato = {'date', '%d-%m-%Y'}}})
t:write_csv(path, {excel = true})
t:show(1)
print(read_file(path) == '\xef\xbb\xbfid;dato;beloeb\r\n1;01-02-2024;10,5\r\n'
  .. '2;15-03-2024;\r\n3;31-12-2023;\r\n')
-- expect:
id  dato        beloeb
 1  2024-02-01    10.5
(1 of 3 rows)
true

-- case: write_csv to a missing folder is an I/O error
tegn.read_csv(DIR .. 'dmy.csv'):write_csv('/nonexistent/x.csv')
-- error io contains:
/nonexistent/x.csv

-- case: params: strings, typed readers, defaults and errors
-- params: fra=2024-01-01 n=5 x=1.5 flag=ja navn=Høje-Taastrup tom=
print(tegn.params.n, math.type(tegn.params.n) == nil, tegn.params.tom == '')
print(tegn.param('n', 1), math.type(tegn.param('n', 1)))
print(tegn.param('x', 0.5), tegn.param('n', 0.5), tegn.param('n', nil, 'float'))
print(tegn.param('flag', false), tegn.param('navn', 'x'), tegn.param('navn'))
print(tegn.param('fra', tegn.date('2000-01-01')) == tegn.date(2024, 1, 1))
print(tegn.param('fra', nil, 'date'):month(), tegn.param('mangler', 7))
print(pcall(tegn.param, 'mangler'))
print(pcall(tegn.param, 'navn', 0))
print(pcall(tegn.param, 'x', nil, 'int'))
print(pcall(tegn.param, 'fra', 0.5))
-- expect:
5	true	true
5	integer
1.5	5	5.0
true	Høje-Taastrup	Høje-Taastrup
true
1	7
false	script.lua:7: missing parameter 'mangler' (pass --param mangler=...)
false	script.lua:8: parameter 'navn': expected a whole number, got 'Høje-Taastrup'
false	script.lua:9: parameter 'x': expected a whole number, got '1.5'
false	script.lua:10: parameter 'fra': expected a number (1.5 or 1,5), got '2024-01-01'

-- case: params in Danish: a decimal comma, thousands with dots, day-first dates
-- params: x=0,955 big=1.234,5 n=12 d1=01-03-2024 d2=1.3.2024 d3=01/03/2024 iso=2024-03-01
print(tegn.param('x', 0.5), tegn.param('big', 0.5), tegn.param('x', nil, 'float'))
print(tegn.param('d1', nil, 'date'), tegn.param('d2', nil, 'date'), tegn.param('d3', nil, 'date'))
print(tegn.param('iso', tegn.date'2000-01-01'), tegn.param('n', 1))
print(pcall(tegn.param, 'x', 1))
print(pcall(tegn.param, 'iso', nil, 'int'))
-- expect:
0.955	1234.5	0.955
2024-03-01	2024-03-01	2024-03-01
2024-03-01	12
false	script.lua:4: parameter 'x': expected a whole number, got '0,955'
false	script.lua:5: parameter 'iso': expected a whole number, got '2024-03-01'

-- case: tail calls are kept as calls (for the traceback) and return the same values
local function two() return 1, nil, 3 end
local function f() return two() end
local function va(...) return select('#', ...), ... end
local function g(...) return va(...) end
local function loop(n, acc) if n == 0 then return acc end return loop(n - 1, acc + 1) end
local function inner() error('here') end
local function outer() return inner() end
print(select('#', f()), f())
print(g(1, nil, 3, nil))
print(loop(100000, 0))
print(select(2, pcall(outer)))
-- expect:
3	1	nil	3
4	1	nil	3	nil
100000
script.lua:6: here

-- case: a param without a name
-- params: =x
return
-- error arg contains:

-- case: a param given twice
-- params: a=1 b=2 a=3
return
-- error arg:
--param 'a' given twice

-- case: a param without a value
-- params: novalue
return
-- error arg:
bad --param 'novalue': expected NAME=VALUE

-- case: dates: arithmetic, parts, truncation, comparison and errors
-- from the calendar (checked with Python's datetime): 2024-01-31 + 1 month
-- clamps to 2024-02-29; 2024-12-30 is a Monday in ISO week 1 (of 2025);
-- 2024-03-01 - 2024-02-01 = 29 days
local d = tegn.date('2024-01-31')
print(d, d:add_months(1), d:add_months(-2), d + 1, 1 + d, d - 31)
print(tegn.date('2024-03-01') - tegn.date('2024-02-01'))
local w = tegn.date(2024, 12, 30)
print(w:isoweek(), w:weekday(), w:year(), w:quarter(), w:month(), w:day())
print(w:trunc('month'), w:trunc('quarter'), w:trunc('year'), w:trunc('week'))
print(tegn.date('2023-02-10'):days_in_month(), d:days_in_month())
print(d < w, w <= d, d == tegn.date(2024, 1, 31), d ~= w)
print('fra ' .. d, d .. '!')
print(pcall(function() return tegn.date('2024-02-30') end))
print(pcall(function() return tegn.date(2023, 2, 29) end))
print(pcall(function() return d + 'x' end))
-- expect:
2024-01-31	2024-02-29	2023-11-30	2024-02-01	2024-02-01	2023-12-31
29
1	1	2024	4	12	30
2024-12-01	2024-10-01	2024-01-01	2024-12-30
28	31
true	false	true	true
fra 2024-01-31	2024-01-31!
false	script.lua:13: date: 'text' must be a date ("YYYY-MM-DD" or tegn.date), got '2024-02-30'
false	script.lua:14: no such date 2023-2-29
false	script.lua:15: date + n: 'n' must be a whole number, got 'x'

-- case: require and the locked metatables
local m = require 'tegn'
print(m == tegn, type(tegn.version), tostring(tegn.null))
local t = tegn.read_csv(DIR .. 'dmy.csv')
print(getmetatable(t), getmetatable(tegn.date('2024-01-01')))
print(getmetatable(tegn.null))
print(pcall(setmetatable, t, {}))
-- expect:
true	string	null
locked	locked
locked
false	bad argument #1 to '?' (table expected, got tegn.Table)

-- case: emit: 'meta' is reserved for the run's m
tegn.emit{meta = 1}
-- error contains:
script.lua:1: emit: 'meta' is reserved for the run's metadata

-- case: emit: called twice; put everything in on
tegn.emit{a = 1} tegn.emit{b = 2}
-- error contains:
script.lua:1: emit: called twice; put everything in one tegn.emit{...}

-- case: emit: 'f.g' is a function, which JSON ca
tegn.emit{f = {g = print}}
-- error contains:
script.lua:1: emit: 'f.g' is a function, which JSON cannot hold

-- case: emit: 'e' is an expression; compute it w
tegn.emit{e = tegn.col'x'}
-- error contains:
script.lua:1: emit: 'e' is an expression; compute it with derive or agg first

-- case: emit: 'a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a
local a = {} a.a = a tegn.emit{a = a}
-- error contains:
script.lua:1: emit: 'a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a

-- case: emit: 'x' mixes list items and named key
tegn.emit{x = {1, 2, y = 3}}
-- error contains:
script.lua:1: emit: 'x' mixes list items and named keys (or has keys that are not strings)

-- case: emit: expected a table of named values,
tegn.emit{1, 2}
-- error contains:
script.lua:1: emit: 'doc' must be a table of named values, not a list, got a table

-- case: error: read_csv: a separator is one character
tegn.read_csv(DIR .. 'dmy.csv', {sep = ';;'})
-- error:
script.lua:1: read_csv: 'sep' must be one character (such as ';' or ','), "tab" or "auto", got ';;'

-- case: error: read_csv: threads is a count
tegn.read_csv(DIR .. 'dmy.csv', {threads = -1})
-- error:
script.lua:1: read_csv: 'threads' must be a whole number from 0 to 2147483647, got -1

-- case: error: read_csv: header is true, false or "auto"
tegn.read_csv(DIR .. 'dmy.csv', {header = 'ja'})
-- error:
script.lua:1: read_csv: 'header' must be true, false or "auto", got 'ja'

-- case: error: emit: decimals refuses NaN
tegn.emit({x = 1}, {decimals = 0/0})
-- error:
script.lua:1: emit: 'decimals' must be a whole number from -1 to 17, got nan

-- case: error: lag: k is whole
tegn.col'x':lag(1.5)
-- error:
script.lua:1: lag: 'k' must be a whole number from 0 to 1000000000, got 1.5

-- case: error: rolling_mean: min_periods is at most the window
tegn.col'x':rolling_mean(3, {min_periods = 4})
-- error:
script.lua:1: rolling_mean: 'min_periods' must be a whole number from 1 to 3, got 4

-- case: error: quantile: p is a finite share
tegn.quantile('x', 1/0)
-- error:
script.lua:1: quantile: 'p' must be a number from 0 to 1, got inf

-- case: error: round: digits in range
tegn.col'x':round(20)
-- error:
script.lua:1: round: 'digits' must be a whole number from -18 to 15, got 20

-- case: error: cast: a type name
tegn.col'x':cast('decimal')
-- error:
script.lua:1: cast: 'type' must be "int", "float", "bool", "date" or "string", got 'decimal'

-- case: error: head: a row count
tegn.read_csv(DIR .. 'dmy.csv'):head(-1)
-- error:
script.lua:1: head: 'n' must be a whole number >= 0, got -1

-- case: error: date: the parts are whole numbers
tegn.date(2024, 1.5, 3)
-- error:
script.lua:1: date: 'month' must be a whole number, got 1.5

-- case: argument errors of the module functions read in the one grammar
print(select(2, pcall(tegn.read_csv, 5)))
print(select(2, pcall(tegn.read_sqlite, TEGN_DB, 'takst', 'x')))
print(select(2, pcall(tegn.param, 'p', {})))
print(select(2, pcall(tegn.warn, {})))
print(select(2, pcall(tegn.takst.compute, 'x')))
print(select(2, pcall(tegn.sim.from_stays, {}, {})))
print(select(2, pcall(tegn.stats.bh, 0.05)))
print(select(2, pcall(tegn.stats.trend, tegn.read_csv(DIR .. 'dmy.csv'), 'id', 7)))
print(select(2, pcall(function() return tegn.takst.rules()[1] end)))
print(select(2, pcall(tegn.data.sql, nil)))
-- expect:
script.lua:1: read_csv: 'path' must be a string, got 5
script.lua:2: read_sqlite: 'params' must be a table, got 'x'
script.lua:3: param: 'default' must be a string, number, boolean or date, got a table
script.lua:4: warn: 'msg' must be a string, got a table
script.lua:5: takst.compute: 'options' must be a table, got 'x'
script.lua:6: sim.from_stays: 'ophold' must be a tegn.Table, got a table
script.lua:7: bh: 'ps' must be a table, got 0.05
script.lua:8: trend: 'y_column' must be a string, got 7
script.lua:9: rule set: 'field' must be a field name, got 1
script.lua:10: data.sql: 'query' must be a string, got nil

-- case: date operators name the operand that is not a date or a day count
local d = tegn.date'2024-01-01'
print(select(2, pcall(function() return d < 5 end)))
print(select(2, pcall(function() return 5 - d end)))
print(select(2, pcall(function() return d - 'x' end)))
-- expect:
script.lua:2: a < b: 'b' must be a tegn.Date, got 5
script.lua:3: date - n: 'date' must be a tegn.Date, got 5
script.lua:4: date - n: 'n' must be a whole number, got 'x'

-- case: read_sqlite names a query parameter it cannot bind
print(select(2, pcall(tegn.read_sqlite, TEGN_DB, 'SELECT ?', { {} })))
print(select(2, pcall(tegn.read_sqlite, TEGN_DB, 'SELECT :a', { a = print })))
print(select(2, pcall(tegn.read_sqlite, TEGN_DB, 'SELECT ?', { [5] = 1 })))
-- expect:
script.lua:1: read_sqlite: 'params[1]' must be a number, string, boolean, date or tegn.null (a query parameter), got a table
script.lua:2: read_sqlite: 'params.a' must be a number, string, boolean, date or tegn.null (a query parameter), got a function
script.lua:3: read_sqlite: 'params' must be a list (?1, ?2, ...) or keyed by names (:fra = ...), got 5

-- case: show{n =, decimals =, danish =} rounds floats and writes them in Danish form, numbers right-aligned
-- by hand: 5855.55 is 5.855,55 with two places; 0.955 to two places is 0,96
-- (half away from zero on the decimal), and without danish 0.96
local t = tegn.read_csv(DIR .. 'dmy.csv'):head(2):derive{
  takst = tegn.lit(5855.55), b = tegn.lit(0.955) }:select{ "id", "takst", "b" }
t:show{ n = 1, decimals = 2 }
t:show{ decimals = 2, danish = true }
t:show{ danish = true }
-- expect:
id    takst     b
 1  5855.55  0.96
(1 of 2 rows)
id     takst     b
 1  5.855,55  0,96
 2  5.855,55  0,96
(2 of 2 rows)
id     takst      b
 1  5.855,55  0,955
 2  5.855,55  0,955
(2 of 2 rows)

-- case: show's options are checked
tegn.read_csv(DIR .. 'dmy.csv'):show{ rows = 3 }
-- error contains:
show

-- case: tegn.format writes numbers as people in Denmark read them
-- by hand: thousands with '.', decimals with ','; 0.1 + 0.2 without its float noise
print(tegn.format.number(5855.55, 2), tegn.format.number(-1234567.891, 1),
      tegn.format.number(0.1 + 0.2), tegn.format.number(3))
print(tegn.format.percent(0.955), tegn.format.percent(0.5, 0), tegn.format.kr(5855.55),
      tegn.format.kr(5855.55, 2))
-- expect:
5.855,55	-1.234.567,9	0,3	3
95,5 %	50 %	5.856 kr.	5.855,55 kr.

-- case: describe: nulls, distinct values, range and mean of each column
-- (the text statistics are checked against Python in tests/inspect)
dump(tegn.read_csv(DIR .. 'belaegning.csv'):describe()
  :select{'column', 'nulls', 'distinct', 'min', 'max', 'mean'})
-- expect sql:
SELECT 'dato', SUM(dato IS NULL), COUNT(DISTINCT dato), MIN(dato), MAX(dato), NULL FROM b
UNION ALL SELECT 'tilbud_id', SUM(tilbud_id IS NULL), COUNT(DISTINCT tilbud_id),
  MIN(tilbud_id), MAX(tilbud_id), NULL FROM b
UNION ALL SELECT 'kommune', SUM(kommune IS NULL), COUNT(DISTINCT kommune), MIN(kommune),
  MAX(kommune), NULL FROM b
UNION ALL SELECT 'status', SUM(status IS NULL), COUNT(DISTINCT status), MIN(status),
  MAX(status), NULL FROM b
UNION ALL SELECT 'takst_kr', SUM(takst_kr IS NULL), COUNT(DISTINCT takst_kr),
  CAST(MIN(takst_kr) AS TEXT), CAST(MAX(takst_kr) AS TEXT), AVG(takst_kr) FROM b
UNION ALL SELECT 'dage', SUM(dage IS NULL), COUNT(DISTINCT dage), CAST(MIN(dage) AS TEXT),
  CAST(MAX(dage) AS TEXT), AVG(dage) FROM b
