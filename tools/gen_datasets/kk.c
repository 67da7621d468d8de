/*
** kk.c -- part of tegn-gen_datasets, #included by tools/gen_datasets.c.
** Københavns Kommune's Socialforvaltning: its units (kk_enheder.csv), the
** yearly citizen survey (borger_survey.csv, which also holds the regional
** surveys of DSV and Region Sjælland), cases with deadlines (sager.csv, a
** case-system export with dd-mm-yyyy dates) and young people's school
** results and status (unge_skole.csv, unge_status.csv).
*/

enum { BCH, BCV, BBU };

typedef struct kkdef {
    const char *id, *navn;
    int center, myndighed, staff;
    double resp; /* expected survey respondents a year */
} kkdef;

static const char *const CENTER[] = { "Borgercenter Handicap", "Borgercenter Voksne",
                                      "Borgercenter Børn og Unge" };

static const kkdef KK[] = {
    { "KK-101", "Myndighed Handicap Voksne", BCH, 1, 96, 650 },
    { "KK-102", "Myndighed Handicap Børn", BCH, 1, 74, 420 },
    { "KK-103", "Myndighed Voksne Nord", BCV, 1, 58, 520 },
    { "KK-104", "Myndighed Voksne Syd", BCV, 1, 61, 480 },
    { "KK-105", "Myndighed Voksne Vest", BCV, 1, 55, 460 },
    { "KK-106", "Rusmiddelmyndigheden", BCV, 1, 42, 380 },
    { "KK-107", "Børnefamilier Nord", BBU, 1, 88, 420 },
    { "KK-108", "Børnefamilier Syd", BBU, 1, 92, 390 },
    { "KK-109", "Børnefamilier Øst", BBU, 1, 79, 400 },
    { "KK-110", "Børnefamilier Vest", BBU, 1, 96, 410 },
    { "KK-121", "Bostedet Utterslev Mose", BCH, 0, 64, 70 },
    { "KK-122", "Bofællesskabet Sydhavn", BCH, 0, 38, 45 },
    { "KK-123", "Botilbuddet Valby Langgade", BCH, 0, 71, 85 },
    { "KK-124", "Aktivitetscenter Sundby", BCH, 0, 33, 120 },
    { "KK-125", "Bo- og dagtilbud Brønshøj", BCH, 0, 82, 95 },
    { "KK-126", "Aflastningshjemmet Vanløse", BCH, 0, 29, 40 },
    { "KK-127", "Døgntilbuddet Husum", BCH, 0, 47, 30 },
    { "KK-128", "Autismecenter Amager", BCH, 0, 58, 60 },
    { "KK-129", "Ledsageordningen", BCH, 0, 24, 150 },
    { "KK-130", "Værkstedet Nordvest", BCH, 0, 27, 110 },
    { "KK-131", "Herberget Vesterbro", BCV, 0, 44, 90 },
    { "KK-132", "Forsorgshjemmet Amager", BCV, 0, 52, 80 },
    { "KK-133", "Natcaféen Nørrebro", BCV, 0, 21, 60 },
    { "KK-134", "Socialpsykiatrisk bosted Østerbro", BCV, 0, 57, 65 },
    { "KK-135", "Bostedet Bispebjerg", BCV, 0, 49, 55 },
    { "KK-136", "Støttecenter Indre By", BCV, 0, 36, 140 },
    { "KK-137", "Værestedet Nordvest", BCV, 0, 18, 90 },
    { "KK-138", "Rusmiddelcenter Vesterbro", BCV, 0, 63, 160 },
    { "KK-139", "Alkoholbehandlingen", BCV, 0, 34, 130 },
    { "KK-140", "Ungebostedet Sydhavn", BCV, 0, 31, 35 },
    { "KK-141", "Botilbuddet Tingbjerg", BCV, 0, 40, 45 },
    { "KK-142", "Skæve boliger Amager", BCV, 0, 12, 25 },
    { "KK-151", "Familiecenter Østerbro", BBU, 0, 46, 110 },
    { "KK-152", "Døgninstitutionen Valby", BBU, 0, 53, 35 },
    { "KK-153", "Ungecenter Bispebjerg", BBU, 0, 41, 60 },
    { "KK-154", "Akutinstitutionen Nørrebro", BBU, 0, 58, 30 },
    { "KK-155", "Behandlingshjemmet Husum", BBU, 0, 44, 25 },
    { "KK-156", "Familiehuset Amager", BBU, 0, 32, 95 },
    { "KK-157", "Ungdomsboligen Vesterbro", BBU, 0, 26, 30 },
    { "KK-158", "Specialbørnehjemmet Brønshøj", BBU, 0, 49, 20 },
};

#define N_KK ((int)(sizeof KK / sizeof KK[0]))

static void write_kk_units(void) {
    out o;
    out_open(&o, "kk_enheder.csv", OUT_BOM | OUT_CRLF, "enhed_id;navn;borgercenter;enhedstype");
    for (int i = 0; i < N_KK; i++)
        out_row(&o, "%s;%s;%s;%s", KK[i].id, KK[i].navn, CENTER[KK[i].center],
                KK[i].myndighed ? "myndighed" : "udfoerer");
    out_close(&o, "UTF-8 BOM, CRLF");
}

/* ---- citizen survey ---- */

typedef struct resp {
    const char *unit;
    int who5, tils, livskval, tilfreds, inddraget, sammenhaeng, udvikling, forening;
    const char *besvaret_af;
    double w;
} resp;

/* A 1-5 answer with P(4 or 5) = p_top2. */
static int likert(rng *r, double p) {
    p = clampd(p, 0.02, 0.98);
    double w[5] = { 0.17 * (1 - p), 0.28 * (1 - p), 0.55 * (1 - p), 0.55 * p, 0.45 * p };
    return pick(r, w, 5) + 1;
}

static int maybe(rng *r, int v, double p_missing) {
    return bern(r, p_missing) ? -1 : v;
}

/* Loneliness (T-ILS >= 7), WHO-5 and the quality-of-life item. 'version' 2
** is the 2022 wording ("god" instead of "høj"), which people endorse more
** readily: same latent level, higher answers. */
static void wellbeing(rng *r, resp *x, double p_lonely, double who_mean, int version) {
    int lonely = bern(r, clampd(p_lonely, 0.01, 0.99));
    static const double lo_w[] = { 0.25, 0.25, 0.27, 0.23 }, hi_w[] = { 0.5, 0.3, 0.2 };
    x->tils = lonely ? 7 + pick(r, hi_w, 3) : 3 + pick(r, lo_w, 4);
    double who = who_mean - 4.0 * lonely + 5.0 * norm(r);
    x->who5 = (int)clampd(floor(who + 0.5), 0, 25);
    double lat = (who - 12.5) / 5 + 0.6 * norm(r) + (version == 2 ? 0.22 : 0);
    x->livskval = lat < -2.0 ? 1 : lat < -1.1 ? 2 : lat < -0.3 ? 3 : lat < 0.9 ? 4 : 5;
}

static void write_resp(out *o, const char *survey, int y, const char *rid, const resp *x,
                       const char *ver) {
    out_row(o, "%s;%d;%s;%s;%s;%s;%s;%s;%s;%s;%s;%s;%s;%s;%s", survey, y, x->unit, rid,
            x->besvaret_af, opt_int(x->who5), opt_int(x->tils), opt_int(x->livskval), ver,
            opt_int(x->tilfreds), opt_int(x->inddraget), opt_int(x->sammenhaeng),
            opt_int(x->udvikling),
            x->forening < 0 ? ""
            : x->forening   ? "J"
                            : "N",
            dec(x->w, 2));
}

static void write_survey(void) {
    rng r;
    rng_seed(&r, "borger_survey");
    static const int N_SOF[] = { 7150, 5980, 6420, 6910, 7040, 7260, 6990 };
    static const double LONELY[] = { 0.455, 0.475, 0.460, 0.440, 0.425, 0.410, 0.400 };
    double unit_eff[N_KK], resp_w[N_KK];
    for (int i = 0; i < N_KK; i++) unit_eff[i] = 0.04 * norm(&r);
    out o;
    out_open(&o, "borger_survey.csv", OUT_BOM | OUT_CRLF,
             "survey;aar;tilbud_id;resp_id;besvaret_af;who5_raa;tils;livskval_1_5;livskval_version;"
             "tilfreds_1_5;inddraget_1_5;sammenhaeng_1_5;udvikling_1_5;foreningsliv_j_n;vaegt");
    resp *rs = xrealloc(NULL, 8000 * sizeof *rs);
    for (int y = 2019; y <= 2025; y++) {
        int n = N_SOF[y - 2019], ver = y >= 2022 ? 2 : 1;
        double x = y - 2019, wsum = 0;
        for (int i = 0; i < N_KK; i++) resp_w[i] = KK[i].resp * exp(0.1 * norm(&r));
        for (int k = 0; k < n; k++) {
            int u = pick(&r, resp_w, N_KK);
            const kkdef *d = &KK[u];
            resp *e = &rs[k];
            memset(e, 0, sizeof *e);
            e->unit = d->id;
            static const double gw[] = { 0.22, 0.48, 0.30 }, wt[] = { 1.45, 0.95, 0.85 };
            static const double ladj[] = { 0.06, 0, -0.02 };
            int g = pick(&r, gw, 3);
            e->w = wt[g] * exp(0.1 * norm(&r));
            wsum += e->w;
            double p = d->myndighed ? 0.72 + 0.009 * x : 0.76 + 0.007 * x;
            if (y == 2020) p -= 0.02;
            e->tilfreds = maybe(&r, likert(&r, p + unit_eff[u]), 0.03);
            e->inddraget = maybe(&r, likert(&r, 0.61 + 0.013 * x + unit_eff[u]), 0.05);
            e->sammenhaeng = maybe(&r, likert(&r, 0.47 + 0.012 * x + unit_eff[u]), 0.06);
            e->udvikling = -1;
            if (d->center == BBU && d->myndighed) {
                /* parents answer about their case: no WHO-5, loneliness or associations */
                e->besvaret_af = "paaroerende";
                e->who5 = e->tils = e->forening = -1;
                e->livskval = -1;
                continue;
            }
            double u01 = unif(&r);
            e->besvaret_af = u01 < 0.92 ? "borger" : u01 < 0.98 ? "hjaelp" : "paaroerende";
            double pl = LONELY[y - 2019] + ladj[g] +
                        (d->center == BCV && !d->myndighed ? 0.10 : 0) +
                        (d->center == BBU ? 0.04 : 0) - 0.02 + unit_eff[u];
            wellbeing(&r, e, pl, 11.6 + 0.3 * x - (y == 2020 ? 0.8 : 0), ver);
            int lonely = e->tils >= 7;
            e->forening = bern(&r, 0.27 + 0.01 * x - 0.08 * lonely);
            e->who5 = maybe(&r, e->who5, 0.04);
            e->tils = maybe(&r, e->tils, 0.04);
            e->livskval = maybe(&r, e->livskval, 0.03);
            e->forening = maybe(&r, e->forening, 0.05);
        }
        for (int k = 0; k < n; k++) {
            char rid[32];
            snprintf(rid, sizeof rid, "SOF%02d-%05d", y % 100, k + 1);
            rs[k].w *= n / wsum; /* weights average 1 within the year */
            write_resp(&o, "SOF", y, rid, &rs[k], ver == 2 ? "v2" : "v1");
        }
    }
    tg_free(rs);

    /* the regions' own resident surveys: RSJ in odd years, DSV in even years */
    for (int y = 2019; y <= 2025; y++) {
        int rsj = y % 2, k = 0;
        int32_t day = ymd(y, 10, 1);
        for (int t = 0; t < N_TILBUD; t++) {
            if (TILBUD[t].rsj != rsj) continue;
            for (int i = 0; i < n_stays; i++) {
                const stay *s = &stays[i];
                if (s->tilbud != t || s->in > day || s->out <= day || !bern(&r, 0.55)) continue;
                resp e;
                memset(&e, 0, sizeof e);
                e.unit = TILBUD[t].id;
                e.w = 1;
                double x = y - 2019, u01 = unif(&r);
                int ud = strstr(TILBUD[t].maalgruppe, "udviklingshæmning") != NULL;
                if (TILBUD[t].kind == K_CHILD) e.besvaret_af = "paaroerende";
                else if (ud)
                    e.besvaret_af = u01 < 0.15 ? "borger" : u01 < 0.75 ? "hjaelp" : "paaroerende";
                else e.besvaret_af = u01 < 0.8 ? "borger" : "hjaelp";
                e.tilfreds = maybe(&r, likert(&r, 0.74 + 0.01 * x), 0.03);
                e.inddraget = maybe(&r, likert(&r, 0.63 + 0.015 * x), 0.05);
                e.sammenhaeng = maybe(&r, likert(&r, 0.55 + 0.01 * x), 0.06);
                e.udvikling = maybe(&r, likert(&r, 0.55 + 0.013 * x), 0.05);
                if (!strcmp(e.besvaret_af, "paaroerende")) {
                    e.who5 = e.tils = e.livskval = e.forening = -1;
                } else {
                    wellbeing(&r, &e, 0.36 - 0.008 * x, 13.2 + 0.25 * x, 1);
                    e.forening = bern(&r, 0.18 + 0.01 * x);
                    e.who5 = maybe(&r, e.who5, 0.06);
                    e.tils = maybe(&r, e.tils, 0.06);
                }
                char rid[32];
                snprintf(rid, sizeof rid, "%s%02d-%04d", rsj ? "RSJ" : "DSV", y % 100, ++k);
                write_resp(&o, rsj ? "RSJ" : "DSV", y, rid, &e, "r1");
            }
        }
    }
    out_close(&o, "UTF-8 BOM, CRLF");
}

/* ---- cases with deadlines ---- */

typedef struct ydelse {
    const char *navn;
    int sel_par, bl_par; /* paragraph in serviceloven, and in barnets lov from 2024 (0: none) */
    int frist, center;
    double weight, offset;
} ydelse;

static const ydelse YDELSER[] = {
    { "boernefaglig_undersoegelse", 50, 20, 120, BBU, 0.16, -0.08 },
    { "merudgifter_boern", 41, 86, 84, BCH, 0.08, 0 },
    { "tabt_arbejdsfortjeneste", 42, 87, 84, BCH, 0.06, -0.03 },
    { "merudgifter_voksne", 100, 0, 84, BCH, 0.08, 0.02 },
    { "bpa", 96, 0, 112, BCH, 0.02, -0.10 },
    { "ledsageordning", 97, 0, 56, BCH, 0.05, 0.03 },
    { "socialpaedagogisk_stoette", 85, 0, 56, BCV, 0.20, 0 },
    { "midlertidigt_botilbud", 107, 0, 56, BCV, 0.07, -0.02 },
    { "laengerevarende_botilbud", 108, 0, 84, BCH, 0.03, -0.04 },
    { "aktivitets_samvaerstilbud", 104, 0, 56, BCH, 0.06, 0.02 },
    { "beskyttet_beskaeftigelse", 103, 0, 56, BCV, 0.04, 0.03 },
    { "aflastning", 84, 0, 42, BCH, 0.05, 0 },
    { "stofmisbrugsbehandling", 101, 0, 14, BCV, 0.10, 0.10 },
};

#define N_YDELSER ((int)(sizeof YDELSER / sizeof YDELSER[0]))

typedef struct sag {
    int32_t in, done;
    int y, unit, frist, swapped;
} sag;

static int cmp_sag(const void *a, const void *b) {
    const sag *x = a, *y = b;
    if (x->in != y->in) return x->in < y->in ? -1 : 1;
    if (x->unit != y->unit) return x->unit < y->unit ? -1 : 1;
    return x->done < y->done ? -1 : x->done > y->done;
}

static void write_cases(void) {
    rng r;
    rng_seed(&r, "sager");
    static const int N_CASES[] = { 4620, 4480, 4810, 5050, 5170, 5320, 5410 };
    static const double TARGET[] = { 0.70, 0.65, 0.68, 0.73, 0.77, 0.80, 0.83 };
    const double sigma = 0.55;
    double unit_eff[N_KK], w[N_YDELSER];
    for (int i = 0; i < N_KK; i++) unit_eff[i] = exp(0.08 * norm(&r));
    for (int k = 0; k < N_YDELSER; k++) w[k] = YDELSER[k].weight;
    int total = 0;
    for (int i = 0; i < 7; i++) total += N_CASES[i];
    sag *ss = xrealloc(NULL, (size_t)total * sizeof *ss);
    int n = 0;
    for (int y = 2019; y <= 2025; y++) {
        int32_t a = ymd(y, 1, 1);
        for (int k = 0; k < N_CASES[y - 2019]; k++) {
            int32_t in;
            do in = a + irand(&r, 0, days_in_year(y) - 1);
            while (weekday(in) > 5 || is_holiday(in) || (month_of(in) == 7 && bern(&r, 0.4)));
            int yd = pick(&r, w, N_YDELSER);
            const ydelse *d = &YDELSER[yd];
            double mw[N_KK];
            for (int i = 0; i < N_KK; i++) {
                int fits = KK[i].myndighed && KK[i].center == d->center;
                if (yd == 12) fits = !strcmp(KK[i].id, "KK-106");
                if (d->center == BCV && !strcmp(KK[i].id, "KK-106") && yd != 12) fits = 0;
                mw[i] = fits ? KK[i].staff : 0;
            }
            int unit = pick(&r, mw, N_KK);
            int bl = y >= 2024 && d->bl_par;
            int frist = d->frist;
            if (yd == 6 && y >= 2023) frist = 42; /* the municipality tightened the deadline */
            double p = TARGET[y - 2019] + d->offset - (bl && y == 2024 ? 0.06 : 0);
            double med = d->frist * exp(-sigma * qnorm(clampd(p, 0.05, 0.97))) * unit_eff[unit];
            int mo = month_of(in);
            if (mo == 6 || mo == 7) med *= 1.15;
            int days = iround(med * exp(sigma * norm(&r)));
            sag *c = &ss[n++];
            c->in = in;
            c->done = next_weekday(in + (days < 1 ? 1 : days));
            c->y = y;
            c->unit = unit * 100 + yd; /* packed: unit and ydelse */
            c->frist = frist;
            c->swapped = 0;
        }
    }
    qsort(ss, (size_t)n, sizeof *ss, cmp_sag);
    for (int k = 0; k < 3; k++) { /* registration errors: dates typed in the wrong fields */
        int i;
        do i = irand(&r, 0, n - 1);
        while (ss[i].y < 2021 || ss[i].y > 2023 || ss[i].swapped);
        ss[i].swapped = 1;
    }
    out o;
    out_open(
        &o, "sager.csv", OUT_BOM | OUT_CRLF,
        "sag_id;forvaltning;enhed_id;ydelse;lov;paragraf;modtaget;afgjort;frist_dage;overholdt;"
        "besked_om_forsinkelse");
    for (int i = 0; i < n; i++) {
        sag *c = &ss[i];
        const ydelse *d = &YDELSER[c->unit % 100];
        int bl = c->y >= 2024 && d->bl_par;
        int32_t in = c->in, done = c->done > EXTRACT ? NODATE : c->done;
        const char *overholdt, *besked = "";
        if (c->swapped) {
            int32_t tmp = in;
            in = done;
            done = tmp;
            overholdt = "1"; /* the system counts negative days as met */
        } else if (done != NODATE) {
            overholdt = done - in <= c->frist ? "1" : "0";
        } else {
            overholdt = EXTRACT - in > c->frist ? "0" : "";
        }
        if (!strcmp(overholdt, "0")) besked = bern(&r, 0.55 + 0.05 * (c->y - 2019)) ? "1" : "0";
        out_row(&o, "S-%06d;SOF;%s;%s;%s;%d;%s;%s;%d;%s;%s", 100001 + i, KK[c->unit / 100].id,
                d->navn, bl ? "BL" : "SEL", bl ? d->bl_par : d->sel_par, dmy(in), dmy(done),
                c->frist, overholdt, besked);
    }
    out_close(&o, "UTF-8 BOM, CRLF, dates dd-mm-yyyy");
    tg_free(ss);
}

/* Re-reads sager.csv: 'overholdt' must agree with the dates except for the
** deliberate registration errors; prints compliance per year. */
static void check_cases(void) {
    csvin c;
    char *f[16];
    int met[7] = { 0 }, decided[7] = { 0 }, errors = 0, open = 0;
    csv_load(&c, "sager.csv");
    while (csv_next(&c, f, 16) == 11) {
        int32_t in = parse_dmy(f[6]), done = parse_dmy(f[7]);
        int frist = atoi(f[8]);
        if (done == NODATE) {
            open++;
            continue;
        }
        if (done < in) {
            errors++;
            continue;
        }
        if ((done - in <= frist) != (atoi(f[9]) == 1))
            die("sager %s: overholdt disagrees with the dates", f[0]);
        int y = year_of(in) - 2019;
        decided[y]++;
        met[y] += done - in <= frist;
    }
    csv_free(&c);
    printf(
        "  sager: overholdt agrees with the dates; %d open at extraction, %d with afgjort before "
        "modtaget; met deadline",
        open, errors);
    for (int y = 0; y < 7; y++) printf(" %d:%.0f%%", 2019 + y, 100.0 * met[y] / decided[y]);
    printf("\n");
}

/* ---- young people ---- */

static void write_youth(void) {
    rng r;
    rng_seed(&r, "unge_skole");
    static const char *const SKOLE[] = { "folkeskole", "specialskole", "intern_skole",
                                         "fri_privatskole" };
    static const double SW[] = { 0.55, 0.25, 0.12, 0.08 }, SEFF[] = { 0, -1.8, -2.3, 0.5 };
    static const double NOEXAM[] = { 0.05, 0.25, 0.30, 0.04 };
    out o;
    out_open(&o, "unge_skole.csv", OUT_BOM | OUT_CRLF,
             "elev_id;afgangsaar;skoletype;koen;karaktertype;dansk;matematik");
    int id = 0, q[7] = { 0 }, tot[7] = { 0 };
    for (int y = 2019; y <= 2025; y++) {
        int n = 790 + irand(&r, 0, 80);
        for (int k = 0; k < n; k++) {
            int s = pick(&r, SW, 4);
            double a = norm(&r), mu = 4.2 + 0.12 * (y - 2019) + SEFF[s] + (y == 2020 ? 0.5 : 0);
            const char *koen = bern(&r, 0.56) ? "M" : "K";
            char da[16] = "", ma[16] = "";
            int ok = 0;
            if (!bern(&r, NOEXAM[s])) {
                double gd = clampd(mu + 0.4 + 2.6 * (0.8 * a + 0.6 * norm(&r)), -3, 12);
                double gm = clampd(mu - 0.3 + 2.6 * (0.8 * a + 0.6 * norm(&r)), -3, 12);
                snprintf(da, sizeof da, "%s", dec(floor(gd * 10 + 0.5) / 10, 1));
                snprintf(ma, sizeof ma, "%s", dec(floor(gm * 10 + 0.5) / 10, 1));
                ok = floor(gd * 10 + 0.5) >= 20 && floor(gm * 10 + 0.5) >= 20;
            }
            q[y - 2019] += ok;
            tot[y - 2019]++;
            out_row(&o, "E%05d;%d;%s;%s;%s;%s;%s", ++id, y, SKOLE[s], koen,
                    y == 2020 ? "standpunkt" : "proeve", da, ma);
        }
    }
    out_close(&o, "UTF-8 BOM, CRLF");
    printf("  unge_skole: %d pupils; share with >= 2 in both dansk and matematik", id);
    for (int y = 0; y < 7; y++) printf(" %d:%.0f%%", 2019 + y, 100.0 * q[y] / tot[y]);
    printf("\n");

    /* status on 1 October for young people known by the Socialforvaltning */
    enum { GRUNDSKOLE, UNGDOMSUDD, VIDEREG, JOB, UDEN, LEDIG, FORSOERGET, UOPLYST };
    static const char *const STATUS[] = { "grundskole",
                                          "ungdomsuddannelse",
                                          "videregaaende",
                                          "beskaeftiget",
                                          "uden_uddannelse_job",
                                          "ledig",
                                          "offentlig_forsoergelse",
                                          "uoplyst" };
    rng_seed(&r, "unge_status");
    out_open(&o, "unge_status.csv", 0, "person_id;aar;alder;koen;status;ungdomsudd_fuldfoert");
    int inedu[7] = { 0 }, n1829[7] = { 0 }, done25[7] = { 0 }, n25[7] = { 0 };
    for (int p = 0; p < 3000; p++) {
        int born = 1990 + irand(&r, 0, 19);
        const char *koen = bern(&r, 0.55) ? "M" : "K";
        double a = norm(&r) + 0.03 * (born - 2000);
        int completed = 0, prev = -1;
        for (int y = 2019; y <= 2025; y++) {
            int age = y - born, st;
            if (age < 16 || age > 29) continue;
            if (prev < 0 && age >= 18) /* first seen as an adult: history before 2019 */
                completed = bern(&r, logistic(-2.6 + 0.3 * (age - 17) + 0.8 * a));
            if (prev == UOPLYST || (age >= 18 && bern(&r, 0.012))) {
                st = UOPLYST; /* moved abroad or out of the registers */
            } else if (age < 18) {
                double w[] = { 0.12, 0.62 + 0.1 * a, 0.05, 0.21 - 0.1 * a };
                static const int S[] = { GRUNDSKOLE, UNGDOMSUDD, JOB, UDEN };
                for (int i = 0; i < 4; i++) w[i] = w[i] < 0.01 ? 0.01 : w[i];
                st = S[pick(&r, w, 4)];
            } else if (prev >= UNGDOMSUDD && prev <= FORSOERGET && prev != UDEN &&
                       !(completed && prev == UNGDOMSUDD) && bern(&r, 0.55)) {
                st = prev;
            } else {
                double lin =
                    -0.25 + 0.11 * (y - 2019) - (y == 2020 ? 0.25 : 0) + 0.8 * a + 0.9 * completed;
                if (bern(&r, logistic(lin)))
                    st = !completed && age < 25 && bern(&r, 0.6) ? UNGDOMSUDD
                         : completed && bern(&r, 0.35)           ? VIDEREG
                                                                 : JOB;
                else st = bern(&r, 0.28) ? LEDIG : FORSOERGET;
            }
            out_row(&o, "U%05d;%d;%d;%s;%s;%s", p + 1, y, age, koen, STATUS[st],
                    completed ? "J" : "N");
            if (age >= 18) {
                inedu[y - 2019] += st == UNGDOMSUDD || st == VIDEREG || st == JOB;
                n1829[y - 2019]++;
            }
            if (age == 25) {
                done25[y - 2019] += completed;
                n25[y - 2019]++;
            }
            if (st == UNGDOMSUDD && age >= 17 && bern(&r, clampd(0.42 + 0.1 * a, 0.05, 0.8)))
                completed = 1; /* counts from next year's status */
            prev = st;
        }
    }
    out_close(&o, "UTF-8 (no BOM), LF");
    printf("  unge_status: 18-29 in job or education");
    for (int y = 0; y < 7; y++) printf(" %d:%.0f%%", 2019 + y, 100.0 * inedu[y] / n1829[y]);
    printf("; 25-year-olds with a youth education");
    for (int y = 0; y < 7; y++) printf(" %d:%.0f%%", 2019 + y, 100.0 * done25[y] / n25[y]);
    printf("\n");
}

/* Re-reads borger_survey.csv and prints the Copenhagen indicators per year. */
static void check_survey(void) {
    csvin c;
    char *f[20];
    double n[7] = { 0 }, lon[7] = { 0 }, lon_n[7] = { 0 }, wl[7] = { 0 }, wn[7] = { 0 };
    double who[7] = { 0 }, who_n[7] = { 0 }, lq[7] = { 0 }, lq_n[7] = { 0 };
    csv_load(&c, "borger_survey.csv");
    while (csv_next(&c, f, 20) == 15) {
        if (strcmp(f[0], "SOF") != 0) continue;
        int y = atoi(f[1]) - 2019;
        n[y]++;
        if (*f[6]) {
            double w = atof(f[14]) + atof(strchr(f[14], ',') + 1) / 100; /* "1,23" */
            int lonely = atoi(f[6]) >= 7;
            lon[y] += lonely;
            lon_n[y]++;
            wl[y] += w * lonely;
            wn[y] += w;
        }
        if (*f[5]) who[y] += 4 * atoi(f[5]), who_n[y]++;
        if (*f[7]) lq[y] += atoi(f[7]) >= 4, lq_n[y]++;
    }
    csv_free(&c);
    printf("  borger_survey SOF: year n lonely%% (weighted) WHO-5 mean, quality of life 4-5 %%\n");
    for (int y = 0; y < 7; y++)
        printf("    %d %5.0f %4.1f (%4.1f) %4.1f %4.1f%s\n", 2019 + y, n[y],
               100 * lon[y] / lon_n[y], 100 * wl[y] / wn[y], who[y] / who_n[y],
               100 * lq[y] / lq_n[y], y == 3 ? "  <- new wording" : "");
}
