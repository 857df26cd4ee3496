#!/usr/bin/python3
"""Known-truth scenarios for `vigil estimate` (CBPE / DLE) and `vigil diagnose` (deterministic, seeded).

    tools/scenarios/generate_scenarios.py [--out tests/fixtures/scenarios] [--rows 20000] [--seed 7]
    tools/scenarios/generate_scenarios.py --check [--out DIR]      re-read the files and check every truth

Writes one folder per scenario, each with reference.csv (February 2021, Mon 1 - Sun 28: ISO weeks 5-8),
current.csv (March 2021, Mon 1 - Wed 31: ISO weeks 9-12 and three days of week 13) and truth.json.

The binary model (a credit-default score). Features, drawn independently per row:
  age            int, N(42, 12) clipped to 21..75
  income         thousands, log-normal (median 45, sigma 0.45), 1 decimal
  debt_ratio     Beta(2, 5), 3 decimals
  utilization    Beta(2, 3), 3 decimals
  tenure_months  int, exponential (mean 40), capped at 240
  late_payments  int, Poisson(0.6)
  num_accounts   int, 1 + Poisson(3)
  region         north 35 %, south 25 %, east 25 %, west 15 %
  employment     salaried 55 %, self_employed 20 %, contract 15 %, retired 10 %
The score is the TRUE probability of default given the features (so it is calibrated by construction):
  z = -1.55 + 3.0 (utilization - 0.4) + 3.2 (debt_ratio - 0.286) + 0.75 late_payments
      - 1.1 ln(income / 45) - 0.02 (age - 42) - 0.008 (tenure_months - 40)
      + 1.2 [utilization > 0.75 and late_payments > 0]          (nonlinear interaction)
      + 2.0 (utilization - 0.4)^2 + EMPLOYMENT[employment] + REGION[region]
  score = sigmoid(z), written with 4 decimals; prediction = score >= 0.5; label ~ Bernoulli(p_true)
where p_true = score except where a scenario changes the concept (P(y|x)) or breaks the model's input.

Scenarios (binary unless said): no_change, covariate_shift, concept_drift, broken_pipeline, mixed,
regression_covariate_shift (DLE), multiclass_covariate_shift (CBPE, 3 classes). truth.json says what changed,
the expected verdict (no_drop | data_quality | covariate_shift | concept_drift | mixed), and the REALIZED metrics
(scikit-learn) per ISO week, per day and over the whole file, for both files, plus two label-free references:
  estimate_from_score       what CBPE computes when the score is taken as the probability (no calibration step;
                            the reference is calibrated by construction, so a calibrator changes little)
  expected_from_truth       the same formulas on the true probability p_true: the expectation of the realized
                            metric (what a perfect estimator would say)
All five binary scenarios share the same reference.csv (byte-identical: git stores it once). Each binary scenario
also gets cbpe_week.json and cbpe_day.json: bench/baseline_estimate.py's NannyML-style CBPE (with its isotonic
calibration, sampling errors and reference thresholds) on reference.csv -> current.csv, in the JSON contract of
`vigil estimate`, so a test can compare Vigil with it without Python (see bench/README.md for the definitions).
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
from sklearn.metrics import (accuracy_score, average_precision_score, confusion_matrix, f1_score,
                             mean_absolute_error, mean_squared_error, precision_score, recall_score,
                             roc_auc_score)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_OUT = os.path.join(ROOT, "tests", "fixtures", "scenarios")

REF_START, REF_DAYS = np.datetime64("2021-02-01T00:00:00", "s"), 28     # Mon 1 Feb .. Sun 28 Feb
CUR_START, CUR_DAYS = np.datetime64("2021-03-01T00:00:00", "s"), 31     # Mon 1 Mar .. Wed 31 Mar
BREAK_AT = np.datetime64("2021-03-15T00:00:00", "s")                    # broken_pipeline: from Mon 15 Mar

REGIONS = np.array(["north", "south", "east", "west"])
REGION_P = [0.35, 0.25, 0.25, 0.15]
REGION_EFFECT = np.array([0.0, 0.15, -0.1, 0.05])
EMPLOYMENT = np.array(["salaried", "self_employed", "contract", "retired"])
EMPLOYMENT_P = [0.55, 0.20, 0.15, 0.10]
EMPLOYMENT_EFFECT = np.array([0.0, 0.35, 0.5, -0.2])
NUMERIC = ["age", "income", "debt_ratio", "utilization", "tenure_months", "late_payments", "num_accounts"]
CATEGORICAL = ["region", "employment"]
BINARY_COLUMNS = ["id", "timestamp"] + NUMERIC + CATEGORICAL + ["score", "prediction", "label"]
THRESHOLD = 0.5

# Concept drift: in these employment groups the labels stop following the score (an economic shock hitting the
# self-employed and contractors): p_true = sigmoid(CONCEPT_MEAN + CONCEPT_SLOPE * (z - CONCEPT_MEAN) + CONCEPT_SHIFT).
CONCEPT_GROUPS = ["self_employed", "contract"]
CONCEPT_MEAN, CONCEPT_SLOPE, CONCEPT_SHIFT = -1.4, 0.15, 1.0
# Broken pipeline: from BREAK_AT on, utilization arrives null in 30 % of rows; the serving pipeline fills a null
# with 0.0 before scoring, so those rows are scored as if utilization were 0 (labels follow the real utilization).
BROKEN_FEATURE, BROKEN_SHARE, BROKEN_FILL = "utilization", 0.30, 0.0


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# ---------------------------------------------------------------------------------------------------------------
# Binary data
# ---------------------------------------------------------------------------------------------------------------

def draw_features(rng, n, shift=False):
    """The binary model's features. shift=True is the covariate shift of the current month: a more uniform,
    riskier population (utilization and debt concentrated mid-range, lower and less spread incomes, shorter
    tenures, more contractors), so more scores sit near the threshold and the score separates less; P(y|x) is
    unchanged."""
    age = np.clip(np.round(rng.normal(42 if not shift else 38, 12, n)), 21, 75).astype(np.int64)
    income = np.round(np.exp(rng.normal(np.log(45.0), 0.45, n) if not shift else rng.normal(np.log(40.0), 0.3, n)), 1)
    debt = np.round(rng.beta(2, 5, n) if not shift else rng.beta(8, 12, n), 3)
    util = np.round(rng.beta(2, 3, n) if not shift else rng.beta(12, 9, n), 3)
    tenure = np.minimum(rng.exponential(40.0 if not shift else 26.0, n).astype(np.int64), 240)
    late = rng.poisson(0.6, n).astype(np.int64)
    accounts = (1 + rng.poisson(3.0, n)).astype(np.int64)
    region = rng.choice(4, n, p=REGION_P)
    emp_p = EMPLOYMENT_P if not shift else [0.45, 0.22, 0.25, 0.08]
    emp = rng.choice(4, n, p=emp_p)
    return pd.DataFrame({"age": age, "income": income, "debt_ratio": debt, "utilization": util,
                         "tenure_months": tenure, "late_payments": late, "num_accounts": accounts,
                         "region": REGIONS[region], "employment": EMPLOYMENT[emp]})


def logit(f):
    """The known score function (see the module docstring)."""
    emp = pd.Categorical(f["employment"], categories=EMPLOYMENT).codes
    reg = pd.Categorical(f["region"], categories=REGIONS).codes
    u = f["utilization"].to_numpy(float)
    late = f["late_payments"].to_numpy(float)
    return (-1.55 + 3.0 * (u - 0.4) + 3.2 * (f["debt_ratio"].to_numpy(float) - 0.286) + 0.75 * late
            - 1.1 * np.log(f["income"].to_numpy(float) / 45.0) - 0.02 * (f["age"].to_numpy(float) - 42.0)
            - 0.008 * (f["tenure_months"].to_numpy(float) - 40.0)
            + 1.2 * ((u > 0.75) & (late > 0)) + 2.0 * (u - 0.4) ** 2
            + EMPLOYMENT_EFFECT[emp] + REGION_EFFECT[reg])


def timestamps(rng, start, days, n):
    secs = np.sort(rng.integers(0, days * 86400, n))
    return start + secs.astype("timedelta64[s]")


def binary_frame(rng, start, days, n, shift=False, concept=False, broken=False):
    """Returns (frame as written, p_true)."""
    f = draw_features(rng, n, shift)
    ts = timestamps(rng, start, days, n)
    z_true = logit(f)
    score = np.round(sigmoid(z_true), 4)          # the model's score on the true input: P(y|x), 4 decimals
    p_true = score.copy()
    if concept:
        s = f["employment"].isin(CONCEPT_GROUPS).to_numpy()
        p_true = np.where(s, sigmoid(CONCEPT_MEAN + CONCEPT_SLOPE * (z_true - CONCEPT_MEAN) + CONCEPT_SHIFT), p_true)
    served = f.copy()
    if broken:
        after = ts >= BREAK_AT
        lost = after & (rng.random(n) < BROKEN_SHARE)
        served[BROKEN_FEATURE] = served[BROKEN_FEATURE].astype(float).where(~lost, np.nan)
        model_input = served.copy()
        model_input[BROKEN_FEATURE] = model_input[BROKEN_FEATURE].fillna(BROKEN_FILL)
        score = np.round(sigmoid(logit(model_input)), 4)   # scored on the broken input; p_true stays the real one
    label = (rng.random(n) < p_true).astype(np.int64)
    out = pd.DataFrame({"id": np.arange(n, dtype=np.int64), "timestamp": ts})
    for c in NUMERIC + CATEGORICAL:
        out[c] = served[c]
    out["score"] = score
    out["prediction"] = (score >= THRESHOLD).astype(np.int64)
    out["label"] = label
    return out[BINARY_COLUMNS], p_true


# ---------------------------------------------------------------------------------------------------------------
# Regression data (DLE)
# ---------------------------------------------------------------------------------------------------------------
# A delivery-time model: minutes = 12 + 2.2 distance_km + 0.04 load_kg - 0.35 driver_years + WEATHER + 3 [rush hour]
# + noise, noise ~ N(0, sigma(x)^2) with sigma = 1.5 + 0.35 distance_km + WEATHER_NOISE (heteroscedastic).
# The model's prediction is the true conditional mean (a fixed model), so E|error| = sigma sqrt(2/pi), E error^2 =
# sigma^2. The current month's trips are longer and wetter: sigma grows, the expected MAE rises.
WEATHER = np.array(["clear", "rain", "snow"])
WEATHER_EFFECT = np.array([0.0, 4.0, 9.0])
WEATHER_NOISE = np.array([0.0, 1.5, 4.0])
VEHICLE = np.array(["bike", "van", "truck"])
VEHICLE_EFFECT = np.array([-2.0, 0.0, 3.5])
REG_NUMERIC = ["distance_km", "load_kg", "driver_years", "hour"]
REG_COLUMNS = ["id", "timestamp"] + REG_NUMERIC + ["weather", "vehicle", "prediction", "label"]


def regression_frame(rng, start, days, n, shift=False):
    dist = np.round(rng.gamma(2.0, 3.0 if not shift else 5.0, n), 2)
    load = np.round(rng.gamma(2.0, 15.0, n), 1)
    years = np.round(rng.uniform(0, 20, n), 1)
    hour = rng.integers(7, 22, n)
    weather = rng.choice(3, n, p=[0.7, 0.25, 0.05] if not shift else [0.45, 0.35, 0.20])
    vehicle = rng.choice(3, n, p=[0.2, 0.6, 0.2])
    rush = ((hour >= 8) & (hour <= 9)) | ((hour >= 17) & (hour <= 18))
    mean = (12 + 2.2 * dist + 0.04 * load - 0.35 * years + WEATHER_EFFECT[weather] + 3.0 * rush
            + VEHICLE_EFFECT[vehicle])
    sigma = 1.5 + 0.35 * dist + WEATHER_NOISE[weather]
    y = mean + rng.normal(0.0, 1.0, n) * sigma
    out = pd.DataFrame({"id": np.arange(n, dtype=np.int64), "timestamp": timestamps(rng, start, days, n),
                        "distance_km": dist, "load_kg": load, "driver_years": years, "hour": hour,
                        "weather": WEATHER[weather], "vehicle": VEHICLE[vehicle],
                        "prediction": np.round(mean, 2), "label": np.round(y, 2)})
    return out[REG_COLUMNS], sigma


# ---------------------------------------------------------------------------------------------------------------
# Multiclass data (CBPE, 3 classes)
# ---------------------------------------------------------------------------------------------------------------
# Which product a customer takes (a, b, c), from a softmax of known linear scores (class a the baseline):
#   s_b = -0.3 + 1.6 ln(income/45) + 0.04 (age - 42) - 1.2 (utilization - 0.4) + [employment = salaried] 0.4
#   s_c = -0.8 - 0.9 ln(income/45) - 0.05 (age - 42) + 2.2 (utilization - 0.4) + [region = south] 0.5
# proba_a/b/c are the true probabilities (4 decimals, proba_c = 1 - a - b), prediction the argmax, label drawn.
# The current month's customers are richer and younger (covariate shift, P(y|x) unchanged).
CLASSES = np.array(["a", "b", "c"])
MC_NUMERIC = ["age", "income", "utilization", "tenure_months"]
MC_COLUMNS = ["id", "timestamp"] + MC_NUMERIC + CATEGORICAL + ["proba_a", "proba_b", "proba_c", "prediction", "label"]


def multiclass_frame(rng, start, days, n, shift=False):
    f = draw_features(rng, n, False)
    if shift:
        f["income"] = np.round(np.exp(rng.normal(np.log(80.0), 0.45, n)), 1)
        f["age"] = np.clip(np.round(rng.normal(30, 8, n)), 21, 75).astype(np.int64)
    li = np.log(f["income"].to_numpy(float) / 45.0)
    a = f["age"].to_numpy(float) - 42.0
    u = f["utilization"].to_numpy(float) - 0.4
    sb = -0.3 + 1.6 * li + 0.04 * a - 1.2 * u + 0.4 * (f["employment"] == "salaried").to_numpy()
    sc = -0.8 - 0.9 * li - 0.05 * a + 2.2 * u + 0.5 * (f["region"] == "south").to_numpy()
    e = np.exp(np.stack([np.zeros(n), sb, sc], axis=1))
    p = e / e.sum(axis=1, keepdims=True)
    pa, pb = np.round(p[:, 0], 4), np.round(p[:, 1], 4)
    pc = np.round(1.0 - pa - pb, 4)
    probs = np.stack([pa, pb, pc], axis=1)
    label = (rng.random(n)[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
    label = np.minimum(label, 2)
    out = pd.DataFrame({"id": np.arange(n, dtype=np.int64), "timestamp": timestamps(rng, start, days, n)})
    for c in MC_NUMERIC + CATEGORICAL:
        out[c] = f[c]
    out["proba_a"], out["proba_b"], out["proba_c"] = pa, pb, pc
    out["prediction"] = CLASSES[np.argmax(probs, axis=1)]
    out["label"] = CLASSES[label]
    return out[MC_COLUMNS], probs


# ---------------------------------------------------------------------------------------------------------------
# Metrics
# ---------------------------------------------------------------------------------------------------------------

def nn(x):
    """JSON-safe float (None for NaN / inf)."""
    if x is None:
        return None
    x = float(x)
    return None if not np.isfinite(x) else x


def binary_realized(y, s, yhat):
    out = {"rows": int(len(y)), "positives": int(y.sum()), "predicted_positives": int(yhat.sum()),
           "positive_rate": nn(y.mean()) if len(y) else None, "mean_score": nn(s.mean()) if len(y) else None,
           "calibration_gap": nn(y.mean() - s.mean()) if len(y) else None}
    two = len(np.unique(y)) == 2
    out["roc_auc"] = nn(roc_auc_score(y, s)) if two else None
    out["average_precision"] = nn(average_precision_score(y, s)) if y.sum() > 0 else None
    out["accuracy"] = nn(accuracy_score(y, yhat)) if len(y) else None
    tn, fp, fn, tp = confusion_matrix(y, yhat, labels=[0, 1]).ravel()
    out["precision"] = nn(precision_score(y, yhat, zero_division=0)) if tp + fp > 0 else None
    out["recall"] = nn(recall_score(y, yhat, zero_division=0)) if tp + fn > 0 else None
    out["f1"] = nn(f1_score(y, yhat, zero_division=0)) if 2 * tp + fp + fn > 0 else None
    out["specificity"] = nn(tn / (tn + fp)) if tn + fp > 0 else None
    return out


def cbpe_formulas(p, yhat, ranking):
    """CBPE's expected confusion matrix and ROC AUC / AP from probabilities p, with the rows ranked by `ranking`
    (NannyML: rank by the model's uncalibrated score, count the calibrated probabilities)."""
    if len(p) == 0:
        return {}
    tp = float(np.sum(np.where(yhat == 1, p, 0.0)))
    fp = float(np.sum(np.where(yhat == 1, 1.0 - p, 0.0)))
    fn = float(np.sum(np.where(yhat == 0, p, 0.0)))
    tn = float(np.sum(np.where(yhat == 0, 1.0 - p, 0.0)))
    out = {"accuracy": (tp + tn) / len(p),
           "precision": tp / (tp + fp) if tp + fp > 0 else None,
           "recall": tp / (tp + fn) if tp + fn > 0 else None,
           "specificity": tn / (tn + fp) if tn + fp > 0 else None,
           "f1": tp / (tp + 0.5 * (fp + fn)) if tp + fp + fn > 0 else None}
    order = np.argsort(-ranking, kind="stable")
    q = p[order]
    ctp = np.cumsum(q)
    cfp = np.arange(1, len(q) + 1) - ctp
    # NannyML's estimate_roc_auc: cumulative expected TP / FP down the ranking, rounded to 5 decimals, trapezoids.
    tps, fps = np.round(np.r_[0.0, ctp], 5), np.round(np.r_[0.0, cfp], 5)
    out["roc_auc"] = float(np.trapz(tps / tps[-1], fps / fps[-1])) if tps[-1] > 0 and fps[-1] > 0 else None
    prec = np.r_[1.0, np.round(ctp, 5) / np.arange(1, len(q) + 1)]
    rec = tps / tps[-1] if tps[-1] > 0 else None
    out["average_precision"] = float(np.sum(np.diff(rec) * prec[1:])) if rec is not None else None
    return {k: nn(v) for k, v in out.items()}


def chunks_of(ts):
    """(kind, key, start, end, mask) for the whole file, each ISO week and each day of a timestamp Series."""
    ts = pd.to_datetime(ts)
    out = [("whole", "all", ts.min().strftime("%Y-%m-%d"), ts.max().strftime("%Y-%m-%d"), np.ones(len(ts), bool))]
    iso = ts.dt.isocalendar()
    wk = iso["year"].astype(str) + "-W" + iso["week"].astype(int).map("{:02d}".format)
    for key in sorted(wk.unique()):
        m = (wk == key).to_numpy()
        first = ts[m].min().normalize()
        monday = first - pd.Timedelta(days=first.dayofweek)
        out.append(("week", key, monday.strftime("%Y-%m-%d"), (monday + pd.Timedelta(days=6)).strftime("%Y-%m-%d"), m))
    day = ts.dt.strftime("%Y-%m-%d")
    for key in sorted(day.unique()):
        out.append(("day", key, key, key, (day == key).to_numpy()))
    return out


def binary_metrics(df, p_true):
    y, s, yhat = df["label"].to_numpy(), df["score"].to_numpy(float), df["prediction"].to_numpy()
    res = {"whole": None, "week": [], "day": []}
    for kind, key, start, end, m in chunks_of(df["timestamp"]):
        rec = {"key": key, "start": start, "end": end, "rows": int(m.sum()),
               "realized": binary_realized(y[m], s[m], yhat[m]),
               "estimate_from_score": cbpe_formulas(s[m], yhat[m], s[m]),
               "expected_from_truth": cbpe_formulas(p_true[m], yhat[m], s[m])}
        if kind == "whole":
            res["whole"] = rec
        else:
            res[kind].append(rec)
    return res


def regression_metrics(df, sigma):
    y, yhat = df["label"].to_numpy(float), df["prediction"].to_numpy(float)
    res = {"whole": None, "week": [], "day": []}
    for kind, key, start, end, m in chunks_of(df["timestamp"]):
        mse = mean_squared_error(y[m], yhat[m])
        rec = {"key": key, "start": start, "end": end, "rows": int(m.sum()),
               "realized": {"mae": nn(mean_absolute_error(y[m], yhat[m])), "mse": nn(mse), "rmse": nn(np.sqrt(mse))},
               "expected_from_truth": {"mae": nn(np.mean(sigma[m]) * np.sqrt(2 / np.pi)),
                                       "mse": nn(np.mean(sigma[m] ** 2)),
                                       "rmse": nn(np.sqrt(np.mean(sigma[m] ** 2)))}}
        if kind == "whole":
            res["whole"] = rec
        else:
            res[kind].append(rec)
    return res


def multiclass_realized(y, probs, yhat):
    labels = list(CLASSES)
    out = {"rows": int(len(y))}
    yb = (y[:, None] == CLASSES[None, :]).astype(int)
    present = yb.sum(axis=0) > 0
    out["roc_auc"] = nn(roc_auc_score(y, probs, multi_class="ovr", average="macro", labels=labels)) \
        if present.all() else None
    out["average_precision"] = nn(np.mean([average_precision_score(yb[:, k], probs[:, k]) for k in range(3)])) \
        if present.all() else None
    out["accuracy"] = nn(accuracy_score(y, yhat))
    out["precision"] = nn(precision_score(y, yhat, labels=labels, average="macro", zero_division=0))
    out["recall"] = nn(recall_score(y, yhat, labels=labels, average="macro", zero_division=0))
    out["f1"] = nn(f1_score(y, yhat, labels=labels, average="macro", zero_division=0))
    cm = confusion_matrix(y, yhat, labels=labels)
    spec = []
    for k in range(3):
        tn = cm.sum() - cm[k, :].sum() - cm[:, k].sum() + cm[k, k]
        fp = cm[:, k].sum() - cm[k, k]
        spec.append(tn / (tn + fp) if tn + fp > 0 else np.nan)
    out["specificity"] = nn(np.nanmean(spec))
    out["class_share"] = {c: nn((y == c).mean()) for c in labels}
    out["mean_proba"] = {c: nn(probs[:, k].mean()) for k, c in enumerate(labels)}
    return out


def multiclass_metrics(df, probs):
    y, yhat = df["label"].to_numpy(), df["prediction"].to_numpy()
    res = {"whole": None, "week": [], "day": []}
    for kind, key, start, end, m in chunks_of(df["timestamp"]):
        rec = {"key": key, "start": start, "end": end, "rows": int(m.sum()),
               "realized": multiclass_realized(y[m], probs[m], yhat[m])}
        if kind == "whole":
            res["whole"] = rec
        else:
            res[kind].append(rec)
    return res


def feature_summary(ref, cur, numeric, categorical):
    """Per feature: reference and current mean / sd (numeric, nulls excluded), null share, and the standardized
    mean difference; categories' shares (categorical)."""
    out = {}
    for c in numeric:
        r, k = ref[c].astype(float), cur[c].astype(float)
        sd = r.std()
        out[c] = {"reference_mean": nn(r.mean()), "current_mean": nn(k.mean()), "reference_sd": nn(sd),
                  "current_sd": nn(k.std()), "reference_null_share": nn(r.isna().mean()),
                  "current_null_share": nn(k.isna().mean()), "smd": nn((k.mean() - r.mean()) / sd)}
    for c in categorical:
        out[c] = {"reference_share": {v: nn(x) for v, x in ref[c].value_counts(normalize=True).sort_index().items()},
                  "current_share": {v: nn(x) for v, x in cur[c].value_counts(normalize=True).sort_index().items()}}
    return out


# ---------------------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------------------

def write_csv(df, path):
    df = df.copy()
    df["timestamp"] = pd.to_datetime(df["timestamp"]).dt.strftime("%Y-%m-%d %H:%M:%S")
    df.to_csv(path, index=False, lineterminator="\n", float_format="%.10g")
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def file_info(df, sha):
    ts = pd.to_datetime(df["timestamp"])
    return {"rows": int(len(df)), "first_timestamp": ts.min().strftime("%Y-%m-%d %H:%M:%S"),
            "last_timestamp": ts.max().strftime("%Y-%m-%d %H:%M:%S"), "sha256": sha}


BINARY_COLUMNS_DOC = {
    "id": "row number within the file (unique per file)", "timestamp": "YYYY-MM-DD HH:MM:SS, sorted",
    "score": "model score = P(default | features), 4 decimals", "prediction": "1 when score >= 0.5",
    "label": "1 = defaulted, drawn from the true probability"}
METRIC_NOTES = {
    "chunks": "whole = the entire file; week = ISO week (key YYYY-Www, start Monday, end Sunday, inclusive dates; "
              "only the rows of this file); day = calendar day",
    "realized": "scikit-learn on the labels: roc_auc_score and average_precision_score on score; accuracy, precision, "
                "recall, f1, specificity on prediction; null when undefined (one class, no predicted positives)",
    "estimate_from_score": "CBPE's formulas with the score as the probability (expected TP = sum of score over "
                           "predicted positives, etc.; ROC AUC and AP as nannyml.performance_estimation."
                           "confidence_based.metrics estimate_roc_auc / estimate_ap, ranked by score). No "
                           "calibration step: an isotonic calibrator fitted on reference moves it a little",
    "expected_from_truth": "the same formulas on the true probability p_true (ranked by score): the expected "
                           "realized value given the features; differs from estimate_from_score where P(y|x) "
                           "changed (concept drift) or the score was computed on broken input"}


def binary_scenario(name, out_dir, ref, ref_p, cur, cur_p, verdict, changed, expectations, description):
    d = os.path.join(out_dir, name)
    os.makedirs(d, exist_ok=True)
    sha_r = write_csv(ref, os.path.join(d, "reference.csv"))
    sha_c = write_csv(cur, os.path.join(d, "current.csv"))
    truth = {
        "scenario": name, "task": "binary_classification", "expected_verdict": verdict,
        "description": description, "changed": changed, "expectations": expectations,
        "files": {"reference": file_info(ref, sha_r), "current": file_info(cur, sha_c)},
        "columns": {"id": "id", "timestamp": "timestamp", "score": "score", "prediction": "prediction",
                    "label": "label", "features": NUMERIC + CATEGORICAL, "positive_class": 1, "threshold": THRESHOLD,
                    "doc": BINARY_COLUMNS_DOC},
        "model": {"score": "sigmoid(z), z as in tools/scenarios/generate_scenarios.py (docstring)",
                  "calibrated_on_reference": True},
        "features": feature_summary(ref, cur, NUMERIC, CATEGORICAL),
        "metric_notes": METRIC_NOTES,
        "reference": binary_metrics(ref, ref_p),
        "current": binary_metrics(cur, cur_p),
    }
    with open(os.path.join(d, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1, allow_nan=False)
        f.write("\n")
    return truth


def generate(out_dir, n, seed):
    os.makedirs(out_dir, exist_ok=True)

    def rng(tag):
        return np.random.default_rng([seed, sum(ord(c) * 131 ** i for i, c in enumerate(tag)) % (2 ** 32)])

    ref, ref_p = binary_frame(rng("reference"), REF_START, REF_DAYS, n)
    unchanged_features = {"features": [], "concept": None, "data_quality": None}

    cur, cur_p = binary_frame(rng("no_change"), CUR_START, CUR_DAYS, n)
    binary_scenario("no_change", out_dir, ref, ref_p, cur, cur_p, "no_drop", unchanged_features,
                    {"realized_roc_auc_change_abs_max": 0.02, "feature_smd_abs_max": 0.05,
                     "estimate_tracks_realized": True},
                    "The current month is drawn from the reference month's distribution with the same model: "
                    "nothing changed; realized and estimated performance agree within sampling error.")

    cur, cur_p = binary_frame(rng("covariate_shift"), CUR_START, CUR_DAYS, n, shift=True)
    binary_scenario("covariate_shift", out_dir, ref, ref_p, cur, cur_p, "covariate_shift",
                    {"features": ["age", "income", "debt_ratio", "utilization", "tenure_months", "employment"],
                     "how": "age N(38,12) (was N(42,12)), income log-normal median 40 sigma 0.3 (was 45, 0.45), "
                            "debt_ratio Beta(8,12) (was Beta(2,5)), utilization Beta(12,9) (was Beta(2,3)), tenure "
                            "mean 26 (was 40), employment 45/22/25/8 % (was 55/20/15/10 %)",
                     "concept": None, "data_quality": None},
                    {"realized_accuracy_drop_min": 0.03, "realized_roc_auc_drop_min": 0.03,
                     "calibration_gap_abs_max": 0.015,
                     "estimate_tracks_realized": True,
                     "estimate_minus_realized_abs_max": {"accuracy": 0.015, "roc_auc": 0.02}},
                    "Feature distributions move to a riskier, more uniform population (more scores near the "
                    "threshold) while P(y|x) is unchanged: the score stays calibrated, realized accuracy and ROC AUC "
                    "fall, and a CBPE estimate follows the realized values (the drop is real and explained by the "
                    "shift).")

    cur, cur_p = binary_frame(rng("concept_drift"), CUR_START, CUR_DAYS, n, concept=True)
    binary_scenario("concept_drift", out_dir, ref, ref_p, cur, cur_p, "concept_drift",
                    {"features": [],
                     "concept": {"segment": {"employment": CONCEPT_GROUPS},
                                 "how": f"p_true = sigmoid({CONCEPT_MEAN} + {CONCEPT_SLOPE} (z - ({CONCEPT_MEAN})) + "
                                        f"{CONCEPT_SHIFT}) in the segment: the score barely ranks there and defaults "
                                        "are more frequent than scored", "from": "2021-03-01"},
                     "data_quality": None},
                    {"realized_roc_auc_drop_min": 0.05, "feature_smd_abs_max": 0.05,
                     "estimate_tracks_realized": False, "estimated_roc_auc_change_abs_max": 0.01},
                    "Features unchanged; in the self_employed and contract segments the labels stop following the "
                    "score. Realized ROC AUC and accuracy drop, the label-free estimate does not move.")

    cur, cur_p = binary_frame(rng("broken_pipeline"), CUR_START, CUR_DAYS, n, broken=True)
    binary_scenario("broken_pipeline", out_dir, ref, ref_p, cur, cur_p, "data_quality",
                    {"features": [BROKEN_FEATURE],
                     "concept": None,
                     "data_quality": {"feature": BROKEN_FEATURE, "problem": "null", "share": BROKEN_SHARE,
                                      "from": str(BREAK_AT).replace("T", " "),
                                      "model_input": f"the serving pipeline fills the null with {BROKEN_FILL} before "
                                                     "scoring, so those rows are under-scored; labels follow the "
                                                     "real (unseen) utilization"}},
                    {"null_share_after_break": [0.27, 0.33], "null_share_before_break": 0.0,
                     "realized_roc_auc_drop_min_after_break": 0.03, "calibration_gap_min_after_break": 0.03},
                    "From Monday 15 March, 30 % of rows arrive with utilization null and are scored with 0 in its "
                    "place: the score is computed on broken input; performance drops from that day.")

    cur, cur_p = binary_frame(rng("mixed"), CUR_START, CUR_DAYS, n, shift=True, concept=True)
    binary_scenario("mixed", out_dir, ref, ref_p, cur, cur_p, "mixed",
                    {"features": ["age", "income", "debt_ratio", "utilization", "tenure_months", "employment"],
                     "how": "the covariate_shift scenario's shift",
                     "concept": {"segment": {"employment": CONCEPT_GROUPS}, "how": "the concept_drift scenario's change"},
                     "data_quality": None},
                    {"realized_roc_auc_drop_min": 0.05, "estimate_tracks_realized": False,
                     "realized_below_estimate_min": {"roc_auc": 0.03}},
                    "Both at once: the covariate_shift scenario's feature shift and the concept_drift scenario's "
                    "change of P(y|x). Part of the drop is explained by the shift (the estimate falls too), the "
                    "rest is not (realized below the estimate).")

    # Regression (DLE)
    d = os.path.join(out_dir, "regression_covariate_shift")
    os.makedirs(d, exist_ok=True)
    rref, rsig = regression_frame(rng("regression_reference"), REF_START, REF_DAYS, n)
    rcur, csig = regression_frame(rng("regression_current"), CUR_START, CUR_DAYS, n, shift=True)
    sha_r, sha_c = write_csv(rref, os.path.join(d, "reference.csv")), write_csv(rcur, os.path.join(d, "current.csv"))
    truth = {
        "scenario": "regression_covariate_shift", "task": "regression", "expected_verdict": "covariate_shift",
        "description": "A delivery-time model whose prediction is the true conditional mean; the noise grows with "
                       "distance and bad weather. The current month's trips are longer and wetter, so the expected "
                       "absolute error rises although the model is unchanged: DLE should estimate the rise.",
        "changed": {"features": ["distance_km", "weather"],
                    "how": "distance Gamma(2, 5) (was Gamma(2, 3)); weather clear/rain/snow 45/35/20 % (was 70/25/5 %)",
                    "concept": None, "data_quality": None},
        "expectations": {"expected_mae_rise_min_relative": 0.25, "estimate_tracks_realized": True},
        "files": {"reference": file_info(rref, sha_r), "current": file_info(rcur, sha_c)},
        "columns": {"id": "id", "timestamp": "timestamp", "prediction": "prediction", "label": "label",
                    "features": REG_NUMERIC + ["weather", "vehicle"],
                    "doc": {"prediction": "minutes, the true conditional mean (2 decimals)",
                            "label": "observed minutes = mean + N(0, sigma^2), sigma = 1.5 + 0.35 distance_km + "
                                     "{clear: 0, rain: 1.5, snow: 4} (2 decimals)"}},
        "features": feature_summary(rref, rcur, REG_NUMERIC, ["weather", "vehicle"]),
        "metric_notes": {"realized": "scikit-learn mean_absolute_error, mean_squared_error, and its square root",
                         "expected_from_truth": "mae = mean(sigma) sqrt(2/pi), mse = mean(sigma^2), rmse = sqrt(mse)"},
        "reference": regression_metrics(rref, rsig), "current": regression_metrics(rcur, csig)}
    with open(os.path.join(d, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1, allow_nan=False)
        f.write("\n")

    # Multiclass (CBPE)
    d = os.path.join(out_dir, "multiclass_covariate_shift")
    os.makedirs(d, exist_ok=True)
    mref, mrp = multiclass_frame(rng("multiclass_reference"), REF_START, REF_DAYS, n)
    mcur, mcp = multiclass_frame(rng("multiclass_current"), CUR_START, CUR_DAYS, n, shift=True)
    sha_r, sha_c = write_csv(mref, os.path.join(d, "reference.csv")), write_csv(mcur, os.path.join(d, "current.csv"))
    truth = {
        "scenario": "multiclass_covariate_shift", "task": "multiclass_classification",
        "expected_verdict": "covariate_shift",
        "description": "A 3-class product-choice model whose probabilities are the true softmax probabilities. "
                       "The current month's customers are richer and younger: the class mix and the performance "
                       "move, the probabilities stay calibrated, a CBPE estimate should follow the realized values.",
        "changed": {"features": ["income", "age"], "how": "income median 80 (was 45), age N(30, 8) (was N(42, 12))",
                    "concept": None, "data_quality": None},
        "expectations": {"calibration_gap_abs_max_per_class": 0.015, "estimate_tracks_realized": True},
        "files": {"reference": file_info(mref, sha_r), "current": file_info(mcur, sha_c)},
        "columns": {"id": "id", "timestamp": "timestamp", "proba": {"a": "proba_a", "b": "proba_b", "c": "proba_c"},
                    "prediction": "prediction", "label": "label", "classes": list(CLASSES),
                    "features": MC_NUMERIC + CATEGORICAL,
                    "doc": {"proba_*": "true class probabilities, 4 decimals, proba_c = 1 - proba_a - proba_b",
                            "prediction": "argmax of the probabilities", "label": "drawn from the probabilities"}},
        "features": feature_summary(mref, mcur, MC_NUMERIC, CATEGORICAL),
        "metric_notes": {"realized": "scikit-learn macro averages over the classes a, b, c: roc_auc_score(ovr, macro), "
                                     "mean of per-class average_precision_score, accuracy, precision/recall/f1 "
                                     "(average='macro'), specificity = mean over classes of tn / (tn + fp)"},
        "reference": multiclass_metrics(mref, mrp), "current": multiclass_metrics(mcur, mcp)}
    with open(os.path.join(d, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1, allow_nan=False)
        f.write("\n")


# ---------------------------------------------------------------------------------------------------------------
# Checks: each scenario behaves as its truth says
# ---------------------------------------------------------------------------------------------------------------

def check(out_dir):
    failures, lines = [], []

    def expect(name, ok, what):
        lines.append(f"{'ok  ' if ok else 'FAIL'} {name}: {what}")
        if not ok:
            failures.append(f"{name}: {what}")

    def load(name):
        with open(os.path.join(out_dir, name, "truth.json")) as f:
            t = json.load(f)
        ref = pd.read_csv(os.path.join(out_dir, name, "reference.csv"))
        cur = pd.read_csv(os.path.join(out_dir, name, "current.csv"))
        return t, ref, cur

    def max_smd(t):
        return max(abs(v["smd"]) for v in t["features"].values() if "smd" in v)

    for name in BINARY:
        t, ref, cur = load(name)
        # the truth's realized numbers are what scikit-learn gives on the files as written
        r = binary_realized(cur["label"].to_numpy(), cur["score"].to_numpy(float), cur["prediction"].to_numpy())
        expect(name, abs(r["roc_auc"] - t["current"]["whole"]["realized"]["roc_auc"]) < 1e-12,
               "truth.json's realized ROC AUC matches the file")
        expect(name, (cur["prediction"] == (cur["score"] >= 0.5).astype(int)).all(), "prediction = score >= 0.5")
        rr, cr = t["reference"]["whole"], t["current"]["whole"]
        d_auc = cr["realized"]["roc_auc"] - rr["realized"]["roc_auc"]
        d_acc = cr["realized"]["accuracy"] - rr["realized"]["accuracy"]
        d_est_auc = cr["estimate_from_score"]["roc_auc"] - rr["estimate_from_score"]["roc_auc"]
        gap = cr["realized"]["calibration_gap"]
        lines.append(f"     {name}: realized ROC AUC {rr['realized']['roc_auc']:.4f} -> {cr['realized']['roc_auc']:.4f} "
                     f"(estimate {rr['estimate_from_score']['roc_auc']:.4f} -> {cr['estimate_from_score']['roc_auc']:.4f}); "
                     f"accuracy {rr['realized']['accuracy']:.4f} -> {cr['realized']['accuracy']:.4f} (estimate "
                     f"{cr['estimate_from_score']['accuracy']:.4f}); calibration gap {gap:+.4f}; max |SMD| {max_smd(t):.3f}")
        if name == "no_change":
            expect(name, abs(d_auc) <= 0.02, f"realized ROC AUC change {d_auc:+.4f} within 0.02")
            expect(name, max_smd(t) <= 0.05, f"max |SMD| {max_smd(t):.3f} <= 0.05")
            expect(name, abs(gap) <= 0.01, f"calibration gap {gap:+.4f} near 0")
            for m in ("accuracy", "roc_auc"):
                e = cr["estimate_from_score"][m] - cr["realized"][m]
                expect(name, abs(e) <= 0.015, f"estimate - realized {m} {e:+.4f} within 0.015")
        elif name == "covariate_shift":
            expect(name, max_smd(t) >= 0.3, f"features moved (max |SMD| {max_smd(t):.3f} >= 0.3)")
            expect(name, abs(gap) <= 0.015, f"mean calibration gap {gap:+.4f} within 0.015 (still calibrated)")
            expect(name, d_acc <= -0.03, f"realized accuracy changes by {d_acc:+.4f} (<= -0.03)")
            expect(name, d_auc <= -0.03, f"realized ROC AUC changes by {d_auc:+.4f} (<= -0.03)")
            for m, tol in (("accuracy", 0.015), ("roc_auc", 0.02)):
                e = cr["estimate_from_score"][m] - cr["realized"][m]
                expect(name, abs(e) <= tol, f"estimate - realized {m} {e:+.4f} within {tol}")
            worst = max(abs(w["estimate_from_score"]["accuracy"] - w["realized"]["accuracy"]) for w in t["current"]["week"])
            expect(name, worst <= 0.03, f"per ISO week |estimate - realized| accuracy <= 0.03 (worst {worst:.4f})")
        elif name == "concept_drift":
            expect(name, max_smd(t) <= 0.05, f"features did not move (max |SMD| {max_smd(t):.3f} <= 0.05)")
            expect(name, d_auc <= -0.05, f"realized ROC AUC drops by {-d_auc:.4f} (>= 0.05)")
            expect(name, d_acc < 0, f"realized accuracy drops by {-d_acc:.4f}")
            expect(name, abs(d_est_auc) <= 0.01, f"estimated ROC AUC moves {d_est_auc:+.4f} (within 0.01)")
            e = cr["expected_from_truth"]["roc_auc"] - cr["realized"]["roc_auc"]
            expect(name, abs(e) <= 0.02, f"expected_from_truth ROC AUC - realized {e:+.4f} within 0.02")
            seg = cur["employment"].isin(CONCEPT_GROUPS)
            g = cur.loc[seg, "label"].mean() - cur.loc[seg, "score"].mean()
            expect(name, g >= 0.04, f"segment {CONCEPT_GROUPS} under-scored: gap {g:+.4f} >= 0.04")
            g2 = cur.loc[~seg, "label"].mean() - cur.loc[~seg, "score"].mean()
            expect(name, abs(g2) <= 0.015, f"other rows still calibrated: gap {g2:+.4f}")
        elif name == "broken_pipeline":
            ts = pd.to_datetime(cur["timestamp"])
            after = ts >= pd.Timestamp(str(BREAK_AT))
            ns_a = cur.loc[after, BROKEN_FEATURE].isna().mean()
            ns_b = cur.loc[~after, BROKEN_FEATURE].isna().mean()
            expect(name, 0.27 <= ns_a <= 0.33, f"{BROKEN_FEATURE} null share after the break {ns_a:.3f} (about 0.30)")
            expect(name, ns_b == 0, f"{BROKEN_FEATURE} null share before the break {ns_b:.3f} (0)")
            expect(name, ref[BROKEN_FEATURE].isna().sum() == 0, "no nulls in reference")
            ra = binary_realized(cur.loc[after, "label"].to_numpy(), cur.loc[after, "score"].to_numpy(float),
                                 cur.loc[after, "prediction"].to_numpy())
            rb = binary_realized(cur.loc[~after, "label"].to_numpy(), cur.loc[~after, "score"].to_numpy(float),
                                 cur.loc[~after, "prediction"].to_numpy())
            expect(name, rr["realized"]["roc_auc"] - ra["roc_auc"] >= 0.03,
                   f"realized ROC AUC after the break {ra['roc_auc']:.4f} vs reference {rr['realized']['roc_auc']:.4f} "
                   "(drop >= 0.03)")
            expect(name, abs(rb["roc_auc"] - rr["realized"]["roc_auc"]) <= 0.03,
                   f"before the break ROC AUC {rb['roc_auc']:.4f} close to reference")
            expect(name, ra["calibration_gap"] >= 0.03, f"after the break labels exceed scores by {ra['calibration_gap']:+.4f}")
        elif name == "mixed":
            expect(name, max_smd(t) >= 0.3, f"features moved (max |SMD| {max_smd(t):.3f})")
            expect(name, d_auc <= -0.05, f"realized ROC AUC drops by {-d_auc:.4f} (>= 0.05)")
            e = cr["estimate_from_score"]["roc_auc"] - cr["realized"]["roc_auc"]
            expect(name, e >= 0.03, f"realized ROC AUC below the estimate by {e:.4f} (>= 0.03)")
            expect(name, d_est_auc < 0 or cr["estimate_from_score"]["accuracy"] < rr["estimate_from_score"]["accuracy"],
                   "the estimate itself moves (the shift's share of the drop)")

    # the five binary scenarios share one reference
    shas = {json.load(open(os.path.join(out_dir, n, "truth.json")))["files"]["reference"]["sha256"]
            for n in ["no_change", "covariate_shift", "concept_drift", "broken_pipeline", "mixed"]}
    expect("binary", len(shas) == 1, "the five binary scenarios share a byte-identical reference.csv")

    t, ref, cur = load("regression_covariate_shift")
    er, ec = t["reference"]["whole"]["expected_from_truth"]["mae"], t["current"]["whole"]["expected_from_truth"]["mae"]
    rr, rc = t["reference"]["whole"]["realized"]["mae"], t["current"]["whole"]["realized"]["mae"]
    lines.append(f"     regression: expected MAE {er:.3f} -> {ec:.3f}; realized {rr:.3f} -> {rc:.3f}")
    expect("regression_covariate_shift", ec / er - 1 >= 0.25, f"expected MAE rises by {100 * (ec / er - 1):.0f} % (>= 25 %)")
    expect("regression_covariate_shift", abs(rc / ec - 1) <= 0.03 and abs(rr / er - 1) <= 0.03,
           "realized MAE within 3 % of the expected MAE in both files")
    expect("regression_covariate_shift", max_smd(t) >= 0.3, f"features moved (max |SMD| {max_smd(t):.3f})")
    chk = np.mean(np.abs(cur["label"] - cur["prediction"]))
    expect("regression_covariate_shift", abs(chk - rc) < 1e-9, "truth.json's realized MAE matches the file")

    t, ref, cur = load("multiclass_covariate_shift")
    for df, per in ((ref, "reference"), (cur, "current")):
        s = df[["proba_a", "proba_b", "proba_c"]].sum(axis=1)
        expect("multiclass_covariate_shift", (s - 1).abs().max() < 1e-9 and (df[["proba_a", "proba_b", "proba_c"]] >= 0).all().all(),
               f"{per}: probabilities sum to 1")
        w = t[per]["whole"]["realized"]
        g = max(abs(w["class_share"][c] - w["mean_proba"][c]) for c in CLASSES)
        expect("multiclass_covariate_shift", g <= 0.015, f"{per}: per-class calibration gap max {g:.4f} <= 0.015")
    a0, a1 = t["reference"]["whole"]["realized"], t["current"]["whole"]["realized"]
    lines.append(f"     multiclass: macro ROC AUC {a0['roc_auc']:.4f} -> {a1['roc_auc']:.4f}; accuracy "
                 f"{a0['accuracy']:.4f} -> {a1['accuracy']:.4f}; class shares {a0['class_share']} -> {a1['class_share']}")
    expect("multiclass_covariate_shift", max_smd(t) >= 0.3, f"features moved (max |SMD| {max_smd(t):.3f})")
    expect("multiclass_covariate_shift", max(abs(a1["class_share"][c] - a0["class_share"][c]) for c in CLASSES) >= 0.05,
           "class mix moves by >= 5 points")

    total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(out_dir) for f in fs)
    lines.append(f"     total size {total / 1e6:.1f} MB")
    print("\n".join(lines))
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("all checks passed")
    return 0


BINARY = ["no_change", "covariate_shift", "concept_drift", "broken_pipeline", "mixed"]


def cbpe_baseline(out_dir):
    """NannyML-style CBPE on each binary scenario (bench/baseline_estimate.py: isotonic calibration by NannyML's
    rule, expected confusion matrix, ROC AUC estimate, sampling errors, thresholds from the reference chunks), by ISO
    week and by day, into cbpe_week.json and cbpe_day.json beside the CSVs, without the timings (so the files are
    reproducible): what `vigil estimate` should give on the same files."""
    script = os.path.join(ROOT, "bench", "baseline_estimate.py")
    for name in BINARY:
        d = os.path.join(out_dir, name)
        for chunk in ("week", "day"):
            path = os.path.join(d, f"cbpe_{chunk}.json")
            subprocess.run([sys.executable, script, "--reference", os.path.join(d, "reference.csv"),
                            "--analysis", os.path.join(d, "current.csv"), "--chunk", chunk, "--out", path],
                           check=True, stderr=subprocess.DEVNULL)
            with open(path) as f:
                r = json.load(f)
            r.pop("timings", None)
            r["reference_source"], r["analysis_source"] = "reference.csv", "current.csv"
            with open(path, "w") as f:
                json.dump(r, f, indent=1, allow_nan=False)
                f.write("\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--rows", type=int, default=20_000, help="rows per file (default 20000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--check", action="store_true", help="only check the files in --out against their truth")
    ap.add_argument("--no-cbpe", action="store_true", help="do not write cbpe_week.json / cbpe_day.json")
    a = ap.parse_args(argv)
    if not a.check:
        generate(a.out, a.rows, a.seed)
        if not a.no_cbpe:
            cbpe_baseline(a.out)
    return check(a.out)


if __name__ == "__main__":
    sys.exit(main())
