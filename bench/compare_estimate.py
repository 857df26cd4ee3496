#!/usr/bin/python3
"""Checks `vigil estimate --format json` against bench/baseline_estimate.py's JSON, chunk by chunk.

    python3 bench/compare_estimate.py bench/out/estimate-baseline-ROWS.json bench/out/estimate-vigil-csv-ROWS.json \
        [--rtol 1e-9] [--interval-rtol 1e-6] [--strict-alert]

The contract (from the issue):
    {"kind": "estimation", "method": "cbpe",
     "chunks": [{"start", "end", "rows",
                 "metrics": {"roc_auc": {"estimated", "lower", "upper", "realized",
                                         "threshold_lower", "threshold_upper", "alert"}, ...}}]}

Chunks are matched by their start (parsed as a timestamp; "2026-08-31", "2026-08-31T00:00:00Z" and
"2026-08-31 00:00:00" are the same start); when no start matches anything, by position, with a note. For every
matched chunk and every metric both sides give:
  * rows equal;
  * estimated, realized, threshold_lower, threshold_upper within --rtol (exact quantities: sums over the chunk, the
    reference chunks' realized metrics and their mean and standard deviation). ROC AUC's estimate may be NannyML's
    (cumulative expected counts rounded to 5 decimals) or the unrounded area: it agrees when it matches either
    (the baseline writes both; they differ by a few 1e-9);
  * lower and upper (estimate -+ 3 sampling errors) within --interval-rtol: the ROC AUC sampling error depends on
    how ties in the reference scores are ordered (the baseline: file order), so bands are checked looser;
  * alert equal (a different alert where the estimate is within --rtol of a threshold is a note; --strict-alert makes
    every different alert a mismatch).
Estimates are comparable only when both sides calibrate alike: if Vigil's JSON says whether it calibrated
(calibration.applied, or a top-level "calibrated") and that differs from the baseline, the estimates are reported
as not comparable (a mismatch) and the rest still checked. Metrics only one side gives are listed, not failed;
missing fields of the contract are reported by name.
Exits 0 when everything agrees, 1 on any mismatch or missing required field, 2 when a file cannot be read.
"""
import argparse
import json
import math
import sys
from datetime import datetime

REQUIRED = ("estimated", "lower", "upper", "realized", "threshold_lower", "threshold_upper", "alert")
EXACT = ("estimated", "realized", "threshold_lower", "threshold_upper")
BAND = ("lower", "upper")


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"error: cannot read {path}: {e}", file=sys.stderr)
        sys.exit(2)


def close(a, b, rtol, atol):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= max(atol, rtol * max(abs(a), abs(b)))


def start_key(v):
    if v is None:
        return None
    s = str(v).strip().replace("T", " ").rstrip("Z")
    for cut in (len(s), 26, 19, 16, 10):
        for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                return datetime.strptime(s[:cut].split("+")[0], fmt).strftime("%Y-%m-%d %H:%M:%S")
            except ValueError:
                pass
    return s


def metrics_of(chunk):
    m = chunk.get("metrics")
    if isinstance(m, list):  # [{"name": ..., ...}] instead of {name: {...}}
        return {e.get("name") or e.get("metric"): e for e in m if isinstance(e, dict)}
    return m if isinstance(m, dict) else {}


def calibrated(doc):
    c = doc.get("calibration")
    if isinstance(c, dict):
        for k in ("applied", "calibrated", "used"):
            if k in c:
                return bool(c[k])
    if "calibrated" in doc:
        return bool(doc["calibrated"])
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("baseline")
    ap.add_argument("vigil")
    ap.add_argument("--rtol", type=float, default=1e-9, help="estimated, realized, thresholds (relative)")
    ap.add_argument("--atol", type=float, default=1e-12)
    ap.add_argument("--interval-rtol", type=float, default=1e-6, help="lower and upper (relative)")
    ap.add_argument("--strict-alert", action="store_true")
    a = ap.parse_args(argv)
    base, vig = load(a.baseline), load(a.vigil)
    bad, notes = [], []

    if vig.get("kind") != "estimation":
        bad.append(f"vigil: \"kind\" is {vig.get('kind')!r}, expected \"estimation\"")
    if str(vig.get("method", "")).lower() != "cbpe":
        bad.append(f"vigil: \"method\" is {vig.get('method')!r}, expected \"cbpe\"")
    bc, vc = base.get("calibration", {}).get("applied"), calibrated(vig)
    comparable = True
    if vc is None:
        notes.append(f"vigil does not say whether it calibrated; the baseline {'did' if bc else 'did not'} "
                     f"(ECE {base.get('calibration', {}).get('ece_before')} -> {base.get('calibration', {}).get('ece_after')})")
    elif vc != bc:
        comparable = False
        bad.append(f"calibration: vigil {'calibrated' if vc else 'did not calibrate'}, the baseline "
                   f"{'did' if bc else 'did not'}: estimates and bands are not comparable (rerun the baseline with "
                   f"--calibration {'always' if vc else 'never'})")
    if not isinstance(vig.get("chunks"), list):
        bad.append("vigil: \"chunks\" is missing or not a list; nothing else can be compared")
        vig["chunks"] = []

    bchunks, vchunks = base["chunks"], vig["chunks"]
    vby = {}
    for c in vchunks:
        if "start" not in c:
            notes.append("vigil: a chunk has no \"start\"")
        vby.setdefault(start_key(c.get("start")), c)
    pairs = [(b, vby.get(start_key(b["start"]))) for b in bchunks]
    if bchunks and all(v is None for _, v in pairs) and len(vchunks) == len(bchunks):
        notes.append("no chunk start matches the baseline's: chunks matched by position")
        pairs = list(zip(bchunks, vchunks))
    missing = [b["start"] for b, v in pairs if v is None]
    if missing:
        bad.append(f"{len(missing)} baseline chunks have no vigil chunk with the same start: {', '.join(missing[:5])}"
                   + (" ..." if len(missing) > 5 else ""))
    matched_v = {id(v) for _, v in pairs if v is not None}
    extra = [c.get("start") for c in vchunks if id(c) not in matched_v]
    if extra:
        bad.append(f"{len(extra)} vigil chunks the baseline does not have: {', '.join(map(str, extra[:5]))}")

    only_base, only_vig, missing_fields = set(), set(), set()
    n_values = n_chunks = 0
    alert_notes = 0
    for b, v in pairs:
        if v is None:
            continue
        n_chunks += 1
        where = f"chunk {b['key']}"
        if "end" not in v:
            missing_fields.add("end")
        if "rows" not in v:
            missing_fields.add("rows")
        elif int(v["rows"]) != int(b["rows"]):
            bad.append(f"{where}: rows {v['rows']} vs baseline {b['rows']}")
        bm, vm = b["metrics"], metrics_of(v)
        only_base |= set(bm) - set(vm)
        only_vig |= set(vm) - set(bm)
        for name in sorted(set(bm) & set(vm)):
            bcell, vcell = bm[name], vm[name]
            if not isinstance(vcell, dict):
                bad.append(f"{where} {name}: not an object")
                continue
            for f in REQUIRED:
                if f not in vcell:
                    missing_fields.add(f)
            for f in EXACT + BAND:
                if f not in vcell or (not comparable and f in ("estimated",) + BAND):
                    continue
                n_values += 1
                tol = a.interval_rtol if f in BAND else a.rtol
                want = [bcell.get(f)]
                if name == "roc_auc" and f + "_unrounded" in bcell:
                    want.append(bcell[f + "_unrounded"])
                if not any(close(vcell[f], w, tol, a.atol) for w in want):
                    bad.append(f"{where} {name}.{f}: vigil {vcell[f]} vs baseline {' or '.join(map(str, want))}")
            if "alert" in vcell and comparable and bool(vcell["alert"]) != bool(bcell["alert"]):
                near = any(close(vcell.get("estimated"), bcell.get(t), a.rtol * 10, a.atol)
                           for t in ("threshold_lower", "threshold_upper"))
                if near and not a.strict_alert:
                    alert_notes += 1
                else:
                    bad.append(f"{where} {name}.alert: vigil {vcell['alert']} vs baseline {bcell['alert']}")
    if missing_fields:
        bad.append(f"vigil: fields of the contract missing from metric entries: {', '.join(sorted(missing_fields))}")
    if only_base:
        notes.append(f"metrics only the baseline estimates (not compared): {', '.join(sorted(only_base))}")
    if only_vig:
        notes.append(f"metrics only vigil estimates (not compared): {', '.join(sorted(only_vig))}")
    if alert_notes:
        notes.append(f"{alert_notes} alerts differ where the estimate equals a threshold within rounding")

    for n in notes:
        print(f"note: {n}")
    for m in bad[:200]:
        print(f"MISMATCH: {m}")
    if len(bad) > 200:
        print(f"MISMATCH: ... and {len(bad) - 200} more")
    print(f"compared {n_chunks} chunks, {n_values} values: {len(bad)} mismatches "
          f"(rtol {a.rtol:g}, bands {a.interval_rtol:g})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
