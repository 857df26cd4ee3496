#!/usr/bin/env bash
# Fleet-page benchmark: MODELS binary models with ROWS predictions over the last 7 days written straight into a DuckDB
# store with SQL (bench/FleetBench), their rollups built as a restart builds them, then the answer times of
# GET /v1/fleet and of a model's week (/v1/models/m001/series?window=7d), idle and while bench/IngestLoad feeds a
# further model at full load, and DuckDB's bare scan of the raw tables (the floor without rollups). Prints JSON.
#   bench/run-fleet-bench.sh [ROWS=100000000] [MODELS=100] [LOAD_SECONDS=30] [LOAD_CLIENTS=4]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ROWS="${1:-100000000}"
MODELS="${2:-100}"
LOAD_SECONDS="${3:-30}"
LOAD_CLIENTS="${4:-4}"
WORK="${FLEET_BENCH_DIR:-$(mktemp -d)}"
# The id filters (one per model) are sized for the bench's tables, not the default 50 M ids each.
export VIGIL_DEDUP_CAPACITY="${VIGIL_DEDUP_CAPACITY:-$((ROWS / MODELS * 2 + 1000000))}"
trap 'rm -rf "$WORK"' EXIT
dotnet build bench/IngestLoad -c Release -o "$WORK/load" -v q -nologo >/dev/null
dotnet build bench/FleetBench -c Release -o "$WORK/driver" -v q -nologo >/dev/null
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo), load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
/usr/bin/time -v -o "$WORK/driver.time" "$WORK/driver/Vigil.Bench" "$WORK/data" "$ROWS" "$MODELS" "$WORK/load/IngestLoad" "$LOAD_SECONDS" "$LOAD_CLIENTS"
awk -F': ' '/Maximum resident set size/ { printf "driver peak RSS: %.0f MB\n", $2 / 1024 }' "$WORK/driver.time" >&2
