#!/bin/sh
# check_datasets.sh -- regenerates the bundled datasets into a temporary
# directory and compares them byte for byte with the committed datasets/, so
# that a change to tools/gen_datasets* that is not followed by a regeneration
# (or a generator that stopped being deterministic) fails the build.
#
# usage: tests/check_datasets.sh [TEGN_GEN_DATASETS] [DATASETS_DIR] [SCALE]
#   defaults: build/tegn-gen_datasets and datasets/ in the source tree; with
#   SCALE the generator runs with --scale SCALE (1 must give datasets/ too).
# Exit 0 when identical, 1 on drift, 77 (ctest's usual skip code) when the
# generator has not been built.
#
# tegn.sqlite embeds the SQLite library's version number in its header; when
# only that file differs and its SQL dump is identical, the check passes with
# a note (the content is the same; the bytes come from another SQLite).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
gen=${1:-$root/build/tegn-gen_datasets}
ref=${2:-$root/datasets}
scale=${3:+--scale $3}

if [ ! -x "$gen" ]; then
    echo "check_datasets: generator not found at $gen (build it first)" >&2
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tegn-datasets.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/out"
# shellcheck disable=SC2086 # $scale is an option and its value, or nothing
if ! "$gen" $scale "$tmp/out" >"$tmp/gen.log" 2>&1; then
    echo "check_datasets: the generator failed:" >&2
    cat "$tmp/gen.log" >&2
    exit 1
fi

# Everything in datasets/ except the hand-written files must be generated.
(cd "$ref" && ls -A | grep -v -x -e README.md -e .gitattributes | sort) >"$tmp/ref.list"
(cd "$tmp/out" && ls -A | sort) >"$tmp/new.list"
status=0
if ! cmp -s "$tmp/ref.list" "$tmp/new.list"; then
    echo "check_datasets: the set of files differs (< committed, > generated):" >&2
    diff "$tmp/ref.list" "$tmp/new.list" >&2 || true
    status=1
fi

while read -r f; do
    [ -f "$tmp/out/$f" ] || continue
    if cmp -s "$ref/$f" "$tmp/out/$f"; then
        continue
    fi
    if [ "$f" = tegn.sqlite ] && command -v sqlite3 >/dev/null 2>&1 &&
        [ "$(sqlite3 "$ref/$f" .dump | sha256sum)" = "$(sqlite3 "$tmp/out/$f" .dump | sha256sum)" ]; then
        echo "check_datasets: note: tegn.sqlite bytes differ but its SQL dump is identical"
        continue
    fi
    echo "check_datasets: $f differs from the committed copy" >&2
    status=1
done <"$tmp/ref.list"

if [ "$status" -ne 0 ]; then
    echo "check_datasets: regenerate with: $gen datasets  (and commit the result)" >&2
    exit 1
fi
echo "check_datasets: $(wc -l <"$tmp/new.list") generated files identical to datasets/"
