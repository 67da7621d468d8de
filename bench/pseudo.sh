#!/usr/bin/env bash
# bench/pseudo.sh -- t:pseudonymise end to end: `tegn run` on a 1M-row CSV of
# 1000 persons (CPR numbers) that pseudonymises the column and writes the
# table, against the same script without t:pseudonymise (the load and the
# write), so the difference is the pseudonyms' cost. With BEFORE=path/to/tegn
# (a build from before per-distinct-value keying) it runs that binary too,
# in the same rounds, and checks that both write the same bytes.
#
#   sh bench/pseudo.sh [ROWS [DISTINCT]]     default 1000000 1000
#
# Environment: BUILD=build, RUNS=3 (the table shows the best), BEFORE=.
set -eu
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
ROWS=${1:-1000000}
DISTINCT=${2:-1000}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=${BUILD:-$ROOT/build}
RUNS=${RUNS:-3}
OUT=$HERE/out/pseudo_$ROWS
mkdir -p "$OUT" "$HERE/data"
DATA=$HERE/data/cpr_${ROWS}_$DISTINCT.csv
if [ ! -f "$DATA" ]; then
  /usr/bin/python3 - "$ROWS" "$DISTINCT" "$DATA" <<'PY'
import random, sys
rows, distinct, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(15)
people = ["%02d%02d%02d-%04d" % (rng.randint(1, 28), rng.randint(1, 12), rng.randint(0, 99),
                                 rng.randint(0, 9999)) for _ in range(distinct)]
with open(path, "w") as f:
    f.write("cpr;dag\n")
    for i in range(rows):
        f.write("%s;%d\n" % (rng.choice(people), i % 365))
PY
fi
head -c 32 /dev/urandom > "$OUT/key"
cat > "$OUT/with.lua" <<'LUA'
local tegn = require "tegn"
tegn.read_csv(tegn.param"csv"):pseudonymise("cpr", { into = "pid" }):write_csv(tegn.param"out")
LUA
cat > "$OUT/without.lua" <<'LUA'
local tegn = require "tegn"
tegn.read_csv(tegn.param"csv"):rename{ pid = "cpr" }:write_csv(tegn.param"out", { allow_identifiers = { "pid" } })
LUA
# best CPU-free wall time of RUNS runs of: BIN SCRIPT OUTFILE
best() {
  local b=999999 t
  for _ in $(seq "$RUNS"); do
    t=$( { /usr/bin/time -f %e env TEGN_PSEUDONYM_KEY_FILE="$OUT/key" "$1" run "$OUT/$2" --allow-write "$OUT" \
           --param csv="$DATA" --param out="$3" --quiet >/dev/null; } 2>&1 | tail -1)
    b=$(echo "$t $b" | awk '{ print ($1 < $2) ? $1 : $2 }')
  done
  echo "$b"
}
printf '%-40s %8s\n' "rows $ROWS, distinct $DISTINCT" "seconds"
printf '%-40s %8s\n' "tegn, load + write (no pseudonyms)" "$(best "$BUILD/tegn" without.lua "$OUT/a.csv")"
printf '%-40s %8s\n' "tegn, load + pseudonymise + write" "$(best "$BUILD/tegn" with.lua "$OUT/after.csv")"
if [ -n "${BEFORE:-}" ]; then
  printf '%-40s %8s\n' "before, load + pseudonymise + write" "$(best "$BEFORE" with.lua "$OUT/before.csv")"
  if cmp -s "$OUT/before.csv" "$OUT/after.csv"; then echo "same bytes: yes"
  else echo "same bytes: NO"; exit 1; fi
fi
