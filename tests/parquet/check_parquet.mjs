// tests/parquet/check_parquet.mjs TEGN WORKDIR: tegn's Parquet files read by two
// independent readers, DuckDB (@duckdb/node-api) and hyparquet, and compared value by
// value with DuckDB's own reading of the CSV they came from (tests/parquet/README.md).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
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

// ---- dictionary encoding of numbers and dates, chosen per column chunk ----
// A second CSV whose columns each make a known choice in row groups of 70,000 rows
// (the last one 30,000): RLE_DICTIONARY when a chunk has at most 65,536 distinct values
// and the dictionary with its bit-packed indices is smaller than PLAIN, else PLAIN.
{
  const N2 = 100000, RG2 = 70000;
  const ext = ['-9223372036854775808', '9223372036854775807', '0', '-1'];
  const fxs = ['-0.0', '0.0', 'nan', 'inf', '-inf', '1e-300', '1.7976931348623157e308', '0.1', '-3.75'];
  const day = (base, k) => new Date(Date.UTC(base, 0, 1) + k * 86400000).toISOString().slice(0, 10);
  const lines2 = ['rid,lo,one,wide,dd,dl,fxs,fw,nul,nulf,nuld,part']; // fxs: fx as text (write.lua floats=)
  for (let i = 0; i < N2; i++) {
    lines2.push([
      String(i + 1),
      i % 19 === 5 ? '' : i < 4 ? ext[i] : String(1000 + (i * 7) % 40), // 44 values: dictionary
      '7', // one value: dictionary, 1-bit indices
      String(i % 70000), // 70,000 distinct in the first group: over 65,536, PLAIN
      day(1900, (i * 7919) % 60000), // 60,000 / 30,000 distinct dates: PLAIN is smaller
      i % 23 === 0 ? '' : day(1965, (i * 31) % 3000), // 3,000 dates across 1970: dictionary
      i % 29 === 0 ? '' : fxs[(i * 3 + Math.floor(i / 9)) % fxs.length], // -0, 0, NaN, ±inf: dictionary
      String(i + 0.5), // all distinct: PLAIN
      '', '', '', // all NULL: PLAIN (no values to encode)
      ['a', 'b', 'c'][i % 3],
    ].join(','));
  }
  const csv2 = path.join(work, 'enc.csv');
  fs.writeFileSync(csv2, lines2.join('\n') + '\n');
  const types = 'rid:int,lo:int,one:int,wide:int,dd:date,dl:date,fxs:string,fw:float,nul:int,nulf:float,nuld:date';
  const write2 = (out, extra) => run(['--param', `csv=${csv2}`, '--param', `out=${out}`, '--param', `types=${types}`,
    '--param', 'floats=fxs:fx', ...extra]);
  // fxt: -0.0 is not 0.0 as text (DuckDB's = finds them equal); NaN's sign is Lua's 0/0's, so left out
  const cols2 = `lo, one, wide, dd, dl, fx, CASE WHEN isnan(fx) THEN 'nan' ELSE fx::VARCHAR END AS fxt, fw, nul,
    nulf, nuld, part`;
  await q(`CREATE TABLE enc AS SELECT row_number() OVER () AS rn, * FROM read_csv('${csv2}', header = true,
    nullstr = '', columns = {rid: 'BIGINT', lo: 'BIGINT', one: 'BIGINT', wide: 'BIGINT', dd: 'DATE', dl: 'DATE', fx: 'DOUBLE',
    fw: 'DOUBLE', nul: 'BIGINT', nulf: 'DOUBLE', nuld: 'DATE', part: 'VARCHAR'})`);
  const same = async (rel, what, cols = cols2) => {
    const t = `(SELECT row_number() OVER () AS rn, ${cols} FROM ${rel})`;
    const s = `(SELECT rn, ${cols} FROM enc)`;
    const diff = await one(`SELECT (SELECT count(*) FROM (${s} EXCEPT ALL ${t}))
                                 + (SELECT count(*) FROM (${t} EXCEPT ALL ${s}))`);
    check(diff === '0', `${what}: every value and NULL as in the CSV, -0.0 and NaN included (${diff} differ)`);
  };
  // 'D' = RLE_DICTIONARY with a dictionary page, 'P' = PLAIN without one, per row group.
  const want = { rid: 'PP', lo: 'DD', one: 'DD', wide: 'PP', dd: 'PP', dl: 'DD', fx: 'DD', fw: 'PP', nul: 'PP', nulf: 'PP', nuld: 'PP', part: 'DD' };
  const encodings = async (f) => Object.fromEntries((await q(`SELECT path_in_schema,
      string_agg(CASE WHEN encodings LIKE '%RLE_DICTIONARY%' AND dictionary_page_offset IS NOT NULL THEN 'D'
                      WHEN encodings NOT LIKE '%DICTIONARY%' AND dictionary_page_offset IS NULL THEN 'P' ELSE '?' END,
                 '' ORDER BY row_group_id)
    FROM parquet_metadata('${f}') GROUP BY 1`)));
  for (const codec of ['zstd', 'none']) {
    const f = path.join(work, `enc_${codec}.parquet`);
    const r = write2(f, ['--param', `compression=${codec}`, '--param', `rows=${RG2}`]);
    check(r.status === 0, `encodings, ${codec}: tegn writes it`);
    await same(`read_parquet('${f}')`, `encodings, ${codec}: DuckDB`);
    const got = await encodings(f);
    const bad = Object.keys(want).filter((c) => got[c] !== want[c]);
    check(bad.length === 0, `encodings, ${codec}: each chunk dictionary or PLAIN as expected` +
      (bad.length ? ` (${bad.map((c) => `${c} ${got[c]}, want ${want[c]}`).join('; ')})` : ''));
  }
  {
    // Statistics from the dictionary (or the values): min, max without NaN, NULL count.
    const f = path.join(work, 'enc_zstd.parquet');
    let bad = 0;
    for (const [col, type] of [['lo', 'BIGINT'], ['one', 'BIGINT'], ['wide', 'BIGINT'], ['dd', 'DATE'], ['dl', 'DATE'],
      ['fw', 'DOUBLE'], ['nul', 'BIGINT'], ['nulf', 'DOUBLE'], ['nuld', 'DATE']]) {
      const v = type === 'DOUBLE' ? `CASE WHEN isnan(${col}) THEN NULL ELSE ${col} END` : col;
      const n = await one(`WITH m AS (SELECT row_group_id AS g, stats_min_value AS lo, stats_max_value AS hi,
          stats_null_count AS nulls FROM parquet_metadata('${f}') WHERE path_in_schema = '${col}'),
        e AS (SELECT (rn - 1) // ${RG2} AS g, min(${v}) AS lo, max(${v}) AS hi, count(*) - count(${col}) AS nulls
          FROM enc GROUP BY 1)
        SELECT count(*) FROM e JOIN m USING (g)
        WHERE e.lo IS DISTINCT FROM TRY_CAST(m.lo AS ${type}) OR e.hi IS DISTINCT FROM TRY_CAST(m.hi AS ${type})
           OR e.nulls <> m.nulls`);
      if (n !== '0') { bad++; console.log(`  ${col}: ${n} row groups with wrong statistics`); }
    }
    // DuckDB's parquet_metadata leaves out fx's infinite min and max: hyparquet reads the footer.
    const meta = await parquetMetadataAsync(await asyncBufferFromFile(f));
    const e = await q(`SELECT min(fx) FILTER (NOT isnan(fx)), max(fx) FILTER (NOT isnan(fx)),
      count(*) - count(fx) FROM enc GROUP BY (rn - 1) // ${RG2} ORDER BY (rn - 1) // ${RG2}`);
    meta.row_groups.forEach((g, i) => {
      const s = g.columns.find((c) => c.meta_data.path_in_schema[0] === 'fx').meta_data.statistics;
      const [lo, hi, nulls] = e[i];
      if (!Object.is(s.min_value, Number(lo)) || !Object.is(s.max_value, Number(hi)) || String(s.null_count) !== nulls) {
        bad++;
        console.log(`  fx, row group ${i}: ${s.min_value} .. ${s.max_value}, ${s.null_count} NULL; want ${lo} .. ${hi}, ${nulls}`);
      }
    });
    check(bad === 0, 'encodings: min, max (NaN left out) and NULL count of every chunk as computed from the CSV');
  }
  {
    // The second reader, value by value: Object.is tells -0 from 0 and finds NaN equal to NaN.
    const f = path.join(work, 'enc_none.parquet');
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(f), compressors });
    const src = await q(`SELECT lo::VARCHAR, one::VARCHAR, wide::VARCHAR, dd::VARCHAR, dl::VARCHAR, fx, fw,
      nul::VARCHAR, nulf, nuld::VARCHAR, part FROM enc ORDER BY rn`);
    const names = ['lo', 'one', 'wide', 'dd', 'dl', 'fx', 'fw', 'nul', 'nulf', 'nuld', 'part'];
    const norm = (v) => v === null || v === undefined ? null : typeof v === 'bigint' ? String(v)
      : v instanceof Date ? v.toISOString().slice(0, 10) : v;
    const num = (v) => v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v;
    let bad = 0;
    rows.forEach((r, i) => names.forEach((c, k) => {
      const a = norm(r[c]), b = num(src[i][k]);
      if (!Object.is(a, b) && bad++ < 5) console.log(`  row ${i + 1} ${c}: hyparquet ${a}, CSV ${b}`);
    }));
    check(rows.length === N2 && bad === 0, `encodings: hyparquet reads ${rows.length} rows, ${bad} values differ`);
  }
  {
    // Partitioned: each part file chooses per chunk too (33,333 rows, one row group).
    const dir = path.join(work, 'enc_parts');
    const r = write2(dir, ['--param', 'part=part']);
    check(r.status === 0, 'encodings, partitioned: written');
    const rel = `read_parquet('${dir}/**/*.parquet', hive_partitioning = true, hive_types = {'part': VARCHAR})`;
    const diff = await one(`SELECT (SELECT count(*) FROM ${rel}) - ${N2} + (SELECT count(*) FROM (
      (SELECT ${cols2} FROM enc) EXCEPT ALL (SELECT ${cols2} FROM ${rel})))`);
    check(diff === '0', `encodings, partitioned: all ${N2} rows back, -0.0 and NaN included (${diff} differ)`);
    let bad = 0;
    for (const p of ['a', 'b', 'c']) {
      const got = await encodings(path.join(dir, `part=${p}`, 'part-0.parquet'));
      for (const [c, w] of Object.entries({ lo: 'D', one: 'D', dl: 'D', fx: 'D', fw: 'P', nul: 'P' }))
        if (got[c] !== w && bad++ < 5) console.log(`  part=${p} ${c}: ${got[c]}, want ${w}`);
    }
    check(bad === 0, 'encodings, partitioned: each part file chooses per chunk as expected');
  }
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
