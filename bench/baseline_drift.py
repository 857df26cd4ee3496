#!/usr/bin/python3
"""The drift baseline: Evidently's default data-drift computation written directly on pandas + SciPy.

    bench/baseline_drift.py REFERENCE.csv CURRENT.csv --out drift.json [--drift-share 0.5]

For every column both files hold: Evidently's cleaning (±inf → NaN, NaN dropped per sample), its automatic
method choice and the chosen method, as tools/golden/generate_drift.py implements them line by line after
Evidently's source (Evidently itself cannot be installed here). Columns are numerical when pandas reads
them as numbers, categorical otherwise. This is a lower bound on Evidently's own time: no report object, no
rendering, no extra metrics. Writes the same JSON shape as `vigil drift --format json` (the fields
compare_drift.py reads) with a "timings" object.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "golden"))
import generate_drift as ev  # noqa: E402  (Evidently's methods on SciPy)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("reference")
    ap.add_argument("current")
    ap.add_argument("--out", required=True)
    ap.add_argument("--drift-share", type=float, default=0.5)
    a = ap.parse_args()

    t0 = time.perf_counter()
    ref_df = pd.read_csv(a.reference)
    cur_df = pd.read_csv(a.current)
    t1 = time.perf_counter()

    columns = []
    for name in ref_df.columns:
        if name not in cur_df.columns:
            continue
        numeric = pd.api.types.is_numeric_dtype(ref_df[name]) and pd.api.types.is_numeric_dtype(cur_df[name])
        kind = ev.NUM if numeric else ev.CAT
        r = ref_df[name].replace([-np.inf, np.inf], np.nan).dropna()
        c = cur_df[name].replace([-np.inf, np.inf], np.nan).dropna()
        if not numeric:
            r, c = r.astype(str), c.astype(str)
        method = ev.auto_method(r, c, kind)
        res = ev.run_method(method, r, c, kind, forced=True)
        res.update({"name": name, "type": "num" if numeric else "cat"})
        columns.append(res)
    t2 = time.perf_counter()

    drifted = sum(1 for c in columns if c["drifted"])
    share = drifted / len(columns) if columns else 0.0
    doc = {
        "kind": "drift",
        "reference_rows": int(len(ref_df)),
        "current_rows": int(len(cur_df)),
        "dataset": {"drifted": share >= a.drift_share, "share": share, "drifted_columns": drifted,
                    "columns": len(columns), "drift_share": a.drift_share},
        "columns": columns,
        "timings": {"read_seconds": t1 - t0, "drift_seconds": t2 - t1, "total_seconds": t2 - t0},
    }
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
    print(f"baseline: {len(columns)} columns, {drifted} drifted; read {t1 - t0:.2f} s, drift {t2 - t1:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
