#!/usr/bin/env bash
# bench/parquet.sh [ROWS]: tegn's Parquet writer against DuckDB's on the load
# benchmark's file (bench/run.sh generates it; default 10,000,000 rows): time per
# codec, MB/s of Parquet written, and each file's size against the CSV's.
# DuckDB runs with one thread, as tegn's writer does. Output in bench/out/parquet_ROWS/.
set -eu
ROWS=${1:-10000000}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=${BUILD:-$ROOT/build}
OUT=$HERE/out/parquet_$ROWS
CSV=$HERE/data/occ_$ROWS.csv
mkdir -p "$OUT" "$HERE/data"
[ -f "$BUILD/Makefile" ] || cmake -S "$ROOT" -B "$BUILD" -DTG_WERROR=ON >/dev/null
cmake --build "$BUILD" -j 2 --target tegn bench_gen_occ >/dev/null
[ -f "$CSV" ] || "$BUILD/bench_gen_occ" "$ROWS" "$HERE/data"
[ -d "$HERE/node_modules/@duckdb/node-api" ] || (cd "$HERE" && npm install --no-audit --no-fund --loglevel=error)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BUILD/tegn" run "$HERE/parquet.lua" --allow-read "$HERE/data" --allow-write "$OUT" \
    --param csv="$CSV" --param out="$OUT" | tee "$OUT/tegn.txt"
node "$HERE/peers/parquet.mjs" "$CSV" "$OUT" | tee "$OUT/duckdb.txt"
csv_mb=$(( $(stat -L -c %s "$CSV") / 1000000 ))
echo "CSV: $csv_mb MB"
for f in "$OUT"/*.parquet; do
    printf '%-28s %6d MB  %5.1f %% of the CSV\n' "$(basename "$f")" \
        $(( $(stat -L -c %s "$f") / 1000000 )) "$(echo "100 * $(stat -L -c %s "$f") / $(stat -L -c %s "$CSV")" | bc -l)"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
