#!/usr/bin/python3
"""run_redteam.py TEGN WORKDIR [--sanitized] -- the red-team suite (ctest `redteam`).

Every attack of issue 10 that a hostile script or data file can make is a
case here: tests/redteam/cases/<name>.lua is the script, its header says how
to run it, the exit code it must end with and what it may leave behind
(README.md has the format). Each case runs the built tegn in a fresh folder
of its own:

  run/      the working directory and the script's folder: input.csv,
            data.sqlite and the files the case adds
  out/      the folder of --out; out/doc.json holds a previous run's
            document, which a failed run must leave byte for byte
  outside/  a folder the run is given nothing in: secret.csv,
            secret.sqlite, cron.d/

Every file under the case folder is fingerprinted before and after the
run; only the files a case names under `writes:` may change or appear,
those under `removes:` must be gone, and no temporary file
(.tegn-tmp.) may be left anywhere. A run is also judged by the CPU
seconds it spends, as the limit cases are. Then the time-limit and signal
cases (limits.py, which drives C paths no Lua hook reaches) run.
"""
import hashlib
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import limits

HERE = os.path.dirname(os.path.abspath(__file__))
CPU_MARGIN = 3.0  # CPU seconds any case may spend
WALL_MARGIN = 20.0  # wall seconds before a case is killed as hung
FAILS = []

HEADER = re.compile(r"^--\s*([a-z]+):\s?(.*)$")


def parse(path):
    """The header of a case: a dict of lists, keyed by field."""
    meta = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = HEADER.match(line.rstrip("\n"))
            if not m:
                break
            meta.setdefault(m.group(1), []).append(m.group(2))
    for need in ("attack", "exit"):
        if need not in meta:
            raise SystemExit("%s: no '%s:' line" % (path, need))
    return meta


def dead_pid():
    """A pid no process has (for a stale temporary file's name)."""
    pid = 4000000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


def expand(text, case):
    return (text.replace("@OUTSIDE@", os.path.join(case, "outside"))
            .replace("@OUT@", os.path.join(case, "out"))
            .replace("@RUN@", os.path.join(case, "run"))
            .replace("@DEADPID@", str(DEAD))
            .replace("@LIVEPID@", str(os.getpid())))


def make_db(path, rows):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (k INTEGER, navn TEXT)")
    con.executemany("INSERT INTO t VALUES (?, ?)", [(i, "n%d" % i) for i in range(rows)])
    con.commit()
    con.close()


def build(case, meta):
    """The case's folder, with the files its header adds."""
    shutil.rmtree(case, ignore_errors=True)
    for d in ("run", "out", "outside/cron.d"):
        os.makedirs(os.path.join(case, d))
    with open(os.path.join(case, "run/input.csv"), "w", encoding="utf-8") as f:
        f.write("k,navn\n1,a\n2,b\n3,c\n")
    with open(os.path.join(case, "out/doc.json"), "w", encoding="utf-8") as f:
        f.write('{"previous": "run"}\n')
    with open(os.path.join(case, "outside/secret.csv"), "w", encoding="utf-8") as f:
        f.write("user,password\nroot,hunter2\n")
    make_db(os.path.join(case, "run/data.sqlite"), 100)
    make_db(os.path.join(case, "outside/secret.sqlite"), 3)
    for spec in meta.get("file", []):
        path, text = spec.split(" = ", 1)
        with open(os.path.join(case, expand(path, case)), "w", encoding="utf-8") as f:
            f.write(expand(text, case).replace("\\n", "\n"))
    for spec in meta.get("rows", []):
        path, n = spec.split(" = ", 1)
        with open(os.path.join(case, path), "w", encoding="utf-8") as f:
            f.write("k,navn\n")
            f.writelines("%d,n%d\n" % (i, i) for i in range(int(n)))
    for spec in meta.get("sql", []):
        path, sql = spec.split(" = ", 1)
        con = sqlite3.connect(os.path.join(case, path))
        con.executescript(sql)
        con.close()
    for spec in meta.get("hex", []):
        path, data = spec.split(" = ", 1)
        with open(os.path.join(case, path), "wb") as f:
            f.write(bytes.fromhex(data))
    for spec in meta.get("link", []):
        path, target = spec.split(" -> ", 1)
        os.symlink(expand(target, case), os.path.join(case, path))


def fingerprint(case):
    """path -> what is there (file content hash, link target, folder)."""
    seen = {}
    for top, dirs, files in os.walk(case):
        for name in dirs + files:
            p = os.path.join(top, name)
            rel = os.path.relpath(p, case)
            if os.path.islink(p):
                seen[rel] = "link " + os.readlink(p)
            elif os.path.isdir(p):
                seen[rel] = "dir"
            else:
                with open(p, "rb") as f:
                    seen[rel] = hashlib.sha256(f.read()).hexdigest()
    return seen


def limit_fsize(size):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return apply


def run_case(tegn, work, path):
    name = os.path.basename(path)[:-4]
    meta = parse(path)
    case = os.path.join(work, name)
    build(case, meta)
    shutil.copy(path, os.path.join(case, "run/script.lua"))
    if "command" in meta:
        args = expand(meta["command"][0], case).split()
    else:
        args = ["run", "script.lua"] + expand(
            meta.get("args", ["--out ../out/doc.json"])[0], case).split()
    preexec = None
    for spec in meta.get("limit", []):
        key, value = spec.split("=")
        if key == "fsize":
            preexec = limit_fsize(int(value))
    before = fingerprint(case)
    start = time.monotonic()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.Popen([tegn] + args, cwd=os.path.join(case, "run"), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, preexec_fn=preexec)
    try:
        out, err = p.communicate(timeout=WALL_MARGIN)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    took = time.monotonic() - start
    after_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after_usage.ru_utime - usage.ru_utime) + (after_usage.ru_stime - usage.ru_stime)
    err = err.decode("utf-8", "replace")
    out = out.decode("utf-8", "replace")
    after = fingerprint(case)

    problems = []
    want = int(meta["exit"][0])
    if p.returncode < 0:
        problems.append("crashed (signal %d)" % -p.returncode)
    elif p.returncode != want:
        problems.append("exit %d, want %d" % (p.returncode, want))
    for text in meta.get("stderr", []):
        if expand(text, case) not in err:
            problems.append("stderr lacks %r" % text)
    for text in meta.get("stdout", []):
        if expand(text, case) not in out:
            problems.append("stdout lacks %r" % text)
    for text in meta.get("nostderr", []):
        if expand(text, case) in err:
            problems.append("stderr has %r" % text)
    if "AddressSanitizer" in err or "runtime error:" in err:
        problems.append("sanitizer report")
    if cpu > CPU_MARGIN:
        problems.append("spent %.1f CPU seconds" % cpu)
    removes = [expand(r, case) for r in meta.get("removes", [])]
    may = set(expand(w, case) for w in meta.get("writes", [])) | set(removes)
    for rel in sorted(set(before) | set(after)):
        if before.get(rel) == after.get(rel) or rel in may:
            continue
        if rel not in after:
            problems.append("removed " + rel)
        elif rel not in before:
            problems.append("created " + rel)
        else:
            problems.append("changed " + rel)
    for rel in removes:
        if rel in after:
            problems.append("left " + rel)
    for rel in after:
        if ".tegn-tmp." in rel and rel not in before:
            problems.append("temporary file left: " + rel)
    status = "ok" if not problems else "FAIL " + "; ".join(problems[:6])
    print("%-28s %5.2f s %5.2f s CPU  %s" % (name, took, cpu, status))
    if problems:
        print("  attack: " + meta["attack"][0])
        print("  stderr: " + err.strip()[:400])
        FAILS.append(name)


DEAD = 0


def main():
    global CPU_MARGIN, WALL_MARGIN, DEAD
    tegn, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    sanitized = "--sanitized" in sys.argv[3:]
    if sanitized:
        CPU_MARGIN, WALL_MARGIN = 3 * CPU_MARGIN, 3 * WALL_MARGIN
    only = [a for a in sys.argv[3:] if a and not a.startswith("--")]  # cmake may pass ""
    DEAD = dead_pid()
    os.makedirs(work, exist_ok=True)
    cases = sorted(os.path.join(HERE, "cases", f) for f in os.listdir(os.path.join(HERE, "cases"))
                   if f.endswith(".lua") and (not only or f[:-4] in only))
    for path in cases:
        run_case(tegn, os.path.join(work, "cases"), path)
    rc = 0
    if not cases:
        print("redteam: no cases" + (" named " + " ".join(only) if only else ""))
        return 1
    if FAILS:
        print("redteam: %d of %d cases failed: %s" % (len(FAILS), len(cases), " ".join(FAILS)))
        rc = 1
    else:
        print("redteam: %d cases passed" % len(cases))
    if not only:
        rc |= limits.run_all(tegn, os.path.join(work, "limits"), sanitized)
    return rc


if __name__ == "__main__":
    sys.exit(main())
