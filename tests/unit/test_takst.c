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
    assert_true(res.takstgrundlag == 30930000);       /* 28,000,000 + 1,680,000 + 850,000 + 400,000 */
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
    assert_true(tg_takst_round(4459.99, 0) == 4460);
    assert_true(tg_takst_round(4459.49, 0) == 4459);
    assert_true(tg_takst_round(2.5, 0) == 3); /* banker's rounding would give 2 */
    assert_true(tg_takst_round(3.5, 0) == 4);
    assert_true(tg_takst_round(-2.5, 0) == -3);
    assert_true(tg_takst_round(0.4999999, 0) == 0);
    assert_true(tg_takst_round(2230.4999999999995, 0) == 2231); /* binary noise below .5 */
    assert_true(tg_takst_round(2230.4999, 0) == 2230);
    assert_true(tg_takst_round(2.675, 2) == 2.68); /* the double is 2.67499999... */
    assert_true(tg_takst_round(1.005, 2) == 1.01);
    assert_true(tg_takst_round(0.96675, 3) == 0.967);
    assert_true(tg_takst_round(1e12 + 0.5, 0) == 1e12 + 1);
    assert_true(isnan(tg_takst_round(NAN, 0)));
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

static void test_takst_occupancy(void **state) {
    tg_takst_rules r = bek();
    /* actual occupancy 2019..2024 */
    double act[] = { 0.99, 0.9634, 0.9701, 0.93, 0.92, NAN };
    double bb;
    tg_error err;
    (void)state;

    /* 2023: mean of 2021 (0.9701) and 2020 (0.9634) = 0.96675 -> 0.967 */
    assert_int_equal(tg_takst_occupancy(&r, 2023, 2019, act, 6, 0, &bb, NULL), TG_OK);
    assert_true(bb == 0.967);
    /* 2022: 0.9634 and 0.99 -> 0.9767 -> 0.977 */
    assert_int_equal(tg_takst_occupancy(&r, 2022, 2019, act, 6, 0, &bb, NULL), TG_OK);
    assert_true(bb == 0.977);
    /* 2024: 0.93 and 0.9701 -> 0.95005 -> 0.950 */
    assert_int_equal(tg_takst_occupancy(&r, 2024, 2019, act, 6, 0, &bb, NULL), TG_OK);
    assert_true(bb == 0.95);
    /* 2025: 0.92 and 0.93 -> 0.925: clamped to 0.95, but allowed for akut */
    assert_int_equal(tg_takst_occupancy(&r, 2025, 2019, act, 6, 0, &bb, NULL), TG_OK);
    assert_true(bb == 0.95);
    assert_int_equal(tg_takst_occupancy(&r, 2025, 2019, act, 6, 1, &bb, NULL), TG_OK);
    assert_true(bb == 0.925);
    /* 2021: 0.99 (2019) and 2018 unknown -> 0.99 -> clamped to 0.98 */
    assert_int_equal(tg_takst_occupancy(&r, 2021, 2019, act, 6, 0, &bb, NULL), TG_OK);
    assert_true(bb == 0.98);
    /* 2026: 2024 is NaN, so 2023 alone: 0.92 -> 0.95, akut 0.92 */
    assert_int_equal(tg_takst_occupancy(&r, 2026, 2019, act, 6, 1, &bb, NULL), TG_OK);
    assert_true(bb == 0.92);
    /* 2027: 2025 is outside the array, 2024 is NaN: nothing known */
    assert_int_equal(tg_takst_occupancy(&r, 2027, 2019, act, 6, 0, &bb, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "2024-2025"));
    /* a floor of 0.90 for akut: 0.85 -> 0.90 */
    act[3] = act[4] = 0.85;
    assert_int_equal(tg_takst_occupancy(&r, 2025, 2019, act, 6, 1, &bb, NULL), TG_OK);
    assert_true(bb == 0.90);
    /* three years averaged from N-1 */
    r.historik_fra = 1;
    r.historik_aar = 3;
    assert_int_equal(tg_takst_occupancy(&r, 2022, 2019, act, 6, 0, &bb, NULL), TG_OK);
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

static void test_takst_package_vat_part_time(void **state) {
    tg_takst_rules r = bek();
    double pris, dag, v;
    tg_error err;
    (void)state;

    /* 5-10 hours a week at 402 kr.: 7.5 x 402 = 3,015; a day 3,015 / 7 = 430.71 */
    assert_int_equal(tg_takst_package(5, 10, 402, 7, &pris, &dag, NULL), TG_OK);
    assert_true(pris == 3015 && dag == 431);
    /* 0-1 hours at 401 kr.: 0.5 x 401 = 200.5 -> 201 (half-up, not 200) */
    assert_int_equal(tg_takst_package(0, 1, 401, 0, &pris, &dag, NULL), TG_OK);
    assert_true(pris == 201 && isnan(dag));
    assert_int_equal(tg_takst_package(10, 5, 402, 7, &pris, &dag, &err), TG_EARG);
    assert_int_equal(tg_takst_package(0, 5, -1, 7, &pris, &dag, &err), TG_EARG);

    /* moms: 1,000 x 25 % x 25/125 = 50 */
    assert_true(tg_takst_vat_refund(&r, 1000, 0.25) == 50);
    /* 3,187 x 40 % x 0.2 = 254.96 */
    assert_true(tg_takst_vat_refund(&r, 3187, 0.40) == 254.96);

    /* part time: 60 % for 1-2 days, 85 % for 3, full from 4 */
    assert_int_equal(tg_takst_part_time(&r, 1235, 1, &v, NULL), TG_OK);
    assert_true(v == 741); /* 741.0 */
    assert_int_equal(tg_takst_part_time(&r, 1235, 2, &v, NULL), TG_OK);
    assert_true(v == 741);
    assert_int_equal(tg_takst_part_time(&r, 1235, 3, &v, NULL), TG_OK);
    assert_true(v == 1050); /* 1,049.75 -> 1,050 */
    assert_int_equal(tg_takst_part_time(&r, 1235, 4, &v, NULL), TG_OK);
    assert_true(v == 1235);
    assert_int_equal(tg_takst_part_time(&r, 1235, 0, &v, &err), TG_EARG);
    assert_int_equal(tg_takst_part_time(&r, 1235, 8, &v, &err), TG_EARG);
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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_takst_example_e),
        cmocka_unit_test(test_takst_example_e_regulation),
        cmocka_unit_test(test_takst_regulation_split),
        cmocka_unit_test(test_takst_round_half_up),
        cmocka_unit_test(test_takst_doegntakst_at_the_half),
        cmocka_unit_test(test_takst_occupancy),
        cmocka_unit_test(test_takst_tilsyn_and_overhead),
        cmocka_unit_test(test_takst_basis_service_split),
        cmocka_unit_test(test_takst_package_vat_part_time),
        cmocka_unit_test(test_takst_rules_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
