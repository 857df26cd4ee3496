#!/usr/bin/python3
"""End-to-end golden fixtures for `vigil compare`: two generated prediction logs (independent versions, and a shadow
deployment where both versions scored the same ids) plus what scikit-learn and the reference formulas of
generate_comparison.py (DeLong 1988, Newcombe 1998, Holm) give per version and segment.

Run with Debian's python3 (python3-sklearn, python3-pandas):
    /usr/bin/python3 tools/golden/generate_compare.py
Writes tests/Vigil.Analysis.Tests/Fixtures/compare_{independent,paired}.csv and compare_expected.json.
"""
import json
import os
import sys

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, os.path.dirname(__file__))
from generate_evaluation import binary_metrics  # noqa: E402
from generate_comparison import delong_single, delong_paired, z_interval, newcombe_unpaired, newcombe_paired, holm  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "Vigil.Analysis.Tests", "Fixtures")
EPS = np.finfo(np.float64).eps
CONF = 0.95
REGIONS = ["north", "south", "east", None]


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def independent(rng):
    rows = []
    for version, n, bad in (("v2.0", 3000, False), ("v2.1", 2600, True)):
        region = rng.choice(len(REGIONS), size=n, p=[0.35, 0.3, 0.3, 0.05])
        x = rng.normal(size=n)
        y = (rng.random(n) < sigmoid(1.4 * x - 0.6)).astype(int)
        noise = rng.normal(scale=0.7, size=n)
        # The candidate is much worse in the south; scores rounded to 3 decimals so that ties occur.
        signal = np.where(bad & (region == 1), 0.2 * x, 1.4 * x)
        s = np.round(sigmoid(signal - 0.6 + noise), 3)
        ids = [f"{version}-{i}" for i in range(n)]
        for i in range(n):
            rows.append((ids[i], version, REGIONS[region[i]], s[i], y[i]))
    return pd.DataFrame(rows, columns=["prediction_id", "model_version", "region", "prediction_score", "actual_label"])


def paired(rng):
    n = 2000
    region = rng.choice(len(REGIONS), size=n, p=[0.35, 0.3, 0.3, 0.05])
    x = rng.normal(size=n)
    y = (rng.random(n) < sigmoid(1.4 * x - 0.6)).astype(int)
    common = rng.normal(scale=0.6, size=n)
    sa = np.round(sigmoid(1.2 * x - 0.6 + common + rng.normal(scale=0.3, size=n)), 3)
    sb = np.round(sigmoid(1.5 * x - 0.6 + common + rng.normal(scale=0.3, size=n)), 3)
    rows = []
    for i in range(n):
        rows.append((f"id-{i}", "v2.0", REGIONS[region[i]], sa[i], y[i]))
        rows.append((f"id-{i}", "v2.1", REGIONS[region[i]], sb[i], y[i]))
    return pd.DataFrame(rows, columns=["prediction_id", "model_version", "region", "prediction_score", "actual_label"])


def losses(y, s):
    c = np.clip(s, EPS, 1 - EPS)
    return -(y * np.log(c) + (1 - y) * np.log(1 - c)), (s - y) ** 2


def welch(a, b):
    d = b.mean() - a.mean()
    var = a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)
    return z_interval(d, var, CONF)


def paired_mean(dv):
    return z_interval(dv.mean(), dv.var(ddof=1) / len(dv), CONF)


def segment_key(region):
    return {} if region == "__all__" else {"region": region}


def compare(df, is_paired):
    out = []
    groups = [("__all__", df)] + [(r, df[df.region.isna()] if r is None else df[df.region == r]) for r in REGIONS]
    for region, g in groups:
        b = g[g.model_version == "v2.0"].sort_values("prediction_id")
        c = g[g.model_version == "v2.1"].sort_values("prediction_id")
        yb, sb_ = b.actual_label.to_numpy(), b.prediction_score.to_numpy()
        yc, sc = c.actual_label.to_numpy(), c.prediction_score.to_numpy()
        entry = {
            "segment": segment_key(region),
            "baseline": {"rows": len(b), "metrics": binary_metrics(yb, sb_)[0]},
            "candidate": {"rows": len(c), "metrics": binary_metrics(yc, sc)[0]},
        }
        diff = {}
        pb, pc = (sb_ >= 0.5).astype(int), (sc >= 0.5).astype(int)
        if is_paired:
            assert (b.prediction_id.to_numpy() == c.prediction_id.to_numpy()).all()
            dp = delong_paired(sb_, sc, yb)
            diff["roc_auc"] = z_interval(dp["auc_b"] - dp["auc_a"], dp["var_a"] + dp["var_b"] - 2 * dp["cov"], CONF)
            ca, cb = pb == yb, pc == yb
            diff["accuracy"] = (newcombe_paired(int((ca & cb).sum()), int((ca & ~cb).sum()), int((~ca & cb).sum()), int((~ca & ~cb).sum()), CONF))
            pos, neg = yb == 1, yb == 0
            diff["recall"] = (newcombe_paired(int((pb & pc & pos).sum()), int((pb & ~pc & pos).sum()), int((~pb & pc & pos).sum()), int((~pb & ~pc & pos).sum()), CONF))
            ra, rb = pb == 0, pc == 0
            diff["specificity"] = (newcombe_paired(int((ra & rb & neg).sum()), int((ra & ~rb & neg).sum()), int((~ra & rb & neg).sum()), int((~ra & ~rb & neg).sum()), CONF))
            lb, bb = losses(yb, sb_)
            lc, bc = losses(yb, sc)
            diff["log_loss"] = paired_mean(lc - lb)
            diff["brier"] = paired_mean(bc - bb)
        else:
            db, dc = delong_single(sb_, yb), delong_single(sc, yc)
            diff["roc_auc"] = z_interval(dc["auc"] - db["auc"], db["variance"] + dc["variance"], CONF)
            diff["accuracy"] = (newcombe_unpaired(int((pb == yb).sum()), len(yb), int((pc == yc).sum()), len(yc), CONF))
            diff["precision"] = (newcombe_unpaired(int((pb & yb).sum()), int(pb.sum()), int((pc & yc).sum()), int(pc.sum()), CONF))
            diff["recall"] = (newcombe_unpaired(int((pb & yb).sum()), int(yb.sum()), int((pc & yc).sum()), int(yc.sum()), CONF))
            diff["specificity"] = (newcombe_unpaired(int(((1 - pb) & (1 - yb)).sum()), int((1 - yb).sum()), int(((1 - pc) & (1 - yc)).sum()), int((1 - yc).sum()), CONF))
            lb, bb = losses(yb, sb_)
            lc, bc = losses(yc, sc)
            diff["log_loss"] = welch(lb, lc)
            diff["brier"] = welch(bb, bc)
        entry["difference"] = {k: {"value": float(v["value"]), "lower": float(v["lower"]), "upper": float(v["upper"]), "p": float(v["p"])} for k, v in diff.items()}
        out.append(entry)
    # Holm across the segments (not overall) for roc_auc.
    segs = [e for e in out if e["segment"]]
    adj = holm([e["difference"]["roc_auc"]["p"] for e in segs])
    for e, q in zip(segs, adj):
        e["roc_auc_p_adjusted"] = float(q)
    return out


def main():
    rng = np.random.default_rng(20261202)
    ind = independent(rng)
    par = paired(rng)
    ind.to_csv(os.path.join(OUT, "compare_independent.csv"), index=False)
    par.to_csv(os.path.join(OUT, "compare_paired.csv"), index=False)
    expected = {"independent": compare(ind, False), "paired": compare(par, True)}
    with open(os.path.join(OUT, "compare_expected.json"), "w") as f:
        json.dump(expected, f, indent=1, default=float)
    print("wrote compare fixtures")


if __name__ == "__main__":
    main()
