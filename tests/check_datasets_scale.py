#!/usr/bin/env python3
"""check_datasets_scale.py -- tegn-gen_datasets --scale N, checked from outside.

Generates --scale 3 into a temporary folder and checks with Python's csv and
sqlite3 modules, not the generator's own reader:
- the run exits 0 and reports its copies checked (each copy's own checks pass);
- every file's rows are the bundled file's, once as they are (copy 0 is the
  bundled data, so each file starts with the bundled file's bytes) and twice
  more with ids suffixed -1 and -2: the fixed tables (tilbud, kapacitet,
  kk_enheder) exactly 3x, the simulated ones within 3x +-10 %;
- the copies differ (each draws its own stays and answers);
- ids are unique where they are keys, and every tilbud_id, enhed_id and
  borger_id used elsewhere exists (the files still join);
- the rates stay: SOF's weighted loneliness share per year over the three
  copies is within 1.5 percentage points of the bundled share;
- --scale with a bad value is a usage error (exit 2), --scale 1 is covered by
  the datasets_scale1 test (byte-identical to datasets/).

usage: check_datasets_scale.py GEN DATASETS_DIR
"""
import csv
import io
import os
import sqlite3
import subprocess
import sys
import tempfile

N = 3


def fail(msg):
    print("check_datasets_scale: " + msg, file=sys.stderr)
    sys.exit(1)


def rows(path):
    """The data rows of a generated CSV as dicts (BOM, sep= line, encoding)."""
    raw = open(path, "rb").read()
    enc = "cp1252" if path.endswith("hr_maaned.csv") else "utf-8-sig"
    text = raw.decode(enc)
    if text.startswith("sep="):
        text = text.split("\n", 1)[1]
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def lonely(rs):
    """SOF's weighted share with tils >= 7 per year (the kbh.ensomhed figure)."""
    num, den = {}, {}
    for r in rs:
        if r["survey"] != "SOF" or r["tils"] == "":
            continue
        w = float(r["vaegt"].replace(",", "."))
        y = r["aar"]
        den[y] = den.get(y, 0) + w
        num[y] = num.get(y, 0) + (w if int(r["tils"]) >= 7 else 0)
    return {y: num[y] / den[y] for y in den}


def main():
    gen, ref = sys.argv[1], sys.argv[2]
    for bad in (["--scale", "0"], ["--scale", "x"], ["--scale"]):
        r = subprocess.run([gen] + bad + ["/nonexistent/x"], capture_output=True)
        if r.returncode != 2:
            fail(f"{bad} gave exit {r.returncode}, not 2")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "x3")
        r = subprocess.run([gen, "--scale", str(N), out], capture_output=True, text=True)
        if r.returncode != 0 or f"scale: {N} copies, each generated and checked" not in r.stdout:
            fail(f"generator failed (exit {r.returncode}):\n{r.stdout[-2000:]}{r.stderr}")
        names = sorted(f for f in os.listdir(ref) if f.endswith(".csv"))
        if sorted(f for f in os.listdir(out) if not f.startswith(".")) != sorted(
                names + ["tegn.sqlite"]):
            fail(f"files differ: {sorted(os.listdir(out))}")
        big = {}
        for f in names:
            a, b = open(os.path.join(ref, f), "rb").read(), open(os.path.join(out, f), "rb").read()
            if not b.startswith(a):
                fail(f"{f}: does not start with the bundled file (copy 0)")
            small, big[f] = rows(os.path.join(ref, f)), rows(os.path.join(out, f))
            n, m = len(small), len(big[f])
            exact = f in ("tilbud.csv", "kapacitet.csv", "kk_enheder.csv")
            if (exact and m != N * n) or not (0.9 * N * n <= m <= 1.1 * N * n):
                fail(f"{f}: {m} rows, bundled {n}")
            idcols = [c for c in big[f][0] if c.endswith("_id")]
            for c in idcols:
                suffixes = {v.rsplit("-", 1)[1] for v in (r[c] for r in big[f][n:]) if v}
                if suffixes != {"1", "2"}:
                    fail(f"{f}: column {c} after copy 0 has suffixes {sorted(suffixes)[:5]}")
            print(f"  {f}: {m} rows (bundled {n}, {m / n:.2f}x)")
        # each copy draws afresh: copy 1's stays, ids unsuffixed, are not copy 0's
        n0 = len(rows(os.path.join(ref, "ophold.csv")))
        strip = [tuple(v.rsplit("-", 1)[0] if k.endswith("_id") else v for k, v in r.items())
                 for r in big["ophold.csv"][n0:2 * n0]]
        if strip == [tuple(r.values()) for r in big["ophold.csv"][:n0]]:
            fail("copy 1 of ophold.csv repeats copy 0")
        for f, key in (("tilbud.csv", "tilbud_id"), ("kk_enheder.csv", "enhed_id"),
                       ("borger_survey.csv", "resp_id"), ("sager.csv", "sag_id"),
                       ("unge_skole.csv", "elev_id")):
            vals = [r[key] for r in big[f]]
            if len(set(vals)) != len(vals):
                fail(f"{f}: {key} repeats")
        tilbud = {r["tilbud_id"] for r in big["tilbud.csv"]}
        units = {r["enhed_id"] for r in big["kk_enheder.csv"]}
        borgere = {r["borger_id"] for r in big["ophold.csv"]}
        for f, key, known in (("ophold.csv", "tilbud_id", tilbud),
                              ("belaegning_maaned.csv", "tilbud_id", tilbud),
                              ("individuelle_planer.csv", "borger_id", borgere),
                              ("aktivitet_kvartal.csv", "borger_id", borgere),
                              ("sager.csv", "enhed_id", units),
                              ("hr_maaned.csv", "tilbud_id", tilbud | units)):
            unknown = {r[key] for r in big[f]} - known
            if unknown:
                fail(f"{f}: {key} values with no row to join: {sorted(unknown)[:5]}")
        db = sqlite3.connect(os.path.join(out, "tegn.sqlite"))
        dbref = sqlite3.connect(os.path.join(ref, "tegn.sqlite"))
        for t in ("takst_param", "takst_budget", "takst", "sundhedstjek", "audit"):
            n = dbref.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            m = db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            if not (0.9 * N * n <= m <= 1.1 * N * n):
                fail(f"tegn.sqlite {t}: {m} rows, bundled {n}")
            orphans = db.execute(f"SELECT count(*) FROM {t} WHERE tilbud_id NOT IN "
                                 f"({','.join(repr(x) for x in tilbud)})").fetchone()[0]
            if orphans:
                fail(f"tegn.sqlite {t}: {orphans} rows with an unknown tilbud_id")
            print(f"  tegn.sqlite {t}: {m} rows (bundled {n})")
        a, b = lonely(rows(os.path.join(ref, "borger_survey.csv"))), lonely(big["borger_survey.csv"])
        for y in sorted(a):
            if abs(a[y] - b[y]) > 0.015:
                fail(f"SOF lonely share {y}: {b[y]:.3f} over {N} copies, bundled {a[y]:.3f}")
        print("  SOF lonely share per year: " +
              " ".join(f"{y}:{a[y]:.3f}/{b[y]:.3f}" for y in sorted(a)))
    print(f"check_datasets_scale: --scale {N} checked")


if __name__ == "__main__":
    main()
