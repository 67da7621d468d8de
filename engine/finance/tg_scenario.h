/*
** tg_scenario.h -- multi-year takst scenarios: a capacity plan and a
** demand model per tilbud, simulated occupancy (tg_sim_run, one period per
** calendar year) run through the takst chain of a rule set year by year:
** budgetteret belægning from the actual occupancy of N-2/N-3, the takst of
** N from the year's costs plus the regulering decided two years earlier,
** the resultat of N from occupied days x takst - regnskab, and its
** efterregulering into N+2. Costs follow the capacity plan (a variable
** share of the direct lines pro rata with place-days). The result keeps
** every tilbud, replication and year; tg_scenario_summary turns it into
** percentiles per tilbud-year. Model and defaults: docs/takst.md.
*/
#ifndef TG_SCENARIO_H
#define TG_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "tegn.h"
#include "tg_costdist.h"
#include "tg_sim.h"
#include "tg_table.h"
#include "tg_takst.h"

#define TG_SCENARIO_MAX_YEARS   50
#define TG_SCENARIO_MAX_HISTORY 50

/* From date 'fra' (days since 1970-01-01) on, the tilbud has 'pladser'
** normerede pladser. */
typedef struct tg_scenario_step {
    int32_t fra;
    int pladser;
} tg_scenario_step;

/* One tilbud of a scenario. tg_scenario_tilbud_init fills the defaults
** named in the comments; every pointer is borrowed for the run. */
typedef struct tg_scenario_tilbud {
    const char *id;               /* names the tilbud in output and messages */
    const tg_takst_rules *regler; /* NULL: the scenario's */
    int akut;                     /* the akut floor of the budget occupancy applies */
    /* capacity */
    int pladser;                   /* normerede pladser on the horizon's first day */
    const tg_scenario_step *steps; /* n_steps changes, dates increasing */
    size_t n_steps;
    /* costs: a full year's budget lines at pladser_grundlag places in the
    ** prices of omk_aar; NaN = not given (overhead and tilsyn are then
    ** computed by the rules); the regulering_n2 line is ignored */
    double omk[TG_OMK_N];
    int omk_aar;                      /* 0: the scenario's start year */
    double pladser_grundlag;          /* NaN: pladser */
    double pl_pct;                    /* yearly price and wage growth in per cent (0) */
    double variabel_andel;            /* share of direkte_loen and direkte_drift per place (0.5) */
    double pris_ny_plads;             /* direct cost of a place above pladser_grundlag per year
                                         (prices of omk_aar); NaN: the variable cost per place */
    const double *engang;             /* NULL, or one-off costs (kroner of the year) for each year
                                         of the horizon, added to direkte_drift */
    double overhead_pct;              /* NaN: the rules' */
    double tilsyn_pl_faktor;          /* tilsyn fee index at omk_aar (1); grows with pl_pct */
    double regnskab_afvigelse_pct;    /* actual direct costs above their budget, % (0) */
    tg_costdist usikkerhed[TG_OMK_N]; /* the actual cost of a given line drawn around its
                                         budget each replication and year (none) */
    /* history before the horizon */
    int historik_fra_aar;   /* year of historik[0] */
    const double *historik; /* actual occupancy (fractions; NaN unknown), years before start */
    size_t n_historik;
    double budget_belaegning; /* used when the rule finds no known year (new tilbud); NaN */
    const double *regulering; /* regulering_n2 decided before the horizon for years
                                 start + i, i < n_regulering (NaN = 0) */
    size_t n_regulering;
    /* demand: rate, season, daily, los, policy, queue_max, start_occupied and
    ** start_queue are passed to tg_sim_run; id, places and steps are set
    ** from the fields above */
    tg_sim_unit sim;
} tg_scenario_tilbud;

void tg_scenario_tilbud_init(tg_scenario_tilbud *t);

typedef struct tg_scenario_opts {
    const tg_takst_rules *regler; /* required */
    int start_aar;                /* first simulated year */
    int aar;                      /* years simulated, 1..TG_SCENARIO_MAX_YEARS */
    long reps;                    /* replications */
    uint64_t seed;                /* tg_sim's streams: one per tilbud and replication */
    long warmup;                  /* days simulated before the start and not counted */
} tg_scenario_opts;

/* One tilbud, replication and year. */
typedef struct tg_scenario_rep {
    double belagte_dage;      /* occupied days (time-integrated residents) */
    double belaegning;        /* belagte_dage / mulige dage */
    double budget_belaegning; /* the rule's, from N-2/N-3 */
    double takstgrundlag;     /* costs + regulering_n2 */
    double belaegningsdage;
    double doegntakst;
    double regulering_n2; /* in this year's takst */
    double regnskab;      /* actual costs: takstgrundlag + the direct overrun */
    double provenu, resultat, graense, driftsramme;
    double regulering; /* from this year's result into year + regulering_aar */
} tg_scenario_rep;

/* One tilbud and year: the parts that do not depend on the replication. */
typedef struct tg_scenario_year {
    int aar;
    int dage;            /* days in the calendar year */
    double mulige_dage;  /* sum over the year's days of the places that day */
    double pladser;      /* normerede pladser of the takst: mulige_dage / dage */
    double omkostninger; /* the year's budget lines without regulering_n2 */
} tg_scenario_year;

typedef struct tg_scenario_result {
    size_t n_tilbud, reps, n_years;
    int start_aar;
    tg_scenario_year *years; /* [tilbud * n_years + y] */
    tg_scenario_rep *rows;   /* [(tilbud * reps + rep) * n_years + y] */
} tg_scenario_result;

/* Runs the scenario: tg_sim_run for n tilbud over the calendar years
** start_aar .. start_aar + aar - 1, then the takst chain per tilbud,
** replication and year (docs/takst.md, "Multi-year scenarios"). The
** inputs are borrowed. On success *out is owned by the caller
** (tg_scenario_result_free). TG_EARG naming the tilbud (and year) for bad
** input, a year with no places or with no occupancy to budget from,
** TG_ENOMEM, or the status of 'intr' (polled by the simulation and once
** per tilbud-year-block of the chain). */
tg_status tg_scenario_run(const tg_scenario_tilbud *t, size_t n, const tg_scenario_opts *o,
                          const tg_interrupt *intr, tg_scenario_result **out, tg_error *err);
void tg_scenario_result_free(tg_scenario_result *r);

/* The row of tilbud k, replication rep and year index y. */
const tg_scenario_rep *tg_scenario_row(const tg_scenario_result *r, size_t k, size_t rep, size_t y);


/* The summary: one row per tilbud and year with tilbud_id (from ids[k],
** NULL = its number), aar, normerede_pladser, mulige_dage, omkostninger,
** then for doegntakst, belaegning, budget_belaegning, takstgrundlag,
** resultat, driftsramme, regulering_n2 and regulering the columns
** <name>_gns, <name>_p5, <name>_p50, <name>_p95 (float), and
** p_uden_for_graense (the share of replications whose resultat lay outside
** ±graense, so part of it went into a later takst). A new table, one
** reference; TG_ENOMEM. */
tg_status tg_scenario_summary(const tg_scenario_result *r, const char *const *ids, tg_table **out,
                              tg_error *err);

/* Every row: tilbud_id, aar, replikation (1-based), then the fields of
** tg_scenario_rep by their names. TG_ENOMEM. */
tg_status tg_scenario_rows(const tg_scenario_result *r, const char *const *ids, tg_table **out,
                           tg_error *err);

#endif /* TG_SCENARIO_H */
