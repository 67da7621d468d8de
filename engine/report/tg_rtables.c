/*
** tg_rtables.c -- the report of scenario and forecast tables (see
** tg_rtables.h). A table's groups are its runs of rows with the same group
** values (the engine writes them sorted by group); each gets an article
** with a band chart (tg_fan) and its numbers.
*/
#include "tg_rtables.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tg_fan.h"
#include "tg_mem.h"
#include "tg_rnum.h"
#include "tg_svg.h"

typedef enum tkind { T_NONE, T_SCENARIO, T_FORECAST } tkind;

/* What one table is: its kind, where its time column is (the group
** columns come before it), and a forecast's two widest interval levels. */
typedef struct tinfo {
    tkind kind;
    const tg_json *rows;
    size_t time;      /* index of the time column in a row */
    int outer, inner; /* levels, e.g. 95 and 80; inner 0 when there is one */
} tinfo;

static const tg_json *first_row(const tg_json *v) {
    if (!v || tg_json_kind_of(v) != TG_JSON_ARRAY || tg_json_len(v) == 0) return NULL;
    const tg_json *r = tg_json_at(v, 0);
    return tg_json_kind_of(r) == TG_JSON_OBJECT ? r : NULL;
}

static int key_index(const tg_json *row, const char *key, size_t *at) {
    for (size_t i = 0; i < tg_json_len(row); i++)
        if (strcmp(tg_json_key(row, i), key) == 0) return *at = i, 1;
    return 0;
}

/* The forecast's interval levels: each "loNN" with its "hiNN". */
static void levels(const tg_json *row, tinfo *t) {
    for (size_t i = 0; i < tg_json_len(row); i++) {
        const char *k = tg_json_key(row, i);
        char hi[32];
        int lv = 0;
        if (strncmp(k, "lo", 2) != 0 || strlen(k) > 4 ||
            strspn(k + 2, "0123456789") != strlen(k + 2))
            continue;
        for (const char *d = k + 2; *d; d++) lv = lv * 10 + (*d - '0');
        snprintf(hi, sizeof hi, "hi%s", k + 2);
        if (lv <= 0 || lv >= 100 || !tg_json_get(row, hi)) continue;
        if (lv > t->outer) t->inner = t->outer, t->outer = lv;
        else if (lv > t->inner) t->inner = lv;
    }
}

static tinfo info_of(const tg_json *v) {
    tinfo t = { T_NONE, v, 0, 0, 0 };
    const tg_json *r = first_row(v);
    size_t h;
    if (!r) return t;
    if (key_index(r, "aar", &t.time) && tg_json_get(r, "doegntakst_p5") &&
        tg_json_get(r, "doegntakst_p50") && tg_json_get(r, "doegntakst_p95")) {
        t.kind = T_SCENARIO;
    } else if (key_index(r, "h", &h) && h > 0 && tg_json_get(r, "point")) {
        levels(r, &t);
        t.time = h - 1;
        if (t.outer) t.kind = T_FORECAST;
    }
    return t;
}

int tg_rtables_count(const tg_json *doc, int *kinds) {
    int n = 0;
    if (kinds) *kinds = 0;
    for (size_t i = 0; i < tg_rnum_len(doc); i++) {
        tkind k = info_of(tg_json_at(doc, i)).kind;
        n += k != T_NONE;
        if (kinds && k != T_NONE)
            *kinds |= k == T_SCENARIO ? TG_RTABLES_SCENARIO : TG_RTABLES_FORECAST;
    }
    return n;
}

/* ---- groups ---- */

/* The group of 'row' as text: its first 'ncols' values joined by " · ". */
static void group_of(const tg_json *row, const tg_json *proto, size_t ncols, char *out) {
    size_t o = 0;
    out[0] = '\0';
    for (size_t k = 0; k < ncols && o < TG_RNUM_MAX; k++) {
        char v[TG_RNUM_MAX];
        tg_rnum_period(row, tg_json_key(proto, k), v);
        o += (size_t)snprintf(out + o, TG_RNUM_MAX - o, "%s%s", k ? " · " : "", v);
    }
}

/* The end of the run of rows from 'from' with the group 'g'. */
static size_t run_end(const tinfo *t, size_t from, const char *g) {
    const tg_json *proto = tg_json_at(t->rows, 0);
    char h[TG_RNUM_MAX];
    size_t i = from + 1;
    for (; i < tg_json_len(t->rows); i++) {
        group_of(tg_json_at(t->rows, i), proto, t->time, h);
        if (strcmp(h, g) != 0) break;
    }
    return i;
}

/* The document's history for forecast 't': another table whose rows have
** the forecast's group and time columns and no "point"; *value is its
** first number column besides those. NULL when there is none. */
static const tg_json *history_of(const tg_json *doc, const tinfo *t, const char **value) {
    const tg_json *proto = tg_json_at(t->rows, 0);
    for (size_t i = 0; i < tg_rnum_len(doc); i++) {
        const tg_json *r = first_row(tg_json_at(doc, i));
        int ok = r && !tg_json_get(r, "point");
        for (size_t k = 0; ok && k <= t->time; k++)
            ok = tg_json_get(r, tg_json_key(proto, k)) != NULL;
        for (size_t k = 0; ok && k < tg_json_len(r); k++) {
            const char *key = tg_json_key(r, k);
            tg_json_kind kind = tg_json_kind_of(tg_json_at(r, k));
            if ((kind == TG_JSON_INT || kind == TG_JSON_REAL) && !tg_json_get(proto, key)) {
                *value = key;
                return tg_json_at(doc, i);
            }
        }
    }
    return NULL;
}

/* ---- text ---- */

static void put_text(tg_sbuf *b, const char *s) {
    tg_svg_escape(b, s);
}

static void cell(tg_sbuf *b, const tg_rnum *s, double v) {
    char t[TG_RNUM_MAX];
    tg_rnum_value(s, v, t);
    tg_sbuf_cat(b, "<td class=\"num\">", t[0] ? t : "–", "</td>", NULL);
}

static const tg_rnum kroner = { 1, 0, " kr.", " kr.", 0 }, share = { 100, 1, " %", " pp", 0 };

/* ---- a scenario ---- */

static void scenario_group(tg_sbuf *b, const tg_json *doc, const tinfo *t, size_t from, size_t to,
                           const char *id, const char *g) {
    tg_fan f;
    tg_sbuf d = { NULL, 0, 0, 0 };
    const char *key = tg_json_key(tg_json_at(t->rows, 0), t->time);
    int n = (int)(to - from);
    char a[TG_RNUM_MAX], z[TG_RNUM_MAX], m[TG_RNUM_MAX], lo[TG_RNUM_MAX], hi[TG_RNUM_MAX];
    if (!tg_fan_init(&f, n, kroner)) {
        b->oom = 1;
        return;
    }
    for (int i = 0; i < n; i++) {
        const tg_json *r = tg_json_at(t->rows, from + (size_t)i);
        tg_rnum_period(r, key, f.labels[i]);
        f.mid[i] = tg_json_num_at(r, "doegntakst_p50");
        f.lo[i] = tg_json_num_at(r, "doegntakst_p5");
        f.hi[i] = tg_json_num_at(r, "doegntakst_p95");
    }
    tg_rnum_value(&kroner, f.mid[n - 1], m);
    tg_rnum_value(&kroner, f.lo[n - 1], lo);
    tg_rnum_value(&kroner, f.hi[n - 1], hi);
    snprintf(a, sizeof a, "%s", f.labels[0]);
    snprintf(z, sizeof z, "%s", f.labels[n - 1]);
    tg_sbuf_cat(&d, "Viftediagram over døgntaksten fra ", a, " til ", z,
                ": medianen som linje og 5–95 %-fraktilerne som bånd", NULL);
    if (isfinite(tg_json_num_at(doc, "replikationer")))
        tg_sbuf_printf(&d, " af %.0f simulerede forløb", tg_json_num_at(doc, "replikationer"));
    tg_sbuf_cat(&d, ". Median ", z, ": ", m, " (5–95 %: ", lo, " til ", hi, ").", NULL);
    tg_sbuf_str(b, "<div class=\"fig\">\n<figure>\n");
    tg_fan_draw(b, &f, id, g, d.p ? d.p : "");
    tg_sbuf_str(b, "<figcaption class=\"note\">Linje: medianen af de simulerede døgntakster. "
                   "Bånd: 5–95 %-fraktilerne, hvor 90 % af forløbene ligger.</figcaption>\n"
                   "</figure>\n");
    tg_sbuf_printf(b,
                   "<table class=\"data\" id=\"%s-tabel\"><caption>Døgntakst pr. år"
                   "</caption>\n<thead><tr><th scope=\"col\">År</th><th scope=\"col\" "
                   "class=\"num\">5 %%-fraktil</th><th scope=\"col\" class=\"num\">Median</th>"
                   "<th scope=\"col\" class=\"num\">95 %%-fraktil</th><th scope=\"col\" "
                   "class=\"num\">Uden for grænsen</th></tr></thead><tbody>\n",
                   id);
    for (int i = 0; i < n; i++) {
        const tg_json *r = tg_json_at(t->rows, from + (size_t)i);
        tg_sbuf_str(b, "<tr><th scope=\"row\">");
        put_text(b, f.labels[i]);
        tg_sbuf_str(b, "</th>");
        cell(b, &kroner, f.lo[i]);
        cell(b, &kroner, f.mid[i]);
        cell(b, &kroner, f.hi[i]);
        cell(b, &share, tg_json_num_at(r, "p_uden_for_graense"));
        tg_sbuf_str(b, "</tr>\n");
    }
    tg_sbuf_str(b, "</tbody></table>\n</div>\n");
    if (d.oom) b->oom = 1;
    tg_free(d.p);
    tg_fan_free(&f);
}

/* ---- a forecast ---- */

/* Counts the history rows of group 'g' (fills them when 'f' is given). */
static int history_rows(const tg_json *hist, const tinfo *t, const char *g, const char *value,
                        tg_fan *f) {
    const tg_json *proto = tg_json_at(t->rows, 0);
    const char *key = tg_json_key(proto, t->time);
    char h[TG_RNUM_MAX];
    int n = 0;
    for (size_t i = 0; i < tg_rnum_len(hist); i++) {
        const tg_json *r = tg_json_at(hist, i);
        group_of(r, proto, t->time, h);
        if (strcmp(h, g) != 0) continue;
        if (f) {
            tg_rnum_period(r, key, f->labels[n]);
            f->hist[n] = tg_json_num_at(r, value);
        }
        n++;
    }
    return n;
}

static void forecast_table(tg_sbuf *b, const tinfo *t, const tg_fan *f, int nh, const char *id) {
    tg_sbuf_printf(b,
                   "<details><summary>Tallene bag diagrammet</summary>\n<table class=\"data\" "
                   "id=\"%s-tabel\"><caption>Prognose pr. periode</caption>\n<thead><tr><th "
                   "scope=\"col\">Periode</th><th scope=\"col\" class=\"num\">Prognose</th>",
                   id);
    int levels[2] = { t->inner, t->outer };
    for (int k = 0; k < 2; k++)
        if (levels[k])
            tg_sbuf_printf(b,
                           "<th scope=\"col\" class=\"num\">Nedre %d %%</th><th scope=\"col\" "
                           "class=\"num\">Øvre %d %%</th>",
                           levels[k], levels[k]);
    tg_sbuf_str(b, "</tr></thead><tbody>\n");
    for (int i = nh; i < f->n; i++) {
        tg_sbuf_str(b, "<tr><th scope=\"row\">");
        put_text(b, f->labels[i]);
        tg_sbuf_str(b, "</th>");
        cell(b, &f->style, f->mid[i]);
        if (t->inner) cell(b, &f->style, f->lo2[i]), cell(b, &f->style, f->hi2[i]);
        cell(b, &f->style, f->lo[i]);
        cell(b, &f->style, f->hi[i]);
        tg_sbuf_str(b, "</tr>\n");
    }
    tg_sbuf_str(b, "</tbody></table>\n</details>\n");
}

static void forecast_group(tg_sbuf *b, const tg_json *doc, const tinfo *t, size_t from, size_t to,
                           const char *id, const char *g) {
    const tg_json *proto = tg_json_at(t->rows, 0);
    const char *key = tg_json_key(proto, t->time), *value = "";
    const tg_json *hist = history_of(doc, t, &value);
    int nh = hist ? history_rows(hist, t, g, value, NULL) : 0, n = nh + (int)(to - from);
    tg_rnum style = { 1, 1, strstr(value, "procent") ? " %" : "", "", 0 };
    char lo[32], hi[32], text[TG_RNUM_MAX];
    tg_sbuf d = { NULL, 0, 0, 0 };
    tg_fan f;
    if (!tg_fan_init(&f, n, style)) {
        b->oom = 1;
        return;
    }
    f.dashed = 1;
    if (hist) history_rows(hist, t, g, value, &f);
    snprintf(lo, sizeof lo, "lo%d", t->outer);
    snprintf(hi, sizeof hi, "hi%d", t->outer);
    for (int i = nh; i < n; i++) {
        const tg_json *r = tg_json_at(t->rows, from + (size_t)(i - nh));
        tg_rnum_period(r, key, f.labels[i]);
        f.mid[i] = tg_json_num_at(r, "point");
        f.lo[i] = tg_json_num_at(r, lo);
        f.hi[i] = tg_json_num_at(r, hi);
        if (t->inner) {
            snprintf(lo, sizeof lo, "lo%d", t->inner);
            snprintf(hi, sizeof hi, "hi%d", t->inner);
            f.lo2[i] = tg_json_num_at(r, lo);
            f.hi2[i] = tg_json_num_at(r, hi);
            snprintf(lo, sizeof lo, "lo%d", t->outer);
            snprintf(hi, sizeof hi, "hi%d", t->outer);
        }
    }
    if (nh)
        tg_sbuf_cat(&d, "Linjediagram over ", value, " fra ", f.labels[0], " til ",
                    f.labels[nh - 1], " og ", NULL);
    else tg_sbuf_str(&d, "Diagram over ");
    tg_sbuf_cat(&d, "prognosen fra ", f.labels[nh], " til ", f.labels[n - 1], NULL);
    tg_sbuf_printf(&d, " med %d %%-prognoseinterval", t->outer);
    if (t->inner) tg_sbuf_printf(&d, " og %d %%-prognoseinterval", t->inner);
    tg_rnum_value(&style, f.mid[n - 1], text);
    tg_sbuf_cat(&d, ". Prognose ", f.labels[n - 1], ": ", text, NULL);
    tg_rnum_value(&style, f.lo[n - 1], lo);
    tg_rnum_value(&style, f.hi[n - 1], hi);
    if (lo[0] && hi[0]) tg_sbuf_printf(&d, " (%d %%: %s til %s)", t->outer, lo, hi);
    tg_sbuf_str(&d, ".");
    tg_sbuf_str(b, "<figure>\n");
    tg_fan_draw(b, &f, id, g, d.p ? d.p : "");
    tg_sbuf_str(b, "<figcaption class=\"note\">");
    if (nh) tg_sbuf_str(b, "Fuldt optrukket linje: de faktiske tal. ");
    tg_sbuf_printf(b, "Stiplet linje: prognosen. Lyst bånd: %d %%-prognoseintervallet", t->outer);
    if (t->inner) tg_sbuf_printf(b, "; mørkere bånd: %d %%-intervallet", t->inner);
    tg_sbuf_str(b, ". Jo længere frem, jo bredere: prognosen bliver mere usikker.");
    if (!hist) tg_sbuf_str(b, " Dokumentet har ingen historik at vise.");
    tg_sbuf_str(b, "</figcaption>\n</figure>\n");
    forecast_table(b, t, &f, nh, id);
    if (d.oom) b->oom = 1;
    tg_free(d.p);
    tg_fan_free(&f);
}

/* ---- the sections ---- */

static const char *heading(tkind k) {
    return k == T_SCENARIO ? "Takstscenarie: " : "Prognose: ";
}

void tg_rtables_toc(tg_sbuf *b, const tg_json *doc) {
    tg_sbuf_str(b, "<ul>\n");
    for (size_t i = 0; i < tg_rnum_len(doc); i++) {
        tinfo t = info_of(tg_json_at(doc, i));
        if (t.kind == T_NONE) continue;
        tg_sbuf_printf(b, "<li><a href=\"#tabel-%zu\">%s", i + 1, heading(t.kind));
        put_text(b, tg_json_key(doc, i));
        tg_sbuf_str(b, "</a></li>\n");
    }
    tg_sbuf_str(b, "</ul>\n");
}

static void section(tg_sbuf *b, const tg_json *doc, size_t no, const tinfo *t) {
    const tg_json *proto = tg_json_at(t->rows, 0);
    char g[TG_RNUM_MAX], id[48];
    size_t art = 0;
    tg_sbuf_printf(b,
                   "<section id=\"tabel-%zu\" aria-labelledby=\"tabel-%zu-h\">\n<h2 "
                   "id=\"tabel-%zu-h\">%s",
                   no, no, no, heading(t->kind));
    put_text(b, tg_json_key(doc, no - 1));
    tg_sbuf_str(b, "</h2>\n");
    for (size_t i = 0; i < tg_json_len(t->rows) && !b->oom; art++) {
        group_of(tg_json_at(t->rows, i), proto, t->time, g);
        size_t end = run_end(t, i, g);
        snprintf(id, sizeof id, "tabel-%zu-%zu", no, art + 1);
        tg_sbuf_printf(b,
                       "<article class=\"indikator\" id=\"%s\" aria-labelledby=\"%s-h\">\n<h3 "
                       "id=\"%s-h\">",
                       id, id, id);
        put_text(b, g[0] ? g : tg_json_key(doc, no - 1));
        tg_sbuf_str(b, "</h3>\n");
        snprintf(id, sizeof id, "tabel-%zu-%zu-svg", no, art + 1);
        if (t->kind == T_SCENARIO) scenario_group(b, doc, t, i, end, id, g);
        else forecast_group(b, doc, t, i, end, id, g);
        tg_sbuf_str(b, "</article>\n");
        i = end;
    }
    tg_sbuf_str(b, "</section>\n");
}

void tg_rtables_sections(tg_sbuf *b, const tg_json *doc) {
    for (size_t i = 0; i < tg_rnum_len(doc); i++) {
        tinfo t = info_of(tg_json_at(doc, i));
        if (t.kind != T_NONE) section(b, doc, i + 1, &t);
    }
}
