#!/bin/sh
# check_scripts.sh TEGN -- every script tegn ships (scripts/, its library
# and examples/) passes `tegn check`: the checker raises no false alarm on
# real scripts, and the scripts use nothing the sandbox lacks. Runs from
# the repository root, as the scripts expect.
set -u
tegn=$1
cd "$(dirname "$0")/../.." || exit 2
n=0 bad=0
for f in scripts/*.lua scripts/*/*.lua examples/*.lua; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    if ! out=$("$tegn" check "$f" 2>&1); then
        echo "check_scripts: $f:"
        echo "$out"
        bad=$((bad + 1))
    fi
done
[ $n -gt 20 ] || { echo "check_scripts: only $n scripts found"; exit 1; }
echo "check_scripts: $((n - bad)) of $n scripts pass tegn check"
[ $bad = 0 ]
