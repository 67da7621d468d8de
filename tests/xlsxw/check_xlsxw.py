#!/usr/bin/python3
"""check_xlsxw.py TEGN WORKDIR SOURCE -- tegn's .xlsx read back by independent readers.

A script writes a workbook of every column type (ints, floats with and
without decimals, dates around Excel's 1900 leap-year bug and before its
calendar, bools, Danish text, NULL and NaN, a 16-digit int, a custom format)
and a second sheet; then
  - openpyxl (python3-openpyxl) reads values and types (a date cell is a
    datetime), number formats, the frozen bold header, the autofilter, the
    column widths and the document dates;
  - LibreOffice headless (libreoffice-calc-nogui) converts every sheet to
    CSV, whose values must be the table's;
  - the same run at another time and in another time zone gives the same
    bytes;
  - the finance examples (examples/takster.lua, prognose.lua,
    scenarie_kapacitet.lua) write workbooks whose cells hold what their
    CSVs beside them hold.
Exits 77 (ctest's skip) only when neither reader is installed; a missing
one of the two is reported and its part skipped. Under CI (CI set, as
.ci/run does) a missing reader fails instead: make test installs both.
"""
import csv
import datetime
import decimal
import glob
import os
import shutil
import subprocess
import sys
import time

SCRIPT = r'''
local tegn = require "tegn"
local t = tegn.read_csv("in.csv", { types = { dag = "date" } })
t:write_xlsx("one.xlsx", { sheet = "Data", decimals = { takst = 2 },
                           formats = { andel = "0.0%" } })
tegn.write_xlsx("book.xlsx", { { "Data", t }, { "Små tal", t:select{ "id", "andel" } } },
                { decimals = { takst = 2 }, formats = { andel = "0.0%" } })
t:write_xlsx("plain.xlsx", { header = false })
t:write_xlsx("nofilter.xlsx", { autofilter = false })
t:head(1):select{ "id" }:derive{ ctl = tegn.lit("a\1b"), esc = tegn.lit("_x0041_"),
                                 sp = tegn.lit("  x  ") }:write_xlsx("text.xlsx")
'''

# id,navn,takst,andel,dag,aktiv,stor
ROWS = [
    ["1", "Skovvænget", "5786.254", "0.955", "2024-03-01", "true", "1"],
    ["2", "Østervang; \"A\"", "1234567.5", "0.5", "1900-02-28", "false", "12345678901234567"],
    ["3", "", "", "", "1900-03-01", "", ""],
    ["4", "Ærø", "0.125", "", "1899-12-31", "true", "-7"],
    ["5", "lang tekst" * 12, "-42", "1", "1970-01-01", "false", "0"],
]


def run(tegn, work, env=None):
    r = subprocess.run([tegn, "run", "script.lua", "--quiet", "--allow-write", "."], cwd=work,
                       capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.exit("tegn failed: %s" % r.stderr)


def setup(work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    with open(os.path.join(work, "in.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "navn", "takst", "andel", "dag", "aktiv", "stor"])
        w.writerows(ROWS)
    with open(os.path.join(work, "script.lua"), "w") as f:
        f.write(SCRIPT)


fails = []


def check(cond, what):
    if not cond:
        fails.append(what)
        print("FAIL", what)


def expected_values():
    """The cells each row must hold, as Python values openpyxl gives."""
    out = []
    for r in ROWS:
        # tegn rounds the decimal half away from zero: 0.125 -> 0.13
        takst = float(decimal.Decimal(r[2]).quantize(decimal.Decimal("0.01"),
                                                     decimal.ROUND_HALF_UP)) if r[2] else None
        andel = float(r[3]) if r[3] else None
        y, m, d = map(int, r[4].split("-"))
        dag = datetime.datetime(y, m, d) if y >= 1900 else r[4]
        aktiv = {"true": True, "false": False}.get(r[5])
        stor = None if r[6] == "" else int(r[6]) if len(r[6]) <= 15 else r[6]
        out.append([int(r[0]), r[1] if r[1] else None, takst, andel, dag, aktiv, stor])
    return out


def check_openpyxl(work):
    import openpyxl
    want = expected_values()
    for name in ("one.xlsx", "book.xlsx"):
        wb = openpyxl.load_workbook(os.path.join(work, name))
        ws = wb.worksheets[0]
        check(ws.title == "Data", "%s: first sheet is Data, got %s" % (name, ws.title))
        rows = list(ws.iter_rows(values_only=True))
        check(list(rows[0]) == ["id", "navn", "takst", "andel", "dag", "aktiv", "stor"],
              "%s: header %r" % (name, rows[0]))
        for i, (got, exp) in enumerate(zip(rows[1:], want)):
            for j, (g, e) in enumerate(zip(got, exp)):
                # Excel has one number type: openpyxl gives -42.0 as 42
                num = (int, float)
                ok = g == e and (type(g) == type(e) or (type(g) in num and type(e) in num))
                check(ok, "%s: row %d col %d: %r (%s), want %r (%s)" %
                      (name, i + 2, j + 1, g, type(g).__name__, e, type(e).__name__))
        check(len(rows) == 1 + len(ROWS), "%s: %d rows" % (name, len(rows)))
        fmt = {c.column_letter: c.number_format for c in ws[2]}
        check(fmt["C"] == "#,##0.00", "%s: takst format %r" % (name, fmt["C"]))
        check(fmt["D"] == "0.0%", "%s: andel format %r" % (name, fmt["D"]))
        check(fmt["E"] == "dd-mm-yyyy", "%s: date format %r" % (name, fmt["E"]))
        check(fmt["A"] == "General", "%s: int format %r" % (name, fmt["A"]))
        check(ws.cell(row=5, column=5).data_type == "s", "%s: 1899 is text" % name)
        check(ws.cell(row=2, column=5).is_date, "%s: E2 is a date cell" % name)
        check(all(c.font.b for c in ws[1]), "%s: header bold" % name)
        check(not any(c.font.b for c in ws[2]), "%s: data not bold" % name)
        check(ws.freeze_panes == "A2", "%s: frozen at %r" % (name, ws.freeze_panes))
        check(ws.auto_filter.ref == "A1:G6", "%s: autofilter %r" % (name, ws.auto_filter.ref))
        widths = {k: v.width for k, v in ws.column_dimensions.items()}
        # navn holds "lang tekst" x 12 = 120 characters: capped at 80
        check(79 < widths["B"] <= 81, "%s: navn width %r" % (name, widths.get("B")))
        # takst: "1.234.567,50" is 12 characters, wider than the header
        check(12 < widths["C"] < 16, "%s: takst width %r" % (name, widths.get("C")))
        # id: the header "id" and its filter button, wider than "5"
        check(4 < widths["A"] < 8, "%s: id width %r" % (name, widths.get("A")))
        check(wb.properties.created == datetime.datetime(2000, 1, 1),
              "%s: created %r" % (name, wb.properties.created))
    ws = openpyxl.load_workbook(os.path.join(work, "plain.xlsx")).active
    check(ws.freeze_panes is None and ws.auto_filter.ref is None,
          "header = false: frozen %r, filter %r" % (ws.freeze_panes, ws.auto_filter.ref))
    check([c.value for c in ws[1]][:2] == [1, "Skovvænget"] and ws.max_row == len(ROWS),
          "header = false: first row %r" % [c.value for c in ws[1]])
    ws = openpyxl.load_workbook(os.path.join(work, "nofilter.xlsx")).active
    check(ws.freeze_panes == "A2" and ws.auto_filter.ref is None and ws["A1"].font.b,
          "autofilter = false: frozen %r, filter %r" % (ws.freeze_panes, ws.auto_filter.ref))
    wb = openpyxl.load_workbook(os.path.join(work, "book.xlsx"))
    check(wb.sheetnames == ["Data", "Små tal"], "sheet names %r" % wb.sheetnames)
    small = list(wb["Små tal"].iter_rows(values_only=True))
    check(small[1] == (1, 0.955), "second sheet row 2 %r" % (small[1],))


DANISH_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">\
<value>da-DK</value></prop></item>
</oor:items>
"""


def soffice_csv(work, name):
    """Every sheet of 'name' as CSV through LibreOffice in a Danish locale,
    cells as shown: {sheet file: rows}."""
    out = os.path.join(work, "lo-" + name)
    profile = os.path.join(work, "lo-profile")
    # A profile of our own (no clash with another soffice) whose locale is
    # Danish; the machine needs no da_DK locale for that.
    os.makedirs(os.path.join(profile, "user"), exist_ok=True)
    with open(os.path.join(profile, "user", "registrymodifications.xcu"), "w") as f:
        f.write(DANISH_PROFILE)
    # 59,34,76: ';', '"', UTF-8; token 9 true: as shown; token 12 -1: every sheet
    filt = "csv:Text - txt - csv (StarCalc):59,34,76,1,,1030,false,true,true,false,false,-1"
    env = dict(os.environ, LC_ALL="C.UTF-8")  # UTF-8 file names for "Små tal"
    r = subprocess.run(["soffice", "-env:UserInstallation=file://" + profile, "--headless",
                        "--convert-to", filt, "--outdir", out, os.path.join(work, name)],
                       capture_output=True, text=True, timeout=300, env=env)
    files = sorted(glob.glob(os.path.join(out, "*.csv")))
    if r.returncode != 0 or not files:
        sys.exit("soffice failed: %s %s" % (r.stdout, r.stderr))
    res = {}
    for f in files:
        with open(f, newline="", encoding="utf-8") as fh:
            res[os.path.basename(f)] = list(csv.reader(fh, delimiter=";"))
    return res


def check_libreoffice(work):
    sheets = soffice_csv(work, "book.xlsx")
    names = sorted(sheets)
    check(len(names) == 2, "LibreOffice: two sheets, got %r" % names)
    data = sheets[[n for n in names if "Data" in n][0]]
    check(data[0] == ["id", "navn", "takst", "andel", "dag", "aktiv", "stor"],
          "LibreOffice: header %r" % data[0])
    # As Danish Calc shows the cells: #,##0.00 as 5.786,25, 0.0% as 95,5%,
    # dd-mm-yyyy, SAND/FALSK. LibreOffice counts no 29 February 1900, so
    # the serial Excel shows as 28-02-1900 is 27-02-1900 to it (a known
    # difference between the two; openpyxl, as Excel, reads 1900-02-28).
    want = [
        ["1", "Skovvænget", "5.786,25", "95,5%", "01-03-2024", "SAND", "1"],
        ["2", 'Østervang; "A"', "1.234.567,50", "50,0%", "27-02-1900", "FALSK",
         "12345678901234567"],
        ["3", "", "", "", "01-03-1900", "", ""],
        ["4", "Ærø", "0,13", "", "1899-12-31", "SAND", "-7"],
        ["5", "lang tekst" * 12, "-42,00", "100,0%", "01-01-1970", "FALSK", "0"],
    ]
    for i, (got, exp) in enumerate(zip(data[1:], want)):
        check(got == exp, "LibreOffice: row %d %r, want %r" % (i + 2, got, exp))
    check(len(data) == 1 + len(ROWS), "LibreOffice: %d rows" % len(data))
    small = sheets[[n for n in names if "Data" not in n][0]]
    check(small[1] == ["1", "95,5%"], "LibreOffice: second sheet %r" % small[1])
    # Text as it was: a control character (written _x0001_), a text that
    # looks like such an escape (written _x005F_x0041_), spaces kept.
    text = list(soffice_csv(work, "text.xlsx").values())[0]
    check(text[1] == ["1", "a\x01b", "_x0041_", "  x  "], "LibreOffice: text %r" % text[1])


def danish_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.reader(f, delimiter=";"))


def same_cell(text, value):
    """A Danish CSV field (decimal comma, dd-mm-yyyy) against an xlsx value."""
    if text == "":
        return value is None or value == ""
    if isinstance(value, bool):
        return text == ("true" if value else "false")
    if isinstance(value, (int, float)):
        try:
            return abs(float(text.replace(",", ".")) - value) <= 1e-9 * max(1, abs(value))
        except ValueError:
            return False
    if isinstance(value, datetime.datetime):
        return text == value.strftime("%d-%m-%Y")
    return text == value


def check_examples(tegn, work, source):
    """The finance examples' workbooks hold what their CSVs hold."""
    import openpyxl
    ex = os.path.join(work, "examples-run")
    shutil.rmtree(ex, ignore_errors=True)
    for d in ("examples", "datasets"):
        shutil.copytree(os.path.join(source, d), os.path.join(ex, d))
    os.makedirs(os.path.join(ex, "out"))
    runs = [["examples/takster.lua", "--param", "aar=2026"],
            ["examples/prognose.lua"],
            ["examples/scenarie_kapacitet.lua", "--param", "replikationer=200"]]
    for args in runs:
        r = subprocess.run([tegn, "run"] + args + ["--quiet", "--out", "out/doc.json"], cwd=ex,
                           capture_output=True, text=True)
        check(r.returncode == 0, "%s failed: %s" % (args[0], r.stderr[-500:]))
    pairs = [("takster_2026.xlsx", "Takster 2026", "takster_2026.csv"),
             ("prognose.xlsx", "Prognose", "prognose.csv"),
             ("scenarie.xlsx", "BEK2022", "scenarie_BEK2022.csv"),
             ("scenarie.xlsx", "national2027", "scenarie_national2027.csv")]
    for book, sheet, csvname in pairs:
        try:
            ws = openpyxl.load_workbook(os.path.join(ex, "out", book))[sheet]
        except (OSError, KeyError) as e:
            check(False, "%s[%s]: %s" % (book, sheet, e))
            continue
        rows = list(ws.iter_rows(values_only=True))
        want = danish_csv(os.path.join(ex, "out", csvname))
        check(len(rows) == len(want), "%s[%s]: %d rows, the CSV %d" %
              (book, sheet, len(rows), len(want)))
        bad = [(i + 1, j + 1, t, v) for i, (row, w) in enumerate(zip(rows, want))
               for j, (v, t) in enumerate(zip(row, w)) if not same_cell(t, v)]
        check(not bad, "%s[%s]: cells differ from %s: %r" % (book, sheet, csvname, bad[:5]))
    ws = openpyxl.load_workbook(os.path.join(ex, "out", "takster_2026.xlsx")).active
    check(ws["B2"].number_format == "#,##0" and ws["C2"].number_format == "#,##0.00",
          "takster: kroner formats %r %r" % (ws["B2"].number_format, ws["C2"].number_format))


def main():
    tegn, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    source = os.path.abspath(sys.argv[3])
    have_openpyxl = subprocess.run(["/usr/bin/python3", "-c", "import openpyxl"]).returncode == 0
    have_soffice = shutil.which("soffice") is not None
    if os.environ.get("CI") and not (have_openpyxl and have_soffice):
        # make test installs both: under CI a missing one is a broken install
        print("check_xlsxw: python3-openpyxl or soffice missing under CI")
        return 1
    if not have_openpyxl and not have_soffice:
        print("check_xlsxw: neither python3-openpyxl nor soffice (make deps)")
        return 77
    setup(work)
    run(tegn, work)
    first = {n: open(os.path.join(work, n), "rb").read() for n in ("one.xlsx", "book.xlsx")}
    time.sleep(1.1)  # a clock that leaked in would show now
    env = dict(os.environ, TZ="Pacific/Kiritimati", LC_ALL="C")
    run(tegn, work, env)
    for n, data in first.items():
        again = open(os.path.join(work, n), "rb").read()
        check(again == data, "%s: not byte-identical across runs" % n)
    leftovers = [f for f in os.listdir(work) if ".tegn-tmp." in f]
    check(not leftovers, "temporary files left: %r" % leftovers)
    if have_openpyxl:
        check_openpyxl(work)
        check_examples(tegn, work, source)
    else:
        print("check_xlsxw: no python3-openpyxl: its checks skipped")
    if have_soffice:
        check_libreoffice(work)
    else:
        print("check_xlsxw: no soffice (libreoffice-calc-nogui): its checks skipped")
    print("check_xlsxw: %d failed" % len(fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
