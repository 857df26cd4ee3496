#!/usr/bin/python3
"""A stand-in for `vigil`, to test bench/run-compare-bench.sh before `vigil compare` and `vigil segments` exist.

    VIGIL=bench/placeholder_vigil.py bench/run-compare-bench.sh 1000000

It is NOT Vigil and its timings mean nothing. It understands only what the script calls:
  scan FILE                           DuckDB's bare scan (bench/duckdb_sql.py)
  compare FILE --baseline --candidate --segment-by ... --out F
  segments FILE --by ... --depth --out F
  estimate --reference R --analysis A --chunk C --score --label --prediction --timestamp --out F
For compare and segments it runs the baselines on FILE (a .parquet FILE is read from the .csv beside it) and
writes only the fields of the issue's JSON contract, with metrics as {name: value}, so the checkers see what the
real commands should write.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable


def run_baseline(script, path, extra):
    csv = path[:-len(".parquet")] + ".csv" if path.endswith(".parquet") else path
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        tmp = f.name
    try:
        subprocess.run([PY, os.path.join(HERE, script), csv, *extra, "--out", tmp], check=True)
        with open(tmp, encoding="utf-8") as f:
            return json.load(f)
    finally:
        os.unlink(tmp)


def estimate(rest):
    """Runs bench/baseline_estimate.py and keeps the contract's fields; ROC AUC's estimate and band are the
    unrounded ones (as an engine that does not round NannyML's cumulative counts would give)."""
    ap = argparse.ArgumentParser()
    for f in ("--reference", "--analysis", "--out"):
        ap.add_argument(f, required=True)
    for f in ("--chunk", "--score", "--label", "--prediction", "--timestamp", "--format"):
        ap.add_argument(f)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(rest)

    def csv(p):
        return p[:-len(".parquet")] + ".csv" if p.endswith(".parquet") else p
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        tmp = f.name
    try:
        subprocess.run([PY, os.path.join(HERE, "baseline_estimate.py"), "--reference", csv(a.reference),
                        "--analysis", csv(a.analysis), "--chunk", a.chunk or "day", "--score", a.score or "score",
                        "--label", a.label or "label", "--prediction", a.prediction or "prediction",
                        "--timestamp", a.timestamp or "timestamp", "--out", tmp], check=True)
        with open(tmp, encoding="utf-8") as f:
            r = json.load(f)
    finally:
        os.unlink(tmp)
    keep = ("estimated", "lower", "upper", "realized", "threshold_lower", "threshold_upper", "alert")
    chunks = []
    for c in r["chunks"]:
        ms = {}
        for m, cell in c["metrics"].items():
            e = {k: cell[k] for k in keep}
            if m == "roc_auc":
                e.update(estimated=cell["estimated_unrounded"], lower=cell["lower_unrounded"],
                         upper=cell["upper_unrounded"])
            ms[m] = e
        chunks.append({"start": c["start"], "end": c["end"], "rows": c["rows"], "metrics": ms})
    out = {"kind": "estimation", "method": "cbpe", "calibration": {"applied": r["calibration"]["applied"]},
           "chunks": chunks}
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
    return 0


def main(argv):
    if not argv or argv[0] in ("--help", "-h"):
        print(__doc__)
        return 0
    cmd, rest = argv[0], argv[1:]
    if "--help" in rest:
        print(f"placeholder {cmd}")
        return 0
    if cmd == "scan":
        return subprocess.run([PY, os.path.join(HERE, "duckdb_sql.py"), "scan", rest[0]]).returncode
    if cmd == "estimate":
        return estimate(rest)
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--out", required=True)
    for f in ("--baseline", "--candidate", "--segment-by", "--version-column", "--by", "--depth", "--metric",
              "--score", "--label", "--id", "--format"):
        ap.add_argument(f)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(rest)
    if cmd == "compare":
        r = run_baseline("baseline_compare.py", a.path,
                         ["--baseline", a.baseline, "--candidate", a.candidate, "--segment-by", a.segment_by or "",
                          "--version-column", a.version_column or "model_version",
                          "--score", a.score or "score", "--label", a.label or "label"])
        keep = ("value", "lower", "upper", "p_value", "p_adjusted", "test")
        out = {"kind": "comparison", "baseline": r["baseline"], "candidate": r["candidate"], "paired": r["paired"],
               "segments": [{"segment": e["segment"],
                             "baseline": {"rows": e["baseline"]["rows"], "metrics": e["baseline"]["metrics"]},
                             "candidate": {"rows": e["candidate"]["rows"], "metrics": e["candidate"]["metrics"]},
                             "difference": {m: {k: d[k] for k in keep} for m, d in e["difference"].items()},
                             "verdict": e["verdict"]} for e in r["segments"]]}
    elif cmd == "segments":
        r = run_baseline("baseline_segments.py", a.path,
                         ["--by", a.by, "--depth", a.depth or "2", "--score", a.score or "score",
                          "--label", a.label or "label"])
        keep = ("segment", "rows", "value", "complement", "gap", "lower", "upper", "p_value", "p_adjusted", "finding")
        out = {"kind": "segments", "metric": r["metric"], "segments": [{k: s[k] for k in keep} for s in r["segments"]]}
    else:
        print(f"placeholder_vigil: unknown command {cmd}", file=sys.stderr)
        return 2
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
