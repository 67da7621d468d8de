/*
** test_histdiff.c -- what changed between two recorded runs (tg_histdiff),
** on two small documents made to hold one of every change: a revision
** below the shown rounding (not reported) and above it, in per cent and in
** whole kroner; a cell suppressed and one made visible; a period gone; a
** group added; indicators added and removed; a verdict changed; inputs
** falling by exactly the threshold (quiet) and by more, columns retyped,
** renamed, added and removed, an input gone and one new. The Danish text
** is checked whole; the JSON, the kinds parser and --fail-on's test too.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tg_hist.h"
#include "tg_histdiff.h"
#include "tg_json.h"
#include "tg_mem.h"
#include "tg_test.h"

/* A grouped share, a mean in kroner and an indicator that goes. */
static const char doc_a[] =
    "{\"format\":\"tegn-indicators\",\"indicators\":["
    "{\"id\":\"a.andel\",\"title\":\"Andel\",\"kind\":\"proportion\",\"by\":[\"tilbud_id\"],"
    "\"period\":\"aar\",\"series\":["
    "{\"tilbud_id\":\"T1\",\"aar\":2019,\"value\":0.4104,\"suppressed\":false},"
    "{\"tilbud_id\":\"T1\",\"aar\":2020,\"value\":0.5,\"suppressed\":false},"
    "{\"tilbud_id\":\"T1\",\"aar\":2021,\"value\":0.6,\"suppressed\":false},"
    "{\"tilbud_id\":\"T2\",\"aar\":2019,\"value\":null,\"suppressed\":true},"
    "{\"tilbud_id\":\"T2\",\"aar\":2020,\"value\":0.3,\"suppressed\":false},"
    "{\"tilbud_id\":\"T2\",\"aar\":2021,\"value\":0.35,\"suppressed\":false}],"
    "\"verdicts\":[{\"tilbud_id\":\"T1\",\"verdict\":\"improved\"},"
    "{\"tilbud_id\":\"T2\",\"verdict\":\"worse\"}]},"
    "{\"id\":\"b.kr\",\"title\":\"Kroner\",\"kind\":\"mean\",\"unit\":\"kr. pr. døgn\",\"by\":[],"
    "\"period\":\"aar\",\"series\":["
    "{\"aar\":2019,\"value\":1000.4,\"suppressed\":false},"
    "{\"aar\":2020,\"value\":2000.0,\"suppressed\":false}],"
    "\"verdicts\":[{\"verdict\":\"improved\"}]},"
    "{\"id\":\"c.gone\",\"title\":\"Væk\",\"kind\":\"mean\",\"by\":[],\"period\":\"aar\","
    "\"series\":[],\"verdicts\":[]}],"
    "\"meta\":{\"inputs\":["
    "{\"path\":\"d/x.csv\",\"sha256\":\"1\",\"rows\":100,\"rejected\":0,\"columns\":["
    "{\"name\":\"aar\",\"type\":\"int\"},{\"name\":\"navn\",\"type\":\"string\"},"
    "{\"name\":\"beloeb\",\"type\":\"float\"}]},"
    "{\"path\":\"d/y.csv\",\"sha256\":\"2\",\"rows\":50,\"rejected\":0,\"columns\":["
    "{\"name\":\"k\",\"type\":\"int\"}]},"
    "{\"path\":\"d/z.csv\",\"sha256\":\"3\",\"rows\":10,\"rejected\":0,\"columns\":[]}]}}";

/* T1 2019 moves below the shown rounding (41,0 % both), 2020 above it;
** T2 2019 becomes visible, 2020 suppressed, 2021 goes; T3 comes. */
static const char doc_b[] =
    "{\"format\":\"tegn-indicators\",\"indicators\":["
    "{\"id\":\"a.andel\",\"title\":\"Andel\",\"kind\":\"proportion\",\"by\":[\"tilbud_id\"],"
    "\"period\":\"aar\",\"series\":["
    "{\"tilbud_id\":\"T1\",\"aar\":2019,\"value\":0.4096,\"suppressed\":false},"
    "{\"tilbud_id\":\"T1\",\"aar\":2020,\"value\":0.5006,\"suppressed\":false},"
    "{\"tilbud_id\":\"T1\",\"aar\":2021,\"value\":0.6,\"suppressed\":false},"
    "{\"tilbud_id\":\"T2\",\"aar\":2019,\"value\":0.25,\"suppressed\":false},"
    "{\"tilbud_id\":\"T2\",\"aar\":2020,\"value\":null,\"suppressed\":true},"
    "{\"tilbud_id\":\"T3\",\"aar\":2021,\"value\":0.1,\"suppressed\":false}],"
    "\"verdicts\":[{\"tilbud_id\":\"T1\",\"verdict\":\"no_clear_change\"},"
    "{\"tilbud_id\":\"T2\",\"verdict\":\"worse\"},{\"tilbud_id\":\"T3\",\"verdict\":\"not_judged\"}"
    "]},"
    "{\"id\":\"b.kr\",\"title\":\"Kroner\",\"kind\":\"mean\",\"unit\":\"kr. pr. døgn\",\"by\":[],"
    "\"period\":\"aar\",\"series\":["
    "{\"aar\":2019,\"value\":1000.49,\"suppressed\":false},"
    "{\"aar\":2020,\"value\":2000.6,\"suppressed\":false}],"
    "\"verdicts\":[{\"verdict\":\"improved\"}]},"
    "{\"id\":\"d.ny\",\"title\":\"Ny\",\"kind\":\"mean\",\"by\":[],\"period\":\"aar\","
    "\"series\":[],\"verdicts\":[]}],"
    "\"meta\":{\"inputs\":["
    "{\"path\":\"d/x.csv\",\"sha256\":\"1\",\"rows\":90,\"rejected\":0,\"columns\":["
    "{\"name\":\"aar\",\"type\":\"string\"},{\"name\":\"navn2\",\"type\":\"string\"},"
    "{\"name\":\"beloeb\",\"type\":\"float\"},{\"name\":\"ekstra\",\"type\":\"int\"}]},"
    "{\"path\":\"e/y.csv\",\"sha256\":\"2\",\"rows\":44,\"rejected\":0,\"columns\":[]},"
    "{\"path\":\"d/w.csv\",\"sha256\":\"4\",\"rows\":5,\"rejected\":0,\"columns\":[]}]}}";

static const char expected_text[] =
    "Kørsel 2 (2026-01-02T02:00:00Z) sammenlignet med kørsel 1 (2026-01-01T02:00:00Z), "
    "alle.lua:\n"
    "\n"
    "Vurderinger, der har skiftet (1):\n"
    "  a.andel [T1]: forbedret → ingen klar ændring\n"
    "\n"
    "Reviderede tidligere perioder (5):\n"
    "  a.andel [T1] 2020: 50,0 % → 50,1 %\n"
    "  a.andel [T2] 2019: skjult → 25,0 %\n"
    "  a.andel [T2] 2020: 30,0 % → skjult\n"
    "  a.andel [T2] 2021: perioden er væk (var 35,0 %)\n"
    "  b.kr 2020: 2.000 kr. → 2.001 kr.\n"
    "\n"
    "Grupper, der er kommet til eller forsvundet (1):\n"
    "  a.andel: T3 er kommet til\n"
    "\n"
    "Indikatorer, der er tilføjet eller fjernet (2):\n"
    "  c.gone er fjernet (Væk)\n"
    "  d.ny er tilføjet (Ny)\n"
    "\n"
    "Inddata, der er ændret (7):\n"
    "  d/x.csv: kolonnen »aar« er nu string (var int)\n"
    "  d/x.csv: kolonnen »navn« hedder nu »navn2«\n"
    "  d/x.csv: ny kolonne »ekstra«\n"
    "  e/y.csv: rækker faldet fra 50 til 44 (−12,0 %)\n"
    "  e/y.csv: kolonnen »k« er væk\n"
    "  d/z.csv: læses ikke længere\n"
    "  d/w.csv: læses nu (nyt inddata)\n";

static void record_doc(tg_hist *h, const char *text, const char *when) {
    tg_json *doc;
    tg_hist_run r;
    memset(&r, 0, sizeof r);
    r.started_at = when;
    r.duration_s = NAN;
    r.tegn_version = "0.1.0";
    r.script = "alle.lua";
    r.seed = "42";
    assert_int_equal(tg_json_parse(text, strlen(text), &doc, NULL), TG_OK);
    assert_int_equal(tg_hist_record(h, &r, doc, NULL, NULL, NULL), TG_OK);
    tg_json_free(doc);
}

static void test_histdiff_every_kind(void **state) {
    char path[1100];
    tg_hist *h;
    tg_hist_snap *a, *b;
    (void)state;
    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".sqlite"));
    assert_int_equal(tg_hist_open(path, 1, &h, NULL), TG_OK);
    record_doc(h, doc_a, "2026-01-01T02:00:00Z");
    record_doc(h, doc_b, "2026-01-02T02:00:00Z");
    assert_int_equal(tg_hist_load(h, 1, &a, NULL), TG_OK);
    assert_int_equal(tg_hist_load(h, 2, &b, NULL), TG_OK);
    size_t blocks = tg_mem_blocks();

    tg_histdiff *d = tg_histdiff_compute(a, b, NULL);
    assert_non_null(d);
    char *text = tg_histdiff_text(d);
    assert_string_equal(text, expected_text);
    tg_free(text);
    assert_true(tg_histdiff_any(d, 1 << TG_HD_GROUP));
    assert_int_equal(d->counts[TG_HD_REVISION], 5);

    tg_json *js = tg_histdiff_json(d);
    char *dump = tg_json_dump(js, 0);
    assert_non_null(strstr(dump, "\"counts\":{\"verdict\":1,\"revision\":5,\"group\":1,"
                                 "\"indicator\":2,\"input\":7}"));
    assert_non_null(strstr(dump, "{\"kind\":\"revision\",\"what\":\"revised\",\"indicator\":"
                                 "\"a.andel\",\"group\":\"T1\",\"period\":\"2020\",\"from\":0.5,"
                                 "\"to\":0.5006}"));
    assert_non_null(strstr(dump, "{\"kind\":\"revision\",\"what\":\"unsuppressed\",\"indicator\":"
                                 "\"a.andel\",\"group\":\"T2\",\"period\":\"2019\",\"from\":null,"
                                 "\"to\":0.25}"));
    assert_non_null(strstr(dump, "{\"kind\":\"input\",\"what\":\"column_retyped\",\"input\":"
                                 "\"d/x.csv\",\"column\":\"aar\",\"from\":\"int\",\"to\":"
                                 "\"string\"}"));
    assert_non_null(strstr(dump, "{\"kind\":\"input\",\"what\":\"rows_fell\",\"input\":"
                                 "\"e/y.csv\",\"from\":50,\"to\":44}"));
    assert_non_null(strstr(dump, "{\"kind\":\"indicator\",\"what\":\"added\",\"indicator\":"
                                 "\"d.ny\",\"title\":\"Ny\"}"));
    tg_free(dump);
    tg_json_free(js);
    tg_histdiff_free(d);

    /* a tighter threshold also reports x.csv's 10 % */
    tg_histdiff_opts o;
    tg_histdiff_opts_init(&o);
    o.row_drop = 0.05;
    d = tg_histdiff_compute(a, b, &o);
    assert_int_equal(d->counts[TG_HD_INPUT], 8);
    tg_histdiff_free(d);

    /* a run against itself: nothing */
    d = tg_histdiff_compute(b, b, NULL);
    assert_int_equal(d->n, 0);
    assert_false(tg_histdiff_any(d, -1));
    text = tg_histdiff_text(d);
    assert_non_null(strstr(text, "\nIngen ændringer.\n"));
    tg_free(text);
    tg_histdiff_free(d);
    tg_test_no_leaks(blocks);

    tg_hist_snap_free(a);
    tg_hist_snap_free(b);
    tg_hist_close(h);
    unlink(path);
}

/* Every allocation of a diff and its two renderings failing in turn:
** TG_ENOMEM and nothing left behind, never a wrong diff. */
struct oom_ctx {
    const tg_hist_snap *a, *b;
};

static tg_status diff_and_render(void *ud) {
    const struct oom_ctx *c = ud;
    tg_histdiff *d = tg_histdiff_compute(c->a, c->b, NULL);
    char *text = d ? tg_histdiff_text(d) : NULL;
    tg_json *js = text ? tg_histdiff_json(d) : NULL;
    tg_status st = js ? TG_OK : TG_ENOMEM;
    if (st == TG_OK) assert_string_equal(text, expected_text);
    tg_json_free(js);
    tg_free(text);
    tg_histdiff_free(d);
    return st;
}

static void test_histdiff_oom(void **state) {
    char path[1100];
    tg_hist *h;
    struct oom_ctx c;
    tg_hist_snap *a, *b;
    (void)state;
    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".sqlite"));
    assert_int_equal(tg_hist_open(path, 1, &h, NULL), TG_OK);
    record_doc(h, doc_a, "2026-01-01T02:00:00Z");
    record_doc(h, doc_b, "2026-01-02T02:00:00Z");
    assert_int_equal(tg_hist_load(h, 1, &a, NULL), TG_OK);
    assert_int_equal(tg_hist_load(h, 2, &b, NULL), TG_OK);
    c.a = a;
    c.b = b;
    assert_true(tg_test_oom_loop(diff_and_render, &c) > 10);
    tg_hist_snap_free(a);
    tg_hist_snap_free(b);
    tg_hist_close(h);
    unlink(path);
}

static void test_histdiff_parse_kinds(void **state) {
    (void)state;
    assert_int_equal(tg_histdiff_parse_kinds("verdict"), 1 << TG_HD_VERDICT);
    assert_int_equal(tg_histdiff_parse_kinds("verdict,revision,input"),
                     (1 << TG_HD_VERDICT) | (1 << TG_HD_REVISION) | (1 << TG_HD_INPUT));
    assert_int_equal(tg_histdiff_parse_kinds("all"), (1 << TG_HD_KINDS) - 1);
    assert_int_equal(tg_histdiff_parse_kinds("verdicts"), -1);
    assert_int_equal(tg_histdiff_parse_kinds("verdict,"), 1 << TG_HD_VERDICT);
    assert_int_equal(tg_histdiff_parse_kinds(""), -1);
    assert_int_equal(tg_histdiff_parse_kinds("group,,indicator"), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_histdiff_every_kind),
        cmocka_unit_test(test_histdiff_parse_kinds),
        cmocka_unit_test_teardown(test_histdiff_oom, tg_test_disarm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
