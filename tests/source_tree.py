#!/usr/bin/python3
"""source_tree.py snapshot|check SRC SNAPSHOT [BUILD...] -- tests write only
into the build folder.

`snapshot` (a ctest fixture's setup, run before every other test) records
what `git status` shows in the source tree SRC, ignored files included, with
each file's size and modification time; `check` (its cleanup, run after the
last test) records it again and fails when anything differs: a file a test
created, changed or removed. A developer's own uncommitted edits are in both
records, so they pass. Build folders (BUILD, and any folder holding a
CMakeCache.txt) are left out: that is where tests write. Outside a git
checkout the check is skipped (exit 77).
"""
import os
import subprocess
import sys

SKIP = 77


def build_dirs(src, extra):
    """Top-level folders of src that are build trees, as git pathspecs."""
    dirs = set()
    for name in os.listdir(src):
        if os.path.isfile(os.path.join(src, name, "CMakeCache.txt")):
            dirs.add(name)
    for b in extra:
        rel = os.path.relpath(os.path.realpath(b), os.path.realpath(src))
        if not rel.startswith(".."):
            dirs.add(rel)
    return sorted(dirs)


def state(src, extra):
    """Lines 'status path size mtime' for every changed, new or ignored file."""
    excludes = [":(exclude,top)%s" % d for d in build_dirs(src, extra)]
    out = subprocess.run(
        ["git", "-C", src, "status", "--porcelain=v1", "-z", "--untracked-files=all",
         "--ignored", "--", "."] + excludes,
        check=True, stdout=subprocess.PIPE).stdout.decode("utf-8", "replace")
    lines = []
    entries = out.split("\0")
    i = 0
    while i < len(entries):
        e = entries[i]
        i += 1
        if not e:
            continue
        code, path = e[:2], e[3:]
        if code[0] in "RC":  # a rename or copy is followed by its source
            i += 1
        try:
            st = os.lstat(os.path.join(src, path))
            lines.append("%s %s %d %d" % (code, path, st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            lines.append("%s %s gone" % (code, path))
    return sorted(lines)


def is_checkout(src):
    try:
        r = subprocess.run(["git", "-C", src, "rev-parse", "--show-toplevel"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError:
        return False
    return r.returncode == 0 and \
        os.path.realpath(r.stdout.decode().strip()) == os.path.realpath(src)


def main(argv):
    if len(argv) < 4 or argv[1] not in ("snapshot", "check"):
        sys.stderr.write(__doc__)
        return 2
    mode, src, snap, extra = argv[1], argv[2], argv[3], argv[4:]
    if mode == "snapshot":
        with open(snap, "w") as f:
            if is_checkout(src):
                f.write("".join(l + "\n" for l in state(src, extra)))
            else:
                f.write("not a git checkout\n")
        return 0
    if not os.path.exists(snap):
        print("source_tree: no snapshot at %s (run the whole suite)" % snap)
        return SKIP
    before = open(snap).read().splitlines()
    if before == ["not a git checkout"]:
        print("source_tree: %s is not a git checkout; skipped" % src)
        return SKIP
    after = state(src, extra)
    gone = sorted(set(before) - set(after))
    new = sorted(set(after) - set(before))
    if not gone and not new:
        print("source_tree: the tests left the source tree as they found it")
        return 0
    print("source_tree: the tests changed the source tree (tests must write "
          "only into the build folder):")
    for l in gone:
        print("  before: " + l)
    for l in new:
        print("  after:  " + l)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
