/*
** tg_mem.c -- counting allocator with a cap and a fail-Nth hook.
** Each block carries a 16-byte header holding its size, so tg_free and
** tg_realloc know what to subtract without the caller passing sizes.
** The counters are process-wide atomics: they describe the process's heap,
** which is one thing however many engines or threads use it (the same
** choice Redis makes for used_memory). Everything else in tegn hangs off
** handles, not globals.
*/
#include "tg_mem.h"

#include <assert.h>
#include <ctype.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HEADER 16 /* keeps the user pointer 16-byte aligned, as malloc's is */

static atomic_size_t used;
static atomic_size_t peak;
static atomic_size_t blocks;
static atomic_size_t cap;
static atomic_int cap_hit;
static atomic_size_t cap_refusals;
static atomic_long fail_countdown; /* > 0: fail when it reaches 0 */
static atomic_size_t failures;

static int should_fail(void) {
    long n = atomic_load(&fail_countdown);
    while (n > 0) {
        if (atomic_compare_exchange_weak(&fail_countdown, &n, n - 1)) return n == 1;
    }
    return 0;
}

/* Reserves 'grow' more bytes against the cap; 0 if refused. */
static int reserve(size_t grow) {
    size_t limit = atomic_load(&cap);
    size_t now = atomic_fetch_add(&used, grow) + grow;
    if (limit != 0 && now > limit) {
        atomic_fetch_sub(&used, grow);
        atomic_store(&cap_hit, 1);
        atomic_fetch_add(&cap_refusals, 1);
        return 0;
    }
    size_t p = atomic_load(&peak);
    while (now > p && !atomic_compare_exchange_weak(&peak, &p, now)) {
    }
    return 1;
}

void *tg_malloc(size_t n) {
    return tg_realloc(NULL, n);
}

void *tg_calloc(size_t count, size_t size) {
    if (size != 0 && count > SIZE_MAX / size) return NULL;
    void *p = tg_malloc(count * size);
    if (p) memset(p, 0, count * size);
    return p;
}

void *tg_realloc(void *p, size_t n) {
    size_t old = 0;
    unsigned char *base = NULL;

    if (p) {
        base = (unsigned char *)p - HEADER;
        memcpy(&old, base, sizeof old);
    }
    if (n == 0) {
        if (p) {
            free(base);
            atomic_fetch_sub(&used, old);
            atomic_fetch_sub(&blocks, 1);
        }
        return NULL;
    }
    if (n > SIZE_MAX - HEADER || should_fail() || (n > old && !reserve(n - old))) {
        atomic_fetch_add(&failures, 1);
        return NULL;
    }

    unsigned char *q = realloc(base, n + HEADER);
    if (!q) {
        if (n > old) atomic_fetch_sub(&used, n - old);
        atomic_fetch_add(&failures, 1);
        return NULL;
    }
    if (n < old) atomic_fetch_sub(&used, old - n);
    if (!p) atomic_fetch_add(&blocks, 1);
    memcpy(q, &n, sizeof n);
    return q + HEADER;
}

void tg_free(void *p) {
    tg_realloc(p, 0);
}

size_t tg_mem_size(const void *p) {
    size_t n = 0;
    if (p) memcpy(&n, (const unsigned char *)p - HEADER, sizeof n);
    return n;
}

char *tg_strndup(const char *s, size_t n) {
    char *d = tg_malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *tg_strdup(const char *s) {
    return tg_strndup(s, strlen(s));
}

size_t tg_mem_failures(void) {
    return atomic_load(&failures);
}

size_t tg_mem_used(void) {
    return atomic_load(&used);
}

size_t tg_mem_peak(void) {
    return atomic_load(&peak);
}

size_t tg_mem_blocks(void) {
    return atomic_load(&blocks);
}

void tg_mem_reset_peak(void) {
    atomic_store(&peak, atomic_load(&used));
}

void tg_mem_set_cap(size_t bytes) {
    atomic_store(&cap, bytes);
}

size_t tg_mem_cap(void) {
    return atomic_load(&cap);
}

int tg_mem_cap_hit(void) {
    return atomic_exchange(&cap_hit, 0);
}

size_t tg_mem_cap_refusals(void) {
    return atomic_load(&cap_refusals);
}

void tg_mem_fail_nth(long n) {
    assert(n >= 0);
    atomic_store(&fail_countdown, n);
}

int tg_mem_fail_pending(void) {
    return atomic_load(&fail_countdown) > 0;
}

int tg_mem_parse_size(const char *s, size_t *out) {
    char *end;
    double v, mult = 1;

    assert(s != NULL && out != NULL);
    if (!isdigit((unsigned char)*s)) return -1;
    v = strtod(s, &end);
    switch (toupper((unsigned char)*end)) {
    case 'K':
        mult = 1024.0;
        end++;
        break;
    case 'M':
        mult = 1024.0 * 1024;
        end++;
        break;
    case 'G':
        mult = 1024.0 * 1024 * 1024;
        end++;
        break;
    case 'T':
        mult = 1024.0 * 1024 * 1024 * 1024;
        end++;
        break;
    default: break;
    }
    if (mult > 1 && toupper((unsigned char)*end) == 'I') end++;
    if (toupper((unsigned char)*end) == 'B') end++;
    if (*end != '\0' || v * mult >= 1.8e19) return -1;
    *out = (size_t)(v * mult);
    return 0;
}
