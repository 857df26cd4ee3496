#!/usr/bin/env bash
# Drift benchmark: `vigil drift` vs Evidently's default computation on pandas + SciPy (bench/baseline_drift.py),
# on the same generated files, in the same run.
#   bench/run-drift-bench.sh [main|wide|big|all]     (default main)
#     main: 1M reference + 1M current rows x 24 columns (CSV, and vigil on Parquet too), with the baseline
#     wide: 200k + 200k rows x 500 columns, with the baseline
#     big:  10M + 10M rows x 24 columns (the baseline too, unless NO_BIG_BASELINE=1)
# VIGIL=path overrides the vigil executable (default ./vigil). Data is kept in bench/data/drift-*/.
# Prints a Markdown table per case; checks that vigil and the baseline agree (compare_drift.py, rtol 1e-9).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY=/usr/bin/python3
VIGIL="${VIGIL:-./vigil}"
WHICH="${1:-main}"
OUT=bench/out
mkdir -p "$OUT"
"$PY" -c 'import pandas, scipy' 2>/dev/null || { echo "error: $PY needs pandas and scipy (apt-get install python3-pandas python3-scipy)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "error: needs GNU time (apt-get install time)" >&2; exit 2; }
"$VIGIL" --help >/dev/null 2>&1 || true   # build once

timed() { # timed NAME CMD... -> "seconds MB"
  local name="$1"; shift
  /usr/bin/time -f '%e %M' -o "$OUT/$name.time" "$@" > "$OUT/$name.log" 2>&1 || { echo "error: $name failed, see $OUT/$name.log" >&2; tail -3 "$OUT/$name.log" >&2; exit 1; }
  awk '{ printf "%s %.0f\n", $1, $2 / 1024 }' "$OUT/$name.time"
}

run_case() { # run_case NAME ROWS COLS WITH_BASELINE
  local name="$1" rows="$2" cols="$3" base="$4" dir="bench/data/drift-$1"
  mkdir -p "$dir"
  if [ ! -f "$dir/current.csv" ] || [ "$(cat "$dir/size" 2>/dev/null)" != "$rows x $cols" ]; then
    echo "generating $name: $rows rows x $cols columns per side ..." >&2
    "$PY" bench/gen_drift_data.py "$rows" "$cols" "$dir"
    for side in reference current; do
      "$VIGIL" sql "COPY (SELECT * FROM read_csv('$dir/$side.csv')) TO '$dir/$side.parquet' (FORMAT parquet)" >/dev/null
    done
    echo "$rows x $cols" > "$dir/size"
  fi
  cat "$dir"/*.csv "$dir"/*.parquet > /dev/null   # warm the page cache for every run alike
  echo "running $name ..." >&2
  read -r vs vm < <(timed "drift-$name-vigil" "$VIGIL" drift -r "$dir/reference.csv" -c "$dir/current.csv" --format json --out "$OUT/drift-$name-vigil.json")
  read -r ps pm < <(timed "drift-$name-vigil-pq" "$VIGIL" drift -r "$dir/reference.parquet" -c "$dir/current.parquet" --format json --out "$OUT/drift-$name-vigil-pq.json")
  echo
  echo "### $name: $rows + $rows rows x $cols columns"
  echo
  echo "| tool | input | seconds | peak RSS MB | baseline time / tool time | tool memory / baseline memory |"
  echo "|---|---|---:|---:|---:|---:|"
  if [ "$base" = 1 ]; then
    read -r bs bm < <(timed "drift-$name-baseline" "$PY" bench/baseline_drift.py "$dir/reference.csv" "$dir/current.csv" --out "$OUT/drift-$name-baseline.json")
    echo "| pandas + SciPy (baseline_drift.py) | CSV | $bs | $bm | 1.0 | 1.00 |"
    echo "| vigil drift | CSV | $vs | $vm | $(awk -v a="$bs" -v b="$vs" 'BEGIN{printf "%.1f", a/b}')× | $(awk -v a="$vm" -v b="$bm" 'BEGIN{printf "%.2f", a/b}') |"
    echo "| vigil drift | Parquet | $ps | $pm | $(awk -v a="$bs" -v b="$ps" 'BEGIN{printf "%.1f", a/b}')× ¹ | $(awk -v a="$pm" -v b="$bm" 'BEGIN{printf "%.2f", a/b}') ¹ |"
    echo
    echo "Agreement: $("$PY" bench/compare_drift.py "$OUT/drift-$name-baseline.json" "$OUT/drift-$name-vigil.json" | tail -1) (CSV); $("$PY" bench/compare_drift.py "$OUT/drift-$name-baseline.json" "$OUT/drift-$name-vigil-pq.json" | tail -1) (Parquet)"
    echo "Baseline: $("$PY" -c 'import json,sys; t=json.load(open(sys.argv[1]))["timings"]; print(", ".join("%s %.1f s" % (k.replace("_seconds", ""), v) for k, v in t.items()))' "$OUT/drift-$name-baseline.json")"
  else
    echo "| vigil drift | CSV | $vs | $vm | | |"
    echo "| vigil drift | Parquet | $ps | $pm | | |"
  fi
  echo
  echo "¹ against the baseline reading CSV (pandas cannot read Parquet here: no pyarrow)."
}

case "$WHICH" in
  main) run_case main 1000000 24 1 ;;
  wide) run_case wide 200000 500 1 ;;
  big)  run_case big 10000000 24 "$([ "${NO_BIG_BASELINE:-0}" = 1 ] && echo 0 || echo 1)" ;;
  all)  run_case main 1000000 24 1; run_case wide 200000 500 1; run_case big 10000000 24 "$([ "${NO_BIG_BASELINE:-0}" = 1 ] && echo 0 || echo 1)" ;;
  *) echo "usage: $0 [main|wide|big|all]" >&2; exit 2 ;;
esac
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(uname -sr), $("$PY" -c 'import pandas, scipy, numpy; print(f"pandas {pandas.__version__}, SciPy {scipy.__version__}, numpy {numpy.__version__}")')"
