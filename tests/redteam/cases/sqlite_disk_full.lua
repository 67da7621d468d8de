-- attack: the disk fills during write_sqlite (left a hot journal; the database became unreadable)
-- issue: 7
-- rows: run/big.csv = 20000
-- limit: fsize=65536
-- args: --out ../out/doc.json --allow-write .
-- exit: 2
-- stderr: data.sqlite: disk I/O error
local t = tegn.read_csv("big.csv")
t:write_sqlite("data.sqlite", "t", { mode = "append" })
