#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# `make test-tsan`: the tests in which the adapter runs on another lcore
# (thread) than the driver, built with ThreadSanitizer. See README.md here.
#
# usage: tests/tsan/run.sh [TSAN_BUILD [REF_BUILD]]
#   TSAN_BUILD  build directory of the TSan build (default build-tsan), set up
#               here with -Db_sanitize=thread -Db_lundef=false
#               -Dbuildtype=debugoptimized -Dc_args=-DRTE_FORCE_INTRINSICS if
#               it does not exist yet
#   REF_BUILD   an existing ordinary build (default build) whose fetched DPDK
#               SDK headers are reused, so the second build downloads nothing
# Output: one line per test, as meson prints it, prefixed "tsan: "; the full
# output in TSAN_BUILD/test-output.txt; the results in
# TSAN_BUILD/meson-logs/testlog.json (scripts/test-summary.py reads it).
# Exit status: meson test's.
#
# What runs (QPRING_TSAN_TESTS overrides the list):
#   unit_concurrency   driver and adapter model on two pthreads, no EAL
#   async_service      adapter=service on service lcore 1, lcore 0 drives
#   async_stress       two ports, four queue pairs, all faults, service lcore
#   async_faults       fault injection, inline and on the service lcore
#   async_interrupts   Rx/LSC interrupts raised by the service-lcore adapter
#   nic_mpsc_inline    two lcores send into one receive ring of the peer,
#   nic_mpsc_service   1,000,000 frames: inline adapters, and a service lcore
# Not run: stress_lifecycle_stress (lcore 1 sends while lcore 0 stops, starts,
# reconfigures and closes the peer). TSan reports nothing in it, but its
# fixed wall-clock budgets (5 s per scenario, 25 s in all) do not hold at
# TSan's 5-15x slowdown, so it fails its "N of M cycles" checks; see README.md.
set -eu

B=${1:-build-tsan}
REF=${2:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$SRC/tests/tsan
TESTS=${QPRING_TSAN_TESTS:-unit_concurrency async_service async_stress async_faults async_interrupts nic_mpsc_inline nic_mpsc_service}

if [ ! -f "$B/build.ninja" ]; then
	# The five SDK headers are the same for every build of this checkout.
	if [ -f "$REF/sdk-include/.version" ] && [ ! -e "$B/sdk-include" ]; then
		mkdir -p "$B/sdk-include"
		cp -p "$REF"/sdk-include/*.h "$REF/sdk-include/.version" "$B/sdk-include/"
	fi
	# RTE_FORCE_INTRINSICS: DPDK's x86 spinlock (and the legacy rte_atomic
	# helpers) are inline assembly, which TSan cannot see; with it the
	# headers use their generic versions, built on __atomic builtins.
	meson setup "$B" -Dbuildtype=debugoptimized -Db_sanitize=thread -Db_lundef=false \
		-Dc_args=-DRTE_FORCE_INTRINSICS \
		>"${TMPDIR:-/tmp}/qpring-tsan-setup.$$.log" 2>&1 || {
		cat "${TMPDIR:-/tmp}/qpring-tsan-setup.$$.log"
		rm -f "${TMPDIR:-/tmp}/qpring-tsan-setup.$$.log"
		echo "test-tsan: meson setup $B failed" >&2
		exit 1
	}
	rm -f "${TMPDIR:-/tmp}/qpring-tsan-setup.$$.log"
fi
B=$(cd "$B" && pwd)
rm -f "$B/meson-logs/testlog.json" "$B"/meson-logs/testlog-env.*

# Only what the tests need: their programs (and, through them, the driver).
targets=
for t in $TESTS; do
	case $t in
	unit_*) targets="$targets tests/unit/$t" ;;
	async_*) targets="$targets tests/async/$t" ;;
	stress_*) targets="$targets tests/stress/$t" ;;
	nic_mpsc_*) targets="$targets tests/nic/nic_mpsc" ;;
	*) echo "test-tsan: do not know where test $t is built" >&2; exit 1 ;;
	esac
done
# shellcheck disable=SC2086 # a list of targets
if ! ninja -C "$B" $targets >"$B/build-output.txt" 2>&1; then
	tail -n 40 "$B/build-output.txt"
	echo "test-tsan: build of $B failed" >&2
	exit 1
fi

# The happens-before edges of DPDK's own synchronisation (dpdk-hb.c),
# preloaded into each test program (only there: meson and the shell must not
# get the TSan runtime).
mkdir -p "$B/tsan"
HB=$B/tsan/libqpring-tsan-hb.so
# The compiler of the TSan build: one TSan runtime per process.
CC=$(python3 -c 'import json, shlex, sys
print(shlex.split(json.load(open(sys.argv[1]))[0]["command"])[0])' \
	"$B/compile_commands.json" 2>/dev/null || echo cc)
if [ ! -f "$HB" ] || [ -n "$(find "$HERE/dpdk-hb.c" -newer "$HB")" ]; then
	# shellcheck disable=SC2046 # pkg-config's lists of flags
	if ! "$CC" -std=gnu11 -Wall -Wextra -O1 -g -fPIC -shared -fsanitize=thread \
		$(pkg-config --cflags libdpdk) -o "$HB" "$HERE/dpdk-hb.c" \
		$(pkg-config --libs libdpdk) >"$B/tsan/hb-build.txt" 2>&1; then
		cat "$B/tsan/hb-build.txt"
		echo "test-tsan: cannot build $HB" >&2
		exit 1
	fi
fi

# halt_on_error: the first report ends the test (exit 66), which meson counts
#   as a failure; the report is the last thing in its output.
# second_deadlock_stack: both stacks of a lock-order inversion.
# history_size=7 (the most): the longest memory access history per thread,
#   so that the earlier access of a race keeps its stack ("failed to restore
#   the stack" otherwise: the service lcore's busy loop fills its history).
# suppressions: one commented entry per case (suppressions.txt).
TSAN_OPTIONS=${QPRING_TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:history_size=7}
TSAN_OPTIONS="$TSAN_OPTIONS:suppressions=$HERE/suppressions.txt"
export TSAN_OPTIONS

# TSan needs the address space layout it was built for. Kernels with more
# mmap randomisation than GCC 12's runtime knows (vm.mmap_rnd_bits > 28)
# make every program die with "unexpected memory mapping": then run without
# address space randomisation (setarch -R), inherited by every test.
noaslr=
probe=$B/tsan/aslr-probe
if [ ! -x "$probe" ]; then
	printf 'int main(void) { return 0; }\n' |
		"$CC" -fsanitize=thread -x c -o "$probe" - >"$B/tsan/probe.txt" 2>&1 || true
fi
if [ -x "$probe" ] && ! "$probe" >"$B/tsan/probe.txt" 2>&1 &&
	grep -q "unexpected memory mapping" "$B/tsan/probe.txt" &&
	command -v setarch >/dev/null 2>&1; then
	noaslr="setarch $(uname -m) -R"
	echo "tsan: address space randomisation off (setarch -R), see $B/tsan/probe.txt"
fi

rc=0
# One test at a time: each takes both CPUs (lcore 0 and the service lcore
# spin), and the tests' own wall-clock bounds assume nothing else runs.
# Timeouts x3: the programs run 5-15 times slower instrumented.
# shellcheck disable=SC2086 # lists of options and names
$noaslr meson test -C "$B" --no-rebuild --print-errorlogs --num-processes 1 \
	--timeout-multiplier 3 --wrapper "env LD_PRELOAD=$HB" $TESTS \
	>"$B/test-output.txt" 2>&1 || rc=$?
# With a wrapper, meson names its logs after it (testlog-env.*).
for ext in json txt junit.xml; do
	if [ -f "$B/meson-logs/testlog-env.$ext" ]; then
		mv -f "$B/meson-logs/testlog-env.$ext" "$B/meson-logs/testlog.$ext"
	fi
done
# One line per test (meson repeats failures in a summary: cut there).
sed -n '/^Summary of Failures/q; s/^\( *[0-9][0-9]*\/[0-9][0-9]* \)/tsan: \1/p' "$B/test-output.txt"
grep -q '^ *[0-9][0-9]*/[0-9][0-9]* ' "$B/test-output.txt" || cat "$B/test-output.txt"
exit $rc
