#!/usr/bin/python3
"""check_history.py TEGN SOURCE WORKDIR -- the run history end to end (docs/history.md).

`tegn demo --history` over the datasets, then over a changed copy (scenario.py: a tilbud
removed, late registrations revising 2020 and 2023 and making a suppressed cell visible, a
verdict flipped, an input halved, a column renamed): the diff must be exactly
expected_diff.txt, in text (from `tegn history diff` and from --fail-on's alert) and as JSON,
kinds in order of importance. Then: --fail-on exit codes and --quiet silence, --row-drop, a
failed run recorded as its run row only, the file read with the sqlite3 CLI as an
independent reader (schema version, STRICT tables, foreign keys, the values equal to the
document's), a full disk (RLIMIT_FSIZE) leaving the file byte-identical, concurrent
recorders all landing, SIGKILL during recording leaving it consistent, prune, the script
unable to write the history, and no history needed without --history.
"""
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import scenario  # noqa: E402

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def tegn(*args, **kw):
    p = subprocess.run([TEGN, *args], cwd=WORK, capture_output=True, **kw)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def sql(db, query):
    """The sqlite3 command-line shell, not tegn, reads the history."""
    p = subprocess.run(["sqlite3", "-batch", "-noheader", "-separator", "|",
                        os.path.join(WORK, db), query], capture_output=True)
    if p.returncode != 0:
        failures.append("sqlite3 %s: %s" % (query, p.stderr.decode()))
    return p.stdout.decode().strip()


def masked(text):
    """The diff's header names times and the installed script: mask them."""
    lines = text.split("\n")
    if lines and lines[0].startswith("Kørsel "):
        lines[0] = "<header>"
    return "\n".join(lines)


def scenario_runs():
    rc, out, err = tegn("demo", "ds1", "--history", "h.sqlite", "--quiet")
    check(rc == 0 and out == "" and err == "", "first run: quiet, exit 0 (%d %r %r)" % (rc, out, err))
    shutil.copy(os.path.join(WORK, "out", "indikatorer.json"), os.path.join(WORK, "doc1.json"))
    rc, out, err = tegn("demo", "ds2", "--history", "h.sqlite", "--quiet", "--fail-on", "verdict")
    check(rc == 10, "changed run with --fail-on verdict exits 10, got %d (%s)" % (rc, err[:300]))
    check(out == "", "under --quiet stdout stays empty: %r" % out[:200])
    with open(os.path.join(HERE, "expected_diff.txt"), encoding="utf-8") as f:
        expected = f.read()
    check(masked(err) == expected, "--fail-on's alert is the expected diff:\n" + err)
    rc, out, err = tegn("history", "diff", "--history", "h.sqlite")
    check(rc == 0 and masked(out) == expected, "history diff (default runs): rc %d\n%s%s" % (rc, out, err))
    check(out.startswith("Kørsel 2 ") and "sammenlignet med kørsel 1 " in out, "header: %r" % out[:80])
    rc, out2, _ = tegn("history", "diff", "1", "2", "--history", "h.sqlite")
    check(out2 == out, "history diff 1 2 equals the default")
    rc, out2, _ = tegn("history", "diff", "1", "--history", "h.sqlite")
    check(out2 == out, "history diff 1 compares with the latest run")


def json_diff():
    rc, out, err = tegn("history", "diff", "--json", "--history", "h.sqlite")
    check(rc == 0, "diff --json exit 0: %s" % err)
    d = json.loads(out)
    check(d["format"] == "tegn-history-diff" and d["from"]["run"] == 1 and d["to"]["run"] == 2,
          "json header")
    check(d["counts"] == {"verdict": 2, "revision": 13, "group": 1, "indicator": 0, "input": 2},
          "json counts %s" % d["counts"])
    order = ["verdict", "revision", "group", "indicator", "input"]
    ranks = [order.index(c["kind"]) for c in d["changes"]]
    check(ranks == sorted(ranks), "changes sorted by importance: %s" % ranks)
    ch = d["changes"]
    check(ch[0] == {"kind": "verdict", "what": "changed", "indicator": "kbh.sagsfrister",
                    "group": None, "from": "improved", "to": "worse"}, "verdict flip: %s" % ch[0])
    rev = [c for c in ch if c["kind"] == "revision"]
    s2020 = [c for c in rev if c["indicator"] == "kbh.sagsfrister" and c["period"] == "2020"]
    doc1 = json.load(open(os.path.join(WORK, "doc1.json")))
    doc2 = json.load(open(os.path.join(WORK, "out", "indikatorer.json")))

    def value(doc, ind, period, group=None):
        for i in doc["indicators"]:
            if i["id"] == ind:
                for r in i["series"]:
                    if r[i["period"]] == period and (group is None or r[i["by"][0]] == group):
                        return r["value"]
    check(len(s2020) == 1 and s2020[0]["from"] == value(doc1, "kbh.sagsfrister", 2020)
          and s2020[0]["to"] == value(doc2, "kbh.sagsfrister", 2020),
          "2020 revision carries both documents' values: %s" % s2020)
    vis = [c for c in rev if c["what"] == "unsuppressed"]
    check([(c["indicator"], c["group"], c["period"], c["from"]) for c in vis] ==
          [("regionh.planer.oensker_tilbud", "DSV-19", "2023", None)], "unsuppressed: %s" % vis)
    check(vis and vis[0]["to"] == value(doc2, "regionh.planer.oensker_tilbud", 2023, "DSV-19"),
          "the visible cell's value")
    grp = [c for c in ch if c["kind"] == "group"]
    check(grp == [{"kind": "group", "what": "removed", "indicator": "regionh.belaegning",
                   "group": "DSV-05"}], "tilbud removed: %s" % grp)
    inp = [c for c in ch if c["kind"] == "input"]
    check(inp == [{"kind": "input", "what": "rows_fell", "input": "ds2/medarbejder_survey.csv",
                   "from": 12440, "to": 6220},
                  {"kind": "input", "what": "column_renamed", "input": "ds2/tilbud.csv",
                   "column": "maal_gruppe", "from": "maalgruppe", "to": "maal_gruppe"}],
          "inputs: %s" % inp)
    rc, out, _ = tegn("history", "diff", "--json", "--row-drop", "60", "--history", "h.sqlite")
    check(json.loads(out)["counts"]["input"] == 1, "--row-drop 60: a fall of 50 % is quiet")


def report_marks():
    """The report given the history marks each changed sign and each revised period."""
    rc, html, err = tegn("report", "out/indikatorer.json", "--history", "h.sqlite")
    check(rc == 0, "report --history: %s" % err)
    marks = html.count("<strong>Ændret siden sidste kørsel</strong> (kørsel 1, ")
    check(marks == 7, "seven signs marked as changed, got %d" % marks)
    for want in ("vurderingen forbedret → forværret; perioden 2020 revideret, 66,4 % → 64,3 %",
                 "DSV-19: perioden 2023 revideret, skjult → 100,0 %",
                 "DSV-05: forsvundet",
                 "<td>revideret siden sidste kørsel (var 66,4 %)</td>"):
        check(want in html, "the report says %r" % want)
    rc, plain, _ = tegn("report", "out/indikatorer.json")
    check(rc == 0 and "Ændret siden" not in plain and "revideret" not in plain,
          "without --history the report is unmarked")
    # tegn run --report --history marks against the previous run, before recording
    shutil.copy(os.path.join(WORK, "h.sqlite"), os.path.join(WORK, "r.sqlite"))
    sql("r.sqlite", "PRAGMA foreign_keys = ON; DELETE FROM run WHERE id = 2")
    rc, _, err = tegn("run", ALLE, "--param", "datasets=ds2", "--allow-read", "ds2", "--out",
                      "out/y.json", "--report", "out/y.html", "--history", "r.sqlite", "--quiet")
    y = open(os.path.join(WORK, "out", "y.html"), encoding="utf-8").read() if rc == 0 else ""
    check(rc == 0 and y.count("Ændret siden sidste kørsel</strong> (kørsel 1, ") == 7,
          "run --report --history marks the changes: %d %s" % (rc, err))


def fail_on_codes():
    for kinds, want in (("group", 10), ("indicator", 0), ("revision,input", 10), ("all", 10)):
        rc, out, err = tegn("history", "diff", "--quiet", "--fail-on", kinds, "--history", "h.sqlite")
        check(rc == want, "--fail-on %s exits %d, got %d" % (kinds, want, rc))
        check((out != "") == (want == 10) and err == "", "--quiet --fail-on %s output" % kinds)
    rc, out, err = tegn("history", "diff", "--fail-on", "verdit", "--history", "h.sqlite")
    check(rc == 64 and "verdict, revision" in err, "a misspelt kind is a usage error")
    rc, _, err = tegn("run", "x.lua", "--fail-on", "all")
    check(rc == 64 and "need --history" in err, "--fail-on without --history")
    # the same data again: nothing to say, nothing printed
    rc, out, err = tegn("demo", "ds2", "--history", "h.sqlite", "--quiet", "--fail-on", "all")
    check(rc == 0 and out == "" and err == "", "unchanged rerun is silent: %d %r %r" % (rc, out, err))
    rc, out, _ = tegn("--help")
    check("10 a change --fail-on names" in out, "tegn --help documents exit 10")


def failed_run():
    with open(os.path.join(WORK, "bad.lua"), "w") as f:
        f.write('local t = tegn.read_csv("ds1/tilbud.csv")\nerror("kaputt")\n')
    rc, _, err = tegn("run", "bad.lua", "--history", "h.sqlite")
    check(rc == 1 and "kaputt" in err, "failed run keeps its exit code: %d %s" % (rc, err))
    row = sql("h.sqlite", "SELECT id, exit_status, error FROM run WHERE script = 'bad.lua'")
    check(row.startswith("4|1|") and "kaputt" in row, "failed run's row: %r" % row)
    n = sql("h.sqlite", "SELECT (SELECT count(*) FROM input WHERE run_id = 4) + "
            "(SELECT count(*) FROM indicator WHERE run_id = 4) + "
            "(SELECT count(*) FROM value WHERE run_id = 4)")
    check(n == "0", "a failed run records only its run row, got %s rows" % n)
    rc, _, err = tegn("history", "diff", "1", "4", "--history", "h.sqlite")
    check(rc == 64 and "run 4 failed (exit 1)" in err, "diff with a failed run refused: %s" % err)
    rc, out, _ = tegn("history", "list", "--history", "h.sqlite")
    check(rc == 0 and "fejl 1" in out and "kaputt" in out and out.count("\n") == 6,
          "history list shows the failure:\n" + out)


def independent_reader():
    check(sql("h.sqlite", "PRAGMA user_version") == "1", "user_version 1")
    check(sql("h.sqlite", "PRAGMA integrity_check") == "ok", "integrity")
    check(sql("h.sqlite", "PRAGMA foreign_key_check") == "", "foreign keys hold")
    check(sql("h.sqlite", "PRAGMA journal_mode") == "wal", "WAL mode")
    strict = sql("h.sqlite", "SELECT name || ':' || strict FROM pragma_table_list "
                 "WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    check(strict.split("\n") == ["indicator:1", "input:1", "input_column:1", "run:1",
                                 "value:1", "verdict:1"], "STRICT tables: %r" % strict)
    doc = json.load(open(os.path.join(WORK, "doc1.json")))
    rows = sum(len(i["series"]) for i in doc["indicators"])
    check(sql("h.sqlite", "SELECT count(*) FROM value WHERE run_id = 1") == str(rows),
          "every series row recorded (%d)" % rows)
    supp = sum(r["suppressed"] for i in doc["indicators"] for r in i["series"])
    check(sql("h.sqlite", "SELECT count(*) FROM value WHERE run_id = 1 AND suppressed = 1 "
              "AND value IS NULL AND numerator IS NULL") == str(supp), "suppressed cells hold no numbers")
    verdicts = sum(len(i["verdicts"]) for i in doc["indicators"])
    check(sql("h.sqlite", "SELECT count(*) FROM verdict WHERE run_id = 1") == str(verdicts), "verdicts")
    ens = [i for i in doc["indicators"] if i["id"] == "kbh.ensomhed"][0]["series"][0]
    got = sql("h.sqlite", "SELECT value = %r AND lo = %r AND hi = %r AND n = %r FROM value "
              "WHERE run_id = 1 AND indicator = 'kbh.ensomhed' AND period = '2019'"
              % (ens["value"], ens["lo"], ens["hi"], ens["n"]))
    check(got == "1", "kbh.ensomhed 2019: value, interval and n exactly the document's")
    cols = sql("h.sqlite", "SELECT group_concat(c.name || ':' || c.type, ',') FROM input_column c "
               "JOIN input i ON i.run_id = c.run_id AND i.pos = c.input_pos "
               "WHERE c.run_id = 1 AND i.path = 'ds1/tilbud.csv' ORDER BY c.pos")
    meta = [x for x in doc["meta"]["inputs"] if x["path"] == "ds1/tilbud.csv"][0]
    check(cols == ",".join(c["name"] + ":" + c["type"] for c in meta["columns"]), "columns: " + cols)
    row = sql("h.sqlite", "SELECT tegn_version, seed, params, length(script_sha256) FROM run WHERE id = 1")
    check(row == '%s|42|{"datasets":"ds1"}|64' % doc["meta"]["tegn_version"], "run row: " + row)


def snapshot(db):
    return open(os.path.join(WORK, db), "rb").read()


def disk_full():
    before = snapshot("h.sqlite")
    n = sql("h.sqlite", "SELECT count(*) FROM run")

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (40000, 40000))
    p = subprocess.run([TEGN, "run", ALLE, "--param", "datasets=ds1", "--allow-read", "ds1",
                        "--history", "h.sqlite", "--quiet"], cwd=WORK, capture_output=True,
                       preexec_fn=limit)
    err = p.stderr.decode()
    check(p.returncode == 2 and "h.sqlite" in err, "full disk: exit 2 naming the history: %d %s"
          % (p.returncode, err))
    check(len(p.stdout) > 1000, "the run's output was still written")
    check(snapshot("h.sqlite") == before, "full disk leaves the history byte-identical")
    check(sql("h.sqlite", "SELECT count(*) FROM run") == n, "and no run was added")


def concurrent():
    with open(os.path.join(WORK, "small.lua"), "w") as f:
        f.write('local t = tegn.read_csv("ds1/tilbud.csv")\ntegn.emit{ k = tegn.params.k }\n')
    procs = [subprocess.Popen([TEGN, "run", "small.lua", "--history", "c.sqlite", "--param",
                               "k=%d" % k], cwd=WORK, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE) for k in range(6)]
    codes = [(p.wait(), p.stderr.read().decode()) for p in procs]
    check(all(c == 0 for c, _ in codes), "concurrent recorders all succeed: %s" % codes)
    check(sql("c.sqlite", "SELECT count(*) FROM run") == "6", "six runs landed")
    check(sql("c.sqlite", "SELECT count(*) FROM input") == "6", "with their inputs")
    check(sql("c.sqlite", "SELECT count(DISTINCT params) FROM run") == "6", "each its own")


def killed():
    """SIGKILL at several moments of a run that records: always a whole run or none."""
    n0 = int(sql("h.sqlite", "SELECT count(*) FROM run"))
    for delay in (0.3, 0.8, 1.1, 1.3, 1.6):
        p = subprocess.Popen([TEGN, "run", ALLE, "--param", "datasets=ds1", "--allow-read", "ds1",
                              "--history", "h.sqlite", "--quiet"], cwd=WORK,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        check(sql("h.sqlite", "PRAGMA integrity_check") == "ok", "integrity after kill at %s" % delay)
        n = int(sql("h.sqlite", "SELECT count(*) FROM run"))
        check(n in (n0, n0 + 1), "a killed run is absent or whole")
        if n == n0 + 1:
            check(sql("h.sqlite", "SELECT count(*) FROM value WHERE run_id = (SELECT max(id) FROM run)")
                  == sql("h.sqlite", "SELECT count(*) FROM value WHERE run_id = 1"), "whole run")
        n0 = n


def prune():
    # started_at of runs 1.. are all this month: run 1 is the month's first and stays
    total = int(sql("h.sqlite", "SELECT count(*) FROM run"))
    rc, out, err = tegn("history", "prune", "--keep", "1", "--history", "h.sqlite")
    left = sql("h.sqlite", "SELECT group_concat(id) FROM (SELECT id FROM run ORDER BY id)")
    ids = left.split(",")
    check(rc == 0 and ids[0] == "1" and len(ids) == 2, "prune keeps the month's first and the newest: %s" % left)
    check(out == "%d kørsler fjernet\n" % (total - 2), "prune says how many: %r" % out)
    check(sql("h.sqlite", "PRAGMA foreign_key_check") == "" and
          sql("h.sqlite", "SELECT count(DISTINCT run_id) FROM value") == str(
              int(sql("h.sqlite", "SELECT count(*) FROM run WHERE exit_status = 0 AND id IN (%s)" % left))),
          "their values went with them")


def sandbox():
    with open(os.path.join(WORK, "steal.lua"), "w") as f:
        f.write('local t = tegn.read_csv("ds1/tilbud.csv")\nt:write_csv("out/h.sqlite")\n')
    rc, _, err = tegn("run", "steal.lua", "--out", "out/x.json", "--history", "out/h.sqlite")
    check(rc != 0 and "--history database" in err, "the script may not write the history: %s" % err)
    check(not os.path.exists(os.path.join(WORK, "out", "h.sqlite")) or
          sql("out/h.sqlite", "SELECT count(*) FROM run") == "1", "only the run row was recorded")
    rc, out, err = tegn("run", "small.lua", "--param", "k=1", "--history", "f.sqlite",
                        "--fail-on", "all", "--quiet")
    check(rc == 0 and json.loads(out)["k"] == "1" and err == "",
          "a first run has nothing to compare: exit 0, silent: %d %r %r" % (rc, out, err))
    for args, what in ((("history", "frobnicate", "--history", "f.sqlite"), "list, diff or prune"),
                       (("history", "diff", "--row-drop", "120", "--history", "f.sqlite"),
                        "percentage from 0 to 100"),
                       (("history", "prune", "--history", "f.sqlite"), "needs --keep N"),
                       (("history", "list"), "needs --history FILE")):
        rc, _, err = tegn(*args, env=dict(os.environ, TEGN_HISTORY=""))
        check(rc == 64 and what in err, "%s: usage error naming %r: %s" % (args, what, err))
    env = dict(os.environ, TEGN_HISTORY=os.path.join(WORK, "missing", "h.sqlite"))
    rc, _, err = tegn("run", "small.lua", env=env)
    check(rc == 0, "no --history: the history is never needed: %d %s" % (rc, err))
    rc, _, err = tegn("history", "list", env=env)
    check(rc == 2 and "missing/h.sqlite" in err, "history list reads TEGN_HISTORY: %s" % err)


def main():
    global TEGN, WORK, ALLE
    TEGN, src, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
    ALLE = os.path.join(src, "scripts", "alle.lua")
    if shutil.which("sqlite3") is None:
        print("skipped: no sqlite3 command-line shell")
        return 77
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    shutil.copytree(os.path.join(src, "datasets"), os.path.join(WORK, "ds1"))
    scenario.make_changed(os.path.join(src, "datasets"), os.path.join(WORK, "ds2"))
    scenario_runs()
    json_diff()
    report_marks()
    fail_on_codes()
    failed_run()
    independent_reader()
    disk_full()
    concurrent()
    killed()
    prune()
    sandbox()
    print("history: %d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
