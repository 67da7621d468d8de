// bench/peers/load.mjs -- the peers' side of bench/run.sh: load one file
// produced by bench_gen_occ into memory with DuckDB or Polars and print one
// line `RESULT {json}` with the in-process load time, the CPU seconds it
// used (all threads), rows, column types and peak RSS.  The load statements are the ones recorded in the shared
// peers harness (research/perf.md, workloads (a) and (e)).
//
//   node bench/peers/load.mjs duckdb|polars THREADS FILE [dk]
//
// Polars sizes its thread pool from POLARS_MAX_THREADS, which must be set
// before the module loads; run.sh sets it.  'dk' reads the Danish variant
// (';', decimal comma, dd-mm-yyyy) with the options each engine needs.
import process from 'node:process';

const [engine, threadsArg, file, variant] = process.argv.slice(2);
const threads = Number(threadsArg);
const dk = variant === 'dk';
if (!['duckdb', 'polars'].includes(engine) || !(threads >= 1) || !file) {
  console.error('usage: node load.mjs duckdb|polars THREADS FILE [dk]');
  process.exit(2);
}
const now = () => performance.now() / 1000;
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const quoteSql = (s) => "'" + s.replaceAll("'", "''") + "'";
const res = { peer: `${engine}-t${threads}`, file, dk };

if (engine === 'duckdb') {
  const duckdb = await import('@duckdb/node-api');
  const inst = await duckdb.DuckDBInstance.create(':memory:', { threads: String(threads) });
  const con = await inst.connect();
  const src = dk
    ? `read_csv(${quoteSql(file)}, delim = ';', decimal_separator = ',', dateformat = '%d-%m-%Y')`
    : `read_csv(${quoteSql(file)})`;
  const c0 = cpu(), t0 = now();
  await con.run(`CREATE TABLE occ AS SELECT * FROM ${src}`);
  res.load_s = now() - t0;
  res.cpu_s = cpu() - c0;
  res.version = duckdb.version();
  const n = await con.runAndReadAll('SELECT count(*) FROM occ');
  res.rows = Number(n.getRowsJS()[0][0]);
  const d = await con.runAndReadAll('SELECT column_name, column_type FROM (DESCRIBE occ)');
  res.types = d.getRowsJS().map(([c, t]) => `${c}:${t}`).join(' ');
} else {
  const pl = (await import('nodejs-polars')).default;
  const c0 = cpu(), t0 = now();
  const df = dk
    ? pl.readCSV(file, { sep: ';', decimalComma: true, tryParseDates: true })
    : pl.readCSV(file, { tryParseDates: true });
  res.load_s = now() - t0;
  res.cpu_s = cpu() - c0;
  res.version = pl.version ?? '';
  res.rows = df.height;
  res.types = df.columns.map((c, i) => `${c}:${String(df.dtypes[i]).replace(/DataType\(|\)/g, '')}`)
    .join(' ');
}
res.maxrss_mib = Math.round(process.resourceUsage().maxRSS / 1024);
console.log('RESULT ' + JSON.stringify(res));
