# Shared by bench/run-clickhouse-bench.sh and bench/run-ingest-bench.sh (CLICKHOUSE=1): a throw-away two-shard
# ClickHouse cluster "vigil" on loopback (temp dirs, free ports), as tests/Vigil.Engine.Tests/ClickHouse/ClickHouseCluster.cs
# starts it. Source it after setting WORK (a temp dir), SERVER (the clickhouse-server binary), CH_MEMORY,
# CH_PROFILE_EXTRA and PIDS=() (the caller's cleanup stops them); then call start_cluster, which sets HTTP[i] and TCP[i].

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# sql SHARD STATEMENT: runs one statement over HTTP; prints the answer; fails with ClickHouse's text.
sql() {
  local out
  if ! out=$(curl -sS --fail-with-body "http://127.0.0.1:${HTTP[$1]}/?insert_distributed_sync=1" --data-binary "$2" 2>&1); then
    echo "error: shard $1: $out" >&2; return 1
  fi
  printf '%s\n' "$out"
}

start_cluster() {
  HTTP=() TCP=() INTER=()
  for i in 0 1; do HTTP+=("$(free_port)"); TCP+=("$(free_port)"); INTER+=("$(free_port)"); done
  cat > "$WORK/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>$CH_MEMORY</max_memory_usage><log_queries>1</log_queries>$CH_PROFILE_EXTRA</default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
XML
  local shards="<shard><replica><host>127.0.0.1</host><port>${TCP[0]}</port></replica></shard><shard><replica><host>127.0.0.1</host><port>${TCP[1]}</port></replica></shard>"
  local d
  for i in 0 1; do
    d="$WORK/s$i"; mkdir -p "$d/data" "$d/tmp" "$d/user_files" "$d/format_schemas"
    cat > "$d/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$d/server.log</log><errorlog>$d/err.log</errorlog><console>false</console></logger>
  <http_port>${HTTP[$i]}</http_port><tcp_port>${TCP[$i]}</tcp_port><interserver_http_port>${INTER[$i]}</interserver_http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>$d/data/</path><tmp_path>$d/tmp/</tmp_path><user_files_path>$d/user_files/</user_files_path><format_schema_path>$d/format_schemas/</format_schema_path>
  <users_config>$WORK/users.xml</users_config><default_profile>default</default_profile><default_database>default</default_database>
  <timezone>UTC</timezone><mark_cache_size>104857600</mark_cache_size><uncompressed_cache_size>104857600</uncompressed_cache_size>
  <max_session_timeout>3600</max_session_timeout>
  <remote_servers><vigil>$shards</vigil></remote_servers>
</yandex>
XML
    (cd "$d" && exec "$SERVER" --config-file="$d/config.xml" >"$d/stdout.log" 2>&1) &
    PIDS+=("$!")
  done
  for i in 0 1; do
    for _ in $(seq 1 600); do [ "$(sql "$i" 'SELECT 1' 2>/dev/null)" = "1" ] && break; sleep 0.1; done
    [ "$(sql "$i" 'SELECT 1')" = "1" ] || { echo "error: shard $i did not start: $(tail -3 "$WORK/s$i/err.log" 2>/dev/null)" >&2; exit 1; }
  done
}
