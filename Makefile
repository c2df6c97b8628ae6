# pitchreel — the commands a newcomer needs. Every target installs what it needs first.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release -DPITCHREEL_WERROR=ON
DEMO_DIR ?= out/demo

.PHONY: deps configure build run demo test bench format clean

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

bench: build
	@bash tests/bench/run.sh $(BUILD_DIR)
	@echo
	@bash tests/bench/serve_bench.sh $(BUILD_DIR)
	@echo
	@bash tests/bench/s3_bench.sh $(BUILD_DIR)
	@echo
	@bash tests/bench/queue_bench.sh $(BUILD_DIR)

format:
	@clang-format -i $$(git ls-files 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'tests/*.h')

clean:
	@rm -rf $(BUILD_DIR) out
