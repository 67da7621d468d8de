#!/bin/sh
# check_dry.sh TEGN -- `tegn check --data` runs the script on the first
# 1000 rows of each input and writes nothing: a script that writes a
# CSV file, a workbook, a SQLite table and a Parquet file and emits a document, checked
# with --out in a scratch folder, leaves that folder empty; the same
# script run with `tegn run` fills it (so the writes were real ones). A
# CSV input of 5000 rows whose row 3000 does not fit the column's type
# shows that only the sample was read: check passes, the run fails.
set -u
tegn=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "check_dry: $*"; exit 1; }
mkdir "$tmp/ud"
{
    echo "id;n"
    i=1
    while [ $i -le 5000 ]; do
        if [ $i = 3000 ]; then echo "$i;tre"; else echo "$i;$i"; fi
        i=$((i + 1))
    done
} >"$tmp/data.csv"
cat >"$tmp/script.lua" <<'LUA'
local t = tegn.read_csv("data.csv", { types = { n = "int" } })
t:write_csv("ud/t.csv")
t:write_xlsx("ud/t.xlsx")
t:write_sqlite("ud/t.db", "t")
t:write_parquet("ud/t.parquet")
tegn.emit{ n = #t }
LUA
cd "$tmp" || exit 2
out=$("$tegn" check script.lua --data --out ud/doc.json) || fail "check failed: $out"
[ "$out" = "script.lua: ok (ran on the first 1000 rows of each input; wrote nothing)" ] ||
    fail "unexpected output: $out"
[ -z "$(ls -A ud)" ] || fail "check --data wrote: $(ls -A ud)"
"$tegn" run script.lua --out ud/doc.json 2>/dev/null && fail "the full run read past row 3000"
sed -i 's/^3000;tre$/3000;3000/' data.csv
"$tegn" run script.lua --out ud/doc.json 2>/dev/null || fail "the full run failed"
[ "$(ls ud | tr '\n' ' ')" = "doc.json t.csv t.db t.parquet t.xlsx " ] || fail "run wrote: $(ls ud)"
# A SQLite table is read whole and cut to the sample: 5000 rows made by
# tegn itself, a script that fails on more than 1000.
"$tegn" run --allow-write . -e 'local t = tegn.read_csv("data.csv") t:write_sqlite("db.sqlite", "t")' \
    --quiet >/dev/null || fail "cannot make the SQLite input"
"$tegn" run -e 'assert(#tegn.read_sqlite("db.sqlite", "t") == 5000)' --quiet >/dev/null ||
    fail "the SQLite input does not have 5000 rows"
echo 'local t = tegn.read_sqlite("db.sqlite", "t") assert(#t == 1000, #t)' >sql.lua
out=$("$tegn" check sql.lua --data) || fail "check --data did not cut the SQLite table"
echo "check_dry: --data read a sample and wrote nothing; the run wrote 5 files"
