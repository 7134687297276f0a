#!/usr/bin/env bash
# Runs every libFuzzer target (fuzz/): each for FUZZ_SECONDS (default 60; 3600 for the hour-long runs), or with
# --runs N a bounded number of executions from a fixed seed (make test: no timing in tests). Two at a time when
# FUZZ_JOBS=2. Working corpora grow in build-fuzz/corpus/<target>, seeded from the committed fuzz/corpus/<target>;
# a crash or sanitizer report is saved in build-fuzz/artifacts/ and fails the run. Prints one line per target:
# executions, seconds, corpus size and coverage as libFuzzer counts them.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=""
if [ "${1:-}" = "--runs" ]; then runs="$2"; fi
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}
targets=(card_payload csv multipart urlencoded scan_json push_endpoint entrance)
mkdir -p build-fuzz/artifacts build-fuzz/logs
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
one() {
  local t="$1" corpus="build-fuzz/corpus/$1" log="build-fuzz/logs/$1.log" limit
  mkdir -p "$corpus"
  if [ -n "$runs" ]; then limit=(-runs="$runs" -seed=1); else limit=(-max_total_time="$seconds"); fi
  local started=$SECONDS
  "./build-fuzz/fuzz/fuzz_$t" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="build-fuzz/artifacts/$t-" "$corpus" "fuzz/corpus/$t" >"$log" 2>&1
  local rc=$?
  local execs cov ft files
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  cov=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*$')
  ft=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*$')
  files=$(find "$corpus" -type f | wc -l)
  if [ $rc -eq 0 ]; then
    echo "fuzz $t: ok, ${execs:-?} executions in $((SECONDS - started)) s, corpus $files files, coverage ${cov:-?} edges (${ft:-?} features)"
  else
    echo "fuzz $t: FAILED (exit $rc) after ${execs:-?} executions; see $log and build-fuzz/artifacts/"
    grep -E 'ERROR|SUMMARY|invariant|runtime error' "$log" | head -5
  fi
  return $rc
}
failed=0
pids=()
for t in "${targets[@]}"; do
  one "$t" &
  pids+=($!)
  if [ "${#pids[@]}" -ge "$jobs" ]; then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
exit $failed
