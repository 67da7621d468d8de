/*
** tg_rnum.h -- the report's words and numbers: how one indicator's values
** read in Danish (41,0 %, 5.786 kr., −6,0 pp, ×0,95), the period of a row
** as text, and the verdicts in words. Reads the parsed indicator document
** only; all number text comes from tg_fmt_da.
*/
#ifndef TG_RNUM_H
#define TG_RNUM_H

#include <stddef.h>

#include "tg_json.h"

/* Room for any text these functions write. */
#define TG_RNUM_MAX 600

/* How an indicator's numbers are shown, from its "kind" and "unit". */
typedef struct tg_rnum {
    double scale;              /* 100 for a proportion (shown in per cent), else 1 */
    int dec;                   /* places of a value and of a change */
    const char *suffix;        /* after a value: " %", " kr." or "" */
    const char *change_suffix; /* after a change: " pp", " kr." or "" */
    int ratio;                 /* rates: the change is latest / baseline, shown "×0,95" */
} tg_rnum;

/* The style of indicator 'ind': proportions in per cent with one place,
** a unit starting "kr" in whole kroner, everything else with one place. */
tg_rnum tg_rnum_of(const tg_json *ind);

/* 'v' (as in the document) as a value ("41,0 %"); "" for NaN. */
void tg_rnum_value(const tg_rnum *s, double v, char *buf);
/* 'v' as a change since the baseline ("−6,0 pp", "×0,95"); "" for NaN. */
void tg_rnum_change(const tg_rnum *s, double v, char *buf);
/* A tick of the value axis: 'v' already scaled, with 'dec' places. */
void tg_rnum_tick(const tg_rnum *s, double v, int dec, char *buf);

/* The value of 'key' in 'row' as period text in Danish: a year as "2019"
** (no thousands mark), a quarter "2021K4" as "4. kvt. 2021", a month
** "2024-03" as "marts 2024", a date "2026-12-07" as "7. december 2026",
** any other string as it is; "–" when absent or null (or 'row' is NULL). */
void tg_rnum_period(const tg_json *row, const char *key, char *buf);
/* The same for the period value 'v' itself (NULL reads "–"). */
void tg_rnum_period_of(const tg_json *v, char *buf);

/* A timestamp "2026-12-07T18:16:36Z" (meta.started_at) in Danish:
** "7. december 2026 kl. 18.16.36 UTC"; any other text as it is. */
void tg_rnum_time(const char *iso, char *buf);

/* NULL-safe readers for a document of any shape: the member 'key' of an
** object (NULL when obj is NULL or not an object, or has no such key),
** the number of items of an array or object (0 for NULL and scalars), the
** i-th item (NULL past the end or for NULL). */
const tg_json *tg_rnum_get(const tg_json *obj, const char *key);
size_t tg_rnum_len(const tg_json *v);
const tg_json *tg_rnum_at(const tg_json *v, size_t i);
/* 1 when 'v' is present and not null. */
int tg_rnum_is_set(const tg_json *v);


#endif /* TG_RNUM_H */
