#!/usr/bin/python3
"""score.py WORKDIR -- the scores of bench/ets_vs_r.sh: MASE per series of
R's forecast::ets, tegn.forecast.ets and seasonal naive over the rolling
origins (MASE = mean |error| / the in-sample seasonal-naive MAE of each
origin's training data, Hyndman & Koehler 2006, as tegn.forecast.backtest),
the geometric mean of the ratio tegn/ets, and on the occupancy data tegn's
MASE against seasonal naive. Prints Markdown tables."""
import csv, glob, math, os, sys

work = sys.argv[1]
PERIOD = {"UKgas": 4}


def scale(y, o, m):
    d = [abs(y[t] - y[t - m]) for t in range(m, o)]
    return sum(d) / len(d)


def gmean(v):
    return math.exp(sum(math.log(x) for x in v) / len(v))


series = {}
for r in csv.DictReader(open(os.path.join(work, "series.csv"))):
    series.setdefault(r["series"], []).append(float(r["y"]))
tegn = {}
for f in glob.glob(os.path.join(work, "tegn_*.csv")):
    for r in csv.DictReader(open(f)):
        tegn[(r["series"], int(r["t"]), int(r["h"]))] = float(r["point"])
acc = {}
for r in csv.DictReader(open(os.path.join(work, "r.csv"))):
    s, t, h = r["series"], int(r["t"]), int(r["h"])
    y = series[s]
    o = t - h
    q = scale(y, o, PERIOD.get(s, 12))
    a = y[t - 1]
    e = acc.setdefault(s, {"ets": [], "tegn": [], "snaive": []})
    e["ets"].append(abs(float(r["ets"]) - a) / q)
    e["tegn"].append(abs(tegn[(s, t, h)] - a) / q)
    e["snaive"].append(abs(float(r["snaive"]) - a) / q)

print("| series | R ets | tegn ets | seasonal naive | tegn / R |")
print("|---|---:|---:|---:|---:|")
ratios = []
for s in series:
    m = {k: sum(v) / len(v) for k, v in acc[s].items()}
    ratios.append(m["tegn"] / m["ets"])
    print("| %s | %.3f | %.3f | %.3f | %.3f |" % (s, m["ets"], m["tegn"], m["snaive"], ratios[-1]))
print("| geometric mean | | | | %.3f |" % gmean(ratios))

occ = {}
for r in csv.DictReader(open(os.path.join(work, "occ.csv"))):
    occ.setdefault(r["tilbud_id"], {})[int(r["t"])] = float(r["y"])
sc = {}
for f in glob.glob(os.path.join(work, "occ_*.csv")):
    for r in csv.DictReader(open(f)):
        k, t, h = r["tilbud_id"], int(r["t"]), int(r["h"])
        y = occ[k]
        o = t - h
        sn = y.get(o - 12 + (h - 1) % 12)
        if t not in y or sn is None:
            continue  # a month without a value, or no value a year before the origin
        d = [abs(y[u] - y[u - 12]) for u in range(1, o + 1) if u in y and u - 12 in y]
        q = sum(d) / len(d)
        e = sc.setdefault(k, {"tegn": [], "snaive": []})
        e["tegn"].append(abs(float(r["point"]) - y[t]) / q)
        e["snaive"].append(abs(sn - y[t]) / q)
mt = [sum(v["tegn"]) / len(v["tegn"]) for v in sc.values()]
ms = [sum(v["snaive"]) / len(v["snaive"]) for v in sc.values()]
print()
print("| occupancy (%d tilbud) | tegn ets | seasonal naive | tegn / naive |" % len(sc))
print("|---|---:|---:|---:|")
print("| mean MASE | %.3f | %.3f | %.3f |" % (sum(mt) / len(mt), sum(ms) / len(ms),
                                              (sum(mt) / len(mt)) / (sum(ms) / len(ms))))
print("| geometric mean of the ratio | | | %.3f |" % gmean([a / b for a, b in zip(mt, ms)]))
