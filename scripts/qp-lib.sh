# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The qpring authors
# Shell helpers shared by the scripts that drive DPDK's programs
# (scripts/demo.sh and the shell tests). Sourced, not run:
#   . "$(dirname "$0")/../../scripts/qp-lib.sh"

# qp_need_tool TOOL...: skip the test (exit 77) unless every TOOL is on PATH.
qp_need_tool() {
	for qp_t in "$@"; do
		if ! command -v "$qp_t" >/dev/null 2>&1; then
			echo "SKIP: $qp_t not found (Debian package dpdk, or python3)"
			exit 77
		fi
	done
}

# qp_plugin_abs: fail (exit 1) unless the file $PLUGIN names exists, then
# make $PLUGIN absolute (EAL resolves -d paths from its own directory).
qp_plugin_abs() {
	if [ ! -f "$PLUGIN" ]; then
		echo "FAIL: plugin $PLUGIN does not exist"
		exit 1
	fi
	case $PLUGIN in
	/*) ;;
	*) PLUGIN=$(pwd)/$PLUGIN ;;
	esac
}

# qp_runtime_rm PREFIX...: remove EAL's runtime directory of each
# --file-prefix (root: /var/run/dpdk; others: $XDG_RUNTIME_DIR/dpdk).
qp_runtime_rm() {
	for qp_p in "$@"; do
		if [ "$(id -u)" = 0 ]; then
			rm -rf "/var/run/dpdk/$qp_p"
		elif [ -n "${XDG_RUNTIME_DIR:-}" ]; then
			rm -rf "$XDG_RUNTIME_DIR/dpdk/$qp_p"
		fi
	done
}

# A shell test's checks: fail MESSAGE counts a failure (FAILS) and goes on;
# ok MESSAGE reports a passed check.
FAILS=0
fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}
ok() {
	echo "ok:   $*"
}
