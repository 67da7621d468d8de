/*
** test_scenario.c -- multi-year takst scenarios. Expected values are
** worked by hand (the arithmetic is in the comments, checked with Python's
** Decimal half-up rounding) for degenerate simulations whose occupancy is
** known exactly; the stochastic chain is checked against tg_takst's
** per-year functions called directly on the same numbers; reproducibility,
** percentile order and an allocation-failure loop close it.
*/
#include "tg_test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tg_date.h"
#include "tg_err.h"
#include "tg_mem.h"
#include "tg_scenario.h"

/* |got - want| <= eps, with both values in the message when not. */
#define assert_near(got, want, eps) near(got, want, eps, #got, __LINE__)

static void near(double got, double want, double eps, const char *what, int line) {
    if (!(fabs(got - want) <= eps))
        fail_msg("line %d: %s = %.6f, want %.6f", line, what, got, want);
}

static tg_takst_rules rules(const char *name) {
    tg_takst_rules r;
    assert_int_equal(tg_takst_rules_builtin(name, &r, NULL), TG_OK);
    return r;
}

/* A tilbud whose residents never leave and to which no one is referred:
** 'start' residents all horizon long. */
static void frozen(tg_scenario_tilbud *t, const char *id, int pladser, long start) {
    tg_scenario_tilbud_init(t);
    t->id = id;
    t->pladser = pladser;
    t->sim.rate = 0;
    t->sim.los.dist = TG_SIM_GAMMA;
    t->sim.los.mean = 1e12; /* a remaining stay below 2,000 days has probability 2e-9 */
    t->sim.los.sd = 0;
    t->sim.start_occupied = start;
}

static tg_scenario_opts opts(const tg_takst_rules *r, int start, int aar, long reps) {
    tg_scenario_opts o;
    memset(&o, 0, sizeof o);
    o.regler = r;
    o.start_aar = start;
    o.aar = aar;
    o.reps = reps;
    o.seed = 7;
    return o;
}

/* ---- (1) the N+2 chain by hand ---- */

/*
** 10 places, full all the time (3,650 occupied days; 3,660 in 2028).
** Lines: direkte_loen 9,000,000, direkte_drift 1,000,000, ejendom 500,000,
** tilsyn 0, overhead by the rules: 6 % x 10,500,000 = 630,000; costs
** 11,130,000 every year (pl 0 %). Actual occupancy 2022 0.90, 2023 0.90,
** 2024 0.96; reguleringer decided: 2025 +100,000, 2026 -50,000.
**
** budget occupancy  2025: (0.90 + 0.90) / 2 = 0.90 -> 0.95 (floor)
**                   2026: (0.96 + 0.90) / 2 = 0.93 -> 0.95
**                   2027: (1 + 0.96) / 2 = 0.98;  2028: (1 + 1) / 2 = 1 -> 0.98 (cap)
** BEK2022 (5 % into the driftsramme, the rest into N+2):
** 2025  grundlag 11,130,000 + 100,000 = 11,230,000; dage 10 x 365 x 0.95 = 3,467.5
**       takst 11,230,000 / 3,467.5 = 3,238.64 -> 3,239
**       provenu 3,650 x 3,239 = 11,822,350; resultat +592,350
**       graense 5 % x 11,230,000 = 561,500 -> driftsramme 561,500, regulering -30,850 -> 2027
** The driftsramme carried into a year is spent in it: its regnskab is the
** grundlag plus the year before's driftsramme (issue 18).
** 2026  grundlag 11,130,000 - 50,000 = 11,080,000; takst 11,080,000 / 3,467.5 = 3,195.39 -> 3,195
**       provenu 11,661,750; regnskab 11,080,000 + 561,500 = 11,641,500; resultat +20,250
**       graense 554,000: all of it in the driftsramme, regulering 0
** 2027  grundlag 11,130,000 - 30,850 = 11,099,150; dage 10 x 365 x 0.98 = 3,577
**       takst 3,102.92 -> 3,103; provenu 11,325,950; regnskab 11,099,150 + 20,250 =
**       11,119,400; resultat +206,550; graense 554,957.5 -> 554,958: driftsramme, regulering 0
** 2028  grundlag 11,130,000 (nothing regulated from 2026); dage 10 x 366 x 0.98 = 3,586.8
**       takst 3,103.04 -> 3,103; provenu 3,660 x 3,103 = 11,356,980; regnskab 11,130,000 +
**       206,550 = 11,336,550; resultat +20,430; graense 556,500; regulering 0
** national2027 (no driftsramme): every resultat goes to N+2
** 2025, 2026 as above but regulering -592,350 and -581,750
** 2027  grundlag 11,130,000 - 592,350 = 10,537,650; takst 2,945.95 -> 2,946
**       provenu 3,650 x 2,946 = 10,752,900; resultat +215,250 -> regulering -215,250
** 2028  grundlag 11,130,000 - 581,750 = 10,548,250; takst 2,940.85 -> 2,941
**       provenu 3,660 x 2,941 = 10,764,060; resultat +215,810 -> regulering -215,810
*/
static void chain_tilbud(tg_scenario_tilbud *t, const double *hist, const double *reg) {
    frozen(t, "T", 10, 10);
    t->omk[TG_OMK_DIREKTE_LOEN] = 9000000;
    t->omk[TG_OMK_DIREKTE_DRIFT] = 1000000;
    t->omk[TG_OMK_EJENDOM] = 500000;
    t->omk[TG_OMK_TILSYN] = 0;
    t->historik_fra_aar = 2022;
    t->historik = hist;
    t->n_historik = 3;
    t->regulering = reg;
    t->n_regulering = 2;
}

static void test_scenario_chain_by_hand(void **state) {
    static const double hist[] = { 0.90, 0.90, 0.96 }, reg[] = { 100000, -50000 };
    static const double bb[] = { 0.95, 0.95, 0.98, 0.98 };
    static const double takst[2][4] = { { 3239, 3195, 3103, 3103 }, { 3239, 3195, 2946, 2941 } };
    static const double grundlag[2][4] = { { 11230000, 11080000, 11099150, 11130000 },
                                           { 11230000, 11080000, 10537650, 10548250 } };
    /* regnskab = grundlag + the driftsramme carried from the year before */
    static const double regnskab[2][4] = { { 11230000, 11641500, 11119400, 11336550 },
                                           { 11230000, 11080000, 10537650, 10548250 } };
    static const double resultat[2][4] = { { 592350, 20250, 206550, 20430 },
                                           { 592350, 581750, 215250, 215810 } };
    static const double regul[2][4] = { { -30850, 0, 0, 0 },
                                        { -592350, -581750, -215250, -215810 } };
    static const char *const sets[2] = { "BEK2022", "national2027" };
    (void)state;
    for (int s = 0; s < 2; s++) {
        tg_takst_rules r = rules(sets[s]);
        tg_scenario_opts o = opts(&r, 2025, 4, 3);
        tg_scenario_tilbud t;
        tg_scenario_result *res = NULL;
        tg_error err;
        chain_tilbud(&t, hist, reg);
        assert_int_equal(tg_scenario_run(&t, 1, &o, NULL, &res, &err), TG_OK);
        for (size_t rep = 0; rep < 3; rep++)
            for (size_t y = 0; y < 4; y++) {
                const tg_scenario_rep *row = tg_scenario_row(res, 0, rep, y);
                double days = y == 3 ? 366 : 365;
                assert_near(row->belagte_dage, 10 * days, 1e-6);
                assert_near(row->belaegning, 1.0, 1e-12);
                assert_near(row->budget_belaegning, bb[y], 1e-12);
                assert_near(row->belaegningsdage, 10 * days * bb[y], 1e-6);
                assert_near(row->takstgrundlag, grundlag[s][y], 0);
                assert_near(row->doegntakst, takst[s][y], 0);
                assert_near(row->provenu, 10 * days * takst[s][y], 0);
                assert_near(row->regnskab, regnskab[s][y], 0);
                assert_near(row->resultat, resultat[s][y], 0);
                assert_near(row->regulering, regul[s][y], 0);
                assert_near(row->driftsramme, resultat[s][y] + regul[s][y], 0);
            }
        assert_near(tg_scenario_row(res, 0, 0, 2)->regulering_n2, regul[s][0], 0);
        assert_near(tg_scenario_row(res, 0, 0, 0)->regulering_n2, 100000, 0);
        assert_near(res->years[0].omkostninger, 11130000, 0);
        assert_near(res->years[3].mulige_dage, 3660, 0);
        tg_scenario_result_free(res);
    }
}

/* ---- (4) a capacity cut and new places by hand ---- */

/*
** Cut: 25 places, 21 from 2026-07-01 (181 days at 25, 184 at 21): mulige
** dage 4,525 + 3,864 = 8,389, normerede pladser 8,389 / 365 = 22.98356.
** Lines at 2025 prices, pl 2 % (x 1.02 in 2026), variabel_andel 0.6:
** direkte_loen 1.02 x (20,000,000 x 0.4 + 20,000,000 x 0.6 / 25 x 22.98356)
**            = 1.02 x (8,000,000 + 11,032,109.59) = 19,412,751.78 -> 19,412,752
** direkte_drift 1.02 x (800,000 + 1,103,210.96) = 1,941,275.18 -> 1,941,275
** ejendom 1,020,000; tilsyn 51,000; overhead 6 % x 22,374,027 = 1,342,441.62 -> 1,342,442
** grundlag 23,767,469 (uncut it would be 24,918,600)
** budget occupancy (0.96 + 0.97) / 2 = 0.965; dage 8,389 x 0.965 = 8,095.385
** takst 23,767,469 / 8,095.385 = 2,935.93 -> 2,936
** 21 residents all year: 7,665 days; provenu 22,504,440; resultat -1,263,029
** graense 5 % x 23,767,469 = 1,188,373.45 -> 1,188,373; regulering +74,656
**
** New tilbud: 0 places, 8 from 2026-04-01 (275 days); lines for 8 places:
** direkte_loen 8,000,000, ejendom 400,000, overhead and tilsyn 0,
** variabel_andel 0.5, a one-off 500,000 in 2026, budget occupancy 0.95.
** mulige 8 x 275 = 2,200; direkte_loen 4,000,000 x 275/365 + 500,000 x 2,200/365
**   = 3,013,698.63 + 3,013,698.63 = 6,027,397.26 -> 6,027,397
** direkte_drift 500,000; ejendom 400,000 x 275/365 = 301,369.86 -> 301,370
** grundlag 6,828,767; dage 2,200 x 0.95 = 2,090; takst 3,267.35 -> 3,267
** nobody moves in (no referrals): resultat -6,828,767; graense 341,438; regulering 6,487,329
**
** Extra places: 10 places with lines for 10 (direkte_loen 10,000,000), 18
** from 2026-07-01 at pris_ny_plads 600,000; variabel_andel 0.5:
** direkte_loen 5,000,000 + 1,000,000 x 3,650/365 + 600,000 x 8 x 184/365
**   = 5,000,000 + 5,000,000 + 2,419,726.03 -> 12,419,726
*/
static void test_scenario_capacity_by_hand(void **state) {
    static const double hist[] = { 0.97, 0.96 }, engang[] = { 500000 };
    tg_scenario_step cut = { tg_date_from_ymd(2026, 7, 1), 21 };
    tg_scenario_step open = { tg_date_from_ymd(2026, 4, 1), 8 };
    tg_scenario_step more = { tg_date_from_ymd(2026, 7, 1), 18 };
    tg_takst_rules r = rules("BEK2022");
    tg_scenario_opts o = opts(&r, 2026, 1, 2);
    tg_scenario_tilbud t[3];
    tg_scenario_result *res = NULL;
    tg_error err;
    (void)state;

    frozen(&t[0], "cut", 25, 21);
    t[0].steps = &cut;
    t[0].n_steps = 1;
    t[0].omk_aar = 2025;
    t[0].pl_pct = 2;
    t[0].variabel_andel = 0.6;
    t[0].omk[TG_OMK_DIREKTE_LOEN] = 20000000;
    t[0].omk[TG_OMK_DIREKTE_DRIFT] = 2000000;
    t[0].omk[TG_OMK_EJENDOM] = 1000000;
    t[0].omk[TG_OMK_TILSYN] = 50000;
    t[0].historik_fra_aar = 2023;
    t[0].historik = hist;
    t[0].n_historik = 2;

    frozen(&t[1], "new", 0, 0);
    t[1].steps = &open;
    t[1].n_steps = 1;
    t[1].pladser_grundlag = 8;
    t[1].omk[TG_OMK_DIREKTE_LOEN] = 8000000;
    t[1].omk[TG_OMK_EJENDOM] = 400000;
    t[1].omk[TG_OMK_OVERHEAD] = 0;
    t[1].omk[TG_OMK_TILSYN] = 0;
    t[1].engang = engang;
    t[1].budget_belaegning = 0.95;

    frozen(&t[2], "more", 10, 10);
    t[2].steps = &more;
    t[2].n_steps = 1;
    t[2].pris_ny_plads = 600000;
    t[2].omk[TG_OMK_DIREKTE_LOEN] = 10000000;
    t[2].omk[TG_OMK_OVERHEAD] = 0;
    t[2].omk[TG_OMK_TILSYN] = 0;
    t[2].budget_belaegning = 0.95;

    assert_int_equal(tg_scenario_run(t, 3, &o, NULL, &res, &err), TG_OK);
    assert_near(res->years[0].mulige_dage, 8389, 0);
    assert_near(res->years[0].pladser, 8389.0 / 365, 1e-12);
    assert_near(res->years[0].omkostninger, 23767469, 0);
    const tg_scenario_rep *row = tg_scenario_row(res, 0, 1, 0);
    assert_near(row->belaegningsdage, 8095.385, 1e-6);
    assert_near(row->doegntakst, 2936, 0);
    assert_near(row->belagte_dage, 7665, 1e-6);
    assert_near(row->resultat, -1263029, 0);
    assert_near(row->graense, 1188373, 0);
    assert_near(row->regulering, 74656, 0);

    assert_near(res->years[1].mulige_dage, 2200, 0);
    assert_near(res->years[1].omkostninger, 6828767, 0);
    row = tg_scenario_row(res, 1, 0, 0);
    assert_near(row->belaegningsdage, 2090, 1e-9);
    assert_near(row->doegntakst, 3267, 0);
    assert_near(row->belagte_dage, 0, 0);
    assert_near(row->resultat, -6828767, 0);
    assert_near(row->regulering, 6487329, 0);

    assert_near(res->years[2].omkostninger, 12419726, 0);
    tg_scenario_result_free(res);
}

/* ---- (2) the stochastic chain against tg_takst called directly ---- */

static void busy(tg_scenario_tilbud *t, const char *id, int places, const double *hist) {
    tg_scenario_tilbud_init(t);
    t->id = id;
    t->pladser = places;
    t->sim.rate = 0.95 * places / 200.0;
    t->sim.los.dist = TG_SIM_EXP;
    t->sim.los.mean = 200;
    t->omk[TG_OMK_DIREKTE_LOEN] = 1000000.0 * places;
    t->omk[TG_OMK_EJENDOM] = 80000.0 * places;
    t->historik_fra_aar = 2023;
    t->historik = hist;
    t->n_historik = 2;
    t->regnskab_afvigelse_pct = 1;
}

static void test_scenario_chain_matches_takst(void **state) {
    static const double hist[] = { 0.94, 0.97 }, reg[] = { 250000, -120000 };
    tg_takst_rules r = rules("BEK2022");
    tg_scenario_opts o = opts(&r, 2025, 5, 40);
    tg_scenario_tilbud t[2];
    tg_scenario_result *res = NULL;
    tg_error err;
    size_t outside = 0;
    (void)state;
    busy(&t[0], "A", 12, hist);
    busy(&t[1], "B", 30, hist);
    t[1].regulering = reg;
    t[1].n_regulering = 2;
    assert_int_equal(tg_scenario_run(t, 2, &o, NULL, &res, &err), TG_OK);
    for (size_t k = 0; k < 2; k++)
        for (size_t rep = 0; rep < 40; rep++) {
            double act[7] = { 0.94, 0.97 };
            for (size_t y = 0; y < 5; y++) {
                const tg_scenario_rep *row = tg_scenario_row(res, k, rep, y);
                int aar = 2025 + (int)y, days = aar == 2028 ? 366 : 365;
                tg_takst_input in;
                tg_takst_result tr;
                tg_takst_account a;
                tg_takst_regulation g;
                double bb, want_reg = 0;

                act[2 + y] = row->belagte_dage / (t[k].pladser * days);
                assert_near(row->belaegning, act[2 + y], 1e-12);
                assert_int_equal(
                    tg_takst_budget_belaegning(&r, aar, 2023, act, 2 + y + 1, 0, &bb, NULL), TG_OK);
                assert_near(row->budget_belaegning, bb, 0);
                if (k == 1 && y < 2) want_reg = reg[y];
                if (y >= 2) want_reg += tg_scenario_row(res, k, rep, y - 2)->regulering;
                assert_near(row->regulering_n2, want_reg, 0);

                tg_takst_input_init(&in);
                in.aar = aar;
                in.pladser = t[k].pladser;
                in.budget_belaegning = bb;
                in.omk[TG_OMK_DIREKTE_LOEN] = t[k].omk[TG_OMK_DIREKTE_LOEN];
                in.omk[TG_OMK_DIREKTE_DRIFT] = 0;
                in.omk[TG_OMK_EJENDOM] = t[k].omk[TG_OMK_EJENDOM];
                in.omk[TG_OMK_REGULERING] = want_reg;
                assert_int_equal(tg_takst_compute(&r, &in, &tr, NULL), TG_OK);
                assert_near(row->doegntakst, tr.doegntakst, 0);
                assert_near(row->takstgrundlag, tr.takstgrundlag, 0);
                /* regnskab: 1 % over on direkte_loen */
                a.aar = aar;
                a.belagte_dage = row->belagte_dage;
                a.doegntakst = tr.doegntakst;
                a.provenu = NAN;
                a.regnskab = tr.takstgrundlag + round(0.01 * t[k].omk[TG_OMK_DIREKTE_LOEN]);
                /* plus the driftsramme carried from the year before */
                if (y > 0) a.regnskab += tg_scenario_row(res, k, rep, y - 1)->driftsramme;
                a.takstgrundlag = tr.takstgrundlag;
                a.budget_regulering = want_reg;
                assert_int_equal(tg_takst_regulate(&r, &a, &g, NULL), TG_OK);
                assert_near(row->regnskab, a.regnskab, 0);
                assert_near(row->provenu, g.provenu, 0);
                assert_near(row->resultat, g.resultat, 0);
                assert_near(row->graense, g.graense, 0);
                assert_near(row->driftsramme, g.driftsramme, 0);
                assert_near(row->regulering, g.regulering, 0);
                outside += g.regulering != 0;
            }
        }
    assert_true(outside > 0); /* the chain was exercised, not only the driftsramme */
    tg_scenario_result_free(res);
}

/* ---- (3) reproducibility, percentiles, tables ---- */

static void test_scenario_reproducible_and_ordered(void **state) {
    static const double hist[] = { 0.94, 0.97 };
    tg_takst_rules r = rules("BEK2022");
    tg_scenario_opts o = opts(&r, 2026, 3, 60);
    tg_scenario_tilbud t[2];
    tg_scenario_result *a = NULL, *b = NULL, *c = NULL;
    tg_table *sum = NULL, *rows = NULL;
    const char *ids[2] = { "A", "B" };
    double x[60];
    (void)state;
    busy(&t[0], "A", 12, hist);
    busy(&t[1], "B", 30, hist);
    assert_int_equal(tg_scenario_run(t, 2, &o, NULL, &a, NULL), TG_OK);
    assert_int_equal(tg_scenario_run(t, 2, &o, NULL, &b, NULL), TG_OK);
    assert_memory_equal(a->rows, b->rows, 2 * 60 * 3 * sizeof *a->rows);
    o.seed = 8;
    assert_int_equal(tg_scenario_run(t, 2, &o, NULL, &c, NULL), TG_OK);
    assert_true(memcmp(a->rows, c->rows, 2 * 60 * 3 * sizeof *a->rows) != 0);
    /* the second tilbud's draws do not depend on the first being there */
    tg_scenario_result_free(c);
    o.seed = 7;
    assert_int_equal(tg_scenario_run(t, 1, &o, NULL, &c, NULL), TG_OK);
    assert_memory_equal(a->rows, c->rows, 60 * 3 * sizeof *a->rows);

    assert_int_equal(tg_scenario_summary(a, ids, &sum, NULL), TG_OK);
    assert_int_equal(sum->n_rows, 6);
    assert_int_equal(sum->n_cols, 5 + 8 * 4 + 1);
    for (size_t i = 0; i < 6; i++) {
        size_t k = i / 3, y = i % 3;
        double m = 0, lo = INFINITY, hi = -INFINITY;
        for (size_t rep = 0; rep < 60; rep++) {
            x[rep] = tg_scenario_row(a, k, rep, y)->doegntakst;
            m += x[rep] / 60;
            lo = fmin(lo, x[rep]);
            hi = fmax(hi, x[rep]);
        }
        /* naive percentiles: sorted by insertion, h = 59 p */
        for (size_t p = 1; p < 60; p++)
            for (size_t q = p; q > 0 && x[q - 1] > x[q]; q--) {
                double tmp = x[q];
                x[q] = x[q - 1];
                x[q - 1] = tmp;
            }
        double p5 = x[2] + 0.95 * (x[3] - x[2]), p50 = x[29] + 0.5 * (x[30] - x[29]);
        double p95 = x[56] + 0.05 * (x[57] - x[56]);
        assert_near(tg_table_col(sum, "doegntakst_gns")->v.f64[i], m, 1e-6);
        assert_near(tg_table_col(sum, "doegntakst_p5")->v.f64[i], p5, 1e-9);
        assert_near(tg_table_col(sum, "doegntakst_p50")->v.f64[i], p50, 1e-9);
        assert_near(tg_table_col(sum, "doegntakst_p95")->v.f64[i], p95, 1e-9);
        assert_true(lo <= p5 && p5 <= p50 && p50 <= p95 && p95 <= hi);
        assert_int_equal(tg_table_col(sum, "aar")->v.i64[i], 2026 + (int64_t)y);
        const double *g = tg_table_col(sum, "resultat_p5")->v.f64;
        assert_true(g[i] <= tg_table_col(sum, "resultat_p95")->v.f64[i]);
        double pu = tg_table_col(sum, "p_uden_for_graense")->v.f64[i];
        assert_true(pu >= 0 && pu <= 1);
    }
    assert_int_equal(tg_scenario_rows(a, ids, &rows, NULL), TG_OK);
    assert_int_equal(rows->n_rows, 2 * 60 * 3);
    /* row 1 * 180 + 7 * 3 + 2: tilbud B, replication 8, 2028 */
    assert_int_equal(tg_table_col(rows, "replikation")->v.i64[180 + 21 + 2], 8);
    assert_int_equal(tg_table_col(rows, "aar")->v.i64[180 + 21 + 2], 2028);
    assert_near(tg_table_col(rows, "resultat")->v.f64[180 + 21 + 2],
                tg_scenario_row(a, 1, 7, 2)->resultat, 0);
    tg_table_release(sum);
    tg_table_release(rows);
    tg_scenario_result_free(a);
    tg_scenario_result_free(b);
    tg_scenario_result_free(c);
}

static void test_scenario_errors(void **state) {
    tg_takst_rules r = rules("BEK2022");
    tg_scenario_opts o = opts(&r, 2026, 2, 2);
    tg_scenario_tilbud t;
    tg_scenario_result *res = NULL;
    tg_scenario_step close = { tg_date_from_ymd(2025, 6, 1), 0 };
    tg_test_stopper stop = { 0, 1 };
    tg_interrupt intr = { tg_test_stop_poll, &stop };
    tg_error err;
    (void)state;
    frozen(&t, "X", 5, 5);
    t.omk[TG_OMK_DIREKTE_LOEN] = 1000000;
    assert_int_equal(tg_scenario_run(&t, 1, &o, NULL, &res, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "tilbud 'X': no actual occupancy to budget 2026 on"));
    assert_null(res);
    t.budget_belaegning = 0.95;
    t.steps = &close;
    t.n_steps = 1;
    assert_int_equal(tg_scenario_run(&t, 1, &o, NULL, &res, &err), TG_EARG);
    assert_string_equal(err.msg, "tilbud 'X' has no places in 2026");
    t.n_steps = 0;
    t.variabel_andel = 1.5;
    assert_int_equal(tg_scenario_run(&t, 1, &o, NULL, &res, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "variabel_andel"));
    t.variabel_andel = 0.5;
    t.omk[TG_OMK_INDTAEGT] = 5;
    assert_int_equal(tg_scenario_run(&t, 1, &o, NULL, &res, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "tilbud 'X', 2026: indtaegt must be 0 or negative"));
    t.omk[TG_OMK_INDTAEGT] = NAN;
    assert_int_equal(tg_scenario_run(&t, 1, &o, &intr, &res, &err), TG_ELIMIT);
    assert_null(res);
    o.aar = 0;
    assert_int_equal(tg_scenario_run(&t, 1, &o, NULL, &res, &err), TG_EARG);
}

/* ---- allocation failures ---- */

static tg_status oom_run(void *ctx) {
    static const double hist[] = { 0.94, 0.97 };
    tg_takst_rules r = rules("national2027");
    tg_scenario_opts o = opts(&r, 2026, 3, 5);
    tg_scenario_tilbud t[2];
    tg_scenario_step cut = { tg_date_from_ymd(2026, 7, 1), 8 };
    tg_scenario_result *res = NULL;
    tg_table *a = NULL, *b = NULL;
    const char *ids[2] = { "A", NULL };
    tg_status st;
    (void)ctx;
    busy(&t[0], "A", 12, hist);
    busy(&t[1], NULL, 10, hist);
    t[0].steps = &cut;
    t[0].n_steps = 1;
    st = tg_scenario_run(t, 2, &o, NULL, &res, NULL);
    if (st == TG_OK) st = tg_scenario_summary(res, ids, &a, NULL);
    if (st == TG_OK) st = tg_scenario_rows(res, ids, &b, NULL);
    if (st == TG_OK && tg_table_col(b, "tilbud_id")->dict == NULL) st = TG_EDATA;
    tg_table_release(a);
    tg_table_release(b);
    tg_scenario_result_free(res);
    return st;
}

static void test_scenario_oom(void **state) {
    (void)state;
    assert_true(tg_test_oom_loop(oom_run, NULL) > 10);
}

/* ---- (5) cost uncertainty (issue 18) ---- */

/* Mean and sd over the replications of f(row) for tilbud 0, year y. */
static void rep_moments(const tg_scenario_result *res, size_t y,
                        double (*f)(const tg_scenario_rep *), double *mean, double *sd) {
    double s = 0, s2 = 0, n = (double)res->reps;
    for (size_t rep = 0; rep < res->reps; rep++) {
        double v = f(tg_scenario_row(res, 0, rep, y));
        s += v;
        s2 += v * v;
    }
    *mean = s / n;
    *sd = sqrt((s2 - s * s / n) / (n - 1));
}

static double get_resultat(const tg_scenario_rep *r) {
    return r->resultat;
}
static double get_takst(const tg_scenario_rep *r) {
    return r->doegntakst;
}
static double get_overrun(const tg_scenario_rep *r) {
    return r->regnskab - r->takstgrundlag;
}

/*
** The chain of test (1) under national2027 (no driftsramme, no carry),
** 20,000 replications, with direkte_loen's actual cost uncertain. The
** provenu is fixed (the tilbud is full), so resultat(N) = provenu(N) -
** grundlag(N) - D_N with D_N the drawn deviation:
**   normal sd 400,000:  resultat 2025 ~ N(592,350, 400,000^2),
**                       resultat 2026 ~ N(581,750, 400,000^2);
**   the 2027 takst = round((11,130,000 - resultat 2025) / 3,577): mean
**   (11,130,000 - 592,350) / 3,577 = 2,945.946, sd 400,000 / 3,577 = 111.83
**   (rounding adds 1/12 to the variance);
**   lognormal sd 400,000: the same mean and sd (actual = 9,000,000 x X,
**   E X = 1, sd X = 400,000 / 9,000,000);
**   triangular (min -100,000, typisk 0, max 500,000) on ejendom: mean
**   deviation (-100,000 + 0 + 500,000) / 3 = 133,333.33, variance
**   (a^2 + b^2 + c^2 - ab - ac - bc) / 18 = 3.1e11 / 18, sd 131,233.0:
**   resultat 2025 mean 459,016.67.
** Means within 4 standard errors, sds within 2.5 % (the sample sd's
** standard error is 0.5 % at 20,000 replications), seed fixed.
*/
static void test_scenario_cost_uncertainty(void **state) {
    static const double hist[] = { 0.90, 0.90, 0.96 }, reg[] = { 100000, -50000 };
    static const struct {
        int line;
        tg_costdist d;
        double mean25, sd;
    } cases[] = {
        { TG_OMK_DIREKTE_LOEN, { TG_COSTDIST_NORMAL, 0, 400000, 0, 0, 0 }, 592350, 400000 },
        { TG_OMK_DIREKTE_LOEN, { TG_COSTDIST_LOGNORMAL, 0, 400000, 0, 0, 0 }, 592350, 400000 },
        { TG_OMK_EJENDOM,
          { TG_COSTDIST_TRIANGLE, 0, 0, -100000, 0, 500000 },
          592350 - 400000.0 / 3,
          131233.46456686352 }, /* sqrt(3.1e11 / 18) */
    };
    enum { N = 20000 };
    tg_takst_rules r = rules("national2027");
    (void)state;
    for (size_t c = 0; c < TG_ARRAY_LEN(cases); c++) {
        tg_scenario_opts o = opts(&r, 2025, 3, N);
        tg_scenario_tilbud t;
        tg_scenario_result *res = NULL;
        double m, sd, se = cases[c].sd / sqrt(N);
        chain_tilbud(&t, hist, reg);
        t.usikkerhed[cases[c].line] = cases[c].d;
        assert_int_equal(tg_scenario_run(&t, 1, &o, NULL, &res, NULL), TG_OK);
        rep_moments(res, 0, get_resultat, &m, &sd);
        assert_near(m, cases[c].mean25, 4 * se);
        assert_near(sd / cases[c].sd, 1, 0.025);
        rep_moments(res, 1, get_resultat, &m, &sd);
        assert_near(m, cases[c].mean25 - 10600, 4 * se);
        assert_near(sd / cases[c].sd, 1, 0.025);
        /* The 2025 result comes back in the 2027 takst. */
        rep_moments(res, 2, get_takst, &m, &sd);
        assert_near(m, (11130000 - cases[c].mean25) / 3577, 4 * se / 3577 + 0.05);
        assert_near(sd / sqrt(pow(cases[c].sd / 3577, 2) + 1.0 / 12), 1, 0.025);
        tg_scenario_result_free(res);
    }
}

static void test_scenario_cost_uncertainty_scales_and_keeps_occupancy(void **state) {
    /* With pl 2 % the 2026 line is 1.02 x the 2025 one and so is the
    ** normal deviation's sd: 408,000 (mean 0). A stochastic tilbud run
    ** with and without the distribution has the same occupancy in every
    ** replication: the cost draws have streams of their own. */
    static const double hist[] = { 0.94, 0.97 };
    tg_takst_rules r = rules("national2027");
    tg_scenario_opts o = opts(&r, 2025, 2, 20000);
    tg_scenario_tilbud t;
    tg_scenario_result *a = NULL, *b = NULL;
    double m, sd;
    (void)state;
    busy(&t, "A", 12, hist);
    t.regnskab_afvigelse_pct = 0;
    t.pl_pct = 2;
    t.omk_aar = 2025;
    assert_int_equal(tg_scenario_run(&t, 1, &o, NULL, &a, NULL), TG_OK);
    t.usikkerhed[TG_OMK_DIREKTE_LOEN] = (tg_costdist){ TG_COSTDIST_NORMAL, 0, 400000, 0, 0, 0 };
    assert_int_equal(tg_scenario_run(&t, 1, &o, NULL, &b, NULL), TG_OK);
    rep_moments(b, 1, get_overrun, &m, &sd);
    assert_near(m, 0, 4 * 408000 / sqrt(20000));
    assert_near(sd / 408000, 1, 0.025);
    for (size_t rep = 0; rep < 20000; rep++)
        for (size_t y = 0; y < 2; y++) {
            assert_near(tg_scenario_row(b, 0, rep, y)->belagte_dage,
                        tg_scenario_row(a, 0, rep, y)->belagte_dage, 0);
            assert_near(tg_scenario_row(a, 0, rep, y)->regnskab,
                        tg_scenario_row(a, 0, rep, y)->takstgrundlag, 0);
        }
    tg_scenario_result_free(a);
    tg_scenario_result_free(b);
}

static void test_scenario_cost_uncertainty_checked(void **state) {
    tg_takst_rules r = rules("BEK2022");
    tg_scenario_opts o = opts(&r, 2025, 2, 3);
    tg_scenario_tilbud t;
    tg_scenario_result *res = NULL;
    tg_error err;
    (void)state;
    frozen(&t, "T", 10, 10);
    t.omk[TG_OMK_DIREKTE_LOEN] = 9000000;
    t.budget_belaegning = 0.95;
    t.usikkerhed[TG_OMK_EJENDOM] = (tg_costdist){ TG_COSTDIST_NORMAL, 0, 1000, 0, 0, 0 };
    assert_int_equal(tg_scenario_run(&t, 1, &o, NULL, &res, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "omkostninger_usikkerhed.ejendom: an uncertain cost needs "
                                    "its line in omkostninger"));
    t.usikkerhed[TG_OMK_EJENDOM].kind = TG_COSTDIST_NONE;
    t.usikkerhed[TG_OMK_DIREKTE_LOEN] = (tg_costdist){ TG_COSTDIST_TRIANGLE, 0, 0, 5, 1, 9 };
    assert_int_equal(tg_scenario_run(&t, 1, &o, NULL, &res, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "min <= typisk <= max"));
    t.usikkerhed[TG_OMK_DIREKTE_LOEN] = (tg_costdist){ TG_COSTDIST_NORMAL, 0, -1, 0, 0, 0 };
    assert_int_equal(tg_scenario_run(&t, 1, &o, NULL, &res, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "sd must be a number >= 0"));
    assert_null(res);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenario_chain_by_hand),
        cmocka_unit_test(test_scenario_capacity_by_hand),
        cmocka_unit_test(test_scenario_chain_matches_takst),
        cmocka_unit_test(test_scenario_reproducible_and_ordered),
        cmocka_unit_test(test_scenario_errors),
        cmocka_unit_test(test_scenario_cost_uncertainty),
        cmocka_unit_test(test_scenario_cost_uncertainty_scales_and_keeps_occupancy),
        cmocka_unit_test(test_scenario_cost_uncertainty_checked),
        cmocka_unit_test_teardown(test_scenario_oom, tg_test_disarm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
