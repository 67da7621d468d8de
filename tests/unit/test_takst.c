/*
** test_takst.c -- takst calculation and efterregulering (tg_takst): the
** domain brief's example E, a result beyond ±5 % that is split, rounding
** at the half, the small pieces (tilsyn, ydelsespakke, moms, deltid), and
** every døgntakst, månedstakst, budgetteret belægning and regulering_n2 of
** the bundled datasets recomputed. The expected numbers are worked out by
** hand in the comments, or for the bundled data come from sqlite3 (the
** published takster, and occupied days summed by SQL from ophold.csv).
*/
#include "tg_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "tg_db.h"
#include "tg_err.h"
#include "tg_mem.h"
#include "tg_num.h"
#include "tg_takst.h"

static tg_takst_rules bek(void) {
    tg_takst_rules r;
    assert_int_equal(tg_takst_rules_builtin("BEK2022", &r, NULL), TG_OK);
    return r;
}

/* Example E of the domain brief (§2): 20 places, 365 days, 95 %;
** direkte 28,000,000, overhead 6 % of it, afskrivning 600,000,
** forrentning 250,000, regulering +400,000 and no tilsyn line. */
static tg_takst_input example_e(void) {
    tg_takst_input in;
    tg_takst_input_init(&in);
    in.aar = 2023;
    in.pladser = 20;
    in.budget_belaegning = 0.95;
    in.omk[TG_OMK_DIREKTE_LOEN] = 28000000;
    in.omk[TG_OMK_TILSYN] = 0;
    in.omk[TG_OMK_AFSKRIVNING] = 600000;
    in.omk[TG_OMK_FORRENTNING] = 250000;
    in.omk[TG_OMK_REGULERING] = 400000;
    return in;
}

/* ---- example E ---- */

static void test_takst_example_e(void **state) {
    tg_takst_rules r = bek();
    tg_takst_input in = example_e();
    tg_takst_result res;
    (void)state;

    assert_int_equal(tg_takst_compute(&r, &in, &res, NULL), TG_OK);
    assert_true(res.omk[TG_OMK_OVERHEAD] == 1680000); /* 6 % x 28,000,000 */
    assert_true(res.takstgrundlag == 30930000); /* 28,000,000 + 1,680,000 + 850,000 + 400,000 */
    assert_int_equal(res.takstdage, 365);
    assert_true(res.belaegningsdage == 6935); /* 20 x 365 x 0.95 */
    assert_true(fabs(res.doegntakst_uafrundet - 4459.98558) < 1e-5);
    assert_true(res.doegntakst == 4460);
    /* the rule's default: 4,460 x 365/12 = 1,627,900 / 12 = 135,658.33 */
    assert_true(res.maanedstakst == 135658.33);
    assert_true(isnan(res.basistakst) && isnan(res.servicetakst));

    /* The brief's månedstakster come from the unrounded 4,459.98558...:
    ** x 365/12 = 135,657.89 and x 30.5 = 136,029.56. */
    r.maaned_af_uafrundet = 1;
    assert_int_equal(tg_takst_compute(&r, &in, &res, NULL), TG_OK);
    assert_true(res.maanedstakst == 135657.89);
    in.maanedsfaktor = 30.5;
    assert_int_equal(tg_takst_compute(&r, &in, &res, NULL), TG_OK);
    assert_true(res.maanedstakst == 136029.56);
    r.maaned_af_uafrundet = 0;
    assert_int_equal(tg_takst_compute(&r, &in, &res, NULL), TG_OK);
    assert_true(res.maanedstakst == 136030.00); /* 4,460 x 30.5 */

    /* Fixed 334 takstdage (elevhjem): 20 x 334 x 0.95 = 6,346 days,
    ** 30,930,000 / 6,346 = 4,873.94 -> 4,874. */
    r.takstdage = 334;
    assert_int_equal(tg_takst_compute(&r, &in, &res, NULL), TG_OK);
    assert_true(res.belaegningsdage == 6346 && res.doegntakst == 4874);
}

/* The brief's efterregulering: 6,716 occupied days (92 %), accounts
** 31,210,000. Its provenu 29,953,263 is 6,716 x 4,459.98558 (the unrounded
** quotient, though it prints 4.459,99); with the charged 4,460 the provenu
** is 29,953,360 and the result -1,256,640; with 4,459.99 it would be
** 29,953,292.84. All are inside ±5 % of 30,930,000 (1,546,500), so all of
** it stays in the driftsramme and nothing goes into the takst of N+2. */
static void test_takst_example_e_regulation(void **state) {
    tg_takst_rules r = bek();
    tg_takst_account a = { 2023, 6716, 30930000.0 / 6935.0, NAN, 31210000, 30930000, 400000 };
    tg_takst_regulation g;
    (void)state;

    assert_int_equal(tg_takst_regulate(&r, &a, &g, NULL), TG_OK);
    assert_true(g.provenu == 29953263);
    assert_true(g.resultat == -1256737);
    assert_true(fabs(g.resultat_pct - (-4.0632)) < 1e-4); /* 1,256,737 / 30,930,000 */
    assert_true(g.graense == 1546500);
    assert_true(g.driftsramme == -1256737);
    assert_true(g.regulering == 0 && !signbit(g.regulering));
    assert_int_equal(g.aar_regulering, 2025);

    a.doegntakst = 4460; /* the takst actually charged */
    assert_int_equal(tg_takst_regulate(&r, &a, &g, NULL), TG_OK);
    assert_true(g.provenu == 29953360 && g.resultat == -1256640);
    assert_true(g.driftsramme == -1256640 && g.regulering == 0);

    a.doegntakst = 4459.99; /* the takst as printed */
    assert_int_equal(tg_takst_regulate(&r, &a, &g, NULL), TG_OK);
    assert_true(g.provenu == 29953293 && g.resultat == -1256707);

    a.doegntakst = NAN; /* a provenu given directly wins */
    a.provenu = 29953263;
    assert_int_equal(tg_takst_regulate(&r, &a, &g, NULL), TG_OK);
    assert_true(g.resultat == -1256737);
}

/* Beyond ±5 %: 6,443 days (88.3 %) at 4,460 and accounts of 31,210,000:
**   provenu   = 6,443 x 4,460            = 28,735,780
**   resultat  = 28,735,780 - 31,210,000  = -2,474,220 (-8.00 % of 30,930,000)
**   graense   = 5 % x 30,930,000         =  1,546,500
**   driftsramme                          = -1,546,500
**   regulering N+2 = 2,474,220 - 1,546,500 = +927,720 (raises the takst).
** A surplus: 7,300 days x 4,460 = 32,558,000 against 29,000,000 gives
** +3,558,000; 1,546,500 stays, -2,011,500 lowers the takst of N+2. */
static void test_takst_regulation_split(void **state) {
    tg_takst_rules r = bek();
    tg_takst_account a = { 2023, 6443, 4460, NAN, 31210000, 30930000, 400000 };
    tg_takst_regulation g;
    (void)state;

    assert_int_equal(tg_takst_regulate(&r, &a, &g, NULL), TG_OK);
    assert_true(g.provenu == 28735780 && g.resultat == -2474220);
    assert_true(fabs(g.resultat_pct - (-7.99942)) < 1e-4);
    assert_true(g.graense == 1546500 && g.driftsramme == -1546500);
    assert_true(g.regulering == 927720);
    assert_int_equal(g.aar_regulering, 2025);

    a.belagte_dage = 7300;
    a.regnskab = 29000000;
    assert_int_equal(tg_takst_regulate(&r, &a, &g, NULL), TG_OK);
    assert_true(g.resultat == 3558000 && g.driftsramme == 1546500 && g.regulering == -2011500);

    /* The limit as 5 % of the budget without its regulering line:
    ** 5 % x 30,530,000 = 1,526,500, so 2,474,220 - 1,526,500 = 947,720. */
    a.belagte_dage = 6443;
    a.regnskab = 31210000;
    r.overfoersel_grundlag = TG_TAKST_BASIS_OMKOSTNINGER;
    assert_int_equal(tg_takst_regulate(&r, &a, &g, NULL), TG_OK);
    assert_true(g.graense == 1526500 && g.regulering == 947720);

    /* Different limits for deficits (3 %: 927,900) and surpluses; lag 1. */
    r = bek();
    r.overfoersel_pct_underskud = 3;
    r.regulering_aar = 1;
    assert_int_equal(tg_takst_regulate(&r, &a, &g, NULL), TG_OK);
    assert_true(g.graense == 927900 && g.driftsramme == -927900);
    assert_true(g.regulering == 1546320); /* 2,474,220 - 927,900 */
    assert_int_equal(g.aar_regulering, 2024);

    /* national2027 carries nothing: all of it goes into the takst. */
    assert_int_equal(tg_takst_rules_builtin("national2027", &r, NULL), TG_OK);
    assert_int_equal(tg_takst_regulate(&r, &a, &g, NULL), TG_OK);
    assert_true(g.graense == 0 && g.driftsramme == 0 && g.regulering == 2474220);

    a.belagte_dage = -1;
    assert_int_equal(tg_takst_regulate(&r, &a, &g, NULL), TG_EARG);
}

/* ---- rounding ---- */

static void test_takst_round_half_up(void **state) {
    (void)state;
    assert_true(tg_num_round_f64(4459.99, 0, TG_ROUND_HALF_UP_TOL) == 4460);
    assert_true(tg_num_round_f64(4459.49, 0, TG_ROUND_HALF_UP_TOL) == 4459);
    assert_true(tg_num_round_f64(2.5, 0, TG_ROUND_HALF_UP_TOL) ==
                3); /* banker's rounding would give 2 */
    assert_true(tg_num_round_f64(3.5, 0, TG_ROUND_HALF_UP_TOL) == 4);
    assert_true(tg_num_round_f64(-2.5, 0, TG_ROUND_HALF_UP_TOL) == -3);
    assert_true(tg_num_round_f64(0.4999999, 0, TG_ROUND_HALF_UP_TOL) == 0);
    assert_true(tg_num_round_f64(2230.4999999999995, 0, TG_ROUND_HALF_UP_TOL) ==
                2231); /* binary noise below .5 */
    assert_true(tg_num_round_f64(2230.4999, 0, TG_ROUND_HALF_UP_TOL) == 2230);
    assert_true(tg_num_round_f64(2.675, 2, TG_ROUND_HALF_UP_TOL) ==
                2.68); /* the double is 2.67499999... */
    assert_true(tg_num_round_f64(1.005, 2, TG_ROUND_HALF_UP_TOL) == 1.01);
    assert_true(tg_num_round_f64(0.96675, 3, TG_ROUND_HALF_UP_TOL) == 0.967);
    assert_true(tg_num_round_f64(1e12 + 0.5, 0, TG_ROUND_HALF_UP_TOL) == 1e12 + 1);
    assert_true(isnan(tg_num_round_f64(NAN, 0, TG_ROUND_HALF_UP_TOL)));
    /* The tolerance is what sets the takst rule apart from exact half-up:
    ** 50 x 1.15 is 57.49999999999999 in binary. */
    assert_true(tg_num_round_f64(50 * 1.15, 0, TG_ROUND_HALF_UP) == 57);
    assert_true(tg_num_round_f64(50 * 1.15, 0, TG_ROUND_HALF_UP_TOL) == 58);
    assert_true(tg_num_round_f64(-57.49999999999999, 0, TG_ROUND_HALF_UP_TOL) == -58);
}

/* 5 places x 365 x 0.928 = 1,693.6 belægningsdage. 5,085,034 / 1,693.6 is
** exactly 3,002.5 (5,085,034 = 3,002.5 x 1,693.6), but in binary it comes
** out as 3002.4999999999995, which floor(q + 0.5) rounds down. */
static void test_takst_doegntakst_at_the_half(void **state) {
    tg_takst_rules r = bek();
    tg_takst_input in;
    tg_takst_result res;
    (void)state;

    tg_takst_input_init(&in);
    in.aar = 2023;
    in.pladser = 5;
    in.budget_belaegning = 0.928;
    in.omk[TG_OMK_DIREKTE_LOEN] = 5085034;
    in.omk[TG_OMK_OVERHEAD] = 0;
    in.omk[TG_OMK_TILSYN] = 0;
    assert_int_equal(tg_takst_compute(&r, &in, &res, NULL), TG_OK);
    assert_true(res.belaegningsdage == 1693.6);
    assert_true(res.doegntakst == 3003);
    in.omk[TG_OMK_DIREKTE_LOEN] = 5085033; /* 3,002.4994 */
    assert_int_equal(tg_takst_compute(&r, &in, &res, NULL), TG_OK);
    assert_true(res.doegntakst == 3002);
}

/* ---- the pieces ---- */

static void test_takst_budget_belaegning(void **state) {
    tg_takst_rules r = bek();
    /* actual occupancy 2019..2024 */
    double act[] = { 0.99, 0.9634, 0.9701, 0.93, 0.92, NAN };
    double bb;
    tg_error err;
    (void)state;

    /* 2023: mean of 2021 (0.9701) and 2020 (0.9634) = 0.96675 -> 0.967 */
    assert_int_equal(tg_takst_budget_belaegning(&r, 2023, 2019, act, 6, 0, &bb, NULL), TG_OK);
    assert_true(bb == 0.967);
    /* 2022: 0.9634 and 0.99 -> 0.9767 -> 0.977 */
    assert_int_equal(tg_takst_budget_belaegning(&r, 2022, 2019, act, 6, 0, &bb, NULL), TG_OK);
    assert_true(bb == 0.977);
    /* 2024: 0.93 and 0.9701 -> 0.95005 -> 0.950 */
    assert_int_equal(tg_takst_budget_belaegning(&r, 2024, 2019, act, 6, 0, &bb, NULL), TG_OK);
    assert_true(bb == 0.95);
    /* 2025: 0.92 and 0.93 -> 0.925: clamped to 0.95, but allowed for akut */
    assert_int_equal(tg_takst_budget_belaegning(&r, 2025, 2019, act, 6, 0, &bb, NULL), TG_OK);
    assert_true(bb == 0.95);
    assert_int_equal(tg_takst_budget_belaegning(&r, 2025, 2019, act, 6, 1, &bb, NULL), TG_OK);
    assert_true(bb == 0.925);
    /* 2021: 0.99 (2019) and 2018 unknown -> 0.99 -> clamped to 0.98 */
    assert_int_equal(tg_takst_budget_belaegning(&r, 2021, 2019, act, 6, 0, &bb, NULL), TG_OK);
    assert_true(bb == 0.98);
    /* 2026: 2024 is NaN, so 2023 alone: 0.92 -> 0.95, akut 0.92 */
    assert_int_equal(tg_takst_budget_belaegning(&r, 2026, 2019, act, 6, 1, &bb, NULL), TG_OK);
    assert_true(bb == 0.92);
    /* 2027: 2025 is outside the array, 2024 is NaN: nothing known */
    assert_int_equal(tg_takst_budget_belaegning(&r, 2027, 2019, act, 6, 0, &bb, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "2024-2025"));
    /* a floor of 0.90 for akut: 0.85 -> 0.90 */
    act[3] = act[4] = 0.85;
    assert_int_equal(tg_takst_budget_belaegning(&r, 2025, 2019, act, 6, 1, &bb, NULL), TG_OK);
    assert_true(bb == 0.90);
    /* three years averaged from N-1 */
    r.historik_fra = 1;
    r.historik_aar = 3;
    assert_int_equal(tg_takst_budget_belaegning(&r, 2022, 2019, act, 6, 0, &bb, NULL), TG_OK);
    assert_true(bb == 0.975); /* (0.9701 + 0.9634 + 0.99) / 3 = 0.9745 -> 0.975 */
}

static void test_takst_tilsyn_and_overhead(void **state) {
    tg_takst_rules r = bek();
    tg_takst_input in = example_e();
    tg_takst_result res;
    (void)state;

    assert_true(tg_takst_tilsyn(&r, 7, 1) == 39448);
    assert_true(tg_takst_tilsyn(&r, 8, 1) == 47338);
    assert_true(tg_takst_tilsyn(&r, 24, 1) == 47338);
    assert_true(tg_takst_tilsyn(&r, 25, 1) == 78896);
    assert_true(tg_takst_tilsyn(&r, 49, 1) == 78896);
    assert_true(tg_takst_tilsyn(&r, 50, 1) == 118344);
    assert_true(tg_takst_tilsyn(&r, 110, 1.031) == 122013); /* 118,344 x 1.031 = 122,012.66 */

    /* tilsyn not given: 20 places pay 47,338, 2 % later 48,284.76 -> 48,285 */
    in.omk[TG_OMK_TILSYN] = NAN;
    in.tilsyn_pl_faktor = 1.02;
    assert_int_equal(tg_takst_compute(&r, &in, &res, NULL), TG_OK);
    assert_true(res.omk[TG_OMK_TILSYN] == 48285);
    assert_true(res.takstgrundlag == 30930000 + 48285);

    /* overhead 5.5 % of direkte_loen + direkte_drift + ejendom:
    ** 0.055 x (20,000,000 + 5,000,000 + 3,000,001) = 1,540,000.055 -> 1,540,000 */
    in = example_e();
    in.omk[TG_OMK_DIREKTE_LOEN] = 20000000;
    in.omk[TG_OMK_DIREKTE_DRIFT] = 5000000;
    in.omk[TG_OMK_EJENDOM] = 3000001;
    in.overhead_pct = 5.5;
    assert_int_equal(tg_takst_compute(&r, &in, &res, NULL), TG_OK);
    assert_true(res.omk[TG_OMK_OVERHEAD] == 1540000);
    /* an overhead line given is used as it is */
    in.omk[TG_OMK_OVERHEAD] = 1234567;
    assert_int_equal(tg_takst_compute(&r, &in, &res, NULL), TG_OK);
    assert_true(res.omk[TG_OMK_OVERHEAD] == 1234567);
    /* overhead of direkte_loen only, from the rules: 6 % x 20,000,000 */
    in.omk[TG_OMK_OVERHEAD] = NAN;
    in.overhead_pct = NAN;
    r.overhead_grundlag = TG_TAKST_BIT(TG_OMK_DIREKTE_LOEN);
    assert_int_equal(tg_takst_compute(&r, &in, &res, NULL), TG_OK);
    assert_true(res.omk[TG_OMK_OVERHEAD] == 1200000);
}

/* national2027 splits example E: the frame (overhead 1,680,000,
** afskrivning 600,000, forrentning 250,000) is 2,530,000 / 6,935 =
** 364.82 -> basistakst 365, servicetakst 4,460 - 365 = 4,095. */
static void test_takst_basis_service_split(void **state) {
    tg_takst_rules r;
    tg_takst_input in = example_e();
    tg_takst_result res;
    (void)state;

    assert_int_equal(tg_takst_rules_builtin("national2027", &r, NULL), TG_OK);
    assert_int_equal(tg_takst_compute(&r, &in, &res, NULL), TG_OK);
    assert_true(res.doegntakst == 4460);
    assert_true(res.basistakst == 365 && res.servicetakst == 4095);
}

static void test_takst_ydelsespakke_moms_deltid(void **state) {
    tg_takst_rules r = bek();
    double pris, dag, v;
    tg_error err;
    (void)state;

    /* 5-10 hours a week at 402 kr.: 7.5 x 402 = 3,015; a day 3,015 / 7 = 430.71 */
    assert_int_equal(tg_takst_ydelsespakke(5, 10, 402, 7, &pris, &dag, NULL), TG_OK);
    assert_true(pris == 3015 && dag == 431);
    /* 0-1 hours at 401 kr.: 0.5 x 401 = 200.5 -> 201 (half-up, not 200) */
    assert_int_equal(tg_takst_ydelsespakke(0, 1, 401, 0, &pris, &dag, NULL), TG_OK);
    assert_true(pris == 201 && isnan(dag));
    assert_int_equal(tg_takst_ydelsespakke(10, 5, 402, 7, &pris, &dag, &err), TG_EARG);
    assert_int_equal(tg_takst_ydelsespakke(0, 5, -1, 7, &pris, &dag, &err), TG_EARG);

    /* moms: 1,000 x 25 % x 25/125 = 50 */
    assert_true(tg_takst_moms_refusion(&r, 1000, 0.25) == 50);
    /* 3,187 x 40 % x 0.2 = 254.96 */
    assert_true(tg_takst_moms_refusion(&r, 3187, 0.40) == 254.96);
    assert_true(tg_takst_tillaeg(3, 393.76) == 1181.28);
    assert_true(tg_takst_tillaeg(0, 393.76) == 0);

    /* part time: 60 % for 1-2 days, 85 % for 3, full from 4 */
    assert_int_equal(tg_takst_deltid(&r, 1235, 1, &v, NULL), TG_OK);
    assert_true(v == 741); /* 741.0 */
    assert_int_equal(tg_takst_deltid(&r, 1235, 2, &v, NULL), TG_OK);
    assert_true(v == 741);
    assert_int_equal(tg_takst_deltid(&r, 1235, 3, &v, NULL), TG_OK);
    assert_true(v == 1050); /* 1,049.75 -> 1,050 */
    assert_int_equal(tg_takst_deltid(&r, 1235, 4, &v, NULL), TG_OK);
    assert_true(v == 1235);
    assert_int_equal(tg_takst_deltid(&r, 1235, 0, &v, &err), TG_EARG);
    assert_int_equal(tg_takst_deltid(&r, 1235, 8, &v, &err), TG_EARG);
}

static void test_takst_rules_and_errors(void **state) {
    tg_takst_rules r;
    tg_takst_input in = example_e();
    tg_takst_result res;
    tg_error err;
    (void)state;

    assert_string_equal(tg_takst_rules_name_at(0), "BEK2022");
    assert_string_equal(tg_takst_rules_name_at(1), "national2027");
    assert_null(tg_takst_rules_name_at(2));
    assert_int_equal(tg_takst_rules_builtin("BEK2021", &r, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "BEK2022"));
    r = bek();
    assert_int_equal(tg_takst_rules_check(&r, NULL), TG_OK);
    r.belaegning_max = 0.9;
    assert_int_equal(tg_takst_rules_check(&r, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "belaegning_max"));
    r = bek();
    r.overhead_grundlag |= TG_TAKST_BIT(TG_OMK_OVERHEAD);
    assert_int_equal(tg_takst_rules_check(&r, &err), TG_EARG);
    r = bek();
    r.tilsyn_graense[1] = 5;
    assert_int_equal(tg_takst_rules_check(&r, &err), TG_EARG);
    r = bek();
    r.deltid[2] = 1.5;
    assert_int_equal(tg_takst_rules_check(&r, &err), TG_EARG);

    assert_int_equal(tg_takst_omk_parse("tjm_pension", 11), TG_OMK_TJM_PENSION);
    assert_int_equal(tg_takst_omk_parse("tjm", 3), -1);
    assert_string_equal(tg_takst_omk_name(TG_OMK_REGULERING), "regulering_n2");
    assert_int_equal(tg_takst_days(&r, 2024), 366);
    assert_int_equal(tg_takst_days(&r, 2100), 365);
    assert_int_equal(tg_takst_days(&r, 2000), 366);

    r = bek();
    in.omk[TG_OMK_INDTAEGT] = 336000;
    assert_int_equal(tg_takst_compute(&r, &in, &res, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "indtaegt"));
    in = example_e();
    in.pladser = 0;
    assert_int_equal(tg_takst_compute(&r, &in, &res, &err), TG_EARG);
    in = example_e();
    in.budget_belaegning = NAN;
    assert_int_equal(tg_takst_compute(&r, &in, &res, &err), TG_EARG);
    in = example_e();
    in.aar = 0;
    assert_int_equal(tg_takst_compute(&r, &in, &res, &err), TG_EARG);
    in.takstdage = 365; /* given: no year needed */
    assert_int_equal(tg_takst_compute(&r, &in, &res, &err), TG_OK);
    assert_true(res.doegntakst == 4460);
}

/* ---- tables ---- */

static tg_col *str_col(const char *const *v, size_t n) {
    tg_col *c = tg_col_new(TG_STRING, n, NULL);
    assert_non_null(c);
    for (size_t i = 0; i < n; i++) assert_int_equal(tg_col_push_str(c, v[i], strlen(v[i])), TG_OK);
    return c;
}

static tg_col *f64_col(const double *v, size_t n) {
    tg_col *c = tg_col_new(TG_FLOAT, n, NULL);
    assert_non_null(c);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(isnan(v[i]) ? tg_col_push_null(c) : tg_col_push_f64(c, v[i]), TG_OK);
    return c;
}

static tg_col *i64_col(const int64_t *v, size_t n) {
    tg_col *c = tg_col_new(TG_INT, n, NULL);
    assert_non_null(c);
    for (size_t i = 0; i < n; i++) assert_int_equal(tg_col_push_i64(c, v[i]), TG_OK);
    return c;
}

/* Tilbud A is example E (direkte_loen in two lines, overhead from the
** rules, a regnskab line and a line of an unknown tilbud C to ignore);
** B is the at-the-half case above. */
static tg_table *small_param(const char *id2, double pladser2) {
    const int64_t aar[] = { 2023, 2023 };
    const char *id[] = { "A", id2 };
    const double pl[] = { 20, pladser2 }, bb[] = { 0.95, 0.928 };
    tg_table *t = tg_table_new();
    assert_non_null(t);
    tg_test_add(t, "aar", i64_col(aar, 2));
    tg_test_add(t, "tilbud_id", str_col(id, 2));
    tg_test_add(t, "normerede_pladser", f64_col(pl, 2));
    tg_test_add(t, "budget_belaegning", f64_col(bb, 2));
    return t;
}

static tg_table *small_budget(const char *type0) {
    const double aar[] = { 2023, 2023, 2023, 2023, 2023, 2023, 2023, 2023, 2023, 2023, 2023 };
    const char *id[] = { "C", "A", "A", "A", "A", "A", "A", "A", "B", "B", "B" };
    const char *type[] = { type0,          "direkte_loen",  "direkte_loen", "afskrivning",
                           "forrentning",  "regulering_n2", "tilsyn",       "direkte_loen",
                           "direkte_loen", "overhead",      "tilsyn" };
    const double kr[] = { 1, 20000000, 8000000, 600000, 250000, 400000, 0, 999, 5085034, 0, 0 };
    const char *kilde[] = { "budget", "budget",   "budget", "budget", "budget", "budget",
                            "budget", "regnskab", "budget", "budget", "budget" };
    tg_table *t = tg_table_new();
    assert_non_null(t);
    tg_test_add(t, "kilde", str_col(kilde, 11));
    tg_test_add(t, "aar", f64_col(aar, 11));
    tg_test_add(t, "tilbud_id", str_col(id, 11));
    tg_test_add(t, "omkostningstype", str_col(type, 11));
    tg_test_add(t, "beloeb_kr", f64_col(kr, 11));
    return t;
}

static void test_takst_compute_table(void **state) {
    size_t before = tg_mem_blocks();
    tg_takst_rules r = bek();
    tg_table *param = small_param("B", 5), *budget = small_budget("ejendom"), *out;
    tg_error err;
    (void)state;

    assert_int_equal(tg_takst_compute_table(&r, param, budget, NULL, &out, &err), TG_OK);
    assert_int_equal(out->n_rows, 2);
    assert_int_equal(out->n_cols, 9);
    assert_true(tg_table_col(out, "takstgrundlag")->v.f64[0] == 30930000);
    assert_true(tg_table_col(out, "belaegningsdage")->v.f64[0] == 6935);
    assert_true(tg_table_col(out, "doegntakst")->v.i64[0] == 4460);
    assert_true(tg_table_col(out, "maanedstakst")->v.f64[0] == 135658.33);
    assert_true(tg_table_col(out, "belaegningsdage")->v.f64[1] == 1693.6);
    assert_true(tg_table_col(out, "doegntakst")->v.i64[1] == 3003);
    assert_true(tg_table_col(out, "takstgrundlag")->v.f64[1] == 5085034);
    assert_int_equal(tg_col_null_count(tg_table_col(out, "basistakst")), 2);
    assert_ptr_equal(tg_table_col(out, "tilbud_id"), tg_table_col(param, "tilbud_id"));
    tg_table_release(out);

    /* national2027 splits A: basistakst 365, servicetakst 4,095 */
    assert_int_equal(tg_takst_rules_builtin("national2027", &r, NULL), TG_OK);
    assert_int_equal(tg_takst_compute_table(&r, param, budget, NULL, &out, &err), TG_OK);
    assert_true(tg_table_col(out, "basistakst")->v.i64[0] == 365);
    assert_true(tg_table_col(out, "servicetakst")->v.i64[0] == 4095);
    tg_table_release(out);
    tg_table_release(param);
    tg_table_release(budget);
    tg_test_no_leaks(before);
}

static void test_takst_compute_table_errors(void **state) {
    size_t before = tg_mem_blocks();
    tg_takst_rules r = bek();
    tg_table *param = small_param("B", 5), *budget = small_budget("lønninger"), *out;
    tg_error err;
    tg_test_stopper stop = { 0, 1 };
    tg_interrupt intr = { tg_test_stop_poll, &stop };
    (void)state;

    /* an unknown omkostningstype, even of a tilbud not in param */
    assert_int_equal(tg_takst_compute_table(&r, param, budget, NULL, &out, &err), TG_EDATA);
    assert_null(out);
    assert_non_null(strstr(err.msg, "unknown omkostningstype 'lønninger'"));
    tg_table_release(budget);
    budget = small_budget("ejendom");
    assert_int_equal(tg_takst_compute_table(&r, param, budget, &intr, &out, &err), TG_ELIMIT);
    tg_table_release(param);

    /* two rows for one tilbud-year */
    param = small_param("A", 5);
    assert_int_equal(tg_takst_compute_table(&r, param, budget, NULL, &out, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "row 2 (aar 2023, tilbud_id A)"));
    tg_table_release(param);

    /* a NULL place count: the message names the row */
    param = small_param("B", NAN);
    assert_int_equal(tg_takst_compute_table(&r, param, budget, NULL, &out, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "row 2 (aar 2023, tilbud_id B): normerede_pladser"));
    tg_table_release(param);

    /* a missing column */
    param = tg_table_new();
    assert_non_null(param);
    tg_test_add(param, "aar", f64_col((const double[]){ 2023 }, 1));
    tg_test_add(param, "tilbud_id", str_col((const char *[]){ "A" }, 1));
    tg_test_add(param, "normerede_pladser", f64_col((const double[]){ 20 }, 1));
    tg_test_add(param, "budget_belaeg", f64_col((const double[]){ 0.95 }, 1));
    assert_int_equal(tg_takst_compute_table(&r, param, budget, NULL, &out, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "budget_belaegning"));
    tg_table_release(param);
    tg_table_release(budget);
    tg_test_no_leaks(before);
}

struct oom_ctx {
    tg_table *param, *budget;
};

static tg_status oom_compute_table(void *p) {
    struct oom_ctx *c = p;
    tg_takst_rules r = bek();
    tg_table *out = NULL;
    tg_status st = tg_takst_compute_table(&r, c->param, c->budget, NULL, &out, NULL);
    if (st == TG_OK && tg_table_col(out, "doegntakst")->v.i64[0] != 4460) st = TG_EDATA;
    tg_table_release(out);
    return st;
}

static void test_takst_compute_table_oom(void **state) {
    struct oom_ctx c = { small_param("B", 5), small_budget("ejendom") };
    (void)state;
    assert_true(tg_test_oom_loop(oom_compute_table, &c) > 5);
    tg_table_release(c.param);
    tg_table_release(c.budget);
}

/* ---- the bundled data ---- */

static const char *dataset(const char *file) {
    static char path[1024];
    const char *dir = getenv("TG_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/datasets/%s", dir ? dir : ".", file);
    return path;
}

/* Loads a ';'-separated dataset file (UTF-8 BOM, CRLF, no quoting) into
** table 'name' of db, every field as text and an empty field as NULL: a
** second reading independent of tegn's CSV loader. */
static void load_csv(sqlite3 *db, const char *file, const char *name) {
    char line[2048], sql[2048];
    sqlite3_stmt *ins = NULL;
    FILE *f = fopen(dataset(file), "r");
    int n_cols = 0;

    assert_non_null(f);
    assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
    while (fgets(line, sizeof line, f)) {
        char *fields[16], *p = line;
        int n = 0;
        line[strcspn(line, "\r\n")] = '\0';
        if (!ins && strncmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
        for (;;) {
            fields[n++] = p;
            p = strchr(p, ';');
            if (!p || n == 16) break;
            *p++ = '\0';
        }
        if (!ins) {
            int off = snprintf(sql, sizeof sql, "CREATE TABLE %s(", name);
            for (int k = 0; k < n; k++)
                off +=
                    snprintf(sql + off, sizeof sql - (size_t)off, "%s%s", k ? "," : "", fields[k]);
            snprintf(sql + off, sizeof sql - (size_t)off, ")");
            assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
            off = snprintf(sql, sizeof sql, "INSERT INTO %s VALUES(", name);
            for (int k = 0; k < n; k++)
                off += snprintf(sql + off, sizeof sql - (size_t)off, "%s?", k ? "," : "");
            snprintf(sql + off, sizeof sql - (size_t)off, ")");
            assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &ins, NULL), SQLITE_OK);
            n_cols = n;
            continue;
        }
        assert_int_equal(n, n_cols);
        for (int k = 0; k < n; k++)
            if (*fields[k]) sqlite3_bind_text(ins, k + 1, fields[k], -1, SQLITE_TRANSIENT);
            else sqlite3_bind_null(ins, k + 1);
        assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    fclose(f);
}

/* An in-memory database with tegn.sqlite attached as 'd', ophold.csv,
** kapacitet.csv and tilbud.csv loaded, and the tables
**   dage(tilbud_id, aar, belagte, mulige): occupied days (a stay occupies
**     [indflyttet, fraflyttet)) and possible days (places per day, from
**     kapacitet.csv, whose gyldig_til is the last valid day), 2019-2025. */
static sqlite3 *open_data(void) {
    sqlite3 *db;
    char sql[1100];
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    snprintf(sql, sizeof sql, "ATTACH '%s' AS d", dataset("tegn.sqlite"));
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    load_csv(db, "ophold.csv", "ophold");
    load_csv(db, "kapacitet.csv", "kapacitet");
    load_csv(db, "tilbud.csv", "tilbud");
    const char *q =
        "CREATE TABLE dage AS WITH RECURSIVE y(aar) AS (SELECT 2019 UNION ALL SELECT aar + 1 "
        "FROM y WHERE aar < 2025) "
        "SELECT t.tilbud_id, y.aar, "
        " (SELECT total(max(0, julianday(min(coalesce(o.fraflyttet, '9999-12-31'), "
        "    (y.aar + 1) || '-01-01')) - julianday(max(o.indflyttet, y.aar || '-01-01')))) "
        "  FROM ophold o WHERE o.tilbud_id = t.tilbud_id) AS belagte, "
        " (SELECT total(k.normerede_pladser * max(0, julianday(min(coalesce(date(k.gyldig_til, "
        "    '+1 day'), '9999-12-31'), (y.aar + 1) || '-01-01')) - julianday(max(coalesce("
        "    k.gyldig_fra, '0001-01-01'), y.aar || '-01-01')))) "
        "  FROM kapacitet k WHERE k.tilbud_id = t.tilbud_id) AS mulige "
        "FROM tilbud t, y";
    if (sqlite3_exec(db, q, NULL, NULL, NULL) != SQLITE_OK) fail_msg("%s", sqlite3_errmsg(db));
    return db;
}

static double one_value(sqlite3 *db, const char *sql, int aar, const char *id) {
    sqlite3_stmt *st;
    double v = NAN;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_bind_int(st, 1, aar);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The månedstakst døgntakst x maanedsfaktor rounded half-up to øre, in
** integers: the factor has at most 4 decimals (30.4167, 30.5). Returns
** øre; *at_half is set when the exact product lies on a half øre. */
static long long maaned_oere(double doegntakst, double faktor, int *at_half) {
    long long prod = (long long)doegntakst * llround(faktor * 10000); /* 1/10000 kr. */
    *at_half = prod % 100 == 50;
    return (prod + 50) / 100;
}

/* Checks a computed månedstakst against the exact one and the published
** one. The generator rounded floor(x * 100 + 0.5) / 100 in binary, so
** where the exact product is a half øre it may have published one øre
** less; those rows are counted in *artefacts. */
static void check_maaned(const char *what, double doegntakst, double faktor, double computed,
                         double published, int *artefacts) {
    int at_half;
    long long exact = maaned_oere(doegntakst, faktor, &at_half);
    if (llround(computed * 100) != exact)
        fail_msg("%s: månedstakst %.2f computed, %lld øre exactly", what, computed, exact);
    if (llround(published * 100) == exact) return;
    if (!at_half || llround(published * 100) != exact - 1)
        fail_msg("%s: månedstakst %.2f published, %.2f computed", what, published, computed);
    (*artefacts)++;
}

/* Every published døgntakst and månedstakst, from takst_param and the
** budget lines through tg_takst_compute_table (tables read with tg_db_read),
** compared with the table 'takst' read by sqlite3. */
static void test_takst_bundled_takster_by_table(void **state) {
    tg_takst_rules r = bek();
    tg_table *param, *budget, *out;
    tg_error err;
    sqlite3 *db;
    int artefacts = 0;
    size_t before = tg_mem_blocks();
    (void)state;

    assert_int_equal(tg_db_read(dataset("tegn.sqlite"), "takst_param", NULL, 0, &param, &err),
                     TG_OK);
    assert_int_equal(tg_db_read(dataset("tegn.sqlite"), "takst_budget", NULL, 0, &budget, &err),
                     TG_OK);
    if (tg_takst_compute_table(&r, param, budget, NULL, &out, &err) != TG_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(out->n_rows, 253);
    assert_int_equal(sqlite3_open_v2(dataset("tegn.sqlite"), &db, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    assert_true(one_value(db, "SELECT count(*) FROM takst WHERE ?1 OR ?2", 1, "") == 253);
    const tg_col *aar = tg_table_col(out, "aar"), *id = tg_table_col(out, "tilbud_id");
    const tg_col *dt = tg_table_col(out, "doegntakst"), *mt = tg_table_col(out, "maanedstakst");
    for (size_t i = 0; i < out->n_rows; i++) {
        char name[32];
        size_t n;
        const char *s = tg_dict_str(id->dict, id->v.str[i], &n);
        snprintf(name, sizeof name, "%.*s", (int)n, s);
        double want = one_value(db,
                                "SELECT doegntakst_kr FROM takst WHERE aar = ? AND "
                                "tilbud_id = ?",
                                (int)aar->v.i64[i], name);
        double mwant = one_value(db,
                                 "SELECT maanedstakst_kr FROM takst WHERE aar = ? AND "
                                 "tilbud_id = ?",
                                 (int)aar->v.i64[i], name);
        double mfak = one_value(db,
                                "SELECT maanedsfaktor FROM takst_param WHERE aar = ? AND "
                                "tilbud_id = ?",
                                (int)aar->v.i64[i], name);
        if ((double)dt->v.i64[i] != want)
            fail_msg("%s %lld: døgntakst %lld computed, %.0f published", name,
                     (long long)aar->v.i64[i], (long long)dt->v.i64[i], want);
        check_maaned(name, want, mfak, mt->v.f64[i], mwant, &artefacts);
    }
    /* DSV-09 2026: 5,250 x 30.4167 = 159,687.675 exactly, published as
    ** 159,687.67 (the binary product is 159687.67499...); tegn gives .68. */
    assert_int_equal(artefacts, 1);
    sqlite3_close(db);
    tg_table_release(out);
    tg_table_release(param);
    tg_table_release(budget);
    tg_test_no_leaks(before);
}

/* Every takst again, one tilbud-year at a time with the overhead and
** tilsyn lines left out, so tg_takst_compute derives them: the overhead
** as overhead_pct of direkte_loen + direkte_drift + ejendom, and the
** tilsyn fee from the places, moved from 2023 by the pl_pct of the years
** between. Both derived lines must equal the stored ones. */
static void test_takst_bundled_lines_derived(void **state) {
    tg_takst_rules r = bek();
    sqlite3 *db;
    sqlite3_stmt *st;
    double pl[2027 - 2019 + 1] = { 0 };
    int n = 0, artefacts = 0;
    (void)state;

    assert_int_equal(sqlite3_open_v2(dataset("tegn.sqlite"), &db, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT DISTINCT aar, pl_pct FROM takst_param", -1, &st, NULL),
        SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        pl[sqlite3_column_int(st, 0) - 2019] = sqlite3_column_double(st, 1);
    sqlite3_finalize(st);
    const char *q =
        "SELECT p.aar, p.tilbud_id, p.normerede_pladser, p.takstdage, p.budget_belaegning, "
        "p.overhead_pct, p.maanedsfaktor, t.doegntakst_kr, t.maanedstakst_kr, "
        "(SELECT json_group_object(omkostningstype, beloeb_kr) FROM takst_budget b WHERE "
        " b.aar = p.aar AND b.tilbud_id = p.tilbud_id AND b.kilde = 'budget') "
        "FROM takst_param p JOIN takst t USING (aar, tilbud_id)";
    assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        tg_takst_input in;
        tg_takst_result res;
        int aar = sqlite3_column_int(st, 0);
        const char *lines = (const char *)sqlite3_column_text(st, 9);
        double stored[TG_OMK_N];

        tg_takst_input_init(&in);
        in.aar = aar;
        in.pladser = sqlite3_column_double(st, 2);
        in.takstdage = sqlite3_column_int(st, 3);
        in.budget_belaegning = sqlite3_column_double(st, 4);
        in.overhead_pct = sqlite3_column_double(st, 5);
        in.maanedsfaktor = sqlite3_column_double(st, 6);
        /* {"direkte_loen":47606127.0,...}: pick each line by name */
        for (int k = 0; k < TG_OMK_N; k++) {
            char key[40];
            const char *p;
            snprintf(key, sizeof key, "\"%s\":", tg_takst_omk_name(k));
            p = strstr(lines, key);
            assert_non_null(p);
            stored[k] = strtod(p + strlen(key), NULL);
            if (k != TG_OMK_OVERHEAD && k != TG_OMK_TILSYN) in.omk[k] = stored[k];
        }
        in.tilsyn_pl_faktor = 1;
        for (int y = 2024; y <= aar; y++) in.tilsyn_pl_faktor *= 1 + pl[y - 2019] / 100;
        for (int y = aar + 1; y <= 2023; y++) in.tilsyn_pl_faktor /= 1 + pl[y - 2019] / 100;
        assert_int_equal(tg_takst_compute(&r, &in, &res, NULL), TG_OK);
        check_maaned((const char *)sqlite3_column_text(st, 1), sqlite3_column_double(st, 7),
                     in.maanedsfaktor, res.maanedstakst, sqlite3_column_double(st, 8), &artefacts);
        if (res.omk[TG_OMK_OVERHEAD] != stored[TG_OMK_OVERHEAD] ||
            res.omk[TG_OMK_TILSYN] != stored[TG_OMK_TILSYN] ||
            res.doegntakst != sqlite3_column_double(st, 7))
            fail_msg("%d %s: overhead %.0f/%.0f tilsyn %.0f/%.0f takst %.0f/%.0f", aar,
                     (const char *)sqlite3_column_text(st, 1), res.omk[TG_OMK_OVERHEAD],
                     stored[TG_OMK_OVERHEAD], res.omk[TG_OMK_TILSYN], stored[TG_OMK_TILSYN],
                     res.doegntakst, sqlite3_column_double(st, 7));
        n++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_int_equal(n, 253);
    assert_int_equal(artefacts, 1); /* DSV-09 2026, as above */
}

/* Every regulering_n2 of 2021-2026 from the accounts of N-2: occupied days
** (summed by SQL from ophold.csv) x the published døgntakst, minus the sum
** of the regnskab lines; 5 % of the year's takstgrundlag stays in the
** driftsramme, the rest (with the sign turned) is the line two years on. */
static void test_takst_bundled_reguleringer(void **state) {
    tg_takst_rules r = bek();
    sqlite3 *db = open_data();
    sqlite3_stmt *st;
    int n = 0, split = 0;
    (void)state;

    const char *q = "SELECT b.aar, b.tilbud_id, dage.belagte, t.doegntakst_kr, "
                    " (SELECT sum(beloeb_kr) FROM d.takst_budget x WHERE x.aar = b.aar AND "
                    "  x.tilbud_id = b.tilbud_id AND x.kilde = 'regnskab'), "
                    " sum(b.beloeb_kr), "
                    " (SELECT beloeb_kr FROM d.takst_budget x WHERE x.aar = b.aar AND "
                    "  x.tilbud_id = b.tilbud_id AND x.kilde = 'budget' AND omkostningstype = "
                    "  'regulering_n2'), "
                    " (SELECT beloeb_kr FROM d.takst_budget x WHERE x.aar = b.aar + 2 AND "
                    "  x.tilbud_id = b.tilbud_id AND x.kilde = 'budget' AND omkostningstype = "
                    "  'regulering_n2') "
                    "FROM d.takst_budget b JOIN d.takst t USING (aar, tilbud_id) "
                    "JOIN dage USING (tilbud_id, aar) WHERE b.kilde = 'budget' AND b.aar <= 2024 "
                    "GROUP BY b.aar, b.tilbud_id ORDER BY b.aar, b.tilbud_id";
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK) fail_msg("%s", sqlite3_errmsg(db));
    while (sqlite3_step(st) == SQLITE_ROW) {
        tg_takst_account a;
        tg_takst_regulation g;
        if (sqlite3_column_type(st, 7) == SQLITE_NULL) continue; /* closed before N+2 */
        a.aar = sqlite3_column_int(st, 0);
        a.belagte_dage = sqlite3_column_double(st, 2);
        a.doegntakst = sqlite3_column_double(st, 3);
        a.provenu = NAN;
        a.regnskab = sqlite3_column_double(st, 4);
        a.takstgrundlag = sqlite3_column_double(st, 5);
        a.budget_regulering = sqlite3_column_double(st, 6);
        assert_int_equal(tg_takst_regulate(&r, &a, &g, NULL), TG_OK);
        assert_int_equal(g.aar_regulering, a.aar + 2);
        if (g.regulering != sqlite3_column_double(st, 7))
            fail_msg("%d %s: regulering %.0f computed, %.0f in the budget of %d", a.aar,
                     (const char *)sqlite3_column_text(st, 1), g.regulering,
                     sqlite3_column_double(st, 7), a.aar + 2);
        split += g.regulering != 0;
        n++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    /* 6 years x 32 tilbud, less Mosehuset's 2022-2024 (closed before N+2) */
    assert_int_equal(n, 6 * 32 - 3);
    assert_true(split > 0);
}

/* Every budgetteret belægning of 2022-2026 (the years whose N-2 and N-3
** are both in the data) from the actual occupancy per year: occupied days
** over possible days, by SQL from ophold.csv and kapacitet.csv. The
** sikrede and the forsorgshjem get the 0.90 floor. */
static void test_takst_bundled_budget_occupancy(void **state) {
    tg_takst_rules r = bek();
    sqlite3 *db = open_data();
    sqlite3_stmt *st;
    int n = 0;
    (void)state;

    const char *q = "SELECT p.aar, p.tilbud_id, p.budget_belaegning, "
                    " tilbud.tilbudstype IN ('sikret døgninstitution', 'forsorgshjem'), "
                    " (SELECT group_concat(belagte / mulige, ';') FROM (SELECT * FROM dage WHERE "
                    "  dage.tilbud_id = p.tilbud_id ORDER BY aar)) "
                    "FROM d.takst_param p JOIN tilbud USING (tilbud_id) WHERE p.aar >= 2022";
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK) fail_msg("%s", sqlite3_errmsg(db));
    while (sqlite3_step(st) == SQLITE_ROW) {
        double act[7], bb;
        char *p = (char *)sqlite3_column_text(st, 4);
        int aar = sqlite3_column_int(st, 0);
        for (int k = 0; k < 7; k++) {
            act[k] = strtod(p, &p);
            if (*p == ';') p++;
        }
        assert_int_equal(
            tg_takst_budget_belaegning(&r, aar, 2019, act, 7, sqlite3_column_int(st, 3), &bb, NULL),
            TG_OK);
        if (bb != sqlite3_column_double(st, 2))
            fail_msg("%d %s: budget occupancy %.3f computed, %.3f in takst_param", aar,
                     (const char *)sqlite3_column_text(st, 1), bb, sqlite3_column_double(st, 2));
        n++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_int_equal(n, 5 * 32 - 3); /* Mosehuset has no 2024-2026 */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_takst_example_e),
        cmocka_unit_test(test_takst_example_e_regulation),
        cmocka_unit_test(test_takst_regulation_split),
        cmocka_unit_test(test_takst_round_half_up),
        cmocka_unit_test(test_takst_doegntakst_at_the_half),
        cmocka_unit_test(test_takst_budget_belaegning),
        cmocka_unit_test(test_takst_tilsyn_and_overhead),
        cmocka_unit_test(test_takst_basis_service_split),
        cmocka_unit_test(test_takst_ydelsespakke_moms_deltid),
        cmocka_unit_test(test_takst_rules_and_errors),
        cmocka_unit_test(test_takst_compute_table),
        cmocka_unit_test(test_takst_compute_table_errors),
        cmocka_unit_test_teardown(test_takst_compute_table_oom, tg_test_disarm),
        cmocka_unit_test(test_takst_bundled_takster_by_table),
        cmocka_unit_test(test_takst_bundled_lines_derived),
        cmocka_unit_test(test_takst_bundled_reguleringer),
        cmocka_unit_test(test_takst_bundled_budget_occupancy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
