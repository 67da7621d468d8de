#!/usr/bin/env bash
# bench/queries.sh -- queries (b), (c), (d) of research/perf.md side by side:
# tegn (bench/queries.lua, one `tegn run` process doing load + b + c + d)
# against DuckDB and Polars (bench/peers/queries.mjs, the shared peers'
# statements) on the same generated 10-million-row CSV, in one run.
#
#   bash bench/queries.sh [ROWS]     ROWS: default 10000000
#
# Environment:
#   BUILD=build   CMake build directory (configured here if missing)
#   RUNS=3        processes per engine, in rounds; the table shows medians
#   REPS=3        runs of each query inside a process (median kept)
#   PEERS="duckdb-t1 duckdb-t2 polars-t2"   also polars-t1; "" = tegn only
#   THREADS=      tegn run --threads (default: one per core)
#
# Each process is timed from outside (whole-process wall, date +%s.%N) and
# under /usr/bin/time (peak RSS).  Inside, every engine reports the median
# of REPS runs per query, in wall time (tegn: tegn.clock, since its verbs
# run on every --threads thread; its a_load is the big file's load).
# Answers: (c) counts must be identical, (b) and (d) equal keys
# and occupied_days, values within 1e-9 relative (compare_queries.py).
# Logs, answers and summary.md go to bench/out/queries_ROWS/.
set -eu
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

ROWS=${1:-10000000}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=${BUILD:-$ROOT/build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
RUNS=${RUNS:-3}
REPS=${REPS:-3}
PEERS=${PEERS-"duckdb-t1 duckdb-t2 polars-t2"}
THREADS=${THREADS:-}
OCC=$HERE/data/occ_$ROWS.csv
TILBUD=$HERE/data/tilbud_$ROWS.csv
OUT=$HERE/out/queries_$ROWS

log() { printf '\n== %s\n' "$*"; }

log "build ($BUILD)"
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DTG_WERROR=ON >/dev/null
fi
cmake --build "$BUILD" -j 2 --target tegn bench_gen_occ >/dev/null
echo "tegn: $("$BUILD/tegn" --version)"
if [ ! -f "$OCC" ] || [ ! -f "$TILBUD" ]; then
    log "generating $HERE/data/*_$ROWS.*"
    "$BUILD/bench_gen_occ" "$ROWS" "$HERE/data"
fi
if [ -n "$PEERS" ] && { [ ! -d "$HERE/node_modules/@duckdb/node-api" ] || [ ! -d "$HERE/node_modules/nodejs-polars" ]; }; then
    echo "installing DuckDB and Polars into bench/node_modules"
    (cd "$HERE" && npm install --no-audit --no-fund --loglevel=error) \
        || { echo "npm install failed: tegn only"; PEERS=""; }
fi
rm -rf "$OUT"
mkdir -p "$OUT"
cat "$OCC" "$TILBUD" >/dev/null   # hot page cache, as the peers harness
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/loadavg.txt"

# results.tsv: engine run whole_s rss_kib json_file
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >> "$OUT/results.tsv"; }

timed_run() {   # engine run json_file log -- command...
    local engine=$1 run=$2 json=$3 lg=$4 t0 t1 rss
    shift 5
    t0=$(date +%s.%N)
    if /usr/bin/time -f '%M' -o "$lg.rss" "$@" > "$lg" 2>&1; then
        t1=$(date +%s.%N)
        rss=$(tail -n 1 "$lg.rss")
        if [ "$engine" != tegn ]; then
            grep '^RESULT ' "$lg" | sed 's/^RESULT //' > "$json"
        fi
        record "$engine" "$run" "$(echo "$t1 - $t0" | bc -l)" "$rss" "$json"
        printf '%-10s whole %.2f s  rss %s MiB\n' "$engine" "$(echo "$t1 - $t0" | bc -l)" $((rss / 1024))
    else
        echo "$engine FAILED (run $run):"
        tail -n 5 "$lg" | sed 's/^/  /'
        record "$engine" "$run" FAILED FAILED "$json"
    fi
}

for run in $(seq 1 "$RUNS"); do
    log "round $run of $RUNS"
    d=$OUT/tegn.$run
    mkdir -p "$d"
    timed_run tegn "$run" "$d/result.json" "$d/log" -- \
        "$BUILD/tegn" run "$HERE/queries.lua" --param csv="$OCC" --param tilbud="$TILBUD" \
        --param reps="$REPS" --param out="$d" --out "$d/result.json" --quiet \
        ${THREADS:+--threads "$THREADS"}
    for peer in $PEERS; do
        d=$OUT/$peer.$run
        mkdir -p "$d"
        timed_run "$peer" "$run" "$d/result.json" "$d/log" -- \
            env POLARS_MAX_THREADS="${peer##*-t}" node "$HERE/peers/queries.mjs" \
            "${peer%-t*}" "${peer##*-t}" "$OCC" "$TILBUD" "$d" "$REPS"
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/loadavg.txt"

log "answers"
ok=yes
dirs=""
for e in $PEERS; do [ -f "$OUT/$e.1/b_groupby.csv" ] && dirs="$dirs $OUT/$e.1"; done
for run in $(seq 2 "$RUNS"); do [ -f "$OUT/tegn.$run/b_groupby.csv" ] && dirs="$dirs $OUT/tegn.$run"; done
if [ -n "$dirs" ]; then
    # shellcheck disable=SC2086
    python3 "$HERE/compare_queries.py" "$OUT/tegn.1" $dirs > "$OUT/compare.txt" || ok=no
    sed "s|$OUT/||g" "$OUT/compare.txt"
fi

log "results (also in $OUT/summary.md)"
THREADS="$THREADS" python3 - "$OUT" "$ROWS" "$RUNS" "$REPS" "$ok" <<'EOF' | tee "$OUT/summary.md"
import json, os, statistics, sys, time
out, rows, runs, reps, answers_ok = sys.argv[1:]
res = {}
for line in open(f"{out}/results.tsv"):
    e, run, whole, rss, jf = line.rstrip("\n").split("\t")
    if whole == "FAILED":
        res.setdefault(e, []).append(None)
        continue
    j = json.load(open(jf))
    j["whole_s"] = float(whole)
    j["rss_mib"] = int(rss) / 1024
    res.setdefault(e, []).append(j)
load = "; ".join(open(f"{out}/loadavg.txt").read().split("\n")).strip("; ")
print(f"### Queries, {rows} rows, {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}")
print()
print(f"Median over {runs} processes of each process's median of {reps} runs per query (seconds); "
      f"whole = process wall time (start, load, {reps}x b, c, d, exit); peak RSS = max over processes. {load}.")
print(f"tegn's times are wall time (tegn.clock) with --threads {os.environ.get('THREADS') or 'one per core'}.")
print()
keys = ["a_load_s", "b_groupby_s", "c_filter_count_s", "d_join_rate_s", "whole_s"]
med = {}
print("| engine | a_load | b | c | d | whole process | peak RSS MiB | (b) rows | (c) count | (d) rows | runs ok |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for e, js in res.items():
    good = [j for j in js if j]
    if not good:
        print(f"| {e} | – | – | – | – | – | – | – | – | – | 0/{len(js)} |")
        continue
    med[e] = {k: statistics.median(j[k] for j in good) for k in keys}
    ans = lambda k: "/".join(sorted({str(j[k]) for j in good}))
    m = med[e]
    print(f"| {e} | {m['a_load_s']:.3f} | {m['b_groupby_s']:.4f} | {m['c_filter_count_s']:.4f} | "
          f"{m['d_join_rate_s']:.4f} | {m['whole_s']:.2f} | {max(j['rss_mib'] for j in good):.0f} | "
          f"{ans('b_groupby_answer')} | {ans('c_filter_count_answer')} | {ans('d_join_rate_answer')} | "
          f"{len(good)}/{len(js)} |")
if "tegn" in med:
    t = med["tegn"]
    print()
    print("Ratios: peer seconds / tegn seconds (above 1 = tegn faster).")
    print()
    print("| tegn vs | a_load | b | c | d | whole process |")
    print("|---|---:|---:|---:|---:|---:|")
    for e, m in med.items():
        if e == "tegn":
            continue
        print(f"| {e} | " + " | ".join(f"{m[k] / t[k]:.2f}" for k in keys) + " |")
counts = {e: {j["c_filter_count_answer"] for j in js if j} for e, js in res.items()}
same_c = len(set().union(*counts.values())) == 1
print(f"Answers: (c) identical across engines: {'yes' if same_c else 'NO ' + str(counts)}; "
      f"(b), (d) keys, occupied_days and values within 1e-9 relative: {'yes' if answers_ok == 'yes' else 'NO (see compare.txt)'}.")
EOF
