-- attack: VACUUM INTO copies the database anywhere
-- issue: 8
-- exit: 1
-- stderr: not a query returning rows
tegn.read_sqlite("data.sqlite", "VACUUM INTO '../outside/copy.sqlite'")
