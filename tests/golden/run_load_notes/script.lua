-- A column that became text because of one bad date: the load says so on
-- stderr and in meta.inputs[1].notes (issue 11 point 6).
local t = tegn.read_csv("tests/fixtures/csv/date_typo.csv")
tegn.emit({ rows = #t })
