/*
** tg_test.c -- shared helpers for the unit tests (see tg_test.h).
*/
#include "tg_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tg_mem.h"

const char *tg_test_fixture(const char *name) {
    static char path[1024];
    const char *dir = getenv("TG_FIXTURES");
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests/fixtures", name);
    return path;
}

const char *tg_test_tmpfile(const char *suffix) {
    static char path[1024];
    static int seq;
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/tegn-test-%ld-%d%s", dir ? dir : "/tmp", (long)getpid(),
             ++seq, suffix ? suffix : "");
    return path;
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

int tg_test_oom_loop(tg_test_fn fn, void *ctx) {
    int k;
    for (k = 1;; k++) {
        size_t before = tg_mem_blocks();
        tg_mem_fail_nth(k);
        tg_status st = fn(ctx);
        int injected = !tg_mem_fail_pending();
        tg_mem_fail_nth(0);
        tg_test_no_leaks(before);
        if (!injected) {
            if (st != TG_OK) fail_msg("run without injected failure returned %d", (int)st);
            return k;
        }
        /* TG_OK is allowed: some allocations are best effort (shrinking). */
        if (st != TG_ENOMEM && st != TG_OK)
            fail_msg("allocation %d failed but status was %d", k, (int)st);
    }
}
