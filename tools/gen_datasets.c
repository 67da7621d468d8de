/*
** gen_datasets.c -- tegn-gen_datasets [--scale N] OUTDIR: writes the bundled synthetic
** datasets (datasets/) for Den Sociale Virksomhed, Region Sjælland and
** Københavns Kommune's Socialforvaltning, 2019-2025, then re-reads what it
** wrote, checks that the files agree with each other and prints a summary.
** Deterministic: a fixed seed and no clock, so two runs give identical bytes.
** --scale N writes N copies of the organisations as one data set (scale.c).
**
** CMake builds one executable per tools/<name>.c, so the generator's parts live
** in tools/gen_datasets/ and are #included here as one translation unit.
*/
#define _POSIX_C_SOURCE 200809L /* fork, waitpid, opendir: --scale's copies */

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tg_mem.h"

/* The parts, in dependency order (each uses those above it; one per block
** so that clang-format keeps the order). */
#include "gen_datasets/base.c"

#include "gen_datasets/stays.c"

#include "gen_datasets/finance.c"

#include "gen_datasets/dsv.c"

#include "gen_datasets/kk.c"

#include "gen_datasets/staff.c"

#include "gen_datasets/scale.c"

static void write_sqlite(void) {
    char path[2200];
    snprintf(path, sizeof path, "%s/tegn.sqlite", out_dir);
    if (remove(path) != 0 && errno != ENOENT) die("cannot replace %s: %s", path, strerror(errno));
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK) die("cannot create %s", path);
    /* fixed page size, no journal file, one transaction: the bytes depend
    ** only on the content and the SQLite version */
    db_exec(db, "PRAGMA page_size = 4096; PRAGMA journal_mode = OFF; BEGIN");
    write_finance(db);
    write_checks(db);
    write_audit(db);
    db_exec(db, "COMMIT");
    check_finance(db);
    check_dsv(db);
    if (sqlite3_close(db) != SQLITE_OK) die("cannot close %s", path);
    if (n_written < 40) {
        written *w = &written_files[n_written++];
        snprintf(w->name, sizeof w->name, "tegn.sqlite");
        w->rows = 0;
        w->format = "SQLite 3: takst_param, takst_budget, takst, sundhedstjek, audit";
    }
}

static void print_files(void) {
    long total = 0;
    printf("files:\n");
    for (int i = 0; i < n_written; i++) {
        char path[2400];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%.63s", out_dir, written_files[i].name);
        if (stat(path, &sb) != 0) die("cannot stat %s", path);
        total += (long)sb.st_size;
        if (written_files[i].rows)
            printf("  %-26s %9ld bytes %7ld rows  %s\n", written_files[i].name, (long)sb.st_size,
                   written_files[i].rows, written_files[i].format);
        else
            printf("  %-26s %9ld bytes %12s  %s\n", written_files[i].name, (long)sb.st_size, "",
                   written_files[i].format);
    }
    printf("  total %.1f MB\n", (double)total / 1e6);
}

/* One copy of the data into out_dir: simulate, write, check, summarise. */
static void generate(void) {
    if (mkdir(out_dir, 0777) != 0 && errno != EEXIST)
        die("cannot create %s: %s", out_dir, strerror(errno));

    stays_dates();
    simulate();
    write_tilbud();
    write_ophold();
    write_belaegning();
    compute_finance();
    make_tiltag();
    make_checks();
    make_plans();
    make_activity();
    write_kk_units();
    write_survey();
    write_cases();
    write_youth();
    write_hr();
    write_staff_survey();

    printf("checks:\n");
    check_belaegning();
    check_cases();
    check_survey();
    write_sqlite();
    print_files();

    tg_free(stays);
    tg_free(persons);
    tg_free(census);
    tg_free(checks);
    for (int t = 0; t < 32; t++) {
        tg_free(residents[t].v);
        tg_free(history[t].v);
    }
}

static const char USAGE[] =
    "usage: tegn-gen_datasets [--scale N] OUTDIR\n"
    "Writes the bundled synthetic datasets into OUTDIR, checks them and prints a summary.\n"
    "  --scale N   N copies of the three organisations in one set of files (1-1000, default 1):\n"
    "              N times the tilbud, units, stays, respondents, cases and staff, each copy\n"
    "              with its own random draws and checks and its ids suffixed -1, -2, ...;\n"
    "              --scale 1 writes exactly datasets/.\n";

int main(int argc, char **argv) {
    int n_copies = 1, i = 1;
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(USAGE, stdout);
        return 0;
    }
    if (argc == 4 && !strcmp(argv[1], "--scale")) {
        char *end;
        long n = strtol(argv[2], &end, 10);
        if (*end || end == argv[2] || n < 1 || n > 1000) {
            fprintf(stderr, "tegn-gen_datasets: --scale needs a whole number 1-1000, got '%s'\n",
                    argv[2]);
            return 2;
        }
        n_copies = (int)n;
        i = 3;
    }
    if (argc != i + 1 || argv[i][0] == '-') { /* "--help" is a question, not a folder to fill */
        fputs(USAGE, stderr);
        return 2;
    }
    if (N_KOMMUNER != 98) die("the municipality table has %d entries, not 98", N_KOMMUNER);
    snprintf(out_dir, sizeof out_dir, "%s", argv[i]);
    if (n_copies == 1) {
        generate();
        return 0;
    }
    if (mkdir(out_dir, 0777) != 0 && errno != EEXIST)
        die("cannot create %s: %s", out_dir, strerror(errno));
    char outdir[2048];
    snprintf(outdir, sizeof outdir, "%s", out_dir);
    generate_scaled(outdir, n_copies);
    return 0;
}
