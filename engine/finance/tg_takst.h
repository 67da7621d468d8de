/*
** tg_takst.h -- takster for the specialised social sector: budgeted
** occupancy, takstgrundlag, døgn- and månedstakst, ydelsespakker, part-time
** places, the moms refund and the efterregulering of a year's result, all
** under a named, versioned rule set (tg_takst_rules) so one scenario can be
** computed under two sets of rules. Amounts are kroner in doubles; every
** rounding is half-up (away from zero) with a tolerance for binary floating
** point: tg_num_round_f64 with TG_ROUND_HALF_UP_TOL, the rule round() in
** scripts uses too. Nothing here allocates except
** tg_takst_compute_table, so the per-year functions can run inside
** simulation loops. Formulas and sources: docs/takst.md.
*/
#ifndef TG_TAKST_H
#define TG_TAKST_H

#include <stddef.h>

#include "tegn.h"
#include "tg_table.h"

/* The ten omkostningstyper of a takst budget, in the order of the bundled
** data's takst_budget table. */
typedef enum tg_takst_omk {
    TG_OMK_DIREKTE_LOEN,
    TG_OMK_DIREKTE_DRIFT,
    TG_OMK_EJENDOM,
    TG_OMK_OVERHEAD,
    TG_OMK_TILSYN,
    TG_OMK_AFSKRIVNING,
    TG_OMK_FORRENTNING,
    TG_OMK_TJM_PENSION,
    TG_OMK_INDTAEGT,   /* income: zero or negative, it lowers the takstgrundlag */
    TG_OMK_REGULERING, /* regulering_n2: + when an earlier deficit raises the takst */
    TG_OMK_N
} tg_takst_omk;

#define TG_TAKST_BIT(k) (1u << (k)) /* an omkostningstype in a set of lines */

/* What the ±overfoersel_pct limit of efterregulering is a percentage of. */
typedef enum tg_takst_basis {
    TG_TAKST_BASIS_TAKSTGRUNDLAG, /* the whole budget, regulering included */
    TG_TAKST_BASIS_OMKOSTNINGER   /* the budget without its regulering line */
} tg_takst_basis;

#define TG_TAKST_NAME_MAX     32
#define TG_TAKST_TILSYN_BANDS 4

/* A rule set. Plain data: copy it, change fields, check it with
** tg_takst_rules_check. Percentages are per cent (5 = 5 %), shares are
** fractions (0.95). */
typedef struct tg_takst_rules {
    char navn[TG_TAKST_NAME_MAX];
    int version;
    /* budgetteret belægning */
    double belaegning_min;      /* lower clamp, 0.95 */
    double belaegning_max;      /* upper clamp, 0.98 */
    double belaegning_min_akut; /* lower clamp for akut, aflastning, sikrede, forsorgshjem: 0.90 */
    int historik_fra;           /* the newest year averaged is N - historik_fra (2) */
    int historik_aar;           /* how many years are averaged (2: N-2 and N-3) */
    int belaegning_decimaler;   /* the mean is rounded to this many decimals (3) */
    /* takstgrundlag */
    double overhead_pct;        /* used when the overhead line is not given (6) */
    unsigned overhead_grundlag; /* lines the overhead is a percentage of (TG_TAKST_BIT set) */
    int tilsyn_graense[TG_TAKST_TILSYN_BANDS - 1]; /* most places of bands 1-3: 7, 24, 49 */
    double tilsyn_gebyr[TG_TAKST_TILSYN_BANDS];    /* yearly fee per band at the fee's base year */
    /* takster */
    int takstdage;                /* 0: calendar days (365/366); else fixed, e.g. 334 */
    double maanedsfaktor;         /* månedstakst = døgntakst x this (365/12 or 30.5) */
    int maaned_af_uafrundet;      /* 1: from the unrounded quotient instead of the døgntakst */
    unsigned basistakst_grundlag; /* lines priced as basistakst; 0: no basis/service split */
    double momssats;              /* 0.25: the refund share is momssats / (1 + momssats) */
    double deltid[7];             /* share of the takst charged for 1..7 days a week */
    /* efterregulering */
    double overfoersel_pct_overskud;  /* a surplus up to this % stays in the driftsramme (5) */
    double overfoersel_pct_underskud; /* a deficit up to this % likewise (5) */
    tg_takst_basis overfoersel_grundlag;
    int regulering_aar; /* the rest goes into the takst this many years later (2) */
} tg_takst_rules;

/* ---- rule sets ---- */

/* Copies the built-in rule set called 'name' ("BEK2022", "national2027")
** into *out. TG_EARG naming the known sets when there is none. */
tg_status tg_takst_rules_builtin(const char *name, tg_takst_rules *out, tg_error *err);
/* Name of built-in rule set i, or NULL past the last. */
const char *tg_takst_rules_name_at(size_t i);
/* TG_OK when every field is in range, else TG_EARG naming the field. */
tg_status tg_takst_rules_check(const tg_takst_rules *r, tg_error *err);

/* "direkte_loen" ... "regulering_n2"; NULL out of range. */
const char *tg_takst_omk_name(int k);
/* The omkostningstype called name[0..n), or -1. */
int tg_takst_omk_parse(const char *name, size_t n);

/* ---- the pieces ---- */

/* Takstdage of year 'aar' under r: r->takstdage, or 365/366. */
int tg_takst_days(const tg_takst_rules *r, int aar);

/* Budgetteret belægning for year 'aar': the mean of the actual occupancy
** of years aar - historik_fra - i (i < historik_aar), rounded to
** belaegning_decimaler and clamped to [belaegning_min, belaegning_max], or
** [belaegning_min_akut, belaegning_max] when 'akut'. actual[i] is the
** occupancy (a fraction) of year first_year + i; NaN means unknown. Years
** unknown or outside the array are left out of the mean; TG_EARG when none
** is known. Never allocates. */
tg_status tg_takst_budget_belaegning(const tg_takst_rules *r, int aar, int first_year,
                                     const double *actual, size_t n, int akut, double *out,
                                     tg_error *err);

/* Socialtilsyn's yearly fee for a tilbud of 'pladser' places, times
** 'pl_faktor' (the price index of the year over that of the fee's base
** year), rounded to whole kroner. */
double tg_takst_tilsyn(const tg_takst_rules *r, double pladser, double pl_faktor);

/* One tilbud-year. tg_takst_input_init fills the defaults: NaN lines ("not
** given"), overhead_pct, maanedsfaktor and budget_belaegning NaN (from the
** rules / required), tilsyn_pl_faktor 1, takstdage 0 (from the rules). */
typedef struct tg_takst_input {
    int aar;                  /* needed when takstdage come from the calendar */
    double pladser;           /* normerede pladser */
    int takstdage;            /* 0: from the rules */
    double budget_belaegning; /* fraction, e.g. 0.95 */
    double omk[TG_OMK_N];     /* budget lines; NaN = not given */
    double overhead_pct;      /* NaN: the rules' */
    double tilsyn_pl_faktor;  /* P/L index of aar over the tilsyn fee's base year */
    double maanedsfaktor;     /* NaN: the rules' */
} tg_takst_input;

void tg_takst_input_init(tg_takst_input *in);

typedef struct tg_takst_result {
    double omk[TG_OMK_N]; /* the lines used: overhead and tilsyn filled in */
    int takstdage;
    double takstgrundlag;   /* sum of the lines */
    double belaegningsdage; /* pladser x takstdage x budget_belaegning (6 decimals) */
    double doegntakst_uafrundet;
    double doegntakst;   /* whole kroner */
    double maanedstakst; /* øre */
    double basistakst;   /* whole kroner; NaN without a basis/service split */
    double servicetakst; /* doegntakst - basistakst; NaN likewise */
} tg_takst_result;

/* Computes the takst of one tilbud-year. A line not given counts 0, except
** overhead (overhead_pct % of the overhead_grundlag lines, whole kroner)
** and tilsyn (tg_takst_tilsyn). TG_EARG for pladser or budget_belaegning
** missing or not positive, takstdage needing a missing aar, a positive
** indtaegt or a takstgrundlag that is not finite. Never allocates. */
tg_status tg_takst_compute(const tg_takst_rules *r, const tg_takst_input *in, tg_takst_result *out,
                           tg_error *err);

/* The accounts of one tilbud-year, for efterregulering. */
typedef struct tg_takst_account {
    int aar;
    double belagte_dage;      /* occupied days of the year */
    double doegntakst;        /* the takst charged per day */
    double provenu;           /* NaN: belagte_dage x doegntakst */
    double regnskab;          /* omkostningsbaseret regnskab: the year's actual costs */
    double takstgrundlag;     /* the year's budget (the takst's takstgrundlag) */
    double budget_regulering; /* the regulering line inside it (NaN = 0) */
} tg_takst_account;

typedef struct tg_takst_regulation {
    double provenu;      /* whole kroner */
    double resultat;     /* provenu - regnskab: + overskud, - underskud */
    double resultat_pct; /* resultat in per cent of the limit's basis */
    double graense;      /* the limit that applied (whole kroner, >= 0) */
    double driftsramme;  /* the part carried into next year's driftsramme */
    double regulering;   /* into the takst of aar_regulering: -(resultat - driftsramme) */
    int aar_regulering;  /* aar + regulering_aar */
} tg_takst_regulation;

/* Efterregulering of one year. TG_EARG for a non-finite input or a
** negative number of days. Never allocates, so it can run once per tilbud
** and simulated year. */
tg_status tg_takst_regulate(const tg_takst_rules *r, const tg_takst_account *a,
                            tg_takst_regulation *out, tg_error *err);

/* A ydelsespakke for the hour band [timer_fra, timer_til] (hours per
** period): priced at the middle of the band, *pris = round(middle x
** timepris) in whole kroner; with periode_dage > 0 also *pris_pr_dag =
** round(middle x timepris / periode_dage), else NaN. TG_EARG for a band
** with til < fra, negative hours or a negative timepris. */
tg_status tg_takst_ydelsespakke(double timer_fra, double timer_til, double timepris,
                                double periode_dage, double *pris, double *pris_pr_dag,
                                tg_error *err);

/* A tillægstakst for extra hours: timer x the hourly tillaegstakst, rounded
** to øre. Both are >= 0 (asserted). */
double tg_takst_tillaeg(double timer, double tillaegstakst);

/* The municipality's refund of indirect moms on a private provider's takst:
** takst x momsbelagt_andel x momssats / (1 + momssats), rounded to øre. */
double tg_takst_moms_refusion(const tg_takst_rules *r, double takst, double momsbelagt_andel);

/* The takst of a part-time day place used 'dage_pr_uge' (1..7) days a
** week: round(takst x deltid[dage - 1]) in whole kroner. TG_EARG outside
** 1..7. */
tg_status tg_takst_deltid(const tg_takst_rules *r, double takst, int dage_pr_uge, double *out,
                          tg_error *err);

/* ---- many tilbud-years at once ---- */

/* Computes the takst of every row of 'param' (borrowed), one row per
** tilbud-year with the columns aar, tilbud_id, normerede_pladser and
** budget_belaegning, and optionally takstdage, maanedsfaktor, overhead_pct
** and tilsyn_pl_faktor (a NULL there means "from the rules"). The budget
** lines come from 'budget' (borrowed) in long form: aar, tilbud_id,
** omkostningstype, beloeb_kr and optionally kilde, in which case only rows
** with kilde 'budget' count. Lines of one type and tilbud-year are summed;
** budget rows of no param row, and NULL amounts, are ignored, but every
** row's omkostningstype must be one of the ten. The new table (*out, one
** reference) has aar and tilbud_id (shared with param), then takstgrundlag,
** belaegningsdage, doegntakst_uafrundet, maanedstakst (float) and
** doegntakst, basistakst, servicetakst (int; the last two NULL without a
** split). 'intr' is polled every TG_VECTOR rows. Errors: TG_EARG (missing
** or mistyped column, NULL in a required field, two param rows for one
** tilbud-year, a row tg_takst_compute rejects: the message names the row),
** TG_EDATA (unknown omkostningstype), TG_ENOMEM, the interrupt's status. */
tg_status tg_takst_compute_table(const tg_takst_rules *r, const tg_table *param,
                                 const tg_table *budget, const tg_interrupt *intr, tg_table **out,
                                 tg_error *err);

#endif /* TG_TAKST_H */
