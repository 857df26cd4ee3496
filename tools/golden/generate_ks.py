#!/usr/bin/python3
"""Golden fixtures for Vigil.Statistics.Drift.KolmogorovSmirnov: SciPy's Kolmogorov-Smirnov p-values.

Run with Debian's interpreter (python3-scipy 1.10.1, python3-numpy):

    /usr/bin/python3 tools/golden/generate_ks.py

Writes tests/Vigil.Statistics.Tests/Fixtures/ks_pvalues.json. Deterministic (fixed seed). Three kinds of case:
  * "ks_2samp":  scipy.stats.ks_2samp(x, y) (two-sided, method="auto") on generated samples; d is the statistic
                 it returns (already moved to the lattice h/lcm on the exact path), p its p-value.
  * "kstwo_sf":  scipy.stats.kstwo.sf(d, n) over a grid that reaches every branch of _ksstats._kolmogn.
  * "smirnov":   scipy.special.smirnov(n, x), the cephes one-sided function kstwo uses for large deviations.
"""
import json
import math
import os
import time
import warnings
from collections import Counter
from fractions import Fraction

import numpy as np
import scipy
from scipy import special, stats

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Vigil.Statistics.Tests",
                   "Fixtures", "ks_pvalues.json")

rng = np.random.default_rng(20240611)
cases = []
timings = []
names = set()


def add(case):
    base, k = case["name"], 2
    while case["name"] in names:
        case["name"] = f"{base} #{k}"
        k += 1
    names.add(case["name"])
    cases.append(case)


def ks(label, x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = stats.ks_2samp(x, y)
    elapsed = time.perf_counter() - t0
    n1, n2 = len(x), len(y)
    mode = "exact" if max(n1, n2) <= 10000 else "asymp"
    if any("Exact calculation unsuccessful" in str(w.message) for w in caught):
        mode = "exact failed, asymp"
    add({"name": f"ks2 {n1}x{n2} {label}", "kind": "ks_2samp", "n1": n1, "n2": n2,
         "d": float(r.statistic), "p": float(r.pvalue), "path": mode})
    timings.append((elapsed, f"{n1}x{n2} {label}"))


def normal(n, shift=0.0, scale=1.0):
    return rng.normal(shift, scale, size=n)


# --- ks_2samp ----------------------------------------------------------------------------------------------------
# tiny samples
ks("different", [0.3], [0.7])
ks("identical", [0.3], [0.3])
ks("inside", [0.5], normal(5))
ks("below", [-10.0], normal(5))
ks("shift 0.5", normal(3), normal(3, 0.5))
ks("separated", [1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
ks("interleaved", [1.0, 3.0, 5.0], [2.0, 4.0, 6.0])
ks("single", normal(2), normal(7, 1.0))

# equal sizes: the square path (_compute_prob_outside_square)
for n in [5, 10, 20, 50, 100, 500, 1000, 3000, 10000]:
    for shift in [0.0, 0.1, 0.3, 1.0]:
        ks(f"shift {shift}", normal(n), normal(n, shift))

# unequal sizes, exact (_compute_outer_prob_inside_method)
for n1, n2 in [(5, 1), (2, 7), (7, 13), (20, 35), (50, 80), (100, 250), (333, 1000), (999, 1000), (1000, 700),
               (2500, 10000), (10000, 9999), (10000, 5000), (10000, 1), (10000, 3), (6000, 4000)]:
    for shift in [0.0, 0.2, 0.6]:
        ks(f"shift {shift}", normal(n1), normal(n2, shift))

# around and beyond the auto threshold: asymptotic kstwo.sf(d, round(mn/(m+n)))
for n1, n2 in [(10001, 500), (10001, 10001), (500, 10001), (20000, 100), (50000, 3), (100000, 1), (100000, 80000),
               (30000, 30000), (12345, 6789)]:
    for shift in [0.0, 0.02, 0.1, 0.5]:
        ks(f"shift {shift}", normal(n1), normal(n2, shift))

# identical samples (d = 0 -> p = 1)
for n in [1, 4, 100, 10000, 20000]:
    x = normal(n)
    ks("identical", x, x.copy())
x = normal(300)
ks("same values other order", x, rng.permutation(x))

# complete separation (d = 1)
for n1, n2 in [(5, 5), (7, 13), (30, 40), (300, 400), (1, 10000), (2, 20000), (20000, 30000), (10000, 10000)]:
    ks("separated", normal(n1), normal(n2, 100.0))

# ties: rounded data
for n1, n2 in [(200, 300), (1000, 1000), (5000, 5000), (4000, 6000), (20000, 15000)]:
    for shift in [0.0, 0.1]:
        ks(f"ties shift {shift}", np.round(normal(n1), 1), np.round(normal(n2, shift), 1))
ks("ties few values", rng.integers(0, 3, 500), rng.integers(0, 3, 700))
ks("ties few values shifted", rng.integers(0, 3, 500), rng.integers(1, 4, 700))


# --- kstwo.sf --------------------------------------------------------------------------------------------------------
def kolmogn_branch(n, x):
    """The branch _ksstats._kolmogn(n, x, cdf=False) takes (after kstwo's support checks)."""
    if x <= 0.5 / n:
        return "support: d <= 1/2n"
    if x >= 1.0:
        return "support: d >= 1"
    t = n * x
    if t <= 1.0:
        return "Ruben-Gambino t<=1 " + ("product" if n <= 140 else "Stirling")
    if t >= n - 1:
        return "Ruben-Gambino t>=n-1"
    if x >= 0.5:
        return "x>=0.5: 2*smirnov"
    nxsquared = t * x
    if n <= 140:
        if nxsquared <= 0.754693:
            return "n<=140 DMTW"
        if nxsquared <= 4:
            return "n<=140 Pomeranz"
        return "n<=140 2*smirnov"
    if nxsquared >= 370.0:
        return "nx2>=370: 0"
    if nxsquared >= 2.2:
        return "2*smirnov"
    if n <= 100000 and n * x ** 1.5 <= 1.4:
        return "DMTW"
    return "PelzGood"


def smirnov_branch(n, x):
    """The branch cephes _smirnov takes (kolmogorov.c)."""
    if n == 1 or x == 0.0 or x == 1.0:
        return "trivial"
    nxfl = math.floor(Fraction(n) * Fraction(x))
    alpha = Fraction(n) * Fraction(x) - nxfl
    if nxfl == 0 or (nxfl == 1 and alpha == 0):
        return "x<=1/n"
    if -2 * n * x * x < -7.451332191019412076235E2:
        return "underflow"
    if nxfl >= n - 1:
        return "x>=1-1/n"
    if n > 1000000:
        return "approximation"
    n1mxceil = n - nxfl + (1 if alpha == 0 else 0)
    upper_terms = n - n1mxceil + 1
    if (upper_terms <= 1 and x < 0.5) or (n >= 10 and upper_terms <= 3 and x <= 0.5 / math.sqrt(n)):
        return "upper sum"
    return "lower sum"


def kstwo_case(n, d, label):
    sf = float(stats.kstwo.sf(d, n))
    add({"name": f"kstwo n={n} d={d!r} ({label})", "kind": "kstwo_sf", "n": n, "d": float(d), "sf": sf,
         "branch": kolmogn_branch(n, d)})


for n in [1, 2, 3, 10, 50, 140, 141, 500, 1000, 44444, 100000, 100001, 10**6, 2 * 10**6]:
    ds = {}
    ds[0.0] = "zero"
    ds[1.0] = "one"
    for t in [0.25, 0.5, 0.5000001, 0.6, 0.75, 0.9, 0.999, 1.0]:
        ds.setdefault(t / n, f"t={t}")
    for t in [1e-3, 0.1, 0.5, 1.0]:
        ds.setdefault((n - t) / n, f"n-t={t}")
    for v in [0.5, 0.55, 0.7, 0.9, 0.99]:
        ds.setdefault(v, "x>=0.5")
    # (cephes smirnov sums up to ~10^6 terms for n near 10^6, about 0.5 s a call: fewer points there)
    for nx2 in ([0.05, 0.2, 0.5, 0.754, 0.76, 1.0, 1.5, 2.0, 2.19, 2.21, 3.0, 3.99, 4.01, 6.0, 10.0, 18.0, 50.0,
                 100.0, 300.0, 369.0, 371.0, 500.0] if n < 10**6 else
                [0.05, 0.2, 0.5, 0.754, 0.76, 1.0, 1.5, 2.0, 2.19, 2.21, 4.01, 50.0, 369.0, 371.0, 500.0]):
        ds.setdefault(math.sqrt(nx2 / n), f"nx2={nx2}")
    xb = (1.4 / n) ** (2.0 / 3.0)
    for f in [0.98, 1.02]:
        ds.setdefault(xb * f, f"n*x^1.5={1.4 * f ** 1.5:.3f}")
    for d, label in sorted(ds.items()):
        if 0.0 <= d <= 1.0:
            kstwo_case(n, d, label)

# --- scipy.special.smirnov -------------------------------------------------------------------------------------------
for n in [1, 2, 3, 5, 9, 10, 11, 20, 36, 100, 1000, 1012, 1013, 5000, 100000, 10**6, 10**6 + 1]:
    xs = {0.0, 1e-7, 0.5 / n, 1.0 / n, 1.5 / n, 2.5 / n, 0.5 / math.sqrt(n), 0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7,
          1 - 1.0 / n, 1 - 0.5 / n, 0.999, 1.0}
    for x in sorted(xs):
        if 0.0 <= x <= 1.0:
            add({"name": f"smirnov n={n} x={x!r}", "kind": "smirnov", "n": n, "x": float(x),
                 "sf": float(special.smirnov(n, x)), "branch": smirnov_branch(n, x)})

doc = {
    "generator": "tools/golden/generate_ks.py",
    "scipy": scipy.__version__,
    "numpy": np.__version__,
    "cases": cases,
}
with open(OUT, "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(OUT)}")
for kind in ["ks_2samp", "kstwo_sf", "smirnov"]:
    counts = Counter(c.get("branch", c.get("path")) for c in cases if c["kind"] == kind)
    print(kind, dict(sorted(counts.items())))
print("slowest ks_2samp calls:", ", ".join(f"{name} {t:.3f}s" for t, name in sorted(timings, reverse=True)[:3]))
