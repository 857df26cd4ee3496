#!/usr/bin/python3
"""Golden fixtures for Vigil.Statistics.Estimation (NannyML's CBPE: calibration, estimates, sampling errors, thresholds).

Run with Debian's interpreter (python3-numpy, python3-scipy, python3-sklearn, python3-mpmath):

    /usr/bin/python3 tools/golden/generate_estimation.py

Writes tests/Vigil.Statistics.Tests/Fixtures/estimation/*.json. Deterministic (fixed seeds).

There is no nannyml package here, so each step of NannyML's CBPE is written below from its definition, on rows, the
way NannyML runs it (pandas/numpy/scikit-learn), independently of the C#:
  * calibration: sklearn.isotonic.IsotonicRegression(increasing=True, out_of_bounds="clip") fitted on the expanded
    rows (y_min=0, y_max=1 as Vigil states it: checked to change nothing for 0/1 labels);
  * NannyML's needs_calibration (StratifiedShuffleSplit(10, test_size=0.1, random_state=42), pooled test parts,
    equal-count-bin ECE) and Vigil's deterministic variant (caller folds, pooled held-out rows);
  * the CBPE estimators (estimate_roc_auc, estimate_ap, estimate_f1, ...) on rows sorted by raw score, with and
    without NannyML's np.round(..., 5) of the running sums;
  * the sampling-error components of nannyml/sampling_error/binary_classification.py on rows, with NannyML's AP
    bootstrap replayed from np.random.seed(seed) on rows in a fixed order;
  * StandardDeviationThreshold (mean +- 3 np.std) with the [0, 1] limits;
  * multiclass CBPE: one-vs-rest calibration, renormalisation, macro estimators, per-class ROC AUC.
Where Vigil defines something NannyML leaves to sort order (ties at an ECE bin edge, tied scores in the AUROC
sampling error), the fixture holds Vigil's definition computed here a second way, and the generator asserts that it
equals NannyML's literal computation wherever that computation does not depend on the order of ties.
Undefined values are stored as null (NaN in C#).
"""
import json
import math
import os

import mpmath
import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import auc, average_precision_score, roc_auc_score
from sklearn.model_selection import StratifiedShuffleSplit

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Vigil.Statistics.Tests", "Fixtures",
                   "estimation")
mpmath.mp.dps = 50


def num(x):
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


def nums(a):
    return [num(v) for v in a]


# ---------------------------------------------------------------- data

def group(scores, labels):
    """Distinct scores ascending with positives and rows (exact doubles; near-duplicates stay apart)."""
    s, inv = np.unique(scores, return_inverse=True)
    pos = np.bincount(inv, weights=labels, minlength=len(s))
    rows = np.bincount(inv, minlength=len(s)).astype(float)
    return s, pos, rows


def groups_json(scores, labels):
    s, p, r = group(np.asarray(scores, float), np.asarray(labels, float))
    return {"scores": [float(v) for v in s], "positives": [float(v) for v in p], "rows": [float(v) for v in r]}


def expand(g):
    """Rows of a groups dict: for each score its negatives, then its positives (ascending score)."""
    scores, labels = [], []
    for s, p, r in zip(g["scores"], g["positives"], g["rows"]):
        p, r = int(p), int(r)
        scores += [s] * r
        labels += [0.0] * (r - p) + [1.0] * p
    return np.array(scores, float), np.array(labels, float)


def datasets():
    rng = np.random.default_rng(20240601)
    d = {}
    # calibration helps: scores are too low for the truth
    s = np.round(rng.beta(2, 5, 4000), 3)
    d["helps"] = (s, (rng.random(4000) < np.sqrt(s)).astype(float))
    # already calibrated: labels drawn from the scores themselves (its own generator: the decision is close)
    own = np.random.default_rng(104)
    s = np.round(own.random(1000), 4)
    d["calibrated"] = (s, (own.random(1000) < s).astype(float))
    # exactly calibrated: 10 score levels, each with exactly score x 400 positives
    levels = np.arange(0.05, 1, 0.1)
    d["levels"] = (np.repeat(levels, 400), np.concatenate(
        [np.r_[np.ones(int(round(400 * v))), np.zeros(400 - int(round(400 * v)))] for v in levels]))
    # continuous scores, no ties; the lowest-scored row is a negative
    s = rng.random(1500)
    y = (rng.random(1500) < s ** 1.5).astype(float)
    y[np.argmin(s)] = 0.0
    d["continuous"] = (s, y)
    # heavy ties: 12 score levels
    s = rng.integers(0, 12, 3000) / 11.0
    d["ties"] = (s, (rng.random(3000) < 0.15 + 0.6 * s).astype(float))
    # positives are the majority (the AUROC component flips)
    s = np.round(rng.random(2000), 2)
    d["majority"] = (s, (rng.random(2000) < 0.55 + 0.4 * s).astype(float))
    # constant score
    d["constant"] = (np.full(300, 0.3), (rng.random(300) < 0.4).astype(float))
    # near-duplicate scores, merged by scikit-learn within 1e-15 of the group's first score
    base = np.array([0.1, np.nextafter(0.1, 1), 0.1 + 5e-16, 0.1 + 2e-15, 0.1 + 2.5e-15, 0.3, 0.3 + 9e-16, 0.7])
    s = np.repeat(base, 5)
    d["near_duplicates"] = (s, (rng.random(len(s)) < 0.5).astype(float))
    # a single row, and one class only
    d["single_row"] = (np.array([0.42]), np.array([1.0]))
    s = rng.random(50)
    d["all_negative"] = (s, np.zeros(50))
    d["all_positive"] = (s, np.ones(50))
    # perfectly separated (AUC 1)
    s = np.round(rng.random(400), 3)
    d["separated"] = (s, (s > 0.5).astype(float))
    return d


# ---------------------------------------------------------------- isotonic

def fit_iso(scores, labels):
    a = IsotonicRegression(increasing=True, y_min=0, y_max=1, out_of_bounds="clip").fit(scores, labels)
    b = IsotonicRegression(increasing=True, out_of_bounds="clip").fit(scores, labels)  # NannyML's settings
    assert np.array_equal(a.X_thresholds_, b.X_thresholds_) and np.array_equal(a.y_thresholds_, b.y_thresholds_)
    return a


def isotonic_cases(data):
    cases = []
    for name, (s, y) in data.items():
        iso = fit_iso(s, y)
        xs = iso.X_thresholds_
        queries = np.concatenate([
            np.unique(s), xs, (xs[:-1] + xs[1:]) / 2 if len(xs) > 1 else [],
            [xs[0] - 1.0, xs[0] - 1e-9, xs[-1] + 1e-9, xs[-1] + 1.0, -5.0, 5.0],
            np.random.default_rng(len(name)).random(50)])
        cases.append({
            "name": name, "groups": groups_json(s, y),
            "x": [float(v) for v in xs], "y": [float(v) for v in iso.y_thresholds_],
            "queries": [float(v) for v in queries], "predictions": [float(v) for v in iso.predict(queries)],
        })
    return cases


# ---------------------------------------------------------------- ECE and the calibration check

def nannyml_bin_edges(n, bins):
    """NannyML's _get_bin_index_edges."""
    if n <= 2 * bins:
        bins = n // 2
        if bins < 2:
            return None
    width = n // bins
    edges = np.asarray(range(0, n + 1, width))
    edges[-1] = n
    return list(zip(edges[:-1], edges[1:]))


def nannyml_ece_rows(y_true, proba, bins):
    """NannyML's _calculate_expected_calibration_error on rows (ties in whatever order argsort leaves them)."""
    edges = nannyml_bin_edges(len(proba), bins)
    if edges is None:
        return float("nan")
    order = proba.argsort()
    proba, y_true = proba[order], y_true[order]
    terms = [(r - l) / len(proba) * abs(np.mean(proba[l:r]) - np.mean(y_true[l:r])) for l, r in edges]
    return float(np.sum(terms))


def grouped_ece(proba, positives, rows, bins):
    """Vigil's definition: rows sorted by probability; a tied run cut by a bin edge shares its positives pro rata.
    Written with explicit row positions: each distinct probability occupies [start, start + rows)."""
    order = np.argsort(proba, kind="stable")
    proba, positives, rows = proba[order], positives[order], rows[order]
    u, inv = np.unique(proba, return_inverse=True)
    pos = np.bincount(inv, weights=positives)
    cnt = np.bincount(inv, weights=rows)
    n = int(round(cnt.sum()))
    edges = nannyml_bin_edges(n, bins)
    if edges is None:
        return float("nan")
    start = np.concatenate([[0.0], np.cumsum(cnt)[:-1]])
    terms = []
    for l, r in edges:
        overlap = np.clip(np.minimum(start + cnt, r) - np.maximum(start, l), 0, None)
        size = r - l
        terms.append(size / n * abs((overlap * u).sum() / size - (overlap / cnt * pos).sum() / size))
    return float(np.sum(terms))


def cut_ties(proba, bins):
    """True when a bin edge falls inside a run of equal probabilities (NannyML's ECE then depends on tie order)."""
    p = np.sort(proba)
    edges = nannyml_bin_edges(len(p), bins)
    return edges is not None and any(0 < l < len(p) and p[l - 1] == p[l] for l, _ in edges)


def ece_cases(data):
    cases = []
    for name, fit_name, bins in [("continuous", None, 10), ("continuous", "continuous", 10), ("helps", None, 10),
                                 ("helps", "helps", 10), ("ties", "ties", 10), ("calibrated", "helps", 7),
                                 ("constant", None, 10), ("near_duplicates", None, 3), ("single_row", None, 10),
                                 ("helps", "helps", 1000)]:
        s, y = data[name]
        g = group(s, y)
        if fit_name is None:
            proba_g, proba_rows = g[0], s
        else:
            iso = fit_iso(*data[fit_name])
            proba_g, proba_rows = iso.predict(g[0]), iso.predict(s)
        expected = grouped_ece(proba_g, g[1], g[2], bins)
        literal = nannyml_ece_rows(y, proba_rows, bins)
        if not cut_ties(proba_rows, bins):
            assert (math.isnan(expected) and math.isnan(literal)) or abs(expected - literal) <= 1e-12, (name, expected, literal)
        cases.append({"name": f"{name}_cal_{fit_name}_bins_{bins}", "groups": groups_json(s, y),
                      "fit": None if fit_name is None else groups_json(*data[fit_name]), "bins": bins,
                      "ece": num(expected), "nannyml_rows": num(literal), "ties_cut": bool(cut_ties(proba_rows, bins))})
    return cases


def nannyml_needs_calibration(y_true, proba, bins=10, splits=10):
    """NannyML's needs_calibration with IsotonicCalibrator (random splits, seed 42)."""
    if len(np.unique(y_true)) == 1 or roc_auc_score(y_true, proba) > 0.999:
        return False, None, None
    sss = StratifiedShuffleSplit(n_splits=splits, test_size=0.1, random_state=42)
    ys, ps, cs = [], [], []
    for train, test in sss.split(proba, y_true):
        iso = IsotonicRegression(out_of_bounds="clip", increasing=True).fit(proba[train], y_true[train])
        ys.append(y_true[test]); ps.append(proba[test]); cs.append(iso.predict(proba[test]))
    y, p, c = map(np.concatenate, (ys, ps, cs))
    before, after = nannyml_ece_rows(y, p, bins), nannyml_ece_rows(y, c, bins)
    return bool(before > after), before, after


def decide_cases(data):
    cases = []
    for name, k, bins in [("helps", 5, 10), ("calibrated", 5, 10), ("levels", 5, 10), ("continuous", 3, 10), ("ties", 4, 10),
                          ("helps", 2, 10), ("all_negative", 3, 10), ("separated", 3, 10)]:
        s, y = data[name]
        perm = np.random.default_rng(7 + k).permutation(len(s))
        fold_of = np.empty(len(s), int)
        fold_of[perm] = np.arange(len(s)) % k
        folds = [groups_json(s[fold_of == f], y[fold_of == f]) for f in range(k)]
        case = {"name": f"{name}_{k}_folds", "folds": folds, "bins": bins}
        if len(np.unique(y)) == 1:
            case.update(calibrate=False, ece_before=None, ece_after=None, skip="one class")
        elif roc_auc_score(y, s) > 0.999:
            case.update(calibrate=False, ece_before=None, ece_after=None, skip="roc auc above 0.999")
        else:
            pooled_p, pooled_c, pooled_pos, pooled_rows = [], [], [], []
            for f in range(k):
                iso = fit_iso(s[fold_of != f], y[fold_of != f])
                gs, gp, gr = group(s[fold_of == f], y[fold_of == f])
                pooled_p.append(gs); pooled_c.append(iso.predict(gs)); pooled_pos.append(gp); pooled_rows.append(gr)
            pos, rows = np.concatenate(pooled_pos), np.concatenate(pooled_rows)
            before = grouped_ece(np.concatenate(pooled_p), pos, rows, bins)
            after = grouped_ece(np.concatenate(pooled_c), pos, rows, bins)
            case.update(calibrate=bool(before > after), ece_before=before, ece_after=after, skip=None)
        case["nannyml_needs_calibration"] = nannyml_needs_calibration(y, s, bins)[0]
        cases.append(case)
    return cases


# ---------------------------------------------------------------- CBPE estimates

def nannyml_roc_auc(calibrated, raw, rounded):
    order = np.argsort(raw)[::-1]
    p = calibrated[order]
    with np.errstate(divide="ignore", invalid="ignore"):
        tps = np.cumsum(p)
        fps = 1 + np.arange(len(p)) - tps
        tps, fps = np.r_[0, tps], np.r_[0, fps]
        if rounded:
            tps, fps = np.round(tps, 5), np.round(fps, 5)
        tpr, fpr = tps / tps[-1], fps / fps[-1]
        try:
            return float(auc(fpr, tpr))
        except ValueError:
            return float("nan")


def nannyml_ap(calibrated, raw, rounded):
    order = np.argsort(raw)[::-1]
    p = calibrated[order]
    with np.errstate(divide="ignore", invalid="ignore"):
        tps = np.cumsum(p)
        fps = 1 + np.arange(len(p)) - tps
        if rounded:
            tps, fps = np.round(tps, 5), np.round(fps, 5)
        precision = np.r_[1, tps / np.arange(1, len(p) + 1)]
        tps = np.r_[0, tps]
        recall = tps / tps[-1]
        return float(-np.sum(np.diff(recall[::-1]) * precision[::-1][:-1]))


def nannyml_binary(calibrated, y_pred, zero_for_undefined):
    tp = np.sum(np.where(y_pred == 1, calibrated, 0)); fp = np.sum(np.where(y_pred == 1, 1 - calibrated, 0))
    fn = np.sum(np.where(y_pred == 0, calibrated, 0)); tn = np.sum(np.where(y_pred == 0, 1 - calibrated, 0))
    undefined = 0.0 if zero_for_undefined else float("nan")

    def ratio(a, b):
        return a / b if b != 0 else undefined
    return (tp, fp, tn, fn), {"f1": ratio(tp, tp + 0.5 * (fp + fn)), "precision": ratio(tp, tp + fp),
                              "recall": ratio(tp, tp + fn), "specificity": ratio(tn, tn + fp),
                              "accuracy": (tp + tn) / len(y_pred) if len(y_pred) else float("nan")}


def huge_estimate(groups_desc, probabilities, threshold):
    """The per-row estimators in closed form with mpmath, for counts too large to expand."""
    T = F = K = A = AP = mpmath.mpf(0)
    tp = fp = fn = tn = mpmath.mpf(0)
    for (score, rows), p in zip(groups_desc, probabilities):
        p, r = mpmath.mpf(p), mpmath.mpf(rows)
        dT, dF = r * p, r - r * p
        if score >= threshold:
            tp += dT; fp += dF
        else:
            fn += dT; tn += dF
        A += dF * (T + dT / 2)
        AP += p * (r * p + (T - K * p) * (mpmath.harmonic(K + r) - mpmath.harmonic(K)))
        T += dT; F += dF; K += r
    metrics = {"roc_auc": A / (T * F), "average_precision": AP / T, "f1": tp / (tp + (fp + fn) / 2),
               "precision": tp / (tp + fp), "recall": tp / (tp + fn), "specificity": tn / (tn + fp), "accuracy": (tp + tn) / K}
    return [float(v) for v in (tp, fp, tn, fn)], {k: float(v) for k, v in metrics.items()}


def estimate_cases(data):
    rng = np.random.default_rng(99)
    iso_helps = fit_iso(*data["helps"])
    iso_ties = fit_iso(*data["ties"])
    chunks = [
        ("ties", np.random.default_rng(1).integers(0, 12, 2000) / 11.0, "ties", 0.5),
        ("continuous", rng.beta(2, 5, 1000), "helps", 0.3),
        ("rounded_scores", np.round(rng.beta(2, 5, 1500), 2), "helps", 0.25),
        ("one_row", np.array([0.37]), "helps", 0.3),
        ("all_above_threshold", 0.6 + 0.4 * rng.random(300), "helps", 0.5),
        ("constant", np.full(500, 0.21), "helps", 0.2),
        ("identity", rng.random(800), None, 0.5),
        ("identity_ties", np.round(rng.random(800), 1), None, 0.5),
        ("all_zero_probability", np.full(20, -1.0), "zero_low", 0.5),
    ]
    zero_low = fit_iso(np.array([0.0, 0.1, 0.2, 0.9, 1.0]), np.array([0.0, 0.0, 0.0, 1.0, 1.0]))
    cases = []
    for name, raw, cal, threshold in chunks:
        if cal is None:
            calibrated, fit = raw.copy(), None
        else:
            iso = {"helps": iso_helps, "ties": iso_ties, "zero_low": zero_low}[cal]
            calibrated = iso.predict(raw)
            fit = groups_json(*data[cal]) if cal in data else groups_json(np.array([0.0, 0.1, 0.2, 0.9, 1.0]),
                                                                           np.array([0.0, 0.0, 0.0, 1.0, 1.0]))
        s, inv = np.unique(raw, return_inverse=True)
        rows = np.bincount(inv)
        y_pred = (raw >= threshold).astype(int)
        (tp, fp, tn, fn), metrics = nannyml_binary(calibrated, y_pred, zero_for_undefined=False)
        metrics["roc_auc"] = nannyml_roc_auc(calibrated, raw, rounded=False)
        metrics["average_precision"] = nannyml_ap(calibrated, raw, rounded=False) if calibrated.sum() > 0 else float("nan")
        _, nannyml = nannyml_binary(calibrated, y_pred, zero_for_undefined=True)
        nannyml["roc_auc"] = nannyml_roc_auc(calibrated, raw, rounded=True)
        nannyml["average_precision"] = nannyml_ap(calibrated, raw, rounded=True)
        cases.append({"name": name, "fit": fit, "threshold": threshold,
                      "scores_desc": [float(v) for v in s[::-1]], "rows_desc": [int(v) for v in rows[::-1]],
                      "confusion": nums([tp, fp, tn, fn]), "metrics": {k: num(v) for k, v in metrics.items()},
                      "nannyml": {k: num(v) for k, v in nannyml.items()}})
    # huge counts: expected values in closed form (mpmath), no row expansion
    s = np.array([0.9, 0.7, 0.55, 0.4, 0.2, 0.05])
    rows = [3_000_000_000, 17, 250_000_000_000, 1, 9_000_000_000_000, 123_456_789]
    p = iso_helps.predict(s)
    conf, metrics = huge_estimate(list(zip(s, rows)), p, 0.5)
    cases.append({"name": "huge_counts", "fit": groups_json(*data["helps"]), "threshold": 0.5,
                  "scores_desc": [float(v) for v in s], "rows_desc": rows, "confusion": conf, "metrics": metrics,
                  "nannyml": None})
    # the closed form agrees with the row formula where rows can be expanded
    conf2, m2 = huge_estimate(list(zip(cases[1]["scores_desc"], cases[1]["rows_desc"])),
                              iso_helps.predict(np.array(cases[1]["scores_desc"])), 0.3)
    for k, v in m2.items():
        assert abs(v - cases[1]["metrics"][k]) <= 1e-11 * abs(v), (k, v, cases[1]["metrics"][k])
    return cases


# ---------------------------------------------------------------- sampling error

def nannyml_auroc_component_literal(y, s):
    """nannyml's auroc_sampling_error_components, on rows (argsort order decides ties)."""
    if np.mean(y) > 0.5:
        y, s = abs(y - 1), 1 - s
    order = np.argsort(s)
    y = y[order]
    ranks = y * np.arange(len(y))
    idx = np.unique(ranks)[1:]
    ser = [index - i for i, index in enumerate(idx)]
    n_pos = np.sum(y)
    return float(np.std(np.true_divide(ser, len(y) - n_pos))), float(n_pos / len(y))


def auroc_component_midrank(y, s):
    """Vigil's definition: each positive's (negatives strictly below + half the tied) / negatives, population std;
    labels and the order swap when positives are the majority."""
    if np.mean(y) > 0.5:
        y, s = 1 - y, -s
    pos, neg = s[y == 1], np.sort(s[y == 0])
    if len(pos) == 0 or len(neg) == 0:
        return float("nan"), float(len(pos) / len(y))
    below = np.searchsorted(neg, pos, side="left")
    tied = np.searchsorted(neg, pos, side="right") - below
    return float(np.std((below + tied / 2) / len(neg))), float(len(pos) / len(y))


def bernoulli_components(y, y_pred):
    tp = ((y == 1) & (y_pred == 1)).sum(); fp = ((y == 0) & (y_pred == 1)).sum()
    fn = ((y == 1) & (y_pred == 0)).sum(); tn = ((y == 0) & (y_pred == 0)).sum()
    n = len(y)

    def std(a):
        return float(np.std(a)) if len(a) else float("nan")
    out = {
        "precision": (std(np.r_[np.ones(tp), np.zeros(fp)]), (tp + fp) / n),
        "recall": (std(np.r_[np.ones(tp), np.zeros(fn)]), y.sum() / n),
        "specificity": (std(np.r_[np.ones(tn), np.zeros(fp)]), (tn + fp) / n),
        "accuracy": (std((y == y_pred).astype(int)), 1.0),
        "true_positive": (std(((y == 1) & (y_pred == 1)).astype(int)), 1.0),
        "false_positive": (std(((y == 0) & (y_pred == 1)).astype(int)), 1.0),
        "true_negative": (std(((y == 0) & (y_pred == 0)).astype(int)), 1.0),
        "false_negative": (std(((y == 1) & (y_pred == 0)).astype(int)), 1.0),
    }
    relevant = np.r_[np.ones(tp), np.zeros(fn), np.zeros(fp)]
    if len(relevant) == 0:
        out["f1"] = (float("nan"), 0.0)
    else:
        cf = len(relevant) / ((fn + fp) * 0.5 + tp)
        out["f1"] = (float(np.std(relevant * cf)), len(relevant) / n)
    return out


def ap_component(g, seed):
    """NannyML's ap_sampling_error_components after np.random.seed(seed), rows in expand() order."""
    s, y = expand(g)
    sample_size = np.minimum(len(y) // 2, 50_000)
    if 1 not in y or sample_size == 0:
        return float("nan"), 0.0
    np.random.seed(seed)
    results = []
    for _ in range(50):
        idx = np.random.choice(len(y), sample_size, replace=True)
        yt = y[idx]
        if yt.sum() == 0:
            results.append(0.0)   # scikit-learn 1.2 (with a warning): recall 1 everywhere, AP 0
        else:
            results.append(average_precision_score(yt, s[idx]))
    return float(np.std(results)), 1.0 / float(sample_size)


def standard_error(metric, component, n):
    std, fraction = component
    if metric in ("true_positive", "false_positive", "true_negative", "false_negative"):
        return std / np.sqrt(n) * n
    if metric == "average_precision":
        return std * np.sqrt((1.0 / fraction) / n) if fraction > 0 else float("nan")
    if metric == "accuracy":
        return std / np.sqrt(n)
    return std / np.sqrt(n * fraction)


def sampling_cases(data):
    cases = []
    for name, threshold, seed in [("helps", 0.3, 42), ("continuous", 0.5, 7), ("ties", 0.5, 42), ("majority", 0.5, 3),
                                  ("constant", 0.5, 42), ("all_negative", 0.5, 42), ("helps", 2.0, 42),
                                  ("single_row", 0.5, 42)]:
        s, y = data[name]
        g = groups_json(s, y)
        rs, ry = expand(g)   # the rows, in the order the bootstrap indexes them
        y_pred = (rs >= threshold).astype(int)
        comps = bernoulli_components(ry, y_pred)
        comps["roc_auc"] = auroc_component_midrank(ry, rs)
        if name == "continuous":   # no ties and the lowest row is a negative: NannyML's literal function agrees
            lit = nannyml_auroc_component_literal(ry, rs)
            assert abs(lit[0] - comps["roc_auc"][0]) <= 1e-12 and lit[1] == comps["roc_auc"][1], (lit, comps["roc_auc"])
        comps["average_precision"] = ap_component(g, seed)
        ns = [1, 7, 100, 5000]
        cases.append({"name": f"{name}_t{threshold}_seed{seed}", "groups": g, "threshold": threshold, "seed": seed,
                      "components": {k: {"std": num(v[0]), "fraction": num(v[1])} for k, v in comps.items()},
                      "chunk_rows": ns,
                      "standard_errors": {k: [num(standard_error(k, v, n)) for n in ns] for k, v in comps.items()}})
    return cases


# ---------------------------------------------------------------- thresholds

def threshold_cases():
    rng = np.random.default_rng(5)
    lists = {"typical": list(0.8 + 0.02 * rng.standard_normal(12)), "with_nan": [0.7, float("nan"), 0.72, 0.69, 0.71],
             "clipped_low": [0.01, 0.2, 0.0, 0.05, 0.4], "clipped_high": [0.99, 0.8, 1.0, 0.95, 0.6],
             "one_value": [0.5], "one_finite": [float("nan"), 0.5, float("inf")], "empty": [],
             "constant": [0.3, 0.3, 0.3], "many": list(rng.random(300))}
    cases = []
    for name, values in lists.items():
        finite = np.array([v for v in values if math.isfinite(v)])
        if len(finite) < 2:
            lower = upper = None
        else:
            m, sd = np.mean(finite), np.std(finite)
            lower, upper = max(0.0, m - sd * 3), min(1.0, m + sd * 3)
        cases.append({"name": name, "values": [v if math.isfinite(v) else str(v) for v in values],
                      "lower": lower, "upper": upper})
    return cases


# ---------------------------------------------------------------- multiclass

def multiclass_cases():
    rng = np.random.default_rng(31)
    k = 3

    def draw(n, skew):
        logits = rng.normal(0, 1.2, (n, k))
        raw = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        truth = raw ** skew / (raw ** skew).sum(axis=1, keepdims=True)   # the model is miscalibrated
        y = np.array([rng.choice(k, p=t) for t in truth])
        return raw, y

    ref_raw, ref_y = draw(3000, 1.8)
    cases = []
    for name, calibrate, n, extra in [("calibrated_classes", [True, True, True], 800, False),
                                      ("mixed", [True, False, True], 500, True),
                                      ("identity", [False, False, False], 300, False)]:
        fits = []
        for c in range(k):
            fits.append(fit_iso(ref_raw[:, c], (ref_y == c).astype(float)) if calibrate[c] else None)
        raw, _ = draw(n, 1.8)
        if extra:   # rows whose calibrated probabilities are all 0 (uniform after renormalising), and duplicates
            raw = np.vstack([raw, np.tile([1e-6, 0.0, 1e-6], (2, 1)), raw[:5]])
        pred = raw.argmax(axis=1)
        if name == "mixed":
            pred[pred == 1] = 0   # class 1 never predicted: its precision term is 0
        cal = np.column_stack([fits[c].predict(raw[:, c]) if fits[c] is not None else raw[:, c] for c in range(k)])
        den = cal.sum(axis=1)[:, None]
        p = np.divide(cal, den, out=np.full_like(cal, 1 / k), where=den != 0)
        per = {m: [] for m in ("precision", "recall", "f1", "specificity")}
        for c in range(k):
            (tp, fp, tn, fn), m = nannyml_binary(p[:, c], (pred == c).astype(int), zero_for_undefined=True)
            for key in per:
                per[key].append(m[key])
        metrics = {key: float(np.mean(v)) for key, v in per.items()}
        metrics["accuracy"] = float(np.mean(np.max(np.eye(k)[pred] * p, axis=1)))
        roc = [nannyml_roc_auc(p[:, c], raw[:, c], rounded=False) for c in range(k)]
        cases.append({"name": name, "classes": k,
                      "fits": [groups_json(ref_raw[:, c], (ref_y == c).astype(float)) if calibrate[c] else None
                               for c in range(k)],
                      "probabilities": [[float(v) for v in row] for row in raw], "predicted": [int(v) for v in pred],
                      "metrics": metrics, "roc_auc_per_class": roc, "roc_auc": float(np.mean(roc)),
                      "uniform_rows": int((den[:, 0] == 0).sum())})
    assert cases[1]["uniform_rows"] >= 2
    return cases


def legacy_integer_cases():
    """np.random.seed(seed); np.random.choice(n, size): the draws the AP bootstrap replays."""
    cases = []
    for seed, n in [(42, 10), (42, 4000), (0, 1), (7, 2), (123, 2**32), (5, 2**32 + 1), (9, 3 * 10**12), (1, 2**31 + 5)]:
        np.random.seed(seed)
        cases.append({"name": f"seed{seed}_n{n}", "seed": seed, "n": n,
                      "draws": [int(v) for v in np.random.choice(n, 40, replace=True)]})
    return cases


def write(name, cases):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump({"generator": "tools/golden/generate_estimation.py", "cases": cases}, f, separators=(",", ":"))
        f.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    data = datasets()
    write("isotonic.json", isotonic_cases(data))
    write("ece.json", ece_cases(data))
    write("decide.json", decide_cases(data))
    write("estimate.json", estimate_cases(data))
    write("sampling_error.json", sampling_cases(data))
    write("thresholds.json", threshold_cases())
    write("multiclass.json", multiclass_cases())
    write("legacy_integers.json", legacy_integer_cases())


if __name__ == "__main__":
    main()
