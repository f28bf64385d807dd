#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# `make test-asan`: the test suite once more, with the driver, the tests and
# the examples built with AddressSanitizer + UndefinedBehaviorSanitizer.
#
# usage: tests/asan/run.sh [ASAN_BUILD [REF_BUILD]]
#   ASAN_BUILD  build directory of the sanitizer build (default build-asan),
#               set up here with -Db_sanitize=address,undefined -Db_lundef=false
#               -Dbuildtype=debug if it does not exist yet
#   REF_BUILD   an existing ordinary build (default build) whose fetched DPDK
#               SDK headers are reused, so the second build downloads nothing
# Output: one line per test, as meson prints it; the full output in
# ASAN_BUILD/test-output.txt; the results in ASAN_BUILD/meson-logs/testlog.json
# (scripts/test-summary.py reads it). Exit status: meson test's.
#
# What runs: every suite of the project, except
#   docs, lint           they run no driver code
#   fuzz, valgrind       the other memory checkers (make fuzz, make valgrind)
#   tools_install        checks the install layout (meson install into a
#                        staging tree); no driver code runs that the other
#                        tests do not run, and it takes 30 s
#   tools_dpdk_test      dpdk-test's pmd_perf_autotest, a performance test: in
#                        its continuous mode it does not finish within its
#                        240 s bound under instrumentation
# Tests that start Debian's (uninstrumented) DPDK programs with the ASan-built
# plugin (-d or LD_PRELOAD) run them through preload-exec.sh, which preloads
# GCC's ASan runtime; see README.md here for the sanitizer settings.
set -eu

B=${1:-build-asan}
REF=${2:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$SRC/tests/asan
EXCLUDE_SUITES="docs lint fuzz valgrind"
EXCLUDE_TESTS="tools_install tools_dpdk_test"

if [ ! -f "$B/build.ninja" ]; then
	# The five SDK headers are the same for every build of this checkout.
	if [ -f "$REF/sdk-include/.version" ] && [ ! -e "$B/sdk-include" ]; then
		mkdir -p "$B/sdk-include"
		cp -p "$REF"/sdk-include/*.h "$REF/sdk-include/.version" "$B/sdk-include/"
	fi
	meson setup "$B" -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false \
		>"${TMPDIR:-/tmp}/qpring-asan-setup.$$.log" 2>&1 || {
		cat "${TMPDIR:-/tmp}/qpring-asan-setup.$$.log"
		rm -f "${TMPDIR:-/tmp}/qpring-asan-setup.$$.log"
		echo "test-asan: meson setup $B failed" >&2
		exit 1
	}
	rm -f "${TMPDIR:-/tmp}/qpring-asan-setup.$$.log"
fi
B=$(cd "$B" && pwd)
rm -f "$B/meson-logs/testlog.json"
if ! ninja -C "$B" >"$B/build-output.txt" 2>&1; then
	tail -n 40 "$B/build-output.txt"
	echo "test-asan: build of $B failed" >&2
	exit 1
fi

# Debian's DPDK programs, wrapped (see preload-exec.sh).
mkdir -p "$B/asan-bin"
for p in dpdk-testpmd dpdk-test dpdk-proc-info dpdk-dumpcap dpdk-pdump; do
	ln -sf "$HERE/preload-exec.sh" "$B/asan-bin/$p"
done
QPRING_ASAN_RUNTIME=$(gcc -print-file-name=libasan.so)
[ -f "$QPRING_ASAN_RUNTIME" ] || {
	echo "test-asan: GCC's libasan.so not found (gcc -print-file-name=libasan.so)" >&2
	exit 1
}
QPRING_LSAN_TOOLS_SUPP=$HERE/lsan-dpdk-tools.supp
export QPRING_ASAN_RUNTIME QPRING_LSAN_TOOLS_SUPP
PATH=$B/asan-bin:$PATH
export PATH

# abort_on_error: a report ends the process at once (SIGABRT), which the
#   tests' harnesses and meson see as a failure even where an exit status of
#   a child would be lost.
# detect_leaks=1: LeakSanitizer at exit. It sees malloc/calloc/strdup (the
#   driver's libpcap handles, kvargs, medium state); rte_malloc/memzone/
#   mempool memory is EAL's own heap and invisible to it.
# verify_asan_link_order=0: tests/tools/multiprocess.py starts every program
#   with LD_PRELOAD=<the plugin>, so /bin/sh running preload-exec.sh gets the
#   ASan runtime as the plugin's dependency, after libc. The shell only execs;
#   the program it runs has the runtime first.
# UBSan: halt_on_error turns every report into a failure.
ASAN_OPTIONS=${QPRING_ASAN_OPTIONS:-abort_on_error=1:halt_on_error=1:detect_leaks=1:verify_asan_link_order=0}
# LeakSanitizer: no suppressions for our programs; preload-exec.sh adds
#   lsan-dpdk-tools.supp for Debian's.
LSAN_OPTIONS=print_suppressions=0
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS

nosuite=
for s in $EXCLUDE_SUITES; do nosuite="$nosuite --no-suite $s"; done
# shellcheck disable=SC2086 # lists of options and names
tests=$(meson test -C "$B" --no-rebuild --list $nosuite 2>/dev/null |
	sed -n 's|^[^ ]*:[^ ]* / \([^ ]*\)$|\1|p' | grep -vxF "$(printf '%s\n' $EXCLUDE_TESTS)" || true)
if [ -z "$tests" ]; then
	echo "test-asan: no tests to run in $B" >&2
	exit 1
fi
rc=0
# shellcheck disable=SC2086
meson test -C "$B" --no-rebuild --print-errorlogs $tests >"$B/test-output.txt" 2>&1 || rc=$?
# One line per test (meson repeats failures in a summary: cut there).
sed -n '/^Summary of Failures/q; s/^\( *[0-9][0-9]*\/[0-9][0-9]* \)/asan: \1/p' "$B/test-output.txt"
grep -q '^ *[0-9][0-9]*/[0-9][0-9]* ' "$B/test-output.txt" || cat "$B/test-output.txt"
exit $rc
