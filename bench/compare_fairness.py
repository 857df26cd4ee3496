#!/usr/bin/python3
"""Checks `vigil fairness --format json` against bench/baseline_fairness.py's JSON: every (attribute, value) group's
size, positives and metrics (selection_rate, tpr, fpr, fnr, precision, accuracy, roc_auc) within --rtol.

    python3 bench/compare_fairness.py BASELINE.json VIGIL.json [--rtol 1e-9]

Exits 0 when everything agrees, 1 on a mismatch, 2 when a file cannot be read.
"""
import argparse
import json
import math
import sys


def close(a, b, rtol, atol=1e-12):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= max(atol, rtol * max(abs(a), abs(b)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("baseline")
    ap.add_argument("vigil")
    ap.add_argument("--rtol", type=float, default=1e-9)
    a = ap.parse_args()
    try:
        b, v = json.load(open(a.baseline)), json.load(open(a.vigil))
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    vg = {(g["attribute"], g["value"]): g for g in v["groups"]}
    bad, checked = [], 0
    for g in b["groups"]:
        key = (g["attribute"], g["value"])
        o = vg.pop(key, None)
        if o is None:
            bad.append(f"{key}: missing in vigil")
            continue
        for f in ("size", "positives"):
            if g[f] != o[f]:
                bad.append(f"{key} {f}: {g[f]} != {o[f]}")
        for m, x in g["metrics"].items():
            checked += 1
            if not close(x, o["metrics"].get(m), a.rtol):
                bad.append(f"{key} {m}: {x} != {o['metrics'].get(m)}")
    bad += [f"{k}: only in vigil" for k in vg]
    for line in bad[:30]:
        print(line)
    print(f"{'DISAGREE' if bad else 'agree'}: {len(b['groups'])} groups, {checked} metrics, {len(bad)} mismatches")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
