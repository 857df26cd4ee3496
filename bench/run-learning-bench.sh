#!/usr/bin/env bash
# Learning benchmark: Vigil's gradient-boosted trees and TreeSHAP (src/Vigil.Statistics/Learning) against
# scikit-learn's HistGradientBoostingRegressor and xgboost's pred_contribs, on the same generated data, in one run.
#   bench/run-learning-bench.sh [ROWS] [SHAP_ROWS]     (defaults 1000000 and 10000)
#   REPEAT=n runs baseline and Vigil n times, alternating, and reports each side's fastest run (default 1).
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
REPEAT="${REPEAT:-1}"
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
for r in $(seq 1 "$REPEAT"); do
  echo "baseline (scikit-learn, xgboost), run $r ..." >&2
  /usr/bin/time -f '%e %M' -o "$OUT/learning-baseline-$r.time" "$PY" bench/learning/baseline_learning.py "$DATA" "$OUT/learning-baseline-$r.json" "$SHAP_ROWS" >&2
  echo "vigil, run $r ..." >&2
  /usr/bin/time -f '%e %M' -o "$OUT/learning-vigil-$r.time" "$OUT/learning-bin/Vigil.Bench.Learning" "$DATA" "$OUT/learning-baseline-$r.json" all "$SHAP_ROWS" >&2
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

"$PY" - "$OUT" "$REPEAT" <<'PYEOF'
import json, sys
out, repeat = sys.argv[1], int(sys.argv[2])
bs = [json.load(open(f"{out}/learning-baseline-{r}.json")) for r in range(1, repeat + 1)]
vs = [json.load(open(f"{out}/learning-baseline-{r}.json.vigil.json")) for r in range(1, repeat + 1)]
bt = [open(f"{out}/learning-baseline-{r}.time").read().split() for r in range(1, repeat + 1)]
vt = [open(f"{out}/learning-vigil-{r}.time").read().split() for r in range(1, repeat + 1)]
best = lambda runs, key: min(r[key] for r in runs)
b, v = bs[0], vs[0]
def row(task, bkey, vkey, fmt="{:.2f}"):
    bb, vv = best(bs, bkey), best(vs, vkey)
    print(f"| {task} | {fmt.format(bb)} | {fmt.format(vv)} | {bb / vv:.2f}x |")
print(f"### {v['rows']:,} rows x {v['features']} features ({v['train_rows']:,} train, {v['rows'] - v['train_rows']:,} held out)")
print()
print(f"Fastest of {repeat} alternating run(s) per side; CPU seconds are the process's user + system time over the same span.")
print()
print("| task | scikit-learn / xgboost | Vigil | baseline / Vigil |")
print("|---|---:|---:|---:|")
row(f"fit, wall s ({b['sklearn_iterations']} / {v['iterations']} iterations)", "sklearn_fit_seconds", "fit_seconds")
row("fit, CPU s", "sklearn_fit_cpu_seconds", "fit_cpu_seconds")
print(f"| held-out R² | {b['sklearn_r2']:.5f} | {v['r2']:.5f} | diff {v['r2'] - b['sklearn_r2']:+.5f} |")
row("predict held-out rows, wall s", "sklearn_predict_seconds", "predict_seconds")
row(f"TreeSHAP, {b['xgb_shap_rows']:,} rows, xgboost's 100 trees of depth 6, wall s", "xgb_shap_seconds", "xgb_trees_shap_seconds")
row("TreeSHAP, same, CPU s", "xgb_shap_cpu_seconds", "xgb_trees_shap_cpu_seconds")
print(f"| TreeSHAP, same rows, Vigil's own {v['iterations']} trees of 31 leaves, wall s | | {best(vs, 'own_shap_seconds'):.2f} | |")
print()
print("All runs, wall s (fit / TreeSHAP on xgboost's trees): baseline " + "; ".join(f"{x['sklearn_fit_seconds']:.1f} / {x['xgb_shap_seconds']:.2f}" for x in bs)
      + "; Vigil " + "; ".join(f"{x['fit_seconds']:.1f} / {x['xgb_trees_shap_seconds']:.2f}" for x in vs))
print(f"TreeSHAP agreement with xgboost's pred_contribs: max |diff| {max(x['xgb_trees_shap_max_abs_diff'] for x in vs):.2e} (xgboost computes in float32).")
print(f"Process peaks: baseline {max(int(t[1]) for t in bt) // 1024} MB; Vigil {max(int(t[1]) for t in vt) // 1024} MB.")
print(f"scikit-learn {b['sklearn']}, xgboost {b['xgboost']}.")
PYEOF
echo
echo "Load average at start: $load_start; at end: $load_end"
echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr), .NET SDK $(dotnet --version)"
