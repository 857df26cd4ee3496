#!/usr/bin/python3
"""Golden fixture for `vigil segments`: a raw CSV log and, per metric, every segment's statistics as pandas, NumPy,
SciPy and scikit-learn compute them (independently of Vigil's SQL and C#).

Run with Debian's python3 (python3-pandas, python3-scipy, python3-sklearn):
    /usr/bin/python3 tools/golden/generate_segments.py
Writes tests/Vigil.Analysis.Tests/Fixtures/segments_log.csv and segments_expected.json.

Definitions (docs/segments.md):
- segments: every value of each --by column and every pair of two columns' values (depth 2); a NULL value is a
  segment of its own; a numerical column is cut at its quantiles (linear interpolation, NumPy's default), an integer
  column's edges rounded up; a text column keeps its `max_values` most frequent values, the rest are "(other)".
- the complement of a segment is every other row;
- calibration: value = mean score - positive rate; gap = segment - complement; z = gap / sqrt(V_s/n_s^2 + V_c/n_c^2)
  with V = sum p(1-p); p = 2 * norm.sf(|z|); interval gap +- 1.96 sqrt(var); ece over bins min(floor(10 s), 9);
- accuracy, precision, recall at score >= 0.5: Newcombe's hybrid score interval (method 10), pooled z-test p-value;
- roc_auc: sklearn's roc_auc_score on each side; DeLong's variance from midranks (undefined below 2 positives or
  2 negatives); unpaired difference;
- a zero variance gives p = 1 when the gap is 0, else 0 (and no z);
- tested: segment and complement each at least min_rows rows and the p-value defined; Benjamini-Hochberg over the
  tested p-values.
"""
import json
import math
import os
from itertools import combinations

import numpy as np
import pandas as pd
from scipy.stats import norm, rankdata
from sklearn.metrics import roc_auc_score

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "Vigil.Analysis.Tests", "Fixtures")
MIN_ROWS = 30
BUCKETS = 4
MAX_VALUES = 5
THRESHOLD = 0.5
Z = norm.ppf(0.975)
NULL = "\u0000null"
BY = ["region", "tier", "age", "flag", "city"]


def make_log():
    rng = np.random.default_rng(20261202)
    n = 4000
    region = rng.choice(["north", "south", "east", "west", None], n, p=[0.3, 0.3, 0.2, 0.17, 0.03]).astype(object)
    tier = rng.choice(["gold", "silver", "bronze"], n, p=[0.2, 0.3, 0.5]).astype(object)
    age = rng.integers(18, 81, n)
    flag = rng.random(n) < 0.4
    cities = [f"c{i}" for i in range(1, 9)]
    w = np.array([30, 22, 16, 11, 8, 6, 4, 3], dtype=float)
    city = rng.choice(cities, n, p=w / w.sum()).astype(object)
    # Scores on a 1e-4 grid with many ties (every 0.05 is common).
    s = np.where(rng.random(n) < 0.3, np.round(rng.uniform(0, 1, n) * 20) / 20, np.round(rng.beta(2, 5, n), 4))
    p = s.copy()
    bad = (tier == "gold") & (age < 35)
    p[bad] = np.clip(s[bad] * 0.3, 0, 1)
    y = (rng.random(n) < p).astype(int)
    # Edge cases: a segment of one row, and a segment whose labels are all positive.
    region[0] = "solo"
    allpos = rng.choice(np.arange(1, n), 40, replace=False)
    tier[allpos] = "platinum"
    y[allpos] = 1
    return pd.DataFrame({"id": np.arange(n), "region": region, "tier": tier, "age": age, "flag": flag, "city": city,
                         "prediction_score": s, "actual_label": y})


def num(v):
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def key_columns(df):
    keys = {}
    cuts = {}
    for c in BY:
        col = df[c]
        if c == "age":
            v = col.astype(float)
            lo, hi = v.min(), v.max()
            edges = []
            for q in range(1, BUCKETS):
                e = math.ceil(np.quantile(v, q / BUCKETS))
                if lo < e <= hi and (not edges or e > edges[-1]):
                    edges.append(e)
            bounds = [lo] + edges + [hi]
            labels = [f"[{num(bounds[i])}, {num(bounds[i + 1])}{']' if i == len(bounds) - 2 else ')'}" for i in range(len(bounds) - 1)]
            idx = np.searchsorted(np.array(edges, dtype=float), v, side="right")
            keys[c] = pd.Series([labels[i] for i in idx], index=df.index, dtype=object)
            cuts[c] = {"cut": "quantiles", "values": labels}
        elif c == "flag":
            keys[c] = col.map(lambda b: "true" if b else "false").astype(object)
            cuts[c] = {"cut": "values", "values": []}
        else:
            counts = col.dropna().value_counts()
            ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            if len(ordered) > MAX_VALUES:
                kept = [k for k, _ in ordered[:MAX_VALUES]]
                keys[c] = col.map(lambda x: None if x is None or (isinstance(x, float) and math.isnan(x)) else (x if x in kept else "(other)")).astype(object)
                cuts[c] = {"cut": "values", "values": kept, "other_values": len(ordered) - MAX_VALUES}
            else:
                keys[c] = col.astype(object)
                cuts[c] = {"cut": "values", "values": []}
    return pd.DataFrame(keys), cuts


def delong(y, s):
    """AUC and DeLong's variance S10/m + S01/n from midranks (Sun & Xu's algorithm)."""
    pos, neg = s[y == 1], s[y == 0]
    m, n = len(pos), len(neg)
    if m == 0 or n == 0:
        return float("nan"), float("nan")
    if m < 2 or n < 2:
        return roc_auc_score(y, s), float("nan")  # DeLong's variance needs 2 of each class
    tz = rankdata(np.concatenate([pos, neg]))
    tx = rankdata(pos)
    ty = rankdata(neg)
    auc = (tz[:m].sum() - m * (m + 1) / 2) / (m * n)
    v10 = (tz[:m] - tx) / n
    v01 = 1 - (tz[m:] - ty) / m
    s10 = np.var(v10, ddof=1)
    s01 = np.var(v01, ddof=1)
    return auc, s10 / m + s01 / n


def wilson(k, n):
    p = k / n
    denom = 1 + Z * Z / n
    center = (p + Z * Z / (2 * n)) / denom
    half = Z / denom * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return max(0.0, center - half), min(1.0, center + half)


def proportions(k1, n1, k2, n2):
    if n1 == 0 or n2 == 0:
        return None
    p1, p2 = k1 / n1, k2 / n2
    d = p1 - p2
    l1, u1 = wilson(k1, n1)
    l2, u2 = wilson(k2, n2)
    lower = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    pooled = (k1 + k2) / (n1 + n2)
    var = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if var <= 0:
        return dict(value=p1, complement=p2, gap=d, lower=lower, upper=upper, z=None, p_value=1.0 if d == 0 else 0.0)
    z = d / math.sqrt(var)
    return dict(value=p1, complement=p2, gap=d, lower=lower, upper=upper, z=z, p_value=2 * norm.sf(abs(z)))


def test(metric, y, s, ys, ss, yc, sc):
    if metric == "calibration":
        n, nc = len(ys), len(yc)
        if n == 0 or nc == 0:
            return None
        v = ss.mean() - ys.mean()
        c = sc.mean() - yc.mean()
        var = (ss * (1 - ss)).sum() / n ** 2 + (sc * (1 - sc)).sum() / nc ** 2
        if var <= 0:
            return dict(value=v, complement=c, gap=v - c, lower=v - c, upper=v - c, z=None, p_value=1.0 if v == c else 0.0)
        z = (v - c) / math.sqrt(var)
        return dict(value=v, complement=c, gap=v - c, lower=v - c - Z * math.sqrt(var), upper=v - c + Z * math.sqrt(var),
                    z=z, p_value=2 * norm.sf(abs(z)))
    pred, predc = ss >= THRESHOLD, sc >= THRESHOLD
    if metric == "accuracy":
        return proportions(int((pred == (ys == 1)).sum()), len(ys), int((predc == (yc == 1)).sum()), len(yc))
    if metric == "precision":
        return proportions(int((ys[pred] == 1).sum()), int(pred.sum()), int((yc[predc] == 1).sum()), int(predc.sum()))
    if metric == "recall":
        return proportions(int(pred[ys == 1].sum()), int((ys == 1).sum()), int(predc[yc == 1].sum()), int((yc == 1).sum()))
    a, va = delong(ys, ss)
    b, vb = delong(yc, sc)
    if math.isnan(a) or math.isnan(b):
        return None
    # Cross-check the rank formula against scikit-learn.
    assert abs(a - roc_auc_score(ys, ss)) < 1e-12 and abs(b - roc_auc_score(yc, sc)) < 1e-12
    d, var = a - b, va + vb
    if math.isnan(var):
        return dict(value=a, complement=b, gap=d, lower=None, upper=None, z=None, p_value=None)
    if var == 0:
        return dict(value=a, complement=b, gap=d, lower=d, upper=d, z=None, p_value=1.0 if d == 0 else 0.0)
    z = d / math.sqrt(var)
    return dict(value=a, complement=b, gap=d, lower=d - Z * math.sqrt(var), upper=d + Z * math.sqrt(var), z=z, p_value=2 * norm.sf(abs(z)))


def ece(ys, ss):
    b = np.minimum(np.floor(ss * 10), 9)
    return sum(abs(ss[b == i].sum() - ys[b == i].sum()) for i in range(10)) / len(ys)


def bh(p):
    p = np.asarray(p, dtype=float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    q = np.empty(m)
    running = 1.0
    for r in range(m - 1, -1, -1):
        i = order[r]
        running = min(running, p[i] * m / (r + 1))
        q[i] = min(1.0, running)
    return q


def clean(d):
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in d.items()}


def main():
    df = make_log()
    df.to_csv(os.path.join(OUT, "segments_log.csv"), index=False)
    keys, cuts = key_columns(df)
    y = df["actual_label"].to_numpy()
    s = df["prediction_score"].to_numpy()
    groups = [(c,) for c in BY] + list(combinations(BY, 2))
    out = {"min_rows": MIN_ROWS, "buckets": BUCKETS, "max_values": MAX_VALUES, "threshold": THRESHOLD, "by": BY, "cuts": cuts, "metrics": {}}
    for metric in ["calibration", "accuracy", "precision", "recall", "roc_auc"]:
        segs = []
        for cols in groups:
            # pandas' groupby with dropna=False; NULL stands in as a sentinel so that it groups as a value.
            filled = keys[list(cols)].fillna(NULL)
            for vals, idx in filled.groupby(list(cols), dropna=False).indices.items():
                vals = vals if isinstance(vals, tuple) else (vals,)
                vals = tuple(None if v == NULL else v for v in vals)
                mask = np.zeros(len(df), dtype=bool)
                mask[idx] = True
                ys, ss, yc, sc = y[mask], s[mask], y[~mask], s[~mask]
                r = test(metric, y, s, ys, ss, yc, sc)
                seg = {c: (None if v is None or (isinstance(v, float) and math.isnan(v)) else v) for c, v in zip(cols, vals)}
                entry = {"segment": seg, "rows": int(mask.sum()), "positives": int(ys.sum())}
                if r is not None:
                    entry.update(r)
                if metric == "calibration":
                    entry["ece"] = ece(ys, ss)
                entry["tested"] = bool(r is not None and r.get("p_value") is not None and mask.sum() >= MIN_ROWS and (~mask).sum() >= MIN_ROWS)
                segs.append(clean(entry))
        tested = [e for e in segs if e["tested"]]
        q = bh([e["p_value"] for e in tested])
        for e, qi in zip(tested, q):
            e["p_adjusted"] = float(qi)
        out["metrics"][metric] = {"searched": len(segs), "tested": len(tested), "segments": segs}
    with open(os.path.join(OUT, "segments_expected.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
