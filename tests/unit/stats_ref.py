#!/usr/bin/env python3
"""Second computation of the expected values in test_stats.c.

Run once by hand (python3 tests/unit/stats_ref.py, standard library only);
its printed numbers are the ones test_stats.c asserts where no published
value exists. It shares no code or algorithm with engine/stats/tg_stats.c: the
normal quantile is Python's statistics.NormalDist (Wichura's AS241), the t
distribution is Simpson integration of its density, exact Poisson and
binomial limits are bisections on sums of probabilities (math.comb), and
the Mann-Kendall exact p enumerates every permutation.
"""
import itertools
import math
import statistics

Z = statistics.NormalDist()


def zcrit(conf):
    return Z.inv_cdf(1 - (1 - conf) / 2)


def bisect(f, lo, hi, n=200):
    """Root of an increasing f on [lo, hi]."""
    for _ in range(n):
        mid = (lo + hi) / 2
        if f(mid) < 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


# ---- t distribution by integrating its density ----

def t_pdf(t, df):
    return math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)
                    - 0.5 * math.log(df * math.pi)
                    - (df + 1) / 2 * math.log1p(t * t / df))


def t_cdf(t, df, steps=20000):
    """0.5 + integral from 0 to t (Simpson)."""
    if t == 0:
        return 0.5
    h = t / steps
    s = t_pdf(0, df) + t_pdf(t, df)
    for i in range(1, steps):
        s += (4 if i % 2 else 2) * t_pdf(i * h, df)
    return 0.5 + s * h / 3


def t_quantile(p, df):
    return bisect(lambda t: t_cdf(t, df, 4000) - p, -200, 200, 60)


# ---- Wilson and Newcombe ----

def wilson(x, n, conf=0.95):
    z = zcrit(conf)
    p = x / n
    centre = (2 * x + z * z) / (2 * (n + z * z))
    half = z * math.sqrt(z * z + 4 * x * (1 - p)) / (2 * (n + z * z))
    return p, centre - half, centre + half


def newcombe10(x1, n1, x2, n2, conf=0.95):
    """Newcombe's theta = p1 - p2 in his orientation."""
    p1, l1, u1 = wilson(x1, n1, conf)
    p2, l2, u2 = wilson(x2, n2, conf)
    d = p1 - p2
    return (d, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
            d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


def pooled_z(x1, n1, x2, n2):
    p = (x1 + x2) / (n1 + n2)
    return (x2 / n2 - x1 / n1) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))


# ---- exact Poisson (Garwood) and binomial (Clopper-Pearson) by sums ----

def pois_le(k, mu):
    return sum(math.exp(-mu + i * math.log(mu) - math.lgamma(i + 1)) for i in range(k + 1))


def garwood(x, conf=0.95):
    a = (1 - conf) / 2
    lo = 0.0 if x == 0 else bisect(lambda mu: (1 - pois_le(x - 1, mu)) - a, 0, 1000)
    hi = bisect(lambda mu: a - pois_le(x, mu), 0, 1000)
    return lo, hi


def binom_le(k, n, p):
    return sum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k + 1))


def clopper_pearson(x, n, conf=0.95):
    a = (1 - conf) / 2
    lo = 0.0 if x == 0 else bisect(lambda p: (1 - binom_le(x - 1, n, p)) - a, 0, 1)
    hi = 1.0 if x == n else bisect(lambda p: a - binom_le(x, n, p), 0, 1)
    return lo, hi


def rate_ratio(e1, t1, e2, t2, conf=0.95):
    n = e1 + e2
    lo, hi = clopper_pearson(e2, n, conf)
    scale = t1 / t2
    pi0 = t2 / (t1 + t2)
    le = binom_le(e2, n, pi0)
    ge = 1 - binom_le(e2 - 1, n, pi0) if e2 > 0 else 1.0
    z = (e2 - n * pi0) / math.sqrt(n * pi0 * (1 - pi0))
    est = math.inf if e1 == 0 else (e2 / t2) / (e1 / t1)
    upper = math.inf if hi == 1 else hi / (1 - hi) * scale
    return est, lo / (1 - lo) * scale, upper, z, min(1, 2 * min(le, ge))


# ---- Welch ----

def welch(a, b, conf=0.95):
    m1, m2 = statistics.mean(a), statistics.mean(b)
    v1, v2 = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    se = math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1 ** 2 / (len(a) - 1) + v2 ** 2 / (len(b) - 1))
    t = (m2 - m1) / se
    q = t_quantile(1 - (1 - conf) / 2, df)
    p = 2 * (1 - t_cdf(abs(t), df))
    return m2 - m1, m2 - m1 - q * se, m2 - m1 + q * se, t, p, df


# ---- Mann-Kendall / Theil-Sen by brute force ----

def sgn(v):
    return (v > 0) - (v < 0)


def kendall_s(x, y):
    return sum(sgn(x[j] - x[i]) * sgn(y[j] - y[i])
               for i in range(len(x)) for j in range(i + 1, len(x)))


def mk(x, y, conf=0.95):
    n = len(x)
    s = kendall_s(x, y)
    tx = [x.count(v) for v in set(x)]
    ty = [y.count(v) for v in set(y)]
    var = (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in tx)
           - sum(u * (u - 1) * (2 * u + 5) for u in ty)) / 18
    var += (sum(t * (t - 1) * (t - 2) for t in tx) * sum(u * (u - 1) * (u - 2) for u in ty)
            / (9 * n * (n - 1) * (n - 2)))
    var += sum(t * (t - 1) for t in tx) * sum(u * (u - 1) for u in ty) / (2 * n * (n - 1))
    z = 0 if s == 0 else (s - sgn(s)) / math.sqrt(var)
    p = 2 * (1 - Z.cdf(abs(z)))
    n0 = n * (n - 1) / 2
    tau = s / math.sqrt((n0 - sum(t * (t - 1) / 2 for t in tx)) * (n0 - sum(u * (u - 1) / 2 for u in ty)))
    slopes = sorted((y[j] - y[i]) / (x[j] - x[i])
                    for i in range(n) for j in range(i + 1, n) if x[j] != x[i])
    N = len(slopes)
    c = zcrit(conf) * math.sqrt(var)

    def rank(r):
        r = min(max(r, 1), N)
        i = int(r)
        return slopes[i - 1] if i >= N else slopes[i - 1] + (r - i) * (slopes[i] - slopes[i - 1])

    return dict(s=s, var=var, z=z, p=p, tau=tau, slope=statistics.median(slopes),
                lo=rank((N - c) / 2), hi=rank((N + c) / 2 + 1))


def mk_exact(y):
    """P(|S| >= |s|) over all orderings of y (untied)."""
    x = list(range(len(y)))
    s = abs(kendall_s(x, y))
    perms = list(itertools.permutations(y))
    return sum(abs(kendall_s(x, list(q))) >= s for q in perms) / len(perms)


def bh(ps):
    m = len(ps)
    order = sorted(range(m), key=lambda i: ps[i])
    q = [0.0] * m
    for r, i in enumerate(order, 1):
        q[i] = min(1.0, min(ps[order[k - 1]] * m / k for k in range(r, m + 1)))
    return q


def show(name, *vals):
    print(name, " ".join("%.10g" % v for v in vals))


if __name__ == "__main__":
    show("norm_q 0.975", Z.inv_cdf(0.975))
    show("norm_q 1e-10", Z.inv_cdf(1e-10))
    for p, df in [(0.975, 10), (0.975, 1), (0.975, 2), (0.995, 30), (0.95, 5), (0.9, 2.5),
                  (0.025, 17.5)]:
        show("t_q %g %g" % (p, df), t_quantile(p, df))
    show("t_cdf -3 df4", t_cdf(-3, 4))
    # chi2 with even df 2k: P(chi2 <= x) = 1 - P(Poisson(x/2) <= k-1)
    show("chi2_q 0.975 df2", 2 * bisect(lambda mu: (1 - pois_le(0, mu)) - 0.975, 0, 100))
    show("chi2_q 0.05 df10", 2 * bisect(lambda mu: (1 - pois_le(4, mu)) - 0.05, 0, 100))
    show("chi2_q 0.95 df10", 2 * bisect(lambda mu: (1 - pois_le(4, mu)) - 0.95, 0, 100))
    for x, n in [(81, 263), (15, 148), (0, 20), (1, 29)]:
        show("wilson %d/%d" % (x, n), *wilson(x, n))
    for x1, n1, x2, n2 in [(56, 70, 48, 80), (9, 10, 3, 10), (6, 7, 2, 7), (5, 56, 0, 29),
                           (0, 10, 0, 20), (0, 10, 0, 10), (10, 10, 0, 20), (10, 10, 0, 10)]:
        show("newcombe10 %d/%d-%d/%d" % (x1, n1, x2, n2), *newcombe10(x1, n1, x2, n2))
    x1, x2 = round(0.47 * 7282), round(0.42 * 7094)
    d, lo, hi = newcombe10(x2, 7094, x1, 7282)  # p2 - p1 in tg_stats' orientation
    show("copenhagen x1 x2 est lo hi z", x1, x2, d, lo, hi, pooled_z(x1, 7282, x2, 7094))
    show("pooled z 56/70 vs 48/80", pooled_z(56, 70, 48, 80))
    for x in (0, 10):
        show("garwood %d" % x, *garwood(x))
    show("garwood 3 conf .9", *garwood(3, 0.9))
    show("cp 0/10 upper", clopper_pearson(0, 10)[1], 1 - 0.025 ** (1 / 10))
    show("cp 7/20", *clopper_pearson(7, 20))
    show("rate_ratio 10/1 20/1", *rate_ratio(10, 1.0, 20, 1.0))
    show("rate_ratio 120/80 90/100", *rate_ratio(120, 80.0, 90, 100.0))
    show("rate_ratio 0/2 4/3", *rate_ratio(0, 2.0, 4, 3.0))
    show("rate_ratio 4/2 0/3", *rate_ratio(4, 2.0, 0, 3.0))
    g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    show("sleep means sds", statistics.mean(g1), statistics.stdev(g1), statistics.mean(g2),
         statistics.stdev(g2))
    show("welch sleep est lo hi t p df", *welch(g1, g2))
    r = mk([1, 2, 3, 4, 5, 6], [3, 5, 5, 4, 7, 8])
    show("mk hand", r["s"], r["var"], r["z"], r["p"], r["tau"], r["slope"], r["lo"], r["hi"])
    r = mk([1, 1, 2, 3, 3, 4, 5], [2, 3, 3, 5, 4, 6, 5])
    show("mk xties", r["s"], r["var"], r["z"], r["p"], r["tau"], r["slope"], r["lo"], r["hi"])
    r = mk([2015, 2017, 2018, 2021], [47, 45, 44, 42], 0.9)
    show("mk uneven", r["s"], r["var"], r["z"], r["p"], r["tau"], r["slope"], r["lo"], r["hi"])
    show("mk exact 1 3 2 4 5", mk_exact([1, 3, 2, 4, 5]))
    show("mk exact 8 pts", mk_exact([3, 1, 4, 8, 5, 9, 2, 6]), kendall_s(list(range(8)), [3, 1, 4, 8, 5, 9, 2, 6]))
    show("bh", *bh([0.01, 0.04, 0.03, 0.005]))
    show("bh2", *bh([0.9, 0.02, 0.02, 0.5, 0.001]))
