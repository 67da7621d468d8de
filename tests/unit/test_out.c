/*
** test_out.c -- atomic output and the CSV writer. Atomicity is checked by
** making writes fail for real: a missing folder, a target that is a
** folder, a file-size limit (RLIMIT_FSIZE) hit halfway through, an
** interrupt, and every allocation in turn; each time the old file must be
** byte for byte as before and no temporary file may be left in the
** folder. Expected CSV text is written by hand; round trips read the
** written file back with tg_csv_read (the loader in main) and compare
** every value, in the ',' and the Danish ';' + ',' dialects.
*/
#include "tg_test.h"

#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tg_csv.h"
#include "tg_date.h"
#include "tg_err.h"
#include "tg_mem.h"
#include "tg_out.h"

/* ---- helpers ---- */

/* A fresh empty folder; returns its path (static buffer). */
static const char *scratch_dir(void) {
    static char dir[1024];
    snprintf(dir, sizeof dir, "%s", tg_test_tmpfile(".d"));
    assert_int_equal(mkdir(dir, 0755), 0);
    return dir;
}

static void join(char *out, size_t size, const char *dir, const char *name) {
    int n = snprintf(out, size, "%s/%s", dir, name);
    assert_true(n > 0 && (size_t)n < size);
}

/* The file's bytes (static buffer, NUL-added) and length in *n. */
static const char *get_file(const char *path, size_t *n) {
    static char buf[4 << 20];
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    *n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[*n] = '\0';
    return buf;
}

static void assert_file(const char *path, const char *want) {
    size_t n;
    const char *got = get_file(path, &n);
    assert_non_null(got);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(got, want, n);
}

static void remove_dir(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[2048];
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        join(p, sizeof p, dir, e->d_name);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) rmdir(p);
        else remove(p);
    }
    closedir(d);
    rmdir(dir);
}

/* ---- atomic writes ---- */

static void test_out_write_atomic(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const char *dir = scratch_dir();
    char path[2048];
    struct stat st;
    mode_t old_umask = umask(022);

    join(path, sizeof path, dir, "result.json");
    assert_int_equal(tg_out_write_atomic(path, "hello\n", 6, NULL), TG_OK);
    assert_file(path, "hello\n");
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644); /* 0666 less the umask, not mkstemp's 0600 */
    assert_int_equal(tg_test_count_entries(dir), 1);

    /* replacing keeps the old file's permissions */
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(tg_out_write_atomic(path, "world!", 6, NULL), TG_OK);
    assert_file(path, "world!");
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(tg_test_count_entries(dir), 1);

    assert_int_equal(tg_out_write_atomic(path, NULL, 0, NULL), TG_OK);
    assert_file(path, "");

    /* a relative path (no folder part) works in the current folder */
    char cwd[1024];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    assert_int_equal(tg_out_write_atomic("plain.txt", "x", 1, NULL), TG_OK);
    assert_int_equal(chdir(cwd), 0);
    join(path, sizeof path, dir, "plain.txt");
    assert_file(path, "x");
    assert_int_equal(tg_test_count_entries(dir), 2);

    umask(old_umask);
    remove_dir(dir);
    tg_test_no_leaks(blocks);
}

static void test_out_failures_leave_no_trace(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const char *dir = scratch_dir();
    char path[2048], sub[2048];
    tg_error err;

    join(path, sizeof path, dir, "nope/out.csv");
    tg_err_clear(&err);
    assert_int_equal(tg_out_write_atomic(path, "x", 1, &err), TG_EIO);
    assert_string_equal(err.file, path);
    assert_non_null(strstr(err.msg, "cannot write: the folder "));
    assert_non_null(strstr(err.msg, "nope does not exist"));
    assert_int_equal(tg_test_count_entries(dir), 0);

    /* a folder that takes no new file (/proc): the message says why */
    assert_int_equal(tg_out_write_atomic("/proc/version", "x", 1, &err), TG_EIO);
    assert_string_equal(err.msg, "cannot write: tegn writes a temporary file in /proc and renames "
                                 "it over the target, and /proc takes no new file (No such file or "
                                 "directory)");

    /* the target is a folder */
    join(sub, sizeof sub, dir, "sub");
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_int_equal(tg_out_write_atomic(sub, "x", 1, &err), TG_EIO);
    assert_non_null(strstr(err.msg, "directory"));
    assert_int_equal(tg_test_count_entries(dir), 1);
    assert_int_equal(tg_test_count_entries(sub), 0);

    /* no file name */
    join(path, sizeof path, dir, "sub/");
    assert_int_equal(tg_out_write_atomic(path, "x", 1, &err), TG_EIO);
    assert_int_equal(tg_test_count_entries(sub), 0);

    /* a folder we may not write to (root may write anywhere) */
    join(path, sizeof path, sub, "out.csv");
    tg_test_put(path, "old");
    assert_int_equal(chmod(sub, 0555), 0);
    if (geteuid() != 0) {
        assert_int_equal(tg_out_write_atomic(path, "new", 3, &err), TG_EIO);
        assert_file(path, "old");
        assert_int_equal(tg_test_count_entries(sub), 1);
    } else {
        print_message("running as root: the read-only folder case is not checked\n");
    }
    assert_int_equal(chmod(sub, 0755), 0);

    remove_dir(sub);
    remove_dir(dir);
    tg_test_no_leaks(blocks);
}

/* Lowers the file-size limit so that writes fail with EFBIG past 'bytes'. */
static struct rlimit limit_file_size(rlim_t bytes) {
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = bytes;
    signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    return old;
}

static void restore_file_size(struct rlimit old) {
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, SIG_DFL);
}

static tg_table *big_table(size_t rows);

static void test_out_write_fails_midway(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const char *dir = scratch_dir();
    char path[2048];
    static char big[1 << 20];
    tg_error err;
    tg_out *o;

    memset(big, 'x', sizeof big);
    join(path, sizeof path, dir, "out.csv");
    tg_test_put(path, "old content\n");

    struct rlimit old = limit_file_size(100000);
    tg_err_clear(&err);
    tg_status st = tg_out_write_atomic(path, big, sizeof big, &err);
    restore_file_size(old);
    assert_int_equal(st, TG_EIO);
    assert_non_null(strstr(err.msg, "cannot write"));
    assert_file(path, "old content\n");
    assert_int_equal(tg_test_count_entries(dir), 1);

    /* streaming: the failure sticks and the commit reports it */
    assert_int_equal(tg_out_open(path, &o, NULL), TG_OK);
    old = limit_file_size(100000);
    int failed_at = -1;
    for (int i = 0; i < 200; i++) {
        st = tg_out_write(o, big, 1000, &err);
        if (st != TG_OK && failed_at < 0) failed_at = i;
        if (failed_at >= 0) assert_int_equal(st, TG_EIO);
    }
    tg_err_clear(&err);
    st = tg_out_commit(o, &err);
    restore_file_size(old);
    assert_true(failed_at > 50 && failed_at < 170); /* after the first buffer flushes past 100 kB */
    assert_int_equal(st, TG_EIO);
    assert_string_equal(err.file, path);
    assert_file(path, "old content\n");
    assert_int_equal(tg_test_count_entries(dir), 1);

    /* a CSV larger than the limit */
    tg_table *t = big_table(20000);
    old = limit_file_size(100000);
    st = tg_out_csv(t, path, NULL, &err);
    restore_file_size(old);
    assert_int_equal(st, TG_EIO);
    assert_file(path, "old content\n");
    assert_int_equal(tg_test_count_entries(dir), 1);
    tg_table_release(t);

    remove_dir(dir);
    tg_test_no_leaks(blocks);
}

static void test_out_stream(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const char *dir = scratch_dir();
    char path[2048];
    static char big[200000], want[300000];
    tg_out *o;
    size_t n = 0;

    join(path, sizeof path, dir, "out.txt");
    tg_test_put(path, "old");
    for (size_t i = 0; i < sizeof big; i++) big[i] = (char)('a' + i % 26);

    /* abort: old file intact, temporary file gone */
    assert_int_equal(tg_out_open(path, &o, NULL), TG_OK);
    assert_int_equal(tg_test_count_entries(dir), 2); /* the temporary file exists meanwhile */
    assert_int_equal(tg_out_write(o, big, sizeof big, NULL), TG_OK);
    assert_file(path, "old");
    tg_out_abort(o);
    tg_out_abort(NULL);
    assert_file(path, "old");
    assert_int_equal(tg_test_count_entries(dir), 1);

    /* commit: small pieces, a piece larger than the buffer, small again */
    assert_int_equal(tg_out_open(path, &o, NULL), TG_OK);
    for (int i = 0; i < 5000; i++) {
        char line[16];
        int k = snprintf(line, sizeof line, "%d\n", i);
        assert_int_equal(tg_out_write(o, line, (size_t)k, NULL), TG_OK);
        memcpy(want + n, line, (size_t)k);
        n += (size_t)k;
        if (i == 2500) {
            assert_int_equal(tg_out_write(o, big, sizeof big, NULL), TG_OK);
            memcpy(want + n, big, sizeof big);
            n += sizeof big;
        }
    }
    assert_file(path, "old");
    assert_int_equal(tg_out_commit(o, NULL), TG_OK);
    size_t got_n;
    const char *got = get_file(path, &got_n);
    assert_int_equal(got_n, n);
    assert_memory_equal(got, want, n);
    assert_int_equal(tg_test_count_entries(dir), 1);

    tg_error err;
    assert_int_equal(tg_out_commit(NULL, &err), TG_EARG);
    remove_dir(dir);
    tg_test_no_leaks(blocks);
}

/* ---- allocation failures ---- */

struct oom_ctx {
    const char *dir;
    char path[2048];
    const tg_table *t;
};

static tg_status atomic_once(void *p) {
    struct oom_ctx *c = p;
    tg_test_put(c->path, "before");
    tg_status st = tg_out_write_atomic(c->path, "after", 5, NULL);
    if (st == TG_OK) assert_file(c->path, "after");
    else assert_file(c->path, "before");
    assert_int_equal(tg_test_count_entries(c->dir), 1);
    return st;
}

static tg_status csv_once(void *p) {
    struct oom_ctx *c = p;
    tg_out_csv_opts opts;
    tg_out_csv_opts_excel_da(&opts);
    tg_test_put(c->path, "before");
    tg_status st = tg_out_csv(c->t, c->path, &opts, NULL);
    if (st != TG_OK) assert_file(c->path, "before");
    assert_int_equal(tg_test_count_entries(c->dir), 1);
    return st;
}

static void test_out_oom(void **state) {
    (void)state;
    struct oom_ctx c;
    c.dir = scratch_dir();
    join(c.path, sizeof c.path, c.dir, "out.csv");
    assert_true(tg_test_oom_loop(atomic_once, &c) >= 4);
    tg_table *t = big_table(50);
    c.t = t;
    assert_true(tg_test_oom_loop(csv_once, &c) >= 4);
    tg_table_release(t);
    remove_dir(c.dir);
}

/* ---- CSV text ---- */

/* navn, n, takst, ok, dato with a NULL in each column. */
static tg_table *small_table(void) {
    tg_table *t = tg_table_new();
    tg_col *navn = tg_col_new(TG_STRING, 0, NULL), *n = tg_col_new(TG_INT, 0, NULL);
    tg_col *takst = tg_col_new(TG_FLOAT, 0, NULL), *ok = tg_col_new(TG_BOOL, 0, NULL);
    tg_col *dato = tg_col_new(TG_DATE, 0, NULL);
    static const char *names[] = { "Ærø", "a,b", " pad", "say \"hi\"\nbye", NULL };
    for (int r = 0; r < 5; r++) {
        if (names[r]) assert_int_equal(tg_col_push_str(navn, names[r], strlen(names[r])), TG_OK);
        else assert_int_equal(tg_col_push_null(navn), TG_OK);
    }
    assert_int_equal(tg_col_push_i64(n, 1), TG_OK);
    assert_int_equal(tg_col_push_null(n), TG_OK);
    assert_int_equal(tg_col_push_i64(n, -2), TG_OK);
    assert_int_equal(tg_col_push_i64(n, 3), TG_OK);
    assert_int_equal(tg_col_push_i64(n, 4), TG_OK);
    assert_int_equal(tg_col_push_f64(takst, 3297.46), TG_OK);
    assert_int_equal(tg_col_push_f64(takst, 0.5), TG_OK);
    assert_int_equal(tg_col_push_null(takst), TG_OK);
    assert_int_equal(tg_col_push_f64(takst, 1e21), TG_OK);
    assert_int_equal(tg_col_push_f64(takst, -0.0), TG_OK);
    assert_int_equal(tg_col_push_bool(ok, 1), TG_OK);
    assert_int_equal(tg_col_push_bool(ok, 0), TG_OK);
    assert_int_equal(tg_col_push_null(ok), TG_OK);
    assert_int_equal(tg_col_push_bool(ok, 1), TG_OK);
    assert_int_equal(tg_col_push_bool(ok, 0), TG_OK);
    assert_int_equal(tg_col_push_date(dato, tg_date_from_ymd(2024, 3, 1)), TG_OK);
    assert_int_equal(tg_col_push_null(dato), TG_OK);
    assert_int_equal(tg_col_push_date(dato, tg_date_from_ymd(1999, 12, 31)), TG_OK);
    assert_int_equal(tg_col_push_date(dato, tg_date_from_ymd(2024, 2, 29)), TG_OK);
    assert_int_equal(tg_col_push_date(dato, 0), TG_OK); /* 1970-01-01 */
    assert_int_equal(tg_table_add(t, "navn", navn), TG_OK);
    assert_int_equal(tg_table_add(t, "n", n), TG_OK);
    assert_int_equal(tg_table_add(t, "takst", takst), TG_OK);
    assert_int_equal(tg_table_add(t, "ok", ok), TG_OK);
    assert_int_equal(tg_table_add(t, "dato", dato), TG_OK);
    tg_col_release(navn);
    tg_col_release(n);
    tg_col_release(takst);
    tg_col_release(ok);
    tg_col_release(dato);
    return t;
}

static void test_out_csv_text(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const char *dir = scratch_dir();
    char path[2048];
    tg_table *t = small_table();
    tg_out_csv_opts opts;

    join(path, sizeof path, dir, "out.csv");
    assert_int_equal(tg_out_csv(t, path, NULL, NULL), TG_OK);
    assert_file(path, "navn,n,takst,ok,dato\n"
                      "Ærø,1,3297.46,true,2024-03-01\n"
                      "\"a,b\",,0.5,false,\n"
                      "\" pad\",-2,,,1999-12-31\n"
                      "\"say \"\"hi\"\"\nbye\",3,1000000000000000000000.0,true,2024-02-29\n"
                      ",4,0.0,false,1970-01-01\n");

    tg_out_csv_opts_excel_da(&opts);
    assert_int_equal(tg_out_csv(t, path, &opts, NULL), TG_OK);
    assert_file(path, "\xEF\xBB\xBFnavn;n;takst;ok;dato\r\n"
                      "Ærø;1;3297,46;true;01-03-2024\r\n"
                      "a,b;;0,5;false;\r\n"
                      "\" pad\";-2;;;31-12-1999\r\n"
                      "\"say \"\"hi\"\"\nbye\";3;1000000000000000000000,0;true;29-02-2024\r\n"
                      ";4;0,0;false;01-01-1970\r\n");

    /* no header, rounding to whole kroner, tab-separated */
    tg_out_csv_opts_init(&opts);
    opts.header = 0;
    opts.decimals = 0;
    opts.delim = '\t';
    assert_int_equal(tg_out_csv(t, path, &opts, NULL), TG_OK);
    assert_file(path, "Ærø\t1\t3297.0\ttrue\t2024-03-01\n"
                      "a,b\t\t1.0\tfalse\t\n"
                      "\" pad\"\t-2\t\t\t1999-12-31\n"
                      "\"say \"\"hi\"\"\nbye\"\t3\t1000000000000000000000.0\ttrue\t2024-02-29\n"
                      "\t4\t0.0\tfalse\t1970-01-01\n");
    tg_table_release(t);

    /* one column: empty fields are spelled "" so no line is empty */
    t = tg_table_new();
    tg_col *c = tg_col_new(TG_STRING, 0, NULL);
    assert_int_equal(tg_col_push_str(c, "x", 1), TG_OK);
    assert_int_equal(tg_col_push_null(c), TG_OK);
    assert_int_equal(tg_col_push_str(c, "", 0), TG_OK);
    assert_int_equal(tg_table_add(t, "v", c), TG_OK);
    tg_col_release(c);
    assert_int_equal(tg_out_csv(t, path, NULL, NULL), TG_OK);
    assert_file(path, "v\nx\n\"\"\n\"\"\n");
    tg_table_release(t);

    /* NaN and infinities are empty fields */
    t = tg_table_new();
    c = tg_col_new(TG_FLOAT, 0, NULL);
    tg_col *k = tg_col_new(TG_INT, 0, NULL);
    const double odd[] = { NAN, INFINITY, -INFINITY, 1.5 };
    for (int r = 0; r < 4; r++) {
        assert_int_equal(tg_col_push_f64(c, odd[r]), TG_OK);
        assert_int_equal(tg_col_push_i64(k, r), TG_OK);
    }
    assert_int_equal(tg_table_add(t, "f", c), TG_OK);
    assert_int_equal(tg_table_add(t, "k", k), TG_OK);
    tg_col_release(c);
    tg_col_release(k);
    assert_int_equal(tg_out_csv(t, path, NULL, NULL), TG_OK);
    assert_file(path, "f,k\n,0\n,1\n,2\n1.5,3\n");
    tg_table_release(t);

    /* a table without columns gives an empty file */
    t = tg_table_new();
    assert_int_equal(tg_out_csv(t, path, NULL, NULL), TG_OK);
    assert_file(path, "");
    tg_table_release(t);

    remove_dir(dir);
    tg_test_no_leaks(blocks);
}

/* tg_out_open_mem: the same bytes as the file (the first expectation of
** test_out_csv_text), appended after what the buffer held; no file. */
static void test_out_csv_mem(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    tg_table *t = small_table();
    tg_sbuf b = { 0 };
    tg_out *o;

    tg_sbuf_str(&b, "# before\n");
    assert_int_equal(tg_out_open_mem(&b, "<mem>", &o, NULL), TG_OK);
    assert_int_equal(tg_out_fd(o), -1);
    assert_int_equal(tg_out_csv_take(o, t, NULL, NULL), TG_OK);
    assert_string_equal(b.p, "# before\n"
                             "navn,n,takst,ok,dato\n"
                             "Ærø,1,3297.46,true,2024-03-01\n"
                             "\"a,b\",,0.5,false,\n"
                             "\" pad\",-2,,,1999-12-31\n"
                             "\"say \"\"hi\"\"\nbye\",3,1000000000000000000000.0,true,2024-02-29\n"
                             ",4,0.0,false,1970-01-01\n");
    tg_free(b.p);
    tg_table_release(t);
    tg_test_no_leaks(blocks);
}

static void test_out_csv_bad_options(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const char *dir = scratch_dir();
    char path[2048];
    tg_table *t = small_table();
    tg_out_csv_opts opts;
    tg_error err;

    join(path, sizeof path, dir, "out.csv");
    tg_out_csv_opts_init(&opts);
    opts.decimal = ',';
    assert_int_equal(tg_out_csv(t, path, &opts, &err), TG_EARG);
    assert_non_null(strstr(err.msg, "decimal comma"));
    tg_out_csv_opts_init(&opts);
    opts.delim = 'x';
    assert_int_equal(tg_out_csv(t, path, &opts, &err), TG_EARG);
    tg_out_csv_opts_init(&opts);
    opts.decimal = 'x';
    assert_int_equal(tg_out_csv(t, path, &opts, &err), TG_EARG);
    tg_out_csv_opts_init(&opts);
    opts.decimals = -2;
    assert_int_equal(tg_out_csv(t, path, &opts, &err), TG_EARG);
    tg_out_csv_opts_init(&opts);
    opts.date_fmt = (tg_out_datefmt)7;
    assert_int_equal(tg_out_csv(t, path, &opts, &err), TG_EARG);
    assert_int_equal(tg_test_count_entries(dir), 0);
    tg_table_release(t);
    remove_dir(dir);
    tg_test_no_leaks(blocks);
}

static int polls;

static tg_status cancel_on_third(void *ud) {
    (void)ud;
    return ++polls >= 3 ? TG_ECANCEL : TG_OK;
}

static void test_out_csv_interrupt(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const char *dir = scratch_dir();
    char path[2048];
    tg_table *t = big_table(10 * TG_VECTOR);
    tg_interrupt intr = { cancel_on_third, NULL };
    tg_out_csv_opts opts;
    tg_error err;

    join(path, sizeof path, dir, "out.csv");
    tg_test_put(path, "old");
    tg_out_csv_opts_init(&opts);
    opts.intr = &intr;
    polls = 0;
    assert_int_equal(tg_out_csv(t, path, &opts, &err), TG_ECANCEL);
    assert_int_equal(polls, 3);
    assert_file(path, "old");
    assert_int_equal(tg_test_count_entries(dir), 1);
    tg_table_release(t);
    remove_dir(dir);
    tg_test_no_leaks(blocks);
}

/* ---- CSV round trips through tg_csv_read ---- */

static const double tricky[] = { 0.1,
                                 1.0 / 3.0,
                                 1e21,
                                 5e-324,
                                 -2.5,
                                 1e-7,
                                 9223372036854775808.0,
                                 1.7976931348623157e308,
                                 123456.789,
                                 0.0,
                                 3297.46,
                                 -0.001 };
static const char *texts[] = { "Høje-Taastrup", "a,b",     "c;d",       "say \"hi\"", "two\nlines",
                               " padded ",      "æøå ÆØÅ", "tab\there", "x" };

/* Rows of every type; NULLs at different periods per column. */
static tg_table *big_table(size_t rows) {
    tg_table *t = tg_table_new();
    tg_col *i = tg_col_new(TG_INT, 0, NULL), *f = tg_col_new(TG_FLOAT, 0, NULL);
    tg_col *b = tg_col_new(TG_BOOL, 0, NULL), *d = tg_col_new(TG_DATE, 0, NULL);
    tg_col *s = tg_col_new(TG_STRING, 0, NULL);
    assert_true(t && i && f && b && d && s);
    for (size_t r = 0; r < rows; r++) {
        if (r % 7 == 3) assert_int_equal(tg_col_push_null(i), TG_OK);
        else if (r == 1) assert_int_equal(tg_col_push_i64(i, INT64_MIN), TG_OK);
        else if (r == 2) assert_int_equal(tg_col_push_i64(i, INT64_MAX), TG_OK);
        else assert_int_equal(tg_col_push_i64(i, (int64_t)r * 37 - 5000), TG_OK);

        if (r % 5 == 4) assert_int_equal(tg_col_push_null(f), TG_OK);
        else if (r % 3 == 0)
            assert_int_equal(tg_col_push_f64(f, tricky[(r / 3) % TG_ARRAY_LEN(tricky)]), TG_OK);
        else assert_int_equal(tg_col_push_f64(f, (double)r / 100.0 - 7.0), TG_OK);

        if (r % 4 == 1) assert_int_equal(tg_col_push_null(b), TG_OK);
        else assert_int_equal(tg_col_push_bool(b, (r / 2) % 2), TG_OK);

        if (r % 6 == 5) assert_int_equal(tg_col_push_null(d), TG_OK);
        else if (r == 0)
            assert_int_equal(tg_col_push_date(d, tg_date_from_ymd(9999, 12, 31)), TG_OK);
        else if (r == 2) assert_int_equal(tg_col_push_date(d, tg_date_from_ymd(1, 1, 1)), TG_OK);
        else assert_int_equal(tg_col_push_date(d, (int32_t)(r * 13) - 3000), TG_OK);

        if (r % 8 == 6) assert_int_equal(tg_col_push_null(s), TG_OK);
        else {
            const char *x = texts[r % TG_ARRAY_LEN(texts)];
            assert_int_equal(tg_col_push_str(s, x, strlen(x)), TG_OK);
        }
    }
    assert_int_equal(tg_table_add(t, "antal", i), TG_OK);
    assert_int_equal(tg_table_add(t, "takst_kr", f), TG_OK);
    assert_int_equal(tg_table_add(t, "aktiv", b), TG_OK);
    assert_int_equal(tg_table_add(t, "dato", d), TG_OK);
    assert_int_equal(tg_table_add(t, "kommune \"navn\"", s), TG_OK);
    tg_col_release(i);
    tg_col_release(f);
    tg_col_release(b);
    tg_col_release(d);
    tg_col_release(s);
    return t;
}

/* Same names, types, NULLs and values (floats bit for bit, -0.0 as 0.0). */
static void assert_same_table(const tg_table *a, const tg_table *b) {
    assert_int_equal(a->n_cols, b->n_cols);
    assert_int_equal(a->n_rows, b->n_rows);
    for (size_t j = 0; j < a->n_cols; j++) {
        const tg_col *x = a->cols[j], *y = b->cols[j];
        assert_string_equal(a->names[j], b->names[j]);
        if (x->type != y->type)
            fail_msg("column '%s': %s became %s", a->names[j], tg_type_name(x->type),
                     tg_type_name(y->type));
        for (size_t r = 0; r < a->n_rows; r++) {
            int valid = tg_col_is_valid(x, r);
            if (valid != tg_col_is_valid(y, r))
                fail_msg("column '%s' row %zu: NULL differs", a->names[j], r);
            if (!valid) continue;
            switch (x->type) {
            case TG_INT: assert_true(x->v.i64[r] == y->v.i64[r]); break;
            case TG_FLOAT: {
                double want = x->v.f64[r] == 0 ? 0.0 : x->v.f64[r];
                if (memcmp(&want, &y->v.f64[r], sizeof want) != 0)
                    fail_msg("row %zu: %.17g read back as %.17g", r, want, y->v.f64[r]);
                break;
            }
            case TG_BOOL: assert_int_equal(x->v.b8[r], y->v.b8[r]); break;
            case TG_DATE: assert_int_equal(x->v.date[r], y->v.date[r]); break;
            case TG_STRING:
                assert_string_equal(tg_dict_str(x->dict, x->v.str[r], NULL),
                                    tg_dict_str(y->dict, y->v.str[r], NULL));
                break;
            }
        }
    }
}

static tg_table *read_back(const char *path, char delim, char decimal) {
    tg_csv_opts o;
    tg_table *t = NULL;
    tg_error err;
    tg_csv_opts_init(&o);
    if (delim) {
        o.dialect.delim = delim;
        o.dialect.header = 1;
        o.decimal = decimal;
    }
    o.threads = 1;
    if (tg_csv_read(path, &o, &t, NULL, &err) != TG_OK)
        fail_msg("%s:%d:%d: %s", path, err.line, err.col, err.msg);
    return t;
}

static void test_out_csv_round_trip(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    const char *dir = scratch_dir();
    char path[2048];
    tg_table *t = big_table(3000); /* ~200 kB: several buffer flushes */
    tg_out_csv_opts opts;

    join(path, sizeof path, dir, "rt.csv");
    tg_out_csv_opts_init(&opts);
    assert_int_equal(tg_out_csv(t, path, &opts, NULL), TG_OK);
    tg_table *back = read_back(path, ',', '.');
    assert_same_table(t, back);
    tg_table_release(back);
    back = read_back(path, 0, 0); /* everything sniffed */
    assert_same_table(t, back);
    tg_table_release(back);

    tg_out_csv_opts_excel_da(&opts);
    opts.significant = 0; /* every digit: the preset's 12 are for people, not round trips */
    assert_int_equal(tg_out_csv(t, path, &opts, NULL), TG_OK);
    back = read_back(path, ';', ',');
    assert_same_table(t, back);
    tg_table_release(back);
    back = read_back(path, 0, 0);
    assert_same_table(t, back);
    tg_table_release(back);

    /* Danish marks with ISO dates and LF, and ',' with dd-mm-yyyy */
    opts.crlf = 0;
    opts.bom = 0;
    opts.date_fmt = TG_OUT_DATE_ISO;
    assert_int_equal(tg_out_csv(t, path, &opts, NULL), TG_OK);
    back = read_back(path, ';', ',');
    assert_same_table(t, back);
    tg_table_release(back);
    tg_out_csv_opts_init(&opts);
    opts.date_fmt = TG_OUT_DATE_DMY;
    opts.crlf = 1;
    assert_int_equal(tg_out_csv(t, path, &opts, NULL), TG_OK);
    back = read_back(path, ',', '.');
    assert_same_table(t, back);
    tg_table_release(back);

    /* one column with NULLs keeps every row */
    tg_table *one = NULL;
    assert_int_equal(tg_table_select(t, (const char *[]){ "aktiv" }, 1, &one, NULL), TG_OK);
    assert_int_equal(tg_out_csv(one, path, NULL, NULL), TG_OK);
    back = read_back(path, ',', '.');
    assert_same_table(one, back);
    tg_table_release(back);
    tg_table_release(one);

    /* writing twice gives the same bytes */
    static char first[1 << 20];
    size_t n1, n2;
    assert_int_equal(tg_out_csv(t, path, NULL, NULL), TG_OK);
    const char *got = get_file(path, &n1);
    assert_true(n1 < sizeof first);
    memcpy(first, got, n1);
    assert_int_equal(tg_out_csv(t, path, NULL, NULL), TG_OK);
    got = get_file(path, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(first, got, n1);

    tg_table_release(t);
    remove_dir(dir);
    tg_test_no_leaks(blocks);
}

/* A pid that certainly belonged to a process that has ended: a child that
** exited and was reaped (pids are not reused that quickly). */
static pid_t dead_pid(void) {
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) _exit(0);
    assert_int_equal(waitpid(pid, NULL, 0), pid);
    return pid;
}

static int exists(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0;
}

/* kill -9 during an emit leaves ".<name>.tegn-tmp.<pid>.XXXXXX": the next
** write to that target (or a sweep) removes it when the pid is gone, and
** touches nothing else: a live run's file, another target's, names that
** differ in any part, a symbolic link. */
static void test_out_sweeps_stale_temps(void **state) {
    (void)state;
    const char *dir = scratch_dir();
    char path[1200], dead[1200], live[1200], other[1200], link[1200], odd[8][1200];
    pid_t gone = dead_pid();
    static const char *odd_fmt[] = {
        ".out.csv.tegn-tmp.%ld.ABCDE",   ".out.csv.tegn-tmp.%ld.ABCDEFG",
        ".out.csv.tegn-tmp-%ld.ABCDEF",  "out.csv.tegn-tmp.%ld.ABCDEF",
        ".out.csv.tegn-tmp.0%ld.ABCDEF", ".out.csv.tegn-tmp.%ld.AB-DEF",
        ".out.csvx.tegn-tmp.%ld.ABCDEF", ".out.csv.tegn-tmp.%ld.ABCDEF-journal",
    };

    join(path, sizeof path, dir, "out.csv");
    snprintf(dead, sizeof dead, "%s/.out.csv.tegn-tmp.%ld.Ab3xYz", dir, (long)gone);
    snprintf(live, sizeof live, "%s/.out.csv.tegn-tmp.%ld.Ab3xYz", dir, (long)getppid());
    snprintf(other, sizeof other, "%s/.else.csv.tegn-tmp.%ld.Ab3xYz", dir, (long)gone);
    snprintf(link, sizeof link, "%s/.out.csv.tegn-tmp.%ld.LiNkOk", dir, (long)gone);
    tg_test_put(dead, "stale");
    tg_test_put(live, "a running tegn");
    tg_test_put(other, "another target");
    assert_int_equal(symlink(other, link), 0);
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        char name[256];
        snprintf(name, sizeof name, odd_fmt[i], (long)gone);
        join(odd[i], sizeof odd[i], dir, name);
        tg_test_put(odd[i], "not ours");
    }

    /* another user's file stays, even with a dead pid (only root can make one) */
    char foreign[1200];
    snprintf(foreign, sizeof foreign, "%s/.out.csv.tegn-tmp.%ld.NotOur", dir, (long)gone);
    tg_test_put(foreign, "someone else's");
    if (geteuid() == 0) assert_int_equal(chown(foreign, 65534, 65534), 0);
    else unlink(foreign);

    assert_int_equal(tg_out_sweep(path), 1);
    assert_false(exists(dead));
    assert_int_equal(exists(foreign), geteuid() == 0);
    assert_true(exists(live));
    assert_true(exists(other));
    assert_true(exists(link));
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) assert_true(exists(odd[i]));

    /* a write to the target sweeps too */
    tg_test_put(dead, "stale again");
    assert_int_equal(tg_out_write_atomic(path, "x\n", 2, NULL), TG_OK);
    assert_false(exists(dead));
    assert_true(exists(live));
    assert_int_equal(tg_out_sweep(path), 0);
    remove_dir(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_out_write_atomic),
        cmocka_unit_test(test_out_failures_leave_no_trace),
        cmocka_unit_test(test_out_write_fails_midway),
        cmocka_unit_test(test_out_stream),
        cmocka_unit_test(test_out_oom),
        cmocka_unit_test(test_out_csv_text),
        cmocka_unit_test(test_out_csv_bad_options),
        cmocka_unit_test(test_out_csv_interrupt),
        cmocka_unit_test(test_out_csv_round_trip),
        cmocka_unit_test(test_out_csv_mem),
        cmocka_unit_test(test_out_sweeps_stale_temps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
