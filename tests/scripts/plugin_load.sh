#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Prove that DPDK's own unit-test program, dpdk-test, loads the qpring plugin
# with -d and probes a --vdev net_qpring0 port (seen through telemetry).
#
# usage: plugin_load.sh <path of librte_net_qpring.so> [qpring-telemetry.py]
# Exit 0 pass, 1 fail, 77 skipped (no dpdk-test or no python3).
set -eu
. "$(dirname "$0")/../../scripts/qp-lib.sh"

PLUGIN=${1:?usage: plugin_load.sh <librte_net_qpring.so> [qpring-telemetry.py]}
CLIENT=${2:-$(cd "$(dirname "$0")/../../scripts" && pwd)/qpring-telemetry.py}
DPDK_TEST_BIN=${DPDK_TEST_BIN:-dpdk-test}

qp_need_tool "$DPDK_TEST_BIN" python3
qp_plugin_abs

PREFIX=qppl_$$
WORK=$(mktemp -d "${TMPDIR:-/tmp}/qpring-pl.XXXXXX")
FIFO=$WORK/cmd
LOG=$WORK/dpdk-test.log
PID=
mkfifo "$FIFO"
cleanup() {
	exec 3>&- 2>/dev/null || true
	if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
		kill "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
	qp_runtime_rm "$PREFIX"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# fail and FAILS: scripts/qp-lib.sh

# dpdk-test waits at its prompt for commands on stdin (the fifo) while the
# telemetry client asks it which ports and commands it has.
timeout -k 5 30 stdbuf -oL "$DPDK_TEST_BIN" -l 0 --no-huge --no-pci -m 256 \
	--file-prefix "$PREFIX" -d "$PLUGIN" --vdev net_qpring0 \
	--log-level=pmd.net.qpring:info < "$FIFO" > "$LOG" 2>&1 &
PID=$!
exec 3> "$FIFO"

tel() {
	timeout 20 python3 "$CLIENT" --file-prefix "$PREFIX" --wait 15 raw "$1" \
		> "$WORK/reply" 2>&1 || fail "telemetry query $1 failed: $(cat "$WORK/reply")"
}

tel /
if grep -q '"/qpring/regs"' "$WORK/reply"; then
	echo "ok:   telemetry lists /qpring/regs (registered by the plugin's constructor)"
else
	fail "telemetry command /qpring/regs is not registered"
fi
tel /ethdev/list
if tr -d ' \n' < "$WORK/reply" | grep -q '^\[0\]$'; then
	echo "ok:   one ethdev port, port 0"
else
	fail "expected ethdev ports [0], got: $(cat "$WORK/reply")"
fi
tel /ethdev/info,0
if grep -q '"name": "net_qpring0"' "$WORK/reply"; then
	echo "ok:   port 0 is net_qpring0"
else
	fail "port 0 is not net_qpring0: $(cat "$WORK/reply")"
fi

printf 'dump_devargs\nquit\n' >&3
exec 3>&-
rc=0
wait "$PID" || rc=$?
PID=
[ "$rc" -eq 0 ] || fail "dpdk-test exited with status $rc"
if grep -q 'net_qpring0: port 0' "$LOG"; then
	echo "ok:   the driver logged its probe of net_qpring0"
else
	fail "no probe message from the driver in dpdk-test's output"
fi
if grep -q 'vdev.*net_qpring0' "$LOG"; then
	echo "ok:   dump_devargs lists net_qpring0"
else
	fail "dump_devargs does not list net_qpring0"
fi

if [ "$FAILS" -ne 0 ]; then
	echo "---- dpdk-test output ----"
	cat "$LOG"
	echo "plugin_load: $FAILS check(s) FAILED"
	exit 1
fi
echo "plugin_load: dpdk-test loaded the plugin and probed net_qpring0"
