// tests/parquet/check_parquet.mjs TEGN WORKDIR: tegn's Parquet files read by two
// independent readers, DuckDB (@duckdb/node-api) and hyparquet, and compared value by
// value with DuckDB's own reading of the CSV they came from (tests/parquet/README.md).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const [tegn, work] = process.argv.slice(2).map((p) => path.resolve(p));
const here = path.dirname(new URL(import.meta.url).pathname);
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
let failures = 0;
const check = (ok, what) => {
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
};
const sha = (f) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

// ---- the data: every type, NULLs, extremes, Danish text, many distinct strings ----
const N = 300000; // over two data pages (131,072 rows) and several row groups
let seed = 12345; // mulberry32: exact in 32-bit integer arithmetic, so every run makes the same file
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const words = ['Holbæk', 'Høje-Taastrup', 'Ærø', 'Søborg "Nord"', 'a,b', 'Ølstykke', 'x'];
const lines = ['id,x,d,b,s,kommune,key'];
for (let i = 0; i < N; i++) {
  const id = i === 1 ? '9223372036854775807' : i === 2 ? '-9223372036854775808'
    : rnd() < 0.05 ? '' : String(Math.floor(rnd() * 1e8) - 5e7);
  const x = i === 3 ? '-0.0' : i === 4 ? '1e-300' : i === 5 ? '1.7976931348623157e308'
    : rnd() < 0.05 ? '' : (rnd() * 1e6 - 5e5).toFixed(3);
  const day = Math.floor(rnd() * 60000) - 25567; // 1900 .. 2134
  const d = i === 6 ? '2024-02-29' : i === 7 ? '1969-12-31' : rnd() < 0.05 ? ''
    : new Date(day * 86400000).toISOString().slice(0, 10);
  const b = rnd() < 0.05 ? '' : rnd() < 0.5 ? 'true' : 'false';
  const w = words[Math.floor(rnd() * words.length)];
  const s = rnd() < 0.05 ? '' : /[",]/.test(w) ? `"${w.replace(/"/g, '""')}"` : w;
  const k = ['Holbæk', 'Roskilde', 'Næstved/Syd', ''][Math.floor(rnd() * 4)];
  lines.push([id, x, d, b, s, k, `k${Math.floor(rnd() * 70000)}`].join(','));
}
const csv = path.join(work, 'data.csv');
fs.writeFileSync(csv, lines.join('\n') + '\n');

function run(args, expectOk = true) {
  const r = spawnSync(tegn, ['run', path.join(here, 'write.lua'), '--allow-read', work,
    '--allow-write', work, ...args], { encoding: 'utf8' });
  if (expectOk && r.status !== 0) console.log(r.stderr);
  return r;
}
const write = (out, extra = []) => run(['--param', `csv=${csv}`, '--param', `out=${out}`, ...extra]);

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const q = async (sql) => (await con.runAndReadAll(sql)).getRowsJson();
const one = async (sql) => (await q(sql))[0][0];
await q(`CREATE TABLE src AS SELECT row_number() OVER () AS rn, * FROM read_csv('${csv}',
  header = true, nullstr = '', columns = {id: 'BIGINT', x: 'DOUBLE', d: 'DATE', b: 'BOOLEAN',
  s: 'VARCHAR', kommune: 'VARCHAR', key: 'VARCHAR'})`);
check(await one('SELECT count(*) FROM src') === String(N), `DuckDB reads the ${N}-row CSV`);

// Rows of 'rel' equal src's, in order, NULLs included (EXCEPT compares NULL as equal).
async function sameAsSource(rel, what, cols = 'id, x, d, b, s, kommune, key') {
  const t = `(SELECT row_number() OVER () AS rn, ${cols} FROM ${rel})`;
  const s = `(SELECT rn, ${cols} FROM src)`;
  const diff = await one(`SELECT (SELECT count(*) FROM (${s} EXCEPT ALL ${t}))
                               + (SELECT count(*) FROM (${t} EXCEPT ALL ${s}))`);
  check(diff === '0', `${what}: every value and NULL as in the CSV (${diff} differ)`);
}

// ---- one file per codec, several row groups ----
const RG = 100000;
for (const codec of ['zstd', 'snappy', 'none']) {
  const f = path.join(work, `t_${codec}.parquet`);
  const r = write(f, ['--param', `compression=${codec}`, '--param', `rows=${RG}`]);
  check(r.status === 0, `${codec}: tegn writes it`);
  await sameAsSource(`read_parquet('${f}')`, `${codec}: DuckDB`);
  const types = (await q(`DESCRIBE SELECT * FROM read_parquet('${f}')`)).map((r) => r[1]).join(' ');
  check(types === 'BIGINT DOUBLE DATE BOOLEAN VARCHAR VARCHAR VARCHAR', `${codec}: exact types (${types})`);
  const meta = await q(`SELECT DISTINCT compression FROM parquet_metadata('${f}')`);
  check(meta.length === 1 && meta[0][0] === { zstd: 'ZSTD', snappy: 'SNAPPY', none: 'UNCOMPRESSED' }[codec],
    `${codec}: the pages say ${meta[0][0]}`);
  const groups = await one(`SELECT count(DISTINCT row_group_id) FROM parquet_metadata('${f}')`);
  check(groups === String(Math.ceil(N / RG)), `${codec}: ${groups} row groups of ${RG} rows`);
}

// ---- the second reader: hyparquet, row by row against DuckDB's reading of the CSV ----
{
  const f = path.join(work, 't_zstd.parquet');
  const rows = await parquetReadObjects({ file: await asyncBufferFromFile(f), compressors });
  const src = await q('SELECT id::VARCHAR, x, d::VARCHAR, b, s, kommune, key FROM src ORDER BY rn');
  let bad = 0;
  const norm = (v) => v === null || v === undefined ? null
    : typeof v === 'bigint' ? String(v) : v instanceof Date ? v.toISOString().slice(0, 10) : v;
  rows.forEach((r, i) => {
    const got = [r.id, r.x, r.d, r.b, r.s, r.kommune, r.key].map(norm);
    const want = src[i].map((v) => (v === null ? null : v));
    for (let k = 0; k < 7; k++) {
      const a = got[k], b = want[k];
      const same = k === 1 && a !== null && b !== null ? Number(a) === Number(b) : a === b;
      if (!same && bad++ < 5) console.log(`  row ${i + 1} col ${k}: hyparquet ${a}, CSV ${b}`);
    }
  });
  check(rows.length === N && bad === 0, `hyparquet: ${rows.length} rows, ${bad} values differ`);
  check(Object.is(rows[3].x, -0), 'hyparquet: -0.0 stays negative zero');
}

// ---- statistics: min, max and NULL count per row group and column ----
{
  const f = path.join(work, 't_snappy.parquet');
  let bad = 0;
  for (const [col, type] of [['id', 'BIGINT'], ['x', 'DOUBLE'], ['d', 'DATE'], ['s', 'VARCHAR'], ['key', 'VARCHAR']]) {
    const sql = `WITH m AS (SELECT row_group_id AS g, stats_min_value AS lo, stats_max_value AS hi,
        stats_null_count AS nulls FROM parquet_metadata('${f}') WHERE path_in_schema = '${col}'),
      e AS (SELECT (rn - 1) // ${RG} AS g, min(${col}) AS lo, max(${col}) AS hi,
        count(*) - count(${col}) AS nulls FROM src GROUP BY 1)
      SELECT count(*) FROM e JOIN m USING (g)
      WHERE e.lo IS DISTINCT FROM TRY_CAST(m.lo AS ${type}) OR e.hi IS DISTINCT FROM TRY_CAST(m.hi AS ${type})
         OR e.nulls <> m.nulls`;
    const n = await one(sql);
    if (n !== '0') { bad++; console.log(`  ${col}: ${n} row groups with wrong statistics`); }
  }
  check(bad === 0, 'statistics: min, max and NULL count of every chunk as computed from the CSV');
}

// ---- provenance in the key-value metadata, and the same bytes every time ----
{
  const f = path.join(work, 't_zstd.parquet');
  const kv = Object.fromEntries((await q(`SELECT key::VARCHAR, value::VARCHAR FROM parquet_kv_metadata('${f}')`)));
  const version = execFileSync(tegn, ['--version'], { encoding: 'utf8' }).trim().split(/\s+/).pop();
  check(kv['tegn.version'] === version, `metadata: tegn.version ${kv['tegn.version']}`);
  check(kv['tegn.script_sha256'] === sha(path.join(here, 'write.lua')), 'metadata: the script\'s SHA-256');
  const inputs = JSON.parse(kv['tegn.inputs'].replace(/\\x22/g, '"'));
  check(inputs.length === 1 && inputs[0].path === csv && inputs[0].sha256 === sha(csv),
    'metadata: the input with its SHA-256');
  const g = path.join(work, 'again.parquet');
  write(g, ['--param', 'compression=zstd', '--param', `rows=${RG}`]);
  check(sha(f) === sha(g), 'the same run writes the same bytes');
}

// ---- partitioned: hive folders read back by DuckDB ----
{
  const dir = path.join(work, 'parts');
  let r = write(dir, ['--param', 'part=kommune,b']);
  check(r.status === 0, 'partition_by kommune, b: written');
  const files = execFileSync('find', [dir, '-name', '*.parquet'], { encoding: 'utf8' }).trim().split('\n');
  check(files.length === 4 * 3, `partitions: ${files.length} files, 4 kommuner × (true, false, NULL)`);
  check(fs.existsSync(path.join(dir, 'kommune=N%C3%A6stved%2FSyd')) === false &&
        fs.existsSync(path.join(dir, 'kommune=Næstved%2FSyd')),
        'partitions: "/" escaped as %2F, æ kept, as Hive does');
  check(fs.existsSync(path.join(dir, 'kommune=__HIVE_DEFAULT_PARTITION__')), 'partitions: NULL and "" as __HIVE_DEFAULT_PARTITION__');
  const rel = `(SELECT * REPLACE (CASE WHEN kommune IS NULL THEN NULL ELSE replace(kommune, '%2F', '/') END AS kommune)
    FROM read_parquet('${dir}/**/*.parquet', hive_partitioning = true, hive_types = {'kommune': VARCHAR, 'b': BOOLEAN}))`;
  const n = await one(`SELECT count(*) FROM ${rel}`);
  check(n === String(N), `partitions: DuckDB reads all ${n} rows`);
  const diff = await one(`SELECT count(*) FROM (
      (SELECT id, x, d, b, s, CASE WHEN kommune = '' THEN NULL ELSE kommune END, key FROM src)
      EXCEPT ALL (SELECT id, x, d, b, s, kommune, key FROM ${rel}))`);
  check(diff === '0', `partitions: every row in its partition (${diff} differ)`);
  // Written again over the earlier data set: replaced whole.
  fs.writeFileSync(path.join(work, 'marker'), '');
  r = write(dir, ['--param', 'part=kommune']);
  check(r.status === 0 && !fs.existsSync(path.join(dir, 'kommune=Holbæk', 'b=true')),
    'partitions: a new write replaces the earlier data set');
  // A folder holding anything else is never replaced.
  const mine = path.join(work, 'mine');
  fs.mkdirSync(mine);
  fs.writeFileSync(path.join(mine, 'notes.txt'), 'keep');
  r = write(mine, ['--param', 'part=kommune'], false);
  check(r.status !== 0 && /something else than an earlier data set/.test(r.stderr) &&
        fs.readFileSync(path.join(mine, 'notes.txt'), 'utf8') === 'keep',
        `partitions: a folder of other files is refused and kept (exit ${r.status})`);
  // Too many partitions: refused before anything is written.
  const before = execFileSync('sh', ['-c', `cd ${dir} && find . -type f | sort | xargs sha256sum`]);
  r = write(dir, ['--param', 'part=key'], false);
  check(r.status !== 0 && /more than 10000 folders/.test(r.stderr),
    `partitions: more than 10,000 folders refused (exit ${r.status})`);
  // A write that fails half way (its last partition's folder name is too long for the
  // file system) leaves the old data set byte-identical and no temporary folder behind.
  const long = path.join(work, 'long.csv');
  fs.writeFileSync(long, `kommune,v\nHolbæk,1\nRoskilde,2\n${'x'.repeat(300)},3\n`);
  r = run(['--param', `csv=${long}`, '--param', `out=${dir}`, '--param', 'part=kommune'], false);
  const after = execFileSync('sh', ['-c', `cd ${dir} && find . -type f | sort | xargs sha256sum`]);
  const left = fs.readdirSync(work).filter((f) => f.includes('tegn-tmp'));
  check(r.status !== 0 && /name too long/i.test(r.stderr) && before.equals(after) && left.length === 0,
    `partitions: a write failing half way (exit ${r.status}) leaves the data set byte-identical, no temporary folder`);
}

// ---- errors ----
{
  const f = path.join(work, 't_zstd.parquet');
  const before = sha(f);
  let r = write(f, ['--param', 'compression=lz4'], false);
  check(r.status !== 0 && /compression/.test(r.stderr) && sha(f) === before,
    `an unknown compression is an error naming the option, the file untouched (exit ${r.status})`);
  r = write(path.join(work, 'no', 'such', 'x.parquet'), [], false);
  check(r.status === 0 || /no|exist/.test(r.stderr), 'a missing folder: made or reported');
  r = write(f, ['--param', 'rows=0'], false);
  check(r.status !== 0 && /row_group_rows/.test(r.stderr) && sha(f) === before,
    `row_group_rows = 0 is refused (exit ${r.status})`);
}

await con.closeSync?.();
console.log(failures ? `${failures} FAILED` : 'all passed');
process.exit(failures ? 1 : 0);
