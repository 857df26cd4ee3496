#!/usr/bin/python3
"""Golden fixtures for `vigil explain` (and `vigil compare --features`): prediction logs whose score is a known
function of the features, and the model-free measures Vigil reports beside the surrogate's SHAP values, computed with
scikit-learn and SciPy on the same rows (the fixtures are smaller than the sample size, so Vigil's sample is every row).

- explain_known.csv: logit = 2·x1 − 1·x2 + effect(channel), plus irrelevant features (noise_a, noise_b, device);
  3,000 rows, one version, two regions, no missing values.
- explain_versions.csv: two versions; v2.1 adds 2·x3 to v2.0's logit (x3 is irrelevant to v2.0), 2,500 rows each.
- explain_expected.json: per feature of explain_known.csv, the plug-in mutual information (nats) between the feature
  (10 quantile bins; categories as they are) and the target (the score's logit, 10 quantile bins) —
  sklearn.metrics.mutual_info_score — and Spearman's rho (scipy.stats.spearmanr) for numeric features.

Run with Debian's python3 (python3-sklearn, python3-scipy, python3-pandas):
    /usr/bin/python3 tools/golden/generate_explain.py
"""
import json
import os

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import mutual_info_score

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "Vigil.Analysis.Tests", "Fixtures")
CHANNEL = {"web": 0.0, "app": 1.5, "partner": -1.0, "phone": 0.5}
CLIP = 1e-6
BINS = 10


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def features(rng, n):
    return pd.DataFrame({
        "x1": rng.normal(0, 1, n).round(6),
        "x2": rng.uniform(-2, 2, n).round(6),
        "x3": rng.normal(0, 1, n).round(6),
        "channel": rng.choice(list(CHANNEL), n),
        "noise_a": rng.normal(5, 2, n).round(6),
        "noise_b": rng.integers(0, 100, n),
        "device": rng.choice(["ios", "android", "web"], n),
        "region": rng.choice(["north", "south"], n, p=[0.6, 0.4]),
    })


def log(df, logit, rng, version, start):
    n = len(df)
    score = sigmoid(logit)
    out = pd.DataFrame({
        "prediction_id": [f"p{start + i:06d}" for i in range(n)],
        "model_version": version,
    })
    out = pd.concat([out, df.reset_index(drop=True)], axis=1)
    out["prediction_score"] = [float(repr(s)) for s in score]
    out["actual_label"] = (rng.uniform(0, 1, n) < score).astype(int)
    return out


def quantile_bins(values, bins):
    """Vigil's MutualInformation.QuantileBins: numpy.quantile edges (linear), duplicates dropped, searchsorted right."""
    edges = np.quantile(values, np.arange(bins + 1) / bins)
    dedup = [edges[0]]
    for e in edges[1:]:
        if e != dedup[-1]:
            dedup.append(e)
    inner = np.array(dedup[1:-1])
    return np.searchsorted(inner, values, side="right")


def main():
    rng = np.random.default_rng(20261202)
    n = 3000
    df = features(rng, n)
    logit = 2 * df.x1 - 1 * df.x2 + df.channel.map(CHANNEL)
    known = log(df, logit, rng, "v2.0", 0)
    known = known.drop(columns=["x3"])
    known.to_csv(os.path.join(OUT, "explain_known.csv"), index=False)

    # What Vigil computes, on the rows as the CSV holds them.
    back = pd.read_csv(os.path.join(OUT, "explain_known.csv"), float_precision="round_trip")
    p = np.clip(back.prediction_score.to_numpy(), CLIP, 1 - CLIP)
    target = np.log(p / (1 - p))
    ybins = quantile_bins(target, BINS)
    expected = {"rows": int(len(back)), "features": {}}
    for col in ["x1", "x2", "channel", "noise_a", "noise_b", "device", "region"]:
        v = back[col]
        if v.dtype.kind in "if":
            x = v.to_numpy(dtype=float)
            mi = mutual_info_score(quantile_bins(x, BINS), ybins)
            rho = stats.spearmanr(x, target).statistic
            expected["features"][col] = {"mutual_information": float(mi), "spearman": float(rho)}
        else:
            codes = pd.factorize(v)[0]
            expected["features"][col] = {"mutual_information": float(mutual_info_score(codes, ybins)), "spearman": None}
    with open(os.path.join(OUT, "explain_expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")

    # Two versions: v2.1 leans on x3, which v2.0 ignores.
    m = 2500
    a = features(rng, m)
    b = features(rng, m)
    la = 2 * a.x1 - 1 * a.x2 + a.channel.map(CHANNEL)
    lb = 2 * b.x1 - 1 * b.x2 + b.channel.map(CHANNEL) + 2 * b.x3
    versions = pd.concat([log(a, la, rng, "v2.0", 0), log(b, lb, rng, "v2.1", m)], ignore_index=True)
    versions.to_csv(os.path.join(OUT, "explain_versions.csv"), index=False)


if __name__ == "__main__":
    main()
