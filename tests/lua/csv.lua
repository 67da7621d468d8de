-- csv.lua -- read_csv's dialect options and report on the files people
-- export (issue 12), and the hint a column that became text leaves for
-- later type errors (issue 11 point 6). Loader internals: test_csv.c and
-- test_csvprep.c.

-- case: the report lists every decision, the unusual ones after the routine
local t, r = tegn.read_csv(FIXTURES .. 'csv/after_quote_lenient.csv')
print(r.dialect.quotes, r.dialect.escape, #t)
for _, n in ipairs(r.notes) do print(n) end
print(t:rows()[1].navn)
-- expect:
lenient	false	3
encoding utf-8: the bytes are valid UTF-8; encoding overrides
delimiter ';': 4 of 4 records looked at have 2 fields; sep overrides
header: every column is text and the first line's values are distinct names
quotes lenient: 1 field(s) in the first MiB have text after the closing quote ("Swing it" magistern) and are kept as they stand; quotes = "strict" makes them an error
"Swing it" magistern

-- case: quotes = "strict" makes text after a closing quote an error at its line
tegn.read_csv(FIXTURES .. 'csv/after_quote_lenient.csv', { quotes = 'strict' })
-- error data contains:
after_quote_lenient.csv:2:1: column 'navn': text after the closing quote of a quoted field

-- case: the same character as quote and sep is an error, not an abort
tegn.read_csv(FIXTURES .. 'csv/after_quote_lenient.csv', { sep = ',', quote = ',' })
-- error contains:
the quote and the delimiter (sep) are both ',': give different ones

-- case: a line end as the quote is an error, not an empty table
tegn.read_csv(FIXTURES .. 'csv/after_quote_lenient.csv', { quote = '\n' })
-- error contains:
a line end cannot be the quote: records end at line ends

-- case: a line end as sep is an error
tegn.read_csv(FIXTURES .. 'csv/after_quote_lenient.csv', { sep = '\r' })
-- error contains:
a line end cannot be the delimiter (sep)

-- case: escape is sniffed and can be turned off
local t, r = tegn.read_csv(FIXTURES .. 'csv/backslash_escape.csv')
print(r.dialect.escape, t:rows()[1].txt)
local t2 = tegn.read_csv(FIXTURES .. 'csv/backslash_escape.csv', { escape = false })
print(t2:rows()[3].txt)
-- expect:
\	He said "hi"
a \\ b

-- case: comment = false reads '#' lines as data
local t, r = tegn.read_csv(FIXTURES .. 'csv/comments.csv')
print(#t, r.dialect.header, r.notes[4])
tegn.read_csv(FIXTURES .. 'csv/comments.csv', { comment = false })
-- expect:
3	true	3 comment line(s) starting with '#' skipped; comment = false reads them
-- error data contains:
comments.csv:5:2: column 'navn': expected 3 fields, found 1

-- case: skip = n skips title lines; skip = 0 reads them
local t, r = tegn.read_csv(FIXTURES .. 'csv/title_line.csv', { skip = 2 })
print(#t, t:rows()[3].navn, r.dialect.skip, r.dialect.comment)
local _, r2 = tegn.read_csv(FIXTURES .. 'csv/title_line.csv')
print(r2.dialect.skip)
local t2 = tegn.read_csv(FIXTURES .. 'csv/title_line.csv', { skip = 0, header = false, sep = ';' })
-- expect:
3	Cy	2	false
2
-- error data contains:
title_line.csv:3:2: expected 1 fields, found more

-- case: the new options are checked like the others
print(pcall(tegn.read_csv, FIXTURES .. 'csv/comma.csv', { escape = 'ab' }))
print(pcall(tegn.read_csv, FIXTURES .. 'csv/comma.csv', { quotes = 'loose' }))
print(pcall(tegn.read_csv, FIXTURES .. 'csv/comma.csv', { comment = 3 }))
print(pcall(tegn.read_csv, FIXTURES .. 'csv/comma.csv', { skip = -1 }))
-- expect contains:
read_csv: 'escape' must be one character such as "\", false or "auto"
read_csv: 'quotes' must be
read_csv: 'comment' must be one character such as "#", false or "auto"
read_csv: 'skip' must be

-- case: a workbook is read as one, whatever its name
-- by its first bytes the file is an .xlsx; it is cut off after them
tegn.read_csv(FIXTURES .. 'csv/excel_xlsx.csv')
-- error data contains:
excel_xlsx.csv: not a valid zip archive

-- case: gzip is read whatever the name
local t = tegn.read_csv(FIXTURES .. 'csv/gzip_no_suffix.csv')
print(#t, t:rows()[1].kommune, t:rows()[2].takst)
-- expect:
2	Tårnby	1875.25

-- case: a type error on a column that became text names the value and line
local t, r = tegn.read_csv(FIXTURES .. 'csv/date_typo.csv')
print(r.columns[1].type, r.columns[1].note)
t:filter(tegn.col'dato':year():eq(2021))
-- expect:
string	read as text: expected a date, got '21-09-13-2021' (line 4)
-- error contains:
filter: year() needs a date, got string column 'dato' (FIXTURES/csv/date_typo.csv: read as text: expected a date, got '21-09-13-2021' (line 4))

-- case: an aggregate over it says so too
local t = tegn.read_csv(FIXTURES .. 'csv/date_typo.csv')
t:group_by():agg{ s = tegn.sum'dato' }
-- error contains:
sum needs a number column, got string (FIXTURES/csv/date_typo.csv: read as text: expected a date, got '21-09-13-2021' (line 4))

-- case: ISO and m/d/Y dates in one column become text with a note
local t, r = tegn.read_csv(FIXTURES .. 'csv/dates_mixed_iso_mdy.csv')
print(r.columns[1].type, r.columns[1].note)
-- expect:
string	read as text: the dates mix formats, '03/13/2024' among %Y-%m-%d dates (types fixes one) (line 4)
