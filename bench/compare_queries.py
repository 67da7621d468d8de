#!/usr/bin/env python3
"""bench/compare_queries.py: check that engines gave the same answers to
queries (b), (c) and (d) of bench/queries.sh.

    python3 bench/compare_queries.py REFDIR DIR...

Each DIR holds b_groupby.csv, d_join_rate.csv (and, for the peers,
c_filter_count.csv) as written by bench/queries.lua or bench/peers/queries.mjs.
Rows are keyed by (tilbud_id, month as YYYY-MM): DuckDB's date_trunc, Polars'
dt.truncate and tegn's trunc"month" all give the first day of the month, but
only the month is compared.  occupied_days must be equal; mean_takst and rate
within 1e-9 relative.  (c) is compared by queries.sh from the JSON answers.
Prints one line per DIR and query; exit 1 on any difference."""
import csv
import sys

REL = 1e-9
VALS = {"b_groupby": "mean_takst", "d_join_rate": "rate"}


def load(path, val):
    rows = {}
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            key = (int(r["tilbud_id"]), r["month"][:7])
            if key in rows:
                raise SystemExit(f"{path}: duplicate key {key}")
            rows[key] = (int(r["occupied_days"]), float(r[val]))
    return rows


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    ref, others = sys.argv[1], sys.argv[2:]
    bad = 0
    for q, val in VALS.items():
        a = load(f"{ref}/{q}.csv", val)
        for d in others:
            b = load(f"{d}/{q}.csv", val)
            problems = []
            if a.keys() != b.keys():
                problems.append(f"keys differ: {len(a)} vs {len(b)} rows, "
                                f"{len(a.keys() ^ b.keys())} keys in one only")
            worst = 0.0
            for k in sorted(a.keys() & b.keys()):
                (n1, v1), (n2, v2) = a[k], b[k]
                if n1 != n2:
                    problems.append(f"{k}: occupied_days {n1} vs {n2}")
                rel = abs(v1 - v2) / max(abs(v1), abs(v2), 1e-300)
                worst = max(worst, rel)
                if rel > REL:
                    problems.append(f"{k}: {val} {v1!r} vs {v2!r} (rel {rel:.2e})")
            status = "ok" if not problems else "DIFFERENT"
            print(f"{q}: {ref} vs {d}: {len(b)} rows, max rel diff {worst:.1e}: {status}")
            for p in problems[:5]:
                print("   ", p)
            bad += bool(problems)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
