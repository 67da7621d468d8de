#!/bin/sh
# check_example_sqlite.sh TEGN -- examples/belaegning.lua computed a second
# way: sqlite3 imports the same CSVs and SQLite table, runs the same
# aggregation, and compares every row of tegn's JSON with it (SQLite's JSON
# functions read the document). Exits 0 when all 32 offers agree.
set -eu
tegn=$1
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$tegn" run examples/belaegning.lua --param aar=2023 --out "$tmp/out.json" --quiet
# (a second argument changes the year SQLite computes: a way to see the check fail)
# The monthly file starts with Excel's "sep=;" line and the header.
tail -n +3 datasets/belaegning_maaned.csv | tr -d '\r' > "$tmp/maaned.csv"
tail -n +2 datasets/tilbud.csv | sed '1s/^\xEF\xBB\xBF//' | tr -d '\r' > "$tmp/tilbud.csv"
year=${2:-2023}
sqlite3 "$tmp/check.db" >"$tmp/result" <<SQL
.bail on
ATTACH 'datasets/tegn.sqlite' AS src;
CREATE TABLE maaned(maaned TEXT, tilbud_id TEXT, normerede_pladser INT, belaegningsdage INT,
                    mulige_dage INT, belaegningsprocent TEXT);
CREATE TABLE tilbud(tilbud_id TEXT, navn TEXT, organisation TEXT, region TEXT, paragraf INT,
                    tilbudstype TEXT, maalgruppe TEXT, normerede_pladser INT, lukket TEXT);
.separator ;
.import $tmp/maaned.csv maaned
.import $tmp/tilbud.csv tilbud
CREATE TABLE want AS
SELECT m.tilbud_id, sum(m.belaegningsdage) AS dage, sum(m.mulige_dage) AS mulige,
       round(1.0 * sum(m.belaegningsdage) / sum(m.mulige_dage), 3) AS belaegning,
       p.budget_belaegning, t.navn
FROM maaned m JOIN tilbud t USING (tilbud_id)
LEFT JOIN src.takst_param p ON p.tilbud_id = m.tilbud_id AND p.aar = $year
WHERE substr(m.maaned, 1, 4) = '$year'
GROUP BY m.tilbud_id;
CREATE TABLE got AS
SELECT json_extract(value, '\$.tilbud_id') AS tilbud_id, json_extract(value, '\$.dage') AS dage,
       json_extract(value, '\$.mulige') AS mulige, json_extract(value, '\$.belaegning') AS belaegning,
       json_extract(value, '\$.budget_belaegning') AS budget_belaegning,
       json_extract(value, '\$.navn') AS navn
FROM json_each(readfile('$tmp/out.json'), '\$.tilbud');
SELECT 'rows', (SELECT count(*) FROM want), (SELECT count(*) FROM got);
SELECT 'MISMATCH', w.tilbud_id, w.dage, g.dage, w.belaegning, g.belaegning
FROM want w LEFT JOIN got g USING (tilbud_id)
WHERE g.tilbud_id IS NULL OR w.dage <> g.dage OR w.mulige <> g.mulige
   OR abs(w.belaegning - g.belaegning) > 1e-9 OR w.navn <> g.navn
   OR coalesce(abs(w.budget_belaegning - g.budget_belaegning), 0) > 1e-9
   OR (w.budget_belaegning IS NULL) <> (g.budget_belaegning IS NULL);
SQL
cat "$tmp/result"
rows=$(grep '^rows' "$tmp/result")
case "$rows" in
    "rows;32;32") ;;
    *) echo "check_example_sqlite: row counts differ: $rows"; exit 1 ;;
esac
if grep -q '^MISMATCH' "$tmp/result"; then
    echo "check_example_sqlite: tegn and sqlite3 disagree"
    exit 1
fi
echo "check_example_sqlite: 32 offers agree with sqlite3"
