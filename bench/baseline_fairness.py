#!/usr/bin/python3
"""The pandas + scikit-learn baseline of `vigil fairness`: what a user would run without Vigil (Fairlearn's MetricFrame
does the same per group through scikit-learn's metrics; Fairlearn itself is not installed here).

    bench/baseline_fairness.py LOG.csv --sensitive gender,race [--threshold 0.5] --out OUT.json

Reads the CSV with pandas, drops rows without a score or a label, fills a missing sensitive value with "(missing)",
and for each sensitive column and their intersection (values joined by '&') computes per group, with
sklearn.metrics.confusion_matrix and roc_auc_score on the group's rows: size, positives, selection_rate, tpr, fpr, fnr,
precision, accuracy, roc_auc (a rate over an empty class is null, as Vigil reports it). Writes
{"kind": "fairness", "threshold", "groups": [{attribute, value, size, positives, metrics}], "timings"}.
"""
import argparse
import json
import math
import time

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, roc_auc_score

MISSING = "(missing)"


def num(x):
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


def metrics(y, s, t):
    pred = (s >= t).astype(np.int64)
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
    n, p, neg, pp = len(y), tp + fn, fp + tn, tp + fp
    d = lambda a, b: a / b if b > 0 else float("nan")
    return {
        "selection_rate": d(pp, n), "tpr": d(tp, p), "fpr": d(fp, neg), "fnr": d(fn, p), "precision": d(tp, pp),
        "accuracy": d(tp + tn, n), "roc_auc": roc_auc_score(y, s) if 0 < p < n else float("nan"),
    }, int(n), int(p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--sensitive", required=True)
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--score", default="score")
    ap.add_argument("--label", default="label")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    cols = a.sensitive.split(",")
    t0 = time.perf_counter()
    df = pd.read_csv(a.log, usecols=[a.score, a.label, *cols], dtype={c: "string" for c in cols})
    t1 = time.perf_counter()
    df = df.dropna(subset=[a.score, a.label])
    for c in cols:
        df[c] = df[c].fillna(MISSING)
    attrs = list(cols)
    if len(cols) > 1:
        inter = "&".join(cols)
        df[inter] = df[cols[0]].str.cat([df[c] for c in cols[1:]], sep="&")
        attrs.append(inter)
    y_all, s_all = df[a.label].to_numpy(np.int64), df[a.score].to_numpy(np.float64)
    groups = []
    for attr in attrs:
        codes, uniques = pd.factorize(df[attr], sort=True)
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
        for k, value in enumerate(uniques):
            idx = order[bounds[k]:bounds[k + 1]]
            m, n, p = metrics(y_all[idx], s_all[idx], a.threshold)
            groups.append({"attribute": attr, "value": str(value), "size": n, "positives": p, "metrics": {k2: num(v) for k2, v in m.items()}})
    t2 = time.perf_counter()
    with open(a.out, "w") as f:
        json.dump({"kind": "fairness", "threshold": a.threshold, "rows": int(len(df)), "groups": groups,
                   "timings": {"read_seconds": t1 - t0, "groups_seconds": t2 - t1}}, f, indent=1)


if __name__ == "__main__":
    main()
