-- attack: write a Lua module into the script's folder for a later require to load
-- issue: 1
-- exit: 2
-- stderr: 'evil.lua' is outside the folders this run may write
tegn.read_csv("input.csv"):write_csv("evil.lua", { header = false })
