#!/usr/bin/python3
"""Golden fixtures for Vigil.Statistics classification and regression metrics.

Run with Debian's interpreter (python3-sklearn, python3-scipy, python3-numpy):

    /usr/bin/python3 tools/golden/generate_metrics.py

Writes JSON into tests/Vigil.Statistics.Tests/Fixtures/. Deterministic (fixed seeds).
Every reference value comes from scikit-learn where scikit-learn can compute it; the exceptions
(ECE, specificity, the huge-count case, best thresholds) are explicit numpy / exact-fraction formulas
and are marked "reference" in the fixture.
"""
import json
import math
import os
import sys
import warnings
from decimal import Decimal, getcontext
from fractions import Fraction

import numpy as np
import sklearn
from sklearn import metrics as skm

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Vigil.Statistics.Tests", "Fixtures")
EPS = float(np.finfo(np.float64).eps)  # 2.220446049250313e-16
GRID = [round((i + 1) * 0.05, 2) for i in range(19)]
COST_FP, COST_FN = 1.0, 5.0
MAX_CURVE_ROWS = 5000  # curves are stored only for tables up to this many distinct scores


def call(fn, *args, **kwargs):
    """Returns (value or None, note) where note records scikit-learn's rejection or warning."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            v = fn(*args, **kwargs)
        except Exception as e:  # scikit-learn rejects the input
            return None, "rejected: " + str(e).splitlines()[0]
    note = ("warning: " + str(w[0].message).splitlines()[0]) if w else None
    v = float(v)
    if math.isnan(v):
        return None, (note or "") + " (nan)"
    return v, note


def group(scores, labels):
    """The engine's reduction: one row per distinct score, descending, with positive and negative counts."""
    order = np.argsort(-scores, kind="mergesort")
    s, y = scores[order], labels[order]
    uniq, idx = np.unique(-s, return_index=True)
    table = []
    bounds = list(idx) + [len(s)]
    for i in range(len(uniq)):
        seg = y[bounds[i]:bounds[i + 1]]
        pos = int(seg.sum())
        table.append([float(-uniq[i]), pos, int(len(seg) - pos)])
    return table


def ece_numpy(scores, labels, bins=10):
    edges = np.linspace(0.0, 1.0, bins + 1)
    counts, _ = np.histogram(scores, bins=edges)
    ece = 0.0
    out = []
    n = len(scores)
    # np.histogram's bin assignment: [e_i, e_{i+1}) except the last, closed
    idx = np.searchsorted(edges, scores, side="right") - 1
    idx[scores == edges[-1]] = bins - 1
    for b in range(bins):
        m = idx == b
        assert m.sum() == counts[b]
        if counts[b] == 0:
            continue
        mp = float(np.mean(scores[m]))
        fp = float(np.mean(labels[m]))
        ece += counts[b] / n * abs(mp - fp)
        out.append({"lower": float(edges[b]), "upper": float(edges[b + 1]), "count": int(counts[b]),
                    "mean_predicted": mp, "fraction_positive": fp})
    return float(ece), out


def best_thresholds(table):
    """Reference best thresholds over distinct scores, ties to the highest threshold (first in descending order)."""
    P = sum(r[1] for r in table)
    N = sum(r[2] for r in table)
    tp = fp = 0
    best = {}
    cost_best = (Fraction(0), math.inf, 0, 0)  # "predict none positive"
    for s, pos, neg in table:
        tp += pos
        fp += neg
        if P > 0:
            f1 = Fraction(2 * tp, tp + fp + P)
            if "f1" not in best or f1 > best["f1"][0]:
                best["f1"] = (f1, s, tp, fp)
        if P > 0 and N > 0:
            y = Fraction(tp, P) - Fraction(fp, N)
            if "youden" not in best or y > best["youden"][0]:
                best["youden"] = (y, s, tp, fp)
        rel = Fraction(COST_FP) * fp - Fraction(COST_FN) * tp
        if rel < cost_best[0]:
            cost_best = (rel, s, tp, fp)
    out = {k: {"threshold": v[1], "value": float(v[0]), "tp": v[2], "fp": v[3]} for k, v in best.items()}
    rel, s, ctp, cfp = cost_best
    out["cost"] = {"threshold": None if s == math.inf else s, "value": COST_FP * cfp + COST_FN * (P - ctp), "tp": ctp, "fp": cfp}
    return out


def grid_table(scores, labels):
    rows = []
    for t in GRID:
        pred = scores >= t
        rows.append({"threshold": t, "tp": int(np.sum(pred & (labels == 1))), "fp": int(np.sum(pred & (labels == 0)))})
    return rows


def binary_case(name, scores, labels, curves=True):
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    table = group(scores, labels)
    y_pred = (scores >= 0.5).astype(np.int64)
    exp, notes = {}, {}

    def put(key, fn, *a, **k):
        v, note = call(fn, *a, **k)
        exp[key] = v
        if note:
            notes[key] = note

    put("roc_auc", skm.roc_auc_score, labels, scores)
    put("average_precision", skm.average_precision_score, labels, scores)
    # sklearn 1.2 log_loss: eps="auto" = np.finfo(float64).eps, clip, then row renormalisation
    put("log_loss", skm.log_loss, labels, scores, labels=[0, 1], eps=EPS)
    # the explicit formula, for the record
    p = np.clip(scores, EPS, 1 - EPS)
    exp["log_loss_formula"] = float(np.mean(-(labels * np.log(p) + (1 - labels) * np.log(1 - p))))
    put("brier", skm.brier_score_loss, labels, scores)
    put("accuracy", skm.accuracy_score, labels, y_pred)
    put("precision", skm.precision_score, labels, y_pred, zero_division=0)
    put("recall", skm.recall_score, labels, y_pred, zero_division=0)
    put("f1", skm.f1_score, labels, y_pred, zero_division=0)
    put("mcc", skm.matthews_corrcoef, labels, y_pred)
    put("balanced_accuracy", skm.balanced_accuracy_score, labels, y_pred)
    tn, fp, fn, tp = skm.confusion_matrix(labels, y_pred, labels=[0, 1]).ravel()
    exp["specificity"] = float(tn / (tn + fp)) if tn + fp > 0 else None
    if tn + fp == 0:
        notes["specificity"] = "reference tn/(tn+fp) from confusion_matrix is 0/0"
    exp["ece"], calib = ece_numpy(scores, labels)
    fpr, tpr, thr = skm.roc_curve(labels, scores, drop_intermediate=False) if 0 < labels.sum() < len(labels) else (None, None, None)
    exp["ks_statistic"] = float(np.max(tpr - fpr)) if fpr is not None else None
    exp["gini"] = 2 * exp["roc_auc"] - 1 if exp["roc_auc"] is not None else None
    case = {
        "name": name,
        "table": table,
        "expected": exp,
        "sklearn_notes": notes,
        "confusion": {"tp": int(tp), "fp": int(fp), "tn": int(tn), "fn": int(fn)},
        "calibration": calib,
        "best_thresholds": best_thresholds(table),
        "cost_fp": COST_FP,
        "cost_fn": COST_FN,
        "threshold_table": grid_table(scores, labels),
    }
    if curves and len(table) <= MAX_CURVE_ROWS:
        if fpr is not None:
            # thresholds[0] is sklearn 1.2's max+1 (later versions: inf) for the (0, 0) point; Vigil reports +Infinity
            case["roc"] = {"thresholds": [float(x) for x in thr[1:]], "fpr": fpr.tolist(), "tpr": tpr.tolist()}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            prec, rec, pthr = skm.precision_recall_curve(labels, scores)
        # reversed so thresholds descend; sklearn's final (precision 1, recall 0) point comes first, without threshold
        case["pr"] = {"thresholds": pthr[::-1].tolist(), "precision": prec[::-1].tolist(), "recall": rec[::-1].tolist()}
    return case


def huge_case():
    """A handful of distinct scores with ~1e9 rows each; references in exact arithmetic."""
    getcontext().prec = 50
    rng = np.random.default_rng(7)
    scores = [0.95, 0.8, 0.61, 0.5, 0.37, 0.2, 0.05, 0.0]
    table = []
    for s in scores:
        pos = int(rng.integers(1, 3_000_000_000)) if s > 0.3 else int(rng.integers(1, 900_000_000))
        neg = int(rng.integers(1, 900_000_000)) if s > 0.3 else int(rng.integers(1, 3_000_000_000))
        table.append([s, pos, neg])
    P = sum(r[1] for r in table)
    N = sum(r[2] for r in table)
    n = P + N
    auc = Fraction(0)
    ap = Fraction(0)
    tp = fp = 0
    ks = Fraction(0)
    for s, pos, neg in table:
        auc += Fraction(neg) * (tp + Fraction(pos, 2))
        tp += pos
        fp += neg
        ap += Fraction(pos, P) * Fraction(tp, tp + fp)
        ks = max(ks, Fraction(tp, P) - Fraction(fp, N))
    auc /= P * N
    ll = math.fsum(pos * -math.log(min(max(s, EPS), 1 - EPS)) + neg * -math.log(1 - min(max(s, EPS), 1 - EPS))
                   for s, pos, neg in table) / n
    brier = sum(Fraction(pos) * (1 - Fraction(s)) ** 2 + Fraction(neg) * Fraction(s) ** 2 for s, pos, neg in table) / n
    tpT = sum(r[1] for r in table if r[0] >= 0.5)
    fpT = sum(r[2] for r in table if r[0] >= 0.5)
    fnT, tnT = P - tpT, N - fpT
    num = Decimal(tpT * tnT - fpT * fnT)
    den = (Decimal(tpT + fpT) * Decimal(tpT + fnT) * Decimal(tnT + fpT) * Decimal(tnT + fnT)).sqrt()
    # ECE over np.linspace edges; scores are exact bin members here
    edges = np.linspace(0, 1, 11)
    ece = Fraction(0)
    for b in range(10):
        rows = [r for r in table if (edges[b] <= r[0] < edges[b + 1]) or (b == 9 and r[0] == 1.0)]
        cnt = sum(r[1] + r[2] for r in rows)
        if cnt == 0:
            continue
        mp = sum(Fraction(r[0]) * (r[1] + r[2]) for r in rows) / cnt
        fpos = Fraction(sum(r[1] for r in rows), cnt)
        ece += Fraction(cnt, n) * abs(mp - fpos)
    exp = {
        "roc_auc": float(auc), "average_precision": float(ap), "log_loss": ll, "brier": float(brier),
        "accuracy": float(Fraction(tpT + tnT, n)), "precision": float(Fraction(tpT, tpT + fpT)),
        "recall": float(Fraction(tpT, P)), "f1": float(Fraction(2 * tpT, 2 * tpT + fpT + fnT)),
        "mcc": float(num / den), "balanced_accuracy": float((Fraction(tpT, P) + Fraction(tnT, N)) / 2),
        "specificity": float(Fraction(tnT, N)), "ece": float(ece), "ks_statistic": float(ks),
        "gini": float(2 * auc - 1),
    }
    return {"name": "huge_counts", "table": table, "expected": exp,
            "sklearn_notes": {"all": "reference in exact arithmetic (fractions/decimal); too many rows for scikit-learn"},
            "confusion": {"tp": tpT, "fp": fpT, "tn": tnT, "fn": fnT},
            "best_thresholds": best_thresholds(table), "cost_fp": COST_FP, "cost_fn": COST_FN}


def binary_cases():
    rng = np.random.default_rng(20240601)
    cases = []
    # random 1000 rows, moderately informative
    y = rng.integers(0, 2, 1000)
    s = 1 / (1 + np.exp(-(rng.normal(0, 1, 1000) + 1.2 * (y - 0.5) * 2)))
    cases.append(binary_case("random_1000", s, y))
    # heavy ties
    y = rng.integers(0, 2, 2000)
    s = np.round(np.clip(rng.normal(0.4 + 0.25 * y, 0.2), 0, 1), 1)
    cases.append(binary_case("heavy_ties", s, y))
    # all equal scores
    y = rng.integers(0, 2, 300)
    cases.append(binary_case("all_equal_scores", np.full(300, 0.7), y))
    # one class only
    cases.append(binary_case("all_positives", rng.uniform(0, 1, 200), np.ones(200, dtype=np.int64)))
    cases.append(binary_case("all_negatives", rng.uniform(0, 1, 200), np.zeros(200, dtype=np.int64)))
    # single row
    cases.append(binary_case("single_row", [0.73], [1]))
    # scores exactly 0 and 1 (and exact bin edges)
    y = rng.integers(0, 2, 500)
    s = rng.choice([0.0, 1.0, 0.3, 0.5, 0.9, 0.1, 0.7], 500)
    s[y == 1] = np.where(rng.uniform(size=(y == 1).sum()) < 0.3, 1.0, s[y == 1])
    cases.append(binary_case("scores_zero_and_one", s, y))
    # imbalanced, many distinct scores
    y = (rng.uniform(size=3000) < 0.03).astype(np.int64)
    s = 1 / (1 + np.exp(-(rng.normal(-3, 1.2, 3000) + 2.5 * y)))
    cases.append(binary_case("imbalanced_3000", s, y))
    # no predicted positives at 0.5
    y = rng.integers(0, 2, 400)
    cases.append(binary_case("no_predicted_positives", rng.uniform(0, 0.45, 400), y))
    # large: 200k rows, ~50k distinct scores
    y = rng.integers(0, 2, 200_000)
    s = np.clip(np.round(rng.normal(0.45 + 0.1 * y, 0.15) * 50_000) / 50_000, 0, 1)
    cases.append(binary_case("large_200k", s, y, curves=False))
    # scores outside [0, 1] (raw margins): ranking metrics only
    y = rng.integers(0, 2, 500)
    s = rng.normal(0, 2, 500) + y
    c = binary_case("margins_outside_unit_interval", s, y)
    for k in ("log_loss", "log_loss_formula", "brier", "ece"):
        c["expected"][k] = None
    c["calibration"] = []
    cases.append(c)
    cases.append(huge_case())
    return cases


def multiclass_case(name, k, n, seed, never_predicted=None):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    logits = rng.normal(0, 1, (n, k))
    logits[np.arange(n), y] += 1.0
    if never_predicted is not None:
        logits[:, never_predicted] -= 6.0
    prob = np.exp(logits)
    prob /= prob.sum(axis=1, keepdims=True)
    pred = prob.argmax(axis=1)
    labels = list(range(k))
    cm = skm.confusion_matrix(y, pred, labels=labels)
    exp = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exp["accuracy"] = skm.accuracy_score(y, pred)
        for avg in ("macro", "weighted"):
            exp["precision_" + avg] = skm.precision_score(y, pred, average=avg, zero_division=0)
            exp["recall_" + avg] = skm.recall_score(y, pred, average=avg, zero_division=0)
            exp["f1_" + avg] = skm.f1_score(y, pred, average=avg, zero_division=0)
        exp["log_loss"] = skm.log_loss(y, prob, labels=labels, eps=EPS)
        total_ll = skm.log_loss(y, prob, labels=labels, eps=EPS, normalize=False)
        exp["roc_auc_ovr"] = skm.roc_auc_score(y, prob, multi_class="ovr", average="macro", labels=labels)
        p, r, f, sup = skm.precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
    per_class = []
    ovr_tables = []
    for c in range(k):
        yc = (y == c).astype(np.int64)
        per_class.append({"label": str(c), "support": int(sup[c]), "precision": float(p[c]), "recall": float(r[c]),
                          "f1": float(f[c]), "roc_auc": float(skm.roc_auc_score(yc, prob[:, c]))})
        ovr_tables.append(group(prob[:, c], yc))
    return {"name": name, "classes": [str(c) for c in labels], "matrix": cm.tolist(),
            "total_log_loss": float(total_ll), "rows": n, "ovr_tables": ovr_tables,
            "expected": {k2: float(v) for k2, v in exp.items()}, "per_class": per_class}


def regression_case(name, y, yp):
    y = np.asarray(y, dtype=np.float64)
    yp = np.asarray(yp, dtype=np.float64)
    e = yp - y
    sums = {
        "count": len(y), "sum_error": math.fsum(e), "sum_abs_error": math.fsum(np.abs(e)),
        "sum_squared_error": math.fsum(e * e), "max_abs_error": float(np.max(np.abs(e))),
        "median_abs_error": float(np.median(np.abs(e))),
        "sum_abs_percentage_error": math.fsum(np.abs(e) / np.maximum(np.abs(y), EPS)),
        "mean_actual": float(np.mean(y)), "sum_squared_deviation_actual": math.fsum((y - np.mean(y)) ** 2),
    }
    exp, notes = {}, {}
    for key, fn in (("mae", skm.mean_absolute_error), ("mse", skm.mean_squared_error), ("r2", skm.r2_score),
                    ("mape", skm.mean_absolute_percentage_error), ("median_absolute_error", skm.median_absolute_error),
                    ("max_error", skm.max_error)):
        v, note = call(fn, y, yp)
        exp[key] = v
        if note:
            notes[key] = note
    exp["rmse"] = math.sqrt(exp["mse"])
    exp["mean_error"] = float(np.mean(e))
    return {"name": name, "sums": sums, "expected": exp, "sklearn_notes": notes}


def regression_cases():
    rng = np.random.default_rng(99)
    y = rng.normal(10, 3, 1000)
    out = [regression_case("random_1000", y, y + rng.normal(0.3, 1.5, 1000))]
    y = np.round(rng.normal(0, 2, 500))  # many exact zeros
    out.append(regression_case("actuals_with_zeros", y, y + rng.normal(0, 0.5, 500)))
    y = np.full(200, 4.5)
    out.append(regression_case("constant_actuals", y, y + rng.normal(0, 0.1, 200)))
    out.append(regression_case("constant_actuals_exact", y, y.copy()))
    out.append(regression_case("single_row", [2.0], [2.5]))
    return out


def robust_z_cases():
    rng = np.random.default_rng(5)
    out = []
    for name, x in (("normal_with_outliers", np.concatenate([rng.normal(0, 1, 101), [8.0, -12.0]])),
                    ("mad_zero", np.array([3.0] * 7 + [4.0, 10.0, -2.0])),
                    ("even_count", np.array([1.0, 2.0, 4.0, 7.0, 11.0, 16.0]))):
        med = float(np.median(x))
        mad = float(np.median(np.abs(x - med)))
        if mad > 0:
            z = 0.6745 * (x - med) / mad
        else:
            z = (x - med) / (1.253314 * np.mean(np.abs(x - med)))
        out.append({"name": name, "values": x.tolist(), "median": med, "mad": mad, "z": z.tolist()})
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    meta = {"sklearn": sklearn.__version__, "numpy": np.__version__, "python": sys.version.split()[0],
            "log_loss_eps": EPS,
            "log_loss_note": "sklearn %s log_loss(eps='auto') clips to [eps, 1-eps] with eps=np.finfo(float64).eps "
                             "then renormalises rows; log_loss_formula is the explicit numpy formula" % sklearn.__version__}
    for fname, data in (("binary_metrics.json", binary_cases()), ("multiclass_metrics.json",
                        [multiclass_case("three_classes", 3, 900, 11), multiclass_case("five_classes_one_never_predicted", 5, 1500, 12, never_predicted=4)]),
                        ("regression_metrics.json", regression_cases()), ("robust_zscore.json", robust_z_cases())):
        with open(os.path.join(OUT, fname), "w") as f:
            json.dump({"meta": meta, "cases": data}, f, allow_nan=False)
        print(fname, os.path.getsize(os.path.join(OUT, fname)))


if __name__ == "__main__":
    main()
