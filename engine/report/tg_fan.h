/*
** tg_fan.h -- the band chart of the report's scenarios and forecasts: values
** over evenly spaced periods with up to two bands around a middle line (a
** fan: the outer band, e.g. the 5-95 % range of a scenario's takst or a
** forecast's 95 % interval, the inner band its 80 % interval), and the
** observed history before it as a solid line. NaN is "none here". Same
** input, same bytes. See docs/report.md.
*/
#ifndef TG_FAN_H
#define TG_FAN_H

#include "tg_rnum.h"
#include "tg_sbuf.h"

typedef struct tg_fan {
    int n;
    char (*labels)[TG_RNUM_MAX]; /* the period of each x, as text */
    double *hist;                /* the observed value, NaN where none */
    double *mid;                 /* the median or the point forecast */
    double *lo, *hi;             /* the outer band */
    double *lo2, *hi2;           /* the inner band (all NaN: none) */
    tg_rnum style;               /* how values and ticks read */
    int dashed;                  /* the middle line dashed: a forecast, not a median */
} tg_fan;

/* Allocates room for n periods, every value NaN; 0 when out of memory. */
int tg_fan_init(tg_fan *f, int n, tg_rnum style);
void tg_fan_free(tg_fan *f);

/* Appends the chart as one <svg> with ids from 'id', its <title> 'title'
** and <desc> 'desc'. Out of memory is recorded in b->oom. */
void tg_fan_draw(tg_sbuf *b, const tg_fan *f, const char *id, const char *title, const char *desc);

#endif /* TG_FAN_H */
