/*
** tg_test.h -- shared helpers for the cmocka unit tests: fixture paths,
** leak checks and the allocation-failure loop every module runs.
** cmocka 1.1 needs these four standard headers before <cmocka.h>.
*/
#ifndef TG_TEST_H
#define TG_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tegn.h"
#include "tg_table.h"

/* Path of tests/fixtures/<name> (from $TG_FIXTURES). Borrowed: a static
** buffer overwritten by the next call. */
const char *tg_test_fixture(const char *name);

/* Path of a fresh scratch file name under $TMPDIR (not created). Static
** buffer, overwritten by the next call. */
const char *tg_test_tmpfile(const char *suffix);

/* dir/name in one of two static buffers used in turn, so one call may
** take the results of two. */
const char *tg_test_join(const char *dir, const char *name);

/* Writes 'text' as the whole file at 'path' (fails the test if it cannot). */
void tg_test_put(const char *path, const char *text);

/* The number of entries in the folder 'dir' besides . and .. */
int tg_test_count_entries(const char *dir);

/* Removes the tree at 'path' (links themselves, never what they point
** at); 0 when done. For a group teardown of a scratch folder. */
int tg_test_rmtree(const char *path);

/* The allocation-failure points a loop tries, in order: the point after k.
** The plain build tries every point (k + 1). Under AddressSanitizer, where
** each run costs ten times as much, it tries every point up to
** TG_TEST_OOM_DENSE and then steps by k / 16, about eleven points per
** doubling, so a run making N allocations is tried about
** 64 + 16.5 ln(N / 64) times (185 for N = 10^5) with the points spread
** over all of it. TG_OOM_ALL=1 in the environment tries every point
** under ASan too. The loop stops at the first point past the last
** allocation, so it always ends with a run in which nothing failed:
**     for (long k = 1; injected; k = tg_test_oom_next(k)) { ... }
*/
enum { TG_TEST_OOM_DENSE = 64 };
long tg_test_oom_next(long k);

/* Runs fn(ctx) with the k-th allocation failing, for k from 1 along
** tg_test_oom_next, until a run makes fewer than k allocations. Each
** failing run must return TG_ENOMEM (or TG_OK where the allocation was best
** effort) and leave no block behind; the final run (no failure left to
** inject) must return TG_OK and also free everything. fn must release
** whatever it made before returning. Returns the final run's k: past the
** last allocation fn makes (just past it when every point is tried). */
typedef tg_status (*tg_test_fn)(void *ctx);
int tg_test_oom_loop(tg_test_fn fn, void *ctx);

/* A cmocka teardown that disarms tg_mem_fail_nth, so a test that failed
** with an armed failure does not break the next one. */
int tg_test_disarm(void **state);

/* Random test data, the same on every machine: xorshift64 on *s. */
uint64_t tg_test_rand(uint64_t *s);

/* Words with æøå, case and prefix pairs, and "", for string columns. */
extern const char *const tg_test_words[11];

/* A column of n random values of 'type': NULL with probability pct %, ints
** from [lo, lo + span), floats those ints halved, dates that many days from
** 2023-12-25, bools from the bits, strings from tg_test_words starting at
** word0 (so two tables intern them in different orders). */
tg_col *tg_test_random_col(uint64_t *s, tg_type type, size_t n, int pct, int64_t lo, int64_t span,
                           size_t word0);

/* Adds column c to t under 'name' and drops the caller's reference. */
void tg_test_add(tg_table *t, const char *name, tg_col *c);

/* An interrupt poll (tg_interrupt.fn, ud = a tg_test_stopper) that
** answers TG_ELIMIT from its stop_at-th call on, for tests of kernels
** stopping part-way. Thread-safe, as the parallel kernels need. */
typedef struct tg_test_stopper {
    int calls, stop_at;
} tg_test_stopper;
tg_status tg_test_stop_poll(void *ud);

/* Fails the test unless a and b hold the same column names, types, rows,
** NULLs and values: strings by their text (the dictionaries may differ),
** other values by their bytes, so floats bit for bit. */
void tg_test_assert_same_table(const tg_table *a, const tg_table *b);

/* Fails the test if live tg_mem blocks differ from 'before'. */
void tg_test_no_leaks(size_t before);

#endif /* TG_TEST_H */
