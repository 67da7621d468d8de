-- attack: write_sqlite a database outside the granted folders
-- issue: 1
-- args: --out ../out/doc.json --param db=@OUTSIDE@/planted.sqlite
-- exit: 2
-- stderr: write_sqlite: '@OUTSIDE@/planted.sqlite' is outside the folders this run may write
tegn.read_csv("input.csv"):write_sqlite(tegn.param("db"), "t")
