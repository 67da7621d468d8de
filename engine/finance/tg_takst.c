/*
** tg_takst.c -- takst calculation under named rule sets (see tg_takst.h).
** The per-year functions are pure arithmetic on caller-owned structs; only
** tg_takst_compute_table allocates (the key set that matches budget lines
** to tilbud-years, the summed lines and the result columns), and it frees
** everything on every path.
*/
#include "tg_takst.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tg_err.h"
#include "tg_keys.h"
#include "tg_mem.h"
#include "tg_num.h"

static const char *const OMK_NAMES[TG_OMK_N] = {
    "direkte_loen", "direkte_drift", "ejendom",     "overhead", "tilsyn",
    "afskrivning",  "forrentning",   "tjm_pension", "indtaegt", "regulering_n2",
};

#define DIREKTE                                                               \
    (TG_TAKST_BIT(TG_OMK_DIREKTE_LOEN) | TG_TAKST_BIT(TG_OMK_DIREKTE_DRIFT) | \
     TG_TAKST_BIT(TG_OMK_EJENDOM))

/* The frame of a tilbud, priced as basistakst in the national2027 proposal. */
#define RAMME                                                                                     \
    (TG_TAKST_BIT(TG_OMK_EJENDOM) | TG_TAKST_BIT(TG_OMK_OVERHEAD) | TG_TAKST_BIT(TG_OMK_TILSYN) | \
     TG_TAKST_BIT(TG_OMK_AFSKRIVNING) | TG_TAKST_BIT(TG_OMK_FORRENTNING))

/* ---- rule sets ---- */

/* BEK 219/2022 with the regional practice the domain brief cites: occupancy
** band and akut floor [F7], overhead 6 % of the direct costs [F8], the
** 2023 tilsyn fees [F46], ±5 % carried and the rest in the takst two years
** later [F5, F6], part-time shares [F15], moms 25/125 [F14]. The bundled
** data (datasets/tegn.sqlite) was generated under these rules. */
static const tg_takst_rules BEK2022 = {
    .navn = "BEK2022",
    .version = 1,
    .belaegning_min = 0.95,
    .belaegning_max = 0.98,
    .belaegning_min_akut = 0.90,
    .historik_fra = 2,
    .historik_aar = 2,
    .belaegning_decimaler = 3,
    .overhead_pct = 6,
    .overhead_grundlag = DIREKTE,
    .tilsyn_graense = { 7, 24, 49 },
    .tilsyn_gebyr = { 39448, 47338, 78896, 118344 },
    .takstdage = 0,
    .maanedsfaktor = 365.0 / 12.0,
    .maaned_af_uafrundet = 0,
    .basistakst_grundlag = 0,
    .momssats = 0.25,
    .deltid = { 0.60, 0.60, 0.85, 1, 1, 1, 1 },
    .overfoersel_pct_overskud = 5,
    .overfoersel_pct_underskud = 5,
    .overfoersel_grundlag = TG_TAKST_BASIS_TAKSTGRUNDLAG,
    .regulering_aar = 2,
};

/* A proposal for comparison [P], after the basis/service split agreed for
** 2020 [F4] and the 2026 talks of a kontrolenhed that efterregulerer every
** price [F19]: the takst is split into basistakst (the frame: building,
** overhead, tilsyn, capital) and servicetakst, and no result stays in the
** driftsramme: all of it goes into the takst two years later. */
static void national2027(tg_takst_rules *r) {
    *r = BEK2022;
    snprintf(r->navn, sizeof r->navn, "national2027");
    r->basistakst_grundlag = RAMME;
    r->overfoersel_pct_overskud = 0;
    r->overfoersel_pct_underskud = 0;
}

static void bek2022(tg_takst_rules *r) {
    *r = BEK2022;
}

/* The built-in sets: national2027 is BEK2022 with the differences above. */
static const struct {
    const char *navn;
    void (*fill)(tg_takst_rules *r);
} BUILTIN[] = { { "BEK2022", bek2022 }, { "national2027", national2027 } };


tg_status tg_takst_rules_builtin(const char *name, tg_takst_rules *out, tg_error *err) {
    assert(name != NULL && out != NULL);
    for (size_t i = 0; i < TG_ARRAY_LEN(BUILTIN); i++)
        if (strcmp(BUILTIN[i].navn, name) == 0) {
            BUILTIN[i].fill(out);
            return TG_OK;
        }
    return tg_err_set(err, TG_EARG, NULL, 0, 0,
                      "no rule set '%s'; the built-in sets are BEK2022 and national2027", name);
}

const char *tg_takst_rules_name_at(size_t i) {
    return i < TG_ARRAY_LEN(BUILTIN) ? BUILTIN[i].navn : NULL;
}

static int share_ok(double x) {
    return isfinite(x) && x >= 0 && x <= 1;
}

tg_status tg_takst_rules_check(const tg_takst_rules *r, tg_error *err) {
    const char *bad = NULL;
    assert(r != NULL);
    if (!memchr(r->navn, '\0', sizeof r->navn) || !r->navn[0]) bad = "navn must be 1 to 31 bytes";
    else if (!share_ok(r->belaegning_min) || r->belaegning_min <= 0)
        bad = "belaegning_min must be in (0, 1]";
    else if (!share_ok(r->belaegning_min_akut) || r->belaegning_min_akut <= 0)
        bad = "belaegning_min_akut must be in (0, 1]";
    else if (!isfinite(r->belaegning_max) || r->belaegning_max < r->belaegning_min ||
             r->belaegning_max < r->belaegning_min_akut || r->belaegning_max > 2)
        bad = "belaegning_max must be at least belaegning_min and belaegning_min_akut, at most 2";
    else if (r->historik_fra < 1 || r->historik_fra > 10)
        bad = "historik_fra must be between 1 and 10";
    else if (r->historik_aar < 1 || r->historik_aar > 10)
        bad = "historik_aar must be between 1 and 10";
    else if (r->belaegning_decimaler < 0 || r->belaegning_decimaler > 9)
        bad = "belaegning_decimaler must be between 0 and 9";
    else if (!isfinite(r->overhead_pct) || r->overhead_pct < 0 || r->overhead_pct > 100)
        bad = "overhead_pct must be between 0 and 100";
    else if (r->overhead_grundlag & (TG_TAKST_BIT(TG_OMK_OVERHEAD) | ~((1u << TG_OMK_N) - 1)))
        bad = "overhead_grundlag cannot include the overhead itself";
    else if (r->takstdage < 0 || r->takstdage > 366)
        bad = "takstdage must be 0 (calendar) or 1 to 366";
    else if (!isfinite(r->maanedsfaktor) || r->maanedsfaktor <= 0 || r->maanedsfaktor > 31)
        bad = "maanedsfaktor must be in (0, 31]";
    else if (r->basistakst_grundlag & ~((1u << TG_OMK_N) - 1))
        bad = "basistakst_grundlag names an unknown line";
    else if (!isfinite(r->momssats) || r->momssats < 0 || r->momssats > 1)
        bad = "momssats must be between 0 and 1";
    else if (!isfinite(r->overfoersel_pct_overskud) || r->overfoersel_pct_overskud < 0 ||
             r->overfoersel_pct_overskud > 100 || !isfinite(r->overfoersel_pct_underskud) ||
             r->overfoersel_pct_underskud < 0 || r->overfoersel_pct_underskud > 100)
        bad = "overfoersel_pct must be between 0 and 100";
    else if (r->overfoersel_grundlag != TG_TAKST_BASIS_TAKSTGRUNDLAG &&
             r->overfoersel_grundlag != TG_TAKST_BASIS_OMKOSTNINGER)
        bad = "overfoersel_grundlag must be takstgrundlag or omkostninger";
    else if (r->regulering_aar < 1 || r->regulering_aar > 10)
        bad = "regulering_aar must be between 1 and 10";
    for (int k = 0; !bad && k < TG_TAKST_TILSYN_BANDS; k++) {
        if (!isfinite(r->tilsyn_gebyr[k]) || r->tilsyn_gebyr[k] < 0)
            bad = "tilsyn_gebyr must be amounts >= 0";
        else if (k < TG_TAKST_TILSYN_BANDS - 1 &&
                 (r->tilsyn_graense[k] < 0 ||
                  (k && r->tilsyn_graense[k] <= r->tilsyn_graense[k - 1])))
            bad = "tilsyn_graenser must be increasing place counts";
    }
    for (int k = 0; !bad && k < 7; k++)
        if (!share_ok(r->deltid[k])) bad = "deltid shares must be between 0 and 1";
    return bad ? tg_err_set(err, TG_EARG, NULL, 0, 0, "rule set %.31s: %s", r->navn, bad) : TG_OK;
}

const char *tg_takst_omk_name(int k) {
    return k >= 0 && k < TG_OMK_N ? OMK_NAMES[k] : NULL;
}

int tg_takst_omk_parse(const char *name, size_t n) {
    for (int k = 0; k < TG_OMK_N; k++)
        if (strlen(OMK_NAMES[k]) == n && memcmp(OMK_NAMES[k], name, n) == 0) return k;
    return -1;
}

/* ---- the pieces ---- */

int tg_takst_days(const tg_takst_rules *r, int aar) {
    assert(r != NULL);
    if (r->takstdage > 0) return r->takstdage;
    return (aar % 4 == 0 && aar % 100 != 0) || aar % 400 == 0 ? 366 : 365;
}

tg_status tg_takst_budget_belaegning(const tg_takst_rules *r, int aar, int first_year,
                                     const double *actual, size_t n, int akut, double *out,
                                     tg_error *err) {
    double sum = 0, lo;
    int used = 0;
    assert(r != NULL && out != NULL && (actual != NULL || n == 0));
    for (int i = 0; i < r->historik_aar; i++) {
        long y = (long)aar - r->historik_fra - i;
        if (y < first_year || y - first_year >= (long)n) continue;
        double v = actual[y - first_year];
        if (isnan(v)) continue;
        sum += v;
        used++;
    }
    if (!used)
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "no actual occupancy for %d-%d to base the budgetteret belægning "
                          "of %d on",
                          aar - r->historik_fra - r->historik_aar + 1, aar - r->historik_fra, aar);
    double m = tg_num_round_f64(sum / used, r->belaegning_decimaler, TG_ROUND_HALF_UP_TOL);
    lo = akut ? r->belaegning_min_akut : r->belaegning_min;
    *out = m < lo ? lo : m > r->belaegning_max ? r->belaegning_max : m;
    return TG_OK;
}

double tg_takst_tilsyn(const tg_takst_rules *r, double pladser, double pl_faktor) {
    int band = 0;
    assert(r != NULL);
    while (band < TG_TAKST_TILSYN_BANDS - 1 && pladser > r->tilsyn_graense[band]) band++;
    return tg_num_round_f64(r->tilsyn_gebyr[band] * pl_faktor, 0, TG_ROUND_HALF_UP_TOL);
}

void tg_takst_input_init(tg_takst_input *in) {
    assert(in != NULL);
    memset(in, 0, sizeof *in);
    for (int k = 0; k < TG_OMK_N; k++) in->omk[k] = NAN;
    in->pladser = NAN;
    in->budget_belaegning = NAN;
    in->overhead_pct = NAN;
    in->tilsyn_pl_faktor = 1;
    in->maanedsfaktor = NAN;
}

static double sum_lines(const double *omk, unsigned mask) {
    double s = 0;
    for (int k = 0; k < TG_OMK_N; k++)
        if (mask & TG_TAKST_BIT(k)) s += omk[k];
    return s;
}

tg_status tg_takst_compute(const tg_takst_rules *r, const tg_takst_input *in, tg_takst_result *out,
                           tg_error *err) {
    double *omk = out->omk, pct, mf, q;
    assert(r != NULL && in != NULL && out != NULL);
    if (!(in->pladser > 0) || !isfinite(in->pladser))
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "normerede_pladser must be a number > 0");
    if (!(in->budget_belaegning > 0) || in->budget_belaegning > 2)
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "budget_belaegning must be a fraction in (0, 2], such as 0.95");
    if (in->takstdage < 0 || in->takstdage > 366)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "takstdage must be between 1 and 366");
    if (!in->takstdage && !r->takstdage && in->aar <= 0)
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "aar is needed to count the takstdage of the calendar year");
    for (int k = 0; k < TG_OMK_N; k++) {
        omk[k] = isnan(in->omk[k]) ? 0 : in->omk[k];
        if (!isfinite(omk[k]))
            return tg_err_set(err, TG_EARG, NULL, 0, 0, "%s is not a finite amount", OMK_NAMES[k]);
    }
    if (omk[TG_OMK_INDTAEGT] > 0)
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "indtaegt must be 0 or negative (income lowers the takstgrundlag), "
                          "got %.2f",
                          omk[TG_OMK_INDTAEGT]);
    if (isnan(in->omk[TG_OMK_OVERHEAD])) {
        pct = isnan(in->overhead_pct) ? r->overhead_pct : in->overhead_pct;
        if (!isfinite(pct) || pct < 0)
            return tg_err_set(err, TG_EARG, NULL, 0, 0, "overhead_pct must be a number >= 0");
        omk[TG_OMK_OVERHEAD] = tg_num_round_f64(pct / 100 * sum_lines(omk, r->overhead_grundlag), 0,
                                                TG_ROUND_HALF_UP_TOL);
    }
    if (isnan(in->omk[TG_OMK_TILSYN])) {
        if (!(in->tilsyn_pl_faktor > 0) || !isfinite(in->tilsyn_pl_faktor))
            return tg_err_set(err, TG_EARG, NULL, 0, 0, "tilsyn_pl_faktor must be a number > 0");
        omk[TG_OMK_TILSYN] = tg_takst_tilsyn(r, in->pladser, in->tilsyn_pl_faktor);
    }
    mf = isnan(in->maanedsfaktor) ? r->maanedsfaktor : in->maanedsfaktor;
    if (!(mf > 0) || mf > 31)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "maanedsfaktor must be in (0, 31]");

    out->takstdage = in->takstdage ? in->takstdage : tg_takst_days(r, in->aar);
    out->takstgrundlag = sum_lines(omk, (1u << TG_OMK_N) - 1);
    if (!isfinite(out->takstgrundlag))
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "the takstgrundlag is not finite");
    /* 6 decimals removes the binary noise of e.g. 42 x 365 x 0.973 for display;
    ** the rounding tolerance makes the quotient robust either way. */
    out->belaegningsdage = tg_num_round_f64(in->pladser * out->takstdage * in->budget_belaegning, 6,
                                            TG_ROUND_HALF_UP_TOL);
    q = out->takstgrundlag / out->belaegningsdage;
    out->doegntakst_uafrundet = q;
    out->doegntakst = tg_num_round_f64(q, 0, TG_ROUND_HALF_UP_TOL);
    out->maanedstakst = tg_num_round_f64((r->maaned_af_uafrundet ? q : out->doegntakst) * mf, 2,
                                         TG_ROUND_HALF_UP_TOL);
    if (r->basistakst_grundlag) {
        out->basistakst = tg_num_round_f64(
            sum_lines(omk, r->basistakst_grundlag) / out->belaegningsdage, 0, TG_ROUND_HALF_UP_TOL);
        out->servicetakst = out->doegntakst - out->basistakst;
    } else {
        out->basistakst = out->servicetakst = NAN;
    }
    return TG_OK;
}

tg_status tg_takst_regulate(const tg_takst_rules *r, const tg_takst_account *a,
                            tg_takst_regulation *out, tg_error *err) {
    double basis, provenu, pct;
    assert(r != NULL && a != NULL && out != NULL);
    if (isnan(a->provenu)) {
        if (!isfinite(a->belagte_dage) || a->belagte_dage < 0)
            return tg_err_set(err, TG_EARG, NULL, 0, 0, "belagte_dage must be a number >= 0");
        if (!isfinite(a->doegntakst))
            return tg_err_set(err, TG_EARG, NULL, 0, 0, "doegntakst must be a number");
        provenu = a->belagte_dage * a->doegntakst;
    } else {
        provenu = a->provenu;
    }
    if (!isfinite(provenu) || !isfinite(a->regnskab) || !isfinite(a->takstgrundlag))
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "provenu, regnskab and takstgrundlag must be numbers");
    basis = a->takstgrundlag;
    if (r->overfoersel_grundlag == TG_TAKST_BASIS_OMKOSTNINGER && !isnan(a->budget_regulering)) {
        if (!isfinite(a->budget_regulering))
            return tg_err_set(err, TG_EARG, NULL, 0, 0, "budget_regulering must be a number");
        basis -= a->budget_regulering;
    }
    out->provenu = tg_num_round_f64(provenu, 0, TG_ROUND_HALF_UP_TOL);
    out->resultat = out->provenu - a->regnskab;
    out->resultat_pct = basis != 0 ? 100 * out->resultat / basis : NAN;
    pct = out->resultat >= 0 ? r->overfoersel_pct_overskud : r->overfoersel_pct_underskud;
    /* (pct / 100) first: 5 / 100 is the double 0.05, so 5 % of a budget is
    ** computed exactly as 0.05 x budget. */
    out->graense = tg_num_round_f64(pct / 100 * fabs(basis), 0, TG_ROUND_HALF_UP_TOL);
    out->driftsramme = out->resultat > out->graense    ? out->graense
                       : out->resultat < -out->graense ? -out->graense
                                                       : out->resultat;
    out->regulering = out->driftsramme - out->resultat;
    if (out->regulering == 0) out->regulering = 0; /* no -0 */
    out->aar_regulering = a->aar + r->regulering_aar;
    return TG_OK;
}

tg_status tg_takst_ydelsespakke(double timer_fra, double timer_til, double timepris,
                                double periode_dage, double *pris, double *pris_pr_dag,
                                tg_error *err) {
    double mid;
    assert(pris != NULL && pris_pr_dag != NULL);
    if (!isfinite(timer_fra) || !isfinite(timer_til) || timer_fra < 0 || timer_til < timer_fra)
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "the hour band needs 0 <= timer_fra <= timer_til");
    if (!isfinite(timepris) || timepris < 0)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "timepris must be a number >= 0");
    if (isnan(periode_dage)) periode_dage = 0;
    if (!isfinite(periode_dage) || periode_dage < 0)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "periode_dage must be a number > 0");
    mid = (timer_fra + timer_til) / 2;
    *pris = tg_num_round_f64(mid * timepris, 0, TG_ROUND_HALF_UP_TOL);
    *pris_pr_dag = periode_dage > 0
                       ? tg_num_round_f64(mid * timepris / periode_dage, 0, TG_ROUND_HALF_UP_TOL)
                       : NAN;
    return TG_OK;
}

double tg_takst_tillaeg(double timer, double tillaegstakst) {
    assert(timer >= 0 && tillaegstakst >= 0);
    return tg_num_round_f64(timer * tillaegstakst, 2, TG_ROUND_HALF_UP_TOL);
}

double tg_takst_moms_refusion(const tg_takst_rules *r, double takst, double momsbelagt_andel) {
    assert(r != NULL);
    return tg_num_round_f64(takst * momsbelagt_andel * r->momssats / (1 + r->momssats), 2,
                            TG_ROUND_HALF_UP_TOL);
}

tg_status tg_takst_deltid(const tg_takst_rules *r, double takst, int dage_pr_uge, double *out,
                          tg_error *err) {
    assert(r != NULL && out != NULL);
    if (dage_pr_uge < 1 || dage_pr_uge > 7)
        return tg_err_set(err, TG_EARG, NULL, 0, 0, "dage_pr_uge must be between 1 and 7, got %d",
                          dage_pr_uge);
    *out = tg_num_round_f64(takst * r->deltid[dage_pr_uge - 1], 0, TG_ROUND_HALF_UP_TOL);
    return TG_OK;
}

/* ---- many tilbud-years at once ---- */

/* A numeric column of 'name' in 't' (NULL when optional and absent). */
static tg_status num_col(const tg_table *t, const char *side, const char *name, int required,
                         const tg_col **out, tg_error *err) {
    const tg_col *c = tg_table_col(t, name);
    *out = NULL;
    if (!c) {
        if (!required) return TG_OK;
        return tg_keys_find(t, name, side, out, err); /* the "did you mean" message */
    }
    if (c->type != TG_INT && c->type != TG_FLOAT)
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "column '%s' of the %s table must be a number, "
                          "not %s",
                          name, side, tg_type_name(c->type));
    *out = c;
    return TG_OK;
}

/* Value of row i as a double; NaN when NULL or when there is no column. */
static double num_at(const tg_col *c, size_t i) {
    if (!c || !tg_col_is_valid(c, i)) return NAN;
    return c->type == TG_INT ? (double)c->v.i64[i] : c->v.f64[i];
}

/* Checks that key column 'name' of the budget can meet param's and sets
** the probe key (mapping strings into param's dictionary). */
static tg_status pair_key(const tg_col *pc, const tg_col *bc, const char *name, tg_key *pk,
                          tg_key *bk, uint32_t **map, tg_error *err) {
    *pk = (tg_key){ pc, NULL, 0 };
    *bk = (tg_key){ bc, NULL, 0 };
    if (pc->type == TG_STRING && bc->type == TG_STRING) {
        if (pc->dict != bc->dict) {
            if (tg_keys_dict_map(bc->dict, pc->dict, map) != TG_OK) return tg_err_nomem(err);
            bk->map = *map;
        }
        return TG_OK;
    }
    if ((pc->type == TG_INT || pc->type == TG_FLOAT) &&
        (bc->type == TG_INT || bc->type == TG_FLOAT)) {
        pk->as_int = pc->type == TG_FLOAT;
        bk->as_int = bc->type == TG_FLOAT;
        return TG_OK;
    }
    if (pc->type == bc->type && pc->type != TG_BOOL) return TG_OK;
    return tg_err_set(err, TG_EARG, NULL, 0, 0,
                      "column '%s' is %s in the param table but %s in the budget table", name,
                      tg_type_name(pc->type), tg_type_name(bc->type));
}

/* "row 12 (aar 2023, tilbud_id DSV-01)" for messages. */
static void row_name(const tg_col *aar, const tg_col *id, size_t i, char *buf, size_t size) {
    char idbuf[64] = "?";
    if (tg_col_is_valid(id, i)) {
        if (id->type == TG_STRING) {
            size_t n;
            const char *s = tg_dict_str(id->dict, id->v.str[i], &n);
            snprintf(idbuf, sizeof idbuf, "%.*s", (int)(n < 48 ? n : 48), s);
        } else if (id->type == TG_INT) {
            snprintf(idbuf, sizeof idbuf, "%lld", (long long)id->v.i64[i]);
        }
    }
    snprintf(buf, size, "row %zu (aar %.0f, tilbud_id %s)", i + 1, num_at(aar, i), idbuf);
}

struct ctab {
    const tg_col *aar, *id, *pladser, *bb, *dage, *mfak, *ohpct, *plf; /* param */
    const tg_col *baar, *bid, *type, *beloeb, *kilde;                  /* budget */
    tg_key pk[2], bk[2];                                               /* aar, tilbud_id */
    tg_keys *set;
    uint32_t *map, *ids;
    int8_t *omk_of; /* omkostningstype code -> line, -1 unknown */
    double *lines;  /* n_param x TG_OMK_N, NaN = not given */
    tg_col *out[7];
};

enum { O_GRUNDLAG, O_BDAGE, O_UAFR, O_MAANED, O_DOEGN, O_BASIS, O_SERVICE };
static const char *const OUT_NAMES[7] = {
    "takstgrundlag", "belaegningsdage", "doegntakst_uafrundet", "maanedstakst",
    "doegntakst",    "basistakst",      "servicetakst",
};

static tg_status find_cols(struct ctab *c, const tg_table *param, const tg_table *budget,
                           tg_error *err) {
    tg_status st;
    if ((st = num_col(param, "param", "aar", 1, &c->aar, err)) != TG_OK ||
        (st = tg_keys_find(param, "tilbud_id", "param", &c->id, err)) != TG_OK ||
        (st = num_col(param, "param", "normerede_pladser", 1, &c->pladser, err)) != TG_OK ||
        (st = num_col(param, "param", "budget_belaegning", 1, &c->bb, err)) != TG_OK ||
        (st = num_col(param, "param", "takstdage", 0, &c->dage, err)) != TG_OK ||
        (st = num_col(param, "param", "maanedsfaktor", 0, &c->mfak, err)) != TG_OK ||
        (st = num_col(param, "param", "overhead_pct", 0, &c->ohpct, err)) != TG_OK ||
        (st = num_col(param, "param", "tilsyn_pl_faktor", 0, &c->plf, err)) != TG_OK ||
        (st = num_col(budget, "budget", "aar", 1, &c->baar, err)) != TG_OK ||
        (st = tg_keys_find(budget, "tilbud_id", "budget", &c->bid, err)) != TG_OK ||
        (st = tg_keys_find(budget, "omkostningstype", "budget", &c->type, err)) != TG_OK ||
        (st = num_col(budget, "budget", "beloeb_kr", 1, &c->beloeb, err)) != TG_OK)
        return st;
    c->kilde = tg_table_col(budget, "kilde");
    if (c->type->type != TG_STRING || (c->kilde && c->kilde->type != TG_STRING))
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "omkostningstype and kilde of the budget table must be text");
    return TG_OK;
}

/* Adds the budget rows into c->lines. */
static tg_status sum_budget(struct ctab *c, const tg_table *budget, const tg_interrupt *intr,
                            tg_error *err) {
    uint32_t buf[TG_VECTOR], kilde_budget = TG_DICT_NONE, n_codes;
    size_t nb = budget->n_rows;
    tg_status st;

    n_codes = tg_dict_size(c->type->dict);
    if (!(c->omk_of = tg_malloc(n_codes ? n_codes : 1))) return tg_err_nomem(err);
    for (uint32_t k = 0; k < n_codes; k++) {
        size_t n;
        const char *s = tg_dict_str(c->type->dict, k, &n);
        c->omk_of[k] = (int8_t)tg_takst_omk_parse(s, n);
    }
    if (c->kilde) kilde_budget = tg_dict_find(c->kilde->dict, "budget", 6);
    for (size_t base = 0; base < nb; base += TG_VECTOR) {
        size_t n = nb - base < TG_VECTOR ? nb - base : TG_VECTOR;
        if ((st = tg_poll(intr)) != TG_OK) return st;
        tg_keys_probe(c->set, c->bk, base, n, buf);
        for (size_t j = 0; j < n; j++) {
            size_t i = base + j;
            if (!tg_col_is_valid(c->type, i) || c->omk_of[c->type->v.str[i]] < 0) {
                size_t len = 0;
                const char *s = tg_col_is_valid(c->type, i)
                                    ? tg_dict_str(c->type->dict, c->type->v.str[i], &len)
                                    : "";
                return tg_err_set(err, TG_EDATA, NULL, (int)(i + 1 < INT32_MAX ? i + 1 : 0), 0,
                                  "budget row %zu: unknown omkostningstype '%.*s'; expected one "
                                  "of direkte_loen, direkte_drift, ejendom, overhead, tilsyn, "
                                  "afskrivning, forrentning, tjm_pension, indtaegt, regulering_n2",
                                  i + 1, (int)(len < 64 ? len : 64), s);
            }
            if (buf[j] == TG_KEYS_NONE) continue;
            if (c->kilde && (!tg_col_is_valid(c->kilde, i) || c->kilde->v.str[i] != kilde_budget))
                continue;
            double v = num_at(c->beloeb, i);
            if (isnan(v)) continue;
            double *d = &c->lines[(size_t)buf[j] * TG_OMK_N + (size_t)c->omk_of[c->type->v.str[i]]];
            *d = isnan(*d) ? v : *d + v;
        }
    }
    return TG_OK;
}

static tg_status compute_rows(struct ctab *c, const tg_takst_rules *r, size_t np,
                              const tg_interrupt *intr, tg_error *err) {
    tg_status st = TG_OK;
    char where[128];
    for (size_t i = 0; i < np && st == TG_OK; i++) {
        tg_takst_input in;
        tg_takst_result res;
        double v;
        if (i % TG_VECTOR == 0 && (st = tg_poll(intr)) != TG_OK) return st;
        tg_takst_input_init(&in);
        v = num_at(c->aar, i);
        in.aar = isnan(v) || fabs(v) > 100000 ? 0 : (int)v;
        in.pladser = num_at(c->pladser, i);
        in.budget_belaegning = num_at(c->bb, i);
        v = num_at(c->dage, i);
        in.takstdage = isnan(v) || v < 0 || v > 366 ? (isnan(v) ? 0 : -1) : (int)v;
        in.maanedsfaktor = num_at(c->mfak, i);
        in.overhead_pct = num_at(c->ohpct, i);
        v = num_at(c->plf, i);
        if (!isnan(v)) in.tilsyn_pl_faktor = v;
        memcpy(in.omk, &c->lines[i * TG_OMK_N], sizeof in.omk);
        if ((st = tg_takst_compute(r, &in, &res, err)) != TG_OK) {
            char msg[sizeof err->msg];
            row_name(c->aar, c->id, i, where, sizeof where);
            if (err) {
                snprintf(msg, sizeof msg, "%s", err->msg);
                tg_err_set(err, st, NULL, 0, 0, "param %s: %s", where, msg);
            }
            return st;
        }
        st = tg_col_push_f64(c->out[O_GRUNDLAG], res.takstgrundlag);
        if (st == TG_OK) st = tg_col_push_f64(c->out[O_BDAGE], res.belaegningsdage);
        if (st == TG_OK) st = tg_col_push_f64(c->out[O_UAFR], res.doegntakst_uafrundet);
        if (st == TG_OK) st = tg_col_push_f64(c->out[O_MAANED], res.maanedstakst);
        if (st == TG_OK) st = tg_col_push_i64(c->out[O_DOEGN], (int64_t)res.doegntakst);
        for (int k = O_BASIS; k <= O_SERVICE && st == TG_OK; k++) {
            double x = k == O_BASIS ? res.basistakst : res.servicetakst;
            st = isnan(x) ? tg_col_push_null(c->out[k]) : tg_col_push_i64(c->out[k], (int64_t)x);
        }
    }
    return st == TG_ENOMEM ? tg_err_nomem(err) : st;
}

tg_status tg_takst_compute_table(const tg_takst_rules *r, const tg_table *param,
                                 const tg_table *budget, const tg_interrupt *intr, tg_table **out,
                                 tg_error *err) {
    struct ctab c;
    tg_table *t = NULL;
    size_t np;
    tg_status st;

    assert(r != NULL && param != NULL && budget != NULL && out != NULL);
    *out = NULL;
    memset(&c, 0, sizeof c);
    if ((st = tg_takst_rules_check(r, err)) != TG_OK) return st;
    if ((st = find_cols(&c, param, budget, err)) != TG_OK) return st;
    np = param->n_rows;
    if ((st = pair_key(c.aar, c.baar, "aar", &c.pk[0], &c.bk[0], &c.map, err)) != TG_OK ||
        (st = pair_key(c.id, c.bid, "tilbud_id", &c.pk[1], &c.bk[1], &c.map, err)) != TG_OK)
        goto done;
    st = TG_ENOMEM;
    if (!(c.ids = tg_malloc((np ? np : 1) * sizeof *c.ids))) goto done;
    if (!(c.lines = tg_malloc((np ? np : 1) * TG_OMK_N * sizeof *c.lines))) goto done;
    for (size_t i = 0; i < np * TG_OMK_N; i++) c.lines[i] = NAN;
    if ((st = tg_keys_build(c.pk, 2, np, 0, intr, c.ids, &c.set)) != TG_OK) goto done;
    for (size_t i = 0; i < np; i++)
        if (c.ids[i] != i) {
            char where[128];
            row_name(c.aar, c.id, i, where, sizeof where);
            st = tg_err_set(err, TG_EARG, NULL, 0, 0, "param %s: %s", where,
                            c.ids[i] == TG_KEYS_NONE ? "aar or tilbud_id is NULL"
                                                     : "a second row for the same tilbud-year");
            goto done;
        }
    if ((st = sum_budget(&c, budget, intr, err)) != TG_OK) goto done;
    st = TG_ENOMEM;
    for (int k = 0; k < 7; k++)
        if (!(c.out[k] = tg_col_new(k < O_DOEGN ? TG_FLOAT : TG_INT, np, NULL))) goto done;
    if ((st = compute_rows(&c, r, np, intr, err)) != TG_OK) goto done;
    st = TG_ENOMEM;
    if (!(t = tg_table_new())) goto done;
    if (tg_table_add(t, "aar", (tg_col *)c.aar) != TG_OK ||
        tg_table_add(t, "tilbud_id", (tg_col *)c.id) != TG_OK)
        goto done;
    for (int k = 0; k < 7; k++)
        if (tg_table_add(t, OUT_NAMES[k], c.out[k]) != TG_OK) goto done;
    *out = t;
    t = NULL;
    st = TG_OK;
done:
    if (st == TG_ENOMEM) tg_err_nomem(err);
    tg_table_release(t);
    for (int k = 0; k < 7; k++) tg_col_release(c.out[k]);
    tg_keys_free(c.set);
    tg_free(c.map);
    tg_free(c.ids);
    tg_free(c.omk_of);
    tg_free(c.lines);
    return st;
}
