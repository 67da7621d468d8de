-- attack: a 20,000-deep expression (overflowed the C stack in the compiler)
-- issue: 4
-- exit: 1
-- stderr: expression nested deeper than 1000 levels
local e = tegn.col("k")
for _ = 1, 20000 do e = e + 1 end
tegn.emit{ n = tegn.read_csv("input.csv"):derive{ x = e }:rows() }
