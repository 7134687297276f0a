# The two commands a newcomer needs: `make demo` and `make test`. Everything else is here for them.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
export CCACHE_DIR ?= $(HOME)/.cache/ccache

.PHONY: setup build build-sanitize build-fuzz demo test test-unit test-integration test-api test-e2e test-sanitize bench fuzz clean

setup:
	./scripts/setup.sh

build: setup
	cmake --preset dev >/dev/null
	cmake --build --preset dev -j $(JOBS)

build-sanitize: setup
	cmake --preset sanitize >/dev/null
	cmake --build --preset sanitize -j $(JOBS) --target unit_tests integration_tests tadaima

# The libFuzzer targets (clang, ASan + UBSan) for every parser of outside input: fuzz/.
build-fuzz: setup
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)

# A fresh dummy city on SQLite at var/demo.db, served on http://127.0.0.1:8080 (Ctrl-C stops it).
demo: build
	rm -rf var/demo.db var/demo.db-wal var/demo.db-shm var/demo-mail
	TADAIMA_DB=var/demo.db ./build/tadaima migrate
	TADAIMA_DB=var/demo.db ./build/tadaima seed-demo --sites 3 --children 150 --plans --registered 85 --history-days 28
	@echo "demo: open http://127.0.0.1:8080 and sign in as admin / tadaima-demo (see README.md)"
	TADAIMA_DB=var/demo.db TADAIMA_MAIL_DIR=var/demo-mail exec ./build/tadaima serve

# Every test, on the sanitizer build (one build instead of two: building is most of the time on two cores), and a
# bounded run of each fuzzer.
test: build-sanitize build-fuzz
	./scripts/run-tests.sh

test-unit: build
	./build/unit_tests

test-integration: build
	./build/integration_tests

test-api: build
	node --test tests/api/

test-e2e: build
	node --test tests/e2e/

bench: build
	./bench/run.sh

# Each fuzzer for FUZZ_SECONDS (default 60; FUZZ_SECONDS=3600 FUZZ_JOBS=2 for the hour-long runs).
fuzz: build-fuzz
	./scripts/fuzz.sh

clean:
	rm -rf build build-sanitize build-release build-fuzz
