#!/usr/bin/python3
"""bench_excel.py [--rows N] [--shared] [--tegn PATH] [--work DIR] -- loading an
.xlsx: tegn.read_excel against openpyxl's read-only mode and pandas'
read_excel (Debian's python3-openpyxl and python3-pandas), in the same run.

The workbook (N rows x 8 columns: int, text, float, date, int, bool, text,
float; default 1,000,000 rows) is written once by XlsxWriter, in
constant-memory mode (inline strings) or, with --shared, with a
shared-strings table, and kept in WORK for the next run. Each reader runs in
a process of its own; its wall time and peak RSS (from /usr/bin/time) are reported
with rows/s, and each reader's row count must be N.

    python3 bench/bench_excel.py                   # the full run (minutes)
    python3 bench/bench_excel.py --rows 20000      # a check that it works
"""
import argparse
import datetime
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
KOMMUNER = ["København", "Frederiksberg", "Tårnby", "Dragør", "Køge", "Ærø", "Hørsholm",
            "Gentofte", "Gladsaxe", "Herlev", "Albertslund", "Ballerup", "Brøndby"]


def make_book(path, rows, shared):
    import xlsxwriter

    wb = xlsxwriter.Workbook(path, {"constant_memory": not shared})
    ws = wb.add_worksheet("Ark1")
    datefmt = wb.add_format({"num_format": "dd-mm-yyyy"})
    ws.write_row(0, 0, ["id", "kommune", "takst", "dato", "pladser", "aktiv", "tilbud", "beloeb"])
    start = datetime.datetime(2020, 1, 1)
    for i in range(1, rows + 1):
        ws.write_number(i, 0, i)
        ws.write_string(i, 1, KOMMUNER[i % len(KOMMUNER)])
        ws.write_number(i, 2, 1000 + (i * 7919 % 100000) / 100)
        ws.write_datetime(i, 3, start + datetime.timedelta(days=i % 1500), datefmt)
        ws.write_number(i, 4, i % 40)
        ws.write_boolean(i, 5, i % 3 == 0)
        ws.write_string(i, 6, "Tilbud %d" % (i % 500))
        ws.write_number(i, 7, (i * 104729 % 10000000) / 100)
    wb.close()


def measure(name, argv):
    """Runs argv under /usr/bin/time (Debian's `time`); returns (seconds,
    peak RSS in MiB, CPU seconds, output). Not this process's own wait4: a child forked
    from a big Python process starts with its parent's pages counted in its
    peak RSS, and `time` is small."""
    t0 = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-f", "PEAK_RSS_KB %M CPU_S %U %S"] + argv,
                       capture_output=True)
    secs = time.monotonic() - t0
    err = p.stderr.decode(errors="replace")
    if p.returncode != 0:
        sys.exit("%s failed: %s" % (name, err))
    tail = err.rsplit("PEAK_RSS_KB", 1)[1].split()
    cpu = float(tail[2]) + float(tail[3])
    return secs, int(tail[0]) / 1024.0, cpu, p.stdout.decode(errors="replace") + err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--shared", action="store_true", help="a shared-strings table")
    ap.add_argument("--tegn", default=os.path.join(HERE, "..", "build", "tegn"))
    ap.add_argument("--work", default=os.path.join(HERE, "..", "build", "bench-excel"))
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    book = os.path.abspath(os.path.join(a.work, "bench_%d_%s.xlsx" % (
        a.rows, "shared" if a.shared else "inline")))
    if not os.path.exists(book):
        t0 = time.monotonic()
        make_book(book + ".tmp", a.rows, a.shared)
        os.rename(book + ".tmp", book)
        print("wrote %s (%.1f MB) in %.1f s" % (book, os.path.getsize(book) / 1e6,
                                                time.monotonic() - t0))
    script = os.path.join(a.work, "read.lua")
    with open(script, "w") as f:
        f.write("local t = tegn.read_excel(tegn.params.path)\nprint('rows', #t)\n")
    readers = [
        ("tegn read_excel", [a.tegn, "run", script, "--quiet", "--allow-read", a.work,
                             "--param", "path=" + book]),
        ("openpyxl read-only", ["/usr/bin/python3", "-c",
                                "import openpyxl,sys\n"
                                "wb = openpyxl.load_workbook(sys.argv[1], read_only=True)\n"
                                "n = sum(1 for _ in wb.active.iter_rows(values_only=True))\n"
                                "print('rows', n - 1)", book]),
        ("pandas read_excel", ["/usr/bin/python3", "-c",
                               "import pandas,sys\n"
                               "print('rows', len(pandas.read_excel(sys.argv[1])))", book]),
    ]
    results = []
    for name, argv in readers:
        secs, rss, cpu, out = measure(name, argv)
        n = int(out.split("rows")[-1].split()[0])
        if n != a.rows:
            sys.exit("%s read %d rows, not %d" % (name, n, a.rows))
        results.append((name, secs, rss, cpu))
    base, base_cpu = results[1][1], results[1][3]
    print("%d rows x 8 columns, %s strings" % (a.rows, "shared" if a.shared else "inline"))
    print("%-20s %9s %12s %10s %8s %8s %8s" % ("reader", "seconds", "rows/s", "peak MiB", "speed",
                                             "CPU s", "CPU spd"))
    for name, secs, rss, cpu in results:
        print("%-20s %9.2f %12.0f %10.1f %7.1fx %8.2f %7.1fx" % (
            name, secs, a.rows / secs, rss, base / secs, cpu, base_cpu / max(cpu, 0.01)))


if __name__ == "__main__":
    main()
