#!/usr/bin/env bash
# Benchmark of `vigil compare` and `vigil segments` against their pandas + scikit-learn baselines
# (bench/baseline_compare.py, bench/baseline_segments.py), on the same generated log, in the same run.
#   bench/run-compare-bench.sh [ROWS]          (default 10000000)
# Environment:
#   VIGIL=path        the vigil executable (default ./vigil, which builds itself once before any timing)
#   REPEAT=n          runs of every vigil command and of the floor (default 3; the median is reported)
#   BASELINE_ONLY=1   time only the baselines and the floor (before the commands exist); the floor is then
#                     DuckDB's bare scan through bench/duckdb_sql.py (libduckdb through ctypes), not `vigil scan`
#   FLOOR=vigil|duckdb   which bare scan to time (default vigil, or duckdb with BASELINE_ONLY=1)
#   NO_BASELINE=1     skip the baselines (reuse bench/out/compare-baseline-ROWS.json and segments-baseline-ROWS.json if there)
#   NICE="nice -n 10" a prefix for every timed command alike (a shared machine)
#   VIGIL_FLAGS       the column mapping given to vigil (default "--id id --score score --label label --quiet")
# Data: bench/data/compare/ (10M rows) or bench/data/compare-ROWS/, log.csv and log.parquet, generated once by
# bench/gen_compare_data.py and kept. Outputs and logs: bench/out/. Prints a Markdown table per command with
# seconds (wall), CPU seconds and peak RSS (GNU time -v), the ratios to the baseline and the distance to the floor, and checks
# that vigil and the baseline agree (bench/compare_compare.py, bench/compare_segments.py). Exits 1 on disagreement.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY=/usr/bin/python3
ROWS="${1:-10000000}"
VIGIL="${VIGIL:-./vigil}"
REPEAT="${REPEAT:-3}"
BASELINE_ONLY="${BASELINE_ONLY:-0}"
FLOOR="${FLOOR:-$([ "$BASELINE_ONLY" = 1 ] && echo duckdb || echo vigil)}"
NO_BASELINE="${NO_BASELINE:-0}"
read -r -a NICE_CMD <<< "${NICE:-}"
read -r -a VFLAGS <<< "${VIGIL_FLAGS:---id id --score score --label label --quiet}"
BASE_V=v2.0; CAND_V=v2.1; SEG_BY=region
BY=tenure_bucket,day_of_week,plan,device
OUT=bench/out
DATA=bench/data/compare; [ "$ROWS" = 10000000 ] || DATA="bench/data/compare-$ROWS"
mkdir -p "$OUT" "$DATA"
LOAD0=$(cut -d" " -f1-3 /proc/loadavg)

"$PY" -c 'import pandas, sklearn, scipy' 2>/dev/null || {
  echo "error: $PY needs pandas, scikit-learn and SciPy (apt-get install python3-pandas python3-sklearn python3-scipy)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "error: needs GNU time (apt-get install time)" >&2; exit 2; }
VIGIL_DUCKDB_LIB="${VIGIL_DUCKDB_LIB:-$(tools/fetch-duckdb | tail -1)}"; export VIGIL_DUCKDB_LIB
if [ "$BASELINE_ONLY" != 1 ]; then
  "$VIGIL" --help >/dev/null 2>&1 || true   # build once, before any timing
  for c in compare segments; do
    "$VIGIL" "$c" --help >/dev/null 2>&1 || {
      echo "error: '$VIGIL $c' does not run here (not in this build yet?); BASELINE_ONLY=1 times the baselines alone" >&2; exit 2; }
  done
fi

if [ ! -f "$DATA/log.csv" ] || [ ! -f "$DATA/log.parquet" ] || [ "$(cut -d' ' -f1 "$DATA/rows" 2>/dev/null)" != "$ROWS" ]; then
  echo "generating $ROWS rows into $DATA ..." >&2
  "$PY" bench/gen_compare_data.py --rows "$ROWS" --out "$DATA"
fi
CSV="$DATA/log.csv"; PQ="$DATA/log.parquet"
sync; (echo 3 | sudo -n tee /proc/sys/vm/drop_caches >/dev/null 2>&1) || true
cat "$CSV" "$PQ" > /dev/null   # warm the page cache for every run alike

# run, ratio, mem: bench/lib.sh
source "$ROOT/bench/lib.sh"

# The floor: DuckDB's bare scan of each file (count(*) and count() of every column).
if [ "$FLOOR" = vigil ]; then
  FLOOR_NAME="DuckDB bare scan (vigil scan)"
  run scan_csv "$REPEAT" "$VIGIL" scan "$CSV"
  run scan_pq  "$REPEAT" "$VIGIL" scan "$PQ"
else
  FLOOR_NAME="DuckDB bare scan (duckdb_sql.py scan)"
  run scan_csv "$REPEAT" "$PY" bench/duckdb_sql.py scan "$CSV"
  run scan_pq  "$REPEAT" "$PY" bench/duckdb_sql.py scan "$PQ"
fi

if [ "$BASELINE_ONLY" != 1 ]; then
  run vcmp_csv "$REPEAT" "$VIGIL" compare "$CSV" --baseline "$BASE_V" --candidate "$CAND_V" --segment-by "$SEG_BY" \
    --version-column model_version "${VFLAGS[@]}" --format json --out "$OUT/compare-vigil-csv-$ROWS.json"
  run vcmp_pq "$REPEAT" "$VIGIL" compare "$PQ" --baseline "$BASE_V" --candidate "$CAND_V" --segment-by "$SEG_BY" \
    --version-column model_version "${VFLAGS[@]}" --format json --out "$OUT/compare-vigil-pq-$ROWS.json"
  run vseg_csv "$REPEAT" "$VIGIL" segments "$CSV" --by "$BY" --depth 2 --metric calibration \
    "${VFLAGS[@]}" --format json --out "$OUT/segments-vigil-csv-$ROWS.json"
  run vseg_pq "$REPEAT" "$VIGIL" segments "$PQ" --by "$BY" --depth 2 --metric calibration \
    "${VFLAGS[@]}" --format json --out "$OUT/segments-vigil-pq-$ROWS.json"
fi

if [ "$NO_BASELINE" != 1 ]; then
  run bcmp 1 "$PY" bench/baseline_compare.py "$CSV" --baseline "$BASE_V" --candidate "$CAND_V" --segment-by "$SEG_BY" \
    --version-column model_version --score score --label label --out "$OUT/compare-baseline-$ROWS.json"
  run bseg 1 "$PY" bench/baseline_segments.py "$CSV" --by "$BY" --depth 2 --score score --label label \
    --out "$OUT/segments-baseline-$ROWS.json"
else
  for f in compare-baseline segments-baseline; do
    [ -f "$OUT/$f-$ROWS.json" ] || { echo "error: NO_BASELINE=1 needs $OUT/$f-$ROWS.json from an earlier run" >&2; exit 2; }
  done
  echo "NO_BASELINE=1: the baselines' times are not measured in this run" >&2
fi

# Agreement.
status=0
AGREE_CMP="not checked"; AGREE_SEG="not checked"
if [ "$BASELINE_ONLY" != 1 ]; then
  for fmt in csv pq; do
    echo "== agreement: compare, $fmt ==" >&2
    "$PY" bench/compare_compare.py "$OUT/compare-baseline-$ROWS.json" "$OUT/compare-vigil-$fmt-$ROWS.json" > "$OUT/agree-compare-$fmt.txt" || status=1
    cat "$OUT/agree-compare-$fmt.txt" >&2
    echo "== agreement: segments, $fmt ==" >&2
    "$PY" bench/compare_segments.py "$OUT/segments-baseline-$ROWS.json" "$OUT/segments-vigil-$fmt-$ROWS.json" > "$OUT/agree-segments-$fmt.txt" || status=1
    cat "$OUT/agree-segments-$fmt.txt" >&2
  done
  AGREE_CMP="CSV: $(tail -1 "$OUT/agree-compare-csv.txt"); Parquet: $(tail -1 "$OUT/agree-compare-pq.txt")"
  AGREE_SEG="CSV: $(tail -1 "$OUT/agree-segments-csv.txt"); Parquet: $(tail -1 "$OUT/agree-segments-pq.txt")"
fi

breakdown() { [ -f "$1" ] && "$PY" -c 'import json,sys; t=json.load(open(sys.argv[1]))["timings"]; print(", ".join("%s %.1f s" % (k.replace("_seconds", ""), v) for k, v in t.items()))' "$1"; }
CSV_MB=$(du -m "$CSV" | cut -f1); PQ_MB=$(du -m "$PQ" | cut -f1)

table() { # table TITLE BASELINE_NAME BKEY VKEY_CSV VKEY_PQ VIGIL_NAME BASELINE_JSON AGREEMENT
  local title="$1" bname="$2" b="$3" vc="$4" vp="$5" vname="$6" bjson="$7" agree="$8"
  local bs="${SEC[$b]:-}" bm="${MB[$b]:-}"
  echo
  echo "### $title, $ROWS rows"
  echo
  echo "| tool | input | seconds | CPU s | peak RSS MB | baseline time / tool time | tool memory / baseline memory | tool time / floor time |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
  echo "| $bname | CSV ($CSV_MB MB) | ${bs:-not run} | ${CPU[$b]:-} | ${bm:-} | $( [ -n "$bs" ] && echo 1.0 ) | $( [ -n "$bs" ] && echo 1.00 ) | $(ratio "$bs" "${SEC[scan_csv]}") |"
  if [ "$BASELINE_ONLY" != 1 ]; then
    echo "| $vname | CSV | ${SEC[$vc]} | ${CPU[$vc]} | ${MB[$vc]} | $(ratio "$bs" "${SEC[$vc]}") | $(mem "${MB[$vc]}" "$bm") | $(ratio "${SEC[$vc]}" "${SEC[scan_csv]}") |"
    echo "| $vname | Parquet ($PQ_MB MB) | ${SEC[$vp]} | ${CPU[$vp]} | ${MB[$vp]} | $(ratio "$bs" "${SEC[$vp]}") ¹ | $(mem "${MB[$vp]}" "$bm") ¹ | $(ratio "${SEC[$vp]}" "${SEC[scan_pq]}") |"
  else
    echo "| $vname | CSV, Parquet | pending | | | | | |"
  fi
  echo "| $FLOOR_NAME | CSV | ${SEC[scan_csv]} | ${CPU[scan_csv]} | ${MB[scan_csv]} | $(ratio "$bs" "${SEC[scan_csv]}") | $(mem "${MB[scan_csv]}" "$bm") | 1.0× |"
  echo "| $FLOOR_NAME | Parquet | ${SEC[scan_pq]} | ${CPU[scan_pq]} | ${MB[scan_pq]} | $(ratio "$bs" "${SEC[scan_pq]}") ¹ | $(mem "${MB[scan_pq]}" "$bm") ¹ | 1.0× |"
  echo
  [ "$BASELINE_ONLY" != 1 ] && echo "vigil: median of $REPEAT runs (CSV ${ALL[$vc]}; Parquet ${ALL[$vp]}); the baseline: one run; the floor: median of $REPEAT (CSV ${ALL[scan_csv]}; Parquet ${ALL[scan_pq]}); peak RSS the largest of the runs."
  [ "$BASELINE_ONLY" = 1 ] && echo "The floor: median of $REPEAT runs (CSV ${ALL[scan_csv]}; Parquet ${ALL[scan_pq]}); the baseline: one run."
  echo "Baseline breakdown: $(breakdown "$bjson")"
  echo "Agreement (rtol 1e-9, intervals 1e-6): $agree"
  echo
  echo "CPU s: user + system seconds (median run); on a loaded machine wall seconds grow with the load, CPU seconds much less."
  echo "¹ against the baseline reading CSV (pandas cannot read Parquet here: no pyarrow)."
}

table "vigil compare --segment-by $SEG_BY ($BASE_V → $CAND_V) vs pandas + scikit-learn" \
  "pandas + scikit-learn + DeLong (baseline_compare.py)" bcmp vcmp_csv vcmp_pq "vigil compare" "$OUT/compare-baseline-$ROWS.json" "$AGREE_CMP"
table "vigil segments --by $BY --depth 2 --metric calibration vs pandas" \
  "pandas groupby (baseline_segments.py)" bseg vseg_csv vseg_pq "vigil segments" "$OUT/segments-baseline-$ROWS.json" "$AGREE_SEG"
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1), $(uname -sr), $(dotnet --version 2>/dev/null | sed 's/^/.NET SDK /'), $("$PY" -c 'import pandas, sklearn, scipy, numpy; print(f"pandas {pandas.__version__}, scikit-learn {sklearn.__version__}, SciPy {scipy.__version__}, numpy {numpy.__version__}")'), load average at the start: $LOAD0, at the end: $(cut -d" " -f1-3 /proc/loadavg)"
[ $status -eq 0 ] || echo "Vigil and the baseline DISAGREE: see $OUT/agree-*.txt" >&2
exit $status
