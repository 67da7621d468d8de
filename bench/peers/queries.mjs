// bench/peers/queries.mjs -- the peers' side of bench/queries.sh: load the
// generated occupancy CSV and the tilbud table into DuckDB or Polars as the
// shared peers harness does (research/perf.md, workload (a)), then run
// queries (b), (c) and (d) REPS times each and print one line
// `RESULT {json}`: in-process load seconds, median and first-run seconds per
// query, answer sizes and checksums, peak RSS.  The last answer of each query
// is written to OUTDIR/<query>.csv (month as an ISO date) for comparison.
//
//   node bench/peers/queries.mjs duckdb|polars THREADS OCC_CSV TILBUD_CSV OUTDIR [REPS]
//
// DuckDB runs the statements of the shared duckdb.sql verbatim (blocks
// a_load, a_load_tilbud, b_groupby, c_filter_count, d_join_rate), read at
// run time from PEERS_SQL (default ../shared/peers/peers/duckdb.sql next to
// the repository).  Polars runs the expressions recorded in the shared
// polars.mjs.  Polars sizes its pool from POLARS_MAX_THREADS, which must be
// set before the module loads; queries.sh sets it.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';

const [engine, threadsArg, csv, tilbudCsv, outDir, repsArg] = process.argv.slice(2);
const threads = Number(threadsArg);
const reps = Number(repsArg || 3);
if (!['duckdb', 'polars'].includes(engine) || !(threads >= 1) || !csv || !tilbudCsv || !outDir) {
  console.error('usage: node queries.mjs duckdb|polars THREADS OCC_CSV TILBUD_CSV OUTDIR [REPS]');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
const here = path.dirname(new URL(import.meta.url).pathname);
const now = () => performance.now() / 1000;
const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

// A month or date cell as YYYY-MM-DD, whatever the binding hands back
// (JS Date, DuckDB date/timestamp value objects).
function isoDay(v) {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).slice(0, 10);
}
function cell(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(17);
  const s = String(v);
  return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}
// rows: array of objects with tilbud_id, month, occupied_days and `val`
// (mean_takst or rate), the columns compared across engines.
function save(name, valName, rows) {
  const lines = [`tilbud_id,month,occupied_days,${valName}`];
  for (const r of rows) lines.push([r.tilbud_id, isoDay(r.month), r.occupied_days, r.val].map(cell).join(','));
  fs.writeFileSync(path.join(outDir, name + '.csv'), lines.join('\n') + '\n');
}
function summary(rows) {
  let days = 0, val = 0;
  for (const r of rows) { days += Number(r.occupied_days); val += Number(r.val); }
  return { rows: rows.length, sum_occupied_days: days, sum_val: val };
}

const res = { peer: `${engine}-t${threads}`, file: csv, reps };
const t0 = now();
let run;   // name -> async function returning the query's raw result
let toRows; // name, raw -> array of {tilbud_id, month, occupied_days, val} or a count

if (engine === 'duckdb') {
  const duckdb = await import('@duckdb/node-api');
  const sqlFile = process.env.PEERS_SQL || path.join(here, '..', '..', '..', 'shared', 'peers', 'peers', 'duckdb.sql');
  const sqlText = fs.readFileSync(sqlFile, 'utf8')
    .replaceAll('@CSV@', csv).replaceAll('@TILBUD@', tilbudCsv);
  const Q = {};
  for (const part of sqlText.split(/^-- name: /m).slice(1)) {
    const name = part.slice(0, part.indexOf('\n')).trim();
    Q[name] = part.slice(part.indexOf('\n') + 1);
  }
  const inst = await duckdb.DuckDBInstance.create(':memory:', { threads: String(threads) });
  const con = await inst.connect();
  res.version = duckdb.version();
  res.startup_s = now() - t0;
  let t = now();
  await con.run(Q.a_load);
  res.a_load_s = now() - t;
  t = now();
  await con.run(Q.a_load_tilbud);
  res.a_load_tilbud_s = now() - t;
  run = async (q) => con.runAndReadAll(Q[q]);
  toRows = (q, r) => {
    const objs = r.getRowObjectsJS();
    if (q === 'c_filter_count') return Number(objs[0].n);
    const v = q === 'b_groupby' ? 'mean_takst' : 'rate';
    return objs.map((o) => ({ tilbud_id: o.tilbud_id, month: o.month, occupied_days: o.occupied_days, val: o[v] }));
  };
} else {
  const pl = (await import('nodejs-polars')).default;
  res.version = pl.version ?? '';
  res.startup_s = now() - t0;
  // (a), (b), (c), (d): the expressions of the shared polars.mjs.
  let t = now();
  const df = pl.readCSV(csv, { tryParseDates: true });
  res.a_load_s = now() - t;
  t = now();
  const tilbud = pl.readCSV(tilbudCsv);
  res.a_load_tilbud_s = now() - t;
  const qB = () => df.lazy()
    .filter(pl.col('status').eq(pl.lit('belagt')))
    .groupBy([pl.col('tilbud_id'), pl.col('date').dt.truncate('1mo').alias('month')])
    .agg(pl.len().alias('occupied_days'), pl.col('takst_kr').mean().alias('mean_takst'))
    .sort(['tilbud_id', 'month'])
    .collectSync();
  const d2023 = new Date(Date.UTC(2023, 0, 1)), d2024 = new Date(Date.UTC(2024, 0, 1));
  const qC = () => df.lazy()
    .filter(pl.col('status').eq(pl.lit('belagt'))
      .and(pl.col('kommune').eq(pl.lit('Høje-Taastrup')))
      .and(pl.col('takst_kr').gtEq(3000))
      .and(pl.col('date').gtEq(pl.lit(d2023).cast(pl.Date)))
      .and(pl.col('date').lt(pl.lit(d2024).cast(pl.Date))))
    .select(pl.len().alias('n'))
    .collectSync();
  const qD = () => {
    const m = pl.col('month').dt.month(), y = pl.col('month').dt.year();
    const leap = y.modulo(4).eq(0).and(y.modulo(100).neq(0).or(y.modulo(400).eq(0)));
    const dim = pl.when(m.eq(2)).then(pl.when(leap).then(pl.lit(29)).otherwise(pl.lit(28)))
      .when(m.isIn([4, 6, 9, 11])).then(pl.lit(30)).otherwise(pl.lit(31));
    return df.lazy()
      .filter(pl.col('status').eq(pl.lit('belagt')))
      .groupBy([pl.col('tilbud_id'), pl.col('date').dt.truncate('1mo').alias('month')])
      .agg(pl.len().alias('occupied_days'))
      .join(tilbud.lazy().select('tilbud_id', 'normerede_pladser'), { on: 'tilbud_id' })
      .withColumns(pl.col('occupied_days').div(pl.col('normerede_pladser').mul(dim)).alias('rate'))
      .select('tilbud_id', 'month', 'occupied_days', 'normerede_pladser', 'rate')
      .sort(['tilbud_id', 'month'])
      .collectSync();
  };
  const Qs = { b_groupby: qB, c_filter_count: qC, d_join_rate: qD };
  run = async (q) => Qs[q]();
  toRows = (q, r) => {
    if (q === 'c_filter_count') return Number(r.getColumn('n').toArray()[0]);
    const col = (c) => r.getColumn(c).toArray();
    const ids = col('tilbud_id'), months = col('month'), days = col('occupied_days');
    const vals = col(q === 'b_groupby' ? 'mean_takst' : 'rate');
    return ids.map((id, i) => ({ tilbud_id: id, month: months[i], occupied_days: days[i], val: vals[i] }));
  };
}

for (const q of ['b_groupby', 'c_filter_count', 'd_join_rate']) {
  const ts = [];
  let r;
  for (let i = 0; i < reps; i++) {
    const t = now();
    r = await run(q);
    ts.push(now() - t);
  }
  res[q + '_first_s'] = ts[0];
  res[q + '_s'] = median(ts);
  const ans = toRows(q, r);
  if (typeof ans === 'number') {
    res[q + '_answer'] = ans;
    fs.writeFileSync(path.join(outDir, q + '.csv'), `n\n${ans}\n`);
  } else {
    const s = summary(ans);
    res[q + '_answer'] = s.rows;
    res[q + '_sum_occupied_days'] = s.sum_occupied_days;
    res[q + (q === 'b_groupby' ? '_sum_mean_takst' : '_sum_rate')] = Number(s.sum_val.toFixed(6));
    save(q, q === 'b_groupby' ? 'mean_takst' : 'rate', ans);
  }
}
res.total_inproc_s = now() - t0;
res.maxrss_mib = Math.round(process.resourceUsage().maxRSS / 1024);
console.log('RESULT ' + JSON.stringify(res));
