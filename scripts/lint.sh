#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Static checks of the driver: cppcheck and clang-tidy (.clang-tidy), over
# the build's compile database. Usage: lint.sh <builddir>; exit 1 on findings.
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
rc=0
if command -v cppcheck >/dev/null 2>&1; then
	out=$(cppcheck --quiet --enable=warning,portability,performance --std=c11 \
		--inline-suppr -I drivers/net/qpring -I /usr/include/dpdk \
		-I "$build/sdk-include" -include=/usr/include/dpdk/rte_config.h \
		-D__x86_64__ --suppress=missingIncludeSystem \
		--suppress='*:/usr/include/*' --suppress="*:$build/*" \
		drivers/net/qpring/*.c 2>&1 | grep -v 'filename exclusion\|use --suppress' || true)
	if [ -n "$out" ]; then
		echo "cppcheck:"; echo "$out"; rc=1
	else
		echo "cppcheck: clean"
	fi
else
	echo "cppcheck: not installed, skipped"
fi
if command -v clang-tidy >/dev/null 2>&1 && [ -f "$build/compile_commands.json" ]; then
	if out=$(clang-tidy -p "$build" --quiet drivers/net/qpring/*.c 2>&1); then
		echo "clang-tidy: clean"
	else
		echo "clang-tidy:"; echo "$out" | grep -E 'warning|error' | grep -v '^/usr' ; rc=1
	fi
else
	echo "clang-tidy: not installed or no compile database, skipped"
fi
exit $rc
