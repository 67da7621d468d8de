#!/bin/sh
# check_sandbox.sh TEGN -- .luacheckrc mirrors the sandbox: the names its
# standard "tegn_sandbox" declares equal the names a script can reach in
# `tegn run` (globals, their fields, tegn's sub-tables), so luacheck
# neither passes a script that would fail with "undefined global" nor
# flags one that works. Exits 77 (ctest's skip) without luacheck's lua5.1.
set -eu
tegn=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
command -v lua5.1 >/dev/null 2>&1 || { echo "check_sandbox: no lua5.1 (apt-get install lua-check)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# print() goes to stderr in the CLI; stdout is for the document.
"$tegn" run "$here/sandbox_names.lua" --quiet 2>"$tmp/sandbox" >/dev/null
lua5.1 "$here/luacheckrc_names.lua" "$root/.luacheckrc" >"$tmp/luacheckrc"
if ! diff "$tmp/luacheckrc" "$tmp/sandbox" >"$tmp/diff"; then
    echo "check_sandbox: .luacheckrc and the sandbox differ (< .luacheckrc only, > sandbox only):"
    grep '^[<>]' "$tmp/diff"
    exit 1
fi
echo "check_sandbox: .luacheckrc declares the sandbox's $(wc -l <"$tmp/sandbox") names"
