#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz targets into a folder (tests/fuzz/README.md).

fuzz_csv: every file of tests/fixtures/csv and tests/fixtures/sniff under a few
option prefixes (the three option bytes fuzz_csv.c decodes), plus small files for
the loader's special paths. fuzz_expr: a few programs in its byte language.
`make fuzz` merges what this writes into the committed corpus with -merge=1, so
only seeds that add coverage are kept.

fuzz_xlsx: every workbook of tests/fixtures/excel as it stands (mode byte 0), the
sheet XML of each .xlsx alone (mode 1, wrapped by fuzz_xlsx.c into a workbook) and
with its shared strings before a NUL (mode 2), under a few option bits, and a few
sheets written here for the scanner's odd paths.

usage: seeds.py csv|expr|xlsx OUTDIR
"""
import os
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# (name, option bytes): sniff everything and also compare with the other parser;
# reject mode with a cap of 100; every dialect choice forced (',', '"', header on, UTF-8).
CSV_PREFIXES = [
    ("sniff", bytes([0x10, 0x00, 0x00, 0x00])),
    ("reject", bytes([0x17, 0x00, 0x00, 0x00])),
    ("forced", bytes([0x00, 0x29, 0x01, 0x55])),
    ("types", bytes([0x01, 0x00, 0x48, 0x00])),
]

# Small files for the paths the fixtures miss.
CSV_EXTRA = {
    "cr_only": b"a,b\r1,2\r3,4\r",
    "mixed_eol": b"a,b\r1,2\r3,4\n5,6\r\n",
    "empty_name": b"x,,column2\n1,2,3\n",
    "open_quote_header": b'a,"b\n1,2\n',
    "text_after_quote": b'a,b\n"abc"def,4\n5,6\n',
    "comment": b"# made by hand\na,b\n1,2\n# between\n3,4\n",
    "preamble": "Udtræk fra systemet den 01-03-2024\n\na;b\n1;2\n".encode("utf-8"),
    "backslash": b'a,b\n"say \\"hi\\"",1\n"x",2\n',
    "literal_quote": b'a,b\n"Swing it" magistern,1\nx,2\n',
    "trailing_delim": b"a,b,\n1,2,\n3,4,\n",
    "mixed_dates": b"d\n2024-01-02\n03/04/2024\n",
    "dot_numbers": b"x\n.2\n-.5\n1\n",
    "quoted_newlines": b'a,b\n"x\ny",1\n"p\r\nq",2\n"",3\n',
    "gzip_magic": bytes([0x1F, 0x8B, 0x08, 0x00]) + b"\x00" * 12,
    "zip_magic": b"PK\x03\x04" + b"\x00" * 12,
    "sep_line": b"sep=|\na|b\n1|2\n",
    "utf16le_bom": b"\xff\xfe" + "a;b\r\n1;2\r\n".encode("utf-16-le"),
    "ragged": b"a,b,c\n1,2\n3,4,5,6\n",
    "nulls": b"a,b\nNA,\nNULL,1\n,2\n",
}

# fuzz_expr programs (see fuzz_expr.c): a table seed, then verb bytes.
EXPR_SEEDS = {
    "filter_mutate": bytes([4, 12, 1, 0, 10, 3, 1, 2, 2, 5, 1, 7, 0]),
    "group": bytes([3, 20, 3, 1, 2, 4, 0, 1, 9, 2]),
    "sort": bytes([5, 30, 4, 0, 1, 4, 2, 0]),
    "join": bytes([2, 16, 5, 1, 0, 7, 3]),
    "window": bytes([6, 25, 6, 2, 1, 6, 0, 3]),
    "pivot": bytes([1, 18, 7, 0, 2, 1, 8, 1]),
    "chain": bytes(range(0, 64)),
}


def write(outdir, name, data):
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)


def csv_seeds(outdir):
    files = {}
    for sub in ("csv", "sniff"):
        d = os.path.join(ROOT, "tests", "fixtures", sub)
        for fn in sorted(os.listdir(d)):
            with open(os.path.join(d, fn), "rb") as f:
                files[sub + "_" + fn] = f.read()
    for name, data in CSV_EXTRA.items():
        files["extra_" + name] = data
    for pname, prefix in CSV_PREFIXES:
        for fname, data in files.items():
            write(outdir, pname + "_" + fname, prefix + data)


XLSX_SHEETS = {
    "odd": b'<?xml version="1.0"?>\n<worksheet xmlns:x="m"><x:sheetData><row r = \'1\'>'
           b'<c r="A1" t="inlineStr"><is><t>a&amp;b&#230;\r\n</t></is></c><c r="B1" t="s">'
           b'<v>0</v></c></row><row><c s="1"><v>45000</v></c><c s="2"><v>45000.5</v></c>'
           b'<c s="4" t="n"><v>1.5e3</v></c><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c>'
           b'<c t="d"><v>2024-03-01T10:00:00</v></c><c t="str"><f>A1</f><v>x</v></c></row>'
           b'</x:sheetData><mergeCells><mergeCell ref="A1:B1"/></mergeCells></worksheet>',
    "expat": b'<?xml version="1.0"?><worksheet><!-- c --><sheetData><row r="1"><c r="A1">'
             b'<v><![CDATA[12]]></v></c></row><?pi?></sheetData></worksheet>',
    "totals": b'<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
              b'<row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3" t="s"><v>2</v>'
              b'</c></row></sheetData></worksheet>',
}


def xlsx_seeds(outdir):
    d = os.path.join(ROOT, "tests", "fixtures", "excel")
    for fn in sorted(os.listdir(d)):
        if not fn.endswith((".xlsx", ".xls")):
            continue
        with open(os.path.join(d, fn), "rb") as f:
            raw = f.read()
        write(outdir, "raw_" + fn, bytes([0x00]) + raw)
        if not fn.endswith(".xlsx"):
            continue
        with zipfile.ZipFile(os.path.join(d, fn)) as z:
            names = z.namelist()
            sst = z.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in names else b""
            for name in names:
                if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
                    sheet = z.read(name)
                    tag = fn + "_" + os.path.basename(name)
                    write(outdir, "sheet_" + tag, bytes([0x01]) + sheet)
                    write(outdir, "sst_" + tag, bytes([0x02]) + sst + b"\0" + sheet)
                    write(outdir, "opts_" + tag, bytes([0x02 | 0x08 | 0x10]) + sst + b"\0" + sheet)
    for name, sheet in XLSX_SHEETS.items():
        for bits in (0x01, 0x05, 0x19, 0x21):
            write(outdir, "x%02x_%s" % (bits, name), bytes([bits]) + sheet)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("csv", "expr", "xlsx"):
        sys.exit(__doc__.strip().splitlines()[-1])
    outdir = sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    if sys.argv[1] == "csv":
        csv_seeds(outdir)
    elif sys.argv[1] == "xlsx":
        xlsx_seeds(outdir)
    else:
        for name, data in EXPR_SEEDS.items():
            write(outdir, name, data)


if __name__ == "__main__":
    main()
