#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# `make valgrind`: the demo configuration (dpdk-testpmd, two cabled qpring
# ports, io forwarding) under valgrind memcheck, with a few bursts of traffic.
#
# usage: valgrind-demo.sh [--plugin SO] [--workdir DIR] [BUILD]
#   BUILD      build directory whose plugin runs (default build); or
#   --plugin   the librte_net_qpring.so to load
#   --workdir  where the logs go (default BUILD/valgrind)
# Two runs: the demo's two cabled ports (start tx_first: one burst of 32
# frames per port, then forwarding), and two ports on the capture-file wire
# (rx_pcap/tx_pcap). testpmd is driven through stdin: set fwd io, start,
# stop, stats, xstats, quit (which closes the ports); every command is waited
# for, each wait bounded. memcheck runs with --error-exitcode
# --leak-check=full (definite, indirect and possible leaks are errors) and
# the suppressions of scripts/valgrind-demo.supp (EAL, glibc: not ours).
# Passes when memcheck reports no error, traffic flowed both ways and testpmd
# exited cleanly. Exit 0 pass, 1 fail, 77 skipped (no valgrind/testpmd).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
PLUGIN=
WORK=
BUILD=build
while [ $# -gt 0 ]; do
	case $1 in
	--plugin) PLUGIN=$2; shift 2 ;;
	--workdir) WORK=$2; shift 2 ;;
	-h | --help) sed -n '3,18p' "$0"; exit 0 ;;
	*) BUILD=$1; shift ;;
	esac
done
[ -n "$PLUGIN" ] || PLUGIN=$BUILD/drivers/net/qpring/librte_net_qpring.so
[ -n "$WORK" ] || WORK=$BUILD/valgrind
TESTPMD=${TESTPMD:-dpdk-testpmd}
SUPP=$HERE/valgrind-demo.supp
CMD_TIMEOUT=${QPRING_VG_CMD_TIMEOUT:-120} # seconds per testpmd command
TOTAL_TIMEOUT=${QPRING_VG_TIMEOUT:-270}   # seconds for the whole run

for t in valgrind "$TESTPMD"; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not found"; exit 77; }
done
[ -f "$PLUGIN" ] || { echo "FAIL: plugin $PLUGIN not built"; exit 1; }
case $PLUGIN in /*) ;; *) PLUGIN=$(pwd)/$PLUGIN ;; esac
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
FIFO=$WORK/cmd
LOG=
VGLOG=
PREFIX=qpvg$$
PID=
rm -f "$FIFO"
mkfifo "$FIFO"

cleanup() {
	exec 3>&- 2>/dev/null || true
	if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
		kill "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
	rm -f "$FIFO"
	rm -rf "/var/run/dpdk/$PREFIX" "${XDG_RUNTIME_DIR:-/nonexistent}/dpdk/$PREFIX"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*"
	if [ -n "$LOG" ] && [ -s "$LOG" ]; then
		echo "---- testpmd (last lines) ----"
		tail -n 20 "$LOG"
	fi
	if [ -n "$VGLOG" ] && [ -s "$VGLOG" ]; then
		echo "---- memcheck (last lines) ----"
		tail -n 40 "$VGLOG"
	fi
	exit 1
}

# testpmd prints "testpmd> " when ready for a command.
prompts() { grep -o 'testpmd> ' "$LOG" 2>/dev/null | wc -l; }
NCMD=0
wait_prompt() {
	deadline=$(($(date +%s) + CMD_TIMEOUT))
	while [ "$(prompts)" -lt "$1" ]; do
		kill -0 "$PID" 2>/dev/null || fail "testpmd exited early"
		[ "$(date +%s)" -le "$deadline" ] || fail "testpmd did not answer within ${CMD_TIMEOUT}s"
		sleep 0.2
	done
}
cmd() {
	NCMD=$((NCMD + 1))
	printf '%s\n' "$1" >&3
	wait_prompt $((NCMD + 1))
}

# run NAME EXPECT TESTPMD_ARGS VDEV...: one testpmd under memcheck with the
# given --vdev arguments. EXPECT: "any" (start tx_first; traffic both ways) or
# "<rx0> <rx1>" (start; exact RX-packets of ports 0 and 1, polled for).
run() {
	name=$1 expect=$2 app_args=$3
	shift 3
	LOG=$WORK/$name-testpmd.log
	VGLOG=$WORK/$name-memcheck.log
	rm -f "$LOG" "$VGLOG"
	vdevs=
	for v in "$@"; do vdevs="$vdevs --vdev $v"; done
	NCMD=0
	start=$(date +%s)
	# Few mbufs and small rings keep memcheck's work small; -l 0,1: the
	# forwarding lcore and the main one (valgrind runs them one at a time).
	# shellcheck disable=SC2086 # vdevs, app_args: lists of options
	timeout -k 10 "$TOTAL_TIMEOUT" stdbuf -oL valgrind --tool=memcheck --error-exitcode=1 \
		--fair-sched=yes --leak-check=full --show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible --track-origins=yes \
		--suppressions="$SUPP" --gen-suppressions=all --num-callers=30 \
		--log-file="$VGLOG" \
		"$TESTPMD" -l 0,1 --no-huge --no-pci -m 256 --file-prefix "$PREFIX" \
		--no-telemetry -d "$PLUGIN" $vdevs \
		-- -i --total-num-mbufs=2048 --rxd=256 --txd=256 $app_args \
		<"$FIFO" >"$LOG" 2>&1 &
	PID=$!
	exec 3>"$FIFO"
	wait_prompt 1
	echo "valgrind-demo: $name: testpmd up under memcheck after $(($(date +%s) - start))s"
	cmd "set fwd io"
	if [ "$expect" = any ]; then
		cmd "start tx_first"
	else
		cmd "start"
		# The capture files are read as fast as the lcore polls: wait
		# until both ports received all their frames (bounded).
		deadline=$(($(date +%s) + CMD_TIMEOUT))
		while :; do
			m=$(wc -c <"$LOG")
			cmd "show port stats all"
			got=$(tail -c +"$((m + 1))" "$LOG" | awk '/NIC statistics for port/ { p = $6 }
				/RX-packets:/ { rx[p] = $2 } END { print rx[0] + 0, rx[1] + 0 }')
			[ "$got" = "$expect" ] && break
			[ "$(date +%s)" -le "$deadline" ] || fail "$name: RX-packets $got, expected $expect"
			sleep 0.5
		done
	fi
	cmd "stop"
	m=$(wc -c <"$LOG")
	cmd "show port stats all"
	cmd "show port xstats all"
	tail -c +"$((m + 1))" "$LOG" >"$WORK/$name-stats.txt"
	printf 'quit\n' >&3
	exec 3>&-
	rc=0
	wait "$PID" || rc=$?
	PID=
	echo "valgrind-demo: $name: testpmd exited with $rc after $(($(date +%s) - start))s"

	# Traffic: RX-packets / TX-packets of the NIC statistics after stop.
	awk '/NIC statistics for port/ { p = $6 }
		/RX-packets:/ && p != "" { rx[p] = $2 }
		/TX-packets:/ && p != "" { tx[p] = $2 }
		END { for (q in rx) printf "port %s: RX-packets %s TX-packets %s\n", q, rx[q], tx[q] }' \
		"$WORK/$name-stats.txt" | sort | sed "s/^/valgrind-demo: $name: /" |
		tee "$WORK/$name-traffic.txt"
	[ "$(awk '$6 > 0 && $8 > 0' "$WORK/$name-traffic.txt" | wc -l)" -eq 2 ] ||
		fail "$name: no traffic on both ports"
	grep -q 'Bye' "$LOG" || fail "$name: testpmd did not shut down cleanly"

	summary=$(grep 'ERROR SUMMARY' "$VGLOG" | tail -n 1)
	echo "valgrind-demo: $name: memcheck: ${summary#*== }"
	grep -E 'definitely lost:|indirectly lost:|possibly lost:' "$VGLOG" |
		sed "s/^==[0-9]*== */valgrind-demo: $name: memcheck:   /"
	# Any report naming the plugin, suppressed or not, is shown.
	if grep -v -e '^==[0-9]*== Command:' "$VGLOG" | grep -q 'librte_net_qpring'; then
		echo "valgrind-demo: $name: librte_net_qpring.so in memcheck's reports:"
		grep -n -B3 -A3 'librte_net_qpring' "$VGLOG" | grep -v 'Command:' | head -n 60
	fi
	case $rc in
	0) ;;
	1) fail "$name: memcheck found errors (log $VGLOG)" ;;
	124 | 137) fail "$name: timed out after ${TOTAL_TIMEOUT}s" ;;
	*) fail "$name: testpmd exited with status $rc (log $LOG)" ;;
	esac
	case $summary in
	*" 0 errors from 0 contexts"*) ;;
	*) fail "$name: memcheck: $summary" ;;
	esac
}

# 1. The demo: two cabled ports, traffic started with one burst per port.
run cabled any "" net_qpring0 net_qpring1,peer=net_qpring0

# 2. The capture-file wire: each port reads a file (the fuzzers' seeds: 200
# small frames; 11 frames of 0 to 1519 bytes) and writes what it sends to
# another; io forwarding carries each port's frames out of the other.
# --no-flush-rx: testpmd would otherwise drain (and drop) the receive queues,
# which read the whole files, before forwarding starts.
CAPS=$HERE/../fuzz/corpus/pcap
# sizes: 11 records, 3 of them runts (under 14 bytes: medium errors, not
# frames) and one of 1519 bytes, over the 1518 that MTU 1500 allows (oversize).
run pcap "200 7" --no-flush-rx \
	"net_qpring0,rx_pcap=$CAPS/many-small,tx_pcap=$WORK/out0.pcap" \
	"net_qpring1,rx_pcap=$CAPS/sizes,tx_pcap=$WORK/out1.pcap"

echo "valgrind-demo: OK (0 errors; logs in $WORK)"
