#!/usr/bin/env python3
"""check_install.py BUILD_DIR SOURCE_DIR -- `make install` works and the
installed tegn runs from any folder.

Installs the build into a DESTDIR below a temporary folder (as a package
would), then, from another empty folder and with no TEGN_HOME:
  - `tegn demo` finds the installed scripts and datasets and prints the same
    summary as the golden demo case;
  - `tegn demo /no/such/dir` says the folder does not exist (exit 2);
  - a script there can `require "indikator"`, and require searches the
    installed library (the message of a missing module names it);
  - the Lua library, datasets, docs and man page are where the man page says;
  - `--out` into folders that do not exist yet makes them.
"""
import os
import subprocess
import sys
import tempfile


def main():
    build, source = sys.argv[1], sys.argv[2]
    fails = []

    def check(ok, what):
        if not ok:
            fails.append(what)
            print("FAIL", what)

    with tempfile.TemporaryDirectory() as tmp:
        dest = os.path.join(tmp, "stage")
        env = dict(os.environ, DESTDIR=dest)
        env.pop("TEGN_HOME", None)
        r = subprocess.run(["cmake", "--install", build, "--prefix", "/opt/tegn"], env=env,
                           capture_output=True, text=True)
        if r.returncode != 0:
            print(r.stdout, r.stderr)
            return 1
        prefix = os.path.join(dest, "opt", "tegn")
        tegn = os.path.join(prefix, "bin", "tegn")
        share = os.path.join(prefix, "share", "tegn")
        for rel in ["share/tegn/scripts/lib/indikator.lua", "share/tegn/scripts/alle.lua",
                    "share/tegn/datasets/tilbud.csv", "share/tegn/examples/takster.lua",
                    "share/doc/tegn/README.md", "share/doc/tegn/lua-api.md",
                    "share/man/man1/tegn.1", "share/tegn/tegn.d.lua", "share/doc/tegn/editor.md"]:
            check(os.path.isfile(os.path.join(prefix, rel)), "installed " + rel)

        elsewhere = os.path.join(tmp, "elsewhere")
        os.mkdir(elsewhere)
        env = dict(os.environ)
        env.pop("TEGN_HOME", None)

        def run(*args):
            return subprocess.run([tegn, *args], cwd=elsewhere, env=env, capture_output=True,
                                  text=True)

        r = run("demo")
        want = open(os.path.join(source, "tests", "golden", "demo", "expected.out"),
                    encoding="utf-8").read()
        check(r.returncode == 0, "demo exit 0, got %d: %s" % (r.returncode, r.stderr[-400:]))
        check(r.stdout == want, "demo prints the golden summary")
        check(os.path.isfile(os.path.join(elsewhere, "out", "indikatorer.json")),
              "demo writes out/indikatorer.json beneath the working folder")

        r = run("demo", "/no/such/dir")
        check(r.returncode == 2, "demo /no/such/dir exits 2, got %d" % r.returncode)
        check(r.stderr == "tegn: demo: /no/such/dir: No such file or directory; give the folder "
              "that holds the datasets\n", "demo /no/such/dir message: " + r.stderr)

        with open(os.path.join(elsewhere, "mit.lua"), "w", encoding="utf-8") as f:
            f.write('local ind = require "indikator"\n'
                    'print(type(ind), type(ind.share))\n'
                    'require "findes_ikke"\n')
        r = run("run", "mit.lua")
        check(r.stderr.startswith("table\tfunction\n"), "require 'indikator': " + r.stderr[:200])
        lib = os.path.realpath(os.path.join(share, "scripts", "lib"))
        check("'%s/findes_ikke.lua'" % lib in r.stderr,
              "require searches the installed library: " + r.stderr[:300])
        check(r.returncode == 1, "missing module exits 1, got %d" % r.returncode)

        # --out into folders that do not exist: made, as mkdir -p would
        with open(os.path.join(elsewhere, "doc.lua"), "w", encoding="utf-8") as f:
            f.write('tegn.emit{ svar = 42 }\n')
        r = run("run", "doc.lua", "--out", "ny/mappe/doc.json")
        check(r.returncode == 0, "--out into a new folder exits 0: " + r.stderr[:300])
        doc = os.path.join(elsewhere, "ny", "mappe", "doc.json")
        check(os.path.isfile(doc) and '"svar": 42' in open(doc, encoding="utf-8").read(),
              "--out ny/mappe/doc.json makes the folders and writes the document")
    print("install: %d failed" % len(fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
