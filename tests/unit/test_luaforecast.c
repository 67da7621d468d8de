/*
** test_luaforecast.c -- tegn.forecast from scripts against the C API. On
** a small CSV of two tilbud (a month without a row, an empty value, rows
** out of order; fixtures/lualib/forecast.csv), the test computes the
** expected forecasts and scores itself with the series functions of
** tg_forecast.h, and hands them to the script as a Lua table, which
** compares them with what tegn.forecast returned. The error messages are
** in tests/lua/forecast.lua.
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

/* A runtime with PATH set to lualib/forecast.csv: the series above, rows
** shuffled, month 4 of "A" missing and B's month 9 empty (the file was
** written from value_at; tests/lua/forecast.lua reads it too). */
static void open_env(struct env *e) {
    env_open(e, NULL, 0);
    lua_pushstring(tg_lua_state(e->rt), tg_test_fixture("lualib/forecast.csv"));
    lua_setglobal(tg_lua_state(e->rt), "PATH");
}

static void close_env(struct env *e) {
    env_close(e);
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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_luaforecast_holt_winters),
        cmocka_unit_test(test_luaforecast_backtest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
