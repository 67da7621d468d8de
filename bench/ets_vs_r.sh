#!/bin/sh
# ets_vs_r.sh [TEGN] -- tegn.forecast.ets against R's forecast::ets() and
# seasonal naive, out of sample (issue 18): on R's classic series
# (AirPassengers, co2, UKgas, nottem, USAccDeaths, ldeaths) the origins of
# the last 24 points (n-24 .. n-12), h = 1..12, both fitting the automatic
# model at each origin; and tegn against seasonal naive on the bundled
# occupancy data (the open tilbud, same origins). Prints the MASE tables
# of docs/forecast.md. Takes some minutes (R's ets is the slow half).
# Installs r-base-core and r-cran-forecast from Debian when missing.
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
tegn=${1:-$root/build/tegn}
for p in r-base-core r-cran-forecast; do
    dpkg-query -W -f='${Status}' $p 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
# ETS_WORK=DIR keeps the work files (and reuses R's half when it is there).
if [ -n "$ETS_WORK" ]; then
    work=$ETS_WORK
    mkdir -p "$work"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi
[ -s "$work/r.csv" ] || Rscript "$here/ets/r_side.R" "$work"
# The open tilbud's monthly occupancy with a period number t = 1..84.
python3 - "$root/datasets" "$work/occ.csv" <<'PY'
import csv, sys
d, out = sys.argv[1], sys.argv[2]
with open(d + "/tilbud.csv", encoding="utf-8-sig") as f:
    shut = {r["tilbud_id"] for r in csv.DictReader(f, delimiter=";") if r["lukket"]}
rows = []
with open(d + "/belaegning_maaned.csv", encoding="utf-8-sig") as f:
    next(f)
    for r in csv.DictReader(f, delimiter=";"):
        if r["tilbud_id"] in shut:
            continue
        y, m = map(int, r["maaned"].split("-"))
        rows.append((r["tilbud_id"], (y - 2019) * 12 + m, r["belaegningsprocent"].replace(",", ".")))
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["tilbud_id", "t", "y"])
    w.writerows(sorted(rows))
PY
(cd "$work" && "$tegn" run "$here/ets/tegn_side.lua" --allow-write "$work" >/dev/null)
python3 "$here/ets/score.py" "$work"
