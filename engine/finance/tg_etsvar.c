/*
** tg_etsvar.c -- closed-form forecast variances of the ETS classes 1-3
** (see tg_etsvar.h). Classes 1 and 2 need only the coefficients c_j of the
** linear model; class 3 carries the mean M_h and covariance V_h of the
** product of the (level, slope) and season vectors through the horizon
** (Hyndman et al. 2008, sec. 6.4), with matrices that are Kronecker
** products of small ones and a cyclic shift, so they are kept as lists of
** their non-zero entries.
*/
#include "tg_etsvar.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "tg_err.h"
#include "tg_mem.h"

#define MAX_NZ (4 * TG_FC_MAX_PERIOD + 8) /* non-zeros of K = G2 x F1 + F2 x G1 */

enum { ADD = 1, MULT = 2 };

static size_t period_of(const tg_etsvar_model *mod) {
    return mod->season && mod->period > 1 ? (size_t)mod->period : 1;
}

int tg_etsvar_class(const tg_etsvar_model *mod) {
    assert(mod != NULL);
    if (mod->season != MULT) return mod->error == MULT ? 2 : 1;
    return mod->error == MULT ? 3 : 0;
}

/* The point forecast j steps after the origin. */
static double step_point(const tg_etsvar_model *mod, size_t j) {
    const size_t m = period_of(mod);
    double phi = mod->phi, sum = phi == 1 ? (double)j : phi * (1 - pow(phi, (double)j)) / (1 - phi);
    double q = mod->level + (mod->trend ? sum * mod->slope : 0);
    double s = mod->season_state[(j - 1) % m];
    return mod->season == MULT ? q * s : mod->season == ADD ? q + s : q;
}

/* c_j = alpha + beta (phi + ... + phi^j) + gamma [j mod m = 0]: the weight
** of the error j steps back in y (the linear model's w' F^(j-1) g). */
static void coefficients(const tg_etsvar_model *mod, size_t H, double *c) {
    const size_t m = period_of(mod);
    double pw = 1, phij = 0;
    for (size_t j = 1; j < H; j++) {
        pw *= mod->trend ? mod->phi : 1;
        phij += pw;
        c[j - 1] = mod->alpha + (mod->trend ? mod->beta * phij : 0) +
                   (m > 1 && j % m == 0 ? mod->gamma : 0);
    }
}

/* Class 1: var_j = sigma^2 (1 + c_1^2 + ... + c_{j-1}^2). */
static void class1(const tg_etsvar_model *mod, size_t H, double *mean, double *var) {
    const size_t m = period_of(mod);
    double pw = 1, phij = 0, sum = 1;
    for (size_t j = 1; j <= H; j++) {
        mean[j - 1] = step_point(mod, j);
        var[j - 1] = mod->sigma2 * sum;
        pw *= mod->trend ? mod->phi : 1;
        phij += pw;
        double c = mod->alpha + (mod->trend ? mod->beta * phij : 0) +
                   (m > 1 && j % m == 0 ? mod->gamma : 0);
        sum += c * c;
    }
}

/* Class 2: theta_1 = mu_1^2, theta_j = mu_j^2 + sigma^2 sum_{i<j} c_i^2
** theta_{j-i}, var_j = (1 + sigma^2) theta_j - mu_j^2 (Hyndman et al.
** 2008, eq. 6.6; theta is E[y^2] / (1 + sigma^2)). var holds theta until
** the end. */
static tg_status class2(const tg_etsvar_model *mod, size_t H, double *mean, double *var,
                        tg_error *err) {
    double *c = tg_malloc((H > 1 ? H - 1 : 1) * sizeof *c), s2 = mod->sigma2;
    if (!c) return tg_err_nomem(err);
    coefficients(mod, H, c);
    for (size_t j = 1; j <= H; j++) {
        double mu = step_point(mod, j), th = mu * mu, acc = 0;
        for (size_t i = 1; i < j; i++) acc += c[i - 1] * c[i - 1] * var[j - i - 1];
        mean[j - 1] = mu;
        var[j - 1] = th + s2 * acc;
    }
    for (size_t j = 0; j < H; j++) var[j] = (1 + s2) * var[j] - mean[j] * mean[j];
    tg_free(c);
    return TG_OK;
}

/* ---- class 3 ---- */

typedef struct nz {
    int r, c;
    double v;
} nz;

typedef struct sparse {
    int n;
    nz e[MAX_NZ];
} sparse;

static void put(sparse *s, int r, int c, double v) {
    if (v == 0) return;
    assert(s->n < MAX_NZ);
    s->e[s->n++] = (nz){ r, c, v };
}

/* Adds the Kronecker product A x B (A m x m sparse, B p x p dense) to out,
** for vec(X) of a p x m matrix X stored column by column (index c p + r),
** so that (A x B) vec(X) = vec(B X A'). */
static void kron(sparse *out, const sparse *a, int p, const double b[2][2]) {
    for (int k = 0; k < a->n; k++)
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
                put(out, a->e[k].r * p + i, a->e[k].c * p + j, a->e[k].v * b[i][j]);
}

/* out += f A V B' (V n x n dense, row-major). */
static void add_avb(double *out, const sparse *a, const double *v, const sparse *b, int n,
                    double f) {
    for (int x = 0; x < a->n; x++)
        for (int y = 0; y < b->n; y++)
            out[a->e[x].r * n + b->e[y].r] +=
                f * a->e[x].v * b->e[y].v * v[a->e[x].c * n + b->e[y].c];
}

/* u = A v. */
static void mul(const sparse *a, const double *v, int n, double *u) {
    memset(u, 0, (size_t)n * sizeof u[0]);
    for (int k = 0; k < a->n; k++) u[a->e[k].r] += a->e[k].v * v[a->e[k].c];
}

/* Class 3: y_t = (w1' x_{t-1}) (w2' z_{t-1}) (1 + e_t) with x = (l, b) and
** z the season states, newest first; x_t = (F1 + G1 e_t) x_{t-1}, z_t =
** (F2 + G2 e_t) z_{t-1}. With M = E[x z'], v = vec M and V = Var vec(x z'):
**   mu_h  = w1' M w2,  var_h = (1 + s2) H V H' + s2 mu_h^2,  H = w2' x w1'
**   V    <- F V F' + s2 (F V G' + G V F' + K (V + v v') K')
**           + s2^2 G (3 V + 2 v v') G'
**   M    <- F1 M F2' + s2 G1 M G2'
** F = F2 x F1, G = G2 x G1, K = G2 x F1 + F2 x G1 (Hyndman et al. 2008,
** sec. 6.4, R's forecast:::class3). For the damped trend F1 = [1 phi; 0
** phi], G1 = [alpha alpha phi; beta beta phi] and w1 = (1, phi): R's
** class3 keeps the undamped F1 and w1 = (1, 1) there, so its mean for
** M,Ad,M is (l + b) s rather than the point forecast (l + phi b) s. */
static tg_status class3(const tg_etsvar_model *mod, size_t H, double *mean, double *var,
                        tg_error *err) {
    const int m = (int)period_of(mod), p = mod->trend ? 2 : 1, n = p * m;
    const size_t nn = (size_t)n * (size_t)n;
    const double a = mod->alpha, b = mod->beta, g = mod->gamma, s2 = mod->sigma2;
    const double phi = mod->trend ? mod->phi : 1;
    const double f1[2][2] = { { 1, phi }, { 0, phi } };
    const double g1[2][2] = { { a, a * phi }, { b, b * phi } };
    double w1[2] = { 1, phi }, v[2 * TG_FC_MAX_PERIOD], u[2 * TG_FC_MAX_PERIOD];
    double u2[2 * TG_FC_MAX_PERIOD], x[2] = { mod->level, mod->slope };
    sparse F2, G2, F, G, K;
    sparse *mats[] = { &F2, &G2, &F, &G, &K };
    double *V = tg_calloc(2 * nn, sizeof *V), *W = V + nn;
    if (!V) return tg_err_nomem(err);
    for (size_t i = 0; i < TG_ARRAY_LEN(mats); i++) mats[i]->n = 0;
    put(&F2, 0, m - 1, 1);
    for (int i = 1; i < m; i++) put(&F2, i, i - 1, 1);
    put(&G2, 0, m - 1, g);
    kron(&F, &F2, p, f1);
    kron(&G, &G2, p, g1);
    kron(&K, &G2, p, f1);
    kron(&K, &F2, p, g1);
    /* v = vec(x z'): season c (0 = newest) is the state used m - c steps on. */
    for (int c = 0; c < m; c++) {
        double z = mod->season_state[m - 1 - c];
        for (int r = 0; r < p; r++) v[c * p + r] = x[r] * z;
    }
    for (size_t j = 0; j < H; j++) {
        const double *last = v + (m - 1) * p, *vl = V + (size_t)((m - 1) * p * n);
        double mu = 0, hvh = 0;
        for (int r = 0; r < p; r++) mu += w1[r] * last[r];
        for (int r = 0; r < p; r++)
            for (int q = 0; q < p; q++) hvh += w1[r] * w1[q] * vl[r * n + (m - 1) * p + q];
        mean[j] = mu;
        var[j] = (1 + s2) * hvh + s2 * mu * mu;
        memset(W, 0, nn * sizeof *W);
        add_avb(W, &F, V, &F, n, 1);
        add_avb(W, &F, V, &G, n, s2);
        add_avb(W, &G, V, &F, n, s2);
        add_avb(W, &K, V, &K, n, s2);
        add_avb(W, &G, V, &G, n, 3 * s2 * s2);
        mul(&K, v, n, u);
        mul(&G, v, n, u2);
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
                W[r * n + c] += s2 * u[r] * u[c] + 2 * s2 * s2 * u2[r] * u2[c];
        memcpy(V, W, nn * sizeof *V);
        mul(&F, v, n, u);
        for (int r = 0; r < n; r++) v[r] = u[r] + s2 * u2[r];
    }
    tg_free(V);
    return TG_OK;
}

tg_status tg_etsvar_moments(const tg_etsvar_model *mod, size_t H, double *mean, double *var,
                            tg_error *err) {
    assert(mod != NULL && (H == 0 || (mean != NULL && var != NULL)));
    switch (tg_etsvar_class(mod)) {
    case 1: class1(mod, H, mean, var); return TG_OK;
    case 2: return class2(mod, H, mean, var, err);
    case 3: return class3(mod, H, mean, var, err);
    default:
        return tg_err_set(err, TG_EARG, NULL, 0, 0,
                          "this model (additive error, multiplicative season) has no "
                          "closed-form forecast variance");
    }
}
