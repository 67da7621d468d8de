#!/usr/bin/env bash
# bench/scale.sh [ROWS...]: how time and memory grow with the data (issue 17 point 4):
# load + query (b) + query (d), written in the natural order (filter, join, group;
# bench/queries.lua bn_groupby, dn_join_rate), one process per size, at 1e6, 1e7 and
# 1e8 rows by default (the 1e8 file is about 7 GB: generated into bench/data, never
# committed). Prints wall seconds, CPU seconds, peak RSS and both per row, so linear
# growth shows as constant per-row figures; then the 1e8 run again under --mem at
# 3/4 of its measured peak, which must stop with tegn's memory error (exit 1 with
# "memory"), not be killed. Output in bench/out/scale/.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=${BUILD:-$ROOT/build}
OUT=$HERE/out/scale
SIZES=${*:-"1000000 10000000 100000000"}
mkdir -p "$OUT" "$HERE/data"
[ -f "$BUILD/Makefile" ] || cmake -S "$ROOT" -B "$BUILD" -DTG_WERROR=ON >/dev/null
cmake --build "$BUILD" -j 2 --target tegn bench_gen_occ >/dev/null
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%12s %9s %9s %10s %11s %11s\n' rows wall_s cpu_s peak_MiB ns_per_row bytes_per_row
last_peak=0; last_n=0
for n in $SIZES; do
    [ -f "$HERE/data/occ_$n.csv" ] || "$BUILD/bench_gen_occ" "$n" "$HERE/data" >/dev/null
    /usr/bin/time -f "%e %U %S %M" -o "$OUT/time_$n.txt" "$BUILD/tegn" run "$HERE/queries.lua" \
        --allow-read "$HERE/data" --param csv="$HERE/data/occ_$n.csv" \
        --param tilbud="$HERE/data/tilbud_$n.csv" --param reps=1 \
        --param queries=bn_groupby,dn_join_rate > "$OUT/result_$n.json"
    read -r wall user sys kb < "$OUT/time_$n.txt"
    cpu=$(echo "$user + $sys" | bc -l)
    printf '%12d %9.2f %9.2f %10d %11.1f %11.1f\n' "$n" "$wall" "$cpu" $((kb / 1024)) \
        "$(echo "$wall * 1000000000 / $n" | bc -l)" "$(echo "$kb * 1024 / $n" | bc -l)"
    last_peak=$kb; last_n=$n
done
cap=$((last_peak * 3 / 4 / 1024))M
set +e
"$BUILD/tegn" run "$HERE/queries.lua" --allow-read "$HERE/data" --mem "$cap" \
    --param csv="$HERE/data/occ_$last_n.csv" --param tilbud="$HERE/data/tilbud_$last_n.csv" \
    --param reps=1 --param queries=bn_groupby,dn_join_rate > /dev/null 2> "$OUT/mem_$last_n.txt"
rc=$?
set -e
echo "--mem $cap at $last_n rows: exit $rc: $(grep -m1 -i memory "$OUT/mem_$last_n.txt" || echo '(no memory message)')"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
