#!/usr/bin/python3
"""check_excel_read.py TEGN WORKDIR -- tegn.read_excel against independent
writers and readers (ctest `excel_read`).

Workbooks are made here, at test time, by openpyxl (python3-openpyxl) and by
XlsxWriter (python3-xlsxwriter, the Python twin of libxlsxwriter, in both its
string layouts: a shared-strings table, and inline strings in constant-memory
mode). Each is read by tegn (a script prints every value) and by openpyxl
(data_only: formulas give their cached values), and the two must agree value
for value; the column types tegn gives are checked against the type the
values themselves have. Then hostile archives: a zip bomb (by ratio, and one
whose directory understates its size), too many entries, and a workbook
whose relationships point out of the archive, which must fail cleanly
without touching any file outside.

Skips (exit 77) when openpyxl or XlsxWriter is missing.
"""
import datetime
import os
import shutil
import struct
import subprocess
import sys
import zipfile

try:
    import openpyxl
    import xlsxwriter
    from openpyxl.utils.datetime import CALENDAR_MAC_1904
except ImportError as e:  # pragma: no cover
    print("skip: %s" % e)
    sys.exit(77)

TEGN, WORK = sys.argv[1], sys.argv[2]
FAILS = []

DUMP = r"""
local path, opts = tegn.params.path, {}
if tegn.params.sheet then opts.sheet = tegn.params.sheet end
if tegn.params.header then opts.header = tonumber(tegn.params.header) end
if tegn.params.sheetno then opts.sheet = tonumber(tegn.params.sheetno) end
if tegn.params.xml then opts.xml = tegn.params.xml end
local t, r = tegn.read_excel(path, opts)
local names, head = {}, {}
for i, c in ipairs(r.columns) do names[i] = c.name; head[i] = c.name .. ':' .. c.type end
print(table.concat(head, '\t'))
for _, row in ipairs(t:rows()) do
  local out = {}
  for i, n in ipairs(names) do
    local v = row[n]
    if v == nil or v == tegn.null then out[i] = 'NULL'
    elseif math.type(v) == 'integer' then out[i] = string.format('%d', v)
    elseif math.type(v) == 'float' then out[i] = string.format('%.17g', v)
    else out[i] = tostring(v) end
  end
  print(table.concat(out, '\t'))
end
"""


def fail(what):
    FAILS.append(what)
    print("FAIL " + what)


def run_tegn(path, *extra, **params):
    script = os.path.join(WORK, "dump.lua")
    with open(script, "w", encoding="utf-8") as f:
        f.write(DUMP)
    args = [TEGN, "run", script, "--quiet", "--allow-read", os.path.dirname(path), "--param",
            "path=" + path]
    args += list(extra)
    for k, v in params.items():
        args += ["--param", "%s=%s" % (k, v)]
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def expected_text(v):
    """openpyxl's value as the dump writes it."""
    if v is None or (isinstance(v, str) and v.startswith("#") and v in ERRORS):
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime.datetime):
        if v.time() == datetime.time(0):
            return v.date().isoformat()
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, datetime.time):
        return v.strftime("%H:%M:%S")
    return v


ERRORS = {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"}


def value_type(vals):
    """The column type the values call for, as the CSV loader decides."""
    vals = [v for v in vals if v is not None]
    if not vals:
        return None
    if all(isinstance(v, bool) or v in ("true", "false") for v in vals):
        return "bool"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
        return "int"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
        return "float"
    if all(isinstance(v, str) and len(v) == 10 and v[4] == "-" for v in vals):
        return "date"
    return "string"


def same(a, b):
    if a == b:
        return True
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return False


def compare(name, path, sheet=None, header_row=1, **params):
    """tegn's reading of a sheet against openpyxl's."""
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[sheet] if sheet else next(s for s in wb.worksheets if s.sheet_state == "visible")
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = [str(h) for h in rows[header_row - 1]]
    body = [[expected_text(v) for v in r] for r in rows[header_row:]]
    if sheet:
        params["sheet"] = sheet
    r = run_tegn(path, **params)
    if r.returncode != 0:
        fail("%s: tegn exit %d: %s" % (name, r.returncode, r.stderr.strip()))
        return None
    both_paths(name, path, r, **params)
    lines = r.stderr.rstrip("\n").split("\n")  # print writes to stderr; stdout is the document
    cols = [c.rsplit(":", 1) for c in lines[0].split("\t")]
    got = [l.split("\t") for l in lines[1:]]
    if len(got) != len(body):
        fail("%s: %d rows, openpyxl has %d" % (name, len(got), len(body)))
        return cols
    for k, (cname, ctype) in enumerate(cols):
        vals = [row[k] if k < len(row) else None for row in body]
        want = value_type(vals)
        if want and ctype != want:
            fail("%s: column %s is %s, its values are %s" % (name, cname, ctype, want))
        for i, row in enumerate(got):
            exp = "NULL" if vals[i] is None else vals[i]
            if isinstance(exp, bool):
                exp = "true" if exp else "false"
            if ctype == "string" and isinstance(exp, float) and exp == int(exp):
                exp = int(exp)
            if not same(row[k], exp if not isinstance(exp, (int, float)) else exp):
                fail("%s: row %d column %s: tegn %r, openpyxl %r" % (name, i + 1, cname, row[k], exp))
                return cols
    print("ok   %s: %d rows x %d columns" % (name, len(got), len(cols)))
    return cols


def both_paths(name, path, fast=None, **params):
    """The sheet read by tegn's own XML scanner (the default) and by expat
    (xml = "expat") must give the same dump, or the same error."""
    fast = fast or run_tegn(path, **params)
    slow = run_tegn(path, xml="expat", **params)
    if (fast.returncode, fast.stderr) != (slow.returncode, slow.stderr):
        fail("%s: the scanner and expat differ:\n  scanner exit %d: %r\n  expat   exit %d: %r"
             % (name, fast.returncode, fast.stderr[:400], slow.returncode, slow.stderr[:400]))
        return None
    return fast


def scanner_cases(p):
    """Sheet XML that the scanner reads itself, and XML it must leave to
    expat (mid-sheet too, after cells were put: the sheet is read again);
    each is read both ways, and the values are checked by hand."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rows = "".join('<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d" t="inlineStr"><is><t>r%d</t>'
                   '</is></c></row>' % (i, i, i, i, i) for i in range(2, 40))
    head = '<row r="1"><c r="A1" t="inlineStr"><is><t>n</t></is></c><c r="B1" t="inlineStr"><is><t>s</t></is></c></row>'
    cases = [
        # name, sheetData inner XML, expected first data row "A\tB"
        ("entities and character refs", head + '<row r="2"><c r="A2"><v>1</v></c><c r="B2" '
         't="inlineStr"><is><t>&lt;a&gt; &amp; &quot;b&quot; &apos;c&apos; &#230;&#xF8;&#x00e5;'
         '</t></is></c></row>', "1\t<a> & \"b\" 'c' æøå"),
        ("CR LF and CR in text", head + '<row r="2"><c r="A2"><v>1</v></c><c r="B2" '
         't="inlineStr"><is><t>a\r\nb\rc</t></is></c></row>', "1\ta\nb\nc"),
        ("single quotes, spaces around =", head + "<row r = '2' ><c r='A2' ><v>7</v></c><c "
         "t = 'inlineStr'  r=\"B2\"><is><t xml:space='preserve'> x </t></is></c></row>",
         "7\t x "),
        ("rich text runs and a phonetic guide", head + '<row r="2"><c r="A2"><v>1</v></c><c '
         'r="B2" t="inlineStr"><is><r><rPr><b/></rPr><t>ab</t></r><r><t>cd</t></r><rPh sb="0" '
         'eb="1"><t>XY</t></rPh></is></c></row>', "1\tabcd"),
        ("prefixed names", head.replace("<", "<x:").replace("<x:/", "</x:") +
         '<x:row r="2"><x:c r="A2"><x:v>5</x:v></x:c><x:c r="B2" t="inlineStr"><x:is><x:t>p'
         '</x:t></x:is></x:c></x:row>', "5\tp"),
        ("cells without references", head + '<row><c><v>3</v></c><c t="inlineStr"><is><t>q'
         '</t></is></c></row>', "3\tq"),
        ("a comment mid-sheet: expat reads it again", head + rows + '<!-- x --><row r="40">'
         '<c r="A40"><v>40</v></c></row>', "2\tr2"),
        ("CDATA: expat", head + '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is>'
         '<t><![CDATA[<i>]]></t></is></c></row>', "1\t<i>"),
        ("a long attribute: expat", head + '<row r="2" x="%s"><c r="A2"><v>1</v></c><c r="B2" '
         't="inlineStr"><is><t>z</t></is></c></row>' % ("y" * 70000), "1\tz"),
        ("a processing instruction inside: expat", head + '<?pi x?><row r="2"><c r="A2"><v>1'
         '</v></c><c r="B2" t="inlineStr"><is><t>z</t></is></c></row>', "1\tz"),
        ("] and ]] in text", head + '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr">'
         '<is><t>[a]] b]</t></is></c></row>', "1\t[a]] b]"),
    ]
    for i, (name, inner, want) in enumerate(cases):
        decl = '<?xml version="1.0" encoding="ISO-8859-1"?>' if i == 1 else '<?xml version="1.0"?>'
        xml = decl + '\n<worksheet xmlns="%s" xmlns:x="%s"><sheetData>%s' \
              '</sheetData></worksheet>\n' % (ns, ns, inner)
        path = p("scan%d.xlsx" % i)
        minimal_book(path, sheet_xml=xml)
        r = both_paths("scanner: " + name, path)
        if r is None:
            continue
        got = r.stderr.split("\n", 1)[-1]  # the first row after the header (may hold a LF)
        if r.returncode != 0 or not got.startswith(want + "\n"):
            fail("scanner: %s: %r, want %r" % (name, got[:len(want) + 10], want))
        else:
            print("ok   scanner: %s" % name)
    # the shared strings through the scanner, and through expat when it is unsure
    sheet = ('<?xml version="1.0"?><worksheet xmlns="%s"><sheetData>' % ns +
             "".join('<row r="%d"><c r="A%d" t="s"><v>%d</v></c></row>' % (i + 1, i + 1, i)
                     for i in range(3)) + '</sheetData></worksheet>')
    for name, extra, want in [
            ("shared strings: runs, a phonetic guide, entities", "", "a&amp;b"),
            ("shared strings with a comment: expat", "<!-- c -->", "a&amp;b")]:
        sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="%s">'
               '<si><t>navn</t></si>%s<si><r><t>a&amp;</t></r><r><t>b</t></r><rPh><t>x</t>'
               '</rPh></si><si><t xml:space="preserve"> &#230; </t></si></sst>' % (ns, extra))
        path = p("sst_%d.xlsx" % len(extra))
        minimal_book(path, strings=sst, sheet_xml=sheet)
        r = both_paths("scanner: " + name, path)
        if r is not None and r.stderr.split("\n")[:3] != ["navn:string", "a&b", " æ "]:
            fail("scanner: %s: %r" % (name, r.stderr))
        elif r is not None:
            print("ok   scanner: %s" % name)
    bad = [
        ("mismatched tags", '<row r="1"><c r="A1"><v>1</c></v></row>'),
        ("an unknown entity", '<row r="1"><c r="A1" t="inlineStr"><is><t>&nbsp;</t></is></c>'
         '</row>'),
        ("unclosed document", '<row r="1"><c r="A1"><v>1</v></c>'),
        ("a bad shared string index", '<row r="1"><c r="A1" t="s"><v>9</v></c></row>'),
        ("a bad cell reference", '<row r="1"><c r="1A"><v>1</v></c></row>'),
        ("an attribute twice", '<row r="1"><c r="A1" r="A1"><v>1</v></c></row>'),
        ("]]> in text", '<row r="1"><c r="A1" t="inlineStr"><is><t>a]]>b</t></is></c></row>'),
        ("an XML declaration inside", '<?xml version="1.0"?><row r="1"><c r="A1"><v>1</v></c>'
         '</row>'),
    ]
    for i, (name, inner) in enumerate(bad):
        xml = '<?xml version="1.0"?><worksheet xmlns="%s"><sheetData>%s</sheetData>' % (ns, inner)
        if "unclosed" not in name:
            xml += "</worksheet>"
        path = p("scanbad%d.xlsx" % i)
        minimal_book(path, sheet_xml=xml)
        r = both_paths("scanner: " + name, path)
        if r is not None and r.returncode == 0:
            fail("scanner: %s: read without an error" % name)
        elif r is not None:
            print("ok   scanner: %s: the same error both ways" % name)
    # every committed workbook, every sheet
    fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "excel")
    for f in sorted(os.listdir(fixtures)):
        if f.endswith((".xlsx", ".xlsm")):
            for k in (1, 2, 3):
                r = both_paths("fixture %s sheet %d" % (f, k), os.path.join(fixtures, f),
                               sheetno=k)
                if r is not None:
                    print("ok   fixture %s sheet %d: the same both ways (exit %d)"
                          % (f, k, r.returncode))


# ---- the books ----

ROWS = [
    ("Tårnby", 12, 1875.25, datetime.date(2024, 1, 31), True),
    ("Køge", 7, 2230.5, datetime.date(2023, 12, 1), False),
    ("Ærø", None, 1999.0, None, True),
    ("Hørsholm", 0, -12.75, datetime.date(1999, 3, 1), False),
]


def book_types(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ark1"
    ws.append(["kommune", "pladser", "takst", "dato", "aktiv"])
    for r in ROWS:
        ws.append(list(r))
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=4):
        row[0].number_format = "yyyy-mm-dd"
    wb.save(path)


def book_danish(path):
    """Danish custom formats: dd-mm-åååå, a [$-406] long date, date-time, time."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ark1"
    ws.append(["fra", "til", "tidspunkt", "klokken"])
    vals = [
        (datetime.date(2024, 2, 29), datetime.date(2024, 3, 1),
         datetime.datetime(2024, 5, 1, 13, 45, 10), datetime.time(8, 30)),
        (datetime.date(1900, 3, 1), datetime.date(2000, 12, 31),
         datetime.datetime(2024, 5, 2, 0, 0, 1), datetime.time(23, 59, 59)),
    ]
    for v in vals:
        ws.append(list(v))
    for row in ws.iter_rows(min_row=2):
        row[0].number_format = "dd-mm-åååå"
        row[1].number_format = "[$-406]d. mmmm yyyy;@"
        row[2].number_format = "dd-mm-yyyy hh:mm:ss"
        row[3].number_format = "hh:mm:ss"
    wb.save(path)


def book_1904(path):
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Ark1"
    ws.append(["id", "dato"])
    for i, d in enumerate([datetime.date(1904, 1, 2), datetime.date(2024, 6, 30),
                           datetime.date(1999, 12, 31)]):
        ws.append([i + 1, d])
        ws.cell(row=i + 2, column=2).number_format = "dd.mm.yyyy"
    wb.save(path)


def book_hidden(path):
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "Opslag"
    hidden.append(["kode", "tekst"])
    hidden.append([1, "skjult"])
    hidden.sheet_state = "hidden"
    ws = wb.create_sheet("Ark1")
    ws.append(["a", "b"])
    ws.append([1, 2.5])
    ws.append([2, 3.5])
    wb.save(path)


def book_errors(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ark1"
    ws.append(["navn", "x"])
    ws.append(["a", 1.5])
    ws.append(["b", "#DIV/0!"])
    ws.append(["c", "#N/A"])
    ws.append(["d", 4])
    wb.save(path)


def datetimes(p):
    """Cells with a date-and-time format (built-in 22, a Danish custom one)
    and a time format: text YYYY-MM-DD HH:MM:SS / HH:MM:SS, as a CSV file
    with those values reads, with a note; a date-time at midnight is a
    date; types = date keeps the date part. Expected values by hand."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ark1"
    ws.append(["id", "b22", "dk", "tid", "midnat"])
    ws.append([1, datetime.datetime(2024, 3, 1, 13, 45, 30), datetime.datetime(2023, 12, 31, 23, 59),
               datetime.time(8, 15), datetime.datetime(2024, 3, 1)])
    ws.append([2, datetime.datetime(2024, 2, 29, 6, 0), datetime.datetime(2024, 1, 2, 0, 0, 1),
               datetime.time(0, 0, 5), datetime.datetime(2024, 3, 2)])
    for r in (2, 3):
        ws.cell(r, 2).number_format = "m/d/yy h:mm"  # openpyxl stores it as built-in 22
        ws.cell(r, 3).number_format = "dd-mm-yyyy hh:mm"
        ws.cell(r, 4).number_format = "hh:mm:ss"
        ws.cell(r, 5).number_format = "dd-mm-yyyy hh:mm"
    wb.save(p("datetimes.xlsx"))
    r = run_tegn(p("datetimes.xlsx"))
    want = ["id:int\tb22:string\tdk:string\ttid:string\tmidnat:date",
            "1\t2024-03-01 13:45:30\t2023-12-31 23:59:00\t08:15:00\t2024-03-01",
            "2\t2024-02-29 06:00:00\t2024-01-02 00:00:01\t00:00:05\t2024-03-02"]
    got = r.stderr.rstrip("\n").split("\n")
    if r.returncode != 0 or got != want:
        fail("date-times: %r, want %r" % (got, want))
    else:
        print("ok   date-times as text YYYY-MM-DD HH:MM:SS, at midnight a date")
    both_paths("date-times", p("datetimes.xlsx"))
    script = os.path.join(WORK, "dt.lua")
    with open(script, "w") as f:
        f.write("local t, r = tegn.read_excel(tegn.params.path, { types = { b22 = 'date' } })\n"
                "print(r.columns[2].type, t:rows()[1].b22)\n"
                "for _, n in ipairs(r.notes) do print(n) end\n")
    r = subprocess.run([TEGN, "run", script, "--quiet", "--allow-read", WORK, "--param",
                        "path=" + p("datetimes.xlsx")], capture_output=True, text=True)
    lines = r.stderr.split("\n")
    if r.returncode != 0 or lines[0] != "date\t2024-03-01" or not any(
            "4 date-time or time cell(s) read as text" in l and "the first at C2" in l
            for l in lines):
        fail("date-times: types = date and the note: %r" % r.stderr)
    else:
        print("ok   date-times: types = date keeps the date; the note counts the other 4 cells")


def book_big(path, n=70000):
    """A whole column: one text value at row n + 1."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Ark1")
    ws.append(["id", "n"])
    for i in range(1, n):
        ws.append([i, i * 2])
    ws.append([n, "n/a"])
    wb.save(path)


def book_xlsxwriter(path, constant_memory):
    wb = xlsxwriter.Workbook(path, {"constant_memory": constant_memory})
    ws = wb.add_worksheet("Ark1")
    datefmt = wb.add_format({"num_format": "dd-mm-yyyy"})
    ws.write_row(0, 0, ["kommune", "pladser", "takst", "dato", "aktiv"])
    for i, r in enumerate(ROWS, start=1):
        for k, v in enumerate(r):
            if v is None:
                continue
            if isinstance(v, datetime.date):
                ws.write_datetime(i, k, datetime.datetime(v.year, v.month, v.day), datefmt)
            else:
                ws.write(i, k, v)
    wb.close()


def book_merged(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ark1"
    ws["A1"] = "kommune"
    ws["B1"] = "Udgifter"
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:C1")
    ws["B2"] = 2023
    ws["C2"] = 2024
    ws.append(["Tårnby", 10.5, 11.25])
    ws.append(["Køge", 7.0, 8.5])
    wb.save(path)


def reorder(src, dst):
    """The same workbook with docProps/ first and [Content_Types].xml last:
    its first bytes then show no workbook part."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        names = sorted(zin.namelist(), key=lambda n: (not n.startswith("docProps/"),
                                                      n == "[Content_Types].xml", n))
        for n in names:
            zout.writestr(n, zin.read(n))


# ---- hostile archives ----

def minimal_book(path, sheet_target="worksheets/sheet1.xml", extra=None, sheet_xml=None,
                 strings=None):
    """A workbook written part by part, to be made hostile."""
    ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          'content-types"/>')
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>')
    wbrels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
              'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
              'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="%s"/>'
              '%s</Relationships>' % (sheet_target, (
                  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
                  'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                  if strings else "")))
    wbxml = ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
             '2006/relationships"><sheets><sheet name="Ark1" sheetId="1" r:id="rId1"/></sheets>'
             '</workbook>')
    sheet = sheet_xml or ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.'
                          'org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" '
                          't="inlineStr"><is><t>a</t></is></c></row><row r="2"><c r="A2">'
                          '<v>1</v></c></row></sheetData></worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/_rels/workbook.xml.rels", wbrels)
        z.writestr("xl/workbook.xml", wbxml)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        if strings:
            z.writestr("xl/sharedStrings.xml", strings)
        for name, data in (extra or []):
            z.writestr(name, data)


def understate(path, entry, size):
    """Rewrites the uncompressed size of 'entry' in its local header and
    in the central directory (the directory lies, the data does not)."""
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        name = entry.encode()
        pos = 0
        while True:
            i = data.find(b"PK\x03\x04", pos)
            if i < 0:
                break
            n = struct.unpack_from("<H", data, i + 26)[0]
            if data[i + 30:i + 30 + n] == name:
                struct.pack_into("<I", data, i + 22, size)
            pos = i + 4
        pos = 0
        while True:
            i = data.find(b"PK\x01\x02", pos)
            if i < 0:
                break
            n = struct.unpack_from("<H", data, i + 28)[0]
            if data[i + 46:i + 46 + n] == name:
                struct.pack_into("<I", data, i + 24, size)
            pos = i + 4
        f.seek(0)
        f.write(data)


def hostile(name, path, must, *extra):
    """tegn must refuse the file with an error naming 'must', quickly, and
    touch nothing outside WORK."""
    canary = os.path.join(os.path.dirname(WORK.rstrip("/")), "h21_canary")
    before = set(os.listdir(WORK))
    r = run_tegn(path, *extra)
    after = set(os.listdir(WORK))
    if r.returncode == 0:
        fail("%s: read without an error" % name)
    elif must not in r.stderr:
        fail("%s: exit %d, stderr %r lacks %r" % (name, r.returncode, r.stderr, must))
    elif after != before or os.path.exists(canary):
        fail("%s: files changed: %s" % (name, after ^ before))
    else:
        print("ok   %s: refused (%s)" % (name, r.stderr.strip().splitlines()[0][:150]))


def main():
    if os.path.isdir(WORK):
        shutil.rmtree(WORK)
    os.makedirs(WORK)
    p = lambda n: os.path.join(WORK, n)

    book_types(p("types.xlsx"))
    compare("openpyxl types", p("types.xlsx"))
    book_danish(p("danish.xlsx"))
    cols = compare("Danish date formats", p("danish.xlsx"))
    if cols and [c[1] for c in cols] != ["date", "date", "string", "string"]:
        fail("Danish date formats: types %s" % cols)
    reorder(p("types.xlsx"), p("reordered.xlsx"))
    compare("docProps/ first in the archive", p("reordered.xlsx"))
    book_1904(p("mac1904.xlsx"))
    compare("1904 date system", p("mac1904.xlsx"))
    book_hidden(p("hidden.xlsx"))
    compare("hidden first sheet passed over", p("hidden.xlsx"))
    compare("hidden sheet by name", p("hidden.xlsx"), sheet="Opslag")
    book_errors(p("errors.xlsx"))
    compare("error cells", p("errors.xlsx"))
    book_xlsxwriter(p("xw_shared.xlsx"), False)
    compare("XlsxWriter, shared strings", p("xw_shared.xlsx"))
    book_xlsxwriter(p("xw_inline.xlsx"), True)
    compare("XlsxWriter, inline strings", p("xw_inline.xlsx"))
    # ECMA-376 escapes of text (ST_Xstring), in shared and inline strings:
    # _x0041_ is "A", _x00E6_ "æ", _x005F_ a '_' (so _x005F_x0041_ is the
    # text "_x0041_"); a NUL stays as written
    main_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sst = ('<?xml version="1.0"?><sst xmlns="%s"><si><t>navn</t></si><si><t>_x0041_ og _x00E6_'
           '</t></si><si><t>_x005F_x0041_</t></si></sst>' % main_ns)
    cells = "".join('<row r="%d"><c r="A%d" t="s"><v>%d</v></c></row>' % (i + 1, i + 1, i)
                    for i in range(3))
    cells += ('<row r="4"><c r="A4" t="inlineStr"><is><t>x_x0042_y _x0000_</t></is></c></row>')
    minimal_book(p("escapes.xlsx"), strings=sst, sheet_xml=(
        '<?xml version="1.0"?><worksheet xmlns="%s"><sheetData>%s</sheetData></worksheet>'
        % (main_ns, cells)))
    r = run_tegn(p("escapes.xlsx"))
    got = r.stderr.rstrip("\n").split("\n")
    want = ["navn:string", "A og æ", "_x0041_", "xBy _x0000_"]
    if r.returncode != 0 or got != want:
        fail("_xHHHH_ escapes: %r, want %r (%s)" % (got, want, r.stderr.strip()))
    else:
        print("ok   _xHHHH_ escapes in shared and inline strings")
    book_big(p("big.xlsx"))
    cols = compare("70,000 rows, text in the last", p("big.xlsx"))
    if cols and cols[1] != ["n", "string"]:
        fail("whole-column inference: %s" % cols)
    book_merged(p("merged.xlsx"))
    cols = compare("merged header cells", p("merged.xlsx"), header_row=2, header=2)
    if cols and [c[0] for c in cols] != ["kommune", "Udgifter 2023", "Udgifter 2024"]:
        fail("merged header names: %s" % [c[0] for c in cols])

    scanner_cases(p)
    datetimes(p)

    # hostile archives
    minimal_book(p("bomb_ratio.xlsx"),
                 extra=[("xl/worksheets/sheet2.xml", b"\0" * (40 << 20))],
                 sheet_target="worksheets/sheet2.xml")
    hostile("zip bomb (ratio)", p("bomb_ratio.xlsx"), "zip bomb")
    big_sheet = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                 'spreadsheetml/2006/main"><sheetData>' +
                 "".join('<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i)
                         for i in range(1, 200001)) + "</sheetData></worksheet>")
    minimal_book(p("bomb_lie.xlsx"), sheet_xml=big_sheet)
    understate(p("bomb_lie.xlsx"), "xl/worksheets/sheet1.xml", 1000)
    hostile("zip bomb (understated size)", p("bomb_lie.xlsx"), "bytes")
    minimal_book(p("entries.xlsx"), extra=[("x/%d" % i, b"") for i in range(10001)])
    hostile("too many entries", p("entries.xlsx"), "entries, over the cap")
    # the shared strings are held in memory: --mem caps them while they inflate
    sst = ('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
           '2006/main">' + "".join("<si><t>%s</t></si>" % os.urandom(500).hex()
                                    for _ in range(25000)) + "</sst>")
    minimal_book(p("strings.xlsx"), strings=sst, sheet_xml=(
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>'
        '</worksheet>'))
    r = run_tegn(p("strings.xlsx"), "--mem", "12M")
    if r.returncode != 3 or "memory" not in r.stderr:
        fail("--mem while inflating shared strings: exit %d, %r" % (r.returncode, r.stderr[:300]))
    else:
        print("ok   --mem 12M stops 25 MB of shared strings (exit 3)")
    if run_tegn(p("strings.xlsx")).returncode != 0:
        fail("the shared-strings book does not load without --mem")
    canary = os.path.join(os.path.dirname(WORK.rstrip("/")), "h21_canary")
    minimal_book(p("escape.xlsx"), sheet_target="../../../../../../../../etc/passwd",
                 extra=[("../../h21_canary", b"x"), ("/tmp/h21_canary_abs", b"x")])
    hostile("relationship out of the archive", p("escape.xlsx"), "not a worksheet in the archive")
    if os.path.exists("/tmp/h21_canary_abs") or os.path.exists(canary):
        fail("an archive entry name was used as a path")

    if FAILS:
        print("%d failure(s)" % len(FAILS))
        sys.exit(1)
    print("all excel_read checks passed")


if __name__ == "__main__":
    main()
