#!/usr/bin/python3
"""Golden fixtures for Vigil.Statistics.Comparison (and the Holm correction in Vigil.Statistics.Testing).

Run with Debian's interpreter (python3-numpy, python3-scipy, python3-sklearn):

    /usr/bin/python3 tools/golden/generate_comparison.py

Writes tests/Vigil.Statistics.Tests/Fixtures/comparison_cases.json and association_cases.json. Deterministic (fixed seeds).

The references are written here straight from the papers, independently of the C#:
  * DeLong, DeLong & Clarke-Pearson (1988): placement values V10, V01 from the kernel psi on raw arrays, S10, S01 and
    the 2x2 covariance matrix of two correlated AUCs. Checked here against a brute-force (stratified) bootstrap
    variance on small data, and the AUC against sklearn.metrics.roc_auc_score.
  * Newcombe (1998a) method 10 (hybrid score interval, independent proportions), checked against the paper's worked
    examples; Newcombe (1998b) method 10 for paired proportions.
  * McNemar: scipy.stats.binomtest (exact) and scipy.stats.chi2 (continuity-corrected).
  * Holm (1979) step-down adjusted p-values: the direct formula (statsmodels' 'holm' semantics).
  * Means (Welch z, paired z): numpy with ddof=1 and scipy.stats.norm.
  * Calibration z: numpy.
  * Association: scipy.stats.spearmanr (rho, p) with a Fisher-z / Bonett-Wright interval written here, and
    sklearn.metrics.mutual_info_score on quantile bins (edges numpy.quantile, searchsorted), G-test p via scipy.stats.chi2.
Expected values that are undefined are stored as null (NaN in C#).
"""
import json
import math
import os

import numpy as np
from scipy import stats
from sklearn.metrics import roc_auc_score

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Vigil.Statistics.Tests", "Fixtures")


def num(x):
    x = float(x)
    return None if math.isnan(x) else x


# ---------------------------------------------------------------- DeLong (1988)

def psi(x, y):
    """DeLong's kernel: 1 if the positive's score x exceeds the negative's y, 1/2 on a tie, 0 otherwise."""
    return (x > y) + 0.5 * (x == y)


def placements_raw(scores, labels):
    """V10 per positive, V01 per negative, by the O(m n) definition."""
    X = scores[labels == 1]
    Y = scores[labels == 0]
    K = psi(X[:, None], Y[None, :])
    return K.mean(axis=1), K.mean(axis=0)


def placements_fast(scores, labels):
    """The same placements by sorting (for ~100k rows); cross-checked against placements_raw on medium data."""
    X = np.sort(scores[labels == 1])
    Y = np.sort(scores[labels == 0])
    m, n = len(X), len(Y)
    pos, neg = scores[labels == 1], scores[labels == 0]
    v10 = (np.searchsorted(Y, pos, side="left") + 0.5 * (np.searchsorted(Y, pos, side="right") - np.searchsorted(Y, pos, side="left"))) / n
    v01 = ((m - np.searchsorted(X, neg, side="right")) + 0.5 * (np.searchsorted(X, neg, side="right") - np.searchsorted(X, neg, side="left"))) / m
    return v10, v01


def delong_single(scores, labels, fast=False):
    m, n = int(labels.sum()), int((1 - labels).sum())
    if m == 0 or n == 0:
        return dict(auc=None, variance=None, s10=None, s01=None)
    v10, v01 = (placements_fast if fast else placements_raw)(scores, labels)
    auc = v10.mean()
    assert abs(auc - v01.mean()) < 1e-12
    if m < 2 or n < 2:
        return dict(auc=float(auc), variance=None, s10=None, s01=None)
    s10 = np.var(v10, ddof=1)
    s01 = np.var(v01, ddof=1)
    return dict(auc=float(auc), variance=float(s10 / m + s01 / n), s10=float(s10), s01=float(s01))


def delong_paired(a, b, labels, fast=False):
    """Covariance matrix S = S10/m + S01/n of (AUC_A, AUC_B) from the structural components."""
    m, n = int(labels.sum()), int((1 - labels).sum())
    f = placements_fast if fast else placements_raw
    v10a, v01a = f(a, labels)
    v10b, v01b = f(b, labels)
    S10 = np.cov(np.vstack([v10a, v10b]), ddof=1)
    S01 = np.cov(np.vstack([v01a, v01b]), ddof=1)
    S = S10 / m + S01 / n
    return dict(auc_a=float(v10a.mean()), auc_b=float(v10b.mean()),
                var_a=float(S[0, 0]), var_b=float(S[1, 1]), cov=float(S[0, 1]),
                s10_ab=float(S10[0, 1]), s01_ab=float(S01[0, 1]),
                sums=dict(sum_v10a=float(v10a.sum()), sum_v10b=float(v10b.sum()), sum_sq_v10a=float((v10a * v10a).sum()),
                          sum_sq_v10b=float((v10b * v10b).sum()), sum_v10ab=float((v10a * v10b).sum()),
                          sum_v01a=float(v01a.sum()), sum_v01b=float(v01b.sum()), sum_sq_v01a=float((v01a * v01a).sum()),
                          sum_sq_v01b=float((v01b * v01b).sum()), sum_v01ab=float((v01a * v01b).sum())))


def z_interval(d, var, conf):
    """Wald interval and two-sided normal p-value; zero variance: [d, d], p = 1 if d == 0 else 0."""
    if d is None or var is None or math.isnan(d) or math.isnan(var):
        return dict(value=num(d) if d is not None else None, lower=None, upper=None, p=None)
    se = math.sqrt(max(var, 0.0))
    if se == 0.0:
        return dict(value=d, lower=d, upper=d, p=1.0 if d == 0 else 0.0)
    zc = stats.norm.ppf(0.5 + conf / 2)
    return dict(value=d, lower=d - zc * se, upper=d + zc * se, p=float(2 * stats.norm.sf(abs(d / se))))


def group(scores, labels):
    """The engine's reduction: distinct score, positives, negatives (descending)."""
    out = []
    for s in np.unique(scores)[::-1]:
        k = scores == s
        p = int(labels[k].sum())
        out.append([float(s), p, int(k.sum() - p)])
    return out


def pair_cells(a, b, labels):
    keys = {}
    for x, y, l in zip(a.tolist(), b.tolist(), labels.tolist()):
        c = keys.setdefault((x, y), [0, 0])
        c[0 if l == 1 else 1] += 1
    return [[x, y, c[0], c[1]] for (x, y), c in sorted(keys.items())]


def bootstrap_auc_variance(scores, labels, reps, rng):
    """Brute-force stratified bootstrap: resample positives and negatives separately, AUC by the definition."""
    X = scores[labels == 1]
    Y = scores[labels == 0]
    aucs = np.empty(reps)
    for r in range(reps):
        x = rng.choice(X, len(X))
        y = rng.choice(Y, len(Y))
        aucs[r] = psi(x[:, None], y[None, :]).mean()
    return float(aucs.var(ddof=1))


def delong_cases():
    rng = np.random.default_rng(20261202)
    singles = []

    def single(name, scores, labels, fast=False):
        scores = np.asarray(scores, dtype=float)
        labels = np.asarray(labels, dtype=int)
        ref = delong_single(scores, labels, fast)
        case = dict(name=name, cells=group(scores, labels), **ref)
        if ref["auc"] is not None:
            sk = float(roc_auc_score(labels, scores))
            assert abs(sk - ref["auc"]) <= 1e-12 * max(1, sk), (name, sk, ref["auc"])
            case["sklearn_auc"] = sk
        singles.append(case)
        return scores, labels

    # Small data: the reference variance against a brute-force bootstrap.
    for seed, (m, n) in enumerate([(30, 40), (25, 60)]):
        r = np.random.default_rng(seed + 7)
        y = np.r_[np.ones(m, int), np.zeros(n, int)]
        s = np.round(r.normal(0.8 * y, 1.0), 1)
        dl = delong_single(s, y)["variance"]
        bs = bootstrap_auc_variance(s, y, 20000, r)
        print(f"bootstrap check m={m} n={n}: DeLong variance {dl:.6g}, bootstrap {bs:.6g}, ratio {dl / bs:.3f}")
        assert abs(dl / bs - 1) < 0.15, "DeLong variance disagrees with the bootstrap"

    # Medium data: the fast placements equal the definition.
    y = (rng.random(3000) < 0.3).astype(int)
    s = np.round(rng.normal(y * 0.7, 1), 2)
    a, b = delong_paired(s, np.round(s + rng.normal(0, 0.5, 3000), 2), y), delong_paired(s, np.round(s + rng.normal(0, 0.5, 3000), 2), y, fast=True)
    assert abs(a["var_a"] - b["var_a"]) < 1e-15 and abs(a["auc_a"] - b["auc_a"]) < 1e-15

    y = (rng.random(200) < 0.4).astype(int)
    single("ties", np.round(rng.normal(y * 0.8, 1), 1), y)
    single("tiny", [0.9, 0.3, 0.6, 0.2, 0.4], [1, 1, 0, 0, 0])
    y = (rng.random(1000) < 0.02).astype(int)
    single("unbalanced", rng.normal(y * 1.2, 1), y)
    y = (rng.random(100_000) < 0.25).astype(int)
    single("large", np.round(1 / (1 + np.exp(-rng.normal(y * 1.5 - 1, 1))), 3), y, fast=True)
    y = (rng.random(100_000) < 0.4).astype(int)
    single("large_continuous_like", np.round(rng.normal(y * 0.3, 1), 4), y, fast=True)
    single("all_tied", np.full(10, 0.5), [1, 0, 1, 0, 0, 1, 0, 0, 0, 1])
    single("perfect", [0.9, 0.8, 0.7, 0.3, 0.2, 0.1], [1, 1, 1, 0, 0, 0])
    single("near_perfect", np.r_[np.linspace(0.5, 1, 500), np.linspace(0, 0.5005, 500)], np.r_[np.ones(500, int), np.zeros(500, int)])
    single("one_class", [0.1, 0.5, 0.9], [1, 1, 1])
    single("one_positive", [0.9, 0.3, 0.6, 0.2], [1, 0, 0, 0])

    # Huge counts: every cell of "ties" times 1e9 (up to ~1e11 rows per cell); reference from weighted placements.
    base = next(c for c in singles if c["name"] == "ties")
    k = 10 ** 9
    cells = [[s, p * k, q * k] for s, p, q in base["cells"]]
    singles.append(dict(name="huge_counts", cells=cells, **weighted_delong(cells)))

    # Unpaired differences: pairs of independent samples, at two confidence levels.
    unpaired = []
    by = {c["name"]: c for c in singles}
    for bname, cname, conf in [("ties", "unbalanced", 0.95), ("large", "large_continuous_like", 0.95),
                               ("ties", "large", 0.90), ("tiny", "perfect", 0.99), ("ties", "ties", 0.95),
                               ("ties", "one_class", 0.95), ("one_positive", "ties", 0.95)]:
        bc, cc = by[bname], by[cname]
        d = None if bc["auc"] is None or cc["auc"] is None else cc["auc"] - bc["auc"]
        var = None if bc["variance"] is None or cc["variance"] is None else bc["variance"] + cc["variance"]
        unpaired.append(dict(name=f"{bname}_vs_{cname}_{conf}", baseline=bname, candidate=cname, confidence=conf,
                             **z_interval(d, var, conf)))

    # Paired: the same rows scored by two models.
    paired = []

    def pair(name, a, b, y, conf=0.95, fast=False):
        a, b, y = np.asarray(a, float), np.asarray(b, float), np.asarray(y, int)
        ref = delong_paired(a, b, y, fast)
        assert abs(ref["auc_a"] - roc_auc_score(y, a)) < 1e-12 and abs(ref["auc_b"] - roc_auc_score(y, b)) < 1e-12
        var = ref["var_a"] + ref["var_b"] - 2 * ref["cov"]
        paired.append(dict(name=name, confidence=conf, positives=int(y.sum()), negatives=int(len(y) - y.sum()),
                           cells=pair_cells(a, b, y), **{k: v for k, v in ref.items()},
                           variance=float(var), **z_interval(ref["auc_b"] - ref["auc_a"], var, conf)))

    y = (rng.random(60) < 0.5).astype(int)
    s = rng.normal(y, 1)
    pair("small", s, s + rng.normal(0, 0.7, 60), y)
    y = (rng.random(400) < 0.3).astype(int)
    s = np.round(rng.normal(y * 0.8, 1), 1)
    pair("ties", s, np.round(s * 0.5 + rng.normal(y * 0.5, 0.8), 1), y, conf=0.9)
    y = (rng.random(100_000) < 0.2).astype(int)
    s = np.round(1 / (1 + np.exp(-rng.normal(y * 1.2 - 1, 1))), 2)
    pair("large", s, np.round(1 / (1 + np.exp(-(np.log(s / (1 - s)) + rng.normal(y * 0.2, 0.6)))), 2), y, fast=True)
    y = (rng.random(80) < 0.4).astype(int)
    s = rng.normal(y, 1)
    pair("identical", s, s.copy(), y)
    return singles, unpaired, paired


def weighted_delong(cells):
    """DeLong from a weighted table (distinct score, positives, negatives), same formulas with weights."""
    cells = sorted(cells, key=lambda c: -c[0])
    s = np.array([c[0] for c in cells])
    p = np.array([c[1] for c in cells], dtype=float)
    q = np.array([c[2] for c in cells], dtype=float)
    m, n = p.sum(), q.sum()
    neg_above = np.concatenate([[0.0], np.cumsum(q)[:-1]])
    pos_above = np.concatenate([[0.0], np.cumsum(p)[:-1]])
    v10 = (n - neg_above - 0.5 * q) / n
    v01 = (pos_above + 0.5 * p) / m
    auc = (p * v10).sum() / m
    s10 = (p * (v10 - auc) ** 2).sum() / (m - 1)
    s01 = (q * (v01 - auc) ** 2).sum() / (n - 1)
    assert len(np.unique(s)) == len(s)
    return dict(auc=float(auc), variance=float(s10 / m + s01 / n), s10=float(s10), s01=float(s01))


# ---------------------------------------------------------------- Newcombe (1998a, 1998b), McNemar

def wilson(x, n, z):
    if n == 0:
        return float("nan"), float("nan")
    p = x / n
    centre = (2 * n * p + z * z) / (2 * (n + z * z))
    half = z * math.sqrt(z * z + 4 * n * p * (1 - p)) / (2 * (n + z * z))
    lo = 0.0 if x == 0 else centre - half
    hi = 1.0 if x == n else centre + half
    return lo, hi


def newcombe_unpaired(x1, n1, x2, n2, conf):
    """Method 10 for theta = p2 - p1 (candidate 2 minus baseline 1)."""
    z = stats.norm.ppf(0.5 + conf / 2)
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1, z)
    l2, u2 = wilson(x2, n2, z)
    d = p2 - p1
    lo = d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    hi = d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    pbar = (x1 + x2) / (n1 + n2)
    v = pbar * (1 - pbar) * (1 / n1 + 1 / n2)
    p = float(2 * stats.norm.sf(abs(d) / math.sqrt(v))) if v > 0 else 1.0
    return dict(value=d, lower=lo, upper=hi, p=p)


def mcnemar(b, c):
    if b + c == 0:
        return 1.0, "exact"
    if b + c < 25:
        return float(stats.binomtest(b, b + c, 0.5).pvalue), "exact"
    stat = max(0.0, abs(b - c) - 1) ** 2 / (b + c)
    return float(stats.chi2.sf(stat, 1)), "chi2"


def newcombe_paired(a, b, c, d, conf):
    """Newcombe (1998b) method 10, for theta = pB - pA where pA = (a+b)/N, pB = (a+c)/N."""
    z = stats.norm.ppf(0.5 + conf / 2)
    N = a + b + c + d
    pA, pB = (a + b) / N, (a + c) / N
    lA, uA = wilson(a + b, N, z)
    lB, uB = wilson(a + c, N, z)
    e, f, g, h = a + b, c + d, a + c, b + d
    phi = 0.0 if min(e, f, g, h) == 0 else (a * d - b * c) / math.sqrt(e * f * g * h)
    theta = pB - pA
    # Newcombe's formula for theta1 = p1 - p2 with p1 := pB, p2 := pA:
    delta = math.sqrt(max(0.0, (pB - lB) ** 2 - 2 * phi * (pB - lB) * (uA - pA) + (uA - pA) ** 2))
    eps = math.sqrt(max(0.0, (uB - pB) ** 2 - 2 * phi * (uB - pB) * (pA - lA) + (pA - lA) ** 2))
    p, kind = mcnemar(b, c)
    return dict(value=theta, lower=theta - delta, upper=theta + eps, p=p, mcnemar=kind)


def proportion_cases():
    # The worked examples of Newcombe (1998a), Table II, method 10 (four decimals), for p1 - p2 = x1/n1 - x2/n2:
    # ours is candidate - baseline, so the paper's p1 is our candidate and its p2 our baseline.
    published = [((56, 70, 48, 80), (0.0524, 0.3339)), ((9, 10, 3, 10), (0.1705, 0.8090))]
    for (x1, n1, x2, n2), (lo, hi) in published:
        r = newcombe_unpaired(x2, n2, x1, n1, 0.95)
        print(f"Newcombe 1998a {x1}/{n1} - {x2}/{n2}: ours ({r['lower']:.4f}, {r['upper']:.4f}), paper ({lo}, {hi})")
        assert abs(r["lower"] - lo) < 6e-5 and abs(r["upper"] - hi) < 6e-5

    unpaired = []
    for x1, n1, x2, n2, conf in [(48, 80, 56, 70, 0.95), (3, 10, 9, 10, 0.95), (0, 20, 0, 10, 0.95), (0, 10, 10, 10, 0.95),
                                 (10, 10, 10, 10, 0.95), (1, 1, 0, 1, 0.95), (0, 1, 1, 2, 0.9), (812, 1000, 845, 1000, 0.99),
                                 (4_000_000, 10_000_000, 4_010_000, 10_000_000, 0.95),
                                 (400_000_000_000, 1_000_000_000_000, 400_001_000_000, 1_000_000_000_000, 0.95),
                                 (7, 7, 0, 3, 0.8)]:
        unpaired.append(dict(name=f"{x1}/{n1} vs {x2}/{n2} @{conf}", x1=x1, n1=n1, x2=x2, n2=n2, confidence=conf,
                             **newcombe_unpaired(x1, n1, x2, n2, conf)))

    paired = []
    for a, b, c, d, conf in [(12, 9, 2, 4, 0.95), (36, 12, 2, 0, 0.95), (0, 0, 0, 10, 0.95), (10, 0, 0, 0, 0.95),
                             (5, 3, 3, 5, 0.95), (1, 0, 1, 0, 0.95), (0, 1, 0, 0, 0.9), (300, 40, 60, 600, 0.95),
                             (800, 13, 12, 175, 0.99), (5_000_000_000, 30_000_000, 31_000_000, 4_000_000_000, 0.95),
                             (20, 0, 24, 10, 0.95), (20, 12, 12, 10, 0.95)]:
        paired.append(dict(name=f"paired {a},{b},{c},{d} @{conf}", both=a, only_a=b, only_b=c, neither=d, confidence=conf,
                           **newcombe_paired(a, b, c, d, conf)))

    wilson_cases = []
    for x, n, conf in [(0, 10, 0.95), (10, 10, 0.95), (3, 10, 0.95), (1, 1, 0.9), (81, 263, 0.99), (123456789, 1_000_000_000_000, 0.95)]:
        lo, hi = wilson(x, n, stats.norm.ppf(0.5 + conf / 2))
        wilson_cases.append(dict(x=x, n=n, confidence=conf, lower=lo, upper=hi))

    mcnemar_cases = []
    for b, c in [(0, 0), (0, 1), (1, 0), (3, 7), (5, 5), (12, 12), (0, 24), (24, 0), (12, 13), (13, 12), (10, 15),
                 (30, 50), (40, 40), (100, 160), (2, 60), (1_000_000, 1_003_000)]:
        p, kind = mcnemar(b, c)
        mcnemar_cases.append(dict(b=b, c=c, p=p, kind=kind))
    return unpaired, paired, wilson_cases, mcnemar_cases


# ---------------------------------------------------------------- Holm, means, calibration

def holm(p):
    """Holm (1979) step-down adjusted p-values (statsmodels multipletests(method='holm'))."""
    p = np.asarray(p, float)
    m = len(p)
    order = np.argsort(p, kind="mergesort")
    adj = np.maximum.accumulate(np.minimum(1.0, (m - np.arange(m)) * p[order]))
    out = np.empty(m)
    out[order] = adj
    return out


def holm_cases():
    rng = np.random.default_rng(5)
    fams = [[0.01, 0.04, 0.03, 0.005], [0.5], [], [0.02, 0.02, 0.02], [0.001, 0.2, 0.9, 0.04, 0.0001, 0.03],
            list(rng.random(25) ** 3), [0.3, 0.0, 1.0]]
    return [dict(p=list(map(float, f)), adjusted=list(map(float, holm(f)))) for f in fams]


def mean_cases():
    rng = np.random.default_rng(11)
    unpaired, paired = [], []
    for name, x1, x2, conf in [("brier", rng.random(500) ** 2, rng.random(700) ** 2 * 0.9, 0.95),
                               ("logloss", rng.exponential(0.4, 3000), rng.exponential(0.38, 2500), 0.9),
                               ("tiny", np.array([1.0, 2.0]), np.array([2.0, 4.0, 3.0]), 0.95),
                               ("constant_equal", np.full(5, 0.25), np.full(8, 0.25), 0.95),
                               ("constant_different", np.full(5, 0.25), np.full(8, 0.5), 0.95),
                               ("one_row", np.array([0.3]), np.array([0.1, 0.2]), 0.95)]:
        d = x2.mean() - x1.mean()
        var = x1.var(ddof=1) / len(x1) + x2.var(ddof=1) / len(x2) if len(x1) > 1 and len(x2) > 1 else float("nan")
        r = z_interval(float(d), float(var), conf)
        unpaired.append(dict(name=name, n1=len(x1), sum1=float(x1.sum()), sum_sq1=float((x1 * x1).sum()),
                             n2=len(x2), sum2=float(x2.sum()), sum_sq2=float((x2 * x2).sum()), confidence=conf, **r))
    for name, d_, conf in [("abs_error", rng.normal(0.01, 0.2, 4000), 0.95), ("squared", rng.normal(-0.002, 0.05, 300), 0.99),
                           ("zero", np.zeros(10), 0.95), ("two", np.array([0.1, 0.3]), 0.95)]:
        var = d_.var(ddof=1) / len(d_)
        r = z_interval(float(d_.mean()), float(var), conf)
        paired.append(dict(name=name, n=len(d_), sum_d=float(d_.sum()), sum_sq_d=float((d_ * d_).sum()), confidence=conf, **r))
    return unpaired, paired


def calibration_cases():
    rng = np.random.default_rng(13)
    out = []
    for name, n, shift, conf in [("calibrated", 5000, 0.0, 0.95), ("over", 2000, -0.05, 0.95), ("under", 800, 0.08, 0.9),
                                 ("small", 12, 0.0, 0.95)]:
        p = rng.beta(2, 5, n)
        y = (rng.random(n) < np.clip(p + shift, 0, 1)).astype(int)
        O, E, V = int(y.sum()), float(p.sum()), float((p * (1 - p)).sum())
        zc = stats.norm.ppf(0.5 + conf / 2)
        z = (O - E) / math.sqrt(V)
        out.append(dict(name=name, n=n, positives=O, sum_p=E, sum_pq=V, confidence=conf, value=O - E,
                        lower=O - E - zc * math.sqrt(V), upper=O - E + zc * math.sqrt(V), z=z,
                        p=float(2 * stats.norm.sf(abs(z))), in_the_large=E / n - O / n))
    return out


def main():
    singles, unpaired, paired = delong_cases()
    p_unpaired, p_paired, wilson_cases, mcnemar_cases = proportion_cases()
    m_unpaired, m_paired = mean_cases()
    data = dict(delong_single=singles, delong_unpaired=unpaired, delong_paired=paired,
                newcombe_unpaired=p_unpaired, newcombe_paired=p_paired, wilson=wilson_cases, mcnemar=mcnemar_cases,
                holm=holm_cases(), means_unpaired=m_unpaired, means_paired=m_paired, calibration=calibration_cases())
    meta = dict(generator="tools/golden/generate_comparison.py", numpy=np.__version__, scipy=__import__("scipy").__version__)
    path = os.path.join(OUT, "comparison_cases.json")
    with open(path, "w") as f:
        json.dump({"meta": meta, "cases": data}, f, allow_nan=False, separators=(",", ":"))
    print("wrote", os.path.normpath(path), os.path.getsize(path), "bytes")


# ---------------------------------------------------------------- association (Spearman, mutual information)

def spearman_ref(x, y, conf):
    """scipy.stats.spearmanr for rho and p; Fisher z interval with the Bonett-Wright variance written here."""
    n = len(x)
    with np.errstate(all="ignore"):
        r = stats.spearmanr(x, y)
    rho, p = float(r.statistic), float(r.pvalue)
    lo = hi = float("nan")
    if not math.isnan(rho) and n > 3:
        z = math.atanh(rho) if abs(rho) < 1 else math.copysign(math.inf, rho)
        h = stats.norm.ppf(0.5 + conf / 2) * math.sqrt((1 + rho * rho / 2) / (n - 3))
        lo, hi = math.tanh(z - h), math.tanh(z + h)
    if n <= 2:
        p = float("nan")
    return dict(value=num(rho), p=num(p), lower=num(lo), upper=num(hi))


def joint(x, y):
    keys = {}
    for a, b in zip(x.tolist(), y.tolist()):
        keys[(a, b)] = keys.get((a, b), 0) + 1
    return [[a, b, c] for (a, b), c in sorted(keys.items())]


def quantile_codes(v, bins):
    """Edges at numpy.quantile(v, k/bins), duplicates dropped; code = searchsorted(inner edges, v, 'right')."""
    edges = np.quantile(v, [k / bins for k in range(bins + 1)])
    edges = np.array([e for i, e in enumerate(edges) if i == 0 or e != edges[i - 1]])
    return np.searchsorted(edges[1:-1], v, side="right")


def mi_ref(cx, cy):
    from sklearn.metrics import mutual_info_score
    from sklearn.metrics.cluster import contingency_matrix
    mi = float(mutual_info_score(cx, cy))
    table = contingency_matrix(cx, cy)
    r, c = table.shape
    df = (r - 1) * (c - 1)
    p = float(stats.chi2.sf(2 * len(cx) * mi, df)) if df > 0 else 1.0
    return mi, table, p


def association_cases():
    rng = np.random.default_rng(29)
    spear = []

    def sp(name, x, y, conf=0.95, store="arrays"):
        x, y = np.asarray(x, float), np.asarray(y, float)
        case = dict(name=name, confidence=conf, rows=len(x), **spearman_ref(x, y, conf))
        if store == "arrays":
            case.update(x=x.tolist(), y=y.tolist())
        else:
            case.update(cells=joint(x, y))
        spear.append(case)

    x = rng.normal(size=300)
    sp("continuous", x, x + rng.normal(size=300))
    xt = np.round(rng.normal(size=500), 1)
    sp("ties", xt, np.round(0.3 * xt + rng.normal(size=500), 1), conf=0.9)
    sp("categorical_feature", rng.integers(0, 4, 400).astype(float), rng.random(400))
    sp("perfect", [1, 2, 3, 4, 5], [10, 20, 30, 40, 50])
    sp("perfect_negative", [1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1])
    sp("three_rows", [1.0, 2.0, 3.0], [1.0, 3.0, 2.0])
    sp("two_rows", [1.0, 2.0], [2.0, 1.0])
    sp("constant", [1.0, 1.0, 1.0, 1.0], [1.0, 2.0, 3.0, 4.0])
    xl = rng.integers(0, 50, 100_000).astype(float)
    sp("large_grouped", xl, np.round(1 / (1 + np.exp(-(0.05 * xl - 1.2 + rng.normal(size=100_000)))), 2), store="cells")
    sp("independent_grouped", rng.integers(0, 5, 50_000).astype(float), rng.integers(0, 20, 50_000).astype(float), store="cells")

    mis = []

    def mi(name, x, y, xbins, ybins, categorical=False, store_arrays=True):
        x, y = np.asarray(x), np.asarray(y, float)
        cx = x.astype(int) if categorical else quantile_codes(x.astype(float), xbins)
        cy = quantile_codes(y, ybins)
        value, table, p = mi_ref(cx, cy)
        case = dict(name=name, x_bins=xbins, y_bins=ybins, categorical=categorical, value=value, p=p,
                    table=table.tolist(), x_codes=None, y_codes=None)
        if store_arrays:
            case.update(x=x.tolist(), y=y.tolist(), x_codes=cx.tolist(), y_codes=cy.tolist())
        mis.append(case)

    x = rng.normal(size=2000)
    mi("numeric", x, x + rng.normal(size=2000), 10, 10)
    mi("independent", rng.normal(size=1500), rng.random(1500), 5, 8)
    mi("categorical", rng.integers(0, 6, 1200), rng.beta(2, 3, 1200) + 0.05 * rng.integers(0, 6, 1200), 0, 10, categorical=True)
    xt = np.round(rng.exponential(size=1000), 0)   # heavy ties: duplicate quantile edges
    mi("tied_edges", xt, np.round(rng.random(1000) + 0.1 * xt, 1), 10, 10)
    mi("constant_feature", np.ones(50), rng.random(50), 4, 4)
    xb = rng.normal(size=400_000)
    mi("large_table", xb, 0.3 * xb + rng.normal(size=400_000), 20, 20, store_arrays=False)
    return spear, mis


def write_association():
    spear, mis = association_cases()
    path = os.path.join(OUT, "association_cases.json")
    meta = dict(generator="tools/golden/generate_comparison.py", numpy=np.__version__, scipy=__import__("scipy").__version__,
                sklearn=__import__("sklearn").__version__)
    with open(path, "w") as f:
        json.dump({"meta": meta, "cases": dict(spearman=spear, mutual_information=mis)}, f, allow_nan=False, separators=(",", ":"))
    print("wrote", os.path.normpath(path), os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
    write_association()
