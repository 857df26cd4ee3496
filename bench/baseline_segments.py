#!/usr/bin/python3
"""The pandas baseline of `vigil segments --metric calibration`.

What a user would otherwise write to find the slices where a model is miscalibrated: read the log with pandas, and
for every value of each column and every pair of values of two columns, `groupby(...).sum()` the labels, the
scores and the squared scores, then test observed against expected positives.

    python3 bench/baseline_segments.py LOG.csv [--by tenure_bucket,day_of_week,plan,device] [--depth 2] \
        [--score score] [--label label] [--version-column model_version --version v2.1] [--buckets 5] [--out FILE]

Output (JSON, the shape of `vigil segments --format json`, plus extra fields and "timings"):
    {"kind":"segments","metric":"calibration","by":[...],"depth":2,"rows":N,
     "segments":[{"segment":{"tenure_bucket":"<30d","day_of_week":"Sat"},"rows":N,"positives":O,
                  "sum_score":E,"sum_score2":S2,"observed":O,"expected":E,
                  "value":x,"complement":x,"gap":x,"lower":x,"upper":x,"z":x,"p_value":x,"p_adjusted":x,
                  "ratio":O/E,"finding":"over_predicts|under_predicts|null"}], "timings":{...}}

Definitions (n rows of the segment, O = Σlabel, E = Σscore, S2 = Σscore²; N, O_all, E_all over all rows):
  * value = (E - O) / n, the segment's mean score minus its observed rate (calibration in the large, Vigil's sign);
  * complement = the same over the rows outside the segment: ((E_all - E) - (O_all - O)) / (N - n);
  * gap = value - complement, tested against 0: z = gap / sqrt(V_s / n^2 + V_c / (N - n)^2), V = Σ p (1 - p) = E - S2
    on each side (each label Bernoulli(score) under calibration); p_value = 2 * (1 - Phi(|z|));
  * lower, upper = gap -+ z_(1 - alpha/2) * sqrt(V_s / n^2 + V_c / (N - n)^2) (the gap's Wald interval);
  * p_adjusted: Benjamini-Hochberg across the segments tested: both the segment and its complement have at least
    max(100, 0.5 % of the rows) rows (Vigil's default --min-rows); null for the others;
  * finding: over_predicts (O < E) or under_predicts (O > E) when p_adjusted < alpha, else null;
  * segments: every value of each --by column (depth 1) and every pair of values of two --by columns (depth 2) that
    has rows; numeric --by columns are cut into --buckets quantile buckets first (edges np.quantile at 1/5 .. 4/5,
    linear interpolation; a value equal to an edge goes to the upper bucket) labelled "q1".."q5";
  * ranked by p_value, then by |gap| (largest first).
"""
import argparse
import itertools
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats


def bh(ps):
    """Benjamini-Hochberg adjusted p-values."""
    ps = np.asarray(ps, dtype=float)
    k = len(ps)
    order = np.argsort(ps, kind="stable")
    ranked = ps[order] * k / np.arange(1, k + 1)
    adj = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(k)
    out[order] = np.minimum(adj, 1.0)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", help="prediction log (CSV)")
    ap.add_argument("--by", default="tenure_bucket,day_of_week,plan,device")
    ap.add_argument("--depth", type=int, default=2, choices=[1, 2])
    ap.add_argument("--metric", default="calibration", choices=["calibration"])
    ap.add_argument("--score", default="score")
    ap.add_argument("--label", default="label")
    ap.add_argument("--version-column", default="model_version")
    ap.add_argument("--version", help="only the rows of this model version (default: every row)")
    ap.add_argument("--buckets", type=int, default=5)
    ap.add_argument("--confidence", type=float, default=0.95)
    ap.add_argument("--out", help="write the JSON here (default: stdout)")
    a = ap.parse_args(argv)
    by = [c.strip() for c in a.by.split(",") if c.strip()]
    alpha = 1.0 - a.confidence
    zq = float(stats.norm.ppf(1.0 - alpha / 2.0))
    timings = {}
    t0 = time.perf_counter()

    cols = [*by, a.score, a.label] + ([a.version_column] if a.version else [])
    df = pd.read_csv(a.path, usecols=cols, keep_default_na=False, na_values=[""],
                     dtype={a.score: "float64", a.label: "float64"})
    t1 = time.perf_counter()
    timings["read_seconds"] = t1 - t0

    keep = df[a.score].notna() & df[a.label].isin([0, 1])
    if a.version:
        keep &= df[a.version_column].astype(str) == a.version
    df = df[keep]
    work = pd.DataFrame({"y": df[a.label].to_numpy(), "s": df[a.score].to_numpy()})
    work["s2"] = work["s"] * work["s"]
    for c in by:
        col = df[c]
        if pd.api.types.is_numeric_dtype(col):
            edges = np.quantile(col.dropna().to_numpy(), np.arange(1, a.buckets) / a.buckets)
            b = np.searchsorted(edges, col.to_numpy(), side="right")
            labels = np.array([f"q{i + 1}" for i in range(a.buckets)])
            work[c] = pd.Categorical(np.where(col.isna(), None, labels[np.minimum(b, a.buckets - 1)]))
        else:
            work[c] = col.astype("category")
    n_all = len(work)
    o_all, e_all = float(work["y"].sum()), float(work["s"].sum())

    keysets = [[c] for c in by] + ([list(p) for p in itertools.combinations(by, 2)] if a.depth >= 2 else [])
    rows = []
    for key in keysets:
        g = work.groupby(key if len(key) > 1 else key[0], observed=True, sort=True)[["y", "s", "s2"]].agg(["sum", "count"])
        for idx, r in g.iterrows():
            idx = idx if isinstance(idx, tuple) else (idx,)
            n = int(r[("y", "count")])
            if n == 0:
                continue
            rows.append(({c: str(v) for c, v in zip(key, idx)}, n, float(r[("y", "sum")]), float(r[("s", "sum")]),
                         float(r[("s2", "sum")])))

    # Vigil's definitions (docs/segments.md): each segment against its complement (every other row).
    s2_all = float(work["s2"].sum())
    min_rows = max(100, int(np.ceil(n_all * 0.005)))
    segs = []
    for seg, n, o, e, s2 in rows:
        rest = n_all - n
        value = (e - o) / n
        complement = ((e_all - e) - (o_all - o)) / rest if rest else None
        v_s, v_c = e - s2, (e_all - e) - (s2_all - s2)
        var = v_s / n ** 2 + (v_c / rest ** 2 if rest else 0.0)
        gap = None if complement is None else value - complement
        se = np.sqrt(var) if var > 0 else 0.0
        z = gap / se if gap is not None and se > 0 else None
        p = float(2.0 * stats.norm.sf(abs(z))) if z is not None else None
        segs.append({"segment": seg, "rows": n, "positives": int(o), "sum_score": e, "sum_score2": s2,
                     "observed": int(o), "expected": e, "value": value, "complement": complement, "gap": gap,
                     "lower": None if gap is None else gap - zq * se, "upper": None if gap is None else gap + zq * se,
                     "z": z, "p_value": p, "ratio": o / e if e else None,
                     "tested": p is not None and n >= min_rows and rest >= min_rows})
    tested = [s for s in segs if s["tested"]]
    for s, padj in zip(tested, bh([s["p_value"] for s in tested]) if tested else []):
        s["p_adjusted"] = float(padj)
    for s in segs:
        s.setdefault("p_adjusted", None)
        padj = s["p_adjusted"]
        s["finding"] = None if padj is None or padj >= alpha else ("over_predicts" if s["observed"] < s["expected"] else "under_predicts")
    segs.sort(key=lambda s: (s["p_value"] if s["p_value"] is not None else 2.0, -abs(s["gap"] or 0.0)))

    t2 = time.perf_counter()
    timings["segments_seconds"] = t2 - t1
    timings["total_seconds"] = t2 - t0
    result = {"kind": "segments", "source": a.path, "metric": a.metric, "by": by, "depth": a.depth,
              "version": a.version, "rows": n_all, "positives": int(o_all), "sum_score": e_all,
              "confidence": a.confidence, "segments": segs, "timings": timings}
    text = json.dumps(result, indent=1, allow_nan=False)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")
    print(f"baseline_segments: {n_all} rows, {len(segs)} segments, "
          f"{sum(1 for s in segs if s['finding'])} findings; "
          + ", ".join(f"{k} {v:.2f}" for k, v in timings.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
