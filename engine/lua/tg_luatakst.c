/*
** tg_luatakst.c -- tegn.takst (see tg_luatakst.h). A TakstRules userdata
** is a tg_takst_rules by value, always checked; its fields are read by
** name through a table of descriptors, which also drives the overrides of
** tegn.takst.rules. No C function here holds heap memory across a Lua
** error: the rules and the inputs live on the C stack, and compute_table's
** result goes straight into a Table userdata (box first, then fill).
*/
#include "tg_luatakst.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_err.h"
#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_luaval.h"
#include "tg_takst.h"

#define HISTORIK_MAX 100 /* years a historik table may span */

/* ---- rule fields ---- */

enum kind {
    K_NUM,
    K_INT,
    K_NAME,
    K_LINES,
    K_BASIS,
    K_DAYS,
    K_MAANED,
    K_GRAENSER,
    K_GEBYR,
    K_DELTID,
    K_OVERFOERSEL
};

struct field {
    const char *name;
    enum kind kind;
    size_t off;
};

#define F(name, kind, member) \
    { name, kind, offsetof(tg_takst_rules, member) }

static const struct field FIELDS[] = {
    F("navn", K_NAME, navn),
    F("version", K_INT, version),
    F("belaegning_min", K_NUM, belaegning_min),
    F("belaegning_max", K_NUM, belaegning_max),
    F("belaegning_min_akut", K_NUM, belaegning_min_akut),
    F("historik_fra", K_INT, historik_fra),
    F("historik_aar", K_INT, historik_aar),
    F("belaegning_decimaler", K_INT, belaegning_decimaler),
    F("overhead_pct", K_NUM, overhead_pct),
    F("overhead_grundlag", K_LINES, overhead_grundlag),
    F("tilsyn_graenser", K_GRAENSER, tilsyn_graense),
    F("tilsyn_gebyr", K_GEBYR, tilsyn_gebyr),
    F("takstdage", K_DAYS, takstdage),
    F("maanedsfaktor", K_NUM, maanedsfaktor),
    F("maanedstakst_af", K_MAANED, maaned_af_uafrundet),
    F("basistakst_grundlag", K_LINES, basistakst_grundlag),
    F("momssats", K_NUM, momssats),
    F("deltid", K_DELTID, deltid),
    F("overfoersel_pct", K_OVERFOERSEL, overfoersel_pct_overskud),
    F("overfoersel_pct_overskud", K_NUM, overfoersel_pct_overskud),
    F("overfoersel_pct_underskud", K_NUM, overfoersel_pct_underskud),
    F("overfoersel_grundlag", K_BASIS, overfoersel_grundlag),
    F("regulering_aar", K_INT, regulering_aar),
};

#define N_FIELDS TG_ARRAY_LEN(FIELDS)

static const char *const BASIS_NAMES[] = { "takstgrundlag", "omkostninger", NULL };
static const char *const MAANED_NAMES[] = { "doegntakst", "uafrundet", NULL };

/* A whole amount as a Lua integer (4460, not 4460.0), anything else as a float. */
static void push_amount(lua_State *L, double x) {
    if (x == floor(x) && fabs(x) < 9007199254740992.0) lua_pushinteger(L, (lua_Integer)x);
    else lua_pushnumber(L, x);
}

static void push_lines(lua_State *L, unsigned mask) {
    int n = 0;
    lua_newtable(L);
    for (int k = 0; k < TG_OMK_N; k++)
        if (mask & TG_TAKST_BIT(k)) {
            lua_pushstring(L, tg_takst_omk_name(k));
            lua_rawseti(L, -2, ++n);
        }
}

static void push_field(lua_State *L, const tg_takst_rules *r, const struct field *f) {
    const char *p = (const char *)r + f->off;
    switch (f->kind) {
    case K_NUM: lua_pushnumber(L, *(const double *)(const void *)p); break;
    case K_INT: lua_pushinteger(L, *(const int *)(const void *)p); break;
    case K_NAME: lua_pushstring(L, r->navn); break;
    case K_LINES: push_lines(L, *(const unsigned *)(const void *)p); break;
    case K_BASIS: lua_pushstring(L, BASIS_NAMES[r->overfoersel_grundlag]); break;
    case K_DAYS:
        if (r->takstdage) lua_pushinteger(L, r->takstdage);
        else lua_pushliteral(L, "kalender");
        break;
    case K_MAANED: lua_pushstring(L, MAANED_NAMES[r->maaned_af_uafrundet ? 1 : 0]); break;
    case K_GRAENSER:
        lua_createtable(L, TG_TAKST_TILSYN_BANDS - 1, 0);
        for (int k = 0; k < TG_TAKST_TILSYN_BANDS - 1; k++) {
            lua_pushinteger(L, r->tilsyn_graense[k]);
            lua_rawseti(L, -2, k + 1);
        }
        break;
    case K_GEBYR:
        lua_createtable(L, TG_TAKST_TILSYN_BANDS, 0);
        for (int k = 0; k < TG_TAKST_TILSYN_BANDS; k++) {
            push_amount(L, r->tilsyn_gebyr[k]);
            lua_rawseti(L, -2, k + 1);
        }
        break;
    case K_DELTID:
        lua_createtable(L, 7, 0);
        for (int k = 0; k < 7; k++) {
            lua_pushnumber(L, r->deltid[k]);
            lua_rawseti(L, -2, k + 1);
        }
        break;
    case K_OVERFOERSEL: /* one value only while both limits agree */
        if (r->overfoersel_pct_overskud == r->overfoersel_pct_underskud)
            lua_pushnumber(L, r->overfoersel_pct_overskud);
        else lua_pushnil(L);
        break;
    }
}

static unsigned check_lines(lua_State *L, int idx, const char *what) {
    unsigned mask = 0;
    idx = lua_absindex(L, idx);
    if (!lua_istable(L, idx)) tg_luaaux_bad(L, "rules", what, "a list of omkostningstyper", idx);
    for (lua_Integer i = 1, n = (lua_Integer)lua_rawlen(L, idx); i <= n; i++) {
        size_t len;
        lua_rawgeti(L, idx, i);
        const char *s = lua_tolstring(L, -1, &len);
        int k = s ? tg_takst_omk_parse(s, len) : -1;
        if (k < 0)
            tg_luaaux_bad(L, "rules", lua_pushfstring(L, "%s[%I]", what, i), "an omkostningstype",
                          -2);
        mask |= TG_TAKST_BIT(k);
        lua_pop(L, 1);
    }
    return mask;
}

static void set_field(lua_State *L, tg_takst_rules *r, const struct field *f, int idx) {
    char *p = (char *)r + f->off;
    double v[7];
    switch (f->kind) {
    case K_NUM:
        *(double *)(void *)p =
            tg_luaaux_check_number(L, idx, "rules", f->name, -HUGE_VAL, HUGE_VAL);
        break;
    case K_INT:
        *(int *)(void *)p =
            (int)tg_luaaux_check_integer(L, idx, "rules", f->name, -1000000, 1000000);
        break;
    case K_NAME: {
        size_t len = 0;
        const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &len) : NULL;
        if (!s || len == 0 || len >= sizeof r->navn) {
            char expect[48];
            snprintf(expect, sizeof expect, "a string of 1 to %d bytes", (int)sizeof r->navn - 1);
            tg_luaaux_bad(L, "rules", "navn", expect, idx);
        }
        memcpy(r->navn, s, len + 1);
        break;
    }
    case K_LINES: *(unsigned *)(void *)p = check_lines(L, idx, f->name); break;
    case K_BASIS:
        r->overfoersel_grundlag =
            (tg_takst_basis)tg_luaaux_check_choice(L, idx, "rules", f->name, BASIS_NAMES);
        break;
    case K_DAYS:
        if (lua_type(L, idx) == LUA_TSTRING && strcmp(lua_tostring(L, idx), "kalender") == 0)
            r->takstdage = 0;
        else if (lua_type(L, idx) == LUA_TNUMBER)
            r->takstdage =
                (int)tg_luaaux_check_integer(L, idx, "rules", f->name, -1000000, 1000000);
        else tg_luaaux_bad(L, "rules", f->name, "'kalender' or a number of days", idx);
        break;
    case K_MAANED:
        r->maaned_af_uafrundet = tg_luaaux_check_choice(L, idx, "rules", f->name, MAANED_NAMES);
        break;
    case K_GRAENSER:
        tg_luaaux_check_list(L, idx, "rules", f->name, v, (size_t)(TG_TAKST_TILSYN_BANDS - 1),
                             -HUGE_VAL, HUGE_VAL);
        for (int k = 0; k < TG_TAKST_TILSYN_BANDS - 1; k++) {
            if (v[k] != floor(v[k]) || v[k] < 0 || v[k] > 1e6)
                tg_luaaux_error(L, "rules: '%s' must be whole numbers of places from 0 to 1000000",
                                f->name);
            r->tilsyn_graense[k] = (int)v[k];
        }
        break;
    case K_GEBYR:
        tg_luaaux_check_list(L, idx, "rules", f->name, r->tilsyn_gebyr,
                             (size_t)(TG_TAKST_TILSYN_BANDS), -HUGE_VAL, HUGE_VAL);
        break;
    case K_DELTID:
        tg_luaaux_check_list(L, idx, "rules", f->name, r->deltid, (size_t)(7), -HUGE_VAL, HUGE_VAL);
        break;
    case K_OVERFOERSEL:
        r->overfoersel_pct_overskud = r->overfoersel_pct_underskud =
            tg_luaaux_check_number(L, idx, "rules", f->name, -HUGE_VAL, HUGE_VAL);
        break;
    }
}

/* ---- TakstRules ---- */

/* tegn.takst.rules([base = "BEK2022"] [, overrides]): a rule set. A
** derived set is named "<base>*" unless the overrides give navn. */
static int l_takst_rules(lua_State *L) {
    const char *known[N_FIELDS + 1];
    tg_takst_rules r;
    tg_error err;

    if (lua_istable(L, 1) && lua_isnone(L, 2)) {
        lua_pushnil(L);
        lua_insert(L, 1);
    }
    r = tg_luaval_rules(L, 1, "rules", "base");
    if (!lua_isnoneornil(L, 2)) {
        for (size_t i = 0; i < N_FIELDS; i++) known[i] = FIELDS[i].name;
        known[N_FIELDS] = NULL;
        tg_luaaux_check_table(L, 2, "rules", "overrides");
        tg_luaaux_check_opts(L, 2, known, "rules");
        lua_getfield(L, 2, "navn");
        if (lua_isnil(L, -1)) {
            size_t len = strlen(r.navn);
            if (len + 1 < sizeof r.navn && r.navn[len - 1] != '*') memcpy(r.navn + len, "*", 2);
        }
        lua_pop(L, 1);
        for (size_t i = 0; i < N_FIELDS; i++) {
            lua_getfield(L, 2, FIELDS[i].name);
            if (!lua_isnil(L, -1)) set_field(L, &r, &FIELDS[i], -1);
            lua_pop(L, 1);
        }
    }
    tg_err_clear(&err);
    if (tg_takst_rules_check(&r, &err) != TG_OK) return tg_luaaux_fail(L, TG_EARG, &err, "rules");
    tg_luaval_rules_push(L, &r);
    return 1;
}

/* r:table(): the fields as a plain Lua table (for printing or tegn.emit). */
static int l_rules_table(lua_State *L) {
    const tg_takst_rules *r = tg_luaaux_check_udata(L, 1, TG_LUAVAL_RULES_MT);
    lua_createtable(L, 0, (int)N_FIELDS);
    for (size_t i = 0; i < N_FIELDS; i++) {
        push_field(L, r, &FIELDS[i]);
        lua_setfield(L, -2, FIELDS[i].name);
    }
    return 1;
}

static int l_rules_index(lua_State *L) {
    const tg_takst_rules *r = tg_luaaux_check_udata(L, 1, TG_LUAVAL_RULES_MT);
    const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
    if (!key) return tg_luaaux_bad(L, "rule set", "field", "a field name", 2);
    if (strcmp(key, "table") == 0) {
        lua_pushcfunction(L, l_rules_table);
        return 1;
    }
    for (size_t i = 0; i < N_FIELDS; i++)
        if (strcmp(key, FIELDS[i].name) == 0) {
            push_field(L, r, &FIELDS[i]);
            return 1;
        }
    return tg_luaaux_error(L, "rule set has no field '%s'", key);
}

static int l_rules_tostring(lua_State *L) {
    const tg_takst_rules *r = tg_luaaux_check_udata(L, 1, TG_LUAVAL_RULES_MT);
    lua_pushfstring(L, "tegn.TakstRules(%s v%d)", r->navn, r->version);
    return 1;
}

/* tegn.takst.rule_sets(): the names of the built-in rule sets. */
static int l_takst_rule_sets(lua_State *L) {
    const char *name;
    lua_newtable(L);
    for (size_t i = 0; (name = tg_takst_rules_name_at(i)) != NULL; i++) {
        lua_pushstring(L, name);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* ---- argument tables ---- */

static tg_takst_rules rules_option(lua_State *L, int idx, const char *fname) {
    tg_takst_rules r;
    lua_getfield(L, idx, "regler");
    r = tg_luaval_rules(L, -1, fname, "regler");
    lua_pop(L, 1);
    return r;
}

static void set_amount(lua_State *L, const char *key, double x) {
    if (isnan(x)) return;
    push_amount(L, x);
    lua_setfield(L, -2, key);
}

static void set_num(lua_State *L, const char *key, double x) {
    lua_pushnumber(L, x);
    lua_setfield(L, -2, key);
}

/* ---- the functions ---- */

/* Budget occupancy from 'historik' (with 'akut') under r for year 'aar'. */
static double occupancy_from(lua_State *L, int args, const tg_takst_rules *r, int aar,
                             const char *fname) {
    double act[HISTORIK_MAX], bb;
    int first;
    tg_error err;
    lua_getfield(L, args, "historik");
    size_t n = tg_luaaux_check_years(L, -1, fname, "historik", act, HISTORIK_MAX, &first,
                                     TG_LUAAUX_YEARS_NONEMPTY);
    lua_pop(L, 1);
    tg_err_clear(&err);
    if (tg_takst_budget_belaegning(r, aar, first, act, n,
                                   tg_luaaux_opt_boolean(L, args, fname, "akut", 0), &bb,
                                   &err) != TG_OK)
        tg_luaaux_fail(L, TG_EARG, &err, fname);
    return bb;
}

/* tegn.takst.budget_belaegning{ regler =, aar =, historik =, akut = } */
static int l_takst_budget_belaegning(lua_State *L) {
    static const char *const known[] = { "regler", "aar", "historik", "akut", NULL };
    const char *fname = "takst.budget_belaegning";
    tg_luaaux_check_table(L, 1, fname, "options");
    tg_luaaux_check_opts(L, 1, known, fname);
    tg_takst_rules r = rules_option(L, 1, fname);
    lua_pushnumber(
        L,
        occupancy_from(L, 1, &r, (int)tg_luaaux_need_integer(L, 1, fname, "aar", -1000000, 1000000),
                       fname));
    return 1;
}

/* tegn.takst.compute{ regler =, aar =, normerede_pladser =, takstdage =,
** budget_belaegning = | historik = (, akut =), omkostninger = {...},
** overhead_pct =, tilsyn_pl_faktor =, maanedsfaktor = } */
static int l_takst_compute(lua_State *L) {
    static const char *const known[] = {
        "regler",        "aar",  "normerede_pladser", "takstdage",    "budget_belaegning",
        "historik",      "akut", "omkostninger",      "overhead_pct", "tilsyn_pl_faktor",
        "maanedsfaktor", NULL
    };
    const char *fname = "takst.compute";
    tg_takst_input in;
    tg_takst_result res;
    tg_error err;

    tg_luaaux_check_table(L, 1, fname, "options");
    tg_luaaux_check_opts(L, 1, known, fname);
    tg_takst_rules r = rules_option(L, 1, fname);
    tg_takst_input_init(&in);
    in.aar = (int)tg_luaaux_opt_integer(L, 1, fname, "aar", 0, -1000000, 1000000);
    in.pladser = tg_luaaux_need_number(L, 1, fname, "normerede_pladser", -HUGE_VAL, HUGE_VAL);
    in.takstdage = (int)tg_luaaux_opt_integer(L, 1, fname, "takstdage", 0, -1000000, 1000000);
    in.overhead_pct = tg_luaaux_opt_number(L, 1, fname, "overhead_pct", NAN, -HUGE_VAL, HUGE_VAL);
    in.tilsyn_pl_faktor =
        tg_luaaux_opt_number(L, 1, fname, "tilsyn_pl_faktor", 1, -HUGE_VAL, HUGE_VAL);
    in.maanedsfaktor = tg_luaaux_opt_number(L, 1, fname, "maanedsfaktor", NAN, -HUGE_VAL, HUGE_VAL);
    in.budget_belaegning =
        tg_luaaux_opt_number(L, 1, fname, "budget_belaegning", NAN, -HUGE_VAL, HUGE_VAL);
    lua_getfield(L, 1, "historik");
    int has_hist = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (has_hist == !isnan(in.budget_belaegning))
        return tg_luaaux_error(L, "%s: give either budget_belaegning or historik", fname);
    if (has_hist) {
        if (!in.aar) return tg_luaaux_error(L, "%s: 'aar' is required with 'historik'", fname);
        in.budget_belaegning = occupancy_from(L, 1, &r, in.aar, fname);
    }
    lua_getfield(L, 1, "omkostninger");
    if (lua_isnil(L, -1)) return tg_luaaux_missing(L, fname, "omkostninger");
    tg_luaval_omkostninger(L, -1, fname, "omkostninger", in.omk, 1);
    lua_pop(L, 1);
    tg_err_clear(&err);
    if (tg_takst_compute(&r, &in, &res, &err) != TG_OK)
        return tg_luaaux_fail(L, TG_EARG, &err, fname);

    lua_createtable(L, 0, 12);
    lua_pushstring(L, r.navn);
    lua_setfield(L, -2, "regler");
    set_amount(L, "takstgrundlag", res.takstgrundlag);
    lua_pushinteger(L, res.takstdage);
    lua_setfield(L, -2, "takstdage");
    set_num(L, "budget_belaegning", in.budget_belaegning);
    set_amount(L, "belaegningsdage", res.belaegningsdage);
    set_num(L, "doegntakst_uafrundet", res.doegntakst_uafrundet);
    set_amount(L, "doegntakst", res.doegntakst);
    set_amount(L, "maanedstakst", res.maanedstakst);
    set_amount(L, "basistakst", res.basistakst);
    set_amount(L, "servicetakst", res.servicetakst);
    lua_createtable(L, 0, TG_OMK_N);
    for (int k = 0; k < TG_OMK_N; k++) set_amount(L, tg_takst_omk_name(k), res.omk[k]);
    lua_setfield(L, -2, "omkostninger");
    return 1;
}

/* tegn.takst.compute_table(param, budget [, regler]) */
static int l_takst_compute_table(lua_State *L) {
    tg_interrupt intr;
    tg_error err;
    tg_table *param = tg_luaval_table_arg(L, 1, "takst.compute_table", "param");
    tg_table *budget = tg_luaval_table_arg(L, 2, "takst.compute_table", "budget");
    tg_takst_rules r = tg_luaval_rules(L, 3, "takst.compute_table", "regler");
    tg_table **slot = tg_luaval_table_new(L);
    int res = lua_gettop(L);

    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    tg_status st = tg_takst_compute_table(&r, param, budget, &intr, slot, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, "takst.compute_table");
    return tg_luaval_table_finish(L, res);
}

/* tegn.takst.regulate{ regler =, aar =, belagte_dage =, doegntakst =,
** provenu =, regnskab =, takstgrundlag =, budget_regulering = } */
static int l_takst_regulate(lua_State *L) {
    static const char *const known[] = {
        "regler",   "aar",           "belagte_dage",      "doegntakst", "provenu",
        "regnskab", "takstgrundlag", "budget_regulering", NULL
    };
    const char *fname = "takst.regulate";
    tg_takst_account a;
    tg_takst_regulation g;
    tg_error err;

    tg_luaaux_check_table(L, 1, fname, "options");
    tg_luaaux_check_opts(L, 1, known, fname);
    tg_takst_rules r = rules_option(L, 1, fname);
    a.aar = (int)tg_luaaux_need_integer(L, 1, fname, "aar", -1000000, 1000000);
    a.provenu = tg_luaaux_opt_number(L, 1, fname, "provenu", NAN, -HUGE_VAL, HUGE_VAL);
    a.belagte_dage =
        isnan(a.provenu)
            ? tg_luaaux_need_number(L, 1, fname, "belagte_dage", -HUGE_VAL, HUGE_VAL)
            : tg_luaaux_opt_number(L, 1, fname, "belagte_dage", NAN, -HUGE_VAL, HUGE_VAL);
    a.doegntakst = isnan(a.provenu)
                       ? tg_luaaux_need_number(L, 1, fname, "doegntakst", -HUGE_VAL, HUGE_VAL)
                       : tg_luaaux_opt_number(L, 1, fname, "doegntakst", NAN, -HUGE_VAL, HUGE_VAL);
    a.takstgrundlag = tg_luaaux_need_number(L, 1, fname, "takstgrundlag", -HUGE_VAL, HUGE_VAL);
    a.budget_regulering =
        tg_luaaux_opt_number(L, 1, fname, "budget_regulering", NAN, -HUGE_VAL, HUGE_VAL);
    lua_getfield(L, 1, "regnskab");
    if (lua_isnil(L, -1)) return tg_luaaux_missing(L, fname, "regnskab");
    if (lua_istable(L, -1)) {
        double omk[TG_OMK_N];
        a.regnskab = tg_luaval_omkostninger(L, -1, fname, "regnskab", omk, 1);
    } else {
        a.regnskab = tg_luaaux_check_number(L, -1, fname, "regnskab", -HUGE_VAL, HUGE_VAL);
    }
    lua_pop(L, 1);
    tg_err_clear(&err);
    if (tg_takst_regulate(&r, &a, &g, &err) != TG_OK)
        return tg_luaaux_fail(L, TG_EARG, &err, fname);

    lua_createtable(L, 0, 7);
    set_amount(L, "provenu", g.provenu);
    set_amount(L, "resultat", g.resultat);
    if (!isnan(g.resultat_pct)) set_num(L, "resultat_pct", g.resultat_pct);
    set_amount(L, "graense", g.graense);
    set_amount(L, "driftsramme", g.driftsramme);
    set_amount(L, "regulering", g.regulering);
    lua_pushinteger(L, g.aar_regulering);
    lua_setfield(L, -2, "aar_regulering");
    return 1;
}

/* tegn.takst.ydelsespakke{ timer_fra =, timer_til =, timepris =, periode_dage = } */
static int l_takst_ydelsespakke(lua_State *L) {
    static const char *const known[] = { "timer_fra", "timer_til", "timepris", "periode_dage",
                                         NULL };
    const char *fname = "takst.ydelsespakke";
    double fra, til, pris, dag;
    tg_error err;

    tg_luaaux_check_table(L, 1, fname, "options");
    tg_luaaux_check_opts(L, 1, known, fname);
    fra = tg_luaaux_need_number(L, 1, fname, "timer_fra", -HUGE_VAL, HUGE_VAL);
    til = tg_luaaux_need_number(L, 1, fname, "timer_til", -HUGE_VAL, HUGE_VAL);
    tg_err_clear(&err);
    if (tg_takst_ydelsespakke(
            fra, til, tg_luaaux_need_number(L, 1, fname, "timepris", -HUGE_VAL, HUGE_VAL),
            tg_luaaux_opt_number(L, 1, fname, "periode_dage", NAN, -HUGE_VAL, HUGE_VAL), &pris,
            &dag, &err) != TG_OK)
        return tg_luaaux_fail(L, TG_EARG, &err, fname);
    lua_createtable(L, 0, 3);
    set_num(L, "timer", (fra + til) / 2);
    set_amount(L, "pris", pris);
    set_amount(L, "pris_pr_dag", dag);
    return 1;
}

/* tegn.takst.tillaeg{ timer =, tillaegstakst = }: hours x the hourly
** tillægstakst, rounded to øre. */
static int l_takst_tillaeg(lua_State *L) {
    static const char *const known[] = { "timer", "tillaegstakst", NULL };
    const char *fname = "takst.tillaeg";
    tg_luaaux_check_table(L, 1, fname, "options");
    tg_luaaux_check_opts(L, 1, known, fname);
    double timer = tg_luaaux_need_number(L, 1, fname, "timer", 0, HUGE_VAL);
    double sats = tg_luaaux_need_number(L, 1, fname, "tillaegstakst", 0, HUGE_VAL);
    if (!isfinite(timer * sats))
        return tg_luaaux_error(L, "%s: timer x tillaegstakst is too large", fname);
    push_amount(L, tg_takst_tillaeg(timer, sats));
    return 1;
}

/* tegn.takst.moms_refusion{ takst =, momsbelagt_andel =, regler = } */
static int l_takst_moms_refusion(lua_State *L) {
    static const char *const known[] = { "regler", "takst", "momsbelagt_andel", NULL };
    const char *fname = "takst.moms_refusion";
    tg_luaaux_check_table(L, 1, fname, "options");
    tg_luaaux_check_opts(L, 1, known, fname);
    tg_takst_rules r = rules_option(L, 1, fname);
    double takst = tg_luaaux_need_number(L, 1, fname, "takst", -HUGE_VAL, HUGE_VAL);
    double andel = tg_luaaux_need_number(L, 1, fname, "momsbelagt_andel", 0, 1);
    push_amount(L, tg_takst_moms_refusion(&r, takst, andel));
    return 1;
}

/* tegn.takst.deltid{ takst =, dage_pr_uge =, regler = } */
static int l_takst_deltid(lua_State *L) {
    static const char *const known[] = { "regler", "takst", "dage_pr_uge", NULL };
    const char *fname = "takst.deltid";
    double v;
    tg_error err;
    tg_luaaux_check_table(L, 1, fname, "options");
    tg_luaaux_check_opts(L, 1, known, fname);
    tg_takst_rules r = rules_option(L, 1, fname);
    double takst = tg_luaaux_need_number(L, 1, fname, "takst", -HUGE_VAL, HUGE_VAL);
    tg_err_clear(&err);
    if (tg_takst_deltid(&r, takst, (int)tg_luaaux_need_integer(L, 1, fname, "dage_pr_uge", 1, 7),
                        &v, &err) != TG_OK)
        return tg_luaaux_fail(L, TG_EARG, &err, fname);
    push_amount(L, v);
    return 1;
}

/* ---- registration ---- */

static const luaL_Reg rules_meta[] = {
    { "__index", l_rules_index },
    { "__tostring", l_rules_tostring },
    { NULL, NULL },
};

static const luaL_Reg takst_funcs[] = {
    { "rules", l_takst_rules },
    { "rule_sets", l_takst_rule_sets },
    { "budget_belaegning", l_takst_budget_belaegning },
    { "compute", l_takst_compute },
    { "compute_table", l_takst_compute_table },
    { "regulate", l_takst_regulate },
    { "ydelsespakke", l_takst_ydelsespakke },
    { "tillaeg", l_takst_tillaeg },
    { "moms_refusion", l_takst_moms_refusion },
    { "deltid", l_takst_deltid },
    { NULL, NULL },
};

void tg_luatakst_open_module(lua_State *L) {
    tg_luaaux_new_metatable(L, TG_LUAVAL_RULES_MT, rules_meta, NULL);
    lua_pop(L, 1);
    luaL_newlib(L, takst_funcs);
    lua_setfield(L, -2, "takst");
}
