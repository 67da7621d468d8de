/*
** tg_pgbin.h -- the binary forms in which PostgreSQL sends values (COPY
** BINARY, binary results): big-endian integers, numeric in base-10000
** digits, timestamps as microseconds since 2000-01-01, dates as days since
** then. Pure functions on borrowed bytes; no allocation. tg_pg decodes
** every value through these.
*/
#ifndef TG_PGBIN_H
#define TG_PGBIN_H

#include <stdint.h>

#define TG_PGBIN_EPOCH 10957 /* days from 1970-01-01 to 2000-01-01 */

static inline uint16_t tg_pgbin_be16(const char *p) {
    const unsigned char *u = (const unsigned char *)p;
    return (uint16_t)(u[0] << 8 | u[1]);
}

static inline uint32_t tg_pgbin_be32(const char *p) {
    const unsigned char *u = (const unsigned char *)p;
    return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}

static inline uint64_t tg_pgbin_be64(const char *p) {
    return (uint64_t)tg_pgbin_be32(p) << 32 | tg_pgbin_be32(p + 4);
}

static inline void tg_pgbin_put32(char *p, uint32_t v) {
    p[0] = (char)(v >> 24);
    p[1] = (char)(v >> 16);
    p[2] = (char)(v >> 8);
    p[3] = (char)v;
}

/* A numeric's binary form, p[0, len): ndigits, weight, sign, dscale (16
** bits each), then ndigits base-10000 digits, the first worth
** 10000^weight. Returns 1 with *i set when the value is whole and fits 64
** bits; 0 with *f set otherwise (the double nearest the value's leading
** 256 decimal digits; also for a whole value shown with decimals, as
** avg()'s 2.0000; NaN and +-Infinity as themselves); 2 when the value is
** beyond a double's range (1e400, which strtod would make infinity); -1
** when the bytes are malformed. */
int tg_pgbin_numeric(const char *p, int len, int64_t *i, double *f);

/* PostgreSQL's ISO text of the timestamp 'us' (microseconds since
** 2000-01-01) into buf (at least 48 bytes): "YYYY-MM-DD HH:MM:SS", the
** fraction without trailing zeros when there is one, then 'zone' ("" or
** "+00"). Returns 0, or -1 outside years 1..9999 (infinity included). */
int tg_pgbin_timestamp(int64_t us, const char *zone, char *buf);

#endif /* TG_PGBIN_H */
