-- attack: read_sqlite a database outside the granted folders
-- issue: 1
-- exit: 2
-- stderr: read_sqlite: '../outside/secret.sqlite' is outside the folders this run may read
tegn.emit{ leak = tegn.read_sqlite("../outside/secret.sqlite", "t") }
