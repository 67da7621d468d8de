#!/usr/bin/python3
"""edge_docs.py OUTDIR -- the edge-case indicator documents the browser test
renders (tests/report/README.md), written as OUTDIR/<name>.json, each made
from tests/report/fixture.json so it has the indicator document's shape:

  en_periode     every series cut to its last period (one point, one bar)
  alt_skjult     every row suppressed, every verdict not judged
  40_grupper     a per-group indicator with 40 tilbud (Danish names, Æ Ø Å)
                 and a series of 40 periods
  lange_titler   titles, goals, units, strategy-less groups and group names
                 far longer than a line, and one long unbroken word
  negative       values, intervals and targets below zero and across it

The same input gives the same bytes (no clock, no randomness), so the
screenshots of their reports can be compared with committed references.
"""
import copy
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

NOT_JUDGED = {"baseline_period": None, "baseline_value": None, "latest_period": None,
              "latest_value": None, "change": None, "change_lo": None, "change_hi": None,
              "verdict": "not_judged", "reason": "too few periods"}

LONG = ("Andelen af borgere i botilbud efter servicelovens § 107 og § 108, der i den årlige "
        "brugerundersøgelse svarer, at de har mindst én nær relation uden for tilbuddet, "
        "som de ser mindst en gang om måneden, opgjort pr. kalenderår")
WORD = "Borgerinddragelsesundersøgelsesresultatopgørelsesgrundlagsdokumentationen"

TILBUD = ["Bo", "Åbakken", "Æblehaven", "Østergården", "Ådalen", "Birkely", "Solhjem",
          "Lindegården", "Egely", "Kastanjehuset", "Møllehuset", "Nørrelund", "Skovly",
          "Fjordglimt", "Havbo", "Engtoften", "Rosenhaven", "Kildebakken", "Toftegården",
          "Vestervang", "Søhuset", "Strandly", "Bakkehuset", "Granly", "Hyldebo", "Ørnereden",
          "Ærøhuset", "Åhuset", "Aarhusvej", "Abildgården", "Bøgely", "Cikorie", "Damhuset",
          "Elmehøj", "Fasanvej", "Gårdhaven", "Hjortholm", "Ibsgården", "Jernbanevej",
          "Kløverhuset"]


def load():
    with open(os.path.join(HERE, "fixture.json"), encoding="utf-8") as f:
        return json.load(f)


def single(doc):
    return [i for i in doc["indicators"] if not i["by"]]


def one_period(doc):
    for ind in single(doc):
        ind["series"] = ind["series"][-1:]
        row = ind["series"][0]
        ind["verdicts"] = [dict(ind["verdicts"][0], **NOT_JUDGED)]
        if row["suppressed"]:
            row.update(suppressed=False, value=0.41 if ind["kind"] == "proportion" else 12.3)
    return doc


def all_suppressed(doc):
    for ind in doc["indicators"]:
        for row in ind["series"]:
            row.update(suppressed=True, value=None, lo=None, hi=None, numerator=None,
                       denominator=None, n=None)
        ind["verdicts"] = [dict(v, **NOT_JUDGED) for v in ind["verdicts"]]
    return doc


def forty(doc):
    grouped = next(i for i in doc["indicators"] if i["by"])
    template = grouped["verdicts"][1]
    verdicts = ["improved", "no_clear_change", "worse", "not_judged"]
    grouped["verdicts"], grouped["series"] = [], []
    for k, name in enumerate(TILBUD):
        p = round(0.30 + 0.012 * k, 4)
        grouped["verdicts"].append(dict(template, tilbud_id=name, verdict=verdicts[k % 4],
                                        change=round(0.01 * (k % 7 - 3), 4),
                                        change_lo=round(0.01 * (k % 7 - 3) - 0.05, 4),
                                        change_hi=round(0.01 * (k % 7 - 3) + 0.05, 4)))
        grouped["series"].append({"tilbud_id": name, "aar": 2024, "value": p,
                                  "lo": round(p - 0.08, 4), "hi": round(p + 0.08, 4),
                                  "numerator": 40 + k, "denominator": 100, "n": 100,
                                  "suppressed": k % 9 == 4, "small": k % 11 == 5})
    ind = single(doc)[0]
    first = ind["series"][0]
    ind["series"] = []
    for k in range(40):
        v = round(0.45 + 0.04 * ((k * 7) % 11) / 11 - 0.002 * k, 4)
        ind["series"].append(dict(first, aar=1985 + k, value=v, lo=round(v - 0.02, 4),
                                  hi=round(v + 0.02, 4), suppressed=k in (12, 13, 30),
                                  small=k == 20))
    ind["verdicts"][0].update(baseline_period=1985, latest_period=2024)
    return doc


def long_titles(doc):
    for k, ind in enumerate(doc["indicators"]):
        ind["title"] = f"{LONG} ({k + 1})" if k % 2 == 0 else f"{WORD} {LONG}"
        ind["goal"] = f"{LONG}; målet er at flere oplever {WORD.lower()} som meningsfuld."
        ind["unit"] = "andel af borgere med mindst ét besvaret spørgeskema i perioden"
    grouped = next(i for i in doc["indicators"] if i["by"])
    for k, v in enumerate(grouped["verdicts"]):
        v["tilbud_id"] = f"{v['tilbud_id']}: {LONG[:90 + 20 * k]}"
    return doc


def negative(doc):
    """The means (a score, a takst read as a deficit) below zero and across
    it, with targets below zero; shares and rates cannot be negative."""
    for ind in single(doc):
        if ind["kind"] != "mean":
            continue
        for k, row in enumerate(ind["series"]):
            if row["value"] is not None and not row["suppressed"]:
                value = [-1250.5, -420.25, 35.75, 310.0][k % 4]
                row.update(value=value, lo=value - 180.0, hi=value + 180.0)
            if row.get("target") is not None:
                row["target"] = -600.0 + 250.0 * k
        v = ind["verdicts"][0]
        at = {row[ind["period"]]: row["value"] for row in ind["series"]}
        if at.get(v.get("baseline_period")) is not None and at.get(v.get("latest_period")) is not None:
            first, last = at[v["baseline_period"]], at[v["latest_period"]]
            v.update(baseline_value=first, latest_value=last, change=last - first,
                     change_lo=last - first - 250.0, change_hi=last - first + 250.0)
    return doc


DOCS = {"en_periode": one_period, "alt_skjult": all_suppressed, "40_grupper": forty,
        "lange_titler": long_titles, "negative": negative}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    base = load()
    for name, make in DOCS.items():
        doc = make(copy.deepcopy(base))
        with open(os.path.join(out, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
