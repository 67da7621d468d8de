/*
** gen_occ.c -- deterministic generator of the occupancy (belægning) benchmark data.
** `bench_gen_occ ROWS OUTDIR` writes occ_ROWS.csv (',' and RFC-4180 quoting),
** occ_ROWS_dk.csv (Danish Excel: ';', decimal comma, dd-mm-yyyy), tilbud_ROWS.csv
** and meta_ROWS.txt (ground truth for bench_load --check). One row per place-day
** over 1000 days from 2022-01-01; ROWS / 1000 places in 40 offers. The same shape
** as the shared peers/gen.py, with its own PRNG, so the bytes differ from it.
** Only IEEE basic operations and integers decide the output, so it is identical
** on every run and every conforming libc.
*/
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N_TILBUD 40
#define N_DAYS   1000
#define N_KOM    98
#define N_MAAL   9
#define SLOT     128 /* bytes per cached row part; the longest is < 80 */
#define OUTBUF   (4u << 20)
#define SEED     20240917u

static const char *const kommuner[N_KOM] = {
    /* Region Hovedstaden (29) */
    "Albertslund",
    "Allerød",
    "Ballerup",
    "Bornholm",
    "Brøndby",
    "Dragør",
    "Egedal",
    "Fredensborg",
    "Frederiksberg",
    "Frederikssund",
    "Furesø",
    "Gentofte",
    "Gladsaxe",
    "Glostrup",
    "Gribskov",
    "Halsnæs",
    "Helsingør",
    "Herlev",
    "Hillerød",
    "Hvidovre",
    "Høje-Taastrup",
    "Hørsholm",
    "Ishøj",
    "København",
    "Lyngby-Taarbæk",
    "Rudersdal",
    "Rødovre",
    "Tårnby",
    "Vallensbæk",
    /* Region Sjælland (17) */
    "Faxe",
    "Greve",
    "Guldborgsund",
    "Holbæk",
    "Kalundborg",
    "Køge",
    "Lejre",
    "Lolland",
    "Næstved",
    "Odsherred",
    "Ringsted",
    "Roskilde",
    "Slagelse",
    "Solrød",
    "Sorø",
    "Stevns",
    "Vordingborg",
    /* Region Syddanmark (22) */
    "Assens",
    "Billund",
    "Esbjerg",
    "Fanø",
    "Fredericia",
    "Faaborg-Midtfyn",
    "Haderslev",
    "Kerteminde",
    "Kolding",
    "Langeland",
    "Middelfart",
    "Nordfyns",
    "Nyborg",
    "Odense",
    "Svendborg",
    "Sønderborg",
    "Tønder",
    "Varde",
    "Vejen",
    "Vejle",
    "Ærø",
    "Aabenraa",
    /* Region Midtjylland (19) */
    "Favrskov",
    "Hedensted",
    "Herning",
    "Holstebro",
    "Horsens",
    "Ikast-Brande",
    "Lemvig",
    "Norddjurs",
    "Odder",
    "Randers",
    "Ringkøbing-Skjern",
    "Samsø",
    "Silkeborg",
    "Skanderborg",
    "Skive",
    "Struer",
    "Syddjurs",
    "Viborg",
    "Aarhus",
    /* Region Nordjylland (11) */
    "Brønderslev",
    "Frederikshavn",
    "Hjørring",
    "Jammerbugt",
    "Læsø",
    "Mariagerfjord",
    "Morsø",
    "Rebild",
    "Thisted",
    "Vesthimmerlands",
    "Aalborg",
};
enum { K_HOEJE_TAASTRUP = 20, K_KOEBENHAVN = 23, K_ODENSE = 59, K_AARHUS = 86, K_AALBORG = 97 };

static const char *region_of(int k) {
    if (k < 29) return "Region Hovedstaden";
    if (k < 46) return "Region Sjælland";
    if (k < 68) return "Region Syddanmark";
    if (k < 87) return "Region Midtjylland";
    return "Region Nordjylland";
}

static const char *const maalgrupper[N_MAAL] = {
    "Udviklingshæmmede",
    "Sindslidende",
    "Voksne med autisme",
    "Misbrugere",
    "Hjemløse",
    "Unge 18-23 år, anbragte",
    "Fysisk handicappede",
    "Erhvervet hjerneskade",
    "Psykiatri, dobbeltdiagnose",
};

static const char *const navn_a[] = {
    "Solsikken",  "Egely",       "Bøgebakken", "Kildehøj",     "Fjordglimt",
    "Lærkereden", "Skovbrynet",  "Åbyhøj",     "Strandgården", "Møllehuset",
    "Engtoften",  "Rønnebær",    "Hybenhaven", "Granly",       "Søbredden",
    "Tranehøj",   "Birkelunden", "Kærgården",  "Lindehuset",   "Ørnereden",
};
static const char *const navn_t[] = {
    "Bostedet",     "Botilbud",        "Opholdsstedet",
    "Krisecentret", "Forsorgshjemmet", "Behandlingshjemmet",
};
static const char *const afd[] = { "Nord", "Syd", "Øst", "Vest" };

enum { BELAGT = 0, LEDIG = 1, RESERVERET = 2 };
static const char *const status_name[3] = { "belagt", "ledig", "reserveret" };

/* ---- deterministic randomness ---- */

/* xoshiro256** seeded through splitmix64 (Blackman and Vigna's published
** algorithms, written out here). */
static uint64_t rng_s[4];

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

static uint64_t next_u64(void) {
    uint64_t result = rotl(rng_s[1] * 5, 7) * 9;
    uint64_t t = rng_s[1] << 17;
    rng_s[2] ^= rng_s[0];
    rng_s[3] ^= rng_s[1];
    rng_s[1] ^= rng_s[2];
    rng_s[0] ^= rng_s[3];
    rng_s[2] ^= t;
    rng_s[3] = rotl(rng_s[3], 45);
    return result;
}

static void rng_seed(uint64_t seed) {
    for (int i = 0; i < 4; i++) rng_s[i] = splitmix64(&seed);
}

/* Uniform in [0, 1) with 53 random bits (exact). */
static double uniform(void) {
    return (double)(next_u64() >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, n). */
static int below(int n) {
    return (int)(uniform() * n);
}

/* -ln(u) for u in (0, 1], from frexp and the atanh series, because libm's
** log is not required to round the same everywhere and one ulp could change
** a stay length and with it every later byte. */
static double neg_log(double u) {
    int e;
    double m = frexp(u, &e); /* u = m * 2^e, m in [0.5, 1) */
    double t = (m - 1.0) / (m + 1.0), t2 = t * t, term = t, sum = 0.0;
    for (int k = 1; k < 40; k += 2) {
        sum += term / k;
        term *= t2;
    }
    return -(2.0 * sum + e * 0.69314718055994530942);
}

/* Nearest integer, halves away from zero, for non-negative x. */
static int64_t round_pos(double x) {
    return (int64_t)floor(x + 0.5);
}

/* ---- formatting ---- */

static char *put_str(char *p, const char *s) {
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

static char *put_u64(char *p, uint64_t v) {
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) *p++ = tmp[--n];
    return p;
}

/* Øre as "3297.46" or, with mark ',', "3297,46". */
static char *put_kr(char *p, int64_t ore, char mark) {
    p = put_u64(p, (uint64_t)(ore / 100));
    *p++ = mark;
    *p++ = (char)('0' + ore % 100 / 10);
    *p++ = (char)('0' + ore % 10);
    return p;
}

/* RFC 4180: a value with the delimiter, a quote or a line break is quoted. */
static char *put_csv(char *p, const char *s, char delim) {
    if (!strchr(s, delim) && !strchr(s, '"') && !strchr(s, '\n')) return put_str(p, s);
    *p++ = '"';
    for (; *s; s++) {
        if (*s == '"') *p++ = '"';
        *p++ = *s;
    }
    *p++ = '"';
    return p;
}

/* Civil date of a day number (days since 1970-01-01), Hinnant's algorithm. */
static void civil(int64_t z, int *y, int *m, int *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static void put2(char *p, int v) {
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

static void put4(char *p, int v) {
    put2(p, v / 100);
    put2(p + 2, v % 100);
}

/* ---- buffered output ---- */

typedef struct out {
    int fd;
    const char *path;
    char *buf;
    size_t len;
    uint64_t total;
} out;

static void die(const char *what, const char *path) {
    fprintf(stderr, "bench_gen_occ: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

static void out_open(out *o, const char *path) {
    o->path = path;
    o->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o->fd < 0) die("cannot create", path);
    o->buf = malloc(OUTBUF);
    if (!o->buf) die("out of memory for", path);
    o->len = 0;
    o->total = 0;
}

static void out_flush(out *o) {
    size_t off = 0;
    while (off < o->len) {
        ssize_t w = write(o->fd, o->buf + off, o->len - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            die("cannot write", o->path);
        }
        off += (size_t)w;
    }
    o->total += o->len;
    o->len = 0;
}

/* Room for one more row part of up to SLOT bytes. */
static char *out_reserve(out *o) {
    if (OUTBUF - o->len < 2 * SLOT) out_flush(o);
    return o->buf + o->len;
}

static void out_close(out *o) {
    out_flush(o);
    if (close(o->fd) != 0) die("cannot close", o->path);
    free(o->buf);
}

/* ---- the model ---- */

typedef struct tilbud {
    int id;
    char navn[96];
    int home; /* index into kommuner */
    int maal; /* index into maalgrupper */
    int64_t grund_ore;
    int places;
} tilbud;

typedef struct place {
    int t;    /* tilbud index */
    int kind; /* BELAGT, LEDIG, RESERVERET */
    int left; /* days left in the current state */
    int kom;  /* paying kommune, -1 for LEDIG */
    uint64_t citizen;
    double supp;
    int64_t takst_ore; /* today's tariff */
    char pre[2][24];   /* ",tilbud,plads," for each dialect */
    unsigned char pre_len;
    char suf[2][SLOT]; /* "kommune,citizen,status,takst,målgruppe" */
    unsigned char suf_len[2];
} place;

typedef struct model {
    tilbud tb[N_TILBUD];
    uint64_t kcum[N_KOM]; /* cumulative integer weights of paying kommuner */
    uint64_t citizen_seq;
    double year_factor;
} model;

static int draw_kommune(model *m, int home) {
    if (uniform() < 0.35) return home;
    uint64_t x = (next_u64() >> 11) % m->kcum[N_KOM - 1];
    int lo = 0, hi = N_KOM - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (m->kcum[mid] <= x) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static int stay_len(void) {
    return 20 + (int)(330.0 * neg_log(1.0 - uniform()));
}

static int vacancy_len(void) {
    return 1 + (int)(25.0 * neg_log(1.0 - uniform()));
}

static void start_citizen(model *m, place *p, int kind) {
    m->citizen_seq += 1 + (uint64_t)below(3);
    p->citizen = m->citizen_seq;
    p->kom = draw_kommune(m, m->tb[p->t].home);
    p->supp = uniform() < 0.5 ? 1.0 : 1.0 + uniform() * 0.6;
    p->kind = kind;
}

/* Rebuilds the cached row tail of a place after its state or the year changed. */
static void make_suffix(const model *m, place *p) {
    const tilbud *t = &m->tb[p->t];
    double base = (double)t->grund_ore * m->year_factor;
    static const char delim[2] = { ',', ';' }, mark[2] = { '.', ',' };

    p->takst_ore = round_pos(p->kind == LEDIG ? base : base * p->supp);
    for (int v = 0; v < 2; v++) {
        char *s = p->suf[v], *q = s;
        if (p->kind != LEDIG) {
            q = put_str(q, kommuner[p->kom]);
            *q++ = delim[v];
            q = put_u64(q, p->citizen);
        } else {
            *q++ = delim[v];
        }
        *q++ = delim[v];
        q = put_str(q, status_name[p->kind]);
        *q++ = delim[v];
        q = put_kr(q, p->takst_ore, mark[v]);
        *q++ = delim[v];
        q = put_csv(q, maalgrupper[t->maal], delim[v]);
        *q++ = '\n';
        p->suf_len[v] = (unsigned char)(q - s);
    }
}

static void make_tilbud(model *m, int n_places) {
    double w[N_TILBUD], wsum = 0.0;
    int sum = 0;

    for (int t = 0; t < N_TILBUD; t++) {
        double r = uniform();
        w[t] = 0.3 + r * r * 3.0;
        wsum += w[t];
    }
    for (int t = 0; t < N_TILBUD; t++) {
        int n = (int)(w[t] / wsum * n_places);
        m->tb[t].places = n < 1 ? 1 : n;
        sum += m->tb[t].places;
    }
    for (int i = 0; sum < n_places; i++, sum++) m->tb[i % N_TILBUD].places++;
    while (sum > n_places) {
        int j = 0;
        for (int k = 1; k < N_TILBUD; k++)
            if (m->tb[k].places > m->tb[j].places) j = k;
        m->tb[j].places--;
        sum--;
    }
    for (int t = 0; t < N_TILBUD; t++) {
        tilbud *tb = &m->tb[t];
        int unique;
        tb->id = 1001 + t * 7; /* non-contiguous ids 1001..1274 */
        do {
            char *q = tb->navn;
            q = put_str(q, navn_t[below(6)]);
            *q++ = ' ';
            q = put_str(q, navn_a[below(20)]);
            if (uniform() < 0.3) {
                q = put_str(q, ", afd. ");
                q = put_str(q, afd[below(4)]);
            }
            *q = '\0';
            unique = 1;
            for (int k = 0; k < t; k++)
                if (strcmp(m->tb[k].navn, tb->navn) == 0) unique = 0;
        } while (!unique);
        tb->home = below(N_KOM);
        tb->maal = below(N_MAAL);
        tb->grund_ore = round_pos((900.0 + uniform() * 4600.0) * 100.0);
    }

    /* Paying municipalities are skewed: weight 1 / (1 + j)^0.75 for a
    ** scrambled rank j (sqrt is correctly rounded, unlike pow), with the
    ** four big cities boosted. */
    uint64_t acc = 0;
    for (int k = 0; k < N_KOM; k++) {
        double s = sqrt(1.0 + (double)(k * 37 % N_KOM));
        uint64_t wk = (uint64_t)(1e6 / (s * sqrt(s)));
        if (k == K_KOEBENHAVN) wk *= 6;
        if (k == K_AARHUS) wk *= 4;
        if (k == K_ODENSE || k == K_AALBORG) wk *= 3;
        acc += wk;
        m->kcum[k] = acc;
    }
}

static void write_tilbud(const model *m, const char *path) {
    FILE *f = fopen(path, "w");
    if (!f) die("cannot create", path);
    fputs("tilbud_id,navn,region,normerede_pladser\n", f);
    for (int t = 0; t < N_TILBUD; t++) {
        char navn[200];
        *put_csv(navn, m->tb[t].navn, ',') = '\0';
        fprintf(f, "%d,%s,%s,%d\n", m->tb[t].id, navn, region_of(m->tb[t].home), m->tb[t].places);
    }
    if (fclose(f) != 0) die("cannot write", path);
}

/* What the generator knows about the rows it wrote, for bench_load --check. */
typedef struct truth {
    uint64_t n[3];            /* rows per status */
    uint64_t kom_seen[N_KOM]; /* rows per paying kommune */
    uint64_t sum_takst_ore;
    uint64_t sum_citizen;
    uint64_t sum_tilbud, sum_plads;
    int64_t sum_days;               /* day numbers since 1970-01-01 */
    uint64_t n_maal_comma;          /* rows whose målgruppe holds a comma */
    uint64_t n_ht_belagt_3000_2023; /* the peers' query (c) */
} truth;

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: bench_gen_occ ROWS OUTDIR\n"
                        "  ROWS: a multiple of 1000, at least 40000 (e.g. 10000000)\n");
        return 2;
    }
    char *end;
    errno = 0;
    long long rows = strtoll(argv[1], &end, 10);
    if (errno || *end || rows < N_DAYS * N_TILBUD || rows % N_DAYS || rows > 2000000000LL) {
        fprintf(stderr, "bench_gen_occ: ROWS must be a multiple of %d between %d and 2e9\n", N_DAYS,
                N_DAYS * N_TILBUD);
        return 2;
    }
    const char *dir = argv[2];
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) die("cannot create", dir);
    int n_places = (int)(rows / N_DAYS);

    static model m;
    rng_seed(SEED);
    make_tilbud(&m, n_places);
    m.citizen_seq = 500000;
    m.year_factor = 1.0;

    char path[4][4096];
    snprintf(path[0], sizeof path[0], "%s/occ_%lld.csv", dir, rows);
    snprintf(path[1], sizeof path[1], "%s/occ_%lld_dk.csv", dir, rows);
    snprintf(path[2], sizeof path[2], "%s/tilbud_%lld.csv", dir, rows);
    snprintf(path[3], sizeof path[3], "%s/meta_%lld.txt", dir, rows);
    write_tilbud(&m, path[2]);

    place *pl = calloc((size_t)n_places, sizeof *pl);
    if (!pl) die("out of memory for", "places");
    for (int t = 0, p = 0; t < N_TILBUD; t++) {
        for (int k = 0; k < m.tb[t].places; k++, p++) {
            place *q = &pl[p];
            int n;
            q->t = t;
            n = snprintf(q->pre[0], sizeof q->pre[0], ",%d,%d,", m.tb[t].id, 100001 + p);
            snprintf(q->pre[1], sizeof q->pre[1], ";%d;%d;", m.tb[t].id, 100001 + p);
            q->pre_len = (unsigned char)n;
        }
    }
    for (int p = 0; p < n_places; p++) {
        double r = uniform();
        place *q = &pl[p];
        q->kom = -1;
        if (r < 0.88) {
            start_citizen(&m, q, BELAGT);
            q->left = 1 + (int)(uniform() * stay_len());
        } else if (r < 0.98) {
            q->kind = LEDIG;
            q->left = 1 + (int)(uniform() * vacancy_len());
        } else {
            start_citizen(&m, q, RESERVERET);
            q->left = 1 + below(5);
        }
        make_suffix(&m, q);
    }

    out o[2];
    out_open(&o[0], path[0]);
    out_open(&o[1], path[1]);
    static const char header[] = "date,tilbud_id,plads_id,kommune,citizen_id,status,takst_kr,"
                                 "målgruppe\n";
    for (int v = 0; v < 2; v++) {
        char *q = out_reserve(&o[v]);
        for (const char *s = header; *s; s++) *q++ = (v && *s == ',') ? ';' : *s;
        o[v].len += sizeof header - 1;
    }

    truth tr;
    memset(&tr, 0, sizeof tr);
    const int64_t day0 = 18993; /* 2022-01-01 */
    int year = 2022;
    for (int d = 0; d < N_DAYS; d++) {
        int y, mo, dd;
        char iso[10], dk[10];
        civil(day0 + d, &y, &mo, &dd);
        if (y != year) { /* yearly tariff regulation, +2.5 % */
            year = y;
            m.year_factor *= 1.025;
            for (int p = 0; p < n_places; p++) make_suffix(&m, &pl[p]);
        }
        put4(iso, y);
        iso[4] = iso[7] = '-';
        put2(iso + 5, mo);
        put2(iso + 8, dd);
        put2(dk, dd);
        dk[2] = dk[5] = '-';
        put2(dk + 3, mo);
        put4(dk + 6, y);
        int in_2023 = (y == 2023);

        for (int p = 0; p < n_places; p++) {
            place *q = &pl[p];
            if (q->left == 0) { /* the state machine of one place */
                if (q->kind == BELAGT) {
                    q->kind = LEDIG;
                    q->kom = -1;
                    q->left = vacancy_len();
                } else if (q->kind == LEDIG) {
                    if (uniform() < 0.3) {
                        start_citizen(&m, q, RESERVERET);
                        q->left = 1 + below(7);
                    } else {
                        start_citizen(&m, q, BELAGT);
                        q->left = stay_len();
                    }
                } else {
                    q->kind = BELAGT;
                    q->left = stay_len();
                }
                make_suffix(&m, q);
            }
            q->left--;

            tr.n[q->kind]++;
            tr.sum_takst_ore += (uint64_t)q->takst_ore;
            tr.sum_tilbud += (uint64_t)m.tb[q->t].id;
            tr.sum_plads += (uint64_t)(100001 + p);
            tr.sum_days += day0 + d;
            if (q->kind != LEDIG) {
                tr.kom_seen[q->kom]++;
                tr.sum_citizen += q->citizen;
                if (q->kind == BELAGT && q->kom == K_HOEJE_TAASTRUP && in_2023 &&
                    q->takst_ore >= 300000)
                    tr.n_ht_belagt_3000_2023++;
            }
            if (strchr(maalgrupper[m.tb[q->t].maal], ',')) tr.n_maal_comma++;

            const char *date[2] = { iso, dk };
            for (int v = 0; v < 2; v++) {
                char *w = out_reserve(&o[v]), *w0 = w;
                memcpy(w, date[v], 10);
                w += 10;
                memcpy(w, q->pre[v], q->pre_len);
                w += q->pre_len;
                memcpy(w, q->suf[v], q->suf_len[v]);
                w += q->suf_len[v];
                o[v].len += (size_t)(w - w0);
            }
        }
    }
    out_close(&o[0]);
    out_close(&o[1]);
    free(pl);

    int n_kom = 0;
    for (int k = 0; k < N_KOM; k++) n_kom += tr.kom_seen[k] > 0;
    FILE *f = fopen(path[3], "w");
    if (!f) die("cannot create", path[3]);
    fprintf(f,
            "# ground truth written by bench_gen_occ while generating; read by bench_load "
            "--check\nrows %lld\nplaces %d\ndays %d\nbytes %llu\nbytes_dk %llu\n"
            "min_date %lld\nmax_date %lld\nsum_date %lld\nsum_tilbud_id %llu\n"
            "sum_plads_id %llu\nn_belagt %llu\nn_ledig %llu\nn_reserveret %llu\n"
            "kommune_null %llu\nn_kommune %d\nsum_citizen_id %llu\nsum_takst_ore %llu\n"
            "n_maal_comma %llu\nn_query_c %llu\n",
            rows, n_places, N_DAYS, (unsigned long long)o[0].total, (unsigned long long)o[1].total,
            (long long)day0, (long long)(day0 + N_DAYS - 1), (long long)tr.sum_days,
            (unsigned long long)tr.sum_tilbud, (unsigned long long)tr.sum_plads,
            (unsigned long long)tr.n[BELAGT], (unsigned long long)tr.n[LEDIG],
            (unsigned long long)tr.n[RESERVERET], (unsigned long long)tr.n[LEDIG], n_kom,
            (unsigned long long)tr.sum_citizen, (unsigned long long)tr.sum_takst_ore,
            (unsigned long long)tr.n_maal_comma, (unsigned long long)tr.n_ht_belagt_3000_2023);
    if (fclose(f) != 0) die("cannot write", path[3]);

    printf("%s %llu bytes\n%s %llu bytes\n%s\n%s\n", path[0], (unsigned long long)o[0].total,
           path[1], (unsigned long long)o[1].total, path[2], path[3]);
    printf("rows %lld: belagt %.2f %%, ledig %.2f %%, reserveret %.2f %%, %d kommuner\n", rows,
           100.0 * (double)tr.n[BELAGT] / (double)rows, 100.0 * (double)tr.n[LEDIG] / (double)rows,
           100.0 * (double)tr.n[RESERVERET] / (double)rows, n_kom);
    return 0;
}
