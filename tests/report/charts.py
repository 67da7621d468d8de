"""charts.py -- checks of the report's group charts (engine/report/tg_gchart.c) and of
every chart's labels, used by check_report.py.

The group charts' positions are mapped back to values through their own axis (the tick
labels read as Danish numbers, at the grid lines' x) and compared with the document;
the funnel's bars through their width. Every <text> of every chart gets a box from its
position, anchor and an estimated width (0.6 em a character, as tg_chart and tg_gchart
estimate it) and no two boxes may overlap or leave the drawing; the documents for that
are made here with 1, 5, 18 and 40 groups, long names and long titles.
"""
import copy
import os
import re
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
MINUS = "\u2212"
SIZES = {"gap": 14}  # font size by class; 11px otherwise (the report's CSS)


def svgs(text):
    """The report's charts by id: {'ind-3-svg': root}."""
    out = {}
    for m in re.finditer(r"<svg .*?</svg>", text, re.S):
        root = ET.fromstring(m.group(0))
        out[root.get("aria-labelledby").split()[0][:-2]] = root
    return out


def number(s):
    """A Danish number's text as a float: '1.234,5 %', '−6,0 pp'."""
    s = s.replace(MINUS, "-").replace(".", "").replace(",", ".")
    return float(re.match(r"[-+]?\d+(\.\d+)?", s).group(0))


def texts(root):
    return [(float(t.get("x")), float(t.get("y")), t.get("text-anchor"), t.get("class") or "",
             t.text or "") for t in root.iter(NS + "text")]


def boxes(root):
    out = []
    for x, y, anchor, cls, s in texts(root):
        fs = SIZES.get(cls, 11)
        w = 0.6 * fs * len(s)
        x0 = x - w if anchor == "end" else x - w / 2 if anchor == "middle" else x
        out.append((x0, y - 0.8 * fs, x0 + w, y + 0.2 * fs, s))
    return out


def overlaps(root):
    """Pairs of labels whose boxes meet, and labels outside the drawing."""
    bad = []
    _, _, vw, vh = (float(v) for v in root.get("viewBox").split())
    bs = boxes(root)
    for i, a in enumerate(bs):
        if a[0] < -0.5 or a[1] < -0.5 or a[2] > vw + 0.5 or a[3] > vh + 0.5:
            bad.append(f"{a[4]!r} outside the drawing {a[:4]}")
        for b in bs[i + 1:]:
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                bad.append(f"{a[4]!r} overlaps {b[4]!r}")
    return bad


def axis_map(root):
    """x -> value from the tick labels under the plot and the grid lines above them."""
    grid = sorted({float(g.get("x1")) for g in root.iter(NS + "line") if g.get("class") == "grid"})
    ts = texts(root)
    bottom = max(y for _, y, *_ in ts)
    ticks = sorted((x, number(s)) for x, y, _, cls, s in ts if y == bottom and cls == "tick")
    ticks = [(x, v) for x, v in ticks if any(abs(x - g) < 0.05 for g in grid)]
    (x0, v0), (x1, v1) = ticks[0], ticks[-1]
    return lambda x: v0 + (x - x0) * (v1 - v0) / (x1 - x0), abs(v1 - v0)


def row_names(root):
    """{y of a row's middle: its name} from the names right-aligned before the plot."""
    return {round(y - 4, 1): s for x, y, anchor, cls, s in texts(root) if anchor == "end"}


def da_sort(names):
    order = {c: i for i, c in enumerate("abcdefghijklmnopqrstuvwxyzæøå")}
    return sorted(names, key=lambda s: [order.get(c, ord(c) + 100) for c in s.lower()])


def latest(ind):
    ps = [r[ind["period"]] for r in ind["series"]]
    return max(ps)


def group_rows(ind):
    """{group name: its row at the latest period, when shown}."""
    out, last = {}, latest(ind)
    for r in ind["series"]:
        if r[ind["period"]] == last and not r["suppressed"] and r["value"] is not None:
            out[" · ".join(str(r[c]) for c in ind["by"])] = r
    return out


def step(name):
    m = re.match(r"(\d+)_(.*)", name)
    return f"{m[1]}. {m[2].replace('_', ' ')}" if m else name.replace("_", " ")


def check_groups(doc, text, check):
    """Every grouped indicator's chart: a row per group in Danish order, the
    points (or bars) where the document's latest values are, nothing for a
    suppressed row, the budget lines at the targets."""
    charts = svgs(text)
    for no, ind in enumerate(doc["indicators"], 1):
        if not ind["by"]:
            continue
        root = charts.get(f"ind-{no}-svg")
        check(root is not None, f"{ind['id']}: no group chart")
        if root is None:
            continue
        funnel = ind["by"] == ["trin"]
        budget = ind.get("flag_deviation") is not None and not funnel
        scale = 100 if ind["kind"] == "proportion" else 1
        names = row_names(root)
        groups = [" · ".join(str(v[c]) for c in ind["by"]) for v in ind["verdicts"]]
        if all(isinstance(v[c], str) for v in ind["verdicts"] for c in ind["by"]):
            groups = da_sort(groups)
        if funnel:
            groups = [step(g) for g in groups]
        got = [names[y] for y in sorted(names)]
        check(got == groups, f"{ind['id']}: rows {got[:5]} != {groups[:5]}")
        rows = group_rows(ind)
        if funnel:
            rows = {step(k): v for k, v in rows.items()}
        circles = list(root.iter(NS + "circle"))
        if funnel:
            check_funnel(ind, root, rows, names, check)
            continue
        check(len(circles) == len(rows), f"{ind['id']}: {len(circles)} points for {len(rows)} shown")
        to_value, span = axis_map(root)
        for c in circles:
            name = names.get(round(float(c.get("cy")), 1))
            r = rows.get(name)
            check(r is not None, f"{ind['id']}: a point for {name!r}, which has no shown value")
            if r is None:
                continue
            v = to_value(float(c.get("cx")))
            check(abs(v - r["value"] * scale) <= span * 0.002,
                  f"{ind['id']}: {name} drawn at {v}, is {r['value'] * scale}")
        if budget:
            for line in root.iter(NS + "line"):
                if line.get("class") != "budget":
                    continue
                name = names.get(round((float(line.get("y1")) + float(line.get("y2"))) / 2, 1))
                r = rows.get(name)
                check(r is not None and abs(to_value(float(line.get("x1"))) - r["target"]) <= span * 0.002,
                      f"{ind['id']}: budget line of {name}")


def check_funnel(ind, root, rows, names, check):
    bars = [b for b in root.iter(NS + "rect") if b.get("class") == "funnel"]
    check(len(bars) == len(rows), f"{ind['id']}: {len(bars)} bars for {len(rows)} shown steps")
    grid = sorted(float(g.get("x1")) for g in root.iter(NS + "line") if g.get("class") == "grid")
    full = grid[-1] - grid[0]  # the outer lines are 100 %
    for b in bars:
        name = names.get(round(float(b.get("y")) + 8, 1))
        r = rows.get(name)
        check(r is not None and abs(float(b.get("width")) / full - r["value"]) < 0.002,
              f"{ind['id']}: bar of {name} is {float(b.get('width')) / full}")


def check_reasons(doc, text, check):
    """The funnel's reasons at the latest period: a bar per shown reason, as
    long as its count, the hidden ones as 'skjult' with no bar and no count."""
    charts = svgs(text)
    for no, ind in enumerate(doc["indicators"], 1):
        details = ind.get("details") or {}
        lists = [v for v in details.values() if isinstance(v, list) and v and ind["period"] in v[0]]
        if ind["by"] != ["trin"] or not lists:
            continue
        root = charts.get(f"ind-{no}-aarsager")
        check(root is not None, f"{ind['id']}: no reasons chart")
        if root is None:
            continue
        last = latest(ind)
        rs = [r for r in lists[0] if r[ind["period"]] == last]
        shown = sorted((r for r in rs if not r.get("skjult")), key=lambda r: -r["antal"])
        bars = [b for b in root.iter(NS + "rect") if b.get("class") == "reason"]
        check(len(bars) == len(shown), f"{ind['id']}: {len(bars)} reason bars for {len(shown)}")
        widths = [float(b.get("width")) for b in bars]
        for r, w in zip(shown, widths):
            check(abs(w / widths[0] - r["antal"] / shown[0]["antal"]) < 0.002, f"reason bar {r}")
        ts = [s for *_, s in texts(root)]
        check(ts.count("skjult") == len(rs) - len(shown), f"{ind['id']}: hidden reasons {ts}")


def long_doc(doc, n):
    """doc's grouped indicators with n groups of long names (and the ungrouped ones with n
    periods) and long titles: the label cases of point 2."""
    out = copy.deepcopy(doc)
    for ind in out["indicators"]:
        ind["title"] = "Et meget langt indikatornavn, der bliver ved og ved " * 3
        rows = ind["series"]
        if ind["by"]:
            col = ind["by"][0]
            proto = [r for r in rows if r[col] == rows[0][col]]
            names = ([f"{k + 1}_trin_{k}" for k in range(n)] if col == "trin" else
                     [f"Botilbud nr. {k} med et meget langt navn, Ærø-Åbenrå" for k in range(n)])
            ind["series"] = [dict(r, **{col: g}) for g in names for r in proto]
            v = ind["verdicts"][0]
            ind["verdicts"] = [dict(v, **{col: g}) for g in names]
        else:
            first = rows[0]
            key = ind["period"]
            ps = ([f"{2000 + k // 4}K{k % 4 + 1}" for k in range(n)] if isinstance(first[key], str)
                  else [1990 + k for k in range(n)])
            ind["series"] = [dict(rows[k % len(rows)], **{key: p}) for k, p in enumerate(ps)]
            ind["comparable_from"] = None
            for v in ind["verdicts"]:
                v["baseline_period"] = ps[0]
    return out


def tables_doc():
    """A document of a scenario (two tilbud, three years, its median and 5-95 % per year)
    and a forecast with its history, as examples/scenarie_kapacitet.lua and
    examples/prognose.lua emit them."""
    scen = []
    for tid, base in (("RSJ-03", 4923.0), ("Ærtebo", 6714.5)):
        for k, aar in enumerate((2026, 2027, 2028)):
            mid = base + 250.0 * k
            scen.append({"tilbud_id": tid, "aar": aar, "normerede_pladser": 24.0,
                         "doegntakst_gns": mid, "doegntakst_p5": mid - 300.0 * k,
                         "doegntakst_p50": mid, "doegntakst_p95": mid + 410.0 * k,
                         "p_uden_for_graense": 0.125 * k})
    hist, prog = [], []
    for m in range(1, 13):
        hist.append({"tilbud_id": "DSV-01", "maaned": f"2025-{m:02d}", "belaegningsprocent": 90.0 + m})
    for h in range(1, 7):
        p = 97.5 - h
        prog.append({"tilbud_id": "DSV-01", "maaned": f"2026-{h:02d}", "h": h, "point": p,
                     "lo80": p - 2 * h, "hi80": p + 2 * h, "lo95": p - 3 * h, "hi95": p + 3 * h})
    return {"BEK2022": scen, "historik": hist, "prognose": prog, "replikationer": 200,
            "scenarie": "test", "meta": {"script": "t.lua", "inputs": [], "started_at": "x"}}


def y_map(root):
    """y -> value from the value ticks (right-aligned before the plot) at the grid lines."""
    grid = {float(g.get("y1")) for g in root.iter(NS + "line") if g.get("class") == "grid"}
    ticks = sorted((y - 4, number(s)) for x, y, anchor, cls, s in texts(root)
                   if anchor == "end" and any(abs(y - 4 - g) < 0.05 for g in grid))
    (y0, v0), (y1, v1) = ticks[0], ticks[-1]
    return lambda y: v0 + (y - y0) * (v1 - v0) / (y1 - y0), abs(v1 - v0)


def points(el):
    return [tuple(float(v) for v in p.split(",")) for p in el.get("points").split()]


def shape(root, tag, cls):
    return [e for e in root.iter(NS + tag) if e.get("class") == cls]


def check_tables_doc(doc, text, check):
    """The scenario's fan and the forecast's chart: the lines and bands where the
    document's numbers are, read back through the chart's own axis."""
    charts = svgs(text)
    check("<h1>Scenarier og prognoser</h1>" in text, "tables doc: h1")
    for sid, root in charts.items():
        for bad in overlaps(root):
            check(False, f"tables doc {sid}: {bad}")
    fans = [r for r in charts.values() if r.find(NS + "title").text in ("RSJ-03", "Ærtebo")]
    check(len(fans) == 2, f"tables doc: {len(fans)} scenario charts")
    for root in fans:
        tid = root.find(NS + "title").text
        rows = [r for r in doc["BEK2022"] if r["tilbud_id"] == tid]
        to_v, span = y_map(root)
        mid = [to_v(y) for _, y in points(shape(root, "polyline", "value")[0])]
        check(all(abs(a - r["doegntakst_p50"]) <= span * 0.003 for a, r in zip(mid, rows)),
              f"{tid}: median at {mid}")
        band = [to_v(y) for _, y in points(shape(root, "polygon", "band")[0])]
        want = [r["doegntakst_p95"] for r in rows] + [r["doegntakst_p5"] for r in reversed(rows)]
        check(len(band) == len(want) and all(abs(a - b) <= span * 0.003 for a, b in zip(band, want)),
              f"{tid}: band at {band}")
        check(f"{da_kr(rows[-1]['doegntakst_p50'])}" in root.find(NS + "desc").text, f"{tid}: desc")
    fc = [r for r in charts.values() if r.find(NS + "title").text == "DSV-01"]
    check(len(fc) == 1, "tables doc: the forecast chart")
    if fc:
        root = fc[0]
        to_v, span = y_map(root)
        hist = [to_v(y) for _, y in points(shape(root, "polyline", "value")[0])]
        check([round(v, 1) for v in hist] == [r["belaegningsprocent"] for r in doc["historik"]],
              f"forecast history {hist}")
        pt = [to_v(y) for _, y in points(shape(root, "polyline", "forecast")[0])]
        check(all(abs(a - r["point"]) <= span * 0.003 for a, r in zip(pt, doc["prognose"])),
              f"forecast points {pt}")
        outer = [to_v(y) for _, y in points(shape(root, "polygon", "band")[0])]
        inner = [to_v(y) for _, y in points(shape(root, "polygon", "band2")[0])]
        check(abs(outer[0] - doc["prognose"][0]["hi95"]) <= span * 0.003 and
              abs(inner[-1] - doc["prognose"][0]["lo80"]) <= span * 0.003, "forecast bands")
        labels = [s for *_, s in texts(root)]
        check("januar 2025" in labels or "juni 2026" in labels, f"month names {labels}")


def da_kr(v):
    from decimal import ROUND_HALF_UP, Decimal
    whole = f"{int(Decimal(repr(v)).quantize(Decimal(1), rounding=ROUND_HALF_UP)):,}".replace(",", ".")
    return whole + " kr."


BBOX_JS = """<script>(function(){var out=[];document.querySelectorAll('svg').forEach(function(s){
var id=s.getAttribute('aria-labelledby').split(' ')[0].slice(0,-2),vb=s.viewBox.baseVal;
var ts=[].slice.call(s.querySelectorAll('text')).map(function(t){var b=t.getBBox();
return [b.x,b.y,b.x+b.width,b.y+b.height,t.textContent];});
for(var i=0;i<ts.length;i++){var a=ts[i];
if(a[0]<-0.5||a[2]>vb.width+0.5)out.push(id+': '+a[4]+' leaves the drawing');
for(var j=i+1;j<ts.length;j++){var b=ts[j];
if(a[0]<b[2]-0.5&&b[0]<a[2]-0.5&&a[1]<b[3]-0.5&&b[1]<a[3]-0.5)out.push(id+': '+a[4]+' | '+b[4]);}}});
var p=document.createElement('pre');p.id='bbox';p.textContent=JSON.stringify(out);
document.body.appendChild(p);})();</script>"""


def browser_overlaps(text, tmp, chromium):
    """The labels that overlap or leave their chart as a real browser lays them out (each
    <text>'s getBBox in headless Chromium, the report's own fonts): a list of problems,
    or None when the browser gave no answer."""
    import json
    import subprocess
    page = os.path.join(tmp, "bbox.html")
    with open(page, "w", encoding="utf-8") as f:
        f.write(text.replace("</body>", BBOX_JS + "</body>"))
    r = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                        "file://" + page], capture_output=True, timeout=120)
    m = re.search(r'<pre id="bbox">(.*?)</pre>', r.stdout.decode("utf-8", "replace"), re.S)
    if not m:
        return None
    return json.loads(m.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
