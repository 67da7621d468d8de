#!/bin/sh
# check_definitions.sh TEGN -- lua/tegn.d.lua is what `tegn --definitions`
# prints now, and the annotations it is made from match the runtime (the
# command exits 4, listing the mismatches, when a registered function has
# no annotation or an annotation names nothing). After changing the API:
#   build/tegn --definitions > lua/tegn.d.lua
set -u
tegn=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$tegn" --definitions >"$tmp" || { echo "check_definitions: tegn --definitions failed"; exit 1; }
if ! cmp -s "$tmp" "$root/lua/tegn.d.lua"; then
    echo "check_definitions: lua/tegn.d.lua is stale; run: tegn --definitions > lua/tegn.d.lua"
    diff "$root/lua/tegn.d.lua" "$tmp" | head -20
    exit 1
fi
echo "check_definitions: lua/tegn.d.lua is current ($(grep -c '^function ' "$tmp") functions)"
