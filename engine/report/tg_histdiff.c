/*
** tg_histdiff.c -- the changes between two recorded runs (see
** tg_histdiff.h). The snapshots come sorted by byte order (indicator,
** group, period), so each kind is one merge walk and the changes come out
** already in the order they are shown. A revision is judged on the shown
** figure (tg_rnum: 41,0 %), so noise below the rounding never alerts.
*/
#include "tg_histdiff.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tg_fmt.h"
#include "tg_indsum.h"
#include "tg_mem.h"
#include "tg_rnum.h"
#include "tg_sbuf.h"

static const char *const kind_names[TG_HD_KINDS] = { "verdict", "revision", "group", "indicator",
                                                     "input" };

const char *tg_histdiff_kind_name(tg_histdiff_kind k) {
    return k < TG_HD_KINDS ? kind_names[k] : "?";
}

void tg_histdiff_opts_init(tg_histdiff_opts *o) {
    o->row_drop = 0.1;
}

int tg_histdiff_parse_kinds(const char *list) {
    int mask = 0;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        int found = 0;
        if (n == 3 && strncmp(p, "all", 3) == 0) {
            mask |= (1 << TG_HD_KINDS) - 1;
            found = 1;
        }
        for (int k = 0; k < TG_HD_KINDS && !found; k++)
            if (strlen(kind_names[k]) == n && strncmp(p, kind_names[k], n) == 0) {
                mask |= 1 << k;
                found = 1;
            }
        if (!found) return -1;
        p += n;
        if (*p == ',') p++;
    }
    return mask ? mask : -1;
}

int tg_histdiff_any(const tg_histdiff *d, int mask) {
    for (int k = 0; k < TG_HD_KINDS; k++)
        if ((mask & (1 << k)) && d->counts[k]) return 1;
    return 0;
}

/* ---- building ---- */

struct build {
    tg_histdiff *d;
    size_t cap;
    int oom;
};

static tg_histdiff_change *add(struct build *b, tg_histdiff_kind kind, const char *what) {
    if (b->oom) return NULL;
    if (b->d->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 32;
        tg_histdiff_change *p = tg_realloc(b->d->changes, cap * sizeof *p);
        if (!p) {
            b->oom = 1;
            return NULL;
        }
        b->d->changes = p;
        b->cap = cap;
    }
    tg_histdiff_change *c = &b->d->changes[b->d->n++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->what = what;
    c->from = c->to = NAN;
    b->d->counts[kind]++;
    return c;
}

static const tg_hist_indicator *find_indicator(const tg_hist_snap *s, const char *id) {
    size_t lo = 0, hi = s->n_indicators;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->indicators[mid].id, id);
        if (c == 0) return &s->indicators[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

static int cmp_group(const char *ia, const char *ga, const char *ib, const char *gb) {
    int c = strcmp(ia, ib);
    return c ? c : strcmp(ga, gb);
}

/* 1 when 's' has a series value of indicator 'ind', group 'grp'. */
static int has_group(const tg_hist_snap *s, const char *ind, const char *grp) {
    size_t lo = 0, hi = s->n_values;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_group(s->values[mid].indicator, s->values[mid].grp, ind, grp);
        if (c == 0) return 1;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

static void verdicts(struct build *b, const tg_hist_snap *a, const tg_hist_snap *s) {
    size_t i = 0, j = 0;
    while (i < a->n_verdicts && j < s->n_verdicts) {
        const tg_hist_verdict *x = &a->verdicts[i], *y = &s->verdicts[j];
        int c = cmp_group(x->indicator, x->grp, y->indicator, y->grp);
        if (c == 0 && strcmp(x->verdict, y->verdict) != 0) {
            tg_histdiff_change *ch = add(b, TG_HD_VERDICT, "changed");
            if (ch) {
                ch->indicator = y->indicator;
                ch->group = y->grp;
                ch->from_s = x->verdict;
                ch->to_s = y->verdict;
            }
        }
        i += c <= 0;
        j += c >= 0;
    }
}

/* The figure a reader sees for 'v' of indicator 'ind' (41,0 %), in the
** report's style (tg_rnum_of reads it from kind and unit); out of memory
** sets b->oom. */
static void shown(struct build *b, const tg_hist_indicator *ind, double v, char *buf, size_t size) {
    tg_json *o = tg_json_object();
    char text[TG_RNUM_MAX];
    tg_rnum style;
    tg_status st = o ? tg_json_set_take(o, "kind", tg_json_str(ind->kind, strlen(ind->kind)), NULL)
                     : TG_ENOMEM;
    if (st == TG_OK && ind->unit)
        st = tg_json_set_take(o, "unit", tg_json_str(ind->unit, strlen(ind->unit)), NULL);
    if (st != TG_OK) b->oom = 1;
    style = tg_rnum_of(o);
    tg_json_free(o);
    tg_rnum_value(&style, v, text);
    const char *t = text[0] ? text : "–";
    size_t n = strlen(t) < size ? strlen(t) : size - 1; /* a value is far shorter */
    memcpy(buf, t, n);
    buf[n] = '\0';
}

static int cmp_value(const tg_hist_value *x, const tg_hist_value *y) {
    int c = cmp_group(x->indicator, x->grp, y->indicator, y->grp);
    return c ? c : strcmp(x->period, y->period);
}

/* A value in both runs: revised, (un)suppressed, or the same figure. */
static void compare_value(struct build *b, const tg_hist_snap *s, const tg_hist_value *x,
                          const tg_hist_value *y) {
    const tg_hist_indicator *ind = find_indicator(s, y->indicator);
    char from[64], to[64];
    const char *what = NULL;
    if (!ind) return;
    shown(b, ind, x->value, from, sizeof from);
    shown(b, ind, y->value, to, sizeof to);
    if (x->suppressed != y->suppressed) what = x->suppressed ? "unsuppressed" : "suppressed";
    else if (!x->suppressed && strcmp(from, to) != 0) what = "revised";
    if (!what) return;
    tg_histdiff_change *ch = add(b, TG_HD_REVISION, what);
    if (!ch) return;
    ch->indicator = y->indicator;
    ch->group = y->grp;
    ch->period = y->period;
    ch->from = x->suppressed ? NAN : x->value;
    ch->to = y->suppressed ? NAN : y->value;
    snprintf(ch->shown[0], sizeof ch->shown[0], "%s", x->suppressed ? "skjult" : from);
    snprintf(ch->shown[1], sizeof ch->shown[1], "%s", y->suppressed ? "skjult" : to);
}

static void revisions(struct build *b, const tg_hist_snap *a, const tg_hist_snap *s) {
    size_t i = 0, j = 0;
    while (i < a->n_values) {
        const tg_hist_value *x = &a->values[i], *y = j < s->n_values ? &s->values[j] : NULL;
        int c = y ? cmp_value(x, y) : -1;
        if (c == 0) compare_value(b, s, x, y);
        else if (c < 0 && has_group(s, x->indicator, x->grp)) {
            tg_histdiff_change *ch = add(b, TG_HD_REVISION, "period_removed");
            if (ch) {
                ch->indicator = x->indicator;
                ch->group = x->grp;
                ch->period = x->period;
                ch->from = x->suppressed ? NAN : x->value;
                const tg_hist_indicator *ind = find_indicator(a, x->indicator);
                if (ind && !x->suppressed)
                    shown(b, ind, x->value, ch->shown[0], sizeof ch->shown[0]);
                else snprintf(ch->shown[0], sizeof ch->shown[0], "skjult");
            }
        }
        i += c <= 0;
        j += c >= 0;
    }
}

/* The next distinct (indicator, group) at or after *i in s's values. */
static const tg_hist_value *next_group(const tg_hist_snap *s, size_t *i) {
    if (*i >= s->n_values) return NULL;
    const tg_hist_value *v = &s->values[*i];
    while (*i < s->n_values &&
           cmp_group(s->values[*i].indicator, s->values[*i].grp, v->indicator, v->grp) == 0)
        ++*i;
    return v;
}

static void group_change(struct build *b, const tg_hist_snap *other, const tg_hist_value *v,
                         const char *what) {
    if (!v->grp[0] || !find_indicator(other, v->indicator)) return;
    tg_histdiff_change *ch = add(b, TG_HD_GROUP, what);
    if (ch) {
        ch->indicator = v->indicator;
        ch->group = v->grp;
    }
}

static void groups(struct build *b, const tg_hist_snap *a, const tg_hist_snap *s) {
    size_t i = 0, j = 0;
    const tg_hist_value *x = next_group(a, &i), *y = next_group(s, &j);
    while (x || y) {
        int c = !x ? 1 : !y ? -1 : cmp_group(x->indicator, x->grp, y->indicator, y->grp);
        if (c < 0) group_change(b, s, x, "removed");
        if (c > 0) group_change(b, a, y, "added");
        if (c <= 0) x = next_group(a, &i);
        if (c >= 0) y = next_group(s, &j);
    }
}

static void indicators(struct build *b, const tg_hist_snap *a, const tg_hist_snap *s) {
    size_t i = 0, j = 0;
    while (i < a->n_indicators || j < s->n_indicators) {
        const tg_hist_indicator *x = i < a->n_indicators ? &a->indicators[i] : NULL;
        const tg_hist_indicator *y = j < s->n_indicators ? &s->indicators[j] : NULL;
        int c = !x ? 1 : !y ? -1 : strcmp(x->id, y->id);
        if (c != 0) {
            tg_histdiff_change *ch = add(b, TG_HD_INDICATOR, c < 0 ? "removed" : "added");
            if (ch) {
                ch->indicator = c < 0 ? x->id : y->id;
                ch->to_s = c < 0 ? x->title : y->title;
            }
        }
        i += c <= 0;
        j += c >= 0;
    }
}

/* ---- inputs ---- */

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int same_query(const tg_hist_input *x, const tg_hist_input *y) {
    return !x->query == !y->query && (!x->query || strcmp(x->query, y->query) == 0);
}

/* The input of 's' that is 'in' of the other run: the same path and
** query, else the only one with the same file name and query (the run
** read a copy of the datasets folder). */
static const tg_hist_input *match_input(const tg_hist_snap *s, const tg_hist_input *in) {
    const tg_hist_input *by_name = NULL;
    int named = 0;
    for (size_t k = 0; k < s->n_inputs; k++) {
        if (!same_query(in, &s->inputs[k])) continue;
        if (strcmp(s->inputs[k].path, in->path) == 0) return &s->inputs[k];
        if (strcmp(base_name(s->inputs[k].path), base_name(in->path)) == 0) {
            by_name = &s->inputs[k];
            named++;
        }
    }
    return named == 1 ? by_name : NULL;
}

static int col_index(const tg_hist_input *in, const char *name) {
    for (size_t k = 0; k < in->n_cols; k++)
        if (strcmp(in->col_names[k], name) == 0) return (int)k;
    return -1;
}

static void column_change(struct build *b, const tg_hist_input *in, const char *what,
                          const char *from, const char *to, const char *column) {
    tg_histdiff_change *ch = add(b, TG_HD_INPUT, what);
    if (ch) {
        ch->input = in->path;
        ch->period = column; /* the column a change is about */
        ch->from_s = from;
        ch->to_s = to;
    }
}

/* Columns: the same name retyped; a column gone where another came at the
** same place is a rename; the rest were removed or added. */
static void columns(struct build *b, const tg_hist_input *x, const tg_hist_input *y) {
    for (size_t k = 0; k < x->n_cols; k++) {
        int at = col_index(y, x->col_names[k]);
        if (at >= 0 && strcmp(x->col_types[k], y->col_types[at]) != 0)
            column_change(b, y, "column_retyped", x->col_types[k], y->col_types[at],
                          x->col_names[k]);
        else if (at < 0 && k < y->n_cols && col_index(x, y->col_names[k]) < 0)
            column_change(b, y, "column_renamed", x->col_names[k], y->col_names[k],
                          y->col_names[k]);
        else if (at < 0)
            column_change(b, y, "column_removed", x->col_names[k], NULL, x->col_names[k]);
    }
    for (size_t k = 0; k < y->n_cols; k++)
        if (col_index(x, y->col_names[k]) < 0 &&
            !(k < x->n_cols && col_index(y, x->col_names[k]) < 0))
            column_change(b, y, "column_added", NULL, y->col_names[k], y->col_names[k]);
}

static void inputs(struct build *b, const tg_hist_snap *a, const tg_hist_snap *s,
                   const tg_histdiff_opts *o) {
    for (size_t k = 0; k < a->n_inputs; k++) {
        const tg_hist_input *x = &a->inputs[k], *y = match_input(s, x);
        tg_histdiff_change *ch;
        if (!y) {
            if ((ch = add(b, TG_HD_INPUT, "input_removed"))) ch->input = x->path;
            continue;
        }
        if ((double)y->rows < (double)x->rows * (1 - o->row_drop) &&
            (ch = add(b, TG_HD_INPUT, "rows_fell"))) {
            ch->input = y->path;
            ch->from = (double)x->rows;
            ch->to = (double)y->rows;
        }
        columns(b, x, y);
    }
    for (size_t k = 0; k < s->n_inputs; k++) {
        tg_histdiff_change *ch;
        if (!match_input(a, &s->inputs[k]) && (ch = add(b, TG_HD_INPUT, "input_added")))
            ch->input = s->inputs[k].path;
    }
}

tg_histdiff *tg_histdiff_compute(const tg_hist_snap *a, const tg_hist_snap *s,
                                 const tg_histdiff_opts *o) {
    struct build b = { tg_calloc(1, sizeof *b.d), 0, 0 };
    tg_histdiff_opts def;
    assert(a != NULL && s != NULL);
    if (!b.d) return NULL;
    if (!o) {
        tg_histdiff_opts_init(&def);
        o = &def;
    }
    b.d->a = &a->run;
    b.d->b = &s->run;
    verdicts(&b, a, s);
    revisions(&b, a, s);
    groups(&b, a, s);
    indicators(&b, a, s);
    inputs(&b, a, s, o);
    if (b.oom) {
        tg_histdiff_free(b.d);
        return NULL;
    }
    return b.d;
}

void tg_histdiff_free(tg_histdiff *d) {
    if (!d) return;
    tg_free(d->changes);
    tg_free(d);
}

/* ---- Danish text ---- */

static const char *const headings[TG_HD_KINDS] = {
    "Vurderinger, der har skiftet",
    "Reviderede tidligere perioder",
    "Grupper, der er kommet til eller forsvundet",
    "Indikatorer, der er tilføjet eller fjernet",
    "Inddata, der er ændret",
};

/* "kbh.ensomhed", "regionh.belaegning [DSV-05]", then the period. */
static void put_where(tg_sbuf *t, const tg_histdiff_change *c) {
    tg_sbuf_cat(t, "  ", c->indicator, NULL);
    if (c->group && c->group[0]) tg_sbuf_cat(t, " [", c->group, "]", NULL);
    if (c->period) tg_sbuf_cat(t, " ", c->period, NULL);
    tg_sbuf_str(t, ": ");
}

static void put_input(tg_sbuf *t, const tg_histdiff_change *c) {
    char from[TG_FMT_DA_MAX], to[TG_FMT_DA_MAX], pct[TG_FMT_DA_MAX];
    const char *w = c->what;
    tg_sbuf_cat(t, "  ", c->input, ": ", NULL);
    if (strcmp(w, "rows_fell") == 0) {
        tg_fmt_da(c->from, 0, from);
        tg_fmt_da(c->to, 0, to);
        tg_fmt_da(c->from > 0 ? 100 * (c->from - c->to) / c->from : 0, 1, pct);
        tg_sbuf_cat(t, "rækker faldet fra ", from, " til ", to, " (−", pct, " %)", NULL);
    } else if (strcmp(w, "column_renamed") == 0) {
        tg_sbuf_cat(t, "kolonnen »", c->from_s, "« hedder nu »", c->to_s, "«", NULL);
    } else if (strcmp(w, "column_retyped") == 0) {
        tg_sbuf_cat(t, "kolonnen »", c->period, "« er nu ", c->to_s, " (var ", c->from_s, ")",
                    NULL);
    } else if (strcmp(w, "column_removed") == 0) {
        tg_sbuf_cat(t, "kolonnen »", c->from_s, "« er væk", NULL);
    } else if (strcmp(w, "column_added") == 0) {
        tg_sbuf_cat(t, "ny kolonne »", c->to_s, "«", NULL);
    } else if (strcmp(w, "input_removed") == 0) {
        tg_sbuf_str(t, "læses ikke længere");
    } else {
        tg_sbuf_str(t, "læses nu (nyt inddata)");
    }
    tg_sbuf_str(t, "\n");
}

static void put_change(tg_sbuf *t, const tg_histdiff_change *c) {
    switch (c->kind) {
    case TG_HD_VERDICT:
        put_where(t, c);
        tg_sbuf_cat(t, tg_indsum_verdict_da(c->from_s), " → ", tg_indsum_verdict_da(c->to_s), "\n",
                    NULL);
        break;
    case TG_HD_REVISION:
        put_where(t, c);
        if (strcmp(c->what, "period_removed") == 0)
            tg_sbuf_cat(t, "perioden er væk (var ", c->shown[0], ")\n", NULL);
        else tg_sbuf_cat(t, c->shown[0], " → ", c->shown[1], "\n", NULL);
        break;
    case TG_HD_GROUP:
        tg_sbuf_cat(t, "  ", c->indicator, ": ", c->group,
                    strcmp(c->what, "removed") == 0 ? " er forsvundet\n" : " er kommet til\n",
                    NULL);
        break;
    case TG_HD_INDICATOR:
        tg_sbuf_cat(t, "  ", c->indicator,
                    strcmp(c->what, "removed") == 0 ? " er fjernet" : " er tilføjet", NULL);
        if (c->to_s && c->to_s[0]) tg_sbuf_cat(t, " (", c->to_s, ")", NULL);
        tg_sbuf_str(t, "\n");
        break;
    default: put_input(t, c); break;
    }
}

char *tg_histdiff_text(const tg_histdiff *d) {
    tg_sbuf t = { 0 };
    assert(d != NULL);
    tg_sbuf_printf(&t, "Kørsel %lld (%s) sammenlignet med kørsel %lld (%s), %s:\n",
                   (long long)d->b->id, d->b->started_at, (long long)d->a->id, d->a->started_at,
                   d->b->script);
    if (d->n == 0) tg_sbuf_str(&t, "Ingen ændringer.\n");
    for (int k = 0; k < TG_HD_KINDS; k++) {
        if (!d->counts[k]) continue;
        tg_sbuf_printf(&t, "\n%s (%zu):\n", headings[k], d->counts[k]);
        for (size_t i = 0; i < d->n; i++)
            if (d->changes[i].kind == (tg_histdiff_kind)k) put_change(&t, &d->changes[i]);
    }
    if (t.oom) {
        tg_free(t.p);
        return NULL;
    }
    return t.p;
}

/* ---- JSON ---- */

static tg_status set_s(tg_json *o, const char *key, const char *s) {
    return tg_json_set_take(o, key, s ? tg_json_str(s, strlen(s)) : tg_json_null(), NULL);
}

static tg_status set_n(tg_json *o, const char *key, double v) {
    return tg_json_set_take(o, key, isnan(v) ? tg_json_null() : tg_json_real(v, -1), NULL);
}

static tg_json *run_json(const tg_hist_run *r) {
    tg_json *o = tg_json_object();
    tg_status st = o ? tg_json_set_take(o, "run", tg_json_int(r->id), NULL) : TG_ENOMEM;
    if (st == TG_OK) st = set_s(o, "started_at", r->started_at);
    if (st == TG_OK) st = set_s(o, "script", r->script);
    if (st != TG_OK) {
        tg_json_free(o);
        return NULL;
    }
    return o;
}

static tg_json *change_json(const tg_histdiff_change *c) {
    tg_json *o = tg_json_object();
    tg_status st = o ? set_s(o, "kind", kind_names[c->kind]) : TG_ENOMEM;
    int counts = c->kind == TG_HD_INPUT && strcmp(c->what, "rows_fell") == 0;
    if (st == TG_OK) st = set_s(o, "what", c->what);
    if (st == TG_OK && c->kind != TG_HD_INPUT) {
        st = set_s(o, "indicator", c->indicator);
        if (st == TG_OK && c->kind != TG_HD_INDICATOR)
            st = set_s(o, "group", c->group && c->group[0] ? c->group : NULL);
        if (st == TG_OK && c->kind == TG_HD_REVISION) st = set_s(o, "period", c->period);
    } else if (st == TG_OK) {
        st = set_s(o, "input", c->input);
        if (st == TG_OK && strncmp(c->what, "column_", 7) == 0) st = set_s(o, "column", c->period);
    }
    if (st == TG_OK && (c->kind == TG_HD_REVISION || counts)) {
        if (counts) st = tg_json_set_take(o, "from", tg_json_int((int64_t)c->from), NULL);
        else st = set_n(o, "from", c->from);
        if (st == TG_OK && counts)
            st = tg_json_set_take(o, "to", tg_json_int((int64_t)c->to), NULL);
        else if (st == TG_OK) st = set_n(o, "to", c->to);
    } else if (st == TG_OK && c->kind == TG_HD_INDICATOR) {
        st = set_s(o, "title", c->to_s);
    } else if (st == TG_OK && (c->from_s || c->to_s)) {
        st = set_s(o, "from", c->from_s);
        if (st == TG_OK) st = set_s(o, "to", c->to_s);
    }
    if (st != TG_OK) {
        tg_json_free(o);
        return NULL;
    }
    return o;
}

tg_json *tg_histdiff_json(const tg_histdiff *d) {
    tg_json *doc = tg_json_object(), *changes = tg_json_array(), *counts = tg_json_object();
    tg_status st = doc && changes && counts ? TG_OK : TG_ENOMEM;
    if (st == TG_OK) st = set_s(doc, "format", "tegn-history-diff");
    if (st == TG_OK) st = tg_json_set_take(doc, "format_version", tg_json_int(1), NULL);
    if (st == TG_OK) st = tg_json_set_take(doc, "from", run_json(d->a), NULL);
    if (st == TG_OK) st = tg_json_set_take(doc, "to", run_json(d->b), NULL);
    for (int k = 0; st == TG_OK && k < TG_HD_KINDS; k++)
        st = tg_json_set_take(counts, kind_names[k], tg_json_int((int64_t)d->counts[k]), NULL);
    if (st == TG_OK) {
        st = tg_json_set_take(doc, "counts", counts, NULL);
        counts = NULL;
    }
    for (size_t i = 0; st == TG_OK && i < d->n; i++)
        st = tg_json_push_take(changes, change_json(&d->changes[i]), NULL);
    if (st == TG_OK) {
        st = tg_json_set_take(doc, "changes", changes, NULL);
        changes = NULL;
    }
    tg_json_free(counts);
    tg_json_free(changes);
    if (st != TG_OK) {
        tg_json_free(doc);
        return NULL;
    }
    return doc;
}
