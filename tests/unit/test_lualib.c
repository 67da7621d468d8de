/*
** test_lualib.c -- what only C can check of the `tegn` module and tg_run:
** the error record and traceback of a data error, a table too big for
** rows(), the run's output document (read back with jansson, the input
** hashes checked with sha256sum), a failed run leaving the output alone,
** limits, and the allocation-failure loops. What a script can check --
** loading, tables, params, dates, emit's errors -- is in tests/lua/lib.lua.
*/
#include "tg_luatest.h"

#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "tg_mem.h"
#include "tg_run.h"

/* ---- errors and limits a script cannot see ---- */

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

/* ---- tegn.emit and tg_run ---- */

static char dir_param[1100];

static void run_opts(tg_run_opts *o, const char *script, const char *out, struct sink *sink) {
    static const char *params[1], *reads[1];
    static char fixtures[1100];
    snprintf(dir_param, sizeof dir_param, "dir=%s/", tg_test_fixture("lualib"));
    snprintf(fixtures, sizeof fixtures, "%s", tg_test_fixture("lualib"));
    params[0] = dir_param;
    reads[0] = fixtures; /* the scripts are in a scratch folder */
    tg_run_opts_init(o);
    o->script = script;
    o->out = out;
    o->params = params;
    o->n_params = 1;
    o->allow_read = reads;
    o->n_allow_read = 1;
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
    write_file(script, "local x = tegn.param('dir')\n");
    assert_int_equal(tg_run(&o, &err, &tb), TG_OK);
    assert_null(tb);
    text = read_all(out);
    assert_string_equal(text, "old\n");
    free(text);

    /* emit's own errors (all of them in tests/lua/lib.lua) fail the run too */
    write_file(script, "tegn.emit{a = 1} tegn.emit{b = 2}");
    assert_int_equal(tg_run(&o, &err, NULL), TG_ESCRIPT);
    assert_string_equal(err.msg, "emit: called twice; put everything in one tegn.emit{...}");
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

    /* A --param the script never reads (here a misspelt aar) is a usage
    ** error before any output: the names it does read are listed. */
    static const char *const spelt[] = { "yaer=2031", "dir=x", "zz=1" };
    write_file(script, "local a = tegn.param('aar', 2026)\nlocal d = tegn.params.dir\n"
                       "tegn.emit{a = a}\n");
    run_opts(&o, script, NULL, NULL);
    o.params = spelt;
    o.n_params = 3;
    assert_int_equal(tg_run(&o, &err, NULL), TG_EARG);
    assert_string_equal(err.msg, "--param 'yaer', 'zz' are not read by the script (it reads: aar, "
                                 "dir)");
    /* ... and before the script's first write, which then writes nothing. */
    write_file(script, "tegn.read_csv(tegn.param('dir') .. 'dmy.csv'):write_csv('x.csv')\n");
    run_opts(&o, script, NULL, NULL);
    const char *with_dir[] = { dir_param, "zz=1" };
    o.params = with_dir;
    o.n_params = 2;
    assert_int_equal(tg_run(&o, &err, NULL), TG_EARG);
    assert_string_equal(err.msg, "--param 'zz' is not read by the script before its first write "
                                 "(it reads: dir)");
    o.n_params = 0;
    assert_int_equal(tg_run(&o, &err, NULL), TG_ESCRIPT); /* no dir: the read fails */

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
    o.n_params = 0;
    assert_int_equal(tg_run(&o, &err, NULL), TG_OK);
    ssize_t n = read(rfd, got, sizeof got - 1);
    assert_true(n > 0);
    got[n] = '\0';
    assert_true(starts_with(got, "{\"a\":1,\"meta\":{"));
    close(rfd);
    assert_int_equal(stat(fifo, &sb), 0);
    assert_true(S_ISFIFO(sb.st_mode));
    unlink(fifo);
    /* --out's folders are made when missing; beneath a file they cannot be */
    char beneath_file[1200];
    snprintf(beneath_file, sizeof beneath_file, "%s/sub/out.json", script);
    run_opts(&o, script, beneath_file, NULL);
    o.n_params = 0;
    assert_int_equal(tg_run(&o, &err, NULL), TG_EIO);
    unlink(script);
}

/* Hitting --mem while emit builds the document is the limit (exit 3),
** not an internal "out of memory": the JSON tree of a list of integers
** takes several times the Lua list, so the cap is hit in C. */
static void test_lualib_mem_limit_while_building_document(void **state) {
    char script[1100];
    tg_run_opts o;
    tg_error err;
    (void)state;

    snprintf(script, sizeof script, "%s", tg_test_tmpfile(".lua"));
    write_file(script, "local t = {}\nfor i = 1, 1000000 do t[i] = i end\n"
                       "tegn.emit({t = t})\n");
    run_opts(&o, script, NULL, NULL);
    o.n_params = 0;
    o.mem_cap = 40 << 20;
    assert_int_equal(tg_run(&o, &err, NULL), TG_ELIMIT);
    assert_string_equal(err.msg, "memory limit 40 MiB exceeded");
    assert_int_equal(err.line, 3);

    /* And while the text is made after the script: escaped, it is six
    ** times the string (stdout: tg_json_dump makes the whole text). */
    write_file(script, "tegn.emit({s = ('\\1'):rep(20 * 1024 * 1024)})\n");
    run_opts(&o, script, NULL, NULL);
    o.n_params = 0;
    o.mem_cap = 80 << 20;
    assert_int_equal(tg_run(&o, &err, NULL), TG_ELIMIT);
    assert_string_equal(err.msg, "memory limit 80 MiB exceeded");
    unlink(script);
}

/* After the memory limit no script code runs: a __close handler (Lua or
** C, directly or under pcall) is not called on the way out, so the file
** it would write does not appear and print prints nothing. */
static void test_lualib_mem_limit_runs_no_close_handler(void **state) {
    static const char *const shapes[] = {
        "local x <close> = setmetatable({}, {__close = function() t:write_csv(path) end})\n"
        "local s = {}\nfor i = 1, 1e9 do s[i] = ('x'):rep(100) .. i end\n",
        "pcall(function()\n"
        "  local x <close> = setmetatable({}, {__close = function() t:write_csv(path) end})\n"
        "  local s = {}\n  for i = 1, 1e9 do s[i] = ('x'):rep(100) .. i end\nend)\n"
        "t:write_csv(path)\n",
        "local x <close> = setmetatable({}, {__close = print})\n"
        "local s = ('x'):rep(1 << 30)\n",
        /* in coroutines: the wrap's own close, and pcall inside resume */
        "coroutine.wrap(function()\n"
        "  local x <close> = setmetatable({}, {__close = function() t:write_csv(path) end})\n"
        "  local s = ('x'):rep(1 << 30)\nend)()\n",
        "print(coroutine.resume(coroutine.create(function()\n  pcall(function()\n"
        "    local x <close> = setmetatable({}, {__close = function() t:write_csv(path) end})\n"
        "    local s = {}\n    for i = 1, 1e9 do s[i] = ('x'):rep(100) .. i end\n"
        "  end)\nend)))\n",
    };
    char script[1100], csv[1100], text[4096];
    struct sink sink = { NULL, 0, 0 };
    tg_run_opts o;
    tg_error err;
    (void)state;

    snprintf(script, sizeof script, "%s", tg_test_tmpfile(".lua"));
    snprintf(csv, sizeof csv, "%s", tg_test_tmpfile(".csv"));
    for (size_t i = 0; i < TG_ARRAY_LEN(shapes); i++) {
        snprintf(text, sizeof text,
                 "local t = tegn.read_csv(tegn.param('dir') .. 'belaegning.csv')\n"
                 "local path = '%s'\n%s",
                 csv, shapes[i]);
        write_file(script, text);
        unlink(csv);
        run_opts(&o, script, NULL, &sink);
        o.mem_cap = 32 << 20;
        assert_int_equal(tg_run(&o, &err, NULL), TG_ELIMIT);
        assert_string_equal(err.msg, "memory limit 32 MiB exceeded");
        assert_int_equal(access(csv, F_OK), -1);
        assert_int_equal(sink.len, 0);
    }
    free(sink.buf);
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

/* File access (docs/sandbox.md, "Files"): require does not follow a link
** out of the script's folder but does one inside it, and a script cannot
** write --out, so a run that fails after trying leaves --out as it was. */
static void test_lualib_run_file_access(void **state) {
    char dir[1100], script[1200], out[1200], outside[1200], path[1200], code[2600];
    tg_run_opts o;
    tg_error err;
    char *text;
    (void)state;

    snprintf(dir, sizeof dir, "%s", tg_test_tmpfile(".d"));
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(outside, sizeof outside, "%s", tg_test_tmpfile(".lua"));
    write_file(outside, "return 1\n");
    snprintf(path, sizeof path, "%s/evil.lua", dir);
    assert_int_equal(symlink(outside, path), 0);
    snprintf(script, sizeof script, "%s/s.lua", dir);
    write_file(script, "require 'evil'\n");
    run_opts(&o, script, NULL, NULL);
    o.n_params = 0;
    assert_int_equal(tg_run(&o, &err, NULL), TG_ESCRIPT);
    assert_non_null(strstr(err.msg, "leads outside its folder"));

    snprintf(path, sizeof path, "%s/impl.lua", dir);
    write_file(path, "#!/usr/bin/env lua\nreturn 7\n");
    snprintf(path, sizeof path, "%s/good.lua", dir);
    assert_int_equal(symlink("impl.lua", path), 0);
    write_file(script, "assert(require 'good' == 7)\n");
    assert_int_equal(tg_run(&o, &err, NULL), TG_OK);

    snprintf(out, sizeof out, "%s/out.json", dir);
    write_file(out, "old\n");
    snprintf(code, sizeof code,
             "local tegn = require 'tegn'\n"
             "tegn.emit{n = 1}\n"
             "tegn.read_csv(tegn.param('dir') .. 'dmy.csv'):write_csv('%s/./out.json')\n",
             dir);
    write_file(script, code);
    run_opts(&o, script, out, NULL);
    assert_int_equal(tg_run(&o, &err, NULL), TG_EIO);
    assert_non_null(strstr(err.msg, "is the run's --out file"));
    text = read_all(out);
    assert_string_equal(text, "old\n");
    free(text);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lualib_loader_error_uncaught_is_data_error),
        cmocka_unit_test(test_lualib_rows_refuses_huge_tables),
        cmocka_unit_test(test_lualib_run_emits_document),
        cmocka_unit_test(test_lualib_failed_run_leaves_output_untouched),
        cmocka_unit_test(test_lualib_run_limits_and_usage),
        cmocka_unit_test(test_lualib_mem_limit_while_building_document),
        cmocka_unit_test(test_lualib_mem_limit_runs_no_close_handler),
        cmocka_unit_test(test_lualib_run_writes_stdout),
        cmocka_unit_test(test_lualib_run_file_access),
        cmocka_unit_test(test_lualib_allocation_failures),
        cmocka_unit_test(test_lualib_run_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
