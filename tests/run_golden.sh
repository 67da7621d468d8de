#!/bin/sh
# run_golden.sh TEGN [WORKDIR] -- end-to-end tests of the command line.
# Each folder tests/golden/<case>/ holds 'args' (the arguments, one line,
# run from a scratch folder that looks like the repository root: WORKDIR,
# default a temporary folder, with copies of datasets/, examples/, scripts/
# and tests/ made of hard links, so whatever a case writes, such as `tegn
# demo`'s out/indikatorer.json, lands there and not in the source tree;
# not symlinks, which would lead out of the working directory and so out
# of the folders a script may read, docs/sandbox.md), and the
# expected 'expected.out',
# 'expected.err' and 'expected.rc' (exit code); optionally 'stdin' (what
# the command reads there; else nothing) and 'cwd' (the folder of the
# scratch tree to run in, one line; else its root). TG_UPDATE_GOLDEN=1 rewrites
# the expected files from the current output (review the diff!).
set -u
tegn=$1
root=$(cd "$(dirname "$0")/.." && pwd)
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
work=${2:-$tmp/work}
mkdir -p "$work" || exit 2
for d in datasets examples scripts tests; do
    rm -rf "${work:?}/$d"
    cp -Rl "$root/$d" "$work/$d" 2>/dev/null || cp -R "$root/$d" "$work/$d" || exit 2
done
cd "$work" || exit 2
for dir in tests/golden/*/; do
    name=$(basename "$dir")
    [ -f "$dir/args" ] || continue
    # shellcheck disable=SC2046
    eval "set -- $(cat "$dir/args")"
    # Optional: 'stdin' (the input, else none) and 'cwd' (a folder of
    # the work tree to run in, else its root).
    input=/dev/null
    [ -f "$dir/stdin" ] && input=$work/$dir/stdin
    here=.
    [ -f "$dir/cwd" ] && here=$(cat "$dir/cwd")
    (cd "$here" && "$tegn" "$@" <"$input" >"$tmp/raw" 2>"$tmp/err")
    echo $? >"$tmp/rc"
    # The run's clock and memory differ every time: mask them.
    sed -e 's/"started_at": "[^"]*"/"started_at": "*"/' \
        -e 's/"duration_s": [0-9.e+-]*/"duration_s": "*"/' \
        -e 's/"peak_memory_bytes": [0-9]*/"peak_memory_bytes": "*"/' "$tmp/raw" >"$tmp/out"
    if [ "${TG_UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$tmp/out" "$dir/expected.out"
        cp "$tmp/err" "$dir/expected.err"
        cp "$tmp/rc" "$dir/expected.rc"
    fi
    ok=1
    for f in out err rc; do
        if ! cmp -s "$tmp/$f" "$dir/expected.$f"; then
            ok=0
            echo "FAIL $name: $f differs"
            diff "$dir/expected.$f" "$tmp/$f" | head -20
        fi
    done
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "golden: $pass passed, $fail failed"
[ $fail = 0 ]
