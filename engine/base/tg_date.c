/*
** tg_date.c -- civil-calendar arithmetic on day numbers (see tg_date.h).
** Conversions are closed-form: the year is shifted to start on 1 March so
** that the leap day is the last day of the shifted year, which makes the
** day-of-year a linear function of the month and the 400-year cycle
** (146097 days) an exact period. Nothing here allocates or keeps state.
*/
#include "tg_date.h"

#include <assert.h>

/* Days from 0000-03-01 (shifted-year origin) to 1970-01-01. */
#define DAYS_0000_03_01_TO_EPOCH 719468
#define DAYS_PER_400Y            146097

/* Floor division for a positive divisor; day numbers before the epoch are
** negative and C division truncates towards zero. */
static int32_t floor_div(int32_t a, int32_t b) {
    return (a >= 0 ? a : a - (b - 1)) / b;
}

int tg_date_is_leap(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int tg_date_days_in_month(int y, int m) {
    static const unsigned char len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    assert(m >= 1 && m <= 12);
    return len[m - 1] + (m == 2 && tg_date_is_leap(y));
}

int tg_date_valid(int y, int m, int d) {
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= tg_date_days_in_month(y, m);
}

int32_t tg_date_from_ymd(int y, int m, int d) {
    assert(tg_date_valid(y, m, d));
    /* Shifted year: March is month 0, January and February belong to the
    ** previous year. Years 1..9999 keep sy >= 0, so plain division is floor. */
    int32_t sy = y - (m <= 2);
    int32_t era = sy / 400;
    int32_t yoe = sy - era * 400;             /* 0..399 */
    int32_t sm = m > 2 ? m - 3 : m + 9;       /* 0 = March .. 11 = February */
    int32_t doy = (153 * sm + 2) / 5 + d - 1; /* 0..365; 153 days per 5 months */
    int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * DAYS_PER_400Y + doe - DAYS_0000_03_01_TO_EPOCH;
}

void tg_date_to_ymd(int32_t days, int *y, int *m, int *d) {
    int32_t z = days + DAYS_0000_03_01_TO_EPOCH;
    int32_t era = floor_div(z, DAYS_PER_400Y);
    int32_t doe = z - era * DAYS_PER_400Y; /* 0..146096 */
    /* Remove the leap days before doe (one per 4 years, minus one per
    ** century, plus one for the last day of the cycle) so 365 divides. */
    int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int32_t sm = (5 * doy + 2) / 153;
    int32_t mon = sm < 10 ? sm + 3 : sm - 9;

    *d = (int)(doy - (153 * sm + 2) / 5 + 1);
    *m = (int)mon;
    *y = (int)(yoe + era * 400 + (mon <= 2));
}

int tg_date_year(int32_t days) {
    int y, m, d;
    tg_date_to_ymd(days, &y, &m, &d);
    return y;
}

int tg_date_month(int32_t days) {
    int y, m, d;
    tg_date_to_ymd(days, &y, &m, &d);
    return m;
}

int tg_date_quarter(int32_t days) {
    return (tg_date_month(days) - 1) / 3 + 1;
}

int tg_date_weekday(int32_t days) {
    /* 1970-01-01 was a Thursday (4). */
    int32_t r = (days + 3) % 7;
    return (int)(r < 0 ? r + 7 : r) + 1;
}

int tg_date_isoweek(int32_t days, int *isoyear) {
    /* A week belongs to the ISO year holding its Thursday, and week 1 is
    ** the one holding that year's first Thursday. */
    int32_t thu = days - (tg_date_weekday(days) - 1) + 3;
    int y = tg_date_year(thu);
    int32_t week = (thu - tg_date_from_ymd(y, 1, 1)) / 7 + 1;
    if (isoyear) *isoyear = y;
    return (int)week;
}

int32_t tg_date_trunc(int32_t days, tg_date_unit unit) {
    int y, m, d;
    if (unit == TG_UNIT_WEEK) return days - (tg_date_weekday(days) - 1);
    tg_date_to_ymd(days, &y, &m, &d);
    switch (unit) {
    case TG_UNIT_MONTH: return days - (d - 1);
    case TG_UNIT_QUARTER: return tg_date_from_ymd(y, (m - 1) / 3 * 3 + 1, 1);
    case TG_UNIT_YEAR: return tg_date_from_ymd(y, 1, 1);
    default: assert(0 && "unknown date unit"); return days;
    }
}

size_t tg_date_format(int32_t days, char *buf) {
    int y, m, d;
    tg_date_to_ymd(days, &y, &m, &d);
    assert(y >= 1 && y <= 9999);
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
    return 10;
}

/* The value of the n ASCII digits at s, or -1 if one is not a digit. */
static int digits(const char *s, int n) {
    int v = 0;
    for (int k = 0; k < n; k++) {
        unsigned c = (unsigned char)s[k] - '0';
        if (c > 9) return -1;
        v = v * 10 + (int)c;
    }
    return v;
}

int tg_date_parse_iso(const char *s, size_t n, int32_t *out) {
    if (n != 10 || s[4] != '-' || s[7] != '-') return -1;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 0 || m < 0 || d < 0 || !tg_date_valid(y, m, d)) return -1;
    *out = tg_date_from_ymd(y, m, d);
    return 0;
}
