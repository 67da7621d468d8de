-- privacy.lua -- personal identifiers (docs/disclosure.md): the CPR check every
-- writer makes, its opt-in, the name warning, and keyed pseudonyms. The key
-- is tests/fixtures/lualib/key/pseudonym.key ("tegn-test-key-0123456789abcdef"
-- and a newline), given by CMake as TEGN_PSEUDONYM_KEY_FILE; the expected
-- pseudonyms are Python's hmac.new(key, b"1204851234", hashlib.sha256).
t = tegn.read_csv(DIR .. 'cpr.csv')

-- case: write_csv refuses a column of CPR numbers
t:select{ 'id', 'cpr' }:write_csv(TMP .. 'x.csv')
-- error:
script.lua:1: write_csv: column 'cpr' holds CPR numbers (row 1); pseudonymise it (t:pseudonymise) or drop it, or opt in with allow_identifiers = { "cpr" }

-- case: a CPR number inside free text counts too
t:select{ 'id', 'note' }:write_csv(TMP .. 'x.csv')
-- error contains:
write_csv: column 'note' holds CPR numbers (row 1)

-- case: a text column of few distinct values is checked through its
-- dictionary; the row named is still the first that holds one (row 41 of 60)
tegn.read_csv(DIR .. 'cpr_repeated.csv'):write_csv(TMP .. 'x.csv')
-- error contains:
write_csv: column 'note' holds CPR numbers (row 41)

-- case: ten digits as a whole number (1204851234) count too
t:select{ 'id', 'n' }:write_sqlite(TMP .. 'x.sqlite', 'x')
-- error contains:
write_sqlite: column 'n' holds CPR numbers (row 1)

-- case: emit refuses them, also nested
tegn.emit{ a = { b = t:select{ 'id', 'cpr' } } }
-- error contains:
emit: column 'cpr' holds CPR numbers

-- case: not CPR numbers: no date (32-04-85, month 14), eleven digits
tegn.read_csv(DIR .. 'notcpr.csv'):write_csv(TMP .. 'x.csv')
print(read_file(TMP .. 'x.csv'))
-- expect:
id,kode,n
1,320485-1234,5
2,1314851234,6
3,12048512345,7

-- case: the script opts in per column; a name-like column warns
t:select{ 'id', 'cpr', 'navn' }:write_csv(TMP .. 'x.csv', { allow_identifiers = { 'cpr' } })
print(#read_file(TMP .. 'x.csv') > 0)
-- expect contains:
warning: write_csv: column 'navn' may hold names, CPR numbers or addresses
true

-- case: pseudonymise: HMAC-SHA-256 under the key, 16 hex digits, one pseudonym for 120485-1234 and 1204851234
local p = t:pseudonymise('cpr', { into = 'pid' })
local q = t:pseudonymise('n', { into = 'pid', length = 32 })
print(p:rows()[1].pid, p:rows()[2].pid, q:rows()[1].pid, q:rows()[2].pid)
print(table.concat(p:columns(), ','))
-- expect:
3f712d3879ffbeb7	670074555b26aa45	3f712d3879ffbeb710e794896c42688c	ceaed63b675a8ca9e226ba95da059b5c
id,pid,navn,note,n

-- case: the key file cannot be read by a script
tegn.read_csv(FIXTURES .. 'lualib/key/pseudonym.key')
-- error io contains:
is the pseudonym key (TEGN_PSEUDONYM_KEY_FILE), which no script may read or write

-- case: a length outside 8-64
t:pseudonymise('cpr', { length = 4 })
-- error contains:
pseudonymise: 'length' must be

-- case: a column that is not text or whole numbers
tegn.read_csv(DIR .. 'notcpr.csv'):derive{ x = tegn.col'n' * 1.5 }:pseudonymise('x')
-- error contains:
pseudonymise: column 'x' must be text or whole numbers, not float

-- case: write_xlsx refuses them too, sheet by sheet
tegn.write_xlsx(TMP .. 'x.xlsx', { a = t:select{ 'id' }, b = t:select{ 'id', 'cpr' } })
-- error contains:
write_xlsx: column 'cpr' holds CPR numbers (row 1)
