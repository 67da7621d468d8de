/*
** tg_scenario.c -- multi-year takst scenarios (see tg_scenario.h). The
** simulation runs once for all tilbud; everything after it is the takst
** chain, replayed per tilbud and replication over the years with the
** allocation-free functions of tg_takst. The cost side does not depend on
** occupancy, so each tilbud-year's lines are computed once up front.
*/
#include "tg_scenario.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_agg.h"
#include "tg_col.h"
#include "tg_date.h"
#include "tg_err.h"
#include "tg_mem.h"
#include "tg_num.h"
#include "tg_rng.h"

#define POLL_REPS 256 /* replications of one tilbud between polls of the chain */

void tg_scenario_tilbud_init(tg_scenario_tilbud *t) {
    assert(t != NULL);
    memset(t, 0, sizeof *t);
    for (int k = 0; k < TG_OMK_N; k++) t->omk[k] = NAN;
    t->pladser_grundlag = NAN;
    t->variabel_andel = 0.5;
    t->pris_ny_plads = NAN;
    t->overhead_pct = NAN;
    t->tilsyn_pl_faktor = 1;
    t->budget_belaegning = NAN;
    t->sim.los.dist = TG_SIM_EXP;
    t->sim.los.mean = 365;
    t->sim.policy = TG_SIM_QUEUE;
    t->sim.queue_max = -1;
    t->sim.start_occupied = -1;
}

void tg_scenario_result_free(tg_scenario_result *r) {
    if (!r) return;
    tg_free(r->years);
    tg_free(r->rows);
    tg_free(r);
}

const tg_scenario_rep *tg_scenario_row(const tg_scenario_result *r, size_t k, size_t rep,
                                       size_t y) {
    assert(r != NULL && k < r->n_tilbud && rep < r->reps && y < r->n_years);
    return &r->rows[(k * r->reps + rep) * r->n_years + y];
}

/* ---- checking ---- */

static const char *name_of(const tg_scenario_tilbud *t, size_t k, char *buf, size_t len) {
    if (t->id) snprintf(buf, len, "tilbud '%.80s'", t->id);
    else snprintf(buf, len, "tilbud %zu", k + 1);
    return buf;
}

static tg_status check_tilbud(const tg_scenario_tilbud *t, size_t k, const tg_scenario_opts *o,
                              tg_error *err) {
    char what[100];
    name_of(t, k, what, sizeof what);
#define BAD(...) tg_err_set(err, TG_EARG, NULL, 0, 0, __VA_ARGS__)
    if (t->pladser < 0 || t->pladser > TG_SIM_MAX_PLACES)
        return BAD("%s: normerede_pladser must be between 0 and %d", what, TG_SIM_MAX_PLACES);
    for (size_t s = 0; s < t->n_steps; s++) {
        if (t->steps[s].pladser < 0 || t->steps[s].pladser > TG_SIM_MAX_PLACES)
            return BAD("%s: capacity step %zu: pladser must be between 0 and %d", what, s + 1,
                       TG_SIM_MAX_PLACES);
        if (s > 0 && t->steps[s].fra <= t->steps[s - 1].fra)
            return BAD("%s: capacity steps must have increasing dates", what);
    }
    double g = isnan(t->pladser_grundlag) ? t->pladser : t->pladser_grundlag;
    if (!(g > 0) || !isfinite(g))
        return BAD("%s: pladser_grundlag (the places the cost lines are for) must be > 0", what);
    if (!(t->variabel_andel >= 0 && t->variabel_andel <= 1))
        return BAD("%s: variabel_andel must be a share between 0 and 1", what);
    if (!isfinite(t->pl_pct) || t->pl_pct <= -100)
        return BAD("%s: pl_pct must be a number above -100", what);
    if (!isnan(t->pris_ny_plads) && !(t->pris_ny_plads >= 0 && isfinite(t->pris_ny_plads)))
        return BAD("%s: pris_ny_plads must be a number >= 0", what);
    if (!isfinite(t->regnskab_afvigelse_pct))
        return BAD("%s: regnskab_afvigelse_pct must be a number", what);
    if (!(t->tilsyn_pl_faktor > 0) || !isfinite(t->tilsyn_pl_faktor))
        return BAD("%s: tilsyn_pl_faktor must be a number > 0", what);
    for (int i = 0; i < TG_OMK_N; i++)
        if (isinf(t->omk[i])) return BAD("%s: %s is not finite", what, tg_takst_omk_name(i));
    if (t->n_historik > TG_SCENARIO_MAX_HISTORY)
        return BAD("%s: at most %d years of history", what, TG_SCENARIO_MAX_HISTORY);
    if (t->n_historik && (t->historik_fra_aar + (long)t->n_historik > o->start_aar ||
                          t->historik_fra_aar < o->start_aar - TG_SCENARIO_MAX_HISTORY))
        return BAD("%s: historik must cover years before %d only", what, o->start_aar);
    for (size_t i = 0; i < t->n_historik; i++)
        if (!isnan(t->historik[i]) && !(t->historik[i] >= 0 && t->historik[i] <= 2))
            return BAD("%s: historik %d must be an occupancy between 0 and 2 (a fraction)", what,
                       t->historik_fra_aar + (int)i);
    if (!isnan(t->budget_belaegning) && !(t->budget_belaegning > 0 && t->budget_belaegning <= 2))
        return BAD("%s: budget_belaegning must be a fraction in (0, 2]", what);
    if (t->n_regulering > (size_t)o->aar)
        return BAD("%s: more decided reguleringer than years", what);
    for (size_t i = 0; i < t->n_regulering; i++)
        if (isinf(t->regulering[i])) return BAD("%s: a decided regulering is not finite", what);
    for (int y = 0; t->engang && y < o->aar; y++)
        if (!isfinite(t->engang[y])) return BAD("%s: a one-off cost is not finite", what);
    for (int i = 0; i < TG_OMK_N; i++) {
        char line[160];
        tg_status st;
        if (t->usikkerhed[i].kind == TG_COSTDIST_NONE) continue;
        snprintf(line, sizeof line, "%s: omkostninger_usikkerhed.%s", what, tg_takst_omk_name(i));
        if (i == TG_OMK_REGULERING) return BAD("%s: the regulering is not a cost", line);
        if ((st = tg_costdist_check(&t->usikkerhed[i], t->omk[i], line, err)) != TG_OK) return st;
    }
    if (t->regler) {
        tg_status st = tg_takst_rules_check(t->regler, err);
        if (st != TG_OK) return st;
    }
#undef BAD
    return TG_OK;
}

static tg_status check_opts(const tg_scenario_opts *o, tg_error *err) {
    if (!o->regler) return tg_err_set(err, TG_EARG, NULL, 0, 0, "no rule set");
    if (o->aar < 1 || o->aar > TG_SCENARIO_MAX_YEARS)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "aar (years) must be 1..%d",
                          TG_SCENARIO_MAX_YEARS);
    if (o->start_aar < 1900 || o->start_aar > 9000)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "start_aar must be a year 1900..9000");
    if (o->reps < 1) return tg_err_set(err, TG_EARG, NULL, 0, 0, "replications must be >= 1");
    return tg_takst_rules_check(o->regler, err);
}

/* ---- capacity and costs ---- */

static int places_on(const tg_scenario_tilbud *t, int32_t d) {
    int c = t->pladser;
    for (size_t s = 0; s < t->n_steps && t->steps[s].fra <= d; s++) c = t->steps[s].pladser;
    return c;
}

/* The budget lines of year y (costs only, regulering_n2 NaN) into in->omk,
** with the year's capacity in *yr. */
static void year_lines(const tg_scenario_tilbud *t, const tg_scenario_opts *o, int y,
                       tg_scenario_year *yr, tg_takst_input *in) {
    int aar = o->start_aar + y, base_aar = t->omk_aar ? t->omk_aar : o->start_aar;
    int32_t d0 = tg_date_from_ymd(aar, 1, 1), d1 = tg_date_from_ymd(aar + 1, 1, 1);
    double g = isnan(t->pladser_grundlag) ? t->pladser : t->pladser_grundlag;
    double open = 0, under = 0, over = 0, mulige = 0, dage = (double)(d1 - d0);
    double va = t->variabel_andel, pl = pow(1 + t->pl_pct / 100, aar - base_aar);

    for (int32_t d = d0; d < d1; d++) {
        int c = places_on(t, d);
        mulige += c;
        open += c > 0;
        under += c < g ? c : g;
        over += c > g ? c - g : 0;
    }
    yr->aar = aar;
    yr->dage = (int)dage;
    yr->mulige_dage = mulige;
    yr->pladser = mulige / dage;

    tg_takst_input_init(in);
    in->aar = aar;
    in->pladser = yr->pladser;
    in->overhead_pct = t->overhead_pct;
    in->tilsyn_pl_faktor = t->tilsyn_pl_faktor * pl;
    double loen = isnan(t->omk[TG_OMK_DIREKTE_LOEN]) ? 0 : t->omk[TG_OMK_DIREKTE_LOEN];
    double drift = isnan(t->omk[TG_OMK_DIREKTE_DRIFT]) ? 0 : t->omk[TG_OMK_DIREKTE_DRIFT];
    double direct = loen + drift;
    double ny = isnan(t->pris_ny_plads) ? va * direct / g : t->pris_ny_plads;
    for (int k = 0; k < TG_OMK_N; k++) {
        double base = t->omk[k], v;
        if (k == TG_OMK_REGULERING) continue;
        if (k == TG_OMK_DIREKTE_LOEN || k == TG_OMK_DIREKTE_DRIFT) {
            double b = isnan(base) ? 0 : base;
            double w = direct != 0 ? b / direct : k == TG_OMK_DIREKTE_LOEN;
            v = pl *
                (b * (1 - va) * open / dage + b * va / g * under / dage + ny * w * over / dage);
            if (k == TG_OMK_DIREKTE_DRIFT && t->engang) v += t->engang[y];
        } else {
            if (isnan(base)) {
                in->omk[k] = NAN;
                continue;
            }
            v = pl * base * open / dage;
        }
        in->omk[k] = tg_num_round_f64(v, 0, TG_ROUND_HALF_UP_TOL);
    }
}

/* ---- the run ---- */

struct plan {
    tg_sim_unit *units;
    tg_sim_step *steps; /* all tilbud's steps, units[k].steps points into it */
    long *periods;
    tg_takst_input *inputs; /* [k * years + y] */
    double *act;            /* scratch: history + simulated occupancy of one tilbud */
    double *reg_in;         /* scratch: regulering_n2 per year of one replication */
    tg_sim_zig zig;         /* the normal draws of uncertain costs */
};

static void plan_free(struct plan *p) {
    tg_free(p->units);
    tg_free(p->steps);
    tg_free(p->periods);
    tg_free(p->inputs);
    tg_free(p->act);
    tg_free(p->reg_in);
}

static tg_status make_units(struct plan *p, const tg_scenario_tilbud *t, size_t n,
                            const tg_scenario_opts *o, int32_t start, long days) {
    size_t n_steps = 0, used = 0;
    for (size_t k = 0; k < n; k++) n_steps += t[k].n_steps;
    if (!(p->units = tg_calloc(n ? n : 1, sizeof *p->units)) ||
        !(p->steps = tg_malloc((n_steps ? n_steps : 1) * sizeof *p->steps)) ||
        !(p->periods = tg_malloc((size_t)o->aar * sizeof *p->periods)))
        return TG_ENOMEM;
    for (int y = 0; y < o->aar; y++)
        p->periods[y] = tg_date_from_ymd(o->start_aar + y, 1, 1) - start;
    for (size_t k = 0; k < n; k++) {
        tg_sim_unit *u = &p->units[k];
        *u = t[k].sim;
        u->id = t[k].id;
        u->places = places_on(&t[k], start);
        u->steps = p->steps + used;
        u->n_steps = 0;
        for (size_t s = 0; s < t[k].n_steps; s++) {
            long day = (long)t[k].steps[s].fra - start;
            if (day <= 0 || day >= days) continue; /* folded into places, or after the end */
            p->steps[used].day = day;
            p->steps[used].places = t[k].steps[s].pladser;
            used++;
            u->n_steps++;
        }
    }
    return TG_OK;
}

/* The actual costs' deviation from the budget in year y of one
** replication: each uncertain line drawn around the year's line (without
** the one-off costs added to direkte_drift), rounded to whole kroner. */
static double cost_deviation(const tg_scenario_tilbud *t, const tg_takst_input *in, size_t y,
                             const tg_sim_zig *zig, tg_rng *rng) {
    double dev = 0;
    for (int i = 0; i < TG_OMK_N; i++) {
        double line = in->omk[i];
        if (t->usikkerhed[i].kind == TG_COSTDIST_NONE) continue;
        if (i == TG_OMK_DIREKTE_DRIFT && t->engang) line -= t->engang[y];
        dev += tg_costdist_draw(&t->usikkerhed[i], t->omk[i], line, zig, rng);
    }
    return tg_num_round_f64(dev, 0, TG_ROUND_HALF_UP_TOL);
}

static int has_uncertain_costs(const tg_scenario_tilbud *t) {
    for (int i = 0; i < TG_OMK_N; i++)
        if (t->usikkerhed[i].kind != TG_COSTDIST_NONE) return 1;
    return 0;
}

/* The takst chain of tilbud k, replication rep over all years. */
static tg_status chain(const tg_scenario_tilbud *t, size_t k, size_t rep, const tg_scenario_opts *o,
                       struct plan *p, const tg_sim_result *sim, tg_scenario_result *r, int first,
                       size_t n_act, tg_error *err) {
    const tg_takst_rules *rules = t->regler ? t->regler : o->regler;
    size_t years = (size_t)o->aar, off = (size_t)(o->start_aar - first);
    char what[100];
    double carry = 0; /* the driftsramme carried from the year before */
    int uncertain = has_uncertain_costs(t);
    uint64_t stream = ((uint64_t)k << 32) ^ (uint64_t)rep;
    tg_rng rng;
    tg_status st;

    /* The cost draws have a stream of their own per tilbud and replication,
    ** apart from the occupancy's (other constants than tg_sim's), so giving
    ** a cost distribution leaves the simulated occupancy as it was. Both
    ** seed words vary with the stream: xoshiro's first output depends on
    ** the first word alone. */
    if (uncertain)
        tg_rng_seed(&rng, o->seed ^ (stream * 0x9E3779B97F4A7C15u) ^ 0x636F73746469737Cu,
                    stream + 0x2545F4914F6CDD1Du);

    for (size_t y = 0; y < years; y++) {
        const tg_scenario_year *yr = &r->years[k * years + y];
        p->act[off + y] =
            sim->occupied[(k * sim->reps + rep) * sim->n_periods + y] / yr->mulige_dage;
        p->reg_in[y] = 0;
        if (y < t->n_regulering && !isnan(t->regulering[y])) p->reg_in[y] = t->regulering[y];
    }
    for (size_t y = 0; y < years; y++) {
        const tg_scenario_year *yr = &r->years[k * years + y];
        tg_scenario_rep *row = &r->rows[(k * r->reps + rep) * years + y];
        tg_takst_input in = p->inputs[k * years + y];
        tg_takst_result res;
        tg_takst_account a;
        tg_takst_regulation g;
        double bb;

        row->belagte_dage = sim->occupied[(k * sim->reps + rep) * sim->n_periods + y];
        row->belaegning = p->act[off + y];
        if (tg_takst_budget_belaegning(rules, yr->aar, first, p->act, n_act, t->akut, &bb, NULL) !=
            TG_OK) {
            if (isnan(t->budget_belaegning))
                return tg_err_set(err, TG_EARG, NULL, 0, 0,
                                  "%s: no actual occupancy to budget %d on; give historik or "
                                  "budget_belaegning",
                                  name_of(t, k, what, sizeof what), yr->aar);
            bb = t->budget_belaegning;
        }
        in.budget_belaegning = bb;
        in.omk[TG_OMK_REGULERING] = p->reg_in[y];
        if ((st = tg_takst_compute(rules, &in, &res, err)) != TG_OK) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
            return tg_err_set(err, st, NULL, 0, 0, "%s, %d: %s", name_of(t, k, what, sizeof what),
                              yr->aar, msg);
        }
        row->budget_belaegning = bb;
        row->takstgrundlag = res.takstgrundlag;
        row->belaegningsdage = res.belaegningsdage;
        row->doegntakst = res.doegntakst;
        row->regulering_n2 = p->reg_in[y];
        row->regnskab =
            res.takstgrundlag +
            tg_num_round_f64(t->regnskab_afvigelse_pct / 100 *
                                 (res.omk[TG_OMK_DIREKTE_LOEN] + res.omk[TG_OMK_DIREKTE_DRIFT]),
                             0, TG_ROUND_HALF_UP_TOL);
        /* The rule: a result within the limit stays with the tilbud as next
        ** year's driftsramme, so a carried surplus is spent and a carried
        ** deficit saved in the next year's accounts. */
        row->regnskab += carry;
        if (uncertain)
            row->regnskab += cost_deviation(t, &p->inputs[k * years + y], y, &p->zig, &rng);
        a.aar = yr->aar;
        a.belagte_dage = row->belagte_dage;
        a.doegntakst = res.doegntakst;
        a.provenu = NAN;
        a.regnskab = row->regnskab;
        a.takstgrundlag = res.takstgrundlag;
        a.budget_regulering = p->reg_in[y];
        if ((st = tg_takst_regulate(rules, &a, &g, err)) != TG_OK) return st;
        row->provenu = g.provenu;
        row->resultat = g.resultat;
        row->graense = g.graense;
        row->driftsramme = g.driftsramme;
        row->regulering = g.regulering;
        carry = g.driftsramme;
        size_t to = y + (size_t)(rules->regulering_aar > 0 ? rules->regulering_aar : 0);
        if (to > y && to < years) p->reg_in[to] += g.regulering;
    }
    return TG_OK;
}

tg_status tg_scenario_run(const tg_scenario_tilbud *t, size_t n, const tg_scenario_opts *o,
                          const tg_interrupt *intr, tg_scenario_result **out, tg_error *err) {
    struct plan p;
    tg_scenario_result *r = NULL;
    tg_sim_result *sim = NULL;
    tg_sim_opts so;
    tg_status st;
    size_t years;
    int32_t start;
    long days;

    assert(o != NULL && out != NULL && (t != NULL || n == 0));
    *out = NULL;
    memset(&p, 0, sizeof p);
    if ((st = check_opts(o, err)) != TG_OK) return st;
    for (size_t k = 0; k < n; k++)
        if ((st = check_tilbud(&t[k], k, o, err)) != TG_OK) return st;
    years = (size_t)o->aar;
    start = tg_date_from_ymd(o->start_aar, 1, 1);
    days = tg_date_from_ymd(o->start_aar + o->aar, 1, 1) - start;
    if ((size_t)o->reps > SIZE_MAX / sizeof(tg_scenario_rep) / years / (n ? n : 1))
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "too many replications");

    st = TG_ENOMEM;
    if (!(r = tg_calloc(1, sizeof *r))) goto fail;
    r->n_tilbud = n;
    r->reps = (size_t)o->reps;
    r->n_years = years;
    r->start_aar = o->start_aar;
    if (!(r->years = tg_calloc(n ? n * years : 1, sizeof *r->years)) ||
        !(r->rows = tg_calloc(n ? n * r->reps * years : 1, sizeof *r->rows)) ||
        !(p.inputs = tg_malloc((n ? n * years : 1) * sizeof *p.inputs)) ||
        !(p.act = tg_malloc((TG_SCENARIO_MAX_HISTORY + years) * sizeof *p.act)) ||
        !(p.reg_in = tg_malloc(years * sizeof *p.reg_in)))
        goto fail;
    if ((st = make_units(&p, t, n, o, start, days)) != TG_OK) goto fail;
    tg_sim_zig_init(&p.zig);

    /* the cost side, checked once through tg_takst_compute */
    for (size_t k = 0; k < n; k++)
        for (size_t y = 0; y < years; y++) {
            tg_scenario_year *yr = &r->years[k * years + y];
            tg_takst_input in;
            tg_takst_result res;
            char what[100];
            year_lines(&t[k], o, (int)y, yr, &in);
            p.inputs[k * years + y] = in;
            if (!(yr->mulige_dage > 0)) {
                st = tg_err_set(err, TG_EARG, NULL, 0, 0, "%s has no places in %d",
                                name_of(&t[k], k, what, sizeof what), yr->aar);
                goto fail;
            }
            in.budget_belaegning = 1;
            in.omk[TG_OMK_REGULERING] = 0;
            if ((st = tg_takst_compute(t[k].regler ? t[k].regler : o->regler, &in, &res, err)) !=
                TG_OK) {
                char msg[sizeof err->msg];
                snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
                st = tg_err_set(err, st, NULL, 0, 0, "%s, %d: %s",
                                name_of(&t[k], k, what, sizeof what), yr->aar, msg);
                goto fail;
            }
            yr->omkostninger = res.takstgrundlag;
        }

    memset(&so, 0, sizeof so);
    so.start = start;
    so.days = days;
    so.warmup = o->warmup;
    so.reps = o->reps;
    so.seed = o->seed;
    so.periods = p.periods;
    so.n_periods = years;
    if ((st = tg_sim_run(p.units, n, &so, intr, &sim, err)) != TG_OK) goto fail;

    for (size_t k = 0; k < n; k++) {
        int first = t[k].n_historik ? t[k].historik_fra_aar : o->start_aar;
        size_t off = (size_t)(o->start_aar - first), n_act = off + years;
        for (size_t i = 0; i < off; i++) p.act[i] = i < t[k].n_historik ? t[k].historik[i] : NAN;
        for (size_t rep = 0; rep < r->reps; rep++) {
            if (rep % POLL_REPS == 0 && (st = tg_poll(intr)) != TG_OK) {
                tg_err_set(err, st, NULL, 0, 0,
                           st == TG_ECANCEL ? "scenario cancelled" : "scenario stopped");
                goto fail;
            }
            if ((st = chain(&t[k], k, rep, o, &p, sim, r, first, n_act, err)) != TG_OK) goto fail;
        }
    }
    tg_sim_result_free(sim);
    plan_free(&p);
    *out = r;
    return TG_OK;
fail:
    if (st == TG_ENOMEM) tg_err_set(err, TG_ENOMEM, NULL, 0, 0, "out of memory");
    tg_sim_result_free(sim);
    plan_free(&p);
    tg_scenario_result_free(r);
    return st;
}

/* ---- tables ---- */

#define N_STATS 8

static const char *const STAT_NAMES[N_STATS] = {
    "doegntakst", "belaegning",  "budget_belaegning", "takstgrundlag",
    "resultat",   "driftsramme", "regulering_n2",     "regulering",
};

static double stat_value(const tg_scenario_rep *row, int s) {
    switch (s) {
    case 0: return row->doegntakst;
    case 1: return row->belaegning;
    case 2: return row->budget_belaegning;
    case 3: return row->takstgrundlag;
    case 4: return row->resultat;
    case 5: return row->driftsramme;
    case 6: return row->regulering_n2;
    default: return row->regulering;
    }
}

/* Adds a column of n zeros (TG_INT or TG_FLOAT) to t; *col is the column
** to fill in place (held by t). */
static tg_status add_col(tg_table *t, const char *name, tg_type type, size_t n, tg_col **col) {
    tg_status st = TG_OK;
    *col = tg_col_new(type, n ? n : 1, NULL);
    if (!*col) return TG_ENOMEM;
    for (size_t i = 0; i < n && st == TG_OK; i++)
        st = type == TG_INT ? tg_col_push_i64(*col, 0) : tg_col_push_f64(*col, 0);
    if (st == TG_OK) st = tg_table_add(t, name, *col);
    tg_col_release(*col);
    return st;
}

/* The tilbud_id column: ids[k] (or k + 1) for row i of tilbud i / per. */
static tg_status add_ids(tg_table *t, const char *const *ids, size_t n_tilbud, size_t per) {
    tg_col *c = tg_col_new(TG_STRING, n_tilbud * per > 0 ? n_tilbud * per : 1, NULL);
    tg_status st = TG_OK;
    if (!c) return TG_ENOMEM;
    for (size_t k = 0; k < n_tilbud && st == TG_OK; k++) {
        char num[32];
        const char *id = ids && ids[k] ? ids[k] : num;
        snprintf(num, sizeof num, "%zu", k + 1);
        for (size_t i = 0; i < per && st == TG_OK; i++) st = tg_col_push_str(c, id, strlen(id));
    }
    if (st == TG_OK) st = tg_table_add(t, "tilbud_id", c);
    tg_col_release(c);
    return st;
}

static tg_status finish(tg_table *t, tg_status st, tg_table **out, tg_error *err) {
    if (st != TG_OK) {
        tg_table_release(t);
        return tg_err_set(err, st, NULL, 0, 0, "out of memory");
    }
    *out = t;
    return TG_OK;
}

tg_status tg_scenario_summary(const tg_scenario_result *r, const char *const *ids, tg_table **out,
                              tg_error *err) {
    static const char *const suffix[4] = { "_gns", "_p5", "_p50", "_p95" };
    static const double ps[3] = { 0.05, 0.50, 0.95 };
    size_t rows = r->n_tilbud * r->n_years;
    tg_table *t = tg_table_new();
    tg_col *aar, *pladser, *mulige, *omk, *st_col[N_STATS][4], *p_out;
    double *tmp = NULL;
    tg_status st = TG_ENOMEM;
    char name[64];

    assert(r != NULL && out != NULL);
    *out = NULL;
    if (!t || !(tmp = tg_malloc(r->reps * sizeof *tmp))) goto done;
    if ((st = add_ids(t, ids, r->n_tilbud, r->n_years)) != TG_OK ||
        (st = add_col(t, "aar", TG_INT, rows, &aar)) != TG_OK ||
        (st = add_col(t, "normerede_pladser", TG_FLOAT, rows, &pladser)) != TG_OK ||
        (st = add_col(t, "mulige_dage", TG_FLOAT, rows, &mulige)) != TG_OK ||
        (st = add_col(t, "omkostninger", TG_FLOAT, rows, &omk)) != TG_OK)
        goto done;
    for (int s = 0; s < N_STATS; s++)
        for (int q = 0; q < 4; q++) {
            snprintf(name, sizeof name, "%s%s", STAT_NAMES[s], suffix[q]);
            if ((st = add_col(t, name, TG_FLOAT, rows, &st_col[s][q])) != TG_OK) goto done;
        }
    if ((st = add_col(t, "p_uden_for_graense", TG_FLOAT, rows, &p_out)) != TG_OK) goto done;

    for (size_t k = 0; k < r->n_tilbud; k++)
        for (size_t y = 0; y < r->n_years; y++) {
            size_t i = k * r->n_years + y, outside = 0;
            const tg_scenario_year *yr = &r->years[i];
            aar->v.i64[i] = yr->aar;
            pladser->v.f64[i] = yr->pladser;
            mulige->v.f64[i] = yr->mulige_dage;
            omk->v.f64[i] = yr->omkostninger;
            for (int s = 0; s < N_STATS; s++) {
                double sum = 0;
                for (size_t rep = 0; rep < r->reps; rep++) {
                    const tg_scenario_rep *row = tg_scenario_row(r, k, rep, y);
                    tmp[rep] = stat_value(row, s);
                    sum += tmp[rep];
                    if (s == 0 && fabs(row->resultat) > row->graense) outside++;
                }
                st_col[s][0]->v.f64[i] = sum / (double)r->reps;
                for (int q = 0; q < 3; q++)
                    st_col[s][q + 1]->v.f64[i] =
                        tg_agg_quantile(tmp, r->reps, ps[q], TG_QUANTILE_LINEAR);
            }
            p_out->v.f64[i] = (double)outside / (double)r->reps;
        }
    st = TG_OK;
done:
    tg_free(tmp);
    if (!t) st = TG_ENOMEM;
    return finish(t, st, out, err);
}

#define N_REP_COLS 13

tg_status tg_scenario_rows(const tg_scenario_result *r, const char *const *ids, tg_table **out,
                           tg_error *err) {
    static const char *const names[N_REP_COLS] = {
        "belagte_dage", "belaegning",    "budget_belaegning", "takstgrundlag", "belaegningsdage",
        "doegntakst",   "regulering_n2", "regnskab",          "provenu",       "resultat",
        "graense",      "driftsramme",   "regulering",
    };
    size_t per = r->reps * r->n_years, rows = r->n_tilbud * per;
    tg_table *t = tg_table_new();
    tg_col *aar, *repl, *c[N_REP_COLS];
    tg_status st = TG_ENOMEM;

    assert(r != NULL && out != NULL);
    *out = NULL;
    if (!t) goto done;
    if ((st = add_ids(t, ids, r->n_tilbud, per)) != TG_OK ||
        (st = add_col(t, "aar", TG_INT, rows, &aar)) != TG_OK ||
        (st = add_col(t, "replikation", TG_INT, rows, &repl)) != TG_OK)
        goto done;
    for (int j = 0; j < N_REP_COLS; j++)
        if ((st = add_col(t, names[j], TG_FLOAT, rows, &c[j])) != TG_OK) goto done;
    for (size_t i = 0; i < rows; i++) {
        const tg_scenario_rep *row = &r->rows[i];
        const double v[N_REP_COLS] = {
            row->belagte_dage,    row->belaegning, row->budget_belaegning, row->takstgrundlag,
            row->belaegningsdage, row->doegntakst, row->regulering_n2,     row->regnskab,
            row->provenu,         row->resultat,   row->graense,           row->driftsramme,
            row->regulering
        };
        aar->v.i64[i] = r->start_aar + (int64_t)(i % r->n_years);
        repl->v.i64[i] = (int64_t)((i / r->n_years) % r->reps) + 1;
        for (int j = 0; j < N_REP_COLS; j++) c[j]->v.f64[i] = v[j];
    }
    st = TG_OK;
done:
    return finish(t, st, out, err);
}
