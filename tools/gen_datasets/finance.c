/*
** finance.c -- part of tegn-gen_datasets, #included by tools/gen_datasets.c.
** Takst budgets, accounts and published takster per tilbud and year, built
** by the rules of the domain brief (§1.7): budget occupancy from the actual
** occupancy of years N-2 and N-3, døgntakst = takstgrundlag / belægningsdage
** rounded half up, and the part of year N's result beyond ±5 % of the budget
** returned through the line regulering_n2 of year N+2. Written to SQLite.
*/

#define FY0  2015 /* first year computed (needed for regulering from 2017) */
#define FY1  2026 /* last budget year (takster 2026 were set in autumn 2025) */
#define N_FY (FY1 - FY0 + 1)
#define N_OT 10

static const char *const OMK[N_OT] = {
    "direkte_loen", "direkte_drift", "ejendom",     "overhead", "tilsyn",
    "afskrivning",  "forrentning",   "tjm_pension", "indtaegt", "regulering_n2",
};

enum { O_LOEN, O_DRIFT, O_EJENDOM, O_OVERHEAD, O_TILSYN, O_AFSKR, O_FORR, O_TJM, O_INDT, O_REG };

/* Pris- og lønfremskrivning from the year before, in per cent (synthetic). */
static const double PL_PCT[N_FY] = { 1.2, 1.4, 1.6, 1.8, 2.0, 1.9, 1.6, 3.7, 4.3, 3.1, 2.6, 2.4 };

typedef struct fin {
    int has_budget, has_regnskab;
    int pladser, takstdage, takst;
    double bb, oh_pct, mfak, mtakst;
    long line[N_OT], rline[N_OT];
    long belagte, resultat, carry, rest;
} fin;

static fin FIN[32][N_FY];

static double pl_index(int y) {
    double idx = 1;
    for (int k = FY0 + 1; k <= y; k++) idx *= 1 + PL_PCT[k - FY0] / 100;
    return idx;
}

/* Socialtilsyn Øst's yearly fee by number of places, 2023 level [domain F46]. */
static long tilsyn_fee(int pladser, int y) {
    double fee = pladser <= 7 ? 39448 : pladser <= 24 ? 47338 : pladser <= 49 ? 78896 : 118344;
    return lround(fee * pl_index(y) / pl_index(2023));
}

static double actual_occ(int t, int y) {
    long occ, poss;
    occ_days(t, ymd(y, 1, 1), ymd(y + 1, 1, 1), &occ, &poss);
    return poss ? (double)occ / (double)poss : 0;
}

static long sum_lines(const long *l) {
    long s = 0;
    for (int k = 0; k < N_OT; k++) s += l[k];
    return s;
}

static void compute_finance(void) {
    rng r;
    rng_seed(&r, "takst");
    for (int t = 0; t < N_TILBUD; t++) {
        const tdef *d = &TILBUD[t];
        double oh_base = d->rsj ? 6.0 : 5.5, tjm_rate = d->rsj ? 0.007 : 0.011;
        double bias = 0.015 * norm(&r);
        /* direct costs in 2019 that give roughly the target takst */
        double g2019 = d->takst2019 * d->pladser * 365.0 * 0.965;
        double d2019 = (g2019 - (double)tilsyn_fee(d->pladser, 2019)) /
                       (1 + oh_base / 100 + 0.018 + tjm_rate * 0.77);
        double direkte = d2019 / (pl_index(2019) / pl_index(FY0));
        for (int y = FY0; y <= FY1; y++) {
            fin *f = &FIN[t][y - FY0];
            int32_t jan1 = ymd(y, 1, 1);
            if (cap_on(t, jan1) == 0) continue; /* closed */
            f->has_budget = 1;
            f->pladser = cap_on(t, jan1);
            f->takstdage = days_in_year(y);
            double lo = d->kind == K_SHELTER || d->kind == K_SECURE ? 0.90 : 0.95;
            double mean = (actual_occ(t, y - 2) + actual_occ(t, y - 3)) / 2;
            f->bb = clampd(floor(mean * 1000 + 0.5) / 1000, lo, 0.98);
            f->oh_pct = d->rsj ? 6.0 : 5.0 + 0.1 * irand(&r, 0, 10);
            f->mfak = d->rsj ? 30.5 : 30.4167;
            if (y > FY0) {
                direkte *= (1 + PL_PCT[y - FY0] / 100) * (1 + 0.003 + 0.012 * norm(&r));
                int before = cap_on(t, ymd(y - 1, 1, 1));
                if (before != f->pladser) direkte *= 1 - 0.7 * (1 - (double)f->pladser / before);
                if (t == T_KOFOED && y == 2022)
                    direkte *= 1.08; /* more staff after the criticism */
            }
            long dk = lround(direkte);
            long *l = f->line;
            l[O_LOEN] = lround(0.77 * (double)dk);
            l[O_DRIFT] = lround(0.15 * (double)dk);
            l[O_EJENDOM] = dk - l[O_LOEN] - l[O_DRIFT];
            l[O_OVERHEAD] = lround(f->oh_pct / 100 * (double)dk);
            l[O_TILSYN] = tilsyn_fee(f->pladser, y);
            l[O_AFSKR] = lround(0.021 * (double)dk);
            l[O_FORR] = lround(0.009 * (double)dk);
            l[O_TJM] = lround(tjm_rate * (double)l[O_LOEN]);
            l[O_INDT] = -lround(0.012 * (double)dk);
            l[O_REG] =
                y - 2 >= FY0 && FIN[t][y - 2 - FY0].has_regnskab ? -FIN[t][y - 2 - FY0].rest : 0;
            double bdage = f->pladser * f->takstdage * f->bb;
            /* keep clear of x,5 so that any correct implementation rounds alike */
            for (;;) {
                double q = (double)sum_lines(l) / bdage, frac = q - floor(q);
                if (fabs(frac - 0.5) > 0.002) break;
                l[O_INDT] -= 1;
            }
            f->takst = (int)floor((double)sum_lines(l) / bdage + 0.5);
            f->mtakst = floor(f->takst * f->mfak * 100 + 0.5) / 100;

            if (y > 2024) continue; /* accounts for 2025 are not closed at extraction */
            f->has_regnskab = 1;
            memcpy(f->rline, l, sizeof f->rline);
            double el = bias + 0.02 * norm(&r), ed = bias + 0.03 * norm(&r);
            if (t == T_KOFOED && y == 2021) el += 0.06; /* overtime during overbelægning */
            if (t == T_CLOSING && y == 2023) el = -0.38, ed = -0.30; /* half a year, then tomgang */
            f->rline[O_LOEN] = lround((double)l[O_LOEN] * (1 + el));
            f->rline[O_DRIFT] = lround((double)l[O_DRIFT] * (1 + ed));
            long occ, poss;
            occ_days(t, jan1, ymd(y + 1, 1, 1), &occ, &poss);
            f->belagte = occ;
            f->resultat = occ * f->takst - sum_lines(f->rline);
            long lim = lround(0.05 * (double)sum_lines(l));
            f->carry = f->resultat > lim ? lim : f->resultat < -lim ? -lim : f->resultat;
            f->rest = f->resultat - f->carry;
        }
    }
}

/* ---- SQLite ---- */

static void db_exec(sqlite3 *db, const char *sql) {
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) die("sqlite: %s", msg ? msg : "?");
}

static sqlite3_stmt *db_prep(sqlite3 *db, const char *sql) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        die("sqlite: %s", sqlite3_errmsg(db));
    return st;
}

static void db_step(sqlite3 *db, sqlite3_stmt *st) {
    if (sqlite3_step(st) != SQLITE_DONE) die("sqlite: %s", sqlite3_errmsg(db));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s) {
    if (s && *s) sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, i);
}

static void write_finance(sqlite3 *db) {
    db_exec(db, "CREATE TABLE takst_param(aar INTEGER NOT NULL, tilbud_id TEXT NOT NULL, "
                "normerede_pladser INTEGER, takstdage INTEGER, budget_belaegning REAL, "
                "overhead_pct REAL, maanedsfaktor REAL, pl_pct REAL, PRIMARY KEY(aar, tilbud_id))");
    db_exec(
        db,
        "CREATE TABLE takst_budget(aar INTEGER NOT NULL, tilbud_id TEXT NOT NULL, "
        "paragraf INTEGER, omkostningstype TEXT NOT NULL, beloeb_kr REAL, kilde TEXT NOT NULL)");
    db_exec(db, "CREATE TABLE takst(aar INTEGER NOT NULL, tilbud_id TEXT NOT NULL, "
                "doegntakst_kr INTEGER, maanedstakst_kr REAL, PRIMARY KEY(aar, tilbud_id))");
    sqlite3_stmt *sp = db_prep(db, "INSERT INTO takst_param VALUES(?,?,?,?,?,?,?,?)");
    sqlite3_stmt *sb = db_prep(db, "INSERT INTO takst_budget VALUES(?,?,?,?,?,?)");
    sqlite3_stmt *st = db_prep(db, "INSERT INTO takst VALUES(?,?,?,?)");
    for (int y = 2019; y <= FY1; y++)
        for (int t = 0; t < N_TILBUD; t++) {
            const fin *f = &FIN[t][y - FY0];
            if (!f->has_budget) continue;
            sqlite3_bind_int(sp, 1, y);
            bind_text(sp, 2, TILBUD[t].id);
            sqlite3_bind_int(sp, 3, f->pladser);
            sqlite3_bind_int(sp, 4, f->takstdage);
            sqlite3_bind_double(sp, 5, f->bb);
            sqlite3_bind_double(sp, 6, f->oh_pct);
            sqlite3_bind_double(sp, 7, f->mfak);
            sqlite3_bind_double(sp, 8, PL_PCT[y - FY0]);
            db_step(db, sp);
            for (int src = 0; src < 2; src++) {
                if (src == 1 && !f->has_regnskab) continue;
                for (int k = 0; k < N_OT; k++) {
                    sqlite3_bind_int(sb, 1, y);
                    bind_text(sb, 2, TILBUD[t].id);
                    sqlite3_bind_int(sb, 3, TILBUD[t].paragraf);
                    bind_text(sb, 4, OMK[k]);
                    sqlite3_bind_double(sb, 5, (double)(src ? f->rline[k] : f->line[k]));
                    bind_text(sb, 6, src ? "regnskab" : "budget");
                    db_step(db, sb);
                }
            }
            sqlite3_bind_int(st, 1, y);
            bind_text(st, 2, TILBUD[t].id);
            sqlite3_bind_int(st, 3, f->takst);
            sqlite3_bind_double(st, 4, f->mtakst);
            db_step(db, st);
        }
    sqlite3_finalize(sp);
    sqlite3_finalize(sb);
    sqlite3_finalize(st);
}

/* Recomputes every døgntakst from takst_param and the budget lines, and every
** regulering_n2 from the accounts two years earlier and the occupied days in
** ophold.csv, using SQL for the sums. */
static void check_finance(sqlite3 *db) {
    sqlite3_stmt *q = db_prep(
        db, "SELECT p.aar, p.tilbud_id, p.normerede_pladser * p.takstdage * p.budget_belaegning, "
            "(SELECT sum(beloeb_kr) FROM takst_budget b WHERE b.aar = p.aar AND b.tilbud_id = "
            "p.tilbud_id "
            "AND b.kilde = 'budget'), t.doegntakst_kr FROM takst_param p JOIN takst t USING (aar, "
            "tilbud_id) "
            "ORDER BY p.aar, p.tilbud_id");
    int n = 0, nreg = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        double g = sqlite3_column_double(q, 3), bd = sqlite3_column_double(q, 2);
        int takst = sqlite3_column_int(q, 4);
        if ((int)floor(g / bd + 0.5) != takst)
            die("takst %d %s: budget gives %.3f, table says %d", sqlite3_column_int(q, 0),
                (const char *)sqlite3_column_text(q, 1), g / bd, takst);
        n++;
    }
    sqlite3_finalize(q);

    q = db_prep(
        db, "SELECT r.aar, r.tilbud_id, sum(r.beloeb_kr), t.doegntakst_kr, "
            "(SELECT sum(beloeb_kr) FROM takst_budget b WHERE b.aar = r.aar AND b.tilbud_id = "
            "r.tilbud_id "
            "AND b.kilde = 'budget'), "
            "(SELECT beloeb_kr FROM takst_budget n WHERE n.aar = r.aar + 2 AND n.tilbud_id = "
            "r.tilbud_id "
            "AND n.kilde = 'budget' AND n.omkostningstype = 'regulering_n2') "
            "FROM takst_budget r JOIN takst t USING (aar, tilbud_id) WHERE r.kilde = 'regnskab' "
            "GROUP BY r.aar, r.tilbud_id ORDER BY r.aar, r.tilbud_id");
    while (sqlite3_step(q) == SQLITE_ROW) {
        int y = sqlite3_column_int(q, 0);
        int t = tilbud_index((const char *)sqlite3_column_text(q, 1));
        if (sqlite3_column_type(q, 5) == SQLITE_NULL) continue; /* closed before N+2 */
        double res = (double)ophold_days[t][y - 2019] * sqlite3_column_int(q, 3) -
                     sqlite3_column_double(q, 2);
        double lim = floor(0.05 * sqlite3_column_double(q, 4) + 0.5);
        double carry = res > lim ? lim : res < -lim ? -lim : res;
        if (-(res - carry) != sqlite3_column_double(q, 5))
            die("regulering_n2 %d %s: accounts give %.0f, budget %d says %.0f", y + 2, TILBUD[t].id,
                -(res - carry), y + 2, sqlite3_column_double(q, 5));
        nreg++;
    }
    sqlite3_finalize(q);
    printf("  takst: %d døgntakster and %d reguleringer recomputed from the SQLite tables and "
           "ophold.csv\n",
           n, nreg);
}
