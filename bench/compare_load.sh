#!/usr/bin/env bash
# bench/compare_load.sh -- two builds of the loader on the same files,
# interleaved run by run, for a change measured on a busy machine.
#
#   bash bench/compare_load.sh OLD_BUILD NEW_BUILD [ROWS]
#
# OLD_BUILD and NEW_BUILD are build folders holding bench_load (build both
# with the same CMAKE_BUILD_TYPE). The data is bench/data/occ_ROWS*.csv
# (bench/run.sh generates it; ROWS default 10000000). For each of ROUNDS (5)
# rounds, each file and each of THREADS ("1 2"), OLD then NEW load the file
# as separate processes, so a change in the machine's load hits both alike.
# Prints one line a run (build, file, threads, wall s, CPU s, load average)
# and then, per configuration, the median and minimum wall and CPU seconds.
# CPU seconds (all threads) are the firmer measure when the cores are shared.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 OLD_BUILD NEW_BUILD [ROWS]" >&2; exit 2; }
OLD=$1 NEW=$2 ROWS=${3:-10000000}
ROUNDS=${ROUNDS:-5}
THREADS=${THREADS:-"1 2"}
DATA=$(cd "$(dirname "$0")" && pwd)/data
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT

for r in $(seq 1 "$ROUNDS"); do
    for f in occ_$ROWS.csv occ_${ROWS}_dk.csv; do
        for t in $THREADS; do
            for v in old new; do
                b=$OLD
                [ $v = new ] && b=$NEW
                line=$("$b/bench_load" "$DATA/$f" --threads "$t" | grep '^run 1')
                set -- $line
                echo "$v $f t$t $3 ${16} $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT"
            done
        done
    done
done

medmin() {   # column -> "median min" of the selected lines
    sort -g | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1] }'
}
echo
echo "file threads build: wall median min, CPU median min"
for f in occ_$ROWS.csv occ_${ROWS}_dk.csv; do
    for t in $THREADS; do
        for v in old new; do
            w=$(awk -v v=$v -v f="$f" -v t="t$t" '$1 == v && $2 == f && $3 == t { print $4 }' "$OUT" | medmin)
            c=$(awk -v v=$v -v f="$f" -v t="t$t" '$1 == v && $2 == f && $3 == t { print $5 }' "$OUT" | medmin)
            echo "$f t$t $v: $w, $c"
        done
    done
done
