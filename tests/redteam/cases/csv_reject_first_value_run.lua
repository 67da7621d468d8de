-- attack: the same 6-byte CSV read by a script with on_error = "reject"
-- issue: 3
-- hex: run/bad.csv = efbbbf2c0a8d
-- exit: 0
-- writes: out/doc.json
local t = tegn.read_csv("bad.csv", { on_error = "reject" })
assert(#t == 1, #t)
tegn.emit{ rows = #t }
