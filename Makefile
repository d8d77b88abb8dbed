# The user's commands.  `make run` and `make test` install what they need
# (scripts/setup) and build from scratch into build/ and build-test/.
JOBS ?= $(shell nproc)
DB ?= pairaid.db
FUZZ_SECONDS ?= 60

.PHONY: all build run test test-tsan fuzz bench setup clean

all: build

setup:
	@scripts/setup

build: setup
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPA_TESTS=OFF >/dev/null
	@cmake --build build -j$(JOBS)

# make run: the demo database (created if missing, with the joint audit of the
# demo's books and the province's 2024 assessment published, and its books
# signed by both sides, so the portal and the app show them), its demo users,
# then the server.
LISTEN ?= 127.0.0.1:8080
run: build
	@test -f "$(DB)" || { build/pairaid --db "$(DB)" --as demo demo && \
	    build/pairaid --db "$(DB)" --as demo audit run --as-of 2024-12-31 >/dev/null && \
	    build/pairaid --db "$(DB)" --as demo assess run --year 2024 >/dev/null && \
	    scripts/demo-sign build/pairaid "$(DB)" >/dev/null; }
	@build/pairaid --db "$(DB)" summary
	@scripts/demo-users build/pairaid "$(DB)"
	@echo
	@build/pairaid --db "$(DB)" serve --listen "$(LISTEN)"

# make test: every test under AddressSanitizer and UBSan (build-test/), the tests
# that write the books among them a second time on a throwaway PostgreSQL cluster
# (ctest label pg, docs/testing.md), then the server's tests again under
# ThreadSanitizer (test-tsan).
test: setup
	@cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DPA_SANITIZE=ON >/dev/null
	@cmake --build build-test -j$(JOBS)
	@cd build-test && ctest --output-on-failure -j$(JOBS)
	@$(MAKE) --no-print-directory test-tsan

# make test-tsan: the HTTP server's tests (ctest label `http`) under ThreadSanitizer,
# in build-tsan/.  The server is the only part with threads, so only it is built; the
# load test is included because it is the most concurrent test (a dozen keep-alive
# clients, reads and group-committed writes at once), the one most likely to show a
# race; the browser tests of single UI parts (label `ui`) are left out, as they add
# no concurrency the others lack.  Debug, as build-test: PA_TSAN brings its own -O1 -g,
# which wins over Debug's -O0, and Debug leaves NDEBUG unset, so nothing is compiled
# out that build-test runs.
test-tsan: setup
	@cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DPA_TSAN=ON >/dev/null
	@cmake --build build-tsan -j$(JOBS) --target pairaid_cli
	@cd build-tsan && ctest --output-on-failure -j$(JOBS) -L http -LE ui

# make fuzz [FUZZ_TARGET=csv_import|log|http] [FUZZ_SECONDS=N]
FUZZ_TARGET ?= csv_import
fuzz: setup
	@CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPA_FUZZ=ON -DPA_TESTS=OFF >/dev/null
	@cmake --build build-fuzz -j$(JOBS) --target fuzz_$(FUZZ_TARGET)
	@mkdir -p fuzz/corpus-work/$(FUZZ_TARGET) fuzz/crashes
	@build-fuzz/fuzz/fuzz_$(FUZZ_TARGET) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    -artifact_prefix=fuzz/crashes/ \
	    fuzz/corpus-work/$(FUZZ_TARGET) fuzz/corpus/$(FUZZ_TARGET)

bench: build
	@bench/run

clean:
	rm -rf build build-test build-tsan build-fuzz
