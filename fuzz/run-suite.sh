#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# `make fuzz`: set up the clang build of the fuzzers (-Dfuzz=true), build
# them and run meson's suite 'fuzz' (fuzz/run-fuzz.sh per target).
#
# usage: fuzz/run-suite.sh [FUZZ_BUILD [REF_BUILD]]
#   FUZZ_BUILD  default build-fuzz; set up with CC=clang -Dfuzz=true
#               -Dbuildtype=debug if it does not exist
#   REF_BUILD   an ordinary build (default build) whose fetched SDK headers
#               are reused
# Environment: QPRING_FUZZ_SECONDS per target (default 60; 0: replay only).
# Only the fuzzers are built in FUZZ_BUILD, not the rest of the project.
# Output: one line per test and each target's figures; the results in
# FUZZ_BUILD/meson-logs/testlog.json. Exit status: meson test's.
set -eu

B=${1:-build-fuzz}
REF=${2:-build}

if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: clang not found (Debian packages clang, libclang-rt-14-dev)" >&2
	exit 1
fi
if [ ! -f "$B/build.ninja" ]; then
	if [ -f "$REF/sdk-include/.version" ] && [ ! -e "$B/sdk-include" ]; then
		mkdir -p "$B/sdk-include"
		cp -p "$REF"/sdk-include/*.h "$REF/sdk-include/.version" "$B/sdk-include/"
	fi
	log=${TMPDIR:-/tmp}/qpring-fuzz-setup.$$.log
	if ! CC=clang meson setup "$B" -Dfuzz=true -Dbuildtype=debug >"$log" 2>&1; then
		cat "$log"
		rm -f "$log"
		echo "fuzz: meson setup $B failed" >&2
		exit 1
	fi
	rm -f "$log"
fi
B=$(cd "$B" && pwd)
rm -f "$B/meson-logs/testlog.json"
# The fuzzers' ninja targets: their file names relative to the build dir.
targets=$(cd "$B" && meson introspect --targets . | python3 -c '
import json, os, sys
for t in json.load(sys.stdin):
    if t["name"].endswith("_fuzz") and t["type"] == "executable":
        print(os.path.relpath(t["filename"][0], sys.argv[1]))' "$B")
if [ -z "$targets" ]; then
	echo "fuzz: no fuzz targets in $B (configured without -Dfuzz=true?)" >&2
	exit 1
fi
# shellcheck disable=SC2086 # a list of files
if ! ninja -C "$B" $targets >"$B/build-output.txt" 2>&1; then
	tail -n 40 "$B/build-output.txt"
	echo "fuzz: build of the fuzzers failed" >&2
	exit 1
fi
rc=0
meson test -C "$B" --no-rebuild --suite fuzz --print-errorlogs >"$B/test-output.txt" 2>&1 || rc=$?
sed -n '/^Summary of Failures/q; s/^\( *[0-9][0-9]*\/[0-9][0-9]* \)/fuzz: \1/p' "$B/test-output.txt"
grep -q '^ *[0-9][0-9]*/[0-9][0-9]* ' "$B/test-output.txt" || cat "$B/test-output.txt"
# Each target's figures (executions, coverage, exec/s) from its output.
grep -h 'run-fuzz: [a-z]*: \(last\|stat::average_exec\|stat::number_of\)' \
	"$B/meson-logs/testlog.txt" 2>/dev/null | sed 's/^/fuzz: /' || true
exit $rc
