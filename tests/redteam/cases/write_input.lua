-- attack: overwrite a file the run reads
-- issue: 1
-- args: --out ../out/doc.json --allow-write .
-- exit: 2
-- stderr: write_csv: 'input.csv' was read by this run; a script may not overwrite its inputs
local t = tegn.read_csv("input.csv")
t:write_csv("input.csv")
