#!/bin/sh
# tests/postgres/run.sh TEGN -- read_postgres and write_postgres against a
# real PostgreSQL 15: a throwaway server (server.sh) in a temporary folder,
# the fixtures (fixtures.sql), then the cases of check.py; the server is
# stopped and the folder removed on any exit (trap). Without the server
# binaries the test is skipped (exit 77) unless CI is set, where it fails.
set -eu
tegn=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$bin/initdb" ] || ! command -v psql >/dev/null; then
    if [ -n "${CI:-}" ]; then
        echo "postgres: $bin/initdb or psql missing (Debian postgresql-15), and CI is set" >&2
        exit 1
    fi
    echo "postgres: skipped: no PostgreSQL 15 server binaries ($bin/initdb; apt install postgresql-15)"
    exit 77
fi
dir=$(mktemp -d /tmp/tegn-pg.XXXXXX)
stop() {
    if [ -f "$dir/data/postmaster.pid" ]; then
        if [ "$(id -u)" = 0 ]; then
            runuser -u nobody -- "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
        else
            "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
        fi
    fi
    rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM
sh "$here/server.sh" "$dir"
export PGSERVICEFILE="$dir/pg_service.conf"
unset PGSERVICE PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD 2>/dev/null || true
psql service=tegntest -X -q -v ON_ERROR_STOP=1 -f "$here/fixtures.sql"
/usr/bin/python3 "$here/check.py" "$tegn" "$dir"
