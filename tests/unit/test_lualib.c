/*
** test_lualib.c -- the `tegn` Lua module: loading, tables, params, dates,
** errors that point at the script line or the data position, and the
** allocation-failure loop. Expected values come from a second reading of
** the fixtures: a naive CSV splitter here loads them into an in-memory
** SQLite database and SQL computes what the scripts should print.
*/
#include "tg_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <sqlite3.h>

#include "tg_err.h"
#include "tg_lua.h"
#include "tg_lualib.h"
#include "tg_mem.h"

/* ---- running scripts ---- */

struct sink {
    char *buf;
    size_t len, cap;
};

static void capture(void *ud, const char *text, size_t len) {
    struct sink *s = ud;
    if (s->len + len + 1 > s->cap) {
        s->cap = (s->len + len + 1) * 2;
        s->buf = realloc(s->buf, s->cap);
        assert_non_null(s->buf);
    }
    memcpy(s->buf + s->len, text, len);
    s->len += len;
    s->buf[s->len] = '\0';
}

struct env {
    tg_lualib *lib;
    tg_lua *rt;
    struct sink out;
    tg_error err;
};

static char fixture_dir[1024];

/* A runtime with the tegn module; DIR is the lualib fixture folder. */
static void env_open(struct env *e, const char *const *params, size_t n_params) {
    tg_lua_opts opts;
    memset(e, 0, sizeof *e);
    e->lib = tg_lualib_new(params, n_params, capture, &e->out, 0, &e->err);
    if (!e->lib) fail_msg("tg_lualib_new: %s", e->err.msg);
    tg_lua_opts_init(&opts);
    opts.print = tg_lualib_print;
    opts.open_libs = tg_lualib_open;
    opts.ud = e->lib;
    e->rt = tg_lua_new(&opts, &e->err);
    if (!e->rt) fail_msg("tg_lua_new: %s", e->err.msg);
    snprintf(fixture_dir, sizeof fixture_dir, "%s/", tg_test_fixture("lualib"));
    lua_pushstring(tg_lua_state(e->rt), fixture_dir);
    lua_setglobal(tg_lua_state(e->rt), "DIR");
}

static void env_close(struct env *e) {
    tg_lua_free(e->rt);
    tg_lualib_free(e->lib);
    free(e->out.buf);
}

/* Runs 'code' as script.lua; returns the status, output in e->out. */
static tg_status env_run(struct env *e, const char *code) {
    e->out.len = 0;
    if (e->out.buf) e->out.buf[0] = '\0';
    return tg_lua_run_string(e->rt, "script.lua", code, 0, &e->err);
}

/* Runs 'code' and fails the test unless it succeeds. */
static const char *run_ok(struct env *e, const char *code) {
    tg_status st = env_run(e, code);
    if (st != TG_OK) {
        char msg[1024];
        fail_msg("script failed: %s", tg_err_format(&e->err, msg, sizeof msg));
    }
    return e->out.buf ? e->out.buf : "";
}

/* ---- the second reading: naive CSV -> SQLite ---- */

/* Loads a ';'-separated fixture (no quotes) into table 'name' of db: empty
** fields are NULL, integers are integers, "1,5" and "1.5" are reals,
** anything else is text. Every column is untyped, so SQL sees values. */
static void load_naive(sqlite3 *db, const char *file, char sep, const char *name) {
    char path[1100], line[1024], sql[2048];
    FILE *f;
    int n_cols = 0;
    sqlite3_stmt *ins = NULL;

    snprintf(path, sizeof path, "%s%s", fixture_dir, file);
    f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        char *fields[32];
        int n = 0;
        line[strcspn(line, "\r\n")] = '\0';
        for (char *p = line;; p++) {
            fields[n++] = p;
            p = strchr(p, sep);
            if (!p) break;
            *p = '\0';
        }
        if (!ins) {
            int off = snprintf(sql, sizeof sql, "CREATE TABLE %s(", name);
            for (int k = 0; k < n; k++)
                off += snprintf(sql + off, sizeof sql - (size_t)off, "%s\"%s\"", k ? "," : "",
                                fields[k]);
            snprintf(sql + off, sizeof sql - (size_t)off, ")");
            assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
            off = snprintf(sql, sizeof sql, "INSERT INTO %s VALUES(", name);
            for (int k = 0; k < n; k++)
                off += snprintf(sql + off, sizeof sql - (size_t)off, "%s?", k ? "," : "");
            snprintf(sql + off, sizeof sql - (size_t)off, ")");
            assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &ins, NULL), SQLITE_OK);
            n_cols = n;
            continue;
        }
        assert_int_equal(n, n_cols);
        for (int k = 0; k < n; k++) {
            char *end, num[64];
            const char *v = fields[k];
            if (!*v) {
                sqlite3_bind_null(ins, k + 1);
                continue;
            }
            long long i = strtoll(v, &end, 10);
            if (!*end) {
                sqlite3_bind_int64(ins, k + 1, i);
                continue;
            }
            snprintf(num, sizeof num, "%s", v);
            for (char *c = num; *c; c++)
                if (*c == ',') *c = '.';
            double d = strtod(num, &end);
            if (!*end && strchr("-0123456789", num[0]))
                sqlite3_bind_double(ins, k + 1, d);
            else
                sqlite3_bind_text(ins, k + 1, v, -1, SQLITE_TRANSIENT);
        }
        assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    fclose(f);
}

static sqlite3 *naive_db(void) {
    sqlite3 *db;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    load_naive(db, "belaegning.csv", ';', "b");
    load_naive(db, "tilbud.csv", ';', "tilbud");
    return db;
}

/* Runs 'sql' and appends each row's values joined by '|' plus '\n' to a
** malloc'ed string: NULL as "NULL", reals with 'fmt' (e.g. "%.2f"),
** integers and text as they are. */
static char *sql_text(sqlite3 *db, const char *sql, const char *fmt) {
    struct sink s = { NULL, 0, 0 };
    sqlite3_stmt *st;
    capture(&s, "", 0);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int k = 0; k < sqlite3_column_count(st); k++) {
            char buf[128];
            if (k) capture(&s, "|", 1);
            switch (sqlite3_column_type(st, k)) {
            case SQLITE_NULL: snprintf(buf, sizeof buf, "NULL"); break;
            case SQLITE_INTEGER:
                snprintf(buf, sizeof buf, "%lld", (long long)sqlite3_column_int64(st, k));
                break;
            case SQLITE_FLOAT: snprintf(buf, sizeof buf, fmt, sqlite3_column_double(st, k)); break;
            default: snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, k));
            }
            capture(&s, buf, strlen(buf));
        }
        capture(&s, "\n", 1);
    }
    sqlite3_finalize(st);
    return s.buf;
}

/* A Lua helper every script can use: prints each row of a table with the
** values joined by '|', NULL as "NULL" and floats with 'fmt'. */
static const char dump_lua[] =
    "function dump(t, fmt)\n"
    "  local names = t:columns()\n"
    "  for _, r in ipairs(t:rows()) do\n"
    "    local out = {}\n"
    "    for k, n in ipairs(names) do\n"
    "      local v = r[n]\n"
    "      if v == nil then out[k] = 'NULL'\n"
    "      elseif math.type(v) == 'float' then\n"
    "        out[k] = string.format(type(fmt) == 'string' and fmt or '%.2f', v)\n"
    "      else out[k] = tostring(v) end\n"
    "    end\n"
    "    print(table.concat(out, '|'))\n"
    "  end\n"
    "end\n";

static void env_open_dump(struct env *e) {
    env_open(e, NULL, 0);
    run_ok(e, dump_lua);
}

static int starts_with(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- loading ---- */

static void test_lualib_read_csv_schema_and_rows(void **state) {
    struct env e;
    sqlite3 *db;
    char *want;
    (void)state;

    env_open_dump(&e);
    db = naive_db();
    assert_string_equal(run_ok(&e, "local t = tegn.read_csv(DIR .. 'belaegning.csv')\n"
                                   "for _, c in ipairs(t:schema()) do print(c.name, c.type) end\n"
                                   "print(#t)\n"),
                        "dato\tdate\ntilbud_id\tstring\nkommune\tstring\nstatus\tstring\n"
                        "takst_kr\tfloat\ndage\tint\n60\n");
    want = sql_text(db, "SELECT * FROM b", "%.2f");
    assert_string_equal(run_ok(&e, "dump(tegn.read_csv(DIR .. 'belaegning.csv'))"), want);
    free(want);
    sqlite3_close(db);
    env_close(&e);
}

static void test_lualib_read_csv_options(void **state) {
    struct env e;
    (void)state;

    env_open_dump(&e);
    /* By hand from dmy.csv: day-month-year dates, NA and - as NULL. */
    assert_string_equal(run_ok(&e, "local t, r = tegn.read_csv(DIR .. 'dmy.csv', {sep = ',',\n"
                                   "  types = {dato = {'date', '%d-%m-%Y'}}, na = {'NA', '-'}})\n"
                                   "dump(t)\n"
                                   "print(r.dialect.sep, r.dialect.header, r.rows, r.rejected)\n"
                                   "print(r.columns[2].name, r.columns[2].type)\n"),
                        "1|2024-02-01|10.50\n2|2024-03-15|NULL\n3|2023-12-31|NULL\n"
                        ",\ttrue\t3\t0\ndato\tdate\n");
    /* header = false names the columns by position; types override. */
    assert_string_equal(run_ok(&e, "local t = tegn.read_csv(DIR .. 'dmy.csv', {header = false,\n"
                                   "  sep = ','})\n"
                                   "for _, c in ipairs(t:schema()) do print(c.name, c.type) end\n"
                                   "print(#t)\n"),
                        "column1\tstring\ncolumn2\tstring\ncolumn3\tstring\n4\n");
    env_close(&e);
}

static void test_lualib_read_csv_reject_report(void **state) {
    struct env e;
    (void)state;

    env_open_dump(&e);
    /* bad.csv by hand: line 4 field 3 is 'n/a', line 6 field 3 is 'x12'. */
    assert_string_equal(
        run_ok(&e, "local t, r = tegn.read_csv(DIR .. 'bad.csv', {on_error = 'reject',\n"
                   "  types = {takst_kr = 'float'}})\n"
                   "print(#t, r.rows, r.rejected, #r.rejects)\n"
                   "for _, j in ipairs(r.rejects) do\n"
                   "  print(j.line, j.col, j.column, j.value, j.reason:sub(1, 17))\n"
                   "end\n"
                   "print(r.rejects[1].reason)\n"),
        "3\t3\t2\t2\n4\t3\ttakst_kr\tn/a\texpected a number\n"
        "6\t3\ttakst_kr\tx12\texpected a number\n"
        "expected a number, got 'n/a'\n");
    env_close(&e);
}

static void test_lualib_loader_error_is_catchable(void **state) {
    struct env e;
    const char *out;
    (void)state;

    env_open(&e, NULL, 0);
    out = run_ok(&e, "local ok, msg = pcall(tegn.read_csv, DIR .. 'bad.csv', {types = {takst_kr = 'float'}})\n"
                     "print(ok)\n"
                     "print(msg)\n");
    assert_true(starts_with(out, "false\nscript.lua:1: "));
    assert_non_null(strstr(out, "bad.csv:4:3: column 'takst_kr': expected a number, got 'n/a'\n"));
    /* The same error inside a function called through pcall. */
    out = run_ok(&e, "local ok, msg = pcall(function()\n"
                     "  return tegn.read_csv(DIR .. 'bad.csv', {types = {takst_kr = 'float'}})\n"
                     "end)\n"
                     "print(msg)\n");
    assert_true(starts_with(out, "script.lua:2: "));
    env_close(&e);
}

static void test_lualib_loader_error_uncaught_is_data_error(void **state) {
    struct env e;
    const char *tb;
    (void)state;

    env_open(&e, NULL, 0);
    assert_int_equal(env_run(&e, "local x = 1\n"
                                 "local t = tegn.read_csv(DIR .. 'bad.csv', {types = {takst_kr = 'float'}})\n"),
                     TG_EDATA);
    assert_int_equal(e.err.line, 4);
    assert_int_equal(e.err.col, 3);
    assert_non_null(strstr(e.err.file, "lualib/bad.csv"));
    assert_string_equal(e.err.msg, "column 'takst_kr': expected a number, got 'n/a'");
    tb = tg_lua_traceback(e.rt);
    assert_non_null(tb);
    assert_true(starts_with(tb, "script.lua:2: "));
    /* A missing file is an I/O error (exit code 2 in the CLI). */
    assert_int_equal(env_run(&e, "tegn.read_csv(DIR .. 'nope.csv')"), TG_EIO);
    env_close(&e);
}

static void test_lualib_option_errors_name_the_script_line(void **state) {
    struct env e;
    (void)state;

    env_open(&e, NULL, 0);
    assert_int_equal(env_run(&e, "\ntegn.read_csv(DIR .. 'dmy.csv', {sepp = ','})"), TG_ESCRIPT);
    assert_string_equal(e.err.file, "script.lua");
    assert_int_equal(e.err.line, 2);
    assert_string_equal(e.err.msg, "read_csv: unknown option 'sepp'; did you mean 'sep'?");
    assert_int_equal(env_run(&e, "tegn.read_csv(DIR .. 'dmy.csv', {types = {datoo = 'date'}})"),
                     TG_ESCRIPT);
    assert_non_null(strstr(e.err.msg, "no column 'datoo' in the file; did you mean 'dato'?"));
    assert_int_equal(env_run(&e, "tegn.read_csv(DIR .. 'dmy.csv', {on_error = 'skip'})"),
                     TG_ESCRIPT);
    assert_non_null(strstr(e.err.msg, "invalid option 'skip'"));
    env_close(&e);
}

/* ---- SQLite ---- */

static void test_lualib_read_and_write_sqlite(void **state) {
    struct env e;
    sqlite3 *db = naive_db(), *out;
    char path[1100], code[4096], *want, *got;
    (void)state;

    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".sqlite"));
    env_open_dump(&e);
    /* Round trip: CSV -> SQLite through tegn, checked with SQL. */
    snprintf(code, sizeof code,
             "local t = tegn.read_csv(DIR .. 'belaegning.csv')\n"
             "t:write_sqlite('%s', 'b')\n"
             "local ok, msg = pcall(t.write_sqlite, t, '%s', 'b')\n"
             "print(ok)\n"
             "t:head(5):write_sqlite('%s', 'b', {mode = 'append'})\n",
             path, path, path);
    assert_string_equal(run_ok(&e, code), "false\n");
    assert_int_equal(sqlite3_open(path, &out), SQLITE_OK);
    want = sql_text(db,
                    "SELECT count(*), sum(dage), count(takst_kr), round(sum(takst_kr), 2) FROM "
                    "(SELECT * FROM b UNION ALL SELECT * FROM (SELECT * FROM b LIMIT 5))",
                    "%.2f");
    got = sql_text(out, "SELECT count(*), sum(dage), count(takst_kr), round(sum(takst_kr), 2) "
                        "FROM b",
                   "%.2f");
    assert_string_equal(got, want);
    free(want);
    free(got);
    sqlite3_close(out);

    /* Reading with positional and named parameters. */
    want = sql_text(db, "SELECT * FROM b WHERE dage >= 20 AND kommune = 'Ballerup'", "%.2f");
    snprintf(code, sizeof code,
             "dump(tegn.read_sqlite('%s', 'SELECT * FROM b WHERE dage >= ? AND kommune = ?',\n"
             "  {20, 'Ballerup'}))\n",
             path);
    assert_string_equal(run_ok(&e, code), want);
    snprintf(code, sizeof code,
             "local t = tegn.read_sqlite('%s',\n"
             "  'SELECT * FROM b WHERE dage >= :min AND kommune = :k AND rowid <= 60',\n"
             "  {min = 20, k = 'Ballerup'})\n"
             "dump(t)\n"
             "print(t:schema()[1].type)\n",
             path);
    got = malloc(strlen(want) + 8);
    sprintf(got, "%sdate\n", want);
    assert_string_equal(run_ok(&e, code), got);
    free(got);
    free(want);

    /* A date parameter compares with the stored 'YYYY-MM-DD' text. */
    want = sql_text(db, "SELECT count(*) FROM b WHERE dato >= '2024-01-01'", "%.2f");
    snprintf(code, sizeof code,
             "local t = tegn.read_sqlite('%s', 'SELECT * FROM b WHERE dato >= ?1 AND rowid <= 60',"
             " {tegn.date('2024-01-01')})\n"
             "print(#t)\n",
             path);
    assert_string_equal(run_ok(&e, code), want);
    free(want);

    snprintf(code, sizeof code, "tegn.read_sqlite('%s', 'SELECT nope FROM b')", path);
    assert_int_equal(env_run(&e, code), TG_ESCRIPT);
    assert_int_equal(e.err.line, 1);
    assert_non_null(strstr(e.err.msg, "nope"));
    env_close(&e);
    sqlite3_close(db);
    unlink(path);
}

/* ---- column verbs ---- */

static void test_lualib_select_rename_head(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    char *want;
    (void)state;

    env_open_dump(&e);
    want = sql_text(db, "SELECT tilbud_id, dage, takst_kr AS takst FROM b LIMIT 4", "%.2f");
    assert_string_equal(run_ok(&e, "local t = tegn.read_csv(DIR .. 'belaegning.csv')\n"
                                   "local s = t:select{'tilbud_id', 'dage', takst = 'takst_kr'}\n"
                                   "dump(s:head(4))\n"),
                        want);
    free(want);
    assert_string_equal(run_ok(&e, "local t = tegn.read_csv(DIR .. 'belaegning.csv')\n"
                                   "local r = t:rename{id = 'tilbud_id', d = 'dato'}\n"
                                   "print(table.concat(r:columns(), ','), #r)\n"
                                   "print(table.concat(t:select('dage', 'dato'):columns(), ','))\n"
                                   "print(#t:head(0), #t:head(1000), #t:head())\n"),
                        "d,id,kommune,status,takst_kr,dage\t60\ndage,dato\n0\t60\t10\n");
    /* Unknown columns name the nearest one, at the script's line. */
    assert_int_equal(env_run(&e, "local t = tegn.read_csv(DIR .. 'belaegning.csv')\n"
                                 "local s = t:select{'takst'}\n"),
                     TG_ESCRIPT);
    assert_int_equal(e.err.line, 2);
    assert_string_equal(e.err.msg, "no column 'takst'; did you mean 'takst_kr'?");
    assert_int_equal(env_run(&e, "local t = tegn.read_csv(DIR .. 'belaegning.csv')\n"
                                 "local r = t:rename{x = 'dage', y = 'dage'}\n"),
                     TG_ESCRIPT);
    assert_non_null(strstr(e.err.msg, "renamed twice"));
    assert_int_equal(env_run(&e, "local t = tegn.read_csv(DIR .. 'belaegning.csv')\n"
                                 "local r = t:rename{status = 'dage'}\n"),
                     TG_ESCRIPT);
    assert_non_null(strstr(e.err.msg, "column 'status' would appear twice"));
    assert_int_equal(env_run(&e, "local t = tegn.read_csv(DIR .. 'belaegning.csv')\n"
                                 "return t.zzzzzzzz\n"),
                     TG_ESCRIPT);
    assert_non_null(strstr(e.err.msg, "no column 'zzzzzzzz'; the columns are dato, tilbud_id"));
    sqlite3_close(db);
    env_close(&e);
}

static void test_lualib_rows_refuses_huge_tables(void **state) {
    struct env e;
    const char *path = tg_test_tmpfile(".csv");
    FILE *f = fopen(path, "w");
    char code[1200];
    (void)state;

    assert_non_null(f);
    fputs("n\n", f);
    for (int i = 0; i < 1000001; i++) fputs("7\n", f);
    fclose(f);
    env_open(&e, NULL, 0);
    snprintf(code, sizeof code,
             "local t = tegn.read_csv('%s')\n"
             "print(#t, #t:head(3):rows(), t:head(3):rows()[3].n)\n"
             "local ok, msg = pcall(t.rows, t)\n"
             "print(msg)\n",
             path);
    assert_string_equal(run_ok(&e, code),
                        "1000001\t3\t7\nscript.lua:3: rows: the table has 1000001 rows, more than "
                        "the 1000000 rows:() turns into Lua tables; use t:head(n):rows() or reduce "
                        "it with a verb first\n");
    env_close(&e);
    unlink(path);
}

static void test_lualib_free_and_close(void **state) {
    struct env e;
    (void)state;

    env_open(&e, NULL, 0);
    assert_string_equal(run_ok(&e, "local keep\n"
                                   "do\n"
                                   "  local t <close> = tegn.read_csv(DIR .. 'dmy.csv')\n"
                                   "  keep = t\n"
                                   "  print(#t)\n"
                                   "end\n"
                                   "print(tostring(keep))\n"
                                   "print(pcall(function() return #keep end))\n"),
                        "3\ntegn.Table(freed)\nfalse\tscript.lua:8: bad argument #1 to "
                        "'len' (the table was freed (t:free() or <close>))\n");
    assert_string_equal(run_ok(&e, "local t = tegn.read_csv(DIR .. 'dmy.csv')\n"
                                   "print(tostring(t))\n"
                                   "t:free() t:free()\n"),
                        "tegn.Table(3 rows: id int, dato date, beloeb string)\n");
    env_close(&e);
}

/* ---- params, dates, the module ---- */

static void test_lualib_params(void **state) {
    static const char *const params[] = { "fra=2024-01-01", "n=5", "x=1.5", "flag=ja",
                                          "navn=Høje-Taastrup", "tom=" };
    struct env e;
    tg_error err;
    (void)state;

    env_open(&e, params, TG_ARRAY_LEN(params));
    assert_string_equal(
        run_ok(&e, "print(tegn.params.n, math.type(tegn.params.n) == nil, tegn.params.tom == '')\n"
                   "print(tegn.param('n', 1), math.type(tegn.param('n', 1)))\n"
                   "print(tegn.param('x', 0.5), tegn.param('n', 0.5), tegn.param('n', nil, 'float'))\n"
                   "print(tegn.param('flag', false), tegn.param('navn', 'x'), tegn.param('navn'))\n"
                   "print(tegn.param('fra', tegn.date('2000-01-01')) == tegn.date(2024, 1, 1))\n"
                   "print(tegn.param('fra', nil, 'date'):month(), tegn.param('mangler', 7))\n"
                   "print(pcall(tegn.param, 'mangler'))\n"
                   "print(pcall(tegn.param, 'navn', 0))\n"
                   "print(pcall(tegn.param, 'x', nil, 'int'))\n"),
        "5\ttrue\ttrue\n5\tinteger\n1.5\t5\t5.0\ntrue\tHøje-Taastrup\tHøje-Taastrup\ntrue\n"
        "1\t7\n"
        "false\tscript.lua:7: missing parameter 'mangler' (pass --param mangler=...)\n"
        "false\tscript.lua:8: parameter 'navn': expected a whole number, got 'Høje-Taastrup'\n"
        "false\tscript.lua:9: parameter 'x': expected a whole number, got '1.5'\n");
    env_close(&e);

    static const char *const bad1[] = { "=x" };
    static const char *const bad2[] = { "a=1", "b=2", "a=3" };
    static const char *const bad3[] = { "novalue" };
    assert_null(tg_lualib_new(bad1, 1, NULL, NULL, 0, &err));
    assert_int_equal(err.code, TG_EARG);
    assert_null(tg_lualib_new(bad2, 3, NULL, NULL, 0, &err));
    assert_int_equal(err.code, TG_EARG);
    assert_string_equal(err.msg, "--param 'a' given twice");
    assert_null(tg_lualib_new(bad3, 1, NULL, NULL, 0, &err));
    assert_string_equal(err.msg, "bad --param 'novalue': expected NAME=VALUE");
}

static void test_lualib_dates(void **state) {
    struct env e;
    (void)state;

    env_open(&e, NULL, 0);
    /* Expected values from the calendar (checked with Python's datetime):
    ** 2024-01-31 + 1 month clamps to 2024-02-29; 2024-12-30 is a Monday in
    ** ISO week 1 (of 2025); 2024-03-01 - 2024-02-01 = 29 days. */
    assert_string_equal(
        run_ok(&e, "local d = tegn.date('2024-01-31')\n"
                   "print(d, d:add_months(1), d:add_months(-2), d + 1, 1 + d, d - 31)\n"
                   "print(tegn.date('2024-03-01') - tegn.date('2024-02-01'))\n"
                   "local w = tegn.date(2024, 12, 30)\n"
                   "print(w:isoweek(), w:weekday(), w:year(), w:quarter(), w:month(), w:day())\n"
                   "print(w:trunc('month'), w:trunc('quarter'), w:trunc('year'), w:trunc('week'))\n"
                   "print(tegn.date('2023-02-10'):days_in_month(), d:days_in_month())\n"
                   "print(d < w, w <= d, d == tegn.date(2024, 1, 31), d ~= w)\n"
                   "print('fra ' .. d, d .. '!')\n"
                   "print(pcall(function() return tegn.date('2024-02-30') end))\n"
                   "print(pcall(function() return tegn.date(2023, 2, 29) end))\n"
                   "print(pcall(function() return d + 'x' end))\n"),
        "2024-01-31\t2024-02-29\t2023-11-30\t2024-02-01\t2024-02-01\t2023-12-31\n"
        "29\n"
        "1\t1\t2024\t4\t12\t30\n"
        "2024-12-01\t2024-10-01\t2024-01-01\t2024-12-30\n"
        "28\t31\n"
        "true\tfalse\ttrue\ttrue\n"
        "fra 2024-01-31\t2024-01-31!\n"
        "false\tscript.lua:10: bad argument #1 to 'date' (expected a date 'YYYY-MM-DD', got "
        "'2024-02-30')\n"
        "false\tscript.lua:11: no such date 2023-2-29\n"
        "false\tscript.lua:12: bad argument #2 to 'add' (number expected, got string)\n");
    env_close(&e);
}

static void test_lualib_module_and_metatables(void **state) {
    struct env e;
    (void)state;

    env_open(&e, NULL, 0);
    assert_string_equal(run_ok(&e, "local m = require 'tegn'\n"
                                   "print(m == tegn, type(tegn.version), tostring(tegn.null))\n"
                                   "local t = tegn.read_csv(DIR .. 'dmy.csv')\n"
                                   "print(getmetatable(t), getmetatable(tegn.date('2024-01-01')))\n"
                                   "print(getmetatable(tegn.null))\n"
                                   "print(pcall(setmetatable, t, {}))\n"),
                        "true\tstring\tnull\nlocked\tlocked\nlocked\n"
                        "false\tbad argument #1 to '?' (table expected, got tegn.Table)\n");
    env_close(&e);
}

/* ---- allocation failures ---- */

static tg_status oom_script(void *ctx) {
    const char *code = ctx;
    tg_lualib *lib;
    tg_lua_opts opts;
    tg_lua *rt;
    tg_error err;
    tg_status st;

    lib = tg_lualib_new(NULL, 0, NULL, NULL, 0, &err);
    if (!lib) return err.code;
    tg_lua_opts_init(&opts);
    opts.open_libs = tg_lualib_open;
    opts.print = tg_lualib_print;
    opts.ud = lib;
    rt = tg_lua_new(&opts, &err);
    if (!rt) {
        tg_lualib_free(lib);
        return err.code;
    }
    lua_pushstring(tg_lua_state(rt), fixture_dir);
    lua_setglobal(tg_lua_state(rt), "DIR");
    st = tg_lua_run_string(rt, "oom.lua", code, 0, &err);
    tg_lua_free(rt);
    tg_lualib_free(lib);
    return st;
}

static void test_lualib_allocation_failures(void **state) {
    (void)state;
    snprintf(fixture_dir, sizeof fixture_dir, "%s/", tg_test_fixture("lualib"));
    tg_test_oom_loop(oom_script,
                     "local t, r = tegn.read_csv(DIR .. 'dmy.csv', {types = {dato = 'date'},"
                     " na = {'NA', '-'}})\n"
                     "local s = t:select{'id', b = 'beloeb'}:rename{c = 'b'}:head(2)\n"
                     "local rows = s:rows()\n"
                     "assert(#rows == 2 and #s:schema() == 2 and r.rows == 3)\n"
                     "assert(tegn.date('2024-01-31'):add_months(1) == tegn.date(2024, 2, 29))\n");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lualib_read_csv_schema_and_rows),
        cmocka_unit_test(test_lualib_read_csv_options),
        cmocka_unit_test(test_lualib_read_csv_reject_report),
        cmocka_unit_test(test_lualib_loader_error_is_catchable),
        cmocka_unit_test(test_lualib_loader_error_uncaught_is_data_error),
        cmocka_unit_test(test_lualib_option_errors_name_the_script_line),
        cmocka_unit_test(test_lualib_read_and_write_sqlite),
        cmocka_unit_test(test_lualib_select_rename_head),
        cmocka_unit_test(test_lualib_rows_refuses_huge_tables),
        cmocka_unit_test(test_lualib_free_and_close),
        cmocka_unit_test(test_lualib_params),
        cmocka_unit_test(test_lualib_dates),
        cmocka_unit_test(test_lualib_module_and_metatables),
        cmocka_unit_test(test_lualib_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
