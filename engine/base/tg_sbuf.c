/*
** tg_sbuf.c -- growing strings (see tg_sbuf.h). The capacity doubles, so
** appending n bytes costs amortised O(n).
*/
#include "tg_sbuf.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tg_mem.h"

void tg_sbuf_add(tg_sbuf *b, const char *s, size_t n) {
    assert(b != NULL && (s != NULL || n == 0));
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 128;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = tg_realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void tg_sbuf_str(tg_sbuf *b, const char *s) {
    assert(b != NULL && s != NULL);
    tg_sbuf_add(b, s, strlen(s));
}

void tg_sbuf_cat(tg_sbuf *b, ...) {
    assert(b != NULL);
    va_list ap;
    va_start(ap, b);
    for (const char *s; (s = va_arg(ap, const char *)) != NULL;) tg_sbuf_add(b, s, strlen(s));
    va_end(ap);
}

void tg_sbuf_printf(tg_sbuf *b, const char *fmt, ...) {
    assert(b != NULL && fmt != NULL);
    char tmp[512];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) tg_sbuf_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}
