#!/usr/bin/python3
"""Golden fixtures for direct loss estimation (DLE, `vigil estimate` on a regression model).

Vigil's nanny is its own gradient-boosted trees, not NannyML's LightGBM, so the nanny itself cannot be compared. What
is checked against this Python implementation of NannyML's arithmetic (nannyml/performance_estimation/
direct_loss_estimation/metrics.py and dle.py, nannyml/sampling_error/regression.py, written out here with NumPy and
scikit-learn because NannyML is not installed):

1. tests/Vigil.Statistics.Tests/Fixtures/dle_cases.json — the pure functions on fixed inputs:
   - per-row losses and each metric's realized value of a chunk (scikit-learn's mean_absolute_error,
     mean_squared_error, mean_absolute_percentage_error, mean_squared_log_error, and their square roots);
   - the sampling-error components (np.std and np.mean of the reference's per-row losses) and the standard error of
     each metric for several chunk sizes (NannyML's formulas);
   - the estimate of a chunk from GIVEN per-row predicted losses (np.mean, np.sqrt(np.mean) for RMSE/RMSLE) and its
     band (estimate ± 3 SE, the lower end clipped at 0);
   - the alert thresholds (NannyML's Metric._alert_thresholds: np.mean ± 3 np.std of the reference chunks' realized
     values, the lower clipped at 0 and None when exactly 0).
2. tests/Vigil.Analysis.Tests/Fixtures/dle_reference.csv, dle_analysis.csv and dle_expected.json — a small regression
   log, chunked by 100 rows: per chunk the realized metrics and standard errors, and the thresholds, which Vigil's
   end-to-end run must reproduce to 1e-9 (the estimates themselves are checked in the C# test against Vigil's own
   nanny predictions of the same rows).

Run with Debian's python3 (python3-numpy, python3-pandas, python3-sklearn):
    /usr/bin/python3 tools/golden/generate_dle.py
"""
import json
import os

import numpy as np
import pandas as pd
from sklearn.metrics import (mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
                             mean_squared_log_error)

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
STATS = os.path.join(ROOT, "tests", "Vigil.Statistics.Tests", "Fixtures")
ANALYSIS = os.path.join(ROOT, "tests", "Vigil.Analysis.Tests", "Fixtures")
METRICS = ["mae", "mse", "rmse", "mape", "msle", "rmsle"]
EPS = np.finfo(np.float64).eps


def row_loss(metric, y, p):
    if metric == "mae":
        return np.abs(y - p)
    if metric in ("mse", "rmse"):
        return (y - p) ** 2
    if metric == "mape":
        return np.abs(y - p) / np.maximum(EPS, np.abs(y))
    return (np.log1p(y) - np.log1p(p)) ** 2


def realized(metric, y, p):
    return {
        "mae": lambda: mean_absolute_error(y, p),
        "mse": lambda: mean_squared_error(y, p),
        "rmse": lambda: mean_squared_error(y, p, squared=False),
        "mape": lambda: mean_absolute_percentage_error(y, p),
        "msle": lambda: mean_squared_log_error(y, p),
        "rmsle": lambda: mean_squared_log_error(y, p, squared=False),
    }[metric]()


def components(metric, y, p):
    """nannyml/sampling_error/regression.py (MAPE divides by y, which is > 0 here: the same as max(eps, |y|))."""
    loss = row_loss(metric, y, p)
    return float(np.std(loss)), float(np.mean(loss))


def standard_error(metric, comp, n):
    std, mean = comp
    if metric in ("rmse", "rmsle"):
        return float(np.sqrt((std ** 2) / (4 * n * mean)))
    return float(std / np.sqrt(n))


def estimate(metric, predicted_losses):
    m = np.mean(predicted_losses)
    return float(np.sqrt(m)) if metric in ("rmse", "rmsle") else float(m)


def band(est, se):
    return max(0.0, est - 3 * se), est + 3 * se


def thresholds(values):
    """nannyml Metric._alert_thresholds with lower_limit=0, upper_limit=None."""
    deviation = np.std(values) * 3
    mean = np.mean(values)
    lower = max(mean - deviation, 0.0)
    if lower == 0.0:
        lower = None
    return (None if lower is None else float(lower)), float(mean + deviation)


def pure_cases(rng):
    n = 500
    y = rng.gamma(3.0, 4.0, n)
    p = np.clip(y + rng.normal(0, 1 + 0.2 * y, n), 0.01, None)
    chunks = [(0, 1), (1, 8), (8, 108), (108, 500)]
    cases = {"reference": {"y": y.tolist(), "p": p.tolist()}, "metrics": {}}
    for metric in METRICS:
        comp = components(metric, y, p)
        entry = {"loss": row_loss(metric, y, p).tolist(), "std": comp[0], "mean": comp[1], "chunks": []}
        for a, b in chunks:
            predicted = np.abs(rng.normal(np.mean(row_loss(metric, y, p)), 1.0, b - a))
            est = estimate(metric, predicted)
            se = standard_error(metric, comp, b - a)
            lo, hi = band(est, se)
            entry["chunks"].append({"from": a, "to": b, "predicted": predicted.tolist(), "realized": realized(metric, y[a:b], p[a:b]),
                                    "estimate": est, "se": se, "lower": lo, "upper": hi})
        values = [c["realized"] for c in entry["chunks"]]
        entry["thresholds"] = thresholds(values)
        cases["metrics"][metric] = entry
    # Thresholds whose lower end is clipped to 0 (and so dropped), and a spread of exactly 0.
    cases["thresholds"] = [
        {"values": [1.0, 1.0, 1.0, 9.0], "expected": thresholds([1.0, 1.0, 1.0, 9.0])},
        {"values": [2.5, 2.5, 2.5], "expected": thresholds([2.5, 2.5, 2.5])},
        {"values": [3.1, 3.4, 2.9, 3.3, 3.2], "expected": thresholds([3.1, 3.4, 2.9, 3.3, 3.2])},
    ]
    return cases


def log(rng, n, start, shift):
    x1 = rng.gamma(2.0, 3.0 + shift, n).round(3)
    c = rng.choice(["a", "b", "c"], n, p=[0.6, 0.3, 0.1] if shift == 0 else [0.3, 0.3, 0.4])
    mean = 10 + 2 * x1 + np.select([c == "a", c == "b"], [0.0, 3.0], 6.0)
    sigma = 1 + 0.3 * x1 + np.select([c == "a", c == "b"], [0.0, 1.0], 3.0)
    label = np.clip(mean + rng.normal(0, sigma), 0.5, None).round(3)
    ts = pd.Timestamp(start) + pd.to_timedelta(np.arange(n) * 600, unit="s")
    return pd.DataFrame({"id": np.arange(n), "timestamp": ts.strftime("%Y-%m-%d %H:%M:%S"), "x1": x1, "c": c,
                         "prediction": mean.round(3), "label": label})


def end_to_end(rng):
    ref = log(rng, 600, "2024-01-01", 0)
    ana = log(rng, 400, "2024-02-01", 2)
    ana.loc[ana.index >= 300, "label"] = np.nan  # the last chunk has no labels
    ref.to_csv(os.path.join(ANALYSIS, "dle_reference.csv"), index=False)
    ana.to_csv(os.path.join(ANALYSIS, "dle_analysis.csv"), index=False, na_rep="")
    y, p = ref["label"].to_numpy(), ref["prediction"].to_numpy()
    out = {"chunk_rows": 100, "metrics": {}}
    for metric in METRICS:
        comp = components(metric, y, p)
        entry = {"reference": [], "analysis": []}
        for name, df in (("reference", ref), ("analysis", ana)):
            for a in range(0, len(df), 100):
                part = df.iloc[a:a + 100]
                lab = part[part["label"].notna()]
                entry[name].append({
                    "rows": len(part),
                    "realized": realized(metric, lab["label"].to_numpy(), lab["prediction"].to_numpy()) if len(lab) else None,
                    "se": standard_error(metric, comp, len(part)),
                })
        entry["thresholds"] = thresholds([c["realized"] for c in entry["reference"]])
        out["metrics"][metric] = entry
    return out


def main():
    rng = np.random.default_rng(20240601)
    with open(os.path.join(STATS, "dle_cases.json"), "w") as f:
        json.dump(pure_cases(rng), f, indent=1)
    with open(os.path.join(ANALYSIS, "dle_expected.json"), "w") as f:
        json.dump(end_to_end(rng), f, indent=1)


if __name__ == "__main__":
    main()
