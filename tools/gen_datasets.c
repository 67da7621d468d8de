/*
** gen_datasets.c -- tegn-gen_datasets OUTDIR: writes the bundled synthetic
** datasets (datasets/) for Den Sociale Virksomhed, Region Sjælland and
** Københavns Kommune's Socialforvaltning, 2019-2025, then re-reads what it
** wrote, checks that the files agree with each other and prints a summary.
** Deterministic: a fixed seed and no clock, so two runs give identical bytes.
**
** CMake builds one executable per tools/<name>.c, so the generator's parts live
** in tools/gen_datasets/ and are #included here as one translation unit.
*/
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

int main(int argc, char **argv) {
    if (argc != 2 || argv[1][0] == '-') { /* "--help" is a question, not a folder to fill */
        fprintf(stderr, "usage: tegn-gen_datasets OUTDIR\n");
        return argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) ? 0 : 2;
    }
    if (N_KOMMUNER != 98) die("the municipality table has %d entries, not 98", N_KOMMUNER);
    snprintf(out_dir, sizeof out_dir, "%s", argv[1]);
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
    return 0;
}
