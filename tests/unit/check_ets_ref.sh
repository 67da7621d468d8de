#!/bin/sh
# check_ets_ref.sh SRC -- the R numbers in tests/unit/test_ets.c are R's:
# runs tests/unit/ets_ref.R (forecast::ets on USAccDeaths and UKgas, a few
# seconds) and checks that every number it prints stands in test_ets.c. Skips (77) without Rscript or the forecast package,
# except under CI, where that is a failure.
src=$1
skip() { echo "SKIP ets_vs_r: $1 (apt-get install r-base-core r-cran-forecast)"; [ -z "$CI" ] || exit 1; exit 77; }
command -v Rscript >/dev/null 2>&1 || skip "no Rscript"
Rscript -e 'library(forecast)' >/dev/null 2>&1 || skip "no R package forecast"
out=$(Rscript "$src/tests/unit/ets_ref.R") || exit 1
# Every number R prints (the series themselves aside) must be one of
# test_ets.c's, digit for digit (clang-format moves the lines around).
printf '%s\n' "$out" | grep -v '^usacc:\|^ukgas:' | python3 -c '
import re, sys
num = re.compile(r"-?[0-9][0-9.]*(?:e[-+]?[0-9]+)?")
have = set(num.findall(open(sys.argv[1]).read()))
missing = [x for x in num.findall(sys.stdin.read()) if x not in have]
print("not in test_ets.c:", " ".join(missing) if missing else "nothing")
sys.exit(1 if missing else 0)' "$src/tests/unit/test_ets.c" || exit 1
echo "ets_vs_r: test_ets.c holds R's numbers"
