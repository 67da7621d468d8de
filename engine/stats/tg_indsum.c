/*
** tg_indsum.c -- the terminal summary of an indicator document (see
** tg_indsum.h). It reads the parsed document only, so it works on any
** file a run wrote. Widths count code points, not bytes, so titles with
** æ, ø and å line up.
*/
#include "tg_indsum.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tg_collate.h"
#include "tg_enc.h"
#include "tg_fmt.h"
#include "tg_mem.h"
#include "tg_sbuf.h"

#define TITLE_W 56 /* code points of the title column */

/* Code points in s[0..n). */
static size_t width(const char *s, size_t n) {
    return tg_enc_utf8_len(s, n);
}

/* s cut to at most w code points ("…" marks a cut) and padded to w. */
static void put_cell(tg_sbuf *b, const char *s, size_t w) {
    size_t n = strlen(s), cw = width(s, n);
    if (w > 0 && cw > w) {
        size_t i = 0, k = 0;
        while (i < n && k < w - 1) {
            i++;
            while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
            k++;
        }
        tg_sbuf_add(b, s, i);
        tg_sbuf_add(b, "…", strlen("…"));
        return;
    }
    tg_sbuf_add(b, s, n);
    for (size_t k = cw; k < w; k++) tg_sbuf_add(b, " ", 1);
}

/* A number cell: s whole, padded to w, and at least one space after it. A
** figure is never cut ("+6,1 pp [+4,2; +8,1] fra 2023K2" may be wider
** than its column): the line is pushed right instead. */
static void put_figure(tg_sbuf *b, const char *s, size_t w) {
    size_t n = strlen(s), cw = width(s, n);
    tg_sbuf_add(b, s, n);
    for (size_t k = cw; k < w || k == cw; k++) tg_sbuf_add(b, " ", 1);
}

/* ---- numbers, Danish style ---- */

/* v in Danish form with 'dec' decimals (tg_fmt_da_typeset): "5.786,3",
** "−6,0", with 'sign' "+4,2"; "?" for a missing end of an interval. */
static void fmt_num(char out[TG_FMT_DA_TYPESET_MAX], double v, int dec, int sign) {
    if (!tg_fmt_da_typeset(v, dec, sign, out)) strcpy(out, "?");
}

/* The period value of a row as text. */
static void fmt_period(char *out, size_t cap, const tg_json *row, const char *key) {
    const tg_json *v = tg_json_get(row, key);
    tg_json_kind k = v ? tg_json_kind_of(v) : TG_JSON_NULL;
    if (k == TG_JSON_STRING) snprintf(out, cap, "%s", tg_json_str_value(v, NULL));
    else if (k == TG_JSON_INT) snprintf(out, cap, "%lld", (long long)tg_json_int_value(v));
    else if (k == TG_JSON_REAL) snprintf(out, cap, "%g", tg_json_real_value(v));
    else snprintf(out, cap, "–");
}

typedef struct style {
    double scale; /* proportions as per cent */
    int dec;
    const char *unit, *change_unit;
    int ratio; /* rates: the change is a ratio */
} style;

static style style_of(const tg_json *ind) {
    const char *kind = tg_json_str_at(ind, "kind");
    style s = { 1, 1, "", "", 0 };
    if (strcmp(kind, "proportion") == 0) {
        s.scale = 100;
        s.unit = " %";
        s.change_unit = " pp";
    } else if (strcmp(kind, "rate") == 0) {
        s.ratio = 1;
    }
    return s;
}

/* "41,0 % [39,6–42,4]" */
static void fmt_value(char *out, size_t cap, const style *s, double v, double lo, double hi) {
    char a[TG_FMT_DA_TYPESET_MAX], l[TG_FMT_DA_TYPESET_MAX], h[TG_FMT_DA_TYPESET_MAX];
    if (isnan(v)) {
        snprintf(out, cap, "(skjult)");
        return;
    }
    fmt_num(a, v * s->scale, s->dec, 0);
    fmt_num(l, lo * s->scale, s->dec, 0);
    fmt_num(h, hi * s->scale, s->dec, 0);
    snprintf(out, cap, "%s%s [%s–%s]", a, s->unit, isnan(lo) ? "?" : l, isnan(hi) ? "?" : h);
}

const char *tg_indsum_verdict_da(const char *code) {
    if (strcmp(code, "improved") == 0) return "forbedret";
    if (strcmp(code, "worse") == 0) return "forværret";
    if (strcmp(code, "no_clear_change") == 0) return "ingen klar ændring";
    return "ikke vurderet";
}

/* ---- lines ---- */

/* The series row of the verdict's latest period (ungrouped: the last). */
static const tg_json *latest_row(const tg_json *series) {
    size_t n = tg_json_len(series);
    return n ? tg_json_at(series, n - 1) : NULL;
}

/* "+6,1 pp [+4,2; +8,1] fra 2022" of verdict v; "" without a change. */
static void fmt_change(char *out, size_t cap, const style *s, const tg_json *v) {
    char a[TG_FMT_DA_TYPESET_MAX], l[TG_FMT_DA_TYPESET_MAX], h[TG_FMT_DA_TYPESET_MAX];
    char base[64];
    double k = s->ratio ? 1 : s->scale;
    const char *pre = s->ratio ? "×" : "";
    out[0] = '\0';
    if (!v || isnan(tg_json_num_at(v, "change"))) return;
    fmt_num(a, tg_json_num_at(v, "change") * k, s->ratio ? 2 : s->dec, !s->ratio);
    fmt_num(l, tg_json_num_at(v, "change_lo") * k, s->ratio ? 2 : s->dec, !s->ratio);
    fmt_num(h, tg_json_num_at(v, "change_hi") * k, s->ratio ? 2 : s->dec, !s->ratio);
    fmt_period(base, sizeof base, v, "baseline_period");
    snprintf(out, cap, "%s%s%s [%s; %s] fra %s", pre, a, s->change_unit, l, h, base);
}

static void line_single(tg_sbuf *b, const tg_json *ind, const style *s) {
    const tg_json *v = tg_json_at(tg_json_get(ind, "verdicts"), 0);
    const tg_json *row = latest_row(tg_json_get(ind, "series"));
    const char *period = tg_json_str_at(ind, "period");
    char per[64] = "–", val[300] = "", chg[400];

    if (row) {
        fmt_period(per, sizeof per, row, period);
        fmt_value(val, sizeof val, s, tg_json_num_at(row, "value"), tg_json_num_at(row, "lo"),
                  tg_json_num_at(row, "hi"));
    }
    fmt_change(chg, sizeof chg, s, v);
    tg_sbuf_add(b, "  ", 2);
    put_cell(b, tg_json_str_at(ind, "title"), TITLE_W);
    tg_sbuf_add(b, " ", 1);
    put_figure(b, per, 8);
    put_figure(b, val, 24);
    put_figure(b, chg, 34);
    put_cell(b, v ? tg_indsum_verdict_da(tg_json_str_at(v, "verdict")) : "ikke vurderet", 0);
    tg_sbuf_add(b, "\n", 1);
}

/* The latest period over all rows (groups end at different periods):
** numbers compare as numbers, text (quarters, months, dates) as text. */
static const tg_json *latest_of(const tg_json *series, const char *key) {
    const tg_json *best = NULL;
    for (size_t i = 0; i < tg_json_len(series); i++) {
        const tg_json *row = tg_json_at(series, i);
        const tg_json *v = tg_json_get(row, key), *w = best ? tg_json_get(best, key) : NULL;
        int later;
        if (!v) continue;
        if (!w) later = 1;
        else if (tg_json_kind_of(v) == TG_JSON_STRING && tg_json_kind_of(w) == TG_JSON_STRING)
            later = strcmp(tg_json_str_value(v, NULL), tg_json_str_value(w, NULL)) > 0;
        else later = tg_json_real_value(v) > tg_json_real_value(w);
        if (later) best = row;
    }
    return best;
}

static void line_grouped(tg_sbuf *b, const tg_json *ind) {
    const tg_json *vs = tg_json_get(ind, "verdicts"), *series = tg_json_get(ind, "series");
    static const char *const codes[] = { "improved", "no_clear_change", "worse", "not_judged" };
    size_t count[4] = { 0 }, flags = 0, all_flags = 0, n = tg_json_len(vs);
    char per[64] = "–", text[256];
    const tg_json *last = latest_of(series, tg_json_str_at(ind, "period"));

    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 4; k++)
            if (strcmp(tg_json_str_at(tg_json_at(vs, i), "verdict"), codes[k]) == 0) count[k]++;
    if (last) fmt_period(per, sizeof per, last, tg_json_str_at(ind, "period"));
    /* Flags count in the latest period only: that is what needs action. */
    for (size_t i = 0; i < tg_json_len(series); i++) {
        const tg_json *row = tg_json_at(series, i);
        char p[64];
        fmt_period(p, sizeof p, row, tg_json_str_at(ind, "period"));
        int flag = tg_json_bool_value(tg_json_get(row, "flag"));
        all_flags += (size_t)flag;
        if (strcmp(p, per) == 0 && flag) flags++;
    }
    if (tg_json_bool_value(tg_json_get(ind, "census")))
        snprintf(text, sizeof text, "%zu %s (optælling, ikke vurderet)", n,
                 n == 1 ? "gruppe" : "grupper");
    else
        snprintf(text, sizeof text,
                 "%zu %s: %zu forbedret, %zu ingen klar ændring, %zu forværret, "
                 "%zu ikke vurderet",
                 n, n == 1 ? "gruppe" : "grupper", count[0], count[1], count[2], count[3]);
    tg_sbuf_add(b, "  ", 2);
    put_cell(b, tg_json_str_at(ind, "title"), TITLE_W);
    tg_sbuf_add(b, " ", 1);
    put_figure(b, per, 8);
    tg_sbuf_add(b, text, strlen(text));
    if (tg_json_len(series) > 0 && tg_json_get(tg_json_at(series, 0), "flag"))
        tg_sbuf_printf(b, "; %zu markeret i %s (%zu i alt)", flags, per, all_flags);
    tg_sbuf_add(b, "\n", 1);
}

/* The label of verdict row v: the values of the 'by' keys, " / " between. */
static void group_label(const tg_json *v, const tg_json *by, char *label, size_t cap) {
    char part[64];
    label[0] = '\0';
    for (size_t k = 0; k < tg_json_len(by); k++) {
        fmt_period(part, sizeof part, v, tg_json_str_value(tg_json_at(by, k), NULL));
        size_t used = strlen(label);
        snprintf(label + used, cap - used, "%s%s", k ? " / " : "", part);
    }
}

#define LABEL_CAP 256

/* One line per group under a grouped indicator (tegn summary --groups):
** the group's keys, its latest period and value, the change since its
** baseline and its verdict; the groups in Danish order (Æ, Ø, Å after Z,
** tg_collate), since people read them. */
static void lines_per_group(tg_sbuf *b, const tg_json *ind, const style *s) {
    const tg_json *vs = tg_json_get(ind, "verdicts"), *by = tg_json_get(ind, "by");
    size_t n = tg_json_len(vs);
    char *labels = tg_malloc((n ? n : 1) * LABEL_CAP);
    const char **ptr = tg_malloc((n ? n : 1) * sizeof *ptr);
    size_t *len = tg_malloc((n ? n : 1) * sizeof *len),
           *order = tg_malloc((n ? n : 1) * sizeof *order);
    uint32_t *rank = tg_malloc((n ? n : 1) * sizeof *rank);
    if (!labels || !ptr || !len || !order || !rank) {
        b->oom = 1;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        group_label(tg_json_at(vs, i), by, labels + i * LABEL_CAP, LABEL_CAP);
        ptr[i] = labels + i * LABEL_CAP;
        len[i] = strlen(ptr[i]);
        order[i] = i;
    }
    if (tg_collate_ranks("da", ptr, len, n, rank, NULL) == TG_OK)
        for (size_t i = 0; i < n; i++) order[rank[i]] = i;
    for (size_t j = 0; j < n; j++) {
        const tg_json *v = tg_json_at(vs, order[j]);
        char per[64], val[TG_FMT_DA_TYPESET_MAX] = "", chg[400];
        fmt_period(per, sizeof per, v, "latest_period");
        double latest = tg_json_num_at(v, "latest_value");
        if (!isnan(latest)) {
            fmt_num(val, latest * s->scale, s->dec, 0);
            strncat(val, s->unit, sizeof val - strlen(val) - 1);
        }
        fmt_change(chg, sizeof chg, s, v);
        tg_sbuf_add(b, "    ", 4);
        put_cell(b, ptr[order[j]], TITLE_W - 2);
        tg_sbuf_add(b, " ", 1);
        put_figure(b, per, 8);
        put_figure(b, val, 24);
        put_figure(b, chg, 34);
        put_cell(b, tg_indsum_verdict_da(tg_json_str_at(v, "verdict")), 0);
        tg_sbuf_add(b, "\n", 1);
    }
done:
    tg_free(labels);
    tg_free(ptr);
    tg_free(len);
    tg_free(order);
    tg_free(rank);
}

const char *tg_indsum_strategy_name(const char *code) {
    if (strcmp(code, "kbh") == 0) return "Københavns Kommune, socialstrategien";
    if (strcmp(code, "regionh") == 0)
        return "Region Hovedstaden, Den Sociale Virksomhed: Rammer og Retning";
    if (strcmp(code, "regsj") == 0) return "Region Sjælland, strategi 2025–2028";
    return NULL;
}

/* ---- the document's shape ---- */

static int is_kind(const tg_json *v, tg_json_kind k) {
    return v && tg_json_kind_of(v) == k;
}

/* 1 when 'key' of 'ind' is a list whose items are all objects; 'optional'
** lets it be absent (or null). */
static int list_of_objects(const tg_json *ind, const char *key, int optional) {
    const tg_json *v = tg_json_get(ind, key);
    if (!v || tg_json_kind_of(v) == TG_JSON_NULL) return optional;
    if (tg_json_kind_of(v) != TG_JSON_ARRAY) return 0;
    for (size_t i = 0; i < tg_json_len(v); i++)
        if (!is_kind(tg_json_at(v, i), TG_JSON_OBJECT)) return 0;
    return 1;
}

int tg_indsum_check(const tg_json *doc, char *why, size_t cap) {
    assert(doc != NULL && why != NULL && cap > 0);
    const tg_json *list = tg_json_get(doc, "indicators");
    static const char *const lists[] = { "series", "verdicts" };

    if (!is_kind(list, TG_JSON_ARRAY)) {
        snprintf(why, cap, "no \"indicators\" list");
        return 0;
    }
    for (size_t i = 0; i < tg_json_len(list); i++) {
        const tg_json *ind = tg_json_at(list, i);
        const tg_json *by = is_kind(ind, TG_JSON_OBJECT) ? tg_json_get(ind, "by") : NULL;
        if (!is_kind(ind, TG_JSON_OBJECT) || !is_kind(tg_json_get(ind, "title"), TG_JSON_STRING)) {
            snprintf(why, cap, "indicators[%zu] is not an indicator (no \"title\")", i + 1);
            return 0;
        }
        for (size_t k = 0; k < 2; k++)
            if (!list_of_objects(ind, lists[k], 0)) {
                snprintf(why, cap, "indicators[%zu] (%s): \"%s\" is not a list of rows", i + 1,
                         tg_json_str_at(ind, "title"), lists[k]);
                return 0;
            }
        if (by && !is_kind(by, TG_JSON_ARRAY) && !is_kind(by, TG_JSON_NULL)) {
            snprintf(why, cap, "indicators[%zu] (%s): \"by\" is not a list", i + 1,
                     tg_json_str_at(ind, "title"));
            return 0;
        }
    }
    return 1;
}

char *tg_indsum_format(const tg_json *doc) {
    return tg_indsum_format_groups(doc, 0);
}

char *tg_indsum_format_groups(const tg_json *doc, int groups) {
    assert(doc != NULL);
    const tg_json *list = tg_json_get(doc, "indicators");
    tg_sbuf b = { NULL, 0, 0, 0 };
    const char *shown = NULL;
    char why[16];

    if (!tg_indsum_check(doc, why, sizeof why)) return NULL;
    size_t n = tg_json_len(list);
    tg_sbuf_printf(
        &b, "tegn på succes: %zu %s (KI: konfidensinterval, 95 %% medmindre andet er valgt)\n", n,
        n == 1 ? "indikator" : "indikatorer");
    for (size_t i = 0; i < n; i++) {
        const tg_json *ind = tg_json_at(list, i);
        const char *strategy = tg_json_str_at(ind, "strategy");
        style s = style_of(ind);
        if (!shown || strcmp(shown, strategy) != 0) {
            const char *name = tg_indsum_strategy_name(strategy);
            if (name) tg_sbuf_printf(&b, "\n%s (%s)\n  ", name, strategy);
            else tg_sbuf_printf(&b, "\n%s\n  ", strategy);
            put_cell(&b, "Indikator", TITLE_W);
            tg_sbuf_add(&b, " ", 1);
            put_cell(&b, "Seneste", 8);
            put_cell(&b, "Værdi [KI]", 24);
            put_cell(&b, "Ændring [KI] siden basis", 34);
            tg_sbuf_add(&b, "Vurdering\n", 10);
            shown = strategy;
        }
        const tg_json *by = tg_json_get(ind, "by");
        if (by && tg_json_len(by) > 0) {
            line_grouped(&b, ind);
            if (groups) lines_per_group(&b, ind, &s);
        } else {
            line_single(&b, ind, &s);
        }
    }
    if (b.oom) {
        tg_free(b.p);
        return NULL;
    }
    return b.p;
}
