-- attack: the disk fills while write_xlsx zips the workbook: the old file must stay whole
-- issue: 7
-- rows: run/big.csv = 20000
-- file: out/book.xlsx = the previous workbook
-- limit: fsize=65536
-- args: --out ../out/doc.json
-- exit: 2
-- stderr: book.xlsx: cannot write the workbook: a part of it came out cut short
local t = tegn.read_csv("big.csv")
t:write_xlsx("../out/book.xlsx")
