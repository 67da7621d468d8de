#!/usr/bin/python3
"""check_docs.py [ROOT] -- the docs describe the code that is there.

Reads every Markdown file git tracks in ROOT (default: the current folder)
and the `tegn --help` text (the usage string in engine/cli/main.c), and
fails when one of them

  * calls a feature unbuilt: "planned", "proposal", "not (yet) implemented",
    "TODO", "FIXME", "TBD", "coming soon", "will be added/built/implemented";
    once a feature is built, the sentence should say what it does;
  * cites a file that is not in the repository: a path in backticks or a
    link target whose first folder is one of the repository's own
    (`engine/query/tg_join.c`, `docs/csv.md`, `examples/x.lua`), a relative
    link ([csv](csv.md)), or a bare tegn source file name (`tg_join.c`)
    that no tracked file has; a path in prose (research/perf.md) too. Places
    git ignores (outputs such as `bench/out/`) may be named, so may patterns
    (`tests/golden/<case>/`) and the project's shared folder beside the
    clone (`../shared/research/perf.md`).

A line that must use such a word for another reason (a proposed takst rule
is a domain term, not an unbuilt feature) carries `<!-- docs: allow -->`,
or the line above does. Prints each problem as file:line: message and
exits 1 if there is any; 77 (ctest's skip) outside a git checkout.
"""
import os
import re
import subprocess
import sys

UNBUILT = re.compile(
    r"\bplanned\b|\bproposals?\b|\bnot (?:yet )?implemented\b|\bunimplemented\b|"
    r"\bTODO\b|\bFIXME\b|\bTBD\b|\bcoming soon\b|\bwill be (?:added|built|implemented)\b",
    re.IGNORECASE)
ALLOW = "<!-- docs: allow -->"
CODE_SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
SOURCE_EXT = (".c", ".h", ".lua", ".md", ".py", ".sh", ".sql", ".json", ".csv", ".sqlite",
              ".cmake")
PLACEHOLDER = re.compile(r"[*<>{}$?\[\]|]|\.\.\.")
PROSE_PATH = re.compile(r"(?<![\w/.:@-])((?:\.\./)*[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+"
                        r"\.(?:md|c|h|lua|py|sh|sql|json|csv|sqlite))\b")
SHARED = "../shared/"


def tracked(root):
    """The tracked files and the folders that hold them; None outside a git
    checkout (then there is nothing to check against)."""
    try:
        r = subprocess.run(["git", "-C", root, "ls-files", "-z"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL)
    except OSError:
        return None
    if r.returncode != 0:
        return None
    out = r.stdout.decode()
    files = set(f for f in out.split("\0") if f)
    dirs = set()
    for f in files:
        parts = f.split("/")
        for i in range(1, len(parts)):
            dirs.add("/".join(parts[:i]))
    return files, dirs


def help_text(root):
    """The usage strings of engine/cli/main.c (every `static const char
    name[] =` there: the usage's head, the options of run and inspect, the
    exit codes), as (line number, text) pairs."""
    path = os.path.join(root, "engine", "cli", "main.c")
    if not os.path.exists(path):
        return "", []
    lines, inside = [], False
    for no, line in enumerate(open(path, encoding="utf-8"), 1):
        if re.match(r"\s*static const char \w+\[\]\s*=", line):
            inside = True
            continue
        if inside:
            for lit in re.findall(r'"((?:[^"\\]|\\.)*)"', line):
                lines.append((no, lit.replace("\\n", "")))
            if line.rstrip().endswith(";"):
                inside = False
    return "engine/cli/main.c", lines


def ignored(path):
    """True for a place the build or a run writes (bench/out/, out/): git
    ignores it, and a doc may name it."""
    return subprocess.run(["git", "check-ignore", "-q", "--no-index", path]).returncode == 0


def check_path(cand, base, files, dirs, top, names):
    """A message when cand names a repository file that does not exist.
    base is the folder a link is relative to; prose and code spans name
    paths from the repository root."""
    cand = cand.strip().split("#")[0].rstrip("/")
    if not cand or "://" in cand or cand.startswith("mailto:") or PLACEHOLDER.search(cand):
        return None
    if " " in cand or cand.startswith("-"):
        return None
    if any(re.match(r"^[A-Z][A-Z_]+$", part) for part in cand.split("/")[:-1]):
        return None  # DIR/x.csv: a folder the reader chooses
    if ":" in cand:  # file:line, or a Lua method call
        head = cand.split(":")[0]
        if not head.endswith(SOURCE_EXT):
            return None
        cand = head
    if "/" not in cand:
        if re.match(r"^tg_[A-Za-z0-9_]+\.[ch]$", cand):  # tegn's own prefix
            return None if cand in names else "cites %s, which no tracked file is named" % cand
        if base is None or not cand.endswith(SOURCE_EXT):
            return None
    elif base is None and cand.split("/")[0] not in top and not cand.endswith(SOURCE_EXT):
        return None  # 1/2, and/or, km/t: not a path
    path = os.path.normpath(os.path.join(base or "", cand))
    if path.startswith(SHARED):
        return None  # the project's shared folder beside the clone
    if path.startswith(".."):
        return "cites %s, which is outside the repository" % cand
    if path in (".", "") or path in files or path in dirs or ignored(path):
        return None
    return "cites %s, which is not in the repository" % cand


def check_lines(name, numbered, files, dirs, top, names, is_doc):
    problems = []
    prev = ""
    fence = False
    base = os.path.dirname(name)
    for no, line in numbered:
        allowed = ALLOW in line or ALLOW in prev
        prev = line
        if is_doc and line.lstrip().startswith("```"):
            fence = not fence
            continue
        m = UNBUILT.search(line)
        if m and not allowed:
            problems.append("%s:%d: calls something '%s': say what is built, or mark the line %s"
                            % (name, no, m.group(0), ALLOW))
        if fence or allowed:
            continue
        cands = [(c, None) for c in CODE_SPAN.findall(line)]
        if is_doc:
            cands += [(l, base) for l in LINK.findall(line)]
            prose = LINK.sub("]", CODE_SPAN.sub(" ", line))
            cands += [(p, None) for p in PROSE_PATH.findall(prose)]
        for cand, where in cands:
            msg = check_path(cand, where, files, dirs, top, names)
            if msg:
                problems.append("%s:%d: %s" % (name, no, msg))
    return problems


def main(argv):
    root = argv[1] if len(argv) > 1 else "."
    if tracked(root) is None:
        print("check_docs: %s is not a git checkout; skipped" % root)
        return 77
    files, dirs = tracked(root)
    top = set(d for d in dirs if "/" not in d)
    names = set(os.path.basename(f) for f in files)
    problems = []
    for doc in sorted(f for f in files if f.endswith(".md")):
        with open(os.path.join(root, doc), encoding="utf-8") as f:
            numbered = list(enumerate(f.read().split("\n"), 1))
        problems += check_lines(doc, numbered, files, dirs, top, names, True)
    name, numbered = help_text(root)
    if numbered:
        problems += check_lines(name + " (tegn --help)", numbered, files, dirs, top, names,
                                False)
    for p in problems:
        print(p)
    if problems:
        print("check_docs: %d problem(s)" % len(problems))
        return 1
    print("check_docs: docs cite only files in the repository and call nothing planned")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
