#!/usr/bin/python3
"""Golden fixtures for multivariate drift (PCA reconstruction error).

Re-implements NannyML's DataReconstructionDriftCalculator
(nannyml/drift/multivariate/data_reconstruction/calculator.py) on top of
scikit-learn, because NannyML and category_encoders are not installable here:

* SimpleImputer(strategy="mean") for continuous, SimpleImputer(strategy=
  "most_frequent") for categorical columns, fitted on the reference;
* CountEncoder(normalize=True) for categorical columns, done with pandas
  value_counts(normalize=True) on the imputed reference (what CountEncoder does);
* StandardScaler() (population standard deviation) fitted on the reference;
* PCA(n_components=0.65, random_state=16) fitted on the scaled reference;
* a chunk's value: mean over its rows of ||z - inverse_transform(transform(z))||;
* thresholds: StandardDeviationThreshold() over the reference chunks' values:
  mean -/+ 3 * np.nanstd (ddof 0); a lower threshold <= 0 (the lower limit) is
  replaced by None (override_using_none=True); alert = not (lower < v < upper).

Writes tests/Vigil.Statistics.Tests/Fixtures/multivariate_cases.json.
Deterministic (numpy RandomState with fixed seeds); raw values are rounded to
6 decimals before anything is computed, so the JSON holds the exact inputs.

Usage: /usr/bin/python3 tools/golden/generate_multivariate.py
"""

import json
import math
import os

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "tests", "Vigil.Statistics.Tests", "Fixtures", "multivariate_cases.json")


def butterfly(rng, n, flipped):
    """x1, x2, x3 standard-normal-ish marginals; x2 follows x1 (or -x1 when flipped)."""
    x1 = rng.normal(0.0, 1.0, n)
    e2 = rng.normal(0.0, 0.35, n)
    e3 = rng.normal(0.0, 0.6, n)
    s = -1.0 if flipped else 1.0
    x2 = (s * x1 + e2) * 2.0 + 5.0
    x3 = (-0.8 * x1 + e3) * 0.5 - 1.0
    return x1, x2, x3


def make_case(name, seed, n_ref_chunks, n_cur_chunks, chunk_size, flipped_cur, categorical, missing, extra):
    rng = np.random.RandomState(seed)
    cats = np.array(["a", "b", "c", "d"])
    probs = np.array([0.5, 0.25, 0.15, 0.10])

    def block(n, flipped):
        x1, x2, x3 = butterfly(rng, n, flipped)
        cols = {"x1": x1, "x2": x2, "x3": x3}
        for j in range(extra):
            cols[f"e{j}"] = 0.3 * x1 + rng.normal(0.0, 1.0, n) * (j + 1)
        df = pd.DataFrame({k: np.round(v, 6) for k, v in cols.items()})
        if categorical:
            df["cat"] = rng.choice(cats, size=n, p=probs).astype(object)
        return df

    ref = pd.concat([block(chunk_size, False) for _ in range(n_ref_chunks)], ignore_index=True)
    cur = pd.concat([block(chunk_size, i in flipped_cur) for i in range(n_cur_chunks)], ignore_index=True)
    numeric = [c for c in ref.columns if c != "cat"]
    categorical_cols = ["cat"] if categorical else []
    if missing > 0:
        for df in (ref, cur):
            for c in numeric + categorical_cols:
                mask = rng.uniform(size=len(df)) < missing
                df.loc[mask, c] = np.nan
    columns = numeric + categorical_cols

    imp_num = SimpleImputer(missing_values=np.nan, strategy="mean")
    imp_cat = SimpleImputer(missing_values=np.nan, strategy="most_frequent")

    def impute(df, fit):
        df = df.copy(deep=True)
        if categorical_cols:
            df[categorical_cols] = imp_cat.fit_transform(df[categorical_cols]) if fit else imp_cat.transform(df[categorical_cols])
        df[numeric] = imp_num.fit_transform(df[numeric]) if fit else imp_num.transform(df[numeric])
        return df

    ref_imp = impute(ref, True)
    freqs = {c: ref_imp[c].value_counts(normalize=True).to_dict() for c in categorical_cols}

    def encode(df):
        df = df.copy(deep=True)
        for c in categorical_cols:
            df[c] = df[c].map(freqs[c]).astype(float)  # every category is seen in the reference
        return df[columns].to_numpy(dtype=float)

    scaler = StandardScaler()
    z_ref = scaler.fit_transform(encode(ref_imp))
    pca = PCA(n_components=0.65, random_state=16)
    pca.fit(z_ref)

    def chunk_errors(df):
        z = scaler.transform(encode(impute(df, False)))
        rec = pca.inverse_transform(pca.transform(z))
        err = np.linalg.norm(z - rec, axis=1)
        return [float(np.mean(err[i:i + chunk_size])) for i in range(0, len(df), chunk_size)], err

    ref_values, ref_row_err = chunk_errors(ref)
    cur_values, cur_row_err = chunk_errors(cur)
    mean = float(np.nanmean(ref_values))
    std = float(np.nanstd(ref_values))
    lower = mean - 3 * std
    upper = mean + 3 * std
    lower = None if lower <= 0 else lower
    lo = -math.inf if lower is None else lower
    alerts = [not (lo < v < upper) for v in cur_values]
    ratio_cumsum = np.cumsum(PCA().fit(z_ref).explained_variance_ratio_)

    def rows(df):
        out = []
        for rec in df[columns].itertuples(index=False):
            out.append([None if (isinstance(v, float) and math.isnan(v)) else v for v in rec])
        return out

    return {
        "name": name,
        "columns": columns,
        "categorical": categorical_cols,
        "chunk_size": chunk_size,
        "reference": rows(ref),
        "current": rows(cur),
        "imputed_means": [float(v) for v in imp_num.statistics_],
        "imputed_modes": [str(v) for v in imp_cat.statistics_] if categorical_cols else [],
        "scaler_mean": [float(v) for v in scaler.mean_],
        "scaler_scale": [float(v) for v in scaler.scale_],
        "components": int(pca.n_components_),
        "explained_variance_ratio": [float(v) for v in pca.explained_variance_ratio_],
        "explained_variance": float(np.sum(pca.explained_variance_ratio_)),
        "ratio_cumsum": [float(v) for v in ratio_cumsum],
        "reference_values": ref_values,
        "current_values": cur_values,
        "reference_row_errors_head": [float(v) for v in ref_row_err[:20]],
        "current_row_errors_head": [float(v) for v in cur_row_err[:20]],
        "threshold_lower": lower,
        "threshold_upper": upper,
        "alerts": alerts,
    }


def main():
    cases = [
        make_case("butterfly", 11, 4, 4, 500, {2, 3}, True, 0.0, 0),
        make_case("butterfly_missing", 23, 4, 4, 500, {1, 3}, True, 0.03, 0),
        make_case("numeric_six", 37, 5, 3, 300, {2}, False, 0.0, 3),
    ]
    with open(OUT, "w") as f:
        json.dump({"generator": "tools/golden/generate_multivariate.py", "cases": cases}, f, separators=(",", ":"))
        f.write("\n")
    for c in cases:
        print(c["name"], c["components"], c["ratio_cumsum"], c["reference_values"], c["current_values"],
              c["threshold_lower"], c["threshold_upper"], c["alerts"])


if __name__ == "__main__":
    main()
