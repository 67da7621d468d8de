#!/usr/bin/python3
"""check.py TEGN [ID...] -- every indicator computed a second way.

Runs scripts/alle.lua with tegn, then loads the same datasets a second way
(Python's csv module into an in-memory SQLite database, with
datasets/tegn.sqlite attached as `db`) and runs tests/indicators/<id>.sql for
every indicator in the document. Each query returns the indicator's group
columns and period column plus any of numerator, denominator, n, value, sd;
every row must match a series row of the document (and the other way round)
to 1e-9 relative. Proportions' Wilson intervals are recomputed here too. An
indicator without a .sql file fails: every indicator has a golden test.
With IDs, only those indicators are checked.
"""
import csv, io, json, math, os, re, sqlite3, subprocess, sys, tempfile
from statistics import NormalDist

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "tests", "indicators")
DMY = re.compile(r"^(\d\d)-(\d\d)-(\d{4})$")
INT = re.compile(r"^-?\d+$")
DEC = re.compile(r"^-?\d+,\d+$")


def value(s):
    """A CSV field as SQLite should hold it: NULL, int, float or text."""
    if s == "":
        return None
    if INT.match(s) and not (len(s) > 1 and s.startswith("0")):
        return int(s)
    if DEC.match(s):
        return float(s.replace(",", "."))
    m = DMY.match(s)
    if m:
        return "%s-%s-%s" % (m.group(3), m.group(2), m.group(1))
    return s


def load_csv(db, path):
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    lines = text.splitlines(keepends=True)
    if lines and lines[0].strip().startswith("sep="):
        lines = lines[1:]
    rows = list(csv.reader(io.StringIO("".join(lines)), delimiter=";"))
    name = os.path.splitext(os.path.basename(path))[0]
    cols = ", ".join('"%s"' % c for c in rows[0])
    db.execute('CREATE TABLE "%s" (%s)' % (name, cols))
    marks = ", ".join("?" * len(rows[0]))
    db.executemany('INSERT INTO "%s" VALUES (%s)' % (name, marks),
                   [[value(f) for f in r] for r in rows[1:]])


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def wilson(x, n, conf):
    z = NormalDist().inv_cdf(0.5 + conf / 2)
    p = x / n
    mid = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return mid - half, mid + half


def check(db, ind):
    """Problems with one indicator, as a list of strings."""
    sql_path = os.path.join(HERE, ind["id"] + ".sql")
    if not os.path.exists(sql_path):
        return ["no golden query %s" % os.path.relpath(sql_path, ROOT)]
    cur = db.execute(open(sql_path).read())
    names = [d[0] for d in cur.description]
    keys = ind["by"] + [ind["period"]]
    missing = [k for k in keys if k not in names]
    if missing:
        return ["the query lacks the key column(s) %s" % missing]
    measured = [c for c in names if c not in keys]
    want = {tuple(r[names.index(k)] for k in keys): r for r in cur.fetchall()}
    got = {tuple(row.get(k) for k in keys): row for row in ind["series"]}
    problems = []
    if set(want) != set(got):
        problems.append("periods/groups differ: only in SQL %s, only in tegn %s"
                        % (sorted(set(want) - set(got))[:5], sorted(set(got) - set(want))[:5]))
    for key in sorted(set(want) & set(got), key=str):
        row = got[key]
        for c in measured:
            w = want[key][names.index(c)]
            if row["suppressed"] and row.get(c) is None:
                continue
            if not close(w, row.get(c)):
                problems.append("%s %s: SQL %r, tegn %r" % (key, c, w, row.get(c)))
        if (ind["kind"] == "proportion" and not ind.get("census") and not row["suppressed"]
                and row["value"] is not None and 0 <= row["value"] <= 1):
            n = row["n"] if row.get("n") is not None else row["denominator"]
            lo, hi = wilson(row["value"] * n, n, ind["conf"])
            if not (close(lo, row["lo"]) and close(hi, row["hi"])):
                problems.append("%s Wilson interval: Python %r, tegn %r"
                                % (key, (lo, hi), (row["lo"], row["hi"])))
    return problems


def main():
    tegn, only = sys.argv[1], set(sys.argv[2:])
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.json")
        subprocess.run([tegn, "run", "scripts/alle.lua", "--out", out, "--quiet"], check=True)
        doc = json.load(open(out))
    db = sqlite3.connect(":memory:")
    for f in sorted(os.listdir("datasets")):
        if f.endswith(".csv"):
            load_csv(db, os.path.join("datasets", f))
    db.execute("ATTACH 'file:datasets/tegn.sqlite?mode=ro' AS db")
    failed = 0
    checked = 0
    for ind in doc["indicators"]:
        if only and ind["id"] not in only:
            continue
        problems = check(db, ind)
        checked += 1
        for p in problems[:10]:
            print("%s: %s" % (ind["id"], p))
        failed += bool(problems)
        if not problems:
            print("%s: %d rows agree" % (ind["id"], len(ind["series"])))
    print("check.py: %d of %d indicators agree with SQL" % (checked - failed, checked))
    return 1 if failed or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
