#!/usr/bin/env bash
# Runs every test against the AddressSanitizer + UndefinedBehaviorSanitizer build: unit, integration (SQLite and
# PostgreSQL, in several processes at once), API tests against the built server, browser tests in Chromium, and a
# bounded run of each fuzzer (build-fuzz).
# Prints one closing line: "suites: N passed, N failed".
#   TADAIMA_TEST_BUILD   build directory to test (default build-sanitize; build for the development build)
#   TADAIMA_TEST_SHARDS  integration test processes run at once (default 4; the tests mostly wait on disk and servers)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${TADAIMA_TEST_BUILD:-build-sanitize}
shards=${TADAIMA_TEST_SHARDS:-4}
passed=0
failed=0
failures=()
step() {
  local name="$1"; shift
  echo "=== $name"
  local started=$SECONDS
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
  echo "--- $name: $((SECONDS - started)) s"
}
# A GoogleTest binary split into $shards processes run at once (GTEST_SHARD_INDEX); each shard's own output is
# printed whole after it ends, so a failure shows with its context.
sharded() {
  local binary="$1" logs pids=() rc=0 i
  logs=$(mktemp -d)
  for ((i = 0; i < shards; i++)); do
    GTEST_TOTAL_SHARDS=$shards GTEST_SHARD_INDEX=$i "$binary" --gtest_brief=1 >"$logs/$i.log" 2>&1 &
    pids+=($!)
  done
  for ((i = 0; i < shards; i++)); do
    if ! wait "${pids[$i]}"; then rc=1; fi
    echo "shard $i of $shards:"
    cat "$logs/$i.log"
  done
  rm -rf "$logs"
  return $rc
}
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
export TADAIMA_BINARY=$PWD/$build/tadaima
step "unit ($build)" "./$build/unit_tests" --gtest_brief=1
step "integration, SQLite and PostgreSQL ($build, $shards processes)" sharded "./$build/integration_tests"
step "api ($build/tadaima)" node --test --test-concurrency=1 tests/api/
step "browser ($build/tadaima)" node --test --test-concurrency=1 tests/e2e/
step "fuzzers (20000 runs each from a fixed seed)" ./scripts/fuzz.sh --runs 20000
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
