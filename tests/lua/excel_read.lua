-- excel_read.lua -- tegn.read_excel over the committed workbooks of
-- tests/fixtures/excel, written by LibreOffice (make_fixtures.sh). The
-- expected values are those of their sources, takster.csv,
-- features_src.py and xls_src.py, not a reading of the workbooks.
X = FIXTURES .. 'excel/'
function show(t)
  for _, r in ipairs(t:rows()) do
    local out = {}
    for i, n in ipairs(t:columns()) do
      local v = r[n]
      out[i] = v == nil and 'NULL' or tostring(v)
    end
    print(table.concat(out, '|'))
  end
end
function types(r)
  local out = {}
  for i, c in ipairs(r.columns) do out[i] = c.name .. ':' .. c.type end
  print(table.concat(out, ' '))
end

-- case: a LibreOffice .xlsx made from takster.csv
local t, r = tegn.read_excel(X .. 'takster_lo.xlsx')
types(r)
show(t)
print(r.format, r.sheet, r.header_row, r.rows)
-- expect:
kommune:string tilbud:string takst:float fra:date pladser:int aktiv:bool
Tårnby|Bofællesskab|1875.25|2024-01-01|12|true
Køge|Botilbud|2230.5|2023-07-01|7|false
Ærø|Aflastning|1999.0|2024-03-15|NULL|true
Hørsholm|Dagtilbud|-12.75|1999-03-01|0|false
xlsx	takster_lo	1	4

-- case: the same as .xls (LibreOffice writes a CSV file's TRUE into an .xls as the number 1
-- with a boolean number format, which freexl does not show: 1 and 0)
local t, r = tegn.read_excel(X .. 'takster_lo.xls')
types(r)
show(t)
print(r.format)
-- expect:
kommune:string tilbud:string takst:float fra:date pladser:int aktiv:int
Tårnby|Bofællesskab|1875.25|2024-01-01|12|1
Køge|Botilbud|2230.5|2023-07-01|7|0
Ærø|Aflastning|1999.0|2024-03-15|NULL|1
Hørsholm|Dagtilbud|-12.75|1999-03-01|0|0
xls

-- case: read_csv reads a workbook by its content
local t, r = tegn.read_csv(X .. 'takster_lo.xlsx', { types = { pladser = 'float' } })
print(#t, r.format, r.columns[5].type, t:rows()[1].pladser)
-- expect:
4	xlsx	float	12.0

-- case: a hidden first sheet is passed over, and listed
local t, r = tegn.read_excel(X .. 'features_lo.xlsx')
print(r.sheet, r.sheets[1].name, r.sheets[1].state, r.sheets[2].state)
print(r.notes[1])
-- expect:
Ark1	Opslag	hidden	visible
sheet 'Opslag' is hidden; read 'Ark1', the first visible sheet

-- case: formulas give their cached values, error cells are null
-- by hand: 10.5 / 2.5 = 4.2; 7 / 0 is #DIV/0!; NA() is #N/A; the sums 20.5 and 6.5
local t, r = tegn.read_excel(X .. 'features_lo.xlsx')
types(r)
show(t)
print(r.error_cells)
-- expect:
kommune:string Udgifter:float Udgifter_2:float dato:date forhold:float
Tårnby|10.5|2.5|2024-01-31|4.2
Køge|7.0|0.0|2024-02-29|NULL
Ærø|3.0|4.0|1999-12-31|NULL
I alt|20.5|6.5|NULL|NULL
2

-- case: total rows at the bottom are dropped
local t, r = tegn.read_excel(X .. 'features_lo.xlsx', { drop_totals = true })
print(#t, r.totals_dropped, t:rows()[3].kommune)
local u = tegn.read_excel(X .. 'features_lo.xlsx', { drop_totals = { 'i ALT' } })
print(#u)
-- expect:
3	1	Ærø
3

-- case: sheet by name and by number
local a = tegn.read_excel(X .. 'features_lo.xlsx', { sheet = 'Opslag' })
local b = tegn.read_excel(X .. 'features_lo.xlsx', { sheet = 1 })
show(a)
show(b)
-- expect:
1|skjult
1|skjult

-- case: a range, and no header
local t = tegn.read_excel(X .. 'features_lo.xlsx', { range = 'A2:C3', header = false })
print(table.concat(t:columns(), ' '))
show(t)
-- expect:
A B C
Tårnby|10.5|2.5
Køge|7.0|0.0

-- case: a header row given, data below it
local t = tegn.read_excel(X .. 'takster_lo.xlsx', { header = 3, range = 'A1:C5' })
print(table.concat(t:columns(), ' '))
print(#t)
-- expect:
Køge Botilbud 2230.5
2

-- case: a value that does not fit its type names the cell
tegn.read_excel(X .. 'features_lo.xlsx', { types = { kommune = 'int' } })
-- error data contains:
features_lo.xlsx[Ark1]!A2: expected a number, got 'Tårnby'

-- case: no such sheet lists the sheets
tegn.read_excel(X .. 'features_lo.xlsx', { sheet = 'Ark2' })
-- error contains:
no sheet 'Ark2' in the workbook; its sheets: 'Opslag', 'Ark1'

-- case: a type for a column the sheet does not have
tegn.read_excel(X .. 'takster_lo.xlsx', { types = { takstt = 'float' } })
-- error contains:
no column 'takstt' in the sheet; did you mean 'takst'?

-- case: misspelt options and bad values
print(pcall(tegn.read_excel, X .. 'takster_lo.xlsx', { sheets = 1 }))
print(pcall(tegn.read_excel, X .. 'takster_lo.xlsx', { range = 'B3-F9' }))
print(pcall(tegn.read_excel, X .. 'takster_lo.xlsx', { header = 'ja' }))
-- expect contains:
read_excel: unknown option 'sheets'; did you mean 'sheet'?
read_excel: 'range' must be a range such as "B3:F200"
read_excel: 'header' must be true, false, a row number or "auto"

-- case: a file that is no workbook
tegn.read_excel(FIXTURES .. 'csv/comma.csv')
-- error data contains:
not an Excel workbook (.xlsx, .xlsm or .xls) by its first bytes

-- case: what write_xlsx writes, read_excel reads back as it was
-- (the values of takster.csv, as in the first case)
local t = tegn.read_csv(X .. 'takster.csv')
t:write_xlsx(TMP .. 'rundtur.xlsx')
local u, r = tegn.read_excel(TMP .. 'rundtur.xlsx')
types(r)
show(u)
-- expect:
kommune:string tilbud:string takst:float fra:date pladser:int aktiv:bool
Tårnby|Bofællesskab|1875.25|2024-01-01|12|true
Køge|Botilbud|2230.5|2023-07-01|7|false
Ærø|Aflastning|1999.0|2024-03-15|NULL|true
Hørsholm|Dagtilbud|-12.75|1999-03-01|0|false

-- case: text escapes (_xHHHH_) are undone: a control character and a text that looks like one
-- (write_xlsx escapes \1 as _x0001_ and _x0041_ as _x005F_x0041_)
local t = tegn.read_excel(X .. 'takster_lo.xlsx'):head(1):select{ 'kommune' }
t:derive{ ctl = tegn.lit('a\1b'), esc = tegn.lit('_x0041_'), u = tegn.lit('x_y') }
 :write_xlsx(TMP .. 'escapes.xlsx')
local r = tegn.read_excel(TMP .. 'escapes.xlsx'):rows()[1]
print(#r.ctl, (r.ctl:gsub('%c', '?')), r.esc, r.u)
-- expect:
3	a?b	_x0041_	x_y

-- case: an .xls through tg_biff: sheet states, a merged header, booleans, formula results
-- by hand from xls_src.py: Opslag hidden; B1:C1 merged "Udgifter"; aktiv True/False/True;
-- over5 = B>5: 10.5 true, 7 true, 3 false; forhold 10.5/2.5 = 4.2, 7/0 #DIV/0!, NA() #N/A;
-- tekst A2&"!", "Ω "&A3, "" (an empty text: NULL)
local t, r = tegn.read_excel(X .. 'features_lo.xls')
print(r.format, r.sheet, r.sheets[1].name, r.sheets[1].state, r.sheets[2].state)
types(r)
show(t)
print(r.error_cells)
-- expect:
xls	Ark1	Opslag	hidden	visible
kommune:string Udgifter:float Udgifter_2:float aktiv:bool over5:bool forhold:float tekst:string
Tårnby|10.5|2.5|true|true|4.2|Tårnby!
Køge|7.0|0.0|false|true|NULL|Ω Køge
Ærø|3.0|4.0|true|false|NULL|NULL
2

-- case: an .xls's hidden sheet by name, and its merged header with a header row given
local a = tegn.read_excel(X .. 'features_lo.xls', { sheet = 'Opslag' })
show(a)
local b = tegn.read_excel(X .. 'features_lo.xls', { header = 1, range = 'A1:C2' })
print(table.concat(b:columns(), ' '))
-- expect:
1|skjult
kommune Udgifter Udgifter_2
