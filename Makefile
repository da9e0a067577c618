# vppsim: `make run` runs the default scenario, `make test` runs every check CI runs.
# Both install what is missing first (HiGHS builds from C++ source: cmake, libclang-dev).

SHELL := /bin/bash
# Builds live outside the clone so a fresh checkout reuses the HiGHS build (~3 min).
CARGO_TARGET_DIR ?= /var/tmp/vppsim-target
export CARGO_TARGET_DIR
SCENARIO ?= scenarios/xining-park.toml
CARGO ?= cargo
BIN := $(CARGO_TARGET_DIR)/release/vppsim

.PHONY: run test prereqs build install bench fuzz

run: build
	$(BIN) run $(SCENARIO) --force

build: prereqs
	$(CARGO) build --release --locked

# Puts `vppsim` on PATH (cargo's bin folder, ~/.cargo/bin), reusing the build above.
install: build
	$(CARGO) install --path . --locked --offline --force

test: prereqs
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --release --locked --all-targets -- -D warnings
	$(CARGO) test --release --locked
	$(CARGO) build --release --locked --benches
	$(CARGO) run --release --locked --example custom_strategy -- scenarios/small-site.toml
	bash .ci/browser-check
	# A 24-case sweep as a 4-task job array on a single-node SLURM (as root; skipped otherwise).
	$(CARGO) build --release --locked
	BIN=$(BIN) bash .ci/slurm/test.sh

bench: prereqs
	$(CARGO) bench --locked

# Fuzz the scenario, VPP and CSV parsers and `report` on results folders for FUZZ_SECONDS each
# (libFuzzer via cargo-fuzz), seeded with the shipped scenarios (valid and invalid), CSV files
# and results folders of two runs. The
# machine's toolchain is stable: RUSTC_BOOTSTRAP lets cargo-fuzz's flags through, and
# without a sanitizer runtime the targets run uninstrumented for memory errors (Rust is
# memory-safe here; what is sought is a panic or a hang).
FUZZ_SECONDS ?= 60
fuzz: prereqs
	command -v cargo-fuzz >/dev/null || $(CARGO) install --locked cargo-fuzz
	mkdir -p fuzz/corpus/scenario fuzz/corpus/vpp fuzz/corpus/csv
	RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run --sanitizer none scenario fuzz/corpus/scenario scenarios scenarios/invalid \
	  -- -max_total_time=$(FUZZ_SECONDS) -timeout=10
	RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run --sanitizer none vpp fuzz/corpus/vpp scenarios scenarios/invalid \
	  -- -max_total_time=$(FUZZ_SECONDS) -timeout=10
	RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run --sanitizer none csv fuzz/corpus/csv data/examples scenarios/invalid/data \
	  -- -max_total_time=$(FUZZ_SECONDS) -timeout=10
	# report: seeded with real results folders (timeseries, summary, manifest joined by NUL).
	$(CARGO) build --release --locked
	mkdir -p fuzz/corpus/report fuzz/seeds/report
	for s in small-site reference-96; do \
	  rm -rf fuzz/seeds/$$s && $(BIN) run scenarios/$$s.toml --out fuzz/seeds/$$s --no-plots >/dev/null && \
	  { cat fuzz/seeds/$$s/timeseries.csv; printf '\0'; cat fuzz/seeds/$$s/summary.json; printf '\0'; \
	    cat fuzz/seeds/$$s/manifest.json; } > fuzz/seeds/report/$$s; \
	done
	RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run --sanitizer none report fuzz/corpus/report fuzz/seeds/report \
	  -- -max_total_time=$(FUZZ_SECONDS) -timeout=10

prereqs:
	@missing=""; \
	command -v cmake >/dev/null || missing="$$missing cmake"; \
	dpkg -s libclang-dev >/dev/null 2>&1 || missing="$$missing libclang-dev"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "missing:$$missing. Install them with:"; \
	    echo "  sudo apt-get update && sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi
	@command -v $(CARGO) >/dev/null || { echo "cargo not found: install Rust (stable, edition 2024) from rustup"; exit 1; }
	@# Cargo judges vppsim fresh by file times, and a target folder shared by two checkouts
	@# holds one build of it: after a build from another checkout, this checkout's older
	@# files would look built and the other checkout's vppsim would run. The folder records
	@# the checkout that built it last; on a switch the crate roots are touched, so cargo
	@# rebuilds vppsim itself (its dependencies, HiGHS included, stay built).
	@mkdir -p "$(CARGO_TARGET_DIR)"; \
	if [ "$$(cat "$(CARGO_TARGET_DIR)/.vppsim-checkout" 2>/dev/null)" != "$(CURDIR)" ]; then \
	  touch src/lib.rs src/main.rs; \
	  echo "$(CURDIR)" > "$(CARGO_TARGET_DIR)/.vppsim-checkout"; \
	fi
