#!/usr/bin/env bash
# End-to-end benchmark: `vigil summary` vs the pandas + scikit-learn baseline on the same generated log.
#   bench/run-summary-bench.sh [ROWS]        (default 10000000)
# Generates bench/data/log.csv and bench/data/log.parquet once (kept between runs; delete them to
# regenerate), times every run with /usr/bin/time (wall seconds, peak RSS), checks that Vigil's and the
# baseline's summaries agree, and prints a Markdown table. See bench/README.md.
set -euo pipefail

ROWS="${1:-10000000}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY=/usr/bin/python3          # Debian's python with python3-pandas, python3-sklearn (not pyenv's)
AS_OF=2026-06-01
DATA=bench/data
OUT=bench/out
mkdir -p "$DATA" "$OUT"

if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time (needs apt-get)" >&2
  sudo apt-get install -y time >/dev/null || apt-get install -y time >/dev/null
fi
"$PY" -c 'import pandas, sklearn' 2>/dev/null || {
  echo "error: $PY needs pandas and scikit-learn: apt-get install python3-pandas python3-sklearn python3-scipy" >&2; exit 2; }

# Build once so the timings do not include compilation.
./vigil --help >/dev/null 2>&1 || true

# Data, generated once per size (the size is recorded next to the files).
if [ ! -f "$DATA/log.csv" ] || [ "$(cat "$DATA/rows" 2>/dev/null)" != "$ROWS" ]; then
  rm -f "$DATA/log.csv" "$DATA/log.parquet" "$DATA/rows"
  echo "generating $ROWS rows ..." >&2
  ./vigil generate --rows "$ROWS" --out "$DATA/log.csv"
  ./vigil generate --rows "$ROWS" --out "$DATA/log.parquet"
  echo "$ROWS" > "$DATA/rows"
fi

# Drop the page cache if we may (so the first run is not penalised); otherwise warm it for every run alike.
sync; (echo 3 | sudo -n tee /proc/sys/vm/drop_caches >/dev/null 2>&1) || true
cat "$DATA/log.csv" "$DATA/log.parquet" > /dev/null

declare -A SEC MB ALL
REPEAT="${REPEAT:-3}"   # vigil runs are repeated and their median reported (this machine's timings vary by ±20 %)
# run NAME TIMES CMD...: times TIMES runs; records the median wall time, the largest peak RSS and every time.
# Each run's stdout/stderr go to $OUT/NAME.log
run() {
  local name="$1" times="$2"; shift 2
  local secs=() kb_max=0
  for ((k = 1; k <= times; k++)); do
    echo "running $name ($k/$times): $*" >&2
    if ! /usr/bin/time -f '%e %M' -o "$OUT/$name.time" "$@" > "$OUT/$name.log" 2>&1; then
      echo "error: $name failed, see $OUT/$name.log" >&2; tail -5 "$OUT/$name.log" >&2; exit 1
    fi
    read -r s kb < <(tail -1 "$OUT/$name.time")
    secs+=("$s"); [ "$kb" -gt "$kb_max" ] && kb_max="$kb"
  done
  SEC[$name]="$(printf '%s\n' "${secs[@]}" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')"
  ALL[$name]="${secs[*]}"
  MB[$name]="$(awk -v k="$kb_max" 'BEGIN { printf "%.0f", k / 1024 }')"
}

run vigil_csv     "$REPEAT" ./vigil summary "$DATA/log.csv"     --as-of "$AS_OF" --format json --out "$OUT/vigil.json"
run vigil_parquet "$REPEAT" ./vigil summary "$DATA/log.parquet" --as-of "$AS_OF" --format json --out "$OUT/vigil-parquet.json"
run scan_csv      "$REPEAT" ./vigil scan "$DATA/log.csv"
run scan_parquet  "$REPEAT" ./vigil scan "$DATA/log.parquet"
run pandas_csv    1 "$PY" bench/baseline_summary.py "$DATA/log.csv" --as-of "$AS_OF" --out "$OUT/pandas.json"

echo >&2
status=0
echo "== agreement: pandas vs vigil (CSV) ==" >&2
"$PY" bench/compare_summary.py "$OUT/pandas.json" "$OUT/vigil.json" >&2 || status=1
echo "== agreement: pandas vs vigil (Parquet) ==" >&2
"$PY" bench/compare_summary.py "$OUT/pandas.json" "$OUT/vigil-parquet.json" >&2 || status=1

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; }
P_S=${SEC[pandas_csv]}; P_M=${MB[pandas_csv]}
CSV_SIZE=$(du -m "$DATA/log.csv" | cut -f1); PQ_SIZE=$(du -m "$DATA/log.parquet" | cut -f1)

cat <<EOF

## vigil summary vs pandas + scikit-learn, $ROWS rows

| tool | input | seconds | peak RSS MB | pandas time / tool time | tool memory / pandas memory |
|---|---|---:|---:|---:|---:|
| pandas + scikit-learn (baseline_summary.py) | CSV ($CSV_SIZE MB) | $P_S | $P_M | 1.0 | 1.00 |
| vigil summary | CSV | ${SEC[vigil_csv]} | ${MB[vigil_csv]} | $(ratio "$P_S" "${SEC[vigil_csv]}")× | $(awk -v a="${MB[vigil_csv]}" -v b="$P_M" 'BEGIN{printf "%.2f", a/b}') |
| vigil summary | Parquet ($PQ_SIZE MB) | ${SEC[vigil_parquet]} | ${MB[vigil_parquet]} | $(ratio "$P_S" "${SEC[vigil_parquet]}")× ¹ | $(awk -v a="${MB[vigil_parquet]}" -v b="$P_M" 'BEGIN{printf "%.2f", a/b}') ¹ |
| DuckDB bare scan (vigil scan) | CSV | ${SEC[scan_csv]} | ${MB[scan_csv]} | $(ratio "$P_S" "${SEC[scan_csv]}")× | $(awk -v a="${MB[scan_csv]}" -v b="$P_M" 'BEGIN{printf "%.2f", a/b}') |
| DuckDB bare scan (vigil scan) | Parquet | ${SEC[scan_parquet]} | ${MB[scan_parquet]} | $(ratio "$P_S" "${SEC[scan_parquet]}")× | $(awk -v a="${MB[scan_parquet]}" -v b="$P_M" 'BEGIN{printf "%.2f", a/b}') |

Seconds are the median of $REPEAT runs for vigil (all runs: CSV ${ALL[vigil_csv]}; Parquet ${ALL[vigil_parquet]}) and one run for
pandas; peak RSS is the largest of the runs.

Distance from the bare scan: vigil summary takes $(ratio "${SEC[vigil_csv]}" "${SEC[scan_csv]}")× the scan's time on CSV and $(ratio "${SEC[vigil_parquet]}" "${SEC[scan_parquet]}")× on Parquet.

¹ pandas cannot read Parquet on this machine (no pyarrow), so the Parquet row is compared with the pandas **CSV** run.

Targets: vigil ≥ 10× faster than pandas, and ≤ ¼ of its peak memory (ratio column ≤ 0.25).
Baseline breakdown: $("$PY" -c 'import json,sys; t=json.load(open(sys.argv[1]))["timings"]; print(", ".join("%s %.1f s" % (k.replace("_seconds", ""), v) for k,v in t.items()))' "$OUT/pandas.json")
Agreement (compare_summary.py, rtol 1e-9): $([ $status -eq 0 ] && echo "identical" || echo "MISMATCHES, see above")

Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1), $(uname -sr), $(dotnet --version 2>/dev/null | sed 's/^/.NET SDK /'), $("$PY" -c 'import pandas, sklearn, numpy; print(f"pandas {pandas.__version__}, scikit-learn {sklearn.__version__}, numpy {numpy.__version__}")')
EOF
exit $status
