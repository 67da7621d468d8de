-- The script fits, but the document's text does not: escaped, each byte
-- becomes \u0001. Hitting --mem while writing is the limit too (exit 3).
tegn.emit({ s = ("\1"):rep(20 * 1024 * 1024) })
