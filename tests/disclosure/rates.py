#!/usr/bin/python3
"""rates.py TEGN -- the attack test of rates and weighted shares
(docs/disclosure.md): can a reader work out a suppressed group's numerator or
denominator from the published rates and shares, their totals (part_of) and,
with rounding, the rounded counts?

Fixtures (seeded), each an indicator of 3-6 groups over three years and the
total it is part_of, run by tegn:
- rates: events (counts, biased to 0, 1-4 and 5-30) over an exposure in
  FTE-years (two decimals, some under the minimum size);
- weighted shares: each respondent a weight from 0.4 to 3 (a survey's
  weights), numerator and denominator the weighted sums, n Kish's effective n;
- both again with disclosure = { round_to = 5 }.

The reader knows only the rules. From a year's total and its shown groups,
the hidden groups' sums are known: a rate's events (whole numbers) and
exposure, a share's numerator, denominator and denominator - numerator. With
rounding, the reader first takes each shown number back to what it can be:
a count exactly, when one whole number in the rounding interval fits the
published value (a share's value is x / n from the exact counts, so the
rounded n and x give them back), else the interval. Each hidden quantity's
feasible range is then solved exactly: whole events by enumeration (every
split of the rest among the hidden groups), continuous ones by interval
arithmetic (each hidden part is between 0 and the rest, and a share's
numerator at most its denominator). It fails when a hidden count has one
feasible value, a continuous one a range under one unit (the C check's
criterion), or the truth is not feasible (the attack would be wrong).
"""
import json
import math
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
K = 5

SPEC = """
local tegn = require "tegn"
local spec = { title = "T", strategy = "s", goal = "g", direction = "up", unit = "u",
  period = "aar", kind = "%(kind)s", disclosure = %(disclosure)s }
local function with(t) local s = {} for k, v in pairs(spec) do s[k] = v end
  for k, v in pairs(t) do s[k] = v end return s end
tegn.indicator(with{ id = "f.total", compute = function(data)
  return data.f:group_by{ "aar" }:agg{ numerator = tegn.sum"x", denominator = tegn.sum"d"%(totn)s } end })
tegn.indicator(with{ id = "f.groups", by = "g", part_of = "f.total", compute = function(data)
  return data.f:rename{ numerator = "x", denominator = "d" } end })
"""


def rate_fixture(rng):
    """(aar, g) -> (events, exposure)."""
    out = {}
    for aar in (2023, 2024, 2025):
        for g in "ABCDEF"[:rng.randint(3, 6)]:
            e = rng.choice([0, rng.randint(1, 4), rng.randint(5, 30)])
            x = rng.choice([round(rng.uniform(0.5, 4.9), 2), round(rng.uniform(5, 40), 2)])
            out[(aar, g)] = (e, x)
    return out


def share_fixture(rng):
    """(aar, g) -> (weighted yes, weighted all, effective n), from respondents."""
    out = {}
    for aar in (2023, 2024, 2025):
        for g in "ABCDEF"[:rng.randint(3, 6)]:
            m = rng.choice([rng.randint(1, 4), rng.randint(5, 12), rng.randint(12, 40)])
            p = rng.choice([0.0, 1.0, rng.random(), 0.1, 0.9])
            ws = [round(rng.uniform(0.4, 3.0), 3) for _ in range(m)]
            yes = [w for w in ws if rng.random() < p]
            out[(aar, g)] = (sum(yes), sum(ws), sum(ws) ** 2 / sum(w * w for w in ws))
    return out


def count_fixture(rng):
    """(aar, g) -> (x, n): an unweighted share, biased to the rules' edges."""
    out = {}
    for aar in (2023, 2024, 2025):
        for g in "ABCDEF"[:rng.randint(3, 6)]:
            n = rng.choice([rng.randint(1, 4), rng.randint(5, 12), rng.randint(5, 60)])
            out[(aar, g)] = (rng.choice([0, n, rng.randint(0, n), min(n, rng.randint(1, 4))]), n)
    return out


def write(folder, data, kind):
    with open(os.path.join(folder, "f.csv"), "w") as f:
        f.write("aar;g;x;d%s\n" % (";n" if kind == "proportion" else ""))
        for (aar, g), v in sorted(data.items()):
            if kind == "proportion":
                f.write("%d;%s;%r;%r;%r\n" % (aar, g, v[0], v[1], v[2]))
            elif kind == "share":
                f.write("%d;%s;%d;%d\n" % (aar, g, v[0], v[1]))
            else:
                f.write("%d;%s;%d;%r\n" % (aar, g, v[0], v[1]))


def interval(pub, true_known, step):
    """What a reader can say of one published number: (lo, hi)."""
    if step == 0:
        return pub, pub
    return pub - step / 2, pub + step / 2


def unround_counts(row, step):
    """A shown row's counts as exact as the reader can get them: for an
    unweighted share, the one (x, n) in the rounding intervals with x / n
    the published value; else None."""
    if step == 0 or row["value"] is None:
        return None
    fits = []
    for n in range(max(1, math.ceil(row["denominator"] - step / 2)),
                   math.floor(row["denominator"] + step / 2) + 1):
        for x in range(max(0, math.ceil(row["numerator"] - step / 2)),
                       min(n, math.floor(row["numerator"] + step / 2)) + 1):
            if abs(x / n - row["value"]) < 1e-12:
                fits.append((x, n))
    return fits[0] if len(fits) == 1 else None


def known(row, kind, step, weighted):
    """(lo, hi) of numerator and denominator of a shown row or total."""
    if not weighted and kind == "share":
        u = unround_counts(row, step)
        if u:
            return [(u[0], u[0]), (u[1], u[1])], True
    return [interval(row["numerator"], None, step), interval(row["denominator"], None, step)], False


def attack(doc, truth, kind, step, zero_shown):
    """Problems, hidden cells looked at, shown rows unrounded exactly, and
    hidden values of 0 that a published total of 0 gives (allowed while the
    rules show zeros: a zero total says every group is 0)."""
    byid = {i["id"]: i for i in doc["indicators"]}
    weighted = kind == "proportion"
    problems, cells, unrounded, zeros = [], 0, 0, 0
    for trow in byid["f.total"]["series"]:
        aar = trow["aar"]
        rows = [r for r in byid["f.groups"]["series"] if r["aar"] == aar]
        hidden = [r for r in rows if r["suppressed"]]
        if trow["suppressed"] or not hidden:
            continue
        tk, _ = known(trow, kind, step, weighted)
        rest = [list(tk[0]), list(tk[1])]  # [lo, hi] of the hidden groups' sums
        for r in rows:
            if r["suppressed"]:
                continue
            rk, exact = known(r, kind, step, weighted)
            unrounded += exact and step > 0
            for q in (0, 1):
                rest[q][0] -= rk[q][1]
                rest[q][1] -= rk[q][0]
        for r in hidden:
            cells += 1
            x, d = truth[(aar, r["g"])][:2]
            name = "%s %s %d" % (kind, r["g"], aar)
            m = len(hidden)
            lo_n, hi_n = max(0.0, rest[0][0]), rest[0][1]
            lo_d, hi_d = max(0.0, rest[1][0]), rest[1][1]
            if kind == "share":
                xs = [v for v in range(0, math.floor(hi_n + 1e-9) + 1) if m > 1 or v >= lo_n - 1e-9]
                ns = [v for v in range(1 if m == 1 else 0, math.floor(hi_d + 1e-9) + 1)
                      if m > 1 or v >= lo_d - 1e-9]
                cs = [v for v in range(0, math.floor(hi_d - (lo_n if m == 1 else 0) + 1e-9) + 1)
                      if m > 1 or v >= lo_d - hi_n - 1e-9]
                ranges = [("numerator", xs, x), ("denominator", ns, d), ("n - x", cs, d - x)]
            elif kind == "rate":
                # whole events: a lone hidden group has the rest; several
                # share it, each anything from 0 to it
                ev = [v for v in range(0, math.floor(hi_n + 1e-9) + 1)
                      if m > 1 or v >= lo_n - 1e-9]
                ranges = [("events", ev, x), ("exposure", (lo_d if m == 1 else 0, hi_d), d)]
            else:
                ranges = [("numerator", (lo_n if m == 1 else 0, hi_n), x),
                          ("denominator", (lo_d if m == 1 else 0, hi_d), d),
                          ("denominator - numerator",
                           (max(0.0, lo_d - hi_n) if m == 1 else 0, hi_d - (lo_n if m == 1 else 0)),
                           d - x)]
            for what, rng, true in ranges:
                tot = {"numerator": trow["numerator"], "events": trow["numerator"]}.get(what)
                if zero_shown and tot == 0 and true == 0:
                    zeros += 1
                    continue
                if isinstance(rng, list):
                    if true not in rng:
                        problems.append("%s: the true %s %r is not feasible" % (name, what, true))
                    if len(rng) <= 1:
                        problems.append("%s: %s is exposed: %s" % (name, what, rng))
                else:
                    if not rng[0] - 1e-6 <= true <= rng[1] + 1e-6:
                        problems.append("%s: the true %s %r is not in %r" % (name, what, true, rng))
                    if rng[1] - rng[0] < 1 - 1e-9:
                        problems.append("%s: %s is pinned to [%.3f, %.3f]" % (name, what, *rng))
    return problems, cells, unrounded, zeros


CONFIGS = [  # kind, disclosure, rounding step, zeros shown
    ("rate", '"tegn"', 0, True), ("rate", "{ round_to = 5 }", 5, True),
    ("rate", '{ zero = "hide" }', 0, False),
    ("proportion", '"tegn"', 0, True), ("proportion", "{ round_to = 5 }", 5, True),
    ("proportion", '{ zero = "hide" }', 0, False),
    ("share", "{ round_to = 5 }", 5, True),
]


def main():
    tegn = sys.argv[1]
    rng = random.Random(2)
    failed = cells = unrounded = zeros = 0
    fixtures = {"rate": rate_fixture, "proportion": share_fixture, "share": count_fixture}
    with tempfile.TemporaryDirectory() as tmp:
        for c, (kind, disclosure, step, zero_shown) in enumerate(CONFIGS):
            script = os.path.join(tmp, "c%d.lua" % c)
            with open(script, "w") as f:
                f.write(SPEC % {"kind": "rate" if kind == "rate" else "proportion",
                                "totn": ', n = tegn.sum"n"' if kind == "proportion" else "",
                                "disclosure": disclosure})
            for i in range(25):
                data = os.path.join(tmp, "c%d_%d" % (c, i))
                os.mkdir(data)
                truth = fixtures[kind](rng)
                write(data, truth, kind)
                out = data + ".json"
                subprocess.run([tegn, "run", script, "--out", out, "--quiet",
                                "--param", "datasets=" + data], check=True, cwd=ROOT)
                with open(out) as f:
                    doc = json.load(f)
                problems, n, u, z = attack(doc, truth, kind, step, zero_shown)
                cells, unrounded, zeros = cells + n, unrounded + u, zeros + z
                for p in problems:
                    print("%s %s fixture %d: %s" % (kind, disclosure, i, p))
                failed += len(problems)
    print("rates.py: %d hidden cells in %d fixtures, %d exposed; %d hidden zeros given by a "
          "published zero total (zeros shown); %d shown rows' rounded counts taken back "
          "exactly from their value" % (cells, 25 * len(CONFIGS), failed, zeros, unrounded))
    return 1 if failed or cells == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
