#!/usr/bin/env bash
# Benchmark of `vigil estimate` (CBPE, daily chunks) against its pandas + scikit-learn baseline
# (bench/baseline_estimate.py, NannyML's algorithm), on the same generated reference and analysis sets, in the same run.
#   bench/run-estimate-bench.sh [ROWS]          (analysis rows, default 10000000; the reference has ROWS / 10)
# Environment:
#   VIGIL=path        the vigil executable (default ./vigil, which builds itself once before any timing)
#   REPEAT=n          runs of every vigil command and of the floor (default 3; the median is reported)
#   BASELINE_ONLY=1   time only the baseline and the floor (before `vigil estimate` exists); the floor is then
#                     DuckDB's bare scan through bench/duckdb_sql.py (libduckdb through ctypes), not `vigil scan`
#   FLOOR=vigil|duckdb   which bare scan to time (default vigil, or duckdb with BASELINE_ONLY=1)
#   NO_BASELINE=1     skip the baseline (reuse bench/out/estimate-baseline-ROWS.json if there)
#   DIAGNOSE=0        skip vigil diagnose on the same files (default 1: timed beside estimate)
#   REF_ROWS=n        reference rows (default ROWS / 10)
#   NICE="nice -n 10" a prefix for every timed command alike (a shared machine)
#   VIGIL_FLAGS       the column mapping given to vigil (default
#                     "--score score --label label --prediction prediction --timestamp timestamp")
# Data: bench/data/estimate/ (10M rows) or bench/data/estimate-ROWS/: reference.csv, reference.parquet, analysis.csv,
# analysis.parquet, generated once by bench/gen_estimate_data.py and kept. Outputs and logs: bench/out/. Prints a
# Markdown table with seconds (wall), CPU seconds and peak RSS (GNU time -v), the ratios to the baseline and the
# distance to the floor (the bare scan of both files), and checks that vigil and the baseline agree per chunk
# (bench/compare_estimate.py). Exits 1 on disagreement.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY=/usr/bin/python3
ROWS="${1:-10000000}"
REF_ROWS="${REF_ROWS:-$((ROWS / 10))}"
VIGIL="${VIGIL:-./vigil}"
REPEAT="${REPEAT:-3}"
BASELINE_ONLY="${BASELINE_ONLY:-0}"
FLOOR="${FLOOR:-$([ "$BASELINE_ONLY" = 1 ] && echo duckdb || echo vigil)}"
NO_BASELINE="${NO_BASELINE:-0}"
DIAGNOSE="${DIAGNOSE:-1}"
read -r -a NICE_CMD <<< "${NICE:-}"
read -r -a VFLAGS <<< "${VIGIL_FLAGS:---score score --label label --prediction prediction --timestamp timestamp}"
CHUNK=day
OUT=bench/out
DATA=bench/data/estimate; [ "$ROWS" = 10000000 ] && [ "$REF_ROWS" = 1000000 ] || DATA="bench/data/estimate-$ROWS-$REF_ROWS"
mkdir -p "$OUT" "$DATA"
LOAD0=$(cut -d" " -f1-3 /proc/loadavg)

"$PY" -c 'import pandas, sklearn, scipy' 2>/dev/null || {
  echo "error: $PY needs pandas, scikit-learn and SciPy (apt-get install python3-pandas python3-sklearn python3-scipy)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "error: needs GNU time (apt-get install time)" >&2; exit 2; }
VIGIL_DUCKDB_LIB="${VIGIL_DUCKDB_LIB:-$(tools/fetch-duckdb | tail -1)}"; export VIGIL_DUCKDB_LIB
if [ "$BASELINE_ONLY" != 1 ]; then
  "$VIGIL" --help >/dev/null 2>&1 || true   # build once, before any timing
  "$VIGIL" estimate --help >/dev/null 2>&1 || {
    echo "error: '$VIGIL estimate' does not run here (not in this build yet?); BASELINE_ONLY=1 times the baseline alone" >&2; exit 2; }
fi

if [ ! -f "$DATA/analysis.csv" ] || [ ! -f "$DATA/analysis.parquet" ] || [ ! -f "$DATA/reference.parquet" ] \
   || [ "$(cut -d' ' -f1-2 "$DATA/rows" 2>/dev/null)" != "$ROWS $REF_ROWS" ]; then
  echo "generating $REF_ROWS reference and $ROWS analysis rows into $DATA ..." >&2
  "$PY" bench/gen_estimate_data.py --rows "$ROWS" --ref-rows "$REF_ROWS" --out "$DATA"
fi
RCSV="$DATA/reference.csv"; RPQ="$DATA/reference.parquet"; ACSV="$DATA/analysis.csv"; APQ="$DATA/analysis.parquet"
sync; (echo 3 | sudo -n tee /proc/sys/vm/drop_caches >/dev/null 2>&1) || true
cat "$RCSV" "$RPQ" "$ACSV" "$APQ" > /dev/null   # warm the page cache for every run alike

# run, ratio, mem: bench/lib.sh
source "$ROOT/bench/lib.sh"

# The floor: DuckDB's bare scan (count(*) and count() of every column) of the reference and of the analysis file,
# one after the other in one timed command (what any engine-based tool pays just to read both).
if [ "$FLOOR" = vigil ]; then
  FLOOR_NAME="DuckDB bare scan of both files (vigil scan)"
  run scan_csv "$REPEAT" bash -c '"$0" scan "$1" && "$0" scan "$2"' "$VIGIL" "$RCSV" "$ACSV"
  run scan_pq  "$REPEAT" bash -c '"$0" scan "$1" && "$0" scan "$2"' "$VIGIL" "$RPQ" "$APQ"
else
  FLOOR_NAME="DuckDB bare scan of both files (duckdb_sql.py scan)"
  run scan_csv "$REPEAT" bash -c '"$0" bench/duckdb_sql.py scan "$1" && "$0" bench/duckdb_sql.py scan "$2"' "$PY" "$RCSV" "$ACSV"
  run scan_pq  "$REPEAT" bash -c '"$0" bench/duckdb_sql.py scan "$1" && "$0" bench/duckdb_sql.py scan "$2"' "$PY" "$RPQ" "$APQ"
fi

if [ "$BASELINE_ONLY" != 1 ]; then
  run vest_csv "$REPEAT" "$VIGIL" estimate --reference "$RCSV" --analysis "$ACSV" --chunk "$CHUNK" "${VFLAGS[@]}" \
    --format json --out "$OUT/estimate-vigil-csv-$ROWS.json"
  run vest_pq "$REPEAT" "$VIGIL" estimate --reference "$RPQ" --analysis "$APQ" --chunk "$CHUNK" "${VFLAGS[@]}" \
    --format json --out "$OUT/estimate-vigil-pq-$ROWS.json"
  # vigil diagnose on the same files: the whole checklist (the drop's test, the pipeline's checks, drift × importance,
  # CBPE's expected metric, the conditional outcome rates, segments). Much more than the baseline's CBPE steps.
  if [ "$DIAGNOSE" = 1 ]; then
    run vdiag_csv "$REPEAT" "$VIGIL" diagnose -r "$RCSV" -c "$ACSV" --score score --label label --timestamp timestamp \
      --format json --out "$OUT/diagnose-vigil-csv-$ROWS.json"
    run vdiag_pq "$REPEAT" "$VIGIL" diagnose -r "$RPQ" -c "$APQ" --score score --label label --timestamp timestamp \
      --format json --out "$OUT/diagnose-vigil-pq-$ROWS.json"
  fi
fi

if [ "$NO_BASELINE" != 1 ]; then
  run best 1 "$PY" bench/baseline_estimate.py --reference "$RCSV" --analysis "$ACSV" --chunk "$CHUNK" \
    --score score --label label --prediction prediction --timestamp timestamp --out "$OUT/estimate-baseline-$ROWS.json"
else
  [ -f "$OUT/estimate-baseline-$ROWS.json" ] || {
    echo "error: NO_BASELINE=1 needs $OUT/estimate-baseline-$ROWS.json from an earlier run" >&2; exit 2; }
  echo "NO_BASELINE=1: the baseline's time is not measured in this run" >&2
fi

# Agreement.
status=0
AGREE="not checked"
if [ "$BASELINE_ONLY" != 1 ]; then
  for fmt in csv pq; do
    echo "== agreement: estimate, $fmt ==" >&2
    "$PY" bench/compare_estimate.py "$OUT/estimate-baseline-$ROWS.json" "$OUT/estimate-vigil-$fmt-$ROWS.json" \
      > "$OUT/agree-estimate-$fmt.txt" || status=1
    cat "$OUT/agree-estimate-$fmt.txt" >&2
  done
  AGREE="CSV: $(tail -1 "$OUT/agree-estimate-csv.txt"); Parquet: $(tail -1 "$OUT/agree-estimate-pq.txt")"
fi

breakdown() { [ -f "$1" ] && "$PY" -c 'import json,sys; t=json.load(open(sys.argv[1]))["timings"]; print(", ".join("%s %.1f s" % (k.replace("_seconds", ""), v) for k, v in t.items()))' "$1"; }
calib() { [ -f "$1" ] && "$PY" -c 'import json,sys; c=json.load(open(sys.argv[1]))["calibration"]; print("isotonic %s (ECE %s -> %s, NannyML rule)" % ("applied" if c["applied"] else "not applied", "%.4f" % c["ece_before"] if c["ece_before"] is not None else "-", "%.4f" % c["ece_after"] if c["ece_after"] is not None else "-"))' "$1"; }
CSV_MB=$(du -cm "$RCSV" "$ACSV" | tail -1 | cut -f1); PQ_MB=$(du -cm "$RPQ" "$APQ" | tail -1 | cut -f1)
BJSON="$OUT/estimate-baseline-$ROWS.json"
b=best; bs="${SEC[$b]:-}"; bm="${MB[$b]:-}"

echo
echo "### vigil estimate --chunk $CHUNK (CBPE) vs pandas + scikit-learn, $REF_ROWS reference + $ROWS analysis rows"
echo
echo "| tool | input | seconds | CPU s | peak RSS MB | baseline time / tool time | tool memory / baseline memory | tool time / floor time |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
echo "| pandas + scikit-learn CBPE (baseline_estimate.py) | CSV ($CSV_MB MB) | ${bs:-not run} | ${CPU[$b]:-} | ${bm:-} | $( [ -n "$bs" ] && echo 1.0 ) | $( [ -n "$bs" ] && echo 1.00 ) | $(ratio "$bs" "${SEC[scan_csv]}") |"
if [ "$BASELINE_ONLY" != 1 ]; then
  echo "| vigil estimate | CSV | ${SEC[vest_csv]} | ${CPU[vest_csv]} | ${MB[vest_csv]} | $(ratio "$bs" "${SEC[vest_csv]}") | $(mem "${MB[vest_csv]}" "$bm") | $(ratio "${SEC[vest_csv]}" "${SEC[scan_csv]}") |"
  echo "| vigil estimate | Parquet ($PQ_MB MB) | ${SEC[vest_pq]} | ${CPU[vest_pq]} | ${MB[vest_pq]} | $(ratio "$bs" "${SEC[vest_pq]}") ¹ | $(mem "${MB[vest_pq]}" "$bm") ¹ | $(ratio "${SEC[vest_pq]}" "${SEC[scan_pq]}") |"
  if [ "$DIAGNOSE" = 1 ]; then
    echo "| vigil diagnose ² | CSV | ${SEC[vdiag_csv]} | ${CPU[vdiag_csv]} | ${MB[vdiag_csv]} | $(ratio "$bs" "${SEC[vdiag_csv]}") | $(mem "${MB[vdiag_csv]}" "$bm") | $(ratio "${SEC[vdiag_csv]}" "${SEC[scan_csv]}") |"
    echo "| vigil diagnose ² | Parquet | ${SEC[vdiag_pq]} | ${CPU[vdiag_pq]} | ${MB[vdiag_pq]} | $(ratio "$bs" "${SEC[vdiag_pq]}") ¹ | $(mem "${MB[vdiag_pq]}" "$bm") ¹ | $(ratio "${SEC[vdiag_pq]}" "${SEC[scan_pq]}") |"
  fi
else
  echo "| vigil estimate | CSV, Parquet | pending | | | | | |"
fi
echo "| $FLOOR_NAME | CSV | ${SEC[scan_csv]} | ${CPU[scan_csv]} | ${MB[scan_csv]} | $(ratio "$bs" "${SEC[scan_csv]}") | $(mem "${MB[scan_csv]}" "$bm") | 1.0× |"
echo "| $FLOOR_NAME | Parquet | ${SEC[scan_pq]} | ${CPU[scan_pq]} | ${MB[scan_pq]} | $(ratio "$bs" "${SEC[scan_pq]}") ¹ | $(mem "${MB[scan_pq]}" "$bm") ¹ | 1.0× |"
echo
[ "$BASELINE_ONLY" != 1 ] && echo "vigil: median of $REPEAT runs (CSV ${ALL[vest_csv]}; Parquet ${ALL[vest_pq]}); the baseline: one run; the floor: median of $REPEAT (CSV ${ALL[scan_csv]}; Parquet ${ALL[scan_pq]}); peak RSS the largest of the runs."
[ "$BASELINE_ONLY" = 1 ] && echo "The floor: median of $REPEAT runs (CSV ${ALL[scan_csv]}; Parquet ${ALL[scan_pq]}); the baseline: one run."
echo "Baseline breakdown: $(breakdown "$BJSON")"
echo "Baseline calibration: $(calib "$BJSON")"
echo "Agreement (rtol 1e-9, bands 1e-6): $AGREE"
echo
echo "CPU s: user + system seconds (median run); on a loaded machine wall seconds grow with the load, CPU seconds much less."
echo "¹ against the baseline reading CSV (pandas cannot read Parquet here: no pyarrow)."
[ "$DIAGNOSE" = 1 ] && [ "$BASELINE_ONLY" != 1 ] && echo "² diagnose does the whole checklist (its median runs: CSV ${ALL[vdiag_csv]}; Parquet ${ALL[vdiag_pq]}); the baseline does CBPE alone, so its ratio is a bound, not a like-for-like."
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1), $(uname -sr), $(dotnet --version 2>/dev/null | sed 's/^/.NET SDK /'), $("$PY" -c 'import pandas, sklearn, scipy, numpy; print(f"pandas {pandas.__version__}, scikit-learn {sklearn.__version__}, SciPy {scipy.__version__}, numpy {numpy.__version__}")'), load average at the start: $LOAD0, at the end: $(cut -d" " -f1-3 /proc/loadavg)"
[ $status -eq 0 ] || echo "Vigil and the baseline DISAGREE: see $OUT/agree-estimate-*.txt" >&2
exit $status
