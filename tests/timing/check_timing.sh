#!/bin/sh
# check_timing.sh TEGN -- `tegn run --timing` lists each top-level line of
# the script that ran, with how often it started and its code: a script of
# four statements, the third a loop of 200000 turns (so its line starts at
# least 200000 times and takes most of the time), the fourth on a line of
# its own after a line the timing must not list (a comment). Runs from the
# repository root.
set -u
tegn=$1
cd "$(dirname "$0")/../.." || exit 2
err=$(mktemp)
trap 'rm -f "$err"' EXIT
fail() { echo "check_timing: $*"; cat "$err"; exit 1; }

"$tegn" run --quiet --timing -e 'local t = tegn.read_csv("tests/fixtures/lualib/tilbud.csv")
local x = 0
for i = 1, 200000 do x = x + i end
-- a comment runs nothing
print(x, #t)' 2>"$err" >/dev/null || fail "the run failed"

grep -q '^timing: 4 lines of (command line) ran, [0-9.]* s in all$' "$err" || fail "no header"
grep -q '^20000100000	5$' "$err" || fail "the script's own print is missing"
# line, seconds, share, runs, code
awk '$1 == 1 && $4 == 1 && /local t = tegn.read_csv/ { ok++ }
     $1 == 2 && $4 == 1 && /local x = 0/ { ok++ }
     $1 == 3 && $4 >= 200000 && $3 > 50 && /for i = 1, 200000/ { ok++ }
     $1 == 5 && $4 == 1 && /print\(x, #t\)/ { ok++ }
     $1 == 4 { bad++ }
     END { exit !(ok == 4 && !bad) }' "$err" || fail "the lines are not as expected"

# A failed run still lists the lines up to the error.
"$tegn" run --timing -e 'local a = 1
error("stop")' 2>"$err" >/dev/null && fail "the failing run succeeded"
grep -q '^timing: 2 lines of (command line) ran' "$err" || fail "no timing for the failed run"
# The line hook leaves the time limit working: an endless loop stops (exit 3).
"$tegn" run --timing --timeout 1s -e 'local x = 0
while true do x = x + 1 end' 2>"$err" >/dev/null
[ $? = 3 ] || fail "the time limit did not stop the loop under --timing"
grep -q '^      2 .*while true do' "$err" || fail "no timing for the stopped loop"

# tegn demo --timing (bench/demo.sh reads it): one line per indicator script
# of scripts/alle.lua, 27 of them, each run once; the demo's summary and
# report are still written (in a folder of its own).
work=$(mktemp -d)
trap 'rm -f "$err"; rm -rf "$work"' EXIT
root=$(pwd)
(cd "$work" && "$tegn" demo "$root/datasets" --timing --threads 1 >summary.txt 2>"$err") ||
    fail "tegn demo --timing failed"
grep -q '^timing: 27 lines of .*scripts/alle.lua ran' "$err" || fail "no timing for the demo"
[ "$(grep -c '^ *[0-9][0-9]* .* 1  require "' "$err")" = 27 ] || fail "not 27 scripts, once each"
grep -q 'require "kbh.ensomhed"' "$err" || fail "kbh.ensomhed is not listed"
grep -q 'ensomme' "$work/summary.txt" || fail "the demo's summary is missing"
[ -s "$work/out/rapport.html" ] || fail "the demo's report is missing"
echo "check_timing: --timing lists the top-level lines with their runs (run and demo)"
