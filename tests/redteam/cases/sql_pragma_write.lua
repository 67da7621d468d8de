-- attack: pragma writes from read_sqlite (journal_mode = WAL changes the file)
-- issue: 8
-- exit: 1
-- stderr: not authorized
tegn.read_sqlite("data.sqlite", "PRAGMA journal_mode = WAL")
