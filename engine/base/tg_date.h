/*
** tg_date.h -- civil-calendar arithmetic on day numbers.
** A date is an int32 count of days since 1970-01-01 in the proleptic
** Gregorian calendar (negative before 1970). All functions are pure and
** total over years 1..9999; none allocates.
*/
#ifndef TG_DATE_H
#define TG_DATE_H

#include <stddef.h>
#include <stdint.h>

typedef enum tg_date_unit {
    TG_UNIT_WEEK = 1, /* ISO week: Monday */
    TG_UNIT_MONTH,
    TG_UNIT_QUARTER,
    TG_UNIT_YEAR
} tg_date_unit;

/* Day number of y-m-d; the arguments must form a valid date. */
int32_t tg_date_from_ymd(int y, int m, int d);
/* 1 if y-m-d is a real date (1 <= y <= 9999). */
int tg_date_valid(int y, int m, int d);
/* Splits a day number into year, month (1-12) and day (1-31). */
void tg_date_to_ymd(int32_t days, int *y, int *m, int *d);

int tg_date_is_leap(int y);
int tg_date_days_in_month(int y, int m);

int tg_date_year(int32_t days);
int tg_date_month(int32_t days);
int tg_date_quarter(int32_t days);
/* 1 = Monday ... 7 = Sunday (ISO 8601). */
int tg_date_weekday(int32_t days);
/* ISO 8601 week number (1-53); the ISO year it belongs to goes to *isoyear
** when that is not NULL (it differs from the calendar year around New Year). */
int tg_date_isoweek(int32_t days, int *isoyear);
/* The first day of the week/month/quarter/year containing 'days'. */
int32_t tg_date_trunc(int32_t days, tg_date_unit unit);

/* Writes "YYYY-MM-DD" and a NUL into buf (at least 11 bytes); returns 10. */
size_t tg_date_format(int32_t days, char *buf);
/* Parses exactly "YYYY-MM-DD" (n bytes at s); 0 on success, -1 otherwise. */
int tg_date_parse_iso(const char *s, size_t n, int32_t *out);

#endif /* TG_DATE_H */
