-- attack: read_csv a file outside the granted folders (/etc/passwd into the output)
-- issue: 1
-- args: --out ../out/doc.json --param f=@OUTSIDE@/secret.csv
-- exit: 2
-- stderr: read_csv: '@OUTSIDE@/secret.csv' is outside the folders this run may read
tegn.emit{ leak = tegn.read_csv(tegn.param("f")) }
