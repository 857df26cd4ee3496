#!/usr/bin/python3
"""Generates the loan-approval log of the fairness benchmark.

    bench/gen_fairness_data.py [--rows N] [--out DIR] [--seed S] [--no-parquet]

Default: 10,000,000 rows into bench/data/fairness/log.csv and log.parquet (the Parquet file is written by DuckDB
through bench/duckdb_sql.py). Columns: id, score (six decimals), label (0/1), gender (male/female, 0.5% missing), race
(white/black/asian/hispanic/other, 1% missing; 'other' has no positive label), zip_code (mostly determined by race),
income, age, loan_amount. Deterministic for a seed; written in chunks of 1M rows.
"""
import argparse
import os
import sys
import time

import numpy as np
import pandas as pd

CHUNK = 1_000_000
COLUMNS = ["id", "score", "label", "gender", "race", "zip_code", "income", "age", "loan_amount"]
SQL_TYPES = {"id": "VARCHAR", "score": "DOUBLE", "label": "BIGINT", "gender": "VARCHAR", "race": "VARCHAR",
             "zip_code": "VARCHAR", "income": "BIGINT", "age": "BIGINT", "loan_amount": "BIGINT"}
RACES = np.array(["white", "black", "asian", "hispanic", "other"])
ZIPS = {"white": ["10001", "10002", "10003"], "black": ["20001", "20002"], "asian": ["30001"], "hispanic": ["40001", "40002"], "other": ["50001"]}


def chunk_frame(seed, index, first_id, n):
    rng = np.random.default_rng([seed, index])
    race_i = rng.choice(5, size=n, p=[0.5, 0.2, 0.12, 0.15, 0.03])
    race = RACES[race_i]
    gender = np.where(rng.random(n) < 0.55, "male", "female")
    own = np.array([ZIPS[r][0] for r in RACES])[race_i]
    alt = np.array(["10001", "20001", "30001", "40001", "50001"])[rng.integers(0, 5, n)]
    second = np.array([ZIPS[r][-1] for r in RACES])[race_i]
    zip_code = np.where(rng.random(n) < 0.85, np.where(rng.random(n) < 0.5, own, second), alt)
    shift = np.array([0.3, -0.3, 0.4, -0.2, 0.0])[race_i]
    income = np.round(np.exp(10.8 + shift + rng.normal(0, 0.4, n)))
    age = rng.integers(21, 75, n)
    loan = np.round(rng.lognormal(9.5, 0.6, n), -2)
    z = (np.log(income) - 10.8) * 1.5 - (np.log(loan) - 9.5) * 0.8 + (age - 45) * 0.01 + np.where(gender == "male", 0.25, -0.1) \
        + np.where(race == "black", -0.4, 0.0) + rng.normal(0, 0.8, n)
    label = (rng.random(n) < 1 / (1 + np.exp(-(z - 0.2)))).astype(np.int64)
    label[race == "other"] = 0
    score = np.round(1 / (1 + np.exp(-(z * 0.9 + rng.normal(0, 0.6, n)))), 6)
    df = pd.DataFrame({"id": [f"L{first_id + i}" for i in range(n)], "score": score, "label": label, "gender": gender.astype(object),
                       "race": race.astype(object), "zip_code": zip_code, "income": income.astype(np.int64), "age": age, "loan_amount": loan.astype(np.int64)})
    df.loc[rng.random(n) < 0.005, "gender"] = None
    df.loc[rng.random(n) < 0.01, "race"] = None
    return df


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "fairness"))
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--no-parquet", action="store_true")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    csv, parquet = os.path.join(a.out, "log.csv"), os.path.join(a.out, "log.parquet")
    t0 = time.perf_counter()
    with open(csv + ".tmp", "w") as f:
        f.write(",".join(COLUMNS) + "\n")
        first = 0
        for i in range((a.rows + CHUNK - 1) // CHUNK):
            n = min(CHUNK, a.rows - first)
            chunk_frame(a.seed, i, first, n).to_csv(f, index=False, header=False)
            first += n
    os.replace(csv + ".tmp", csv)
    t1 = time.perf_counter()
    print(f"wrote {csv}: {a.rows} rows, {os.path.getsize(csv) / 1e6:.0f} MB in {t1 - t0:.1f} s", file=sys.stderr)
    if not a.no_parquet:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from duckdb_sql import DuckDb, literal
        cols = "{" + ", ".join(f"{literal(c)}: {literal(t)}" for c, t in SQL_TYPES.items()) + "}"
        db = DuckDb()
        db.query(f"COPY (SELECT * FROM read_csv({literal(csv)}, header = true, columns = {cols})) TO {literal(parquet + '.tmp')} (FORMAT parquet)")
        db.close()
        os.replace(parquet + ".tmp", parquet)
        print(f"wrote {parquet}: {os.path.getsize(parquet) / 1e6:.0f} MB in {time.perf_counter() - t1:.1f} s", file=sys.stderr)
    with open(os.path.join(a.out, "rows"), "w") as f:
        f.write(f"{a.rows} seed {a.seed}\n")


if __name__ == "__main__":
    main()
