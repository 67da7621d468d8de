-- attack: the document fits in memory but its text for stdout does not (each byte escaped as \u0001)
-- issue: 6
-- args: --mem 80M
-- exit: 3
-- stderr: memory limit 80 MiB exceeded
tegn.emit({ s = ("\1"):rep(20 * 1024 * 1024) })
