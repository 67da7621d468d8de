/*
** scale.c -- part of tegn-gen_datasets, #included by tools/gen_datasets.c.
** --scale N writes N copies of the three organisations into one set of files,
** as if each had N times the tilbud, units, residents, respondents, cases and
** staff: the same years, stories, shapes and rates, so every indicator still
** means what it means on the bundled data. Copy k is a whole generator run in
** a child process (its own random streams, see rng_seed, and its own checks)
** into OUTDIR/.copy-k; the parent appends its rows to OUTDIR with every value
** of a column named *_id suffixed "-k" (zero-padded), so ids stay unique and
** the files still join. Copy 0 is the bundled data unchanged, so --scale 1
** writes exactly datasets/.
*/

#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- one copy, in a child process ---- */

static void generate(void); /* gen_datasets.c: the whole single-copy run */

static void copy_dir(char *buf, size_t cap, const char *outdir, int k) {
    snprintf(buf, cap, "%.2000s/.copy-%d", outdir, k);
}

/* Runs copy k into its folder; dies if the child fails (its checks
** included: a failed check exits 1 there). */
static void run_copy(const char *outdir, int k) {
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) die("cannot start copy %d: %s", k, strerror(errno));
    if (pid == 0) {
        replica = (unsigned)k;
        copy_dir(out_dir, sizeof out_dir, outdir, k);
        if (mkdir(out_dir, 0777) != 0 && errno != EEXIST)
            die("cannot create %s: %s", out_dir, strerror(errno));
        /* copy 0's summary is the bundled data's; the others only fail loudly */
        if (k > 0 && !freopen("/dev/null", "w", stdout)) die("cannot silence copy %d", k);
        generate();
        fflush(stdout);
        _exit(0);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) die("lost copy %d: %s", k, strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die("copy %d failed its generation", k);
}

/* ---- merging a copy's files into OUTDIR ---- */

typedef struct merged {
    char name[64];
    long rows; /* data rows (CSV) or 0 (SQLite), summed over the copies */
} merged;

static merged merged_files[40];
static int n_merged;

static int cmp_name(const void *a, const void *b) {
    return strcmp(((const merged *)a)->name, ((const merged *)b)->name);
}

/* The files of copy 0's folder, sorted by name, become the merged list. */
static void list_files(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) die("cannot list %s: %s", dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (n_merged == 40) die("%s: more files than expected", dir);
        snprintf(merged_files[n_merged++].name, sizeof merged_files[0].name, "%.63s", e->d_name);
    }
    closedir(d);
    qsort(merged_files, (size_t)n_merged, sizeof merged_files[0], cmp_name);
}

static char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot read %s: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = xrealloc(NULL, (size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) die("short read on %s", path);
    fclose(f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

/* Skips the BOM, Excel's "sep=;" line and the header; marks in 'is_id' the
** columns whose name ends in "_id". Returns the offset of the first row. */
static size_t csv_preamble(const char *buf, size_t len, int *is_id, int max) {
    size_t pos = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    if (strncmp(buf + pos, "sep=", 4) == 0) pos = (size_t)(strchr(buf + pos, '\n') - buf) + 1;
    const char *nl = strchr(buf + pos, '\n');
    if (!nl) die("a generated file has no header line");
    int col = 0;
    const char *start = buf + pos;
    for (const char *p = start; p <= nl; p++) {
        if (*p != ';' && *p != '\n' && *p != '\r') continue;
        size_t n = (size_t)(p - start);
        if (col >= max) die("a generated file has more than %d columns", max);
        is_id[col++] = n > 3 && memcmp(p - 3, "_id", 3) == 0;
        start = p + 1;
        if (*p != ';') break;
    }
    return (size_t)(nl - buf) + 1;
}

/* Appends the rows of buf[pos..len) to 'out', each non-empty *_id field
** followed by 'suffix'. Quoted fields may hold ';' and doubled quotes. */
static long append_rows(FILE *dst, const char *buf, size_t pos, size_t len, const int *is_id,
                        const char *suffix) {
    size_t sl = strlen(suffix);
    long rows = 0;
    while (pos < len) {
        const char *line = buf + pos, *nl = memchr(line, '\n', len - pos);
        const char *end = nl ? nl + 1 : buf + len, *text_end = nl ? nl : end;
        if (text_end > line && text_end[-1] == '\r') text_end--;
        const char *seg = line, *field = line;
        int col = 0, quoted = 0;
        for (const char *p = line; p <= text_end; p++) {
            if (p < text_end && *p == '"') quoted = !quoted;
            if (p < text_end && (quoted || *p != ';')) continue;
            if (is_id[col] && p > field) { /* a value to mark: flush, then the suffix */
                fwrite(seg, 1, (size_t)(p - seg), dst);
                fwrite(suffix, 1, sl, dst);
                seg = p;
            }
            col++;
            field = p + 1;
        }
        fwrite(seg, 1, (size_t)(end - seg), dst);
        rows++;
        pos = (size_t)(end - buf);
    }
    return rows;
}

static void merge_csv(const char *dir, const char *outdir, merged *m, const char *suffix, int k) {
    char src[2200], dst[2200];
    snprintf(src, sizeof src, "%.2100s/%.63s", dir, m->name);
    snprintf(dst, sizeof dst, "%.2100s/%.63s", outdir, m->name);
    size_t len;
    char *buf = read_all(src, &len);
    int is_id[64] = { 0 };
    size_t pos = csv_preamble(buf, len, is_id, 64);
    FILE *f = fopen(dst, k == 0 ? "wb" : "ab");
    if (!f) die("cannot write %s: %s", dst, strerror(errno));
    if (k == 0) fwrite(buf, 1, pos, f); /* BOM, sep line and header once */
    m->rows += append_rows(f, buf, pos, len, is_id, suffix);
    if (fclose(f) != 0) die("cannot finish %s", dst);
    tg_free(buf);
}

/* SQLite: copy 0's file is copied byte for byte; later copies' rows are
** inserted table by table in rowid order, *_id values suffixed. */
static void merge_sqlite(sqlite3 *db, const char *src, const char *suffix) {
    char sql[4096];
    sqlite3_stmt *tables, *cols;
    snprintf(sql, sizeof sql, "ATTACH '%s' AS part", src);
    db_exec(db, sql);
    db_exec(db, "BEGIN");
    if (sqlite3_prepare_v2(
            db, "SELECT name FROM part.sqlite_master WHERE type = 'table' ORDER BY rowid", -1,
            &tables, NULL) != SQLITE_OK)
        die("cannot list the tables of %s", src);
    while (sqlite3_step(tables) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(tables, 0);
        int n = snprintf(sql, sizeof sql, "INSERT INTO main.\"%s\" SELECT ", t);
        char q[256];
        snprintf(q, sizeof q, "SELECT name FROM pragma_table_info('%s', 'part')", t);
        if (sqlite3_prepare_v2(db, q, -1, &cols, NULL) != SQLITE_OK) die("cannot read %s", t);
        int first = 1;
        while (sqlite3_step(cols) == SQLITE_ROW) {
            const char *c = (const char *)sqlite3_column_text(cols, 0);
            size_t cl = strlen(c);
            n += cl > 3 && !strcmp(c + cl - 3, "_id")
                     ? snprintf(sql + n, sizeof sql - (size_t)n,
                                "%sCASE WHEN \"%s\" = '' THEN \"%s\" ELSE \"%s\" || '%s' END",
                                first ? "" : ", ", c, c, c, suffix)
                     : snprintf(sql + n, sizeof sql - (size_t)n, "%s\"%s\"", first ? "" : ", ", c);
            first = 0;
        }
        sqlite3_finalize(cols);
        snprintf(sql + n, sizeof sql - (size_t)n, " FROM part.\"%s\" ORDER BY rowid", t);
        db_exec(db, sql);
    }
    sqlite3_finalize(tables);
    db_exec(db, "COMMIT");
    db_exec(db, "DETACH part");
}

static int is_sqlite_name(const char *name) {
    size_t n = strlen(name);
    return n > 7 && !strcmp(name + n - 7, ".sqlite");
}

static void copy_file(const char *src, const char *dst) {
    size_t len;
    char *buf = read_all(src, &len);
    FILE *f = fopen(dst, "wb");
    if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) die("cannot write %s", dst);
    tg_free(buf);
}

static void remove_dir(const char *dir) {
    char path[2200];
    for (int i = 0; i < n_merged; i++) {
        snprintf(path, sizeof path, "%.2100s/%.63s", dir, merged_files[i].name);
        remove(path);
    }
    if (rmdir(dir) != 0) die("cannot remove %s: %s", dir, strerror(errno));
}

/* ---- the merged set's own check ---- */

static long count_rows(const char *path) {
    size_t len;
    char *buf = read_all(path, &len);
    int is_id[64];
    size_t pos = csv_preamble(buf, len, is_id, 64);
    long rows = 0;
    for (size_t i = pos; i < len; i++) rows += buf[i] == '\n';
    if (len > pos && buf[len - 1] != '\n') rows++;
    tg_free(buf);
    return rows;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Re-reads every merged file: its row count must be the copies' sum, and
** no *_id column of tilbud.csv or kk_enheder.csv may repeat a value. */
static void check_merged(const char *outdir, int n_copies) {
    char path[2200];
    for (int i = 0; i < n_merged; i++) {
        snprintf(path, sizeof path, "%.2100s/%.63s", outdir, merged_files[i].name);
        if (is_sqlite_name(merged_files[i].name)) continue;
        long rows = count_rows(path);
        if (rows != merged_files[i].rows)
            die("%s: %ld rows after merging, the copies wrote %ld", merged_files[i].name, rows,
                merged_files[i].rows);
    }
    static const char *const keyed[] = { "tilbud.csv", "kk_enheder.csv" };
    for (size_t f = 0; f < sizeof keyed / sizeof keyed[0]; f++) {
        snprintf(path, sizeof path, "%.2100s/%.63s", outdir, keyed[f]);
        size_t len;
        char *buf = read_all(path, &len);
        int is_id[64];
        size_t pos = csv_preamble(buf, len, is_id, 64);
        long n = 0, cap = 0;
        char **ids = NULL, *p = buf + pos, *end = buf + len;
        while (p < end) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            if (nl) *nl = '\0';
            p[strcspn(p, ";\r")] = '\0';
            GROW(ids, n, cap);
            ids[n++] = p;
            p = nl ? nl + 1 : end;
        }
        qsort(ids, (size_t)n, sizeof *ids, cmp_str);
        for (long i = 1; i < n; i++)
            if (!strcmp(ids[i], ids[i - 1])) die("%s: id %s occurs twice", keyed[f], ids[i]);
        tg_free(ids);
        tg_free(buf);
    }
    printf("scale: %d copies, each generated and checked; merged row counts and unique ids "
           "checked\n",
           n_copies);
}

/* ---- driver ---- */

static void generate_scaled(const char *outdir, int n_copies) {
    int width = 1;
    for (int n = n_copies - 1; n >= 10; n /= 10) width++;
    char dir[2100], dst[2200], src[2200], suffix[16];
    sqlite3 *db = NULL;
    for (int k = 0; k < n_copies; k++) {
        run_copy(outdir, k);
        copy_dir(dir, sizeof dir, outdir, k);
        if (k == 0) list_files(dir);
        if (k == 0) suffix[0] = '\0';
        else snprintf(suffix, sizeof suffix, "-%0*d", width & 3, k & 1023);
        for (int i = 0; i < n_merged; i++) {
            merged *m = &merged_files[i];
            snprintf(src, sizeof src, "%.2100s/%.63s", dir, m->name);
            snprintf(dst, sizeof dst, "%.2100s/%.63s", outdir, m->name);
            if (!is_sqlite_name(m->name)) {
                merge_csv(dir, outdir, m, suffix, k);
            } else if (k == 0) {
                copy_file(src, dst);
                if (sqlite3_open(dst, &db) != SQLITE_OK) die("cannot open %s", dst);
                db_exec(db, "PRAGMA journal_mode = OFF");
            } else {
                merge_sqlite(db, src, suffix);
            }
        }
        remove_dir(dir);
    }
    if (db && sqlite3_close(db) != SQLITE_OK) die("cannot close the merged SQLite file");
    check_merged(outdir, n_copies);
    long total = 0;
    printf("files (%d copies):\n", n_copies);
    for (int i = 0; i < n_merged; i++) {
        struct stat sb;
        snprintf(dst, sizeof dst, "%.2100s/%.63s", outdir, merged_files[i].name);
        if (stat(dst, &sb) != 0) die("cannot stat %s", dst);
        total += (long)sb.st_size;
        printf("  %-26s %11ld bytes %9ld rows\n", merged_files[i].name, (long)sb.st_size,
               merged_files[i].rows);
    }
    printf("  total %.1f MB\n", (double)total / 1e6);
}
