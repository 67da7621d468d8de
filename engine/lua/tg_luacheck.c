/*
** tg_luacheck.c -- reading a script without running it (see
** tg_luacheck.h). Lua compiles it first (luaL_loadbufferx, so the syntax
** is Lua 5.4's own); then a small lexer with Lua's rules for names,
** strings, long brackets, numbers and comments turns it into tokens, and
** the checks below look at names in context. Sets of names are Lua tables
** on the stack and the token array a userdata, so nothing leaks when a
** Lua error (out of memory) ends the walk.
*/
#include "tg_luacheck.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tg_err.h"
#include "tg_luaaux.h"
#include "tg_luadefs.h"

/* ---- tokens ---- */

enum { T_NAME, T_STRING, T_NUMBER, T_SYM, T_EOF };

typedef struct tok {
    int kind;
    int line;
    const char *p; /* the name, the symbol, or a string's contents */
    size_t len;
    int plain; /* a string without escapes: p/len is its value */
} tok;

/* The level of a long bracket "[==[" at s (its '='s), or -1. */
static int long_open(const char *s) {
    int level = 0;
    if (*s != '[') return -1;
    for (s++; *s == '='; s++) level++;
    return *s == '[' ? level : -1;
}

/* Skips a long bracket of 'level' whose opening starts at s; returns the
** position after its closing (or the end), counting lines. */
static const char *long_skip(const char *s, int level, int *line) {
    s += level + 2;
    for (; *s; s++) {
        if (*s == '\n') ++*line;
        if (*s == ']') {
            int k = 0;
            while (s[1 + k] == '=') k++;
            if (k == level && s[1 + k] == ']') return s + k + 2;
        }
    }
    return s;
}

static int name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int name_char(char c) {
    return name_start(c) || (c >= '0' && c <= '9');
}

/* Splits code into tokens (at most cap; the count is returned either
** way, so a first call with cap 0 sizes the array). The code compiled, so
** every string and bracket is closed. */
static size_t lex(const char *s, tok *out, size_t cap) {
    static const char *const two[] = {
        "...", "..", "==", "~=", "<=", ">=", "//", "::", "<<", ">>"
    };
    size_t n = 0;
    int line = 1, level;
    if (s[0] == '#') s += strcspn(s, "\n"); /* a #! line */
    while (*s) {
        tok t = { T_SYM, line, s, 1, 0 };
        if (*s == '\n') {
            line++;
            s++;
            continue;
        }
        if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\f' || *s == '\v') {
            s++;
            continue;
        }
        if (s[0] == '-' && s[1] == '-') {
            level = long_open(s + 2);
            s = level >= 0 ? long_skip(s + 2, level, &line) : s + strcspn(s, "\n");
            continue;
        }
        if ((level = long_open(s)) >= 0) {
            const char *end = long_skip(s, level, &line);
            t.kind = T_STRING;
            t.p = s + level + 2;
            size_t frame = 2 * (size_t)level + 4; /* [==[ and ]==] */
            t.len = (size_t)(end - s) >= frame ? (size_t)(end - s) - frame : 0;
            t.plain = 1;
            s = end;
        } else if (*s == '"' || *s == '\'') {
            char q = *s++;
            t.kind = T_STRING;
            t.p = s;
            t.plain = 1;
            while (*s && *s != q) {
                if (*s == '\\') {
                    t.plain = 0;
                    if (s[1] == '\n') line++;
                    if (s[1]) s++;
                } else if (*s == '\n') {
                    line++;
                }
                s++;
            }
            t.len = (size_t)(s - t.p);
            if (*s) s++;
        } else if (name_start(*s)) {
            t.kind = T_NAME;
            while (name_char(*s)) s++;
            t.len = (size_t)(s - t.p);
        } else if ((*s >= '0' && *s <= '9') || (*s == '.' && s[1] >= '0' && s[1] <= '9')) {
            t.kind = T_NUMBER;
            while (name_char(*s) || *s == '.' ||
                   ((*s == '+' || *s == '-') && strchr("eEpP", s[-1]) && s[-1] != '\0'))
                s++;
            t.len = (size_t)(s - t.p);
        } else {
            for (size_t k = 0; k < TG_ARRAY_LEN(two); k++)
                if (strncmp(s, two[k], strlen(two[k])) == 0) {
                    t.len = strlen(two[k]);
                    break;
                }
            s += t.len;
        }
        if (n < cap) out[n] = t;
        n++;
    }
    if (n < cap) out[n] = (tok){ T_EOF, line, s, 0, 0 };
    return n + 1;
}

#define PAD 8 /* EOF tokens after the last, so the checks may look ahead freely */

/* Pushes the tokens of 'text' (a userdata, freed by the collector) and
** returns them, *n counting the real ones and the first EOF. */
static tok *tokens(lua_State *L, const char *text, size_t *n) {
    *n = lex(text, NULL, 0);
    tok *t = lua_newuserdatauv(L, (*n + PAD) * sizeof *t, 0);
    lex(text, t, *n);
    for (size_t i = *n; i < *n + PAD; i++) t[i] = t[*n - 1];
    return t;
}

/* ---- the walk ---- */

/* Stack slots of the sets the walk keeps (Lua tables). */
enum {
    S_TOKS = 2, /* the token userdata */
    S_DECLARED, /* names declared anywhere: locals, parameters, assigned globals */
    S_FIELDS,   /* names defined as fields or methods in the script or its modules */
    S_METHODS,  /* the methods of tegn's values and of strings */
    S_ALIASES,  /* names that hold the tegn module */
    S_USED,     /* params read: name -> true when required (no default) */
    S_GIVEN,    /* --param names -> true */
    S_GLOBALS   /* the sandbox's globals */
};

typedef struct walk {
    lua_State *L;
    const tg_luacheck_opts *o;
    tok *t;
    size_t n;
    tg_sbuf *out;
    tg_luacheck_result *res;
    int dynamic; /* params read in a way the scan cannot name */
} walk;

static int is(const tok *t, int kind, const char *text) {
    return t->kind == kind && t->len == strlen(text) && memcmp(t->p, text, t->len) == 0;
}

static int sym(const tok *t, const char *text) {
    return is(t, T_SYM, text);
}

static int keyword(const tok *t) {
    static const char *const words[] = { "and",   "break", "do",       "else", "elseif", "end",
                                         "false", "for",   "function", "goto", "if",     "in",
                                         "local", "nil",   "not",      "or",   "repeat", "return",
                                         "then",  "true",  "until",    "while" };
    if (t->kind != T_NAME) return 0;
    for (size_t k = 0; k < TG_ARRAY_LEN(words); k++)
        if (is(t, T_NAME, words[k])) return 1;
    return 0;
}

/* Pushes the token's text as a Lua string. */
static void push_tok(lua_State *L, const tok *t) {
    lua_pushlstring(L, t->p, t->len);
}

static void set_add(walk *w, int set, const tok *t) {
    push_tok(w->L, t);
    lua_pushboolean(w->L, 1);
    lua_rawset(w->L, set);
}

static int set_has(walk *w, int set, const tok *t) {
    push_tok(w->L, t);
    int found = lua_rawget(w->L, set) != LUA_TNIL;
    lua_pop(w->L, 1);
    return found;
}

/* Reports a finding at the token's line; 'kind' counts it. */
static void report(walk *w, const tok *t, int *kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report(walk *w, const tok *t, int *kind, const char *fmt, ...) {
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tg_sbuf_printf(w->out, "%s:%d: %s\n", w->o->script, t->line, msg);
    ++*kind;
}

/* The key of set 'set' nearest to the token's text, or NULL; the names
** stay anchored in the set. */
static const char *suggest(walk *w, int set, const tok *t) {
    lua_State *L = w->L;
    size_t n = 0, i = 0;
    lua_pushnil(L);
    while (lua_next(L, set)) {
        n += lua_type(L, -2) == LUA_TSTRING;
        lua_pop(L, 1);
    }
    if (n == 0) return NULL;
    char **names = lua_newuserdatauv(L, n * sizeof *names, 0);
    lua_pushnil(L);
    while (lua_next(L, set)) {
        if (lua_type(L, -2) == LUA_TSTRING) names[i++] = (char *)lua_tostring(L, -2);
        lua_pop(L, 1);
    }
    push_tok(L, t);
    const char *s = tg_luaaux_suggest(lua_tostring(L, -1), names, n);
    lua_pop(L, 2);
    return s;
}

/* ---- declarations ---- */

/* Declares the names of a list "a, b <const>, c" starting at i; returns
** the index after it. */
static size_t declare_list(walk *w, size_t i) {
    while (i < w->n && w->t[i].kind == T_NAME && !keyword(&w->t[i])) {
        set_add(w, S_DECLARED, &w->t[i++]);
        if (sym(&w->t[i], "<")) i += 3; /* <const>, <close> */
        if (!sym(&w->t[i], ",")) break;
        i++;
    }
    return i;
}

/* Notes a local that is given the tegn module: local x = require "tegn",
** local x = require("tegn"), local x = tegn (or another alias). */
static void note_alias(walk *w, size_t name, size_t eq) {
    const tok *t = w->t;
    if (!sym(&t[eq], "=")) return;
    size_t v = eq + 1;
    if (is(&t[v], T_NAME, "require")) {
        v += sym(&t[v + 1], "(") ? 2 : 1;
        if (t[v].kind == T_STRING && t[v].plain && t[v].len == 4 && memcmp(t[v].p, "tegn", 4) == 0)
            set_add(w, S_ALIASES, &t[name]);
    } else if (t[v].kind == T_NAME && set_has(w, S_ALIASES, &t[v]) && !sym(&t[v + 1], ".") &&
               !sym(&t[v + 1], ":")) {
        set_add(w, S_ALIASES, &t[name]);
    }
}

/* The first pass: every declared name, every field or method name the
** script defines, and the tegn aliases. Flow-insensitive: a name declared
** anywhere counts everywhere (best-effort, never a false alarm from
** scope). Brackets are tracked so that `{ key = ... }` is a field. */
static void declarations(walk *w) {
    const tok *t = w->t;
    char brackets[256];
    int depth = 0;
    for (size_t i = 0; i + 1 < w->n; i++) {
        if (sym(&t[i], "(") || sym(&t[i], "[") || sym(&t[i], "{")) {
            if (depth < (int)sizeof brackets) brackets[depth] = t[i].p[0];
            depth++;
        } else if ((sym(&t[i], ")") || sym(&t[i], "]") || sym(&t[i], "}")) && depth > 0) {
            depth--;
        }
        if (is(&t[i], T_NAME, "local")) {
            if (is(&t[i + 1], T_NAME, "function")) {
                set_add(w, S_DECLARED, &t[i + 2]);
            } else {
                size_t end = declare_list(w, i + 1);
                if (end == i + 2) note_alias(w, i + 1, end);
            }
        } else if (is(&t[i], T_NAME, "for")) {
            declare_list(w, i + 1);
        } else if (is(&t[i], T_NAME, "function")) {
            size_t k = i + 1;
            if (t[k].kind == T_NAME && !sym(&t[k + 1], ".") && !sym(&t[k + 1], ":") &&
                (i == 0 || !is(&t[i - 1], T_NAME, "local")))
                set_add(w, S_DECLARED, &t[k]); /* function f(): a global */
            while (t[k].kind == T_NAME && (sym(&t[k + 1], ".") || sym(&t[k + 1], ":"))) k += 2;
            if (t[k].kind == T_NAME && k > i + 1) set_add(w, S_FIELDS, &t[k]);
            while (k < w->n && !sym(&t[k], "(")) k++;
            declare_list(w, k + 1); /* the parameters */
        } else if (t[i].kind == T_NAME && !keyword(&t[i]) && sym(&t[i + 1], ",") && depth == 0 &&
                   (i == 0 || !sym(&t[i - 1], ","))) {
            size_t k = i; /* a, b = ...: globals the script sets */
            while (t[k].kind == T_NAME && sym(&t[k + 1], ",")) k += 2;
            if (t[k].kind == T_NAME && sym(&t[k + 1], "="))
                for (size_t j = i; j <= k; j += 2) set_add(w, S_DECLARED, &t[j]);
        } else if (t[i].kind == T_NAME && !keyword(&t[i]) && sym(&t[i + 1], "=")) {
            int in_table = depth > 0 && depth <= (int)sizeof brackets && brackets[depth - 1] == '{';
            int field = i > 0 && (sym(&t[i - 1], ".") || sym(&t[i - 1], ":"));
            if (in_table || field) set_add(w, S_FIELDS, &t[i]);
            else set_add(w, S_DECLARED, &t[i]); /* x = ...: a global the script sets */
        } else if (t[i].kind == T_STRING && t[i].plain && i > 0 && sym(&t[i - 1], "[") &&
                   sym(&t[i + 1], "]") && sym(&t[i + 2], "=")) {
            set_add(w, S_FIELDS, &t[i]); /* ["key"] = ... */
        }
    }
}

/* ---- the checks ---- */

/* Whether 'name' is one the sandbox removed (tg_lua_removed). */
static int removed(const char *name) {
    size_t n;
    const char *const *names = tg_lua_removed(&n);
    for (size_t k = 0; k < n; k++)
        if (strcmp(names[k], name) == 0) return 1;
    return 0;
}

/* A free name: a global the sandbox must have. */
static void check_global(walk *w, size_t i) {
    const tok *t = &w->t[i];
    lua_State *L = w->L;
    if (set_has(w, S_DECLARED, t)) return;
    if (!set_has(w, S_GLOBALS, t)) {
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)t->len, t->p);
        if (removed(name)) {
            report(w, t, &w->res->errors,
                   "sandbox: '%s' is not available to scripts (docs/sandbox.md)", name);
            return;
        }
        const char *s = suggest(w, S_GLOBALS, t);
        report(w, t, &w->res->errors, "undefined global '%.*s'%s%s%s", (int)t->len, t->p,
               s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
        return;
    }
    /* a library's field: os.execute, string.dump, math.foo */
    if (!sym(&t[1], ".") || t[2].kind != T_NAME) return;
    push_tok(L, t);
    lua_rawget(L, S_GLOBALS);
    if (!lua_istable(L, -1) || set_has(w, S_ALIASES, t)) {
        lua_pop(L, 1);
        return;
    }
    tg_luaaux_push_contents(L, -1); /* the libraries are read-only views */
    push_tok(L, &t[2]);
    int found = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 3);
    if (found) return;
    char full[128];
    snprintf(full, sizeof full, "%.*s.%.*s", (int)t->len, t->p, (int)t[2].len, t[2].p);
    if (removed(full)) {
        report(w, t, &w->res->errors, "sandbox: '%s' is not available to scripts (docs/sandbox.md)",
               full);
        return;
    }
    report(w, t, &w->res->errors, "'%s' does not exist", full);
}

/* tegn.name(.name): the module (or its sub-table) must have it. Returns
** the index of the last name of the chain. */
static size_t check_tegn(walk *w, size_t i) {
    lua_State *L = w->L;
    const tok *t = w->t;
    char path[256] = "tegn";
    int top = lua_gettop(L);
    lua_getglobal(L, "tegn");
    while (sym(&t[i + 1], ".") && t[i + 2].kind == T_NAME && lua_istable(L, -1)) {
        const tok *f = &t[i + 2];
        tg_luaaux_push_contents(L, -1);
        push_tok(L, f);
        int kind = lua_rawget(L, -2);
        if (kind == LUA_TNIL) {
            lua_newtable(L); /* the names there, for a suggestion */
            lua_pushnil(L);
            while (lua_next(L, -4)) {
                lua_pop(L, 1);
                lua_pushvalue(L, -1);
                lua_pushboolean(L, 1);
                lua_rawset(L, -4);
            }
            const char *s = suggest(w, lua_gettop(L), f);
            char hint[300] = "";
            if (s) snprintf(hint, sizeof hint, "; did you mean '%s.%s'?", path, s);
            report(w, f, &w->res->errors, "unknown function '%s.%.*s'%s", path, (int)f->len, f->p,
                   hint);
            break;
        }
        snprintf(path + strlen(path), sizeof path - strlen(path), ".%.*s", (int)f->len, f->p);
        i += 2;
        if (kind != LUA_TTABLE || strcmp(path, "tegn.params") == 0 ||
            strcmp(path, "tegn.data") == 0)
            break;
    }
    lua_settop(L, top);
    return i;
}

/* obj:name(...): some value must have the method. */
static void check_method(walk *w, size_t i) {
    const tok *m = &w->t[i];
    if (set_has(w, S_METHODS, m) || set_has(w, S_FIELDS, m)) return;
    const char *s = suggest(w, S_METHODS, m);
    report(w, m, &w->res->errors, "no value has the method ':%.*s'%s%s%s", (int)m->len, m->p,
           s ? "; did you mean ':" : "", s ? s : "", s ? "'?" : "");
}

/* Whether path names a file. */
static int exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* require "name" with a literal name: a name require accepts, found in
** the script's folder or the lib folder. With 'absorb' (the pass before
** the script's own declarations) nothing is reported: the module is read
** and its declarations count for the script (a global it sets, a method
** it gives its values); without, a bad name or a missing module is. */
static void check_require(walk *w, const tok *name, int absorb) {
    char rel[256], path[8500], dir[4096];
    const char *slash = strrchr(w->o->script, '/');
    if (name->len == 4 && memcmp(name->p, "tegn", 4) == 0) return;
    w->dynamic = 1; /* a module may read params too */
    if (!name->plain || !tg_lua_module_name_ok(name->p, name->len)) {
        if (absorb) return;
        report(w, name, &w->res->errors,
               "sandbox: require '%.*s': not a module name (letters, digits, '_' and '.'; no "
               "path)",
               (int)name->len, name->p);
        return;
    }
    snprintf(rel, sizeof rel, "%.*s.lua", (int)name->len, name->p);
    for (char *p = rel; p < rel + name->len; p++)
        if (*p == '.') *p = '/';
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - w->o->script) : 1,
             slash ? w->o->script : ".");
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    if (!exists(path) && w->o->lib_dir) snprintf(path, sizeof path, "%s/%s", w->o->lib_dir, rel);
    if (!exists(path)) {
        if (absorb) return;
        report(w, name, &w->res->errors, "require: no module '%.*s' (looked for %s in %s%s%s)",
               (int)name->len, name->p, rel, dir, w->o->lib_dir ? " and " : "",
               w->o->lib_dir ? w->o->lib_dir : "");
        return;
    }
    if (!absorb) return;
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long len;
    if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        text = lua_newuserdatauv(w->L, (size_t)len + 1, 0);
        text[fread(text, 1, (size_t)len, f)] = '\0';
    }
    if (f) fclose(f);
    if (!text) return;
    size_t n;
    tok *toks = tokens(w->L, text, &n);
    walk sub = *w;
    sub.t = toks;
    sub.n = n;
    declarations(&sub); /* its globals, and (leniently) its locals, count as declared */
    lua_pop(w->L, 2);
}

/* tegn.param("name" [, default]) and tegn.params.name / ["name"]. */
static void note_param(walk *w, size_t i) {
    const tok *t = w->t;
    if (is(&t[i + 2], T_NAME, "param") && sym(&t[i + 3], "(")) {
        const tok *s = &t[i + 4];
        if (s->kind != T_STRING || !s->plain) {
            w->dynamic = 1;
            return;
        }
        int required = !sym(&t[i + 5], ",") || is(&t[i + 6], T_NAME, "nil");
        push_tok(w->L, s);
        lua_pushvalue(w->L, -1);
        int before = lua_rawget(w->L, S_USED) == LUA_TBOOLEAN && lua_toboolean(w->L, -1);
        lua_pop(w->L, 1);
        lua_pushboolean(w->L, required || before);
        lua_rawset(w->L, S_USED);
        if (required && !set_has(w, S_GIVEN, s))
            report(w, s, &w->res->errors, "missing parameter '%.*s' (pass --param %.*s=...)",
                   (int)s->len, s->p, (int)s->len, s->p);
    } else if (is(&t[i + 2], T_NAME, "params")) {
        const tok *k = sym(&t[i + 3], ".") ? &t[i + 4] : sym(&t[i + 3], "[") ? &t[i + 4] : NULL;
        if (k && (k->kind == T_NAME || (k->kind == T_STRING && k->plain)) &&
            (sym(&t[i + 3], ".") || sym(&t[i + 5], "]"))) {
            push_tok(w->L, k);
            lua_pushvalue(w->L, -1);
            if (lua_rawget(w->L, S_USED) != LUA_TNIL) {
                lua_pop(w->L, 2);
                return;
            }
            lua_pop(w->L, 1);
            lua_pushboolean(w->L, 0);
            lua_rawset(w->L, S_USED);
        } else {
            w->dynamic = 1; /* pairs(tegn.params), tegn.params[k] */
        }
    } else if (is(&t[i + 2], T_NAME, "indicator") || is(&t[i + 2], T_NAME, "data")) {
        w->dynamic = 1; /* an indicator's params, the datasets folder */
    }
}

/* The second pass: each name in context. */
static void names(walk *w) {
    const tok *t = w->t;
    for (size_t i = 0; i + 1 < w->n; i++) {
        int after_dot = i > 0 && (sym(&t[i - 1], ".") || sym(&t[i - 1], ":"));
        if (t[i].kind != T_NAME || keyword(&t[i])) continue;
        if (i > 0 && sym(&t[i - 1], ":") &&
            (sym(&t[i + 1], "(") || sym(&t[i + 1], "{") || t[i + 1].kind == T_STRING)) {
            check_method(w, i);
            continue;
        }
        if (after_dot || (i > 0 && (is(&t[i - 1], T_NAME, "goto") || sym(&t[i - 1], "::"))))
            continue;
        if (sym(&t[i + 1], "=") && i > 0 &&
            (sym(&t[i - 1], "{") || sym(&t[i - 1], ",") || sym(&t[i - 1], ";")))
            continue; /* a key in a table constructor, or an assignment: declared */
        if (is(&t[i], T_NAME, "require") && !set_has(w, S_DECLARED, &t[i])) {
            size_t a = i + 1 + (size_t)sym(&t[i + 1], "(");
            if (t[a].kind == T_STRING) check_require(w, &t[a], 0);
            else w->dynamic = 1;
        }
        if (set_has(w, S_ALIASES, &t[i]) ||
            (is(&t[i], T_NAME, "tegn") && !set_has(w, S_DECLARED, &t[i]))) {
            if (sym(&t[i + 1], ".")) {
                note_param(w, i);
                i = check_tegn(w, i);
            } else if (!sym(&t[i + 1], "=") && !sym(&t[i + 1], ",") && !sym(&t[i + 1], ")")) {
                w->dynamic |= !sym(&t[i + 1], ":"); /* tegn handed on: anything may read */
            }
            continue;
        }
        check_global(w, i);
    }
}

/* Pushes the names of the params the script reads, sorted: "aar, csv". */
static void push_read_names(lua_State *L) {
    int n = 0;
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, S_USED)) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, ++n);
    }
    lua_getglobal(L, "table");
    tg_luaaux_push_contents(L, -1);
    lua_getfield(L, -1, "sort");
    lua_pushvalue(L, -4);
    lua_call(L, 1, 0);
    lua_getfield(L, -1, "concat");
    lua_pushvalue(L, -4);
    lua_pushliteral(L, ", ");
    lua_call(L, 2, 1);
    lua_replace(L, -4);
    lua_pop(L, 2);
}

/* The --param names and, once the scan is done, those never read. */
static void check_unused(walk *w) {
    lua_State *L = w->L;
    for (size_t i = 0; i < w->o->n_params; i++) {
        const char *eq = strchr(w->o->params[i], '=');
        size_t len = eq ? (size_t)(eq - w->o->params[i]) : strlen(w->o->params[i]);
        lua_pushlstring(L, w->o->params[i], len);
        if (lua_rawget(L, S_USED) == LUA_TNIL && !w->dynamic) {
            push_read_names(L);
            const char *reads = lua_tostring(L, -1);
            tg_sbuf_printf(w->out, "%s: --param '%.*s' is not read by the script (it reads: %s)\n",
                           w->o->script, (int)len, w->o->params[i], *reads ? reads : "none");
            lua_pop(L, 1);
            w->res->unused++;
        }
        lua_pop(L, 1);
    }
}

/* Fills the set at 'set' with the method names tg_luadefs annotates. */
static void add_method(void *ud, const char *owner, const char *name) {
    lua_State *L = ud;
    if (strncmp(owner, "tegn", 4) == 0) return;
    lua_pushboolean(L, 1);
    lua_setfield(L, S_METHODS, name);
}

static void open_sets(walk *w) {
    lua_State *L = w->L;
    for (int s = S_DECLARED; s <= S_GLOBALS; s++) lua_newtable(L);
    tg_luadefs_each(add_method, L);
    lua_getglobal(L, "string");     /* ("x"):upper(), s:format(...) */
    tg_luaaux_push_contents(L, -1); /* a read-only view */
    lua_remove(L, -2);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_pushboolean(L, 1);
        lua_rawset(L, S_METHODS);
    }
    lua_pop(L, 1);
    lua_pushliteral(L, "tegn");
    lua_pushboolean(L, 1);
    lua_rawset(L, S_ALIASES);
    lua_pushliteral(L, "self"); /* the parameter of every function a:b() */
    lua_pushboolean(L, 1);
    lua_rawset(L, S_DECLARED);
    for (size_t i = 0; i < w->o->n_params; i++) {
        const char *eq = strchr(w->o->params[i], '=');
        lua_pushlstring(L, w->o->params[i],
                        eq ? (size_t)(eq - w->o->params[i]) : strlen(w->o->params[i]));
        lua_pushboolean(L, 1);
        lua_rawset(L, S_GIVEN);
    }
    /* the globals: the script's table and the sandbox's behind it */
    lua_pushglobaltable(L);
    for (int level = 0; level < 2 && lua_istable(L, -1); level++) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            if (lua_type(L, -2) == LUA_TSTRING) {
                lua_pushvalue(L, -2);
                lua_insert(L, -2);
                lua_rawset(L, S_GLOBALS);
            } else {
                lua_pop(L, 1);
            }
        }
        if (!lua_getmetatable(L, -1)) break;
        lua_getfield(L, -1, "__index");
        lua_remove(L, -2);
        lua_remove(L, -2);
    }
    lua_pop(L, 1);
}

static int check_protected(lua_State *L) {
    walk *w = lua_touserdata(L, 1);
    const tg_luacheck_opts *o = w->o;
    const char *chunk = lua_pushfstring(L, "@%s", o->script);
    if (luaL_loadbufferx(L, o->code, strlen(o->code), chunk, "t") != LUA_OK) {
        tg_sbuf_printf(w->out, "%s\n", lua_tostring(L, -1));
        w->res->syntax = 1;
        return 0;
    }
    lua_settop(L, 1);
    w->t = tokens(L, o->code, &w->n); /* S_TOKS */
    open_sets(w);
    for (size_t i = 0; i + 2 < w->n; i++) { /* the modules' declarations first */
        size_t a = i + 1 + (size_t)sym(&w->t[i + 1], "(");
        if (is(&w->t[i], T_NAME, "require") && w->t[a].kind == T_STRING)
            check_require(w, &w->t[a], 1);
    }
    declarations(w);
    names(w);
    check_unused(w);
    w->res->complete = !w->dynamic;
    return 0;
}

tg_status tg_luacheck_run(tg_lua *rt, const tg_luacheck_opts *o, tg_sbuf *out,
                          tg_luacheck_result *res) {
    lua_State *L = tg_lua_state(rt);
    walk w = { L, o, NULL, 0, out, res, 0 };
    int top = lua_gettop(L), st;
    memset(res, 0, sizeof *res);
    lua_pushcfunction(L, check_protected);
    lua_pushlightuserdata(L, &w);
    st = lua_pcall(L, 1, 0, 0);
    lua_settop(L, top);
    return st == LUA_OK && !out->oom ? TG_OK : TG_ENOMEM;
}
