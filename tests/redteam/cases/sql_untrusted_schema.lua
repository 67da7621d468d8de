-- attack: a view stored in the database file calls fts3_tokenizer when read
-- issue: 8
-- sql: run/evil.sqlite = CREATE VIEW v AS SELECT hex(fts3_tokenizer('simple')) AS p
-- exit: 1
-- stderr: fts3_tokenizer
tegn.emit{ p = tegn.read_sqlite("evil.sqlite", "v"):rows() }
