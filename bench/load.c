/*
** load.c -- the load benchmark: time tg_csv_read on one file.
** `bench_load FILE [--threads N] [--repeat R] [--check META]` loads FILE R times
** in this process and prints one line per run (seconds, MB/s, M rows/s, the
** tegn allocator's peak, the process peak RSS and the CPU seconds the load
** used), then the inferred schema.
** With --check it compares the loaded table with the ground truth that
** bench_gen_occ wrote while generating (meta_ROWS.txt). Exit status: 0 ok,
** 1 load error or failed check, 2 usage.
** MB are 10^6 bytes (throughput, as in the peers' MB/s); RSS and the
** allocator peak are in MiB, as /usr/bin/time's KB / 1024 in the peers.
*/
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "tegn.h"
#include "tg_col.h"
#include "tg_conv.h"
#include "tg_csv.h"
#include "tg_dict.h"
#include "tg_mem.h"
#include "tg_table.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds of the process (user + system, every thread): on a shared
** machine it shows whether a slow run was slow or merely waiting. */
static double cpu_seconds(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static double peak_rss_mib(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0; /* Linux: KiB */
}

static const char *type_name(tg_type t) {
    switch (t) {
    case TG_INT: return "int";
    case TG_FLOAT: return "float";
    case TG_BOOL: return "bool";
    case TG_DATE: return "date";
    case TG_STRING: return "string";
    }
    return "?";
}

/* Prints s left-aligned in 'width' characters (UTF-8 aware: "målgruppe" is 9 wide). */
static void print_padded(const char *s, int width) {
    int chars = 0;
    for (const char *p = s; *p; p++) chars += ((unsigned char)*p & 0xC0) != 0x80;
    printf("%s%*s", s, width > chars ? width - chars : 0, "");
}

static void print_schema(const tg_table *t, const tg_csv_report *rep) {
    printf("rows %zu, columns %zu", t->n_rows, t->n_cols);
    if (rep)
        printf(", delimiter '%c', header %d, %zu rows rejected", rep->dialect.delim,
               rep->dialect.header, rep->n_rejected);
    printf("\n");
    for (size_t c = 0; c < t->n_cols; c++) {
        const tg_col *col = t->cols[c];
        printf("  ");
        print_padded(t->names[c], 12);
        printf(" %-6s nulls %zu", type_name(col->type), tg_col_null_count(col));
        if (col->type == TG_STRING) printf(", distinct %" PRIu32, tg_dict_size(col->dict));
        if (rep && c < rep->n_cols) {
            const tg_csv_colinfo *ci = &rep->cols[c];
            if (ci->decimal) printf(" decimal '%c'", ci->decimal);
            if (ci->date_fmt) printf(" format %s", tg_conv_date_fmt_name(ci->date_fmt));
            if (ci->note[0]) printf(" note: %s", ci->note);
        }
        printf("\n");
    }
}

/* ---- --check: the loaded table against bench_gen_occ's ground truth ---- */

#define MAX_META 32

typedef struct meta {
    int n;
    char key[MAX_META][32];
    long long val[MAX_META];
} meta;

static int meta_read(const char *path, meta *m) {
    FILE *f = fopen(path, "r");
    char line[256];
    if (!f) return -1;
    m->n = 0;
    while (fgets(line, sizeof line, f) && m->n < MAX_META) {
        if (line[0] == '#') continue;
        if (sscanf(line, "%31s %lld", m->key[m->n], &m->val[m->n]) == 2) m->n++;
    }
    fclose(f);
    return 0;
}

static int meta_get(const meta *m, const char *key, long long *v) {
    for (int i = 0; i < m->n; i++) {
        if (strcmp(m->key[i], key) == 0) {
            *v = m->val[i];
            return 0;
        }
    }
    return -1;
}

typedef struct checker {
    const meta *m;
    int n_ok, n_bad;
} checker;

static void expect(checker *ck, const char *key, long long got) {
    long long want;
    if (meta_get(ck->m, key, &want) != 0) {
        printf("check %-16s missing from the meta file\n", key);
        ck->n_bad++;
    } else if (want != got) {
        printf("check %-16s FAILED: loaded %lld, generator wrote %lld\n", key, got, want);
        ck->n_bad++;
    } else {
        ck->n_ok++;
    }
}

/* The column 'name' if it has type 'type'; otherwise reports and returns NULL. */
static const tg_col *typed_col(checker *ck, const tg_table *t, const char *name, tg_type type) {
    const tg_col *col = tg_table_col(t, name);
    if (!col) {
        printf("check column %s: FAILED, no such column\n", name);
        ck->n_bad++;
        return NULL;
    }
    if (col->type != type) {
        printf("check column %s: FAILED, type %s, expected %s\n", name, type_name(col->type),
               type_name(type));
        ck->n_bad++;
        return NULL;
    }
    ck->n_ok++;
    return col;
}

static long long sum_i64(const tg_col *col) {
    long long s = 0;
    for (size_t i = 0; i < col->len; i++)
        if (tg_col_is_valid(col, i)) s += col->v.i64[i];
    return s;
}

/* Rows whose string is 's' (a NULL row never matches). */
static long long count_str(const tg_col *col, const char *s) {
    uint32_t code = tg_dict_find(col->dict, s, strlen(s));
    long long n = 0;
    if (code == TG_DICT_NONE) return 0;
    for (size_t i = 0; i < col->len; i++) n += tg_col_is_valid(col, i) && col->v.str[i] == code;
    return n;
}

static int run_check(const tg_table *t, const char *meta_path) {
    meta m;
    checker ck = { &m, 0, 0 };
    if (meta_read(meta_path, &m) != 0) {
        printf("check: cannot read %s\n", meta_path);
        return 1;
    }
    expect(&ck, "rows", (long long)t->n_rows);
    const tg_col *date = typed_col(&ck, t, "date", TG_DATE);
    const tg_col *tilbud = typed_col(&ck, t, "tilbud_id", TG_INT);
    const tg_col *plads = typed_col(&ck, t, "plads_id", TG_INT);
    const tg_col *kommune = typed_col(&ck, t, "kommune", TG_STRING);
    const tg_col *citizen = typed_col(&ck, t, "citizen_id", TG_INT);
    const tg_col *status = typed_col(&ck, t, "status", TG_STRING);
    const tg_col *takst = typed_col(&ck, t, "takst_kr", TG_FLOAT);
    const tg_col *maal = typed_col(&ck, t, "målgruppe", TG_STRING);

    if (date) {
        long long sum = 0, lo = INT32_MAX, hi = INT32_MIN;
        for (size_t i = 0; i < date->len; i++) {
            long long d = date->v.date[i];
            sum += d;
            if (d < lo) lo = d;
            if (d > hi) hi = d;
        }
        expect(&ck, "sum_date", sum);
        expect(&ck, "min_date", lo);
        expect(&ck, "max_date", hi);
    }
    if (tilbud) expect(&ck, "sum_tilbud_id", sum_i64(tilbud));
    if (plads) expect(&ck, "sum_plads_id", sum_i64(plads));
    if (citizen) expect(&ck, "sum_citizen_id", sum_i64(citizen));
    if (status) {
        expect(&ck, "n_belagt", count_str(status, "belagt"));
        expect(&ck, "n_ledig", count_str(status, "ledig"));
        expect(&ck, "n_reserveret", count_str(status, "reserveret"));
    }
    if (takst) {
        /* Every value has two decimals, so rounding each to øre and summing
        ** integers is exact; a float sum would differ in the last digits. */
        long long ore = 0;
        for (size_t i = 0; i < takst->len; i++) ore += llround(takst->v.f64[i] * 100.0);
        expect(&ck, "sum_takst_ore", ore);
    }
    if (kommune) {
        uint32_t n_dict = tg_dict_size(kommune->dict);
        unsigned char *seen = tg_calloc(n_dict ? n_dict : 1, 1);
        long long distinct = 0;
        if (!seen) {
            printf("check: out of memory\n");
            return 1;
        }
        for (size_t i = 0; i < kommune->len; i++)
            if (tg_col_is_valid(kommune, i)) seen[kommune->v.str[i]] = 1;
        for (uint32_t c = 0; c < n_dict; c++) distinct += seen[c];
        tg_free(seen);
        expect(&ck, "kommune_null", (long long)tg_col_null_count(kommune));
        expect(&ck, "n_kommune", distinct);
    }
    if (maal) {
        long long n = 0;
        for (uint32_t c = 0; c < tg_dict_size(maal->dict); c++) {
            size_t len;
            const char *s = tg_dict_str(maal->dict, c, &len);
            if (memchr(s, ',', len)) n += count_str(maal, s);
        }
        expect(&ck, "n_maal_comma", n);
    }
    if (date && kommune && status && takst) { /* the peers' query (c) */
        uint32_t ht = tg_dict_find(kommune->dict, "Høje-Taastrup", strlen("Høje-Taastrup"));
        uint32_t belagt = tg_dict_find(status->dict, "belagt", 6);
        long long n = 0;
        for (size_t i = 0; i < t->n_rows; i++) {
            n += tg_col_is_valid(kommune, i) && kommune->v.str[i] == ht &&
                 status->v.str[i] == belagt && takst->v.f64[i] >= 3000.0 &&
                 date->v.date[i] >= 19358 && date->v.date[i] < 19723; /* 2023 */
        }
        expect(&ck, "n_query_c", n);
    }
    printf("check %s: %d ok, %d failed\n", ck.n_bad ? "FAILED" : "passed", ck.n_ok, ck.n_bad);
    return ck.n_bad ? 1 : 0;
}

/* ---- main ---- */

static void usage(void) {
    fprintf(stderr, "usage: bench_load FILE [--threads N] [--repeat R] [--check META]\n"
                    "  --threads N  tg_csv_opts.threads (0 = one per core; default 1)\n"
                    "  --repeat R   loads in this process (default 1)\n"
                    "  --check META compare the table with bench_gen_occ's meta_ROWS.txt\n");
    exit(2);
}

int main(int argc, char **argv) {
    const char *path = NULL, *meta_path = NULL;
    int threads = 1, repeat = 1, status = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            threads = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
            repeat = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--check") == 0 && i + 1 < argc) {
            meta_path = argv[++i];
        } else if (argv[i][0] == '-' || path) {
            usage();
        } else {
            path = argv[i];
        }
    }
    if (!path || threads < 0 || repeat < 1) usage();

    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "bench_load: cannot stat %s\n", path);
        return 1;
    }
    double mb = (double)st.st_size / 1e6;
    printf("file %s: %.1f MB, threads %d\n", path, mb, threads);

    for (int r = 1; r <= repeat; r++) {
        tg_csv_opts opts;
        tg_table *t = NULL;
        tg_csv_report *rep = NULL;
        tg_error err;

        tg_csv_opts_init(&opts);
        opts.threads = threads;
        memset(&err, 0, sizeof err);
        tg_mem_reset_peak();
        double c0 = cpu_seconds(), t0 = now();
        tg_status rc = tg_csv_read(path, &opts, &t, &rep, &err);
        double secs = now() - t0, cpu = cpu_seconds() - c0;
        if (rc != TG_OK) {
            fprintf(stderr, "bench_load: %s:%d:%d: %s (status %d)\n", err.file[0] ? err.file : path,
                    err.line, err.col, err.msg, (int)rc);
            tg_csv_report_free(rep);
            return 1;
        }
        printf("run %d  %.4f s  %.1f MB/s  %.2f Mrows/s  mem_peak %.1f MiB  rss %.1f MiB  "
               "cpu %.3f s\n",
               r, secs, mb / secs, (double)t->n_rows / secs / 1e6,
               (double)tg_mem_peak() / 1048576.0, peak_rss_mib(), cpu);
        fflush(stdout);
        if (r == 1) {
            print_schema(t, rep);
            if (meta_path && run_check(t, meta_path) != 0) status = 1;
        }
        tg_csv_report_free(rep);
        tg_table_release(t);
    }
    return status;
}
