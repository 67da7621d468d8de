/*
** tg_test.c -- shared helpers for the unit tests (see tg_test.h).
*/
#define _XOPEN_SOURCE 700 /* nftw */
#include "tg_test.h"

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tg_date.h"
#include "tg_dict.h"
#include "tg_err.h"
#include "tg_mem.h"

const char *tg_test_fixture(const char *name) {
    static char path[1024];
    const char *dir = getenv("TG_FIXTURES");
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests/fixtures", name);
    return path;
}

/* The pid alone is not unique: pids wrap (pid_max is 32,768 here) and a
** crashed run leaves its files, so a later test with the same pid found
** its scratch folder taken. The clock at the first call tells runs apart. */
const char *tg_test_tmpfile(const char *suffix) {
    static char path[1024];
    static int seq;
    static unsigned long long run;
    const char *dir = getenv("TMPDIR");
    if (!run) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        run = (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
    }
    snprintf(path, sizeof path, "%s/tegn-test-%ld-%llx-%d%s", dir ? dir : "/tmp", (long)getpid(),
             run, ++seq, suffix ? suffix : "");
    return path;
}

const char *tg_test_join(const char *dir, const char *name) {
    static char buf[2][1300];
    static int k;
    k = !k;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

void tg_test_put(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

int tg_test_count_entries(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
    closedir(d);
    return n;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

int tg_test_rmtree(const char *path) {
    return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int tg_test_disarm(void **state) {
    (void)state;
    tg_mem_fail_nth(0);
    return 0;
}

void tg_test_no_leaks(size_t before) {
    size_t after = tg_mem_blocks();
    if (after != before) fail_msg("leaked %zu block(s)", after - before);
}

/* GCC and Clang since 7 define __SANITIZE_ADDRESS__ under
** -fsanitize=address; older Clang only answers __has_feature. */
#if defined(__SANITIZE_ADDRESS__)
#define TG_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TG_TEST_ASAN 1
#endif
#endif
#ifndef TG_TEST_ASAN
#define TG_TEST_ASAN 0
#endif

long tg_test_oom_next(long k) {
    static int every = -1;
    if (every < 0) {
        const char *all = getenv("TG_OOM_ALL");
        every = !TG_TEST_ASAN || (all && strcmp(all, "1") == 0);
    }
    if (every || k < TG_TEST_OOM_DENSE) return k + 1;
    return k + k / 16;
}

int tg_test_oom_loop(tg_test_fn fn, void *ctx) {
    for (long k = 1;; k = tg_test_oom_next(k)) {
        size_t before = tg_mem_blocks();
        tg_mem_fail_nth(k);
        tg_status st = fn(ctx);
        int injected = !tg_mem_fail_pending();
        tg_mem_fail_nth(0);
        tg_test_no_leaks(before);
        if (!injected) {
            if (st != TG_OK) fail_msg("run without injected failure returned %d", (int)st);
            return (int)k;
        }
        /* TG_OK is allowed: some allocations are best effort (shrinking). */
        if (st != TG_ENOMEM && st != TG_OK)
            fail_msg("allocation %ld failed but status was %d", k, (int)st);
    }
}

uint64_t tg_test_rand(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

const char *const tg_test_words[11] = { "Ærø", "Aarhus", "Åbenrå", "æble", "Zealand",      "",
                                        "Øst", "øst",    "A",      "a",    "Høje-Taastrup" };

tg_col *tg_test_random_col(uint64_t *s, tg_type type, size_t n, int pct, int64_t lo, int64_t span,
                           size_t word0) {
    tg_col *c = tg_col_new(type, 0, NULL);
    assert_non_null(c);
    for (size_t r = 0; r < n; r++) {
        uint64_t x = tg_test_rand(s);
        if ((int)(x % 100) < pct) {
            assert_int_equal(tg_col_push_null(c), TG_OK);
            continue;
        }
        x >>= 8;
        int64_t i = lo + (int64_t)(x % (uint64_t)span);
        tg_status st = TG_OK;
        switch (type) {
        case TG_INT: st = tg_col_push_i64(c, i); break;
        case TG_FLOAT: st = tg_col_push_f64(c, (double)i / 2.0); break;
        case TG_BOOL: st = tg_col_push_bool(c, (int)(x & 1)); break;
        case TG_DATE: st = tg_col_push_date(c, tg_date_from_ymd(2023, 12, 25) + (int32_t)i); break;
        case TG_STRING: {
            const char *w = tg_test_words[(word0 + x) % TG_ARRAY_LEN(tg_test_words)];
            st = tg_col_push_str(c, w, strlen(w));
            break;
        }
        }
        assert_int_equal(st, TG_OK);
    }
    return c;
}

void tg_test_add(tg_table *t, const char *name, tg_col *c) {
    assert_non_null(c);
    assert_int_equal(tg_table_add(t, name, c), TG_OK);
    tg_col_release(c);
}

tg_status tg_test_stop_poll(void *ud) {
    tg_test_stopper *s = ud;
    /* atomic: the parallel kernels poll from every worker thread */
    return __atomic_add_fetch(&s->calls, 1, __ATOMIC_RELAXED) >= s->stop_at ? TG_ELIMIT : TG_OK;
}

void tg_test_assert_same_table(const tg_table *a, const tg_table *b) {
    assert_int_equal(a->n_cols, b->n_cols);
    assert_int_equal(a->n_rows, b->n_rows);
    for (size_t k = 0; k < a->n_cols; k++) {
        const tg_col *x = a->cols[k], *y = b->cols[k];
        assert_string_equal(a->names[k], b->names[k]);
        assert_int_equal(x->type, y->type);
        for (size_t i = 0; i < a->n_rows; i++) {
            assert_int_equal(tg_col_is_valid(x, i), tg_col_is_valid(y, i));
            if (!tg_col_is_valid(x, i)) continue;
            if (x->type == TG_STRING) {
                size_t lx, ly;
                const char *sx = tg_dict_str(x->dict, x->v.str[i], &lx);
                const char *sy = tg_dict_str(y->dict, y->v.str[i], &ly);
                assert_int_equal(lx, ly);
                assert_memory_equal(sx, sy, lx);
            } else {
                size_t w = tg_type_width(x->type);
                assert_memory_equal((const char *)x->v.i64 + i * w, (const char *)y->v.i64 + i * w,
                                    w);
            }
        }
    }
}
