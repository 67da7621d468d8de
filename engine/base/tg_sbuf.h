/*
** tg_sbuf.h -- a growing NUL-terminated string for building text (SQL,
** the summary table, rendered expressions). Out of memory is sticky:
** callers append freely and check 'oom' once at the end. Zero-initialise
** to start; the text is p (NULL until something was added), freed with
** tg_free.
*/
#ifndef TG_SBUF_H
#define TG_SBUF_H

#include <stddef.h>

typedef struct tg_sbuf {
    char *p;
    size_t len, cap;
    int oom;
} tg_sbuf;

/* Appends the n bytes at s (nothing after an earlier failure). */
void tg_sbuf_add(tg_sbuf *b, const char *s, size_t n);
/* Appends the NUL-terminated s. */
void tg_sbuf_str(tg_sbuf *b, const char *s);
/* Appends the NUL-terminated strings given, up to a NULL pointer: text of
** any length, where tg_sbuf_printf would cut. */
void tg_sbuf_cat(tg_sbuf *b, ...);
/* Appends printf-formatted text (at most 511 bytes per call). */
void tg_sbuf_printf(tg_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* TG_SBUF_H */
