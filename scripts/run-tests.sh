#!/usr/bin/env bash
# Runs every test: unit and integration (both databases), the same under ASan+UBSan, API tests against the built
# binary, and browser tests in Chromium. Prints one closing line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0
failed=0
failures=()
step() {
  local name="$1"; shift
  echo "=== $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
}
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
step "unit" ./build/unit_tests --gtest_brief=1
step "integration (SQLite and PostgreSQL)" ./build/integration_tests --gtest_brief=1
step "unit, sanitized" ./build-sanitize/unit_tests --gtest_brief=1
# Under the sanitizers: every test on SQLite, the plain ones, and on PostgreSQL the database layer's own suites
# (its driver, queries, group commit, races, the job table); the whole PostgreSQL half ran above without them, and
# under ASan it would double this step's time for the same application code.
step "integration, sanitized" ./build-sanitize/integration_tests --gtest_brief=1 \
  --gtest_filter='*/sqlite:Event*:DatabaseOutage.*:*/Database.*/postgresql:*/Queries.*/postgresql:*/GroupCommit.*/postgresql:*/Races.*/postgresql:*/Jobs.*/postgresql'
step "api" node --test --test-concurrency=1 tests/api/
step "browser" node --test --test-concurrency=1 tests/e2e/
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
