/*
** tg_report.c -- the committee report as HTML (see tg_report.h). The
** document is written top to bottom into one tg_sbuf: head and style,
** front page, then a section per strategy in the document's order. Every
** text from the document is escaped (tg_svg_escape); every number is
** Danish text from tg_rnum.
*/
#include "tg_report.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tg_chart.h"
#include "tg_collate.h"
#include "tg_err.h"
#include "tg_histdiff.h"
#include "tg_indsum.h"
#include "tg_mem.h"
#include "tg_out.h"
#include "tg_rnum.h"
#include "tg_sbuf.h"
#include "tg_svg.h"

/* Verdict codes in the order the front page counts them. */
static const char *const codes[] = { "improved", "no_clear_change", "worse", "not_judged" };

/* Greyscale-safe: every verdict has a symbol and a word besides its
** colour; text on the badges meets WCAG AA contrast. */
static const char css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,'DejaVu Sans',sans-serif;"
    "color:#1a1a1a;max-width:60rem;margin:0 auto;padding:1rem;line-height:1.45}\n"
    "h1{font-size:1.9rem}h2{font-size:1.45rem;border-bottom:2px solid #333;margin-top:2.5rem}\n"
    "h3{font-size:1.15rem;margin-bottom:.3rem}\n"
    "table{border-collapse:collapse;font-variant-numeric:tabular-nums}\n"
    "th,td{border-bottom:1px solid #bbb;padding:.2rem .5rem;text-align:left}\n"
    "td.num,th.num{text-align:right;white-space:nowrap}\n"
    "code{font-size:.8rem;word-break:break-all}\n"
    ".indikator{margin:1.5rem 0 2.5rem}\n"
    ".fig{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}\n"
    ".fig figure{flex:1 1 28rem;margin:0}.fig table{flex:0 1 20rem;font-size:.85rem}\n"
    "svg{width:100%;height:auto}\n"
    "svg text{font-size:11px;fill:#1a1a1a}svg .gap{font-size:14px;fill:#555}\n"
    "svg .grid{stroke:#ddd}svg .band{fill:#9ecae1;fill-opacity:.55}\n"
    "svg .bar{stroke:#6baed6;stroke-width:3}\n"
    "svg .value{fill:none;stroke:#08306b;stroke-width:2}svg .point{fill:#08306b}\n"
    "svg .open{fill:#fff;stroke:#08306b;stroke-width:1.5}\n"
    "svg .target{fill:none;stroke:#8c2d04;stroke-width:1.5;stroke-dasharray:6 4}\n"
    "svg .baseline{stroke:#333;stroke-dasharray:2 3}svg .break{stroke:#333;stroke-dasharray:8 3}\n"
    ".badge{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;font-weight:600;"
    "border:2px solid #333}\n"
    ".improved{background:#1b5e20;color:#fff}.worse{background:#8e1b1b;color:#fff}\n"
    ".no_clear_change{background:#e8e8e8;color:#1a1a1a}.not_judged{background:#fff;"
    "color:#1a1a1a;border-style:dashed}\n"
    ".note{font-size:.9rem;color:#333}\n"
    /* Print: A4, a strategy per page, nothing split that reads as one
    ** (an indicator, a chart, a table, a table row), a heading, caption or
    ** the lines before a chart kept with what follows, and the verdict
    ** colours printed even when the browser leaves backgrounds out (the
    ** white text would vanish). */
    "@media print{@page{size:A4;margin:16mm}"
    "body{max-width:none;padding:0;font-size:10pt}"
    "h2{break-before:page}#forside h2{break-before:auto}"
    "h1,h2,h3,caption,figcaption,.goal,.verdict{break-after:avoid}"
    ".indikator,.fig,figure,table,tr{break-inside:avoid}table.inputs{break-before:avoid}"
    "p,li{orphans:3;widows:3}"
    ".badge{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "a{color:inherit;text-decoration:none}}\n";

/* A badge: a symbol and the verdict's word, by verdict_index. */
static const char *const badges[] = { "▲ Forbedret", "● Ingen klar ændring", "▼ Forværret",
                                      "○ Ikke vurderet" };

static int verdict_index(const char *code) {
    for (int k = 0; k < 3; k++)
        if (strcmp(code, codes[k]) == 0) return k;
    return 3;
}

static void put_text(tg_sbuf *b, const char *s) {
    tg_svg_escape(b, s);
}

static int is_grouped(const tg_json *ind) {
    return tg_rnum_len(tg_rnum_get(ind, "by")) > 0;
}

static const char *strategy_name(const char *code) {
    const char *name = tg_indsum_strategy_name(code);
    return name ? name : code[0] ? code : "Øvrige indikatorer";
}

static void put_badge(tg_sbuf *b, const char *code) {
    int k = verdict_index(code);
    tg_sbuf_cat(b, "<span class=\"badge ", codes[k], "\">", badges[k], "</span>", NULL);
}

/* ---- the front page ---- */

static void put_counts(tg_sbuf *b, const tg_json *list) {
    size_t count[4] = { 0 }, grouped = 0;
    for (size_t i = 0; i < tg_rnum_len(list); i++) {
        const tg_json *ind = tg_rnum_at(list, i);
        const tg_json *v = tg_rnum_at(tg_rnum_get(ind, "verdicts"), 0);
        if (is_grouped(ind)) grouped++;
        else count[verdict_index(v ? tg_json_str_at(v, "verdict") : "")]++;
    }
    tg_sbuf_str(b, "<table class=\"counts\"><caption>Indikatorer efter vurdering</caption>\n"
                   "<thead><tr><th scope=\"col\">Vurdering</th><th scope=\"col\" class=\"num\">"
                   "Antal</th></tr></thead><tbody>\n");
    for (int k = 0; k < 4; k++) {
        tg_sbuf_str(b, "<tr><td>");
        put_badge(b, codes[k]);
        tg_sbuf_printf(b, "</td><td class=\"num\">%zu</td></tr>\n", count[k]);
    }
    tg_sbuf_str(b, "</tbody></table>\n");
    if (grouped)
        tg_sbuf_printf(b,
                       "<p>%zu %s opgjort pr. gruppe (fx pr. tilbud) med en vurdering for "
                       "hver gruppe; de tælles ikke med ovenfor.</p>\n",
                       grouped, grouped == 1 ? "indikator er" : "indikatorer er");
}

static void put_strategies(tg_sbuf *b, const tg_json *list) {
    const char *shown = NULL;
    tg_sbuf_str(b, "<h3>Strategier</h3>\n<ul>\n");
    for (size_t i = 0; i < tg_rnum_len(list); i++) {
        const char *s = tg_json_str_at(tg_rnum_at(list, i), "strategy");
        if (shown && strcmp(shown, s) == 0) continue;
        tg_sbuf_printf(b, "<li><a href=\"#strategi-%zu\">", i + 1);
        put_text(b, strategy_name(s));
        tg_sbuf_str(b, "</a></li>\n");
        shown = s;
    }
    tg_sbuf_str(b, "</ul>\n");
}

static const char reading[] =
    "<h3>Sådan læses rapporten</h3>\n"
    "<p><strong>Interval.</strong> Hvert tal har et usikkerhedsinterval (normalt 95 %): det "
    "område, hvor det sande tal med stor sandsynlighed ligger, fordi tallene bygger på et "
    "begrænset antal borgere, svar eller målinger. I diagrammerne er intervallet det lyse "
    "bånd om linjen; i tabellerne står det som nedre og øvre grænse. Et bredt bånd betyder "
    "et usikkert tal.</p>\n"
    "<p><strong>Vurdering.</strong> Seneste periode sammenlignes med basisperioden. "
    "<em>Forbedret</em>: ændringen er statistisk sikker og går i den ønskede retning. "
    "<em>Forværret</em>: ændringen er sikker og går i den forkerte retning. <em>Ingen klar "
    "ændring</em>: forskellen kan skyldes tilfældigheder. <em>Ikke vurderet</em>: der er for "
    "få data, ingen basisperiode, eller tallet er en fuld optælling, som i stedet holdes op "
    "mod et mål.</p>\n"
    "<p><strong>Skjulte tal.</strong> Tal, der bygger på ganske få personer, vises ikke, af "
    "hensyn til diskretionen. De står som huller (–) i diagrammer og tabeller.</p>\n";

static void put_inputs(tg_sbuf *b, const tg_json *meta) {
    const tg_json *inputs = tg_rnum_get(meta, "inputs");
    tg_sbuf_str(b, "<h3>Kørslen og dens data</h3>\n<p>tegn ");
    put_text(b, tg_json_str_at(meta, "tegn_version"));
    tg_sbuf_str(b, ", script <code>");
    put_text(b, tg_json_str_at(meta, "script"));
    tg_sbuf_str(b, "</code>, startet ");
    put_text(b, tg_json_str_at(meta, "started_at"));
    tg_sbuf_str(b, ".</p>\n<table class=\"inputs\"><caption>Inddata med SHA-256</caption>\n"
                   "<thead><tr><th scope=\"col\">Fil</th><th scope=\"col\" class=\"num\">"
                   "Rækker</th><th scope=\"col\">SHA-256</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < tg_rnum_len(inputs); i++) {
        const tg_json *in = tg_rnum_at(inputs, i);
        char rows[TG_RNUM_MAX];
        tg_rnum rs = { 1, 0, "", "", 0 };
        tg_rnum_value(&rs, tg_json_num_at(in, "rows"), rows);
        tg_sbuf_str(b, "<tr><td><code>");
        put_text(b, tg_json_str_at(in, "path"));
        tg_sbuf_cat(b, "</code></td><td class=\"num\">", rows, "</td><td><code>", NULL);
        put_text(b, tg_json_str_at(in, "sha256"));
        tg_sbuf_str(b, "</code></td></tr>\n");
    }
    tg_sbuf_str(b, "</tbody></table>\n");
}

static void put_front(tg_sbuf *b, const tg_json *doc) {
    const tg_json *list = tg_rnum_get(doc, "indicators");
    tg_sbuf_printf(b,
                   "<section id=\"forside\" aria-labelledby=\"forside-h\">\n"
                   "<h2 id=\"forside-h\">Overblik</h2>\n<p>Rapporten viser %zu %s.</p>\n",
                   tg_rnum_len(list), tg_rnum_len(list) == 1 ? "indikator" : "indikatorer");
    put_counts(b, list);
    put_strategies(b, list);
    tg_sbuf_str(b, reading);
    put_inputs(b, tg_rnum_get(doc, "meta"));
    tg_sbuf_str(b, "</section>\n");
}

/* ---- one indicator ---- */

/* "Ændring fra 2019 til 2025: −6,0 pp (interval −8,0 pp til −4,1 pp)." */
static void put_change(tg_sbuf *b, const tg_json *v, const tg_rnum *s) {
    char a[TG_RNUM_MAX], z[TG_RNUM_MAX], c[TG_RNUM_MAX], lo[TG_RNUM_MAX], hi[TG_RNUM_MAX];
    tg_rnum_change(s, tg_json_num_at(v, "change"), c);
    if (!c[0]) return;
    tg_rnum_period(v, "baseline_period", a);
    tg_rnum_period(v, "latest_period", z);
    tg_rnum_change(s, tg_json_num_at(v, "change_lo"), lo);
    tg_rnum_change(s, tg_json_num_at(v, "change_hi"), hi);
    tg_sbuf_str(b, "Ændring fra ");
    put_text(b, a);
    tg_sbuf_str(b, " til ");
    put_text(b, z);
    tg_sbuf_cat(b, ": ", c, NULL);
    if (lo[0] && hi[0]) tg_sbuf_cat(b, " (interval ", lo, " til ", hi, ")", NULL);
    tg_sbuf_str(b, ".");
}

/* "Mål: ...", "Enhed: ..." for those the indicator has. */
static void put_labelled(tg_sbuf *b, const char *label, const char *text) {
    size_t n = strlen(text);
    if (n == 0) return;
    tg_sbuf_str(b, label);
    put_text(b, text);
    tg_sbuf_str(b, text[n - 1] == '.' ? " " : ". ");
}

static void put_heading(tg_sbuf *b, const tg_json *ind, size_t no) {
    tg_sbuf_printf(b,
                   "<article class=\"indikator\" id=\"ind-%zu\" aria-labelledby=\"ind-%zu-h\">\n"
                   "<h3 id=\"ind-%zu-h\">",
                   no, no, no);
    put_text(b, tg_json_str_at(ind, "title"));
    tg_sbuf_str(b, "</h3>\n<p class=\"goal\">");
    put_labelled(b, "Mål: ", tg_json_str_at(ind, "goal"));
    put_labelled(b, "Enhed: ", tg_json_str_at(ind, "unit"));
    tg_sbuf_str(b, "</p>\n");
}

static void put_cells(tg_sbuf *b, const tg_json *row, const tg_rnum *s, int targets) {
    static const char *const keys[] = { "value", "lo", "hi", "target" };
    int shown = tg_chart_shown(row);
    for (int k = 0; k < 3 + targets; k++) {
        char t[TG_RNUM_MAX];
        tg_rnum_value(s, tg_json_num_at(row, keys[k]), t);
        if (k < 3 && !shown) t[0] = '\0';
        tg_sbuf_cat(b, "<td class=\"num\">", t[0] ? t : "–", "</td>", NULL);
    }
}

static const char *row_note(const tg_json *row) {
    if (tg_json_bool_value(tg_rnum_get(row, "suppressed"))) return "skjult (få personer)";
    if (!tg_chart_shown(row)) return "intet tal";
    if (tg_json_bool_value(tg_rnum_get(row, "small"))) return "få svar: indgår ikke i vurdering";
    return "";
}

/* The change of 'kind' in 'd' for this indicator, group and period (period
** NULL: any), or NULL; d NULL has none. */
static const tg_histdiff_change *change_of(const tg_histdiff *d, tg_histdiff_kind kind,
                                           const char *id, const char *grp, const char *period) {
    for (size_t i = 0; d && i < d->n; i++) {
        const tg_histdiff_change *c = &d->changes[i];
        if (c->kind == kind && c->indicator && strcmp(c->indicator, id) == 0 &&
            (!grp || (c->group && strcmp(c->group, grp) == 0)) &&
            (!period || (c->period && strcmp(c->period, period) == 0)))
            return c;
    }
    return NULL;
}

/* A revised period's note in the table: what the last run showed. */
static void put_revised(tg_sbuf *b, const tg_histdiff_change *c) {
    if (!c) return;
    tg_sbuf_str(b, "revideret siden sidste kørsel (var ");
    put_text(b, c->shown[0]);
    tg_sbuf_str(b, ")");
}

static void put_table(tg_sbuf *b, const tg_json *ind, size_t no, const tg_histdiff *d) {
    const tg_json *series = tg_rnum_get(ind, "series");
    const char *key = tg_json_str_at(ind, "period");
    const tg_rnum s = tg_rnum_of(ind);
    int targets = 0;
    for (size_t i = 0; i < tg_rnum_len(series); i++)
        targets |= tg_rnum_is_set(tg_rnum_get(tg_rnum_at(series, i), "target"));
    tg_sbuf_printf(b,
                   "<table class=\"data\" id=\"ind-%zu-tabel\"><caption>Tallene bag "
                   "diagrammet</caption>\n",
                   no);
    tg_sbuf_str(b, "<thead><tr><th scope=\"col\">Periode</th><th scope=\"col\" class=\"num\">"
                   "Værdi</th><th scope=\"col\" class=\"num\">Nedre</th><th scope=\"col\" "
                   "class=\"num\">Øvre</th>");
    if (targets) tg_sbuf_str(b, "<th scope=\"col\" class=\"num\">Målværdi</th>");
    tg_sbuf_str(b, "<th scope=\"col\">Bemærkning</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < tg_rnum_len(series); i++) {
        const tg_json *row = tg_rnum_at(series, i);
        char per[TG_RNUM_MAX];
        tg_rnum_period(row, key, per);
        tg_sbuf_str(b, "<tr><th scope=\"row\">");
        put_text(b, per);
        tg_sbuf_str(b, "</th>");
        put_cells(b, row, &s, targets);
        const tg_histdiff_change *rev =
            change_of(d, TG_HD_REVISION, tg_json_str_at(ind, "id"), "", per);
        tg_sbuf_cat(b, "<td>", row_note(row), rev && row_note(row)[0] ? "; " : "", NULL);
        put_revised(b, rev);
        tg_sbuf_str(b, "</td></tr>\n");
    }
    tg_sbuf_str(b, "</tbody></table>\n");
}

/* A note under the chart naming the periods shown as gaps. */
static void put_gaps(tg_sbuf *b, const tg_json *ind) {
    const tg_json *series = tg_rnum_get(ind, "series");
    char per[TG_RNUM_MAX];
    int n = 0, hidden = 0;
    for (size_t i = 0; i < tg_rnum_len(series); i++) {
        const tg_json *row = tg_rnum_at(series, i);
        if (tg_chart_shown(row)) continue;
        hidden |= tg_json_bool_value(tg_rnum_get(row, "suppressed"));
        tg_rnum_period(row, tg_json_str_at(ind, "period"), per);
        tg_sbuf_str(b, n++ ? ", " : "<p class=\"note\">Uden viste tal (huller i diagrammet): ");
        put_text(b, per);
    }
    if (hidden) tg_sbuf_str(b, ". Skjulte tal bygger på så få personer, at de ikke vises");
    if (n) tg_sbuf_str(b, ".</p>\n");
}

/* What the chart's marks mean, naming only those it has. */
static void put_caption(tg_sbuf *b, const tg_json *ind) {
    const tg_json *series = tg_rnum_get(ind, "series");
    int targets = 0, small = 0;
    for (size_t i = 0; i < tg_rnum_len(series); i++) {
        targets |= isfinite(tg_json_num_at(tg_rnum_at(series, i), "target"));
        small |= tg_json_bool_value(tg_rnum_get(tg_rnum_at(series, i), "small"));
    }
    tg_sbuf_str(b, "<figcaption class=\"note\">Linje og punkter: værdien pr. periode. Lyst "
                   "bånd: intervallet. Prikket lodret linje: basisperioden.");
    if (tg_rnum_is_set(tg_rnum_get(ind, "comparable_from")))
        tg_sbuf_str(b, " Stiplet lodret linje: tallene kan sammenlignes herfra; åbne punkter "
                       "før den indgår ikke i vurderingen.");
    if (small) tg_sbuf_str(b, " Åbent punkt: få svar, indgår ikke i vurderingen.");
    if (targets) tg_sbuf_str(b, " Stiplet linje mærket Målværdi: målet for hver periode.");
    tg_sbuf_str(b, "</figcaption>\n</figure>\n");
}

static void put_single(tg_sbuf *b, const tg_json *ind, size_t no, const tg_histdiff *d) {
    const tg_json *v = tg_rnum_at(tg_rnum_get(ind, "verdicts"), 0);
    const tg_rnum s = tg_rnum_of(ind);
    char id[32];
    tg_sbuf_str(b, "<p class=\"verdict\">Vurdering: ");
    put_badge(b, v ? tg_json_str_at(v, "verdict") : "");
    if (v && tg_rnum_is_set(tg_rnum_get(v, "change"))) {
        tg_sbuf_str(b, " ");
        put_change(b, v, &s);
    }
    tg_sbuf_str(b, "</p>\n<div class=\"fig\">\n<figure>\n");
    snprintf(id, sizeof id, "ind-%zu-svg", no);
    tg_chart_series(b, ind, id);
    put_caption(b, ind);
    put_table(b, ind, no, d);
    tg_sbuf_str(b, "</div>\n");
    put_gaps(b, ind);
}

/* The group of verdict row 'v' as text: its 'by' values joined by " · ". */
static void group_label(tg_sbuf *b, const tg_json *v, const tg_json *by) {
    for (size_t k = 0; k < tg_rnum_len(by); k++) {
        const char *col = tg_json_str_value(tg_rnum_at(by, k), NULL);
        char g[TG_RNUM_MAX];
        tg_rnum_period(v, col ? col : "", g);
        tg_sbuf_cat(b, k ? " · " : "", g, NULL);
    }
}

/* 1 when every group value of every verdict row is a string: then the rows
** read best in Danish order. Numbers keep the document's numeric order. */
static int groups_are_text(const tg_json *vs, const tg_json *by) {
    for (size_t i = 0; i < tg_rnum_len(vs); i++)
        for (size_t k = 0; k < tg_rnum_len(by); k++) {
            const char *col = tg_json_str_value(tg_rnum_at(by, k), NULL);
            const tg_json *g = col ? tg_rnum_get(tg_rnum_at(vs, i), col) : NULL;
            if (!g || tg_json_kind_of(g) != TG_JSON_STRING) return 0;
        }
    return 1;
}

/* order[r] = the verdict row shown r-th: Danish order (tg_collate) for text
** groups, else the document's. 0 when out of memory. */
static int group_order(const tg_json *vs, const tg_json *by, size_t *order) {
    size_t n = tg_rnum_len(vs);
    for (size_t i = 0; i < n; i++) order[i] = i;
    if (n < 2 || !groups_are_text(vs, by)) return 1;
    tg_sbuf text = { NULL, 0, 0, 0 };
    size_t *end = tg_malloc(n * sizeof *end), *len = tg_malloc(n * sizeof *len);
    const char **str = tg_malloc(n * sizeof *str);
    uint32_t *rank = tg_malloc(n * sizeof *rank);
    tg_error err;
    int ok = end && len && str && rank;
    for (size_t i = 0; ok && i < n; i++) {
        group_label(&text, tg_rnum_at(vs, i), by);
        end[i] = text.len;
    }
    ok = ok && !text.oom && text.p; /* p is NULL only when every label is "" */
    for (size_t i = 0; ok && i < n; i++) {
        str[i] = text.p + (i ? end[i - 1] : 0);
        len[i] = end[i] - (i ? end[i - 1] : 0);
    }
    tg_status st = ok ? tg_collate_ranks("da", str, len, n, rank, &err)
                      : (text.oom || !end || !len || !str || !rank ? TG_ENOMEM : TG_EARG);
    if (st == TG_OK)
        for (size_t i = 0; i < n; i++) order[rank[i]] = i;
    tg_free(text.p);
    tg_free(end);
    tg_free(len);
    tg_free(str);
    tg_free(rank);
    return st != TG_ENOMEM; /* ICU refusing "da" leaves the document's order */
}

/* A grouped indicator: each group's verdict and change, groups in Danish
** order (its chart is a later increment, see docs/report.md). */
static void put_grouped(tg_sbuf *b, const tg_json *ind) {
    const tg_json *vs = tg_rnum_get(ind, "verdicts"), *by = tg_rnum_get(ind, "by");
    const tg_rnum s = tg_rnum_of(ind);
    size_t n = tg_rnum_len(vs), *order = tg_malloc((n ? n : 1) * sizeof *order);
    if (!order || !group_order(vs, by, order)) {
        b->oom = 1;
        tg_free(order);
        return;
    }
    tg_sbuf_printf(b,
                   "<table class=\"groups\"><caption>Vurdering pr. gruppe (%zu %s)"
                   "</caption>\n<thead><tr><th scope=\"col\">Gruppe</th><th scope=\"col\">"
                   "Vurdering</th><th scope=\"col\">Ændring</th></tr></thead><tbody>\n",
                   n, n == 1 ? "gruppe" : "grupper");
    for (size_t r = 0; r < n; r++) {
        const tg_json *v = tg_rnum_at(vs, order[r]);
        tg_sbuf label = { NULL, 0, 0, 0 };
        group_label(&label, v, by);
        tg_sbuf_str(b, "<tr><th scope=\"row\">");
        put_text(b, label.p ? label.p : "");
        if (label.oom) b->oom = 1;
        tg_free(label.p);
        tg_sbuf_str(b, "</th><td>");
        put_badge(b, tg_json_str_at(v, "verdict"));
        tg_sbuf_str(b, "</td><td>");
        put_change(b, v, &s);
        tg_sbuf_str(b, "</td></tr>\n");
    }
    tg_sbuf_str(b, "</tbody></table>\n");
    tg_free(order);
}

/* One change of the indicator in words, for put_since. */
static void put_one_change(tg_sbuf *b, const tg_histdiff_change *c) {
    if (c->group && c->group[0]) {
        put_text(b, c->group);
        tg_sbuf_str(b, ": ");
    }
    switch (c->kind) {
    case TG_HD_VERDICT:
        tg_sbuf_cat(b, "vurderingen ", tg_indsum_verdict_da(c->from_s), " → ",
                    tg_indsum_verdict_da(c->to_s), NULL);
        break;
    case TG_HD_REVISION:
        tg_sbuf_str(b, "perioden ");
        put_text(b, c->period);
        tg_sbuf_str(b, " revideret, ");
        put_text(b, c->shown[0]);
        tg_sbuf_str(b, " → ");
        put_text(b, strcmp(c->what, "period_removed") == 0 ? "væk" : c->shown[1]);
        break;
    case TG_HD_GROUP:
        tg_sbuf_str(b, strcmp(c->what, "removed") == 0 ? "forsvundet" : "kommet til");
        break;
    default: tg_sbuf_str(b, "ny indikator"); break;
    }
}

/* "Ændret siden sidste kørsel" under the heading, with what changed, when
** the run history's diff 'd' has a change of this indicator. */
static void put_since(tg_sbuf *b, const tg_json *ind, const tg_histdiff *d) {
    const char *id = tg_json_str_at(ind, "id");
    int n = 0;
    for (size_t i = 0; d && i < d->n; i++) {
        const tg_histdiff_change *c = &d->changes[i];
        if (c->kind == TG_HD_INPUT || !c->indicator || strcmp(c->indicator, id) != 0) continue;
        if (n++ == 0) {
            tg_sbuf_printf(b,
                           "<p class=\"note changed\"><strong>Ændret siden sidste kørsel"
                           "</strong> (kørsel %lld, ",
                           (long long)d->a->id);
            put_text(b, d->a->started_at);
            tg_sbuf_str(b, "): ");
        } else {
            tg_sbuf_str(b, "; ");
        }
        put_one_change(b, c);
    }
    if (n) tg_sbuf_str(b, ".</p>\n");
}

static void put_indicator(tg_sbuf *b, const tg_json *ind, size_t no, const tg_histdiff *d) {
    put_heading(b, ind, no);
    put_since(b, ind, d);
    if (is_grouped(ind)) put_grouped(b, ind);
    else put_single(b, ind, no, d);
    tg_sbuf_str(b, "</article>\n");
}

/* ---- the document ---- */

static void put_sections(tg_sbuf *b, const tg_json *list, const tg_histdiff *d) {
    const char *shown = NULL;
    for (size_t i = 0; i < tg_rnum_len(list); i++) {
        const tg_json *ind = tg_rnum_at(list, i);
        const char *s = tg_json_str_at(ind, "strategy");
        if (!shown || strcmp(shown, s) != 0) {
            if (shown) tg_sbuf_str(b, "</section>\n");
            tg_sbuf_printf(b,
                           "<section id=\"strategi-%zu\" aria-labelledby=\"strategi-%zu-h\">\n"
                           "<h2 id=\"strategi-%zu-h\">",
                           i + 1, i + 1, i + 1);
            put_text(b, strategy_name(s));
            tg_sbuf_str(b, "</h2>\n");
            shown = s;
        }
        put_indicator(b, ind, i + 1, d);
    }
    if (shown) tg_sbuf_str(b, "</section>\n");
}

char *tg_report_html(const tg_json *doc) {
    return tg_report_html_since(doc, NULL);
}

char *tg_report_html_since(const tg_json *doc, const tg_histdiff *d) {
    assert(doc != NULL);
    tg_sbuf b = { NULL, 0, 0, 0 };
    char why[16];
    if (!tg_indsum_check(doc, why, sizeof why)) return NULL;
    tg_sbuf_cat(&b,
                "<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<title>Tegn på succes</title>\n<style>\n",
                css,
                "</style>\n</head>\n<body>\n<header><h1>Tegn på succes</h1></header>\n"
                "<main>\n",
                NULL);
    put_front(&b, doc);
    put_sections(&b, tg_rnum_get(doc, "indicators"), d);
    tg_sbuf_str(&b, "</main>\n</body>\n</html>\n");
    if (b.oom) {
        tg_free(b.p);
        return NULL;
    }
    return b.p;
}

tg_status tg_report_write(const tg_json *doc, const char *path, tg_error *err) {
    return tg_report_write_since(doc, NULL, path, err);
}

tg_status tg_report_write_since(const tg_json *doc, const tg_histdiff *d, const char *path,
                                tg_error *err) {
    char why[300];
    if (!tg_indsum_check(doc, why, sizeof why))
        return tg_err_set(err, TG_EDATA, NULL, 0, 0, "not an indicator document: %s", why);
    char *html = tg_report_html_since(doc, d);
    if (!html) return tg_err_nomem(err);
    tg_status st = tg_out_write_atomic(path, html, strlen(html), err);
    tg_free(html);
    return st;
}
