/*
** base.c -- part of tegn-gen_datasets, #included by tools/gen_datasets.c.
** The seeded random streams, calendar arithmetic, Danish number and date
** formatting, the CSV writer (BOM, CRLF, Windows-1252, Excel's "sep=;" line)
** and a small reader for the generator's own files, used by the checks.
** Nothing here depends on the wall clock or the locale.
*/

#define GEN_SEED 20190101u
#define NODATE   INT32_MIN
#define PI       3.14159265358979323846

/* ---- failure and memory ---- */

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("tegn-gen_datasets: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void *xrealloc(void *p, size_t n) {
    void *q = tg_realloc(p, n);
    if (!q && n) die("out of memory");
    return q;
}

#define GROW(arr, n, cap)                                           \
    do {                                                            \
        if ((n) >= (cap)) {                                         \
            (cap) = (cap) ? 2 * (cap) : 256;                        \
            (arr) = xrealloc((arr), (size_t)(cap) * sizeof *(arr)); \
        }                                                           \
    } while (0)

/* ---- random streams: xoshiro256** seeded through splitmix64 ----
** Every output file draws from its own stream named after it, so changing
** one generator does not shift the numbers of any other file. */

typedef struct rng {
    uint64_t s[4];
} rng;

/* Which copy of the organisations this process generates (--scale): 0 is
** the bundled data; copy k > 0 draws every stream afresh (see scale.c). */
static unsigned replica;

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void rng_seed(rng *r, const char *stream) {
    uint64_t h = 0xCBF29CE484222325ULL ^ GEN_SEED;
    for (const char *p = stream; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 0x100000001B3ULL;
    }
    if (replica) { /* copy 0 keeps the bundled streams, byte for byte */
        h ^= 0x9E3779B97F4A7C15ULL * replica;
        h *= 0x100000001B3ULL;
    }
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&h);
}

static uint64_t rotl64(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r) {
    uint64_t *s = r->s;
    uint64_t result = rotl64(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return result;
}

/* Uniform in [0, 1) with 53 random bits. */
static double unif(rng *r) {
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform integer in [lo, hi]; the modulo bias is below 2^-40 here. */
static int irand(rng *r, int lo, int hi) {
    return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static int bern(rng *r, double p) {
    return unif(r) < p;
}

/* Standard normal by Box-Muller (one value per call, no cached state). */
static double norm(rng *r) {
    double u1 = 1.0 - unif(r);
    double u2 = unif(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * PI * u2);
}

static int poisson(rng *r, double lambda) {
    if (lambda <= 0) return 0;
    if (lambda > 40) {
        double v = floor(lambda + sqrt(lambda) * norm(r) + 0.5);
        return v < 0 ? 0 : (int)v;
    }
    double l = exp(-lambda), p = 1.0;
    int k = 0;
    do {
        k++;
        p *= unif(r);
    } while (p > l);
    return k - 1;
}

static int binom(rng *r, int n, double p) {
    int k = 0;
    for (int i = 0; i < n; i++) k += bern(r, p);
    return k;
}

/* Index drawn with probability proportional to w[i]. */
static int pick(rng *r, const double *w, int n) {
    double tot = 0;
    for (int i = 0; i < n; i++) tot += w[i];
    double u = unif(r) * tot;
    for (int i = 0; i < n; i++) {
        if (u < w[i]) return i;
        u -= w[i];
    }
    return n - 1;
}

/* Inverse of the standard normal CDF by bisection on erfc: slow but exact
** enough, and called only a few hundred times. */
static double qnorm(double p) {
    double lo = -9, hi = 9;
    for (int i = 0; i < 80; i++) {
        double mid = 0.5 * (lo + hi);
        if (0.5 * erfc(-mid / sqrt(2.0)) < p) lo = mid;
        else hi = mid;
    }
    return 0.5 * (lo + hi);
}

static double clampd(double v, double lo, double hi) {
    return v < lo ? lo : v > hi ? hi : v;
}

static int iround(double v) {
    return (int)floor(v + 0.5);
}

/* ---- calendar: days since 1970-01-01, proleptic Gregorian ---- */

static int32_t ymd(int y, int m, int d) {
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil(int32_t z, int *y, int *m, int *d) {
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static int year_of(int32_t z) {
    int y, m, d;
    civil(z, &y, &m, &d);
    return y;
}

static int month_of(int32_t z) {
    int y, m, d;
    civil(z, &y, &m, &d);
    return m;
}

static int days_in_month(int y, int m) {
    return m == 12 ? 31 : ymd(y, m + 1, 1) - ymd(y, m, 1);
}

static int days_in_year(int y) {
    return ymd(y + 1, 1, 1) - ymd(y, 1, 1);
}

/* 1 = Monday ... 7 = Sunday; 1970-01-01 was a Thursday. */
static int weekday(int32_t z) {
    return (int)(((z % 7) + 7 + 3) % 7) + 1;
}

/* Easter Sunday (anonymous Gregorian algorithm). */
static int32_t easter(int y) {
    int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
    return ymd(y, month, day);
}

/* Danish public holidays plus the customary days off (grundlovsdag,
** juleaftensdag, nytårsaftensdag). Store bededag was abolished from 2024. */
static int is_holiday(int32_t z) {
    int y, m, d;
    civil(z, &y, &m, &d);
    if ((m == 1 && d == 1) || (m == 6 && d == 5) ||
        (m == 12 && (d == 24 || d == 25 || d == 26 || d == 31)))
        return 1;
    int32_t e = easter(y);
    int off = z - e;
    if (off == -3 || off == -2 || off == 1 || off == 39 || off == 50) return 1;
    if (off == 26 && y < 2024) return 1;
    return 0;
}

static int workdays_in_month(int y, int m) {
    int n = 0;
    int32_t z0 = ymd(y, m, 1);
    for (int i = 0; i < days_in_month(y, m); i++)
        if (weekday(z0 + i) <= 5 && !is_holiday(z0 + i)) n++;
    return n;
}

/* ---- formatting into a ring of static buffers (the tool is single-threaded) ---- */

static char fmt_ring[64][64];
static int fmt_next;

static char *fbuf(void) {
    char *b = fmt_ring[fmt_next];
    fmt_next = (fmt_next + 1) % 64;
    return b;
}

static const char *iso(int32_t z) {
    if (z == NODATE) return "";
    int y, m, d;
    civil(z, &y, &m, &d);
    char *b = fbuf();
    snprintf(b, 64, "%04d-%02d-%02d", y, m, d);
    return b;
}

/* dd-mm-yyyy, as the case system's export writes dates. */
static const char *dmy(int32_t z) {
    if (z == NODATE) return "";
    int y, m, d;
    civil(z, &y, &m, &d);
    char *b = fbuf();
    snprintf(b, 64, "%02d-%02d-%04d", d, m, y);
    return b;
}

static const char *ym(int y, int m) {
    char *b = fbuf();
    snprintf(b, 64, "%04d-%02d", y, m);
    return b;
}

/* A number with 'places' decimals and a decimal comma, never "-0,0". */
static const char *dec(double v, int places) {
    char *b = fbuf();
    snprintf(b, 64, "%.*f", places, v);
    for (char *p = b; *p; p++)
        if (*p == '.') *p = ',';
    if (b[0] == '-') {
        int zero = 1;
        for (char *p = b + 1; *p; p++)
            if (*p != '0' && *p != ',') zero = 0;
        if (zero) memmove(b, b + 1, strlen(b));
    }
    return b;
}

/* An integer, or "" when v < 0 (a missing answer). */
static const char *opt_int(int v) {
    if (v < 0) return "";
    char *b = fbuf();
    snprintf(b, 64, "%d", v);
    return b;
}

/* ---- CSV writer ---- */

enum { OUT_BOM = 1, OUT_CRLF = 2, OUT_CP1252 = 4, OUT_SEPLINE = 8 };

typedef struct out {
    FILE *f;
    int flags;
    long rows;
    char name[64];
} out;

static char out_dir[2048];

typedef struct written {
    char name[64];
    long rows;
    const char *format;
} written;

static written written_files[40];
static int n_written;

static void write_text(out *o, const char *s) {
    if (!(o->flags & OUT_CP1252)) {
        fputs(s, o->f);
        return;
    }
    /* UTF-8 -> Windows-1252: only Latin-1 letters occur in the tables. */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x80) {
            fputc(*p, o->f);
        } else if ((*p == 0xC2 || *p == 0xC3) && (p[1] & 0xC0) == 0x80) {
            fputc(((*p & 0x1F) << 6) | (p[1] & 0x3F), o->f);
            p++;
        } else {
            die("%s: text not representable in Windows-1252: %s", o->name, s);
        }
    }
}

static void out_line(out *o, const char *s) {
    write_text(o, s);
    fputs(o->flags & OUT_CRLF ? "\r\n" : "\n", o->f);
}

static void out_open(out *o, const char *name, int flags, const char *header) {
    char path[2200];
    snprintf(path, sizeof path, "%s/%s", out_dir, name);
    o->f = fopen(path, "wb");
    if (!o->f) die("cannot write %s: %s", path, strerror(errno));
    o->flags = flags;
    o->rows = 0;
    snprintf(o->name, sizeof o->name, "%s", name);
    if (flags & OUT_BOM) fputs("\xEF\xBB\xBF", o->f);
    if (flags & OUT_SEPLINE) out_line(o, "sep=;");
    out_line(o, header);
}

static void out_row(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void out_row(out *o, const char *fmt, ...) {
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof line) die("%s: row too long", o->name);
    out_line(o, line);
    o->rows++;
}

static void out_close(out *o, const char *format) {
    if (fclose(o->f) != 0) die("cannot finish %s", o->name);
    if (n_written < 40) {
        written *w = &written_files[n_written++];
        snprintf(w->name, sizeof w->name, "%s", o->name);
        w->rows = o->rows;
        w->format = format;
    }
}

/* ---- reader for the generator's own files (no quoted fields) ---- */

typedef struct csvin {
    char *buf;
    size_t len, pos;
} csvin;

static void csv_load(csvin *c, const char *name) {
    char path[2200];
    snprintf(path, sizeof path, "%s/%s", out_dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot read back %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    c->buf = xrealloc(NULL, (size_t)n + 1);
    if (fread(c->buf, 1, (size_t)n, f) != (size_t)n) die("short read on %s", path);
    fclose(f);
    c->buf[n] = '\0';
    c->len = (size_t)n;
    c->pos = 0;
    if (c->len >= 3 && memcmp(c->buf, "\xEF\xBB\xBF", 3) == 0) c->pos = 3;
    if (strncmp(c->buf + c->pos, "sep=", 4) == 0)
        c->pos = (size_t)(strchr(c->buf + c->pos, '\n') - c->buf) + 1;
    c->pos = (size_t)(strchr(c->buf + c->pos, '\n') - c->buf) + 1; /* header */
}

/* Splits the next line in place; returns the field count, 0 at the end. */
static int csv_next(csvin *c, char **fields, int max) {
    if (c->pos >= c->len) return 0;
    char *line = c->buf + c->pos;
    char *nl = strchr(line, '\n');
    if (nl) {
        *nl = '\0';
        c->pos = (size_t)(nl - c->buf) + 1;
    } else {
        c->pos = c->len;
    }
    size_t l = strlen(line);
    if (l && line[l - 1] == '\r') line[l - 1] = '\0';
    int n = 0;
    fields[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == ';') {
            *p = '\0';
            fields[n++] = p + 1;
        }
    return n;
}

static void csv_free(csvin *c) {
    tg_free(c->buf);
    c->buf = NULL;
}

static int32_t parse_iso(const char *s) {
    int y, m, d;
    if (!*s) return NODATE;
    if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3) die("bad ISO date '%s'", s);
    return ymd(y, m, d);
}

static int32_t parse_dmy(const char *s) {
    int y, m, d;
    if (!*s) return NODATE;
    if (sscanf(s, "%2d-%2d-%4d", &d, &m, &y) != 3) die("bad dd-mm-yyyy date '%s'", s);
    return ymd(y, m, d);
}

/* ---- Danish municipalities: name, region, population in thousands (approx.) ---- */

enum { R_H, R_S, R_D, R_M, R_N };

typedef struct kommune {
    const char *navn;
    int region;
    double pop;
} kommune;

static const kommune KOMMUNER[] = {
    { "København", R_H, 650 },
    { "Frederiksberg", R_H, 104 },
    { "Albertslund", R_H, 28 },
    { "Ballerup", R_H, 48 },
    { "Brøndby", R_H, 35 },
    { "Dragør", R_H, 14 },
    { "Gentofte", R_H, 75 },
    { "Gladsaxe", R_H, 70 },
    { "Glostrup", R_H, 23 },
    { "Herlev", R_H, 29 },
    { "Hvidovre", R_H, 53 },
    { "Høje-Taastrup", R_H, 51 },
    { "Ishøj", R_H, 23 },
    { "Lyngby-Taarbæk", R_H, 56 },
    { "Rødovre", R_H, 40 },
    { "Tårnby", R_H, 43 },
    { "Vallensbæk", R_H, 17 },
    { "Allerød", R_H, 26 },
    { "Egedal", R_H, 43 },
    { "Fredensborg", R_H, 41 },
    { "Frederikssund", R_H, 45 },
    { "Furesø", R_H, 41 },
    { "Gribskov", R_H, 41 },
    { "Halsnæs", R_H, 31 },
    { "Helsingør", R_H, 63 },
    { "Hillerød", R_H, 51 },
    { "Hørsholm", R_H, 25 },
    { "Rudersdal", R_H, 56 },
    { "Bornholm", R_H, 39 },
    { "Greve", R_S, 50 },
    { "Køge", R_S, 62 },
    { "Lejre", R_S, 28 },
    { "Roskilde", R_S, 89 },
    { "Solrød", R_S, 23 },
    { "Faxe", R_S, 37 },
    { "Guldborgsund", R_S, 60 },
    { "Holbæk", R_S, 72 },
    { "Kalundborg", R_S, 49 },
    { "Lolland", R_S, 41 },
    { "Næstved", R_S, 83 },
    { "Odsherred", R_S, 33 },
    { "Ringsted", R_S, 35 },
    { "Slagelse", R_S, 79 },
    { "Sorø", R_S, 30 },
    { "Stevns", R_S, 23 },
    { "Vordingborg", R_S, 45 },
    { "Assens", R_D, 41 },
    { "Billund", R_D, 27 },
    { "Esbjerg", R_D, 115 },
    { "Fanø", R_D, 3.5 },
    { "Fredericia", R_D, 52 },
    { "Faaborg-Midtfyn", R_D, 51 },
    { "Haderslev", R_D, 55 },
    { "Kerteminde", R_D, 24 },
    { "Kolding", R_D, 94 },
    { "Langeland", R_D, 12 },
    { "Middelfart", R_D, 38 },
    { "Nordfyns", R_D, 29 },
    { "Nyborg", R_D, 32 },
    { "Odense", R_D, 205 },
    { "Svendborg", R_D, 59 },
    { "Sønderborg", R_D, 74 },
    { "Tønder", R_D, 37 },
    { "Varde", R_D, 50 },
    { "Vejen", R_D, 42 },
    { "Vejle", R_D, 117 },
    { "Ærø", R_D, 6 },
    { "Aabenraa", R_D, 58 },
    { "Favrskov", R_M, 48 },
    { "Hedensted", R_M, 46 },
    { "Herning", R_M, 89 },
    { "Holstebro", R_M, 59 },
    { "Horsens", R_M, 92 },
    { "Ikast-Brande", R_M, 41 },
    { "Lemvig", R_M, 20 },
    { "Norddjurs", R_M, 37 },
    { "Odder", R_M, 23 },
    { "Randers", R_M, 98 },
    { "Ringkøbing-Skjern", R_M, 56 },
    { "Samsø", R_M, 4 },
    { "Silkeborg", R_M, 95 },
    { "Skanderborg", R_M, 63 },
    { "Skive", R_M, 46 },
    { "Struer", R_M, 21 },
    { "Syddjurs", R_M, 43 },
    { "Viborg", R_M, 97 },
    { "Aarhus", R_M, 360 },
    { "Brønderslev", R_N, 36 },
    { "Frederikshavn", R_N, 59 },
    { "Hjørring", R_N, 64 },
    { "Jammerbugt", R_N, 38 },
    { "Læsø", R_N, 1.8 },
    { "Mariagerfjord", R_N, 42 },
    { "Morsø", R_N, 20 },
    { "Rebild", R_N, 30 },
    { "Thisted", R_N, 43 },
    { "Vesthimmerlands", R_N, 37 },
    { "Aalborg", R_N, 220 },
};

#define N_KOMMUNER ((int)(sizeof KOMMUNER / sizeof KOMMUNER[0]))
