// bench/peers/window.mjs -- DuckDB's side of bench_window: the same
// windows, derive and pivot over the table bench_window wrote (untimed load),
// each the median wall time of 3 runs with the process CPU time of that
// run, and the checksum bench_window prints (the sum of the non-NULL
// results; the derive's distinct strings; the pivot's shape). Ties in dato
// keep input order (ORDER BY dato, rid), as tegn's stable sort does.
//
//   node bench/peers/window.mjs THREADS CSV
import process from 'node:process';

const [threadsArg, csv] = process.argv.slice(2);
const threads = Number(threadsArg);
if (!(threads >= 1) || !csv) {
  console.error('usage: node window.mjs THREADS CSV');
  process.exit(2);
}
const duckdb = await import('@duckdb/node-api');
const inst = await duckdb.DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await inst.connect();
await con.run(`CREATE TABLE t AS SELECT * FROM read_csv('${csv}', header = true,
  columns = {'rid': 'BIGINT', 'tilbud_id': 'BIGINT', 'dato': 'DATE', 'dage': 'BIGINT'})`);
const n = (await con.runAndReadAll('SELECT count(*) AS n FROM t')).getRowObjectsJS()[0].n;
console.log(`${n} rows, ${threads} threads; DuckDB ${duckdb.version()}`);

const w = 'PARTITION BY tilbud_id ORDER BY dato, rid';
const queries = [
  ['row_number', `SELECT sum(x) AS a FROM (SELECT row_number() OVER (${w}) AS x FROM t)`],
  ['rank', 'SELECT sum(x) AS a FROM (SELECT rank() OVER (PARTITION BY tilbud_id ORDER BY dato) AS x FROM t)'],
  ['lag', `SELECT sum(x) AS a FROM (SELECT lag(dage, 3) OVER (${w}) AS x FROM t)`],
  ['cumsum', `SELECT sum(x) AS a FROM (SELECT sum(dage) OVER (${w} ROWS UNBOUNDED PRECEDING) AS x FROM t)`],
  ['rolling_mean', `SELECT sum(CASE WHEN c = 3 THEN x END) AS a FROM (SELECT
     avg(dage) OVER (${w} ROWS 2 PRECEDING) AS x, count(dage) OVER (${w} ROWS 2 PRECEDING) AS c FROM t)`],
  ['concat', `SELECT count(DISTINCT x) AS a FROM (SELECT concat(tilbud_id, '/',
     date_trunc('month', dato)::DATE) AS x FROM t)`],
  ['pivot sum', `SELECT count(*) AS a FROM (PIVOT (SELECT tilbud_id, date_trunc('month', dato)::DATE AS maaned,
     dage FROM t) ON maaned USING sum(dage) GROUP BY tilbud_id)`],
];
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
for (const [name, sql] of queries) {
  const runs = [];
  let answer;
  for (let rep = 0; rep < 3; rep++) {
    const w0 = performance.now() / 1000, c0 = cpu();
    const r = await con.runAndReadAll(sql);
    runs.push({ wall: performance.now() / 1000 - w0, cpu: cpu() - c0 });
    answer = r.getRowObjectsJS()[0].a;
  }
  runs.sort((x, y) => x.wall - y.wall);
  const m = runs[1];
  console.log(`${name.padEnd(14)} wall ${m.wall.toFixed(3).padStart(7)} s  cpu ${m.cpu.toFixed(3).padStart(7)} s  ${answer}`);
}
