#!/usr/bin/python3
"""attack.py TEGN -- the attack test of docs/disclosure.md: can a reader
work out a suppressed cell from what a document publishes?

For every indicator with `part_of` (its groups add up to another
indicator's total), each period gives a reader two equations: the hidden
groups' counts x sum to the total's X less the shown groups' x, and their
sizes n to N less the shown n. With those and everything the rules say
about a hidden row, this solves exactly, by enumeration over integers
(Python's standard library only), which (x, n) each hidden row can have,
and fails when x, n or n - x of any hidden row has a single feasible value.

Two attackers:
- on random fixture tables the test makes (seeded), the strong one: it is
  told WHY each row is hidden (n under the minimum, x of 1-4, n - x of 1-4,
  or secondary, which means none of those);
- on the demo document (scripts/alle.lua over datasets/), the reader who
  knows only the rules: a hidden row is any of those four.

The enumeration keeps, per sum of n, the set of reachable sums of x as a
bit mask (a Python int), so a row's x range is a shift-or, not a loop.
"""
import json
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
K = 5  # the "tegn" minimum


def shift_or(mask, lo, hi):
    """OR of mask << k for k in lo..hi (0 when hi < lo)."""
    out, width, k = 0, hi - lo + 1, 0
    if width <= 0:
        return 0
    acc, span = mask << lo, 1
    # doubling: acc covers shifts lo .. lo + span - 1
    while width:
        if width & 1:
            out |= acc << k
            k += span
        acc |= acc << span
        span *= 2
        width >>= 1
    return out


def x_ranges(n, why, k):
    """The x a hidden row of size n can have, as (lo, hi) ranges."""
    small_n = 1 <= n <= k - 1
    if why == "n":
        return [(0, n)] if small_n else []
    if small_n:
        return [(0, n)] if why is None else []
    out = []
    if why in (None, "x"):
        out.append((1, min(k - 1, n)))
    if why == "c":  # the count itself passed (x is checked first)
        out.append((max(k, n - k + 1), n - 1))
    if why is None:
        out.append((max(0, n - k + 1), n - 1))
    if why in (None, "s"):
        # neither x nor n - x is 1 .. k-1
        out.append((k, n - k))
        out.append((0, 0))
        out.append((n, n))
    if why is None:
        return [(0, n)]  # the ranges above cover 0 .. n between them
    return [(a, b) for a, b in out if a <= b]


def reach(rows, xr, nr, k):
    """{sum n: mask of sums x} over the hidden rows' feasible values."""
    if all(why is None for why in rows):
        # a reader who knows only the rules knows only n >= 1, 0 <= x <= n
        # of each: m rows reach every n-sum from m, every x-sum up to it
        m = len(rows)
        if m == 0:
            return {0: 1}
        return {sn: ((1 << (min(sn, xr) + 1)) - 1) for sn in range(m, nr + 1)}
    states = {0: 1}
    for why in rows:
        new = {}
        for sn, mask in states.items():
            for n in range(1, nr - sn + 1):
                for lo, hi in x_ranges(n, why, k):
                    m = shift_or(mask, lo, min(hi, xr)) & ((1 << (xr + 1)) - 1)
                    if m:
                        new[sn + n] = new.get(sn + n, 0) | m
        states = new
    return states


def feasible(hidden, xr, nr, k):
    """Per hidden row, the sets of feasible x, n and n - x."""
    out = []
    for i, why in enumerate(hidden):
        others = reach(hidden[:i] + hidden[i + 1:], xr, nr, k)
        xs, ns, cs = set(), set(), set()
        for n in range(1, nr + 1):
            mask = others.get(nr - n, 0)
            if not mask:
                continue
            for lo, hi in x_ranges(n, why, k):
                for x in range(lo, min(hi, xr) + 1):
                    if mask >> (xr - x) & 1:
                        xs.add(x)
                        ns.add(n)
                        cs.add(n - x)
        out.append((xs, ns, cs))
    return out


def attack(doc, pairs, truth=None, told=False):
    """Problems found in doc's part_of indicators; truth maps (id, group,
    period) to the true (x, n), checked to stay feasible; with told, the
    attacker also knows why each row is hidden. pairs maps the id of an
    indicator by groups to the id of the total its groups add up to: the
    attacker's knowledge, not the document's part_of."""
    byid = {ind["id"]: ind for ind in doc["indicators"]}
    problems, cells = [], 0
    for ind in doc["indicators"]:
        tot = byid.get(pairs.get(ind["id"]))
        if not tot or ind["kind"] != "proportion":
            continue
        k = ind["suppress_below"]
        per = ind["period"]
        for trow in tot["series"]:
            rows = [r for r in ind["series"] if r[per] == trow[per]]
            hidden = [r for r in rows if r["suppressed"]]
            if trow["suppressed"] or not hidden:
                continue  # no equation, or nothing to find
            xr = round(trow["numerator"] - sum(r["numerator"] for r in rows if not r["suppressed"]))
            nr = round(trow["denominator"] - sum(r["denominator"] for r in rows
                                                 if not r["suppressed"]))
            whys = []
            for r in hidden:
                if not told:
                    whys.append(None)
                    continue
                x, n = truth[(ind["id"], tuple(r[b] for b in ind["by"]), r[per])]
                whys.append("n" if n < k else "x" if 1 <= x < k else
                            "c" if 1 <= n - x < k else "s")
            for r, (xs, ns, cs) in zip(hidden, feasible(whys, xr, nr, k)):
                cells += 1
                name = "%s %s %s" % (ind["id"], [r[b] for b in ind["by"]], r[per])
                if truth is not None:
                    x, n = truth[(ind["id"], tuple(r[b] for b in ind["by"]), r[per])]
                    if x not in xs or n not in ns:
                        problems.append("%s: the true value (%d of %d) is not feasible: "
                                        "the attack is wrong" % (name, x, n))
                for what, vals in (("x", xs), ("n", ns), ("n - x", cs)):
                    if len(vals) <= 1:
                        problems.append("%s: %s is exposed: %s" % (name, what, sorted(vals)))
    return problems, cells


FIXTURE_PAIRS = {"f.groups": "f.total"}
# the demo's indicators per tilbud or standard that add up to an overall one
DEMO_PAIRS = {
    "regionh.planer.oensker_tilbud": "regionh.planer.oensker",
    "regionh.planer.valg_tilbud": "regionh.planer.valg",
    "regionh.sundhedstjek_tilbud": "regionh.sundhedstjek",
    "regsj.kvalitetsstandarder_standard": "regsj.kvalitetsstandarder",
}

SCRIPT = """
local tegn = require "tegn"
local spec = { title = "T", strategy = "s", goal = "g", direction = "up", unit = "u",
  period = "aar" }
local function with(t) local s = {} for k, v in pairs(spec) do s[k] = v end
  for k, v in pairs(t) do s[k] = v end return s end
tegn.indicator(with{ id = "f.total", compute = function(data)
  return data.f:group_by{ "aar" }:agg{ numerator = tegn.sum"x", denominator = tegn.sum"n" } end })
tegn.indicator(with{ id = "f.groups", by = "g", part_of = "f.total", compute = function(data)
  return data.f:rename{ numerator = "x", denominator = "n" } end })
"""


def fixture(rng, folder):
    """A random table of 3-6 groups over 3 years, biased to the edges the
    rules care about; returns the truth."""
    truth, lines = {}, ["aar;g;x;n"]
    groups = "ABCDEF"[:rng.randint(3, 6)]
    for aar in (2023, 2024, 2025):
        for g in groups:
            n = rng.choice([rng.randint(1, 4), rng.randint(5, 12), rng.randint(5, 25)])
            x = rng.choice([0, n, rng.randint(0, n), min(n, rng.randint(1, 4)),
                            max(0, n - rng.randint(1, 4))])
            lines.append("%d;%s;%d;%d" % (aar, g, x, n))
            truth[("f.groups", (g,), aar)] = (x, n)
    with open(os.path.join(folder, "f.csv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return truth


COUNT_SCRIPT = """
local tegn = require "tegn"
tegn.emit{ t = tegn.read_csv(tegn.param("csv")):suppress{ count = "x", within = { "aar" } } }
"""


def count_fixture(rng, folder):
    """A count table (3-7 categories over 2 years) as t:suppress takes it."""
    rows = ["aar;k;x"]
    for aar in (2024, 2025):
        for k in "abcdefg"[:rng.randint(3, 7)]:
            rows.append("%d;%s;%d" % (aar, k, rng.choice([0, rng.randint(1, 4),
                                                           rng.randint(5, 30)])))
    path = os.path.join(folder, "c.csv")
    with open(path, "w") as f:
        f.write("\n".join(rows) + "\n")
    return path, [r.split(";") for r in rows[1:]]


def count_attack(rows, doc, told):
    """Hidden counts of the emitted table pinned by the year's total (which
    the reader is given) and, with told, each count's reason."""
    problems, cells = [], 0
    for aar in sorted({r[0] for r in rows}):
        true = {r[1]: int(r[2]) for r in rows if r[0] == aar}
        total = sum(true.values())
        pub = [r for r in doc["t"] if str(r["aar"]) == aar]
        hidden = [r["k"] for r in pub if r["suppressed"]]
        rest = total - sum(r["x"] for r in pub if not r["suppressed"])

        def allowed(k):
            x = true[k]
            if not told:
                return range(0, rest + 1)
            if 1 <= x < K:
                return range(1, K)
            if 1 <= total - x < K:
                return range(max(K, total - K + 1), total)
            return [v for v in range(0, rest + 1)
                    if not (1 <= v < K or 1 <= total - v < K)]
        for k in hidden:
            cells += 1
            reach = 1
            for o in hidden:
                if o != k:
                    m = 0
                    for v in allowed(o):
                        m |= reach << v
                    reach = m & ((1 << (rest + 1)) - 1)
            vals = [v for v in allowed(k) if 0 <= rest - v and reach >> (rest - v) & 1]
            if true[k] not in vals:
                problems.append("%s %s: the true count %d is not feasible" % (aar, k, true[k]))
            if len(vals) <= 1:
                problems.append("%s %s: the count is exposed: %s" % (aar, k, vals))
    return problems, cells


def run(tegn, script, out, params):
    subprocess.run([tegn, "run", script, "--out", out, "--quiet"] +
                   [a for p in params for a in ("--param", p)], check=True, cwd=ROOT)
    with open(out) as f:
        return json.load(f)


def main():
    tegn = sys.argv[1]
    rng = random.Random(15)
    failed = cells = strong = 0
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "f.lua")
        with open(script, "w") as f:
            f.write(SCRIPT)
        for i in range(40):
            data = os.path.join(tmp, "d%d" % i)
            os.mkdir(data)
            truth = fixture(rng, data)
            doc = run(tegn, script, os.path.join(tmp, "f%d.json" % i), ["datasets=" + data])
            problems, c = attack(doc, FIXTURE_PAIRS, truth)
            cells += c
            for p in problems:
                print("fixture %d: %s" % (i, p))
            failed += len(problems)
            strong += len(attack(doc, FIXTURE_PAIRS, truth, told=True)[0])
        count_script = os.path.join(tmp, "c.lua")
        with open(count_script, "w") as f:
            f.write(COUNT_SCRIPT)
        for i in range(60):
            data = os.path.join(tmp, "c%d" % i)
            os.mkdir(data)
            path, rows = count_fixture(rng, data)
            doc = run(tegn, count_script, os.path.join(tmp, "c%d.json" % i),
                      ["csv=" + path])
            problems, c = count_attack(rows, doc, False)
            cells += c
            for p in problems:
                print("count fixture %d: %s" % (i, p))
            failed += len(problems)
            strong += len(count_attack(rows, doc, True)[0])
        doc = run(tegn, "scripts/alle.lua", os.path.join(tmp, "alle.json"), [])
        problems, c = attack(doc, DEMO_PAIRS)
        for p in problems:
            print("demo: %s" % p)
        failed += len(problems)
    print("attack.py: %d hidden cells in 100 fixtures and %d in the demo, %d exposed; a reader "
          "told why each cell is hidden (which tegn never publishes) would pin %d values"
          % (cells, c, failed, strong))
    return 1 if failed or cells == 0 or c == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
