#!/usr/bin/python3
"""check_report.py TEGN [DATASETS] -- `tegn report` renders an indicator document as one
self-contained HTML file (docs/report.md).

Renders tests/report/fixture.json and checks, with Python's html.parser:
the structure (every tag closed in order, one <h1>, lang="da", one <svg> with <title> and <desc> per
ungrouped indicator, none for a grouped one), that every cell of every data
table is the document's value in Danish form (41,0 %, 5.786 kr., −2,5), the
front page's verdict counts and inputs, that two renders are byte-identical
(stdout and --out), that nothing is fetched from outside, and disclosure: the
fixture's suppressed rows still carry numbers (a real document has null
there), and none of them may appear anywhere in the HTML, in any form. Also
the command's errors: a JSON that is no indicator document, a missing folder
for --out, --out naming the document itself. With DATASETS, the same checks
but the cell values and the front page run on `tegn demo DATASETS`'s document,
and `tegn run --report`/`--pdf` with their file policy. --pdf: the PDF
Chromium prints (A4, the Danish text, a page per strategy, no indicator split,
no suppressed number: pdftotext and pdfinfo of poppler-utils), and the
errors without Chromium (exit 69), with one that fails, and the write rules.
"""
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from decimal import ROUND_HALF_UP, Decimal

sys.dont_write_bytecode = True  # no __pycache__ in the source tree (test source_tree_clean)
import charts  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixture.json")
MINUS = "\u2212"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def da(v, dec, sign=False):
    """tg_fmt_da: the shortest decimal of v rounded half away from zero."""
    d = Decimal(repr(v)).quantize(Decimal(1).scaleb(-dec), rounding=ROUND_HALF_UP)
    whole, _, frac = f"{abs(d):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = ".".join([whole] + groups) + ("," + frac if dec else "")
    if d == 0:
        return text
    return (MINUS if d < 0 else "+" if sign else "") + text


def style(ind):
    """(scale, places, suffix) as tg_rnum_of."""
    if ind["kind"] == "proportion":
        return 100, 1, " %"
    if ind["unit"].startswith("kr"):
        return 1, 0, " kr."
    return 1, 1, ""


MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
          "oktober", "november", "december"]


def period_text(v):
    """tg_rnum_period: 2021K4 as '4. kvt. 2021', 2024-03 as 'marts 2024',
    2026-12-07 as '7. december 2026'; a year and anything else as it is."""
    s = str(v)
    if re.fullmatch(r"\d{4}K[1-4]", s):
        return f"{s[5]}. kvt. {s[:4]}"
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", s):
        return f"{MONTHS[int(s[5:])- 1]} {s[:4]}"
    m = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])-(\d\d)", s)
    if m and 1 <= int(m[3]) <= 31:
        return f"{int(m[3])}. {MONTHS[int(m[2]) - 1]} {m[1]}"
    return s


def value_text(ind, v):
    scale, dec, suffix = style(ind)
    return "–" if v is None else da(v * scale, dec) + suffix


class Parser(html.parser.HTMLParser):
    """Collects headings, svgs (title, desc, circles), and every table's rows
    as lists of cell texts, keyed by the table's id or class."""

    def __init__(self):
        super().__init__()
        self.stack, self.text = [], []
        self.tags = {}
        self.headings, self.svgs, self.tables, self.hrefs, self.lang = [], [], {}, [], None
        self.table = self.row = self.cell = None
        self.errors = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "html":
            self.lang = a.get("lang")
        if "href" in a:
            self.hrefs.append(a["href"])
        if tag == "svg":
            self.svgs.append({"id": a.get("aria-labelledby", "").split(" ")[0][:-2],
                              "title": "", "desc": "", "circles": 0, "open": 0,
                              "role": a.get("role")})
        if tag == "circle" and self.svgs:
            self.svgs[-1]["circles"] += 1
            self.svgs[-1]["open"] += "open" in a.get("class", "").split()
        if tag == "table":
            self.table = self.tables.setdefault(a.get("id") or a.get("class"), [])
        if tag == "tr" and self.table is not None:
            self.row = []
            self.table.append(self.row)
        if tag in ("td", "th") and self.row is not None:
            self.cell = []
        if tag != "meta":  # the one void element the report writes without "/>"
            self.stack.append(tag)
            self.text.append([])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else ''}>")
            return
        self.stack.pop()
        text = "".join(self.text.pop()).strip()
        if self.text:
            self.text[-1].append(text)
        if tag in ("h1", "h2", "h3"):
            self.headings.append((tag, text))
        if tag in ("title", "desc") and "svg" in self.stack:
            self.svgs[-1][tag] = text
        if tag in ("td", "th") and self.row is not None:
            self.row.append(text)
        if tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.text:
            self.text[-1].append(data)


def tegn(exe, *args):
    return subprocess.run([exe, "report", *args], capture_output=True)


def check_tables(doc, p):
    for no, ind in enumerate(doc["indicators"], 1):
        if ind["id"] == "t.pr_tilbud":  # text groups in Danish order: Æ, Ø, Å after Z
            rows = p.tables[f"ind-{no}-grupper"][1:]
            got = [r[0] for r in rows]
            check(got == ["Bo", "Æblehaven", "Åbakken"], f"groups in order {got}")
        if ind["by"]:
            check(f"ind-{no}-tabel" not in p.tables, f"{ind['id']}: a grouped indicator has a data table")
            continue
        rows = p.tables.get(f"ind-{no}-tabel")
        check(rows is not None, f"{ind['id']}: no data table")
        if rows is None:
            continue
        targets = any(r.get("target") is not None for r in ind["series"])
        for r, cells in zip(ind["series"], rows[1:]):
            shown = not r["suppressed"] and r["value"] is not None
            want = [period_text(r[ind["period"]])]
            for key in ("value", "lo", "hi"):
                want.append(value_text(ind, r[key] if shown else None))
            if targets:
                want.append(value_text(ind, r.get("target")))
            check(cells[:-1] == want, f"{ind['id']}: row {cells} != {want}")
        check(len(rows) == len(ind["series"]) + 1, f"{ind['id']}: {len(rows) - 1} table rows")


def check_svgs(doc, p):
    single = [i for i in doc["indicators"] if not i["by"] and i["series"]]
    ids = [f"ind-{no}-svg" for no, i in enumerate(doc["indicators"], 1) if not i["by"] and i["series"]]
    grouped = [f"ind-{no}-svg" for no, i in enumerate(doc["indicators"], 1) if i["by"] and i["verdicts"]]
    got = [s for s in p.svgs if s["id"] in ids]
    check(len(got) == len(single), f"{len(got)} series charts for {len(single)} indicators")
    check(len([s for s in p.svgs if s["id"] in grouped]) == len(grouped), "a group chart missing")
    for s in p.svgs:
        check(s["title"] and s["desc"] and s["role"] == "img", f"{s['id']}: title, desc, role")
    for ind, svg in zip(single, got):
        check(svg["title"] == ind["title"], f"svg title {svg['title']!r}")
        check(svg["desc"].startswith("Linjediagram over"), f"svg desc {svg['desc']!r}")
        check(svg["role"] == "img", "svg role")
        rows = [r for r in ind["series"] if not r["suppressed"] and r["value"] is not None]
        check(svg["circles"] == len(rows), f"{ind['id']}: {svg['circles']} points for {len(rows)} shown rows")
        # hollow: shown but not judged (few answers, or before comparable_from)
        first = ind["comparable_from"]
        periods = [r[ind["period"]] for r in ind["series"]]
        cut = periods.index(first) if first in periods else 0
        hollow = sum(1 for r in rows if r["small"] or periods.index(r[ind["period"]]) < cut)
        check(svg["open"] == hollow, f"{ind['id']}: {svg['open']} hollow points, want {hollow}")


def check_span(doc, text):
    """'Tallene dækker årene 2019–2025 og kvartalerne ...': per kind of
    period the earliest and latest over every series row, computed here."""
    kinds = {}
    for i in doc["indicators"]:
        for r in i["series"]:
            v = r.get(i["period"])
            if isinstance(v, bool) or v is None:
                continue
            k = ("year" if isinstance(v, int) else "quarter" if re.fullmatch(r"\d{4}K\d", v)
                 else "month" if re.fullmatch(r"\d{4}-\d\d", v)
                 else "date" if re.fullmatch(r"\d{4}-\d\d-\d\d", v) else None)
            if k:
                kinds.setdefault(k, []).append(v)
    words = {"year": ("året", "årene"), "quarter": ("kvartalet", "kvartalerne"),
             "month": ("måneden", "månederne"), "date": ("dagen", "dagene")}
    parts = []
    for k in ("year", "quarter", "month", "date"):
        if k in kinds:
            lo, hi = min(kinds[k]), max(kinds[k])
            parts.append(f"{words[k][0]} {period_text(lo)}" if lo == hi else
                         f"{words[k][1]} {period_text(lo)}–{period_text(hi)}")
    if parts:
        want = "Tallene dækker " + (", ".join(parts[:-1]) + " og " + parts[-1]
                                    if len(parts) > 1 else parts[0]) + "."
        check(want in text, f"the data's span: {want}")


def check_front(doc, p, text):
    counts = {}
    for i in doc["indicators"]:
        if not i["by"]:
            counts[i["verdicts"][0]["verdict"]] = counts.get(i["verdicts"][0]["verdict"], 0) + 1
    words = {"Forbedret": "improved", "Ingen klar ændring": "no_clear_change",
             "Forværret": "worse", "Ikke vurderet": "not_judged"}
    rows = p.tables["counts"][1:]
    got = {words[r[0][2:]]: int(r[1]) for r in rows}
    want = {k: counts.get(k, 0) for k in words.values()}
    check(got == want, f"front page counts {got} != {want}")
    check_span(doc, text)
    for inp in doc["meta"]["inputs"]:
        check(inp["sha256"] in text, f"input {inp['path']}: no SHA-256")
    inputs = p.tables["inputs"][1:]
    check([r[1] for r in inputs] == [da(i["rows"], 0) for i in doc["meta"]["inputs"]],
          f"input rows {inputs}")
    check([t for t, _ in p.headings].count("h1") == 1, "one h1")
    check(p.lang == "da", "lang")
    check("Sådan læses rapporten" in [h for _, h in p.headings], "the reading guide")
    when = doc["meta"].get("started_at", "")
    m = re.fullmatch(r"(\d{4}-\d\d-\d\d)T(\d\d):(\d\d):(\d\d)Z", when)
    if m:
        want = f"startet {period_text(m[1])} kl. {m[2]}.{m[3]}.{m[4]} UTC."
        check(want in text, f"the run's start in Danish: {want}")


def check_self_contained(text, p):
    check("<script" not in text and " src=" not in text and "url(" not in text
          and "@import" not in text, "something loads from outside")
    check(all(h.startswith("#") for h in p.hrefs), f"links {p.hrefs}")
    check(re.sub(r'xmlns="http://www\.w3\.org/2000/svg"', "", text).find("http") < 0, "an http URL")


def leak_forms(v):
    """The ways the report could print v: as a percentage with 1 to 3
    places, raw with 2 or 3 (one place of a share, 0,4, is any small
    number), with no places before a unit, and its JSON text. A count is a
    small integer found everywhere; the table check covers it."""
    if v == int(v) and abs(v) < 100:
        return set()
    forms = {repr(v)}
    forms |= {da(v * 100, dec) for dec in (1, 2, 3)} | {da(v, dec) for dec in (2, 3)}
    forms |= {da(x, 0) + unit for x in (v, v * 100) for unit in (" %", " kr.", " pp")}
    return forms


GEOMETRY = re.compile(r'\s(?:points|x|y|x1|y1|x2|y2|cx|cy|r|width|height)="[^"]*"')


def found(form, text):
    """form as a whole token of text: not inside a longer number."""
    return re.search(r"(?<![\d.,])" + re.escape(form) + r"(?![\d,])", text) is not None


def check_disclosure(doc, text, p):
    """Every number of a suppressed row, in every form, is absent from the
    HTML; the chart geometry (coordinates, where a value would show as a
    position) is checked by the point count in check_svgs."""
    n = 0
    text = GEOMETRY.sub("", text)
    for no, ind in enumerate(doc["indicators"], 1):
        for r in ind["series"]:
            if not r["suppressed"]:
                continue
            for key in ("value", "lo", "hi", "numerator", "denominator", "n", "sd", "deviation"):
                if r.get(key) is None:
                    continue
                n += 1
                for form in leak_forms(r[key]):
                    check(not found(form, text), f"{ind['id']}: suppressed {key} shows as {form!r}")
            rows = p.tables.get(f"ind-{no}-tabel") or []
            for cells in rows:
                if cells and cells[0] == period_text(r[ind["period"]]):
                    check(not re.search(r"\d", "".join(cells[1:])), f"digits in a suppressed row {cells}")
    return n


def check_labels(exe, tmp):
    """Point 2: no label overlaps or leaves its chart with 1, 5, 18 or 40 groups
    (and periods), long names and long titles; long headings wrap."""
    with open(FIXTURE, encoding="utf-8") as f:
        doc = json.load(f)
    for n in (1, 5, 18, 40):
        path = os.path.join(tmp, f"lange_{n}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(charts.long_doc(doc, n), f, ensure_ascii=False)
        text = tegn(exe, path).stdout.decode("utf-8")
        roots = charts.svgs(text)
        check(len(roots) >= len(doc["indicators"]), f"{n} groups: {len(roots)} charts")
        for sid, root in roots.items():
            for bad in charts.overlaps(root)[:3]:
                check(False, f"{n} groups, {sid}: {bad}")
        chromium = shutil.which("chromium")
        if chromium and n == 40:  # the estimate checked against a real layout
            bad = charts.browser_overlaps(text, tmp, chromium)
            check(bad == [], f"{n} groups in Chromium: {bad if bad is None else bad[:3]}")
    check("overflow-wrap:break-word" in text, "headings do not wrap")


def png(w, h, rgb, pad=b""):
    """A w x h PNG of one colour (and 'pad' bytes in a private chunk)."""
    import struct
    import zlib

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + (chunk(b"tgPd", pad) if pad else b"") + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def check_brand(exe, tmp):
    """--brand: the region's name, the logo as a data: URI of the file's bytes, the
    colours in a style sheet of their own; a bad file is refused (exit 2) with a
    message naming the problem, before anything is written."""
    import base64
    folder = os.path.join(tmp, "brand")
    os.mkdir(folder)
    logo = png(24, 12, (0, 85, 127))

    def put(name, data):
        with open(os.path.join(folder, name), "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)

    def brand(name, obj):
        put(name, json.dumps(obj, ensure_ascii=False))
        return subprocess.run([exe, "report", FIXTURE, "--brand", name], capture_output=True,
                              cwd=folder)

    put("logo.png", logo)
    good = {"region": "Region Sjælland <&>", "logo": "logo.png",
            "colours": {"primary": "#00557f", "accent": "#a34400"}}
    r = brand("brand.json", good)
    check(r.returncode == 0, f"--brand: {r.stderr}")
    text = r.stdout.decode("utf-8")
    uri = "data:image/png;base64," + base64.b64encode(logo).decode("ascii")
    check(f'<img src="{uri}" alt="Logo: Region Sjælland &lt;&amp;&gt;">' in text, "the logo")
    check("<title>Tegn på succes – Region Sjælland &lt;&amp;&gt;</title>" in text, "the title")
    check('<p class="region">Region Sjælland &lt;&amp;&gt;</p>' in text, "the region")
    check("svg .value{stroke:#00557f}" in text and "svg .target{stroke:#a34400}" in text, "colours")
    again = brand("brand.json", good)
    check(again.stdout == r.stdout, "two branded renders differ")
    check(re.sub(r'src="data:image/png;base64,[A-Za-z0-9+/=]*"', "", text).count(" src=") == 0,
          "a src that is not the logo's data: URI")
    put("logo.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<rect width="10" height="10" fill="#00557f"/></svg>')
    r = brand("svg.json", {"logo": "logo.svg"})
    check(r.returncode == 0 and b'src="data:image/svg+xml;base64,' in r.stdout, f"an SVG logo: {r.stderr}")
    with open(os.path.join(tmp, "ude.png"), "wb") as f:
        f.write(logo)
    put("big.png", png(2, 2, (0, 0, 0), pad=os.urandom(300 * 1024)))
    put("tekst.png", "not an image")
    put("ond.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    put("ude.svg", '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://x.dk/a.png"/></svg>')
    bad = [({"colours": {"primary": "#ffcc00"}}, "contrast of 1.51:1"),
           ({"colours": {"accent": "#aaaaaa"}}, "needs 3.0:1"),
           ({"colours": {"primary": "blue"}}, "#rrggbb"),
           ({"colours": {"primær": "#000000"}}, "unknown key colours.primær"),
           ({"regoin": "X"}, "unknown key 'regoin'"),
           ({"region": ""}, "region must be"),
           ({"logo": "../ude.png"}, "outside the brand file's folder"),
           ({"logo": "/etc/hostname"}, "outside the brand file's folder"),
           ({"logo": "big.png"}, "larger than 256 KiB"),
           ({"logo": "tekst.png"}, "not a PNG, JPEG or SVG"),
           ({"logo": "ond.svg"}, "an SVG with a script"),
           ({"logo": "ude.svg"}, "an SVG with a script"),
           ({"logo": "mangler.png"}, "No such file")]
    for obj, want in bad:
        r = brand("bad.json", obj)
        check(r.returncode == 2 and want in r.stderr.decode("utf-8") and r.stdout == b"",
              f"--brand {obj}: {r.returncode} {r.stderr[-200:]}")
    r = subprocess.run([exe, "run", os.path.join(folder, "x.lua"), "--brand", "b.json"],
                       capture_output=True)
    check(r.returncode == 64 and b"--report" in r.stderr, f"run --brand without --report: {r}")


def check_tables_doc(exe, tmp):
    """A document of scenario and forecast tables (not an indicator document) gets
    its own report: a fan chart per tilbud, the forecast with its history."""
    doc = charts.tables_doc()
    path = os.path.join(tmp, "scenarie.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
    text = render(exe, path, tmp)
    p = Parser()
    p.feed(text)
    p.close()
    check(p.errors == [] and p.stack == [], f"tables doc: tags {p.errors[:3]}")
    check_self_contained(text, p)
    charts.check_tables_doc(doc, text, check)
    rows = p.tables.get("tabel-1-1-svg-tabel", [])[1:]
    check(rows[-1:] == [["2028", "4.823 kr.", "5.423 kr.", "6.243 kr.", "25,0 %"]],
          f"scenario table {rows}")


def check_errors(exe, tmp):
    bad = os.path.join(tmp, "bad.json")
    with open(bad, "w") as f:
        f.write('{"indicators": [{"title": 3}]}\n')
    r = tegn(exe, bad, "--out", os.path.join(tmp, "x.html"))
    check(r.returncode == 2 and b"not an indicator document" in r.stderr, f"bad doc: {r}")
    check(not os.path.exists(os.path.join(tmp, "x.html")), "bad doc wrote a file")
    r = tegn(exe, FIXTURE, "--out", os.path.join(tmp, "no", "such", "r.html"))
    check(r.returncode == 2 and r.stderr.startswith(b"tegn: "), f"missing folder: {r}")
    r = tegn(exe, FIXTURE, "--out", FIXTURE)
    check(r.returncode == 64, f"--out the input: {r}")
    r = tegn(exe, FIXTURE, "--frobnicate")
    check(r.returncode == 64, f"unknown option: {r}")
    r = tegn(exe)
    check(r.returncode == 64, f"no file: {r}")


def chromium():
    """The Chromium tegn would start, or None."""
    return os.environ.get("TEGN_CHROMIUM") or shutil.which("chromium")


def need(tool, why):
    """True when tool is on PATH; else a note, and a failure under CI (where
    `make test` has installed it: tests/report/README.md)."""
    if tool and (os.path.isabs(tool) or shutil.which(tool)):
        return True
    print(f"SKIP {why}: {tool or 'chromium'} is not installed (make browser-deps)")
    check(not os.environ.get("CI"), f"{why}: {tool or 'chromium'} missing under CI")
    return False


def pdf_pages(path):
    """The text of each page of the PDF at path (pdftotext, layout order)."""
    r = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True)
    check(r.returncode == 0, f"pdftotext: {r.stderr[-300:]}")
    return r.stdout.decode("utf-8").split("\f")[:-1]


def words(text):
    return " ".join(text.split())


# The fixture's strategies as the report names them (tg_indsum_strategy_name).
STRATEGIES = {"kbh": "Københavns Kommune, socialstrategien",
              "regionh": "Region Hovedstaden, Den Sociale Virksomhed: Rammer og Retning",
              "regsj": "Region Sjælland, strategi 2025\u20132028"}


def check_pdf(exe, tmp):
    """--pdf: an A4 PDF by Chromium with the report's Danish text, a page
    per strategy, no indicator split over two pages, a heading on the page
    of what follows it, and no suppressed number in its text."""
    if not need(chromium(), "--pdf") or not need("pdftotext", "--pdf"):
        return
    doc = json.load(open(FIXTURE, encoding="utf-8"))
    pdf, html = os.path.join(tmp, "rapport.pdf"), os.path.join(tmp, "r.html")
    with open(pdf, "w") as f:
        f.write("old")
    r = tegn(exe, FIXTURE, "--out", html, "--pdf", pdf)
    check(r.returncode == 0 and r.stdout == b"" and r.stderr == b"", f"--pdf: {r}")
    data = open(pdf, "rb").read()
    check(data.startswith(b"%PDF-"), "--pdf wrote no PDF")
    check(open(html, "rb").read() == tegn(exe, FIXTURE).stdout, "--out beside --pdf differs")
    left = [n for n in os.listdir(tmp) if n.startswith(".rapport.pdf")]
    check(left == [], f"left behind: {left}")
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    check(re.search(r"Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info), f"not A4: {info}")
    pages = [words(t) for t in pdf_pages(pdf)]
    text = " ".join(pages)
    for want in ("Tegn på succes", "Sådan læses rapporten", "Færre er ensomme <i>&</i> \"alene\"",
                 "Ændring fra 2019 til 2023: \u22126,0 pp", "5.786 kr.", "Åbakken",
                 "Tallene bag diagrammet"):
        check(want in text, f"the PDF's text lacks {want!r}")
    # A strategy begins a page; the front page, one page and the inputs,
    # and each strategy's indicators fit one page each in the fixture.
    strategies = list(dict.fromkeys(STRATEGIES[i["strategy"]] for i in doc["indicators"]))
    firsts = [p.split(" Overblik")[0] for p in pages]
    for name in strategies:
        check(any(p.startswith(words(name)) for p in firsts), f"{name!r} does not begin a page")
    check(3 + len(strategies) <= len(pages) <= 12, f"{len(pages)} pages")
    for ind in doc["indicators"]:
        on = [k for k, p in enumerate(pages) if words(ind["title"]) in p]
        last = ind["verdicts"][-1]["verdict"] if ind["by"] else period_text(ind["series"][-1][ind["period"]])
        check(len(on) == 1, f"{ind['id']}: title on pages {on}")
        if on and not ind["by"]:
            page = pages[on[0]]
            tail = page[page.index(words(ind["title"])):]
            check("Tallene bag diagrammet" in tail and last in tail,
                  f"{ind['id']}: split over two pages")
    inputs = [k for k, p in enumerate(pages) if "Kørslen og dens data" in p]
    sha = doc["meta"]["inputs"][-1]["sha256"][:16]
    check(len(inputs) == 1 and sha in pages[inputs[0]].replace(" ", ""),
          "the inputs' heading is not on the page of their table")
    for ind in doc["indicators"]:
        for row in ind["series"]:
            if row["suppressed"]:
                for key in ("value", "lo", "hi", "numerator", "denominator", "n", "sd"):
                    if row.get(key) is not None:
                        for form in leak_forms(row[key]):
                            check(not found(form, text), f"the PDF shows suppressed {form!r}")


def check_pdf_errors(exe, tmp):
    """--pdf without Chromium, with one that fails or writes nothing, and
    the write rules: the old file stays, nothing is left behind."""
    pdf = os.path.join(tmp, "gammel.pdf")
    with open(pdf, "w") as f:
        f.write("old")

    def pdf_run(chromium, *args, path=None):
        env = dict(os.environ, TEGN_CHROMIUM=chromium)
        if path is not None:
            env.pop("TEGN_CHROMIUM")
            env["PATH"] = path
        return subprocess.run([exe, "report", FIXTURE, "--pdf", pdf, *args], capture_output=True,
                              env=env)

    r = pdf_run("", path=tmp)
    check(r.returncode == 69 and b"needs Chromium, and none is on PATH" in r.stderr
          and b"chromium" in r.stderr, f"no chromium on PATH: {r}")
    r = pdf_run(os.path.join(tmp, "ingen-chromium"))
    check(r.returncode == 69 and b"TEGN_CHROMIUM=" in r.stderr, f"TEGN_CHROMIUM missing: {r}")
    r = pdf_run("/bin/false")
    check(r.returncode == 69 and b"/bin/false failed (exit 1)" in r.stderr, f"chromium fails: {r}")
    r = pdf_run("/bin/true")
    check(r.returncode == 69 and b"wrote no PDF" in r.stderr, f"chromium writes nothing: {r}")
    check(open(pdf).read() == "old", "a failed --pdf changed the old file")
    check(sorted(os.listdir(tmp)).count("gammel.pdf") == 1
          and not [n for n in os.listdir(tmp) if n.startswith(".gammel.pdf")], "left behind")
    r = pdf_run("/bin/false", "--out", pdf)
    check(r.returncode == 64 and b"--pdf" in r.stderr, f"--pdf = --out: {r}")
    r = subprocess.run([exe, "report", FIXTURE, "--pdf", FIXTURE], capture_output=True)
    check(r.returncode == 64, f"--pdf the input: {r}")
    r = subprocess.run([exe, "report", FIXTURE, "--pdf", os.path.join(tmp, "no", "r.pdf")],
                       capture_output=True, env=dict(os.environ, TEGN_CHROMIUM="/bin/false"))
    check(r.returncode == 2 and b"does not exist" in r.stderr, f"--pdf in a missing folder: {r}")


def render(exe, path, tmp):
    """The report of path, checked for byte-equal renders; its text."""
    out = os.path.join(tmp, "rapport.html")
    with open(out, "w") as f:
        f.write("old")
    first = tegn(exe, path, "--out", out)
    check(first.returncode == 0 and first.stdout == b"", f"--out: {first}")
    data = open(out, "rb").read()
    again = tegn(exe, path, "--out", out)
    check(again.returncode == 0 and open(out, "rb").read() == data, "two renders differ")
    stdout = tegn(exe, path)
    check(stdout.returncode == 0 and stdout.stdout == data, "stdout differs from --out")
    left = [n for n in os.listdir(tmp) if n.startswith(".rapport.html")]
    check(left == [], f"left behind: {left}")
    os.unlink(out)
    return data.decode("utf-8")


def luminance(rgb):
    """WCAG 2.1 relative luminance of an (r, g, b) in 0-255."""
    def lin(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def chart_styles(text):
    """The report's chart rules 'svg .name{...}' as {name: {property: value}};
    a later rule (the brand's) overrides an earlier one."""
    rules = {}
    for names, body in re.findall(r"((?:svg \.[\w-]+,?)+)\{([^}]*)\}", text):
        props = dict(kv.split(":", 1) for kv in body.split(";") if ":" in kv)
        for name in re.findall(r"svg \.([\w-]+)", names):
            rules.setdefault(name, {}).update(props)
    return rules


def painted(rule, prop):
    """The colour 'prop' (fill or stroke) paints on white, opacity applied."""
    v = rule.get(prop, "none")
    if not re.fullmatch(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}", v):
        return None
    h = v[1:] if len(v) == 7 else "".join(c * 2 for c in v[1:])
    a = float(rule.get(prop + "-opacity", "1"))
    return tuple(a * int(h[i:i + 2], 16) + (1 - a) * 255 for i in (0, 2, 4))


def check_chart_colours(text):
    """WCAG 1.4.11 and greyscale: every mark that carries a number (line,
    point, interval bar, target, budget, flag, funnel and reason bars,
    forecast, whiskers, the baseline and break lines) has 3:1 contrast
    against the white page; the value line stands 3:1 out of the interval
    bands; and the lines one series chart draws differ in their dashes, so
    they stay apart in greyscale and for any colour vision."""
    rules = chart_styles(text)
    white = (255, 255, 255)
    marks = {"value": "stroke", "point": "fill", "open": "stroke", "bar": "stroke",
             "target": "stroke", "budget": "stroke", "flag": "fill", "funnel": "fill",
             "reason": "fill", "forecast": "stroke", "whisker": "stroke", "basis": "stroke",
             "baseline": "stroke", "break": "stroke"}
    for name, prop in marks.items():
        c = painted(rules.get(name, {}), prop)
        check(c is not None, f"chart class .{name} has no {prop} colour")
        if c is not None:
            check(contrast(c, white) >= 3, f".{name} {prop}: contrast {contrast(c, white):.2f}:1 < 3:1")
    line = painted(rules.get("value", {}), "stroke")
    for band in ("band", "band2", "budgetband"):
        c = painted(rules.get(band, {}), "fill")
        check(c is not None and line is not None and contrast(line, c) >= 3,
              f"the value line against .{band}: under 3:1")
    dashes = [rules.get(n, {}).get("stroke-dasharray", "solid")
              for n in ("value", "target", "baseline", "break")]
    check(len(set(dashes)) == len(dashes), f"series chart lines share a dash pattern: {dashes}")


def check_doc(exe, path, tmp):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    text = render(exe, path, tmp)
    p = Parser()
    p.feed(text)
    p.close()
    check(p.errors == [] and p.stack == [], f"tags out of order: {p.errors[:3]}, open {p.stack}")
    check(text.startswith("<!DOCTYPE html>\n"), "no doctype")
    check_front(doc, p, text)
    check_chart_colours(text)
    check_svgs(doc, p)
    check_tables(doc, p)
    check_self_contained(text, p)
    charts.check_groups(doc, text, check)
    charts.check_reasons(doc, text, check)
    for sid, root in charts.svgs(text).items():
        for bad in charts.overlaps(root):
            check(False, f"{os.path.basename(path)} {sid}: {bad}")
    n = check_disclosure(doc, text, p)
    if path == FIXTURE:
        check(n >= 10, f"the fixture's suppressed rows carry only {n} numbers")


def run(exe, *args, cwd=None):
    return subprocess.run([exe, "run", *args, "--quiet"], capture_output=True, cwd=cwd)


def check_run(exe, datasets, tmp):
    """tegn run --report: the same bytes as tegn report on the run's
    document, and the file policy: never --out, the script or an input, and
    the script may not write it."""
    ds = shutil.copytree(datasets, os.path.join(tmp, "ds"))
    script = os.path.join(os.path.dirname(os.path.dirname(HERE)), "scripts", "alle.lua")
    out = os.path.join(tmp, "ud")
    os.mkdir(out)
    common = [script, "--param", f"datasets={ds}", "--allow-read", ds]
    r = run(exe, *common, "--out", f"{out}/ind.json", "--report", f"{out}/r.html")
    check(r.returncode == 0, f"run --report: {r.stderr[-300:]}")
    report = tegn(exe, f"{out}/ind.json")
    check(open(f"{out}/r.html", "rb").read() == report.stdout, "run --report differs from report")
    brand = os.path.join(os.path.dirname(os.path.dirname(HERE)), "examples", "brand.json")
    r = run(exe, *common, "--out", f"{out}/ind.json", "--report", f"{out}/rb.html", "--brand", brand)
    branded = tegn(exe, f"{out}/ind.json", "--brand", brand).stdout
    check(r.returncode == 0 and open(f"{out}/rb.html", "rb").read() == branded
          and b'<p class="region">Region Sj\xc3\xa6lland</p>' in branded,
          f"run --report --brand: {r.stderr[-300:]}")
    r = run(exe, *common, "--out", f"{out}/ind3.json", "--report", f"{out}/rc.html", "--brand",
            os.path.join(HERE, "brand_lys.json"))
    check(r.returncode == 2 and b"WCAG" in r.stderr and not os.path.exists(f"{out}/ind3.json"),
          f"run --brand refused before the run: {r}")
    r = run(exe, *common, "--out", f"{out}/ind.json", "--report", f"{out}/ind.json")
    check(r.returncode == 64 and b"--report" in r.stderr, f"--report = --out: {r}")
    csv = os.path.join(ds, "tilbud.csv")
    before = open(csv, "rb").read()
    r = run(exe, *common, "--out", f"{out}/ind2.json", "--report", csv)
    check(r.returncode == 64 and b"is an input of the run" in r.stderr, f"--report an input: {r}")
    check(open(csv, "rb").read() == before, "--report overwrote an input")
    with open(os.path.join(tmp, "d.csv"), "w") as f:
        f.write("a;b\n1;2\n")
    with open(os.path.join(tmp, "w.lua"), "w") as f:
        f.write("tegn.read_csv('d.csv'):write_csv(tegn.params.target)\n")
    r = run(exe, "w.lua", "--allow-write", out, "--param", f"target={out}/w.html",
            "--report", f"{out}/w.html", cwd=tmp)
    check(r.returncode == 2 and b"is the run's --report file" in r.stderr, f"script wrote it: {r}")
    check(not os.path.exists(f"{out}/w.html"), "the script's write went through")
    r = run(exe, "w.lua", "--allow-write", out, "--param", f"target={out}/w.pdf",
            "--pdf", f"{out}/w.pdf", cwd=tmp)
    check(r.returncode == 2 and b"is the run's --pdf file" in r.stderr, f"script wrote --pdf: {r}")
    check(not os.path.exists(f"{out}/w.pdf"), "the script's write of --pdf went through")
    for pdf, code, why in ((f"{out}/r.html", 64, b"--pdf"), (f"{out}/ind.json", 64, b"--pdf"),
                           (csv, 64, b"--pdf " + csv.encode() + b" is an input of the run")):
        r = run(exe, *common, "--out", f"{out}/ind.json", "--report", f"{out}/r.html", "--pdf", pdf)
        check(r.returncode == code and why in r.stderr, f"--pdf {pdf}: {r}")
    check(open(csv, "rb").read() == before, "--pdf overwrote an input")
    if chromium():
        r = run(exe, *common, "--out", f"{out}/ind.json", "--pdf", f"{out}/r.pdf")
        check(r.returncode == 0 and open(f"{out}/r.pdf", "rb").read().startswith(b"%PDF-"),
              f"run --pdf: {r.stderr[-300:]}")
    # An example's tables: the forecast with its history, through tegn run --report.
    os.symlink(ds, os.path.join(tmp, "datasets"))
    example = os.path.join(os.path.dirname(os.path.dirname(HERE)), "examples", "prognose.lua")
    r = run(exe, example, "--out", "out/prognose.json", "--report", "out/prognose.html", cwd=tmp)
    check(r.returncode == 0, f"prognose --report: {r.stderr[-300:]}")
    html = open(os.path.join(tmp, "out", "prognose.html"), encoding="utf-8").read() if r.returncode == 0 else ""
    roots = charts.svgs(html)
    check(len(roots) == 31 and all(len(charts.shape(x, "polyline", "value")) == 1 for x in roots.values()),
          f"prognose: {len(roots)} charts, each with its history")


def main():
    exe = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        check_doc(exe, FIXTURE, tmp)
        check_labels(exe, tmp)
        check_brand(exe, tmp)
        check_tables_doc(exe, tmp)
        check_errors(exe, tmp)
        check_pdf_errors(exe, tmp)
        check_pdf(exe, tmp)
        if len(sys.argv) > 2:
            r = subprocess.run([exe, "demo", os.path.abspath(sys.argv[2])], cwd=tmp, capture_output=True)
            check(r.returncode == 0, f"demo: {r.stderr[-500:]}")
            html = os.path.join(tmp, "out", "rapport.html")
            same = os.path.exists(html) and open(html, "rb").read() == tegn(
                exe, os.path.join(tmp, "out", "indikatorer.json")).stdout
            check(same, "demo: out/rapport.html is not the report of out/indikatorer.json")
            check_doc(exe, os.path.join(tmp, "out", "indikatorer.json"), tmp)
            check_run(exe, sys.argv[2], tmp)
    for f in failures:
        print("FAIL", f)
    print(f"report: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
