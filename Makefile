# pitchreel — the commands a newcomer needs. Every target installs what it needs first.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release -DPITCHREEL_WERROR=ON
DEMO_DIR ?= out/demo

.PHONY: deps configure build run demo test test-asan test-tsan test-asan-units test-tsan-units fuzz bench format clean

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Starts the service on the embedded defaults (data in ./data); `make demo` renders the
# demo video from the command line instead.
run: build
	@$(BUILD_DIR)/pitchreel serve

demo: build
	@bash scripts/demo.sh $(BUILD_DIR)/pitchreel $(DEMO_DIR)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# Sanitizers, each in its own build folder. test-asan: AddressSanitizer + UBSan over the unit
# and integration suites (the served binary is instrumented too). test-tsan: ThreadSanitizer
# over the HTTP layer, the service suites (server, queue, worker pool, caches) and the db,
# auth and core units; the render stages run inside uninstrumented libraries (x264, libvips,
# OpenCV) whose threads TSan cannot follow, so they are left out.
SANITIZER_CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPITCHREEL_WERROR=ON
test-asan: deps
	@cmake -S . -B build-asan -G Ninja $(SANITIZER_CMAKE_FLAGS) -DPITCHREEL_SANITIZE=address >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -L 'unit|integration' $(CTEST_ARGS)

test-tsan: deps
	@cmake -S . -B build-tsan -G Ninja $(SANITIZER_CMAKE_FLAGS) -DPITCHREEL_SANITIZE=thread >/dev/null
	@cmake --build build-tsan -j $(JOBS) --target pitchreel test_http test_core test_db test_auth test_worker test_integration
	@cd build-tsan && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	  ctest --output-on-failure -j $(JOBS) -R '^(Router|Request|LogText|ByteRanges|Multipart|Notifier|Metrics|PrincipalCache|StatementCache|Database|Transaction|JobQueueTest|WorkerPoolTest|Serve(Probe|Auth|Limits|Concurrency|Seed|Web))[.]' $(CTEST_ARGS)

# Subsets sized for CI (the full sanitizer runs above need an instrumented build of the
# whole service, more than CI's time allows on two cores):
# AddressSanitizer + UBSan over the unit suites of the HTTP engine, core, authentication and
# database, and ThreadSanitizer over the HTTP engine (its in-process server tests), core, and
# the queue and stores on both engines (claims, leases and caches across threads).
ASAN_UNIT_TARGETS = test_http test_core test_auth test_db
test-asan-units: deps
	@cmake -S . -B build-asan -G Ninja $(SANITIZER_CMAKE_FLAGS) -DPITCHREEL_SANITIZE=address >/dev/null
	@cmake --build build-asan -j $(JOBS) --target $(ASAN_UNIT_TARGETS)
	@cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -L unit -R '(^|/)(ApiKey|Authenticator|Base64Url|ByteRanges|Config|Database|HttpServer|IdentityTest|Ids|JobQueueTest|JobRepositoryTest|Jwks|JwksRotation|Jwt|JwtInterop|LogText|Metrics|Multipart|Notifier|OpenStateStore|OutputFormat|PageCursor|PgJobListenerTest|PgStore|PrincipalCache|Request|RequireGenerate|Router|StagedFiles|Statement|StatementCache|StoreContract|Transaction|Utf8Append|Utf8Decode|Utf8Length|Utf8Next|Utf8Prefix|VideoRepositoryTest)[.]' $(CTEST_ARGS)

test-tsan-units: deps
	@cmake -S . -B build-tsan -G Ninja $(SANITIZER_CMAKE_FLAGS) -DPITCHREEL_SANITIZE=thread >/dev/null
	@cmake --build build-tsan -j $(JOBS) --target test_http test_core test_db
	@cd build-tsan && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	  ctest --output-on-failure -j $(JOBS) -R '^(Engines/)?(HttpServer|Router|Request|LogText|ByteRanges|Multipart|Metrics|Notifier|StatementCache|Database|Transaction|JobQueueTest|JobRepositoryTest|StoreContract|WebhookContract|PgJobListenerTest)[./]' $(CTEST_ARGS)

# libFuzzer targets (tests/fuzz, a clang project of its own in build-fuzz): builds them with
# -fsanitize=fuzzer,address,undefined and runs each for FUZZ_SECONDS from its seed corpus.
FUZZ_SECONDS ?= 20
fuzz: deps
	@cmake -S tests/fuzz -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++-16 -DPITCHREEL_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	@cmake --build build-fuzz -j $(JOBS)
	@cd build-fuzz && ctest --output-on-failure -j $(JOBS) -L fuzz $(CTEST_ARGS)

bench: build
	@bash tests/bench/run.sh $(BUILD_DIR)
	@echo
	@bash tests/bench/generate_bench.sh $(BUILD_DIR)
	@echo
	@bash tests/bench/drain_bench.sh $(BUILD_DIR)
	@echo
	@bash tests/bench/serve_bench.sh $(BUILD_DIR)
	@echo
	@bash tests/bench/serve_bench.sh $(BUILD_DIR) --postgres
	@echo
	@bash tests/bench/sse_bench.sh $(BUILD_DIR)
	@echo
	@bash tests/bench/s3_bench.sh $(BUILD_DIR)
	@echo
	@bash tests/bench/queue_bench.sh $(BUILD_DIR)
	@echo
	@bash tests/bench/queue_bench.sh $(BUILD_DIR) --wake-jobs 200

format:
	@clang-format -i $$(git ls-files 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'tests/*.h')

clean:
	@rm -rf $(BUILD_DIR) out
