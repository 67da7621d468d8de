/*
** test_luaind.c -- what only C can check of tegn.indicator: the document
** the run collects (read with tg_luactx_take_doc), with the details and a
** --param that overrides a default and takes its type. Groups, verdicts
** and the errors a script author meets are in tests/lua/indicator.lua.
*/
#include "tg_luatest.h"

#define SPEC                                                                              \
    "id = 't.x', title = 'T', strategy = 's', goal = 'g', direction = 'up', unit = 'u', " \
    "by = 'tilbud_id', period = 'aar', "

/* The data catalog is fixtures/lualib/andele (andele.csv). */
static void open_env(struct env *e, const char *extra) {
    char param[1300];
    const char *params[2] = { param, extra };
    snprintf(param, sizeof param, "datasets=%s", tg_test_fixture("lualib/andele"));
    env_open(e, params, extra ? 2 : 1);
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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_luaind_document_params_details),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
