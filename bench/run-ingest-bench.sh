#!/usr/bin/env bash
# Ingest benchmark: `vigil serve` on loopback under a closed-loop load generator (bench/IngestLoad): batches of 500
# predictions with 20 number features, CLIENTS concurrent clients, for SECONDS. Samples the server's resident memory
# every 10 s and checks that the monitors kept their schedule. Prints a Markdown summary.
#   bench/run-ingest-bench.sh [SECONDS=120] [CLIENTS=4]
# VIGIL=path overrides the vigil executable (default ./vigil). CLICKHOUSE=1: the store is a throw-away two-shard
# ClickHouse cluster on loopback (bench/lib-clickhouse.sh), written through its Distributed table, instead of a DuckDB file.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS_RUN="${1:-120}"
CLIENTS="${2:-4}"
VIGIL="${VIGIL:-./vigil}"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  pkill -f "serve --config $WORK/vigil.yaml" 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  [ -n "${KEEP_LOG:-}" ] && cp "$WORK/serve.log" "$KEEP_LOG"
  rm -rf "$WORK"
}
trap cleanup EXIT
STORE="$WORK/data/vigil.duckdb"
if [ "${CLICKHOUSE:-0}" = "1" ]; then
  SERVER=""
  for p in /usr/sbin/clickhouse-server /usr/bin/clickhouse-server; do [ -x "$p" ] && SERVER="$p" && break; done
  [ -n "$SERVER" ] || { echo "error: CLICKHOUSE=1 needs clickhouse-server (apt-get install clickhouse-server)" >&2; exit 2; }
  CH_MEMORY=8000000000 CH_PROFILE_EXTRA=""
  . bench/lib-clickhouse.sh
  start_cluster
  STORE="clickhouse://default@127.0.0.1:${HTTP[0]}/default?cluster=vigil&shards=127.0.0.1:${HTTP[0]},127.0.0.1:${HTTP[1]}&state=$WORK/data/state.duckdb"
  echo "store: ClickHouse $(sql 0 'SELECT version()'), 2 shards on 127.0.0.1:${HTTP[0]} and :${HTTP[1]}" >&2
fi
"$VIGIL" --help >/dev/null 2>&1 || true   # build once
dotnet build bench/IngestLoad -c Release -o "$WORK/load" -v q -nologo >/dev/null
PORT=5197
{
  echo "store: $STORE"
  echo "keys:"
  echo "  - key: bench-key-0001"
  echo "    scopes: [admin]"
  echo "models:"
  echo "  load:"
  echo "    task: binary"
  echo "    schema:"
  echo "      features:"
  for i in $(seq 0 19); do echo "        f$i: number"; done
  echo "    monitors:"
  echo "      - {name: volume, metric: volume, window: 1m, every: 5s, threshold: {min: 1}}"
  echo "      - {name: mean-score, metric: mean_score, window: 1m, every: 5s, threshold: {min: 0.4, max: 0.6}}"
  echo "      - {name: f0-nulls, metric: null_rate(f0), window: 1m, every: 10s, threshold: {max: 0.1}}"
} > "$WORK/vigil.yaml"
VIGIL_TIMING="${VIGIL_TIMING:-}" "$VIGIL" serve --config "$WORK/vigil.yaml" --urls "http://127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
PID="$(pgrep -f "serve --config $WORK/vigil.yaml" | head -1)"
[ -n "$PID" ] || { echo "error: vigil serve did not start:" >&2; cat "$WORK/serve.log" >&2; exit 1; }
( while kill -0 "$PID" 2>/dev/null; do awk '/VmRSS/ {print int($2/1024)}' "/proc/$PID/status" >> "$WORK/rss"; sleep 10; done ) &
"$WORK/load/IngestLoad" "http://127.0.0.1:$PORT" bench-key-0001 load "$SECONDS_RUN" "$CLIENTS" > "$WORK/result.json"
MODEL="$(curl -s -H 'Authorization: Bearer bench-key-0001' "http://127.0.0.1:$PORT/v1/models/load")"
STORED="$(echo "$MODEL" | python3 -c 'import json,sys; print(json.load(sys.stdin)["predictions"])')"
LATE="$(echo "$MODEL" | python3 -c '
import json, sys, datetime
m = json.load(sys.stdin); now = datetime.datetime.now(datetime.timezone.utc)
ages = [(now - datetime.datetime.fromisoformat(x["at"].replace("Z", "+00:00"))).total_seconds() for x in m["monitors"] if x["at"]]
print("%d of %d monitors evaluated within 20 s of the end (oldest %.1f s ago)" % (sum(a < 20 for a in ages), len(m["monitors"]), max(ages) if ages else -1))')"
ONSHARDS=""
if [ "${CLICKHOUSE:-0}" = "1" ]; then
  # What is on the shards (each id's newest version) against what was acknowledged; and the floor: ClickHouse's own
  # synchronous insert through the Distributed table of one group of rows (CLIENTS batches of 500), the median of 5.
  ONSHARDS="$(( $(sql 0 'SELECT count() FROM predictions_load_local FINAL') + $(sql 1 'SELECT count() FROM predictions_load_local FINAL') ))"
  for i in 0 1; do sql "$i" "CREATE TABLE floor_local AS predictions_load_local" >/dev/null; done
  sql 0 "CREATE TABLE floor AS predictions_load ENGINE = Distributed(vigil, default, floor_local, cityHash64(id))" >/dev/null
  FLOOR=()
  for k in 1 2 3 4 5; do
    t0=$(date +%s.%N)
    sql 0 "INSERT INTO floor SELECT * FROM predictions_load LIMIT $((CLIENTS * 500)) OFFSET $((k * CLIENTS * 500))" >/dev/null
    FLOOR+=("$(python3 -c "import sys; print(float(sys.argv[1]) - float(sys.argv[2]))" "$(date +%s.%N)" "$t0")")
  done
  ONSHARDS="$ONSHARDS on the shards; ClickHouse's own insert of $((CLIENTS * 500)) rows through the Distributed table: median $(printf '%s\n' "${FLOOR[@]}" | sort -g | sed -n 3p | awk '{printf "%.0f", $1 * 1000}') ms"
fi
python3 - "$WORK/result.json" "$WORK/rss" "$STORED" "$LATE" "$ONSHARDS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); rss = [int(x) for x in open(sys.argv[2]).read().split()]
print("| seconds | clients | batches | predictions/s | p50 ms | p99 ms | max ms | failed | stored |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
print(f"| {r['seconds']} | {r['clients']} | {r['batches']} | {r['predictions_per_second']:,} | {r['latency_ms_p50']} | {r['latency_ms_p99']} | {r['latency_ms_max']} | {r['failed_batches']} | {int(sys.argv[3]):,} |")
print()
print("Server memory (RSS MB, every 10 s): " + ", ".join(map(str, rss)))
print("Monitors: " + sys.argv[4])
if sys.argv[5]: print("ClickHouse: " + sys.argv[5])
PY
