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

#include <fcntl.h>
#include <sys/stat.h>

#include <jansson.h>
#include <lauxlib.h>
#include <lua.h>
#include <sqlite3.h>

#include "tg_err.h"
#include "tg_lua.h"
#include "tg_lualib.h"
#include "tg_mem.h"
#include "tg_run.h"

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

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The file's bytes, malloc'ed and NUL-terminated; NULL when missing. */
static char *read_all(const char *path) {
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
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
            char buf[512];
            if (k) capture(&s, "|", 1);
            switch (sqlite3_column_type(st, k)) {
            case SQLITE_NULL:
                snprintf(buf, sizeof buf, "NULL");
                break;
            case SQLITE_INTEGER:
                snprintf(buf, sizeof buf, "%lld", (long long)sqlite3_column_int64(st, k));
                break;
            case SQLITE_FLOAT:
                snprintf(buf, sizeof buf, fmt, sqlite3_column_double(st, k));
                break;
            default:
                snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, k));
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
    assert_non_null(strstr(e.err.msg, "invalid option 'skip'"));
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
    for (int i = 0; i < 1000001; i++)
        fputs("7\n", f);
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


/* ---- expressions and verbs, checked against SQL over the same data ---- */

/* Runs 'lua' (which should dump a table) and 'sql' over the naive copy
** and compares the two texts. */
static void same_as_sql(struct env *e, sqlite3 *db, const char *lua, const char *sql,
                        const char *fmt) {
    char *want = sql_text(db, sql, fmt);
    const char *got = run_ok(e, lua);
    if (strcmp(got, want) != 0) {
        /* cmocka truncates long messages: point at the first difference */
        size_t i = 0;
        while (got[i] && got[i] == want[i])
            i++;
        while (i > 0 && got[i - 1] != '\n')
            i--;
        fail_msg("script:\n%s\nfrom the first difference, it gave:\n%.300s\nSQL gave:\n%.300s", lua,
                 got + i, want + i);
    }
    free(want);
}

static const char load_b[] = "local col = tegn.col\n"
                             "local b = tegn.read_csv(DIR .. 'belaegning.csv')\n"
                             "local tilbud = tegn.read_csv(DIR .. 'tilbud.csv')\n";

static char *with_load(const char *code) {
    static char buf[8192];
    snprintf(buf, sizeof buf, "%s%s", load_b, code);
    return buf;
}

static void test_lualib_filter_matches_sql(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    same_as_sql(&e, db, with_load("dump(b:filter(col'status':eq'belagt'))"),
                "SELECT * FROM b WHERE status = 'belagt'", "%.2f");
    same_as_sql(&e, db,
                with_load("dump(b:filter(tegn.all{col'status':eq'belagt',\n"
                          "  col'kommune':eq'Høje-Taastrup', col'takst_kr':ge(3000),\n"
                          "  col'dato':year():eq(2023)}))"),
                "SELECT * FROM b WHERE status = 'belagt' AND kommune = 'Høje-Taastrup' AND "
                "takst_kr >= 3000 AND strftime('%Y', dato) = '2023'",
                "%.2f");
    same_as_sql(&e, db, with_load("dump(b:filter(b.takst_kr:is_null()))"),
                "SELECT * FROM b WHERE takst_kr IS NULL", "%.2f");
    same_as_sql(&e, db,
                with_load("dump(b:filter(col'dage':between(10, 20)\n"
                          "  :and_(col'tilbud_id':isin{'T01', 'T03', 'T77'})))"),
                "SELECT * FROM b WHERE dage BETWEEN 10 AND 20 AND tilbud_id IN ('T01', 'T03')",
                "%.2f");
    same_as_sql(&e, db,
                with_load("dump(b:filter(tegn.any{col'status':ne'belagt',\n"
                          "  (col'takst_kr' * col'dage'):gt(50000)}:not_()))"),
                "SELECT * FROM b WHERE NOT (status <> 'belagt' OR takst_kr * dage > 50000)",
                "%.2f");
    same_as_sql(&e, db,
                with_load("dump(b:filter(col'dato':ge(tegn.date'2024-01-01')):filter(true))"),
                "SELECT * FROM b WHERE dato >= '2024-01-01'", "%.2f");
    /* & | ~ and the argument forms of tegn.all / tegn.any */
    same_as_sql(&e, db,
                with_load("dump(b:filter((col'status':eq'belagt' & col'dage':gt(20))\n"
                          "  | ~tegn.any(col'kommune':ne'Glostrup', col'dage':ge(10))))"),
                "SELECT * FROM b WHERE (status = 'belagt' AND dage > 20) OR NOT (kommune <> "
                "'Glostrup' OR dage >= 10)",
                "%.2f");
    same_as_sql(&e, db, with_load("print(#b:filter(col'dage':lt(0)))"),
                "SELECT count(*) FROM b WHERE dage < 0", "%.2f");
    sqlite3_close(db);
    env_close(&e);
}


/* Filters give row selections that later verbs read lazily; whatever the
** verb, the rows must be those SQL gives. */
static void test_lualib_filtered_tables_match_sql(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    same_as_sql(
        &e, db,
        with_load("local f = b:filter(col'dage':gt(5)):filter(col'status':ne'ledig')\n"
                  "print(#f .. '|' .. f:schema()[5].type .. '|' .. tostring(f):sub(1, 16))\n"
                  "dump(f:head(7):select{'tilbud_id', d = 'dage'}:rename{dd = 'd'})\n"
                  "dump(f:rename{k = 'kommune'}:filter(col'k':eq'Ballerup'):select('dato'))\n"
                  "dump(f:derive{x = col'dage' * 2}:filter(col'x':gt(40)):sort{'x'}:head(3))"),
        "SELECT count(*) || '|float|tegn.Table(' || count(*) || ' ro' FROM b WHERE dage > 5 AND "
        "status <> 'ledig' UNION ALL SELECT * FROM (SELECT tilbud_id || '|' || dage FROM b "
        "WHERE dage > 5 AND status <> 'ledig' LIMIT 7) UNION ALL SELECT * FROM (SELECT dato "
        "FROM b WHERE dage > 5 AND status <> 'ledig' AND kommune = 'Ballerup') UNION ALL "
        "SELECT * FROM (SELECT dato || '|' || tilbud_id || '|' || kommune || '|' || status "
        "|| '|' || CASE WHEN takst_kr IS NULL THEN 'NULL' ELSE printf('%.2f', takst_kr) END "
        "|| '|' || dage || '|' || (dage * 2) FROM b WHERE dage > 5 AND status <> 'ledig' AND "
        "dage * 2 > 40 ORDER BY dage * 2, rowid LIMIT 3)",
        "%.2f");
    /* Filtering everything away, and a filter that keeps every row. */
    assert_string_equal(run_ok(&e, with_load("local f = b:filter(col'dage':lt(0))\n"
                                             "print(#f, #f:filter(true), #f:rows())\n"
                                             "print(#b:filter(true), b:filter(true) == b)\n"
                                             "local g = b:filter(col'dage':ge(0))\n"
                                             "print(#g:filter(col'dage':lt(0)):head(2))")),
                        "0\t0\t0\n60\ttrue\n0\n");
    sqlite3_close(db);
    env_close(&e);
}

static void test_lualib_derive_matches_sql(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    /* New columns follow t's, sorted by name; SQLite's round() rounds
    ** halves away from zero, like round(0) here. */
    same_as_sql(&e, db,
                with_load("dump(b:derive{udgift = col'takst_kr' * col'dage',\n"
                          "  maaned = col'dato':trunc'month', aar = col'dato':year(),\n"
                          "  kvartal = col'dato':quarter(), afrundet = col'takst_kr':round(),\n"
                          "  halv = col'dage' / 2, dage = col'dage' + 1,\n"
                          "  navn = 'x' .. col'tilbud_id'})"),
                "SELECT dato, tilbud_id, kommune, status, takst_kr, dage + 1, "
                "CAST(strftime('%Y', dato) AS INTEGER), round(takst_kr), dage / 2.0, "
                "(CAST(strftime('%m', dato) AS INTEGER) + 2) / 3, date(dato, 'start of month'), "
                "'x' || tilbud_id, takst_kr * dage FROM b",
                "%.2f");
    same_as_sql(
        &e, db,
        with_load("dump(b:derive{{'klasse', tegn.when(col'dage':gt(20), 'lang')\n"
                  "  :when(col'dage':gt(10), 'mellem'):otherwise('kort')},\n"
                  "  {'t', tegn.coalesce(col'takst_kr', 0.0)},\n"
                  "  {'u', tegn.when(col'status':eq'ledig', 1)},\n"
                  "  {'v', tegn.concat(col'tilbud_id', '-', col'dage')},\n"
                  "  {'w', tegn.if_else(col'dage':gt(15), col'dage', 0)},\n"
                  "  {'x', (col'dage' .. ''):try_cast'int' + col'tilbud_id':try_cast'int'}}\n"
                  "  :select{'klasse', 't', 'u', 'v', 'w', 'x'})"),
        "SELECT CASE WHEN dage > 20 THEN 'lang' WHEN dage > 10 THEN 'mellem' ELSE 'kort' "
        "END, coalesce(takst_kr, 0.0), CASE WHEN status = 'ledig' THEN 1 END, tilbud_id "
        "|| '-' || dage, CASE WHEN dage > 15 THEN dage ELSE 0 END, NULL FROM b",
        "%.2f");
    sqlite3_close(db);
    env_close(&e);
}

static void test_lualib_sort_matches_sql(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    same_as_sql(&e, db, with_load("dump(b:sort{'kommune', tegn.desc'dage'})"),
                "SELECT * FROM b ORDER BY kommune, dage DESC, rowid", "%.2f");
    same_as_sql(&e, db, with_load("dump(b:sort('status', 'takst_kr'))"),
                "SELECT * FROM b ORDER BY status, takst_kr IS NULL, takst_kr, rowid", "%.2f");
    same_as_sql(&e, db, with_load("dump(b:sort{{'takst_kr', desc = true}})"),
                "SELECT * FROM b ORDER BY takst_kr IS NULL, takst_kr DESC, rowid", "%.2f");
    sqlite3_close(db);
    env_close(&e);
}

static void test_lualib_group_agg_matches_sql(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    same_as_sql(&e, db,
                with_load("dump(b:group_by{'tilbud_id', maaned = col'dato':trunc'month'}:agg{\n"
                          "  n = tegn.count(), belagt = tegn.count_if(col'status':eq'belagt'),\n"
                          "  dage = tegn.sum'dage', gns = tegn.mean'takst_kr',\n"
                          "  mn = tegn.min'takst_kr', mx = tegn.max(col'takst_kr'),\n"
                          "  nd = tegn.n_distinct'status', nt = tegn.count'takst_kr'}, '%.4f')"),
                "SELECT tilbud_id, date(dato, 'start of month') AS m, sum(status = 'belagt'), "
                "sum(dage), avg(takst_kr), min(takst_kr), max(takst_kr), count(*), "
                "count(DISTINCT status), count(takst_kr) FROM b GROUP BY tilbud_id, m "
                "ORDER BY tilbud_id, m",
                "%.4f");
    /* Over a filtered table (a lazy selection): only the key and argument
    ** columns are gathered. */
    same_as_sql(
        &e, db,
        with_load("dump(b:filter(col'status':eq'belagt'):filter(col'dage':ge(3))\n"
                  "  :group_by{'kommune', aar = col'dato':year()}\n"
                  "  :agg{n = tegn.count(), t = tegn.sum(col'takst_kr' * 2)}, '%.2f')"),
        "SELECT kommune, CAST(strftime('%Y', dato) AS INTEGER) AS a, count(*), "
        "sum(takst_kr * 2) FROM b WHERE status = 'belagt' AND dage >= 3 GROUP BY kommune, a "
        "ORDER BY kommune, a",
        "%.2f");
    same_as_sql(
        &e, db,
        with_load("dump(b:filter(col'dage':gt(20)):join(tilbud:filter(col'pladser':lt(15)),\n"
                  "  {on = 'tilbud_id', how = 'semi'}))"),
        "SELECT * FROM b WHERE dage > 20 AND tilbud_id IN (SELECT tilbud_id FROM tilbud "
        "WHERE pladser < 15) ORDER BY rowid",
        "%.2f");
    /* Variance, first and last per group; the whole-table median. */
    same_as_sql(&e, db,
                with_load("local g = b:group_by'kommune':agg{{'v', tegn.var'takst_kr'},\n"
                          "  {'s', tegn.std'dage'}, {'f', tegn.first'takst_kr'},\n"
                          "  {'l', tegn.last'takst_kr'}}\n"
                          "for _, r in ipairs(g:rows()) do\n"
                          "  print(string.format('%s|%.4f|%.4f|%.4f|%.4f', r.kommune, r.v,\n"
                          "    r.s * r.s, r.f, r.l))\n"
                          "end"),
                "SELECT kommune, (sum(takst_kr * takst_kr) - sum(takst_kr) * sum(takst_kr) / "
                "count(takst_kr)) / (count(takst_kr) - 1), (sum(dage * dage) - sum(dage) * "
                "sum(dage) * 1.0 / count(dage)) / (count(dage) - 1), "
                "(SELECT takst_kr FROM b AS i WHERE i.kommune = o.kommune AND takst_kr IS NOT NULL "
                "ORDER BY rowid LIMIT 1), (SELECT takst_kr FROM b AS i WHERE i.kommune = o.kommune "
                "AND takst_kr IS NOT NULL ORDER BY rowid DESC LIMIT 1) FROM b AS o "
                "GROUP BY kommune ORDER BY kommune",
                "%.4f");
    same_as_sql(&e, db,
                with_load("local g = b:group_by():agg{m = tegn.median'takst_kr',\n"
                          "  q = tegn.quantile('takst_kr', 0.5), n = tegn.count()}\n"
                          "local r = g:rows()[1]\n"
                          "print(string.format('%.4f|%.4f|%d', r.m, r.q, r.n))"),
                "SELECT avg(takst_kr), avg(takst_kr), (SELECT count(*) FROM b) FROM (SELECT "
                "takst_kr FROM b WHERE takst_kr IS NOT NULL ORDER BY takst_kr LIMIT 2 - (SELECT "
                "count(takst_kr) FROM b) % 2 OFFSET (SELECT (count(takst_kr) - 1) / 2 FROM b))",
                "%.4f");
    /* Quantile methods by hand over 1, 2, 3 at p = 0.25: linear (R type
    ** 7) at position (n - 1)p + 1 = 1.5 -> 1.5; inverted_cdf (type 1)
    ** x[ceil(np)] = x[1] = 1; hazen (type 5) at position np + 0.5 = 1.25
    ** -> 1.25. */
    assert_string_equal(
        run_ok(&e, "local t = tegn.read_csv(DIR .. 'dmy.csv', {na = {'NA', '-'}})\n"
                   "local r = t:group_by():agg{a = tegn.quantile(tegn.col'id' + 0, 0.25),\n"
                   "  b = tegn.quantile('id', 0.25, {method = 'inverted_cdf'}),\n"
                   "  c = tegn.quantile('id', 0.25, {method = 'hazen'})}:rows()[1]\n"
                   "print(r.a, r.b, r.c)\n"),
        "1.5\t1.0\t1.25\n");
    sqlite3_close(db);
    env_close(&e);
}

static void test_lualib_joins_match_sql(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    load_naive(db, "takst_hist.csv", ';', "th");
    same_as_sql(&e, db, with_load("dump(b:join(tilbud, {on = 'tilbud_id'}))"),
                "SELECT b.*, t.navn, t.kommune, t.pladser FROM b JOIN tilbud AS t USING "
                "(tilbud_id) ORDER BY b.rowid, t.rowid",
                "%.2f");
    same_as_sql(
        &e, db,
        with_load("local j = b:join(tilbud:rename{id = 'tilbud_id'},\n"
                  "  {on = {tilbud_id = 'id'}, how = 'left', suffix = '_t'})\n"
                  "print(table.concat(j:columns(), ','))\n"
                  "dump(j)"),
        "SELECT 'dato,tilbud_id,kommune,status,takst_kr,dage,navn,kommune_t,pladser' UNION "
        "ALL SELECT * FROM (SELECT b.dato || '|' || b.tilbud_id || '|' || b.kommune || '|' "
        "|| b.status || '|' || CASE WHEN b.takst_kr IS NULL THEN 'NULL' ELSE printf('%.2f', "
        "b.takst_kr) END || '|' || b.dage "
        "|| '|' || coalesce(t.navn, 'NULL') || '|' || coalesce(t.kommune, 'NULL') || '|' || "
        "coalesce(t.pladser, 'NULL') FROM b LEFT JOIN tilbud AS t ON b.tilbud_id = "
        "t.tilbud_id ORDER BY b.rowid, t.rowid)",
        "%.2f");
    same_as_sql(&e, db,
                with_load("dump(b:join(tilbud, {on = {'tilbud_id', 'kommune'}, how = 'semi'}))"),
                "SELECT * FROM b WHERE EXISTS (SELECT 1 FROM tilbud AS t WHERE t.tilbud_id = "
                "b.tilbud_id AND t.kommune = b.kommune) ORDER BY rowid",
                "%.2f");
    same_as_sql(&e, db, with_load("dump(b:join(tilbud, {on = 'tilbud_id', how = 'anti'}))"),
                "SELECT * FROM b WHERE tilbud_id NOT IN (SELECT tilbud_id FROM tilbud)", "%.2f");
    /* As-of: the takst valid from the latest gyldig_fra on or before dato. */
    same_as_sql(
        &e, db,
        with_load("local th = tegn.read_csv(DIR .. 'takst_hist.csv')\n"
                  "dump(b:join_asof(th, {by = 'tilbud_id', on = {'dato', 'gyldig_fra'}})\n"
                  "  :select{'dato', 'tilbud_id', 'gyldig_fra', 'dagstakst'})"),
        "SELECT dato, tilbud_id, (SELECT gyldig_fra FROM th WHERE th.tilbud_id = "
        "b.tilbud_id AND gyldig_fra <= dato ORDER BY gyldig_fra DESC LIMIT 1), (SELECT "
        "dagstakst FROM th WHERE th.tilbud_id = b.tilbud_id AND gyldig_fra <= dato ORDER BY "
        "gyldig_fra DESC LIMIT 1) FROM b ORDER BY rowid",
        "%.2f");
    /* Errors name the side and the nearest column. */
    assert_int_equal(env_run(&e, with_load("b:join(tilbud, {on = 'tilbud'})")), TG_ESCRIPT);
    assert_int_equal(e.err.line, 4);
    assert_string_equal(e.err.msg, "no column 'tilbud'; did you mean 'tilbud_id'?");
    assert_int_equal(env_run(&e, with_load("b:join(tilbud, {on = 'tilbud_id', how = 'outer'})")),
                     TG_ESCRIPT);
    assert_non_null(strstr(e.err.msg, "invalid option 'outer'"));
    sqlite3_close(db);
    env_close(&e);
}

static void test_lualib_distinct_top_match_sql(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    same_as_sql(&e, db, with_load("dump(b:distinct{'tilbud_id', 'status'})"),
                "SELECT * FROM b WHERE rowid IN (SELECT min(rowid) FROM b GROUP BY tilbud_id, "
                "status) ORDER BY rowid",
                "%.2f");
    same_as_sql(&e, db, with_load("dump(b:select{'kommune'}:distinct())"),
                "SELECT kommune FROM b GROUP BY kommune ORDER BY min(rowid)", "%.2f");
    same_as_sql(&e, db, with_load("dump(b:top(2, {by = 'dage', per = 'tilbud_id'}))"),
                "SELECT dato, tilbud_id, kommune, status, takst_kr, dage FROM (SELECT *, "
                "row_number() OVER (PARTITION BY tilbud_id ORDER BY dage DESC, rowid) AS r FROM b) "
                "WHERE r <= 2 ORDER BY tilbud_id, dage DESC, r",
                "%.2f");
    same_as_sql(&e, db, with_load("dump(b:top(3, {by = 'dage', desc = false}))"),
                "SELECT * FROM b ORDER BY dage, rowid LIMIT 3", "%.2f");
    sqlite3_close(db);
    env_close(&e);
}

static void test_lualib_windows_match_sql(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    same_as_sql(
        &e, db,
        with_load("dump(b:derive{\n"
                  "  prev = col'dage':lag(1, {by = 'tilbud_id', order = 'dato'}),\n"
                  "  cs = col'dage':cumsum{by = 'tilbud_id', order = {'dato'}},\n"
                  "  rm = col'takst_kr':rolling_mean(3, {by = 'tilbud_id', order = 'dato',\n"
                  "    min_periods = 1}),\n"
                  "  rn = tegn.row_number{by = 'tilbud_id', order = {tegn.desc'dage'}},\n"
                  "  nxt = (col'dage' * 2):lead(2, {default = 0}),\n"
                  "  rk = tegn.rank{order = 'kommune'}}:select{'cs', 'nxt', 'prev', 'rk',\n"
                  "  'rm', 'rn'}, '%.4f')"),
        "SELECT sum(dage) OVER (PARTITION BY tilbud_id ORDER BY dato, rowid ROWS "
        "UNBOUNDED PRECEDING), lead(dage * 2, 2, 0) OVER (ORDER BY rowid), lag(dage, 1) "
        "OVER (PARTITION BY tilbud_id ORDER BY dato, rowid), rank() OVER (ORDER BY "
        "kommune), avg(takst_kr) OVER (PARTITION BY tilbud_id ORDER BY dato, rowid ROWS "
        "BETWEEN 2 PRECEDING AND CURRENT ROW), row_number() OVER (PARTITION BY tilbud_id "
        "ORDER BY dage DESC, rowid) FROM b ORDER BY rowid",
        "%.4f");
    assert_int_equal(
        env_run(&e, with_load("local x = b:derive{p = col'dage':lag(1, {by = 'tilbud'})}")),
        TG_ESCRIPT);
    assert_string_equal(e.err.msg, "no column 'tilbud'; did you mean 'tilbud_id'?");
    assert_int_equal(
        env_run(&e, with_load("local x = b:derive{p = col'dage':lag(1, {byy = 'x'})}")),
        TG_ESCRIPT);
    assert_string_equal(e.err.msg, "lag: unknown option 'byy'; did you mean 'by'?");
    sqlite3_close(db);
    env_close(&e);
}

static void test_lualib_reshape_matches_sql(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    same_as_sql(
        &e, db,
        with_load("local p = b:pivot{rows = 'tilbud_id', cols = 'status', values = 'dage',\n"
                  "  agg = 'sum', fill = 0}\n"
                  "print(table.concat(p:columns(), '|'))\n"
                  "dump(p)"),
        "SELECT 'tilbud_id|belagt|ledig|reserveret' UNION ALL SELECT * FROM (SELECT "
        "tilbud_id || '|' || coalesce(sum(CASE WHEN status = 'belagt' THEN dage END), 0) "
        "|| '|' || coalesce(sum(CASE WHEN status = 'ledig' THEN dage END), 0) || '|' || "
        "coalesce(sum(CASE WHEN status = 'reserveret' THEN dage END), 0) FROM b GROUP BY "
        "tilbud_id ORDER BY tilbud_id)",
        "%.2f");
    same_as_sql(&e, db,
                with_load("dump(b:unpivot{keep = 'tilbud_id', melt = {'dage', 'takst_kr'},\n"
                          "  into = {'navn', 'vaerdi'}})"),
                "SELECT tilbud_id, n, v FROM (SELECT rowid AS r, tilbud_id, 'dage' AS n, 1 AS k, "
                "dage * 1.0 AS v FROM b UNION ALL SELECT rowid, tilbud_id, 'takst_kr', 2, takst_kr "
                "FROM b) ORDER BY r, k",
                "%.2f");
    same_as_sql(
        &e, db,
        with_load("dump(b:derive{m = col'dato':trunc'month'}:select{'tilbud_id', 'm', 'dage'}\n"
                  "  :complete{by = 'tilbud_id', period = 'm', unit = 'month',\n"
                  "    fill = {dage = 0}})"),
        "WITH RECURSIVE months(m) AS (SELECT min(date(dato, 'start of month')) FROM b "
        "UNION ALL SELECT date(m, '+1 month') FROM months WHERE m < (SELECT "
        "max(date(dato, 'start of month')) FROM b)) SELECT tilbud_id, m, dage FROM (SELECT "
        "rowid AS r, tilbud_id, date(dato, 'start of month') AS m, dage FROM b UNION ALL "
        "SELECT NULL, k.tilbud_id, months.m, 0 FROM (SELECT DISTINCT tilbud_id FROM b) AS "
        "k, months WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.tilbud_id = k.tilbud_id AND "
        "date(dato, 'start of month') = months.m)) ORDER BY tilbud_id, m, r",
        "%.2f");
    assert_int_equal(
        env_run(&e, with_load("local x = b:pivot{rows = 'tilbud_id', cols = 'status',\n"
                              "  values = 'dage'}")),
        TG_EDATA);
    sqlite3_close(db);
    env_close(&e);
}

static void test_lualib_expression_errors(void **state) {
    struct env e;
    (void)state;

    env_open(&e, NULL, 0);
    /* The acceptance check: a misspelt column in filter. */
    assert_int_equal(env_run(&e, with_load("local x = b:filter(col'takst':gt(3000))")), TG_ESCRIPT);
    assert_string_equal(e.err.file, "script.lua");
    assert_int_equal(e.err.line, 4);
    assert_string_equal(e.err.msg, "no column 'takst'; did you mean 'takst_kr'?");
    assert_int_equal(env_run(&e, with_load("local x = b.takst")), TG_ESCRIPT);
    assert_string_equal(e.err.msg, "no column 'takst'; did you mean 'takst_kr'?");
    assert_int_equal(env_run(&e, with_load("local x = b:derive{y = col'dagee' * 2}")), TG_ESCRIPT);
    assert_string_equal(e.err.msg, "no column 'dagee'; did you mean 'dage'?");
    assert_int_equal(env_run(&e, with_load("local x = b:group_by'tilbud':agg{n = tegn.count()}")),
                     TG_ESCRIPT);
    assert_string_equal(e.err.msg, "no column 'tilbud'; did you mean 'tilbud_id'?");
    assert_int_equal(env_run(&e, with_load("local x = b:group_by'kommune':agg{n = tegn.sum'dag'}")),
                     TG_ESCRIPT);
    assert_string_equal(e.err.msg, "no column 'dag'; did you mean 'dage'?");
    assert_int_equal(env_run(&e, with_load("local x = b:group_by'kommune':agg{n = 3}")),
                     TG_ESCRIPT);
    assert_non_null(strstr(e.err.msg, "agg: expected an aggregate"));
    /* A misspelt method suggests the method. */
    assert_int_equal(env_run(&e, with_load("local x = b:fliter(col'dage':gt(3))")), TG_ESCRIPT);
    assert_string_equal(e.err.msg,
                        "no method or column 'fliter'; did you mean the method 'filter'?");
    /* == on expressions would silently be false: it raises instead. */
    assert_int_equal(env_run(&e, with_load("local x = b:filter(col'dage' == col'dage')")),
                     TG_ESCRIPT);
    assert_non_null(strstr(e.err.msg, ":eq()"));
    assert_int_equal(env_run(&e, with_load("local x = b:filter(col'dage' < 3)")), TG_ESCRIPT);
    assert_non_null(strstr(e.err.msg, ":lt()"));
    /* A type error from the kernel is a script error at the line. */
    assert_int_equal(env_run(&e, with_load("\nlocal x = b:filter(col'kommune':gt(3))")),
                     TG_ESCRIPT);
    assert_int_equal(e.err.line, 5);
    assert_non_null(strstr(e.err.msg, "kommune"));
    assert_int_equal(env_run(&e, with_load("local x = b:filter(col'dage' + 1)")), TG_ESCRIPT);
    /* A strict cast of a bad value is a data error; pcall catches it. */
    assert_string_equal(
        run_ok(&e, with_load("print(pcall(b.derive, b, {x = col'kommune':cast'int'}))\n"
                             "local y = b:derive{x = col'kommune':cast('int', {strict = false})}\n"
                             "print(#y:filter(col'x':is_null()))")),
        "false\tscript.lua:4: cannot cast 'Ballerup' to int in cast(col(\"kommune\"), \"int\") "
        "at row 1\n60\n");
    assert_int_equal(env_run(&e, with_load("local y = b:derive{x = col'kommune':cast'int'}")),
                     TG_EDATA);
    assert_string_equal(
        e.err.msg, "cannot cast 'Ballerup' to int in cast(col(\"kommune\"), \"int\") at row 1");
    env_close(&e);
}


static void test_lualib_map_rows(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    /* The same derived column both ways; the warning comes once. */
    same_as_sql(&e, db,
                with_load("local m = b:map_rows(function(r)\n"
                          "  if r.status ~= 'belagt' then return nil end\n"
                          "  r.udgift = r.takst_kr and r.takst_kr * r.dage\n"
                          "  r.uge = r.dage // 7\n"
                          "  return r\n"
                          "end)\n"
                          "local m2 = b:map_rows(function(r) return {n = 1} end)\n"
                          "print(#m2 .. '|' .. m:schema()[1].type .. '|' .. m:schema()[8].name)\n"
                          "dump(m)"),
                "SELECT 'script.lua:4: warning: map_rows calls a Lua function for every row, which "
                "is slow; use filter, derive and expressions where they can do the job' "
                "UNION ALL SELECT '60|date|uge' UNION ALL SELECT * FROM (SELECT dato || '|' || "
                "tilbud_id || "
                "'|' || kommune || '|' || status || '|' || CASE WHEN takst_kr IS NULL "
                "THEN 'NULL' ELSE printf('%.2f', takst_kr) END || '|' || dage || '|' || CASE WHEN "
                "takst_kr IS NULL THEN "
                "'NULL' ELSE printf('%.2f', takst_kr * dage) END || '|' || (dage / 7) FROM b WHERE "
                "status = 'belagt' ORDER BY rowid)",
                "%.2f");
    sqlite3_close(db);
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
        cmocka_unit_test(test_lualib_filter_matches_sql),
        cmocka_unit_test(test_lualib_filtered_tables_match_sql),
        cmocka_unit_test(test_lualib_derive_matches_sql),
        cmocka_unit_test(test_lualib_sort_matches_sql),
        cmocka_unit_test(test_lualib_group_agg_matches_sql),
        cmocka_unit_test(test_lualib_joins_match_sql),
        cmocka_unit_test(test_lualib_distinct_top_match_sql),
        cmocka_unit_test(test_lualib_windows_match_sql),
        cmocka_unit_test(test_lualib_reshape_matches_sql),
        cmocka_unit_test(test_lualib_expression_errors),
        cmocka_unit_test(test_lualib_map_rows),
        cmocka_unit_test(test_lualib_run_emits_document),
        cmocka_unit_test(test_lualib_failed_run_leaves_output_untouched),
        cmocka_unit_test(test_lualib_run_limits_and_usage),
        cmocka_unit_test(test_lualib_run_writes_stdout),
        cmocka_unit_test(test_lualib_allocation_failures),
        cmocka_unit_test(test_lualib_run_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
