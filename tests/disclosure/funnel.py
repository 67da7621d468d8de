#!/usr/bin/python3
"""funnel.py TEGN -- the attack test of a funnel (docs/disclosure.md): can a
reader work out a suppressed cell of the health check's funnel, its reasons
or its totals from everything the document publishes?

It runs the real script (scripts/regionh/sundhedstjek.lua) on random fixture
data (seeded) and on the demo's data, and plays the reader who knows only the
rules and the funnel's structure:
- the steps are nested: n = X0 >= X1 >= ... >= X5 (offers, discussed,
  consented, booked, wished, carried out), so X(k-1) - X(k) is the number
  who stopped at step k (differencing consecutive steps);
- each reason of the details belongs to one step (its name says which), and
  the reasons of a step add up to the number who stopped there;
- X5 and n are also published as regionh.sundhedstjek (the total), and
  regionh.sundhedstjek_tilbud splits them per tilbud (groups and their total).
A hidden value is any whole number the published ones allow (the rules do
not say why a cell is hidden, and a secondary cell can be anything).

These are difference constraints (X(i) - X(j) between bounds), so each
unknown's feasible values are every integer between its least and greatest
(the constraint matrix is totally unimodular), found exactly by shortest
paths (Bellman-Ford over the 7 nodes of a year). It fails when a hidden step,
its complement n - X, a hidden reason, a hidden tilbud, or a number of 1 to
4 who stopped at a step has a single feasible value, or when the true value
is not feasible (the attack itself would be wrong).
"""
import json
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
K = 5  # the "tegn" minimum
BIG = 10 ** 6  # "no bound"
STEPS = ["1_droeftet", "2_samtykke", "3_bestilt", "4_oensker", "5_gennemfoert"]
# the reader's knowledge: the step at which each reason's offers stopped
REASONS = {
    "ikke_droeftet": 1,
    "borger_afslog": 2, "vaerge_ikke_svaret": 2,
    "ikke_bestilt_hos_laege": 3,
    "borger_fortrudt": 4,
    "fraflyttet": 5, "borger_indlagt": 5, "borger_urolig_aflyst": 5, "laege_ikke_kommet": 5,
}
SCRIPT = os.path.join(ROOT, "scripts", "regionh", "sundhedstjek.lua")


def shortest(n_nodes, edges):
    """All-pairs shortest paths (Floyd-Warshall on a handful of nodes) of
    the constraint graph: edge (j, i, w) says X(i) - X(j) <= w. None when
    the system is infeasible (a negative cycle)."""
    d = [[0 if i == j else BIG * 4 for j in range(n_nodes)] for i in range(n_nodes)]
    for j, i, w in edges:
        d[j][i] = min(d[j][i], w)
    for k in range(n_nodes):
        for a in range(n_nodes):
            for b in range(n_nodes):
                if d[a][k] + d[k][b] < d[a][b]:
                    d[a][b] = d[a][k] + d[k][b]
    if any(d[i][i] < 0 for i in range(n_nodes)):
        return None
    return d


def diff_range(d, i, j):
    """The feasible values of X(i) - X(j): [-d[i][j], d[j][i]]."""
    return -d[i][j], d[j][i]


def attack_year(pub, truth):
    """pub: what the year publishes (see year_view); truth: the true X0..X5
    and reasons, or None. Returns (problems, hidden cells looked at)."""
    Z, n_nodes = 6, 7  # node 6 is the zero the absolute bounds hang on
    edges = []

    def between(i, j, lo, hi):  # lo <= X(i) - X(j) <= hi
        edges.append((j, i, hi))
        edges.append((i, j, -lo))

    for k in range(6):
        if pub["x"][k] is not None:
            between(k, Z, pub["x"][k], pub["x"][k])
        else:
            between(k, Z, 1 if k == 0 else 0, BIG)
    for k in range(1, 6):
        shown, hidden = pub["stops"][k]
        # X(k-1) - X(k) = the step's reasons: exactly the shown ones when none
        # is hidden (a reason with no row is 0), at least them otherwise
        between(k - 1, k, shown, shown if not hidden else BIG)
    d = shortest(n_nodes, edges)
    problems, cells = [], 0
    if d is None:
        return ["the published numbers contradict each other: the attack is wrong"], 0

    def check(name, lo, hi, true, small_only=False):
        if true is not None and not lo <= true <= hi:
            problems.append("%s: the true value %d is not in [%d, %d]: the attack is wrong"
                            % (name, true, lo, hi))
        if lo == hi and (not small_only or 1 <= lo < K):
            problems.append("%s is exposed: %d" % (name, lo))

    for k in range(6):
        if pub["x"][k] is None:
            cells += 1
            lo, hi = diff_range(d, k, Z)
            check("step %d" % k, lo, hi, truth and truth["x"][k])
            if k > 0:
                lo, hi = diff_range(d, 0, k)
                check("n - step %d" % k, lo, hi, truth and truth["x"][0] - truth["x"][k])
    for k in range(1, 6):
        lo, hi = diff_range(d, k - 1, k)
        true = truth and truth["x"][k - 1] - truth["x"][k]
        check("the number who stopped at step %d" % k, lo, hi, true, small_only=True)
        shown, hidden = pub["stops"][k]
        for r in hidden:
            cells += 1
            true_r = truth and truth["reasons"].get(r)
            if len(hidden) > 1:
                check("reason %s" % r, 0, hi - shown, true_r)
            else:
                check("reason %s" % r, lo - shown, hi - shown, true_r)
    return problems, cells


def year_view(doc, year):
    """What the document publishes about a year: X0..X5 where shown in the
    funnel or the total, and per step the shown reasons' sum and the names
    of the hidden ones."""
    byid = {i["id"]: i for i in doc["indicators"]}
    x = [None] * 6
    for r in byid["regionh.sundhedstjek.trin"]["series"]:
        if r["aar"] == year and not r["suppressed"]:
            x[STEPS.index(r["trin"]) + 1] = round(r["numerator"])
            x[0] = round(r["denominator"])
    for r in byid["regionh.sundhedstjek"]["series"]:
        if r["aar"] == year and not r["suppressed"]:
            x[5], x[0] = round(r["numerator"]), round(r["denominator"])
    stops = {k: [0, []] for k in range(1, 6)}
    for r in byid["regionh.sundhedstjek.trin"]["details"]["aarsager_ikke_gennemfoert"]:
        if r["aar"] != year:
            continue
        k = REASONS[r["aarsag_ikke"]]
        if r["skjult"]:
            stops[k][1].append(r["aarsag_ikke"])
        else:
            stops[k][0] += r["antal"]
    return {"x": x, "stops": stops}


def funnel_suppressed(doc, year):
    """The funnel's steps a year hides, and whether the total hides it."""
    byid = {i["id"]: i for i in doc["indicators"]}
    hid = {STEPS.index(r["trin"]) + 1 for r in byid["regionh.sundhedstjek.trin"]["series"]
           if r["aar"] == year and r["suppressed"]}
    tot = [r for r in byid["regionh.sundhedstjek"]["series"] if r["aar"] == year]
    return hid, bool(tot and tot[0]["suppressed"])


def tilbud_attack(doc, truth):
    """Hidden tilbud of regionh.sundhedstjek_tilbud against the year's X5
    and n, wherever either is published (the funnel or the total): the
    groups and their total, now with the funnel as a second source. A hidden
    x of 0 given by a published X5 of 0 is counted, not a problem: zeros are
    shown by default (docs/disclosure.md)."""
    byid = {i["id"]: i for i in doc["indicators"]}
    problems, cells, zeros = [], 0, 0
    years = sorted({r["aar"] for r in byid["regionh.sundhedstjek_tilbud"]["series"]})
    for year in years:
        x = year_view(doc, year)["x"]
        rows = [r for r in byid["regionh.sundhedstjek_tilbud"]["series"] if r["aar"] == year]
        hidden = [r for r in rows if r["suppressed"]]
        if not hidden:
            continue
        for what, total, key in (("x", x[5], "numerator"), ("n", x[0], "denominator")):
            if total is None:
                continue
            rest = total - sum(round(r[key]) for r in rows if not r["suppressed"])
            # each hidden x is 0 .. rest, each hidden n 1 .. rest - (others' 1)
            least = 1 if what == "n" else 0
            for r in hidden:
                cells += 1
                if what == "x" and total == 0:
                    zeros += 1  # a published X5 of 0 says every tilbud's is 0
                    continue
                if len(hidden) == 1 or rest == least * len(hidden):
                    problems.append("%s %s %d: %s is exposed (%d)" % (
                        "regionh.sundhedstjek_tilbud", r["tilbud_id"], year, what,
                        rest if len(hidden) == 1 else least))
    return problems, cells, zeros


def fixture(rng, folder):
    """Offers over three years, biased to small numbers of stops at each step
    and small years; returns the truth per year."""
    truth, lines, b = {}, [], 0
    lines.append("borger_id;tilbud_id;aar;tilbudt;droeftet;samtykke;bestilt;oensker;"
                 "gennemfoert;aarsag_ikke")
    for aar in (2023, 2024, 2025):
        n = rng.choice([rng.randint(3, 12), rng.randint(12, 40), rng.randint(30, 80)])
        stops = []
        for k in range(1, 6):
            left = n - sum(stops)
            stops.append(min(left, rng.choice([0, rng.randint(1, 4), rng.randint(5, 12)])))
        x = [n]
        for s in stops:
            x.append(x[-1] - s)
        reasons = {}
        for k in range(1, 6):
            names = [r for r, st in REASONS.items() if st == k]
            for _ in range(stops[k - 1]):
                r = rng.choice(names)
                reasons[r] = reasons.get(r, 0) + 1
        truth[aar] = {"x": x, "reasons": reasons}
        offers = []
        for k in range(1, 6):
            names = [r for r, st in REASONS.items() if st == k]
            counts = {r: reasons.get(r, 0) for r in names}
            for r in names:
                offers += [(k, r)] * counts[r]
        offers += [(6, None)] * x[5]
        for stop, reason in offers:
            b += 1
            reached = [stop > k for k in range(1, 6)]
            lines.append(";".join([
                "B%05d" % b, "DSV-%02d" % rng.randint(1, 4), str(aar), "%d-03-01" % aar,
                "1" if reached[0] else "", "ja" if reached[1] else "",
                "%d-04-01" % aar if reached[2] else "", "1" if reached[3] else "",
                "%d-05-01" % aar if reached[4] else "", reason or ""]))
    with open(os.path.join(folder, "sundhedstjek.csv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return truth


def run(tegn, out, params):
    subprocess.run([tegn, "run", SCRIPT, "--out", out, "--quiet", "--allow-read",
                    os.path.dirname(out)] +
                   [a for p in params for a in ("--param", p)], check=True, cwd=ROOT)
    with open(out) as f:
        return json.load(f)


def attack_doc(doc, truth, label):
    problems, cells = [], 0
    years = sorted({r["aar"] for r in doc["indicators"][0]["series"]})
    for year in years:
        p, c = attack_year(year_view(doc, year), truth and truth[year])
        problems += ["%s %d: %s" % (label, year, m) for m in p]
        cells += c
    p, c, z = tilbud_attack(doc, truth)
    return problems + ["%s: %s" % (label, m) for m in p], cells + c, z


def main():
    tegn = sys.argv[1]
    rng = random.Random(33)
    failed = cells = zeros = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(40):
            data = os.path.join(tmp, "d%d" % i)
            os.mkdir(data)
            truth = fixture(rng, data)
            doc = run(tegn, os.path.join(tmp, "f%d.json" % i), ["datasets=" + data])
            problems, c, z = attack_doc(doc, truth, "fixture %d" % i)
            cells, zeros = cells + c, zeros + z
            for p in problems:
                print(p)
            failed += len(problems)
        doc = run(tegn, os.path.join(tmp, "demo.json"), [])
        problems, demo, z = attack_doc(doc, None, "demo")
        zeros += z
        for p in problems:
            print(p)
        failed += len(problems)
    print("funnel.py: %d hidden cells in 40 fixtures and %d in the demo, %d exposed; %d hidden "
          "tilbud counts of 0 given by a published 0 (zeros shown)" % (cells, demo, failed, zeros))
    return 1 if failed or cells == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
