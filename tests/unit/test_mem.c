/*
** test_mem.c -- the counting allocator: live bytes, blocks and peak, calloc
** zeroing and overflow, the cap and its hit flag, the fail-Nth hook, size
** parsing and a two-thread smoke test. Expected counts are the byte sizes
** the test itself asked for; the counters are process-wide, so every check
** compares against a baseline taken inside the test.
*/
#include "tg_test.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tg_mem.h"

static void test_mem_counts_malloc_free(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks(), used = tg_mem_used();

    unsigned char *a = tg_malloc(100);
    assert_non_null(a);
    assert_int_equal(tg_mem_blocks(), blocks + 1);
    assert_int_equal(tg_mem_used(), used + 100);
    memset(a, 0x5a, 100); /* the whole block is writable (ASan checks) */

    void *b = tg_malloc(1);
    assert_non_null(b);
    assert_int_equal(tg_mem_blocks(), blocks + 2);
    assert_int_equal(tg_mem_used(), used + 101);

    tg_free(a);
    assert_int_equal(tg_mem_blocks(), blocks + 1);
    assert_int_equal(tg_mem_used(), used + 1);
    tg_free(b);
    tg_free(NULL);
    assert_int_equal(tg_mem_used(), used);
    tg_test_no_leaks(blocks);
}

static void test_mem_pointer_alignment(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    for (size_t n = 1; n < 100; n += 7) {
        void *p = tg_malloc(n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        tg_free(p);
    }
    tg_test_no_leaks(blocks);
}

static void test_mem_realloc_grow_shrink(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks(), used = tg_mem_used();

    unsigned char *p = tg_realloc(NULL, 10); /* acts as malloc */
    assert_non_null(p);
    assert_int_equal(tg_mem_blocks(), blocks + 1);
    assert_int_equal(tg_mem_used(), used + 10);
    for (int i = 0; i < 10; i++) p[i] = (unsigned char)i;

    p = tg_realloc(p, 5000);
    assert_non_null(p);
    assert_int_equal(tg_mem_blocks(), blocks + 1);
    assert_int_equal(tg_mem_used(), used + 5000);
    for (int i = 0; i < 10; i++) assert_int_equal(p[i], i);
    memset(p + 10, 0xee, 4990);

    p = tg_realloc(p, 3);
    assert_non_null(p);
    assert_int_equal(tg_mem_blocks(), blocks + 1);
    assert_int_equal(tg_mem_used(), used + 3);
    for (int i = 0; i < 3; i++) assert_int_equal(p[i], i);

    assert_null(tg_realloc(p, 0)); /* frees */
    assert_int_equal(tg_mem_used(), used);
    tg_test_no_leaks(blocks);
}

static void test_mem_peak(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks(), used = tg_mem_used();

    tg_mem_reset_peak();
    assert_int_equal(tg_mem_peak(), used);
    void *a = tg_malloc(1000);
    assert_non_null(a);
    assert_int_equal(tg_mem_peak(), used + 1000);
    a = tg_realloc(a, 3000);
    assert_non_null(a);
    assert_int_equal(tg_mem_peak(), used + 3000);
    a = tg_realloc(a, 10);
    assert_non_null(a);
    assert_int_equal(tg_mem_used(), used + 10);
    assert_int_equal(tg_mem_peak(), used + 3000); /* shrinking keeps the high mark */
    void *b = tg_malloc(2000);
    assert_non_null(b);
    assert_int_equal(tg_mem_peak(), used + 3000); /* 2010 live < 3000 */
    tg_free(a);
    tg_free(b);
    assert_int_equal(tg_mem_peak(), used + 3000);
    tg_mem_reset_peak();
    assert_int_equal(tg_mem_peak(), used);
    tg_test_no_leaks(blocks);
}

static void test_mem_strdup(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks(), used = tg_mem_used();

    char *s = tg_strdup("belægning");
    assert_non_null(s);
    assert_string_equal(s, "belægning");
    assert_int_equal(tg_mem_used(), used + strlen("belægning") + 1);
    tg_free(s);

    char *t = tg_strndup("takst_kr;x", 5); /* stops at n, adds the NUL */
    assert_non_null(t);
    assert_string_equal(t, "takst");
    assert_int_equal(tg_mem_used(), used + 6);
    tg_free(t);

    char *e = tg_strndup("abc", 0);
    assert_non_null(e);
    assert_string_equal(e, "");
    tg_free(e);

    char *z = tg_strndup("a\0b", 3); /* embedded NUL copied as a byte */
    assert_non_null(z);
    assert_memory_equal(z, "a\0b\0", 4);
    tg_free(z);
    tg_test_no_leaks(blocks);
}

static void test_mem_calloc_zeroes(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks(), used = tg_mem_used();

    /* Dirty a block first so the next one likely reuses its memory. */
    unsigned char *d = tg_malloc(4096);
    assert_non_null(d);
    memset(d, 0xab, 4096);
    tg_free(d);

    unsigned char *p = tg_calloc(512, 8);
    assert_non_null(p);
    assert_int_equal(tg_mem_used(), used + 4096);
    assert_int_equal(tg_mem_blocks(), blocks + 1);
    for (size_t i = 0; i < 4096; i++)
        if (p[i] != 0) fail_msg("byte %zu is %d, not 0", i, p[i]);
    tg_free(p);
    tg_test_no_leaks(blocks);
}

static void test_mem_calloc_overflow(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks(), used = tg_mem_used();

    assert_null(tg_calloc(SIZE_MAX / 2 + 1, 2));
    assert_null(tg_calloc(2, SIZE_MAX / 2 + 1));
    assert_null(tg_calloc(SIZE_MAX, SIZE_MAX));
    assert_null(tg_calloc((SIZE_MAX >> 16) + 1, (size_t)1 << 16));
    assert_int_equal(tg_mem_used(), used);
    assert_int_equal(tg_mem_cap_hit(), 0); /* not the cap's doing */

    /* The largest sizes overflow the header arithmetic: refused, not wrapped. */
    assert_null(tg_malloc(SIZE_MAX));
    assert_null(tg_malloc(SIZE_MAX - 8));
    assert_int_equal(tg_mem_used(), used);
    tg_test_no_leaks(blocks);
}

static void test_mem_cap(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks(), used = tg_mem_used();

    assert_int_equal(tg_mem_cap(), 0);
    (void)tg_mem_cap_hit(); /* start from a clear flag */
    tg_mem_set_cap(used + 1000);
    assert_int_equal(tg_mem_cap(), used + 1000);

    void *a = tg_malloc(600);
    assert_non_null(a);
    assert_int_equal(tg_mem_cap_hit(), 0);

    assert_null(tg_malloc(401)); /* 1001 > 1000 */
    assert_int_equal(tg_mem_used(), used + 600);
    assert_int_equal(tg_mem_blocks(), blocks + 1);
    assert_int_equal(tg_mem_cap_hit(), 1);
    assert_int_equal(tg_mem_cap_hit(), 0); /* reported once */

    void *b = tg_malloc(400); /* exactly up to the cap is allowed */
    assert_non_null(b);
    assert_int_equal(tg_mem_cap_hit(), 0);
    assert_null(tg_malloc(1));
    assert_int_equal(tg_mem_cap_hit(), 1);

    /* Growing past the cap fails and leaves the block as it was. */
    memset(a, 7, 600);
    assert_null(tg_realloc(a, 601));
    assert_int_equal(tg_mem_cap_hit(), 1);
    assert_int_equal(((unsigned char *)a)[599], 7);
    assert_int_equal(tg_mem_used(), used + 1000);

    assert_null(tg_calloc(1, 1));
    assert_int_equal(tg_mem_cap_hit(), 1);

    /* Shrinking is always allowed, even with the cap below what is live. */
    tg_mem_set_cap(1);
    a = tg_realloc(a, 100);
    assert_non_null(a);
    assert_int_equal(((unsigned char *)a)[99], 7);
    assert_int_equal(tg_mem_used(), used + 500);
    assert_int_equal(tg_mem_cap_hit(), 0);

    tg_mem_set_cap(0); /* no cap */
    void *c = tg_malloc(100000);
    assert_non_null(c);
    assert_int_equal(tg_mem_cap_hit(), 0);
    tg_free(a);
    tg_free(b);
    tg_free(c);
    assert_int_equal(tg_mem_used(), used);
    tg_test_no_leaks(blocks);
}

static void test_mem_fail_nth(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    void *p[6];

    assert_int_equal(tg_mem_fail_pending(), 0);
    tg_mem_fail_nth(3);
    assert_int_equal(tg_mem_fail_pending(), 1);
    p[0] = tg_malloc(8);
    assert_non_null(p[0]);
    assert_int_equal(tg_mem_fail_pending(), 1);
    p[1] = tg_calloc(2, 8);
    assert_non_null(p[1]);
    assert_int_equal(tg_mem_fail_pending(), 1);
    size_t used = tg_mem_used();
    p[2] = tg_strdup("x"); /* the third allocation */
    assert_null(p[2]);
    assert_int_equal(tg_mem_used(), used);
    assert_int_equal(tg_mem_blocks(), blocks + 2);
    assert_int_equal(tg_mem_fail_pending(), 0);
    assert_int_equal(tg_mem_cap_hit(), 0); /* an injected failure is not the cap */

    /* Every later allocation succeeds again. */
    for (int i = 2; i < 6; i++) {
        p[i] = tg_malloc(16);
        assert_non_null(p[i]);
    }
    for (int i = 0; i < 6; i++) tg_free(p[i]);
    tg_test_no_leaks(blocks);
}

static void test_mem_fail_nth_realloc_keeps_block(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();
    unsigned char *p = tg_malloc(32);
    assert_non_null(p);
    memset(p, 0x11, 32);
    size_t used = tg_mem_used();

    tg_mem_fail_nth(1);
    assert_null(tg_realloc(p, 64));
    assert_int_equal(tg_mem_used(), used);
    assert_int_equal(p[31], 0x11);
    assert_int_equal(tg_mem_fail_pending(), 0);

    p = tg_realloc(p, 64);
    assert_non_null(p);
    assert_int_equal(p[31], 0x11);
    tg_free(p);
    tg_test_no_leaks(blocks);
}

static void test_mem_fail_nth_free_not_counted(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();

    /* Frees are not allocations: the second malloc is the one that fails. */
    tg_mem_fail_nth(2);
    void *a = tg_malloc(8);
    assert_non_null(a);
    tg_free(a);
    tg_free(NULL);
    assert_int_equal(tg_mem_fail_pending(), 1);
    assert_null(tg_malloc(8));
    assert_int_equal(tg_mem_fail_pending(), 0);
    tg_test_no_leaks(blocks);
}

static void test_mem_fail_nth_first_and_disarm(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();

    tg_mem_fail_nth(1);
    assert_null(tg_malloc(1));
    assert_int_equal(tg_mem_fail_pending(), 0);

    tg_mem_fail_nth(1);
    tg_mem_fail_nth(0); /* disarmed before it fired */
    assert_int_equal(tg_mem_fail_pending(), 0);
    void *a = tg_malloc(1);
    assert_non_null(a);
    tg_free(a);

    tg_mem_fail_nth(2);
    tg_mem_fail_nth(5); /* re-arming replaces the countdown */
    void *q[4];
    for (int i = 0; i < 4; i++) {
        q[i] = tg_malloc(4);
        assert_non_null(q[i]);
    }
    assert_null(tg_malloc(4));
    for (int i = 0; i < 4; i++) tg_free(q[i]);
    tg_test_no_leaks(blocks);
}

static void expect_size(const char *s, size_t want) {
    size_t got = 12345;
    if (tg_mem_parse_size(s, &got) != 0) fail_msg("'%s' rejected", s);
    if (got != want) fail_msg("'%s' gave %zu, expected %zu", s, got, want);
}

static void expect_bad_size(const char *s) {
    size_t got = 12345;
    if (tg_mem_parse_size(s, &got) != -1) fail_msg("'%s' accepted as %zu", s, got);
}

static void test_mem_parse_size(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks();

    expect_size("512M", (size_t)512 * 1024 * 1024);
    expect_size("2G", (size_t)2 * 1024 * 1024 * 1024);
    expect_size("1.5GiB", (size_t)1536 * 1024 * 1024);
    expect_size("1048576", 1048576);
    expect_size("10KB", 10240);
    expect_size("10kb", 10240);
    expect_size("1K", 1024);
    expect_size("1KiB", 1024);
    expect_size("0.5K", 512);
    expect_size("3T", (size_t)3 << 40);
    expect_size("100B", 100);
    expect_size("0", 0);

    expect_bad_size("");
    expect_bad_size("G");
    expect_bad_size("12X");
    expect_bad_size("-1");
    expect_bad_size("+1");
    expect_bad_size(" 1");
    expect_bad_size("1 ");
    expect_bad_size("1 G");
    expect_bad_size("1GG");
    expect_bad_size("1GiBx");
    expect_bad_size("1iB"); /* "i" only after a unit letter */
    expect_bad_size("1.5.G");
    expect_bad_size("99999999999999999999999"); /* beyond size_t */
    expect_bad_size("16777216T");               /* 2^64 */
    tg_test_no_leaks(blocks);
}

/* ---- threads ---- */

enum { THREAD_ROUNDS = 200000 };

static void *churn(void *arg) {
    unsigned seed = *(unsigned *)arg;
    void *held[8] = { 0 };
    for (int i = 0; i < THREAD_ROUNDS; i++) {
        seed = seed * 1103515245u + 12345u;
        size_t n = 1 + (seed >> 16) % 300;
        int k = (int)((seed >> 8) % 8);
        if (held[k] && (seed & 1)) {
            void *q = tg_realloc(held[k], n);
            if (!q) return (void *)1;
            held[k] = q;
        } else {
            tg_free(held[k]);
            held[k] = tg_malloc(n);
            if (!held[k]) return (void *)1;
            memset(held[k], (int)(n & 0xff), n);
        }
    }
    for (int k = 0; k < 8; k++) tg_free(held[k]);
    return NULL;
}

static void test_mem_threads(void **state) {
    (void)state;
    size_t blocks = tg_mem_blocks(), used = tg_mem_used();
    pthread_t th[2];
    unsigned seeds[2] = { 1u, 977u };
    void *res[2];

    tg_mem_reset_peak();
    for (int i = 0; i < 2; i++) assert_int_equal(pthread_create(&th[i], NULL, churn, &seeds[i]), 0);
    for (int i = 0; i < 2; i++) assert_int_equal(pthread_join(th[i], &res[i]), 0);
    assert_null(res[0]);
    assert_null(res[1]);
    assert_int_equal(tg_mem_used(), used);
    assert_int_equal(tg_mem_blocks(), blocks);
    /* Each thread holds at most 8 blocks of at most 300 bytes. */
    assert_true(tg_mem_peak() > used);
    assert_true(tg_mem_peak() <= used + 2 * 8 * 300);
    tg_test_no_leaks(blocks);
}

/* Bytes i of p[0, n) hold (i * 7 + seed) & 0xff. */
static void fill(unsigned char *p, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)((i * 7 + seed) & 0xff);
}

static int holds(const unsigned char *p, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)((i * 7 + seed) & 0xff)) return 0;
    return 1;
}

/* Blocks of 2 MiB and more live in tg_mem's own mappings: contents
** survive growing, shrinking and crossing the 2 MiB line both ways, the
** counters stay the bytes asked for, and a calloc served from a freed
** (dirty) mapping is zero. */
static void test_mem_big_blocks(void **state) {
    (void)state;
    const size_t mib = (size_t)1 << 20;
    size_t blocks = tg_mem_blocks(), used = tg_mem_used();

    unsigned char *p = tg_malloc(3 * mib);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
    assert_int_equal(tg_mem_used(), used + 3 * mib);
    assert_int_equal(tg_mem_size(p), 3 * mib);
    fill(p, 3 * mib, 1);
    p = tg_realloc(p, 40 * mib); /* grows the mapping */
    assert_non_null(p);
    assert_true(holds(p, 3 * mib, 1));
    fill(p, 40 * mib, 2);
    assert_int_equal(tg_mem_used(), used + 40 * mib);
    p = tg_realloc(p, 5 * mib + 3); /* shrinks it */
    assert_true(holds(p, 5 * mib + 3, 2));
    p = tg_realloc(p, mib); /* below 2 MiB: back to malloc */
    assert_true(holds(p, mib, 2));
    assert_int_equal(tg_mem_used(), used + mib);
    p = tg_realloc(p, 9 * mib); /* and out again */
    assert_true(holds(p, mib, 2));
    assert_int_equal(tg_mem_blocks(), blocks + 1);
    tg_free(p);
    assert_int_equal(tg_mem_used(), used);

    for (int round = 0; round < 3; round++) {
        unsigned char *dirty = tg_malloc(8 * mib);
        assert_non_null(dirty);
        memset(dirty, 0xab, 8 * mib);
        tg_free(dirty);
        unsigned char *z = tg_calloc(6 * mib + (size_t)round, 1);
        assert_non_null(z);
        for (size_t i = 0; i < 6 * mib + (size_t)round; i++)
            if (z[i]) fail_msg("byte %zu of a calloc'ed block is %d", i, z[i]);
        tg_free(z);
    }
    assert_int_equal(tg_mem_used(), used);
    tg_test_no_leaks(blocks);
}

#if defined(__SANITIZE_ADDRESS__)
#define ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN 1
#endif
#endif

/* A big block asks for transparent huge pages: its mapping carries the
** "hg" flag in /proc/self/smaps (where the kernel has THP at all; the
** sanitizer build keeps blocks in malloc). */
static void test_mem_big_blocks_huge_pages(void **state) {
    (void)state;
#ifdef ASAN
    skip();
#else
    FILE *thp = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (!thp) skip();
    fclose(thp);
    unsigned char *p = tg_malloc((size_t)16 << 20);
    assert_non_null(p);
    uintptr_t at = (uintptr_t)p;
    FILE *f = fopen("/proc/self/smaps", "r");
    assert_non_null(f);
    char line[512];
    int inside = 0, hg = -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) inside = at >= lo && at < hi;
        else if (inside && strncmp(line, "VmFlags:", 8) == 0) hg = strstr(line, " hg") != NULL;
    }
    fclose(f);
    tg_free(p);
    assert_int_equal(hg, 1);
#endif
}

/* A failed assertion leaves the test early: disarm the hooks it may have set. */
static int reset_hooks(void **state) {
    (void)state;
    tg_mem_set_cap(0);
    tg_mem_fail_nth(0);
    (void)tg_mem_cap_hit();
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_mem_counts_malloc_free, reset_hooks),
        cmocka_unit_test_teardown(test_mem_pointer_alignment, reset_hooks),
        cmocka_unit_test_teardown(test_mem_realloc_grow_shrink, reset_hooks),
        cmocka_unit_test_teardown(test_mem_peak, reset_hooks),
        cmocka_unit_test_teardown(test_mem_strdup, reset_hooks),
        cmocka_unit_test_teardown(test_mem_calloc_zeroes, reset_hooks),
        cmocka_unit_test_teardown(test_mem_calloc_overflow, reset_hooks),
        cmocka_unit_test_teardown(test_mem_cap, reset_hooks),
        cmocka_unit_test_teardown(test_mem_fail_nth, reset_hooks),
        cmocka_unit_test_teardown(test_mem_fail_nth_realloc_keeps_block, reset_hooks),
        cmocka_unit_test_teardown(test_mem_fail_nth_free_not_counted, reset_hooks),
        cmocka_unit_test_teardown(test_mem_fail_nth_first_and_disarm, reset_hooks),
        cmocka_unit_test_teardown(test_mem_parse_size, reset_hooks),
        cmocka_unit_test_teardown(test_mem_threads, reset_hooks),
        cmocka_unit_test_teardown(test_mem_big_blocks, reset_hooks),
        cmocka_unit_test_teardown(test_mem_big_blocks_huge_pages, reset_hooks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
