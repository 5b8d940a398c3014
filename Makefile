# Two commands for a fresh Debian 12 machine (as root):
#   make run    install what is missing, build, make dev certificates, start the server
#   make test   install what is missing, build, run every test through ctest
SHELL := /bin/bash
BUILD_DIR ?= build
BUILD_TYPE ?= Release
PORT ?= 8443
# CI (CI=true) builds every variant with warnings as errors.
WERROR ?= $(if $(CI),ON,OFF)

.PHONY: run test package bench format-check test-stock test-asan test-tsan fuzz build binaries deps configure certs clean

deps:
	@bash .ci/install-deps.sh

$(BUILD_DIR)/build.ninja: | deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DHEARD_WARNINGS_AS_ERRORS=$(WERROR)

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR)

# Only what `make run` needs: the tests take longer to compile than the server.
binaries: configure
	cmake --build $(BUILD_DIR) --target heard-server heard heard_web

certs:
	@certs/make-dev-certs.sh

run: binaries certs
	@echo
	@echo "Heard is starting on https://localhost:$(PORT)/ (127.0.0.1 and ::1): open it in a browser"
	@echo "(trust certs/dev/ca.crt first), or in two other terminals:"
	@echo "  $(BUILD_DIR)/client/heard start --name YOU --ca certs/dev/ca.crt --server wss://localhost:$(PORT)"
	@echo "  $(BUILD_DIR)/client/heard join CODE --name PARTNER --ca certs/dev/ca.crt --server wss://localhost:$(PORT)"
	@echo "Stop the server with Ctrl-C."
	@echo
	exec $(BUILD_DIR)/server/heard-server --port $(PORT) \
	  --cert certs/dev/server.crt --key certs/dev/server.key --state-file $(BUILD_DIR)/heard-sessions.state \
	  --web-root $(BUILD_DIR)/web-root

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j2

# Heard next to a bare relay, same traffic, same machine: the figures of
# docs/performance.md (a few minutes; BENCH_ARGS="--no-capacity" is quicker).
bench: build
	tests/make-test-certs.sh $(BUILD_DIR)/test-certs
	$(BUILD_DIR)/tests/heard-bench --heard-server $(BUILD_DIR)/server/heard-server \
	  --bare-relay $(BUILD_DIR)/tests/heard-bare-relay --alloc-counter $(BUILD_DIR)/tests/libheard_alloc_counter.so \
	  --certs $(BUILD_DIR)/test-certs $(BENCH_ARGS)

# Debian packages for the server and the client (CPack), checked by lintian.
package: build
	cd $(BUILD_DIR) && cpack -G DEB
	lintian --fail-on error $(BUILD_DIR)/heard-server_*.deb $(BUILD_DIR)/heard_*.deb
	@ls $(BUILD_DIR)/*.deb

# Every C++ file against .clang-format, with the clang-format CI has (14).
format-check: deps
	find common server client tests third_party -name '*.cpp' -o -name '*.hpp' | xargs clang-format-14 --dry-run -Werror
	@echo "format-check: every C++ file matches .clang-format"

# The suite once more as a stock, minimal Debian 12 runs it: localhost is ::1
# first, no locale, no TERM, a soft limit of 1,024 open files (these machines
# differ in each; see tests/stock-debian.sh). Needs root, as CI has.
test-stock: build
	tests/stock-debian.sh $(BUILD_DIR) --output-on-failure -j2 -E testssl_policy

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer
# (testssl is left to `make test`: it checks the TLS policy, not memory).
ASAN_DIR ?= build-asan
test-asan: deps
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEARD_WARNINGS_AS_ERRORS=$(WERROR) -DHEARD_SANITIZE=address,undefined
	cmake --build $(ASAN_DIR)
	cd $(ASAN_DIR) && ctest --output-on-failure -j2 -E testssl_policy

# The integration tests (a real server with two I/O threads and real clients
# in one process) under ThreadSanitizer, built with clang-14: GCC 12's TSan
# misreads Asio's atomic_thread_fence. No suppressions are needed; TSan exits
# non-zero on any report, which fails the test.
TSAN_DIR ?= build-tsan
test-tsan: deps
	cmake -S . -B $(TSAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEARD_WARNINGS_AS_ERRORS=$(WERROR) -DHEARD_SANITIZE=thread \
	  -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14
	cmake --build $(TSAN_DIR) --target integration_tests
	cd $(TSAN_DIR) && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	  ctest --output-on-failure -j2 -L integration

# libFuzzer targets under ASan+UBSan, each run for FUZZ_SECONDS from the
# seed corpus in tests/fuzz/corpus (new inputs go to a scratch copy).
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 20
fuzz: deps
	cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEARD_WARNINGS_AS_ERRORS=$(WERROR) -DHEARD_FUZZ=ON \
	  -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14
	cmake --build $(FUZZ_DIR)
	@for t in decode exercise upgrade reliability sealed; do \
	  rm -rf $(FUZZ_DIR)/corpus-$$t && cp -r tests/fuzz/corpus/$$t $(FUZZ_DIR)/corpus-$$t && \
	  echo "fuzz_$$t: $(FUZZ_SECONDS) s" && \
	  $(FUZZ_DIR)/tests/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    $(FUZZ_DIR)/corpus-$$t 2>&1 | grep -E "stat::number_of_executed_units|==ERROR|SUMMARY: |^Done" ; \
	  test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

clean:
	rm -rf $(BUILD_DIR)
