-- attack: write_xlsx a workbook outside the granted folders, as write_csv is refused
-- issue: 1
-- args: --out ../out/doc.json --param xlsx=@OUTSIDE@/planted.xlsx
-- exit: 2
-- stderr: write_xlsx: '@OUTSIDE@/planted.xlsx' is outside the folders this run may write
tegn.read_csv("input.csv"):write_xlsx(tegn.param("xlsx"))
