/*
** tg_mem.h -- the one allocator every byte of tegn goes through.
** It counts live bytes and the peak, enforces an optional cap (the run's
** --mem), and can be told to fail the Nth allocation so tests can check
** that every error path frees what it took.
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

/* Returns a tg_malloc'ed copy of the n bytes at s plus a NUL; NULL on failure. */
/* The size asked for when the live block p was allocated (0 for NULL). */
size_t tg_mem_size(const void *p);

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

/* Testing hook: the nth allocation from now (1-based) fails, and every one
** after it succeeds again; 0 disarms. tg_mem_fail_pending() is 1 while the
** armed failure has not yet happened, so an OOM loop knows when to stop. */
void tg_mem_fail_nth(long n);
int tg_mem_fail_pending(void);

/* Parses a size such as "512M", "2G", "1.5GiB" or "1048576" into bytes;
** returns 0 on success, -1 when the text is not a size. */
int tg_mem_parse_size(const char *s, size_t *out);

#endif /* TG_MEM_H */
