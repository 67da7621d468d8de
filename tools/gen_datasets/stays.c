/*
** stays.c -- part of tegn-gen_datasets, #included by tools/gen_datasets.c.
** The 32 regional tilbud, a day-by-day simulation of admissions and
** discharges from 2010 to the extraction date, and the files derived from
** it: tilbud.csv, kapacitet.csv, ophold.csv and belaegning_maaned.csv.
** Invariant: a person is in at most one stay on any day, and the monthly
** report equals what ophold.csv implies for the stays registered by the
** report date (the 14th of the following month).
*/

enum kind { K_LONG, K_TEMP, K_CHILD, K_SECURE, K_SHELTER, K_DOM };

typedef struct tdef {
    const char *id, *navn;
    int rsj; /* 0 Den Sociale Virksomhed, 1 Region Sjælland */
    int paragraf;
    enum kind kind;
    const char *type, *maalgruppe;
    int pladser;
    double los;       /* mean length of stay, days */
    double vac;       /* mean days a vacant place stays empty, 2019 */
    double vac_trend; /* relative growth of 'vac' per year (falling demand) */
    int takst2019;    /* target døgntakst in kr., 2019 */
    double fte_plads; /* full-time staff per place */
    int real;         /* 2 real name, 1 believed real (unverified), 0 invented */
} tdef;

/* Names are real where real is 2; every other attribute is synthetic. */
static const tdef TILBUD[] = {
    { "DSV-01", "Skovvænget", 0, 108, K_LONG, "længerevarende botilbud",
      "voksne med udviklingshæmning og autisme", 42, 2600, 55, 0, 3850, 1.45, 2 },
    { "DSV-02", "Orion", 0, 108, K_LONG, "længerevarende botilbud",
      "voksne med erhvervet hjerneskade", 36, 2200, 45, 0, 5400, 1.9, 2 },
    { "DSV-03", "Lunden", 0, 108, K_LONG, "længerevarende botilbud",
      "voksne med sindslidelse og misbrug", 48, 1900, 40, 0, 3650, 1.35, 2 },
    { "DSV-04", "Østervang", 0, 107, K_TEMP, "midlertidigt botilbud",
      "unge voksne med sindslidelse", 30, 620, 22, 0.08, 3300, 1.3, 2 },
    { "DSV-05", "Jonstrupvang", 0, 108, K_LONG, "længerevarende botilbud", "voksne med autisme", 40,
      2800, 60, 0, 4300, 1.6, 2 },
    { "DSV-06", "Solgaven", 0, 108, K_LONG, "længerevarende botilbud",
      "voksne med multiple funktionsnedsættelser", 28, 3000, 70, 0, 5900, 2.1, 2 },
    { "DSV-07", "Rønnegård", 0, 108, K_LONG, "længerevarende botilbud",
      "voksne med udviklingshæmning og udadreagerende adfærd", 24, 2400, 50, 0, 4700, 1.8, 2 },
    { "DSV-08", "Kamager", 0, 107, K_TEMP, "midlertidigt botilbud",
      "voksne med erhvervet hjerneskade i rehabilitering", 20, 380, 18, 0, 4500, 1.7, 2 },
    { "DSV-09", "Lyngdal", 0, 108, K_LONG, "længerevarende botilbud",
      "voksne med autisme og psykiatriske diagnoser", 32, 2500, 55, 0, 4100, 1.55, 2 },
    { "DSV-10", "Hulegården", 0, 108, K_LONG, "længerevarende botilbud",
      "voksne med svær udviklingshæmning", 30, 3200, 75, 0, 4000, 1.5, 2 },
    { "DSV-11", "Bredegaard", 0, 85, K_LONG, "botilbudslignende tilbud",
      "voksne med udviklingshæmning", 20, 2900, 60, 0, 2900, 1.1, 2 },
    { "DSV-12", "Geelsgaardskolen", 0, 66, K_CHILD, "døgntilbud ved specialskole",
      "børn og unge med fysiske og multiple funktionsnedsættelser", 16, 900, 25, 0, 3550, 2.0, 2 },
    { "DSV-13", "Sølager", 0, 66, K_SECURE, "sikret døgninstitution",
      "unge 12-17 år anbragt på sikret afdeling", 21, 70, 3, 0, 21500, 3.6, 2 },
    { "DSV-14", "Nødebogård", 0, 107, K_TEMP, "midlertidigt botilbud",
      "unge voksne med svære psykiske vanskeligheder", 18, 700, 25, 0, 5200, 1.9, 1 },
    { "DSV-15", "Egebakken", 0, 108, K_LONG, "længerevarende botilbud",
      "ældre med udviklingshæmning", 24, 2700, 60, 0, 3500, 1.35, 0 },
    { "DSV-16", "Kildehuset", 0, 107, K_TEMP, "midlertidigt botilbud", "voksne med sindslidelse",
      18, 520, 20, 0.10, 3100, 1.25, 0 },
    { "DSV-17", "Birkely", 0, 66, K_CHILD, "døgninstitution", "børn 6-17 år med autisme", 12, 1100,
      40, 0, 8200, 2.4, 0 },
    { "DSV-18", "Strandlyst", 0, 108, K_LONG, "længerevarende botilbud",
      "voksne med fysisk funktionsnedsættelse", 26, 3100, 65, 0, 4400, 1.6, 0 },
    { "DSV-19", "Mosehuset", 0, 107, K_TEMP, "midlertidigt botilbud",
      "voksne med sindslidelse og misbrug", 16, 480, 30, 0.15, 3200, 1.3, 0 },
    { "RSJ-01", "Bakkegården", 1, 108, K_LONG, "længerevarende botilbud", "voksne med sindslidelse",
      40, 2300, 45, 0, 3700, 1.4, 2 },
    { "RSJ-02", "Synscenter Refsnæs", 1, 66, K_CHILD, "døgntilbud ved landsdækkende specialskole",
      "børn og unge med synshandicap", 30, 1000, 35, 0, 7200, 2.2, 2 },
    { "RSJ-03", "Himmelev", 1, 107, K_TEMP, "midlertidigt botilbud",
      "unge med psykiske vanskeligheder", 24, 650, 20, 0.40, 3600, 1.4, 2 },
    { "RSJ-04", "Glim", 1, 108, K_LONG, "længerevarende botilbud", "voksne med udviklingshæmning",
      28, 2900, 55, 0, 3900, 1.5, 2 },
    { "RSJ-05", "Roskildehjemmet", 1, 110, K_SHELTER, "forsorgshjem",
      "hjemløse med særlige sociale problemer", 48, 95, 2.5, 0, 1850, 0.55, 2 },
    { "RSJ-06", "Skelbakken", 1, 108, K_LONG, "længerevarende botilbud",
      "voksne med erhvervet hjerneskade", 36, 2400, 50, 0, 4900, 1.75, 2 },
    { "RSJ-07", "Else Hus", 1, 66, K_CHILD, "døgninstitution",
      "børn og unge med multiple funktionsnedsættelser", 14, 1300, 45, 0, 8600, 2.5, 2 },
    { "RSJ-08", "Børneskolen", 1, 66, K_CHILD, "døgntilbud ved specialskole",
      "børn med epilepsi og kognitive vanskeligheder", 20, 1000, 35, 0, 7600, 2.3, 2 },
    { "RSJ-09", "Stevnsfortet", 1, 66, K_SECURE, "sikret døgninstitution",
      "unge 12-17 år anbragt på sikret afdeling", 25, 65, 3, 0, 20500, 3.4, 2 },
    { "RSJ-10", "Marjatta", 1, 108, K_LONG, "bo- og dagtilbud",
      "børn, unge og voksne med udviklingshæmning", 60, 2600, 50, 0, 4600, 1.7, 2 },
    { "RSJ-11", "Platangårdens Ungdomscenter", 1, 107, K_TEMP, "midlertidigt botilbud",
      "unge 15-23 år med psykiske vanskeligheder", 22, 560, 20, 0, 4200, 1.6, 2 },
    { "RSJ-12", "Kofoedsminde", 1, 108, K_DOM, "botilbud med sikrede afdelinger",
      "udviklingshæmmede med dom", 110, 1800, 18, 0, 6400, 2.3, 2 },
    { "RSJ-13", "Bo og Naboskab", 1, 108, K_LONG, "længerevarende botilbud",
      "voksne med udviklingshæmning", 45, 3000, 55, 0, 3400, 1.3, 2 },
};

#define N_TILBUD  ((int)(sizeof TILBUD / sizeof TILBUD[0]))
#define OPEN_STAY INT32_MAX

static int tilbud_index(const char *id) {
    for (int t = 0; t < N_TILBUD; t++)
        if (!strcmp(TILBUD[t].id, id)) return t;
    die("unknown tilbud_id '%s'", id);
    return -1;
}

/* The tilbud with a story of their own, set by stays_dates(). */
static int T_CLOSING; /* DSV-19 Mosehuset closes */
static int T_CAPCUT;  /* RSJ-09 Stevnsfortet goes from 25 to 22 places */
static int T_KOFOED;  /* RSJ-12 Kofoedsminde runs over capacity 2020-2021 */
static int T_SHELTER; /* RSJ-05 Roskildehjemmet */

static int32_t SIM0, EXTRACT, WIN0, WIN1, CLOSE_STOP, CLOSE_MOVE, CLOSE_DAY, CAPCUT_DAY;

static void stays_dates(void) {
    SIM0 = ymd(2010, 1, 1);
    EXTRACT = ymd(2026, 1, 15);    /* the day all exports were taken */
    WIN0 = ymd(2019, 1, 1);        /* the data window */
    WIN1 = ymd(2026, 1, 1);        /* first day after it */
    CLOSE_STOP = ymd(2022, 11, 1); /* Mosehuset: no more admissions */
    CLOSE_MOVE = ymd(2023, 4, 1);  /* residents move out from here... */
    CLOSE_DAY = ymd(2023, 6, 30);  /* ...until the last day of capacity */
    CAPCUT_DAY = ymd(2022, 7, 1);
    T_CLOSING = tilbud_index("DSV-19");
    T_CAPCUT = tilbud_index("RSJ-09");
    T_KOFOED = tilbud_index("RSJ-12");
    T_SHELTER = tilbud_index("RSJ-05");
}

static int cap_on(int t, int32_t z) {
    if (t == T_CLOSING && z > CLOSE_DAY) return 0;
    if (t == T_CAPCUT && z >= CAPCUT_DAY) return 22;
    return TILBUD[t].pladser;
}

static int kofoed_over(int32_t z) {
    return z >= ymd(2020, 1, 1) && z < ymd(2022, 1, 1);
}

typedef struct stay {
    int32_t borger, tilbud, in, out, reg;
    int32_t move_to; /* -1, or the tilbud a closing tilbud's resident moves to */
} stay;

typedef struct person {
    int32_t kommune, cur, last_out;
} person;

static stay *stays;
static int n_stays, cap_stays;
static person *persons;
static int n_persons, cap_persons;
static int16_t *census; /* [N_TILBUD][n_days]: residents at the end of each day */
static int n_days;

/* Stays in ophold.csv: overlapping the window and registered by extraction. */
static int stay_exported(const stay *s) {
    return s->out > WIN0 && s->in < EXTRACT && s->reg <= EXTRACT;
}

/* The monthly report for month index mi (0 = 2019-01) is made on the 14th
** of the following month from the stays registered by then. */
static int32_t report_day(int mi) {
    int y = 2019 + (mi + 1) / 12, m = (mi + 1) % 12 + 1;
    return ymd(y, m, 14);
}

/* ---- simulation ---- */

typedef struct ilist {
    int32_t *v;
    int n, cap;
} ilist;

static ilist residents[32], history[32];
static double catch_w[32][98];

static void ilist_push(ilist *l, int32_t x) {
    GROW(l->v, l->n, l->cap);
    l->v[l->n++] = x;
}

static void set_catchment(int t) {
    const tdef *d = &TILBUD[t];
    double share[5], regpop[5] = { 0 };
    for (int k = 0; k < N_KOMMUNER; k++) regpop[KOMMUNER[k].region] += KOMMUNER[k].pop;
    double h = d->rsj ? 0.14 : 0.86, s = d->rsj ? 0.78 : 0.08;
    if (!strcmp(d->id, "RSJ-02") || !strcmp(d->id, "RSJ-12")) h = 0.30, s = 0.35;
    if (!strcmp(d->id, "RSJ-09")) h = 0.35, s = 0.60;
    share[R_H] = h;
    share[R_S] = s;
    double rest = 1 - h - s, other = regpop[R_D] + regpop[R_M] + regpop[R_N];
    for (int k = 0; k < N_KOMMUNER; k++) {
        int r = KOMMUNER[k].region;
        double w = r == R_H || r == R_S ? share[r] * KOMMUNER[k].pop / regpop[r]
                                        : rest * KOMMUNER[k].pop / other;
        if (t == T_SHELTER && !strcmp(KOMMUNER[k].navn, "Roskilde")) w *= 6;
        catch_w[t][k] = w;
    }
}

static int draw_los(rng *r, int t) {
    static const double sigma[] = { 0.9, 0.75, 0.7, 0.8, 1.1, 0.8 };
    double s = sigma[TILBUD[t].kind];
    double med = TILBUD[t].los * exp(-s * s / 2);
    int los = iround(med * exp(s * norm(r)));
    return los < 1 ? 1 : los;
}

static int32_t reg_delay(rng *r) {
    double u = unif(r);
    if (u < 0.80) return irand(r, 0, 3);
    if (u < 0.95) return irand(r, 4, 12);
    return irand(r, 15, 75); /* registered after the monthly report */
}

static int new_person(rng *r, int t) {
    GROW(persons, n_persons, cap_persons);
    person *p = &persons[n_persons];
    p->kommune = pick(r, catch_w[t], N_KOMMUNER);
    p->cur = -1;
    p->last_out = -1;
    return n_persons++;
}

/* Readmissions are common at forsorgshjem and sikrede institutioner. */
static int readmit_person(rng *r, int t, int32_t z) {
    ilist *h = &history[t];
    if (!h->n) return -1;
    for (int tries = 0; tries < 3; tries++) {
        int window = h->n < 400 ? h->n : 400;
        int b = h->v[h->n - 1 - irand(r, 0, window - 1)];
        if (persons[b].cur < 0 && persons[b].last_out >= 0 && z - persons[b].last_out >= 14)
            return b;
    }
    return -1;
}

static void admit(rng *r, int t, int32_t z, int b, int32_t in) {
    const tdef *d = &TILBUD[t];
    if (b < 0) {
        double p = d->kind == K_SHELTER ? 0.35 : d->kind == K_SECURE ? 0.25 : 0;
        if (p > 0 && bern(r, p)) b = readmit_person(r, t, z);
        if (b < 0) b = new_person(r, t);
    }
    int los = draw_los(r, t);
    int32_t leave = in + los;
    if (d->kind == K_CHILD && los > 150 && bern(r, 0.45)) {
        /* children leave at the end of the school year */
        int y = year_of(leave);
        int32_t june = ymd(y, 6, irand(r, 20, 30));
        if (june <= in + 60) june = ymd(y + 1, 6, irand(r, 20, 30));
        leave = june;
    }
    if (leave > EXTRACT) leave = OPEN_STAY;
    GROW(stays, n_stays, cap_stays);
    stay *s = &stays[n_stays];
    s->borger = b;
    s->tilbud = t;
    s->in = in;
    s->out = leave;
    s->reg = in + reg_delay(r);
    s->move_to = -1;
    persons[b].cur = n_stays;
    ilist_push(&residents[t], n_stays);
    ilist_push(&history[t], b);
    n_stays++;
}

static double fill_prob(int t, int32_t z) {
    const tdef *d = &TILBUD[t];
    int y, m, dd;
    civil(z, &y, &m, &dd);
    double vac = d->vac;
    if (y > 2019) vac *= 1 + d->vac_trend * (y - 2019);
    if (t == T_KOFOED && kofoed_over(z)) vac = 8;
    double season = m == 7 ? 0.35 : m == 8 ? 0.8 : (m == 12 && dd >= 20) ? 0.5 : 1.0;
    return clampd(season / vac, 0, 1);
}

static void simulate(void) {
    rng r;
    rng_seed(&r, "ophold");
    n_days = EXTRACT - SIM0 + 1;
    census = xrealloc(NULL, (size_t)N_TILBUD * (size_t)n_days * sizeof *census);
    for (int t = 0; t < N_TILBUD; t++) set_catchment(t);

    /* residents on the first simulated day, with admissions in the past */
    for (int t = 0; t < N_TILBUD; t++) {
        int n0 = iround(TILBUD[t].pladser * 0.95);
        for (int i = 0; i < n0; i++) {
            int los = draw_los(&r, t);
            admit(&r, t, SIM0, -1, SIM0 - irand(&r, 0, los - 1));
            stay *s = &stays[n_stays - 1];
            s->out = s->in + los > SIM0 ? s->in + los : SIM0 + 1;
            if (s->out > EXTRACT) s->out = OPEN_STAY;
            s->reg = s->in + irand(&r, 0, 3);
        }
    }

    for (int32_t z = SIM0; z <= EXTRACT; z++) {
        if (z == CLOSE_MOVE) {
            static const char *const targets[] = { "DSV-03", "DSV-04", "DSV-16" };
            ilist *res = &residents[T_CLOSING];
            for (int i = 0; i < res->n; i++) {
                stay *s = &stays[res->v[i]];
                int32_t day = z + irand(&r, 0, CLOSE_DAY - z);
                if (s->out > day) {
                    s->out = day;
                    s->move_to = tilbud_index(targets[irand(&r, 0, 2)]);
                }
            }
        }
        for (int t = 0; t < N_TILBUD; t++) {
            ilist *res = &residents[t];
            for (int i = res->n - 1; i >= 0; i--) {
                stay *s = &stays[res->v[i]];
                if (s->out != z) continue;
                persons[s->borger].cur = -1;
                persons[s->borger].last_out = z;
                res->v[i] = res->v[--res->n];
                if (s->move_to >= 0) admit(&r, s->move_to, z, s->borger, z);
            }
        }
        for (int t = 0; t < N_TILBUD; t++) {
            int cap = cap_on(t, z);
            if (t == T_KOFOED && kofoed_over(z)) cap += 8;
            if (t == T_CLOSING && z >= CLOSE_STOP) cap = 0;
            if (t == T_CAPCUT && z >= CAPCUT_DAY - 45) cap = 22;
            double p = fill_prob(t, z);
            for (int k = residents[t].n; k < cap; k++)
                if (bern(&r, p)) admit(&r, t, z, -1, z);
        }
        for (int t = 0; t < N_TILBUD; t++)
            census[(size_t)t * (size_t)n_days + (size_t)(z - SIM0)] = (int16_t)residents[t].n;
    }
}

/* Occupied days and possible days of tilbud t in [from, to). */
static void occ_days(int t, int32_t from, int32_t to, long *occ, long *poss) {
    *occ = *poss = 0;
    for (int32_t z = from; z < to; z++) {
        *occ += census[(size_t)t * (size_t)n_days + (size_t)(z - SIM0)];
        *poss += cap_on(t, z);
    }
}

/* ---- files ---- */

static const char *person_id(int b) {
    char *buf = fbuf();
    snprintf(buf, 64, "B%06d", b + 1);
    return buf;
}

static void write_tilbud(void) {
    out o;
    out_open(&o, "tilbud.csv", OUT_BOM | OUT_CRLF,
             "tilbud_id;navn;organisation;region;paragraf;tilbudstype;maalgruppe;"
             "normerede_pladser;lukket");
    for (int t = 0; t < N_TILBUD; t++) {
        const tdef *d = &TILBUD[t];
        out_row(&o, "%s;%s;%s;%s;%d;%s;%s;%d;%s", d->id, d->navn,
                d->rsj ? "Region Sjælland" : "Den Sociale Virksomhed",
                d->rsj ? "Sjælland" : "Hovedstaden", d->paragraf, d->type, d->maalgruppe,
                cap_on(t, t == T_CLOSING ? CLOSE_DAY : EXTRACT),
                t == T_CLOSING ? iso(CLOSE_DAY) : "");
    }
    out_close(&o, "UTF-8 BOM, CRLF");

    out_open(&o, "kapacitet.csv", OUT_BOM | OUT_CRLF,
             "tilbud_id;gyldig_fra;gyldig_til;normerede_pladser");
    for (int t = 0; t < N_TILBUD; t++) {
        const char *til = t == T_CLOSING  ? iso(CLOSE_DAY)
                          : t == T_CAPCUT ? iso(CAPCUT_DAY - 1)
                                          : "";
        out_row(&o, "%s;;%s;%d", TILBUD[t].id, til, TILBUD[t].pladser);
        if (t == T_CAPCUT) out_row(&o, "%s;%s;;%d", TILBUD[t].id, iso(CAPCUT_DAY), 22);
    }
    out_close(&o, "UTF-8 BOM, CRLF");
}

static const stay *sort_base;

static int cmp_stay(const void *a, const void *b) {
    const stay *x = &sort_base[*(const int *)a], *y = &sort_base[*(const int *)b];
    if (x->tilbud != y->tilbud) return x->tilbud < y->tilbud ? -1 : 1;
    if (x->in != y->in) return x->in < y->in ? -1 : 1;
    return x->borger < y->borger ? -1 : x->borger > y->borger;
}

/* Months of the window: 84, index 0 = 2019-01. */
#define N_MONTHS 84

/* Missing monthly reports. */
static const struct {
    const char *id;
    int y, m;
} MISSING[] = {
    { "RSJ-05", 2019, 7 },  { "RSJ-06", 2020, 4 }, { "DSV-07", 2021, 11 },
    { "DSV-07", 2021, 12 }, { "DSV-03", 2024, 2 },
};
#define N_MISSING ((int)(sizeof MISSING / sizeof MISSING[0]))

static int is_missing(int t, int mi) {
    for (int i = 0; i < N_MISSING; i++)
        if (!strcmp(MISSING[i].id, TILBUD[t].id) &&
            (MISSING[i].y - 2019) * 12 + MISSING[i].m - 1 == mi)
            return 1;
    return 0;
}

static int32_t month_start(int mi) {
    return ymd(2019 + mi / 12, mi % 12 + 1, 1);
}

static void write_ophold(void) {
    int *idx = xrealloc(NULL, (size_t)n_stays * sizeof *idx);
    int n = 0;
    for (int i = 0; i < n_stays; i++)
        if (stay_exported(&stays[i])) idx[n++] = i;
    sort_base = stays;
    qsort(idx, (size_t)n, sizeof *idx, cmp_stay);
    out o;
    out_open(&o, "ophold.csv", OUT_BOM | OUT_CRLF,
             "borger_id;tilbud_id;indflyttet;fraflyttet;betalingskommune;registreret");
    for (int i = 0; i < n; i++) {
        const stay *s = &stays[idx[i]];
        out_row(&o, "%s;%s;%s;%s;%s;%s", person_id(s->borger), TILBUD[s->tilbud].id, iso(s->in),
                s->out == OPEN_STAY ? "" : iso(s->out), KOMMUNER[persons[s->borger].kommune].navn,
                iso(s->reg));
    }
    out_close(&o, "UTF-8 BOM, CRLF");
    tg_free(idx);
}

static void write_belaegning(void) {
    static long reported[32][N_MONTHS];
    for (int i = 0; i < n_stays; i++) {
        const stay *s = &stays[i];
        if (!stay_exported(s)) continue;
        for (int mi = 0; mi < N_MONTHS; mi++) {
            int32_t a = month_start(mi), b = month_start(mi + 1);
            int32_t lo = s->in > a ? s->in : a, hi = s->out < b ? s->out : b;
            if (hi > lo && s->reg <= report_day(mi)) reported[s->tilbud][mi] += hi - lo;
        }
    }
    out o;
    out_open(&o, "belaegning_maaned.csv", OUT_SEPLINE | OUT_CRLF,
             "maaned;tilbud_id;normerede_pladser;belaegningsdage;mulige_dage;belaegningsprocent");
    for (int t = 0; t < N_TILBUD; t++)
        for (int mi = 0; mi < N_MONTHS; mi++) {
            int32_t a = month_start(mi), b = month_start(mi + 1);
            long poss = 0;
            for (int32_t z = a; z < b; z++) poss += cap_on(t, z);
            if (!poss || is_missing(t, mi)) continue;
            out_row(&o, "%s;%s;%d;%ld;%ld;%s", ym(2019 + mi / 12, mi % 12 + 1), TILBUD[t].id,
                    cap_on(t, a), reported[t][mi], poss,
                    dec(100.0 * (double)reported[t][mi] / (double)poss, 1));
        }
    out_close(&o, "UTF-8 (no BOM), sep=; line, CRLF");
}

/* ---- checks, from the files as written ---- */

/* Occupied days per tilbud and year 2019-2025 as summed from ophold.csv;
** check_finance() recomputes the accounts' results from them. */
static long ophold_days[32][7];

typedef struct rstay {
    int32_t borger, tilbud, in, out, reg;
} rstay;

static int cmp_rstay_person(const void *a, const void *b) {
    const rstay *x = a, *y = b;
    if (x->borger != y->borger) return x->borger < y->borger ? -1 : 1;
    return x->in < y->in ? -1 : x->in > y->in;
}

/* Recomputes every monthly row day by day from ophold.csv, both with the
** registration cut-off (must equal the file) and with full knowledge (the
** differences are the late registrations). Also checks that no person is
** in two stays at once. */
static void check_belaegning(void) {
    csvin c;
    char *f[12];
    rstay *rs = NULL;
    int n = 0, cap = 0, n_open = 0;
    csv_load(&c, "ophold.csv");
    while (csv_next(&c, f, 12) == 6) {
        GROW(rs, n, cap);
        rs[n].borger = atoi(f[0] + 1);
        rs[n].tilbud = tilbud_index(f[1]);
        rs[n].in = parse_iso(f[2]);
        rs[n].out = *f[3] ? parse_iso(f[3]) : OPEN_STAY;
        rs[n].reg = parse_iso(f[5]);
        n_open += !*f[3];
        n++;
    }
    csv_free(&c);

    int nd = WIN1 - WIN0;
    int32_t *full = xrealloc(NULL, (size_t)N_TILBUD * (size_t)nd * sizeof *full);
    int32_t *known = xrealloc(NULL, (size_t)N_TILBUD * (size_t)nd * sizeof *known);
    memset(full, 0, (size_t)N_TILBUD * (size_t)nd * sizeof *full);
    memset(known, 0, (size_t)N_TILBUD * (size_t)nd * sizeof *known);
    int late = 0;
    for (int i = 0; i < n; i++) {
        int32_t lo = rs[i].in > WIN0 ? rs[i].in : WIN0;
        int32_t hi = rs[i].out < WIN1 ? rs[i].out : WIN1;
        int y, m, d;
        civil(rs[i].in, &y, &m, &d);
        if (rs[i].in >= WIN0 && rs[i].in < WIN1 && rs[i].reg > report_day((y - 2019) * 12 + m - 1))
            late++;
        for (int32_t z = lo; z < hi; z++) {
            int yy, mm, dd;
            civil(z, &yy, &mm, &dd);
            size_t k = (size_t)rs[i].tilbud * (size_t)nd + (size_t)(z - WIN0);
            full[k]++;
            if (rs[i].reg <= report_day((yy - 2019) * 12 + mm - 1)) known[k]++;
        }
    }

    for (int t = 0; t < N_TILBUD; t++)
        for (int32_t z = WIN0; z < WIN1; z++)
            ophold_days[t][year_of(z) - 2019] += full[(size_t)t * (size_t)nd + (size_t)(z - WIN0)];

    csv_load(&c, "belaegning_maaned.csv");
    int rows = 0, differ = 0, over = 0, seen[32][N_MONTHS];
    memset(seen, 0, sizeof seen);
    while (csv_next(&c, f, 12) == 6) {
        int y, m;
        sscanf(f[0], "%4d-%2d", &y, &m);
        int t = tilbud_index(f[1]), mi = (y - 2019) * 12 + m - 1;
        long bd = atol(f[3]), poss = atol(f[4]);
        long kn = 0, fu = 0, ps = 0;
        for (int32_t z = month_start(mi); z < month_start(mi + 1); z++) {
            size_t k = (size_t)t * (size_t)nd + (size_t)(z - WIN0);
            kn += known[k];
            fu += full[k];
            ps += cap_on(t, z);
        }
        if (kn != bd || ps != poss)
            die("belaegning_maaned %s %s: %ld days in file, ophold implies %ld at the report date",
                f[0], f[1], bd, kn);
        differ += fu != bd;
        over += bd > poss;
        seen[t][mi] = 1;
        rows++;
    }
    csv_free(&c);
    int absent = 0;
    for (int t = 0; t < N_TILBUD; t++)
        for (int mi = 0; mi < N_MONTHS; mi++)
            if (!seen[t][mi] && cap_on(t, month_start(mi)) > 0) {
                if (!is_missing(t, mi))
                    die("belaegning_maaned: row %s %d missing by accident", TILBUD[t].id, mi);
                absent++;
            }

    qsort(rs, (size_t)n, sizeof *rs, cmp_rstay_person);
    for (int i = 1; i < n; i++)
        if (rs[i].borger == rs[i - 1].borger && rs[i].in < rs[i - 1].out)
            die("ophold: B%06d is in two stays at once", rs[i].borger);

    printf("  ophold: %d stays (%d ongoing at extraction); %d admissions registered after their "
           "month's report\n",
           n, n_open, late);
    printf(
        "  belaegning_maaned: %d rows equal ophold at the report date; %d rows undercount because "
        "of late registrations; %d months missing as planned; %d rows over 100 %%\n",
        rows, differ, absent, over);
    tg_free(rs);
    tg_free(full);
    tg_free(known);
}
