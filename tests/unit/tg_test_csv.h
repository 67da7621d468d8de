/*
** tg_test_csv.h -- the loading helpers the CSV tests share (test_csv.c,
** test_csvprep.c): a fixture loaded or failing, a column by name, a string
** cell, and the end of a case (table and report freed, no tg_mem block left).
** Static, so each test file keeps its short names.
*/
#ifndef TG_TEST_CSV_H
#define TG_TEST_CSV_H

#include "tg_test.h"

#include "tg_csv.h"
#include "tg_dict.h"
#include "tg_err.h"
#include "tg_table.h"

static tg_table *load_opts(const char *name, const tg_csv_opts *opts, tg_csv_report **rep) {
    tg_table *t = NULL;
    tg_error err;
    tg_status st = tg_csv_read(tg_test_fixture(name), opts, &t, rep, &err);
    if (st != TG_OK) fail_msg("%s: %s", name, err.msg);
    return t;
}

static tg_table *load(const char *name, tg_csv_report **rep) {
    return load_opts(name, NULL, rep);
}

static const tg_col *col(const tg_table *t, const char *name) {
    const tg_col *c = tg_table_col(t, name);
    if (!c) fail_msg("no column '%s'", name);
    return c;
}

static const char *str(const tg_col *c, size_t i) {
    assert_int_equal(c->type, TG_STRING);
    return tg_dict_str(c->dict, c->v.str[i], NULL);
}

static void done(tg_table *t, tg_csv_report *r, size_t blocks) {
    tg_table_release(t);
    tg_csv_report_free(r);
    tg_test_no_leaks(blocks);
}

#endif /* TG_TEST_CSV_H */
