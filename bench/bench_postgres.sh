#!/bin/sh
# bench/bench_postgres.sh [ROWS] -- reading (and writing) a PostgreSQL table
# of ROWS rows (default 1000000; int, float, text with æøå, date, bool)
# with tegn and with its peers in the same run, against a throwaway
# PostgreSQL 15 (tests/postgres/server.sh), best of RUNS (3) rounds:
#   read_postgres         tegn.read_postgres("SELECT * FROM big"): binary COPY
#   read_postgres $1      the same with a parameter: the cursor, 20 000 rows a FETCH
#   \copy csv + read_csv  psql \copy to a CSV file, then tegn.read_csv of it
#   \copy binary          psql \copy to /dev/null in binary: the server's floor
#   write_postgres        t:write_postgres of the table read (COPY FROM STDIN)
#   \copy from csv        psql \copy of the CSV into an empty table
# Needs build/tegn (make build) and postgresql-15.
set -eu
rows=${1:-1000000}
runs=${RUNS:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
tegn=$root/build/tegn
dir=$(mktemp -d /tmp/tegn-pgbench.XXXXXX)
bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
stop() {
    if [ -f "$dir/data/postmaster.pid" ]; then
        if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null
        else "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null; fi
    fi
    rm -rf "$dir"
}
trap stop EXIT
sh "$root/tests/postgres/server.sh" "$dir"
export PGSERVICEFILE="$dir/pg_service.conf"
q() { psql service=tegntest -X -q -v ON_ERROR_STOP=1 "$@"; }
q -c "CREATE TABLE big AS SELECT i AS id, i * 0.25::float8 AS x,
      'tekst ' || (i % 1000) || ' æøå' AS tekst, DATE '2020-01-01' + (i % 1000) AS dag,
      i % 3 = 0 AS lige FROM generate_series(1, $rows) i" -c "VACUUM ANALYZE big"
mkdir -p "$dir/w"
cd "$dir/w"
echo 'local t = tegn.read_postgres("tegntest", "SELECT * FROM big")' >copy.lua
echo 'local t = tegn.read_postgres("tegntest", "SELECT * FROM big WHERE id > $1", { 0 })' >cursor.lua
echo 'local t = tegn.read_csv("big.csv")' >csv.lua
echo 'tegn.read_postgres("tegntest", "SELECT * FROM big"):write_postgres("tegntest", "big2", { mode = "replace" })' >write.lua
# seconds of one command (wall, then CPU of user + system), with /usr/bin/time
timed() { /usr/bin/time -f "%e %U %S" -o "$dir/t" "$@" >/dev/null; awk '{ printf "%s %.2f", $1, $2 + $3 }' "$dir/t"; }
best() { # name, then the command; prints the best wall time of $runs and its CPU
    name=$1; shift; b=""
    for _ in $(seq "$runs"); do
        r=$(timed "$@"); w=${r% *}
        if [ -z "$b" ] || awk -v a="$w" -v b="${b% *}" 'BEGIN { exit !(a < b) }'; then b=$r; fi
    done
    printf '| %-24s | %6s s | %6s s |\n' "$name" "${b% *}" "${b#* }"
}
echo "PostgreSQL 15, $rows rows x 5 columns, best of $runs (wall, CPU of the client)"
echo "| way | wall | CPU |"
echo "|---|---|---|"
best "read_postgres" "$tegn" run copy.lua --allow-db tegntest
best "read_postgres \$1" "$tegn" run cursor.lua --allow-db tegntest
best "\\copy csv" psql service=tegntest -X -q -c "\\copy big TO 'big.csv' (FORMAT csv, HEADER)"
best "read_csv of it" "$tegn" run csv.lua
best "\\copy binary (floor)" psql service=tegntest -X -q -c "\\copy big TO '/dev/null' (FORMAT binary)"
best "write_postgres (+read)" "$tegn" run write.lua --allow-db-write tegntest
q -c "CREATE TABLE big3 (LIKE big)"
best "\\copy from csv" sh -c "psql service=tegntest -X -q -c 'TRUNCATE big3' -c \"\\\\copy big3 FROM 'big.csv' (FORMAT csv, HEADER)\""
