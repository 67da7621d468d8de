#!/usr/bin/python3
"""The cases of tests/postgres/run.sh: check.py TEGN DIR, with the server of
DIR running and PGSERVICEFILE naming its service [tegntest]. Every expected
value comes from PostgreSQL itself (psql, json_agg, ::text, EXCEPT ALL),
never from tegn's own output. Prints one line per case; exits 1 on the first
failure."""
import json
import os
import re
import subprocess
import sys
import time

TEGN, DIR = sys.argv[1], sys.argv[2]
WORK = os.path.join(DIR, "work")
os.makedirs(WORK, exist_ok=True)
SERVICE = "tegntest"
EXIT_DATA, EXIT_LIMIT, EXIT_SCRIPT = 2, 3, 1


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def psql(sql):
    """One query's text result (unaligned, tuples only), UTC and ISO dates."""
    r = subprocess.run(["psql", "service=" + SERVICE, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                        "-c", "SET TimeZone = 'UTC'", "-c", sql],
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail("psql: %s: %s" % (sql, r.stderr))
    return r.stdout.strip()


def pg_json(sql):
    return json.loads(psql("SELECT coalesce(json_agg(q), '[]') FROM (%s) q" % sql))


def run(name, lua, *args, out=True):
    """Runs a script; returns (exit code, stderr, document or None)."""
    script = os.path.join(WORK, name + ".lua")
    with open(script, "w", encoding="utf-8") as f:
        f.write(lua)
    outf = os.path.join(WORK, name + ".json")
    cmd = [TEGN, "run", script, "--quiet"] + list(args)
    if out and "--out" not in args:
        cmd += ["--out", outf]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=WORK)
    doc = None
    if r.returncode == 0 and out and os.path.exists(outf):
        with open(outf, encoding="utf-8") as f:
            doc = json.load(f)
    return r.returncode, r.stderr, doc


def ok(name):
    print("ok: " + name)


def same_value(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and float(a) == float(b)
    return a == b


def compare_rows(name, got, want):
    if len(got) != len(want):
        fail("%s: %d rows, PostgreSQL has %d" % (name, len(got), len(want)))
    for i, (g, w) in enumerate(zip(got, want)):
        if list(g.keys()) != list(w.keys()):
            fail("%s: row %d columns %s, want %s" % (name, i + 1, list(g), list(w)))
        for k in w:
            if not same_value(g[k], w[k]):
                fail("%s: row %d column %s: tegn %r, PostgreSQL %r" % (name, i + 1, k, g[k], w[k]))


# The expected values: PostgreSQL's json, timestamps as its ISO text in UTC
# (what the docs promise), numbers as JSON numbers, dates as YYYY-MM-DD.
TYPER_SQL = ("SELECT id, s, b, r, d, n, n0, nu, t, v, c, ok, dag, ts::text AS ts, tz::text AS tz "
             "FROM typer ORDER BY id")
TYPER_TYPES = {"id": "int", "s": "int", "b": "int", "r": "float", "d": "float", "n": "float",
               "n0": "int", "nu": "float", "t": "string", "v": "string", "c": "string",
               "ok": "bool", "dag": "date", "ts": "string", "tz": "string"}


def case_types():
    rc, err, doc = run("types", 'tegn.emit({ t = tegn.read_postgres("tegntest", '
                       '"SELECT * FROM typer ORDER BY id") })', "--allow-db", SERVICE)
    if rc != 0:
        fail("types: exit %d: %s" % (rc, err))
    compare_rows("types", doc["t"], pg_json(TYPER_SQL))
    cols = {c["name"]: c["type"] for c in doc["meta"]["inputs"][0]["columns"]}
    if cols != TYPER_TYPES:
        fail("types: column types %s, want %s" % (cols, TYPER_TYPES))
    inp = doc["meta"]["inputs"][0]
    if inp["path"] != "postgres:tegntest" or inp["query"] != "SELECT * FROM typer ORDER BY id":
        fail("types: meta input %r" % inp)
    if not re.fullmatch(r"[0-9a-f]{64}", inp["sha256"]) or inp["rows"] != 4:
        fail("types: meta sha256/rows %r" % inp)
    # the same rows through the cursor (a query with parameters), with a
    # trailing comment and semicolon through COPY: same values, same sha256
    for name, q in (("types_cursor", '"SELECT * FROM typer WHERE id > $1 ORDER BY id", { 0 }'),
                    ("types_copy", '"SELECT * FROM typer ORDER BY id -- slut"'),
                    ("types_copy2", '"SELECT * FROM typer ORDER BY id;\\n"')):
        rc, err, doc2 = run(name, 'tegn.emit({ t = tegn.read_postgres("tegntest", %s) })' % q,
                            "--allow-db", SERVICE)
        if rc != 0:
            fail("%s: exit %d: %s" % (name, rc, err))
        compare_rows(name, doc2["t"], pg_json(TYPER_SQL))
        if doc2["meta"]["inputs"][0]["sha256"] != inp["sha256"]:
            fail("%s: the sha256 differs from the first read of the same rows" % name)
    ok("types, values, NULLs, æøå, escapes; meta input postgres:tegntest with sha256")


def case_numeric():
    lua = ('tegn.emit({ t = tegn.read_postgres("tegntest", "SELECT sum(b::numeric) AS s1, '
           'sum(id) AS s2, avg(id) AS a, 9223372036854775807::numeric + 1 AS over, '
           'count(*) AS n FROM typer") })')
    rc, err, doc = run("numeric", lua, "--allow-db", SERVICE)
    if rc != 0:
        fail("numeric: exit %d: %s" % (rc, err))
    want = pg_json("SELECT sum(b::numeric) AS s1, sum(id) AS s2, avg(id)::float8 AS a, "
                   "(9223372036854775807::numeric + 1)::float8 AS over, count(*) AS n FROM typer")
    compare_rows("numeric", doc["t"], want)
    cols = {c["name"]: c["type"] for c in doc["meta"]["inputs"][0]["columns"]}
    if cols != {"s1": "int", "s2": "int", "a": "float", "over": "float", "n": "int"}:
        fail("numeric: types %s" % cols)
    ok("numeric: whole sums int, avg and beyond 64 bits float")


def case_empty():
    lua = ('tegn.emit({ a = tegn.read_postgres("tegntest", "SELECT * FROM typer WHERE false"), '
           'b = tegn.read_postgres("tegntest", "SELECT * FROM typer WHERE id = $1", { 99 }) })')
    rc, err, doc = run("empty", lua, "--allow-db", SERVICE)
    if rc != 0 or doc["a"] != [] or doc["b"] != []:
        fail("empty: exit %d %s" % (rc, err))
    for inp in doc["meta"]["inputs"]:
        cols = {c["name"]: c["type"] for c in inp["columns"]}
        # an unconstrained numeric with no values has no fraction: int
        if cols != dict(TYPER_TYPES, nu="int") or inp["rows"] != 0:
            fail("empty: %r" % inp)
    ok("no rows: the columns and their types all the same (COPY and cursor)")


def case_params():
    lua = ('local t = tegn.read_postgres("tegntest", "SELECT id FROM typer WHERE t = $1 OR id = $2 '
           'OR dag = $3 OR (ok = $4 AND $5::text IS NULL) OR r = $6 ORDER BY id", '
           '{ "Ærø Kommune", 2, tegn.date("2024-02-29"), false, tegn.null, 1.5 })\n'
           'tegn.emit({ t = t })')
    rc, err, doc = run("params", lua, "--allow-db", SERVICE)
    if rc != 0:
        fail("params: exit %d: %s" % (rc, err))
    want = pg_json("SELECT id FROM typer WHERE t = 'Ærø Kommune' OR id = 2 OR dag = '2024-02-29' "
                   "OR (ok = false AND NULL::text IS NULL) OR r = 1.5 ORDER BY id")
    compare_rows("params", doc["t"], want)
    ok("params $1..$6: text æøå, int, date, bool, NULL, float")


def expect_error(name, lua, rc_want, pattern, *args):
    rc, err, _ = run(name, lua, *args)
    if rc != rc_want or not re.search(pattern, err):
        fail("%s: exit %d (want %d), stderr %r (want /%s/)" % (name, rc, rc_want, err, pattern))
    return err


def case_errors():
    a = ("--allow-db", SERVICE)
    expect_error("bad_sql", 'tegn.read_postgres("tegntest", "SELEC 1")', EXIT_SCRIPT,
                 r'syntax error at or near "SELEC"', *a)
    expect_error("no_table", 'tegn.read_postgres("tegntest", "SELECT * FROM nix")', EXIT_SCRIPT,
                 r'relation "nix" does not exist', *a)
    expect_error("write_sql", 'tegn.read_postgres("tegntest", "DELETE FROM typer RETURNING *")',
                 EXIT_SCRIPT, r'cannot execute DELETE in a read-only transaction', *a)
    expect_error("write_sql_params", 'tegn.read_postgres("tegntest", "DELETE FROM typer WHERE id = '
                 '$1 RETURNING *", { 1 })', EXIT_SCRIPT, r'syntax error at or near "DELETE"', *a)
    expect_error("no_rows", 'tegn.read_postgres("tegntest", "CREATE TABLE z (a int)")', EXIT_SCRIPT,
                 r'the statement returns no columns', *a)
    # rows without columns (SELECT FROM t) cannot be a table: refused on both paths
    expect_error("no_cols", 'tegn.read_postgres("tegntest", "SELECT FROM typer")', EXIT_SCRIPT,
                 r'query: the statement returns no columns', *a)
    expect_error("no_cols_cursor", 'tegn.read_postgres("tegntest", "SELECT FROM typer WHERE id > $1",'
                 ' { 0 })', EXIT_SCRIPT, r'query: the statement returns no columns', *a)
    # a numeric beyond a double's range was read as infinity (JSON null)
    expect_error("numeric_range", 'tegn.read_postgres("tegntest", "SELECT 1.5 AS a, 1e400::numeric '
                 'AS n")', EXIT_DATA, r"column 'n', row 1: a numeric beyond a float's range", *a)
    leak = os.path.join(DIR, "leak")
    expect_error("escape_copy", 'tegn.read_postgres("tegntest", "SELECT 1) TO \'%s\' (FORMAT csv) '
                 '--")' % leak, EXIT_SCRIPT, r'syntax error', *a)
    if os.path.exists(leak):
        fail("escape_copy: the server wrote %s" % leak)
    expect_error("two_stmts", 'tegn.read_postgres("tegntest", "SELECT 1; DROP TABLE typer")',
                 EXIT_SCRIPT, r'multiple commands', *a)
    expect_error("read_only", 'tegn.read_postgres("tegntest", '
                 '"SELECT * FROM typer FOR UPDATE")', EXIT_SCRIPT, r'read-only transaction', *a)
    expect_error("json_type", 'tegn.read_postgres("tegntest", "SELECT \'{}\'::json AS j")',
                 EXIT_DATA, r"column 'j' has a type tegn cannot read.*j::text", *a)
    expect_error("dup_names", 'tegn.read_postgres("tegntest", "SELECT 1 AS a, 2 AS a")',
                 EXIT_SCRIPT, r"two result columns are called 'a'", *a)
    expect_error("infinity", 'tegn.read_postgres("tegntest", "SELECT \'infinity\'::date AS d")',
                 EXIT_DATA, r"column 'd', row 1: an infinite date", *a)
    expect_error("no_service", 'tegn.read_postgres("nosuch", "SELECT 1")', EXIT_DATA,
                 r'cannot connect: .*nosuch', "--allow-db", "nosuch")
    # a service naming a database that does not exist: the message names the
    # database and user the service gave, never its password
    conf = open(os.path.join(DIR, "pg_service.conf")).read()
    host = re.search(r"^host=(.*)$", conf, re.M).group(1)
    port = re.search(r"^port=(.*)$", conf, re.M).group(1)
    with open(os.path.join(DIR, "pg_service.conf"), "a") as f:
        f.write("[nodb]\nhost=%s\nport=%s\ndbname=findesikke\nuser=tegn_test\n"
                "password=hemmelig-kode\n" % (host, port))
    err = expect_error("no_db", 'tegn.read_postgres("nodb", "SELECT 1 AS a")', EXIT_DATA,
                       r"postgres:nodb: cannot connect to database 'findesikke' as user 'tegn_test': "
                       r'.*database "findesikke" does not exist', "--allow-db", "nodb")
    if "hemmelig" in err:
        fail("no_db: the password is in the message: %r" % err)
    if psql("SELECT count(*) FROM typer") != "4":
        fail("errors: typer changed")
    ok("errors: SQL, unknown table, writes refused, types, names, infinity, unknown service")


# The query's statement, then what may follow it: the COPY path wraps the
# statement in COPY (...), so a ';' or comment after it must be cut, and
# nothing inside a string, quoted name or dollar quote.
TRAILING = [
    ("SELECT 1 AS a", "; -- the end"),
    ("SELECT 1 AS a", "; /* c */"),
    ("SELECT 1 AS a", " -- c;"),
    ("SELECT 1 AS a", "; -- c ;\n\n"),
    ("SELECT 1 AS a", " /* c /* nested */ ; */ ;; "),
    ("SELECT 1 AS a,\n -- inside\n 2 AS b", " -- on the last line"),
    ("SELECT ';--' AS s, $$a; -- b$$ AS d, $f$ $$; $f$ AS e, E'x\\'; --' AS g, 'it''s' AS h, "
     "1 AS \"q;--\"", "; -- end"),
    ("SELECT 'æø;å' AS a\r\n", "-- slut\r\n"),
]


def lua_str(text):
    """A Lua string literal of text, byte for byte (a long bracket would
    turn CRLF into LF)."""
    out = []
    for ch in text:
        if ch in '"\\' or ord(ch) < 32:
            out.append("\\%03d" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def case_trailing():
    for n, (stmt, tail) in enumerate(TRAILING):
        want = pg_json(stmt)
        for path, params in (("copy", ""), ("cursor", ", { 1 }")):
            sql = stmt + tail
            if params:  # the cursor path needs a parameter: $1 in a WHERE
                sql = "SELECT * FROM (" + stmt + ") q WHERE $1 = 1" + tail
            lua = 'tegn.emit({ t = tegn.read_postgres("tegntest", %s%s) })' % (lua_str(sql), params)
            name = "trailing%d_%s" % (n, path)
            rc, err, doc = run(name, lua, "--allow-db", SERVICE)
            if rc != 0:
                fail("%s: %r: exit %d: %s" % (name, sql, rc, err))
            compare_rows(name, doc["t"], want)
            if doc["meta"]["inputs"][0]["query"] != sql:
                fail("%s: meta query %r" % (name, doc["meta"]["inputs"][0]["query"]))
    ok("a ';', comments and blanks after the statement, on both paths; strings, names and "
       "dollar quotes holding ';' and '--' kept (%d statements)" % len(TRAILING))


def case_positions():
    """An error the server places (its position field) is told as a line and
    column of the query as written, in characters (æøå are one each), after
    taking off tegn's wrapper (DECLARE ... FOR on the cursor path); each
    expected place is counted by hand in the literal."""
    a = ("--allow-db", SERVICE)
    cases = [
        # (name, sql, params, exit, message, line, column)
        ("pos_col", "SELECT 1 AS a,\n  x FROM typer", "", EXIT_SCRIPT,
         'column "x" does not exist', 2, 3),
        ("pos_cursor", "SELECT $1::int AS a,\n  x FROM typer", ", { 1 }", EXIT_SCRIPT,
         'column "x" does not exist', 2, 3),
        ("pos_chars", "SELECT 'æøå' AS a, x FROM typer", "", EXIT_SCRIPT,
         'column "x" does not exist', 1, 20),
        ("pos_crlf", "SELECT 1 AS a\r\nFROM nix; -- c", "", EXIT_SCRIPT,
         'relation "nix" does not exist', 2, 6),
        ("pos_syntax", "SELECT 1 AS a,\n\n  FROM typer", "", EXIT_SCRIPT,
         'syntax error at or near "FROM"', 3, 3),
        ("pos_end", "SELECT 1 +", "", EXIT_SCRIPT, "syntax error at end of input", 1, 11),
        ("pos_value", "SELECT 1 AS a,\n 'x'::int AS b", "", EXIT_DATA,
         'invalid input syntax for type integer: "x"', 2, 2),
        ("pos_value_cursor", "SELECT $1::int AS a,\n 'x'::int AS b", ", { 1 }", EXIT_DATA,
         'invalid input syntax for type integer: "x"', 2, 2),
    ]
    for name, sql, params, code, msg, line, col in cases:
        lua = 'local x = 1\nlocal t = tegn.read_postgres("tegntest", %s%s)\n' % (lua_str(sql), params)
        err = expect_error(name, lua, code, re.escape("postgres:tegntest: query: %s (query line %d, "
                                                      "column %d)" % (msg, line, col)), *a)
        # the script line of the call: in the message, or for a data error in
        # the traceback under it
        where = "%s.lua:2:" % name
        first = err.splitlines()[0]
        if (code == EXIT_SCRIPT and where not in first) or where not in err:
            fail("%s: the script line %s is missing: %r" % (name, where, err))
    # no position: the message is as before, with no place added
    err = expect_error("pos_none", 'tegn.read_postgres("tegntest", "SELECT 1 / (id - 1) AS q FROM '
                       'typer")', EXIT_DATA, r"(?m)query: division by zero$", *a)
    ok("error positions as query line and column (COPY and cursor paths, characters, CRLF, "
       "end of input) with the script line")


def case_sandbox():
    expect_error("not_allowed", 'tegn.read_postgres("tegntest", "SELECT 1 AS x")', EXIT_DATA,
                 r"read_postgres: database service 'tegntest' is not allowed for this run "
                 r"\(allow it with --allow-db tegntest\)")
    expect_error("other_allowed", 'tegn.read_postgres("tegntest", "SELECT 1 AS x")', EXIT_DATA,
                 r"not allowed", "--allow-db", "andet")
    expect_error("write_not_allowed",
                 'tegn.read_postgres("tegntest", "SELECT 1 AS x"):write_postgres("tegntest", "x")',
                 EXIT_DATA, r"write_postgres: .*--allow-db-write tegntest", "--allow-db", SERVICE)
    err = expect_error("password", 'tegn.read_postgres("host=/tmp user=x password=hemmelig", '
                       '"SELECT 1")', EXIT_SCRIPT, r"not a connection string", "--allow-db", SERVICE)
    if "hemmelig" in err:
        fail("password: the password is in the message: %r" % err)
    if psql("SELECT count(*) FROM pg_class WHERE relname = 'x'") != "0":
        fail("write_not_allowed: table x was created")
    ok("sandbox: --allow-db per service, --allow-db-write to write, no conninfo in scripts")


def case_round_trip():
    psql('DROP TABLE IF EXISTS "kopi æøå"')
    lua = ('local t = tegn.read_postgres("tegntest", "SELECT * FROM typer ORDER BY id")\n'
           't:write_postgres("tegntest", "kopi æøå", { mode = tegn.param("mode") })')
    w = ("--allow-db-write", SERVICE)
    rc, err, _ = run("rt", lua, "--param", "mode=create", *w, out=False)
    if rc != 0:
        fail("round trip create: exit %d: %s" % (rc, err))
    want = pg_json(TYPER_SQL)
    compare_rows("round trip", pg_json('SELECT * FROM "kopi æøå" ORDER BY id'), want)
    types = psql("SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position) "
                 "FROM information_schema.columns WHERE table_name = 'kopi æøå'")
    if not types.startswith("id bigint, s bigint, b bigint, r double precision") or \
            "t text" not in types or "ok boolean" not in types or "dag date" not in types:
        fail("round trip: declared types %s" % types)
    expect_error("rt_create_again", lua, EXIT_SCRIPT, r"table 'kopi æøå' already exists",
                 "--param", "mode=create", *w)
    rc, err, _ = run("rt", lua, "--param", "mode=append", *w, out=False)
    if rc != 0 or psql('SELECT count(*) FROM "kopi æøå"') != "8":
        fail("round trip append: exit %d %s" % (rc, err))
    rc, err, _ = run("rt", lua, "--param", "mode=replace", *w, out=False)
    if rc != 0:
        fail("round trip replace: exit %d %s" % (rc, err))
    compare_rows("round trip replace", pg_json('SELECT * FROM "kopi æøå" ORDER BY id'), want)
    # append fills the table's other columns with their defaults
    psql("DROP TABLE IF EXISTS medid; CREATE TABLE medid (nr serial, id bigint, t text)")
    rc, err, _ = run("rt_subset", 'tegn.read_postgres("tegntest", "SELECT id, t FROM typer ORDER BY '
                     'id"):write_postgres("tegntest", "public.medid", { mode = "append" })',
                     *w, out=False)
    if rc != 0:
        fail("append subset: exit %d %s" % (rc, err))
    compare_rows("append subset", pg_json("SELECT nr, id, t FROM medid ORDER BY nr"),
                 pg_json("SELECT row_number() OVER (ORDER BY id)::int AS nr, id, t FROM typer"))
    expect_error("append_missing", 'tegn.read_postgres("tegntest", "SELECT 1 AS zz")'
                 ':write_postgres("tegntest", "medid", { mode = "append" })', EXIT_SCRIPT,
                 r"cannot append to 'medid': it has no column 'zz' \(table columns: nr, id, t\)", *w)
    ok("round trip: create, create again refused, append, replace, append by name with defaults")


def case_failing_read():
    out = os.path.join(WORK, "keep.json")
    with open(out, "w") as f:
        f.write("OLD\n")
    lua = ('local t = tegn.read_postgres("tegntest", "SELECT i, 1 / (i - 700000) AS q '
           'FROM generate_series(1, 1000000) i")\ntegn.emit({ n = #t })')
    err = expect_error("midstream", lua, EXIT_DATA, r"postgres:tegntest: query: division by zero",
                       "--allow-db", SERVICE, "--out", out)
    with open(out) as f:
        if f.read() != "OLD\n":
            fail("midstream: the output file was touched")
    lua = ('local t = tegn.read_postgres("tegntest", "SELECT i, 1 / (i - $1) AS q '
           'FROM generate_series(1, 1000000) i", { 700000 })\ntegn.emit({ n = #t })')
    expect_error("midstream_cursor", lua, EXIT_DATA, r"postgres:tegntest: query: division by zero",
                 "--allow-db", SERVICE, "--out", out)
    with open(out) as f:
        if f.read() != "OLD\n":
            fail("midstream_cursor: the output file was touched")
    ok("a query failing mid-stream (row 700000 of 1M): %s; --out untouched" % err.strip().split("\n")[0])


def case_failing_write():
    before = psql("SELECT count(*) || ' ' || sum(v) FROM chk")
    lua = ('tegn.read_postgres("tegntest", "SELECT i AS id, i AS v FROM generate_series(1, 1000000) i")'
           ':write_postgres("tegntest", "chk", { mode = "append" })')
    err = expect_error("halfway", lua, EXIT_DATA, r'violates check constraint "chk_v_check" '
                       r'\(COPY chk, line 700000', "--allow-db-write", SERVICE)
    after = psql("SELECT count(*) || ' ' || sum(v) FROM chk")
    if before != after or before != "10 55":
        fail("halfway: chk was %s, is %s" % (before, after))
    # replace: the DROP is rolled back with the failed COPY
    lua3 = ('local t = tegn.read_postgres("tegntest", "SELECT i AS a FROM generate_series(1, 10) i")\n'
            't:write_postgres("tegntest", "erstat", { mode = "replace" })\n')
    psql("DROP TABLE IF EXISTS erstat; CREATE TABLE erstat (a int); INSERT INTO erstat VALUES (1); "
         "CREATE VIEW erstat_v AS SELECT * FROM erstat")
    expect_error("replace_dep", lua3, EXIT_SCRIPT, r"cannot drop table erstat because other objects "
                 r"depend on it", "--allow-db-write", SERVICE)
    if psql("SELECT string_agg(a::text, ',') FROM erstat") != "1":
        fail("replace_dep: erstat changed")
    ok("a write failing at row 700000 of 1M rolled back (chk as before); a failed replace keeps the table")


def case_limits():
    t0 = time.time()
    expect_error("timeout", 'tegn.read_postgres("tegntest", "SELECT 1 AS x FROM pg_sleep(30)")', EXIT_LIMIT,
                 r"time limit", "--allow-db", SERVICE, "--timeout", "1s")
    took = time.time() - t0
    time.sleep(0.5)
    left = psql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' "
                "AND pid <> pg_backend_pid()")
    if took > 10 or left != "0":
        fail("timeout: took %.1f s, %s statements left running" % (took, left))
    expect_error("timeout_cursor", 'tegn.read_postgres("tegntest", "SELECT 1 AS x FROM pg_sleep($1)", '
                 '{ 30 })', EXIT_LIMIT, r"time limit", "--allow-db", SERVICE, "--timeout", "1s")
    expect_error("memcap", 'tegn.read_postgres("tegntest", "SELECT i, repeat(i::text, 20) AS s '
                 'FROM generate_series(1, 3000000) i")', EXIT_LIMIT, r"memory limit",
                 "--allow-db", SERVICE, "--mem", "64M")
    ok("--timeout 1s cancels the running statement on the server (%.1f s); --mem 64M holds" % took)


def case_big():
    """1M rows: read, written back, compared in PostgreSQL with EXCEPT ALL;
    then the time of read_postgres against psql \\copy to CSV + read_csv."""
    psql("DROP TABLE IF EXISTS big2")
    lua = ('local t = tegn.read_postgres("tegntest", "SELECT * FROM big")\n'
           't:write_postgres("tegntest", "big2")\ntegn.emit({ n = #t })')
    rc, err, doc = run("big", lua, "--allow-db-write", SERVICE)
    if rc != 0 or doc["n"] != 1000000:
        fail("big: exit %d %s" % (rc, err))
    diff = psql("SELECT (SELECT count(*) FROM (SELECT * FROM big EXCEPT ALL SELECT * FROM big2) a) "
                "|| ' ' || (SELECT count(*) FROM (SELECT * FROM big2 EXCEPT ALL SELECT * FROM big) b)")
    if diff != "0 0":
        fail("big: big and its copy differ: %s" % diff)
    best = {}
    csv = os.path.join(WORK, "big.csv")
    rlua = 'local t = tegn.read_postgres("tegntest", "SELECT * FROM big")\ntegn.emit({ n = #t })'
    clua = 'local t = tegn.read_csv("big.csv")\ntegn.emit({ n = #t })'
    for _ in range(3):
        t0 = time.time()
        rc, err, _ = run("big_read", rlua, "--allow-db", SERVICE)
        best["pg"] = min(best.get("pg", 1e9), time.time() - t0)
        t0 = time.time()
        subprocess.run(["psql", "service=" + SERVICE, "-X", "-q", "-c",
                        "\\copy big TO '%s' WITH (FORMAT csv, HEADER)" % csv], check=True)
        t1 = time.time()
        rc2, err2, _ = run("big_csv", clua)
        t2 = time.time()
        if rc or rc2:
            fail("big timing: %s %s" % (err, err2))
        if t2 - t0 < best.get("csv", 1e9):
            best["csv"], best["copy"] = t2 - t0, t1 - t0
    print("ok: 1M rows (5 columns) read, written back and equal in PostgreSQL (EXCEPT ALL both ways)")
    print("time: read_postgres %.2f s; psql \\copy to CSV %.2f s + read_csv %.2f s = %.2f s "
          "(best of 3)" % (best["pg"], best["copy"], best["csv"] - best["copy"], best["csv"]))


for case in (case_types, case_numeric, case_empty, case_params, case_errors, case_trailing,
             case_positions, case_sandbox, case_round_trip,
             case_failing_read, case_failing_write, case_limits, case_big):
    case()
print("postgres: all cases passed")
