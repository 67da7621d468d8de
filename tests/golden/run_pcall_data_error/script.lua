local tegn = require "tegn"
local ok, err = pcall(tegn.read_csv, "tests/fixtures/lualib/bad.csv",
                      { types = { takst_kr = "float" } })
print(ok, err)
local t, r = tegn.read_csv("tests/fixtures/lualib/bad.csv",
                           { types = { takst_kr = "float" }, on_error = "reject" })
print(#t, r.rejected, r.rejects[1].line, r.rejects[1].col, r.rejects[1].value)
