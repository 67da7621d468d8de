/*
** test_luaforecast.c -- tegn.forecast from scripts. The test writes a
** small CSV of two tilbud (a month without a row, an empty value, rows
** out of order), computes the expected forecasts and scores itself with
** the series functions of tg_forecast.h on the series it wrote, and hands
** them to the script as a Lua table, which compares them with what
** tegn.forecast returned.
*/
#include "tg_luatest.h"

#include <math.h>

#include "tg_forecast.h"

#define NA 30 /* "A": months 0..29 from 2019-01, none for month 4 */
#define NB 26 /* "B": months 2..27, month 9 empty */

static double value_at(int g, int p) {
    double season = (p % 12 == 6) ? -5 : (p % 12 == 11) ? 2 : 0;
    return (g ? 60 : 80) + 0.2 * p + season + 0.3 * (double)((p * 7) % 5);
}

static size_t series(int g, double *y) {
    size_t n = g ? NB : NA;
    for (size_t i = 0; i < n; i++) y[i] = value_at(g, (int)i + (g ? 2 : 0));
    y[g ? 7 : 4] = NAN;
    return n;
}

static char csv_path[1024];

/* Writes the CSV (rows shuffled) and opens a runtime with PATH set. */
static void open_env(struct env *e) {
    int rows[NA + NB][2], n = 0;
    FILE *f;
    for (int p = 0; p < 30; p++)
        if (p != 4) rows[n][0] = 0, rows[n++][1] = p;
    for (int p = 2; p < 28; p++) rows[n][0] = 1, rows[n++][1] = p;
    snprintf(csv_path, sizeof csv_path, "%s", tg_test_tmpfile(".csv"));
    f = fopen(csv_path, "w");
    assert_non_null(f);
    fprintf(f, "tilbud_id;maaned;pct\n");
    for (int k = 0; k < n; k++) {
        int r = (k * 17) % n, g = rows[r][0], p = rows[r][1];
        fprintf(f, "%s;%04d-%02d;", g ? "B" : "A", 2019 + p / 12, p % 12 + 1);
        if (!(g == 1 && p == 9)) fprintf(f, "%.17g", value_at(g, p));
        fprintf(f, "\n");
    }
    fclose(f);
    env_open(e, NULL, 0);
    lua_pushstring(tg_lua_state(e->rt), csv_path);
    lua_setglobal(tg_lua_state(e->rt), "PATH");
}

static void close_env(struct env *e) {
    env_close(e);
    remove(csv_path);
}

struct text {
    char buf[65536];
    size_t len;
};

static void add(struct text *t, const char *fmt, ...) TG_PRINTF(2, 3);
static void add(struct text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    t->len += (size_t)vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
    va_end(ap);
    assert_true(t->len < sizeof t->buf);
}

/* Compares every row of Table 'got' with the list 'want' of {column =
** value} tables: strings and integers exactly, floats within 1e-9. */
#define COMPARE_LUA                                                                   \
    "local function compare(got, want)\n"                                             \
    "  local rows = got:rows()\n"                                                     \
    "  assert(#rows == #want, ('%d rows, want %d'):format(#rows, #want))\n"           \
    "  for i, w in ipairs(want) do\n"                                                 \
    "    for k, v in pairs(w) do\n"                                                   \
    "      local g = rows[i][k]\n"                                                    \
    "      if math.type(v) == 'float' then\n"                                         \
    "        assert(math.abs(g - v) <= 1e-9, ('row %d %s: %s, want %.17g'):format(\n" \
    "          i, k, tostring(g), v))\n"                                              \
    "      else\n"                                                                    \
    "        assert(g == v, ('row %d %s: %s, want %s'):format(\n"                     \
    "          i, k, tostring(g), tostring(v)))\n"                                    \
    "      end\n"                                                                     \
    "    end\n"                                                                       \
    "  end\n"                                                                         \
    "end\n"

static void test_luaforecast_holt_winters(void **state) {
    (void)state;
    static struct text s;
    struct env e;
    tg_fc_spec spec;
    s.len = 0;
    tg_fc_spec_init(&spec);
    spec.damped = 1;
    add(&s, "%s", COMPARE_LUA);
    add(&s, "local want_fc, want_pa, want_d = {}, {}, {}\n");
    for (int g = 0; g < 2; g++) {
        double y[NA], point[4], sd[4];
        tg_fc_model m;
        size_t n = series(g, y);
        assert_int_equal(tg_fc_fit(&spec, y, n, &m, NULL), TG_OK);
        tg_fc_forecast(&m, 4, point, sd);
        add(&s,
            "want_pa[#want_pa + 1] = {tilbud_id = '%s', n_obs = %zu, alpha = %.17g, beta = "
            "%.17g, gamma = %.17g, phi = %.17g, sigma = %.17g, sse = %.17g}\n",
            g ? "B" : "A", m.n_obs, m.alpha, m.beta, m.gamma, m.phi, m.sigma, m.sse);
        for (int j = 0; j < 4; j++) {
            int p = (g ? 28 : 30) + j, yy = 2019 + p / 12, mm = p % 12 + 1;
            add(&s,
                "want_fc[#want_fc + 1] = {tilbud_id = '%s', maaned = '%04d-%02d', h = %d, "
                "point = %.17g, lo80 = %.17g, hi80 = %.17g, lo95 = %.17g, hi95 = %.17g}\n",
                g ? "B" : "A", yy, mm, j + 1, point[j], point[j] - 1.2815515655446004 * sd[j],
                point[j] + 1.2815515655446004 * sd[j], point[j] - 1.959963984540054 * sd[j],
                point[j] + 1.959963984540054 * sd[j]);
            add(&s, "want_d[#want_d + 1] = {m = '%04d-%02d-01', point = %.17g, lo90 = %.17g}\n", yy,
                mm, point[j], point[j] - 1.6448536269514722 * sd[j]);
        }
    }
    add(&s, "%s",
        "local t = tegn.read_csv(PATH)\n"
        "local fc, pa = tegn.forecast.holt_winters(t, {by = 'tilbud_id', time = 'maaned',\n"
        "  value = 'pct', horizon = 4, damped = true})\n"
        "compare(fc, want_fc)\n"
        "compare(pa, want_pa)\n"
        "assert(table.concat(fc:columns(), ',') ==\n"
        "  'tilbud_id,maaned,h,point,lo80,hi80,lo95,hi95')\n"
        "-- months as dates: the output months are dates too\n"
        "local d = t:derive{m = tegn.concat(tegn.col'maaned', '-01'):cast'date'}\n"
        "local fd = tegn.forecast.holt_winters(d, {by = {'tilbud_id'}, time = 'm',\n"
        "  value = 'pct', horizon = 4, damped = true, level = 90})\n"
        "compare(fd, want_d)\n"
        "assert(table.concat(fd:columns(), ',') == 'tilbud_id,m,h,point,lo90,hi90')\n");
    open_env(&e);
    run_ok(&e, s.buf);
    close_env(&e);
}

static void test_luaforecast_backtest(void **state) {
    (void)state;
    static struct text s;
    struct env e;
    tg_fc_spec spec;
    s.len = 0;
    tg_fc_spec_init(&spec);
    spec.period = 6;
    spec.trend = 0;
    add(&s, "%s", COMPARE_LUA);
    add(&s, "local want_ov, want_ph = {}, {}\n");
    for (int g = 0; g < 2; g++) {
        double y[NA];
        tg_fc_score sc[2][3];
        size_t n = series(g, y), n_orig;
        assert_int_equal(tg_fc_backtest(&spec, y, n, 2, 20, 0, sc[0], sc[1], &n_orig, NULL), TG_OK);
        for (int k = 0; k < 2; k++) {
            add(&s,
                "want_ov[#want_ov + 1] = {tilbud_id = '%s', method = '%s', origins = %zu, n = "
                "%zu, mae = %.17g, mape = %.17g, mase = %.17g}\n",
                g ? "B" : "A", k ? "snaive" : "hw", n_orig, sc[k][0].n, sc[k][0].mae, sc[k][0].mape,
                sc[k][0].mase);
            for (int j = 1; j <= 2; j++)
                add(&s,
                    "want_ph[#want_ph + 1] = {tilbud_id = '%s', method = '%s', h = %d, n = "
                    "%zu, mase = %.17g}\n",
                    g ? "B" : "A", k ? "snaive" : "hw", j, sc[k][j].n, sc[k][j].mase);
        }
    }
    add(&s, "%s",
        "local t = tegn.read_csv(PATH)\n"
        "local ov, ph = tegn.forecast.backtest(t, {by = 'tilbud_id', time = 'maaned',\n"
        "  value = 'pct', period = 6, trend = false, horizon = 2, min_train = 20,\n"
        "  refit = false})\n"
        "compare(ov, want_ov)\n"
        "compare(ph, want_ph)\n");
    open_env(&e);
    run_ok(&e, s.buf);
    close_env(&e);
}

/* Runs 'call' (a forecast call on t) as line 2 of a script and checks
** the status and that the message contains 'want'. */
static void fails(struct env *e, const char *call, tg_status st, const char *want) {
    char code[1024];
    snprintf(code, sizeof code, "local t = tegn.read_csv(PATH)\n%s\n", call);
    assert_int_equal(env_run(e, code), st);
    if (!strstr(e->err.msg, want)) fail_msg("'%s' gave '%s'", call, e->err.msg);
    if (st == TG_ESCRIPT) assert_int_equal(e->err.line, 2);
}

static void test_luaforecast_errors(void **state) {
    (void)state;
    struct env e;
    open_env(&e);
#define HW(opts) "tegn.forecast.holt_winters(t, {time = 'maaned', value = 'pct', " opts "})"
#define BT(opts) "tegn.forecast.backtest(t, {time = 'maaned', value = 'pct', " opts "})"
    fails(&e, HW("by = 'tilbud_id', horizn = 3"), TG_ESCRIPT,
          "holt_winters: unknown option 'horizn'; did you mean 'horizon'?");
    fails(&e, "tegn.forecast.holt_winters(t, {value = 'pct'})", TG_ESCRIPT,
          "holt_winters: 'time' is required");
    fails(&e, HW("by = 'tilbud_id', period = 0"), TG_ESCRIPT,
          "holt_winters: 'period' must be a whole number from 1 to 64, got 0");
    fails(&e, HW("by = 'tilbud_id', horizon = 2.5"), TG_ESCRIPT,
          "holt_winters: 'horizon' must be a whole number from 1 to 1000, got 2.5");
    fails(&e, HW("by = 'tilbud_id', level = {80, 100}"), TG_ESCRIPT,
          "holt_winters: 'level' must be a number between 0 and 100 (exclusive), got 100");
    fails(&e, HW("by = 'tilbud_id', damped = 1"), TG_ESCRIPT,
          "holt_winters: 'damped' must be true or false, got 1");
    fails(&e, HW("by = 'tilbud_id', trend = false, damped = true"), TG_ESCRIPT,
          "holt_winters: a damped model needs a trend");
    fails(&e, HW("by = 'tilbud_id', phi = 0.9"), TG_ESCRIPT,
          "phi is fixed but the model has no damping");
    fails(&e, HW("by = 'tilbud_id', alpha = 'high'"), TG_ESCRIPT,
          "holt_winters: 'alpha' must be a number, got 'high'");
    /* NaN used to mean "fit": it is refused like any other non-finite number */
    fails(&e, HW("by = 'tilbud_id', alpha = 0/0"), TG_ESCRIPT,
          "holt_winters: 'alpha' must be a number, got nan");
    fails(&e, HW("by = 'tilbud_id', gamma = math.huge"), TG_ESCRIPT,
          "holt_winters: 'gamma' must be a number, got inf");
    fails(&e, HW("by = 'tilbud_id', level = 0/0"), TG_ESCRIPT,
          "holt_winters: 'level' must be a number, got nan");
    fails(&e, HW("by = 'tilbud'"), TG_ESCRIPT, "no column 'tilbud'; did you mean 'tilbud_id'?");
    fails(&e, HW(""), TG_EDATA, "the series: 'maaned' has two rows for one period");
    fails(&e, HW("by = 'tilbud_id', period = 14"), TG_EDATA,
          "group 'B': 26 periods are too few: this model needs at least 28");
    fails(&e, BT("by = 'tilbud_id', level = 80"), TG_ESCRIPT, "backtest: unknown option 'level'");
    fails(&e, BT("by = 'tilbud_id', min_train = 24, horizon = 3"), TG_EDATA,
          "group 'B': 26 periods are too few for a backtest");
    fails(&e, BT("by = 'tilbud_id', min_train = 12"), TG_ESCRIPT,
          "backtest: min_train must be at least 24 for this model, got 12");
    fails(&e, "tegn.forecast.backtest(t)", TG_ESCRIPT, "bad argument #2");
    fails(&e, "tegn.forecast.backtest({}, {})", TG_ESCRIPT, "bad argument #1");
    close_env(&e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_luaforecast_holt_winters),
        cmocka_unit_test(test_luaforecast_backtest),
        cmocka_unit_test(test_luaforecast_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
