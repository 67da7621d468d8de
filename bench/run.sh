#!/usr/bin/env bash
# bench/run.sh -- the load benchmark: tegn's CSV loader against DuckDB and
# Polars on the same generated file, in one run, as ratios.
#
#   sh bench/run.sh [ROWS]        ROWS: default 10000000 (a multiple of 1000)
#
# Environment:
#   BUILD=build    CMake build directory (configured here if missing)
#   RUNS=3         processes per configuration; the table shows the median
#   THREADS="1 2"  tegn thread counts (tg_csv_opts.threads)
#   PEERS="duckdb-t1 duckdb-t2 polars-t1 polars-t2"   "" = tegn only
#   NO_INSTALL=1   do not run `npm install` for the peers
#   CSVFLOOR=../shared/peers/csvfloor.c   the shared libcsv floor program
#                  (research/perf.md); when the file exists it is compiled
#                  into bench/out/ and run too (count and convert), which
#                  shows how fast this machine is today against the anchors
#
# Steps: build bench_gen_occ and bench_load; generate bench/data/*_ROWS.*
# if missing; read both CSVs once so the page cache is hot (as the peers
# harness does); run each configuration as a separate process RUNS times on
# the ',' file and the Danish ';' file, in rounds (each configuration once
# per round). Every tegn run is checked against
# the generator's ground truth (bench_load --check). Logs and the table go
# to bench/out/ROWS/.
set -eu
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"   # `sh bench/run.sh` on dash

ROWS=${1:-10000000}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=${BUILD:-$ROOT/build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
RUNS=${RUNS:-3}
THREADS=${THREADS:-"1 2"}
PEERS=${PEERS-"duckdb-t1 duckdb-t2 polars-t1 polars-t2"}
DATA=$HERE/data
OUT=$HERE/out/$ROWS
STD=$DATA/occ_$ROWS.csv
DK=$DATA/occ_${ROWS}_dk.csv
META=$DATA/meta_$ROWS.txt

log() { printf '\n== %s\n' "$*"; }

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "NA"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
maximum() { sort -g | tail -n 1; }
minimum() { sort -g | head -n 1; }

# ---- build and data ----
log "build ($BUILD)"
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DTG_WERROR=ON >/dev/null
fi
cmake --build "$BUILD" -j 2 --target bench_gen_occ bench_load >/dev/null
echo "bench_gen_occ, bench_load: ok"

if [ ! -f "$STD" ] || [ ! -f "$DK" ] || [ ! -f "$META" ]; then
    log "generating $DATA/*_$ROWS.*"
    "$BUILD/bench_gen_occ" "$ROWS" "$DATA"
fi
mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT"/results.tsv
ls -l "$STD" "$DK"
cat "$STD" "$DK" >/dev/null   # hot page cache, like the peers harness

# results.tsv: engine variant run seconds rss_mib rows cpu_seconds
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$OUT/results.tsv"; }

# ---- one process per configuration ----
run_tegn() {   # threads variant file run
    local t=$1 variant=$2 file=$3 run=$4 lg line
    lg=$OUT/tegn-t$t.$variant.$run.log
    if "$BUILD/bench_load" "$file" --threads "$t" --check "$META" > "$lg" 2>&1; then
        line=$(grep '^run 1 ' "$lg")
        printf '%-10s %s\n' "tegn-t$t" "${line#run 1  }"
        [ "$run" = 1 ] && sed -n '/^rows /,$p' "$lg"
        set -- $line
        record "tegn-t$t" "$variant" "$run" "$3" "${13}" "$ROWS" "${16}"
    else
        echo "tegn-t$t FAILED (run $run):"
        sed 's/^/  /' "$lg"
        record "tegn-t$t" "$variant" "$run" FAILED FAILED NA NA
    fi
}

run_peer() {   # peer variant file run
    local peer=$1 variant=$2 file=$3 run=$4 engine t lg res s rss n c dkarg=""
    engine=${peer%-t*}
    t=${peer##*-t}
    [ "$variant" = dk ] && dkarg=dk
    lg=$OUT/$peer.$variant.$run.log
    if env POLARS_MAX_THREADS="$t" node "$HERE/peers/load.mjs" "$engine" "$t" "$file" $dkarg \
            > "$lg" 2>&1 && grep -q '^RESULT ' "$lg"; then
        res=$(grep '^RESULT ' "$lg")
        s=$(echo "$res" | sed 's/.*"load_s":\([0-9.e-]*\).*/\1/')
        rss=$(echo "$res" | sed 's/.*"maxrss_mib":\([0-9]*\).*/\1/')
        n=$(echo "$res" | sed 's/.*"rows":\([0-9]*\).*/\1/')
        c=$(echo "$res" | sed 's/.*"cpu_s":\([0-9.e-]*\).*/\1/')
        printf '%-10s %.4f s  rss %s MiB  rows %s  cpu %.3f s\n' "$peer" "$s" "$rss" "$n" "$c"
        [ "$run" = 1 ] && echo "$res" | sed 's/.*"types":"\([^"]*\)".*/  types: \1/'
        record "$peer" "$variant" "$run" "$s" "$rss" "$n" "$c"
    else
        echo "$peer FAILED (run $run):"
        sed 's/^/  /' "$lg" | tail -n 5
        record "$peer" "$variant" "$run" FAILED FAILED NA NA
    fi
}

peers_ready() {
    command -v node >/dev/null || { echo "node not found: skipping the peers"; return 1; }
    if [ ! -d "$HERE/node_modules/@duckdb/node-api" ] || [ ! -d "$HERE/node_modules/nodejs-polars" ]; then
        if [ -n "${NO_INSTALL:-}" ]; then
            echo "bench/node_modules missing and NO_INSTALL set: skipping the peers"
            return 1
        fi
        echo "installing DuckDB and Polars into bench/node_modules"
        (cd "$HERE" && npm install --no-audit --no-fund --loglevel=error) \
            || { echo "npm install failed: skipping the peers"; return 1; }
    fi
}

if [ -n "$PEERS" ] && ! peers_ready; then PEERS=""; fi

FLOORS=""
CSVFLOOR=${CSVFLOOR-$ROOT/../shared/peers/csvfloor.c}
if [ -n "$CSVFLOOR" ] && [ -f "$CSVFLOOR" ]; then
    if cc -O2 -march=native -o "$OUT/csvfloor" "$CSVFLOOR" -lcsv; then
        FLOORS="count convert"
    else
        echo "cannot compile $CSVFLOOR: no libcsv floor"
    fi
fi

run_floor() {   # mode variant file run
    local mode=$1 variant=$2 file=$3 run=$4 line s sep=""
    [ "$variant" = dk ] && sep=";"
    if line=$("$OUT/csvfloor" "$mode" "$file" $sep 2>&1); then
        s=$(echo "$line" | sed 's/.*, \([0-9.]*\) s, .*/\1/')
        printf '%-10s %s\n' "libcsv-$mode" "${line#*: }"
        record "libcsv-$mode" "$variant" "$run" "$s" NA "$ROWS" "$s"
    else
        echo "libcsv-$mode FAILED: $line"
        record "libcsv-$mode" "$variant" "$run" FAILED FAILED NA NA
    fi
}

# Rounds: every configuration once per round, so that a change in the
# machine's load (it is shared) hits tegn and the peers alike.
for run in $(seq 1 "$RUNS"); do
    for variant in std dk; do
        if [ $variant = std ]; then file=$STD; else file=$DK; fi
        log "round $run of $RUNS, $(basename "$file")"
        for t in $THREADS; do run_tegn "$t" $variant "$file" "$run"; done
        for peer in $PEERS; do run_peer "$peer" $variant "$file" "$run"; done
        for mode in $FLOORS; do run_floor "$mode" $variant "$file" "$run"; done
    done
done

# ---- the table ----
col() {   # engine variant field(4=seconds 5=rss 6=rows 7=cpu) -> values, one a line
    awk -F'\t' -v e="$1" -v v="$2" -v f="$3" '$1 == e && $2 == v && $4 != "FAILED" { print $f }' \
        "$OUT/results.tsv"
}

table() {
    local bytes_std bytes_dk
    bytes_std=$(stat -c %s "$STD")
    bytes_dk=$(stat -c %s "$DK")
    echo "### Load, $ROWS rows, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cpus"
    echo
    echo "Median of $RUNS processes (in-process load time), and the best of them; peak RSS is the maximum over the runs."
    echo "MB = 10^6 bytes; RSS in MiB. 'x peer' = peer seconds / these seconds (above 1 = faster than that peer)."
    echo "CPU s = median CPU seconds of the load (all threads); well below threads x s means the run waited for a core."
    echo "libcsv-count/convert: the shared csvfloor program (1 thread; count = trivial callbacks, convert = typed columns); its CPU s is its wall time."
    echo
    echo "| file | engine | s | best s | CPU s | MB/s | M rows/s | peak RSS MiB | x duckdb-t1 | x duckdb-t2 | x polars-t2 | ok |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    for variant in std dk; do
        local bytes=$bytes_std name=$(basename "$STD")
        [ $variant = dk ] && { bytes=$bytes_dk; name=$(basename "$DK"); }
        local d1 d2 p2
        d1=$(col duckdb-t1 $variant 4 | median)
        d2=$(col duckdb-t2 $variant 4 | median)
        p2=$(col polars-t2 $variant 4 | median)
        for e in $(awk -F'\t' '{ print $1 }' "$OUT/results.tsv" | awk '!seen[$0]++'); do
            local s best c rss n ok
            s=$(col "$e" $variant 4 | median)
            best=$(col "$e" $variant 4 | minimum)
            c=$(col "$e" $variant 7 | median)
            rss=$(col "$e" $variant 5 | maximum)
            n=$(col "$e" $variant 6 | sort -u | tr '\n' ' ')
            ok=yes
            [ "$(col "$e" $variant 4 | wc -l)" = "$RUNS" ] || ok="FAILED runs"
            [ "$n" = "$ROWS " ] || ok="rows: $n"
            if [ "$s" = NA ]; then
                echo "| $name | $e | – | – | – | – | – | – | – | – | – | $ok |"
                continue
            fi
            awk -v name="$name" -v e="$e" -v s="$s" -v best="$best" -v c="$c" -v rss="$rss" -v b="$bytes" -v r="$ROWS" \
                -v d1="$d1" -v d2="$d2" -v p2="$p2" -v ok="$ok" 'function x(p) { return p == "NA" ? "–" : sprintf("%.2f", p / s) }
                BEGIN { printf "| %s | %s | %.3f | %.3f | %.2f | %.0f | %.2f | %s | %s | %s | %s | %s |\n",
                        name, e, s, best, c, b / 1e6 / s, r / 1e6 / s, rss == "NA" ? "–" : rss, x(d1), x(d2), x(p2), ok }'
        done
    done
}

log "results (also in $OUT/summary.md)"
table | tee "$OUT/summary.md"
