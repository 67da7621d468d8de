/*
** tg_pgbin.c -- PostgreSQL's binary forms of numeric and timestamp values
** (see tg_pgbin.h): numeric through its decimal digits and strtod, so the
** double is the one nearest the value; timestamps as PostgreSQL's own ISO
** text, from microseconds since 2000-01-01.
*/
#include "tg_pgbin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_date.h"

#define USEC_DAY   86400000000LL
#define NUM_GROUPS 64 /* base-10000 digits of a numeric read into a double */

/* Whole when no decimals are shown and the digits reach the units. */
int tg_pgbin_numeric(const char *p, int len, int64_t *i, double *f) {
    if (len < 8) return -1;
    int nd = tg_pgbin_be16(p), weight = (int16_t)tg_pgbin_be16(p + 2), sign = tg_pgbin_be16(p + 4),
        dscale = tg_pgbin_be16(p + 6);
    if (len < 8 + 2 * nd) return -1;
    if (sign == 0xC000 || sign == 0xD000 || sign == 0xF000) {
        *f = sign == 0xC000 ? NAN : sign == 0xD000 ? INFINITY : -INFINITY;
        return 0;
    }
    int whole = dscale == 0 && weight >= nd - 1; /* avg()'s 2.0000 is not whole */
    uint64_t acc = 0;
    for (int k = 0; whole && k <= weight; k++) {
        uint64_t d = k < nd ? tg_pgbin_be16(p + 8 + 2 * k) : 0;
        if (acc > (UINT64_MAX - d) / 10000) whole = 0;
        else acc = acc * 10000 + d;
    }
    if (whole && nd == 0) acc = 0;
    if (whole && (sign ? acc <= (uint64_t)INT64_MAX + 1 : acc <= (uint64_t)INT64_MAX)) {
        *i = sign ? (int64_t)(0 - acc) : (int64_t)acc;
        return 1;
    }
    char buf[4 * NUM_GROUPS + 16], *q = buf;
    int use = nd < NUM_GROUPS ? nd : NUM_GROUPS;
    if (sign) *q++ = '-';
    for (int k = 0; k < use; k++) q += sprintf(q, "%04u", (unsigned)tg_pgbin_be16(p + 8 + 2 * k));
    sprintf(q, "0e%d", 4 * (weight - use + 1) - 1);
    *f = strtod(buf, NULL);
    return isinf(*f) ? 2 : 0;
}

int tg_pgbin_timestamp(int64_t us, const char *zone, char *buf) {
    int64_t day = us / USEC_DAY, rem = us % USEC_DAY;
    if (rem < 0) {
        rem += USEC_DAY;
        day--;
    }
    int64_t days = day + TG_PGBIN_EPOCH;
    if (days < INT32_MIN + 1 || days > INT32_MAX) return -1;
    int y = tg_date_year((int32_t)days);
    if (y < 1 || y > 9999) return -1;
    tg_date_format((int32_t)days, buf);
    int64_t s = rem / 1000000, frac = rem % 1000000;
    int n =
        sprintf(buf + 10, " %02d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
    if (frac) {
        char f[8];
        int k = 6;
        sprintf(f, "%06d", (int)frac);
        while (f[k - 1] == '0') k--;
        n += sprintf(buf + 10 + n, ".%.*s", k, f);
    }
    strcpy(buf + 10 + n, zone);
    return 0;
}
