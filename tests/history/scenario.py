"""The changed copy of the datasets the history tests record a second run over.

Each change is one a nightly job meets in real exports:
  - a tilbud removed: DSV-05 is gone from belaegning_maaned.csv;
  - late registrations revising a past period: ten plans for DSV-19 dated 2023
    arrive (the cell was suppressed: fewer than 5 plans), and 150 cases received
    in 2020 that missed their deadline are added to sager.csv;
  - a verdict flipping: 4000 cases received in 2025 that missed their deadline;
  - an input halved: every other response of medarbejder_survey.csv;
  - a column renamed: tilbud.csv's maalgruppe is now maal_gruppe.
"""
import os
import shutil


def _rewrite(path, fn):
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    with open(path, "wb") as f:
        f.write(b"\n".join(fn(lines)))


def make_changed(src, dst):
    shutil.copytree(src, dst)

    _rewrite(os.path.join(dst, "belaegning_maaned.csv"),
             lambda ls: [l for l in ls if b";DSV-05;" not in l])

    def late_plans(ls):
        body = [l for l in ls if l]
        for k in range(10):
            body.append(b"B09%04d;DSV-19;2023-06-%02d;J;J;2;1" % (k, k + 1))
        return body + [b""]
    _rewrite(os.path.join(dst, "individuelle_planer.csv"), late_plans)

    def late_cases(ls):
        body = [l for l in ls if l]
        for k in range(150):
            body.append(b"S-9%05d;SOF;KK-101;bpa;SEL;96;02-03-2020;30-12-2020;112;0;0" % k)
        for k in range(4000):
            body.append(b"S-8%05d;SOF;KK-101;bpa;SEL;96;03-02-2025;01-12-2025;60;0;0" % k)
        return body + [b""]
    _rewrite(os.path.join(dst, "sager.csv"), late_cases)

    _rewrite(os.path.join(dst, "medarbejder_survey.csv"),
             lambda ls: ls[:1] + [l for i, l in enumerate(ls[1:]) if i % 2 == 0 or not l])

    _rewrite(os.path.join(dst, "tilbud.csv"),
             lambda ls: [ls[0].replace(b";maalgruppe;", b";maal_gruppe;")] + ls[1:])
