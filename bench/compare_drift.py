#!/usr/bin/python3
"""Compares the drift baseline's JSON with `vigil drift --format json`.

    python3 bench/compare_drift.py baseline.json vigil.json [--rtol 1e-9]

Columns are matched by name: the method and the decision must be equal, the statistic and the p-value must
agree within --rtol (null meets null; "Infinity" meets a null statistic, JSON having no infinity). The dataset
verdict, share and counts must be equal. Prints every mismatch; exits 1 if there is any.
"""
import argparse
import json
import math
import sys


def num(v):
    if v is None or v in ("Infinity", "-Infinity"):
        return None
    return float(v)


def close(a, b, rtol):
    if a is None or b is None:
        return a is None and b is None
    return a == b or abs(a - b) <= rtol * max(abs(a), abs(b)) or (abs(a) < 1e-300 and abs(b) < 1e-300)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("baseline")
    ap.add_argument("vigil")
    ap.add_argument("--rtol", type=float, default=1e-9)
    a = ap.parse_args()
    base = json.load(open(a.baseline, encoding="utf-8"))
    vig = json.load(open(a.vigil, encoding="utf-8"))
    bad = 0
    vcols = {c["name"]: c for c in vig["columns"]}
    for b in base["columns"]:
        v = vcols.get(b["name"])
        if v is None:
            print(f"MISMATCH: column {b['name']}: only in baseline"); bad += 1; continue
        for key in ("method", "drifted"):
            if b[key] != v[key]:
                print(f"MISMATCH: {b['name']} {key}: baseline {b[key]!r}, vigil {v[key]!r}"); bad += 1
        for key in ("statistic", "p_value"):
            if not close(num(b[key]), num(v[key]), a.rtol):
                print(f"MISMATCH: {b['name']} {key}: baseline {b[key]!r}, vigil {v[key]!r}"); bad += 1
    for key in ("drifted", "drifted_columns", "columns"):
        if base["dataset"][key] != vig["dataset"][key]:
            print(f"MISMATCH: dataset {key}: baseline {base['dataset'][key]!r}, vigil {vig['dataset'][key]!r}"); bad += 1
    if not close(base["dataset"]["share"], vig["dataset"]["share"], a.rtol):
        print("MISMATCH: dataset share"); bad += 1
    print(f"compared {len(base['columns'])} columns: {bad} mismatches (rtol {a.rtol:g})")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
