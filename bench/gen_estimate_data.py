#!/usr/bin/python3
"""Writes the reference and analysis sets for the `vigil estimate` (CBPE) benchmark (deterministic).

    bench/gen_estimate_data.py [--rows N] [--ref-rows M] [--out DIR] [--seed S] [--jobs J] [--no-parquet]

Default: a 1,000,000-row labelled reference and a 10,000,000-row analysis set into bench/data/estimate/
(reference.csv, reference.parquet, analysis.csv, analysis.parquet; the Parquet files are written by DuckDB from the
CSVs through bench/duckdb_sql.py, so both hold the same values). Rows are generated in chunks of 1M with numpy, each
chunk from its own seed (seed, file, chunk), so the files do not depend on --jobs.

Columns (both files):
  id          int, unique across both files (reference first)
  timestamp   reference: 28 days from Mon 2026-08-03; analysis: 60 days from Mon 2026-08-31;
              uniform, not sorted, "YYYY-MM-DD HH:MM:SS"
  plan        free 45 %, basic 30 %, pro 18 %, enterprise 7 %
  f_amount    log-normal amount, 2 decimals
  f_sessions  Poisson(5)
  f_tenure    int days, exponential (mean 300), capped at 3650
  score       the model's score, 6 decimals (about 10^6 distinct values: ties occur)
  prediction  1 when score >= 0.5
  label       0/1 (the analysis set has labels too, so `realized` can be checked; CBPE does not read them)

The true probability is p = sigmoid(z), z a function of the features plus an unobserved term. The model's score is
a monotone but MISCALIBRATED transform, score = sigmoid(0.75 z - 0.3), so isotonic calibration on the reference
lowers the expected calibration error and NannyML's rule calibrates. The analysis period has three phases:
  days  0-19  as the reference;
  days 20-39  covariate shift: amounts larger (log-normal mean +0.6) and more free plans, P(y|x) unchanged: the
              estimates move and follow the realized values;
  days 40-59  the same shift plus concept drift in plan = free (labels drawn from sigmoid(z + 1.2)): the realized
              values fall below the estimates.
"""
import argparse
import os
import shutil
import sys
import tempfile
import time
from multiprocessing import Pool

import numpy as np
import pandas as pd

CHUNK = 1_000_000
REF_START, REF_DAYS = np.datetime64("2026-08-03T00:00:00", "s"), 28
ANA_START, ANA_DAYS = np.datetime64("2026-08-31T00:00:00", "s"), 60
PLANS = np.array(["free", "basic", "pro", "enterprise"])
PLAN_P = [0.45, 0.30, 0.18, 0.07]
PLAN_P_SHIFT = [0.60, 0.22, 0.13, 0.05]
PLAN_EFFECT = np.array([0.35, 0.0, -0.25, -0.6])
COLUMNS = ["id", "timestamp", "plan", "f_amount", "f_sessions", "f_tenure", "score", "prediction", "label"]
SQL_TYPES = {"id": "BIGINT", "timestamp": "TIMESTAMP", "plan": "VARCHAR", "f_amount": "DOUBLE", "f_sessions": "BIGINT",
             "f_tenure": "BIGINT", "score": "DOUBLE", "prediction": "BIGINT", "label": "BIGINT"}


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def chunk_frame(seed, kind, index, first_id, n):
    rng = np.random.default_rng([seed, 0 if kind == "reference" else 1, index])
    start, days = (REF_START, REF_DAYS) if kind == "reference" else (ANA_START, ANA_DAYS)
    secs = rng.integers(0, days * 86400, n)
    day = secs // 86400
    shifted = (kind == "analysis") & (day >= 20)
    concept = (kind == "analysis") & (day >= 40)
    plan = np.where(shifted, rng.choice(4, n, p=PLAN_P_SHIFT), rng.choice(4, n, p=PLAN_P))
    amount = np.round(rng.lognormal(3.5, 1.0, n) * np.where(shifted, np.exp(0.6), 1.0), 2)
    sessions = rng.poisson(5.0, n)
    tenure = np.minimum(rng.exponential(300.0, n).astype(np.int64), 3650)
    z = (-1.2 + 0.6 * (np.log(amount + 1.0) - 3.5) + 0.3 * (sessions - 5.0) / 2.24 - 0.5 * (tenure >= 365)
         + 0.4 * (tenure < 30) + PLAN_EFFECT[plan] + rng.normal(0.0, 1.0, n))
    score = np.clip(np.round(sigmoid(0.75 * z - 0.3), 6), 1e-6, 1 - 1e-6)
    p = np.where(concept & (plan == 0), sigmoid(z + 1.2), sigmoid(z))
    label = (rng.random(n) < p).astype(np.int64)
    return pd.DataFrame({
        "id": np.arange(first_id, first_id + n, dtype=np.int64),
        "timestamp": start + secs.astype("timedelta64[s]"),
        "plan": PLANS[plan], "f_amount": amount, "f_sessions": sessions, "f_tenure": tenure,
        "score": score, "prediction": (score >= 0.5).astype(np.int64), "label": label}, columns=COLUMNS)


def write_chunk(args):
    seed, kind, index, first_id, n, path = args
    chunk_frame(seed, kind, index, first_id, n).to_csv(path, index=False, header=False,
                                                       date_format="%Y-%m-%d %H:%M:%S")
    return path


def write_csv(kind, rows, first_id, seed, jobs, out):
    csv = os.path.join(out, f"{kind}.csv")
    tmp = tempfile.mkdtemp(dir=out, prefix=".parts-")
    try:
        tasks, first = [], 0
        for i in range((rows + CHUNK - 1) // CHUNK):
            n = min(CHUNK, rows - first)
            tasks.append((seed, kind, i, first_id + first, n, os.path.join(tmp, f"{i:05d}.csv")))
            first += n
        if jobs > 1 and len(tasks) > 1:
            with Pool(jobs) as pool:
                parts = pool.map(write_chunk, tasks, chunksize=1)
        else:
            parts = [write_chunk(t) for t in tasks]
        with open(csv + ".tmp", "wb") as f:
            f.write((",".join(COLUMNS) + "\n").encode())
            for p in parts:
                with open(p, "rb") as src:
                    shutil.copyfileobj(src, f, 16 << 20)
        os.replace(csv + ".tmp", csv)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return csv


def write_parquet(csv):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from duckdb_sql import DuckDb, literal
    parquet = csv[:-len(".csv")] + ".parquet"
    cols = "{" + ", ".join(f"{literal(c)}: {literal(t)}" for c, t in SQL_TYPES.items()) + "}"
    db = DuckDb()
    db.query(f"COPY (SELECT * FROM read_csv({literal(csv)}, header = true, columns = {cols}, "
             f"timestampformat = '%Y-%m-%d %H:%M:%S')) TO {literal(parquet + '.tmp')} (FORMAT parquet)")
    db.close()
    os.replace(parquet + ".tmp", parquet)
    return parquet


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000, help="analysis rows (default 10,000,000)")
    ap.add_argument("--ref-rows", type=int, default=None, help="reference rows (default rows / 10)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "estimate"))
    ap.add_argument("--seed", type=int, default=2027)
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--no-parquet", action="store_true", help="write only the CSVs")
    a = ap.parse_args(argv)
    ref_rows = a.ref_rows if a.ref_rows is not None else max(a.rows // 10, 1)
    os.makedirs(a.out, exist_ok=True)
    for kind, rows, first_id in (("reference", ref_rows, 0), ("analysis", a.rows, ref_rows)):
        t0 = time.perf_counter()
        csv = write_csv(kind, rows, first_id, a.seed, a.jobs, a.out)
        t1 = time.perf_counter()
        print(f"wrote {csv}: {rows} rows, {os.path.getsize(csv) / 1e6:.1f} MB in {t1 - t0:.1f} s", file=sys.stderr)
        if not a.no_parquet:
            pq = write_parquet(csv)
            print(f"wrote {pq}: {os.path.getsize(pq) / 1e6:.1f} MB in {time.perf_counter() - t1:.1f} s",
                  file=sys.stderr)
    with open(os.path.join(a.out, "rows"), "w") as f:
        f.write(f"{a.rows} {ref_rows} seed {a.seed}\n")


if __name__ == "__main__":
    main()
