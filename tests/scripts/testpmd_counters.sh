#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Drive stock dpdk-testpmd over two cabled qpring ports through stdin and
# check exact ethdev counters and xstats, including per-direction conservation.
#
# usage: testpmd_counters.sh <path of librte_net_qpring.so>
# Exit 0 pass, 1 fail, 77 skipped (no dpdk-testpmd).
set -eu
. "$(dirname "$0")/../../scripts/qp-lib.sh"

PLUGIN=${1:?usage: testpmd_counters.sh <librte_net_qpring.so>}
TESTPMD=${TESTPMD:-dpdk-testpmd}

qp_need_tool "$TESTPMD"
qp_plugin_abs

WORK=$(mktemp -d "${TMPDIR:-/tmp}/qpring-tpc.XXXXXX")
PREFIXES=
cleanup() {
	rm -rf "$WORK"
	# shellcheck disable=SC2086 # a list of prefixes
	qp_runtime_rm $PREFIXES
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# fail, ok and FAILS: scripts/qp-lib.sh

# run NAME "testpmd app args" CMD...: feed the commands to an interactive
# testpmd, one per line, in order; testpmd executes each before reading the
# next, so no timing is involved. Output goes to $WORK/NAME.log, and the
# counters it printed to $WORK/NAME.rec as "<port> <name> <value>" lines.
run() {
	name=$1 app_args=$2
	shift 2
	prefix=qptc_$$_$name
	PREFIXES="$PREFIXES $prefix"
	rc=0
	# shellcheck disable=SC2086 # app_args is a list of options
	printf '%s\n' "$@" quit |
		timeout -k 5 30 stdbuf -oL "$TESTPMD" -l 0,1 --no-huge --no-pci -m 512 \
			--file-prefix "$prefix" -d "$PLUGIN" \
			--vdev net_qpring0 --vdev net_qpring1,peer=net_qpring0 \
			-- -i --total-num-mbufs=8192 $app_args \
			> "$WORK/$name.log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ] || ! grep -q 'Bye' "$WORK/$name.log"; then
		case $rc in
		124 | 137) fail "$name: testpmd did not finish within 30 s (killed by timeout)" ;;
		*) fail "$name: testpmd exited with status $rc" ;;
		esac
		echo "---- testpmd output ($name) ----"
		tail -n 40 "$WORK/$name.log"
		# If it got as far as quit, its counters are still worth checking.
		grep -q 'testpmd> quit' "$WORK/$name.log" || return 1
	fi
	# Only "NIC statistics" and "NIC extended statistics" blocks count;
	# "Forward statistics" (printed by stop) use the same labels. A prompt
	# may precede a line, so names are matched anywhere in it.
	awk '
		/Forward statistics for port|Accumulated forward statistics/ { port = ""; next }
		/NIC (extended )?statistics for port/ {
			for (i = 1; i < NF; i++) if ($i == "port") port = $(i + 1)
			next
		}
		port != "" {
			for (i = 1; i < NF; i++)
				if ($i ~ /^[A-Za-z][A-Za-z0-9_-]*:$/ && $(i + 1) ~ /^[0-9]+$/)
					print port, substr($i, 1, length($i) - 1), $(i + 1)
		}' "$WORK/$name.log" > "$WORK/$name.rec"
	REC=$WORK/$name.rec
	SCEN=$name
}

# get PORT NAME: the value testpmd printed last for that counter, or
# nothing if it printed none (callers report that as a failure).
get() {
	awk -v p="$1" -v n="$2" '$1 == p && $2 == n { v = $3 } END { print v }' "$REC"
}

# expect PORT NAME OP VALUE: assert a counter against a number.
expect() {
	v=$(get "$1" "$2")
	if [ -z "$v" ]; then
		fail "$SCEN: port $1: counter $2 not found in testpmd's output"
	elif [ -z "$4" ]; then
		fail "$SCEN: port $1 $2 = $v, compared with a missing counter"
	elif test "$v" "$3" "$4"; then
		ok "$SCEN: port $1 $2 = $v ($3 $4)"
	else
		fail "$SCEN: port $1 $2 = $v, expected $3 $4"
	fi
}

# ---------------------------------------------------------------------------
# 1. rxonly, start tx_first 4: each port sends 4 bursts of 32 to its peer,
#    delivered synchronously by the inline adapter before forwarding starts.
if run rxonly "--rxd=512 --txd=512" "set fwd rxonly" "start tx_first 4" "stop" \
	"show port stats all" "show port xstats all"; then
	for a in 0 1; do
		b=$((1 - a))
		expect "$a" TX-packets -eq 128
		expect "$a" TX-errors -eq 0
		expect "$a" tx_q0_adapter_serviced -eq 128
		expect "$b" rx_q0_adapter_completions -eq 128
		expect "$b" RX-missed -eq 0
		expect "$b" RX-errors -eq 0
		expect "$b" RX-packets -le 128
		rx=$(get "$b" RX-packets)
		expect "$b" rx_q0_completions_reaped -eq "$rx"
		for d in no_buffer_drops mac_filter_drops oversize_drops; do
			expect "$b" "rx_q0_$d" -eq 0
		done
	done
fi

# ---------------------------------------------------------------------------
# 2. io forwarding, a short run: 32 bursts of 32 against a 128-slot receive
#    ring overflow it (no_buffer drops), then the frames that got in circulate.
#    Per direction A -> B, every frame A's adapter serviced reached B's adapter
#    and ended as exactly one of: completion, no buffer, MAC filter, oversize.
conserve() {
	a=$1 b=$2
	sa=$(get "$a" tx_q0_adapter_serviced)
	cb=$(get "$b" rx_q0_adapter_completions)
	nb=$(get "$b" rx_q0_no_buffer_drops)
	mf=$(get "$b" rx_q0_mac_filter_drops)
	ov=$(get "$b" rx_q0_oversize_drops)
	if [ -z "$sa" ] || [ -z "$cb" ] || [ -z "$nb" ] || [ -z "$mf" ] || [ -z "$ov" ]; then
		fail "$SCEN: $a->$b: a counter of the conservation law is missing from testpmd's output"
		return
	fi
	if [ "$sa" -eq $((cb + nb + mf + ov)) ]; then
		ok "$SCEN: $a->$b tx_q0_adapter_serviced $sa == completions $cb + no_buffer $nb + mac_filter $mf + oversize $ov"
	else
		fail "$SCEN: $a->$b tx_q0_adapter_serviced $sa != completions $cb + no_buffer $nb + mac_filter $mf + oversize $ov = $((cb + nb + mf + ov))"
	fi
}
if run io "--rxd=128 --txd=512" "set fwd io" "start tx_first 32" \
	"show port stats all" "show port stats all" "stop" \
	"show port stats all" "show port xstats all"; then
	for a in 0 1; do
		b=$((1 - a))
		conserve "$a" "$b"
		tx=$(get "$a" TX-packets)
		expect "$a" TX-packets -ge 1024
		expect "$a" tx_q0_adapter_serviced -eq "$tx"
		expect "$a" tx_q0_reg_pending -eq 0
		expect "$b" rx_q0_no_buffer_drops -gt 0
		nb=$(get "$b" rx_q0_no_buffer_drops)
		expect "$b" RX-missed -eq "$nb"
		rx=$(get "$b" RX-packets)
		expect "$b" rx_q0_completions_reaped -eq "$rx"
		expect "$b" rx_q0_adapter_completions -ge "$rx"
	done
fi

# ---------------------------------------------------------------------------
# 3. promiscuous off: testpmd's tx_first frames go to 02:00:00:00:00:0N, not
#    to the qpring ports' own addresses, so the receiving adapter filters all.
if run filter "--rxd=512 --txd=512" "set promisc all off" "set fwd rxonly" \
	"start tx_first" "stop" "show port stats all" "show port xstats all"; then
	for a in 0 1; do
		b=$((1 - a))
		expect "$a" TX-packets -eq 32
		expect "$b" rx_q0_mac_filter_drops -eq 32
		expect "$b" rx_q0_adapter_completions -eq 0
		expect "$b" RX-packets -eq 0
		conserve "$a" "$b"
	done
fi

if [ "$FAILS" -ne 0 ]; then
	echo "testpmd_counters: $FAILS check(s) FAILED"
	exit 1
fi
echo "testpmd_counters: all checks passed"
