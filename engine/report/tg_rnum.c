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

void tg_rnum_period(const tg_json *row, const char *key, char *buf) {
    const tg_json *v = tg_rnum_get(row, key);
    tg_json_kind k = v ? tg_json_kind_of(v) : TG_JSON_NULL;
    if (k == TG_JSON_STRING) {
        snprintf(buf, TG_RNUM_MAX, "%s", tg_json_str_value(v, NULL));
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
