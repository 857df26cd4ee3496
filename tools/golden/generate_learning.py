#!/usr/bin/python3
"""Golden fixtures for Vigil.Statistics.Learning (docs/learning.md).

Run with Debian's interpreter (python3-xgboost 1.7.4, python3-sklearn 1.2.1):

    /usr/bin/python3 tools/golden/generate_learning.py

Writes tests/Vigil.Statistics.Tests/Fixtures/learning_cases.json with
  * "xgboost" cases: an xgboost regressor (hist, squared error) trained on seeded data with missing values; its
    JSON dump with stats (covers), base_score, test rows, predict() and predict(pred_contribs=True). Vigil loads
    the dump and must reproduce both. Feature values are float32 (xgboost compares in float32).
  * "surrogate" case: y = 3*x0 + sin(2*x1) + category effect + noise, with two irrelevant features (one 20 %
    missing); train and test rows, and the held-out R^2 of scikit-learn's HistGradientBoostingRegressor with the
    same settings, which Vigil's must match within 0.01.
"""
import json
import os

import numpy as np
import sklearn
import xgboost as xgb
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import r2_score

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Vigil.Statistics.Tests",
                   "Fixtures", "learning_cases.json")


def col(a):
    """Column values for JSON: None for NaN."""
    return [None if np.isnan(v) else float(v) for v in a]


def xgboost_case(name, seed, n, features, depth, trees, missing, eta=0.3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n + 40, features)).astype(np.float32)
    X[:, 1] = np.round(X[:, 1] * 2).astype(np.float32)  # few distinct values: ties on thresholds
    y = 2 * X[:, 0] + np.sin(X[:, 1]) + X[:, 2] * X[:, 3] + 0.1 * rng.normal(size=n + 40)
    mask = rng.random(X.shape) < missing
    mask[:, 0] = False
    X[mask] = np.nan
    Xtr, ytr, Xte = X[:n], y[:n], X[n:]
    base = float(np.float32(ytr.mean()))
    params = {"max_depth": depth, "eta": eta, "base_score": base, "tree_method": "hist", "seed": seed,
              "objective": "reg:squarederror", "min_child_weight": 1, "lambda": 1.0}
    booster = xgb.train(params, xgb.DMatrix(Xtr, label=ytr), trees)
    dump = [json.loads(t) for t in booster.get_dump(dump_format="json", with_stats=True)]
    dte = xgb.DMatrix(Xte)
    pred = booster.predict(dte)
    contribs = booster.predict(dte, pred_contribs=True)
    return {"kind": "xgboost", "name": name, "base_score": base, "features": features, "trees": dump,
            "x": [col(Xte[:, j]) for j in range(features)],
            "predictions": [float(v) for v in pred],
            "contributions": [[float(v) for v in row] for row in contribs]}


def surrogate_case(seed, n_train, n_test):
    rng = np.random.default_rng(seed)
    n = n_train + n_test
    x0 = rng.normal(size=n)
    x1 = rng.uniform(-3, 3, size=n)
    cat = rng.integers(0, 5, size=n)
    x3 = rng.normal(size=n)
    x4 = rng.uniform(size=n)
    x4[rng.random(n) < 0.2] = np.nan
    effect = np.array([0.0, 1.0, -1.0, 0.5, 2.0])
    y = 3 * x0 + np.sin(2 * x1) + effect[cat] + 0.3 * rng.normal(size=n)
    x0, x1, x3, x4, y = (np.round(v, 6) for v in (x0, x1, x3, x4, y))
    X = np.column_stack([x0, x1, cat.astype(float), x3, x4])
    settings = dict(max_iter=100, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=20, max_bins=255,
                    l2_regularization=0.0, early_stopping=False)
    model = HistGradientBoostingRegressor(categorical_features=[False, False, True, False, False], random_state=0,
                                          **settings)
    model.fit(X[:n_train], y[:n_train])
    r2 = r2_score(y[n_train:], model.predict(X[n_train:]))
    return {"kind": "surrogate", "name": "surrogate", "settings": settings, "n_train": n_train,
            "names": ["x0", "x1", "cat", "x3", "x4"], "categorical": [False, False, True, False, False],
            "categories": ["a", "b", "c", "d", "e"],
            "x": [col(X[:, j]) for j in range(5)], "y": [float(v) for v in y], "sklearn_r2": float(r2)}


cases = [
    xgboost_case("xgb_depth4", 1, 500, 6, 4, 20, 0.1),
    xgboost_case("xgb_depth6_repeats", 2, 300, 4, 6, 10, 0.15),
]
cases.append(surrogate_case(7, 3000, 1000))

with open(OUT, "w") as fh:
    json.dump({"generator": "tools/golden/generate_learning.py", "xgboost": xgb.__version__,
               "sklearn": sklearn.__version__, "cases": cases}, fh, separators=(",", ":"))
print(f"wrote {len(cases)} cases to {os.path.relpath(OUT)} ({os.path.getsize(OUT)} bytes)")
