#!/usr/bin/python3
"""Golden fixtures for Vigil.Statistics.Fairness.

Run with Debian's interpreter (python3-numpy, python3-pandas, python3-scipy, python3-sklearn):

    /usr/bin/python3 tools/golden/generate_fairness.py

Writes tests/Vigil.Statistics.Tests/Fixtures/fairness_cases.json. Deterministic (fixed seeds).

Fairlearn and Aequitas are not installed here, so their definitions are re-implemented from their documentation and
source (fairlearn.metrics: MetricFrame.difference / ratio, demographic_parity_*, equalized_odds_*, equal_opportunity_*;
fairlearn.postprocessing.ThresholdOptimizer and _tradeoff_curve_utilities; aequitas.bias.Bias.get_disparity_major_group
and aequitas.fairness.Fairness) on row-level data, with scikit-learn's metrics:

  * Group metrics, MetricFrame style: the rows of each group through sklearn.metrics.confusion_matrix
    (labels=[0, 1], sample_weight for the weighted data set), Fairlearn's selection_rate formula, and
    sklearn.metrics.roc_auc_score. Deliberate difference to Fairlearn: a rate over an empty class (TPR and FNR without
    positives, FPR without negatives) and precision without predicted positives are NaN, not 0 (scikit-learn's
    confusion_matrix(normalize="true") turns 0/0 into 0, and precision_score's zero_division gives 0).
  * Wilson score intervals by Wilson's (1927) formula with scipy.stats.norm.ppf.
  * Summaries exactly as MetricFrame.difference / ratio compute them with pandas (NaN groups skipped by min / max,
    ratio_sub_one for to_overall); equalized odds takes the worst of the TPR and FPR components with NaN ignored
    (Fairlearn's built-in max/min over the pair would return NaN only when the TPR component is NaN).
  * Aequitas: the crosstab (ppr, pprev, precision, fpr, fnr, tpr, accuracy), the majority (largest, first on ties)
    or a given reference group, disparity = metric / reference metric, fair when tau <= d <= 1/tau. Deliberate
    difference: a disparity over a reference value of 0 is undefined (Aequitas fills x/0 with 10).
  * Threshold mitigation (Hardt, Price & Srebro 2016): each group's operating points from its sorted rows, the upper
    convex hull (Fairlearn's monotone-chain filter, on unscaled counts), Fairlearn's interpolation convention, and
      - grid: Fairlearn's search over numpy.linspace(0, 1, grid + 1);
      - exact: every candidate rate (all hull vertices, and for equalized odds every crossing of two hull segments),
        the smallest one within 1e-12 of the best;
    checked against a linear programme over all randomised per-group rules (scipy.optimize.linprog, HiGHS), and, where
    Fairlearn's ThresholdOptimizer is defined (no group with one label class, accuracy objective), against a literal
    re-implementation of its code path on normalised rates.
Expected values that are undefined are stored as null (NaN in C#); a threshold of +infinity as null.
"""
import json
import math
import os

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import linprog
from sklearn.metrics import confusion_matrix, roc_auc_score

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Vigil.Statistics.Tests", "Fixtures")
TIE = 1e-12


def num(x):
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


# ---------------------------------------------------------------- data sets (rows: group, score, label, weight)

def logistic_rows(rng, n, base_rate, signal, decimals):
    y = (rng.random(n) < base_rate).astype(int)
    z = signal * (2 * y - 1) + rng.normal(size=n)
    return np.round(1.0 / (1.0 + np.exp(-z)), decimals), y


def frame(parts):
    """parts: list of (key, scores, labels[, weights]) -> DataFrame with group, score, label, weight."""
    rows = []
    for p in parts:
        key, s, y = p[0], np.asarray(p[1], float), np.asarray(p[2], int)
        w = np.asarray(p[3], float) if len(p) > 3 else np.ones(len(s))
        rows.append(pd.DataFrame(dict(group=key, score=s, label=y, weight=w)))
    return pd.concat(rows, ignore_index=True)


def datasets():
    rng = np.random.default_rng(20240612)
    d = {}
    d["three_groups"] = frame([
        ("A",) + logistic_rows(rng, 400, 0.30, 1.0, 2),
        ("B",) + logistic_rows(rng, 250, 0.50, 0.6, 2),
        ("C",) + logistic_rows(rng, 120, 0.20, 1.4, 2),
    ])
    s_big, y_big = logistic_rows(rng, 300, 0.4, 1.0, 2)
    s_np = np.round(rng.beta(2, 5, 40), 2)
    s_nn = np.round(rng.beta(5, 2, 25), 2)
    s_small, y_small = logistic_rows(rng, 12, 0.5, 1.0, 2)
    d["edge"] = frame([
        ("big", s_big, y_big),
        ("no_pos", s_np, np.zeros(40, int)),
        ("no_neg", s_nn, np.ones(25, int)),
        ("one_row", [0.72], [1]),
        ("small", s_small, y_small),
    ])
    # intersection of two attributes, keyed "gender&race"
    n = 2500
    gender = rng.choice(["F", "M"], size=n, p=[0.55, 0.45])
    race = rng.choice(["a", "b", "c", "d"], size=n, p=[0.5, 0.25, 0.2, 0.05])
    base = 0.25 + 0.1 * (gender == "F") + np.select([race == "a", race == "b", race == "c"], [0.0, 0.1, -0.05], 0.2)
    y = (rng.random(n) < base).astype(int)
    sig = 1.1 - 0.3 * (race == "d") + 0.2 * (gender == "M")
    s = np.round(1.0 / (1.0 + np.exp(-(sig * (2 * y - 1) + rng.normal(size=n)))), 2)
    keys = np.char.add(np.char.add(gender.astype(str), "&"), race.astype(str))
    d["intersection"] = frame([(k, s[keys == k], y[keys == k]) for k in sorted(set(keys))])
    # huge counts: 40 distinct scores, billions of rows per group, as weights
    parts = []
    for key, slope in (("north", 3.0), ("south", 1.5), ("east", 0.8)):
        grid = np.arange(1, 41) / 40.0
        rows = rng.integers(100_000_000, 5_000_000_000, size=40).astype(float)
        prob = 1.0 / (1.0 + np.exp(-slope * (grid - 0.55) * 6))
        pos = np.floor(rows * prob)
        neg = rows - pos
        scores = np.concatenate([grid, grid])
        labels = np.concatenate([np.ones(40, int), np.zeros(40, int)])
        weights = np.concatenate([pos, neg])
        keep = weights > 0
        parts.append((key, scores[keep], labels[keep], weights[keep]))
    d["huge"] = frame(parts)
    # small: 3 groups, at most 11 distinct scores each (the brute-force-sized case)
    d["small"] = frame([
        ("g1",) + logistic_rows(rng, 60, 0.4, 1.2, 1),
        ("g2",) + logistic_rows(rng, 45, 0.6, 0.7, 1),
        ("g3",) + logistic_rows(rng, 50, 0.25, 1.6, 1),
    ])
    return d


def cells_of(df):
    """The fixture's input: per group [score, positives, negatives] (descending scores)."""
    out = []
    for key in df.group.unique():
        g = df[df.group == key]
        pos = g[g.label == 1].groupby("score").weight.sum()
        neg = g[g.label == 0].groupby("score").weight.sum()
        scores = sorted(set(g.score), reverse=True)
        out.append(dict(key=key, cells=[[float(sc), int(pos.get(sc, 0)), int(neg.get(sc, 0))] for sc in scores]))
    return out


# ---------------------------------------------------------------- group metrics (MetricFrame style)

Z = {}


def wilson(x, n, confidence):
    if n == 0:
        return None, None
    z = Z.setdefault(confidence, stats.norm.ppf(0.5 + confidence / 2.0))
    p = x / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / denom
    lower = 0.0 if x == 0 else max(0.0, centre - half)
    upper = 1.0 if x == n else min(1.0, centre + half)
    return lower, upper


def rate(x, n, confidence):
    lo, hi = wilson(x, n, confidence)
    return dict(value=None if n == 0 else x / n, num=int(round(x)), den=int(round(n)), lower=lo, upper=hi)


def group_metrics(rows, threshold, confidence, min_size):
    y, s, w = rows.label.to_numpy(), rows.score.to_numpy(), rows.weight.to_numpy()
    y_pred = (s >= threshold).astype(int)
    tn, fp, fn, tp = confusion_matrix(y, y_pred, labels=[0, 1], sample_weight=w).ravel()
    n = w.sum()
    sel = float(np.dot(y_pred == 1, w) / w.sum())  # fairlearn.metrics.selection_rate
    try:
        auc = roc_auc_score(y, s, sample_weight=w)
    except ValueError:
        auc = float("nan")
    r = dict(size=int(n), positives=int(tp + fn), negatives=int(tn + fp), tp=int(tp), fp=int(fp), tn=int(tn), fn=int(fn),
             selection_rate=rate(tp + fp, n, confidence), tpr=rate(tp, tp + fn, confidence), fpr=rate(fp, fp + tn, confidence),
             fnr=rate(fn, tp + fn, confidence), precision=rate(tp, tp + fp, confidence),
             accuracy=rate(tp + tn, n, confidence), roc_auc=num(auc), below_min=bool(n < min_size))
    assert abs(r["selection_rate"]["value"] - sel) < 1e-15
    return r


def ratio_sub_one(x):
    if x > 1:
        return 1 / x
    return x


def summaries(by_group, overall):
    """MetricFrame.difference / .ratio exactly as fairlearn computes them (pandas, NaN skipped)."""
    def series(metric):
        return pd.Series([np.nan if g[metric]["value"] is None else g[metric]["value"] for g in by_group], dtype=float)

    def ov(metric):
        v = overall[metric]["value"]
        return np.nan if v is None else v

    def diff(metric, method):
        s = series(metric)
        sub = s.min() if method == "between_groups" else ov(metric)
        return (s - sub).abs().max()

    def ratio(metric, method):
        s = series(metric)
        with np.errstate(all="ignore"):
            if method == "between_groups":
                return np.float64(s.min()) / np.float64(s.max())
            return (s / ov(metric)).transform(ratio_sub_one).min()

    out = []
    for name, metrics in (("demographic_parity", ["selection_rate"]), ("equalized_odds", ["tpr", "fpr"]),
                          ("equal_opportunity", ["tpr"])):
        for kind, fn, agg in (("difference", diff, np.nanmax), ("ratio", ratio, np.nanmin)):
            for method in ("between_groups", "to_overall"):
                vals = [fn(m, method) for m in metrics]
                if all(np.isnan(v) for v in vals):
                    value = float("nan")
                else:
                    value = agg(vals)
                out.append(dict(name=f"{name}_{kind}", method=method, value=num(value)))
    return out


AEQ_METRICS = ["ppr", "pprev", "precision", "fpr", "fnr", "tpr", "accuracy"]


def aequitas(by_group, keys, tau, reference=None):
    with np.errstate(all="ignore"):
        ct = pd.DataFrame(dict(attribute_value=keys, group_size=[g["size"] for g in by_group],
                               pp=[g["tp"] + g["fp"] for g in by_group], tp=[g["tp"] for g in by_group],
                               fp=[g["fp"] for g in by_group], tn=[g["tn"] for g in by_group], fn=[g["fn"] for g in by_group]),
                          dtype=object)
        for c in ("group_size", "pp", "tp", "fp", "tn", "fn"):
            ct[c] = ct[c].astype(float)
        ct["ppr"] = ct.pp / ct.pp.sum()
        ct["pprev"] = ct.pp / ct.group_size
        ct["precision"] = ct.tp / ct.pp
        ct["fpr"] = ct.fp / (ct.fp + ct.tn)
        ct["fnr"] = ct.fn / (ct.fn + ct.tp)
        ct["tpr"] = ct.tp / (ct.tp + ct.fn)
        ct["accuracy"] = (ct.tp + ct.tn) / ct.group_size
    ref_idx = ct.group_size.idxmax() if reference is None else int(np.flatnonzero(ct.attribute_value == reference)[0])
    ref = ct.loc[ref_idx]
    rows = []
    parities = []
    for m in AEQ_METRICS:
        unfair, undefined = [], []
        for i in range(len(ct)):
            v, r = ct.loc[i, m], ref[m]
            if np.isnan(v) or np.isnan(r) or r == 0:
                d, fair = None, None
                undefined.append(ct.loc[i, "attribute_value"])
            else:
                d = v / r
                fair = bool(tau <= d <= 1 / tau)
                if not fair:
                    unfair.append(ct.loc[i, "attribute_value"])
            rows.append(dict(group=ct.loc[i, "attribute_value"], metric=m, value=num(v), reference_value=num(r),
                             disparity=num(d), fair=fair))
        parities.append(dict(metric=m, fair=None if len(undefined) == len(ct) else len(unfair) == 0,
                             unfair=unfair, undefined=undefined))
    return dict(reference=ref.attribute_value, tau=tau, rows=rows, parities=parities)


def metric_case(name, dataset, df, threshold, tau=0.8, given_reference=None, confidence=0.95, min_size=30):
    keys = list(df.group.unique())
    by_group = [group_metrics(df[df.group == k], threshold, confidence, min_size) for k in keys]
    overall = group_metrics(df, threshold, confidence, min_size)
    case = dict(name=name, dataset=dataset, threshold=threshold, confidence=confidence, min_size=min_size,
                expected=dict(overall=overall, by_group=by_group, summaries=summaries(by_group, overall),
                              aequitas_largest=aequitas(by_group, keys, tau)))
    if given_reference is not None:
        case["expected"]["aequitas_given"] = aequitas(by_group, keys, tau, given_reference)
        case["given_reference"] = given_reference
    case["tau"] = tau
    return case


# ---------------------------------------------------------------- threshold mitigation

class Group:
    """Operating points of one group from its rows: point 0 predicts nothing, point i >= 1 score >= i-th highest score."""

    def __init__(self, key, rows):
        self.key = key
        self.rows = rows
        order = np.argsort(-rows.score.to_numpy(), kind="stable")
        s = rows.score.to_numpy()[order]
        y = rows.label.to_numpy()[order]
        w = rows.weight.to_numpy()[order]
        uniq = []
        tp, fp = [0.0], [0.0]
        for i in range(len(s)):
            if not uniq or s[i] != uniq[-1]:
                uniq.append(s[i])
                tp.append(tp[-1])
                fp.append(fp[-1])
            if y[i] == 1:
                tp[-1] += w[i]
            else:
                fp[-1] += w[i]
        self.thresholds = [math.inf] + uniq
        self.tp = np.array(tp)
        self.fp = np.array(fp)
        self.P = float(self.tp[-1])
        self.N = float(self.fp[-1])
        self.n = self.P + self.N


def upper_hull(a, b, xscale, yscale):
    """Fairlearn's _filter_points_to_get_convex_hull on unscaled points sorted by (a, b), equal a reduced to the highest b."""
    idx = sorted(range(len(a)), key=lambda i: (a[i], b[i], i))
    pts = [i for k, i in enumerate(idx) if not (k + 1 < len(idx) and a[idx[k + 1]] == a[i])]
    sel = []
    for r2 in pts:
        while len(sel) >= 2:
            r1, r0 = sel[-1], sel[-2]
            if (b[r1] - b[r0]) * (a[r2] - a[r0]) <= (b[r2] - b[r0]) * (a[r1] - a[r0]):
                sel.pop()
            else:
                break
        sel.append(r2)
    return dict(x=np.array([a[i] / xscale for i in sel]), y=np.array([b[i] / yscale for i in sel]), point=sel)


def chain(a, xscale):
    return dict(x=np.array([v / xscale for v in a]), y=np.zeros(len(a)), point=list(range(len(a))))


def interpolate(curve, x):
    """Fairlearn's _get_interpolation_indices / _interpolate_curve for one x (x = 0 is the grid's first point)."""
    X = curve["x"]
    if x <= X[0]:
        i = 0
    else:
        i = int(np.searchsorted(X, x, side="right")) - 1
        if X[i] == x:
            i -= 1
    i = min(i, len(X) - 2)
    p0 = (X[i + 1] - x) / (X[i + 1] - X[i])
    return i, p0, 1 - p0


def value_at(curve, x):
    i, p0, p1 = interpolate(curve, x)
    return p0 * curve["y"][i] + p1 * curve["y"][i + 1]


def rule_of(g, curve, i, p0, p1, q=0.0, c=0.0):
    th = g.thresholds
    a, b = curve["point"][i], curve["point"][i + 1]
    if p1 == 0.0:
        return dict(upper=th[a], lower=th[a], p=0.0, q=q, c=c)
    if p0 == 0.0:
        return dict(upper=th[b], lower=th[b], p=0.0, q=q, c=c)
    return dict(upper=th[a], lower=th[b], p=p1, q=q, c=c)


def prob_positive(rule, s):
    t = np.where(s >= rule["upper"], 1.0, np.where(s >= rule["lower"], rule["p"], 0.0))
    return (1 - rule["q"]) * t + rule["q"] * rule["c"]


def outcome(g, rule):
    pr = prob_positive(rule, g.rows.score.to_numpy())
    w, y = g.rows.weight.to_numpy(), g.rows.label.to_numpy()
    tp = float(np.sum(pr * w * (y == 1)))
    fp = float(np.sum(pr * w * (y == 0)))
    n, P, N = g.n, g.P, g.N
    return dict(tp=tp, fp=fp, selection_rate=(tp + fp) / n, tpr=None if P == 0 else tp / P,
                fpr=None if N == 0 else fp / N, accuracy=(tp + N - fp) / n)


def choose(candidates, F, grid, tol):
    """Exact: the smallest candidate rate within tol of the best; grid: the first grid rate within tol of the best."""
    xs = sorted(set(candidates)) if grid == 0 else [float(x) for x in np.linspace(0, 1, grid + 1)]
    vals = [F(x) for x in xs]
    best = max(vals)
    for x, v in zip(xs, vals):
        if v >= best - tol:
            return x


def crossings(c1, c2):
    """x where two piecewise-linear curves cross, segment pair by segment pair."""
    out = []
    for i in range(len(c1["x"]) - 1):
        for j in range(len(c2["x"]) - 1):
            lo = max(c1["x"][i], c2["x"][j])
            hi = min(c1["x"][i + 1], c2["x"][j + 1])
            if lo >= hi:
                continue
            s1 = (c1["y"][i + 1] - c1["y"][i]) / (c1["x"][i + 1] - c1["x"][i])
            s2 = (c2["y"][j + 1] - c2["y"][j]) / (c2["x"][j + 1] - c2["x"][j])
            if s1 == s2:
                continue
            a1 = c1["y"][i] - s1 * c1["x"][i]
            a2 = c2["y"][j] - s2 * c2["x"][j]
            x = (a2 - a1) / (s1 - s2)
            if lo < x < hi:
                out.append(float(x))
    return out


def mitigate(df, constraint, cfp, cfn, grid, threshold=0.5):
    groups = [Group(k, df[df.group == k]) for k in df.group.unique()]
    n = sum(g.n for g in groups)
    P = sum(g.P for g in groups)
    N = sum(g.N for g in groups)
    tol = TIE * max(cfp, cfn)
    roles, curves, rules = {}, {}, {}
    for g in groups:
        u = [-(cfp * g.fp[i] + cfn * (g.P - g.tp[i])) for i in range(len(g.tp))]
        if constraint in ("demographic_parity", "equal_opportunity"):
            if constraint == "equal_opportunity" and g.P == 0:
                roles[g.key] = "unconstrained"
                best = int(np.argmax(u))
                rules[g.key] = dict(upper=g.thresholds[best], lower=g.thresholds[best], p=0.0, q=0.0, c=0.0)
            else:
                roles[g.key] = "constrained"
                a = [g.tp[i] + g.fp[i] for i in range(len(g.tp))] if constraint == "demographic_parity" else list(g.tp)
                curves[g.key] = upper_hull(a, u, g.n if constraint == "demographic_parity" else g.P, n)
        else:
            if g.P == 0:
                roles[g.key] = "fpr_only"
                curves[g.key] = chain(list(g.fp), g.N)
            elif g.N == 0:
                roles[g.key] = "tpr_only"
                curves[g.key] = chain(list(g.tp), g.P)
            else:
                roles[g.key] = "constrained"
                curves[g.key] = upper_hull(list(g.fp), list(g.tp), g.N, g.P)
    cons = [g for g in groups if roles[g.key] == "constrained"]
    x_best = y_best = None
    if constraint in ("demographic_parity", "equal_opportunity"):
        if cons:
            def F(x):
                return sum(value_at(curves[g.key], x) for g in cons)
            cands = [float(v) for g in cons for v in curves[g.key]["x"]]
            x_best = choose(cands, F, grid, tol)
            for g in cons:
                i, p0, p1 = interpolate(curves[g.key], x_best)
                rules[g.key] = rule_of(g, curves[g.key], i, p0, p1)
    else:
        wy, wx = cfn * P / n, cfp * N / n

        def E(x):
            return min([1.0] + [value_at(curves[g.key], x) for g in cons])

        def F(x):
            return wy * E(x) - wx * x
        cands = [0.0, 1.0] + [float(v) for g in cons for v in curves[g.key]["x"]]
        for i in range(len(cons)):
            for j in range(i + 1, len(cons)):
                cands += crossings(curves[cons[i].key], curves[cons[j].key])
        x_best = choose(cands, F, grid, tol) if cons else 0.0
        y_best = E(x_best)
        for g in groups:
            c = curves[g.key]
            if roles[g.key] == "constrained":
                i, p0, p1 = interpolate(c, x_best)
                h = p0 * c["y"][i] + p1 * c["y"][i + 1]
                q = 0.0 if h == x_best else min(1.0, max(0.0, (h - y_best) / (h - x_best)))
                rules[g.key] = rule_of(g, c, i, p0, p1, q, 0.0 if q == 0.0 else x_best)
            else:
                i, p0, p1 = interpolate(c, y_best if roles[g.key] == "tpr_only" else x_best)
                rules[g.key] = rule_of(g, c, i, p0, p1)
    before = {g.key: outcome(g, dict(upper=threshold, lower=threshold, p=0.0, q=0.0, c=0.0)) for g in groups}
    after = {g.key: outcome(g, rules[g.key]) for g in groups}

    def loss(o, g):
        return cfp * o["fp"] + cfn * (g.P - o["tp"])

    def objective(which):
        lsum = sum(loss(which[g.key], g) for g in groups)
        return lsum / n

    def violation(which):
        def spread(metric, keep):
            vals = [which[g.key][metric] for g in groups if keep(g)]
            return max(vals) - min(vals) if len(vals) > 1 else 0.0
        if constraint == "demographic_parity":
            return spread("selection_rate", lambda g: g.n > 0)
        if constraint == "equal_opportunity":
            return spread("tpr", lambda g: g.P > 0)
        return max(spread("tpr", lambda g: g.P > 0), spread("fpr", lambda g: g.N > 0))

    lp = lp_optimum(groups, roles, constraint, cfp, cfn, n)
    out = dict(x=num(x_best), y=num(y_best), loss_before=objective(before), loss_after=objective(after),
               violation_before=violation(before), violation_after=violation(after), lp_loss=lp,
               groups=[dict(key=g.key, constrained=roles[g.key] not in ("unconstrained",),
                            rule={k: num(v) for k, v in rules[g.key].items()},
                            before={k: num(v) for k, v in before[g.key].items()},
                            after={k: num(v) for k, v in after[g.key].items()}) for g in groups])
    assert out["violation_after"] < 1e-9, out["violation_after"]
    if grid == 0:
        assert abs(out["loss_after"] - lp) < 1e-7 * max(1.0, abs(lp)), (out["loss_after"], lp)
    else:
        assert out["loss_after"] >= lp - 1e-7 * max(1.0, abs(lp))
    return out


def lp_optimum(groups, roles, constraint, cfp, cfn, n):
    """min expected cost per row over all randomised per-group rules meeting the constraint exactly (HiGHS)."""
    cols, c_obj = [], []
    for g in groups:
        for i in range(len(g.tp)):
            cols.append((g.key, i))
            c_obj.append((cfp * g.fp[i] + cfn * (g.P - g.tp[i])) / n)
    common = 1 if constraint != "equalized_odds" else 2  # variables r (and y) at the end
    nv = len(cols) + common
    c_obj = np.array(c_obj + [0.0] * common)
    A, bvec = [], []
    for g in groups:
        row = np.zeros(nv)
        for k, (key, i) in enumerate(cols):
            if key == g.key:
                row[k] = 1.0
        A.append(row)
        bvec.append(1.0)
        role = roles[g.key]
        eqs = []
        if constraint == "demographic_parity":
            eqs.append((lambda i, g=g: (g.tp[i] + g.fp[i]) / g.n, 0))
        elif constraint == "equal_opportunity" and role == "constrained":
            eqs.append((lambda i, g=g: g.tp[i] / g.P, 0))
        elif constraint == "equalized_odds":
            if role in ("constrained", "fpr_only"):
                eqs.append((lambda i, g=g: g.fp[i] / g.N, 0))
            if role in ("constrained", "tpr_only"):
                eqs.append((lambda i, g=g: g.tp[i] / g.P, 1))
        for f, which in eqs:
            row = np.zeros(nv)
            for k, (key, i) in enumerate(cols):
                if key == g.key:
                    row[k] = f(i)
            row[len(cols) + which] = -1.0
            A.append(row)
            bvec.append(0.0)
    res = linprog(c_obj, A_eq=np.array(A), b_eq=np.array(bvec), bounds=[(0, None)] * len(cols) + [(0, 1)] * common,
                  method="highs", options=dict(primal_feasibility_tolerance=1e-10, dual_feasibility_tolerance=1e-10))
    assert res.status == 0, res.message
    return float(res.fun)


def fairlearn_literal(df, constraint, grid):
    """ThresholdOptimizer(flip=False, objective='accuracy_score') as fairlearn's code computes it, on normalised rates."""
    x_metric = dict(demographic_parity="selection_rate", equal_opportunity="true_positive_rate",
                    equalized_odds="false_positive_rate")[constraint]
    x_grid = np.linspace(0, 1, grid + 1)
    curves = {}
    n = float(df.weight.sum())
    overall = 0 * x_grid
    y_values = pd.DataFrame()
    for key in df.group.unique():
        g = Group(key, df[df.group == key])
        if g.P == 0 or g.N == 0:
            return None  # fairlearn: "Degenerate labels for sensitive feature value"
        xs, ys = [], []
        for i in range(len(g.tp)):
            tp, fp = g.tp[i], g.fp[i]
            tn, fn = g.N - fp, g.P - tp
            counts = dict(selection_rate=(tp + fp) / g.n, true_positive_rate=tp / g.P, false_positive_rate=fp / g.N,
                          accuracy_score=(tp + tn) / g.n)
            xs.append(counts[x_metric])
            ys.append(counts["true_positive_rate" if constraint == "equalized_odds" else "accuracy_score"])
        pts = pd.DataFrame(dict(x=xs, y=ys)).sort_values(by=["x", "y"]).reset_index(drop=True)
        sel = []
        for r2 in pts.itertuples():
            while len(sel) >= 2:
                r1, r0 = sel[-1], sel[-2]
                if (r1.y - r0.y) * (r2.x - r0.x) <= (r2.y - r0.y) * (r1.x - r0.x):
                    sel.pop()
                else:
                    break
            sel.append(r2)
        X = np.array([r.x for r in sel])
        Y = np.array([r.y for r in sel])
        idx = np.searchsorted(X, x_grid, side="right") - 1
        idx[1:] = np.where(x_grid[1:] == X[idx[1:]], idx[1:] - 1, idx[1:])
        p0 = (X[idx + 1] - x_grid) / (X[idx + 1] - X[idx])
        yv = p0 * Y[idx] + (1 - p0) * Y[idx + 1]
        if constraint == "equalized_odds":
            y_values[key] = yv
        else:
            overall += (g.n / n) * yv
    if constraint == "equalized_odds":
        y_min = np.amin(y_values, axis=1)
        P = float(df[df.label == 1].weight.sum())
        N = n - P
        acc = (P * y_min + N * (1.0 - x_grid)) / n
        objective = pd.Series(np.around(acc, 15))
        i_best = objective.idxmax()
        return dict(x=float(x_grid[i_best]), accuracy=float(acc[i_best]))
    i_best = pd.Series(overall).idxmax()
    return dict(x=float(x_grid[i_best]), accuracy=float(overall[i_best]))


# ---------------------------------------------------------------- main

def main():
    data = datasets()
    metric_cases = [
        metric_case("three_groups_t05", "three_groups", data["three_groups"], 0.5, given_reference="C"),
        metric_case("three_groups_t03", "three_groups", data["three_groups"], 0.3, tau=0.9),
        metric_case("three_groups_none_selected", "three_groups", data["three_groups"], 1.5),
        metric_case("edge_t05", "edge", data["edge"], 0.5, given_reference="no_pos"),
        metric_case("intersection_t05", "intersection", data["intersection"], 0.5, given_reference="M&d"),
        metric_case("huge_t05", "huge", data["huge"], 0.5, confidence=0.9),
        metric_case("small_t05", "small", data["small"], 0.5, min_size=50),
    ]
    mit_cases = []
    specs = [
        ("three_groups", c, obj, grid)
        for c in ("demographic_parity", "equal_opportunity", "equalized_odds")
        for obj in ((1.0, 1.0), (1.0, 4.0), (2.5, 1.0))
        for grid in (0, 1000)
    ]
    specs += [(ds, c, (1.0, 1.0), grid) for ds in ("edge", "intersection", "small", "huge")
              for c in ("demographic_parity", "equal_opportunity", "equalized_odds") for grid in (0, 1000)]
    specs += [("small", c, (1.0, 3.0), grid) for c in ("demographic_parity", "equal_opportunity", "equalized_odds")
              for grid in (0, 20)]
    for ds, c, (cfp, cfn), grid in specs:
        r = mitigate(data[ds], c, cfp, cfn, grid)
        objective = "accuracy" if (cfp, cfn) == (1.0, 1.0) else "cost"
        name = f"{ds}_{c}_{objective}{'' if objective == 'accuracy' else f'_{cfp:g}_{cfn:g}'}_{'exact' if grid == 0 else f'grid{grid}'}"
        case = dict(name=name, dataset=ds, constraint=c, objective=objective, cost_fp=cfp, cost_fn=cfn, grid=grid,
                    threshold=0.5, expected=r)
        if objective == "accuracy" and grid > 0:
            fl = fairlearn_literal(data[ds], c, grid)
            if fl is not None:
                # the Fairlearn code path picks the same rate, or one of equal accuracy
                mine = 1.0 - r["loss_after"]
                assert abs(fl["accuracy"] - mine) < 1e-12, (name, fl, mine, r["x"])
            case["fairlearn"] = fl
        mit_cases.append(case)

    sets = {k: cells_of(v) for k, v in data.items()}
    meta = dict(generator="tools/golden/generate_fairness.py", numpy=np.__version__, pandas=pd.__version__,
                scipy=__import__("scipy").__version__, sklearn=__import__("sklearn").__version__)
    path = os.path.join(OUT, "fairness_cases.json")
    with open(path, "w") as f:
        json.dump({"meta": meta, "cases": dict(datasets=sets, metrics=metric_cases, mitigation=mit_cases)}, f,
                  allow_nan=False, separators=(",", ":"))
    print("wrote", os.path.normpath(path), os.path.getsize(path), "bytes;", len(metric_cases), "metric cases,",
          len(mit_cases), "mitigation cases")


if __name__ == "__main__":
    main()
