-- xlsx_write.lua -- t:write_xlsx and tegn.write_xlsx (docs/excel.md,
-- "Writing"): the file is a zip that the same tables make byte for byte
-- again, a refused or failed write leaves the old file as it was, and bad
-- sheet names, options and tables are refused before anything is written.
-- What the cells hold is read back by openpyxl and LibreOffice in
-- tests/xlsxw/check_xlsxw.py, and, where tegn.read_excel is built, by
-- tegn itself in the last two cases (ECMA-376's _xHHHH_ escapes of text
-- are the reader's to undo, as Excel and LibreOffice do).
b = tegn.read_csv(DIR .. 'belaegning.csv')
col = tegn.col

-- case: a workbook is a zip, and the same tables give the same bytes
b:write_xlsx(TMP .. 'a.xlsx', { decimals = { takst_kr = 2 } })
local first = read_file(TMP .. 'a.xlsx')
b:write_xlsx(TMP .. 'a.xlsx', { decimals = { takst_kr = 2 } })
print(first:sub(1, 2), #first > 1000, read_file(TMP .. 'a.xlsx') == first)
tegn.write_xlsx(TMP .. 'b.xlsx', { Ark1 = b })
print(read_file(TMP .. 'b.xlsx') == first)
-- expect:
PK	true	true
false

-- case: t:write_xlsx is tegn.write_xlsx with one sheet named Ark1
b:write_xlsx(TMP .. 'a.xlsx')
tegn.write_xlsx(TMP .. 'b.xlsx', { Ark1 = b })
tegn.write_xlsx(TMP .. 'c.xlsx', { { 'Ark1', b } })
print(read_file(TMP .. 'a.xlsx') == read_file(TMP .. 'b.xlsx'),
      read_file(TMP .. 'a.xlsx') == read_file(TMP .. 'c.xlsx'))
-- expect:
true	true

-- case: the sheets' order: a list keeps it, names are sorted by their bytes
tegn.write_xlsx(TMP .. 'a.xlsx', { Takster = b, Ark1 = b:head(2) })
tegn.write_xlsx(TMP .. 'b.xlsx', { { 'Ark1', b:head(2) }, { 'Takster', b } })
tegn.write_xlsx(TMP .. 'c.xlsx', { { 'Takster', b }, { 'Ark1', b:head(2) } })
print(read_file(TMP .. 'a.xlsx') == read_file(TMP .. 'b.xlsx'),
      read_file(TMP .. 'a.xlsx') == read_file(TMP .. 'c.xlsx'))
-- expect:
true	false

-- case: a refused table leaves the previous file byte for byte
b:write_xlsx(TMP .. 'a.xlsx')
local before = read_file(TMP .. 'a.xlsx')
local lang = b:derive{ note = tegn.lit(('x'):rep(32768)) }
local ok, e = pcall(lang.write_xlsx, lang, TMP .. 'a.xlsx')
print(ok, read_file(TMP .. 'a.xlsx') == before)
print((e:gsub('^.-a%.xlsx', 'a.xlsx')))
-- expect:
false	true
a.xlsx[Ark1]!G2: text of 32768 characters; an Excel cell holds at most 32767

-- case: text that is not UTF-8 would make a file Excel refuses: refused, naming the cell
b:derive{ note = tegn.lit('ok\255no') }:write_xlsx(TMP .. 'a.xlsx')
-- error contains:
a.xlsx[Ark1]!G2: text that is not UTF-8; an Excel cell holds Unicode text only

-- case: 32767 characters fit in a cell
b:derive{ note = tegn.lit(('æ'):rep(32767)) }:write_xlsx(TMP .. 'a.xlsx')
print(#read_file(TMP .. 'a.xlsx') > 1000)
-- expect:
true

-- case: a sheet name of 32 characters is refused
b:write_xlsx(TMP .. 'a.xlsx', { sheet = ('æ'):rep(32) })
-- error contains:
is 32 characters; Excel allows at most 31

-- case: 31 characters are fine, æøå counted as one each
b:write_xlsx(TMP .. 'a.xlsx', { sheet = ('æ'):rep(31) })
-- expect:

-- case: a sheet name with a character Excel forbids
b:write_xlsx(TMP .. 'a.xlsx', { sheet = 'Takster 2024/25' })
-- error contains:
sheet name 'Takster 2024/25' contains '/'; Excel allows none of [ ] : * ? / \

-- case: every forbidden character is refused
local written = {}
for _, c in ipairs{ '[', ']', ':', '*', '?', '/', '\\' } do
  if pcall(b.write_xlsx, b, TMP .. 'a.xlsx', { sheet = 'a' .. c .. 'b' }) then
    written[#written + 1] = c
  end
end
print(#written, read_file(TMP .. 'a.xlsx') == nil)
-- expect:
0	true

-- case: an apostrophe may not start a sheet name
b:write_xlsx(TMP .. 'a.xlsx', { sheet = "'Ark1" })
-- error contains:
starts or ends with an apostrophe

-- case: an empty sheet name
b:write_xlsx(TMP .. 'a.xlsx', { sheet = '' })
-- error contains:
a sheet name cannot be empty

-- case: History is reserved by Excel
b:write_xlsx(TMP .. 'a.xlsx', { sheet = 'HISTORY' })
-- error contains:
'HISTORY' is a sheet name Excel reserves

-- case: two sheet names that differ only in case are one to Excel
tegn.write_xlsx(TMP .. 'a.xlsx', { { 'Ark1', b }, { 'ARK1', b } })
-- error contains:
sheet names 'Ark1' and 'ARK1' are the same to Excel, which ignores case

-- case: Danish letters are compared ignoring case too
tegn.write_xlsx(TMP .. 'a.xlsx', { { 'Ærø', b }, { 'æRØ', b } })
-- error contains:
sheet names 'Ærø' and 'æRØ' are the same to Excel

-- case: decimals names a column the table does not have
b:write_xlsx(TMP .. 'a.xlsx', { decimals = { takst = 2 } })
-- error:
script.lua:1: no column 'takst'; did you mean 'takst_kr'?

-- case: with several sheets, a column of any sheet may be named
tegn.write_xlsx(TMP .. 'a.xlsx', { { 'A', b }, { 'B', b:select{ 'dage' } } },
                { decimals = { takst_kr = 2 }, formats = { dage = '0 "dage"' } })
tegn.write_xlsx(TMP .. 'a.xlsx', { { 'A', b } }, { decimals = { x = 2 } })
-- error:
script.lua:3: no column 'x'; the columns are dato, tilbud_id, kommune, status, takst_kr, dage

-- case: a column no sheet of several has
tegn.write_xlsx(TMP .. 'a.xlsx', { { 'A', b }, { 'B', b } }, { formats = { x = '0' } })
-- error:
script.lua:1: write_xlsx: formats: no sheet has a column 'x'

-- case: decimals beyond what a number format shows
b:write_xlsx(TMP .. 'a.xlsx', { decimals = 16 })
-- error:
script.lua:1: write_xlsx: 'decimals' must be a whole number from -1 to 15, got 16

-- case: a column's decimals
b:write_xlsx(TMP .. 'a.xlsx', { decimals = { takst_kr = -1 } })
-- error:
script.lua:1: write_xlsx: 'decimals' must be a whole number from 0 to 15, got -1

-- case: formats are strings by column name
b:write_xlsx(TMP .. 'a.xlsx', { formats = { takst_kr = 2 } })
-- error contains:
write_xlsx: 'formats' must be { column = "#,##0.00" }

-- case: an empty format code
b:write_xlsx(TMP .. 'a.xlsx', { formats = { takst_kr = '' } })
-- error contains:
sheet 'Ark1', column 'takst_kr': a number format is 1 to 255 bytes

-- case: an unknown option names the nearest
b:write_xlsx(TMP .. 'a.xlsx', { freze = false })
-- error contains:
write_xlsx: unknown option 'freze'; did you mean 'freeze'?

-- case: sheet is an option of the method only
tegn.write_xlsx(TMP .. 'a.xlsx', { A = b }, { sheet = 'B' })
-- error contains:
write_xlsx: unknown option 'sheet'

-- case: sheets must hold tables
tegn.write_xlsx(TMP .. 'a.xlsx', { A = 'b' })
-- error contains:
script.lua:1: write_xlsx: 'sheets.A' must be a tegn.Table, got 'b'

-- case: sheets are required
tegn.write_xlsx(TMP .. 'a.xlsx')
-- error:
script.lua:1: write_xlsx: 'sheets' must be a table, got nothing

-- case: at least one sheet
tegn.write_xlsx(TMP .. 'a.xlsx', {})
-- error contains:
write_xlsx: 'sheets' must be at least one sheet, got

-- case: a list item is a pair
tegn.write_xlsx(TMP .. 'a.xlsx', { b })
-- error contains:
write_xlsx: 'sheets[1]' must be a pair {name, value}

-- case: an empty table and a table of no rows are sheets too
b:head(0):write_xlsx(TMP .. 'a.xlsx', { header = false })
b:head(0):write_xlsx(TMP .. 'b.xlsx')
print(#read_file(TMP .. 'a.xlsx') > 1000, read_file(TMP .. 'a.xlsx') ~= read_file(TMP .. 'b.xlsx'))
-- expect:
true	true

-- case: write_xlsx outside the allowed folders is refused, naming the rule
b:write_xlsx('/etc/cron.d/tegn.xlsx')
-- error io:
script.lua:1: write_xlsx: '/etc/cron.d/tegn.xlsx' is outside the folders this run may write (the folder of --out, --allow-write DIR)

-- case: tegn.write_xlsx outside the allowed folders is refused
tegn.write_xlsx(DIR .. 'b.xlsx', { A = b })
-- error io contains:
is outside the folders this run may write

-- case: read back by tegn.read_excel, every column keeps its type and every value (skipped where read_excel is not built)
local function same(t, back)
  local a, b = t:rows(), back:rows()
  if #a ~= #b then return #a .. ' rows, ' .. #b .. ' back' end
  for k, c in ipairs(t:schema()) do
    local bc = back:schema()[k]
    if not bc or bc.name ~= c.name or bc.type ~= c.type then
      return c.name .. ': ' .. c.type .. ', back ' .. (bc and bc.name .. ':' .. bc.type or 'none')
    end
  end
  for i = 1, #a do
    for _, c in ipairs(t:columns()) do
      if tostring(a[i][c]) ~= tostring(b[i][c]) then
        return string.format('row %d %s: %s, back %s', i, c, tostring(a[i][c]), tostring(b[i][c]))
      end
    end
  end
  return 'same'
end
if not tegn.read_excel then print('same') return end
local t = b:derive{ n = col'dage' * 1000000, andel = col'dage' / 7, ok = col'dage':gt(10),
                    tom = tegn.if_else(col'dage':gt(10), tegn.lit('x'), tegn.null) }
t:write_xlsx(TMP .. 'a.xlsx')
print(same(t, tegn.read_excel(TMP .. 'a.xlsx')))
-- expect:
same

-- case: control characters and text like _x0041_ come back as written (skipped where read_excel is not built)
local function show(r)
  print((r.ctl:gsub('\1', '<01>')) .. '|' .. r.esc .. '|[' .. r.sp .. ']')
end
if not tegn.read_excel then show{ ctl = 'a\1b', esc = '_x0041_', sp = '  x  ' } return end
local t = b:head(1):select{ 'dage' }:derive{ ctl = tegn.lit('a\1b'), esc = tegn.lit('_x0041_'),
                                             sp = tegn.lit('  x  ') }
t:write_xlsx(TMP .. 'a.xlsx')
show(tegn.read_excel(TMP .. 'a.xlsx'):rows()[1])
-- expect:
a<01>b|_x0041_|[  x  ]
