/*
** tg_luarepl.c -- what `tegn repl` adds to a runtime (see tg_luarepl.h):
** results shown for reading (a Table's first rows as t:show() prints them,
** a Lua table's fields), help() and help(f), and the completion candidates
** for the word before the cursor. Scripts never see any of it: only the
** REPL opens its runtime with tg_lualib_open_repl.
*/
#include "tg_luarepl.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_lua.h"
#include "tg_luactx.h"
#include "tg_luadefs.h"
#include "tg_luaval.h"
#include "tg_mem.h"

#define DOCS_KEY   "tegn.repl.docs"
#define SHOW_ITEMS 30 /* fields of a Lua table shown before "..." */
#define SHOW_DEPTH 2  /* nested tables shown before "{...}" */

static void out(lua_State *L, const char *text, size_t len) {
    tg_luactx_print(tg_lua_userdata(tg_lua_from_state(L)), text, len);
}

/* ---- names: the tegn module and the methods of each value ---- */

/* The metatables whose methods help() names and completion offers. */
static const struct {
    const char *mt, *name;
} kinds[] = {
    { TG_LUAVAL_TABLE_MT, "Table" },      { TG_LUAVAL_EXPR_MT, "Expr" },
    { TG_LUAVAL_WINDOW_MT, "Window" },    { TG_LUAVAL_WHEN_MT, "When" },
    { TG_LUAVAL_RULES_MT, "TakstRules" },
};

/* Pushes the method table behind a metatable's __index (a table, or the
** first upvalue of a function such as the Table's methods-then-columns
** lookup); nil when there is none. */
static void push_methods_of_mt(lua_State *L, int mt) {
    int t = lua_getfield(L, mt, "__index");
    if (t == LUA_TFUNCTION) {
        if (!lua_getupvalue(L, -1, 1)) lua_pushnil(L);
        lua_remove(L, -2);
    } else if (t != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_pushnil(L);
    }
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        lua_pushnil(L);
    }
}

/* Pushes the table whose keys a value's fields are: a table itself, or,
** for the read-only views (the tegn module), the table behind them. */
static void push_fields(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    lua_pushvalue(L, idx);
    if (lua_istable(L, idx) && lua_getmetatable(L, idx)) {
        if (lua_getfield(L, -1, "__index") == LUA_TTABLE) {
            lua_remove(L, -2); /* the metatable */
            lua_remove(L, -2); /* the value */
            return;
        }
        lua_pop(L, 2);
    }
}

/* ---- showing results ---- */

static int is_ident(const char *s) {
    if (!*s || (*s >= '0' && *s <= '9')) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return 0;
    return 1;
}

static void push_repr(lua_State *L, int idx, int depth, int quote);

static int key_cmp(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether the key on top of the stack is one of the list part 1..n. */
static int in_list(lua_State *L, lua_Integer n) {
    return lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 1 && lua_tointeger(L, -1) <= n;
}

/* Pushes the text of the key at 'key' followed by " = ": a name as itself,
** anything else in brackets. */
static void push_key_repr(lua_State *L, int key, int depth) {
    if (lua_type(L, key) == LUA_TSTRING && is_ident(lua_tostring(L, key))) {
        lua_pushvalue(L, key);
    } else {
        lua_pushliteral(L, "[");
        push_repr(L, key, depth + 1, 1);
        lua_pushliteral(L, "]");
        lua_concat(L, 3);
    }
    lua_pushliteral(L, " = ");
    lua_concat(L, 2);
}

/* Pushes "{ 1, 2, a = x }" for the table at idx: the list part, then the
** other keys sorted by their text (strings first), at most SHOW_ITEMS of
** them, nested tables to SHOW_DEPTH. */
static void push_table_repr(lua_State *L, int idx, int depth) {
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx), keys = 0, i;
    const char **names;
    int names_at, acc;

    if (depth >= SHOW_DEPTH) {
        lua_pushliteral(L, "{...}");
        return;
    }
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        keys += !in_list(L, n);
    }
    names = lua_newuserdatauv(L, (size_t)(keys ? keys : 1) * sizeof *names, 0);
    names_at = lua_gettop(L);
    lua_newtable(L); /* key text -> key; keeps the texts alive */
    keys = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (in_list(L, n)) continue;
        lua_pushvalue(L, -1);
        if (lua_type(L, -1) != LUA_TSTRING) { /* after the strings: \x7f sorts last */
            lua_pushfstring(L, "\x7f%s", luaL_tolstring(L, -1, NULL));
            lua_replace(L, -3);
            lua_pop(L, 1);
        }
        names[keys++] = lua_tostring(L, -1);
        lua_pushvalue(L, -2);
        lua_rawset(L, names_at + 1);
    }
    qsort(names, (size_t)keys, sizeof *names, key_cmp);
    lua_pushliteral(L, "{");
    acc = lua_gettop(L);
    for (i = 1; i <= n + keys && i <= SHOW_ITEMS; i++) {
        lua_pushstring(L, i > 1 ? ", " : " ");
        if (i <= n) {
            lua_rawgeti(L, idx, i);
        } else {
            lua_pushstring(L, names[i - n - 1]);
            lua_rawget(L, names_at + 1);
            int key = lua_gettop(L);
            push_key_repr(L, key, depth);
            lua_pushvalue(L, key);
            lua_rawget(L, idx);
            lua_remove(L, key);
        }
        push_repr(L, lua_gettop(L), depth + 1, 1);
        lua_remove(L, -2);
        lua_concat(L, lua_gettop(L) - acc + 1);
    }
    if (n + keys >= i) lua_pushfstring(L, ", ... (%I more)", n + keys - i + 1);
    else lua_pushliteral(L, "");
    lua_pushstring(L, n + keys ? " }" : "}");
    lua_concat(L, 3);
    lua_replace(L, names_at);
    lua_settop(L, names_at);
}

/* Pushes the text of the value at idx: strings quoted inside tables
** ('quote'), tables field by field, anything else as tostring does. */
static void push_repr(lua_State *L, int idx, int depth, int quote) {
    idx = lua_absindex(L, idx);
    luaL_checkstack(L, 10, "result too deeply nested to show");
    if (lua_type(L, idx) == LUA_TSTRING && quote) {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        luaL_addchar(&b, '"');
        for (size_t i = 0; i < len; i++) {
            if (s[i] == '"' || s[i] == '\\') luaL_addchar(&b, '\\');
            if (s[i] == '\n') luaL_addstring(&b, "\\n");
            else luaL_addchar(&b, s[i]);
        }
        luaL_addchar(&b, '"');
        luaL_pushresult(&b);
    } else if (lua_type(L, idx) == LUA_TTABLE &&
               luaL_getmetafield(L, idx, "__tostring") == LUA_TNIL) {
        push_fields(L, idx);
        push_table_repr(L, lua_gettop(L), depth);
        lua_remove(L, -2);
    } else {
        if (lua_type(L, idx) == LUA_TTABLE) lua_pop(L, 1); /* the __tostring */
        luaL_tolstring(L, idx, NULL);
    }
}

/* The REPL's printer (TG_LUA_REPL_SHOW): the results on one line,
** tab-separated as print does, except that a Table shows its first rows. */
static int l_repl_show(lua_State *L) {
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        if (luaL_testudata(L, i, TG_LUAVAL_TABLE_MT)) {
            lua_getfield(L, i, "show");
            lua_pushvalue(L, i);
            lua_call(L, 1, 0);
            continue;
        }
        int first = i;
        lua_pushliteral(L, "");
        for (; i <= n && !luaL_testudata(L, i, TG_LUAVAL_TABLE_MT); i++) {
            if (i > first) lua_pushliteral(L, "\t");
            push_repr(L, i, 0, 0);
            lua_concat(L, i > first ? 3 : 2);
        }
        i--;
        lua_pushliteral(L, "\n");
        lua_concat(L, 2);
        size_t len;
        const char *text = lua_tolstring(L, -1, &len);
        out(L, text, len);
        lua_pop(L, 1);
    }
    return 0;
}

/* ---- help ---- */

/* Pushes the name of the function at idx ("tegn.sum", "Table:filter",
** "print"), or nothing and returns 0 when it is none of those. */
static int push_name(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    if (lua_getglobal(L, "tegn") == LUA_TTABLE) {
        push_fields(L, -1);
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            if (lua_rawequal(L, -1, idx) && lua_type(L, -2) == LUA_TSTRING) {
                lua_pushfstring(L, "tegn.%s", lua_tostring(L, -2));
                lua_replace(L, -5);
                lua_pop(L, 3);
                return 1;
            }
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        if (luaL_getmetatable(L, kinds[k].mt) != LUA_TTABLE) {
            lua_pop(L, 1);
            continue;
        }
        push_methods_of_mt(L, -1);
        lua_remove(L, -2);
        if (lua_istable(L, -1)) {
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                if (lua_rawequal(L, -1, idx) && lua_type(L, -2) == LUA_TSTRING) {
                    lua_pushfstring(L, "%s:%s", kinds[k].name, lua_tostring(L, -2));
                    lua_replace(L, -4);
                    lua_pop(L, 2);
                    return 1;
                }
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
    }
    lua_pushglobaltable(L); /* the script's globals, then the sandbox's behind them */
    for (int level = 0; level < 2 && lua_istable(L, -1); level++) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            if (lua_rawequal(L, -1, idx) && lua_type(L, -2) == LUA_TSTRING) {
                lua_pop(L, 1);
                lua_replace(L, -2);
                return 1;
            }
            lua_pop(L, 1);
        }
        if (!lua_getmetatable(L, -1)) break;
        lua_getfield(L, -1, "__index");
        lua_remove(L, -2);
        lua_remove(L, -2);
    }
    lua_pop(L, 1);
    return 0;
}

/* Whether 'c' may continue a Lua name (so "tegn.sum" does not match in
** "tegn.summary"). */
static int name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* How the line [p, end) mentions 'needle': 2 where code starts with it
** ("`tegn.sum", or a method ":show" anywhere), 1 inside other text
** ("help(tegn.sum)"), 0 not as a whole name. */
static int mentions(const char *p, const char *end, const char *needle) {
    size_t n = strlen(needle);
    int best = 0;
    for (const char *start = p; p + n <= end; p++) {
        if (memcmp(p, needle, n) != 0 || (p + n < end && name_char(p[n]))) continue;
        if (needle[0] == ':' || (p > start && p[-1] == '`')) return 2;
        if (p == start || !name_char(p[-1])) best = 1;
    }
    return best;
}

/* Where the docs mention 'needle' best: in a heading, else as code in
** prose, else in prose, else in a code block. Each file of the docs text
** starts with a line "\f<path>". Sets the file and heading above the line. */
struct doc_hit {
    const char *line, *file, *heading;
};

#define N_RANKS 4

static void find_mention(const char *docs, const char *needle, struct doc_hit best[N_RANKS]) {
    const char *file = NULL, *heading = NULL;
    int fence = 0;
    memset(best, 0, N_RANKS * sizeof *best);
    for (const char *p = docs; *p;) {
        const char *end = p + strcspn(p, "\n");
        int rank = -1, m;
        if (*p == '\f') {
            file = p + 1;
            heading = NULL;
            fence = 0;
        } else if (strncmp(p, "```", 3) == 0) {
            fence = !fence;
        } else if ((m = mentions(p, end, needle)) > 0) {
            rank = fence ? 3 : *p == '#' ? 0 : m == 2 ? 1 : 2;
        }
        if (rank >= 0 && !best[rank].line) {
            best[rank].line = p;
            best[rank].file = file;
            best[rank].heading = rank == 0 ? NULL : heading;
        }
        if (*p == '#' && !fence) heading = p;
        p = *end ? end + 1 : end;
    }
}

/* Prints where the docs describe 'needle': the file, the heading above
** and the paragraph (a heading with the paragraph after it); 0 when the
** docs do not mention it. */
static int show_docs(lua_State *L, const char *needle) {
    struct doc_hit best[N_RANKS], *h = NULL;
    const char *docs, *par;
    if (lua_getfield(L, LUA_REGISTRYINDEX, DOCS_KEY) != LUA_TSTRING) {
        lua_pop(L, 1);
        return 0;
    }
    docs = lua_tostring(L, -1);
    find_mention(docs, needle, best);
    for (int r = 0; r < N_RANKS && !h; r++)
        if (best[r].line) h = &best[r];
    if (!h) {
        lua_pop(L, 1);
        return 0;
    }
    par = h->line;
    while (*par != '#' && par > docs) { /* back to the start of the paragraph */
        const char *prev = par - 1;
        while (prev > docs && prev[-1] != '\n') prev--;
        if (*prev == '\n' || *prev == '\f' || *prev == '#' || strncmp(prev, "```", 3) == 0) break;
        par = prev;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, "  ");
    if (h->file) luaL_addlstring(&b, h->file, strcspn(h->file, "\n"));
    if (h->heading) {
        luaL_addstring(&b, ", under ");
        luaL_addlstring(&b, h->heading, strcspn(h->heading, "\n"));
    }
    luaL_addstring(&b, ":\n");
    for (int lines = 0; lines < 10 && *par && *par != '\f'; lines++) {
        size_t l = strcspn(par, "\n");
        if (l == 0 && !(lines == 1 && *h->line == '#')) break; /* a heading's paragraph follows */
        if (l > 0) {
            luaL_addstring(&b, "    ");
            luaL_addlstring(&b, par, l);
            luaL_addchar(&b, '\n');
        }
        par += l + (par[l] == '\n');
    }
    luaL_pushresult(&b);
    size_t len;
    const char *text = lua_tolstring(L, -1, &len);
    out(L, text, len);
    lua_pop(L, 2);
    return 1;
}

/* Pushes the sorted function names of the table at idx as one string,
** "  a, b, c" wrapped at 78 columns. */
static void push_name_list(lua_State *L, int idx) {
    size_t n = 0, col = 0;
    const char **keys;
    idx = lua_absindex(L, idx);
    if (!lua_istable(L, idx)) {
        lua_pushliteral(L, "");
        return;
    }
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        n++;
        lua_pop(L, 1);
    }
    keys = lua_newuserdatauv(L, (n ? n : 1) * sizeof *keys, 0);
    n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -2) == LUA_TSTRING && lua_isfunction(L, -1))
            keys[n++] = lua_tostring(L, -2);
        lua_pop(L, 1);
    }
    qsort(keys, n, sizeof *keys, key_cmp);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(keys[i]);
        if (col == 0 || col + l + 2 > 78) {
            luaL_addstring(&b, col ? ",\n  " : "  ");
            col = 2;
        } else {
            luaL_addstring(&b, ", ");
            col += 2;
        }
        luaL_addstring(&b, keys[i]);
        col += l;
    }
    luaL_addchar(&b, '\n');
    luaL_pushresult(&b);
    lua_remove(L, -2); /* the key array */
}

static const char help_intro[] =
    "Type Lua; the value of an expression is printed (a Table shows its first rows).\n"
    "  help(f)        what f is and where the docs describe it, e.g. help(tegn.sum)\n"
    "  Tab            completes globals, tegn. functions, Table and Expr methods, and\n"
    "                 column names inside quotes (col\"V<Tab>, t[\"V<Tab>)\n"
    "  Ctrl-D         quits; lines are kept in ~/.tegn_history for the next time\n"
    "The docs: docs/lua-api.md (installed in share/doc/tegn).\n";

/* help(): what the REPL offers and the names of the tegn module and of the
** Table and Expr methods. */
static int help_overview(lua_State *L) {
    int top = lua_gettop(L);
    lua_pushstring(L, help_intro);
    lua_pushliteral(L, "tegn functions (tegn.NAME):\n");
    lua_getglobal(L, "tegn");
    push_fields(L, -1);
    lua_remove(L, -2);
    push_name_list(L, -1);
    lua_remove(L, -2);
    lua_pushliteral(L, "Table methods (t:NAME):\n");
    luaL_getmetatable(L, TG_LUAVAL_TABLE_MT);
    push_methods_of_mt(L, -1);
    lua_remove(L, -2);
    push_name_list(L, -1);
    lua_remove(L, -2);
    lua_pushliteral(L, "Expr methods (col\"x\":NAME):\n");
    luaL_getmetatable(L, TG_LUAVAL_EXPR_MT);
    push_methods_of_mt(L, -1);
    lua_remove(L, -2);
    push_name_list(L, -1);
    lua_remove(L, -2);
    lua_concat(L, lua_gettop(L) - top);
    size_t len;
    const char *text = lua_tolstring(L, -1, &len);
    out(L, text, len);
    return 0;
}

/* Prints the signature the editor definitions give 'name' ("tegn.sum",
** "Table:filter"; 'colon' points into it for a method), if any. */
static void show_signature(lua_State *L, const char *name, const char *colon) {
    tg_sbuf sig = { 0 };
    char owner[64];
    const char *dot = colon ? colon : strrchr(name, '.');
    if (!dot || (size_t)(dot - name) >= sizeof owner) return;
    snprintf(owner, sizeof owner, "%.*s", (int)(dot - name), name);
    tg_sbuf_str(&sig, "  ");
    if (tg_luadefs_signature(owner, dot + 1, &sig) && !sig.oom) {
        tg_sbuf_str(&sig, "\n");
        if (!sig.oom) out(L, sig.p, sig.len); /* the print callback: C only, no raise */
    }
    tg_free(sig.p);
}

/* help([f]): the overview, or what f is and where the docs describe it. */
static int l_help(lua_State *L) {
    if (lua_isnoneornil(L, 1)) return help_overview(L);
    lua_settop(L, 1);
    if (!push_name(L, 1)) {
        const char *what = luaL_typename(L, 1);
        if (luaL_testudata(L, 1, TG_LUAVAL_TABLE_MT)) what = "a Table (help() lists its methods)";
        const char *s =
            lua_pushfstring(L, "%s (no help for it; help() lists what there is)\n",
                            lua_isfunction(L, 1) ? "a function tegn does not name" : what);
        out(L, s, strlen(s));
        return 0;
    }
    const char *name = lua_tostring(L, 2);
    const char *colon = strchr(name, ':');
    const char *kind = strncmp(name, "tegn.", 5) == 0 ? "a function of the tegn module"
                       : colon                        ? "a method"
                                                      : "a Lua function";
    const char *head = lua_pushfstring(L, "%s: %s\n", name, kind);
    out(L, head, strlen(head));
    show_signature(L, name, colon);
    /* The docs write methods as t:name( or :name( after an expression. */
    const char *needle = colon ? lua_pushfstring(L, ":%s", colon + 1) : name;
    if (!show_docs(L, needle) && !colon) {
        const char *s = "  (not in the docs; see docs/lua-api.md)\n";
        out(L, s, strlen(s));
    }
    return 0;
}

/* ---- completion ---- */

struct complete_args {
    const char *word;
    int in_string;
    tg_luarepl_add_fn add;
    void *ud;
};

/* Adds each string key that starts with 'prefix' of the table at idx, and
** of the table behind its __index (the sandbox's globals behind _G, a
** read-only view's contents), to the set at 'set' as base .. key; only
** Lua names when 'names_only'. */
static void offer_keys(lua_State *L, int idx, const char *base, const char *prefix, int names_only,
                       int set) {
    size_t plen = strlen(prefix);
    idx = lua_absindex(L, idx);
    lua_pushvalue(L, idx);
    for (int level = 0; level < 2 && lua_istable(L, -1); level++) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            lua_pop(L, 1);
            const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
            if (k && strncmp(k, prefix, plen) == 0 && (!names_only || is_ident(k))) {
                lua_pushfstring(L, "%s%s", base, k);
                lua_pushboolean(L, 1);
                lua_rawset(L, set);
            }
        }
        if (!lua_getmetatable(L, -1)) break;
        lua_getfield(L, -1, "__index");
        lua_remove(L, -2);
        lua_remove(L, -2);
    }
    lua_pop(L, 1);
}

/* Adds the column names of every Table among the globals. */
static void offer_columns(lua_State *L, const char *prefix, int set) {
    size_t plen = strlen(prefix);
    lua_pushglobaltable(L);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (luaL_testudata(L, -1, TG_LUAVAL_TABLE_MT)) {
            const tg_table *t = tg_luaval_table_shape(L, -1, NULL);
            for (size_t k = 0; k < t->n_cols; k++) {
                if (strncmp(t->names[k], prefix, plen) != 0) continue;
                lua_pushstring(L, t->names[k]);
                lua_pushboolean(L, 1);
                lua_rawset(L, set);
            }
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* Pushes t[key] for the table at idx without running code: its own slot,
** else the slot of the table behind its __index. */
static void push_raw_field(lua_State *L, int idx, const char *key, size_t len) {
    idx = lua_absindex(L, idx);
    lua_pushlstring(L, key, len);
    if (lua_rawget(L, idx) != LUA_TNIL) return;
    lua_pop(L, 1);
    if (lua_getmetatable(L, idx) && lua_getfield(L, -1, "__index") == LUA_TTABLE) {
        lua_pushlstring(L, key, len);
        lua_rawget(L, -2);
        lua_replace(L, -3);
        lua_pop(L, 1);
        return;
    }
    lua_settop(L, idx);
    lua_pushnil(L);
}

/* Pushes the value 'path' ("tegn", "a.b") names among the globals, nil if
** it names none. Only raw reads: completing must not run a script's code. */
static void push_path(lua_State *L, const char *path, size_t len) {
    lua_pushglobaltable(L);
    while (len > 0) {
        size_t n = 0;
        while (n < len && path[n] != '.') n++;
        if (!lua_istable(L, -1)) {
            lua_pop(L, 1);
            lua_pushnil(L);
            return;
        }
        push_raw_field(L, -1, path, n);
        lua_remove(L, -2);
        path += n;
        len -= n;
        if (len > 0) path++, len--;
    }
}

static int complete_protected(lua_State *L) {
    const struct complete_args *a = lua_touserdata(L, 1);
    const char *w = a->word, *sep = NULL;
    int set;

    lua_newtable(L);
    set = lua_gettop(L);
    for (const char *p = w; *p; p++)
        if (*p == '.' || *p == ':') sep = p;
    if (a->in_string) {
        offer_columns(L, w, set);
    } else if (!sep) {
        lua_pushglobaltable(L);
        offer_keys(L, -1, "", w, 1, set);
        lua_pop(L, 1);
    } else {
        const char *base = lua_pushlstring(L, w, (size_t)(sep - w) + 1);
        push_path(L, w, (size_t)(sep - w));
        int v = lua_gettop(L);
        if (lua_getmetatable(L, v) && lua_type(L, v) == LUA_TUSERDATA) {
            push_methods_of_mt(L, -1);
            if (*sep == ':' && lua_istable(L, -1)) offer_keys(L, -1, base, sep + 1, 1, set);
            lua_pop(L, 2);
        } else if (lua_type(L, v) == LUA_TTABLE) {
            lua_settop(L, v); /* a table's metatable */
            offer_keys(L, v, base, sep + 1, 1, set);
        }
        if (*sep == '.' && luaL_testudata(L, v, TG_LUAVAL_TABLE_MT)) {
            const tg_table *t = tg_luaval_table_schema(L, v);
            for (size_t k = 0; k < t->n_cols; k++)
                if (strncmp(t->names[k], sep + 1, strlen(sep + 1)) == 0 && is_ident(t->names[k])) {
                    lua_pushfstring(L, "%s%s", base, t->names[k]);
                    lua_pushboolean(L, 1);
                    lua_rawset(L, set);
                }
        }
    }
    lua_settop(L, set);
    lua_pushnil(L);
    while (lua_next(L, set)) {
        lua_pop(L, 1);
        a->add(a->ud, lua_tostring(L, -1));
    }
    return 0;
}

/* ---- the API ---- */

void tg_luarepl_open(lua_State *L) {
    lua_pushcfunction(L, l_repl_show);
    lua_setfield(L, LUA_REGISTRYINDEX, TG_LUA_REPL_SHOW);
    lua_pushcfunction(L, l_help);
    lua_setglobal(L, "help");
}

void tg_luarepl_set_docs(tg_lua *rt, const char *text, size_t len) {
    lua_State *L = tg_lua_state(rt);
    lua_pushlstring(L, text, len);
    lua_setfield(L, LUA_REGISTRYINDEX, DOCS_KEY);
}

void tg_luarepl_complete(tg_lua *rt, const char *word, int in_string, tg_luarepl_add_fn add,
                         void *ud) {
    lua_State *L = tg_lua_state(rt);
    struct complete_args a = { word, in_string, add, ud };
    int top = lua_gettop(L);
    lua_pushcfunction(L, complete_protected);
    lua_pushlightuserdata(L, &a);
    (void)lua_pcall(L, 1, 0, 0); /* nothing to offer when it fails */
    lua_settop(L, top);
}
