/*
** tg_mem.h -- the one allocator every byte of tegn goes through (tables,
** dictionaries, expression trees, and the Lua state, whose allocator
** function calls tg_realloc). It counts live bytes and the peak, enforces
** an optional cap (the run's --mem), and can be told to fail the Nth
** allocation so tests can check that every error path frees what it took.
**
** It is a global allocator, the only process-wide state in the engine:
** the counters, the cap and the fail-Nth countdown are static atomics in
** tg_mem.c, not fields of a handle. That is deliberate. They describe the
** process's heap, which is one thing however many tables, runtimes or
** threads use it (Redis keeps used_memory the same way), and a handle
** would have to reach every tg_malloc deep inside the kernels and
** libraries' callbacks. Blocks carry a 16-byte header holding their size,
** so tg_free needs no size and tg_mem_size can report it. Blocks under
** 2 MiB are malloc'ed; larger ones get their own mapping on huge pages
** (MADV_HUGEPAGE), and a few freed ones are kept for the next large
** block while live plus kept bytes stay under the highest live bytes so
** far: the counters and the cap count the bytes asked for either way.
**
** Thread rules. tg_malloc, tg_calloc, tg_realloc, tg_free and the readers
** (tg_mem_used, _peak, _blocks, _failures) may be called from any thread
** at once (the CSV loader's worker threads do). The settings are
** process-wide too: tg_mem_set_cap and tg_mem_reset_peak affect every
** thread, so set them while only one run is active (tg_run sets the cap
** when a run starts and restores it when it ends; two runs at once in one
** process would share one cap). tg_mem_fail_nth counts allocations from
** all threads, so OOM tests arm it while one thread allocates.
*/
#ifndef TG_MEM_H
#define TG_MEM_H

#include <stddef.h>

/* Like malloc/calloc/realloc/free; NULL on failure or when the cap would
** be exceeded (tg_mem_cap_hit() then reports 1). tg_realloc(p, 0) frees p
** and returns NULL; tg_free(NULL) is a no-op. Thread-safe. */
void *tg_malloc(size_t n);
void *tg_calloc(size_t count, size_t size);
void *tg_realloc(void *p, size_t n);
void tg_free(void *p);

/* The size asked for when the live block p was allocated (0 for NULL). */
size_t tg_mem_size(const void *p);

/* A tg_malloc'ed copy of the n bytes at s plus a NUL (tg_strdup: of the
** NUL-terminated s); NULL on failure. */
char *tg_strndup(const char *s, size_t n);
char *tg_strdup(const char *s);

/* Live bytes, highest live bytes since the last tg_mem_reset_peak(), and
** the number of live blocks (a leak check compares it before and after). */
size_t tg_mem_used(void);
size_t tg_mem_peak(void);
size_t tg_mem_blocks(void);
void tg_mem_reset_peak(void);

/* How many allocations have failed since the process started. A library
** that reports an out-of-memory as some other error (jansson's parser
** does) can be caught by comparing this before and after the call. */
size_t tg_mem_failures(void);

/* Sets the cap on live bytes; 0 means no cap. */
void tg_mem_set_cap(size_t bytes);
size_t tg_mem_cap(void);
/* 1 if an allocation was refused because of the cap since the last call
** (and clears the flag); lets callers tell "limit hit" from real OOM. */
int tg_mem_cap_hit(void);
/* How many allocations the cap has refused since the process started.
** Unlike tg_mem_cap_hit it is never cleared, so several callers can each
** compare it with their own snapshot ("did the cap refuse anything since
** this run started?") without consuming each other's answer. */
size_t tg_mem_cap_refusals(void);

/* Testing hook: the nth allocation from now (1-based) fails, and every one
** after it succeeds again; 0 disarms. tg_mem_fail_pending() is 1 while the
** armed failure has not yet happened, so an OOM loop knows when to stop. */
void tg_mem_fail_nth(long n);
int tg_mem_fail_pending(void);

/* Parses a size such as "512M", "2G", "1.5GiB" or "1048576" into bytes;
** returns 0 on success, -1 when the text is not a size. */
int tg_mem_parse_size(const char *s, size_t *out);

#endif /* TG_MEM_H */
