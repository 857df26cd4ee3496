#!/usr/bin/env bash
# Golden fixture for `vigil summary`: a small generated fraud log and the daily summary that the pandas +
# scikit-learn baseline (bench/baseline_summary.py) computes on it. Run from the repo root:
#   bash tools/golden/generate_summary.sh
set -euo pipefail
out=tests/Vigil.Analysis.Tests/Fixtures
./vigil generate --rows 6000 --seed 9 --out "$out/summary_log.csv"
/usr/bin/python3 bench/baseline_summary.py "$out/summary_log.csv" --as-of 2026-06-01 --out "$out/summary_expected.json"
