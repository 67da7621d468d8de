-- attack: write_csv out of the --out folder with ".."
-- issue: 1
-- exit: 2
-- stderr: is outside the folders this run may write
tegn.read_csv("input.csv"):write_csv("../out/../outside/cron.d/tegn")
