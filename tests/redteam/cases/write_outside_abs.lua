-- attack: write_csv a line into a cron folder, by an absolute path outside the granted folders
-- issue: 1
-- args: --out ../out/doc.json --param dir=@OUTSIDE@/cron.d
-- exit: 2
-- stderr: is outside the folders this run may write
local t = tegn.read_csv("input.csv")
t:write_csv(tegn.param("dir") .. "/tegn")
