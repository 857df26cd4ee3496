#!/usr/bin/python3
"""Generates the learning benchmark's data once: ROWS x 30 features, mixed, to bench/data/learning/.

    /usr/bin/python3 bench/learning/gen_learning_data.py ROWS OUTDIR

Features: 18 continuous (f0..f17, 5 % missing in f12..f17), 6 integer-valued (f18..f23, few distinct values),
6 categorical (c0..c5, 3 to 60 categories, codes stored as floats, NaN = missing in c4 and c5).
y = a nonlinear function of 10 features + interactions + category effects + noise.
Files (little-endian, column-major float64): X.f64 (ROWS x 30), y.f64, meta.json (names, categorical flags,
rows, n_train: the first 80 % train, the rest is the held-out test split).
"""
import json
import os
import sys

import numpy as np

rows = int(sys.argv[1])
out = sys.argv[2]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(2026)
cols, names, cat = [], [], []
for j in range(18):
    v = rng.normal(size=rows) if j % 2 == 0 else rng.uniform(-2, 2, size=rows)
    if j >= 12:
        v[rng.random(rows) < 0.05] = np.nan
    cols.append(v); names.append(f"f{j}"); cat.append(False)
for j in range(18, 24):
    cols.append(rng.integers(0, 3 + 2 * (j - 18), size=rows).astype(float)); names.append(f"f{j}"); cat.append(False)
cards = [3, 5, 10, 20, 40, 60]
for k, c in enumerate(cards):
    v = rng.integers(0, c, size=rows).astype(float)
    if k >= 4:
        v[rng.random(rows) < 0.03] = np.nan
    cols.append(v); names.append(f"c{k}"); cat.append(True)
X = np.column_stack(cols)
f = lambda j: np.nan_to_num(X[:, j])
effects = [rng.normal(size=c) for c in cards]
y = (3 * f(0) + 2 * np.sin(2 * f(1)) + f(2) * f(3) + np.abs(f(4)) + 0.5 * f(5) ** 2 + np.where(f(6) > 0.5, 1.5, 0)
     + 0.3 * f(18) + np.where(np.isnan(X[:, 12]), 2.0, f(12)) + 0.5 * f(13) * f(19)
     + effects[1][X[:, 25].astype(int)] + effects[3][X[:, 27].astype(int)]
     + np.where(np.isnan(X[:, 29]), 0, effects[5][np.nan_to_num(X[:, 29]).astype(int)])
     + rng.normal(scale=0.5, size=rows))
np.asfortranarray(X).T.astype("<f8").tofile(os.path.join(out, "X.f64"))  # feature after feature
y.astype("<f8").tofile(os.path.join(out, "y.f64"))
json.dump({"rows": rows, "n_train": int(rows * 0.8), "names": names, "categorical": cat},
          open(os.path.join(out, "meta.json"), "w"))
print(f"wrote {rows} rows x {len(names)} features to {out}")
