#!/bin/sh
# demo.sh -- the main job (tegn demo, with its report) timed on the bundled
# datasets and on a generated data set SCALE times larger: wall and CPU
# seconds and peak RSS (/usr/bin/time) of RUNS separate processes per size,
# their medians, and the median time of each indicator script (--timing).
#
# usage: sh bench/demo.sh [SCALE]    (default 100)
#   RUNS (3), TEGN (build/tegn), GEN (build/tegn-gen_datasets), THREADS
#   (passed as --threads when set). The large set is generated once into
#   bench/data/demo_xSCALE (not committed; remade when the generator changed);
#   each run's output and logs go to bench/out/demo/SIZE/.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
scale=${1:-100}
runs=${RUNS:-3}
tegn=${TEGN:-$root/build/tegn}
gen=${GEN:-$root/build/tegn-gen_datasets}
threads=${THREADS:+--threads $THREADS}
big=$root/bench/data/demo_x$scale
out=$root/bench/out/demo

for p in "$tegn" "$gen" /usr/bin/time; do
    [ -x "$p" ] || { echo "demo.sh: $p not found (make build; apt-get install time)" >&2; exit 1; }
done

# The set is remade when the generator's bytes changed (a rebuild of the
# same code leaves them, and the data, as they were).
stamp=$(sha256sum <"$gen" | cut -c1-64)
if [ "$(cat "$big/.generated" 2>/dev/null)" != "$stamp" ]; then
    echo "generating $big (--scale $scale, about a minute of CPU) ..."
    rm -rf "$big"
    mkdir -p "$root/bench/data"
    "$gen" --scale "$scale" "$big" >"$root/bench/data/demo_x$scale.log"
    echo "$stamp" >"$big/.generated"
fi

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for size in bundled "x$scale"; do
    if [ "$size" = bundled ]; then data=$root/datasets; else data=$big; fi
    mkdir -p "$out/$size"
    echo "$size: $data ($(du -sh "$data" | cut -f1))"
    r=1
    while [ "$r" -le "$runs" ]; do
        # shellcheck disable=SC2086 # $threads is an option and its value
        (cd "$out/$size" &&
            /usr/bin/time -f "%e %U %S %M" -o "time.$r" \
                "$tegn" demo "$data" --timing $threads >"summary.txt" 2>"timing.$r")
        read -r wall user sys rss <"$out/$size/time.$r"
        printf '  run %d: wall %6.2f s  cpu %6.2f s  peak RSS %7.1f MiB\n' "$r" "$wall" \
            "$(echo "$user + $sys" | bc)" "$(echo "$rss / 1024" | bc -l)"
        r=$((r + 1))
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Medians per size, then the median seconds of each script line side by side.
python3 - "$out" "$runs" "$scale" <<'EOF'
import re, statistics, sys
out, runs, scale = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sizes = ["bundled", "x" + scale]
med = {}
lines = {}
for s in sizes:
    t = [list(map(float, open(f"{out}/{s}/time.{r}").read().split())) for r in range(1, runs + 1)]
    med[s] = (statistics.median(x[0] for x in t), statistics.median(x[1] + x[2] for x in t),
              statistics.median(x[3] for x in t) / 1024)
    per = {}
    for r in range(1, runs + 1):
        for ln in open(f"{out}/{s}/timing.{r}"):
            m = re.match(r"\s+\d+\s+([\d.]+)\s+[\d.]+\s+\d+\s+require \"(.+)\"", ln)
            if m:
                per.setdefault(m.group(2), []).append(float(m.group(1)))
    lines[s] = {k: statistics.median(v) for k, v in per.items()}
print(f"\nmedians of {runs} runs      wall s     cpu s   peak RSS MiB")
for s in sizes:
    print(f"  {s:<18} {med[s][0]:8.2f} {med[s][1]:9.2f} {med[s][2]:12.1f}")
b, x = med[sizes[0]], med[sizes[1]]
print(f"  ratio {sizes[1]}/bundled {x[0] / b[0]:6.1f}× {x[1] / b[1]:8.1f}× {x[2] / b[2]:11.1f}×")
print(f"\nper script (--timing, median s)   bundled {sizes[1]:>9}   ratio")
for k in lines[sizes[0]]:
    a, c = lines[sizes[0]][k], lines[sizes[1]].get(k, float("nan"))
    ratio = f"{c / a:7.0f}×" if a > 0 else "      -"
    print(f"  {k:<30} {a:9.3f} {c:9.3f} {ratio}")
EOF
