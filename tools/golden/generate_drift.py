#!/usr/bin/python3
"""Golden fixtures for `vigil drift`.

Re-implements Evidently's column drift tests (the legacy `stattests` package,
evidently/legacy/calculations/stattests/*.py, Evidently 0.7.x; identical in
behaviour to evidently/calculations/stattests/*.py of 0.4.x-0.6.x) on top of
numpy/scipy, because Evidently itself is not installable here.  Every method
follows Evidently's definition step by step (same SciPy calls, same defaults,
same thresholds, same comparison operators); see docs/drift-methods.md.

Writes tests/Vigil.Statistics.Tests/Fixtures/drift_cases.json.

Deterministic: data come from numpy RandomState with fixed seeds; the TVD
permutation test seeds the global legacy generator with 0, as Evidently does.
Where Evidently's result depends on Python's set iteration order (category
order in sums; which category Fisher's table calls "1"), this script uses the
sorted order; only floating-point summation order (or the Fisher odds ratio,
which is a Vigil-defined extra) is affected.

Usage: /usr/bin/python3 tools/golden/generate_drift.py  (from the repo root or
anywhere; the output path is resolved relative to this file).
"""

import json
import math
import os
import sys
import warnings
from collections import Counter
from fractions import Fraction

import numpy as np
import pandas as pd
import scipy
from scipy import stats
from scipy.spatial import distance
from scipy.special import gammaln, kv

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(REPO, "tests", "Vigil.Statistics.Tests", "Fixtures", "drift_cases.json")

NUM, CAT = "num", "cat"


class Refused(Exception):
    """Evidently would not run this method on this data (type not allowed or the test raises)."""


# --------------------------------------------------------------------------
# shared helpers (Evidently's utils.py)
# --------------------------------------------------------------------------

def union_keys(ref, cur):
    """Union of the distinct non-missing values of both samples (sorted here; Evidently uses set order)."""
    return sorted(set(ref.dropna().unique()) | set(cur.dropna().unique()))


def counts_over(series, keys):
    vc = series.value_counts()
    return [int(vc.get(k, 0)) for k in keys]


def fill_zeroes(pct):
    """Evidently's empty-bin rule: zeros become min(non-zero)/1e6 if that minimum is <= 1e-4, else 1e-4."""
    pct = pct.copy()
    nonzero = pct[pct != 0]
    smallest = min(nonzero)
    fill = smallest / 10 ** 6 if smallest <= 0.0001 else 0.0001
    np.place(pct, pct == 0, fill)
    return pct


def binned(ref, cur, kind, fill):
    """Evidently's get_binned_data: Sturges bins over ref+cur for numerical columns whose
    *reference* has more than 20 distinct values, otherwise one bin per distinct value."""
    if kind == NUM and ref.nunique() > 20:
        edges = np.histogram_bin_edges(pd.concat([ref, cur], axis=0).values, bins="sturges")
        rp = np.histogram(ref, edges)[0] / len(ref)
        cp = np.histogram(cur, edges)[0] / len(cur)
    else:
        keys = union_keys(ref, cur)
        rp = np.array([c / len(ref) for c in counts_over(ref, keys)])
        cp = np.array([c / len(cur) for c in counts_over(cur, keys)])
    if fill:
        rp = fill_zeroes(rp)
        cp = fill_zeroes(cp)
    return rp, cp


# --------------------------------------------------------------------------
# the methods: each returns (statistic, p_value or None, drifted)
# --------------------------------------------------------------------------

def m_ks(ref, cur, kind):
    if kind != NUM:
        raise Refused
    r = stats.ks_2samp(ref, cur)
    return r.statistic, r.pvalue, r.pvalue <= 0.05


def ks_branch(ref, cur):
    """Which branch scipy 1.10 ks_2samp(method='auto') really takes."""
    if max(len(ref), len(cur)) > 10000:
        return "asymp (max(n1,n2) > 10000)"
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        stats.ks_2samp(ref, cur)
    if any("Exact calculation unsuccessful" in str(x.message) for x in w):
        return "exact attempted, failed -> asymp"
    if len(ref) == len(cur):
        return "exact (n1 == n2: _compute_prob_outside_square)"
    return "exact (_compute_outer_prob_inside_method)"


def m_chisquare(ref, cur, kind):
    keys = union_keys(ref, cur)
    k_norm = cur.shape[0] / ref.shape[0]
    f_exp = [c * k_norm for c in counts_over(ref, keys)]
    f_obs = counts_over(cur, keys)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = stats.chisquare(f_obs, f_exp)
    return r[0], r[1], r[1] < 0.05


def m_z(ref, cur, kind):
    if ref.nunique() == 1 and cur.nunique() == 1 and ref.unique()[0] == cur.unique()[0]:
        return None, 1.0, False
    first = union_keys(ref, cur)[0]
    x1 = ref.apply(lambda v: 0 if v == first else 1)
    x2 = cur.apply(lambda v: 0 if v == first else 1)
    n1, n2 = len(x1), len(x2)
    p1 = float(sum(x1)) / n1
    p2 = float(sum(x2)) / n2
    pooled = float(p1 * n1 + p2 * n2) / (n1 + n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2))
    p = 2 * (1 - stats.norm.cdf(np.abs(z)))
    return z, p, p < 0.05


def m_wasserstein(ref, cur, kind):
    if kind != NUM:
        raise Refused
    norm = max(np.std(ref), 0.001)  # np.std on a Series -> Series.std(ddof=0)
    d = stats.wasserstein_distance(ref, cur) / norm
    return d, None, d >= 0.1


def m_jensenshannon(ref, cur, kind):
    rp, cp = binned(ref, cur, kind, fill=False)
    d = distance.jensenshannon(rp, cp)  # natural log (base=None)
    return d, None, d >= 0.1


def m_psi(ref, cur, kind):
    rp, cp = binned(ref, cur, kind, fill=True)
    d = np.sum((rp - cp) * np.log(rp / cp))
    return d, None, d >= 0.1


def m_kl_div(ref, cur, kind):
    rp, cp = binned(ref, cur, kind, fill=True)
    d = stats.entropy(rp, cp)
    return d, None, d >= 0.1


def m_hellinger(ref, cur, kind):
    keys = union_keys(ref, cur)
    if kind == CAT:
        rp = ref.value_counts() / len(ref)
        cp = cur.value_counts() / len(cur)
        bc = 0.0
        for k in keys:
            bc += math.sqrt(float(rp.get(k, 0)) * float(cp.get(k, 0)))
        bc = np.clip(bc, 0, 1)
        d = math.sqrt(1 - bc)
    else:
        edges = np.histogram_bin_edges(keys, bins="sturges")  # over the DISTINCT values
        h1 = np.histogram(ref.to_numpy(), bins=edges, density=True)[0]
        h2 = np.histogram(cur.to_numpy(), bins=edges, density=True)[0]
        width = (max(edges) - min(edges)) / (len(edges) - 1)
        bc = 0.0
        for i in range(len(h1)):
            bc += math.sqrt(h1[i] * h2[i]) * width
        bc = np.clip(bc, 0, 1)
        d = math.sqrt(1 - bc)
    return d, None, d >= 0.1


def _tvd_from_counts(r, c):
    """Evidently's float formula: 0.5 * sum(|r/sum(r) - c/sum(c)|) (numpy sum, given key order)."""
    r = np.array(r)
    c = np.array(c)
    return 0.5 * np.sum(np.abs(r / sum(r) - c / sum(c)))


def m_tvd(ref, cur, kind):
    """Evidently's TVD permutation test: np.random.seed(0), then 1000 times
    np.random.choice(ref+cur, len(ref), replace=False) as the new reference and the
    multiset remainder as the new current; p = share of permuted TVDs >= observed."""
    if kind != CAT:
        raise Refused
    # Vigil works from value counts, so the pooled list is canonical: reference values in sorted category order
    # (each repeated by its count), then current values the same way. Evidently pools R then C in input order, so
    # for the same data in another row order its p-value differs by Monte-Carlo noise (docs/drift-methods.md).
    ref_l, cur_l = sorted(ref.tolist()), sorted(cur.tolist())
    R, C = len(ref_l), len(cur_l)
    np.random.seed(0)
    combined = ref_l + cur_l
    perms = []
    for _ in range(1000):
        new_ref = np.random.choice(combined, R, replace=False).tolist()
        new_cur = list((Counter(combined) - Counter(new_ref)).elements())
        perms.append((Counter(new_ref), Counter(new_cur)))
    rc0, cc0 = Counter(ref_l), Counter(cur_l)
    cats = sorted(set(rc0) | set(cc0))

    def p_for(keys):
        obs = _tvd_from_counts([rc0[k] for k in keys], [cc0[k] for k in keys])
        hits = sum(obs <= abs(_tvd_from_counts([a[k] for k in keys], [b[k] for k in keys])) for a, b in perms)
        return obs, hits

    observed, hits = p_for(cats)
    # Evidently sums in Python set order; check that the float outcome does not depend on it.
    orders = [cats[::-1]] + [list(np.random.RandomState(100 + i).permutation(cats)) for i in range(8)]
    for keys in orders:
        o2, h2 = p_for(keys)
        if h2 != hits:
            print(f"WARNING: TVD hit count depends on category order ({hits} vs {h2})", file=sys.stderr)
    # For the record: the same comparison in exact integer arithmetic, sum|r*C - c*R| / (2RC).
    exact_obs = sum(abs(rc0[k] * C - cc0[k] * R) for k in cats)
    exact_hits = sum(sum(abs(a[k] * C - b[k] * R) for k in cats) >= exact_obs for a, b in perms)
    if exact_hits != hits:
        print(f"note: TVD float comparison gives {hits}/1000, exact arithmetic {exact_hits}/1000 "
              f"(fixture keeps Evidently's float result)", file=sys.stderr)
    p = hits / 1000
    return observed, p, p < 0.1


def m_anderson(ref, cur, kind):
    if kind != NUM:
        raise Refused
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = stats.anderson_ksamp([ref.values, cur.values])
    except ValueError as e:  # e.g. fewer than two distinct values overall
        raise Refused(str(e))
    return r.statistic, r.significance_level, r.significance_level < 0.1


# ---- Cramer-von Mises: Evidently's own implementation (not scipy's) ----

def _cvm_exact_p_evidently(s, m, n):
    """Evidently's exact p-value, including its dtype choice (np.min_scalar_type of a float,
    which can be float16/float32 and then rounds the path counts)."""
    lcm = np.lcm(m, n)
    a = lcm // m
    b = lcm // n
    mn = m * n
    zeta = lcm ** 2 * (m + n) * (6 * s - mn * (4 * mn - 1)) // (6 * mn ** 2)
    zeta_bound = lcm ** 2 * (m + n)
    combinations = math.factorial(m + n) / (math.factorial(m) * math.factorial(n))
    dtype = np.min_scalar_type(max(zeta_bound, combinations))
    gs = [np.array([[0], [1]], dtype=dtype)] + [np.empty((2, 0), dtype=dtype) for _ in range(m)]
    for u in range(n + 1):
        nxt = []
        tmp = np.empty((2, 0), dtype=dtype)
        for v, g in enumerate(gs):
            common, i0, i1 = np.intersect1d(tmp[0], g[0], return_indices=True)
            tmp = np.concatenate(
                [np.stack([common, tmp[1, i0] + g[1, i1]]), np.delete(tmp, i0, 1), np.delete(g, i1, 1)], 1)
            tmp[0] += (a * v - b * u) ** 2
            nxt.append(tmp)
        gs = nxt
    value, freq = gs[m]
    return np.float64(np.sum(freq[value >= zeta]) / combinations), zeta


def _cvm_exact_p_integers(zeta, m, n):
    """Same recursion with Python integers (no rounding): used to check the fixture is dtype-safe."""
    lcm = int(np.lcm(m, n))
    a, b = lcm // m, lcm // n
    gs = [{0: 1}] + [{} for _ in range(m)]
    for u in range(n + 1):
        nxt = []
        tmp = {}
        for v, g in enumerate(gs):
            merged = dict(tmp)
            for val, f in g.items():
                merged[val] = merged.get(val, 0) + f
            step = (a * v - b * u) ** 2
            tmp = {val + step: f for val, f in merged.items()}
            nxt.append(tmp)
        gs = nxt
    total = math.comb(m + n, m)
    return Fraction(sum(f for val, f in gs[m].items() if val >= zeta), total)


def _cdf_cvm_inf(x):
    x = np.asarray(x)
    tot = np.zeros_like(x, dtype="float")
    cond = np.ones_like(x, dtype="bool")
    k = 0
    while np.any(cond):
        xs = x[cond]
        u = np.exp(gammaln(k + 0.5) - gammaln(k + 1)) / (np.pi ** 1.5 * np.sqrt(xs))
        y = 4 * k + 1
        q = y ** 2 / (16 * xs)
        z = u * np.sqrt(y) * np.exp(-q) * kv(0.25, q)
        tot[cond] = tot[cond] + z
        cond[cond] = np.abs(z) >= 1e-7
        k += 1
    return tot


def m_cramer_von_mises(ref, cur, kind):
    if kind != NUM:
        raise Refused
    xa = np.sort(ref.to_numpy())
    ya = np.sort(cur.to_numpy())
    if xa.size <= 1 or ya.size <= 1:
        raise Refused("x and y must contain at least two observations.")
    nx, ny = len(xa), len(ya)
    method = "asymptotic" if max(nx, ny) > 20 else "exact"
    r = stats.rankdata(np.concatenate([xa, ya]), method="average")
    rx, ry = r[:nx], r[nx:]
    u = nx * np.sum((rx - np.arange(1, nx + 1)) ** 2)
    u += ny * np.sum((ry - np.arange(1, ny + 1)) ** 2)
    k, N = nx * ny, nx + ny
    t = u / (k * N) - (4 * k - 1) / (6 * N)
    if method == "exact":
        p, zeta = _cvm_exact_p_evidently(u, nx, ny)
        exact = _cvm_exact_p_integers(zeta, nx, ny)
        if abs(float(exact) - p) > 1e-15:
            print(f"WARNING: CvM exact p for ({nx},{ny}) differs from integer arithmetic: "
                  f"{p} vs {float(exact)}", file=sys.stderr)
    else:
        et = (1 + 1 / N) / 6
        vt = (N + 1.0) * (4 * k * N - 3 * (nx ** 2 + ny ** 2) - 2 * k)
        vt = vt / (45 * N ** 2 * 4 * k)
        tn = 1 / 6 + (t - et) / np.sqrt(45 * vt)
        if tn < 0.003:
            p = 1.0
        else:
            p = max(0, 1.0 - _cdf_cvm_inf(tn))
    p = float(p)
    return t, p, p <= 0.1


def m_ed(ref, cur, kind):
    if kind != NUM:
        raise Refused
    d = stats.energy_distance(ref, cur)
    return d, None, d > 0.1


def m_mannw(ref, cur, kind):
    if kind != NUM:
        raise Refused
    with np.errstate(divide="ignore", invalid="ignore"):
        r = stats.mannwhitneyu(x=ref, y=cur, alternative="less")
    return r[0], r[1], r[1] < 0.05


def m_t_test(ref, cur, kind):
    if kind != NUM:
        raise Refused
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = stats.ttest_ind(ref, cur)
    return r[0], r[1], r[1] < 0.05


def m_fisher_exact(ref, cur, kind):
    if kind != CAT:
        raise Refused
    if ref.nunique() > 2 or cur.nunique() > 2:
        raise Refused("Expects binary data")
    if ref.shape[0] != cur.shape[0]:
        raise Refused("reference_data and current_data are not of equal length")
    cats = sorted(set(ref.unique().tolist() + cur.unique().tolist()))
    if len(cats) != 2:
        cats = sorted(cats + ["placeholder"])
    one = cats[1]  # Vigil convention: the later category in sorted order is "1" (Evidently: set order)
    one_ref = int((ref == one).sum())
    one_cur = int((cur == one).sum())
    table = np.array([[one_cur, len(cur) - one_cur], [one_ref, len(ref) - one_ref]])
    with np.errstate(divide="ignore", invalid="ignore"):
        odds, p = stats.fisher_exact(table)
    return odds, p, p < 0.1


def m_g_test(ref, cur, kind):
    if kind != CAT:
        raise Refused
    keys = union_keys(ref, cur)
    k_norm = cur.shape[0] / ref.shape[0]
    f_exp = [c * k_norm for c in counts_over(ref, keys)]
    f_obs = counts_over(cur, keys)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = stats.power_divergence(f_obs, f_exp, lambda_="log-likelihood")
    return r[0], r[1], r[1] < 0.1


def m_l_infinity(ref, cur, kind):
    """NannyML's L-infinity distance (nannyml/drift/univariate/methods.py, LInfinityDistance, categorical only):
    reference.value_counts(normalize=True).sub(current.value_counts(normalize=True), fill_value=0).abs().max();
    alert when the distance is > 0.1 (ConstantThreshold(upper=0.1), Method.alert compares value > upper)."""
    if kind != CAT:
        raise Refused
    rp = ref.value_counts(normalize=True)
    cp = cur.value_counts(normalize=True)
    d = rp.sub(cp, fill_value=0).abs().max()
    return d, None, d > 0.1


def _cat_only(f):
    def g(ref, cur, kind):
        if kind != CAT:
            raise Refused
        return f(ref, cur, kind)
    return g


# name -> (function, default threshold); order = order in the fixture
METHODS = [
    ("ks", m_ks, 0.05),
    ("chisquare", _cat_only(m_chisquare), 0.05),
    ("z", _cat_only(m_z), 0.05),
    ("wasserstein", m_wasserstein, 0.1),
    ("jensenshannon", m_jensenshannon, 0.1),
    ("psi", m_psi, 0.1),
    ("kl_div", m_kl_div, 0.1),
    ("hellinger", m_hellinger, 0.1),
    ("TVD", m_tvd, 0.1),
    ("anderson", m_anderson, 0.1),
    ("cramer_von_mises", m_cramer_von_mises, 0.1),
    ("ed", m_ed, 0.1),
    ("mannw", m_mannw, 0.05),
    ("t_test", m_t_test, 0.05),
    ("fisher_exact", m_fisher_exact, 0.1),
    ("g_test", m_g_test, 0.1),
    ("l_infinity", m_l_infinity, 0.1),
]
BY_NAME = {name: (f, thr) for name, f, thr in METHODS}


def auto_method(ref, cur, kind):
    """Evidently's _get_default_stattest (registry.py)."""
    n_values = pd.concat([ref, cur]).nunique()
    if ref.shape[0] <= 1000:
        if kind == NUM:
            return ("chisquare" if n_values > 2 else "z") if n_values <= 5 else "ks"
        return "chisquare" if n_values > 2 else "z"
    if kind == NUM:
        return "jensenshannon" if n_values <= 5 else "wasserstein"
    return "jensenshannon"


# --------------------------------------------------------------------------
# serialisation
# --------------------------------------------------------------------------

def jnum(x):
    if x is None:
        return None
    x = float(x)
    if math.isnan(x):
        return None
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def jvalue(v, kind):
    if v is None:
        return None
    if kind == NUM:
        return jnum(v)
    if isinstance(v, float) and math.isnan(v):
        return None
    return str(v)


def clean(values, kind):
    """Evidently (data_drift.get_one_column_drift): +-inf -> NaN, then drop NaN, per sample."""
    if kind == NUM:
        s = pd.Series([np.nan if v is None else v for v in values], dtype="float64")
    else:
        s = pd.Series(values, dtype="object")
    s = s.replace([-np.inf, np.inf], np.nan).dropna()
    if s.empty:
        raise ValueError("empty column")
    return s


def run_method(name, ref, cur, kind, forced=False):
    f, thr = BY_NAME[name]
    if forced:  # auto may pick chisquare/z for a numerical column: run the raw test
        f = {"chisquare": m_chisquare, "z": m_z}.get(name, f)
    stat, p, drifted = f(ref.copy(), cur.copy(), kind)
    score = p if p is not None else stat
    if score is not None and np.isfinite(score) and abs(score - thr) <= 1e-9 * max(abs(thr), abs(score)):
        print(f"WARNING: {name}: score {score!r} within 1e-9 of threshold {thr}", file=sys.stderr)
    return {"method": name, "statistic": jnum(stat), "p_value": jnum(p), "threshold": thr,
            "drifted": bool(drifted)}


def build_case(name, kind, reference, current):
    ref = clean(reference, kind)
    cur = clean(current, kind)
    results = []
    for mname, _, _ in METHODS:
        try:
            results.append(run_method(mname, ref, cur, kind))
        except Refused:
            pass
    auto = run_method(auto_method(ref, cur, kind), ref, cur, kind, forced=True)
    branch = ks_branch(ref, cur) if kind == NUM else "-"
    print(f"{name:32s} {kind} ref={len(ref):6d} cur={len(cur):6d} auto={auto['method']:13s} ks: {branch}",
          file=sys.stderr)
    return {
        "name": name,
        "kind": kind,
        "reference": [jvalue(v, kind) for v in reference],
        "current": [jvalue(v, kind) for v in current],
        "results": results,
        "auto": auto,
    }


# --------------------------------------------------------------------------
# cases
# --------------------------------------------------------------------------

def cases():
    out = []

    def rs(seed):
        return np.random.RandomState(seed)

    r = rs(1)
    out.append(build_case("small_normal_no_shift", NUM, r.normal(0, 1, 500).tolist(), r.normal(0, 1, 400).tolist()))
    r = rs(2)
    out.append(build_case("small_normal_shift", NUM, r.normal(0, 1, 500).tolist(), r.normal(0.3, 1.2, 400).tolist()))
    r = rs(3)
    out.append(build_case("large_normal_no_shift", NUM, r.normal(10, 2, 5000).tolist(),
                          r.normal(10, 2, 4000).tolist()))
    r = rs(4)
    out.append(build_case("large_normal_shift_equal_sizes", NUM, r.normal(10, 2, 5000).tolist(),
                          r.normal(10.15, 2, 5000).tolist()))
    r = rs(5)
    out.append(build_case("ks_exact_branch_10000", NUM, r.normal(0, 1, 10000).tolist(),
                          r.normal(0.02, 1, 7000).tolist()))
    r = rs(6)
    out.append(build_case("ks_asymptotic_branch", NUM, r.normal(0, 1, 15000).tolist(),
                          r.normal(0.03, 1, 12000).tolist()))
    r = rs(7)
    out.append(build_case("ties_rounded", NUM, np.round(r.normal(5, 1, 800), 1).tolist(),
                          np.round(r.normal(5.2, 1, 600), 1).tolist()))
    r = rs(8)
    out.append(build_case("num_four_values_small", NUM, r.choice([1.0, 2.0, 3.0, 4.0], 700, p=[.1, .2, .3, .4]).tolist(),
                          r.choice([1.0, 2.0, 3.0, 4.0], 500, p=[.15, .2, .3, .35]).tolist()))
    r = rs(9)
    out.append(build_case("num_binary_small", NUM, r.choice([0.0, 1.0], 600, p=[.7, .3]).tolist(),
                          r.choice([0.0, 1.0], 450, p=[.6, .4]).tolist()))
    r = rs(10)
    out.append(build_case("num_three_values_large", NUM, r.choice([-1.0, 0.0, 2.5], 3000, p=[.2, .5, .3]).tolist(),
                          r.choice([-1.0, 0.0, 2.5], 2500, p=[.25, .45, .3]).tolist()))
    r = rs(11)
    out.append(build_case("num_12_unique_values", NUM, r.poisson(4, 800).clip(0, 11).astype(float).tolist(),
                          r.poisson(4.5, 600).clip(0, 11).astype(float).tolist()))
    r = rs(12)
    ref = r.randint(0, 20, 900).astype(float)
    ref[:20] = np.arange(20)  # exactly 20 distinct reference values -> categorical binning
    cur = r.randint(0, 25, 700).astype(float)  # 25 distinct overall
    out.append(build_case("num_ref_exactly_20_unique", NUM, ref.tolist(), cur.tolist()))
    r = rs(13)
    ref = r.randint(0, 21, 900).astype(float)
    ref[:21] = np.arange(21)  # 21 distinct reference values -> Sturges binning
    out.append(build_case("num_ref_21_unique", NUM, ref.tolist(), r.randint(0, 21, 700).astype(float).tolist()))
    r = rs(14)
    out.append(build_case("large_exponential_shift", NUM, r.exponential(2.0, 3000).tolist(),
                          (r.exponential(2.4, 2000) + 0.1).tolist()))
    r = rs(15)
    out.append(build_case("tiny_exact_branches", NUM, r.normal(0, 1, 12).tolist(), r.normal(0.8, 1, 8).tolist()))
    out.append(build_case("num_constant", NUM, [3.5] * 300, [3.5] * 200))
    out.append(build_case("num_constant_large", NUM, [3.5] * 1500, [3.5] * 1200))
    r = rs(16)
    ref = r.normal(0, 1, 600)
    cur = r.normal(0.2, 1, 500)
    ref_l = [None if i % 17 == 0 else float(v) for i, v in enumerate(ref)]
    cur_l = [None if i % 11 == 3 else float(v) for i, v in enumerate(cur)]
    out.append(build_case("num_with_nan", NUM, ref_l, cur_l))
    r = rs(18)
    same = r.normal(0, 1, 200).tolist()
    out.append(build_case("num_current_equals_reference", NUM, same, list(same)))
    r = rs(17)
    out.append(build_case("num_one_row_current", NUM, r.normal(0, 1, 300).tolist(), [2.25]))

    r = rs(20)
    out.append(build_case("cat_binary_small", CAT, r.choice(["no", "yes"], 600, p=[.6, .4]).tolist(),
                          r.choice(["no", "yes"], 600, p=[.5, .5]).tolist()))
    r = rs(21)
    out.append(build_case("cat_binary_large_no_shift", CAT, r.choice(["A", "B"], 2000, p=[.8, .2]).tolist(),
                          r.choice(["A", "B"], 2000, p=[.8, .2]).tolist()))
    r = rs(22)
    out.append(build_case("cat_multi_small", CAT, r.choice(list("abcd"), 800, p=[.4, .3, .2, .1]).tolist(),
                          r.choice(list("abcd"), 500, p=[.35, .3, .2, .15]).tolist()))
    r = rs(23)
    out.append(build_case("cat_new_and_missing_categories", CAT,
                          r.choice(["red", "green", "blue", "gray"], 700, p=[.4, .3, .2, .1]).tolist(),
                          r.choice(["red", "green", "blue", "pink"], 400, p=[.4, .3, .25, .05]).tolist()))
    r = rs(24)
    out.append(build_case("cat_multi_large", CAT,
                          r.choice(["x1", "x2", "x3", "x4", "x5", "x6"], 4000, p=[.3, .25, .2, .15, .07, .03]).tolist(),
                          r.choice(["x1", "x2", "x3", "x4", "x5", "x7"], 3000, p=[.28, .25, .2, .15, .1, .02]).tolist()))
    out.append(build_case("cat_constant", CAT, ["only"] * 250, ["only"] * 250))
    r = rs(25)
    ref = r.choice(["u", "v", "w"], 500, p=[.5, .3, .2]).tolist()
    cur = r.choice(["u", "v", "w"], 450, p=[.4, .4, .2]).tolist()
    ref = [None if i % 13 == 0 else v for i, v in enumerate(ref)]
    cur = [None if i % 9 == 4 else v for i, v in enumerate(cur)]
    out.append(build_case("cat_with_missing", CAT, ref, cur))
    r = rs(26)
    out.append(build_case("cat_one_row_current", CAT, r.choice(["p", "q", "r"], 300).tolist(), ["q"]))
    return out


def check_legacy_permutation():
    """Sanity check of the algorithm documented for TVD: legacy np.random.choice(replace=False)
    == permutation(N)[:k], permutation == MT19937 init_genrand(seed) + Fisher-Yates with
    random_interval (mask rejection)."""
    def mt(seed):
        st = [0] * 624
        st[0] = seed & 0xffffffff
        for i in range(1, 624):
            st[i] = (1812433253 * (st[i - 1] ^ (st[i - 1] >> 30)) + i) & 0xffffffff
        idx = 624
        while True:
            if idx >= 624:
                for i in range(624):
                    y = (st[i] & 0x80000000) | (st[(i + 1) % 624] & 0x7fffffff)
                    st[i] = st[(i + 397) % 624] ^ (y >> 1) ^ (0x9908b0df if y & 1 else 0)
                idx = 0
            y = st[idx]
            idx += 1
            y ^= y >> 11
            y ^= (y << 7) & 0x9d2c5680
            y ^= (y << 15) & 0xefc60000
            y ^= y >> 18
            yield y

    gen = mt(0)
    n, k = 37, 20
    arr = list(range(n))
    for i in reversed(range(1, n)):
        mask = i
        for sh in (1, 2, 4, 8, 16):
            mask |= mask >> sh
        while True:
            j = next(gen) & mask
            if j <= i:
                break
        arr[i], arr[j] = arr[j], arr[i]
    np.random.seed(0)
    ref = np.random.choice(np.arange(n), k, replace=False).tolist()
    assert ref == arr[:k], (ref, arr[:k])


def main():
    check_legacy_permutation()
    doc = {
        "generator": "tools/golden/generate_drift.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "cases": cases(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump(doc, fh, allow_nan=False)
        fh.write("\n")
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
