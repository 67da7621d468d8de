/*
** dsv.c -- part of tegn-gen_datasets, #included by tools/gen_datasets.c.
** Den Sociale Virksomhed's own registrations about its residents, drawn
** from the simulated stays so that every row falls inside a stay: the
** health-check funnel (SQLite table sundhedstjek), individuelle_planer.csv,
** aktivitet_kvartal.csv, and the initiatives in dsv_tiltag.csv.
*/

static int is_dsv_adult(int t) {
    return !TILBUD[t].rsj && (TILBUD[t].kind == K_LONG || TILBUD[t].kind == K_TEMP);
}

static int32_t next_weekday(int32_t z) {
    while (weekday(z) > 5 || is_holiday(z)) z++;
    return z;
}

/* ---- initiatives (written first: they lift the activity data) ---- */

typedef struct tiltag {
    int t;
    int32_t start;
    int tema;
} tiltag;

static const char *const TEMA[] = { "netvaerk", "frivillighed", "bevaegelse", "maaltider" };

static const char *const TITLER[4][4] = {
    { "Netværkskort i alle planer", "Pårørendecafé hver måned", "Venskabsgruppe med nabobotilbud",
      "Besøgsvenner fra Røde Kors" },
    { "Frivillig i lokal genbrugsbutik", "Samarbejde med idrætsforeningen; trænerhjælp",
      "Beboere som frivillige i naturplejen", "Frivillige læsevenner" },
    { "Daglig gåtur", "Motionsrum med instruktør", "Projekt \"Ud i naturen\"",
      "Cykelklub om søen" },
    { "Fælles aftensmad", "Madklub med beboerne", "Morgenmad i fællesrummet",
      "Køkkenhold: beboere laver frokost" },
};

static tiltag tiltag_list[128];
static int n_tiltag;

static void make_tiltag(void) {
    rng r;
    rng_seed(&r, "dsv_tiltag");
    out o;
    out_open(&o, "dsv_tiltag.csv", OUT_BOM | OUT_CRLF,
             "tilbud_id;startdato;tema;titel;status;deltagere");
    for (int t = 0; t < N_TILBUD; t++) {
        if (TILBUD[t].rsj) continue;
        int k = irand(&r, 2, 4), used = 0;
        for (int i = 0; i < k; i++) {
            int tema;
            do tema = irand(&r, 0, 3);
            while (used & (1 << tema));
            used |= 1 << tema;
            int32_t start =
                next_weekday(ymd(2020, 3, 1) + irand(&r, 0, ymd(2024, 10, 31) - ymd(2020, 3, 1)));
            if (t == T_CLOSING && start > CLOSE_STOP) start = next_weekday(start - 900);
            tiltag *g = &tiltag_list[n_tiltag++];
            g->t = t;
            g->start = start;
            g->tema = tema;
            const char *status = t == T_CLOSING                              ? "afsluttet"
                                 : start < ymd(2023, 1, 1) && bern(&r, 0.35) ? "afsluttet"
                                                                             : "i gang";
            const char *titel = TITLER[tema][irand(&r, 0, 3)];
            /* Excel quotes text fields; inner quotes are doubled */
            char q[256];
            size_t j = 0;
            q[j++] = '"';
            for (const char *p = titel; *p && j < sizeof q - 3; p++) {
                if (*p == '"') q[j++] = '"';
                q[j++] = *p;
            }
            q[j++] = '"';
            q[j] = '\0';
            out_row(&o, "%s;%s;%s;%s;%s;%d", TILBUD[t].id, iso(start), TEMA[tema], q, status,
                    irand(&r, 3, TILBUD[t].pladser));
        }
    }
    out_close(&o, "UTF-8 BOM, CRLF, quoted text");
}

static int32_t tiltag_start(int t, int tema) {
    for (int i = 0; i < n_tiltag; i++)
        if (tiltag_list[i].t == t && tiltag_list[i].tema == tema) return tiltag_list[i].start;
    return INT32_MAX;
}

/* ---- health checks (OK22: first before 1/1/2025, then every second year) ---- */

typedef struct check_row {
    int b, t, aar;
    int32_t tilbudt, bestilt, gennemfoert;
    int droeftet, oensker;
    const char *samtykke, *aarsag;
} check_row;

static check_row *checks;
static int n_checks, cap_checks;

static void funnel(rng *r, const stay *s, int32_t offer, double tilbud_eff) {
    GROW(checks, n_checks, cap_checks);
    check_row *c = &checks[n_checks++];
    memset(c, 0, sizeof *c);
    c->b = s->borger;
    c->t = s->tilbud;
    c->tilbudt = offer;
    c->aar = year_of(offer);
    c->bestilt = c->gennemfoert = NODATE;
    double trend = 0.02 * (c->aar - 2022);
    if (!bern(r, clampd(0.90 + trend + tilbud_eff, 0, 0.99))) {
        c->aarsag = "ikke_droeftet";
        return;
    }
    c->droeftet = 1;
    if (!bern(r, clampd(0.84 + trend + tilbud_eff, 0, 0.99))) {
        c->aarsag = bern(r, 0.7) ? "borger_afslog" : "vaerge_ikke_svaret";
        return;
    }
    double u = unif(r);
    int ud = strstr(TILBUD[s->tilbud].maalgruppe, "udviklingshæmning") != NULL;
    c->samtykke = u < (ud ? 0.30 : 0.70)   ? "selv"
                  : u < (ud ? 0.80 : 0.88) ? "vaerge"
                                           : "paaroerende";
    if (!bern(r, clampd(0.90 + trend, 0, 0.99))) {
        c->aarsag = "ikke_bestilt_hos_laege";
        return;
    }
    c->bestilt = next_weekday(offer + irand(r, 5, 40));
    if (!bern(r, 0.93)) {
        c->aarsag = "borger_fortrudt";
        return;
    }
    c->oensker = 1;
    int32_t done = next_weekday(c->bestilt + irand(r, 10, 80));
    if (done >= s->out) {
        c->aarsag = "fraflyttet";
    } else if (done > EXTRACT) {
        c->aarsag = "venter_paa_tid";
    } else if (!bern(r, clampd(0.86 + trend + tilbud_eff, 0, 0.99))) {
        static const char *const why[] = { "laege_ikke_kommet", "borger_indlagt",
                                           "borger_urolig_aflyst" };
        static const double w[] = { 0.45, 0.2, 0.35 };
        c->aarsag = why[pick(r, w, 3)];
    } else {
        c->gennemfoert = done;
    }
}

static void make_checks(void) {
    rng r;
    rng_seed(&r, "sundhedstjek");
    double eff[32];
    for (int t = 0; t < N_TILBUD; t++) eff[t] = 0.04 * norm(&r);
    int32_t r1a = ymd(2022, 3, 1), r1b = ymd(2024, 11, 1), last = ymd(2025, 12, 15);
    unsigned char *offered = xrealloc(NULL, (size_t)n_persons);
    memset(offered, 0, (size_t)n_persons);
    for (int i = 0; i < n_stays; i++) {
        const stay *s = &stays[i];
        if (!is_dsv_adult(s->tilbud) || !stay_exported(s)) continue;
        int32_t lo = s->in + 30 > r1a ? s->in + 30 : r1a, hi = s->out < r1b ? s->out : r1b;
        if (hi - lo >= 45 && !offered[s->borger]) {
            offered[s->borger] = 1;
            int32_t offer = next_weekday(lo + irand(&r, 0, hi - lo - 40));
            funnel(&r, s, offer, eff[s->tilbud]);
            const check_row *c = &checks[n_checks - 1];
            /* the next check is due two years after a completed one */
            if (c->gennemfoert != NODATE) {
                int32_t again = next_weekday(c->gennemfoert + 700 + irand(&r, -30, 60));
                if (again < s->out && again <= last) funnel(&r, s, again, eff[s->tilbud]);
            }
        } else if (s->in >= r1b - 30 && !offered[s->borger]) {
            int32_t offer = next_weekday(s->in + irand(&r, 30, 120));
            if (offer < s->out && offer <= last) {
                offered[s->borger] = 1;
                funnel(&r, s, offer, eff[s->tilbud]);
            }
        }
    }
    tg_free(offered);
}

static void write_checks(sqlite3 *db) {
    db_exec(db, "CREATE TABLE sundhedstjek(borger_id TEXT NOT NULL, tilbud_id TEXT NOT NULL, "
                "aar INTEGER, tilbudt DATE, droeftet INTEGER, samtykke TEXT, bestilt DATE, "
                "oensker INTEGER, gennemfoert DATE, aarsag_ikke TEXT)");
    sqlite3_stmt *st = db_prep(db, "INSERT INTO sundhedstjek VALUES(?,?,?,?,?,?,?,?,?,?)");
    for (int i = 0; i < n_checks; i++) {
        const check_row *c = &checks[i];
        bind_text(st, 1, person_id(c->b));
        bind_text(st, 2, TILBUD[c->t].id);
        sqlite3_bind_int(st, 3, c->aar);
        bind_text(st, 4, iso(c->tilbudt));
        if (c->droeftet) sqlite3_bind_int(st, 5, 1);
        bind_text(st, 6, c->samtykke);
        bind_text(st, 7, iso(c->bestilt));
        if (c->oensker) sqlite3_bind_int(st, 8, 1);
        bind_text(st, 9, iso(c->gennemfoert));
        bind_text(st, 10, c->aarsag);
        db_step(db, st);
    }
    sqlite3_finalize(st);
}

/* ---- individual plans and quarterly activity ---- */

typedef struct plan_row {
    int b, t;
    int32_t dato;
    int oensker, valg, maal, opfyldt;
} plan_row;

static int cmp_plan(const void *a, const void *b) {
    const plan_row *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    if (x->dato != y->dato) return x->dato < y->dato ? -1 : 1;
    return x->b < y->b ? -1 : x->b > y->b;
}

static double logistic(double x) {
    return 1 / (1 + exp(-x));
}

static void make_plans(void) {
    rng r;
    rng_seed(&r, "individuelle_planer");
    double eff[32];
    for (int t = 0; t < N_TILBUD; t++) eff[t] = 0.35 * norm(&r);
    plan_row *rows = NULL;
    int n = 0, cap = 0;
    int32_t last = ymd(2025, 12, 31);
    for (int i = 0; i < n_stays; i++) {
        const stay *s = &stays[i];
        if (TILBUD[s->tilbud].rsj || TILBUD[s->tilbud].kind == K_SECURE || !stay_exported(s))
            continue;
        int y0, m0, d0;
        civil(s->in, &y0, &m0, &d0);
        for (int y = 2019; y <= 2025; y++) {
            int32_t dato;
            if (y == y0) dato = s->in + irand(&r, 25, 60); /* the first plan */
            else if (y > y0) dato = ymd(y, m0, d0 > 28 ? 28 : d0) + irand(&r, -20, 40);
            else continue;
            dato = next_weekday(dato);
            if (dato < WIN0 || dato >= s->out || dato > last || dato > EXTRACT) continue;
            if (bern(&r, 0.07)) continue; /* plan overdue: no review that year */
            GROW(rows, n, cap);
            plan_row *p = &rows[n++];
            p->b = s->borger;
            p->t = s->tilbud;
            p->dato = dato;
            double x = (dato - ymd(2019, 1, 1)) / 365.25;
            p->oensker = bern(&r, logistic(0.1 + 0.42 * x + eff[s->tilbud]));
            p->valg = bern(&r, logistic(-0.5 + 0.4 * x + eff[s->tilbud]));
            p->maal = irand(&r, 1, 6);
            p->opfyldt = binom(&r, p->maal, 0.45 + 0.015 * x);
        }
    }
    qsort(rows, (size_t)n, sizeof *rows, cmp_plan);
    out o;
    out_open(&o, "individuelle_planer.csv", OUT_BOM | OUT_CRLF,
             "borger_id;tilbud_id;plan_dato;oensker_fremgaar;valg_understoettet;antal_maal;maal_"
             "opfyldt");
    for (int i = 0; i < n; i++)
        out_row(&o, "%s;%s;%s;%s;%s;%d;%d", person_id(rows[i].b), TILBUD[rows[i].t].id,
                iso(rows[i].dato), rows[i].oensker ? "J" : "N", rows[i].valg ? "J" : "N",
                rows[i].maal, rows[i].opfyldt);
    out_close(&o, "UTF-8 BOM, CRLF");
    tg_free(rows);
}

static void make_activity(void) {
    rng r;
    rng_seed(&r, "aktivitet_kvartal");
    double meals[32];
    for (int t = 0; t < N_TILBUD; t++) meals[t] = 5 + 6 * unif(&r);
    out o;
    out_open(&o, "aktivitet_kvartal.csv", OUT_BOM | OUT_CRLF,
             "kvartal;borger_id;tilbud_id;bevaegelse_dage_uge;faelles_maaltider_uge;"
             "netvaerk_personer;frivillig_j_n");
    /* per-stay levels, drawn once */
    double *move0 = xrealloc(NULL, (size_t)n_stays * sizeof *move0);
    double *net0 = xrealloc(NULL, (size_t)n_stays * sizeof *net0);
    for (int i = 0; i < n_stays; i++) {
        move0[i] = 2.3 + 1.0 * norm(&r);
        net0[i] = 0.5 * norm(&r);
    }
    for (int q = 0; q < 20; q++) {
        int y = 2021 + q / 4, k = q % 4;
        int32_t a = ymd(y, 3 * k + 1, 1), b = k == 3 ? ymd(y + 1, 1, 1) : ymd(y, 3 * k + 4, 1);
        char kv[16];
        snprintf(kv, sizeof kv, "%dK%d", y, k + 1);
        for (int t = 0; t < N_TILBUD; t++) {
            if (TILBUD[t].rsj || TILBUD[t].kind == K_SECURE) continue;
            int child = TILBUD[t].kind == K_CHILD;
            for (int i = 0; i < n_stays; i++) {
                const stay *s = &stays[i];
                if (s->tilbud != t || !stay_exported(s)) continue;
                int32_t lo = s->in > a ? s->in : a, hi = s->out < b ? s->out : b;
                if (hi - lo < 30 || lo > EXTRACT) continue;
                double x = y - 2021 + k / 4.0;
                double season = k == 2 ? 0.4 : k == 0 ? -0.3 : 0;
                double lift = a >= tiltag_start(t, 2) ? 0.4 : 0;
                double mv = clampd(move0[i] + 0.18 * x + season + lift + 0.5 * norm(&r), 0, 7);
                double ml =
                    meals[t] + 0.3 * x + (a >= tiltag_start(t, 3) ? 1.0 : 0) + 1.5 * norm(&r);
                int meal = (int)clampd(floor(ml + 0.5), 0, 14);
                int net = poisson(&r, exp(log(child ? 2.6 : 1.8) + 0.05 * x + net0[i] +
                                          (a >= tiltag_start(t, 0) ? 0.12 : 0)));
                double pf = child ? 0.01 : (0.03 + 0.012 * x) * (a >= tiltag_start(t, 1) ? 2 : 1);
                out_row(&o, "%s;%s;%s;%s;%d;%d;%s", kv, person_id(s->borger), TILBUD[t].id,
                        dec(mv, 1), meal, net > 15 ? 15 : net, bern(&r, pf) ? "J" : "N");
            }
        }
    }
    out_close(&o, "UTF-8 BOM, CRLF");
    tg_free(move0);
    tg_free(net0);
}

/* Every health check, plan and activity row must fall inside one of the
** person's stays in that tilbud, as ophold.csv lists them. */
static void check_dsv(sqlite3 *db) {
    int bad = 0, n = 0;
    for (int i = 0; i < n_checks; i++) {
        const check_row *c = &checks[i];
        int ok = 0;
        for (int j = 0; j < n_stays && !ok; j++) {
            const stay *s = &stays[j];
            if (s->borger == c->b && s->tilbud == c->t && stay_exported(s) && s->in <= c->tilbudt &&
                c->tilbudt < s->out && (c->gennemfoert == NODATE || c->gennemfoert < s->out))
                ok = 1;
        }
        bad += !ok;
        n++;
    }
    if (bad) die("sundhedstjek: %d rows outside the person's stay", bad);
    sqlite3_stmt *q = db_prep(
        db, "SELECT count(*), count(droeftet), count(samtykke), count(bestilt), count(oensker), "
            "count(gennemfoert) FROM sundhedstjek");
    if (sqlite3_step(q) != SQLITE_ROW) die("sqlite: %s", sqlite3_errmsg(db));
    printf(
        "  sundhedstjek: %d offers inside stays; funnel tilbudt %d -> drøftet %d -> samtykke %d -> "
        "bestilt %d -> ønsker %d -> gennemført %d\n",
        n, sqlite3_column_int(q, 0), sqlite3_column_int(q, 1), sqlite3_column_int(q, 2),
        sqlite3_column_int(q, 3), sqlite3_column_int(q, 4), sqlite3_column_int(q, 5));
    sqlite3_finalize(q);
}
