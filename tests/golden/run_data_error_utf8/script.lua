-- A data error in a file with æøå (utf8): the echoed line is UTF-8 and the
-- caret stands under the bad field counted in characters.
local t = tegn.read_csv("tests/golden/run_data_error_utf8/data.csv", { types = { takst = "float" } })
