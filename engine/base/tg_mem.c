/*
** tg_mem.c -- counting allocator with a cap and a fail-Nth hook.
** Each block carries a 16-byte header holding its size, so tg_free and
** tg_realloc know what to subtract without the caller passing sizes, and
** whether tg_mem mapped it itself: blocks of BIG bytes and more (column
** buffers, the CSV loader's parts) get their own mmap, 2 MiB-aligned and
** marked MADV_HUGEPAGE, and grow with mremap. Transparent huge pages are
** often "madvise"-only, and glibc's own mmap'd blocks get 4 KiB pages:
** then filling a 500 MB column set took 130,000 page faults, a third of
** the CPU of a CSV load (bench/README.md, "Huge pages"). A few freed
** mappings are kept for the next big block (see the cache below).
** The counters are process-wide atomics: they describe the process's heap,
** which is one thing however many engines or threads use it (the same
** choice Redis makes for used_memory). Everything else in tegn hangs off
** handles, not globals.
*/
#define _GNU_SOURCE /* mremap, MADV_HUGEPAGE */
#include "tg_mem.h"

#include <assert.h>
#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HEADER    16 /* keeps the user pointer 16-byte aligned, as malloc's is */
#define HUGE_PAGE ((size_t)2 << 20)
#define BIG       HUGE_PAGE /* smaller blocks cannot hold an aligned huge page */
#define PAGE      ((size_t)4096)
#define MAPPED    ((size_t)0x746731u) /* header word 2 of a block tg_mem mmap'ed */
#define N_CACHED  16

/* Sanitizer builds keep every block in malloc, where ASan sees overflows
** and use after free. */
#if defined(__SANITIZE_ADDRESS__)
#define MAP_BLOCKS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MAP_BLOCKS 0
#endif
#endif
#ifndef MAP_BLOCKS
#define MAP_BLOCKS 1
#endif

static atomic_size_t used;
static atomic_size_t peak;
static atomic_size_t blocks;
static atomic_size_t cap;
static atomic_int cap_hit;
static atomic_size_t cap_refusals;
static atomic_long fail_countdown; /* > 0: fail when it reaches 0 */
static atomic_size_t failures;
static atomic_size_t top; /* the highest 'used' ever; never reset, unlike peak */

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
    p = atomic_load(&top);
    while (now > p && !atomic_compare_exchange_weak(&top, &p, now)) {
    }
    return 1;
}

/* ---- blocks mapped by tg_mem ---- */

/* The mapping of a block of n bytes: whole 4 KiB pages, not whole huge
** pages, so the tail of a block costs no more resident memory than
** malloc's would (it simply gets small pages). */
static size_t map_len(size_t n) {
    return (n + HEADER + PAGE - 1) & ~(PAGE - 1);
}

/* A fresh zero-filled mapping of len bytes starting on a huge-page
** boundary: over-map by one huge page and unmap the ends. */
static unsigned char *map_new(size_t len) {
    size_t span = len + HUGE_PAGE;
    unsigned char *q = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (q == MAP_FAILED) return NULL;
    size_t lead = (HUGE_PAGE - ((uintptr_t)q & (HUGE_PAGE - 1))) & (HUGE_PAGE - 1);
    if (lead) munmap(q, lead);
    if (span - lead > len) munmap(q + lead + len, span - lead - len);
    q += lead;
    (void)madvise(q, len, MADV_HUGEPAGE); /* only speed: small pages if refused */
    return q;
}

/* ---- freed mappings kept for reuse ----
** A fresh page costs a fault and the kernel's zeroing, and on a VM the
** host's fault too: the query kernels free and allocate the same large
** buffers on every run. Up to N_CACHED freed mappings are kept and the
** next big block takes the smallest that holds it, cut to its size. The
** rule that keeps the process's peak memory where it was: live bytes plus
** cached bytes never exceed the highest live bytes so far ('top'), so
** the cache is emptied before anything would grow past that. */

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char *cache_base[N_CACHED];
static size_t cache_len[N_CACHED];
static size_t n_cache;
static atomic_size_t cached; /* bytes held in the cache */

/* Unmaps cached mappings until live + cached bytes fit under 'top'. */
static void cache_trim(void) {
    pthread_mutex_lock(&cache_lock);
    while (n_cache > 0 && atomic_load(&used) + atomic_load(&cached) > atomic_load(&top)) {
        n_cache--;
        munmap(cache_base[n_cache], cache_len[n_cache]);
        atomic_fetch_sub(&cached, cache_len[n_cache]);
    }
    pthread_mutex_unlock(&cache_lock);
}

/* Keeps the freed mapping (base, len) when there is room; else unmaps it. */
static void cache_put(unsigned char *base, size_t len) {
    pthread_mutex_lock(&cache_lock);
    if (n_cache < N_CACHED &&
        atomic_load(&used) + atomic_load(&cached) + len <= atomic_load(&top)) {
        cache_base[n_cache] = base;
        cache_len[n_cache++] = len;
        atomic_fetch_add(&cached, len);
        base = NULL;
    }
    pthread_mutex_unlock(&cache_lock);
    if (base) munmap(base, len);
}

/* A cached mapping cut to len bytes, or NULL when none holds len. */
static unsigned char *cache_take(size_t len) {
    unsigned char *q = NULL;
    size_t best = SIZE_MAX, have = 0;
    pthread_mutex_lock(&cache_lock);
    for (size_t i = 0; i < n_cache; i++)
        if (cache_len[i] >= len && cache_len[i] < (best == SIZE_MAX ? SIZE_MAX : cache_len[best]))
            best = i;
    if (best != SIZE_MAX) {
        q = cache_base[best];
        have = cache_len[best];
        cache_base[best] = cache_base[--n_cache];
        cache_len[best] = cache_len[n_cache];
        atomic_fetch_sub(&cached, have);
    }
    pthread_mutex_unlock(&cache_lock);
    if (q && have > len) munmap(q + len, have - len); /* the rest goes back */
    return q;
}

/* Moves the block at base (old_n bytes, mapped or not) to a size of n
** bytes whose storage suits n: its own mapping from BIG on, malloc's
** below. *fresh is set when the bytes past old_n are known zero. NULL on
** failure, base then untouched. */
static unsigned char *resize(unsigned char *base, size_t old_n, int mapped, size_t n, int *fresh) {
    unsigned char *q;
    *fresh = 0;
    if (!MAP_BLOCKS) return realloc(base, n + HEADER);
    if (n >= BIG && mapped) {
        if (map_len(n) == map_len(old_n)) return base;
        q = mremap(base, map_len(old_n), map_len(n), MREMAP_MAYMOVE);
        *fresh = n > old_n;
        return q == MAP_FAILED ? NULL : q;
    }
    if (n >= BIG) {
        if (!(q = cache_take(map_len(n)))) {
            if (!(q = map_new(map_len(n)))) return NULL;
            *fresh = 1;
        }
    } else if (!mapped) {
        return realloc(base, n + HEADER);
    } else if (!(q = malloc(n + HEADER))) {
        return NULL;
    }
    if (base) {
        memcpy(q, base, HEADER + (old_n < n ? old_n : n));
        if (mapped) munmap(base, map_len(old_n));
        else free(base);
    }
    return q;
}

/* ---- the counting allocator ---- */

/* tg_realloc; *fresh says whether the bytes past the old size are zero. */
static void *alloc(void *p, size_t n, int *fresh) {
    size_t old = 0, mapped = 0;
    unsigned char *base = NULL;

    *fresh = 0;
    if (p) {
        base = (unsigned char *)p - HEADER;
        memcpy(&old, base, sizeof old);
        memcpy(&mapped, base + sizeof old, sizeof mapped);
    }
    if (n == 0) {
        if (p) {
            atomic_fetch_sub(&used, old);
            atomic_fetch_sub(&blocks, 1);
            if (mapped == MAPPED) cache_put(base, map_len(old));
            else free(base);
        }
        return NULL;
    }
    if (n > SIZE_MAX - HEADER - HUGE_PAGE || should_fail() || (n > old && !reserve(n - old))) {
        atomic_fetch_add(&failures, 1);
        return NULL;
    }
    /* more live bytes: the cache gives back what would pass the top */
    if (n > old && atomic_load(&cached)) cache_trim();

    unsigned char *q = resize(base, old, mapped == MAPPED, n, fresh);
    if (!q) {
        if (n > old) atomic_fetch_sub(&used, n - old);
        atomic_fetch_add(&failures, 1);
        return NULL;
    }
    if (n < old) atomic_fetch_sub(&used, old - n);
    if (!p) atomic_fetch_add(&blocks, 1);
    mapped = MAP_BLOCKS && n >= BIG ? MAPPED : 0;
    memcpy(q, &n, sizeof n);
    memcpy(q + sizeof n, &mapped, sizeof mapped);
    return q + HEADER;
}

void *tg_malloc(size_t n) {
    int fresh;
    return alloc(NULL, n, &fresh);
}

void *tg_calloc(size_t count, size_t size) {
    int fresh;
    if (size != 0 && count > SIZE_MAX / size) return NULL;
    void *p = alloc(NULL, count * size, &fresh);
    /* a fresh mapping is zero already: touching it would fault every page */
    if (p && !fresh) memset(p, 0, count * size);
    return p;
}

void *tg_realloc(void *p, size_t n) {
    int fresh;
    return alloc(p, n, &fresh);
}

void tg_free(void *p) {
    int fresh;
    (void)alloc(p, 0, &fresh);
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
