-- attack: ATTACH a new database outside the granted folders (creates the file)
-- issue: 8
-- exit: 1
-- stderr: not a query returning rows
tegn.read_sqlite("data.sqlite", "ATTACH '../outside/attached.sqlite' AS x")
