# SPDX-License-Identifier: BSD-3-Clause
# A thin wrapper over meson/ninja. `make demo` and `make test` install what
# is missing (Debian 12, as root), build, and run.
BUILD ?= build
MESON_OPTS ?=
TEST_OPTS ?=

.PHONY: all deps build demo test clean

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

test: deps build
	@rm -f $(BUILD)/meson-logs/testlog.json
	-@meson test -C $(BUILD) --print-errorlogs $(TEST_OPTS) > $(BUILD)/test-output.txt 2>&1; \
		grep -E '^ *[0-9]+/[0-9]+ ' $(BUILD)/test-output.txt || cat $(BUILD)/test-output.txt
	@python3 scripts/test-summary.py $(BUILD)/meson-logs/testlog.json

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
# (bench/run.py): `bench` (< 10 min) regenerates doc/bench/, `bench-quick`
# (< 2 min) writes $(BUILD)/bench-quick/.
.PHONY: bench bench-quick

bench: build
	python3 bench/run.py --build $(BUILD)

bench-quick: build
	python3 bench/run.py --build $(BUILD) --quick
