-- attack: the disk fills while write_sqlite creates a new database (the new file stayed)
-- issue: 7
-- rows: run/big.csv = 20000
-- limit: fsize=65536
-- args: --out ../out/doc.json --allow-write .
-- exit: 2
-- stderr: fresh.sqlite: disk I/O error
tegn.read_csv("big.csv"):write_sqlite("fresh.sqlite", "t")
