#!/usr/bin/python3
"""End-to-end golden fixtures for `vigil evaluate`: raw CSV files plus the metrics scikit-learn computes on them.

Run with Debian's python3 (python3-sklearn, python3-pandas):
    /usr/bin/python3 tools/golden/generate_evaluation.py
Writes tests/Vigil.Analysis.Tests/Fixtures/eval_{binary,multiclass,regression}.{csv,json}.
"""
import json
import os

import numpy as np
import sklearn
from sklearn import metrics as skm

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "Vigil.Analysis.Tests", "Fixtures")
EPS = np.finfo(np.float64).eps


def binary_metrics(y, s, threshold=0.5):
    y = np.asarray(y, dtype=int)
    s = np.asarray(s, dtype=float)
    pred = (s >= threshold).astype(int)
    tn, fp, fn, tp = skm.confusion_matrix(y, pred, labels=[0, 1]).ravel()
    fpr, tpr, _ = skm.roc_curve(y, s)
    edges = np.linspace(0.0, 1.0, 11)
    idx = np.clip(np.searchsorted(edges, s, side="right") - 1, 0, 9)
    ece = 0.0
    for b in range(10):
        m = idx == b
        if m.any():
            ece += m.sum() / len(s) * abs(s[m].mean() - y[m].mean())
    auc = skm.roc_auc_score(y, s)
    out = {
        "roc_auc": auc,
        "average_precision": skm.average_precision_score(y, s),
        "log_loss": skm.log_loss(y, s, labels=[0, 1]),
        "brier": skm.brier_score_loss(y, s),
        "accuracy": skm.accuracy_score(y, pred),
        "precision": skm.precision_score(y, pred, zero_division=0),
        "recall": skm.recall_score(y, pred, zero_division=0),
        "f1": skm.f1_score(y, pred, zero_division=0),
        "mcc": skm.matthews_corrcoef(y, pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
        "specificity": tn / (tn + fp),
        "ece": ece,
        "ks_statistic": float(np.max(tpr - fpr)),
        "gini": 2 * auc - 1,
    }
    # Best F1 and Youden thresholds over distinct scores (ties: the highest threshold).
    best_f1, best_f1_t, best_j, best_j_t = -1.0, None, -2.0, None
    for t in sorted(set(s.tolist()), reverse=True):
        p = (s >= t).astype(int)
        f1 = skm.f1_score(y, p, zero_division=0)
        tn_, fp_, fn_, tp_ = skm.confusion_matrix(y, p, labels=[0, 1]).ravel()
        j = tp_ / (tp_ + fn_) - fp_ / (fp_ + tn_)
        if f1 > best_f1:
            best_f1, best_f1_t = f1, t
        if j > best_j:
            best_j, best_j_t = j, t
    return {k: float(v) for k, v in out.items()}, {"tp": int(tp), "fp": int(fp), "tn": int(tn), "fn": int(fn)}, \
        {"f1": [best_f1_t, best_f1], "youden": [best_j_t, best_j]}


def fmt(v):
    return "" if v is None else repr(v)


def binary():
    rng = np.random.default_rng(7)
    n = 3000
    y = (rng.random(n) < 0.3).astype(int)
    s = np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0, 1)
    s[: n // 3] = np.round(s[: n // 3], 2)  # heavy ties in a third of the rows
    s[5] = 0.0
    s[6] = 1.0
    country = rng.choice(["DE", "FR", "US"], n)
    version = np.where(np.arange(n) < n // 2, "v1", "v2")
    score_txt = [repr(float(v)) for v in s]
    label_txt = [str(int(v)) for v in y]
    missing_score = rng.choice(n, 20, replace=False)
    missing_label = rng.choice(np.setdiff1d(np.arange(n), missing_score), 30, replace=False)
    for i in missing_score:
        score_txt[i] = ""
    for i in missing_label:
        label_txt[i] = ""
    keep = np.ones(n, bool)
    keep[missing_score] = False
    keep[missing_label] = False
    with open(os.path.join(OUT, "eval_binary.csv"), "w") as f:
        f.write("prediction_id,model_version,prediction_score,actual_label,country\n")
        for i in range(n):
            f.write(f"id{i},{version[i]},{score_txt[i]},{label_txt[i]},{country[i]}\n")
    overall, conf, best = binary_metrics(y[keep], s[keep])
    seg = {}
    for c in ["DE", "FR", "US"]:
        m = keep & (country == c)
        seg[c] = binary_metrics(y[m], s[m])[0]
    # A second threshold, for --threshold.
    at03 = binary_metrics(y[keep], s[keep], 0.3)
    return {"rows": int(keep.sum()), "excluded": {"missing_score": 20, "missing_label": 30}, "metrics": overall,
            "confusion": conf, "best": best, "segments": seg, "threshold_0_3": {"metrics": at03[0], "confusion": at03[1]}}


def multiclass():
    rng = np.random.default_rng(11)
    n = 2000
    classes = np.array(["bird", "cat", "dog"])
    y = rng.choice(3, n, p=[0.2, 0.5, 0.3])
    logits = rng.normal(0, 1, (n, 3))
    logits[np.arange(n), y] += 1.2
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    pred = p.argmax(axis=1)
    with open(os.path.join(OUT, "eval_multiclass.csv"), "w") as f:
        f.write("actual_label,prediction,prob_bird,prob_cat,prob_dog\n")
        for i in range(n):
            f.write(f"{classes[y[i]]},{classes[pred[i]]},{p[i,0]!r},{p[i,1]!r},{p[i,2]!r}\n")
    yt, yp = classes[y], classes[pred]
    out = {
        "accuracy": skm.accuracy_score(yt, yp),
        "precision_macro": skm.precision_score(yt, yp, average="macro", zero_division=0),
        "recall_macro": skm.recall_score(yt, yp, average="macro", zero_division=0),
        "f1_macro": skm.f1_score(yt, yp, average="macro", zero_division=0),
        "precision_weighted": skm.precision_score(yt, yp, average="weighted", zero_division=0),
        "recall_weighted": skm.recall_score(yt, yp, average="weighted", zero_division=0),
        "f1_weighted": skm.f1_score(yt, yp, average="weighted", zero_division=0),
        "log_loss": skm.log_loss(yt, p, labels=list(classes)),
        "roc_auc_ovr": skm.roc_auc_score(yt, p, multi_class="ovr", average="macro", labels=list(classes)),
    }
    return {"rows": n, "classes": list(classes), "matrix": skm.confusion_matrix(yt, yp, labels=classes).tolist(),
            "metrics": {k: float(v) for k, v in out.items()}}


def regression():
    rng = np.random.default_rng(5)
    n = 2500
    y = rng.normal(100, 30, n)
    y[:10] = 0.0  # MAPE's eps guard
    pred = y + rng.normal(2, 10, n)
    with open(os.path.join(OUT, "eval_regression.csv"), "w") as f:
        f.write("prediction,actual_label\n")
        for i in range(n):
            f.write(f"{pred[i]!r},{y[i]!r}\n")
    mse = skm.mean_squared_error(y, pred)
    out = {
        "mae": skm.mean_absolute_error(y, pred),
        "mse": mse,
        "rmse": float(np.sqrt(mse)),
        "r2": skm.r2_score(y, pred),
        "mape": skm.mean_absolute_percentage_error(y, pred),
        "median_absolute_error": skm.median_absolute_error(y, pred),
        "max_error": skm.max_error(y, pred),
        "mean_error": float(np.mean(pred - y)),
    }
    return {"rows": n, "metrics": {k: float(v) for k, v in out.items()}}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, fn in [("binary", binary), ("multiclass", multiclass), ("regression", regression)]:
        data = fn()
        data["generator"] = f"tools/golden/generate_evaluation.py, scikit-learn {sklearn.__version__}, numpy {np.__version__}"
        with open(os.path.join(OUT, f"eval_{name}.json"), "w") as f:
            json.dump(data, f, indent=1)


if __name__ == "__main__":
    main()
