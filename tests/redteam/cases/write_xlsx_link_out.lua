-- attack: tegn.write_xlsx through a link named inside the --out folder that points out
-- issue: 1
-- link: out/book.xlsx -> @OUTSIDE@/secret.csv
-- exit: 2
-- stderr: write_xlsx: '../out/book.xlsx' is outside the folders this run may write
tegn.write_xlsx("../out/book.xlsx", { Ark1 = tegn.read_csv("input.csv") })
