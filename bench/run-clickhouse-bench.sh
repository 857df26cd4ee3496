#!/usr/bin/env bash
# ClickHouse scale benchmark (issue 14): a throw-away two-shard ClickHouse cluster on loopback (temp dirs, free ports,
# as tests/Vigil.Engine.Tests/ClickHouse/ClickHouseCluster.cs starts it), a generated fraud-like prediction log loaded
# IN ClickHouse (INSERT … SELECT from system.numbers on each shard), then for each row count: `vigil summary`,
# `vigil evaluate` and `vigil drift` (reference = first 15 days, current = last 15 days, via --reference-sql and
# --current-sql) over the Distributed table, with VIGIL_ENGINE_STATS=1 (bytes on the wire, result rows, queries) and
# GNU time -v (wall time, Vigil's peak RSS); and the floor: ClickHouse's bare scan of the same columns over HTTP.
#   bench/run-clickhouse-bench.sh [ROWS=10000000] [ROWS2=100000000]     (ROWS2=0: one size only)
# VIGIL=path overrides the vigil executable (default ./vigil). CH_MEMORY=bytes: the servers' max_memory_usage
# (default 8000000000). CH_PROFILE_EXTRA: more settings for the servers' default profile, as XML (e.g.
# '<distributed_aggregation_memory_efficient>1</distributed_aggregation_memory_efficient>'). COMMANDS: which of
# summary, evaluate, drift to run (default all three). SHIPPED: --max-shipped-rows for every command (default 0, no
# limit: the bench measures what grows with the rows, which the default limit of 50M would stop at 100M). Prints a Markdown table on stdout; logs and JSON reports go to bench/out/clickhouse-*.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ROWS="${1:-10000000}"
ROWS2="${2:-100000000}"
VIGIL="${VIGIL:-./vigil}"
CH_MEMORY="${CH_MEMORY:-8000000000}"
CH_PROFILE_EXTRA="${CH_PROFILE_EXTRA:-}"
COMMANDS="${COMMANDS:-summary evaluate drift}"
SHIPPED="${SHIPPED:-0}"
OUT=bench/out
mkdir -p "$OUT"
SERVER=""
for p in /usr/sbin/clickhouse-server /usr/bin/clickhouse-server; do [ -x "$p" ] && SERVER="$p" && break; done
[ -n "$SERVER" ] || { echo "error: needs clickhouse-server (apt-get install clickhouse-server)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "error: needs GNU time (apt-get install time)" >&2; exit 2; }
command -v curl >/dev/null || { echo "error: needs curl" >&2; exit 2; }
"$VIGIL" --help >/dev/null 2>&1 || true   # build once, so no run pays for compilation

WORK="$(mktemp -d -t vigil-chbench-XXXXXX)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

. bench/lib-clickhouse.sh
start_cluster
VERSION="$(sql 0 'SELECT version()')"
echo "cluster: 2 shards of ClickHouse $VERSION on 127.0.0.1:${HTTP[0]} and :${HTTP[1]} (PIDs ${PIDS[*]}), max_memory_usage $CH_MEMORY $CH_PROFILE_EXTRA" >&2

COLUMNS_SQL="prediction_id String, model_version String, prediction_score Float64, timestamp DateTime('UTC'), actual_label Nullable(UInt8), amount Float64, latency_ms Float64, account_age_days Int32, merchant_category String, country String, device_type String"
MID="2024-01-16 00:00:00"
for i in 0 1; do
  sql "$i" "CREATE TABLE preds_local ($COLUMNS_SQL) ENGINE = MergeTree() PARTITION BY toYYYYMMDD(timestamp) ORDER BY (timestamp, prediction_id)" >/dev/null
  # The sharding key only matters for INSERTs through preds; the loader writes each shard's half directly.
  sql "$i" "CREATE TABLE preds AS preds_local ENGINE = Distributed(vigil, default, preds_local, sipHash64(prediction_id))" >/dev/null
done

# Shard s holds the numbers n < ROWS with n % 2 = s; growing from A to B rows adds n in [A, B).
grow() { # grow FROM TO
  local t0 t1 from="$1" to="$2" loaders=()
  t0=$(date +%s.%N)
  for s in 0 1; do
    local first=$(( from + ((s - from % 2 + 2) % 2) ))   # the first n >= from with n % 2 = s
    local count=$(( first < to ? (to - first + 1) / 2 : 0 ))
    load_range "$s" "$first" "$count" &
    loaders+=("$!")
  done
  for pid in "${loaders[@]}"; do wait "$pid" || { echo "error: loading failed" >&2; exit 1; }; done   # not a bare wait: the servers are children too
  t1=$(date +%s.%N)
  LOAD_SEC=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
}
# load_range SHARD FIRST COUNT: generates the rows numbered FIRST, FIRST + 2, … (COUNT of them) on that shard, into
# preds_local. Every value is a function of the row number alone: u(k) = intHash64(number * 8 + k) spread over [0, 1).
load_range() {
  sql "$1" "INSERT INTO preds_local
    SELECT concat('p', toString(number)) AS prediction_id,
           if(intHash64(number * 8) % 2 = 0, 'v1', 'v2') AS model_version,
           pow((toFloat64(intHash64(number * 8 + 1) % 4294967296) + 0.5) / 4294967296, 2) AS prediction_score,
           toDateTime('2024-01-01 00:00:00', 'UTC') + intHash64(number * 8 + 2) % 2592000 AS timestamp,
           if(number % 50 = 7, NULL, toUInt8(toFloat64(intHash64(number * 8 + 3) % 1000000) / 1000000 < 0.05 + 0.9 * prediction_score)) AS actual_label,
           round(toFloat64(intHash64(number * 8 + 4) % 100000) / 100 * if(timestamp >= toDateTime('$MID', 'UTC'), 1.1, 1.0), 2) AS amount,
           toFloat64(intHash64(number * 8 + 5) % 4294967296) / 8589934.592 AS latency_ms,
           toInt32(intHash64(number * 8 + 6) % 3650) AS account_age_days,
           arrayElement(['grocery', 'travel', 'electronics', 'fuel'], intHash64(number * 8 + 7) % 4 + 1) AS merchant_category,
           arrayElement(['US', 'DE', 'FR', 'BR', 'IN'], intHash64(number * 8 + 7) % 7 % 5 + 1) AS country,
           arrayElement(['mobile', 'desktop', 'tablet'], number % 3 + 1) AS device_type
    FROM (SELECT $2 + number * 2 AS number FROM system.numbers LIMIT $3)" >/dev/null
}

URL="clickhouse://default@127.0.0.1:${HTTP[0]}/default"
REF_SQL="SELECT * FROM preds WHERE timestamp < toDateTime('$MID', 'UTC')"
CUR_SQL="SELECT * FROM preds WHERE timestamp >= toDateTime('$MID', 'UTC')"

# measure NAME CMD...: runs CMD under GNU time -v with VIGIL_ENGINE_STATS=1; sets SEC, MB, Q (queries), R (result rows),
# W (bytes on the wire), D (bytes uncompressed), summed over the engines the command opened, and STATUS (ok, or the
# failure's last line).
measure() {
  local name="$1"; shift
  echo "running $name: $*" >&2
  local since
  since=$(sql 0 "SELECT toUInt32(now())")
  STATUS=ok
  if ! VIGIL_ENGINE_STATS=1 /usr/bin/time -v -o "$OUT/$name.time" "$@" > "$OUT/$name.log" 2>&1; then
    STATUS="failed: $(grep -v '^vigil: clickhouse ' "$OUT/$name.log" | grep -v '^\s*$' | tail -1 | cut -c1-160 | tr '|' '/')"
    echo "  $name $STATUS" >&2
  fi
  SEC=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); v = 0; for (i = 1; i <= n; i++) v = v * 60 + t[i]; printf "%.1f", v }' "$OUT/$name.time")
  MB=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$OUT/$name.time")
  read -r Q R W D < <(sed -n 's/^vigil: clickhouse [^ ]*: \([0-9,]*\) queries, \([0-9,]*\) rows, \([0-9,]*\) bytes on the wire.*, \([0-9,]*\) bytes uncompressed.*/\1 \2 \3 \4/p' "$OUT/$name.log" \
    | tr -d ',' | awk '{ q += $1; r += $2; w += $3; d += $4 } END { printf "%.0f %.0f %.0f %.0f\n", q, r, w, d }')
  # Per statement, as the initiator's query_log saw it: seconds, rows read, result rows and bytes, initiator memory.
  sql 0 "SYSTEM FLUSH LOGS" >/dev/null 2>&1 || true
  sql 0 "SELECT query_duration_ms / 1000, read_rows, result_rows, result_bytes, memory_usage, replaceAll(substring(query, 1, 300), '\n', ' ')
         FROM system.query_log WHERE type = 2 AND is_initial_query AND event_time >= toDateTime($since)
           AND query NOT LIKE '%system.processes%' AND query NOT LIKE '%system.query_log%' AND query NOT LIKE 'SYSTEM FLUSH%'
           AND query NOT LIKE 'SELECT toUInt32(now())%' AND query NOT LIKE 'SELECT count(), sum(prediction_score)%'
         ORDER BY event_time, query_start_time FORMAT TSV" > "$OUT/$name.queries.tsv" 2>&1 || true
}
human() { awk -v b="$1" 'BEGIN { if (b >= 1e9) printf "%.2f GB", b / 1e9; else if (b >= 1e6) printf "%.1f MB", b / 1e6; else if (b >= 1e3) printf "%.1f kB", b / 1e3; else printf "%d B", b }'; }
commas() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/; ta'; }
# floor NAME: ClickHouse's bare scan of the analyses' columns over the Distributed table, as an HTTP round trip.
floor_scan() {
  curl -sS -o /dev/null -w '%{time_total}' "http://127.0.0.1:${HTTP[0]}/" --data-binary \
    "SELECT count(), sum(prediction_score), sum(actual_label), sum(amount), sum(latency_ms), sum(account_age_days), sum(length(prediction_id)), sum(length(model_version)), sum(length(merchant_category)), sum(length(country)), sum(length(device_type)), max(timestamp) FROM preds"
}

declare -a TABLE
SIZES=("$ROWS")
[ "$ROWS2" != 0 ] && SIZES+=("$ROWS2")
LOADED=0
for N in "${SIZES[@]}"; do
  echo "loading rows $LOADED..$N ..." >&2
  grow "$LOADED" "$N"
  LOADED="$N"
  for i in 0 1; do sql "$i" "OPTIMIZE TABLE preds_local FINAL" >/dev/null || true; done
  COUNT=$(sql 0 "SELECT count() FROM preds")
  [ "$COUNT" = "$N" ] || { echo "error: preds holds $COUNT rows, expected $N" >&2; exit 1; }
  read -r DS DL DA DAGE < <(sql 0 "SELECT uniq(prediction_score), uniq(latency_ms), uniq(amount), uniq(account_age_days) FROM preds")
  DISK=$(sql 0 "SELECT sum(bytes) FROM remote('127.0.0.1:${TCP[0]},127.0.0.1:${TCP[1]}', system.parts) WHERE table = 'preds_local' AND active" 2>/dev/null || echo 0)
  echo "loaded $N rows in $LOAD_SEC s (${DISK:-0} bytes on disk); distinct (approx.): score $DS, latency_ms $DL, amount $DA, account_age_days $DAGE" >&2
  sleep 2
  FLOOR1=$(floor_scan); FLOOR=$(floor_scan)   # the second, with warm caches, as the analyses run warm too
  TABLE+=("| $(commas "$N") | ClickHouse bare scan (HTTP, 12 columns) | ok | $(awk -v a="$FLOOR" 'BEGIN { printf "%.1f", a }') | | | 1 | 1 row | |")
  if [[ " $COMMANDS " == *" summary "* ]]; then
  measure "clickhouse-$N-summary" "$VIGIL" summary "$URL" --table preds --as-of 2024-02-01 --max-shipped-rows "$SHIPPED" --quiet --format json --out "$OUT/clickhouse-$N-summary.json"
  TABLE+=("| $(commas "$N") | vigil summary | $STATUS | $SEC | $MB | $(human "$W") | $Q | $(commas "$R") | $(human "$D") |")
  fi
  if [[ " $COMMANDS " == *" evaluate "* ]]; then
  measure "clickhouse-$N-evaluate" "$VIGIL" evaluate "$URL" --table preds --max-shipped-rows "$SHIPPED" --quiet --format json --out "$OUT/clickhouse-$N-evaluate.json"
  TABLE+=("| $(commas "$N") | vigil evaluate | $STATUS | $SEC | $MB | $(human "$W") | $Q | $(commas "$R") | $(human "$D") |")
  fi
  if [[ " $COMMANDS " == *" drift "* ]]; then
  measure "clickhouse-$N-drift" "$VIGIL" drift -r "$URL" --reference-sql "$REF_SQL" -c "$URL" --current-sql "$CUR_SQL" --max-shipped-rows "$SHIPPED" --quiet --format json --out "$OUT/clickhouse-$N-drift.json"
  TABLE+=("| $(commas "$N") | vigil drift (15 days vs 15 days) | $STATUS | $SEC | $MB | $(human "$W") | $Q | $(commas "$R") | $(human "$D") |")
  fi
  TABLE+=("| | load: $LOAD_SEC s for $(commas $((N))) rows total; distinct (approx.): score $(commas "$DS"), latency_ms $(commas "$DL"), amount $(commas "$DA") | | | | | | | |")
done

echo
echo "### ClickHouse $VERSION, 2 shards on loopback: $(commas "$ROWS")$([ "$ROWS2" != 0 ] && echo " and $(commas "$ROWS2")") rows"
echo
echo "| rows | what | status | seconds | Vigil peak RSS MB | on the wire (gzip) | queries | result rows | uncompressed |"
echo "|---:|---|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${TABLE[@]}"
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(uname -sr), load before the last run: $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD)"
