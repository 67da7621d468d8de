#!/usr/bin/env python3
"""check_repl.py TEGN WORKDIR -- `tegn repl` driven through a pseudo-terminal.

The REPL runs on a pty (Python's pty module, as a user's terminal) with no
LANG or LC_ALL set, so the C locale; HOME is a scratch folder. It must:
  - take Danish text typed in UTF-8 (`print("æøå")`, a column `Vægt`);
  - show a Table as t:show() does and a Lua table field by field;
  - complete with Tab: tegn. functions, Table methods, column names in quotes;
  - answer help() and help(tegn.sum) from the docs;
  - keep its history in ~/.tegn_history, so a second run recalls the first
    run's last line (Ctrl-P).
"""
import os
import pty
import select
import shutil
import sys
import time

TAB = "\t"


def session(tegn, home, cwd, keys):
    """Types each string of 'keys' (waiting for the REPL to answer), then
    Ctrl-D; returns everything the terminal showed, without \\r."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.chdir(cwd)
            os.execve(tegn, [tegn, "repl"], {"PATH": "/usr/bin:/bin", "HOME": home,
                                            "TERM": "dumb"})
        finally:
            os._exit(127)
    out = bytearray()
    eof = [False]

    def pump(wait):
        end = time.time() + wait
        while time.time() < end and not eof[0]:
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    data = b""
                if not data:
                    eof[0] = True
                out.extend(data)

    def settle():
        """Waits for the prompt with nothing after it: keys typed while tegn
        is busy would meet the terminal's line discipline, not libedit."""
        end = time.time() + 20
        while time.time() < end and not eof[0]:
            n = len(out)
            pump(0.3)
            if len(out) == n and out.endswith(b"> "):
                return

    settle()
    for k in keys:
        os.write(fd, k.encode("utf-8"))
        settle() if k.endswith("\n") else pump(0.5)
    if not eof[0]:
        os.write(fd, b"\x04")
    pump(20)
    end = time.time() + 10
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        if time.time() > end:  # still running: a failure, not a hang
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            out.extend(b"\n[tegn repl did not quit on Ctrl-D]\n")
            break
        time.sleep(0.05)
    os.close(fd)
    return out.decode("utf-8", "replace").replace("\r", "")


def main():
    tegn, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shutil.rmtree(work, ignore_errors=True)
    home = os.path.join(work, "home")
    os.makedirs(home)
    csv = os.path.join(work, "vaegt.csv")
    with open(csv, "w", encoding="utf-8") as f:
        f.write("Vægt;navn\n1,5;Åbakken\n2;Æblehaven\n")
    fails = []

    def expect(text, out, what):
        if text not in out:
            fails.append(what)
            print("FAIL %s: %r not in the session:\n%s" % (what, text, out[:3000]))

    out = session(tegn, home, work, [
        'print("æøå")\n',
        't = tegn.read_csv("vaegt.csv")\n',
        't\n',
        '{1, "a", x = {y = 2}}\n',
        'print(tegn.read_c' + TAB + ' == tegn.read_csv)\n',
        't:fil' + TAB + '(tegn.col("navn"):eq("Æblehaven"))\n',
        'print(#"V' + TAB + '")\n',
        'print(t["Vægt"])\n',
        'pri' + TAB + '("en global")\n',
        'help()\n',
        'help(tegn.sum)\n',
        'print("sidste " .. "linje")\n',
    ])
    expect("\næøå\n", out, "UTF-8 input reaches Lua")
    expect("Vægt  navn\n 1,5  Åbakken\n   2  Æblehaven\n(2 of 2 rows)\n", out,
           "a Table shows its first rows, numbers in Danish form on a terminal")
    expect('\n{ 1, "a", x = { y = 2 } }\n', out, "a Lua table shows its fields")
    expect("\ntrue\n", out, "Tab completes tegn.read_c to tegn.read_csv")
    expect("Vægt  navn\n   2  Æblehaven\n(1 of 1 rows)\n", out, "Tab completes t:fil to t:filter")
    expect("\n5\n", out, "Tab completes a column name in quotes (\"Vægt\", 5 bytes)")
    expect('\ncol("Vægt")\n', out, 't["Vægt"] looks up the column Vægt')
    expect('\nen global\n', out, "Tab completes the sandbox's globals (pri to print)")
    expect("tegn functions (tegn.NAME):\n", out, "help() lists the tegn functions")
    expect("read_csv", out, "help() names read_csv")
    expect("Table methods (t:NAME):\n", out, "help() lists the Table methods")
    expect("tegn.sum: a function of the tegn module\n"
           "  tegn.sum(e) -> tegn.Agg: The sum (NULLs skipped).\n"
           "  docs/lua-api.md, under ### `t:group_by",
           out, "help(tegn.sum) names it, gives its signature and quotes the docs")
    expect("\nsidste linje\n", out, "the last line runs")

    hist = open(os.path.join(home, ".tegn_history"), encoding="utf-8").read()
    expect('print("æøå")', hist, "~/.tegn_history keeps the lines")

    out = session(tegn, home, work, ["\x10\n"])  # Ctrl-P: the previous line
    expect("\nsidste linje\n", out, "a second run recalls the first run's history")
    print("repl: %d failed" % len(fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
