/*
** tg_luapriv.c -- the privacy methods' binding (see tg_luapriv.h): it reads
** the arguments and the key; the work is tg_pseudo's (keyed pseudonyms)
** and tg_suppress's (disclosure control of a count table). The key lives in a boxed
** buffer only for the call and is wiped before the box is let go; it is
** never put in an error message, a Lua value or the document.
*/
#include "tg_luapriv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_luaval.h"
#include "tg_mem.h"
#include "tg_pseudo.h"
#include "tg_sdc.h"
#include "tg_suppress.h"

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

/* t:pseudonymise(col [, { into = name, length = 16 }]) -> a new Table
** with 'col' replaced, in its place, by the first 'length' hex digits of
** HMAC-SHA-256(key, value) under the name 'into' (default col); NULL
** stays NULL. Two different values with one pseudonym are an error
** (tg_pseudo_column, which keys each distinct value once). */
static int l_table_pseudonymise(lua_State *L) {
    static const char *const known[] = { "into", "length", NULL };
    const tg_table *t = tg_luaval_table_check(L, 1);
    const char *name = tg_luaaux_check_string(L, 2, "pseudonymise", "column"), *into;
    long k = tg_table_find(t, name);
    int len;
    const tg_col *c;
    tg_col *out;
    tg_table **slot;
    hmac_key *key;
    tg_error err;
    tg_status st;

    tg_luaaux_check_opts(L, 3, known, "pseudonymise");
    into = tg_luaaux_opt_string(L, 3, "pseudonymise", "into", name);
    len = (int)tg_luaaux_opt_integer(L, 3, "pseudonymise", "length", 16, TG_PSEUDO_LEN_MIN,
                                     TG_PSEUDO_LEN_MAX);
    if (k < 0) return tg_luaaux_no_column(L, t, name);
    c = t->cols[k];
    if (c->type != TG_STRING && c->type != TG_INT)
        return tg_luaaux_error(L, "pseudonymise: column '%s' must be text or whole numbers, not %s",
                               name, tg_type_name(c->type));
    for (size_t j = 0; j < t->n_cols; j++)
        if ((long)j != k && strcmp(t->names[j], into) == 0)
            return tg_luaaux_error(L, "pseudonymise: column '%s' would appear twice", into);
    key = load_key(L);
    slot = tg_luaval_table_new(L);
    if (!(*slot = tg_table_new())) return tg_lua_raise(L, TG_ENOMEM, NULL);
    tg_err_clear(&err);
    st = tg_pseudo_column(c, t->n_rows, key->b, key->n, len, &out, &err);
    clear_key(key);
    if (st == TG_EDATA)
        return tg_luaaux_error(L,
                               "pseudonymise: two values of '%s' share a pseudonym of %d hex "
                               "digits; use a longer length",
                               name, len);
    if (st != TG_OK) return tg_lua_raise(L, st, &err);
    for (size_t j = 0; st == TG_OK && j < t->n_cols; j++)
        st =
            tg_table_add(*slot, (long)j == k ? into : t->names[j], (long)j == k ? out : t->cols[j]);
    tg_col_release(out);
    if (st != TG_OK) return tg_lua_raise(L, st, NULL);
    (*slot)->n_rows = t->n_rows;
    return tg_luaval_table_finish(L, -1);
}

/* ---- t:suppress: disclosure control for a count table (tg_suppress) ---- */

/* The 'within' option: a list of column names (tg_suppress checks them). */
static size_t read_within(lua_State *L, const char **keys) {
    size_t n = 0;
    int type = lua_getfield(L, 2, "within");
    if (type == LUA_TTABLE) {
        for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TSTRING; i++) {
            if (n == TG_SUPPRESS_MAX_WITHIN)
                tg_luaaux_error(L, "suppress: at most %d 'within' columns", TG_SUPPRESS_MAX_WITHIN);
            keys[n++] = lua_tostring(L, -1); /* the option table keeps it */
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    } else if (type != LUA_TNIL) {
        tg_luaaux_bad(L, "suppress", "within", "a list of column names", -1);
    }
    lua_pop(L, 1);
    return n;
}

/* t:suppress{ count = "antal", within = { "aar" }, total = "tilbud", hide =
** "risiko", rules = "tegn", mark = "suppressed" } -> a new Table with 'count' NULL where
** the disclosure rules hide it and a boolean column 'mark' saying where
** (tg_suppress_table). */
static int l_table_suppress(lua_State *L) {
    static const char *const known[] = {
        "count", "within", "total", "hide", "rules", "mark", NULL
    };
    const tg_table *t = tg_luaval_table_check(L, 1);
    const char *keys[TG_SUPPRESS_MAX_WITHIN], *rules;
    tg_suppress_opts o = { 0 };
    tg_table **slot;
    tg_error err;

    tg_luaaux_check_table(L, 2, "suppress", "options");
    lua_settop(L, 2);
    tg_luaaux_check_opts(L, 2, known, "suppress");
    if (lua_getfield(L, 2, "count") == LUA_TNIL) return tg_luaaux_missing(L, "suppress", "count");
    lua_pop(L, 1);
    o.count = tg_luaaux_opt_string(L, 2, "suppress", "count", NULL);
    o.total = tg_luaaux_opt_string(L, 2, "suppress", "total", NULL);
    o.hide = tg_luaaux_opt_string(L, 2, "suppress", "hide", NULL);
    rules = tg_luaaux_opt_string(L, 2, "suppress", "rules", "tegn");
    o.mark = tg_luaaux_opt_string(L, 2, "suppress", "mark", "suppressed");
    if (!tg_sdc_rules_named(&o.rules, rules))
        return tg_luaaux_error(L, "suppress: unknown disclosure rules '%s' (known: tegn, dst)",
                               rules);
    o.n_within = read_within(L, keys);
    o.within = keys;
    slot = tg_luaval_table_new(L);
    tg_err_clear(&err);
    if (tg_suppress_table(t, &o, slot, &err) != TG_OK)
        return tg_luaaux_fail(L, err.code, &err, "suppress");
    return tg_luaval_table_finish(L, -1);
}

void tg_luapriv_open_methods(lua_State *L) {
    lua_pushcfunction(L, l_table_pseudonymise);
    lua_setfield(L, -2, "pseudonymise");
    lua_pushcfunction(L, l_table_suppress);
    lua_setfield(L, -2, "suppress");
}
