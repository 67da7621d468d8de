/*
** test_hist.c -- the run history store (tg_hist): the schema created and
** refused, a record read back value for value, a record killed with
** SIGKILL inside its transaction and one stopped by its interrupt leaving
** the file as it was, concurrent-safe ids, and prune keeping each month's
** first run. SQLite is read directly here as a second reader.
*/
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tg_err.h"
#include "tg_hist.h"
#include "tg_json.h"
#include "tg_mem.h"
#include "tg_sbuf.h"
#include "tg_test.h"

/* An indicator document: "t.andel" over 'n_groups' tilbud and years
** 2019.., 'n_years' each, with DSV-02's first year suppressed. */
static tg_json *make_doc(int n_groups, int n_years) {
    tg_sbuf b = { 0 };
    tg_json *doc = NULL;
    tg_sbuf_str(&b, "{\"format\":\"tegn-indicators\",\"format_version\":1,\"indicators\":["
                    "{\"id\":\"t.andel\",\"title\":\"Andel\",\"kind\":\"proportion\","
                    "\"unit\":\"andel\",\"by\":[\"tilbud_id\"],\"period\":\"aar\",\"series\":[");
    for (int g = 0; g < n_groups; g++)
        for (int y = 0; y < n_years; y++) {
            int supp = g == 1 && y == 0;
            if (g || y) tg_sbuf_str(&b, ",");
            if (supp)
                tg_sbuf_printf(&b,
                               "{\"tilbud_id\":\"DSV-%02d\",\"aar\":%d,\"value\":null,\"lo\":null,"
                               "\"hi\":null,\"numerator\":null,\"denominator\":null,\"n\":null,"
                               "\"suppressed\":true,\"small\":true}",
                               g + 1, 2019 + y);
            else
                tg_sbuf_printf(&b,
                               "{\"tilbud_id\":\"DSV-%02d\",\"aar\":%d,\"value\":%.3f,\"lo\":0.1,"
                               "\"hi\":0.9,\"numerator\":%d,\"denominator\":100,\"n\":100,"
                               "\"suppressed\":false,\"small\":false}",
                               g + 1, 2019 + y, (g * 7 + y) % 10 / 10.0 + 0.05, g + y);
        }
    tg_sbuf_str(&b, "],\"verdicts\":[");
    for (int g = 0; g < n_groups; g++)
        tg_sbuf_printf(&b, "%s{\"tilbud_id\":\"DSV-%02d\",\"verdict\":\"%s\"}", g ? "," : "", g + 1,
                       g % 2 ? "improved" : "worse");
    tg_sbuf_str(&b, "]}],\"meta\":{\"inputs\":[{\"path\":\"d/a.csv\",\"sha256\":\"ab\","
                    "\"rows\":10,\"rejected\":1,\"columns\":[{\"name\":\"aar\",\"type\":\"int\"},"
                    "{\"name\":\"tilbud_id\",\"type\":\"string\"}]}]}}");
    assert_false(b.oom);
    assert_int_equal(tg_json_parse(b.p, b.len, &doc, NULL), TG_OK);
    tg_free(b.p);
    return doc;
}

static tg_hist_run make_run(const char *started_at) {
    tg_hist_run r;
    memset(&r, 0, sizeof r);
    r.started_at = started_at;
    r.duration_s = 1.5;
    r.tegn_version = "0.1.0";
    r.script = "alle.lua";
    r.params = "{}";
    r.seed = "42";
    return r;
}

static int64_t sql_int(const char *path, const char *sql) {
    sqlite3 *db;
    sqlite3_stmt *s;
    int64_t v = -1;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

static void exec_sql(const char *path, const char *sql) {
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static int64_t record(const char *path, const char *started, const tg_json *doc, int exit_status) {
    tg_hist *h;
    int64_t id = 0;
    tg_hist_run r = make_run(started);
    r.exit_status = exit_status;
    r.error = exit_status ? "boom" : NULL;
    assert_int_equal(tg_hist_open(path, 1, &h, NULL), TG_OK);
    assert_int_equal(tg_hist_record(h, &r, doc, NULL, &id, NULL), TG_OK);
    tg_hist_close(h);
    return id;
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *p = malloc(1 << 22);
    assert_non_null(f);
    *len = fread(p, 1, 1 << 22, f);
    fclose(f);
    return p;
}

static void test_hist_schema(void **state) {
    char path[1100];
    tg_hist *h = NULL;
    tg_error err;
    (void)state;
    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".sqlite"));
    assert_int_equal(tg_hist_open(path, 0, &h, &err), TG_EIO); /* no file, not created */
    assert_null(h);
    assert_int_not_equal(access(path, F_OK), 0);
    assert_int_equal(tg_hist_open(path, 1, &h, &err), TG_OK);
    tg_hist_close(h);
    assert_int_equal(sql_int(path, "PRAGMA user_version"), TG_HIST_VERSION);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM pragma_table_list WHERE schema = 'main' "
                                   "AND type = 'table' AND strict = 1"),
                     6);
    /* reopening migrates nothing and keeps what is there */
    assert_int_equal(tg_hist_open(path, 0, &h, &err), TG_OK);
    tg_hist_close(h);

    /* an empty SQLite file (version 0, no tables) is migrated forward */
    unlink(path);
    exec_sql(path, "PRAGMA page_size = 4096; VACUUM");
    assert_int_equal(sql_int(path, "PRAGMA user_version"), 0);
    assert_int_equal(tg_hist_open(path, 0, &h, &err), TG_OK);
    tg_hist_close(h);
    assert_int_equal(sql_int(path, "PRAGMA user_version"), TG_HIST_VERSION);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"), 6);

    exec_sql(path, "PRAGMA user_version = 99");
    assert_int_equal(tg_hist_open(path, 0, &h, &err), TG_EDATA);
    assert_non_null(strstr(err.msg, "schema version 99, from a newer tegn"));
    unlink(path);

    exec_sql(path, "CREATE TABLE takst (a INTEGER)");
    assert_int_equal(tg_hist_open(path, 0, &h, &err), TG_EDATA);
    assert_non_null(strstr(err.msg, "not a tegn run history"));
    assert_int_equal(sql_int(path, "SELECT count(*) FROM sqlite_master"), 1); /* untouched */
    unlink(path);
}

static void test_hist_round_trip(void **state) {
    char path[1100];
    tg_hist *h;
    tg_hist_snap *s;
    tg_json *doc = make_doc(3, 4);
    (void)state;
    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".sqlite"));
    size_t blocks = tg_mem_blocks();
    assert_int_equal(record(path, "2026-01-05T02:00:00Z", doc, 0), 1);
    assert_int_equal(record(path, "2026-01-06T02:00:00Z", NULL, 1), 2);
    assert_int_equal(tg_hist_open(path, 0, &h, NULL), TG_OK);
    assert_int_equal(tg_hist_load(h, 1, &s, NULL), TG_OK);
    assert_int_equal(s->n_values, 12);
    assert_int_equal(s->n_verdicts, 3);
    assert_int_equal(s->n_indicators, 1);
    assert_string_equal(s->indicators[0].kind, "proportion");
    assert_string_equal(s->values[4].grp, "DSV-02");
    assert_string_equal(s->values[4].period, "2019");
    assert_true(s->values[4].suppressed && isnan(s->values[4].value));
    assert_string_equal(s->values[5].period, "2020");
    assert_true(s->values[5].value == 0.85 && s->values[5].numerator == 2.0);
    assert_int_equal(s->values[5].flag, -1);
    assert_string_equal(s->verdicts[1].verdict, "improved");
    assert_int_equal(s->n_inputs, 1);
    assert_int_equal(s->inputs[0].rows, 10);
    assert_int_equal(s->inputs[0].n_cols, 2);
    assert_string_equal(s->inputs[0].col_names[1], "tilbud_id");
    assert_string_equal(s->inputs[0].col_types[0], "int");
    tg_hist_snap_free(s);
    /* the failed run: its row, its error, nothing else */
    assert_int_equal(tg_hist_load(h, 2, &s, NULL), TG_OK);
    assert_int_equal(s->run.exit_status, 1);
    assert_string_equal(s->run.error, "boom");
    assert_int_equal(s->n_values + s->n_inputs + s->n_indicators, 0);
    tg_hist_snap_free(s);
    int64_t id;
    assert_int_equal(tg_hist_previous(h, "alle.lua", 0, &id, NULL), TG_OK);
    assert_int_equal(id, 1); /* the failed run is no baseline */
    assert_int_equal(tg_hist_load(h, 7, &s, NULL), TG_EARG);
    tg_hist_close(h);
    tg_test_no_leaks(blocks);
    tg_json_free(doc);
    unlink(path);
}

/* The interrupt of a recorder: after 'left' polls, SIGKILL (kill = 1) or
** a cancel. */
struct stopper {
    int left, kill;
};

static tg_status stop_poll(void *ud) {
    struct stopper *s = ud;
    if (--s->left > 0) return TG_OK;
    if (s->kill) raise(SIGKILL);
    return TG_ECANCEL;
}

/* Killed inside the transaction, after 128 rows of the new run were
** inserted (SQLite may hold them in its cache or have spilled some to the
** WAL): the next open sees the history as it was, run 1 whole. */
static void test_hist_killed_mid_record(void **state) {
    char path[1100];
    tg_json *doc = make_doc(20, 7);
    (void)state;
    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".sqlite"));
    record(path, "2026-01-05T02:00:00Z", doc, 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        tg_hist *h;
        struct stopper st = { 2, 1 }; /* after 128 rows */
        tg_interrupt intr = { stop_poll, &st };
        tg_hist_run r = make_run("2026-01-06T02:00:00Z");
        if (tg_hist_open(path, 0, &h, NULL) == TG_OK) tg_hist_record(h, &r, doc, &intr, NULL, NULL);
        _exit(3); /* not reached when the kill came */
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM run"), 1);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM value"), 140);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM pragma_integrity_check WHERE "
                                   "integrity_check = 'ok'"),
                     1);
    /* and the next record gets the next id */
    assert_int_equal(record(path, "2026-01-07T02:00:00Z", doc, 0), 2);
    tg_json_free(doc);
    unlink(path);
}

/* Stopped by its interrupt (Ctrl-C, a full disk is the same path): the
** file is byte for byte what it was. */
static void test_hist_stopped_unchanged(void **state) {
    char path[1100];
    tg_json *doc = make_doc(20, 7);
    size_t n0, n1;
    tg_hist *h;
    tg_error err;
    struct stopper st = { 2, 0 };
    tg_interrupt intr = { stop_poll, &st };
    tg_hist_run r = make_run("2026-01-06T02:00:00Z");
    int64_t id = 5;
    (void)state;
    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".sqlite"));
    record(path, "2026-01-05T02:00:00Z", doc, 0);
    char *before = slurp(path, &n0);
    assert_int_equal(tg_hist_open(path, 0, &h, NULL), TG_OK);
    assert_int_equal(tg_hist_record(h, &r, doc, &intr, &id, &err), TG_ECANCEL);
    assert_int_equal(id, 0);
    assert_non_null(strstr(err.msg, "stopped while recording"));
    tg_hist_close(h);
    char *after = slurp(path, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    free(before);
    free(after);
    tg_json_free(doc);
    unlink(path);
}

static void test_hist_prune(void **state) {
    static const char *const when[] = { "2026-01-05T02:00:00Z", "2026-01-20T02:00:00Z",
                                        "2026-02-03T02:00:00Z", "2026-02-10T02:00:00Z",
                                        "2026-03-01T02:00:00Z", "2026-03-02T02:00:00Z",
                                        "2026-03-03T02:00:00Z" };
    char path[1100];
    tg_json *doc = make_doc(2, 2);
    tg_hist *h;
    int64_t removed;
    (void)state;
    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".sqlite"));
    for (int i = 0; i < 7; i++) record(path, when[i], doc, i == 2); /* run 3 failed */
    assert_int_equal(tg_hist_open(path, 0, &h, NULL), TG_OK);
    assert_int_equal(tg_hist_prune(h, 2, &removed, NULL), TG_OK);
    assert_int_equal(removed, 2);
    tg_hist_runlist *l;
    assert_int_equal(tg_hist_runs(h, &l, NULL), TG_OK);
    /* January's first, February's first successful (4: 3 failed), March's
    ** first, and the newest two */
    assert_int_equal(l->n, 5);
    int64_t want[] = { 1, 4, 5, 6, 7 };
    for (size_t i = 0; i < l->n; i++) assert_int_equal(l->runs[i].id, want[i]);
    assert_int_equal(l->runs[1].n_values, 4);
    tg_hist_runlist_free(l);
    tg_hist_close(h);
    assert_int_equal(sql_int(path, "SELECT count(DISTINCT run_id) FROM value"), 5);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM input_column"), 10);
    tg_json_free(doc);
    unlink(path);
}

/* Every allocation of an open and a record failing in turn (SQLite's
** memory goes through tg_mem too): TG_ENOMEM and rolled back, or (SQLite
** gets by without some allocations) recorded whole; never half a run. */
struct oom_ctx {
    const char *path;
    const tg_json *doc;
    int recorded;
};

static tg_status record_once(void *ud) {
    struct oom_ctx *c = ud;
    tg_hist_run r = make_run("2026-01-06T02:00:00Z");
    tg_hist *h = NULL;
    int64_t id = 0;
    tg_status st = tg_hist_open(c->path, 0, &h, NULL);
    if (st == TG_OK) st = tg_hist_record(h, &r, c->doc, NULL, &id, NULL);
    c->recorded += st == TG_OK;
    tg_hist_close(h);
    return st;
}

static void test_hist_record_oom(void **state) {
    char path[1100];
    struct oom_ctx c;
    tg_json *doc = make_doc(2, 3);
    (void)state;
    snprintf(path, sizeof path, "%s", tg_test_tmpfile(".sqlite"));
    record(path, "2026-01-05T02:00:00Z", doc, 0);
    c.path = path;
    c.doc = doc;
    c.recorded = 0;
    assert_true(tg_test_oom_loop(record_once, &c) > 5);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM run"), 1 + c.recorded);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM value"), 6 * (1 + c.recorded));
    assert_int_equal(sql_int(path, "SELECT count(*) FROM input_column"), 2 * (1 + c.recorded));
    tg_json_free(doc);
    unlink(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hist_schema),
        cmocka_unit_test(test_hist_round_trip),
        cmocka_unit_test(test_hist_killed_mid_record),
        cmocka_unit_test(test_hist_stopped_unchanged),
        cmocka_unit_test(test_hist_prune),
        cmocka_unit_test_teardown(test_hist_record_oom, tg_test_disarm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
