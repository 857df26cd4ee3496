#!/usr/bin/python3
"""Compares the pandas baseline's summary JSON with `vigil summary --format json`.

    python3 bench/compare_summary.py bench/out/pandas.json bench/out/vigil.json [--rtol 1e-9]

Periods are matched by (day, model_version); rows and labeled must be equal, positive_rate, mean_score
and every metric the baseline computes must agree within --rtol (relative; --atol for values near 0),
and null must meet null. Quality issues are matched by (check, column, period day) and their row counts
must be equal. Checks the baseline does not compute are listed for information only.
Prints every mismatch; exits 1 if there is any, 0 otherwise.
"""
import argparse
import json
import math
import sys

# Vigil's check names for the baseline's, where they differ (edit here if the CLI names a check differently).
CHECK_ALIASES = {}


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def day(s):
    return None if s is None else str(s)[:10]


def metrics_dict(m):
    """Accepts {"roc_auc": x} or [{"name": "roc_auc", "value": x}, ...]."""
    if m is None:
        return {}
    if isinstance(m, list):
        return {e["name"]: e.get("value") for e in m}
    return dict(m)


def close(a, b, rtol, atol):
    if a is None or b is None:
        return a is None and b is None
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= max(atol, rtol * max(abs(a), abs(b)))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("baseline")
    ap.add_argument("vigil")
    ap.add_argument("--rtol", type=float, default=1e-9)
    ap.add_argument("--atol", type=float, default=1e-12)
    a = ap.parse_args(argv)
    base, vig = load(a.baseline), load(a.vigil)
    mismatches = []

    def key(p):
        return day(p.get("start")), p.get("model_version")

    bp = {key(p): p for p in base.get("periods", [])}
    vp = {key(p): p for p in vig.get("periods", [])}
    for k in sorted(set(bp) | set(vp), key=lambda k: (k[0] or "", k[1] or "")):
        if k not in vp:
            mismatches.append(f"period {k}: only in baseline")
            continue
        if k not in bp:
            mismatches.append(f"period {k}: only in vigil")
            continue
        b, v = bp[k], vp[k]
        for f in ("rows", "labeled"):
            if b.get(f) != v.get(f):
                mismatches.append(f"period {k} {f}: baseline {b.get(f)} vigil {v.get(f)}")
        for f in ("positive_rate", "mean_score"):
            if not close(b.get(f), v.get(f), a.rtol, a.atol):
                mismatches.append(f"period {k} {f}: baseline {b.get(f)!r} vigil {v.get(f)!r}")
        bm, vm = metrics_dict(b.get("metrics")), metrics_dict(v.get("metrics"))
        for name, bv in bm.items():
            if name not in vm:
                mismatches.append(f"period {k} metric {name}: missing in vigil (baseline {bv!r})")
            elif not close(bv, vm[name], a.rtol, a.atol):
                mismatches.append(f"period {k} metric {name}: baseline {bv!r} vigil {vm[name]!r}")

    # Row-level checks are keyed by check alone (which column they concern is Vigil's extra detail);
    # per-column checks by their column; period checks by their day.
    per_column = {"null_values", "constant_column"}

    def ikey(i):
        check = CHECK_ALIASES.get(i["check"], i["check"])
        return check, i.get("column") if check in per_column else None, day(i.get("period"))

    bi = {ikey(i): i for i in base.get("quality", {}).get("issues", [])}
    vi = {}
    for i in vig.get("quality", {}).get("issues", []):
        vi[ikey(i)] = i
    known_checks = {k[0] for k in bi} | {"duplicate_id", "null_score", "score_out_of_range", "missing_label",
                                         "invalid_label", "null_timestamp", "unparseable_timestamp",
                                         "future_timestamp", "missing_period", "null_values", "constant_column"}
    for k, b in sorted(bi.items(), key=lambda kv: str(kv[0])):
        v = vi.get(k)
        if v is None:
            mismatches.append(f"issue {k}: only in baseline ({b['rows']} rows)")
        elif k[0] != "constant_column" and b["rows"] != v["rows"]:
            mismatches.append(f"issue {k}: baseline {b['rows']} rows, vigil {v['rows']} rows")
    info = []
    for k, v in sorted(vi.items(), key=lambda kv: str(kv[0])):
        if k in bi:
            continue
        if k[0] in known_checks:
            mismatches.append(f"issue {k}: only in vigil ({v.get('rows')} rows)")
        else:
            info.append(f"issue {k}: computed by vigil only ({v.get('rows')} rows)")

    n_metrics = sum(len(metrics_dict(p.get("metrics"))) for p in bp.values())
    for line in info:
        print("info: " + line)
    for line in mismatches:
        print("MISMATCH: " + line)
    print(f"compared {len(bp)} periods ({n_metrics} metric values) and {len(bi)} quality issues: "
          f"{len(mismatches)} mismatches (rtol {a.rtol:g})")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
