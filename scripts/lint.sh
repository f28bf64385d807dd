#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Static checks of the driver: cppcheck and clang-tidy (.clang-tidy), over
# every C file under drivers/net/qpring/ (subdirectories included, so new
# files are checked without editing this script), with the build's compile
# database. `make lint` runs it (and installs both tools); .ci/run too.
#
# usage: lint.sh [BUILDDIR]   (default build; needs its compile_commands.json
#                              and sdk-include/, i.e. a configured build)
# Exit status: 0 clean, 1 findings (or no driver sources), 77 clean but a
# tool is not installed (skipped).
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
drv=drivers/net/qpring

files=$(find "$drv" -name '*.c' -type f | LC_ALL=C sort)
if [ -z "$files" ]; then
	echo "lint: no C files under $drv"
	exit 1
fi
# Every directory of the driver that holds headers.
incs=$(find "$drv" -name '*.h' -type f -exec dirname {} \; | LC_ALL=C sort -u |
	sed 's/^/-I /')
jobs=$(nproc 2>/dev/null || echo 1)
echo "driver sources ($(echo "$files" | wc -l)): $(echo "$files" | tr '\n' ' ')"
rc=0
skipped=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/qpring-lint.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if command -v cppcheck >/dev/null 2>&1; then
	# cppcheck reads no system header, so it is told what the compiler
	# would know: DPDK's include directories (rte_build_config.h is in the
	# multiarch one), rte_config.h first as the build passes it, the
	# <sys/queue.h> macros (TAILQ_HEAD is not a syntax error), x86-64 and
	# little endian (else rte_common.h and rte_byteorder.h stop at #error
	# and cppcheck checks nothing). The prelude goes in with --include=
	# (cppcheck reads "-include=" as "-i nclude=").
	queue_h=$(printf '#include <sys/queue.h>\n' | ${CC:-cc} -E -H -x c - 2>&1 >/dev/null |
		sed -n 's/^\. //p' | head -n 1)
	{
		echo '#include "/usr/include/dpdk/rte_config.h"'
		if [ -n "$queue_h" ]; then echo "#include \"$queue_h\""; fi
	} >"$tmp/prelude.h"
	# False positives, one entry each, with why, go into suppressions.xml
	# below; the driver's own source may instead say "// cppcheck-suppress
	# <id>" on the line. (No -j: cppcheck 2.10 ignores XML entries in its
	# -j mode.)
	cat >"$tmp/suppressions.xml" <<-'XML'
	<?xml version="1.0"?>
	<suppressions>
	</suppressions>
	XML
	# shellcheck disable=SC2046,SC2086 # lists of options and files
	out=$(cppcheck --quiet --enable=warning,portability,performance --std=c11 \
		--inline-suppr --suppress-xml="$tmp/suppressions.xml" $incs \
		$(pkg-config --cflags-only-I libdpdk) -I "$build/sdk-include" \
		--include="$tmp/prelude.h" -D__x86_64__ -D__LITTLE_ENDIAN__ \
		--suppress=missingIncludeSystem \
		--suppress='*:/usr/include/*' --suppress="*:$build/*" \
		$files 2>&1 || true)
	if [ -n "$out" ]; then
		echo "cppcheck:"; echo "$out"; rc=1
	else
		echo "cppcheck: clean"
	fi
else
	echo "cppcheck: not installed, skipped"
	skipped=1
fi

if ! command -v clang-tidy >/dev/null 2>&1; then
	echo "clang-tidy: not installed, skipped"
	skipped=1
elif [ ! -f "$build/compile_commands.json" ]; then
	echo "clang-tidy: no compile database $build/compile_commands.json (meson setup $build)"
	rc=1
else
	# One clang-tidy per file, as many at once as there are CPUs; each
	# file's findings kept apart so that they print in order. A file the
	# build does not compile in this configuration (qp_wire_none.c when
	# libpcap is there) gets the flags of its neighbours from clang-tidy.
	# shellcheck disable=SC2016,SC2086 # $1/$2 are the inner shell's; a file list
	printf '%s\n' $files | xargs -P "$jobs" -I{} sh -c \
		'f=$1; o=$2/$(echo "$f" | tr / _); clang-tidy -p "$3" --quiet "$f" >"$o.out" 2>&1 ||
			echo "$f" >"$o.fail"' sh {} "$tmp" "$build"
	if ls "$tmp"/*.fail >/dev/null 2>&1; then
		echo "clang-tidy:"
		for f in $files; do
			o=$tmp/$(echo "$f" | tr / _)
			[ -f "$o.fail" ] || continue
			grep -E 'warning|error' "$o.out" | grep -v '^/usr' || sed -n '1,20p' "$o.out"
		done
		rc=1
	else
		echo "clang-tidy: clean"
	fi
fi

if [ "$rc" -eq 0 ] && [ "$skipped" -ne 0 ]; then
	exit 77
fi
exit $rc
