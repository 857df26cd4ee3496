#!/usr/bin/python3
"""The pandas + scikit-learn baseline of `vigil summary`.

What a user (or Evidently / NannyML, which do the same under the hood) would write to get a daily
performance summary per model version plus data-quality counts from a prediction log:
read the CSV with pandas, run the checks as vectorised column operations, group by (day, version)
and call scikit-learn's metric functions on each group.

    python3 bench/baseline_summary.py LOG.csv --as-of 2026-06-01 --out pandas.json

Output (JSON, the same shape as `vigil summary --format json`):
    {"kind":"summary",
     "periods":[{"start":"2026-01-03T00:00:00Z","model_version":"v1","rows":N,"labeled":N,
                 "positive_rate":x,"mean_score":x,"metrics":{"roc_auc":x,...}}],
     "quality":{"issues":[{"check":"duplicate_id","severity":"error","rows":N,"message":"...",
                           "examples":[...],"column":null,"period":null}]},
     "timings":{...}}

Definitions:
  * checks, over all rows: duplicate_id (later occurrences of an id), null_score, score_out_of_range
    (outside [0, 1]), missing_label (empty), invalid_label (present but not 0/1), null_timestamp,
    unparseable_timestamp, future_timestamp (after --as-of), missing_period (a day between the first and
    the last valid day with no rows), null_values (per feature column), constant_column;
  * rows left out of the metrics: duplicates' later occurrences, null or out-of-range scores, invalid
    labels, null, unparseable or future timestamps; metrics use the rows of those that have a label;
  * a row is predicted positive when score >= --threshold (0.5);
  * metrics: scikit-learn's roc_auc, average_precision, log_loss (labels=[0,1]), brier, accuracy,
    precision, recall, f1 (zero_division=0), mcc, balanced_accuracy; specificity = tn/(tn+fp);
    ece with 10 equal-width bins on [0, 1] (np.histogram's convention: the last bin is closed);
    ks = max(tpr - fpr) over the ROC curve; gini = 2 * roc_auc - 1. Metrics that need both classes
    are null when a group has only one.
"""
import argparse
import json
import sys
import time
import warnings

import numpy as np
import pandas as pd
from sklearn import metrics as skm

ID, VERSION, SCORE, TIMESTAMP, LABEL = "prediction_id", "model_version", "prediction_score", "timestamp", "actual_label"
ROLES = {ID, VERSION, SCORE, TIMESTAMP, LABEL}
EXAMPLES = 5


def issue(check, severity, rows, message, examples=(), column=None, period=None):
    return {"check": check, "severity": severity, "rows": int(rows), "message": message,
            "examples": [str(e) for e in list(examples)[:EXAMPLES]], "column": column, "period": period}


def iso_day(ts):
    return pd.Timestamp(ts).strftime("%Y-%m-%dT%H:%M:%SZ")


def num(x):
    if x is None:
        return None
    x = float(x)
    return None if np.isnan(x) else x


def ece(y, s, bins=10):
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.searchsorted(edges, s, side="right") - 1
    idx[idx == bins] = bins - 1  # the last bin is closed: score 1.0 falls in it
    count = np.bincount(idx, minlength=bins)
    sum_s = np.bincount(idx, weights=s, minlength=bins)
    sum_y = np.bincount(idx, weights=y, minlength=bins)
    nz = count > 0
    return float(np.sum(np.abs(sum_s[nz] - sum_y[nz])) / len(s))


def group_metrics(y, s, threshold):
    """scikit-learn's metrics of one group; y in {0,1} (int), s the scores."""
    out = {}
    both = 0 < y.sum() < len(y)
    if both:
        fpr, tpr, _ = skm.roc_curve(y, s, drop_intermediate=False)
        auc = skm.auc(fpr, tpr)  # exactly what roc_auc_score computes
        out["roc_auc"] = auc
        out["average_precision"] = skm.average_precision_score(y, s)
    else:
        out["roc_auc"] = None
        out["average_precision"] = None
    out["log_loss"] = skm.log_loss(y, s, labels=[0, 1])
    out["brier"] = skm.brier_score_loss(y, s, pos_label=1)
    pred = (s >= threshold).astype(np.int64)
    out["accuracy"] = skm.accuracy_score(y, pred)
    out["precision"] = skm.precision_score(y, pred, labels=[0, 1], zero_division=0)
    out["recall"] = skm.recall_score(y, pred, labels=[0, 1], zero_division=0)
    out["f1"] = skm.f1_score(y, pred, labels=[0, 1], zero_division=0)
    out["mcc"] = skm.matthews_corrcoef(y, pred)
    with warnings.catch_warnings():
        # With one class present scikit-learn warns and averages the recall of the classes it sees.
        warnings.simplefilter("ignore")
        out["balanced_accuracy"] = skm.balanced_accuracy_score(y, pred)
    # Specificity is the recall of the negative class (0 when there are no negatives, zero_division=0).
    out["specificity"] = skm.recall_score(y, pred, labels=[0, 1], pos_label=0, zero_division=0)
    out["ece"] = ece(y.astype(np.float64), s)
    out["ks_statistic"] = float(np.max(tpr - fpr)) if both else None
    out["gini"] = 2 * auc - 1 if both else None
    return {k: num(v) for k, v in out.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", help="prediction log (CSV)")
    ap.add_argument("--as-of", required=True, help="timestamps after this instant are future_timestamp (e.g. 2026-06-01)")
    ap.add_argument("--out", help="write the JSON here (default: stdout)")
    ap.add_argument("--threshold", type=float, default=0.5)
    a = ap.parse_args(argv)
    as_of = pd.Timestamp(a.as_of)
    timings = {}
    t0 = time.perf_counter()

    # Read: empty fields are nulls (as DuckDB reads them); low-cardinality text as category, as a careful user would.
    df = pd.read_csv(a.path, keep_default_na=False, na_values=[""],
                     dtype={ID: "object", VERSION: "category", SCORE: "float64", TIMESTAMP: "object", LABEL: "float64",
                            "merchant_category": "category", "country": "category", "device_type": "category",
                            "channel": "category"})
    ts = pd.to_datetime(df[TIMESTAMP], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    t1 = time.perf_counter()
    timings["read_seconds"] = t1 - t0

    # Checks, vectorised over all rows.
    score, label, ids = df[SCORE], df[LABEL], df[ID]
    duplicate = ids.duplicated(keep="first").to_numpy()
    null_score = score.isna().to_numpy()
    out_of_range = (score.notna() & ((score < 0) | (score > 1))).to_numpy()
    missing_label = label.isna().to_numpy()
    invalid_label = (label.notna() & ~label.isin([0, 1])).to_numpy()
    null_ts = df[TIMESTAMP].isna().to_numpy()
    unparseable = (~null_ts) & ts.isna().to_numpy()
    future = (ts > as_of).to_numpy()

    issues = []

    def add(check, severity, mask, what, example_col=ID):
        n = int(mask.sum())
        if n:
            issues.append(issue(check, severity, n, f"{n} rows {what}", df.loc[mask, example_col].head(EXAMPLES)))

    add("duplicate_id", "error", duplicate, f"repeat an earlier {ID}")
    add("null_score", "error", null_score, f"have no {SCORE}")
    add("score_out_of_range", "error", out_of_range, f"have a {SCORE} outside [0, 1]")
    add("missing_label", "warning", missing_label, f"have no {LABEL} yet")
    add("invalid_label", "error", invalid_label, f"have an {LABEL} other than 0 or 1")
    add("null_timestamp", "error", null_ts, f"have no {TIMESTAMP}")
    add("unparseable_timestamp", "error", unparseable, f"have a {TIMESTAMP} that is not a date and time")
    add("future_timestamp", "error", future, f"have a {TIMESTAMP} after {a.as_of}")

    valid_time = ts.notna().to_numpy() & ~future
    days = ts[valid_time].dt.floor("D")
    if len(days):
        present = pd.DatetimeIndex(days.unique())
        full = pd.date_range(present.min(), present.max(), freq="D")
        for d in full.difference(present):
            issues.append(issue("missing_period", "warning", 0, f"no rows on {d.date()}", period=iso_day(d)))

    for c in df.columns:
        if c in ROLES:
            continue
        col = df[c]
        nulls = int(col.isna().sum())
        if nulls:
            issues.append(issue("null_values", "warning", nulls, f"{nulls} rows have no {c}", column=c))
        if col.nunique(dropna=True) == 1:
            issues.append(issue("constant_column", "info", len(df), f"{c} has one value: {col.dropna().iloc[0]}",
                                [col.dropna().iloc[0]], column=c))
    t2 = time.perf_counter()
    timings["checks_seconds"] = t2 - t1

    # Per (day, version) summary over the rows that pass the checks.
    keep = ~(duplicate | null_score | out_of_range | invalid_label | null_ts | unparseable | future)
    g = pd.DataFrame({"day": ts[keep].dt.floor("D").to_numpy(), "version": df[VERSION][keep].to_numpy(),
                      "s": score[keep].to_numpy(), "y": label[keep].to_numpy()})
    periods = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn's undefined-metric warnings: handled as nulls or zero_division
        for (day, version), grp in g.groupby(["day", "version"], sort=True, observed=True):
            s = grp["s"].to_numpy()
            labeled = ~np.isnan(grp["y"].to_numpy())
            y = grp["y"].to_numpy()[labeled].astype(np.int64)
            sl = s[labeled]
            n_lab = int(labeled.sum())
            periods.append({
                "start": iso_day(day), "model_version": None if pd.isna(version) else str(version),
                "rows": int(len(grp)), "labeled": n_lab,
                "positive_rate": num(y.mean()) if n_lab else None,
                "mean_score": num(s.mean()) if len(s) else None,
                "metrics": group_metrics(y, sl, a.threshold) if n_lab else {},
            })
    t3 = time.perf_counter()
    timings["metrics_seconds"] = t3 - t2
    timings["total_seconds"] = t3 - t0

    result = {"kind": "summary", "source": a.path, "as_of": a.as_of, "total_rows": int(len(df)),
              "excluded_rows": int((~keep).sum()), "periods": periods, "quality": {"issues": issues},
              "timings": timings}
    text = json.dumps(result, indent=1, allow_nan=False)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")
    print(f"baseline: {len(df)} rows, {len(periods)} periods, {len(issues)} issues; "
          + ", ".join(f"{k} {v:.2f}" for k, v in timings.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
