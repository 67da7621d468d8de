/*
** run_lua_tests.c -- runs the Lua test files in tests/lua (the format is in
** tests/lua/README.md). Each case gets a fresh runtime made by
** tg_run_runtime, the same one `tegn run` gives a script, plus the few test
** globals the README lists. The case's print output and its error are
** compared with the expected text; a failure names file:line of the case
** and shows both texts. Exits 1 when any case failed, 2 on a bad file.
**
** Usage: run_lua_tests FILE.lua [NAME]   (NAME: run only cases whose name
** contains it). Environment: TG_FIXTURES (tests/fixtures, required),
** TG_SOURCE_DIR (the source tree, for TEGN_DB), TG_TMP (scratch folder;
** default the current one).
*/
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <sqlite3.h>

#include "tg_err.h"
#include "tg_lua.h"
#include "tg_luactx.h"
#include "tg_lualib.h"
#include "tg_par.h"
#include "tg_run.h"

/* ---- a growing string ---- */

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static void buf_add(buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p) {
            fputs("run_lua_tests: out of memory\n", stderr);
            exit(2);
        }
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_adds(buf *b, const char *s) {
    buf_add(b, s, strlen(s));
}

static const char *buf_str(buf *b) {
    if (!b->p) buf_add(b, "", 0);
    return b->p;
}

static void capture(void *ud, const char *text, size_t len) {
    buf_add(ud, text, len);
}

/* ---- the test file ---- */

enum match { M_EXACT, M_CONTAINS, M_APPROX, M_SQL };

typedef struct section {
    int present, line;
    enum match match;
    double tol;       /* M_APPROX */
    char fmt[16];     /* M_SQL: printf format of real values */
    tg_status status; /* error sections: the expected status */
    buf text;
} section;

typedef struct tcase {
    char name[256];
    int line;     /* of the "-- case:" line */
    int params_n; /* "key=value" words of the "-- params:" lines */
    char *params[32];
    buf code;
    section expect, error;
} tcase;

typedef struct tfile {
    const char *path;
    char *text;  /* the file's bytes: case names and params point into it */
    buf prelude; /* lines before the first case: run before every case */
    tcase *cases;
    size_t n;
} tfile;

_Noreturn static void bad_file(const tfile *f, int line, const char *what) {
    fprintf(stderr, "%s:%d: %s\n", f->path, line, what);
    exit(2);
}

static const struct {
    const char *word;
    tg_status status;
} kinds[] = {
    { "script", TG_ESCRIPT }, { "data", TG_EDATA },   { "io", TG_EIO },
    { "arg", TG_EARG },       { "limit", TG_ELIMIT }, { "memory", TG_ENOMEM },
};

/* Reads the words of "-- expect WORDS:" / "-- error WORDS:" into s. */
static void parse_header(const tfile *f, int line, char *words, section *s, int is_error) {
    s->present = 1;
    s->line = line;
    s->match = M_EXACT;
    s->status = TG_ESCRIPT;
    snprintf(s->fmt, sizeof s->fmt, "%%.2f");
    for (char *w = strtok(words, " "); w; w = strtok(NULL, " ")) {
        size_t k;
        if (strcmp(w, "contains") == 0) s->match = M_CONTAINS;
        else if (!is_error && strcmp(w, "sql") == 0) s->match = M_SQL;
        else if (!is_error && w[0] == '%') snprintf(s->fmt, sizeof s->fmt, "%s", w);
        else if (!is_error && w[0] == '~') {
            char *end;
            s->match = M_APPROX;
            s->tol = strtod(w + 1, &end);
            if (*end || !(s->tol > 0)) bad_file(f, line, "'~' wants a tolerance such as ~1e-9");
        } else {
            for (k = 0; is_error && k < sizeof kinds / sizeof kinds[0]; k++)
                if (strcmp(w, kinds[k].word) == 0) break;
            if (!is_error || k == sizeof kinds / sizeof kinds[0])
                bad_file(f, line, "unknown word in the section header");
            s->status = kinds[k].status;
        }
    }
}

/* "-- expect ...:" or "-- error ...:": returns the section it opens. */
static section *header(const tfile *f, int line, char *text, tcase *c) {
    size_t n = strlen(text);
    int is_error;
    if (n < 4 || text[n - 1] != ':') return NULL;
    if (strncmp(text, "-- expect", 9) == 0 && (text[9] == ' ' || text[9] == ':')) is_error = 0;
    else if (strncmp(text, "-- error", 8) == 0 && (text[8] == ' ' || text[8] == ':')) is_error = 1;
    else if (strncmp(text, "-- exp", 6) == 0 || strncmp(text, "-- err", 6) == 0)
        bad_file(f, line, "a misspelt section header?");
    else return NULL;
    if (!c) bad_file(f, line, "a section before the first '-- case:'");
    section *s = is_error ? &c->error : &c->expect;
    if (s->present) bad_file(f, line, "the case has this section twice");
    text[n - 1] = '\0';
    parse_header(f, line, text + (is_error ? 8 : 9), s, is_error);
    return s;
}

/* Drops trailing blank lines: the blank line before the next case. */
static void trim_blank_tail(buf *b) {
    while (b->len > 0 && b->p[b->len - 1] == '\n' && (b->len == 1 || b->p[b->len - 2] == '\n'))
        b->p[--b->len] = '\0';
}

static void finish_case(tcase *c) {
    if (!c) return;
    trim_blank_tail(&c->code);
    trim_blank_tail(&c->expect.text);
    trim_blank_tail(&c->error.text);
}

/* The file's bytes with a NUL after them; *len (may be NULL) gets their
** count, which a binary file (a zip) needs. */
static char *read_whole(const char *path, size_t *len) {
    FILE *fp = fopen(path, "rb");
    buf b = { 0 };
    char chunk[4096];
    size_t n;
    if (!fp) return NULL;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) buf_add(&b, chunk, n);
    fclose(fp);
    buf_str(&b);
    if (len) *len = b.len;
    return b.p;
}

static void parse_file(tfile *f) {
    char *text = f->text = read_whole(f->path, NULL), *line, *next;
    tcase *c = NULL;
    buf *into = &f->prelude;
    int no = 0;
    size_t cap = 0;

    if (!text) {
        fprintf(stderr, "%s: %s\n", f->path, strerror(errno));
        exit(2);
    }
    for (line = text; line && *line; line = next) {
        section *s;
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        no++;
        if (strncmp(line, "-- case:", 8) == 0) {
            finish_case(c);
            if (f->n == cap) {
                cap = cap ? cap * 2 : 32;
                f->cases = realloc(f->cases, cap * sizeof *f->cases);
                if (!f->cases) bad_file(f, no, "out of memory");
            }
            c = memset(&f->cases[f->n++], 0, sizeof *c);
            snprintf(c->name, sizeof c->name, "%s", line + 8 + (line[8] == ' '));
            c->line = no;
            into = &c->code;
            continue;
        }
        if (c && into == &c->code && c->code.len == 0 && strncmp(line, "-- params:", 10) == 0) {
            for (char *w = strtok(line + 10, " "); w; w = strtok(NULL, " ")) {
                if (c->params_n == 32) bad_file(f, no, "more than 32 params");
                c->params[c->params_n++] = w;
            }
            continue;
        }
        if ((s = header(f, no, line, c)) != NULL) {
            into = &s->text;
            continue;
        }
        buf_adds(into, line);
        buf_add(into, "\n", 1);
    }
    finish_case(c);
    trim_blank_tail(&f->prelude);
    for (size_t i = 0; i < f->n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(f->cases[i].name, f->cases[j].name) == 0)
                bad_file(f, f->cases[i].line, "two cases have this name");
    for (size_t i = 0; i < f->n; i++)
        if (!f->cases[i].expect.present && !f->cases[i].error.present)
            bad_file(f, f->cases[i].line, "the case has neither '-- expect:' nor '-- error:'");
}

/* ---- the second reading of the fixtures: naive CSV -> SQLite ---- */

/* Loads a ';'-separated fixture (no quotes) into table 'name': empty fields
** are NULL, integers integers, "1,5" and "1.5" reals, anything else text.
** No tegn code is involved, so SQL over it is an independent computation. */
static void load_naive(sqlite3 *db, const char *path, const char *name) {
    char line[1024], sql[2048];
    FILE *fp = fopen(path, "r");
    sqlite3_stmt *ins = NULL;

    if (!fp) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        exit(2);
    }
    while (fgets(line, sizeof line, fp)) {
        char *fields[32];
        int n = 0, off;
        line[strcspn(line, "\r\n")] = '\0';
        for (char *p = line; n < 32; p++) {
            fields[n++] = p;
            if (!(p = strchr(p, ';'))) break;
            *p = '\0';
        }
        if (!ins) {
            off = snprintf(sql, sizeof sql, "CREATE TABLE %s(", name);
            for (int k = 0; k < n; k++)
                off += snprintf(sql + off, sizeof sql - (size_t)off, "%s\"%s\"", k ? "," : "",
                                fields[k]);
            snprintf(sql + off, sizeof sql - (size_t)off, ")");
            sqlite3_exec(db, sql, NULL, NULL, NULL);
            off = snprintf(sql, sizeof sql, "INSERT INTO %s VALUES(", name);
            for (int k = 0; k < n; k++)
                off += snprintf(sql + off, sizeof sql - (size_t)off, "%s?", k ? "," : "");
            snprintf(sql + off, sizeof sql - (size_t)off, ")");
            if (sqlite3_prepare_v2(db, sql, -1, &ins, NULL) != SQLITE_OK) {
                fprintf(stderr, "%s: %s\n", path, sqlite3_errmsg(db));
                exit(2);
            }
            continue;
        }
        for (int k = 0; k < n; k++) {
            char *end, num[64];
            const char *v = fields[k];
            long long i;
            double d;
            if (!*v) {
                sqlite3_bind_null(ins, k + 1);
                continue;
            }
            i = strtoll(v, &end, 10);
            if (!*end) {
                sqlite3_bind_int64(ins, k + 1, i);
                continue;
            }
            snprintf(num, sizeof num, "%s", v);
            for (char *p = num; *p; p++)
                if (*p == ',') *p = '.';
            d = strtod(num, &end);
            if (!*end && strchr("-0123456789", num[0])) sqlite3_bind_double(ins, k + 1, d);
            else sqlite3_bind_text(ins, k + 1, v, -1, SQLITE_TRANSIENT);
        }
        sqlite3_step(ins);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    fclose(fp);
}

static sqlite3 *naive_db(const char *fixtures) {
    static const char *const files[][2] = { { "belaegning.csv", "b" },
                                            { "tilbud.csv", "tilbud" },
                                            { "takst_hist.csv", "th" } };
    sqlite3 *db;
    char path[2048];
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) exit(2);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/lualib/%s", fixtures, files[i][0]);
        load_naive(db, path, files[i][1]);
    }
    return db;
}

/* The rows of 'sql', values joined by '|', NULL as "NULL", reals with
** 'fmt'; the same text dump() prints for a table. 0 on an SQL error. */
static int sql_text(sqlite3 *db, const char *sql, const char *fmt, buf *out) {
    sqlite3_stmt *st;
    int rc;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        buf_adds(out, sqlite3_errmsg(db));
        return 0;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int k = 0; k < sqlite3_column_count(st); k++) {
            char v[512];
            if (k) buf_add(out, "|", 1);
            switch (sqlite3_column_type(st, k)) {
            case SQLITE_NULL: snprintf(v, sizeof v, "NULL"); break;
            case SQLITE_INTEGER:
                snprintf(v, sizeof v, "%lld", (long long)sqlite3_column_int64(st, k));
                break;
            case SQLITE_FLOAT: snprintf(v, sizeof v, fmt, sqlite3_column_double(st, k)); break;
            default: snprintf(v, sizeof v, "%s", (const char *)sqlite3_column_text(st, k));
            }
            buf_adds(out, v);
        }
        buf_add(out, "\n", 1);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) buf_adds(out, sqlite3_errmsg(db));
    return rc == SQLITE_DONE;
}

/* ---- the test globals ---- */

static const char helpers_lua[] =
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

/* read_file(path): the file's bytes, or nil when it cannot be read. */
static int l_read_file(lua_State *L) {
    size_t len;
    char *text = read_whole(luaL_checkstring(L, 1), &len);
    if (!text) return 0;
    lua_pushlstring(L, text, len);
    free(text);
    return 1;
}

typedef struct ctx {
    const char *fixtures, *source, *tmp; /* folders, no trailing '/' */
    sqlite3 *db;                         /* opened on the first sql section */
} ctx;

static void set_global(lua_State *L, const char *name, const char *a, const char *b) {
    lua_pushfstring(L, "%s%s", a, b);
    lua_setglobal(L, name);
}

/* Replaces the machine's folders in 'text' by FIXTURES and TMP, so that
** expected messages do not depend on where the tree is checked out. */
static void portable(const ctx *x, buf *text) {
    const char *from[] = { x->fixtures, x->tmp }, *to[] = { "FIXTURES", "TMP" };
    for (int k = 0; k < 2; k++) {
        size_t n = strlen(from[k]);
        buf out = { 0 };
        const char *p = buf_str(text), *hit;
        if (n == 0) continue;
        while ((hit = strstr(p, from[k])) != NULL) {
            buf_add(&out, p, (size_t)(hit - p));
            buf_adds(&out, to[k]);
            p = hit + n;
        }
        buf_adds(&out, p);
        free(text->p);
        *text = out;
    }
}

/* A param with FIXTURES/ or SOURCE/ at the start of its value made absolute, so
** "datasets=FIXTURES/lualib/andele" works wherever the tree is. */
static char *expand(const ctx *x, const char *param) {
    const char *eq = strchr(param, '='), *at = eq ? eq + 1 : param;
    buf b = { 0 };
    buf_add(&b, param, (size_t)(at - param));
    if (strncmp(at, "FIXTURES/", 9) == 0) {
        buf_adds(&b, x->fixtures);
        at += 8;
    } else if (strncmp(at, "SOURCE/", 7) == 0) {
        buf_adds(&b, x->source);
        at += 6;
    }
    buf_adds(&b, at);
    return b.p;
}

/* ---- comparing ---- */

/* Equal but for numbers, which may differ by tol (relative above 1). */
static int approx_equal(const char *a, const char *b, double tol) {
    while (*a && *b) {
        char *ea, *eb;
        double x = strtod(a, &ea), y = strtod(b, &eb);
        if (ea != a && eb != b && !isspace((unsigned char)*a) && !isspace((unsigned char)*b)) {
            if (!(fabs(x - y) <= tol * fmax(1.0, fabs(y))) && !(x == y)) return 0;
            a = ea;
            b = eb;
        } else if (*a++ != *b++) return 0;
    }
    return *a == *b;
}

/* Prints want and got line by line, marking the lines that differ. */
static void show_diff(const char *want, const char *got) {
    fputs("  --- expected\n  +++ got\n", stdout);
    while (*want || *got) {
        size_t nw = strcspn(want, "\n"), ng = strcspn(got, "\n");
        if (nw == ng && strncmp(want, got, nw) == 0) fprintf(stdout, "    %.*s\n", (int)nw, want);
        else {
            if (*want) fprintf(stdout, "  - %.*s\n", (int)nw, want);
            if (*got) fprintf(stdout, "  + %.*s\n", (int)ng, got);
        }
        want += nw + (want[nw] == '\n');
        got += ng + (got[ng] == '\n');
    }
}

static int matches(const section *s, const char *want, const char *got) {
    switch (s->match) {
    case M_CONTAINS: {
        /* each expected line may sit anywhere in the text, mid-line too */
        for (const char *line = want; *line; line += strcspn(line, "\n") + 1) {
            size_t n = strcspn(line, "\n");
            const char *p = got;
            while (*p && strncmp(p, line, n) != 0) p++;
            if (!*p && n) return 0;
            if (!line[n]) break;
        }
        return 1;
    }
    case M_APPROX: return approx_equal(got, want, s->tol);
    default: return strcmp(got, want) == 0;
    }
}

/* Checks the output against the expect section; 1 when it passes. */
static int check_output(ctx *x, const tfile *f, const tcase *c, const char *got) {
    buf want = { 0 };
    int ok;
    if (c->expect.match == M_SQL) {
        if (!x->db) x->db = naive_db(x->fixtures);
        if (!sql_text(x->db, buf_str((buf *)&c->expect.text), c->expect.fmt, &want)) {
            printf("%s:%d: %s: the SQL failed: %s\n", f->path, c->expect.line, c->name,
                   buf_str(&want));
            free(want.p);
            return 0;
        }
    } else buf_adds(&want, buf_str((buf *)&c->expect.text));
    ok = matches(&c->expect, buf_str(&want), got);
    if (!ok) {
        printf("%s:%d: %s: the output differs%s\n", f->path, c->expect.line, c->name,
               c->expect.match == M_CONTAINS ? " (the expected text is not in it)" : "");
        show_diff(buf_str(&want), got);
    }
    free(want.p);
    return ok;
}

/* ---- running a case ---- */

static int run_case(ctx *x, const tfile *f, const tcase *c, int seq) {
    tg_run_opts o;
    tg_luactx *lib;
    tg_lua *rt;
    tg_error err;
    buf out = { 0 }, msg = { 0 };
    char text[1024], tmp[64], libdir[1024], *params[32];
    const char *reads[] = { x->fixtures, x->source }, *writes[] = { x->tmp };
    tg_status st;
    int ok = 1;

    for (int i = 0; i < c->params_n; i++) params[i] = expand(x, c->params[i]);
    /* `require` searches scripts/lib, as for `tegn run` in the source tree */
    snprintf(libdir, sizeof libdir, "%s/scripts/lib", x->source);
    tg_run_opts_init(&o);
    o.script = "script.lua";
    o.params = (const char *const *)params;
    o.n_params = (size_t)c->params_n;
    o.lib_dir = libdir;
    /* The cases read fixtures and the datasets and write scratch files */
    o.allow_read = reads;
    o.n_allow_read = 2;
    o.allow_write = writes;
    o.n_allow_write = 1;
    o.timeout_s = 60; /* a hang fails the case instead of the whole run */
    o.print = capture;
    o.ud = &out;
    /* read_csv's load notes ("column 'x' read as text: ...") are checked
    ** through its report and the golden tests, not in every case's output */
    o.quiet = 1;
    st = tg_run_runtime(&o, &lib, &rt, &err);
    if (st != TG_OK) {
        /* A bad --param fails here, before the runtime exists. */
        buf_adds(&msg, tg_err_format(&err, text, sizeof text));
        goto check;
    }
    lua_State *L = tg_lua_state(rt);
    set_global(L, "FIXTURES", x->fixtures, "/");
    set_global(L, "DIR", x->fixtures, "/lualib/");
    set_global(L, "TEGN_DB", x->source, "/datasets/tegn.sqlite");
    snprintf(tmp, sizeof tmp, "/%d-", seq);
    set_global(L, "TMP", x->tmp, tmp);
    lua_pushcfunction(L, l_read_file);
    lua_setglobal(L, "read_file");
    st = tg_lua_run_string(rt, "helpers", helpers_lua, 0, &err);
    if (st == TG_OK && f->prelude.len)
        st = tg_lua_run_string(rt, "setup.lua", f->prelude.p, 0, &err);
    if (st != TG_OK) {
        printf("%s:%d: %s: the setup failed: %s\n", f->path, c->line, c->name,
               tg_err_format(&err, text, sizeof text));
        tg_lua_free(rt);
        tg_luactx_free(lib);
        for (int i = 0; i < c->params_n; i++) free(params[i]);
        free(out.p);
        return 0;
    }
    out.len = 0;
    st = tg_lua_run_string(rt, "script.lua", buf_str((buf *)&c->code), 0, &err);
    if (st != TG_OK) buf_adds(&msg, tg_err_format(&err, text, sizeof text));
    tg_lua_free(rt);
    tg_luactx_free(lib);

check:
    trim_blank_tail(&out);
    portable(x, &out);
    portable(x, &msg);
    if (!c->error.present && st != TG_OK) {
        printf("%s:%d: %s: failed (%s): %s\n", f->path, c->line, c->name, tg_status_name(st),
               buf_str(&msg));
        if (out.len) fprintf(stdout, "  it printed:\n%s", out.p);
        ok = 0;
    } else if (c->error.present) {
        const char *want = buf_str((buf *)&c->error.text);
        buf got = { 0 };
        buf_adds(&got, buf_str(&msg));
        if (got.len) buf_add(&got, "\n", 1);
        if (st != c->error.status) {
            printf("%s:%d: %s: expected a %s, got %s%s%s\n", f->path, c->error.line, c->name,
                   tg_status_name(c->error.status), st == TG_OK ? "success" : tg_status_name(st),
                   st == TG_OK ? "" : ": ", buf_str(&msg));
            ok = 0;
        } else if (!matches(&c->error, want, buf_str(&got))) {
            printf("%s:%d: %s: the error differs\n", f->path, c->error.line, c->name);
            show_diff(want, buf_str(&got));
            ok = 0;
        }
        free(got.p);
    }
    if (ok && c->expect.present && !check_output(x, f, c, buf_str(&out))) ok = 0;
    for (int i = 0; i < c->params_n; i++) free(params[i]);
    free(out.p);
    free(msg.p);
    return ok;
}

/* A scratch folder per test file, emptied first, so a case that writes
** TMP .. 'x.csv' never finds a previous run's file. */
static char *scratch_dir(const char *base, const char *path) {
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t n = strlen(base) + strlen(name) + 8;
    char *dir = malloc(n);
    DIR *d;
    struct dirent *e;
    if (!dir) exit(2);
    snprintf(dir, n, "%s/lua-%.*s", base, (int)strcspn(name, "."), name);
    mkdir(base, 0700);
    mkdir(dir, 0700);
    if ((d = opendir(dir)) != NULL) {
        while ((e = readdir(d)) != NULL) {
            char file[4096];
            if (e->d_name[0] == '.') continue;
            snprintf(file, sizeof file, "%s/%s", dir, e->d_name);
            unlink(file);
        }
        closedir(d);
    }
    return dir;
}

int main(int argc, char **argv) {
    tfile f = { 0 };
    ctx x = { 0 };
    int failed = 0, ran = 0;

    if (argc < 2 || argc > 3) {
        fputs("usage: run_lua_tests FILE.lua [NAME]\n", stderr);
        return 2;
    }
    x.fixtures = getenv("TG_FIXTURES");
    x.source = getenv("TG_SOURCE_DIR") ? getenv("TG_SOURCE_DIR") : ".";
    if (!x.fixtures) {
        fputs("run_lua_tests: set TG_FIXTURES to tests/fixtures\n", stderr);
        return 2;
    }
    /* TEGN_THREADS: the thread count every case's verbs use (ctest runs
    ** each file with 1, and with 2 over tiny morsels, TEGN_MORSEL_ROWS). */
    if (getenv("TEGN_THREADS")) tg_par_set_threads(atoi(getenv("TEGN_THREADS")));
    x.tmp = scratch_dir(getenv("TG_TMP") ? getenv("TG_TMP") : ".", argv[1]);
    f.path = argv[1];
    parse_file(&f);
    for (size_t i = 0; i < f.n; i++) {
        if (argc == 3 && !strstr(f.cases[i].name, argv[2])) continue;
        ran++;
        if (!run_case(&x, &f, &f.cases[i], (int)i + 1)) failed++;
    }
    printf("%s: %d cases, %d failed\n", f.path, ran, failed);
    for (size_t i = 0; i < f.n; i++) {
        free(f.cases[i].code.p);
        free(f.cases[i].expect.text.p);
        free(f.cases[i].error.text.p);
    }
    free(f.cases);
    free(f.prelude.p);
    free(f.text);
    free((char *)x.tmp);
    if (x.db) sqlite3_close(x.db);
    return failed ? 1 : 0;
}
