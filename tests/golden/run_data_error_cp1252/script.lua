-- A data error in a file with æøå (cp1252): the echoed line is UTF-8 and the
-- caret stands under the bad field counted in characters.
local t = tegn.read_csv("tests/golden/run_data_error_cp1252/data.csv", { types = { takst = "float" } })
