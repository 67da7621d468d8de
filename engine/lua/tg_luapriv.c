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
#include "tg_sha256.h"

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

void tg_luapriv_open_methods(lua_State *L) {
    lua_pushcfunction(L, l_table_pseudonymise);
    lua_setfield(L, -2, "pseudonymise");
}
