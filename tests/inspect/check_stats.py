#!/usr/bin/env python3
"""check_stats.py TEGN -- t:describe() (and so `tegn inspect --stats`)
against the same statistics computed here with the csv module alone: for
tests/fixtures/csv/stats.csv and for a generated file of 5000 rows (ints,
floats with NULLs, dates, text with ties, booleans), every column's type,
nulls, distinct count, min, max, mean (within 1e-12 relative), median and
top values must agree. Exit 0 when they do."""
import csv
import json
import os
import random
import subprocess
import sys
import tempfile

TEGN = sys.argv[1]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOP = 3


def kind(values):
    """The type tegn infers for a column of these (non-empty) texts."""
    vals = [v for v in values if v != ""]
    if not vals:
        return "string"
    if all(v.lstrip("-").isdigit() for v in vals):
        return "int"
    try:
        [float(v) for v in vals]
        return "float"
    except ValueError:
        pass
    if all(len(v) == 10 and v[4] == "-" and v[7] == "-" for v in vals):
        return "date"
    if all(v in ("true", "false") for v in vals):
        return "bool"
    return "string"


def num_text(x, typ):
    """A number as t:rows() writes it: ints plainly, floats shortest with a mark."""
    if typ == "int":
        return str(int(x))
    r = repr(float(x))
    return r if ("." in r or "e" in r) else r + ".0"


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def expected(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    out = []
    for k, name in enumerate(head):
        col = [r[k] for r in body]
        typ = kind(col)
        vals = [v for v in col if v != ""]
        e = {"column": name, "type": typ, "nulls": len(col) - len(vals),
             "distinct": None, "min": None, "max": None, "mean": None, "median": None,
             "top": None}
        if typ in ("int", "float"):
            xs = [float(v) for v in vals]
            e["distinct"] = len(set(xs))
            if xs:
                e["min"], e["max"] = num_text(min(xs), typ), num_text(max(xs), typ)
                e["mean"] = sum(xs) / len(xs)
                e["median"] = median(xs)
        else:
            e["distinct"] = len(set(vals))
            if vals:
                # text in byte order: Python compares code points, the same order
                e["min"], e["max"] = min(vals), max(vals)
            if typ in ("string", "bool") and vals:
                counts = {}
                for v in vals:
                    counts[v] = counts.get(v, 0) + 1
                best = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].encode()))[:TOP]
                e["top"] = ", ".join("%s (%d)" % kv for kv in best)
        out.append(e)
    return out


def described(path, work):
    script = os.path.join(work, "describe.lua")
    with open(script, "w") as f:
        f.write("tegn.emit{d = tegn.read_csv(%s):describe()}\n" % json.dumps(path))
    r = subprocess.run([TEGN, "run", script, "--allow-read", os.path.dirname(path)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("tegn failed: " + r.stderr)
    return json.loads(r.stdout)["d"]


def close(a, b):
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))


def compare(path, work):
    bad = 0
    got = described(path, work)
    want = expected(path)
    if len(got) != len(want):
        print("%s: %d columns, expected %d" % (path, len(got), len(want)))
        return 1
    for g, w in zip(got, want):
        for key in w:
            same = close(g[key], w[key]) if key in ("mean", "median") else g[key] == w[key]
            if not same:
                print("%s: column %s: %s is %r, expected %r" % (path, w["column"], key, g[key], w[key]))
                bad += 1
    return bad


def generated(path):
    rng = random.Random(12)
    words = ["Ballerup", "Glostrup", "Ærø", "Albertslund", "Høje-Taastrup", "Åbenrå"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["n", "x", "d", "by", "ok"])
        for i in range(5000):
            x = "" if rng.random() < 0.1 else "%.2f" % rng.uniform(-1000, 1000)
            d = "%04d-%02d-%02d" % (rng.randint(2000, 2030), rng.randint(1, 12), rng.randint(1, 28))
            ok = "" if rng.random() < 0.05 else rng.choice(["true", "false"])
            w.writerow([rng.randint(-50, 50), x, d, rng.choice(words), ok])


def main():
    with tempfile.TemporaryDirectory() as work:
        gen = os.path.join(work, "gen.csv")
        generated(gen)
        bad = compare(os.path.join(ROOT, "tests", "fixtures", "csv", "stats.csv"), work)
        bad += compare(gen, work)
    print("%d passed, %d failed" % (2 if bad == 0 else 0, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
