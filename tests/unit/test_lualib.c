/*
** test_lualib.c -- the `tegn` Lua module and tg_run: loading, tables,
** params, dates, tegn.emit and the run's output, errors that point at the
** script line or the data position, and the allocation-failure loops.
** Expected values come from a second reading of the fixtures (see
** tg_luatest.h), from hand calculation, or from independent tools
** (jansson parses the output, sha256sum checks the input hashes).
*/
#include "tg_luatest.h"

#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "tg_mem.h"
#include "tg_run.h"

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
    out = run_ok(
        &e,
        "local ok, msg = pcall(tegn.read_csv, DIR .. 'bad.csv', {types = {takst_kr = 'float'}})\n"
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
    assert_int_equal(
        env_run(&e, "local x = 1\n"
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
    assert_string_equal(e.err.msg, "read_csv: 'on_error' must be 'fail' or 'reject', got 'skip'");
    assert_int_equal(env_run(&e, "tegn.read_csv(DIR .. 'dmy.csv', {sep = ';;'})"), TG_ESCRIPT);
    assert_string_equal(e.err.msg, "read_csv: 'sep' must be one character (such as ';' or ','), "
                                   "\"tab\" or \"auto\", got ';;'");
    assert_int_equal(env_run(&e, "tegn.read_csv(DIR .. 'dmy.csv', {threads = -1})"), TG_ESCRIPT);
    assert_string_equal(e.err.msg,
                        "read_csv: 'threads' must be a whole number from 0 to 2147483647, got -1");
    assert_int_equal(env_run(&e, "tegn.read_csv(DIR .. 'dmy.csv', {header = 'ja'})"), TG_ESCRIPT);
    assert_string_equal(e.err.msg, "read_csv: 'header' must be true, false or \"auto\", got 'ja'");
    assert_int_equal(env_run(&e, "tegn.emit({x = 1}, {decimals = 0/0})"), TG_ESCRIPT);
    assert_string_equal(e.err.msg,
                        "emit: 'decimals' must be a whole number from -1 to 17, got nan");
    assert_int_equal(env_run(&e, "tegn.col'x':lag(1.5)"), TG_ESCRIPT);
    assert_string_equal(e.err.msg, "lag: 'k' must be a whole number from 0 to 1000000000, got 1.5");
    assert_int_equal(env_run(&e, "tegn.col'x':rolling_mean(3, {min_periods = 4})"), TG_ESCRIPT);
    assert_string_equal(e.err.msg,
                        "rolling_mean: 'min_periods' must be a whole number from 1 to 3, got 4");
    assert_int_equal(env_run(&e, "tegn.quantile('x', 1/0)"), TG_ESCRIPT);
    assert_string_equal(e.err.msg, "quantile: 'p' must be a number from 0 to 1, got inf");
    /* Values of the wrong type are refused, not converted. */
    assert_int_equal(env_run(&e, "tegn.read_csv(DIR .. 'dmy.csv', {na = {'NA', 0}})"), TG_ESCRIPT);
    assert_string_equal(e.err.msg, "read_csv: 'na' values must be strings");
    assert_int_equal(env_run(&e, "tegn.read_csv(DIR .. 'dmy.csv', {types = {id = 5}})"),
                     TG_ESCRIPT);
    assert_non_null(strstr(e.err.msg, "read_csv: bad type for column 'id'"));
    assert_int_equal(env_run(&e, "tegn.read_csv(DIR .. 'dmy.csv', {types = {id = {'int', 2}}})"),
                     TG_ESCRIPT);
    assert_non_null(strstr(e.err.msg, "read_csv: bad type for column 'id'"));
    assert_int_equal(env_run(&e, "local t = tegn.read_csv(DIR .. 'dmy.csv')\nreturn t[1]"),
                     TG_ESCRIPT);
    assert_string_equal(e.err.msg, "a table is indexed by column names, not a number");
    assert_int_equal(env_run(&e, "local t = tegn.read_csv(DIR .. 'dmy.csv')\nt:select{1}"),
                     TG_ESCRIPT);
    assert_string_equal(e.err.msg, "select: entry 1 is not a column name");
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
    got = sql_text(out,
                   "SELECT count(*), sum(dage), count(takst_kr), round(sum(takst_kr), 2) "
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


static void test_lualib_write_csv_and_show(void **state) {
    struct env e;
    char path[1100], code[2048], *text;
    (void)state;

    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".csv"));
    env_open(&e, NULL, 0);
    snprintf(code, sizeof code,
             "local t = tegn.read_csv(DIR .. 'dmy.csv', {na = {'NA', '-'},\n"
             "  types = {dato = {'date', '%%d-%%m-%%Y'}}})\n"
             "t:write_csv('%s')\n"
             "t:head(2):show()\n",
             path);
    /* By hand from dmy.csv. */
    assert_string_equal(run_ok(&e, code), "id  dato        beloeb\n"
                                          "1   2024-02-01  10.5\n"
                                          "2   2024-03-15  null\n"
                                          "(2 of 2 rows)\n");
    text = read_all(path);
    assert_string_equal(text, "id,dato,beloeb\n1,2024-02-01,10.5\n2,2024-03-15,\n3,2023-12-31,\n");
    free(text);
    snprintf(code, sizeof code,
             "local t = tegn.read_csv(DIR .. 'dmy.csv', {na = {'NA', '-'},\n"
             "  types = {dato = {'date', '%%d-%%m-%%Y'}}})\n"
             "t:write_csv('%s', {excel = true})\n"
             "t:show(1)\n",
             path);
    assert_string_equal(run_ok(&e, code), "id  dato        beloeb\n"
                                          "1   2024-02-01  10.5\n"
                                          "(1 of 3 rows)\n");
    text = read_all(path);
    assert_string_equal(text, "\xef\xbb\xbfid;dato;beloeb\r\n1;01-02-2024;10,5\r\n2;15-03-2024;\r\n"
                              "3;31-12-2023;\r\n");
    free(text);
    assert_int_equal(env_run(&e, "tegn.read_csv(DIR .. 'dmy.csv'):write_csv('/nonexistent/x.csv')"),
                     TG_EIO);
    env_close(&e);
    unlink(path);
}

/* ---- params, dates, the module ---- */

static void test_lualib_params(void **state) {
    static const char *const params[] = { "fra=2024-01-01",     "n=5", "x=1.5", "flag=ja",
                                          "navn=Høje-Taastrup", "tom=" };
    struct env e;
    tg_error err;
    (void)state;

    env_open(&e, params, TG_ARRAY_LEN(params));
    assert_string_equal(
        run_ok(&e,
               "print(tegn.params.n, math.type(tegn.params.n) == nil, tegn.params.tom == '')\n"
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
    assert_null(tg_luactx_new(bad1, 1, NULL, NULL, 0, &err));
    assert_int_equal(err.code, TG_EARG);
    assert_null(tg_luactx_new(bad2, 3, NULL, NULL, 0, &err));
    assert_int_equal(err.code, TG_EARG);
    assert_string_equal(err.msg, "--param 'a' given twice");
    assert_null(tg_luactx_new(bad3, 1, NULL, NULL, 0, &err));
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


/* ---- tegn.emit and tg_run ---- */

static char dir_param[1100];

static void run_opts(tg_run_opts *o, const char *script, const char *out, struct sink *sink) {
    static const char *params[1];
    snprintf(dir_param, sizeof dir_param, "dir=%s/", tg_test_fixture("lualib"));
    params[0] = dir_param;
    tg_run_opts_init(o);
    o->script = script;
    o->out = out;
    o->params = params;
    o->n_params = 1;
    o->print = sink ? capture : NULL;
    o->ud = sink;
}

static const char emit_script[] =
    "local tegn = require 'tegn'\n"
    "local col = tegn.col\n"
    "local b, rep = tegn.read_csv(tegn.param('dir') .. 'belaegning.csv')\n"
    "local g = b:filter(col'status':eq'belagt'):derive{takst = col'takst_kr' / 3}\n"
    "  :select{'tilbud_id', n = 'dage', 'takst'}:sort{'tilbud_id', tegn.desc'n'}\n"
    "tegn.emit({id = 'belaegning', series = g, n = #b, ratio = 1 / 3, flag = true,\n"
    "  dato = tegn.date'2024-01-31', liste = {1, 2.5, 'x', tegn.null, {}},\n"
    "  nested = {b = 1, a = {c = 2}}, rejected = rep.rejected}, {decimals = 4})\n";

/* Removes the lines of the three meta fields that differ between runs. */
static void strip_volatile(char *text) {
    char *out = text;
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line + 1) : strlen(line);
        if (!strstr(line, "\"started_at\"") || (nl && strstr(line, "\"started_at\"") > nl)) {
            if (!((strstr(line, "\"duration_s\"") &&
                   (!nl || strstr(line, "\"duration_s\"") < nl)) ||
                  (strstr(line, "\"peak_memory_bytes\"") &&
                   (!nl || strstr(line, "\"peak_memory_bytes\"") < nl)))) {
                memmove(out, line, len);
                out += len;
            }
        }
        line += len;
    }
    *out = '\0';
}

static void test_lualib_run_emits_document(void **state) {
    char script[1100], out[1100], cmd[2400], sha[80] = "";
    struct sink sink = { NULL, 0, 0 };
    sqlite3 *db;
    tg_run_opts o;
    tg_error err;
    json_error_t jerr;
    char *text, *first;
    json_t *doc, *meta, *in, *series;
    FILE *p;
    (void)state;

    snprintf(script, sizeof script, "%s", tg_test_tmpfile(".lua"));
    snprintf(out, sizeof out, "%s", tg_test_tmpfile(".json"));
    write_file(script, emit_script);
    run_opts(&o, script, out, &sink);
    assert_int_equal(tg_run(&o, &err, NULL), TG_OK);
    text = read_all(out);
    assert_non_null(text);

    /* Read back with jansson, an independent parser. */
    doc = json_loads(text, 0, &jerr);
    if (!doc) fail_msg("not JSON: %s", jerr.text);
    assert_string_equal(json_string_value(json_object_get(doc, "id")), "belaegning");
    assert_int_equal(json_integer_value(json_object_get(doc, "n")), 60);
    assert_true(json_is_true(json_object_get(doc, "flag")));
    assert_string_equal(json_string_value(json_object_get(doc, "dato")), "2024-01-31");
    assert_true(json_real_value(json_object_get(doc, "ratio")) == 0.3333);
    assert_true(json_is_null(json_array_get(json_object_get(doc, "liste"), 3)));
    assert_true(json_is_array(json_array_get(json_object_get(doc, "liste"), 4)));
    /* Keys sorted, meta last; Table rows keep column order. */
    const char *order[] = { "\"dato\"",   "\"flag\"",  "\"id\"",       "\"liste\"",  "\"n\"",
                            "\"nested\"", "\"ratio\"", "\"rejected\"", "\"series\"", "\"meta\"" };
    first = text;
    for (size_t i = 0; i < TG_ARRAY_LEN(order); i++) {
        char *at = strstr(first, order[i]);
        if (!at) fail_msg("%s missing or out of order", order[i]);
        first = at;
    }
    assert_true(strstr(text, "\"a\"") < strstr(text, "\"b\": 1"));
    first = strstr(text, "\"series\"");
    assert_non_null(strstr(first, "{\n      \"tilbud_id\": \"T01\",\n      \"takst\": "));

    /* The series against SQL (emit rounded to 4 places; %.4f agrees). */
    db = naive_db();
    series = json_object_get(doc, "series");
    {
        struct sink got = { NULL, 0, 0 };
        char *want = sql_text(db,
                              "SELECT tilbud_id, dage, takst_kr / 3 FROM b WHERE status = "
                              "'belagt' ORDER BY tilbud_id, dage DESC, rowid",
                              "%.4f");
        for (size_t i = 0; i < json_array_size(series); i++) {
            json_t *r = json_array_get(series, i);
            char line[256], takst[64] = "NULL";
            if (!json_is_null(json_object_get(r, "takst")))
                snprintf(takst, sizeof takst, "%.4f", json_real_value(json_object_get(r, "takst")));
            snprintf(line, sizeof line, "%s|%lld|%s\n",
                     json_string_value(json_object_get(r, "tilbud_id")),
                     (long long)json_integer_value(json_object_get(r, "n")), takst);
            capture(&got, line, strlen(line));
        }
        assert_string_equal(got.buf, want);
        free(got.buf);
        free(want);
    }
    sqlite3_close(db);

    /* meta: the input's SHA-256 as sha256sum computes it. */
    meta = json_object_get(doc, "meta");
    assert_string_equal(json_string_value(json_object_get(meta, "tegn_version")),
                        TG_VERSION_STRING);
    assert_string_equal(json_string_value(json_object_get(meta, "script")), script);
    assert_string_equal(json_string_value(json_object_get(meta, "seed")), "42");
    assert_int_equal(json_integer_value(json_object_get(meta, "rejected")), 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(meta, "params"), "dir")),
                        dir_param + 4);
    assert_int_equal(json_array_size(json_object_get(meta, "inputs")), 1);
    in = json_array_get(json_object_get(meta, "inputs"), 0);
    assert_int_equal(json_integer_value(json_object_get(in, "rows")), 60);
    snprintf(cmd, sizeof cmd, "sha256sum '%s'", json_string_value(json_object_get(in, "path")));
    p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(sha, sizeof sha, p));
    pclose(p);
    sha[64] = '\0';
    assert_string_equal(json_string_value(json_object_get(in, "sha256")), sha);
    assert_int_equal(strlen(json_string_value(json_object_get(meta, "started_at"))), 20);
    assert_true(json_is_real(json_object_get(meta, "duration_s")));
    assert_true(json_integer_value(json_object_get(meta, "peak_memory_bytes")) > 0);
    json_decref(doc);

    /* A second run gives the same bytes except the three volatile fields. */
    assert_int_equal(tg_run(&o, &err, NULL), TG_OK);
    {
        char *again = read_all(out);
        strip_volatile(text);
        strip_volatile(again);
        assert_string_equal(again, text);
        free(again);
    }
    free(text);
    free(sink.buf);
    unlink(script);
    unlink(out);
}

static void test_lualib_failed_run_leaves_output_untouched(void **state) {
    char script[1100], out[1100], code[2048];
    tg_run_opts o;
    tg_error err;
    char *tb = NULL, *text;
    (void)state;

    snprintf(script, sizeof script, "%s", tg_test_tmpfile(".lua"));
    snprintf(out, sizeof out, "%s", tg_test_tmpfile(".json"));
    write_file(out, "old\n");
    /* emit first, then a verb fails: nothing is written. */
    snprintf(code, sizeof code,
             "local b = tegn.read_csv(tegn.param('dir') .. 'belaegning.csv')\n"
             "tegn.emit{n = #b}\n"
             "local x = b:filter(tegn.col'takst':gt(3000))\n");
    write_file(script, code);
    run_opts(&o, script, out, NULL);
    assert_int_equal(tg_run(&o, &err, &tb), TG_ESCRIPT);
    assert_string_equal(err.file, script);
    assert_int_equal(err.line, 3);
    assert_string_equal(err.msg, "no column 'takst'; did you mean 'takst_kr'?");
    assert_non_null(tb);
    assert_non_null(strstr(tb, "stack traceback:"));
    tg_free(tb);
    text = read_all(out);
    assert_string_equal(text, "old\n");
    free(text);

    /* A data error before emit: status TG_EDATA with the data position. */
    write_file(script, "local b = tegn.read_csv(tegn.param('dir') .. 'bad.csv',\n"
                       "  {types = {takst_kr = 'float'}})\n"
                       "tegn.emit{n = #b}\n");
    assert_int_equal(tg_run(&o, &err, &tb), TG_EDATA);
    assert_int_equal(err.line, 4);
    assert_int_equal(err.col, 3);
    tg_free(tb);
    text = read_all(out);
    assert_string_equal(text, "old\n");
    free(text);

    /* No emit: success, and the file stays. */
    write_file(script, "local x = 1\n");
    assert_int_equal(tg_run(&o, &err, &tb), TG_OK);
    assert_null(tb);
    text = read_all(out);
    assert_string_equal(text, "old\n");
    free(text);

    /* emit's own errors */
    static const char *const bad[][2] = {
        { "tegn.emit{meta = 1}", "emit: 'meta' is reserved for the run's metadata" },
        { "tegn.emit{a = 1} tegn.emit{b = 2}",
          "emit: called twice; put everything in one tegn.emit{...}" },
        { "tegn.emit{f = {g = print}}", "emit: 'f.g' is a function, which JSON cannot hold" },
        { "tegn.emit{e = tegn.col'x'}",
          "emit: 'e' is an expression; compute it with derive or agg first" },
        { "local a = {} a.a = a tegn.emit{a = a}",
          "emit: 'a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a" },
        { "tegn.emit{x = {1, 2, y = 3}}",
          "emit: 'x' mixes list items and named keys (or has keys that are not strings)" },
        { "tegn.emit{1, 2}", "emit: expected a table of named values, not a list" },
    };
    for (size_t i = 0; i < TG_ARRAY_LEN(bad); i++) {
        write_file(script, bad[i][0]);
        assert_int_equal(tg_run(&o, &err, NULL), TG_ESCRIPT);
        if (strncmp(err.msg, bad[i][1], strlen(bad[i][1])) != 0)
            fail_msg("%s: got '%s'", bad[i][0], err.msg);
    }
    text = read_all(out);
    assert_string_equal(text, "old\n");
    free(text);
    unlink(script);
    unlink(out);
}

static void test_lualib_run_limits_and_usage(void **state) {
    char script[1100];
    tg_run_opts o;
    tg_error err;
    size_t cap = tg_mem_cap();
    static const char *const bad_params[] = { "oops" };
    (void)state;

    snprintf(script, sizeof script, "%s", tg_test_tmpfile(".lua"));
    write_file(script, "local t = {}\nfor i = 1, 1e8 do t[i] = i end\n");
    run_opts(&o, script, NULL, NULL);
    o.mem_cap = 8 << 20;
    assert_int_equal(tg_run(&o, &err, NULL), TG_ELIMIT);
    assert_string_equal(err.msg, "memory limit 8 MiB exceeded");
    assert_int_equal(tg_mem_cap(), cap);

    write_file(script, "while true do end\n");
    run_opts(&o, script, NULL, NULL);
    o.timeout_s = 0.2;
    assert_int_equal(tg_run(&o, &err, NULL), TG_ELIMIT);
    assert_int_equal(err.line, 1);

    run_opts(&o, script, NULL, NULL);
    o.params = bad_params;
    assert_int_equal(tg_run(&o, &err, NULL), TG_EARG);
    assert_string_equal(err.msg, "bad --param 'oops': expected NAME=VALUE");

    run_opts(&o, "/nonexistent/x.lua", NULL, NULL);
    assert_int_equal(tg_run(&o, &err, NULL), TG_EIO);

    /* Something that is not a regular file (here a FIFO; /dev/null alike)
    ** is written in place, never replaced by a rename. */
    char fifo[1100], got[256];
    struct stat sb;
    snprintf(fifo, sizeof fifo, "%s", tg_test_tmpfile(".fifo"));
    assert_int_equal(mkfifo(fifo, 0600), 0);
    int rfd = open(fifo, O_RDONLY | O_NONBLOCK);
    assert_true(rfd >= 0);
    write_file(script, "tegn.emit({a = 1}, {indent = 0})\n");
    run_opts(&o, script, fifo, NULL);
    assert_int_equal(tg_run(&o, &err, NULL), TG_OK);
    ssize_t n = read(rfd, got, sizeof got - 1);
    assert_true(n > 0);
    got[n] = '\0';
    assert_true(starts_with(got, "{\"a\":1,\"meta\":{"));
    close(rfd);
    assert_int_equal(stat(fifo, &sb), 0);
    assert_true(S_ISFIFO(sb.st_mode));
    unlink(fifo);
    run_opts(&o, script, "/nonexistent-dir/out.json", NULL);
    assert_int_equal(tg_run(&o, &err, NULL), TG_EIO);
    unlink(script);
}

static void test_lualib_run_writes_stdout(void **state) {
    char script[1100], captured[1100];
    tg_run_opts o;
    tg_error err;
    int saved, fd;
    char *text;
    (void)state;

    snprintf(script, sizeof script, "%s", tg_test_tmpfile(".lua"));
    snprintf(captured, sizeof captured, "%s", tg_test_tmpfile(".out"));
    write_file(script, "tegn.emit({b = {2, 1.5}, a = 'æ\"'}, {indent = 0})\n");
    run_opts(&o, script, NULL, NULL);
    o.n_params = 0;
    o.seed = 7;
    fflush(stdout);
    saved = dup(1);
    fd = open(captured, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    dup2(fd, 1);
    close(fd);
    assert_int_equal(tg_run(&o, &err, NULL), TG_OK);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    text = read_all(captured);
    assert_non_null(text);
    assert_true(starts_with(text, "{\"a\":\"æ\\\"\",\"b\":[2,1.5],\"meta\":{\"tegn_version\":"));
    assert_non_null(strstr(text, ",\"inputs\":[],\"params\":{},\"seed\":\"7\",\"rejected\":0,"
                                 "\"started_at\":\""));
    assert_true(text[strlen(text) - 1] == '\n');
    free(text);
    unlink(script);
    unlink(captured);
}

/* ---- allocation failures ---- */

static tg_status oom_script(void *ctx) {
    static const char *const names[] = { "DIR" };
    const char *values[] = { fixture_dir };
    return run_fresh(ctx, names, values, 1);
}

static void test_lualib_allocation_failures(void **state) {
    (void)state;
    snprintf(fixture_dir, sizeof fixture_dir, "%s/", tg_test_fixture("lualib"));
    tg_test_oom_loop(oom_script,
                     "local t, r = tegn.read_csv(DIR .. 'dmy.csv', {types = {dato = 'date'},"
                     " na = {'NA', '-'}, threads = 1})\n"
                     "local s = t:select{'id', b = 'beloeb'}:rename{c = 'b'}:head(2)\n"
                     "local rows = s:rows()\n"
                     "local f = t:filter(tegn.col'id':ge(2)):filter(tegn.col'id':le(3))\n"
                     "assert(#f:head(1):select{'dato'}:rows() == 1 and #f:rows() == 2)\n"
                     "assert(#rows == 2 and #s:schema() == 2 and r.rows == 3)\n"
                     "assert(tegn.date('2024-01-31'):add_months(1) == tegn.date(2024, 2, 29))\n");
}


struct oom_run {
    char script[1100], out[1100];
};

static tg_status oom_run(void *ctx) {
    struct oom_run *r = ctx;
    tg_run_opts o;
    tg_error err;
    char *tb = NULL;
    tg_status st;
    run_opts(&o, r->script, r->out[0] ? r->out : NULL, NULL);
    st = tg_run(&o, &err, &tb);
    tg_free(tb);
    return st;
}

static void test_lualib_run_allocation_failures(void **state) {
    struct oom_run r;
    char *text;
    (void)state;

    snprintf(r.script, sizeof r.script, "%s", tg_test_tmpfile(".lua"));
    snprintf(r.out, sizeof r.out, "%s", tg_test_tmpfile(".json"));
    write_file(r.script,
               "local col = tegn.col\n"
               "local b = tegn.read_csv(tegn.param('dir') .. 'dmy.csv', {na = {'NA', '-'},\n"
               "  threads = 1})\n"
               "local t = b\n"
               "local x = b:filter(col'id':ge(2):or_(col'beloeb':is_null()))\n"
               "  :derive{m = col'dato':trunc'month', s = 'n' .. col'id'}\n"
               "  :join(t:select{'id', v = 'beloeb'}, {on = 'id', how = 'left'})\n"
               "  :sort{tegn.desc'id'}\n"
               "local g = x:group_by'm':agg{n = tegn.count(), s = tegn.sum'id'}\n"
               "tegn.emit{x = x, g = g, d = tegn.date'2024-01-01', l = {1, 'a'}}\n");
    /* Lua absorbs many injected failures (it collects and retries), so
    ** many runs succeed and write: to stdout, sent to /dev/null, because
    ** an atomic file write costs two fsyncs. */
    struct oom_run to_stdout = r;
    to_stdout.out[0] = '\0';
    fflush(stdout);
    int saved = dup(1), fd = open("/dev/null", O_WRONLY);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 1);
    close(fd);
    tg_test_oom_loop(oom_run, &to_stdout);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    assert_int_equal(oom_run(&r), TG_OK);
    text = read_all(r.out);
    assert_non_null(text);
    assert_non_null(strstr(text, "\"s\": \"n3\""));
    free(text);
    unlink(r.script);
    unlink(r.out);
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
        cmocka_unit_test(test_lualib_write_csv_and_show),
        cmocka_unit_test(test_lualib_params),
        cmocka_unit_test(test_lualib_dates),
        cmocka_unit_test(test_lualib_module_and_metatables),
        cmocka_unit_test(test_lualib_run_emits_document),
        cmocka_unit_test(test_lualib_failed_run_leaves_output_untouched),
        cmocka_unit_test(test_lualib_run_limits_and_usage),
        cmocka_unit_test(test_lualib_run_writes_stdout),
        cmocka_unit_test(test_lualib_allocation_failures),
        cmocka_unit_test(test_lualib_run_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
