#!/usr/bin/python3
"""Checks `vigil compare --format json` against bench/baseline_compare.py's JSON.

    python3 bench/compare_compare.py bench/out/compare-baseline.json bench/out/compare-vigil.json \
        [--rtol 1e-9] [--interval-rtol 1e-6] [--strict-verdict]

The contract (from the issue):
    {"kind":"comparison","baseline","candidate","paired":bool,
     "segments":[{"segment":{col:value} ({} overall),
                  "baseline":{"rows","metrics":{name:value}}, "candidate":{...},
                  "difference":{metric:{"value","lower","upper","p_value","p_adjusted","test"}},
                  "verdict":"worse|better|no_evidence"}]}

Segments are matched by their {column: value} (values compared as text; {} or a missing/null "segment" is the
overall row). For every matched segment:
  * each version's rows must be equal; every metric both sides give within --rtol (relative; --atol near 0);
    metrics only one side gives are listed, not failed ("metrics" may also be a list of {"name","value"});
  * every difference's value within --rtol; lower and upper within --interval-rtol where the baseline computes them
    (ROC AUC by DeLong; accuracy, precision, recall, specificity, fpr by Newcombe); p_value and p_adjusted within
    --interval-rtol or --p-atol. p_adjusted may follow either convention: Holm across the segments without the
    overall row (the baseline's p_adjusted) or with it (p_adjusted_with_overall); the convention that matches is
    reported, and it must be the same for every metric;
  * the verdict is compared and a different one reported as a note (the issue fixes no rule for it; the baseline
    uses ROC AUC's Holm-adjusted p < alpha); --strict-verdict makes it a mismatch.
Missing fields are reported by name. The intervals and p-values of roc_auc, accuracy, precision and recall are
required by the issue; their absence is a mismatch.
Exits 0 when everything agrees, 1 on any mismatch or missing required field, 2 when a file cannot be read.
"""
import argparse
import json
import math
import sys

REQUIRED_TESTS = ("roc_auc", "accuracy", "precision", "recall")


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"error: cannot read {path}: {e}", file=sys.stderr)
        sys.exit(2)


def metrics_dict(m):
    if m is None:
        return {}
    if isinstance(m, list):
        return {e.get("name"): e.get("value") for e in m if isinstance(e, dict)}
    return dict(m)


def close(a, b, rtol, atol):
    if a is None or b is None:
        return a is None and b is None
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= max(atol, rtol * max(abs(a), abs(b)))


def seg_key(e):
    s = e.get("segment")
    if not s:
        return ()
    if not isinstance(s, dict):
        return (("?", str(s)),)
    return tuple(sorted((str(k), str(v)) for k, v in s.items()))


def show(key):
    return "overall" if not key else ", ".join(f"{k}={v}" for k, v in key)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("baseline")
    ap.add_argument("vigil")
    ap.add_argument("--rtol", type=float, default=1e-9, help="metrics and differences (relative)")
    ap.add_argument("--atol", type=float, default=1e-12)
    ap.add_argument("--interval-rtol", type=float, default=1e-6, help="lower, upper, p-values (relative)")
    ap.add_argument("--p-atol", type=float, default=1e-12, help="p-values closer than this agree")
    ap.add_argument("--strict-verdict", action="store_true")
    a = ap.parse_args(argv)
    base, vig = load(a.baseline), load(a.vigil)
    bad, notes = [], []

    if vig.get("kind") != "comparison":
        bad.append(f"vigil: \"kind\" is {vig.get('kind')!r}, expected \"comparison\"")
    for f in ("baseline", "candidate"):
        if f not in vig:
            bad.append(f"vigil: top-level field \"{f}\" is missing")
        else:
            v = vig[f]
            if isinstance(v, dict):  # {"version": "v2.0", ...} instead of the bare version
                v = next((v[k] for k in ("version", "name", "value") if k in v), v)
                notes.append(f"vigil: top-level {f} is an object; read its version as {v!r}")
            if str(v) != str(base[f]):
                bad.append(f"vigil: {f} is {vig[f]!r}, baseline run used {base[f]!r}")
    if "paired" not in vig:
        bad.append("vigil: top-level field \"paired\" is missing")
    elif bool(vig["paired"]) != bool(base["paired"]):
        bad.append(f"vigil: paired is {vig['paired']}, expected {base['paired']} (the versions score different ids)")
    if not isinstance(vig.get("segments"), list):
        bad.append("vigil: \"segments\" is missing or not a list; nothing else can be compared")
        vig["segments"] = []

    vsegs = {}
    for e in vig["segments"]:
        if "segment" not in e:
            notes.append("vigil: a segment entry has no \"segment\" field; read as the overall row")
        vsegs[seg_key(e)] = e
    bsegs = {seg_key(e): e for e in base["segments"]}
    for k in bsegs:
        if k not in vsegs:
            bad.append(f"segment {show(k)}: in the baseline, missing from vigil's output")
    for k in vsegs:
        if k not in bsegs:
            notes.append(f"segment {show(k)}: only in vigil's output (not compared)")

    n_metrics = n_diffs = 0
    conventions = {}
    only_base, only_vig, extra_tests = set(), set(), set()
    for k, be in bsegs.items():
        ve = vsegs.get(k)
        if ve is None:
            continue
        where = show(k)
        for role in ("baseline", "candidate"):
            bv, vv = be[role], ve.get(role)
            if not isinstance(vv, dict):
                bad.append(f"{where}: \"{role}\" is missing")
                continue
            if "rows" not in vv:
                bad.append(f"{where}: {role}.rows is missing")
            elif int(vv["rows"]) != bv["rows"]:
                bad.append(f"{where}: {role}.rows vigil {vv['rows']} baseline {bv['rows']}")
            if "metrics" not in vv:
                bad.append(f"{where}: {role}.metrics is missing")
            bm, vm = bv["metrics"], metrics_dict(vv.get("metrics"))
            only_base |= set(bm) - set(vm)
            only_vig |= set(vm) - set(bm)
            for name in sorted(set(bm) & set(vm)):
                n_metrics += 1
                if not close(bm[name], vm[name], a.rtol, a.atol):
                    bad.append(f"{where}: {role}.{name} vigil {vm[name]!r} baseline {bm[name]!r}")
        bd, vd = be["difference"], ve.get("difference")
        if not isinstance(vd, dict):
            bad.append(f"{where}: \"difference\" is missing")
            vd = {}
        if vd and all(isinstance(x, (int, float)) or x is None for x in vd.values()):
            bad.append(f"{where}: difference holds bare numbers; expected {{metric: {{\"value\", \"lower\", ...}}}}")
            continue
        for name in sorted(bd):
            b = bd[name]
            v = vd.get(name)
            if v is None:
                if name in REQUIRED_TESTS:
                    bad.append(f"{where}: difference.{name} is missing")
                continue
            n_diffs += 1
            if "value" not in v:
                bad.append(f"{where}: difference.{name}.value is missing")
            elif not close(b["value"], v["value"], a.rtol, a.atol):
                bad.append(f"{where}: difference.{name}.value vigil {v['value']!r} baseline {b['value']!r}")
            if b["lower"] is None:
                if v.get("lower") is not None or v.get("p_value") is not None:
                    extra_tests.add(f"{name} ({v.get('test')})")
                continue
            for f in ("lower", "upper"):
                if v.get(f) is None:
                    if name in REQUIRED_TESTS:
                        bad.append(f"{where}: difference.{name}.{f} is missing")
                    else:
                        notes.append(f"{where}: difference.{name}.{f} is missing (the baseline computes it)")
                elif not close(b[f], v[f], a.interval_rtol, a.atol):
                    bad.append(f"{where}: difference.{name}.{f} vigil {v[f]!r} baseline {b[f]!r}")
            for f in ("p_value", "p_adjusted"):
                if v.get(f) is None:
                    (bad if name in REQUIRED_TESTS else notes).append(f"{where}: difference.{name}.{f} is missing")
                    continue
                if f == "p_value":
                    if not close(b[f], v[f], a.interval_rtol, a.p_atol):
                        bad.append(f"{where}: difference.{name}.p_value vigil {v[f]!r} baseline {b[f]!r}")
                    continue
                hits = [c for c, bf in (("without overall", "p_adjusted"), ("with overall", "p_adjusted_with_overall"))
                        if close(b[bf], v[f], a.interval_rtol, a.p_atol)]
                if not hits:
                    bad.append(f"{where}: difference.{name}.p_adjusted vigil {v[f]!r} baseline {b['p_adjusted']!r} "
                               f"(Holm without the overall row) or {b['p_adjusted_with_overall']!r} (with it)")
                else:
                    for c in hits:
                        conventions[c] = conventions.get(c, 0) + 1
                    conventions["_checked"] = conventions.get("_checked", 0) + 1
        if "verdict" not in ve:
            bad.append(f"{where}: \"verdict\" is missing")
        elif ve["verdict"] != be["verdict"]:
            msg = f"{where}: verdict vigil {ve['verdict']!r} baseline {be['verdict']!r} (baseline: ROC AUC, Holm p < alpha)"
            (bad if a.strict_verdict else notes).append(msg)

    checked = conventions.pop("_checked", 0)
    fits = [c for c, n in conventions.items() if n == checked]
    if checked:
        if fits:
            notes.append(f"p_adjusted: Holm across segments {' / '.join(fits)} (all {checked} adjusted p-values)")
        else:
            bad.append(f"p_adjusted: no single Holm convention fits every metric ({conventions} of {checked})")
    if only_base:
        notes.append(f"metrics only the baseline computes (not compared): {', '.join(sorted(only_base))}")
    if only_vig:
        notes.append(f"metrics only vigil gives (not compared): {', '.join(sorted(only_vig))}")
    if extra_tests:
        notes.append(f"intervals vigil gives that the baseline does not compute (not compared): {', '.join(sorted(extra_tests))}")

    for n in notes:
        print(f"note: {n}")
    for b in bad:
        print(f"MISMATCH: {b}")
    print(f"compared {len(set(bsegs) & set(vsegs))} segments, {n_metrics} metric values, {n_diffs} differences: "
          f"{len(bad)} mismatches (rtol {a.rtol:g}, intervals {a.interval_rtol:g})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
