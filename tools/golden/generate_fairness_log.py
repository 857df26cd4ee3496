#!/usr/bin/python3
"""Golden fixture for `vigil fairness` end to end (FairnessAnalysis on a log).

Run with Debian's interpreter (python3-numpy, python3-pandas, python3-scipy, python3-sklearn):

    /usr/bin/python3 tools/golden/generate_fairness_log.py

Writes
  * tests/fixtures/fairness/loans.csv: a generated loan-approval log (4,000 rows; seed 12): prediction_id, timestamp,
    prediction_score (two decimals, so scores tie), actual_label, gender (male/female, 40 rows missing), race
    (white/black/asian/hispanic/other; 'other' has no positive label; 60 rows missing), zip_code (mostly determined by
    race: a proxy), income (shifted by race), age, loan_amount; 25 rows without a label and 10 without a score.
  * tests/Vigil.Analysis.Tests/Fixtures/fairness_expected.json: per attribute (gender, race, gender&race) every group's
    size, positives, metrics and Wilson intervals, the overall row, Fairlearn's summaries by both methods and Aequitas'
    disparities against the largest group, at threshold 0.5 (and the group metrics again at 0.3).

Definitions: Fairlearn's MetricFrame with scikit-learn's metrics on the rows of each group (confusion_matrix with
labels=[0, 1], roc_auc_score), with Vigil's documented difference: a rate over an empty class and precision without
predicted positives are NaN (null), not 0. A missing sensitive value is the group "(missing)"; the intersection's
values join the columns' values with '&'. Rows without a score or a label are left out. Summaries: MetricFrame.difference
/ ratio (between_groups: max - min, min / max; to_overall: max |g - overall|, min of g/overall or its inverse), NaN
groups skipped; equalized odds the worst of TPR and FPR. Aequitas: disparity = group / largest group, fair in
[0.8, 1.25]; undefined when the reference value is 0 or either value is NaN.
"""
import json
import math
import os

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import confusion_matrix, roc_auc_score

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
CSV = os.path.join(ROOT, "tests", "fixtures", "fairness", "loans.csv")
OUT = os.path.join(ROOT, "tests", "Vigil.Analysis.Tests", "Fixtures", "fairness_expected.json")
MISSING = "(missing)"
TAU = 0.8


def num(x):
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


def generate(n=4000, seed=12):
    rng = np.random.default_rng(seed)
    race = rng.choice(["white", "black", "asian", "hispanic", "other"], size=n, p=[0.5, 0.2, 0.12, 0.15, 0.03])
    gender = rng.choice(["male", "female"], size=n, p=[0.55, 0.45])
    zips = {"white": ["10001", "10002", "10003"], "black": ["20001", "20002"], "asian": ["30001"], "hispanic": ["40001", "40002"], "other": ["50001"]}
    zip_code = np.array([rng.choice(zips[r]) if rng.random() < 0.85 else rng.choice(["10001", "20001", "30001", "40001", "50001"]) for r in race])
    shift = {"white": 0.3, "black": -0.3, "asian": 0.4, "hispanic": -0.2, "other": 0.0}
    income = np.round(np.exp(10.8 + np.array([shift[r] for r in race]) + rng.normal(0, 0.4, n)), 0)
    age = rng.integers(21, 75, n)
    loan = np.round(rng.lognormal(9.5, 0.6, n), -2)
    z = (np.log(income) - 10.8) * 1.5 - (np.log(loan) - 9.5) * 0.8 + (age - 45) * 0.01 + np.where(gender == "male", 0.25, -0.1) \
        + np.where(race == "black", -0.4, 0.0) + rng.normal(0, 0.8, n)
    p_true = 1 / (1 + np.exp(-(z - 0.2)))
    label = (rng.random(n) < p_true).astype(int)
    label[race == "other"] = 0
    score = np.round(1 / (1 + np.exp(-(z * 0.9 + rng.normal(0, 0.6, n)))), 2)
    df = pd.DataFrame({
        "prediction_id": [f"L{i:05d}" for i in range(n)],
        "timestamp": pd.date_range("2026-03-01", periods=n, freq="7min").strftime("%Y-%m-%dT%H:%M:%SZ"),
        "prediction_score": score,
        "actual_label": label.astype(object),
        "gender": gender.astype(object),
        "race": race.astype(object),
        "zip_code": zip_code,
        "income": income.astype(int),
        "age": age,
        "loan_amount": loan.astype(int),
    })
    df.loc[rng.choice(n, 40, replace=False), "gender"] = None
    df.loc[rng.choice(n, 60, replace=False), "race"] = None
    df.loc[rng.choice(n, 25, replace=False), "actual_label"] = None
    sc = df["prediction_score"].astype(object)
    sc[rng.choice(n, 10, replace=False)] = None
    df["prediction_score"] = sc
    return df


def wilson(x, d, conf=0.95):
    if d == 0:
        return None, None
    z = stats.norm.ppf(1 - (1 - conf) / 2)
    p = x / d
    den = 1 + z * z / d
    centre = (p + z * z / (2 * d)) / den
    half = z * math.sqrt(p * (1 - p) / d + z * z / (4 * d * d)) / den
    return centre - half, centre + half


def group_metrics(y, s, t):
    pred = (s >= t).astype(int)
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
    n, P, N, PP = len(y), tp + fn, fp + tn, tp + fp
    rates = {
        "selection_rate": (PP, n),
        "tpr": (tp, P),
        "fpr": (fp, N),
        "fnr": (fn, P),
        "precision": (tp, PP),
        "accuracy": (tp + tn, n),
    }
    metrics, intervals = {}, {}
    for k, (a, b) in rates.items():
        metrics[k] = a / b if b > 0 else float("nan")
        intervals[k] = wilson(a, b)
    metrics["roc_auc"] = roc_auc_score(y, s) if 0 < P < n else float("nan")
    return dict(size=int(n), positives=int(P), tp=int(tp), fp=int(fp), tn=int(tn), fn=int(fn), metrics=metrics, intervals=intervals)


def summaries(by, overall):
    out = {}
    for method in ("between_groups", "to_overall"):
        res = {}
        for name, rates in (("demographic_parity", ["selection_rate"]), ("equalized_odds", ["tpr", "fpr"]), ("equal_opportunity", ["tpr"])):
            diffs, ratios = [], []
            for r in rates:
                v = pd.Series({g: m["metrics"][r] for g, m in by.items()})
                o = overall["metrics"][r]
                if method == "between_groups":
                    d = v.max() - v.min()
                    q = v.min() / v.max() if v.max() != 0 else float("nan")
                else:
                    d = (v - o).abs().max()
                    rr = v / o if o != 0 else pd.Series([float("nan")] * len(v))
                    rr = rr.where(~(rr > 1), 1 / rr)
                    q = rr.min()
                diffs.append(d)
                ratios.append(q)
            dd = [x for x in diffs if not math.isnan(x)]
            qq = [x for x in ratios if not math.isnan(x)]
            res[name + "_difference"] = num(max(dd)) if dd else None
            res[name + "_ratio"] = num(min(qq)) if qq else None
        out[method] = res
    return out


def disparities(by, order):
    sizes = pd.Series({g: by[g]["size"] for g in order})
    ref = sizes.idxmax()
    total_pp = sum(m["tp"] + m["fp"] for m in by.values())
    def aeq(m):
        PP = m["tp"] + m["fp"]
        return {"ppr": PP / total_pp if total_pp else float("nan"), "pprev": m["metrics"]["selection_rate"], "precision": m["metrics"]["precision"],
                "fpr": m["metrics"]["fpr"], "fnr": m["metrics"]["fnr"], "tpr": m["metrics"]["tpr"], "accuracy": m["metrics"]["accuracy"]}
    rv = aeq(by[ref])
    out = []
    for g in order:
        gv = aeq(by[g])
        for k in ["ppr", "pprev", "precision", "fpr", "fnr", "tpr", "accuracy"]:
            a, b = gv[k], rv[k]
            d = float("nan") if (math.isnan(a) or math.isnan(b) or b == 0) else a / b
            out.append({"value": g, "metric": k, "disparity": num(d), "fair": None if math.isnan(d) else bool(TAU <= d <= 1 / TAU)})
    return ref, out


def order_key(v):
    return (1 if MISSING in v else 0, v.encode("utf-16-be"))


def expected(df, t):
    d = df.dropna(subset=["prediction_score", "actual_label"]).copy()
    d["prediction_score"] = d["prediction_score"].astype(float)
    d["actual_label"] = d["actual_label"].astype(int)
    d["gender"] = d["gender"].fillna(MISSING)
    d["race"] = d["race"].fillna(MISSING)
    d["gender&race"] = d["gender"] + "&" + d["race"]
    y, s = d["actual_label"].to_numpy(), d["prediction_score"].to_numpy()
    overall = group_metrics(y, s, t)
    attrs = []
    for a in ["gender", "race", "gender&race"]:
        by = {}
        for g, part in d.groupby(a):
            by[g] = group_metrics(part["actual_label"].to_numpy(), part["prediction_score"].to_numpy(), t)
        order = sorted(by, key=order_key)
        ref, disp = disparities(by, order)
        attrs.append({
            "attribute": a,
            "groups": [dict(value=g, **{k: v for k, v in by[g].items() if k not in ("metrics", "intervals")},
                            metrics={k: num(v) for k, v in by[g]["metrics"].items()},
                            intervals={k: [num(lo), num(hi)] for k, (lo, hi) in by[g]["intervals"].items()}) for g in order],
            "summaries": summaries(by, overall),
            "reference": ref,
            "disparities": disp,
        })
    return {
        "threshold": t,
        "rows": int(len(d)),
        "missing_score": int(df["prediction_score"].isna().sum()),
        "missing_label": int((df["prediction_score"].notna() & df["actual_label"].isna()).sum()),
        "overall": dict(size=overall["size"], metrics={k: num(v) for k, v in overall["metrics"].items()}),
        "attributes": attrs,
    }


def main():
    df = generate()
    os.makedirs(os.path.dirname(CSV), exist_ok=True)
    df.to_csv(CSV, index=False)
    back = pd.read_csv(CSV, dtype={"zip_code": str})  # what the engine reads
    cases = [expected(back, 0.5), expected(back, 0.3)]
    with open(OUT, "w") as f:
        json.dump({"generator": "tools/golden/generate_fairness_log.py", "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"wrote {CSV} ({len(df)} rows) and {OUT}")


if __name__ == "__main__":
    main()
