-- attack: append to a database through a link named inside the --out folder that points out
-- issue: 1
-- link: out/db.sqlite -> @OUTSIDE@/secret.sqlite
-- exit: 2
-- stderr: is outside the folders this run may write
tegn.read_csv("input.csv"):write_sqlite("../out/db.sqlite", "t", { mode = "append" })
