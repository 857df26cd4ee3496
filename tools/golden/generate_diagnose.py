#!/usr/bin/python3
"""Golden fixtures for `vigil diagnose`: small seeded scenarios whose cause is known, and the exact values of step 1.

Run with Debian's python3 (python3-numpy, python3-pandas, python3-sklearn):
    /usr/bin/python3 tools/golden/generate_diagnose.py
Writes tests/Vigil.Analysis.Tests/Fixtures/diagnose/{reference,no_change,covariate,concept,pipeline,mixed}.csv and
expected.json (per scenario: the verdict it must get, scikit-learn's ROC AUC of reference and current, and CBPE's
expected ROC AUC of the current scores from scikit-learn's isotonic calibration).

The world: a churn-like binary model. Features x1, x2, x3 ~ N(0, 1), plan in {basic, plus, pro}. The outcome's
log-odds are -1 + 1.5 x1 + 1.0 x2 + 0.5 x3 + plan effect; the model's score is that probability (calibrated on the
reference). Each current set has 4,000 rows:
- no_change: the reference's world, another seed;
- covariate: x1's spread shrinks to 0.35 (the strongest feature separates less) and x2 moves by +0.5; the outcome
  given the inputs is unchanged, so the scores stay calibrated and the drop is what the inputs predict;
- concept: the inputs are the reference's, but x1's coefficient falls from 1.5 to 0.2 while the model still uses 1.5;
- pipeline: x2 arrives in other units (x100) and the model scores the broken value;
- mixed: x1's spread shrinks to 0.25 (covariate) and x2's coefficient falls from 1.0 to 0.3 (concept).
The scores are rounded to 1e-6, so that ties exist and every tool reads the same numbers from the CSV.
"""
import json
import os

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import roc_auc_score

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "Vigil.Analysis.Tests", "Fixtures", "diagnose")
N = 4000
PLAN = {"basic": 0.4, "plus": 0.0, "pro": -0.6}


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def make(seed, start, x1_sd=1.0, x2_shift=0.0, b1_true=1.5, b2_true=1.0, x2_units=1.0):
    rng = np.random.default_rng(seed)
    x1 = rng.normal(0.0, x1_sd, N)
    x2 = rng.normal(x2_shift, 1.0, N)
    x3 = rng.normal(0.0, 1.0, N)
    plan = rng.choice(list(PLAN), N, p=[0.5, 0.3, 0.2])
    pe = np.array([PLAN[p] for p in plan])
    logged_x2 = x2 * x2_units
    # The model: fixed coefficients, applied to what the pipeline hands it.
    score = np.round(sigmoid(-1 + 1.5 * x1 + 1.0 * logged_x2 + 0.5 * x3 + pe), 6)
    truth = sigmoid(-1 + b1_true * x1 + b2_true * x2 + 0.5 * x3 + pe)
    y = (rng.random(N) < truth).astype(int)
    ts = pd.Timestamp(start) + pd.to_timedelta(np.sort(rng.integers(0, 28 * 86400, N)), unit="s")
    return pd.DataFrame({
        "prediction_id": [f"{seed}-{i}" for i in range(N)],
        "timestamp": ts.strftime("%Y-%m-%d %H:%M:%S"),
        "x1": np.round(x1, 6), "x2": np.round(logged_x2, 6), "x3": np.round(x3, 6), "plan": plan,
        "prediction_score": score, "actual_label": y,
    })


SCENARIOS = {
    "no_change": (dict(seed=2), "no_drop"),
    "covariate": (dict(seed=3, x1_sd=0.35, x2_shift=0.5), "covariate_shift"),
    "concept": (dict(seed=4, b1_true=0.2), "concept_drift"),
    "pipeline": (dict(seed=5, x2_units=100.0), "data_quality"),
    "mixed": (dict(seed=6, x1_sd=0.25, b2_true=0.3), "mixed"),
}


def expected_auc(ref, cur):
    """CBPE's expected ROC AUC: scikit-learn's isotonic calibration of the reference's labels on its scores applied to
    the current scores, then the AUC of each current row counted as a positive with weight p and a negative with
    weight 1 - p (the trapezoid under the expected ROC curve, ties included)."""
    iso = IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit(ref.prediction_score, ref.actual_label)
    p = iso.predict(cur.prediction_score)
    s = cur.prediction_score.to_numpy()
    y = np.r_[np.ones(len(s)), np.zeros(len(s))]
    return roc_auc_score(y, np.r_[s, s], sample_weight=np.r_[p, 1 - p])


def main():
    os.makedirs(OUT, exist_ok=True)
    ref = make(1, "2026-01-01")
    ref.to_csv(os.path.join(OUT, "reference.csv"), index=False)
    expected = {}
    for name, (kw, verdict) in SCENARIOS.items():
        cur = make(start="2026-02-01", **kw)
        cur.to_csv(os.path.join(OUT, f"{name}.csv"), index=False)
        expected[name] = {
            "verdict": verdict,
            "reference_roc_auc": roc_auc_score(ref.actual_label, ref.prediction_score),
            "current_roc_auc": roc_auc_score(cur.actual_label, cur.prediction_score),
            "reference_rows": len(ref), "current_rows": len(cur),
            "expected_roc_auc": expected_auc(ref, cur),
        }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
