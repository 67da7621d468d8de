/*
** test_luaind.c -- tegn.indicator and the data catalog from Lua: groups,
** suppression and verdicts in the returned tables and in the document,
** params with their defaults' types, details, and the errors a script
** author meets. Expected verdicts are worked by hand in the comments.
*/
#include "tg_luatest.h"

#include <unistd.h>

static char data_dir[] = "/tmp/tg_luaind_XXXXXX";
static char csv_path[1200];

/* Group A: 40 of 100 -> 70 of 100 (a 30-point rise, far outside chance:
** improved). B: 3 of 30 (a count of 1-4: suppressed) -> 10 of 30: not
** judged. C: one period: not judged. */
static int setup(void **state) {
    (void)state;
    if (!mkdtemp(data_dir)) return -1;
    snprintf(csv_path, sizeof csv_path, "%s/andele.csv", data_dir);
    write_file(csv_path, "tilbud_id;aar;num;den\n"
                         "A;2025;70;100\nA;2019;40;100\n"
                         "B;2019;3;30\nB;2025;10;30\n"
                         "C;2025;20;40\n");
    return 0;
}

static int teardown(void **state) {
    (void)state;
    unlink(csv_path);
    rmdir(data_dir);
    return 0;
}

#define SPEC                                                                              \
    "id = 't.x', title = 'T', strategy = 's', goal = 'g', direction = 'up', unit = 'u', " \
    "by = 'tilbud_id', period = 'aar', "

static void open_env(struct env *e, const char *extra) {
    char param[1300];
    const char *params[2] = { param, extra };
    snprintf(param, sizeof param, "datasets=%s", data_dir);
    env_open(e, params, extra ? 2 : 1);
}

static void test_luaind_groups_series_verdicts(void **state) {
    struct env e;
    (void)state;
    open_env(&e, NULL);
    assert_string_equal(
        run_ok(&e, "local s, v = tegn.indicator{" SPEC
                   "compute = function(data) return data.andele:rename{numerator = 'num', "
                   "denominator = 'den'} end }\n"
                   "for _, r in ipairs(v:rows()) do print(r.tilbud_id, r.verdict) end\n"
                   "for _, r in ipairs(s:rows()) do\n"
                   "  print(r.tilbud_id, r.aar, r.value, r.numerator, r.suppressed, r.small)\n"
                   "end\n"),
        "A\timproved\nB\tnot_judged\nC\tnot_judged\n"
        "A\t2019\t0.4\t40.0\tfalse\tfalse\n"
        "A\t2025\t0.7\t70.0\tfalse\tfalse\n"
        "B\t2019\tnil\tnil\ttrue\tfalse\n"
        "B\t2025\t0.33333333333333\t10.0\tfalse\tfalse\n"
        "C\t2025\t0.5\t20.0\tfalse\tfalse\n");
    env_close(&e);
}

/* The document: the run collects the indicator with its details; a
** --param overrides a default and takes its type. */
static void test_luaind_document_params_details(void **state) {
    struct env e;
    tg_json *doc;
    const tg_json *ind, *det;
    (void)state;
    open_env(&e, "n=7");
    run_ok(&e, "tegn.indicator{" SPEC "params = { n = 1, kilde = 'x' },\n"
               "compute = function(data, p)\n"
               "  return data.andele:rename{numerator = 'num', denominator = 'den'},\n"
               "         { n = p.n, kilde = p.kilde, ntype = math.type(p.n) } end }\n");
    doc = tg_luactx_take_doc(e.lib, NULL);
    assert_non_null(doc);
    assert_string_equal(tg_json_str_value(tg_json_get(doc, "format"), NULL), "tegn-indicators");
    ind = tg_json_at(tg_json_get(doc, "indicators"), 0);
    assert_string_equal(tg_json_str_value(tg_json_get(ind, "id"), NULL), "t.x");
    assert_string_equal(tg_json_str_value(tg_json_get(ind, "script"), NULL), "script.lua");
    det = tg_json_get(ind, "details");
    assert_int_equal(tg_json_int_value(tg_json_get(det, "n")), 7);
    assert_string_equal(tg_json_str_value(tg_json_get(det, "ntype"), NULL), "integer");
    assert_string_equal(tg_json_str_value(tg_json_get(det, "kilde"), NULL), "x");
    tg_json_free(doc);
    env_close(&e);
}

/* Runs 'code' expecting a script error whose message contains 'want'. */
static void fails_with(struct env *e, const char *code, const char *want) {
    tg_status st = env_run(e, code);
    if (st == TG_OK) fail_msg("expected an error containing '%s'", want);
    if (!strstr(e->err.msg, want)) fail_msg("'%s' lacks '%s'", e->err.msg, want);
}

static void test_luaind_errors(void **state) {
    struct env e;
    (void)state;
    open_env(&e, "n=abc");
    fails_with(&e,
               "tegn.indicator{ id = 'a', strategy = 's', goal = 'g', direction = 'up', "
               "unit = 'u', compute = print }",
               "'title' must be a non-empty string");
    fails_with(&e, "tegn.indicator{" SPEC "titl = 1, compute = print }",
               "unknown option 'titl'; did you mean 'title'?");
    fails_with(&e, "tegn.indicator{" SPEC "direction = 'op', compute = print }",
               "'direction' must be \"up\" or \"down\"");
    fails_with(&e, "tegn.indicator{" SPEC "id = 't.y', compute = function() end }",
               "compute must return a tegn.Table, not a nil");
    fails_with(&e, "tegn.indicator{" SPEC "id = 't.y', compute = function(d) return d.andele end }",
               "id 't.y' is already defined in this run");
    fails_with(&e, "tegn.indicator{" SPEC "id = 't.z', compute = function(d) return d.andele end }",
               "no column 'numerator'");
    fails_with(&e, "tegn.indicator{" SPEC "id = 't.w', compute = function(d) return d.andle end }",
               "no dataset 'andle' in");
    fails_with(&e, "tegn.indicator{" SPEC "id = 't.v', params = { n = 1 }, compute = print }",
               "--param n=abc: expected a number");
    fails_with(&e,
               "tegn.indicator{" SPEC "id = 't.u', kind = 'mean',\n"
               "compute = function(d) return d.andele end }",
               "no column 'value'");
    env_close(&e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_luaind_groups_series_verdicts),
        cmocka_unit_test(test_luaind_document_params_details),
        cmocka_unit_test(test_luaind_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
