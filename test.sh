#!/usr/bin/env bash
# Runs the whole test suite and prints one closing line: "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

dotnet build Vigil.slnx -c Release -v q -nologo || { echo "tests: 0 passed, 1 failed (build failed)"; exit 1; }
dotnet test Vigil.slnx -c Release --no-build -v q -nologo --logger "trx" --results-directory "$results" "$@"
rc=$?

# Sum the TRX counters of every test project into one closing line.
passed=0; failed=0; skipped=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  line=$(grep -o '<Counters [^>]*>' "$f" | head -n 1)
  p=$(echo "$line" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p'); f_=$(echo "$line" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
  t=$(echo "$line" | sed -n 's/.* total="\([0-9]*\)".*/\1/p'); e=$(echo "$line" | sed -n 's/.* executed="\([0-9]*\)".*/\1/p')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f_:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$rc" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
