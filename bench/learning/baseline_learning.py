#!/usr/bin/python3
"""Baselines for the learning benchmark, on the files of gen_learning_data.py, in this process:

  1. scikit-learn HistGradientBoostingRegressor fit on the train split (settings from the command line, as Vigil's),
     R^2 on the held-out split;
  2. xgboost (hist, max_depth 6, 100 trees, eta 0.1) fit on the train split, its JSON dump written for Vigil, and
     predict(pred_contribs=True) timed on the first SHAP_ROWS test rows (contributions written for the agreement check).

    /usr/bin/python3 bench/learning/baseline_learning.py DATADIR OUTJSON [SHAP_ROWS]
"""
import json
import os
import sys
import time

import numpy as np
import sklearn
import xgboost as xgb
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import r2_score

data, out = sys.argv[1], sys.argv[2]
shap_rows = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
meta = json.load(open(os.path.join(data, "meta.json")))
n, nt, names, cat = meta["rows"], meta["n_train"], meta["names"], meta["categorical"]
t0 = time.perf_counter()
X = np.fromfile(os.path.join(data, "X.f64"), dtype="<f8").reshape(len(names), n).T
y = np.fromfile(os.path.join(data, "y.f64"), dtype="<f8")
read = time.perf_counter() - t0
settings = dict(max_iter=100, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=20, max_bins=255,
                early_stopping="auto", validation_fraction=0.1, n_iter_no_change=10, tol=1e-7)
t0, c0 = time.perf_counter(), time.process_time()
model = HistGradientBoostingRegressor(categorical_features=np.array(cat), random_state=0, **settings)
model.fit(X[:nt], y[:nt])
fit, fit_cpu = time.perf_counter() - t0, time.process_time() - c0
t0 = time.perf_counter()
pred = model.predict(X[nt:])
predict = time.perf_counter() - t0
r2 = r2_score(y[nt:], pred)

# xgboost: the trees Vigil loads for the TreeSHAP comparison (trained on 100k train rows to keep the run short;
# the SHAP cost depends on the trees' shape, 100 trees of depth 6, not on the training rows).
Xf = X.astype(np.float32)
t0 = time.perf_counter()
booster = xgb.train({"max_depth": 6, "eta": 0.1, "tree_method": "hist", "nthread": os.cpu_count(),
                     "base_score": float(np.float32(y[:nt].mean())), "seed": 0},
                    xgb.DMatrix(Xf[:100_000], label=y[:100_000], nthread=os.cpu_count()), 100)
xgb_fit = time.perf_counter() - t0
booster.dump_model(os.path.join(data, "xgb_dump.json"), dump_format="json", with_stats=True)
dshap = xgb.DMatrix(Xf[nt:nt + shap_rows], nthread=os.cpu_count())
booster.predict(xgb.DMatrix(Xf[nt:nt + 1000]), pred_contribs=True)  # warm-up
times, cpu = [], []
for _ in range(2):
    t0, c0 = time.perf_counter(), time.process_time()
    contribs = booster.predict(dshap, pred_contribs=True)
    times.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)
contribs.astype("<f8").tofile(os.path.join(data, "xgb_contribs.f64"))
json.dump({"sklearn": sklearn.__version__, "xgboost": xgb.__version__, "read_seconds": read,
           "sklearn_fit_seconds": fit, "sklearn_fit_cpu_seconds": fit_cpu, "sklearn_predict_seconds": predict, "sklearn_r2": r2,
           "sklearn_iterations": int(model.n_iter_), "xgb_fit_seconds": xgb_fit, "xgb_base_score": float(np.float32(y[:nt].mean())),
           "xgb_shap_rows": shap_rows, "xgb_shap_seconds": min(times), "xgb_shap_cpu_seconds": min(cpu), "xgb_shap_all_seconds": times},
          open(out, "w"), indent=1)
print(f"sklearn fit {fit:.2f} s ({model.n_iter_} iterations), R2 {r2:.5f}; xgboost pred_contribs {shap_rows} rows {min(times):.3f} s")
