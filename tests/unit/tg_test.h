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

/* Path of tests/fixtures/<name> (from $TG_FIXTURES). Borrowed: a static
** buffer overwritten by the next call. */
const char *tg_test_fixture(const char *name);

/* Path of a fresh scratch file name under $TMPDIR (not created). Static
** buffer, overwritten by the next call. */
const char *tg_test_tmpfile(const char *suffix);

/* Runs fn(ctx) once per allocation it makes, failing the k-th allocation
** on run k. Each failing run must return TG_ENOMEM (or TG_OK where the
** allocation was best effort) and leave no block behind; the final run (no failure
** left to inject) must return TG_OK and also free everything. fn must
** release whatever it made before returning. Returns how many runs. */
typedef tg_status (*tg_test_fn)(void *ctx);
int tg_test_oom_loop(tg_test_fn fn, void *ctx);

/* A cmocka teardown that disarms tg_mem_fail_nth, so a test that failed
** with an armed failure does not break the next one. */
int tg_test_disarm(void **state);

/* Fails the test if live tg_mem blocks differ from 'before'. */
void tg_test_no_leaks(size_t before);

#endif /* TG_TEST_H */
