/*
** test_luaverb.c -- expressions and verbs of the `tegn` module (filter,
** derive, group_by/agg, joins, sort, distinct, top, windows, reshapes,
** map_rows) and their error messages. Every result is compared with what
** SQL computes over a naive second reading of the same fixtures
** (tg_luatest.h).
*/
#include "tg_luatest.h"

static void test_luaverb_filter_matches_sql(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    same_as_sql(&e, db, with_load("dump(b:filter(col'status':eq'belagt'))"),
                "SELECT * FROM b WHERE status = 'belagt'", "%.2f");
    same_as_sql(&e, db,
                with_load("dump(b:filter(tegn.all{col'status':eq'belagt',\n"
                          "  col'kommune':eq'Høje-Taastrup', col'takst_kr':ge(3000),\n"
                          "  col'dato':year():eq(2023)}))"),
                "SELECT * FROM b WHERE status = 'belagt' AND kommune = 'Høje-Taastrup' AND "
                "takst_kr >= 3000 AND strftime('%Y', dato) = '2023'",
                "%.2f");
    same_as_sql(&e, db, with_load("dump(b:filter(b.takst_kr:is_null()))"),
                "SELECT * FROM b WHERE takst_kr IS NULL", "%.2f");
    same_as_sql(&e, db,
                with_load("dump(b:filter(col'dage':between(10, 20)\n"
                          "  :and_(col'tilbud_id':isin{'T01', 'T03', 'T77'})))"),
                "SELECT * FROM b WHERE dage BETWEEN 10 AND 20 AND tilbud_id IN ('T01', 'T03')",
                "%.2f");
    same_as_sql(&e, db,
                with_load("dump(b:filter(tegn.any{col'status':ne'belagt',\n"
                          "  (col'takst_kr' * col'dage'):gt(50000)}:not_()))"),
                "SELECT * FROM b WHERE NOT (status <> 'belagt' OR takst_kr * dage > 50000)",
                "%.2f");
    same_as_sql(&e, db,
                with_load("dump(b:filter(col'dato':ge(tegn.date'2024-01-01')):filter(true))"),
                "SELECT * FROM b WHERE dato >= '2024-01-01'", "%.2f");
    /* & | ~ and the argument forms of tegn.all / tegn.any */
    same_as_sql(&e, db,
                with_load("dump(b:filter((col'status':eq'belagt' & col'dage':gt(20))\n"
                          "  | ~tegn.any(col'kommune':ne'Glostrup', col'dage':ge(10))))"),
                "SELECT * FROM b WHERE (status = 'belagt' AND dage > 20) OR NOT (kommune <> "
                "'Glostrup' OR dage >= 10)",
                "%.2f");
    same_as_sql(&e, db, with_load("print(#b:filter(col'dage':lt(0)))"),
                "SELECT count(*) FROM b WHERE dage < 0", "%.2f");
    sqlite3_close(db);
    env_close(&e);
}


/* Filters give row selections that later verbs read lazily; whatever the
** verb, the rows must be those SQL gives. */
static void test_luaverb_filtered_tables_match_sql(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    same_as_sql(
        &e, db,
        with_load("local f = b:filter(col'dage':gt(5)):filter(col'status':ne'ledig')\n"
                  "print(#f .. '|' .. f:schema()[5].type .. '|' .. tostring(f):sub(1, 16))\n"
                  "dump(f:head(7):select{'tilbud_id', d = 'dage'}:rename{dd = 'd'})\n"
                  "dump(f:rename{k = 'kommune'}:filter(col'k':eq'Ballerup'):select('dato'))\n"
                  "dump(f:derive{x = col'dage' * 2}:filter(col'x':gt(40)):sort{'x'}:head(3))"),
        "SELECT count(*) || '|float|tegn.Table(' || count(*) || ' ro' FROM b WHERE dage > 5 AND "
        "status <> 'ledig' UNION ALL SELECT * FROM (SELECT tilbud_id || '|' || dage FROM b "
        "WHERE dage > 5 AND status <> 'ledig' LIMIT 7) UNION ALL SELECT * FROM (SELECT dato "
        "FROM b WHERE dage > 5 AND status <> 'ledig' AND kommune = 'Ballerup') UNION ALL "
        "SELECT * FROM (SELECT dato || '|' || tilbud_id || '|' || kommune || '|' || status "
        "|| '|' || CASE WHEN takst_kr IS NULL THEN 'NULL' ELSE printf('%.2f', takst_kr) END "
        "|| '|' || dage || '|' || (dage * 2) FROM b WHERE dage > 5 AND status <> 'ledig' AND "
        "dage * 2 > 40 ORDER BY dage * 2, rowid LIMIT 3)",
        "%.2f");
    /* Filtering everything away, and a filter that keeps every row. */
    assert_string_equal(run_ok(&e, with_load("local f = b:filter(col'dage':lt(0))\n"
                                             "print(#f, #f:filter(true), #f:rows())\n"
                                             "print(#b:filter(true), b:filter(true) == b)\n"
                                             "local g = b:filter(col'dage':ge(0))\n"
                                             "print(#g:filter(col'dage':lt(0)):head(2))")),
                        "0\t0\t0\n60\ttrue\n0\n");
    sqlite3_close(db);
    env_close(&e);
}

static void test_luaverb_derive_matches_sql(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    /* New columns follow t's, sorted by name; SQLite's round() rounds
    ** halves away from zero, like round(0) here. */
    same_as_sql(&e, db,
                with_load("dump(b:derive{udgift = col'takst_kr' * col'dage',\n"
                          "  maaned = col'dato':trunc'month', aar = col'dato':year(),\n"
                          "  kvartal = col'dato':quarter(), afrundet = col'takst_kr':round(),\n"
                          "  halv = col'dage' / 2, dage = col'dage' + 1,\n"
                          "  navn = 'x' .. col'tilbud_id'})"),
                "SELECT dato, tilbud_id, kommune, status, takst_kr, dage + 1, "
                "CAST(strftime('%Y', dato) AS INTEGER), round(takst_kr), dage / 2.0, "
                "(CAST(strftime('%m', dato) AS INTEGER) + 2) / 3, date(dato, 'start of month'), "
                "'x' || tilbud_id, takst_kr * dage FROM b",
                "%.2f");
    same_as_sql(
        &e, db,
        with_load("dump(b:derive{{'klasse', tegn.when(col'dage':gt(20), 'lang')\n"
                  "  :when(col'dage':gt(10), 'mellem'):otherwise('kort')},\n"
                  "  {'t', tegn.coalesce(col'takst_kr', 0.0)},\n"
                  "  {'u', tegn.when(col'status':eq'ledig', 1)},\n"
                  "  {'v', tegn.concat(col'tilbud_id', '-', col'dage')},\n"
                  "  {'w', tegn.if_else(col'dage':gt(15), col'dage', 0)},\n"
                  "  {'x', (col'dage' .. ''):try_cast'int' + col'tilbud_id':try_cast'int'}}\n"
                  "  :select{'klasse', 't', 'u', 'v', 'w', 'x'})"),
        "SELECT CASE WHEN dage > 20 THEN 'lang' WHEN dage > 10 THEN 'mellem' ELSE 'kort' "
        "END, coalesce(takst_kr, 0.0), CASE WHEN status = 'ledig' THEN 1 END, tilbud_id "
        "|| '-' || dage, CASE WHEN dage > 15 THEN dage ELSE 0 END, NULL FROM b",
        "%.2f");
    sqlite3_close(db);
    env_close(&e);
}

static void test_luaverb_sort_matches_sql(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    same_as_sql(&e, db, with_load("dump(b:sort{'kommune', tegn.desc'dage'})"),
                "SELECT * FROM b ORDER BY kommune, dage DESC, rowid", "%.2f");
    same_as_sql(&e, db, with_load("dump(b:sort('status', 'takst_kr'))"),
                "SELECT * FROM b ORDER BY status, takst_kr IS NULL, takst_kr, rowid", "%.2f");
    same_as_sql(&e, db, with_load("dump(b:sort{{'takst_kr', desc = true}})"),
                "SELECT * FROM b ORDER BY takst_kr IS NULL, takst_kr DESC, rowid", "%.2f");
    sqlite3_close(db);
    env_close(&e);
}

static void test_luaverb_group_agg_matches_sql(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    same_as_sql(&e, db,
                with_load("dump(b:group_by{'tilbud_id', maaned = col'dato':trunc'month'}:agg{\n"
                          "  n = tegn.count(), belagt = tegn.count_if(col'status':eq'belagt'),\n"
                          "  dage = tegn.sum'dage', gns = tegn.mean'takst_kr',\n"
                          "  mn = tegn.min'takst_kr', mx = tegn.max(col'takst_kr'),\n"
                          "  nd = tegn.n_distinct'status', nt = tegn.count'takst_kr'}, '%.4f')"),
                "SELECT tilbud_id, date(dato, 'start of month') AS m, sum(status = 'belagt'), "
                "sum(dage), avg(takst_kr), min(takst_kr), max(takst_kr), count(*), "
                "count(DISTINCT status), count(takst_kr) FROM b GROUP BY tilbud_id, m "
                "ORDER BY tilbud_id, m",
                "%.4f");
    /* Over a filtered table (a lazy selection): only the key and argument
    ** columns are gathered. */
    same_as_sql(
        &e, db,
        with_load("dump(b:filter(col'status':eq'belagt'):filter(col'dage':ge(3))\n"
                  "  :group_by{'kommune', aar = col'dato':year()}\n"
                  "  :agg{n = tegn.count(), t = tegn.sum(col'takst_kr' * 2)}, '%.2f')"),
        "SELECT kommune, CAST(strftime('%Y', dato) AS INTEGER) AS a, count(*), "
        "sum(takst_kr * 2) FROM b WHERE status = 'belagt' AND dage >= 3 GROUP BY kommune, a "
        "ORDER BY kommune, a",
        "%.2f");
    same_as_sql(
        &e, db,
        with_load("dump(b:filter(col'dage':gt(20)):join(tilbud:filter(col'pladser':lt(15)),\n"
                  "  {on = 'tilbud_id', how = 'semi'}))"),
        "SELECT * FROM b WHERE dage > 20 AND tilbud_id IN (SELECT tilbud_id FROM tilbud "
        "WHERE pladser < 15) ORDER BY rowid",
        "%.2f");
    /* Variance, first and last per group; the whole-table median. */
    same_as_sql(&e, db,
                with_load("local g = b:group_by'kommune':agg{{'v', tegn.var'takst_kr'},\n"
                          "  {'s', tegn.std'dage'}, {'f', tegn.first'takst_kr'},\n"
                          "  {'l', tegn.last'takst_kr'}}\n"
                          "for _, r in ipairs(g:rows()) do\n"
                          "  print(string.format('%s|%.4f|%.4f|%.4f|%.4f', r.kommune, r.v,\n"
                          "    r.s * r.s, r.f, r.l))\n"
                          "end"),
                "SELECT kommune, (sum(takst_kr * takst_kr) - sum(takst_kr) * sum(takst_kr) / "
                "count(takst_kr)) / (count(takst_kr) - 1), (sum(dage * dage) - sum(dage) * "
                "sum(dage) * 1.0 / count(dage)) / (count(dage) - 1), "
                "(SELECT takst_kr FROM b AS i WHERE i.kommune = o.kommune AND takst_kr IS NOT NULL "
                "ORDER BY rowid LIMIT 1), (SELECT takst_kr FROM b AS i WHERE i.kommune = o.kommune "
                "AND takst_kr IS NOT NULL ORDER BY rowid DESC LIMIT 1) FROM b AS o "
                "GROUP BY kommune ORDER BY kommune",
                "%.4f");
    same_as_sql(&e, db,
                with_load("local g = b:group_by():agg{m = tegn.median'takst_kr',\n"
                          "  q = tegn.quantile('takst_kr', 0.5), n = tegn.count()}\n"
                          "local r = g:rows()[1]\n"
                          "print(string.format('%.4f|%.4f|%d', r.m, r.q, r.n))"),
                "SELECT avg(takst_kr), avg(takst_kr), (SELECT count(*) FROM b) FROM (SELECT "
                "takst_kr FROM b WHERE takst_kr IS NOT NULL ORDER BY takst_kr LIMIT 2 - (SELECT "
                "count(takst_kr) FROM b) % 2 OFFSET (SELECT (count(takst_kr) - 1) / 2 FROM b))",
                "%.4f");
    /* Quantile methods by hand over 1, 2, 3 at p = 0.25: linear (R type
    ** 7) at position (n - 1)p + 1 = 1.5 -> 1.5; inverted_cdf (type 1)
    ** x[ceil(np)] = x[1] = 1; hazen (type 5) at position np + 0.5 = 1.25
    ** -> 1.25. */
    assert_string_equal(
        run_ok(&e, "local t = tegn.read_csv(DIR .. 'dmy.csv', {na = {'NA', '-'}})\n"
                   "local r = t:group_by():agg{a = tegn.quantile(tegn.col'id' + 0, 0.25),\n"
                   "  b = tegn.quantile('id', 0.25, {method = 'inverted_cdf'}),\n"
                   "  c = tegn.quantile('id', 0.25, {method = 'hazen'})}:rows()[1]\n"
                   "print(r.a, r.b, r.c)\n"),
        "1.5\t1.0\t1.25\n");
    sqlite3_close(db);
    env_close(&e);
}

static void test_luaverb_joins_match_sql(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    load_naive(db, "takst_hist.csv", ';', "th");
    same_as_sql(&e, db, with_load("dump(b:join(tilbud, {on = 'tilbud_id'}))"),
                "SELECT b.*, t.navn, t.kommune, t.pladser FROM b JOIN tilbud AS t USING "
                "(tilbud_id) ORDER BY b.rowid, t.rowid",
                "%.2f");
    same_as_sql(
        &e, db,
        with_load("local j = b:join(tilbud:rename{id = 'tilbud_id'},\n"
                  "  {on = {tilbud_id = 'id'}, how = 'left', suffix = '_t'})\n"
                  "print(table.concat(j:columns(), ','))\n"
                  "dump(j)"),
        "SELECT 'dato,tilbud_id,kommune,status,takst_kr,dage,navn,kommune_t,pladser' UNION "
        "ALL SELECT * FROM (SELECT b.dato || '|' || b.tilbud_id || '|' || b.kommune || '|' "
        "|| b.status || '|' || CASE WHEN b.takst_kr IS NULL THEN 'NULL' ELSE printf('%.2f', "
        "b.takst_kr) END || '|' || b.dage "
        "|| '|' || coalesce(t.navn, 'NULL') || '|' || coalesce(t.kommune, 'NULL') || '|' || "
        "coalesce(t.pladser, 'NULL') FROM b LEFT JOIN tilbud AS t ON b.tilbud_id = "
        "t.tilbud_id ORDER BY b.rowid, t.rowid)",
        "%.2f");
    same_as_sql(&e, db,
                with_load("dump(b:join(tilbud, {on = {'tilbud_id', 'kommune'}, how = 'semi'}))"),
                "SELECT * FROM b WHERE EXISTS (SELECT 1 FROM tilbud AS t WHERE t.tilbud_id = "
                "b.tilbud_id AND t.kommune = b.kommune) ORDER BY rowid",
                "%.2f");
    same_as_sql(&e, db, with_load("dump(b:join(tilbud, {on = 'tilbud_id', how = 'anti'}))"),
                "SELECT * FROM b WHERE tilbud_id NOT IN (SELECT tilbud_id FROM tilbud)", "%.2f");
    /* As-of: the takst valid from the latest gyldig_fra on or before dato. */
    same_as_sql(
        &e, db,
        with_load("local th = tegn.read_csv(DIR .. 'takst_hist.csv')\n"
                  "dump(b:join_asof(th, {by = 'tilbud_id', on = {'dato', 'gyldig_fra'}})\n"
                  "  :select{'dato', 'tilbud_id', 'gyldig_fra', 'dagstakst'})"),
        "SELECT dato, tilbud_id, (SELECT gyldig_fra FROM th WHERE th.tilbud_id = "
        "b.tilbud_id AND gyldig_fra <= dato ORDER BY gyldig_fra DESC LIMIT 1), (SELECT "
        "dagstakst FROM th WHERE th.tilbud_id = b.tilbud_id AND gyldig_fra <= dato ORDER BY "
        "gyldig_fra DESC LIMIT 1) FROM b ORDER BY rowid",
        "%.2f");
    /* Errors name the side and the nearest column. */
    assert_int_equal(env_run(&e, with_load("b:join(tilbud, {on = 'tilbud'})")), TG_ESCRIPT);
    assert_int_equal(e.err.line, 4);
    assert_string_equal(e.err.msg, "no column 'tilbud'; did you mean 'tilbud_id'?");
    assert_int_equal(env_run(&e, with_load("b:join(tilbud, {on = 'tilbud_id', how = 'outer'})")),
                     TG_ESCRIPT);
    /* once "bad argument #-2 to 'join'": luaL_checkoption on a negative index */
    assert_string_equal(
        e.err.msg, "join: 'how' must be one of 'inner', 'left', 'semi' or 'anti', got 'outer'");
    assert_null(strstr(e.err.msg, "#-"));
    sqlite3_close(db);
    env_close(&e);
}

static void test_luaverb_distinct_top_match_sql(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    same_as_sql(&e, db, with_load("dump(b:distinct{'tilbud_id', 'status'})"),
                "SELECT * FROM b WHERE rowid IN (SELECT min(rowid) FROM b GROUP BY tilbud_id, "
                "status) ORDER BY rowid",
                "%.2f");
    same_as_sql(&e, db, with_load("dump(b:select{'kommune'}:distinct())"),
                "SELECT kommune FROM b GROUP BY kommune ORDER BY min(rowid)", "%.2f");
    same_as_sql(&e, db, with_load("dump(b:top(2, {by = 'dage', per = 'tilbud_id'}))"),
                "SELECT dato, tilbud_id, kommune, status, takst_kr, dage FROM (SELECT *, "
                "row_number() OVER (PARTITION BY tilbud_id ORDER BY dage DESC, rowid) AS r FROM b) "
                "WHERE r <= 2 ORDER BY tilbud_id, dage DESC, r",
                "%.2f");
    same_as_sql(&e, db, with_load("dump(b:top(3, {by = 'dage', desc = false}))"),
                "SELECT * FROM b ORDER BY dage, rowid LIMIT 3", "%.2f");
    sqlite3_close(db);
    env_close(&e);
}

static void test_luaverb_windows_match_sql(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    same_as_sql(
        &e, db,
        with_load("dump(b:derive{\n"
                  "  prev = col'dage':lag(1, {by = 'tilbud_id', order = 'dato'}),\n"
                  "  cs = col'dage':cumsum{by = 'tilbud_id', order = {'dato'}},\n"
                  "  rm = col'takst_kr':rolling_mean(3, {by = 'tilbud_id', order = 'dato',\n"
                  "    min_periods = 1}),\n"
                  "  rn = tegn.row_number{by = 'tilbud_id', order = {tegn.desc'dage'}},\n"
                  "  nxt = (col'dage' * 2):lead(2, {default = 0}),\n"
                  "  rk = tegn.rank{order = 'kommune'}}:select{'cs', 'nxt', 'prev', 'rk',\n"
                  "  'rm', 'rn'}, '%.4f')"),
        "SELECT sum(dage) OVER (PARTITION BY tilbud_id ORDER BY dato, rowid ROWS "
        "UNBOUNDED PRECEDING), lead(dage * 2, 2, 0) OVER (ORDER BY rowid), lag(dage, 1) "
        "OVER (PARTITION BY tilbud_id ORDER BY dato, rowid), rank() OVER (ORDER BY "
        "kommune), avg(takst_kr) OVER (PARTITION BY tilbud_id ORDER BY dato, rowid ROWS "
        "BETWEEN 2 PRECEDING AND CURRENT ROW), row_number() OVER (PARTITION BY tilbud_id "
        "ORDER BY dage DESC, rowid) FROM b ORDER BY rowid",
        "%.4f");
    assert_int_equal(
        env_run(&e, with_load("local x = b:derive{p = col'dage':lag(1, {by = 'tilbud'})}")),
        TG_ESCRIPT);
    assert_string_equal(e.err.msg, "no column 'tilbud'; did you mean 'tilbud_id'?");
    assert_int_equal(
        env_run(&e, with_load("local x = b:derive{p = col'dage':lag(1, {byy = 'x'})}")),
        TG_ESCRIPT);
    assert_string_equal(e.err.msg, "lag: unknown option 'byy'; did you mean 'by'?");
    sqlite3_close(db);
    env_close(&e);
}

static void test_luaverb_reshape_matches_sql(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    same_as_sql(
        &e, db,
        with_load("local p = b:pivot{rows = 'tilbud_id', cols = 'status', values = 'dage',\n"
                  "  agg = 'sum', fill = 0}\n"
                  "print(table.concat(p:columns(), '|'))\n"
                  "dump(p)"),
        "SELECT 'tilbud_id|belagt|ledig|reserveret' UNION ALL SELECT * FROM (SELECT "
        "tilbud_id || '|' || coalesce(sum(CASE WHEN status = 'belagt' THEN dage END), 0) "
        "|| '|' || coalesce(sum(CASE WHEN status = 'ledig' THEN dage END), 0) || '|' || "
        "coalesce(sum(CASE WHEN status = 'reserveret' THEN dage END), 0) FROM b GROUP BY "
        "tilbud_id ORDER BY tilbud_id)",
        "%.2f");
    same_as_sql(&e, db,
                with_load("dump(b:unpivot{keep = 'tilbud_id', melt = {'dage', 'takst_kr'},\n"
                          "  into = {'navn', 'vaerdi'}})"),
                "SELECT tilbud_id, n, v FROM (SELECT rowid AS r, tilbud_id, 'dage' AS n, 1 AS k, "
                "dage * 1.0 AS v FROM b UNION ALL SELECT rowid, tilbud_id, 'takst_kr', 2, takst_kr "
                "FROM b) ORDER BY r, k",
                "%.2f");
    same_as_sql(
        &e, db,
        with_load("dump(b:derive{m = col'dato':trunc'month'}:select{'tilbud_id', 'm', 'dage'}\n"
                  "  :complete{by = 'tilbud_id', period = 'm', unit = 'month',\n"
                  "    fill = {dage = 0}})"),
        "WITH RECURSIVE months(m) AS (SELECT min(date(dato, 'start of month')) FROM b "
        "UNION ALL SELECT date(m, '+1 month') FROM months WHERE m < (SELECT "
        "max(date(dato, 'start of month')) FROM b)) SELECT tilbud_id, m, dage FROM (SELECT "
        "rowid AS r, tilbud_id, date(dato, 'start of month') AS m, dage FROM b UNION ALL "
        "SELECT NULL, k.tilbud_id, months.m, 0 FROM (SELECT DISTINCT tilbud_id FROM b) AS "
        "k, months WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.tilbud_id = k.tilbud_id AND "
        "date(dato, 'start of month') = months.m)) ORDER BY tilbud_id, m, r",
        "%.2f");
    assert_int_equal(
        env_run(&e, with_load("local x = b:pivot{rows = 'tilbud_id', cols = 'status',\n"
                              "  values = 'dage'}")),
        TG_EDATA);
    sqlite3_close(db);
    env_close(&e);
}

static void test_luaverb_expression_errors(void **state) {
    struct env e;
    (void)state;

    env_open(&e, NULL, 0);
    /* The acceptance check: a misspelt column in filter. */
    assert_int_equal(env_run(&e, with_load("local x = b:filter(col'takst':gt(3000))")), TG_ESCRIPT);
    assert_string_equal(e.err.file, "script.lua");
    assert_int_equal(e.err.line, 4);
    assert_string_equal(e.err.msg, "no column 'takst'; did you mean 'takst_kr'?");
    assert_int_equal(env_run(&e, with_load("local x = b.takst")), TG_ESCRIPT);
    assert_string_equal(e.err.msg, "no column 'takst'; did you mean 'takst_kr'?");
    assert_int_equal(env_run(&e, with_load("local x = b:derive{y = col'dagee' * 2}")), TG_ESCRIPT);
    assert_string_equal(e.err.msg, "no column 'dagee'; did you mean 'dage'?");
    assert_int_equal(env_run(&e, with_load("local x = b:group_by'tilbud':agg{n = tegn.count()}")),
                     TG_ESCRIPT);
    assert_string_equal(e.err.msg, "no column 'tilbud'; did you mean 'tilbud_id'?");
    assert_int_equal(env_run(&e, with_load("local x = b:group_by'kommune':agg{n = tegn.sum'dag'}")),
                     TG_ESCRIPT);
    assert_string_equal(e.err.msg, "no column 'dag'; did you mean 'dage'?");
    assert_int_equal(env_run(&e, with_load("local x = b:group_by'kommune':agg{n = 3}")),
                     TG_ESCRIPT);
    assert_non_null(strstr(e.err.msg, "agg: expected an aggregate"));
    /* A misspelt method suggests the method. */
    assert_int_equal(env_run(&e, with_load("local x = b:fliter(col'dage':gt(3))")), TG_ESCRIPT);
    assert_string_equal(e.err.msg,
                        "no method or column 'fliter'; did you mean the method 'filter'?");
    /* == on expressions would silently be false: it raises instead. */
    assert_int_equal(env_run(&e, with_load("local x = b:filter(col'dage' == col'dage')")),
                     TG_ESCRIPT);
    assert_non_null(strstr(e.err.msg, ":eq()"));
    assert_int_equal(env_run(&e, with_load("local x = b:filter(col'dage' < 3)")), TG_ESCRIPT);
    assert_non_null(strstr(e.err.msg, ":lt()"));
    /* A type error from the kernel is a script error at the line. */
    assert_int_equal(env_run(&e, with_load("\nlocal x = b:filter(col'kommune':gt(3))")),
                     TG_ESCRIPT);
    assert_int_equal(e.err.line, 5);
    assert_non_null(strstr(e.err.msg, "kommune"));
    assert_int_equal(env_run(&e, with_load("local x = b:filter(col'dage' + 1)")), TG_ESCRIPT);
    /* A strict cast of a bad value is a data error; pcall catches it. */
    assert_string_equal(
        run_ok(&e, with_load("print(pcall(b.derive, b, {x = col'kommune':cast'int'}))\n"
                             "local y = b:derive{x = col'kommune':cast('int', {strict = false})}\n"
                             "print(#y:filter(col'x':is_null()))")),
        "false\tscript.lua:4: cannot cast 'Ballerup' to int in cast(col(\"kommune\"), \"int\") "
        "at row 1\n60\n");
    assert_int_equal(env_run(&e, with_load("local y = b:derive{x = col'kommune':cast'int'}")),
                     TG_EDATA);
    assert_string_equal(
        e.err.msg, "cannot cast 'Ballerup' to int in cast(col(\"kommune\"), \"int\") at row 1");
    env_close(&e);
}


static void test_luaverb_map_rows(void **state) {
    struct env e;
    sqlite3 *db = naive_db();
    (void)state;

    env_open_dump(&e);
    /* The same derived column both ways; the warning comes once. */
    same_as_sql(&e, db,
                with_load("local m = b:map_rows(function(r)\n"
                          "  if r.status ~= 'belagt' then return nil end\n"
                          "  r.udgift = r.takst_kr and r.takst_kr * r.dage\n"
                          "  r.uge = r.dage // 7\n"
                          "  return r\n"
                          "end)\n"
                          "local m2 = b:map_rows(function(r) return {n = 1} end)\n"
                          "print(#m2 .. '|' .. m:schema()[1].type .. '|' .. m:schema()[8].name)\n"
                          "dump(m)"),
                "SELECT 'script.lua:4: warning: map_rows calls a Lua function for every row, which "
                "is slow; use filter, derive and expressions where they can do the job' "
                "UNION ALL SELECT '60|date|uge' UNION ALL SELECT * FROM (SELECT dato || '|' || "
                "tilbud_id || "
                "'|' || kommune || '|' || status || '|' || CASE WHEN takst_kr IS NULL "
                "THEN 'NULL' ELSE printf('%.2f', takst_kr) END || '|' || dage || '|' || CASE WHEN "
                "takst_kr IS NULL THEN "
                "'NULL' ELSE printf('%.2f', takst_kr * dage) END || '|' || (dage / 7) FROM b WHERE "
                "status = 'belagt' ORDER BY rowid)",
                "%.2f");
    sqlite3_close(db);
    env_close(&e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_luaverb_filter_matches_sql),
        cmocka_unit_test(test_luaverb_filtered_tables_match_sql),
        cmocka_unit_test(test_luaverb_derive_matches_sql),
        cmocka_unit_test(test_luaverb_sort_matches_sql),
        cmocka_unit_test(test_luaverb_group_agg_matches_sql),
        cmocka_unit_test(test_luaverb_joins_match_sql),
        cmocka_unit_test(test_luaverb_distinct_top_match_sql),
        cmocka_unit_test(test_luaverb_windows_match_sql),
        cmocka_unit_test(test_luaverb_reshape_matches_sql),
        cmocka_unit_test(test_luaverb_expression_errors),
        cmocka_unit_test(test_luaverb_map_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
