#!/bin/sh
# tests/postgres/server.sh DIR -- starts a throwaway PostgreSQL 15 in DIR (made
# by the caller, empty): initdb and pg_ctl as a non-root user (the server
# refuses root: 'nobody' under runuser when we are root), trust auth, no TCP,
# its socket in DIR on a random port. Writes DIR/pg_service.conf with the
# service [tegntest] and prints nothing on success. Stop it with
#   pg_ctl -D DIR/data stop  (as the same user; run.sh's trap does it).
set -eu
dir=$1
bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
as_user() {
    if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown nobody "$dir"
chmod 755 "$dir"
as_user "$bin/initdb" -D "$dir/data" -U tegn_test --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
# A random port: with no TCP it only names the socket in $dir, so runs in
# parallel cannot collide; a start that fails anyway (a loaded machine missing
# the 60 s wait) is tried again.
started=0
for _ in 1 2 3 4 5; do
    port=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 20000))
    if as_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-k $dir -p $port -c listen_addresses= -c fsync=off" start >/dev/null; then
        started=1
        break
    fi
done
[ "$started" = 1 ] || { cat "$dir/server.log" >&2; exit 1; }
cat >"$dir/pg_service.conf" <<CONF
[tegntest]
host=$dir
port=$port
dbname=postgres
user=tegn_test
CONF
echo "$port" >"$dir/port"
