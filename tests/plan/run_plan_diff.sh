#!/bin/sh
# run_plan_diff.sh TEGN [SEEDS] -- runs tests/plan/chains.lua for seeds
# 1..SEEDS (default 40), each with plans and with TEGN_EAGER=1, and fails
# when the two outputs differ anywhere (printed as a diff).
set -u
tegn=$1
seeds=${2:-40}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root" || exit 2
fail=0
s=1
while [ "$s" -le "$seeds" ]; do
    for mode in 0 1; do
        TEGN_EAGER=$mode "$tegn" run tests/plan/chains.lua --param dir=tests/fixtures/lualib \
            --param "seed=$s" >"$tmp/out.$mode" 2>&1
    done
    if ! cmp -s "$tmp/out.0" "$tmp/out.1"; then
        echo "seed $s: plans and eager verbs differ (< plans, > eager):"
        diff "$tmp/out.0" "$tmp/out.1" | head -20
        fail=$((fail + 1))
    fi
    s=$((s + 1))
done
echo "plan_vs_eager: $seeds seeds, $((seeds - fail)) identical"
[ "$fail" -eq 0 ]
