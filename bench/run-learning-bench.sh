#!/usr/bin/env bash
# Learning benchmark: Vigil's gradient-boosted trees and TreeSHAP (src/Vigil.Statistics/Learning) against
# scikit-learn's HistGradientBoostingRegressor and xgboost's pred_contribs, on the same generated data, in one run.
#   bench/run-learning-bench.sh [ROWS] [SHAP_ROWS]     (defaults 1000000 and 10000)
# Data (ROWS x 30 mixed features, some categorical, some missing; 80 % train, 20 % held out) is generated once into
# bench/data/learning/ (gitignored). Steps:
#   1. baseline (bench/learning/baseline_learning.py): sklearn fit with the settings below + R² on the held-out rows;
#      xgboost trained (100 trees, depth 6), its JSON dump written, pred_contribs timed on SHAP_ROWS rows;
#   2. Vigil (bench/learning/LearningBench): Fit with the same settings + R² on the same rows; xgboost's dump loaded,
#      TreeSHAP on the same SHAP_ROWS rows, agreement with xgboost's contributions.
# Settings (both): max_iter 100, learning_rate 0.1, max_leaf_nodes 31, min_samples_leaf 20, max_bins 255,
# early stopping auto (on above 10,000 rows: validation_fraction 0.1, n_iter_no_change 10, tol 1e-7).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY=/usr/bin/python3
ROWS="${1:-1000000}"
SHAP_ROWS="${2:-10000}"
DATA=bench/data/learning
OUT=bench/out
mkdir -p "$OUT" "$DATA"
"$PY" -c 'import sklearn, xgboost, numpy' 2>/dev/null || { echo "error: $PY needs python3-sklearn and python3-xgboost" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "error: needs GNU time (apt-get install time)" >&2; exit 2; }

dotnet build bench/learning/LearningBench -c Release -o "$OUT/learning-bin" -v q -nologo >/dev/null
if [ "$(cat "$DATA/size" 2>/dev/null)" != "$ROWS" ]; then
  echo "generating $ROWS rows x 30 features ..." >&2
  "$PY" bench/learning/gen_learning_data.py "$ROWS" "$DATA" >&2
  echo "$ROWS" > "$DATA/size"
fi
cat "$DATA/X.f64" "$DATA/y.f64" > /dev/null   # warm the page cache

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "baseline (scikit-learn, xgboost) ..." >&2
/usr/bin/time -f '%e %M' -o "$OUT/learning-baseline.time" "$PY" bench/learning/baseline_learning.py "$DATA" "$OUT/learning-baseline.json" "$SHAP_ROWS" >&2
echo "vigil ..." >&2
/usr/bin/time -f '%e %M' -o "$OUT/learning-vigil.time" "$OUT/learning-bin/Vigil.Bench.Learning" "$DATA" "$OUT/learning-baseline.json" all "$SHAP_ROWS" >&2
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

"$PY" - "$OUT/learning-baseline.json" "$OUT/learning-baseline.json.vigil.json" "$OUT/learning-baseline.time" "$OUT/learning-vigil.time" <<'PYEOF'
import json, sys
b, v = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
bt, vt = open(sys.argv[3]).read().split(), open(sys.argv[4]).read().split()
print(f"### {v['rows']:,} rows x {v['features']} features ({v['train_rows']:,} train, {v['rows'] - v['train_rows']:,} held out)")
print()
print("| task | scikit-learn / xgboost | Vigil | baseline time / Vigil time |")
print("|---|---:|---:|---:|")
print(f"| fit, s (iterations) | {b['sklearn_fit_seconds']:.2f} ({b['sklearn_iterations']}) | {v['fit_seconds']:.2f} ({v['iterations']}) | {b['sklearn_fit_seconds'] / v['fit_seconds']:.2f}x |")
print(f"| held-out R² | {b['sklearn_r2']:.5f} | {v['r2']:.5f} | diff {v['r2'] - b['sklearn_r2']:+.5f} |")
print(f"| predict held-out rows, s | {b['sklearn_predict_seconds']:.2f} | {v['predict_seconds']:.2f} | {b['sklearn_predict_seconds'] / v['predict_seconds']:.2f}x |")
print(f"| TreeSHAP, {b['xgb_shap_rows']:,} rows, xgboost's 100 trees of depth 6, s | {b['xgb_shap_seconds']:.2f} | {v['xgb_trees_shap_seconds']:.2f} | {b['xgb_shap_seconds'] / v['xgb_trees_shap_seconds']:.2f}x |")
print(f"| TreeSHAP, same rows, Vigil's own {v['iterations']} trees of 31 leaves, s | | {v['own_shap_seconds']:.2f} | |")
print()
print(f"Vigil's CPU time: fit {v['fit_cpu_seconds']:.1f} s, TreeSHAP on xgboost's trees {v['xgb_trees_shap_cpu_seconds']:.1f} s (both cores: at most 2x the wall time).")
print(f"TreeSHAP agreement with xgboost's pred_contribs: max |diff| {v['xgb_trees_shap_max_abs_diff']:.2e} (xgboost computes in float32).")
print(f"Process totals: baseline {bt[0]} s, {int(bt[1]) // 1024} MB peak; Vigil {vt[0]} s, {int(vt[1]) // 1024} MB peak "
      f"(each includes reading the data; the baseline also trains xgboost in {b['xgb_fit_seconds']:.1f} s).")
print(f"scikit-learn {b['sklearn']}, xgboost {b['xgboost']}; fit times are single runs, SHAP the best of two.")
PYEOF
echo
echo "Load average at start: $load_start; at end: $load_end"
echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr), .NET SDK $(dotnet --version)"
