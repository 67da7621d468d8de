/*
** tg_rnum.c -- the report's words and numbers (see tg_rnum.h).
*/
#include "tg_rnum.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tg_fmt.h"

#define NUM_MAX TG_FMT_DA_TYPESET_MAX

tg_rnum tg_rnum_of(const tg_json *ind) {
    const char *kind = tg_json_str_at(ind, "kind"), *unit = tg_json_str_at(ind, "unit");
    tg_rnum s = { 1, 1, "", "", 0 };
    if (strcmp(kind, "proportion") == 0) {
        s.scale = 100;
        s.suffix = " %";
        s.change_suffix = " pp";
    } else if (strncmp(unit, "kr", 2) == 0) {
        s.dec = 0;
        s.suffix = s.change_suffix = " kr.";
    }
    if (strcmp(kind, "rate") == 0) s.ratio = 1;
    return s;
}

void tg_rnum_value(const tg_rnum *s, double v, char *buf) {
    char num[NUM_MAX];
    if (!tg_fmt_da_typeset(v * s->scale, s->dec, 0, num)) {
        buf[0] = '\0';
        return;
    }
    snprintf(buf, TG_RNUM_MAX, "%s%s", num, s->suffix);
}

void tg_rnum_change(const tg_rnum *s, double v, char *buf) {
    char num[NUM_MAX];
    if (s->ratio) {
        if (!tg_fmt_da_typeset(v, 2, 0, num)) buf[0] = '\0';
        else snprintf(buf, TG_RNUM_MAX, "×%s", num);
        return;
    }
    if (!tg_fmt_da_typeset(v * s->scale, s->dec, 1, num)) buf[0] = '\0';
    else snprintf(buf, TG_RNUM_MAX, "%s%s", num, s->change_suffix);
}

void tg_rnum_tick(const tg_rnum *s, double v, int dec, char *buf) {
    char num[NUM_MAX];
    tg_fmt_da_typeset(v, dec, 0, num);
    snprintf(buf, TG_RNUM_MAX, "%s%s", num, s->suffix);
}

static const char *const months[] = { "januar",    "februar", "marts",    "april",
                                      "maj",       "juni",    "juli",     "august",
                                      "september", "oktober", "november", "december" };

/* The digits s[0..n) as a number, or -1 when one of them is not a digit. */
static int digits(const char *s, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* A period string in Danish words: "2021K4" as "4. kvt. 2021", "2024-03"
** as "marts 2024", "2026-12-07" as "7. december 2026" (no leading zero, as
** Danish writes dates); anything else as it is. 1 when it was one of them. */
static int period_da(const char *s, char *buf) {
    size_t n = strlen(s);
    int y = digits(s, 4), m = n >= 7 && s[4] == '-' ? digits(s + 5, 2) : -1;
    if (y < 0) return 0;
    if (n == 6 && s[4] == 'K' && s[5] >= '1' && s[5] <= '4') {
        snprintf(buf, TG_RNUM_MAX, "%c. kvt. %d", s[5], y);
        return 1;
    }
    if (m < 1 || m > 12) return 0;
    if (n == 7) {
        snprintf(buf, TG_RNUM_MAX, "%s %d", months[m - 1], y);
        return 1;
    }
    int d = n == 10 && s[7] == '-' ? digits(s + 8, 2) : -1;
    if (d < 1 || d > 31) return 0;
    snprintf(buf, TG_RNUM_MAX, "%d. %s %d", d, months[m - 1], y);
    return 1;
}

void tg_rnum_time(const char *iso, char *buf) {
    char day[TG_RNUM_MAX], date[11];
    size_t n = strlen(iso);
    snprintf(date, sizeof date, "%.10s", iso);
    if (n == 20 && iso[10] == 'T' && iso[13] == ':' && iso[16] == ':' && iso[19] == 'Z' &&
        digits(iso + 11, 2) >= 0 && digits(iso + 14, 2) >= 0 && digits(iso + 17, 2) >= 0 &&
        period_da(date, day) && strchr(day, '.'))
        snprintf(buf, TG_RNUM_MAX, "%.40s kl. %.2s.%.2s.%.2s UTC", day, iso + 11, iso + 14,
                 iso + 17);
    else snprintf(buf, TG_RNUM_MAX, "%s", iso);
}

void tg_rnum_period(const tg_json *row, const char *key, char *buf) {
    tg_rnum_period_of(tg_rnum_get(row, key), buf);
}

void tg_rnum_period_of(const tg_json *v, char *buf) {
    tg_json_kind k = v ? tg_json_kind_of(v) : TG_JSON_NULL;
    if (k == TG_JSON_STRING) {
        const char *s = tg_json_str_value(v, NULL);
        if (!period_da(s, buf)) snprintf(buf, TG_RNUM_MAX, "%s", s);
    } else if (k == TG_JSON_INT) {
        tg_fmt_int64(tg_json_int_value(v), buf);
    } else if (k == TG_JSON_REAL) {
        char num[TG_FMT_DOUBLE_MAX];
        tg_fmt_double(tg_json_real_value(v), -1, 0, num);
        snprintf(buf, TG_RNUM_MAX, "%s", num);
    } else {
        snprintf(buf, TG_RNUM_MAX, "–");
    }
}

const tg_json *tg_rnum_get(const tg_json *obj, const char *key) {
    return obj ? tg_json_get(obj, key) : NULL;
}

size_t tg_rnum_len(const tg_json *v) {
    return v ? tg_json_len(v) : 0;
}

const tg_json *tg_rnum_at(const tg_json *v, size_t i) {
    return v ? tg_json_at(v, i) : NULL;
}

int tg_rnum_is_set(const tg_json *v) {
    return v && tg_json_kind_of(v) != TG_JSON_NULL;
}
