#!/usr/bin/python3
"""The pandas + scikit-learn baseline of `vigil estimate` (CBPE for a binary classifier, as NannyML does it).

What a NannyML user gets from `CBPE(problem_type='classification_binary', chunk_period='D', metrics=[...]).fit(ref)
.estimate(analysis)`, written here with pandas and scikit-learn (NannyML is not installed; its algorithm was read
from its source, nannyml/performance_estimation/confidence_based/{cbpe,metrics}.py, nannyml/calibration.py,
nannyml/sampling_error/binary_classification.py, nannyml/thresholds.py, and re-implemented):

    python3 bench/baseline_estimate.py --reference REF.csv --analysis ANA.csv [--chunk day|week|N]
        [--score score] [--prediction prediction] [--label label] [--timestamp timestamp]
        [--calibration auto|always|never] [--metrics roc_auc,precision,recall,f1,specificity,accuracy] [--out FILE]

Steps:
 1. Read both CSVs with pandas (only the four columns; the timestamp parsed with an explicit format).
 2. Calibration (NannyML's rule, `auto`): no calibration if the reference labels have one class or its ROC AUC is
    above 0.999; otherwise 10 stratified shuffle splits (scikit-learn StratifiedShuffleSplit, test_size 0.1,
    random_state 42), an isotonic regression fitted on each train part and applied to its test part, the test parts
    pooled, and the expected calibration error (10 bins of equal COUNT over the pooled rows sorted by probability;
    sum over bins of bin share * |mean probability - mean label|) computed before and after: calibrate when ECE
    after < ECE before. Then IsotonicRegression(increasing=True, out_of_bounds='clip') is fitted on the whole
    reference (score -> label) and maps every analysis score to a calibrated probability p. (scikit-learn's isotonic
    regression: duplicate scores pooled into their mean label with their count as weight, pool-adjacent-violators,
    and prediction by LINEAR interpolation between the fitted points, clipped to the end values outside them.)
    Without calibration p = score.
 3. Chunks: calendar days (`day`), ISO weeks Monday-Sunday (`week`), or N rows in file order (the last chunk may be
    smaller) -- the same chunking for the reference and the analysis set.
 4. Per analysis chunk, the expected confusion matrix at the given predictions (prediction column, e.g. score >= 0.5):
    TP = sum p [pred = 1], FP = sum (1 - p) [pred = 1], FN = sum p [pred = 0], TN = sum (1 - p) [pred = 0];
    precision TP / (TP + FP), recall TP / (TP + FN), specificity TN / (TN + FP), f1 TP / (TP + (FP + FN) / 2),
    accuracy (TP + TN) / n.
    ROC AUC (NannyML's estimate_roc_auc): rows ranked by the UNCALIBRATED score, highest first; the cumulative sums of
    p (expected true positives) and of 1 - p (expected false positives), each with a leading 0 and rounded to 5
    decimals, divided by their totals give the TPR and FPR of an ROC curve whose area (trapezoids,
    sklearn.metrics.auc) is the estimate. With ties in the score (equal p), this equals
    [sum over score groups g of FP_g * (TP_above_g + TP_g / 2)] / (TP_total * FP_total) up to that rounding, which
    moves it by a few 1e-9 (relative): the output also gives this unrounded value (estimated_unrounded).
 5. Sampling errors (NannyML's, from the reference with its labels and UNCALIBRATED scores), for a chunk of n rows:
      accuracy     std(correct) / sqrt(n)                          correct = [label = prediction], std with ddof 0
      precision    std(TP -> 1, FP -> 0 over predicted positives) / sqrt(n * share of predicted positives)
      recall       std(TP -> 1, FN -> 0 over actual positives)    / sqrt(n * share of actual positives)
      specificity  std(TN -> 1, FP -> 0 over actual negatives)    / sqrt(n * share of actual negatives)
      f1           std(c * (TP -> 1, FP, FN -> 0)) / sqrt(n * share of TP + FP + FN rows), c = (TP + FP + FN) /
                   (TP + (FP + FN) / 2)
      roc_auc      if more than half the labels are 1, labels and scores are flipped (1 - y, 1 - s); rows sorted by
                   score ascending (ties: in file order, a stable sort -- NannyML's numpy quicksort leaves tie order
                   unspecified); for the k-th positive (k = 0, 1, ...) in that order at position r_k, the number of
                   negatives before it is r_k - k; std of (r_k - k) / n_neg over the positives, as NannyML computes
                   it: positions taken from the distinct non-zero values of label * position, so a positive at
                   position 0 is dropped and the later ones shift by one; divided by sqrt(n * share of positives).
    The band is estimate -+ 3 sampling errors, clipped to [0, 1].
 6. Thresholds: the REALIZED metric on each reference chunk (ROC AUC on the uncalibrated score, the rest on the
    prediction), mean -+ 3 standard deviations (ddof 0, NaN chunks ignored); a lower threshold <= 0 becomes 0, an
    upper >= 1 becomes 1 (NannyML's limits). Alert when the estimate is below the lower or above the upper threshold.
 7. Realized values on analysis chunks where labels are present (scikit-learn; ROC AUC on the uncalibrated score).

Output (JSON; the contract of `vigil estimate --format json`, plus extra fields and "timings"):
    {"kind":"estimation","method":"cbpe","chunking":"day","calibration":{...},"reference":{...},
     "chunks":[{"key","start","end","rows","metrics":{"roc_auc":{"estimated","sampling_error","lower","upper",
                "realized","threshold_lower","threshold_upper","alert"}, ...}}], "timings":{...}}
start is the chunk's first instant ("YYYY-MM-DD 00:00:00" for day and week chunks), end the first instant after it
(exclusive); for N-row chunks, the first and last timestamps in the chunk.
"""
import argparse
import json
import math
import sys
import time

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import auc, f1_score, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import StratifiedShuffleSplit

METRICS = ["roc_auc", "precision", "recall", "f1", "specificity", "accuracy"]
BAND = 3.0          # NannyML's SAMPLING_ERROR_RANGE
STD_MULTIPLIER = 3  # StandardDeviationThreshold's default


def num(x):
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


# ---------------------------------------------------------------------------------------------- calibration --

def ece_equal_count(y, p, bins=10):
    """NannyML's expected calibration error: rows sorted by probability, `bins` bins of equal count (the last one
    takes the remainder), sum of bin share * |mean p - mean y|."""
    n = len(p)
    if n <= 2 * bins:
        bins = n // 2
    width = n // bins
    edges = list(range(0, n + 1, width))
    edges[-1] = n
    order = np.argsort(p)
    p, y = p[order], y[order]
    return float(sum((r - l) / n * abs(p[l:r].mean() - y[l:r].mean()) for l, r in zip(edges[:-1], edges[1:])))


def needs_calibration(y, s):
    if len(np.unique(y)) == 1:
        return False, None, None
    if roc_auc_score(y, s) > 0.999:
        return False, None, None
    sss = StratifiedShuffleSplit(n_splits=10, test_size=0.1, random_state=42)
    ys, ps, cs = [], [], []
    for train, test in sss.split(s, y):
        iso = IsotonicRegression(out_of_bounds="clip", increasing=True).fit(s[train], y[train])
        ys.append(y[test])
        ps.append(s[test])
        cs.append(iso.predict(s[test]))
    yt, pt, ct = np.concatenate(ys), np.concatenate(ps), np.concatenate(cs)
    before, after = ece_equal_count(yt, pt), ece_equal_count(yt, ct)
    return before > after, before, after


# ------------------------------------------------------------------------------------------------- chunking --

def chunk_keys(ts, chunk):
    """Per row: an integer chunk key, and per key (start, end, label)."""
    if chunk in ("day", "week"):
        day = ts.dt.floor("D")
        start = day if chunk == "day" else day - pd.to_timedelta(day.dt.dayofweek, unit="D")
        keys = start.to_numpy().astype("datetime64[s]").astype(np.int64)
        step = 86400 if chunk == "day" else 7 * 86400
        info = {}
        for k in np.unique(keys):
            st = pd.Timestamp(int(k), unit="s")
            en = pd.Timestamp(int(k) + step, unit="s")
            label = st.strftime("%Y-%m-%d") if chunk == "day" else "%d-W%02d" % st.isocalendar()[:2]
            info[int(k)] = (st.strftime("%Y-%m-%d %H:%M:%S"), en.strftime("%Y-%m-%d %H:%M:%S"), label)
        return keys, info
    size = int(chunk)
    keys = np.arange(len(ts)) // size
    info = {}
    for k in np.unique(keys):
        part = ts.iloc[int(k) * size:(int(k) + 1) * size]
        info[int(k)] = (part.min().strftime("%Y-%m-%d %H:%M:%S"), part.max().strftime("%Y-%m-%d %H:%M:%S"),
                        f"[{int(k) * size}:{int(k) * size + len(part) - 1}]")
    return keys, info


def groups(keys):
    """Row indices per key, keys in ascending order (one stable argsort; rows keep their file order)."""
    if len(keys) == 0:
        return []
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    cuts = np.flatnonzero(np.diff(k)) + 1
    return [(int(k[st]), part) for st, part in zip(np.r_[0, cuts], np.split(order, cuts))]


# --------------------------------------------------------------------------------------------- estimation --

def estimate_roc_auc(p, s):
    """NannyML's estimate_roc_auc: rank by the uncalibrated score s (descending), count p."""
    order = np.argsort(s)[::-1]
    p = p[order]
    tps = np.cumsum(p)
    fps = 1 + np.arange(len(p)) - tps
    tps, fps = np.round(np.r_[0, tps], 5), np.round(np.r_[0, fps], 5)
    if tps[-1] <= 0 or fps[-1] <= 0:
        return None
    return float(auc(fps / fps[-1], tps / tps[-1]))


def estimate_roc_auc_grouped(p, s):
    """The same area without NannyML's rounding, by score groups: sum_g FP_g (TP_above_g + TP_g / 2) /
    (TP_total FP_total). NannyML's rounding of the cumulative counts to 5 decimals moves the estimate by a few 1e-9
    (relative), so an engine that does not round agrees with this value instead."""
    if len(p) == 0:
        return None
    g = pd.DataFrame({"s": s, "tp": p, "fp": 1.0 - p}).groupby("s", sort=True).sum()
    tp, fp = g["tp"].to_numpy()[::-1], g["fp"].to_numpy()[::-1]
    above = np.cumsum(tp) - tp
    t, f = tp.sum(), fp.sum()
    return float(np.sum(fp * (above + tp / 2.0)) / (t * f)) if t > 0 and f > 0 else None


def estimate(metric, p, pred, s):
    if len(p) == 0:
        return None
    if metric == "roc_auc":
        return estimate_roc_auc(p, s)
    pos = pred == 1
    tp, fp = p[pos].sum(), (1.0 - p[pos]).sum()
    fn, tn = p[~pos].sum(), (1.0 - p[~pos]).sum()
    if metric == "precision":
        return tp / (tp + fp) if tp + fp > 0 else None
    if metric == "recall":
        return tp / (tp + fn) if tp + fn > 0 else None
    if metric == "specificity":
        return tn / (tn + fp) if tn + fp > 0 else None
    if metric == "f1":
        return tp / (tp + 0.5 * (fp + fn)) if tp + fp + fn > 0 else None
    if metric == "accuracy":
        return (tp + tn) / len(p)
    raise ValueError(metric)


def realized(metric, y, pred, s):
    if len(y) == 0:
        return None
    if metric == "roc_auc":
        return roc_auc_score(y, s) if len(np.unique(y)) == 2 else None
    if metric == "accuracy":
        return float((y == pred).mean())
    if metric == "specificity":
        tn, fp = int(((y == 0) & (pred == 0)).sum()), int(((y == 0) & (pred == 1)).sum())
        return tn / (tn + fp) if tn + fp > 0 else None
    # NannyML: NaN when y or the prediction has one value only
    if len(np.unique(y)) < 2 or len(np.unique(pred)) < 2:
        return None
    f = {"precision": precision_score, "recall": recall_score, "f1": f1_score}[metric]
    return f(y, pred, zero_division=0)


def sampling_error_components(metric, y, pred, s):
    """(std, fraction) from the reference, as nannyml/sampling_error/binary_classification.py."""
    if metric == "accuracy":
        return float(np.std((y == pred).astype(float))), 1.0
    tp, fp = (y == 1) & (pred == 1), (y == 0) & (pred == 1)
    fn, tn = (y == 1) & (pred == 0), (y == 0) & (pred == 0)
    if metric == "precision":
        obs = np.r_[np.ones(tp.sum()), np.zeros(fp.sum())]
        return float(np.std(obs)), float(pred.sum() / len(pred))
    if metric == "recall":
        obs = np.r_[np.ones(tp.sum()), np.zeros(fn.sum())]
        return float(np.std(obs)), float(y.sum() / len(y))
    if metric == "specificity":
        obs = np.r_[np.ones(tn.sum()), np.zeros(fp.sum())]
        return float(np.std(obs)), float(len(obs) / len(y))
    if metric == "f1":
        obs = np.r_[np.ones(tp.sum()), np.zeros(fn.sum() + fp.sum())]
        if len(obs) == 0:
            return None, 0.0
        c = len(obs) / ((fn.sum() + fp.sum()) * 0.5 + tp.sum())
        return float(np.std(obs * c)), float(len(obs) / len(y))
    if metric == "roc_auc":
        yy, ss = y.astype(np.int64), s.astype(float)
        if yy.mean() > 0.5:
            yy, ss = 1 - yy, 1.0 - ss
        order = np.argsort(ss, kind="stable")
        yy = yy[order]
        ranks = np.unique(yy * np.arange(len(yy)))[1:]      # positions of the positives (a positive at 0 is lost)
        ser = ranks - np.arange(len(ranks))
        n_pos = yy.sum()
        n_neg = len(yy) - n_pos
        return float(np.std(ser / n_neg)), float(n_pos / len(yy))
    raise ValueError(metric)


def thresholds(values):
    v = np.array([np.nan if x is None else x for x in values], dtype=float)
    if np.all(np.isnan(v)):
        return None, None
    mean, std = np.nanmean(v), np.nanstd(v)
    lo, hi = mean - STD_MULTIPLIER * std, mean + STD_MULTIPLIER * std
    return (0.0 if lo <= 0 else float(lo)), (1.0 if hi >= 1 else float(hi))


# ---------------------------------------------------------------------------------------------------- main --

def read(path, a, need_label):
    cols = [a.timestamp, a.score, a.prediction] + ([a.label] if a.label else [])
    head = pd.read_csv(path, nrows=0).columns
    cols = [c for c in cols if c in head]
    df = pd.read_csv(path, usecols=cols, keep_default_na=False, na_values=[""],
                     dtype={a.score: "float64", a.prediction: "float64", **({a.label: "float64"} if a.label in cols else {})})
    df[a.timestamp] = pd.to_datetime(df[a.timestamp], format=a.timestamp_format)
    if need_label and a.label not in df:
        sys.exit(f"baseline_estimate: the reference needs the label column '{a.label}'")
    return df


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", required=True)
    ap.add_argument("--analysis", required=True)
    ap.add_argument("--chunk", default="day", help="day, week or a row count")
    ap.add_argument("--score", default="score")
    ap.add_argument("--prediction", default="prediction")
    ap.add_argument("--label", default="label")
    ap.add_argument("--timestamp", default="timestamp")
    ap.add_argument("--timestamp-format", default="%Y-%m-%d %H:%M:%S")
    ap.add_argument("--calibration", choices=["auto", "always", "never"], default="auto")
    ap.add_argument("--metrics", default=",".join(METRICS))
    ap.add_argument("--out", help="write the JSON here (default: stdout)")
    a = ap.parse_args(argv)
    metrics = [m.strip() for m in a.metrics.split(",") if m.strip()]
    for m in metrics:
        if m not in METRICS:
            sys.exit(f"baseline_estimate: unknown metric {m} (one of {', '.join(METRICS)})")
    timings = {}
    t0 = time.perf_counter()

    ref = read(a.reference, a, True)
    ana = read(a.analysis, a, False)
    t1 = time.perf_counter()
    timings["read_seconds"] = t1 - t0

    # NannyML drops rows with a missing value in the columns a metric needs; here: score, prediction (and label).
    ref = ref[ref[a.score].notna() & ref[a.prediction].notna() & ref[a.label].isin([0, 1])]
    ana = ana[ana[a.score].notna() & ana[a.prediction].notna()]
    ry = ref[a.label].to_numpy().astype(np.int64)
    rs = ref[a.score].to_numpy()
    rp = ref[a.prediction].to_numpy().astype(np.int64)

    if a.calibration == "auto":
        calibrate, ece_before, ece_after = needs_calibration(ry, rs)
    else:
        calibrate, ece_before, ece_after = a.calibration == "always", None, None
    s = ana[a.score].to_numpy()
    if calibrate:
        iso = IsotonicRegression(out_of_bounds="clip", increasing=True).fit(rs, ry)
        p = iso.predict(s)
        fitted_points = int(len(iso.X_thresholds_))
    else:
        p = s.astype(float)
        fitted_points = None
    t2 = time.perf_counter()
    timings["calibrate_seconds"] = t2 - t1

    # Reference: sampling-error components and thresholds from its chunks.
    components = {m: sampling_error_components(m, ry, rp, rs) for m in metrics}
    rkeys, rinfo = chunk_keys(ref[a.timestamp], a.chunk)
    ref_chunks = []
    ref_realized = {m: [] for m in metrics}
    for k, idx in groups(rkeys):
        rec = {"key": rinfo[k][2], "start": rinfo[k][0], "end": rinfo[k][1], "rows": int(len(idx)), "realized": {}}
        for m in metrics:
            v = num(realized(m, ry[idx], rp[idx], rs[idx]))
            rec["realized"][m] = v
            ref_realized[m].append(v)
        ref_chunks.append(rec)
    thr = {m: thresholds(ref_realized[m]) for m in metrics}

    # Analysis chunks.
    akeys, ainfo = chunk_keys(ana[a.timestamp], a.chunk)
    ap_ = ana[a.prediction].to_numpy().astype(np.int64)
    has_label = a.label in ana
    ay = ana[a.label].to_numpy() if has_label else None
    chunks = []
    for k, idx in groups(akeys):
        n = len(idx)
        rec = {"key": ainfo[k][2], "start": ainfo[k][0], "end": ainfo[k][1], "rows": int(n), "metrics": {}}
        if has_label:
            lab = ~np.isnan(ay[idx])
            li = idx[lab]
            rec["labelled_rows"] = int(len(li))
        for m in metrics:
            est = num(estimate(m, p[idx], ap_[idx], s[idx]))
            std, frac = components[m]
            se = None if std is None or frac == 0 else std / math.sqrt(n * frac)
            lo_t, hi_t = thr[m]
            cell = {"estimated": est, "sampling_error": num(se),
                    "lower": None if est is None or se is None else max(0.0, est - BAND * se),
                    "upper": None if est is None or se is None else min(1.0, est + BAND * se),
                    "realized": num(realized(m, ay[li].astype(np.int64), ap_[li], s[li])) if has_label and len(li) else None,
                    "threshold_lower": lo_t, "threshold_upper": hi_t,
                    "alert": bool(est is not None and ((lo_t is not None and est < lo_t) or
                                                       (hi_t is not None and est > hi_t)))}
            if m == "roc_auc":   # extra: the unrounded area, and its band (see estimate_roc_auc_grouped)
                ex = num(estimate_roc_auc_grouped(p[idx], s[idx]))
                cell["estimated_unrounded"] = ex
                cell["lower_unrounded"] = None if ex is None or se is None else max(0.0, ex - BAND * se)
                cell["upper_unrounded"] = None if ex is None or se is None else min(1.0, ex + BAND * se)
            rec["metrics"][m] = cell
        chunks.append(rec)
    t3 = time.perf_counter()
    timings["estimate_seconds"] = t3 - t2
    timings["total_seconds"] = t3 - t0

    result = {
        "kind": "estimation", "method": "cbpe", "problem": "binary_classification", "chunking": a.chunk,
        "reference_source": a.reference, "analysis_source": a.analysis, "metrics_estimated": metrics,
        "calibration": {"method": "isotonic", "rule": a.calibration, "applied": bool(calibrate),
                        "ece_before": num(ece_before), "ece_after": num(ece_after), "fitted_points": fitted_points},
        "reference": {"rows": int(len(ref)), "chunks": ref_chunks,
                      "sampling_error_components": {m: {"std": num(c[0]), "fraction": num(c[1])}
                                                    for m, c in components.items()},
                      "thresholds": {m: {"lower": t[0], "upper": t[1]} for m, t in thr.items()}},
        "analysis": {"rows": int(len(ana))},
        "chunks": chunks, "timings": timings}
    text = json.dumps(result, indent=1, allow_nan=False)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")
    print(f"baseline_estimate: reference {len(ref)} rows ({len(ref_chunks)} chunks), analysis {len(ana)} rows "
          f"({len(chunks)} chunks), calibration {'applied' if calibrate else 'not applied'}; "
          + ", ".join(f"{k} {v:.2f}" for k, v in timings.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
