# SPDX-License-Identifier: BSD-3-Clause
# A thin wrapper over meson/ninja. `make demo` and `make test` install what
# is missing (Debian 12, as root), build, and run.
BUILD ?= build
MESON_OPTS ?=
TEST_OPTS ?=
# Memory checkers (see fuzz/README.md): build directories and budget.
ASAN_BUILD ?= build-asan
# ThreadSanitizer run of the two-lcore tests (tests/tsan/README.md).
TSAN_BUILD ?= build-tsan
FUZZ_BUILD ?= build-fuzz
VG_BUILD ?= build-vg
FUZZ_SECONDS ?= 30
SANITIZERS ?= 1
# What the checkers need beyond scripts/install-deps.sh's list.
CHECKER_PKGS = clang libclang-rt-14-dev valgrind libtsan2
# What `make lint` needs.
LINT_PKGS = cppcheck clang-tidy
# `make lint` records its result here, as one test named lint
# (scripts/test-summary.py --record); SUMMARY_EXTRA=$(LINT_LOG) counts it in
# `make test`'s line (.ci/run does this).
LINT_LOG = $(BUILD)/lint-testlog.json
SUMMARY_EXTRA ?=

.PHONY: all deps build demo test lint clean

all: build

deps:
	@sh scripts/install-deps.sh

$(BUILD)/build.ninja:
	@$(MAKE) --no-print-directory deps
	meson setup $(BUILD) $(MESON_OPTS)

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: deps build
	@sh scripts/demo.sh $(BUILD)

# The suite of $(BUILD) (valgrind run of the demo included), then, unless
# SANITIZERS=0, the same suite built with ASan+UBSan, the two-lcore tests
# built with TSan and the bounded fuzzing runs; one summary line over all of
# them (and over SUMMARY_EXTRA's logs, e.g. $(LINT_LOG)).
test: test-deps build
	@rm -f $(BUILD)/meson-logs/testlog.json
	-@meson test -C $(BUILD) --print-errorlogs $(TEST_OPTS) > $(BUILD)/test-output.txt 2>&1; \
		sed -n '/^Summary of Failures/q; /^ *[0-9][0-9]*\/[0-9][0-9]* /p' $(BUILD)/test-output.txt; \
		grep -q '^ *[0-9][0-9]*/[0-9][0-9]* ' $(BUILD)/test-output.txt || cat $(BUILD)/test-output.txt
ifneq ($(SANITIZERS),0)
	-@sh tests/asan/run.sh $(ASAN_BUILD) $(BUILD)
	-@sh tests/tsan/run.sh $(TSAN_BUILD) $(BUILD)
	-@QPRING_FUZZ_SECONDS=$(FUZZ_SECONDS) sh fuzz/run-suite.sh $(FUZZ_BUILD) $(BUILD)
	@python3 scripts/test-summary.py $(BUILD)/meson-logs/testlog.json \
		asan=$(ASAN_BUILD)/meson-logs/testlog.json tsan=$(TSAN_BUILD)/meson-logs/testlog.json \
		fuzz=$(FUZZ_BUILD)/meson-logs/testlog.json $(SUMMARY_EXTRA)
else
	@python3 scripts/test-summary.py $(BUILD)/meson-logs/testlog.json $(SUMMARY_EXTRA)
endif

# cppcheck and clang-tidy over the driver (scripts/lint.sh; needs the
# configured $(BUILD) for its compile database). Prints the findings and a
# verdict, records it in $(LINT_LOG), fails on findings.
lint: $(BUILD)/build.ninja
	@QPRING_EXTRA_PKGS="$(QPRING_EXTRA_PKGS) $(LINT_PKGS)" sh scripts/install-deps.sh
	@rm -f $(LINT_LOG); rc=0; \
		sh scripts/lint.sh $(BUILD) > $(BUILD)/lint-output.txt 2>&1 || rc=$$?; \
		sed 's/^/lint: /' $(BUILD)/lint-output.txt; \
		python3 scripts/test-summary.py --record lint $$rc $(BUILD)/lint-output.txt $(LINT_LOG)

clean:
	rm -rf $(BUILD)

# Install the driver where EAL loads plugins from (RTE_EAL_PMD_PATH, as a
# link to <libdir>/librte_net_qpring.so), rte_pmd_qpring.h and libqpring.pc.
# DESTDIR stages the install; the prefix is meson's (MESON_OPTS=-Dprefix=..
# at setup, default /usr/local). Uninstall removes what the last install
# from $(BUILD) recorded (meson-logs/install-log.txt), DESTDIR included.
.PHONY: install uninstall

install: build
	meson install -C $(BUILD) --no-rebuild $(if $(DESTDIR),--destdir $(abspath $(DESTDIR)))

uninstall:
	ninja -C $(BUILD) uninstall

# Side-by-side benchmark against DPDK's software PMDs under dpdk-testpmd
# (bench/run.py): `bench` (< 15 min: Mpps, then instructions per packet
# under callgrind, then latency by app/qpring-perf, bench/latency.py)
# regenerates doc/bench/, `bench-quick` (~2 min) writes
# $(BUILD)/bench-quick/.
.PHONY: bench bench-quick

bench: build
	python3 bench/run.py --build $(BUILD)
	python3 bench/latency.py --build $(BUILD)

bench-quick: build
	python3 bench/run.py --build $(BUILD) --quick

# Memory checkers (fuzz/README.md). `make test` runs the first three and, as
# a test of $(BUILD), the valgrind run.
#   test-asan  the suite built with -fsanitize=address,undefined ($(ASAN_BUILD))
#   test-tsan  the two-lcore tests built with -fsanitize=thread ($(TSAN_BUILD),
#              tests/tsan/README.md)
#   fuzz       the libFuzzer targets, FUZZ_SECONDS each ($(FUZZ_BUILD), clang)
#   valgrind   the demo configuration under memcheck ($(VG_BUILD), -O2 -g)
.PHONY: test-deps test-asan test-tsan fuzz valgrind

test-deps:
	@QPRING_EXTRA_PKGS="$(QPRING_EXTRA_PKGS) $(CHECKER_PKGS)" sh scripts/install-deps.sh

test-asan: test-deps build
	-@sh tests/asan/run.sh $(ASAN_BUILD) $(BUILD)
	@python3 scripts/test-summary.py asan=$(ASAN_BUILD)/meson-logs/testlog.json

test-tsan: test-deps build
	-@sh tests/tsan/run.sh $(TSAN_BUILD) $(BUILD)
	@python3 scripts/test-summary.py tsan=$(TSAN_BUILD)/meson-logs/testlog.json

fuzz: test-deps build
	-@QPRING_FUZZ_SECONDS=$(FUZZ_SECONDS) sh fuzz/run-suite.sh $(FUZZ_BUILD) $(BUILD)
	@python3 scripts/test-summary.py fuzz=$(FUZZ_BUILD)/meson-logs/testlog.json

valgrind: test-deps build
	@if [ ! -f $(VG_BUILD)/build.ninja ]; then \
		mkdir -p $(VG_BUILD)/sdk-include && \
		cp -p $(BUILD)/sdk-include/*.h $(BUILD)/sdk-include/.version $(VG_BUILD)/sdk-include/ && \
		meson setup $(VG_BUILD) -Dbuildtype=debugoptimized >/dev/null; fi
	ninja -C $(VG_BUILD) drivers/net/qpring/librte_net_qpring.so
	@sh scripts/valgrind-demo.sh $(VG_BUILD)

# `make demo-xproc`: two dpdk-testpmd processes cabled through the
# cross-process wire, a kill -9 of one and its return (scripts/demo-xproc.sh).
.PHONY: demo-xproc

demo-xproc: deps build
	@sh scripts/demo-xproc.sh $(BUILD)
