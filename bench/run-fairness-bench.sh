#!/usr/bin/env bash
# Benchmark of `vigil fairness` against its pandas + scikit-learn baseline (bench/baseline_fairness.py: the per-group
# and intersection table Fairlearn's MetricFrame computes), on the same generated loan log, in the same run.
#   bench/run-fairness-bench.sh [ROWS]          (default 10000000)
# Environment:
#   VIGIL=path        the vigil executable (default ./vigil, which builds itself once before any timing)
#   REPEAT=n          runs of every vigil command and of the floor (default 3; the median is reported)
#   NO_BASELINE=1     skip the baseline (reuse bench/out/fairness-baseline-ROWS.json if there)
#   NICE="nice -n 10" a prefix for every timed command alike (a shared machine)
# Data: bench/data/fairness/ (10M rows) or bench/data/fairness-ROWS/, log.csv and log.parquet, generated once by
# bench/gen_fairness_data.py and kept (bench/data/ is not committed). Outputs and logs: bench/out/. Prints a Markdown
# table with seconds (wall), CPU seconds and peak RSS (GNU time -v), the ratios to the baseline and the distance to
# DuckDB's bare scan (the floor), and checks that vigil and the baseline agree (bench/compare_fairness.py). Exits 1 on
# disagreement.
#   vigil fairness --no-proxies --constraint none: the same table as the baseline (groups, intersection), plus the
#     summaries and disparities, which cost nothing once the counts are in;
#   vigil fairness (defaults): also the proxies (tree learner on a 200k-row sample) and the mitigation; Parquet only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY=/usr/bin/python3
ROWS="${1:-10000000}"
VIGIL="${VIGIL:-./vigil}"
REPEAT="${REPEAT:-3}"
NO_BASELINE="${NO_BASELINE:-0}"
read -r -a NICE_CMD <<< "${NICE:-}"
SENS=gender,race
VFLAGS=(--id id --score score --label label --quiet)
OUT=bench/out
DATA=bench/data/fairness; [ "$ROWS" = 10000000 ] || DATA="bench/data/fairness-$ROWS"
mkdir -p "$OUT" "$DATA"
LOAD0=$(cut -d" " -f1-3 /proc/loadavg)

"$PY" -c 'import pandas, sklearn' 2>/dev/null || {
  echo "error: $PY needs pandas and scikit-learn (apt-get install python3-pandas python3-sklearn)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "error: needs GNU time (apt-get install time)" >&2; exit 2; }
VIGIL_DUCKDB_LIB="${VIGIL_DUCKDB_LIB:-$(tools/fetch-duckdb | tail -1)}"; export VIGIL_DUCKDB_LIB
"$VIGIL" --help >/dev/null 2>&1 || true   # build once, before any timing
"$VIGIL" fairness --help >/dev/null 2>&1 || { echo "error: '$VIGIL fairness' does not run here" >&2; exit 2; }

if [ ! -f "$DATA/log.csv" ] || [ ! -f "$DATA/log.parquet" ] || [ "$(cut -d' ' -f1 "$DATA/rows" 2>/dev/null)" != "$ROWS" ]; then
  echo "generating $ROWS rows into $DATA ..." >&2
  "$PY" bench/gen_fairness_data.py --rows "$ROWS" --out "$DATA"
fi
CSV="$DATA/log.csv"; PQ="$DATA/log.parquet"
sync; (echo 3 | sudo -n tee /proc/sys/vm/drop_caches >/dev/null 2>&1) || true
cat "$CSV" "$PQ" > /dev/null   # warm the page cache for every run alike

# run, ratio, mem: bench/lib.sh
source "$ROOT/bench/lib.sh"

# The floor: DuckDB's bare scan of each file.
run scan_csv "$REPEAT" "$VIGIL" scan "$CSV"
run scan_pq  "$REPEAT" "$VIGIL" scan "$PQ"

run vfair_csv "$REPEAT" "$VIGIL" fairness "$CSV" --sensitive "$SENS" --no-proxies --constraint none "${VFLAGS[@]}" \
  --format json --out "$OUT/fairness-vigil-csv-$ROWS.json"
run vfair_pq "$REPEAT" "$VIGIL" fairness "$PQ" --sensitive "$SENS" --no-proxies --constraint none "${VFLAGS[@]}" \
  --format json --out "$OUT/fairness-vigil-pq-$ROWS.json"
run vfull_pq "$REPEAT" "$VIGIL" fairness "$PQ" --sensitive "$SENS" "${VFLAGS[@]}" --format json --out "$OUT/fairness-vigil-full-$ROWS.json"

if [ "$NO_BASELINE" != 1 ]; then
  run bfair 1 "$PY" bench/baseline_fairness.py "$CSV" --sensitive "$SENS" --out "$OUT/fairness-baseline-$ROWS.json"
else
  [ -f "$OUT/fairness-baseline-$ROWS.json" ] || { echo "error: NO_BASELINE=1 needs $OUT/fairness-baseline-$ROWS.json from an earlier run" >&2; exit 2; }
  echo "NO_BASELINE=1: the baseline's time is not measured in this run" >&2
fi

status=0
for fmt in csv pq; do
  echo "== agreement: fairness, $fmt ==" >&2
  "$PY" bench/compare_fairness.py "$OUT/fairness-baseline-$ROWS.json" "$OUT/fairness-vigil-$fmt-$ROWS.json" > "$OUT/agree-fairness-$fmt.txt" || status=1
  cat "$OUT/agree-fairness-$fmt.txt" >&2
done
AGREE="CSV: $(tail -1 "$OUT/agree-fairness-csv.txt"); Parquet: $(tail -1 "$OUT/agree-fairness-pq.txt")"

CSV_MB=$(du -m "$CSV" | cut -f1); PQ_MB=$(du -m "$PQ" | cut -f1)
bs="${SEC[bfair]:-}"; bm="${MB[bfair]:-}"
echo
echo "### vigil fairness --sensitive $SENS vs pandas + scikit-learn, $ROWS rows"
echo
echo "| tool | input | seconds | CPU s | peak RSS MB | baseline time / tool time | tool memory / baseline memory | tool time / floor time |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
echo "| pandas + scikit-learn (baseline_fairness.py) | CSV ($CSV_MB MB) | ${bs:-not run} | ${CPU[bfair]:-} | ${bm:-} | $( [ -n "$bs" ] && echo 1.0 ) | $( [ -n "$bs" ] && echo 1.00 ) | $(ratio "$bs" "${SEC[scan_csv]}") |"
echo "| vigil fairness --no-proxies --constraint none | CSV | ${SEC[vfair_csv]} | ${CPU[vfair_csv]} | ${MB[vfair_csv]} | $(ratio "$bs" "${SEC[vfair_csv]}") | $(mem "${MB[vfair_csv]}" "$bm") | $(ratio "${SEC[vfair_csv]}" "${SEC[scan_csv]}") |"
echo "| vigil fairness --no-proxies --constraint none | Parquet ($PQ_MB MB) | ${SEC[vfair_pq]} | ${CPU[vfair_pq]} | ${MB[vfair_pq]} | $(ratio "$bs" "${SEC[vfair_pq]}") ¹ | $(mem "${MB[vfair_pq]}" "$bm") ¹ | $(ratio "${SEC[vfair_pq]}" "${SEC[scan_pq]}") |"
echo "| vigil fairness (proxies, mitigation) | Parquet | ${SEC[vfull_pq]} | ${CPU[vfull_pq]} | ${MB[vfull_pq]} | — ² | — ² | $(ratio "${SEC[vfull_pq]}" "${SEC[scan_pq]}") |"
echo "| DuckDB bare scan (vigil scan) | CSV | ${SEC[scan_csv]} | ${CPU[scan_csv]} | ${MB[scan_csv]} | $(ratio "$bs" "${SEC[scan_csv]}") | $(mem "${MB[scan_csv]}" "$bm") | 1.0× |"
echo "| DuckDB bare scan (vigil scan) | Parquet | ${SEC[scan_pq]} | ${CPU[scan_pq]} | ${MB[scan_pq]} | $(ratio "$bs" "${SEC[scan_pq]}") ¹ | $(mem "${MB[scan_pq]}" "$bm") ¹ | 1.0× |"
echo
echo "vigil and the floor: median of $REPEAT runs (CSV ${ALL[vfair_csv]}; Parquet ${ALL[vfair_pq]}; full ${ALL[vfull_pq]}; scans ${ALL[scan_csv]} / ${ALL[scan_pq]}); the baseline: one run; peak RSS the largest of the runs."
[ -f "$OUT/fairness-baseline-$ROWS.json" ] && echo "Baseline breakdown: $("$PY" -c 'import json,sys; t=json.load(open(sys.argv[1]))["timings"]; print(", ".join("%s %.1f s" % (k.replace("_seconds", ""), v) for k, v in t.items()))' "$OUT/fairness-baseline-$ROWS.json")"
echo "Agreement (groups' sizes, positives and metrics, rtol 1e-9): $AGREE"
echo
echo "¹ against the baseline reading CSV (pandas cannot read Parquet here: no pyarrow). ² the baseline does neither proxies nor mitigation."
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1), $(uname -sr), $(dotnet --version 2>/dev/null | sed 's/^/.NET SDK /'), $("$PY" -c 'import pandas, sklearn, numpy; print(f"pandas {pandas.__version__}, scikit-learn {sklearn.__version__}, numpy {numpy.__version__}")'), load average at the start: $LOAD0, at the end: $(cut -d" " -f1-3 /proc/loadavg)"
[ $status -eq 0 ] || echo "Vigil and the baseline DISAGREE: see $OUT/agree-fairness-*.txt" >&2
exit $status
