/*
** tg_luapriv.c -- keyed pseudonyms (see tg_luapriv.h). A plain SHA-256 of
** a CPR number is reversed by hashing all 3.65e8 possible numbers; with a
** secret key (HMAC) that search needs the key. The key lives in a boxed
** buffer only for the call and is wiped before the box is let go; it is
** never put in an error message, a Lua value or the document.
*/
#include "tg_luapriv.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_ident.h"
#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_luaval.h"
#include "tg_mem.h"
#include "tg_sdc.h"
#include "tg_sha256.h"
#include "tg_sort.h"

#define KEY_MIN 16   /* bytes: 128 bits */
#define KEY_MAX 4096 /* a key file larger than this is not a key */

typedef struct hmac_key {
    unsigned char b[KEY_MAX];
    size_t n;
} hmac_key;

/* Overwrites the key's bytes (volatile: not a dead store to optimise away). */
static void clear_key(hmac_key *k) {
    volatile unsigned char *v = k->b;
    for (size_t i = 0; i < sizeof k->b; i++) v[i] = 0;
    k->n = 0;
}

static void wipe_key(void *p) {
    if (p) clear_key(p);
    tg_free(p);
}

/* Reads the key into a box on the stack (wiped and freed when collected,
** and wiped at the end of the call). Raises without naming its bytes. */
static hmac_key *load_key(lua_State *L) {
    const char *file = getenv(TG_LUAPRIV_KEY_FILE_ENV), *text = getenv(TG_LUAPRIV_KEY_ENV);
    void **box = tg_luaaux_box(L, wipe_key);
    hmac_key *k = *box = tg_calloc(1, sizeof *k);
    ssize_t got = 0;
    if (!k) tg_lua_raise(L, TG_ENOMEM, NULL);
    if (file && *file) {
        int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
            tg_luaaux_error(L, "pseudonymise: cannot read the key file (%s): %s",
                            TG_LUAPRIV_KEY_FILE_ENV, strerror(errno));
        while (got >= 0 && k->n < KEY_MAX && (got = read(fd, k->b + k->n, KEY_MAX - k->n)) > 0)
            k->n += (size_t)got;
        close(fd);
        if (got < 0) tg_luaaux_error(L, "pseudonymise: cannot read the key file");
    } else if (text && *text) {
        k->n = strlen(text) < KEY_MAX ? strlen(text) : KEY_MAX;
        memcpy(k->b, text, k->n);
    } else {
        tg_luaaux_error(L,
                        "pseudonymise: no key: set %s to a file of at least %d random bytes "
                        "outside the folders the script reads (docs/disclosure.md)",
                        TG_LUAPRIV_KEY_FILE_ENV, KEY_MIN);
    }
    while (k->n > 0 && (k->b[k->n - 1] == '\n' || k->b[k->n - 1] == '\r')) k->n--;
    if (k->n < KEY_MIN)
        tg_luaaux_error(L, "pseudonymise: the key has %d bytes; it needs at least %d", (int)k->n,
                        KEY_MIN);
    return k;
}

/* The text a value is keyed by: a CPR number without its hyphen, so
** 120485-1234 and 1204851234 get one pseudonym; a whole number as its
** digits (ten, with the leading zero a CPR number lost as an int). */
static size_t value_text(const tg_col *c, size_t i, char *buf, size_t cap, const char **s) {
    size_t n;
    if (c->type == TG_INT) {
        int64_t v = c->v.i64[i];
        int w = snprintf(buf, cap, v >= 100000000 && v <= 9999999999 ? "%010lld" : "%lld",
                         (long long)v);
        *s = buf;
        return (size_t)w;
    }
    *s = tg_dict_str(c->dict, c->v.str[i], &n);
    if (n == 11 && tg_ident_is_cpr(*s, n)) {
        memcpy(buf, *s, 6);
        memcpy(buf + 6, *s + 7, 4);
        *s = buf;
        return 10;
    }
    return n;
}

/* t:pseudonymise(col [, { into = name, length = 16 }]) -> a new Table
** with 'col' replaced, in its place, by the first 'length' hex digits of
** HMAC-SHA-256(key, value) under the name 'into' (default col); NULL
** stays NULL. Two different values with one pseudonym are an error. */
static int l_table_pseudonymise(lua_State *L) {
    static const char *const known[] = { "into", "length", NULL };
    const tg_table *t = tg_luaval_table_check(L, 1);
    const char *name = tg_luaaux_check_string(L, 2, "pseudonymise", "column"), *into;
    long k = tg_table_find(t, name);
    int len, seen;
    const tg_col *c;
    tg_col *out;
    tg_table **slot;
    hmac_key *key;

    tg_luaaux_check_opts(L, 3, known, "pseudonymise");
    into = tg_luaaux_opt_string(L, 3, "pseudonymise", "into", name);
    len = (int)tg_luaaux_opt_integer(L, 3, "pseudonymise", "length", 16, 8, 64);
    if (k < 0) return tg_luaaux_no_column(L, t, name);
    c = t->cols[k];
    if (c->type != TG_STRING && c->type != TG_INT)
        return tg_luaaux_error(L, "pseudonymise: column '%s' must be text or whole numbers, not %s",
                               name, tg_type_name(c->type));
    key = load_key(L);
    lua_newtable(L); /* pseudonym -> the value's text, for the collision check */
    seen = lua_gettop(L);
    slot = tg_luaval_table_new(L);
    if (!(*slot = tg_table_new())) return tg_lua_raise(L, TG_ENOMEM, NULL);
    out = tg_col_new(TG_STRING, t->n_rows ? t->n_rows : 1, NULL);
    if (!out) return tg_lua_raise(L, TG_ENOMEM, NULL);
    for (size_t i = 0; i < t->n_rows; i++) {
        unsigned char d[32];
        char hex[65], buf[32];
        const char *s;
        size_t n;
        tg_status st;
        if (!tg_col_is_valid(c, i)) {
            st = tg_col_push_null(out);
        } else {
            n = value_text(c, i, buf, sizeof buf, &s);
            tg_sha256_hmac(key->b, key->n, s, n, d);
            for (int j = 0; j < 32; j++) snprintf(hex + 2 * j, 3, "%02x", d[j]);
            hex[len] = '\0';
            st = tg_col_push_str(out, hex, (size_t)len);
            if (lua_getfield(L, seen, hex) == LUA_TSTRING &&
                (lua_rawlen(L, -1) != n || memcmp(lua_tostring(L, -1), s, n) != 0)) {
                tg_col_release(out);
                return tg_luaaux_error(L,
                                       "pseudonymise: two values of '%s' share a pseudonym of %d "
                                       "hex digits; use a longer length",
                                       name, len);
            }
            lua_pop(L, 1);
            lua_pushlstring(L, s, n);
            lua_setfield(L, seen, hex);
        }
        if (st != TG_OK) {
            tg_col_release(out);
            return tg_lua_raise(L, st, NULL);
        }
    }
    clear_key(key);
    for (size_t j = 0; j < t->n_cols; j++) {
        const char *nm = (long)j == k ? into : t->names[j];
        tg_status st;
        if ((long)j != k && strcmp(nm, into) == 0) {
            tg_col_release(out);
            return tg_luaaux_error(L, "pseudonymise: column '%s' would appear twice", into);
        }
        st = tg_table_add(*slot, nm, (long)j == k ? out : t->cols[j]);
        if (st != TG_OK) {
            tg_col_release(out);
            return tg_lua_raise(L, st, NULL);
        }
    }
    tg_col_release(out);
    (*slot)->n_rows = t->n_rows;
    return tg_luaval_table_finish(L, -1);
}

/* ---- t:suppress: disclosure control for a count table ---- */

static void free_perm(void *p) {
    tg_free(p);
}

/* The 'within' option: a list of at most 8 column names of t. */
static size_t read_within(lua_State *L, const tg_table *t, const char **keys) {
    size_t n = 0;
    int type = lua_getfield(L, 2, "within");
    if (type == LUA_TTABLE) {
        for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TSTRING; i++) {
            if (n == 8) tg_luaaux_error(L, "suppress: at most 8 'within' columns");
            keys[n] = lua_tostring(L, -1); /* the option table keeps it */
            if (tg_table_find(t, keys[n]) < 0) tg_luaaux_no_column(L, t, keys[n]);
            n++;
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    } else if (type != LUA_TNIL) {
        tg_luaaux_bad(L, "suppress", "within", "a list of column names", -1);
    }
    lua_pop(L, 1);
    return n;
}

/* The lines: per group of 'within' (rows perm[a..b)), the counts and their
** total, which the table publishes by adding up when nothing is hidden. */
static void mark_hidden(const tg_col *c, const size_t *perm, const uint8_t *brk, size_t n,
                        const tg_sdc_rules *r, tg_sdc_term *terms, size_t *start, double *cost,
                        uint8_t *hidden) {
    size_t g = 0, at = 0, a = 0;
    while (a < n) {
        size_t b = a + 1;
        double sum = 0;
        while (b < n && !brk[b]) b++;
        for (size_t i = a; i < b; i++)
            sum += tg_col_is_valid(c, perm[i]) ? (double)c->v.i64[perm[i]] : 0;
        start[g] = at;
        for (size_t i = a; i < b; i++) {
            double x = tg_col_is_valid(c, perm[i]) ? (double)c->v.i64[perm[i]] : 0;
            /* a group of 0 hides nothing its published total does not say */
            tg_sdc_reason why = sum > 0 ? tg_sdc_count(r, x, sum) : TG_SDC_SHOWN;
            hidden[perm[i]] = (uint8_t)why;
            /* hiding a 0 protects nothing: a reader who knows the rules
            ** knows a hidden count is not 1-4 unless it is primary */
            cost[perm[i]] = x > 0 ? x : INFINITY;
            terms[at] = (tg_sdc_term){ perm[i], 1, x, 0, INFINITY };
            tg_sdc_bounds(r, x, 1, &terms[at].lo, &terms[at].hi);
            at++;
        }
        hidden[n + g] = 0;
        cost[n + g] = INFINITY;
        terms[at++] = (tg_sdc_term){ n + g, -1, sum, 0, INFINITY };
        g++;
        a = b;
    }
    start[g] = at;
    tg_sdc_secondary(terms, start, g, cost, hidden, n + g);
}

/* t:suppress{ count = "antal", within = { "aar" }, rules = "tegn", mark =
** "suppressed" } -> a new Table with the whole-number column 'count'
** NULL where the disclosure rules hide it and a boolean column 'mark'
** saying where. Each group of 'within' (one group without it) is a line
** whose total a reader knows (the sum, or a total published elsewhere):
** a count of 1 .. min_count - 1, or the group's total less it, is hidden,
** then further counts, the smallest first, until no hidden count is the
** total less the counts shown (tg_sdc). */
static int l_table_suppress(lua_State *L) {
    static const char *const known[] = { "count", "within", "rules", "mark", NULL };
    const tg_table *t = tg_luaval_table_check(L, 1);
    const char *keys[8], *count, *rules, *mark;
    size_t n = t->n_rows, n_keys, *perm, *start;
    uint8_t *brk, *hidden;
    double *cost;
    tg_sdc_term *terms;
    tg_sdc_rules r;
    tg_table **slot;
    tg_col *out, *marks;
    tg_error err;
    void **box;
    long k;

    tg_luaaux_check_table(L, 2, "suppress", "options");
    lua_settop(L, 2);
    tg_luaaux_check_opts(L, 2, known, "suppress");
    if (lua_getfield(L, 2, "count") == LUA_TNIL) return tg_luaaux_missing(L, "suppress", "count");
    lua_pop(L, 1);
    count = tg_luaaux_opt_string(L, 2, "suppress", "count", NULL);
    rules = tg_luaaux_opt_string(L, 2, "suppress", "rules", "tegn");
    mark = tg_luaaux_opt_string(L, 2, "suppress", "mark", "suppressed");
    if (!tg_sdc_rules_named(&r, rules))
        return tg_luaaux_error(L, "suppress: unknown disclosure rules '%s' (known: tegn, dst)",
                               rules);
    if ((k = tg_table_find(t, count)) < 0) return tg_luaaux_no_column(L, t, count);
    if (t->cols[k]->type != TG_INT)
        return tg_luaaux_error(L, "suppress: column '%s' must hold whole numbers, not %s", count,
                               tg_type_name(t->cols[k]->type));
    if (tg_table_find(t, mark) >= 0)
        return tg_luaaux_error(L, "suppress: the table already has a column '%s'", mark);
    n_keys = read_within(L, t, keys);
    box = tg_luaaux_box(L, free_perm);
    tg_err_clear(&err);
    if (tg_sort_index(t, keys, NULL, n_keys, NULL, &perm, &err) != TG_OK)
        return tg_luaaux_fail(L, err.code, &err, "suppress");
    *box = perm;
    brk = lua_newuserdatauv(L, n + 1, 0);
    if (tg_sort_breaks(t, keys, n_keys, perm, n, brk, &err) != TG_OK)
        return tg_luaaux_fail(L, err.code, &err, "suppress");
    if (n > 0) brk[0] = 1;
    terms = lua_newuserdatauv(L, (2 * n + 1) * sizeof *terms, 0);
    start = lua_newuserdatauv(L, (n + 2) * sizeof *start, 0);
    cost = lua_newuserdatauv(L, (2 * n + 1) * sizeof *cost, 0);
    hidden = lua_newuserdatauv(L, 2 * n + 1, 0);
    mark_hidden(t->cols[k], perm, brk, n, &r, terms, start, cost, hidden);

    slot = tg_luaval_table_new(L);
    if (!(*slot = tg_table_new())) return tg_lua_raise(L, TG_ENOMEM, NULL);
    out = tg_col_new(TG_INT, n ? n : 1, NULL);
    marks = tg_col_new(TG_BOOL, n ? n : 1, NULL);
    for (size_t i = 0; out && marks && i < n; i++) {
        const tg_col *c = t->cols[k];
        int hide = hidden[i] != 0 || !tg_col_is_valid(c, i);
        if ((hide ? tg_col_push_null(out) : tg_col_push_i64(out, c->v.i64[i])) != TG_OK ||
            tg_col_push_bool(marks, hidden[i] != 0) != TG_OK)
            break;
    }
    for (size_t j = 0; out && marks && j <= t->n_cols; j++) {
        tg_status st = j == t->n_cols
                           ? tg_table_add(*slot, mark, marks)
                           : tg_table_add(*slot, t->names[j], (long)j == k ? out : t->cols[j]);
        if (st != TG_OK) break;
    }
    if (!out || !marks || (*slot)->n_cols != t->n_cols + 1 || out->len != n || marks->len != n) {
        tg_col_release(out);
        tg_col_release(marks);
        return tg_lua_raise(L, TG_ENOMEM, NULL);
    }
    tg_col_release(out);
    tg_col_release(marks);
    (*slot)->n_rows = n;
    return tg_luaval_table_finish(L, -1);
}

void tg_luapriv_open_methods(lua_State *L) {
    lua_pushcfunction(L, l_table_pseudonymise);
    lua_setfield(L, -2, "pseudonymise");
    lua_pushcfunction(L, l_table_suppress);
    lua_setfield(L, -2, "suppress");
}
