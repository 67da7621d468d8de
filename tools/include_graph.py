#!/usr/bin/env python3
"""include_graph.py -- the engine's module include graph, checked.

Reads every engine/<layer>/*.c/.h (the cli folder holds main.c too), and prints one line
per module: its layer and the modules it includes. A module is a .c/.h pair;
module X depends on Y when either of X's files includes tg_Y.h.

With --check it fails (exit 1) when
  - a module includes a module of a higher or sibling layer (the compiler
    catches this too, since each layer sees only its own and lower headers);
  - a third-party header is included outside its adapter module;
  - with --cycles too: the module graph has a cycle (a strongly connected
    component of more than one module), naming the modules of each cycle.
Usage: include_graph.py [--check [--cycles]] [ROOT]
"""
import os
import re
import sys

# The layer order and what each layer may include (itself and these).
BELOW = {
    "base": [],
    "core": ["base"],
    "io": ["base", "core"],
    "query": ["base", "core"],
    "stats": ["base", "core", "io", "query"],
    "finance": ["base", "core", "io", "query"],
    "lua": ["base", "core", "io", "query", "stats", "finance"],
    "report": ["base", "core", "io", "query", "stats", "finance"],
    "cli": ["base", "core", "io", "query", "stats", "finance", "lua", "report"],
}

# Third-party headers and the only places allowed to include them: a layer
# folder name, or a module name (tg_csv ...).
ADAPTERS = {
    "csv.h": {"tg_csvparse"},
    "sqlite3.h": {"tg_db", "tg_dbvfs", "tg_hist"},
    "libpq-fe.h": {"tg_pg"},
    "jansson.h": {"tg_json"},
    "zlib.h": {"tg_csvprep"},
    "xlsxwriter.h": {"tg_xlsxw"},
    "zip.h": {"tg_zip"},
    "expat.h": {"tg_xlsxml"},
    "freexl.h": {"tg_xls"},
    "zstd.h": {"tg_parquet"},
    "snappy-c.h": {"tg_parquet"},
    "lua.h": {"lua"},
    "lauxlib.h": {"lua"},
    "lualib.h": {"lua"},
    "editline/readline.h": {"tg_repl"},
    "unicode/ucol.h": {"tg_collate"},
    "unicode/ustring.h": {"tg_collate"},
}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def read_modules(root):
    mods = {}  # name -> {"layer": str, "deps": set, "sys": set}
    engine = os.path.join(root, "engine")
    for layer in BELOW:
        folder = os.path.join(engine, layer)
        if not os.path.isdir(folder):
            continue
        for fn in sorted(os.listdir(folder)):
            if not fn.endswith((".c", ".h")):
                continue
            name = fn[:-2]
            m = mods.setdefault(name, {"layer": layer, "deps": set(), "sys": set()})
            if m["layer"] != layer:
                sys.exit(f"module {name} is split across {m['layer']} and {layer}")
            text = open(os.path.join(folder, fn), encoding="utf-8").read()
            for kind, inc in INCLUDE.findall(text):
                if kind == '"' and inc.startswith("tg_") and inc.endswith(".h"):
                    if inc[:-2] != name:
                        m["deps"].add(inc[:-2])
                elif kind == "<":
                    m["sys"].add(inc)
    return mods


def cycles(mods):
    """Tarjan's strongly connected components with more than one module."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(mods[v]["deps"]):
            if w not in mods:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(mods):
        if v not in index:
            visit(v)
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    check = "--check" in sys.argv[1:]
    want_acyclic = "--cycles" in sys.argv[1:]
    root = args[0] if args else os.path.join(os.path.dirname(__file__), "..")
    mods = read_modules(root)
    problems = []
    for name in sorted(mods, key=lambda n: (list(BELOW).index(mods[n]["layer"]), n)):
        m = mods[name]
        print(f"{m['layer']:8} {name:16} -> {' '.join(sorted(m['deps']))}")
        for d in sorted(m["deps"]):
            if d not in mods:
                problems.append(f"{name} includes {d}.h, which is no engine module")
                continue
            dl = mods[d]["layer"]
            if dl != m["layer"] and dl not in BELOW[m["layer"]]:
                problems.append(f"{name} ({m['layer']}) includes {d} ({dl}): not a lower layer")
        for inc in sorted(m["sys"]):
            allowed = ADAPTERS.get(inc)
            if allowed is not None and name not in allowed and m["layer"] not in allowed:
                problems.append(f"{name} includes <{inc}>; only {', '.join(sorted(allowed))} may")
    for comp in cycles(mods):
        line = "include cycle among: " + " ".join(comp)
        if want_acyclic:
            problems.append(line)
        else:
            print("include_graph: (not checked) " + line, file=sys.stderr)
    for p in problems:
        print("include_graph: " + p, file=sys.stderr)
    if check and problems:
        return 1
    if check:
        print(f"include_graph: {len(mods)} modules, no upward include"
              + (", no cycle" if want_acyclic else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
