-- attack: write through a symlink in the --out folder that points out of it
-- issue: 1
-- link: out/drop -> @OUTSIDE@/cron.d
-- exit: 2
-- stderr: is outside the folders this run may write
tegn.read_csv("input.csv"):write_csv("../out/drop/tegn")
