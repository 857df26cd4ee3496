#!/usr/bin/python3
"""Checks `vigil segments --format json` against bench/baseline_segments.py's JSON.

    python3 bench/compare_segments.py bench/out/segments-baseline.json bench/out/segments-vigil.json \
        [--rtol 1e-9] [--interval-rtol 1e-6] [--require-all]

The contract (from the issue):
    {"kind":"segments","metric","segments":[{"segment":{col:value},"rows","value","complement","gap",
                                             "lower","upper","p_value","p_adjusted","finding"}]}

Segments are matched by their {column: value} (values compared as text). Numeric columns' quantile buckets are
labelled q1..q5 by the baseline; when Vigil labels them otherwise (a range, say), its one-column buckets are
matched to the baseline's by equal row counts and the labels mapped for the two-column segments too.

For every matched segment: rows must be equal (and positives, if Vigil gives them). "value" is the baseline's
(O - E) / n (observed rate minus mean score); if Vigil's values fit another definition instead for every segment
(O / E, O - E, or the observed rate O / n), that definition is reported, and value, complement and gap are
compared under it. lower and upper: the Wald interval of the same definition (value -+ z * sqrt(E - S2) / d, with
d = n, E or 1); p_value (the z-test (O - E) / sqrt(E - S2)) and p_adjusted (Benjamini-Hochberg across every
segment) within --interval-rtol or --p-atol. The finding is compared only as flagged or not (p_adjusted < alpha),
because the issue does not fix its words.
Vigil may list fewer segments than the baseline (a ranked top list): those are reported; --require-all fails then.
Exits 0 when everything agrees, 1 on any mismatch or missing field, 2 when a file cannot be read.
"""
import argparse
import json
import math
import re
import sys

from compare_compare import close, load

FIELDS = ("rows", "value", "complement", "gap", "lower", "upper", "p_value", "p_adjusted", "finding")


def definitions(s, n_all, o_all, e_all):
    """(value, complement, interval divisor) of each candidate definition for one baseline segment."""
    n, o, e = s["rows"], s["observed"], s["expected"]
    nc, oc, ec = n_all - n, o_all - o, e_all - e
    return {
        "(O - E) / n": ((o - e) / n, (oc - ec) / nc if nc else None, n),
        "O / E": (o / e if e else None, oc / ec if ec else None, e),
        "O - E": (o - e, oc - ec, 1.0),
        "O / n": (o / n, oc / nc if nc else None, None),
    }


def key_of(seg):
    return tuple(sorted((str(k), str(v)) for k, v in (seg or {}).items()))


def show(key):
    return ", ".join(f"{k}={v}" for k, v in key) or "overall"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("baseline")
    ap.add_argument("vigil")
    ap.add_argument("--rtol", type=float, default=1e-9)
    ap.add_argument("--atol", type=float, default=1e-12)
    ap.add_argument("--interval-rtol", type=float, default=1e-6)
    ap.add_argument("--p-atol", type=float, default=1e-12)
    ap.add_argument("--require-all", action="store_true", help="fail when vigil lists fewer segments")
    a = ap.parse_args(argv)
    base, vig = load(a.baseline), load(a.vigil)
    bad, notes = [], []
    alpha = 1.0 - base.get("confidence", 0.95)

    if vig.get("kind") != "segments":
        bad.append(f"vigil: \"kind\" is {vig.get('kind')!r}, expected \"segments\"")
    if "metric" not in vig:
        bad.append("vigil: top-level field \"metric\" is missing")
    elif str(vig["metric"]) != base["metric"]:
        bad.append(f"vigil: metric is {vig['metric']!r}, expected {base['metric']!r}")
    if not isinstance(vig.get("segments"), list):
        bad.append("vigil: \"segments\" is missing or not a list; nothing else can be compared")
        vig["segments"] = []

    bsegs = {key_of(s["segment"]): s for s in base["segments"]}
    vlist = []
    for s in vig["segments"]:
        if not isinstance(s.get("segment"), dict):
            bad.append(f"vigil: a segment entry has no {{column: value}} \"segment\": {str(s)[:120]}")
            continue
        vlist.append(s)

    # Numeric buckets: map Vigil's labels to the baseline's q1..q5 by the one-column segments' row counts.
    label_map = {}
    bucket_cols = {k[0][0] for k in bsegs if len(k) == 1 and k[0][1].startswith("q") and k[0][1][1:].isdigit()}
    for col in bucket_cols:
        brows = {s["rows"]: k[0][1] for k, s in bsegs.items() if len(k) == 1 and k[0][0] == col}
        for s in vlist:
            seg = s["segment"]
            if len(seg) == 1 and col in seg and str(seg[col]) not in {v for v in brows.values()}:
                if s.get("rows") in brows:
                    label_map[(col, str(seg[col]))] = brows[s["rows"]]
        # Labels not mapped by rows (their one-column segment is not listed): order them by their first number.
        qs = sorted({v for v in brows.values()}, key=lambda q: int(q[1:]))
        labels = {str(s["segment"][col]) for s in vlist if col in s["segment"]} - set(qs)
        if labels - {v for (c, v) in label_map if c == col}:
            def first_number(t):
                m = re.search(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", t)
                return float(m.group()) if m else math.inf
            ordered = sorted(labels, key=first_number)
            if len(ordered) == len(qs) and all(math.isfinite(first_number(t)) for t in ordered):
                for t, q in zip(ordered, qs):
                    if label_map.get((col, t), q) != q:
                        bad.append(f"{col}: bucket {t!r} has the rows of {label_map[(col, t)]} but sorts as {q}")
                    label_map[(col, t)] = q
            else:
                bad.append(f"{col}: cannot map vigil's bucket labels {sorted(labels)[:6]} to the baseline's {qs}")
        if label_map:
            notes.append(f"{col}: vigil's bucket labels mapped to the baseline's (by row counts, else by order): "
                         + ", ".join(f"{v!r} -> {q}" for (c, v), q in sorted(label_map.items(), key=lambda x: x[1]) if c == col))

    vsegs = {}
    for s in vlist:
        k = tuple(sorted((str(c), label_map.get((str(c), str(v)), str(v))) for c, v in s["segment"].items()))
        vsegs[k] = s
    if () in vsegs:
        notes.append("vigil lists an overall row (segment {}); not compared")
        del vsegs[()]
    for k in vsegs:
        if k not in bsegs:
            bad.append(f"segment {show(k)}: in vigil's output, not among the baseline's segments")
    missing = [k for k in bsegs if k not in vsegs]
    if missing:
        msg = (f"vigil lists {len(set(bsegs) & set(vsegs))} of the baseline's {len(bsegs)} segments; missing e.g. "
               + "; ".join(show(k) for k in missing[:5]))
        (bad if a.require_all else notes).append(msg)

    # The baseline computes Vigil's definitions (bench/baseline_segments.py's docstring): compare field by field.
    pairs = [(bsegs[k], vsegs[k]) for k in bsegs if k in vsegs]
    counted = 0
    for b, v in pairs:
        where = show(key_of(b["segment"]))
        for f in FIELDS:
            if f not in v:
                bad.append(f"{where}: \"{f}\" is missing")
        if "rows" in v and int(v["rows"]) != b["rows"]:
            bad.append(f"{where}: rows vigil {v['rows']} baseline {b['rows']}")
            continue
        if v.get("positives") is not None and int(v["positives"]) != b["positives"]:
            bad.append(f"{where}: positives vigil {v['positives']} baseline {b['positives']}")
        for f in ("value", "complement", "gap"):
            if f in v and not close(b[f], v[f], a.rtol, a.atol):
                bad.append(f"{where}: {f} vigil {v[f]!r} baseline {b[f]!r}")
        for f in ("lower", "upper"):
            if v.get(f) is not None and not close(b[f], v[f], a.interval_rtol, a.atol):
                bad.append(f"{where}: {f} vigil {v[f]!r} baseline {b[f]!r} (the gap's Wald interval)")
        for f in ("p_value", "p_adjusted"):
            if f in v and not close(b[f], v[f], a.interval_rtol, a.p_atol):
                hint = " (Benjamini-Hochberg across every listed segment)" if f == "p_adjusted" else ""
                bad.append(f"{where}: {f} vigil {v[f]!r} baseline {b[f]!r}{hint}")
        if "finding" in v:
            vflag = v["finding"] not in (None, "", "none", False, "no_evidence")
            bflag = b["p_adjusted"] is not None and b["p_adjusted"] < alpha
            if vflag != bflag:
                bad.append(f"{where}: finding vigil {v['finding']!r}, baseline "
                           f"{'flags it' if bflag else 'does not flag it'} (p_adjusted {b['p_adjusted']})")
        counted += 1

    for n in notes:
        print(f"note: {n}")
    for m in bad:
        print(f"MISMATCH: {m}")
    print(f"compared {counted} segments: {len(bad)} mismatches (rtol {a.rtol:g}, intervals {a.interval_rtol:g})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
