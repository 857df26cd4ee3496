#!/usr/bin/python3
"""Writes a reference and a current dataset for the drift benchmark (deterministic).

    bench/gen_drift_data.py ROWS COLUMNS OUTDIR

ROWS rows per side; COLUMNS columns in a fixed mix that repeats: continuous numbers (normal, log-normal, uniform),
integers (ages, counts), numbers with at most 5 distinct values, and text categories (3 to 50 of them), some with
missing values. The current side drifts in about a third of the columns (shifted means, scaled spreads, changed
category shares). Writes OUTDIR/reference.csv and OUTDIR/current.csv.
"""
import os
import sys

import numpy as np
import pandas as pd


def column(kind, rng, n, drift):
    if kind == "normal":
        return rng.normal(50 + (2.0 if drift else 0.0), 10, n)
    if kind == "lognormal":
        return np.round(rng.lognormal(3 + (0.15 if drift else 0.0), 1, n), 2)
    if kind == "uniform":
        return rng.uniform(0, 1 + (0.2 if drift else 0.0), n)
    if kind == "age":
        return rng.integers(18, 90 + (10 if drift else 0), n).astype(float)
    if kind == "count":
        return rng.poisson(3.0 + (0.5 if drift else 0.0), n).astype(float)
    if kind == "few":
        p = [0.5, 0.2, 0.15, 0.1, 0.05] if not drift else [0.35, 0.25, 0.2, 0.15, 0.05]
        return rng.choice([0.0, 1.0, 2.0, 3.0, 4.0], n, p=p)
    if kind.startswith("cat"):
        k = int(kind[3:])
        w = np.linspace(1, 3, k) if not drift else np.linspace(3, 1, k)
        return rng.choice([f"c{i:02d}" for i in range(k)], n, p=w / w.sum())
    raise ValueError(kind)


KINDS = ["normal", "lognormal", "uniform", "age", "cat3", "count", "few", "cat12", "normal", "cat50", "uniform", "lognormal"]


def main():
    rows, cols, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    os.makedirs(out, exist_ok=True)
    for side in ("reference", "current"):
        rng = np.random.default_rng(7 if side == "reference" else 8)
        data = {}
        for c in range(cols):
            kind = KINDS[c % len(KINDS)]
            drift = side == "current" and c % 3 == 0
            values = column(kind, rng, rows, drift)
            if c % 5 == 4:  # some missing values
                mask = rng.random(rows) < 0.02
                values = pd.Series(values).where(~mask, None if kind.startswith("cat") else np.nan)
            data[f"{kind}_{c}"] = values
        pd.DataFrame(data).to_csv(f"{out}/{side}.csv", index=False)


if __name__ == "__main__":
    main()
