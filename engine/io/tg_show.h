/*
** tg_show.h -- a table as aligned text for people: the first rows under
** the column names, numbers right-aligned, NULL as "null", then, when
** asked, "(n of N rows)". t:show() in scripts and `tegn inspect --head/--stats` print it,
** so both read the same.
*/
#ifndef TG_SHOW_H
#define TG_SHOW_H

#include <stddef.h>

#include "tg_sbuf.h"
#include "tg_table.h"

/* How floats are written. */
typedef struct tg_show_opts {
    int decimals; /* -1: as t:rows() gives them (shortest round trip); n: rounded to n places */
    int danish;   /* 5.855,55 (at most 10 significant digits unless 'decimals') */
    int count;    /* end with "(n of N rows)" */
} tg_show_opts;

/* Appends the first n rows of t (all when n is larger) to 'out'; out of
** memory shows in out->oom. */
void tg_show_table(const tg_table *t, size_t n, const tg_show_opts *o, tg_sbuf *out);

#endif /* TG_SHOW_H */
