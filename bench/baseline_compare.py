#!/usr/bin/python3
"""The pandas + scikit-learn baseline of `vigil compare`.

What a user would otherwise write to compare two model versions per segment: read the log with pandas, group by
(version, segment), call scikit-learn's metric functions on each group, and test the differences: DeLong for ROC AUC
(the fast algorithm of Sun & Xu 2014, written here in numpy), Newcombe's hybrid Wilson score interval for the
rates, Holm's correction across segments.

    python3 bench/baseline_compare.py LOG.csv --baseline v2.0 --candidate v2.1 --segment-by region \
        [--version-column model_version] [--score score] [--label label] [--threshold 0.5] [--out FILE]

Output (JSON, the shape of `vigil compare --format json`, plus "timings" and a few extra fields):
    {"kind":"comparison","baseline":"v2.0","candidate":"v2.1","paired":false,"segment_by":["region"],
     "segments":[{"segment":{} | {"region":"south"},
                  "baseline":{"rows":N,"positives":N,"metrics":{"roc_auc":x,...}}, "candidate":{...},
                  "difference":{"roc_auc":{"value","lower","upper","p_value","p_adjusted",
                                           "p_adjusted_with_overall","test"}, ...},
                  "verdict":"worse|better|no_evidence"}], "timings":{...}}

Definitions:
  * metrics per version and segment are those of `vigil evaluate` / bench/baseline_summary.py (scikit-learn's;
    a row is predicted positive when score >= --threshold; ece with 10 equal-width bins), plus fpr = fp / (fp + tn);
  * difference = candidate - baseline, for every metric;
  * roc_auc: DeLong's variance of each version's AUC (midranks, so ties count one half; sample variances with
    n - 1), the versions independent (different rows: unpaired), var = var_b + var_c, interval d +- z * sqrt(var),
    z = Phi^-1(1 - alpha / 2), p = 2 * (1 - Phi(|d| / sqrt(var)));
  * accuracy (of all rows), precision (of predicted positives), recall (of positives), specificity (of negatives),
    fpr (of negatives): Newcombe's hybrid score interval (method 10, Wilson intervals without continuity
    correction) for p_c - p_b: lower = d - sqrt((p_c - l_c)^2 + (u_b - p_b)^2),
    upper = d + sqrt((u_c - p_c)^2 + (p_b - l_b)^2); p-value from the pooled two-proportion z-test;
  * other metrics: the difference only (lower, upper, p_value null);
  * p_adjusted: Holm's step-down correction, per metric, across the segments of --segment-by (the overall row is not
    in the family; its p_adjusted is its p_value); p_adjusted_with_overall: the same with the overall row in it;
  * verdict, from ROC AUC: worse when p_adjusted < alpha and d < 0, better when p_adjusted < alpha and d > 0,
    else no_evidence.
"""
import argparse
import json
import math
import os
import sys
import time
import warnings

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baseline_summary import group_metrics, num  # noqa: E402  (the same metric definitions as the summary bench)

RATES = ("accuracy", "precision", "recall", "specificity", "fpr")


def delong(y, s):
    """AUC and its DeLong variance (Sun & Xu 2014's fast algorithm: three midrank computations)."""
    pos, neg = s[y == 1], s[y == 0]
    m, n = len(pos), len(neg)
    if m == 0 or n == 0:
        return None, None
    tx = stats.rankdata(pos)           # midranks (method "average")
    ty = stats.rankdata(neg)
    tz = stats.rankdata(np.concatenate([pos, neg]))
    auc = (tz[:m].sum() - m * (m + 1) / 2.0) / (m * n)
    v10 = (tz[:m] - tx) / n            # structural components of the positives
    v01 = 1.0 - (tz[m:] - ty) / m      # and of the negatives
    var = (np.var(v10, ddof=1) / m if m > 1 else 0.0) + (np.var(v01, ddof=1) / n if n > 1 else 0.0)
    return float(auc), float(var)


def wilson(x, n, z):
    if n == 0:
        return None
    p = x / n
    d = 1.0 + z * z / n
    c = (p + z * z / (2.0 * n)) / d
    h = z * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / d
    return p, c - h, c + h


def newcombe(xb, nb, xc, nc, z):
    """Newcombe's hybrid score interval for p_c - p_b and the pooled z-test's p-value."""
    wb, wc = wilson(xb, nb, z), wilson(xc, nc, z)
    if wb is None or wc is None:
        return None
    (pb, lb, ub), (pc, lc, uc) = wb, wc
    d = pc - pb
    lower = d - math.sqrt((pc - lc) ** 2 + (ub - pb) ** 2)
    upper = d + math.sqrt((uc - pc) ** 2 + (pb - lb) ** 2)
    pool = (xb + xc) / (nb + nc)
    se = math.sqrt(pool * (1.0 - pool) * (1.0 / nb + 1.0 / nc))
    p = 1.0 if se == 0 else float(2.0 * stats.norm.sf(abs(d) / se))
    return d, lower, upper, p


def holm(ps):
    """Holm's step-down adjusted p-values (None stays None)."""
    idx = [i for i, p in enumerate(ps) if p is not None]
    out = [None] * len(ps)
    k = len(idx)
    running = 0.0
    for rank, i in enumerate(sorted(idx, key=lambda i: ps[i])):
        running = max(running, min(1.0, (k - rank) * ps[i]))
        out[i] = running
    return out


def version_stats(y, s, threshold):
    pred = s >= threshold
    pos = y == 1
    tp = int(np.sum(pred & pos))
    fp = int(np.sum(pred & ~pos))
    fn = int(np.sum(~pred & pos))
    tn = int(np.sum(~pred & ~pos))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        metrics = group_metrics(y, s, threshold)
    metrics["fpr"] = fp / (fp + tn) if fp + tn else None
    auc, var = delong(y, s)
    counts = {"accuracy": (tp + tn, len(y)), "precision": (tp, tp + fp), "recall": (tp, tp + fn),
              "specificity": (tn, tn + fp), "fpr": (fp, fp + tn)}
    return {"rows": int(len(y)), "positives": int(pos.sum()), "metrics": metrics}, auc, var, counts


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", help="prediction log (CSV)")
    ap.add_argument("--baseline", required=True)
    ap.add_argument("--candidate", required=True)
    ap.add_argument("--segment-by", default="", help="comma-separated columns (default: overall only)")
    ap.add_argument("--version-column", default="model_version")
    ap.add_argument("--score", default="score")
    ap.add_argument("--label", default="label")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--confidence", type=float, default=0.95)
    ap.add_argument("--out", help="write the JSON here (default: stdout)")
    a = ap.parse_args(argv)
    seg_cols = [c.strip() for c in a.segment_by.split(",") if c.strip()]
    z = float(stats.norm.ppf(1.0 - (1.0 - a.confidence) / 2.0))
    alpha = 1.0 - a.confidence
    timings = {}
    t0 = time.perf_counter()

    # Read only the columns the comparison needs (a careful user's usecols), text as category.
    cols = [a.version_column, *seg_cols, a.score, a.label]
    df = pd.read_csv(a.path, usecols=cols, keep_default_na=False, na_values=[""],
                     dtype={a.version_column: "category", a.score: "float64", a.label: "float64",
                            **{c: "category" for c in seg_cols}})
    t1 = time.perf_counter()
    timings["read_seconds"] = t1 - t0

    keep = df[a.version_column].isin([a.baseline, a.candidate]) & df[a.score].notna() & df[a.label].isin([0, 1])
    df = df[keep]

    def side(frame):
        return frame[a.label].to_numpy().astype(np.int64), frame[a.score].to_numpy()

    groups = [({}, df)]
    if seg_cols:
        for key, frame in df.groupby(seg_cols if len(seg_cols) > 1 else seg_cols[0], sort=True, observed=True):
            key = key if isinstance(key, tuple) else (key,)
            groups.append(({c: str(v) for c, v in zip(seg_cols, key)}, frame))

    segments = []
    for seg, frame in groups:
        by_version = dict(tuple(frame.groupby(a.version_column, observed=True)))
        entry = {"segment": seg}
        parts = {}
        for role, version in (("baseline", a.baseline), ("candidate", a.candidate)):
            f = by_version.get(version)
            if f is None or len(f) == 0:
                entry[role] = {"rows": 0, "positives": 0, "metrics": {}}
                parts[role] = None
                continue
            y, s = side(f)
            entry[role], auc, var, counts = version_stats(y, s, a.threshold)
            parts[role] = (auc, var, counts)
        diff = {}
        mb, mc = entry["baseline"]["metrics"], entry["candidate"]["metrics"]
        for name in mb:
            if name not in mc:
                continue
            d = None if mb[name] is None or mc[name] is None else mc[name] - mb[name]
            cell = {"value": d, "lower": None, "upper": None, "p_value": None, "p_adjusted": None,
                    "p_adjusted_with_overall": None, "test": None}
            if d is not None and parts["baseline"] and parts["candidate"]:
                (ab, vb, cb), (ac, vc, cc) = parts["baseline"], parts["candidate"]
                if name == "roc_auc" and ab is not None and ac is not None:
                    dd = ac - ab
                    se = math.sqrt(vb + vc)
                    cell.update(lower=dd - z * se, upper=dd + z * se, test="delong",
                                p_value=1.0 if se == 0 else float(2.0 * stats.norm.sf(abs(dd) / se)))
                elif name in RATES:
                    r = newcombe(*cb[name], *cc[name], z)
                    if r is not None:
                        cell.update(lower=r[1], upper=r[2], p_value=r[3], test="newcombe")
            diff[name] = {k: (num(v) if isinstance(v, float) else v) for k, v in cell.items()}
        entry["difference"] = diff
        segments.append(entry)

    # Holm across the segments, per metric: without the overall row, and with it.
    names = sorted({n for e in segments for n in e["difference"]})
    for name in names:
        ps = [e["difference"].get(name, {}).get("p_value") for e in segments]
        for i, p in enumerate(holm(ps)):
            if name in segments[i]["difference"]:
                segments[i]["difference"][name]["p_adjusted_with_overall"] = p
        if len(segments) > 1:
            adj = [None] + holm(ps[1:])
        else:
            adj = [None]
        adj[0] = ps[0]
        for i, p in enumerate(adj):
            if name in segments[i]["difference"]:
                segments[i]["difference"][name]["p_adjusted"] = p
    for e in segments:
        auc = e["difference"].get("roc_auc", {})
        pa, d = auc.get("p_adjusted"), auc.get("value")
        e["verdict"] = "no_evidence" if pa is None or d is None or pa >= alpha else ("worse" if d < 0 else "better")

    t2 = time.perf_counter()
    timings["metrics_seconds"] = t2 - t1
    timings["total_seconds"] = t2 - t0
    result = {"kind": "comparison", "source": a.path, "baseline": a.baseline, "candidate": a.candidate,
              "paired": False, "segment_by": seg_cols, "confidence": a.confidence, "threshold": a.threshold,
              "segments": segments, "timings": timings}
    text = json.dumps(result, indent=1, allow_nan=False)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")
    print(f"baseline_compare: {len(df)} rows, {len(segments)} segments; "
          + ", ".join(f"{k} {v:.2f}" for k, v in timings.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
