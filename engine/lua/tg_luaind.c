/*
** tg_luaind.c -- tegn.indicator and the data catalog (see tg_luaind.h).
** The spec is read into a tg_indicator_spec whose strings stay owned by
** the spec table (argument 1, on the stack for the whole call). Tables
** and JSON are boxed before they are filled, so a Lua error at any point
** leaks nothing.
*/
#include "tg_luaind.h"

#include <dirent.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_db.h"
#include "tg_err.h"
#include "tg_indicator.h"
#include "tg_json.h"
#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_luactx.h"
#include "tg_luaval.h"

#define IDS_KEY     "tegn.indicator.ids"
#define CATALOG_KEY "tegn.catalog"
#define DB_NAME     "tegn.sqlite"
#define MAX_NAMES   256

/* ---- the data catalog ---- */

/* The datasets folder: --param datasets=DIR, else "datasets". The text
** belongs to the run context, which outlives the run. */
static const char *datasets_dir(lua_State *L) {
    tg_luactx *lib = tg_luactx_of(L);
    const tg_luactx_param *p = lib ? tg_luactx_use_param(lib, "datasets") : NULL;
    return p ? p->value : "datasets";
}

/* Whether 'name' is a table or view of the database (0 when there is no
** database). */
static int db_has(const char *db, const char *name) {
    tg_db_param p = { 0 };
    tg_table *t = NULL;
    int has = 0;
    if (access(db, R_OK) != 0) return 0;
    p.type = TG_STRING;
    p.v.s = name;
    if (tg_db_read(db, "SELECT count(*) AS n FROM sqlite_master WHERE name = ?1", &p, 1, &t,
                   NULL) == TG_OK)
        has = t->n_rows == 1 && t->cols[0]->v.i64[0] > 0;
    tg_table_release(t);
    return has;
}

/* Raises "no dataset", suggesting the nearest CSV file in the folder. */
static int no_dataset(lua_State *L, const char *dir, const char *name) {
    char *names[MAX_NAMES];
    size_t n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    const char *near;

    while (d && (e = readdir(d)) != NULL && n < MAX_NAMES) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".csv") == 0) {
            lua_pushlstring(L, e->d_name, len - 4);
            names[n++] = (char *)lua_tostring(L, -1);
        }
    }
    if (d) closedir(d);
    near = tg_luaaux_suggest(name, names, n);
    if (near)
        return tg_luaaux_error(L, "data.%s: no dataset '%s' in %s; did you mean '%s'?", name, name,
                               dir, near);
    return tg_luaaux_error(L, "data.%s: no dataset '%s' in %s (no %s.csv, no table in %s)", name,
                           name, dir, name, DB_NAME);
}

/* data.name: loads <dir>/name.csv, else table 'name' of <dir>/tegn.sqlite,
** and keeps it in the catalog for the rest of the run. */
static int l_catalog_index(lua_State *L) {
    const char *name = tg_luaaux_check_string(L, 2, "data", "name");
    const char *dir;
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNIL) return 1; /* sql, or loaded before */
    lua_pop(L, 1);
    dir = datasets_dir(L);
    const char *path = lua_pushfstring(L, "%s/%s.csv", dir, name);
    const char *db = lua_pushfstring(L, "%s/%s", dir, DB_NAME);

    if (access(path, R_OK) == 0) {
        lua_getfield(L, lua_upvalueindex(1), "read_csv");
        lua_pushstring(L, path);
        lua_call(L, 1, 1);
    } else if (db_has(db, name)) {
        lua_getfield(L, lua_upvalueindex(1), "read_sqlite");
        lua_pushstring(L, db);
        lua_pushstring(L, name);
        lua_call(L, 2, 1);
    } else {
        return no_dataset(L, dir, name);
    }
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -2);
    lua_rawset(L, lua_upvalueindex(2));
    return 1;
}

/* data.sql(query [, params]): a query on <dir>/tegn.sqlite. data:sql(...)
** works too: the catalog as the first argument is dropped. */
static int l_catalog_sql(lua_State *L) {
    int top;
    if (lua_istable(L, 1) && lua_type(L, 2) == LUA_TSTRING) lua_remove(L, 1);
    tg_luaaux_check_string(L, 1, "data.sql", "query");
    lua_settop(L, 2);
    top = lua_gettop(L);
    lua_getfield(L, lua_upvalueindex(1), "read_sqlite");
    lua_pushfstring(L, "%s/%s", datasets_dir(L), DB_NAME);
    lua_pushvalue(L, 1);
    if (!lua_isnil(L, 2)) lua_pushvalue(L, 2);
    lua_call(L, lua_gettop(L) - top - 1, 1);
    return 1;
}

/* Pushes a new catalog for the module table at 'module' and keeps it in
** the registry for tegn.indicator. */
static void new_catalog(lua_State *L, int module) {
    module = lua_absindex(L, module);
    lua_newtable(L); /* what was loaded, and sql; scripts see a read-only view */
    lua_pushvalue(L, module);
    lua_pushcclosure(L, l_catalog_sql, 1);
    lua_setfield(L, -2, "sql");
    lua_pushvalue(L, module);
    lua_pushvalue(L, -2);
    lua_pushcclosure(L, l_catalog_index, 2);
    tg_lua_readonly(L, "tegn.data", 1);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, CATALOG_KEY);
}

/* ---- reading the spec ---- */

/* The string spec[key]; the spec table keeps it alive. */
static const char *need_string(lua_State *L, const char *key) {
    const char *s;
    if (lua_getfield(L, 1, key) != LUA_TSTRING || lua_rawlen(L, -1) == 0)
        tg_luaaux_bad(L, "indicator", key, "a non-empty string", -1);
    s = lua_tostring(L, -1);
    lua_pop(L, 1);
    return s;
}

static void read_period(lua_State *L, const char *key, tg_period_lit *lit) {
    int type = lua_getfield(L, 1, key);
    lit->set = type != LUA_TNIL;
    lit->is_num = type == LUA_TNUMBER;
    if (type == LUA_TNUMBER) lit->num = lua_tonumber(L, -1);
    if (type == LUA_TSTRING) lit->str = lua_tostring(L, -1);
    if (lit->set && !lit->is_num && type != LUA_TSTRING)
        tg_luaaux_bad(L, "indicator", key, "a period (a number or a string)", -1);
    lua_pop(L, 1);
}

/* spec.by: nil, a column name or a list of them. */
static size_t read_by(lua_State *L, const char **by) {
    size_t n = 0;
    int type = lua_getfield(L, 1, "by");
    if (type == LUA_TSTRING) by[n++] = lua_tostring(L, -1);
    if (type == LUA_TTABLE) {
        lua_Integer len = (lua_Integer)lua_rawlen(L, -1);
        if (len > TG_INDICATOR_MAX_BY)
            tg_luaaux_error(L, "indicator: at most %d 'by' columns", TG_INDICATOR_MAX_BY);
        for (lua_Integer i = 1; i <= len; i++) {
            if (lua_rawgeti(L, -1, i) != LUA_TSTRING) {
                lua_pushfstring(L, "by[%I]", i);
                tg_luaaux_bad(L, "indicator", lua_tostring(L, -1), "a column name", -2);
            }
            by[n++] = lua_tostring(L, -1); /* kept by spec.by */
            lua_pop(L, 1);
        }
    } else if (type != LUA_TNIL && type != LUA_TSTRING) {
        tg_luaaux_bad(L, "indicator", "by", "a column name or a list of them", -1);
    }
    lua_pop(L, 1);
    return n;
}

/* The dominance rule's p of spec.disclosure: a percentage, or false for
** none. */
static double read_p_percent(lua_State *L, int t, double dflt) {
    double p = dflt;
    int type = lua_getfield(L, t, "p_percent");
    if (type == LUA_TBOOLEAN && !lua_toboolean(L, -1)) p = NAN;
    else if (type != LUA_TNIL)
        p = tg_luaaux_opt_number(L, t, "indicator.disclosure", "p_percent", p, 0, 100);
    lua_pop(L, 1);
    return p;
}

/* The disclosure rules: the run's --param disclosure=NAME (default
** "tegn") or spec.disclosure's name, with spec.disclosure's own settings
** on top; suppress_below is min_count's older name. */
static void read_disclosure(lua_State *L, tg_sdc_rules *r) {
    static const char *const known[] = { "rules",     "min_count", "complement", "zero",
                                         "p_percent", "nk",        "round_to",   NULL };
    static const char *const zeros[] = { "show", "hide", NULL };
    tg_luactx *lib = tg_luactx_of(L);
    const tg_luactx_param *p = lib ? tg_luactx_use_param(lib, "disclosure") : NULL;
    const char *name = p ? p->value : "tegn";
    int type = lua_getfield(L, 1, "disclosure"), t = lua_gettop(L);
    double nk[2];

    if (type == LUA_TSTRING) name = lua_tostring(L, t);
    if (type == LUA_TTABLE) {
        tg_luaaux_check_opts(L, t, known, "indicator.disclosure");
        name = tg_luaaux_opt_string(L, t, "indicator.disclosure", "rules", name);
    } else if (type != LUA_TNIL && type != LUA_TSTRING) {
        tg_luaaux_bad(L, "indicator", "disclosure", "a rule set's name or a table", t);
    }
    if (!tg_sdc_rules_named(r, name))
        tg_luaaux_error(L, "indicator: unknown disclosure rules '%s' (known: tegn, dst)", name);
    if (type == LUA_TTABLE) {
        const char *fn = "indicator.disclosure";
        r->min_count = tg_luaaux_opt_number(L, t, fn, "min_count", r->min_count, 0, 1e9);
        r->complement = tg_luaaux_opt_boolean(L, t, fn, "complement", r->complement);
        r->zero_hides = tg_luaaux_opt_choice(L, t, fn, "zero", zeros, r->zero_hides);
        r->p_percent = read_p_percent(L, t, r->p_percent);
        if (tg_luaaux_opt_list(L, t, fn, "nk", nk, 2, 0, 100)) {
            r->nk_n = nk[0];
            r->nk_k = nk[1];
        }
        r->round_to = tg_luaaux_opt_number(L, t, fn, "round_to", r->round_to, 0, 1e9);
    }
    lua_pop(L, 1);
    r->min_count = tg_luaaux_opt_number(L, 1, "indicator", "suppress_below", r->min_count, 0, 1e9);
}

static void read_spec(lua_State *L, tg_indicator_spec *s, const char **by) {
    static const char *const kinds[] = { "proportion", "mean", "rate", NULL };
    static const char *const dirs[] = { "up", "down", NULL };
    int k = tg_luaaux_opt_choice(L, 1, "indicator", "kind", kinds, 0), d;

    if (lua_getfield(L, 1, "direction") == LUA_TNIL) tg_luaaux_missing(L, "indicator", "direction");
    d = tg_luaaux_check_choice(L, -1, "indicator", "direction", dirs);
    lua_pop(L, 1);
    tg_judge_opts_init(&s->judge, (tg_judge_kind)k);
    s->judge.direction = d == 0 ? 1 : -1;
    s->judge.conf = tg_luaaux_opt_number(L, 1, "indicator", "conf", 0.95, 0.5, 0.999);
    s->judge.min_n = tg_luaaux_opt_number(L, 1, "indicator", "min_n", s->judge.min_n, 0, 1e9);
    read_disclosure(L, &s->judge.sdc);
    s->judge.per = tg_luaaux_opt_number(L, 1, "indicator", "per", 1, 1e-9, 1e12);
    s->judge.flag_deviation =
        tg_luaaux_opt_number(L, 1, "indicator", "flag_deviation", NAN, 0, 1e12);
    s->judge.census = tg_luaaux_opt_boolean(L, 1, "indicator", "census", 0);
    s->by = by;
    s->n_by = read_by(L, by);
    s->period = tg_luaaux_opt_string(L, 1, "indicator", "period", "period");
    read_period(L, "comparable_from", &s->from);
    read_period(L, "baseline", &s->base);
    /* baseline = "first_judged": per group, the first period that can be
    ** judged (the document keeps the word as given) */
    s->judge.first_judged =
        s->base.set && !s->base.is_num && strcmp(s->base.str, "first_judged") == 0;
    /* funnel = true: the groups are steps, each a subset of the one before */
    s->total = NULL;
    s->funnel = tg_luaaux_opt_boolean(L, 1, "indicator", "funnel", 0);
    if (s->funnel && (k != 0 || s->n_by != 1))
        tg_luaaux_error(L, "indicator: funnel = true needs a proportion with one 'by' column "
                           "(the steps)");
}

/* Raises unless 'id' is new in this run and made of [A-Za-z0-9._-]. */
static void claim_id(lua_State *L, const char *id) {
    for (const char *p = id; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p))
            tg_luaaux_error(L, "indicator: id '%s' may only use letters, digits, '.', '_', '-'",
                            id);
    if (lua_getfield(L, LUA_REGISTRYINDEX, IDS_KEY) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, IDS_KEY);
    }
    if (lua_getfield(L, -1, id) != LUA_TNIL)
        tg_luaaux_error(L, "indicator: id '%s' is already defined in this run", id);
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, id);
    lua_pop(L, 1);
}

/* The details at idx (nil, or a table of Tables and values) as JSON in
** *details. They reach the document: no CPR numbers (tilbud names are
** fine). */
static void read_details(lua_State *L, int idx, void **details) {
    idx = lua_absindex(L, idx);
    tg_luaval_check_identifiers(L, idx, 0, 0, "indicator details");
    if (!lua_isnil(L, idx)) *details = tg_luaval_json(L, idx, -1, "details");
}

/* spec.part_of: the series of the indicator without groups this one's
** groups add up to (the registry's ids table keeps it alive), or NULL;
** *round_to: what its counts are rounded to. */
static const tg_table *total_of(lua_State *L, const char *id, double *round_to) {
    const char *of = tg_luaaux_opt_string(L, 1, "indicator", "part_of", NULL);
    const tg_table *t;
    *round_to = 0;
    if (!of) return NULL;
    lua_getfield(L, LUA_REGISTRYINDEX, IDS_KEY);
    lua_pushfstring(L, "%s#round_to", of);
    if (lua_rawget(L, -2) == LUA_TNUMBER) *round_to = lua_tonumber(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, -1, of);
    if (!luaL_testudata(L, -1, TG_LUAVAL_TABLE_MT))
        tg_luaaux_error(L,
                        "indicator '%s': part_of '%s' is not an indicator without 'by' defined "
                        "before this one",
                        id, of);
    t = tg_luaval_table_check(L, -1);
    lua_pop(L, 2);
    return t;
}

/* Remembers the series at idx of indicator 'id' (which has no groups) as
** a total later indicators may be part_of, with the rounding of its counts. */
static void keep_total(lua_State *L, const char *id, int idx, double round_to) {
    idx = lua_absindex(L, idx);
    lua_getfield(L, LUA_REGISTRYINDEX, IDS_KEY);
    lua_pushvalue(L, idx);
    lua_setfield(L, -2, id);
    /* its published counts are rounded: the groups' check allows for it
    ** ('#' cannot be in an id) */
    lua_pushfstring(L, "%s#round_to", id);
    lua_pushnumber(L, round_to);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

/* Pushes the params for compute: spec.params (the defaults), each
** overridden by its --param converted to the default's type by tegn.param
** (an int default refuses "4.5", a number takes "0,955"). A --param no
** indicator and no tegn.param asks for is left unread, which the run
** reports (tg_luactx_check_params). */
static void push_params(lua_State *L) {
    lua_newtable(L);
    int out = lua_gettop(L);
    if (lua_getfield(L, 1, "params") == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            if (lua_type(L, -2) == LUA_TSTRING) {
                lua_getfield(L, lua_upvalueindex(1), "param");
                lua_pushvalue(L, -3);
                lua_pushvalue(L, -3);
                lua_call(L, 2, 1); /* tegn.param(key, default) */
                lua_replace(L, -2);
            }
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_settable(L, out);
        }
    } else if (!lua_isnil(L, -1)) {
        tg_luaaux_bad(L, "indicator", "params", "a table of defaults", -1);
    }
    lua_pop(L, 1);
}

/* ---- the indicator's JSON ---- */

static void free_json(void *p) {
    tg_json_free(p);
}

static void set(lua_State *L, tg_json *obj, const char *key, tg_json *v) {
    tg_error err;
    tg_status st = tg_json_set_take(obj, key, v, &err);
    if (st != TG_OK) tg_luaaux_fail(L, st, &err, "indicator");
}

static void set_str(lua_State *L, tg_json *obj, const char *key, const char *s) {
    set(L, obj, key, s ? tg_json_str(s, strlen(s)) : tg_json_null());
}

/* A whole number as a JSON integer (a year, a count), else shortest. */
static tg_json *num_json(double v) {
    if (isfinite(v) && v == floor(v) && fabs(v) < 9007199254740992.0)
        return tg_json_int((int64_t)v);
    return tg_json_real(v, -1);
}

static tg_json *period_json(const tg_period_lit *lit) {
    if (!lit->set) return tg_json_null();
    if (lit->is_num) return num_json(lit->num);
    return tg_json_str(lit->str, strlen(lit->str));
}

/* The rules in force, as the document shows them. */
static tg_json *rules_json(lua_State *L, const tg_sdc_rules *r) {
    tg_json *o = tg_json_object(), *nk = isnan(r->nk_n) ? tg_json_null() : tg_json_array();
    tg_status st = o ? TG_OK : TG_ENOMEM;
    if (nk && !isnan(r->nk_n)) {
        tg_json_push_take(nk, num_json(r->nk_n), NULL);
        tg_json_push_take(nk, num_json(r->nk_k), NULL);
    }
    if (st == TG_OK) st = tg_json_set_take(o, "rules", tg_json_str(r->name, strlen(r->name)), NULL);
    if (st == TG_OK) st = tg_json_set_take(o, "min_count", num_json(r->min_count), NULL);
    if (st == TG_OK) st = tg_json_set_take(o, "complement", tg_json_bool(r->complement), NULL);
    if (st == TG_OK)
        st = tg_json_set_take(o, "zero", tg_json_str(r->zero_hides ? "hide" : "show", 4), NULL);
    if (st == TG_OK)
        st = tg_json_set_take(o, "p_percent",
                              isnan(r->p_percent) ? tg_json_null() : num_json(r->p_percent), NULL);
    if (st == TG_OK) st = tg_json_set_take(o, "nk", nk, NULL);
    else tg_json_free(nk);
    if (st == TG_OK) st = tg_json_set_take(o, "round_to", num_json(r->round_to), NULL);
    if (st != TG_OK) {
        tg_json_free(o);
        tg_lua_raise(L, TG_ENOMEM, NULL);
    }
    return o;
}

/* The object the run collects; boxed on the stack, returned unboxed. */
static tg_json *describe(lua_State *L, const tg_indicator_spec *s, const tg_table *series,
                         const tg_table *verdicts, void **details) {
    static const char *const kinds[] = { "proportion", "mean", "rate" };
    static const char *const texts[] = { "id", "title", "strategy", "goal", "unit", "note", NULL };
    void **box = tg_luaaux_box(L, free_json);
    tg_json *o = tg_json_object(), *by = tg_json_array();
    lua_Debug ar;

    *box = o;
    if (!o || !by) {
        tg_json_free(by);
        tg_lua_raise(L, TG_ENOMEM, NULL);
    }
    for (int i = 0; texts[i]; i++)
        set_str(L, o, texts[i], tg_luaaux_opt_string(L, 1, "indicator", texts[i], NULL));
    set_str(L, o, "direction", s->judge.direction > 0 ? "up" : "down");
    set_str(L, o, "kind", kinds[s->judge.kind]);
    for (size_t i = 0; i < s->n_by; i++)
        tg_json_push_take(by, tg_json_str(s->by[i], strlen(s->by[i])), NULL);
    set(L, o, "by", by);
    set_str(L, o, "period", s->period);
    set(L, o, "baseline", period_json(&s->base));
    set(L, o, "comparable_from", period_json(&s->from));
    set(L, o, "conf", tg_json_real(s->judge.conf, -1));
    set(L, o, "min_n", num_json(s->judge.min_n));
    set(L, o, "suppress_below", num_json(s->judge.sdc.min_count));
    set(L, o, "disclosure", rules_json(L, &s->judge.sdc));
    set_str(L, o, "part_of", tg_luaaux_opt_string(L, 1, "indicator", "part_of", NULL));
    set(L, o, "per", num_json(s->judge.per));
    set(L, o, "flag_deviation", tg_json_real(s->judge.flag_deviation, -1));
    set(L, o, "census", tg_json_bool(s->judge.census));
    set_str(L, o, "script",
            lua_getstack(L, 1, &ar) && lua_getinfo(L, "S", &ar) ? ar.short_src : NULL);
    set(L, o, "series", tg_json_table(series, -1));
    set(L, o, "verdicts", tg_json_table(verdicts, -1));
    if (*details) {
        tg_json *d = *details;
        *details = NULL;
        set(L, o, "details", d);
    }
    *box = NULL;
    lua_pop(L, 1);
    return o;
}

/* tegn.indicator(spec) -> series, verdicts (Tables) */
static int l_indicator(lua_State *L) {
    static const char *const known[] = { "id",      "title",          "strategy",
                                         "goal",    "direction",      "unit",
                                         "kind",    "compute",        "by",
                                         "period",  "baseline",       "comparable_from",
                                         "conf",    "min_n",          "suppress_below",
                                         "per",     "flag_deviation", "note",
                                         "params",  "census",         "disclosure",
                                         "part_of", "funnel",         NULL };
    const char *by[TG_INDICATOR_MAX_BY];
    tg_indicator_spec s;
    tg_table **series, **verdicts, *t;
    void **details;
    const char *id;
    tg_error err;
    tg_status st;

    tg_luaaux_check_table(L, 1, "indicator", "options");
    lua_settop(L, 1);
    tg_luaaux_check_opts(L, 1, known, "indicator");
    id = need_string(L, "id");
    need_string(L, "title");
    need_string(L, "strategy");
    need_string(L, "goal");
    need_string(L, "unit");
    read_spec(L, &s, by);
    if (lua_getfield(L, 1, "compute") != LUA_TFUNCTION) {
        lua_pushfstring(L, "indicator '%s'", id);
        return tg_luaaux_bad(L, lua_tostring(L, -1), "compute", "a function", -2);
    }
    claim_id(L, id);
    s.total = total_of(L, id, &s.total_round_to);
    lua_getfield(L, LUA_REGISTRYINDEX, CATALOG_KEY);
    push_params(L);
    lua_call(L, 2, 2); /* compute(data, params) -> series [, details or a function
                       ** series -> details] */
    if (!luaL_testudata(L, 2, TG_LUAVAL_TABLE_MT))
        return tg_luaaux_error(L, "indicator '%s': compute must return a tegn.Table, not a %s", id,
                               luaL_typename(L, 2));
    t = tg_luaval_table_check(L, 2);
    details = tg_luaaux_box(L, free_json);
    if (!lua_isfunction(L, 3)) read_details(L, 3, details);
    series = tg_luaval_table_new(L);
    verdicts = tg_luaval_table_new(L);
    tg_lua_check(L);
    tg_err_clear(&err);
    st = tg_indicator_judge(t, &s, series, verdicts, &err);
    if (st != TG_OK) {
        char what[128];
        snprintf(what, sizeof what, "indicator '%s'", id);
        return tg_luaaux_fail(L, st, &err, what);
    }
    if (lua_isfunction(L, 3)) {
        /* details made from the published series (which periods it hides) */
        lua_pushvalue(L, 3);
        lua_pushvalue(L, 5);
        lua_call(L, 1, 1);
        read_details(L, -1, details);
        lua_pop(L, 1);
    }
    tg_luactx_add_indicator(L, describe(L, &s, *series, *verdicts, details));
    if (s.n_by == 0) keep_total(L, id, -2, s.judge.sdc.round_to);
    tg_luaval_table_finish(L, -2);
    tg_luaval_table_finish(L, -2);
    return 2;
}

void tg_luaind_open_module(lua_State *L) {
    lua_pushvalue(L, -1);
    lua_pushcclosure(L, l_indicator, 1);
    lua_setfield(L, -2, "indicator");
    new_catalog(L, -1);
    lua_setfield(L, -2, "data");
}
