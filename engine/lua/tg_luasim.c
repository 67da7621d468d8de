/*
** tg_luasim.c -- tegn.sim (see tg_luasim.h). A script's description of
** the tilbud is read into one C spec held by a box on the Lua stack, so a
** Lua error while reading it frees everything; the simulation result is
** boxed the same way while its tables are built. Dates become day offsets
** from `start`; rates per year are per 365 days.
*/
#include "tg_luasim.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "tg_date.h"
#include "tg_err.h"
#include "tg_lua.h"
#include "tg_luaaux.h"
#include "tg_lualos.h"
#include "tg_luaval.h"
#include "tg_mem.h"
#include "tg_sim.h"

#define DAYS_PER_YEAR 365.0

/* Everything tg_sim_run borrows, owned here. */
typedef struct spec {
    size_t n;
    tg_sim_unit *units;
    char **ids;
    double *season;         /* [n * 12] */
    double **daily;         /* [n], NULL where not given */
    tg_sim_step **steps;    /* [n] */
    tg_sim_empirical **emp; /* [n] */
    double **elapsed;       /* [n], NULL where not given */
    long *periods;          /* period start days */
    size_t n_periods;
} spec;

static void free_spec(void *p) {
    spec *s = p;
    if (!s) return;
    for (size_t k = 0; k < s->n; k++) {
        if (s->ids) tg_free(s->ids[k]);
        if (s->daily) tg_free(s->daily[k]);
        if (s->steps) tg_free(s->steps[k]);
        if (s->emp) tg_sim_empirical_free(s->emp[k]);
        if (s->elapsed) tg_free(s->elapsed[k]);
    }
    tg_free(s->units);
    tg_free(s->ids);
    tg_free(s->season);
    tg_free(s->daily);
    tg_free(s->steps);
    tg_free(s->emp);
    tg_free(s->elapsed);
    tg_free(s->periods);
    tg_free(s);
}

static void free_result(void *p) {
    tg_sim_result_free(p);
}

static void *alloc_or_raise(lua_State *L, size_t count, size_t size) {
    void *p = tg_calloc(count ? count : 1, size);
    if (!p) tg_lua_raise(L, TG_ENOMEM, NULL);
    return p;
}

/* ---- tegn.sim.run: reading the tilbud ---- */


/* Reads kapacitet (the list at idx) into unit k: changes on or before the
** start set the starting places, changes after the horizon are ignored. */
static void read_capacity(lua_State *L, int idx, spec *sp, size_t k, int32_t start, long days,
                          const char *where) {
    static const char *const known[] = { "fra", "pladser", NULL };
    tg_sim_unit *u = &sp->units[k];
    size_t n = (size_t)lua_rawlen(L, idx);
    int32_t prev = INT32_MIN;

    idx = lua_absindex(L, idx);
    sp->steps[k] = alloc_or_raise(L, n, sizeof *sp->steps[k]);
    for (size_t i = 0; i < n; i++) {
        int has;
        int32_t d;
        long places;
        lua_rawgeti(L, idx, (lua_Integer)i + 1);
        if (!lua_istable(L, -1))
            tg_luaaux_bad(L, where, "kapacitet", "a list of {fra = date, pladser = n}", idx);
        tg_luaaux_check_opts(L, -1, known, where);
        has = tg_luaaux_opt_date(L, lua_gettop(L), where, "fra", &d);
        places =
            tg_luaaux_opt_integer(L, lua_gettop(L), where, "pladser", -1, 0, TG_SIM_MAX_PLACES);
        if (!has || places < 0)
            tg_luaaux_error(L, "%s: each 'kapacitet' change needs 'fra' and 'pladser'", where);
        if (d <= prev) tg_luaaux_error(L, "%s: 'kapacitet' changes must be in date order", where);
        prev = d;
        if (d <= start) u->places = (int)places;
        else if ((long)(d - start) < days)
            sp->steps[k][u->n_steps++] = (tg_sim_step){ (long)(d - start), (int)places };
        lua_pop(L, 1);
    }
    u->steps = sp->steps[k];
}

/* pladser, belagte and venteliste are the old names of normerede_pladser,
** start_belagt and start_venteliste (the names tegn.scenario uses), read
** with a warning for one release. */
static const char *const unit_keys[] = { "id",
                                         "normerede_pladser",
                                         "henvisninger_pr_aar",
                                         "henvisninger_pr_dag",
                                         "saeson",
                                         "liggetid",
                                         "politik",
                                         "max_venteliste",
                                         "kapacitet",
                                         "start_belagt",
                                         "start_venteliste",
                                         "start_opholdt",
                                         "pladser",
                                         "belagte",
                                         "venteliste",
                                         NULL };

static void read_unit(lua_State *L, int idx, spec *sp, size_t k, int32_t start, long days) {
    static const char *const policies[] = { "venteliste", "afvisning", NULL };
    tg_sim_unit *u = &sp->units[k];
    char where[160];
    double per_year;
    const char *key;
    int top = lua_gettop(L), has_elapsed;

    idx = lua_absindex(L, idx);
    snprintf(where, sizeof where, "sim.run: tilbud %zu", k + 1);
    if (!lua_istable(L, idx))
        tg_luaaux_bad(L, "sim.run", lua_pushfstring(L, "tilbud[%d]", (int)k + 1), "a table", idx);
    if (lua_getfield(L, idx, "id") != LUA_TSTRING) tg_luaaux_bad(L, where, "id", "a string", -1);
    if (!(sp->ids[k] = tg_strdup(lua_tostring(L, -1)))) tg_lua_raise(L, TG_ENOMEM, NULL);
    lua_pop(L, 1);
    snprintf(where, sizeof where, "sim.run: tilbud '%.100s'", sp->ids[k]);
    tg_luaaux_check_opts(L, idx, unit_keys, where);
    u->id = sp->ids[k];
    key = tg_luaaux_renamed(L, idx, where, "normerede_pladser", "pladser");
    u->places = (int)tg_luaaux_need_integer(L, idx, where, key, 0, TG_SIM_MAX_PLACES);

    per_year = tg_luaaux_opt_number(L, idx, where, "henvisninger_pr_aar", NAN, -HUGE_VAL, HUGE_VAL);
    lua_getfield(L, idx, "henvisninger_pr_dag");
    if (!isnan(per_year) == !lua_isnil(L, -1))
        tg_luaaux_error(L, "%s: give one of 'henvisninger_pr_aar' and 'henvisninger_pr_dag'",
                        where);
    if (lua_istable(L, -1)) {
        sp->daily[k] = alloc_or_raise(L, (size_t)days, sizeof(double));
        lua_pop(L, 1);
        tg_luaaux_opt_list(L, idx, where, "henvisninger_pr_dag", sp->daily[k], (size_t)days, 0,
                           HUGE_VAL);
        u->daily = sp->daily[k];
    } else {
        lua_pop(L, 1);
        u->rate = isnan(per_year) ? tg_luaaux_opt_number(L, idx, where, "henvisninger_pr_dag", 0,
                                                         -HUGE_VAL, HUGE_VAL)
                                  : per_year / DAYS_PER_YEAR;
    }
    if (tg_luaaux_opt_list(L, idx, where, "saeson", sp->season + 12 * k, 12, 0, HUGE_VAL)) {
        if (u->daily)
            tg_luaaux_error(L, "%s: 'saeson' does not go with a list 'henvisninger_pr_dag'", where);
        u->season = sp->season + 12 * k;
    }

    if (lua_getfield(L, idx, "liggetid") == LUA_TNIL)
        tg_luaaux_error(L, "%s: 'liggetid' is required", where);
    tg_lualos_read(L, -1, where, &u->los);
    sp->emp[k] = tg_lualos_take(L, -1); /* the spec owns it now */
    lua_pop(L, 1);
    lua_pop(L, 1);

    u->policy =
        tg_luaaux_opt_choice(L, idx, where, "politik", policies, 0) ? TG_SIM_LOSS : TG_SIM_QUEUE;
    u->queue_max = tg_luaaux_opt_integer(L, idx, where, "max_venteliste", -1, 0, TG_SIM_MAX_QUEUE);
    if (lua_getfield(L, idx, "kapacitet") != LUA_TNIL) {
        if (!lua_istable(L, -1))
            tg_luaaux_bad(L, where, "kapacitet", "a list of {fra = date, pladser = n}", -1);
        read_capacity(L, -1, sp, k, start, days, where);
    }
    lua_pop(L, 1);
    key = tg_luaaux_renamed(L, idx, where, "start_belagt", "belagte");
    u->start_occupied = tg_luaaux_opt_integer(L, idx, where, key, -1, 0, TG_SIM_MAX_PLACES);
    key = tg_luaaux_renamed(L, idx, where, "start_venteliste", "venteliste");
    u->start_queue = tg_luaaux_opt_integer(L, idx, where, key, 0, 0, TG_SIM_MAX_QUEUE);
    has_elapsed = lua_getfield(L, idx, "start_opholdt") != LUA_TNIL;
    lua_pop(L, 1);
    if (u->start_queue > 0 && u->start_occupied < 0 && !has_elapsed)
        tg_luaaux_error(L, "%s: 'start_venteliste' needs 'start_belagt' too", where);
    /* How long each of today's residents has stayed: their remaining
    ** stays are drawn given that. */
    if (lua_getfield(L, idx, "start_opholdt") != LUA_TNIL) {
        size_t n;
        if (!lua_istable(L, -1))
            tg_luaaux_bad(L, where, "start_opholdt", "a list of days stayed so far", -1);
        n = (size_t)lua_rawlen(L, -1);
        lua_pop(L, 1);
        if (n > TG_SIM_MAX_PLACES)
            tg_luaaux_error(L, "%s: 'start_opholdt' lists more than %d residents", where,
                            TG_SIM_MAX_PLACES);
        sp->elapsed[k] = alloc_or_raise(L, n ? n : 1, sizeof(double));
        tg_luaaux_opt_list(L, idx, where, "start_opholdt", sp->elapsed[k], n, 0, HUGE_VAL);
        u->elapsed = sp->elapsed[k];
        u->n_elapsed = n;
        if (u->start_occupied < 0) u->start_occupied = (long)n;
    } else {
        lua_pop(L, 1);
    }
    lua_settop(L, top);
}

/* Period starts for 'aar' (1 January), 'maaned' (the 1st) or 'hele'. */
static void make_periods(lua_State *L, spec *sp, int32_t start, long days, int kind) {
    size_t n = 1;
    sp->periods = alloc_or_raise(L, kind == 2 ? 1 : (size_t)days / 28 + 2, sizeof(long));
    sp->periods[0] = 0;
    for (long d = 1; kind != 2 && d < days; d++) {
        int y, m, dd;
        tg_date_to_ymd(start + (int32_t)d, &y, &m, &dd);
        if (dd == 1 && (kind == 1 || m == 1)) sp->periods[n++] = d;
    }
    sp->n_periods = n;
}

/* ---- tegn.sim.run: the result tables ---- */

/* Adds an n-row column of 'type' to t and returns it for filling. */
static tg_col *add_col(lua_State *L, tg_table *t, const char *name, tg_type type, size_t n) {
    tg_col *c = tg_col_new(type, n ? n : 1, NULL);
    tg_status st;
    if (!c) tg_lua_raise(L, TG_ENOMEM, NULL);
    memset(c->v.any, 0, (n ? n : 1) * tg_type_width(type));
    c->len = n;
    st = tg_table_add(t, name, c);
    tg_col_release(c);
    if (st != TG_OK) tg_lua_raise(L, st, NULL);
    return c;
}

/* A string column of ids: row r is ids[r / per]. */
static void add_ids(lua_State *L, tg_table *t, const spec *sp, size_t per) {
    size_t n = sp->n * per;
    tg_col *c = add_col(L, t, "tilbud_id", TG_STRING, n);
    for (size_t k = 0; k < sp->n; k++) {
        uint32_t code;
        if (tg_dict_intern(c->dict, sp->ids[k], strlen(sp->ids[k]), &code) != TG_OK)
            tg_lua_raise(L, TG_ENOMEM, NULL);
        for (size_t r = 0; r < per; r++) c->v.str[k * per + r] = code;
    }
}

static void set_f64(lua_State *L, tg_table *t, const char *name, const tg_sim_result *res,
                    size_t off) {
    tg_col *c = add_col(L, t, name, TG_FLOAT, res->n_units);
    for (size_t k = 0; k < res->n_units; k++)
        memcpy(&c->v.f64[k], (const char *)&res->units[k] + off, sizeof(double));
}

static void set_i64(lua_State *L, tg_table *t, const char *name, const tg_sim_result *res,
                    size_t off) {
    tg_col *c = add_col(L, t, name, TG_INT, res->n_units);
    for (size_t k = 0; k < res->n_units; k++) {
        int v;
        memcpy(&v, (const char *)&res->units[k] + off, sizeof v);
        c->v.i64[k] = v;
    }
}

static void push_summary(lua_State *L, const spec *sp, const tg_sim_result *res, long days) {
    tg_table *t = (*tg_luaval_table_new(L) = tg_table_new());
    size_t n = res->n_units;
    double per_year = DAYS_PER_YEAR / (double)days;
    tg_col *c;

    if (!t) tg_lua_raise(L, TG_ENOMEM, NULL);
    add_ids(L, t, sp, 1);
    c = add_col(L, t, "pladser", TG_INT, n);
    for (size_t k = 0; k < n; k++) c->v.i64[k] = sp->units[k].places;
    c = add_col(L, t, "henvisninger_pr_aar", TG_FLOAT, n);
    for (size_t k = 0; k < n; k++) c->v.f64[k] = res->units[k].referrals * per_year;
    c = add_col(L, t, "middel_liggetid", TG_FLOAT, n);
    for (size_t k = 0; k < n; k++) c->v.f64[k] = tg_sim_los_mean(&sp->units[k].los);
#define F(name, field) set_f64(L, t, name, res, offsetof(tg_sim_summary, field))
#define I(name, field) set_i64(L, t, name, res, offsetof(tg_sim_summary, field))
    F("belaegning", occ_mean);
    F("belaegning_se", occ_se);
    I("belaegning_p5", occ_p5);
    I("belaegning_p50", occ_p50);
    I("belaegning_p95", occ_p95);
    F("belaegningsprocent", pct_mean);
    F("belaegningsprocent_p5", pct_p5);
    F("belaegningsprocent_p50", pct_p50);
    F("belaegningsprocent_p95", pct_p95);
    F("p_fuld", p_full);
    F("p_fuld_se", p_full_se);
    F("p_venter", p_wait);
    F("p_venter_se", p_wait_se);
    F("middel_ventetid", wait_mean);
    F("middel_ventetid_se", wait_se);
    F("p_afvist", p_lost);
    F("p_afvist_se", p_lost_se);
    F("mulige_dage", possible);
#undef F
#undef I
    c = add_col(L, t, "afviste_pr_aar", TG_FLOAT, n);
    for (size_t k = 0; k < n; k++) c->v.f64[k] = res->units[k].lost * per_year;
    c = add_col(L, t, "belagte_dage", TG_FLOAT, n);
    for (size_t k = 0; k < n; k++) c->v.f64[k] = res->units[k].occ_mean * (double)days;
}

static void push_periods(lua_State *L, const spec *sp, const tg_sim_result *res, int32_t start) {
    tg_table *t = (*tg_luaval_table_new(L) = tg_table_new());
    size_t np = res->n_periods, n = res->n_units * np;
    tg_col *aar, *fra, *til, *dage, *mulige, *mean, *p5, *p50, *p95, *pct;

    if (!t) tg_lua_raise(L, TG_ENOMEM, NULL);
    add_ids(L, t, sp, np);
    aar = add_col(L, t, "aar", TG_INT, n);
    fra = add_col(L, t, "fra", TG_DATE, n);
    til = add_col(L, t, "til", TG_DATE, n);
    dage = add_col(L, t, "dage", TG_INT, n);
    mulige = add_col(L, t, "mulige_dage", TG_FLOAT, n);
    mean = add_col(L, t, "belagte_dage", TG_FLOAT, n);
    p5 = add_col(L, t, "belagte_dage_p5", TG_FLOAT, n);
    p50 = add_col(L, t, "belagte_dage_p50", TG_FLOAT, n);
    p95 = add_col(L, t, "belagte_dage_p95", TG_FLOAT, n);
    pct = add_col(L, t, "belaegningsprocent", TG_FLOAT, n);
    for (size_t i = 0; i < n; i++) {
        const tg_sim_period *p = &res->periods[i];
        fra->v.date[i] = start + (int32_t)p->first;
        til->v.date[i] = start + (int32_t)(p->first + p->n_days - 1);
        aar->v.i64[i] = tg_date_year(fra->v.date[i]);
        dage->v.i64[i] = p->n_days;
        mulige->v.f64[i] = p->possible;
        mean->v.f64[i] = p->occ_mean;
        p5->v.f64[i] = p->occ_p5;
        p50->v.f64[i] = p->occ_p50;
        p95->v.f64[i] = p->occ_p95;
        pct->v.f64[i] = p->possible > 0 ? 100.0 * p->occ_mean / p->possible : 0;
        if (p->possible <= 0 && tg_col_set_null(pct, i) != TG_OK) tg_lua_raise(L, TG_ENOMEM, NULL);
    }
}

static void push_replications(lua_State *L, const spec *sp, const tg_sim_result *res,
                              int32_t start) {
    tg_table *t = (*tg_luaval_table_new(L) = tg_table_new());
    size_t np = res->n_periods, reps = res->reps, n = res->n_units * reps * np;
    tg_col *rep, *aar, *fra, *occ, *mulige;

    if (!t) tg_lua_raise(L, TG_ENOMEM, NULL);
    add_ids(L, t, sp, reps * np);
    rep = add_col(L, t, "replikation", TG_INT, n);
    aar = add_col(L, t, "aar", TG_INT, n);
    fra = add_col(L, t, "fra", TG_DATE, n);
    occ = add_col(L, t, "belagte_dage", TG_FLOAT, n);
    mulige = add_col(L, t, "mulige_dage", TG_FLOAT, n);
    for (size_t k = 0; k < res->n_units; k++)
        for (size_t r = 0; r < reps; r++)
            for (size_t j = 0; j < np; j++) {
                size_t i = (k * reps + r) * np + j;
                const tg_sim_period *p = &res->periods[k * np + j];
                rep->v.i64[i] = (int64_t)r + 1;
                fra->v.date[i] = start + (int32_t)p->first;
                aar->v.i64[i] = tg_date_year(fra->v.date[i]);
                occ->v.f64[i] = res->occupied[i];
                mulige->v.f64[i] = p->possible;
            }
}

/* tegn.sim.run{tilbud = {...}, start = date, dage = 365, replikationer =
** 1000, seed = n, indkoersel = 0, perioder = "aar", per_replikation =
** false}: the summary Table, the per-period Table and (with
** per_replikation) the per-replication Table. */
static int l_sim_run(lua_State *L) {
    static const char *const known[] = { "tilbud", "start",      "dage",     "replikationer",
                                         "seed",   "indkoersel", "perioder", "per_replikation",
                                         NULL };
    static const char *const period_kinds[] = { "aar", "maaned", "hele", NULL };
    spec *sp;
    tg_sim_opts o;
    tg_sim_result *res;
    tg_interrupt intr;
    tg_error err;
    tg_status st;
    int has, kind, per_rep = 0;
    void **box;

    tg_luaaux_check_table(L, 1, "sim.run", "options");
    lua_settop(L, 1);
    tg_luaaux_check_opts(L, 1, known, "sim.run");
    memset(&o, 0, sizeof o);
    has = tg_luaaux_opt_date(L, 1, "sim.run", "start", &o.start);
    if (!has) return tg_luaaux_missing(L, "sim.run", "start");
    o.days = tg_luaaux_opt_integer(L, 1, "sim.run", "dage", 365, 1, 36600);
    o.reps = tg_luaaux_opt_integer(L, 1, "sim.run", "replikationer", 1000, 1, 10000000);
    o.warmup = tg_luaaux_opt_integer(L, 1, "sim.run", "indkoersel", 0, 0, 36600);
    o.seed = tg_lua_seed(tg_lua_from_state(L));
    o.seed = (uint64_t)tg_luaaux_opt_integer(L, 1, "sim.run", "seed", (int64_t)o.seed, INT64_MIN,
                                             INT64_MAX);
    kind = tg_luaaux_opt_choice(L, 1, "sim.run", "perioder", period_kinds, 0);
    per_rep = tg_luaaux_opt_boolean(L, 1, "sim.run", "per_replikation", 0);
    lua_settop(L, 1);
    if (lua_getfield(L, 1, "tilbud") != LUA_TTABLE || lua_rawlen(L, -1) == 0)
        return tg_luaaux_bad(L, "sim.run", "tilbud", "a non-empty list of tilbud", -1);

    box = tg_luaaux_box(L, free_spec); /* 3 */
    sp = alloc_or_raise(L, 1, sizeof *sp);
    *box = sp;
    size_t n = (size_t)lua_rawlen(L, 2);
    sp->units = alloc_or_raise(L, n, sizeof *sp->units);
    sp->ids = alloc_or_raise(L, n, sizeof *sp->ids);
    sp->season = alloc_or_raise(L, 12 * n, sizeof *sp->season);
    sp->daily = alloc_or_raise(L, n, sizeof *sp->daily);
    sp->steps = alloc_or_raise(L, n, sizeof *sp->steps);
    sp->emp = alloc_or_raise(L, n, sizeof *sp->emp);
    sp->elapsed = alloc_or_raise(L, n, sizeof *sp->elapsed);
    sp->n = n;
    for (size_t k = 0; k < n; k++) {
        lua_rawgeti(L, 2, (lua_Integer)k + 1);
        read_unit(L, -1, sp, k, o.start, o.days);
        lua_pop(L, 1);
        for (size_t j = 0; j < k; j++)
            if (strcmp(sp->ids[j], sp->ids[k]) == 0)
                return tg_luaaux_error(L, "sim.run: tilbud '%s' is given twice", sp->ids[k]);
    }
    make_periods(L, sp, o.start, o.days, kind);
    o.periods = sp->periods;
    o.n_periods = sp->n_periods;

    box = tg_luaaux_box(L, free_result); /* 4 */
    tg_luaaux_interrupt(L, &intr);
    tg_err_clear(&err);
    st = tg_sim_run(sp->units, n, &o, &intr, &res, &err);
    if (st != TG_OK) return tg_luaaux_fail(L, st, &err, "sim.run");
    *box = res;
    push_summary(L, sp, res, o.days);                    /* 5 */
    push_periods(L, sp, res, o.start);                   /* 6 */
    if (per_rep) push_replications(L, sp, res, o.start); /* 7 */
    else lua_pushnil(L);
    tg_luaval_table_finish(L, 5);
    tg_luaval_table_finish(L, 6);
    if (per_rep) tg_luaval_table_finish(L, 7);
    else lua_pushnil(L);
    return 3;
}

/* ---- tegn.sim.from_stays ---- */

/* Referrals per tilbud (the stays' by codes) in the window, from the
** optional table of referrals: all of them, and of them turned away
** ("afvist") and still waiting ("venter"); by_month counts them per
** calendar month for the seasonal factors. */
typedef struct referrals {
    int given, has_outcome;
    double *all, *away, *waiting, *rows_any; /* [n_codes]; rows_any: rows at any date */
    double *by_month;                        /* [n_codes * 12] */
} referrals;

/* The outcome of referral row i: 0 admitted or unknown (NULL), 1 turned
** away, 2 waiting; an unknown word is an error naming the row. */
static int outcome_of(lua_State *L, const tg_col *c, size_t i, const char *where) {
    static const char *const words[] = { "optaget", "afvist", "venter" };
    size_t len;
    const char *s;
    if (!c || !tg_col_is_valid(c, i)) return 0;
    s = tg_dict_str(c->dict, c->v.str[i], &len);
    for (int k = 0; k < 3; k++)
        if (strcmp(s, words[k]) == 0) return k;
    return tg_luaaux_error(L,
                           "%s: henvisninger row %I: udfald must be 'optaget', 'afvist' or "
                           "'venter' (or empty), got '%s'",
                           where, (lua_Integer)(i + 1), s);
}

/* Reads the henvisninger option (a Table with the by column, a date column
** 'henvist' and optionally a string column 'udfald') into r, counting
** referrals with fra <= henvist < til per code of 'by' (the stays' column). */
static void count_referrals(lua_State *L, const tg_col *by, const char *by_name, int32_t fra,
                            int32_t til, referrals *r, const char *where) {
    uint32_t n_codes = tg_dict_size(by->dict);
    const tg_table *t;
    const tg_col *rby, *when, *what = NULL;
    const char *when_name, *what_name;
    memset(r, 0, sizeof *r);
    if (lua_getfield(L, 2, "henvisninger") == LUA_TNIL) {
        if (lua_getfield(L, 2, "henvist") != LUA_TNIL || lua_getfield(L, 2, "udfald") != LUA_TNIL)
            tg_luaaux_error(L,
                            "%s: 'henvist' and 'udfald' name columns of 'henvisninger', "
                            "which is not given",
                            where);
        lua_pop(L, 3);
        return;
    }
    t = tg_luaval_table_arg(L, lua_gettop(L), where, "henvisninger"); /* kept on the stack */
    when_name = tg_luaaux_opt_string(L, 2, where, "henvist", "henvist");
    what_name = tg_luaaux_opt_string(L, 2, where, "udfald", NULL);
    if (!(rby = tg_table_col(t, by_name)) || !tg_table_col(t, when_name) ||
        (what_name && !tg_table_col(t, what_name)))
        tg_luaaux_error(L,
                        "%s: henvisninger needs the columns '%s', '%s' (a date) and optionally "
                        "'%s' (optaget, afvist or venter); it has no '%s'",
                        where, by_name, when_name, what_name ? what_name : "udfald",
                        !rby                          ? by_name
                        : !tg_table_col(t, when_name) ? when_name
                                                      : what_name);
    if (rby->type != TG_STRING)
        tg_luaaux_error(L, "%s: henvisninger: column '%s' must hold strings", where, by_name);
    when = tg_lualos_date_col(L, t, when_name, where);
    what = tg_table_col(t, what_name ? what_name : "udfald");
    if (what && what->type != TG_STRING)
        tg_luaaux_error(L, "%s: henvisninger: column '%s' must hold strings", where,
                        what_name ? what_name : "udfald");
    r->given = 1;
    r->has_outcome = what != NULL;
    r->all = lua_newuserdatauv(L, ((size_t)n_codes + 1) * 16 * sizeof(double), 0);
    memset(r->all, 0, ((size_t)n_codes + 1) * 16 * sizeof(double));
    r->away = r->all + n_codes + 1;
    r->waiting = r->away + n_codes + 1;
    r->rows_any = r->waiting + n_codes + 1;
    r->by_month = r->rows_any + n_codes + 1;
    for (size_t i = 0; i < t->n_rows; i++) {
        size_t len;
        const char *s;
        uint32_t g;
        int o;
        if (!tg_col_is_valid(rby, i)) continue;
        s = tg_dict_str(rby->dict, rby->v.str[i], &len);
        if ((g = tg_dict_find(by->dict, s, len)) == TG_DICT_NONE)
            tg_luaaux_error(L, "%s: henvisninger row %I: tilbud '%s' has no stays", where,
                            (lua_Integer)(i + 1), s);
        r->rows_any[g]++;
        o = outcome_of(L, what, i, where);
        if (!tg_col_is_valid(when, i) || when->v.date[i] < fra || when->v.date[i] >= til) continue;
        r->all[g]++;
        r->away[g] += o == 1;
        r->waiting[g] += o == 2;
        r->by_month[(size_t)g * 12 + (size_t)(tg_date_month(when->v.date[i]) - 1)]++;
    }
}

/* tegn.sim.from_stays(ophold, {fra = date, til = date, by = "tilbud_id",
** indflyttet = "indflyttet", fraflyttet = "fraflyttet", henvisninger =
** Table, henvist = "henvist", udfald = "udfald"}): per tilbud the referral
** rate (every referral in the window when henvisninger has the tilbud's,
** else admissions, and the henvisninger_kilde column says which), the
** seasonal factors and the Kaplan-Meier mean and sd of the length of
** stay. */
static int l_sim_from_stays(lua_State *L) {
    static const char *const known[] = { "fra",        "til",        "by",
                                         "indflyttet", "fraflyttet", "henvisninger",
                                         "henvist",    "udfald",     NULL };
    const char *where = "sim.from_stays";
    const tg_table *t = tg_luaval_table_arg(L, 1, where, "ophold");
    const tg_col *by, *in, *out;
    const char *by_name, *in_name, *out_name;
    int has_fra, has_til;
    int32_t fra, til;
    double month_days[12] = { 0 };
    size_t n_groups = 0, *order, *start_at, *rows;
    uint32_t n_codes;

    tg_luaaux_check_table(L, 2, where, "options");
    lua_settop(L, 2);
    tg_luaaux_check_opts(L, 2, known, where);
    has_fra = tg_luaaux_opt_date(L, 2, where, "fra", &fra);
    has_til = tg_luaaux_opt_date(L, 2, where, "til", &til);
    if (!has_fra || !has_til)
        return tg_luaaux_error(L, "%s: the observation window 'fra' and 'til' is required", where);
    if (til <= fra) return tg_luaaux_error(L, "%s: 'til' must come after 'fra'", where);
    by_name = tg_luaaux_opt_string(L, 2, where, "by", "tilbud_id");
    in_name = tg_luaaux_opt_string(L, 2, where, "indflyttet", "indflyttet");
    out_name = tg_luaaux_opt_string(L, 2, where, "fraflyttet", "fraflyttet");
    if (!(by = tg_table_col(t, by_name))) return tg_luaaux_no_column(L, t, by_name);
    if (by->type != TG_STRING)
        return tg_luaaux_error(L, "%s: column '%s' must hold strings", where, by_name);
    in = tg_lualos_date_col(L, t, in_name, where);
    out = tg_lualos_date_col(L, t, out_name, where);
    for (int32_t d = fra; d < til; d++) month_days[tg_date_month(d) - 1]++;
    referrals refs;
    count_referrals(L, by, by_name, fra, til, &refs, where);

    /* rows grouped by code, groups in code order (first appearance) */
    n_codes = tg_dict_size(by->dict);
    order = lua_newuserdatauv(L, (t->n_rows + 2 * (size_t)n_codes + 2) * sizeof(size_t), 0);
    start_at = order + t->n_rows;
    memset(start_at, 0, (2 * (size_t)n_codes + 2) * sizeof(size_t));
    for (size_t i = 0; i < t->n_rows; i++)
        if (tg_col_is_valid(by, i)) start_at[by->v.str[i] + 1]++;
    for (uint32_t g = 0; g < n_codes; g++) start_at[g + 1] += start_at[g];
    rows = start_at + n_codes + 1;
    memcpy(rows, start_at, ((size_t)n_codes + 1) * sizeof(size_t));
    for (size_t i = 0; i < t->n_rows; i++)
        if (tg_col_is_valid(by, i)) order[rows[by->v.str[i]]++] = i;
    for (uint32_t g = 0; g < n_codes; g++) n_groups += start_at[g + 1] > start_at[g];

    tg_table *res = (*tg_luaval_table_new(L) = tg_table_new()); /* 7 */
    int res_idx = lua_gettop(L);
    if (!res) return tg_lua_raise(L, TG_ENOMEM, NULL);
    tg_col *id = add_col(L, res, by_name, TG_STRING, n_groups);
    tg_col *n_stays = add_col(L, res, "ophold", TG_INT, n_groups);
    tg_col *n_done = add_col(L, res, "afsluttede", TG_INT, n_groups);
    tg_col *n_in = add_col(L, res, "indflytninger", TG_INT, n_groups);
    tg_col *n_ref = add_col(L, res, "henvisninger", TG_INT, n_groups);
    tg_col *n_away = add_col(L, res, "afviste", TG_INT, n_groups);
    tg_col *n_wait = add_col(L, res, "ventende", TG_INT, n_groups);
    tg_col *rate = add_col(L, res, "henvisninger_pr_aar", TG_FLOAT, n_groups);
    tg_col *mean = add_col(L, res, "middel_liggetid", TG_FLOAT, n_groups);
    tg_col *sd = add_col(L, res, "sd_liggetid", TG_FLOAT, n_groups);
    tg_col *now = add_col(L, res, "belagte", TG_INT, n_groups);
    /* Says in the output what the rate is: stays hold admissions only, so
    ** without referral data the referrals turned away or still waiting are
    ** missing from it. */
    static const char *const sources[3] = {
        "indflytninger: afviste og ventende henvisninger er ikke i data",
        "henvisninger: alle henvisninger, også afviste og ventende",
        "henvisninger: alle henvisninger (udfald ikke i data)"
    };
    tg_col *src = add_col(L, res, "henvisninger_kilde", TG_STRING, n_groups);
    uint32_t src_code[3];
    for (int k = 0; k < 3; k++)
        if (tg_dict_intern(src->dict, sources[k], strlen(sources[k]), &src_code[k]) != TG_OK)
            return tg_lua_raise(L, TG_ENOMEM, NULL);
    tg_col *season[12];
    for (int m = 0; m < 12; m++) {
        char name[16];
        snprintf(name, sizeof name, "saeson_%02d", m + 1);
        season[m] = add_col(L, res, name, TG_FLOAT, n_groups);
    }
    size_t gi = 0;
    for (uint32_t g = 0; g < n_codes; g++) {
        size_t lo = start_at[g], cnt = start_at[g + 1] - lo, done = 0, adm = 0, here = 0;
        double by_month[12] = { 0 };
        const char *s;
        size_t len;
        uint32_t code;
        if (cnt == 0) continue;
        s = tg_dict_str(by->dict, g, &len);
        if (tg_dict_intern(id->dict, s, len, &code) != TG_OK)
            return tg_lua_raise(L, TG_ENOMEM, NULL);
        id->v.str[gi] = code;
        /* Referral data counts for a tilbud that has rows in it. */
        int use_refs = refs.given && refs.rows_any[g] > 0;
        src->v.str[gi] = src_code[use_refs ? (refs.has_outcome ? 1 : 2) : 0];
        int top = lua_gettop(L);
        tg_lualos_stays *st = tg_lualos_collect(L, in, out, order + lo, cnt, fra, til, where);
        for (size_t k = 0; k < cnt; k++) {
            size_t i = order[lo + k];
            if (!tg_col_is_valid(in, i)) continue;
            int32_t a = in->v.date[i];
            if (a >= fra && a < til) {
                adm++;
                by_month[tg_date_month(a) - 1]++;
            }
            if (a <= til && (!tg_col_is_valid(out, i) || out->v.date[i] > til)) here++;
        }
        for (size_t k = 0; k < st->n; k++) done += st->done[k];
        n_stays->v.i64[gi] = (int64_t)st->n;
        n_done->v.i64[gi] = (int64_t)done;
        n_in->v.i64[gi] = (int64_t)adm;
        now->v.i64[gi] = (int64_t)here;
        if (use_refs) {
            n_ref->v.i64[gi] = (int64_t)refs.all[g];
            memcpy(by_month, refs.by_month + (size_t)g * 12, sizeof by_month);
        }
        if (!use_refs && tg_col_set_null(n_ref, gi) != TG_OK)
            return tg_lua_raise(L, TG_ENOMEM, NULL);
        if (use_refs && refs.has_outcome) {
            n_away->v.i64[gi] = (int64_t)refs.away[g];
            n_wait->v.i64[gi] = (int64_t)refs.waiting[g];
        } else if (tg_col_set_null(n_away, gi) != TG_OK || tg_col_set_null(n_wait, gi) != TG_OK) {
            return tg_lua_raise(L, TG_ENOMEM, NULL);
        }
        double per_day = (use_refs ? refs.all[g] : (double)adm) / (double)(til - fra);
        rate->v.f64[gi] = per_day * DAYS_PER_YEAR;
        for (int m = 0; m < 12; m++)
            season[m]->v.f64[gi] =
                per_day > 0 && month_days[m] > 0 ? by_month[m] / month_days[m] / per_day : 1.0;
        if (done > 0) {
            tg_sim_empirical *e = tg_lualos_km(L, st, where);
            mean->v.f64[gi] = tg_sim_empirical_mean(e);
            sd->v.f64[gi] = tg_sim_empirical_sd(e);
        } else if (tg_col_set_null(mean, gi) != TG_OK || tg_col_set_null(sd, gi) != TG_OK) {
            return tg_lua_raise(L, TG_ENOMEM, NULL);
        }
        lua_settop(L, top);
        gi++;
    }
    return tg_luaval_table_finish(L, res_idx);
}

/* ---- closed forms ---- */

/* The places c and offered load a of erlang_b / erlang_c. */
static void places_and_load(lua_State *L, const char *fname, int *c, double *a) {
    *c = (int)tg_luaaux_check_integer(L, 1, fname, "c", 0, TG_SIM_MAX_PLACES);
    *a = tg_luaaux_check_number(L, 2, fname, "a", 0, HUGE_VAL);
}

/* tegn.sim.erlang_b(c, a): P(full) of a loss system with c places and
** offered load a = referrals per day * mean stay in days. */
static int l_sim_erlang_b(lua_State *L) {
    int c;
    double a;
    places_and_load(L, "sim.erlang_b", &c, &a);
    lua_pushnumber(L, tg_sim_erlang_b(c, a));
    return 1;
}

/* tegn.sim.erlang_c(c, a): P(wait > 0) of a queue with c places. */
static int l_sim_erlang_c(lua_State *L) {
    int c;
    double a;
    places_and_load(L, "sim.erlang_c", &c, &a);
    lua_pushnumber(L, tg_sim_erlang_c(c, a));
    return 1;
}

static const luaL_Reg sim_funcs[] = {
    { "run", l_sim_run },
    { "from_stays", l_sim_from_stays },
    { "erlang_b", l_sim_erlang_b },
    { "erlang_c", l_sim_erlang_c },
    { NULL, NULL },
};

void tg_luasim_open_module(lua_State *L) {
    luaL_newlib(L, sim_funcs);
    lua_setfield(L, -2, "sim");
}
