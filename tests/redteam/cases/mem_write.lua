-- attack: the document fits in memory but its text for stdout does not (each byte escaped as \u0001)
-- issue: 6
-- args: --mem 24M
-- exit: 3
-- stderr: memory limit 24 MiB exceeded
tegn.emit({ s = ("\1"):rep(6 * 1024 * 1024) })
