#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Stock dpdk-testpmd attaches, starts, runs, stops, closes and detaches one end of a cable 20
# times while the other end stays up; counters, mbufs, log and exit status are checked.
#
# usage: testpmd_hotplug.sh <path of librte_net_qpring.so>
# Exit 0 pass, 1 fail, 77 skipped (no dpdk-testpmd).
set -eu
. "$(dirname "$0")/../../scripts/qp-lib.sh"

PLUGIN=${1:?usage: testpmd_hotplug.sh <librte_net_qpring.so>}
TESTPMD=${TESTPMD:-dpdk-testpmd}
CYCLES=20
NOLINK_AFTER=10 # after this cycle, net_qpring0 sends one burst with nobody cabled
BURST=32        # testpmd's default packets per burst: what tx_first sends per port
RING=512        # --rxd and --txd
POOL=mb_pool_0  # testpmd's mbuf pool on socket 0

qp_need_tool "$TESTPMD"
qp_plugin_abs

WORK=$(mktemp -d "${TMPDIR:-/tmp}/qpring-tph.XXXXXX")
PREFIX=qptph_$$
# KEEP=1 keeps testpmd's log and the parsed counters for a look afterwards.
cleanup() {
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
	qp_runtime_rm "$PREFIX"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# fail, ok and FAILS: scripts/qp-lib.sh

# The commands, one per line; testpmd runs each before it reads the next, so
# nothing depends on timing. Cycle c (1..CYCLES) begins with "port attach".
cmds() {
	echo "set fwd rxonly"
	c=1
	while [ "$c" -le "$CYCLES" ]; do
		echo "port attach net_qpring1,peer=net_qpring0"
		echo "port start 1"
		echo "start tx_first"
		echo "stop"
		echo "show port stats all"
		echo "show port xstats all"
		echo "port stop 1"
		if [ $((c % 2)) -eq 1 ]; then
			# close releases the port; the device then goes by name
			echo "port close 1"
			echo "device detach net_qpring1"
		else
			echo "port detach 1"
		fi
		echo "dump_mempool $POOL"
		if [ "$c" -eq "$NOLINK_AFTER" ]; then
			# nobody on the cable: link down, the burst fails as no-link
			echo "show port info 0"
			echo "start tx_first"
			echo "stop"
			echo "show port stats 0"
			echo "show port xstats 0"
			echo "dump_mempool $POOL"
		fi
		c=$((c + 1))
	done
	echo "quit"
}

cmds > "$WORK/cmds"
rc=0
timeout -k 5 45 stdbuf -oL "$TESTPMD" -l 0,1 --no-huge --no-pci -m 512 \
	--file-prefix "$PREFIX" -d "$PLUGIN" --vdev net_qpring0 \
	-- -i --total-num-mbufs=8192 --rxd=$RING --txd=$RING \
	< "$WORK/cmds" > "$WORK/log" 2>&1 || rc=$?
LOG=$WORK/log

if [ "$rc" -ne 0 ]; then
	case $rc in
	124 | 137) fail "testpmd did not finish within 45 s (killed by timeout)" ;;
	*) fail "testpmd exited with status $rc" ;;
	esac
else
	ok "testpmd exit status 0"
fi
if grep -q 'Bye' "$LOG"; then
	ok "testpmd said Bye"
else
	fail "testpmd did not reach Bye"
fi
CRASH='segmentation fault\|PANIC\|Aborted\|core dumped'
if grep -qi "$CRASH" "$LOG"; then
	fail "testpmd crashed: $(grep -i -m 1 "$CRASH" "$LOG")"
fi
# At the default level (notice) the driver prints only warnings and errors,
# all "qpring: qpring_<function>(): ...".
if grep -q 'qpring: qpring_' "$LOG"; then
	fail "pmd.net.qpring logged: $(grep -m 3 'qpring: qpring_' "$LOG" | tr '\n' '|')"
else
	ok "no warning or error from pmd.net.qpring"
fi
ERRORS='Failed to\|Invalid port\|Cannot \|not stopped'
if grep -q "$ERRORS" "$LOG"; then
	fail "testpmd or EAL reported an error: $(grep -m 3 "$ERRORS" "$LOG" | tr '\n' '|')"
fi

# Counters by segment: segment c is cycle c (from its "port attach"), segment
# "L" the no-link burst (from "show port info 0"). Only the "NIC statistics",
# "NIC extended statistics" and mempool dumps count; "Forward statistics"
# use the same labels. Records: "<segment> <port|pool> <name> <value>".
awk '
	/testpmd> port attach/ { seg = ++cycle; port = ""; next }
	/testpmd> show port info/ { seg = "L"; port = ""; next }
	/Forward statistics for port|Accumulated forward statistics/ { port = ""; next }
	/NIC (extended )?statistics for port/ {
		for (i = 1; i < NF; i++) if ($i == "port") port = $(i + 1)
		next
	}
	/^mempool </ { port = "pool"; next }
	port == "pool" && /^ +(size|total_cache_count)=/ {
		split($1, kv, "="); print seg, "pool", kv[1], kv[2]; next
	}
	port == "pool" && /^  common_pool_count=/ {
		split($1, kv, "="); print seg, "pool", kv[1], kv[2]; port = ""; next
	}
	/Link status:/ { print seg, "info", "link", $3; next }
	/is attached\. Now total ports/ { print seg, "event", "attached_port", $2; next }
	/Device (net_qpring1 )?is detached/ { print seg, "event", "detached", 1; next }
	port != "" && port != "pool" {
		for (i = 1; i < NF; i++)
			if ($i ~ /^[A-Za-z][A-Za-z0-9_-]*:$/ && $(i + 1) ~ /^[0-9]+$/)
				print seg, port, substr($i, 1, length($i) - 1), $(i + 1)
	}' "$LOG" > "$WORK/rec"

# get SEG PORT NAME: the value printed last in that segment, or nothing.
get() {
	awk -v s="$1" -v p="$2" -v n="$3" \
		'$1 == s && $2 == p && $3 == n { v = $4 } END { print v }' "$WORK/rec"
}

# expect SEG PORT NAME OP VALUE
expect() {
	v=$(get "$1" "$2" "$3")
	if [ -z "$v" ]; then
		fail "segment $1: port $2: $3 not found in testpmd's output"
	elif test "$v" "$4" "$5"; then
		ok "segment $1: port $2 $3 = $v ($4 $5)"
	else
		fail "segment $1: port $2 $3 = $v, expected $4 $5"
	fi
}

# Mbufs of the pool in use, after the segment: size - common pool - caches.
in_use() {
	size=$(get "$1" pool size)
	common=$(get "$1" pool common_pool_count)
	cache=$(get "$1" pool total_cache_count)
	if [ -z "$size" ] || [ -z "$common" ] || [ -z "$cache" ]; then
		echo ""
	else
		echo $((size - common - cache))
	fi
}

min() {
	if [ "$1" -lt "$2" ]; then echo "$1"; else echo "$2"; fi
}

count() {
	n=$(grep -c "$2" "$LOG" || true)
	if [ "$n" -eq "$CYCLES" ]; then
		ok "$n $1"
	else
		fail "$n of $CYCLES $1"
	fi
}
count "attaches" 'is attached\. Now total ports is 2'
count "detaches" 'Device \(net_qpring1 \)\{0,1\}is detached'
count "closes of port 1" 'Port 1 is closed'

nolink=0
c=1
while [ "$c" -le "$CYCLES" ]; do
	[ "$c" -gt "$NOLINK_AFTER" ] && nolink=$BURST
	expect "$c" event attached_port = 1
	expect "$c" event detached -eq 1
	# net_qpring1 is a new port every cycle: this cycle's burst each way.
	expect "$c" 1 TX-packets -eq $BURST
	expect "$c" 1 TX-errors -eq 0
	expect "$c" 1 tx_q0_adapter_serviced -eq $BURST
	expect "$c" 1 tx_q0_no_link_drops -eq 0
	expect "$c" 1 rx_q0_adapter_completions -eq $BURST
	expect "$c" 1 RX-missed -eq 0
	expect "$c" 1 RX-errors -eq 0
	# tx_first's bursts are delivered before rxonly starts, and its first
	# pass over the streams receives a whole burst: nothing is left behind.
	expect "$c" 1 RX-packets -eq $BURST
	expect "$c" 1 rx_q0_completions_reaped -eq $BURST
	# net_qpring0 stays: its counters add up over the cycles.
	expect "$c" 0 TX-packets -eq $((BURST * c))
	expect "$c" 0 TX-errors -eq $nolink
	expect "$c" 0 tx_q0_no_link_drops -eq $nolink
	expect "$c" 0 tx_q0_adapter_serviced -eq $((BURST * c + nolink))
	expect "$c" 0 rx_q0_adapter_completions -eq $((BURST * c))
	expect "$c" 0 RX-missed -eq 0
	expect "$c" 0 RX-errors -eq 0
	expect "$c" 0 RX-packets -eq $((BURST * c))
	expect "$c" 0 rx_q0_completions_reaped -eq $((BURST * c))
	# After the detach only net_qpring0 holds mbufs: a posted buffer in each
	# receive slot. Its send slots hold none: the inline adapter completes a
	# burst before it returns and the driver takes the buffers back at once.
	u=$(in_use "$c")
	want=$RING
	if [ -z "$u" ]; then
		fail "cycle $c: no dump of mempool $POOL"
	elif [ "$u" -eq "$want" ]; then
		ok "cycle $c: $u mbufs in use after the detach"
	else
		fail "cycle $c: $u mbufs in use after the detach, want $want (port 1 left some)"
	fi
	c=$((c + 1))
done

# Between cycles NOLINK_AFTER and NOLINK_AFTER + 1: no stale cable.
expect L info link = down
expect L 0 TX-errors -eq $BURST
expect L 0 tx_q0_no_link_drops -eq $BURST
expect L 0 TX-packets -eq $((BURST * NOLINK_AFTER))
expect L 0 RX-packets -eq $((BURST * NOLINK_AFTER))
expect L 0 rx_q0_adapter_completions -eq $((BURST * NOLINK_AFTER))

if [ "$FAILS" -ne 0 ]; then
	echo "---- testpmd output (last 40 lines) ----"
	tail -n 40 "$LOG"
	echo "testpmd_hotplug: $FAILS check(s) FAILED"
	exit 1
fi
echo "testpmd_hotplug: all checks passed"
