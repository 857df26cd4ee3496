#!/usr/bin/python3
"""Golden fixtures for Vigil.Statistics.Drift.MmdTest: Evidently's empirical_mmd.

Run with Debian's interpreter (python3-numpy):

    /usr/bin/python3 tools/golden/generate_mmd.py

Writes tests/Vigil.Statistics.Tests/Fixtures/mmd_cases.json. Deterministic. The computation follows Evidently's
legacy/calculations/stattests/mmd_stattest.py (commit 05d85bbb): numpy's squared distances (y**2 - 2*x*y + x**2),
sigma = sqrt(0.5 * percentile(d_xx, 50, "nearest")) (sqrt(0.5) when 0), an RBF kernel with that sigma for every
block, the pooled kernel matrix with its diagonal zeroed, MMD^2 = A*sum(Kxx) + B*sum(Kyy) - 2*mean(Kxy), and
p = mean(observed <= each of 100 permuted MMD^2). Two changes make the p-value reproducible, as Vigil computes it:
the pooled sample is in a canonical order (reference ascending, then current ascending), and numpy's legacy global
generator is seeded with 0 before the permutations (Evidently leaves it unseeded). Each permuted block is summed
with math.fsum, so that one partition gives one number whatever permutation reached it.

Per case: "mmd" (numpy's sums, as Evidently), "mmd_exact" (fsum), "sigma", "p_value".
"""
import json
import math
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Vigil.Statistics.Tests",
                   "Fixtures", "mmd_cases.json")


def sq_dist(x, y):
    # x: column (n x 1), y: column (m x 1) -> n x m, with numpy's own rounding
    return (y ** 2).T - 2 * np.dot(x, y.T) + x ** 2


def sigma_of(x):
    d = sq_dist(x, x)
    s = (0.5 * np.percentile(d.flatten(), 50, method="nearest")) ** 0.5
    return (0.5 * 1) ** 0.5 if s == 0 else s


def kernel(x, y):
    s = sigma_of(x)
    gamma = 1.0 / (2.0 * s ** 2)
    kxx = np.exp(-gamma * sq_dist(x, x))
    kxy = np.exp(-gamma * sq_dist(x, y))
    kyy = np.exp(-gamma * sq_dist(y, y))
    k = np.concatenate((np.concatenate((kxx, kxy), axis=1), np.concatenate((kxy.T, kyy), axis=1)), axis=0)
    return k - np.diag(np.diagonal(k)), s


def mmd_of(k, m, exact, index=None):
    n = k.shape[0] - m
    if index is not None:
        k = k[index][:, index]
    kxx, kyy, kxy = k[:-m, :-m], k[-m:, -m:], k[-m:, :-m]
    a, b = 1 / (n * (n - 1)), 1 / (m * (m - 1))
    if exact:
        return a * math.fsum(kxx.ravel()) + b * math.fsum(kyy.ravel()) - 2.0 * (math.fsum(kxy.ravel()) / (n * m))
    return a * kxx.sum() + b * kyy.sum() - 2.0 * kxy.mean()


def case(name, ref, cur):
    x = np.sort(np.asarray(ref, dtype=float)).reshape(-1, 1)
    y = np.sort(np.asarray(cur, dtype=float)).reshape(-1, 1)
    k, s = kernel(x, y)
    m = y.shape[0]
    observed = mmd_of(k, m, exact=True)
    np.random.seed(0)
    permuted = [mmd_of(k, m, exact=True, index=np.random.permutation(k.shape[0])) for _ in range(100)]
    p = float(np.mean([observed <= v for v in permuted]))
    return {"name": name, "reference": [float(v) for v in x.ravel()], "current": [float(v) for v in y.ravel()],
            "sigma": float(s), "mmd": float(mmd_of(k, m, exact=False)), "mmd_exact": float(observed), "p_value": p}


def main():
    rng = np.random.default_rng(20261123)
    cases = [
        case("tiny integers with ties", [1, 2, 2, 3, 5], [2, 3, 3, 4]),
        case("two on each side", [0.5, 1.5], [1.0, 3.0]),
        case("even n (median index rounds half to even)", [0, 1, 2, 3, 4, 10], [1, 5, 6, 7]),
        case("odd n", [0, 1, 2, 3, 4, 10, 11], [1, 5, 6, 7, 9]),
        case("constant reference (sigma falls back to sqrt 0.5)", [3.0] * 20, rng.normal(3, 1, 15).round(3)),
        case("normal, shifted", rng.normal(0, 1, 200), rng.normal(0.3, 1, 150)),
        case("normal, same distribution", rng.normal(5, 2, 300), rng.normal(5, 2, 300)),
        case("large offset, small spread", 1e6 + rng.normal(0, 0.01, 120), 1e6 + rng.normal(0.005, 0.01, 90)),
        case("skewed with ties", np.round(rng.lognormal(0, 1, 250), 1), np.round(rng.lognormal(0.2, 1, 200), 1)),
        case("negative and positive", rng.uniform(-5, 5, 400), rng.uniform(-4, 6, 350)),
    ]
    for c in cases:
        rel = abs(c["mmd"] - c["mmd_exact"]) / max(abs(c["mmd_exact"]), 1e-300)
        assert rel < 1e-8, (c["name"], c["mmd"], c["mmd_exact"])
    with open(OUT, "w") as f:
        json.dump({"generator": "tools/golden/generate_mmd.py", "numpy": np.__version__, "cases": cases}, f, indent=1)
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
