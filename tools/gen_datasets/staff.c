/*
** staff.c -- part of tegn-gen_datasets, #included by tools/gen_datasets.c.
** Staff data for all 72 units (the 32 regional tilbud and the 40 Copenhagen
** units): hr_maaned.csv, a Windows-1252 export from a legacy payroll system,
** and medarbejder_survey.csv; plus Region Sjælland's audits of its 10
** quality standards (SQLite table audit).
*/

#define N_UNITS (N_TILBUD + N_KK)

typedef struct unit {
    const char *id, *navn;
    int staff, secure, shelter, kk_voksne, myndighed, t; /* t: tilbud index or -1 */
    double u;                                            /* work-environment effect */
} unit;

static unit UNITS[N_UNITS];
static int gns_sep[N_UNITS][7]; /* average staff in September, for the survey */

static void make_units(rng *r) {
    for (int i = 0; i < N_UNITS; i++) {
        unit *x = &UNITS[i];
        memset(x, 0, sizeof *x);
        if (i < N_TILBUD) {
            const tdef *d = &TILBUD[i];
            x->id = d->id;
            x->navn = d->navn;
            x->staff = iround(d->pladser * d->fte_plads / 0.87);
            x->secure = d->kind == K_SECURE || d->kind == K_DOM;
            x->shelter = d->kind == K_SHELTER;
            x->t = i;
        } else {
            const kkdef *k = &KK[i - N_TILBUD];
            x->id = k->id;
            x->navn = k->navn;
            x->staff = k->staff;
            x->kk_voksne = k->center == BCV && !k->myndighed;
            x->myndighed = k->myndighed;
            x->t = -1;
        }
        x->u = norm(r);
    }
}

static void write_hr(void) {
    rng r;
    rng_seed(&r, "hr_maaned");
    make_units(&r);
    static const double TURN[] = { 0.190, 0.162, 0.180, 0.208, 0.190, 0.176, 0.167 };
    static const double TSEAS[] = { 1.2, 0.8, 0.9, 0.9, 0.9, 1.1, 1.5, 1.3, 0.9, 0.9, 0.8, 0.8 };
    static const double SSEAS[] = { 1.35, 1.3,  1.15, 0.95, 0.85, 0.8,
                                    0.55, 0.75, 0.95, 1.05, 1.1,  1.2 };
    out o;
    out_open(
        &o, "hr_maaned.csv", OUT_CP1252 | OUT_CRLF,
        "maaned;tilbud_id;enhed_navn;fte;sygedage;aktive_dage;fratraadte;nyansatte;gns_ansatte");
    double sick[7] = { 0 }, fte_years[7] = { 0 }, leavers[7] = { 0 }, staff_years[7] = { 0 };
    for (int i = 0; i < N_UNITS; i++) {
        unit *x = &UNITS[i];
        double ft = 0.86 + 0.03 * norm(&r);
        int h = x->staff;
        for (int mi = 0; mi < N_MONTHS; mi++) {
            int y = 2019 + mi / 12, m = mi % 12 + 1;
            int32_t a = month_start(mi);
            if (x->t >= 0 && cap_on(x->t, a) == 0) break; /* closed */
            double target = x->staff;
            if (x->t == T_CAPCUT && a >= CAPCUT_DAY) target *= 0.92;
            if (x->t == T_KOFOED && y >= 2022) target *= 1.08;
            double rate = TURN[y - 2019] * exp(-0.12 * x->u) *
                          (x->secure    ? 1.35
                           : x->shelter ? 1.2
                                        : 1) *
                          (x->myndighed ? 1.1 : 1);
            double exp_leave = h * rate / 12 * TSEAS[m - 1];
            int leave, hire;
            if (x->t == T_CLOSING && a >= CLOSE_STOP) {
                int left = (ymd(2023, 7, 1) - a) / 30;
                leave = left <= 1 ? h : poisson(&r, h / (double)(left > 1 ? left : 1));
                hire = 0;
            } else {
                leave = poisson(&r, exp_leave);
                double gap = target - h;
                hire = poisson(&r, exp_leave + (gap > 0 ? 0.3 : 0.1) * gap);
            }
            if (leave > h) leave = h;
            int h_end = h + hire - leave;
            int gns = iround((h + h_end) / 2.0);
            double fte = gns * ft * (1 + 0.01 * norm(&r));
            fte = floor(fte * 10 + 0.5) / 10;
            int work = workdays_in_month(y, m);
            double srate = 11.6 * pow(0.985, y - 2019) * exp(-0.08 * x->u) *
                           (x->secure ? 1.25 : 1) * (x->kk_voksne ? 1.12 : 1);
            double covid = (y == 2020 && m == 3)    ? 1.5
                           : (y == 2020 && m == 4)  ? 1.3
                           : (y == 2020 && m == 12) ? 1.2
                           : (y == 2021 && m == 12) ? 1.4
                           : (y == 2022 && m == 1)  ? 1.7
                           : (y == 2022 && m == 2)  ? 1.4
                                                    : 1;
            int sd = poisson(&r, fte * srate / 12 * SSEAS[m - 1] * covid * exp(0.1 * norm(&r)));
            if (m == 9) gns_sep[i][y - 2019] = gns;
            char line[512];
            snprintf(line, sizeof line, "%s;%s;%s;%s;%d;%ld;%d;%d;%d", ym(y, m), x->id, x->navn,
                     dec(fte, 1), sd, lround(fte * work), leave, hire, gns);
            out_row(&o, "%s", line);
            if (!strcmp(x->id, "KK-124") && y == 2023 && m == 9)
                out_row(&o, "%s", line); /* re-exported row */
            sick[y - 2019] += sd;
            fte_years[y - 2019] += fte / 12;
            leavers[y - 2019] += leave;
            staff_years[y - 2019] += gns / 12.0;
            h = h_end;
        }
    }
    out_close(&o, "Windows-1252, CRLF, no BOM");
    printf("  hr_maaned: sick days per FTE-year / turnover %%:");
    for (int y = 0; y < 7; y++)
        printf(" %d:%.1f/%.1f", 2019 + y, sick[y] / fte_years[y],
               100 * leavers[y] / staff_years[y]);
    printf("\n");
}

static void write_staff_survey(void) {
    rng r;
    rng_seed(&r, "medarbejder_survey");
    out o;
    out_open(&o, "medarbejder_survey.csv", OUT_BOM | OUT_CRLF,
             "aar;tilbud_id;resp_id;stolt_1_5;tryg_1_5");
    for (int y = 2019; y <= 2025; y += 2) {
        int k = 0;
        for (int i = 0; i < N_UNITS; i++) {
            const unit *x = &UNITS[i];
            int n = gns_sep[i][y - 2019];
            if (!n) continue;
            double rr = clampd(0.76 + 0.06 * norm(&r), 0.5, 0.93);
            double ps = 0.66 + 0.012 * (y - 2019) + 0.04 * x->u;
            double pt = 0.77 + 0.008 * (y - 2019) + 0.03 * x->u - (x->secure ? 0.15 : 0) -
                        (x->kk_voksne ? 0.07 : 0) - (x->t == T_KOFOED && y == 2021 ? 0.10 : 0);
            for (int j = 0; j < n; j++) {
                if (!bern(&r, rr)) continue;
                out_row(&o, "%d;%s;M%02d-%05d;%s;%s", y, x->id, y % 100, ++k,
                        opt_int(maybe(&r, likert(&r, ps), 0.03)),
                        opt_int(maybe(&r, likert(&r, pt), 0.03)));
            }
        }
    }
    out_close(&o, "UTF-8 BOM, CRLF");
}

/* ---- Region Sjælland's audits ---- */

typedef struct standard {
    const char *kode;
    double p;
    const char *ind[3];
} standard;

static const standard STANDARDS[10] = {
    { "kommunikation", 0.86, { "kommunikationsform_beskrevet", "kommunikationsplan_fulgt", NULL } },
    { "indflydelse_eget_liv", 0.80, { "borger_deltaget_i_plan", "oensker_dokumenteret", NULL } },
    { "individuelle_planer",
      0.78,
      { "plan_opdateret_12_mdr", "delmaal_beskrevet", "opfoelgning_dokumenteret" } },
    { "magtanvendelse",
      0.88,
      { "registreret_48t", "indberettet_kommune", "opfoelgning_medarbejder" } },
    { "forebyggelse_overgreb", 0.90, { "retningslinje_kendt", "haendelse_opfulgt", NULL } },
    { "medicinhaandtering",
      0.85,
      { "medicinliste_ajour", "dobbeltkontrol", "afvigelse_registreret" } },
    { "utilsigtede_haendelser", 0.82, { "rapporteret_7_dage", "analyse_gennemfoert", NULL } },
    { "fysisk_mental_sundhed",
      0.80,
      { "sundhedstjek_tilbudt", "tandlaege_12_mdr", "vaegt_fulgt" } },
    { "faglige_metoder_resultater", 0.76, { "metode_beskrevet", "resultat_dokumenteret", NULL } },
    { "kompetenceudvikling", 0.83, { "kompetenceplan", "introduktion_nyansat", NULL } },
};

static void audit_one(sqlite3 *db, sqlite3_stmt *st, rng *r, int t, int s, int32_t day, double eff,
                      double *rate) {
    const char *auditor = bern(r, 0.8) ? "KVU" : "INT";
    int y = year_of(day), got = 0, seen = 0;
    for (int k = 0; k < 3 && STANDARDS[s].ind[k]; k++) {
        int n = irand(r, 5, 12);
        if (n > TILBUD[t].pladser / 2) n = TILBUD[t].pladser / 2 > 4 ? TILBUD[t].pladser / 2 : 4;
        double p = STANDARDS[s].p + 0.012 * (y - 2019) + eff;
        if (t == T_KOFOED && s == 3 && (y == 2020 || y == 2021)) p -= 0.20;
        int ok = binom(r, n, clampd(p, 0.3, 0.99));
        bind_text(st, 1, iso(day));
        bind_text(st, 2, TILBUD[t].id);
        sqlite3_bind_int(st, 3, s + 1);
        bind_text(st, 4, STANDARDS[s].kode);
        bind_text(st, 5, STANDARDS[s].ind[k]);
        sqlite3_bind_int(st, 6, n);
        sqlite3_bind_int(st, 7, ok);
        bind_text(st, 8, auditor);
        db_step(db, st);
        got += ok;
        seen += n;
    }
    *rate = (double)got / seen;
}

static void write_audit(sqlite3 *db) {
    rng r;
    rng_seed(&r, "audit");
    db_exec(db,
            "CREATE TABLE audit(dato DATE NOT NULL, tilbud_id TEXT NOT NULL, standard_nr INTEGER, "
            "standard TEXT, indikator TEXT, antal_gennemgaaet INTEGER, antal_opfyldt INTEGER, "
            "auditor TEXT)");
    sqlite3_stmt *st = db_prep(db, "INSERT INTO audit VALUES(?,?,?,?,?,?,?,?)");
    int32_t covid0 = ymd(2020, 3, 11), covid1 = ymd(2020, 7, 1);
    for (int y = 2019; y <= 2025; y++)
        for (int t = 0; t < N_TILBUD; t++) {
            if (!TILBUD[t].rsj) continue;
            double eff = 0.04 * norm(&r);
            for (int s = 0; s < 10; s++) {
                int32_t day = next_weekday(ymd(y, 1, 10) + irand(&r, 0, 320));
                if (day >= covid0 && day < covid1) continue; /* audits suspended in the lockdown */
                double rate;
                audit_one(db, st, &r, t, s, day, eff, &rate);
                int32_t again = next_weekday(day + irand(&r, 90, 150));
                if (rate < 0.75 && year_of(again) == y)
                    audit_one(db, st, &r, t, s, again, eff + 0.05, &rate);
            }
        }
    sqlite3_finalize(st);
}
