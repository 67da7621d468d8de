#!/usr/bin/python3
"""rulesets.py TEGN -- the named rule sets of docs/disclosure.md ("Rule sets")
against the code: for each row of the table, an indicator run with
disclosure = "<name>" must publish the same rules in its `disclosure` object
(minimum, complement, zeros, p %-rule, rounding), and a count of
minimum - 1 must be hidden and one of minimum shown. So the documented sources
and the code cannot drift apart unnoticed."""
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SCRIPT = """
local tegn = require "tegn"
tegn.indicator{ id = "r.x", title = "T", strategy = "s", goal = "g", direction = "up",
  unit = "u", period = "aar", by = "g", disclosure = tegn.param("rules"),
  compute = function(data) return data.f:rename{ numerator = "x", denominator = "n" } end }
"""


def documented():
    """{name: {min, complement, zero, p, round}} from the table in the docs."""
    with open(os.path.join(ROOT, "docs", "disclosure.md")) as f:
        text = f.read()
    section = text[text.index("### Rule sets"):]
    sets = {}
    for line in section.splitlines()[2:]:
        if not line.startswith("| `"):
            if sets:
                break
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        name = re.match(r'`"(\w+)"`', cells[0]).group(1)
        p = re.search(r"p = (\d+)", cells[4])
        sets[name] = {
            "min_count": int(re.match(r"(\d+)", cells[1]).group(1)),
            "complement": cells[2] == "yes",
            "zero": {"shown": "show", "hidden": "hide"}[cells[3]],
            "p_percent": int(p.group(1)) if p else None,
            "round_to": 0 if cells[5] == "none" else int(cells[5]),
        }
    return sets


def main():
    tegn = sys.argv[1]
    sets, problems = documented(), []
    if set(sets) != {"tegn", "dst"}:
        problems.append("the docs' table names %s, not tegn and dst" % sorted(sets))
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "r.lua")
        with open(script, "w") as f:
            f.write(SCRIPT)
        for name, want in sorted(sets.items()):
            k = want["min_count"]
            with open(os.path.join(tmp, "f.csv"), "w") as f:
                f.write("aar;g;x;n\n2025;under;%d;40\n2025;at;%d;40\n" % (k - 1, k))
            out = os.path.join(tmp, name + ".json")
            subprocess.run([tegn, "run", script, "--out", out, "--quiet", "--param",
                            "rules=" + name, "--param", "datasets=" + tmp], check=True, cwd=ROOT)
            with open(out) as f:
                ind = json.load(f)["indicators"][0]
            got = ind["disclosure"]
            for key, value in want.items():
                if got.get(key) != value:
                    problems.append("%s: the docs say %s = %r, the code %r"
                                    % (name, key, value, got.get(key)))
            hidden = {r["g"]: r["suppressed"] for r in ind["series"]}
            if hidden != {"under": True, "at": False}:
                problems.append("%s: %d of 40 and %d of 40 give %s" % (name, k - 1, k, hidden))
    for p in problems:
        print(p)
    print("rulesets.py: %d rule sets documented, %d disagreements" % (len(sets), len(problems)))
    return 1 if problems or not sets else 0


if __name__ == "__main__":
    sys.exit(main())
