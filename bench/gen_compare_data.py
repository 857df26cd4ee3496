#!/usr/bin/python3
"""Writes the prediction log for the `vigil compare` / `vigil segments` benchmark (deterministic).

    bench/gen_compare_data.py [--rows N] [--out DIR] [--seed S] [--jobs J] [--no-parquet]

Default: 10,000,000 rows into bench/data/compare/log.csv and log.parquet (the Parquet file is written by DuckDB
from the CSV, through bench/duckdb_sql.py, so both files hold the same values). Rows are generated in chunks of
1M with numpy, each chunk from its own seed (seed, chunk), so the file does not depend on --jobs.

Columns:
  id             int, unique: v2.0 and v2.1 score different requests (not a shadow deployment: paired = false)
  timestamp      28 days from 2026-10-05 00:00:00 (a Monday), uniform, "YYYY-MM-DD HH:MM:SS"
  model_version  v2.0 / v2.1, half each
  region         north 30 %, south 25 %, east 20 %, west 15 %, central 10 %
  tenure_bucket  <30d, 30-90d, 90-365d, >1y   (from tenure_days: < 30, < 90, < 365, else)
  day_of_week    Mon..Sun                     (the timestamp's day)
  plan           free, basic, pro, enterprise
  device         mobile, desktop, tablet
  tenure_days    int, exponential with mean 300 days (capped at 3650)
  f_amount       log-normal amount, 2 decimals
  f_sessions     Poisson(5)
  f_age          int 18..80
  f_clicks       Poisson(12)
  score          probability in (0, 1), 6 decimals (about 10^6 distinct values: ties occur, as in real logs)
  label          0/1

How labels are made: every row's label is drawn from its own score (label ~ Bernoulli(score)), so both models are
calibrated by construction and differ only in how sharp their scores are, except in two planted places:
  * region = south, v2.1: v2.1's logits are shrunk towards their mean (factor 0.7): still calibrated, but it
    separates the classes worse (ROC AUC about 0.06 below v2.0's there). Elsewhere v2.1 is a little sharper (1.08),
    so it is slightly better.
  * tenure_bucket = <30d and day_of_week = Sat, v2.1: the label is drawn from sigmoid(logit(score) - 1.0), so v2.1
    over-predicts there (observed positives well below the expected Σscore).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from multiprocessing import Pool

import numpy as np
import pandas as pd

CHUNK = 1_000_000
START = np.datetime64("2026-10-05T00:00:00", "s")  # a Monday
DAYS = 28
REGIONS = np.array(["north", "south", "east", "west", "central"])
REGION_P = [0.30, 0.25, 0.20, 0.15, 0.10]
TENURE = np.array(["<30d", "30-90d", "90-365d", ">1y"])
DOW = np.array(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
PLANS = np.array(["free", "basic", "pro", "enterprise"])
PLAN_P = [0.45, 0.30, 0.18, 0.07]
PLAN_EFFECT = np.array([0.35, 0.0, -0.25, -0.6])
DEVICES = np.array(["mobile", "desktop", "tablet"])
DEVICE_P = [0.55, 0.35, 0.10]
DEVICE_EFFECT = np.array([0.15, -0.1, 0.05])
WORSE_REGION = 1       # south
SHRINK, SHARPEN = 0.7, 1.08
MISCAL_SHIFT = -1.0    # logit shift of the true probability in (<30d, Sat) for v2.1
COLUMNS = ["id", "timestamp", "model_version", "region", "tenure_bucket", "day_of_week", "plan", "device",
           "tenure_days", "f_amount", "f_sessions", "f_age", "f_clicks", "score", "label"]
SQL_TYPES = {"id": "BIGINT", "timestamp": "TIMESTAMP", "model_version": "VARCHAR", "region": "VARCHAR",
             "tenure_bucket": "VARCHAR", "day_of_week": "VARCHAR", "plan": "VARCHAR", "device": "VARCHAR",
             "tenure_days": "BIGINT", "f_amount": "DOUBLE", "f_sessions": "BIGINT", "f_age": "BIGINT",
             "f_clicks": "BIGINT", "score": "DOUBLE", "label": "BIGINT"}


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def chunk_frame(seed, index, first_id, n):
    rng = np.random.default_rng([seed, index])
    v21 = rng.random(n) < 0.5
    secs = rng.integers(0, DAYS * 86400, n)
    ts = START + secs.astype("timedelta64[s]")
    dow = (secs // 86400) % 7
    region = rng.choice(5, n, p=REGION_P)
    plan = rng.choice(4, n, p=PLAN_P)
    device = rng.choice(3, n, p=DEVICE_P)
    tenure = np.minimum(rng.exponential(300.0, n).astype(np.int64), 3650)
    tb = np.searchsorted([30, 90, 365], tenure, side="right")
    amount = np.round(rng.lognormal(3.5, 1.0, n), 2)
    sessions = rng.poisson(5.0, n)
    age = rng.integers(18, 81, n)
    clicks = rng.poisson(12.0, n)

    # The model's logit: features, segment effects, and what the features do not explain.
    logit = (-1.5 + 0.55 * (np.log(amount + 1.0) - 3.5) + 0.25 * (sessions - 5.0) / 2.24 - 0.45 * (tenure >= 365)
             + 0.4 * (tenure < 30) + PLAN_EFFECT[plan] + DEVICE_EFFECT[device] - 0.01 * (age - 45)
             + 0.05 * (clicks - 12.0) / 3.46 + rng.normal(0.0, 1.3, n))
    mean = -1.6
    worse = v21 & (region == WORSE_REGION)
    factor = np.where(worse, SHRINK, np.where(v21, SHARPEN, 1.0))
    logit = mean + factor * (logit - mean)
    score = np.clip(np.round(sigmoid(logit), 6), 1e-6, 1 - 1e-6)
    p = score
    miscal = v21 & (tb == 0) & (dow == 5)
    p = np.where(miscal, sigmoid(np.log(score / (1 - score)) + MISCAL_SHIFT), p)
    label = (rng.random(n) < p).astype(np.int64)

    return pd.DataFrame({
        "id": np.arange(first_id, first_id + n, dtype=np.int64),
        "timestamp": ts,
        "model_version": np.where(v21, "v2.1", "v2.0"),
        "region": REGIONS[region],
        "tenure_bucket": TENURE[tb],
        "day_of_week": DOW[dow],
        "plan": PLANS[plan],
        "device": DEVICES[device],
        "tenure_days": tenure,
        "f_amount": amount,
        "f_sessions": sessions,
        "f_age": age,
        "f_clicks": clicks,
        "score": score,
        "label": label,
    }, columns=COLUMNS)


def write_chunk(args):
    seed, index, first_id, n, path = args
    chunk_frame(seed, index, first_id, n).to_csv(path, index=False, header=False, date_format="%Y-%m-%d %H:%M:%S")
    return path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "compare"))
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--no-parquet", action="store_true", help="write only the CSV")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    csv, parquet = os.path.join(a.out, "log.csv"), os.path.join(a.out, "log.parquet")
    t0 = time.perf_counter()
    tmp = tempfile.mkdtemp(dir=a.out, prefix=".parts-")
    try:
        tasks, first = [], 0
        for i in range((a.rows + CHUNK - 1) // CHUNK):
            n = min(CHUNK, a.rows - first)
            tasks.append((a.seed, i, first, n, os.path.join(tmp, f"{i:05d}.csv")))
            first += n
        if a.jobs > 1 and len(tasks) > 1:
            with Pool(a.jobs) as pool:
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
    t1 = time.perf_counter()
    print(f"wrote {csv}: {a.rows} rows, {os.path.getsize(csv) / 1e6:.0f} MB in {t1 - t0:.1f} s", file=sys.stderr)
    if not a.no_parquet:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from duckdb_sql import DuckDb, literal
        cols = "{" + ", ".join(f"{literal(c)}: {literal(t)}" for c, t in SQL_TYPES.items()) + "}"
        db = DuckDb()
        db.query(f"COPY (SELECT * FROM read_csv({literal(csv)}, header = true, columns = {cols}, "
                 f"timestampformat = '%Y-%m-%d %H:%M:%S')) TO {literal(parquet + '.tmp')} (FORMAT parquet)")
        db.close()
        os.replace(parquet + ".tmp", parquet)
        print(f"wrote {parquet}: {os.path.getsize(parquet) / 1e6:.0f} MB in {time.perf_counter() - t1:.1f} s",
              file=sys.stderr)
    with open(os.path.join(a.out, "rows"), "w") as f:
        f.write(f"{a.rows} seed {a.seed}\n")


if __name__ == "__main__":
    main()
