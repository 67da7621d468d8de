-- attack: write_csv onto --out, then fail, so the failed run's content stays there
-- issue: 1
-- exit: 1
-- stderr: script.lua:10: and now fail
local t = tegn.read_csv("input.csv")
local ok, e = pcall(t.write_csv, t, "../out/doc.json")
assert(not ok and e:find("is the run's --out file", 1, true), e)
ok, e = pcall(t.write_sqlite, t, "../out/doc.json", "t")
assert(not ok and e:find("is the run's --out file", 1, true), e)
error("and now fail")
