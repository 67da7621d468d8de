-- attack: fts3_tokenizer() from read_sqlite leaks a pointer into the library
-- issue: 8
-- exit: 1
-- stderr: not authorized to use function: fts3_tokenizer
tegn.emit{ p = tegn.read_sqlite("data.sqlite", "SELECT hex(fts3_tokenizer('simple')) AS p"):rows() }
