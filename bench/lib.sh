# Shared by the bench/run-*-bench.sh runners (source it after setting OUT and NICE_CMD).
#
# run NAME TIMES CMD...: TIMES runs under GNU time -v; records the median wall seconds (SEC), the largest peak RSS in
# MB (MB), every run's seconds (ALL) and the median CPU seconds (CPU). Output of the last run: $OUT/NAME.log; time's
# report: $OUT/NAME.time. Exits 1 when a run fails.
declare -A SEC MB ALL CPU
run() {
  local name="$1" times="$2"; shift 2
  local secs=() cpus=() kb_max=0 s kb c
  for ((k = 1; k <= times; k++)); do
    echo "running $name ($k/$times): $*" >&2
    if ! /usr/bin/time -v -o "$OUT/$name.time" "${NICE_CMD[@]}" "$@" > "$OUT/$name.log" 2>&1; then
      echo "error: $name failed, see $OUT/$name.log" >&2; tail -5 "$OUT/$name.log" >&2; exit 1
    fi
    s=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); v = 0; for (i = 1; i <= n; i++) v = v * 60 + t[i]; printf "%.2f", v }' "$OUT/$name.time")
    kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$OUT/$name.time")
    c=$(awk -F': ' '/User time|System time/ { v += $2 } END { printf "%.2f", v }' "$OUT/$name.time")
    secs+=("$s"); cpus+=("$c"); [ "$kb" -gt "$kb_max" ] && kb_max="$kb"
  done
  SEC[$name]="$(printf '%s\n' "${secs[@]}" | sort -g | awk '{ a[NR] = $1 } END { printf "%.2f", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')"
  ALL[$name]="${secs[*]}"
  CPU[$name]="$(printf '%s\n' "${cpus[@]}" | sort -g | awk '{ a[NR] = $1 } END { printf "%.1f", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')"
  MB[$name]="$(awk -v k="$kb_max" 'BEGIN { printf "%.0f", k / 1024 }')"
}

# ratio A B: A / B as "1.2×" (empty without both); mem A B: A / B to two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b > 0) printf "%.1f×", a / b; else print "" }'; }
mem() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b > 0) printf "%.2f", a / b; else print "" }'; }
