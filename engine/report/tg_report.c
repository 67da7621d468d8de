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
#include "tg_err.h"
#include "tg_gchart.h"
#include "tg_histdiff.h"
#include "tg_indsum.h"
#include "tg_mem.h"
#include "tg_out.h"
#include "tg_rnum.h"
#include "tg_rtables.h"
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
    "h3{font-size:1.15rem;margin-bottom:.3rem}h1,h2,h3,caption{overflow-wrap:break-word}\n"
    "table{border-collapse:collapse;font-variant-numeric:tabular-nums}\n"
    "th,td{border-bottom:1px solid #bbb;padding:.2rem .5rem;text-align:left}\n"
    "td.num,th.num{text-align:right;white-space:nowrap}\n"
    "code{font-size:.8rem;word-break:break-all}\n"
    ".indikator{margin:1.5rem 0 2.5rem}\n"
    ".fig{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}\n"
    ".fig figure{flex:1 1 28rem;margin:0}.fig table{flex:0 1 20rem;font-size:.85rem}\n"
    ".fig.wide figure{flex-basis:100%}.fig.wide table{flex-basis:auto}\n"
    "svg{width:100%;height:auto}\n"
    "svg text{font-size:11px;fill:#1a1a1a}svg .gap{font-size:14px;fill:#555}\n"
    "svg .grid{stroke:#ddd}svg .band{fill:#9ecae1;fill-opacity:.55}\n"
    "svg .bar{stroke:#4a7fb0;stroke-width:3}\n"
    "svg .value{fill:none;stroke:#08306b;stroke-width:2}svg .point{fill:#08306b}\n"
    "svg .open{fill:#fff;stroke:#08306b;stroke-width:1.5}\n"
    "svg .target{fill:none;stroke:#8c2d04;stroke-width:1.5;stroke-dasharray:6 4}\n"
    "svg .baseline{stroke:#333;stroke-dasharray:2 3}svg .break{stroke:#333;stroke-dasharray:8 3}\n"
    /* the group charts (tg_gchart): dots, budget band, funnel, reasons */
    "svg .budgetband{fill:#c6dbef}svg .budget{stroke:#08306b;stroke-width:2}\n"
    "svg .flag{fill:#8e1b1b;stroke:#1a1a1a;stroke-width:1}\n"
    "svg .funnel{fill:#4a7fb0}svg .whisker{stroke:#1a1a1a;stroke-width:1.5}\n"
    "svg .band2{fill:#6baed6;fill-opacity:.6}svg .forecast{fill:none;stroke:#08306b;"
    "stroke-width:2;stroke-dasharray:6 3}\n"
    "svg .reason{fill:#4a7fb0}svg .basis{stroke:#555;stroke-width:2}\n"
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
    tg_sbuf_cat(b, "<span class=\"badge ", codes[k], "\">", tg_indsum_verdict_mark(codes[k]),
                "</span>", NULL);
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
    "<p><strong>Skjulte tal.</strong> Et tal vises ikke, når det kunne afsløre noget om "
    "enkeltpersoner: når det bygger på ganske få personer, når næsten alle eller næsten ingen "
    "har et bestemt svar, eller når det ellers kunne regnes ud fra en total og de andre viste "
    "tal. De står som huller (–) i diagrammer og tabeller.</p>\n";

static void put_inputs(tg_sbuf *b, const tg_json *meta) {
    const tg_json *inputs = tg_rnum_get(meta, "inputs");
    tg_sbuf_str(b, "<h3>Kørslen og dens data</h3>\n<p>tegn ");
    put_text(b, tg_json_str_at(meta, "tegn_version"));
    tg_sbuf_str(b, ", script <code>");
    put_text(b, tg_json_str_at(meta, "script"));
    tg_sbuf_str(b, "</code>, startet ");
    char when[TG_RNUM_MAX];
    tg_rnum_time(tg_json_str_at(meta, "started_at"), when);
    put_text(b, when);
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

/* ---- the span of the data ---- */

/* The kinds of period a document's series use, each with its earliest and
** latest value: years are numbers, quarters "2021K4", months "2024-03" and
** dates "2026-12-07" text that sorts as it reads. */
enum { SPAN_YEAR, SPAN_QUARTER, SPAN_MONTH, SPAN_DATE, N_SPAN };

static int span_kind(const tg_json *v) {
    if (!v) return -1;
    tg_json_kind k = tg_json_kind_of(v);
    if (k == TG_JSON_INT) return SPAN_YEAR;
    if (k != TG_JSON_STRING) return -1;
    size_t n = 0;
    const char *t = tg_json_str_value(v, &n);
    if (n == 6 && t[4] == 'K') return SPAN_QUARTER;
    if (n == 7 && t[4] == '-') return SPAN_MONTH;
    if (n == 10 && t[4] == '-' && t[7] == '-') return SPAN_DATE;
    return -1;
}

/* Is period value a before b (both of one kind)? */
static int span_before(const tg_json *a, const tg_json *b) {
    if (tg_json_kind_of(a) == TG_JSON_INT) return tg_json_int_value(a) < tg_json_int_value(b);
    return strcmp(tg_json_str_value(a, NULL), tg_json_str_value(b, NULL)) < 0;
}

/* "Tallene dækker årene 2016–2025 og kvartalerne 1. kvt. 2021–4. kvt. 2024.":
** what periods the signs cover, so a reader sees how old the data are. */
static void put_span(tg_sbuf *b, const tg_json *list) {
    static const char *const one[N_SPAN] = { "året", "kvartalet", "måneden", "dagen" };
    static const char *const many[N_SPAN] = { "årene", "kvartalerne", "månederne", "dagene" };
    const tg_json *lo[N_SPAN] = { NULL }, *hi[N_SPAN] = { NULL };
    for (size_t i = 0; i < tg_rnum_len(list); i++) {
        const tg_json *ind = tg_rnum_at(list, i), *series = tg_rnum_get(ind, "series");
        const char *key = tg_json_str_at(ind, "period");
        for (size_t r = 0; r < tg_rnum_len(series); r++) {
            const tg_json *v = tg_rnum_get(tg_rnum_at(series, r), key);
            int k = span_kind(v);
            if (k < 0) continue;
            if (!lo[k] || span_before(v, lo[k])) lo[k] = v;
            if (!hi[k] || span_before(hi[k], v)) hi[k] = v;
        }
    }
    int shown = 0, total = 0;
    for (int k = 0; k < N_SPAN; k++) total += lo[k] != NULL;
    for (int k = 0; k < N_SPAN; k++) {
        if (!lo[k]) continue;
        char a[TG_RNUM_MAX], z[TG_RNUM_MAX];
        tg_rnum_period_of(lo[k], a);
        tg_rnum_period_of(hi[k], z);
        tg_sbuf_str(b, shown == 0 ? "<p>Tallene dækker " : shown == total - 1 ? " og " : ", ");
        int range = span_before(lo[k], hi[k]);
        tg_sbuf_cat(b, range ? many[k] : one[k], " ", NULL);
        put_text(b, a);
        if (range) {
            tg_sbuf_str(b, "–");
            put_text(b, z);
        }
        shown++;
    }
    if (shown) tg_sbuf_str(b, ".</p>\n");
}

static void put_front(tg_sbuf *b, const tg_json *doc) {
    const tg_json *list = tg_rnum_get(doc, "indicators");
    tg_sbuf_printf(b,
                   "<section id=\"forside\" aria-labelledby=\"forside-h\">\n"
                   "<h2 id=\"forside-h\">Overblik</h2>\n<p>Rapporten viser %zu %s.</p>\n",
                   tg_rnum_len(list), tg_rnum_len(list) == 1 ? "indikator" : "indikatorer");
    put_span(b, list);
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

/* The change alone, for a table's cell: "+31,5 pp (+13,3 pp til +47,5 pp)". */
static void put_change_cell(tg_sbuf *b, const tg_json *v, const tg_rnum *s) {
    char c[TG_RNUM_MAX], lo[TG_RNUM_MAX], hi[TG_RNUM_MAX];
    tg_rnum_change(s, tg_json_num_at(v, "change"), c);
    tg_rnum_change(s, tg_json_num_at(v, "change_lo"), lo);
    tg_rnum_change(s, tg_json_num_at(v, "change_hi"), hi);
    tg_sbuf_str(b, c[0] ? c : "–");
    if (c[0] && lo[0] && hi[0]) tg_sbuf_cat(b, " (", lo, " til ", hi, ")", NULL);
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
    if (tg_json_bool_value(tg_rnum_get(row, "suppressed"))) return "skjult (diskretion)";
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
    if (hidden) tg_sbuf_str(b, ". Skjulte tal kunne afsløre noget om enkeltpersoner og vises ikke");
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

/* The cells of a group's row at the latest period: value, lower, upper
** (only when shown). */
static void put_latest_cells(tg_sbuf *b, const tg_json *row, const tg_rnum *s) {
    static const char *const keys[] = { "value", "lo", "hi" };
    for (int k = 0; k < 3; k++) {
        char t[TG_RNUM_MAX] = "";
        if (row && tg_chart_shown(row)) tg_rnum_value(s, tg_json_num_at(row, keys[k]), t);
        tg_sbuf_cat(b, "<td class=\"num\">", t[0] ? t : "–", "</td>", NULL);
    }
}

/* Budget: value, budget, deviation and a remark. */
static void put_budget_cells(tg_sbuf *b, const tg_json *row, const tg_rnum *s) {
    char v[TG_RNUM_MAX] = "", t[TG_RNUM_MAX] = "", d[TG_RNUM_MAX] = "";
    int shown = row && tg_chart_shown(row), flag = 0;
    tg_rnum_value(s, tg_json_num_at(row, "target"), t);
    if (shown) {
        double x = tg_json_num_at(row, "value"), target = tg_json_num_at(row, "target");
        tg_rnum_value(s, x, v);
        tg_rnum_change(s, x - target, d);
        flag = tg_json_bool_value(tg_rnum_get(row, "flag"));
    }
    tg_sbuf_cat(b, "<td class=\"num\">", v[0] ? v : "–", "</td><td class=\"num\">", t[0] ? t : "–",
                "</td><td class=\"num\">", d[0] ? d : "–", "</td><td>",
                flag   ? "◆ afviger"
                : !row ? "ingen række"
                       : row_note(row),
                "</td>", NULL);
}

static void put_group_head(tg_sbuf *b, tg_gchart_kind kind, const char *latest, size_t n,
                           size_t no) {
    tg_sbuf_printf(b,
                   "<table class=\"groups\" id=\"ind-%zu-grupper\"><caption>%s pr. gruppe (%zu "
                   "%s)</caption>\n<thead><tr><th scope=\"col\">%s</th>",
                   no, kind == TG_GCHART_BUDGET ? "Værdi og budget" : "Vurdering", n,
                   kind == TG_GCHART_FUNNEL ? "trin"
                   : n == 1                 ? "gruppe"
                                            : "grupper",
                   kind == TG_GCHART_FUNNEL ? "Trin" : "Gruppe");
    tg_sbuf_str(b, "<th scope=\"col\" class=\"num\">Værdi ");
    put_text(b, latest);
    if (kind == TG_GCHART_BUDGET)
        tg_sbuf_str(b, "</th><th scope=\"col\" class=\"num\">Budget</th><th scope=\"col\" "
                       "class=\"num\">Afvigelse</th><th scope=\"col\">Bemærkning</th>");
    else
        tg_sbuf_str(b, "</th><th scope=\"col\" class=\"num\">Nedre</th><th scope=\"col\" "
                       "class=\"num\">Øvre</th><th scope=\"col\">Vurdering</th><th "
                       "scope=\"col\" class=\"num\">Ændring siden basis (interval)</th>");
    tg_sbuf_str(b, "</tr></thead><tbody>\n");
}

/* The table beside a group chart: a row per group in the chart's order. */
static void put_group_table(tg_sbuf *b, const tg_json *ind, const size_t *order, size_t no) {
    const tg_json *vs = tg_rnum_get(ind, "verdicts");
    tg_gchart_kind kind = tg_gchart_kind_of(ind);
    const tg_rnum s = kind == TG_GCHART_BUDGET ? tg_gchart_budget_style(ind) : tg_rnum_of(ind);
    char latest[TG_RNUM_MAX], name[TG_RNUM_MAX];
    tg_gchart_rows *ix = tg_gchart_rows_new(ind);
    if (!ix) {
        b->oom = 1;
        return;
    }
    tg_rnum_period_of(tg_gchart_latest(ind), latest);
    put_group_head(b, kind, latest, tg_rnum_len(vs), no);
    for (size_t r = 0; r < tg_rnum_len(vs); r++) {
        const tg_json *v = tg_rnum_at(vs, order[r]), *row = tg_gchart_rows_find(ix, v, latest);
        if (!tg_gchart_name(ind, v, name)) b->oom = 1;
        tg_sbuf_str(b, "<tr><th scope=\"row\">");
        put_text(b, name);
        tg_sbuf_str(b, "</th>");
        if (kind == TG_GCHART_BUDGET) {
            put_budget_cells(b, row, &s);
        } else {
            put_latest_cells(b, row, &s);
            tg_sbuf_str(b, "<td>");
            put_badge(b, tg_json_str_at(v, "verdict"));
            tg_sbuf_str(b, "</td><td class=\"num\">");
            put_change_cell(b, v, &s);
            tg_sbuf_str(b, "</td>");
        }
        tg_sbuf_str(b, "</tr>\n");
    }
    tg_sbuf_str(b, "</tbody></table>\n");
    tg_gchart_rows_free(ix);
}

/* What a group chart's marks mean. */
static void put_group_caption(tg_sbuf *b, const tg_json *ind) {
    tg_gchart_kind kind = tg_gchart_kind_of(ind);
    char latest[TG_RNUM_MAX];
    tg_rnum_period_of(tg_gchart_latest(ind), latest);
    tg_sbuf_str(b, "<figcaption class=\"note\">");
    put_text(b, latest);
    if (kind == TG_GCHART_FUNNEL)
        tg_sbuf_str(b, ". Bjælke: andelen, der når trinnet, i midten af diagrammet; streger "
                       "ved enderne: intervallet. Til højre: andelen og trinnets vurdering.");
    else if (kind == TG_GCHART_BUDGET) {
        char fd[TG_RNUM_MAX];
        tg_rnum s = tg_gchart_budget_style(ind);
        tg_rnum_change(&s, tg_json_num_at(ind, "flag_deviation"), fd);
        tg_sbuf_cat(b, ". Punkt: værdien. Lodret streg: budgettet. Lyst bånd: budget ± ",
                    fd[0] == '+' ? fd + 1 : fd,
                    "; ◆ afviger: uden for båndet. Til højre: afvigelsen fra budget.", NULL);
    } else
        tg_sbuf_str(b, ". Punkt: seneste værdi. Vandret streg: intervallet. Lodret streg: "
                       "værdien i basisperioden. Til højre: gruppens vurdering.");
    tg_sbuf_str(b, " Grupper uden viste tal står med –.</figcaption>\n</figure>\n");
}

/* The funnel's reasons at the latest period as a table. */
static void put_reasons(tg_sbuf *b, const tg_json *ind, size_t no) {
    const tg_json *list = tg_gchart_reasons(ind, NULL);
    size_t cap = tg_rnum_len(list);
    const tg_json **rows = cap ? tg_malloc(cap * sizeof *rows) : NULL;
    double *counts = cap ? tg_malloc(cap * sizeof *counts) : NULL;
    char latest[TG_RNUM_MAX], id[48], label[TG_RNUM_MAX], count[TG_RNUM_MAX];
    size_t n = rows && counts ? tg_gchart_reason_rows(ind, rows, counts) : 0;
    if (cap && (!rows || !counts)) b->oom = 1;
    if (n) {
        tg_rnum_period_of(tg_gchart_latest(ind), latest);
        snprintf(id, sizeof id, "ind-%zu-aarsager", no);
        tg_sbuf_str(b, "<div class=\"fig wide\">\n<figure>\n");
        tg_gchart_reasons_draw(b, ind, id);
        tg_sbuf_str(b, "<figcaption class=\"note\">Årsager ");
        put_text(b, latest);
        /* No reason for a hidden one: it would narrow the number down. */
        tg_sbuf_str(b, ", flest først. Skjult: vises ikke af hensyn til diskretionen."
                       "</figcaption>\n</figure>\n");
        tg_sbuf_printf(b,
                       "<table class=\"reasons\" id=\"ind-%zu-aarsager-tabel\"><caption>"
                       "Årsager ",
                       no);
        put_text(b, latest);
        tg_sbuf_str(b, "</caption>\n<thead><tr><th scope=\"col\">Årsag</th><th scope=\"col\" "
                       "class=\"num\">Antal</th></tr></thead><tbody>\n");
        for (size_t r = 0; r < n; r++) {
            tg_gchart_reason(ind, rows[r], label, count);
            tg_sbuf_str(b, "<tr><th scope=\"row\">");
            put_text(b, label);
            tg_sbuf_cat(b, "</th><td class=\"num\">", count[0] ? count : "skjult", "</td></tr>\n",
                        NULL);
        }
        tg_sbuf_str(b, "</tbody></table>\n</div>\n");
    }
    tg_free(rows);
    tg_free(counts);
}

/* A grouped indicator: the chart of its kind (tg_gchart) with the table of
** the groups beside it, groups in Danish order when they are text. */
static void put_grouped(tg_sbuf *b, const tg_json *ind, size_t no) {
    const tg_json *vs = tg_rnum_get(ind, "verdicts"), *by = tg_rnum_get(ind, "by");
    size_t n = tg_rnum_len(vs), *order = tg_malloc((n ? n : 1) * sizeof *order);
    char id[32];
    if (!order || !tg_gchart_order(vs, by, order)) {
        b->oom = 1;
        tg_free(order);
        return;
    }
    snprintf(id, sizeof id, "ind-%zu-svg", no);
    tg_sbuf_str(b, "<div class=\"fig wide\">\n<figure>\n");
    tg_gchart_draw(b, ind, order, id);
    put_group_caption(b, ind);
    put_group_table(b, ind, order, no);
    tg_sbuf_str(b, "</div>\n");
    if (tg_gchart_kind_of(ind) == TG_GCHART_FUNNEL) put_reasons(b, ind, no);
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
    if (is_grouped(ind)) put_grouped(b, ind, no);
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

/* ---- branding ---- */

/* The brand's colours over the report's own: a second style sheet, so the
** unbranded report's stays as it is. */
static void put_brand_css(tg_sbuf *b, const tg_brand *brand) {
    const char *p = brand->primary, *a = brand->accent;
    if (!p[0] && !a[0] && !brand->logo && !brand->region[0]) return;
    tg_sbuf_str(b, "<style>\n.brand{display:flex;align-items:center;gap:1rem;flex-wrap:wrap}\n"
                   ".brand img{max-height:4rem;max-width:14rem}.brand .region{font-weight:600;"
                   "margin:0}\n");
    if (p[0])
        tg_sbuf_cat(b, "header.brand{border-top:.5rem solid ", p, ";padding-top:.5rem}h2{border-",
                    "bottom-color:", p, "}\nsvg .value{stroke:", p, "}svg .point{fill:", p,
                    "}svg .open{fill:#fff;stroke:", p, "}svg .funnel,svg .reason{fill:", p,
                    "}\n.region{color:", p, "}\n", NULL);
    if (a[0]) tg_sbuf_cat(b, "svg .target{stroke:", a, "}svg .budget{stroke:", a, "}\n", NULL);
    tg_sbuf_str(b, "</style>\n");
}

static void put_header(tg_sbuf *b, const tg_brand *brand, const char *title) {
    if (!brand || (!brand->logo && !brand->region[0])) {
        tg_sbuf_cat(b, "<header><h1>", title, "</h1></header>\n", NULL);
        return;
    }
    tg_sbuf_str(b, "<header class=\"brand\">");
    if (brand->logo) {
        tg_sbuf_cat(b, "<img src=\"", brand->logo, "\" alt=\"Logo", NULL);
        if (brand->region[0]) tg_sbuf_str(b, ": "), put_text(b, brand->region);
        tg_sbuf_str(b, "\">");
    }
    tg_sbuf_str(b, "<div>");
    if (brand->region[0]) {
        tg_sbuf_str(b, "<p class=\"region\">");
        put_text(b, brand->region);
        tg_sbuf_str(b, "</p>");
    }
    tg_sbuf_cat(b, "<h1>", title, "</h1></div></header>\n", NULL);
}

char *tg_report_html(const tg_json *doc) {
    return tg_report_html_full(doc, NULL, NULL);
}

char *tg_report_html_with(const tg_json *doc, const tg_brand *brand) {
    return tg_report_html_full(doc, brand, NULL);
}

char *tg_report_html_since(const tg_json *doc, const tg_histdiff *d) {
    return tg_report_html_full(doc, NULL, d);
}

int tg_report_check(const tg_json *doc, char *why, size_t n) {
    return tg_indsum_check(doc, why, n) || tg_rtables_count(doc, NULL) > 0;
}

static const char scenario_guide[] =
    "<p><strong>Takstscenarier.</strong> Et scenarie simulerer de kommende år mange gange "
    "med tilfældige ind- og udflytninger. Linjen er medianen af døgntaksten: halvdelen af "
    "forløbene ligger over, halvdelen under. Båndet går fra 5 %- til 95 %-fraktilen: 90 % af "
    "forløbene ligger inden for det. Kolonnen <em>Uden for grænsen</em> er andelen af "
    "forløb, hvor årets resultat faldt uden for driftsrammen, så det påvirker en senere "
    "takst.</p>\n";
static const char forecast_guide[] =
    "<p><strong>Prognoser.</strong> Den fuldt optrukne linje er de faktiske tal, den stiplede "
    "prognosen. Båndene er prognoseintervaller: med den angivne sandsynlighed (fx 95 %) "
    "ligger det kommende tal inden for båndet, hvis modellen holder.</p>\n";

/* The report of a document of scenario and forecast tables (tg_rtables). */
static void put_tables_doc(tg_sbuf *b, const tg_json *doc) {
    int kinds, n = tg_rtables_count(doc, &kinds);
    tg_sbuf_printf(b,
                   "<section id=\"forside\" aria-labelledby=\"forside-h\">\n"
                   "<h2 id=\"forside-h\">Overblik</h2>\n<p>Dokumentet har %d %s.</p>\n",
                   n,
                   n == 1 ? "tabel med et scenarie eller en prognose"
                          : "tabeller med scenarier og prognoser");
    tg_rtables_toc(b, doc);
    tg_sbuf_str(b, "<h3>Sådan læses rapporten</h3>\n");
    if (kinds & TG_RTABLES_SCENARIO) tg_sbuf_str(b, scenario_guide);
    if (kinds & TG_RTABLES_FORECAST) tg_sbuf_str(b, forecast_guide);
    put_inputs(b, tg_rnum_get(doc, "meta"));
    tg_sbuf_str(b, "</section>\n");
    tg_rtables_sections(b, doc);
}

char *tg_report_html_full(const tg_json *doc, const tg_brand *brand, const tg_histdiff *d) {
    assert(doc != NULL);
    tg_sbuf b = { NULL, 0, 0, 0 };
    char why[16];
    int indicators = tg_indsum_check(doc, why, sizeof why);
    const char *title = indicators ? "Tegn på succes" : "Scenarier og prognoser";
    if (!indicators && tg_rtables_count(doc, NULL) == 0) return NULL;
    tg_sbuf_cat(&b,
                "<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<title>",
                title, NULL);
    if (brand && brand->region[0]) tg_sbuf_str(&b, " – "), put_text(&b, brand->region);
    tg_sbuf_cat(&b, "</title>\n<style>\n", css, "</style>\n", NULL);
    if (brand) put_brand_css(&b, brand);
    tg_sbuf_str(&b, "</head>\n<body>\n");
    put_header(&b, brand, title);
    tg_sbuf_str(&b, "<main>\n");
    if (indicators) {
        put_front(&b, doc);
        put_sections(&b, tg_rnum_get(doc, "indicators"), d);
    } else {
        put_tables_doc(&b, doc);
    }
    tg_sbuf_str(&b, "</main>\n</body>\n</html>\n");
    if (b.oom) {
        tg_free(b.p);
        return NULL;
    }
    return b.p;
}

tg_status tg_report_write(const tg_json *doc, const char *path, tg_error *err) {
    return tg_report_write_full(doc, NULL, NULL, path, err);
}

tg_status tg_report_write_with(const tg_json *doc, const tg_brand *brand, const char *path,
                               tg_error *err) {
    return tg_report_write_full(doc, brand, NULL, path, err);
}

tg_status tg_report_write_since(const tg_json *doc, const tg_histdiff *d, const char *path,
                                tg_error *err) {
    return tg_report_write_full(doc, NULL, d, path, err);
}

tg_status tg_report_write_full(const tg_json *doc, const tg_brand *brand, const tg_histdiff *d,
                               const char *path, tg_error *err) {
    char why[300];
    if (!tg_report_check(doc, why, sizeof why))
        return tg_err_set(err, TG_EDATA, NULL, 0, 0, "not an indicator document: %s", why);
    char *html = tg_report_html_full(doc, brand, d);
    if (!html) return tg_err_nomem(err);
    tg_status st = tg_out_write_atomic(path, html, strlen(html), err);
    tg_free(html);
    return st;
}
