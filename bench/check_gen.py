#!/usr/bin/env python3
"""Independent check of bench_gen_occ's ground truth (meta_ROWS.txt).

Reads occ_ROWS.csv (or the _dk variant with --dk) with Python's csv module
and recomputes every figure in the meta file, so bench_load --check compares
the loader against numbers that two programs agree on.  Slow (about a
minute per 1e7 rows); run it once after changing the generator:

    python3 bench/check_gen.py bench/data/occ_100000.csv bench/data/meta_100000.txt
    python3 bench/check_gen.py --dk bench/data/occ_100000_dk.csv bench/data/meta_100000.txt
"""
import csv
import datetime as dt
import sys

HEADER = ['date', 'tilbud_id', 'plads_id', 'kommune', 'citizen_id', 'status',
          'takst_kr', 'målgruppe']


def main():
    args = sys.argv[1:]
    dk = '--dk' in args
    args = [a for a in args if a != '--dk']
    if len(args) != 2:
        sys.exit(__doc__)
    path, meta_path = args
    meta = {}
    for line in open(meta_path, encoding='utf-8'):
        if line.strip() and not line.startswith('#'):
            k, v = line.split()
            meta[k] = int(v)
    epoch = dt.date(1970, 1, 1)
    fmt = '%d-%m-%Y' if dk else '%Y-%m-%d'
    got = dict(rows=0, n_belagt=0, n_ledig=0, n_reserveret=0, sum_takst_ore=0,
               sum_citizen_id=0, sum_date=0, kommune_null=0, n_maal_comma=0,
               n_query_c=0, sum_tilbud_id=0, sum_plads_id=0)
    kommuner = set()
    min_d, max_d = None, None
    dates = {}
    with open(path, newline='', encoding='utf-8') as f:
        r = csv.reader(f, delimiter=';' if dk else ',')
        if next(r) != HEADER:
            sys.exit('unexpected header')
        for row in r:
            if len(row) != 8:
                sys.exit('row %d has %d fields' % (got['rows'] + 2, len(row)))
            got['rows'] += 1
            ds = row[0]
            if ds not in dates:
                dates[ds] = (dt.datetime.strptime(ds, fmt).date() - epoch).days
            days = dates[ds]
            got['sum_date'] += days
            min_d = days if min_d is None else min(min_d, days)
            max_d = days if max_d is None else max(max_d, days)
            got['n_' + row[5]] += 1
            takst = row[6].replace(',', '.') if dk else row[6]
            kr, ore = takst.split('.')
            got['sum_takst_ore'] += int(kr) * 100 + int(ore)
            got['sum_tilbud_id'] += int(row[1])
            got['sum_plads_id'] += int(row[2])
            if row[3] == '':
                got['kommune_null'] += 1
            else:
                kommuner.add(row[3])
            if row[4]:
                got['sum_citizen_id'] += int(row[4])
            if ',' in row[7]:
                got['n_maal_comma'] += 1
            if (row[5] == 'belagt' and row[3] == 'Høje-Taastrup' and float(takst) >= 3000
                    and 19358 <= days < 19723):   # 2023-01-01 .. 2023-12-31
                got['n_query_c'] += 1
    got['n_kommune'] = len(kommuner)
    got['min_date'], got['max_date'] = min_d, max_d
    bad = {k: (v, meta.get(k)) for k, v in got.items() if meta.get(k) != v}
    if bad:
        for k, (v, want) in sorted(bad.items()):
            print('MISMATCH %s: file has %s, meta says %s' % (k, v, want))
        sys.exit(1)
    print('%s: all %d figures match %s' % (path, len(got), meta_path))


if __name__ == '__main__':
    main()
