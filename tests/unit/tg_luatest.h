/*
** tg_luatest.h -- helpers shared by the C tests of the `tegn` module
** (test_lualib.c, test_luastats.c, ...): a runtime with the module, scripts
** run from strings, a fresh runtime for the allocation-failure loops, and
** the second reading of the fixtures -- a naive CSV splitter loading them
** into an in-memory SQLite database -- so expected values come from SQL,
** not from the code under test. Header-only (static inline) because each
** test file is its own executable. Tests a script can do by itself live
** in tests/lua (see its README.md).
*/
#ifndef TG_LUATEST_H
#define TG_LUATEST_H

#include "tg_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <sqlite3.h>

#include "tg_err.h"
#include "tg_lua.h"
#include "tg_luactx.h"
#include "tg_lualib.h"

/* ---- running scripts ---- */

struct sink {
    char *buf;
    size_t len, cap;
};

static inline void capture(void *ud, const char *text, size_t len) {
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
    tg_luactx *lib;
    tg_lua *rt;
    struct sink out;
    tg_error err;
};

static char fixture_dir[1024];

/* A runtime with the tegn module; DIR is the lualib fixture folder. */
static inline void env_open(struct env *e, const char *const *params, size_t n_params) {
    tg_lua_opts opts;
    memset(e, 0, sizeof *e);
    e->lib = tg_luactx_new(params, n_params, capture, &e->out, 0, &e->err);
    if (!e->lib) fail_msg("tg_luactx_new: %s", e->err.msg);
    tg_lua_opts_init(&opts);
    opts.print = tg_luactx_print;
    opts.open_libs = tg_lualib_open;
    opts.ud = e->lib;
    e->rt = tg_lua_new(&opts, &e->err);
    if (!e->rt) fail_msg("tg_lua_new: %s", e->err.msg);
    snprintf(fixture_dir, sizeof fixture_dir, "%s/", tg_test_fixture("lualib"));
    lua_pushstring(tg_lua_state(e->rt), fixture_dir);
    lua_setglobal(tg_lua_state(e->rt), "DIR");
}

static inline void env_close(struct env *e) {
    tg_lua_free(e->rt);
    tg_luactx_free(e->lib);
    free(e->out.buf);
}

/* Runs 'code' as script.lua; returns the status, output in e->out. */
static inline tg_status env_run(struct env *e, const char *code) {
    e->out.len = 0;
    if (e->out.buf) e->out.buf[0] = '\0';
    return tg_lua_run_string(e->rt, "script.lua", code, 0, &e->err);
}

/* Runs 'code' as oom.lua in a fresh runtime with the tegn module and the
** string globals names[i] = values[i]; returns the run's status. For
** tg_test_oom_loop: an allocation failure anywhere, even while the runtime
** is being made, must come back as a status and leak nothing. */
static inline tg_status run_fresh(const char *code, const char *const *names,
                                  const char *const *values, size_t n) {
    tg_luactx *lib;
    tg_lua_opts opts;
    tg_lua *rt;
    tg_error err;
    tg_status st;

    lib = tg_luactx_new(NULL, 0, NULL, NULL, 0, &err);
    if (!lib) return err.code;
    tg_lua_opts_init(&opts);
    opts.open_libs = tg_lualib_open;
    opts.print = tg_luactx_print;
    opts.ud = lib;
    rt = tg_lua_new(&opts, &err);
    if (!rt) {
        tg_luactx_free(lib);
        return err.code;
    }
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(tg_lua_state(rt), values[i]);
        lua_setglobal(tg_lua_state(rt), names[i]);
    }
    st = tg_lua_run_string(rt, "oom.lua", code, 0, &err);
    tg_lua_free(rt);
    tg_luactx_free(lib);
    return st;
}

/* Runs 'code' and fails the test unless it succeeds. */
static inline const char *run_ok(struct env *e, const char *code) {
    tg_status st = env_run(e, code);
    if (st != TG_OK) {
        char msg[1024];
        fail_msg("script failed: %s", tg_err_format(&e->err, msg, sizeof msg));
    }
    return e->out.buf ? e->out.buf : "";
}

static inline void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The file's bytes, malloc'ed and NUL-terminated; NULL when missing. */
static inline char *read_all(const char *path) {
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
static inline void load_naive(sqlite3 *db, const char *file, char sep, const char *name) {
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
            if (!*end && strchr("-0123456789", num[0])) sqlite3_bind_double(ins, k + 1, d);
            else sqlite3_bind_text(ins, k + 1, v, -1, SQLITE_TRANSIENT);
        }
        assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    fclose(f);
}

static inline sqlite3 *naive_db(void) {
    sqlite3 *db;
    snprintf(fixture_dir, sizeof fixture_dir, "%s/", tg_test_fixture("lualib"));
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    load_naive(db, "belaegning.csv", ';', "b");
    load_naive(db, "tilbud.csv", ';', "tilbud");
    return db;
}

/* Runs 'sql' and appends each row's values joined by '|' plus '\n' to a
** malloc'ed string: NULL as "NULL", reals with 'fmt' (e.g. "%.2f"),
** integers and text as they are. */
static inline char *sql_text(sqlite3 *db, const char *sql, const char *fmt) {
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

static inline int starts_with(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

#endif /* TG_LUATEST_H */
