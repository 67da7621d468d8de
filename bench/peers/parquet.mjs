// bench/peers/parquet.mjs CSV DIR: DuckDB writing the same table as Parquet with each
// codec, the table already in memory as tegn's is (bench/parquet.sh). One thread, as
// tegn's writer; CPU seconds of the process around the COPY, and wall seconds.
import { DuckDBInstance } from '@duckdb/node-api';
const [csv, dir] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
await c.run(`CREATE TABLE t AS SELECT * FROM read_csv('${csv}')`);
for (const codec of ['zstd', 'snappy', 'uncompressed']) {
  const u0 = process.cpuUsage(), w0 = performance.now();
  await c.run(`COPY t TO '${dir}/duckdb_${codec}.parquet' (FORMAT parquet, COMPRESSION ${codec})`);
  const u = process.cpuUsage(u0);
  console.log(`duckdb ${codec.slice(0, 6).padEnd(6)} ${((u.user + u.system) / 1e6).toFixed(2).padStart(8)} s cpu, ${((performance.now() - w0) / 1000).toFixed(2)} s wall`);
}
