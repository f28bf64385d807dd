#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Run one of Debian's (uninstrumented) DPDK programs with GCC's ASan runtime
# preloaded, so that it can load the ASan-built librte_net_qpring.so.
#
# tests/asan/run.sh installs this as symlinks named after the programs
# (dpdk-testpmd, dpdk-test, ...) in a directory put first in PATH; the link's
# name says which program to run. ASan's runtime must be the first object of
# the process: it goes in front of whatever LD_PRELOAD already holds (stdbuf
# preloads libstdbuf.so, tests/tools/multiprocess.py the plugin itself).
# Environment (set by run.sh): QPRING_ASAN_RUNTIME, the path of libasan.so;
# QPRING_LSAN_TOOLS_SUPP, the LeakSanitizer suppressions for these programs.
# Only shell builtins run here: a program started with the plugin preloaded
# and ASan's runtime not first misbehaves (coreutils deadlock in textdomain()).
set -eu

preload=${LD_PRELOAD:-}
unset LD_PRELOAD
name=${0##*/}
case $0 in
*/*) self_dir=$(cd "${0%/*}" && pwd) ;;
*) self_dir= ;;
esac

# The real program: the first one of that name in PATH outside this directory.
real=
set -f
IFS=:
for d in $PATH; do
	[ -n "$d" ] || continue
	[ "$(cd "$d" 2>/dev/null && pwd)" = "$self_dir" ] && continue
	if [ -x "$d/$name" ] && [ ! -d "$d/$name" ]; then
		real=$d/$name
		break
	fi
done
unset IFS
set +f
[ -n "$real" ] || { echo "preload-exec: $name not found in PATH" >&2; exit 127; }

asan=${QPRING_ASAN_RUNTIME:?preload-exec: QPRING_ASAN_RUNTIME (path of libasan.so) is not set}
# These programs' own leaks and DPDK's are suppressed (see the file).
if [ -n "${QPRING_LSAN_TOOLS_SUPP:-}" ]; then
	LSAN_OPTIONS="suppressions=$QPRING_LSAN_TOOLS_SUPP${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
	export LSAN_OPTIONS
fi
LD_PRELOAD="$asan${preload:+ $preload}"
export LD_PRELOAD
exec "$real" "$@"
