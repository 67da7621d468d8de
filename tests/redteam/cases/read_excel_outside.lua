-- attack: read_excel a file outside the granted folders
-- issue: 1
-- args: --out ../out/doc.json --param f=@OUTSIDE@/secret.csv
-- exit: 2
-- stderr: read_excel: '@OUTSIDE@/secret.csv' is outside the folders this run may read
tegn.emit{ leak = tegn.read_excel(tegn.param("f")) }
