#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# `make demo`: two cabled qpring ports forwarding in stock dpdk-testpmd, with
# per-port Mpps, the driver's extended statistics and its queue registers.
set -eu
. "$(dirname "$0")/qp-lib.sh"

BUILD=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
PLUGIN=$(cd "$BUILD" && pwd)/drivers/net/qpring/librte_net_qpring.so
TESTPMD=${TESTPMD:-dpdk-testpmd}
WARMUP=${WARMUP:-2}     # seconds of traffic before the first sample
INTERVAL=${INTERVAL:-3} # seconds between the two samples
PREFIX=qpdemo$$

if ! command -v "$TESTPMD" >/dev/null 2>&1; then
	echo "demo: $TESTPMD not found (Debian package dpdk)" >&2
	exit 1
fi
if [ ! -f "$PLUGIN" ]; then
	echo "demo: $PLUGIN not built; run 'make build' first" >&2
	exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/qpring-demo.XXXXXX")
FIFO=$WORK/cmd
LOG=$WORK/testpmd.log
PMD_PID=
mkfifo "$FIFO"

cleanup() {
	exec 3>&- 2>/dev/null || true
	if [ -n "$PMD_PID" ] && kill -0 "$PMD_PID" 2>/dev/null; then
		kill "$PMD_PID" 2>/dev/null || true
		wait "$PMD_PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
	qp_runtime_rm "$PREFIX"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
	echo "demo: FAIL: $*" >&2
	if [ -s "$LOG" ]; then
		echo "---- last lines of testpmd's output ----" >&2
		tail -n 25 "$LOG" >&2
	fi
	exit 1
}

# testpmd prints "testpmd> " each time it is ready for a command: the count
# of prompts tells how many commands it has finished.
prompts() {
	grep -o 'testpmd> ' "$LOG" 2>/dev/null | wc -l
}
NCMD=0
wait_prompt() { # wait_prompt N: until N prompts have been printed
	deadline=$(( $(date +%s) + 20 ))
	while [ "$(prompts)" -lt "$1" ]; do
		kill -0 "$PMD_PID" 2>/dev/null || fail "testpmd exited early"
		[ "$(date +%s)" -le "$deadline" ] || fail "testpmd did not answer"
		sleep 0.05
	done
}
cmd() { # send one command and wait until testpmd has finished it
	NCMD=$((NCMD + 1))
	printf '%s\n' "$1" >&3
	wait_prompt $((NCMD + 1))
}
mark() { # byte offset of the log's end, to cut out one command's output
	wc -c < "$LOG"
}

cat <<'EOF'
================================ qpring demo ================================
Two net_qpring ports cabled back to back (net_qpring1,peer=net_qpring0) run in
stock dpdk-testpmd (plugin loaded with -d), io forwarding on one lcore: every
frame port 0 receives is sent out of port 1 and vice versa.

Every queue is a ring of slots; each slot holds one work queue element (WQE)
and its own completion indicator. The driver writes WQEs only into slots whose
indicator says "completed", then rings the doorbell once per burst: it writes
the virtual address of the newest WQE into the doorbell register and adds the
number of new WQEs to the pending register. The emulated adapter services
slots, sets their indicators and decrements pending; the in-service bit says
whether the WQE the doorbell points at has been serviced.
=============================================================================
EOF

timeout -k 5 45 stdbuf -oL "$TESTPMD" -l 0,1 --no-huge --no-pci -m 1024 \
	--file-prefix "$PREFIX" -d "$PLUGIN" \
	--vdev net_qpring0 --vdev net_qpring1,peer=net_qpring0 \
	-- -i --total-num-mbufs=16384 < "$FIFO" > "$LOG" 2>&1 &
PMD_PID=$!
exec 3> "$FIFO"
wait_prompt 1

echo
echo "== traffic: start tx_first, ${WARMUP}s warm-up, then a ${INTERVAL}s sample"
cmd "set fwd io"
cmd "start tx_first"
sleep "$WARMUP"
cmd "show port stats all"
t0=$(date +%s.%N)
sleep "$INTERVAL"
m=$(mark)
cmd "show port stats all"
t1=$(date +%s.%N)
tail -c +"$((m + 1))" "$LOG" > "$WORK/sample"

# The second "show port stats" gives Rx-pps/Tx-pps over the interval since
# the first one (testpmd times it with the TSC).
awk -v t0="$t0" -v t1="$t1" '
	/NIC statistics for port/ { port = $6 }
	/Rx-pps:/ { rx[port] = $2 }
	/Tx-pps:/ { tx[port] = $2; n++; order[n] = port }
	END {
		printf "measured interval %.2f s\n", t1 - t0
		for (i = 1; i <= n; i++)
			printf "port %s: %.2f Mpps rx, %.2f Mpps tx\n", order[i],
			       rx[order[i]] / 1e6, tx[order[i]] / 1e6
	}' "$WORK/sample" | tee "$WORK/rates"
[ "$(grep -c '^port ' "$WORK/rates")" -eq 2 ] || fail "no per-port rates in testpmd's output"

m=$(mark)
cmd "stop"
cmd "show port stats all"
cmd "show port xstats all"
tail -c +"$((m + 1))" "$LOG" > "$WORK/final"

echo
echo "== totals after stop"
awk '
	/Forward statistics for port/ { fwd = 1 }
	/NIC statistics for port/ { fwd = 0; port = $6 }
	!fwd && /RX-packets:/ { printf "port %s: RX-packets %s  RX-missed %s", port, $2, $4 }
	!fwd && /TX-packets:/ { printf "  TX-packets %s  TX-errors %s\n", $2, $4 }
' "$WORK/final" | tee "$WORK/totals"
# Traffic flowed if both ports received and sent something.
awk '$4 + 0 == 0 || $8 + 0 == 0 { bad = 1 } END { exit bad || NR != 2 }' \
	"$WORK/totals" || fail "no traffic flowed"

echo
echo "== driver extended statistics (show port xstats all), queue pair 0"
awk '
	function hex(v,   s, d) { # awk %x stops at 32 bits; VAs are wider
		s = ""
		do { d = v % 16; s = substr("0123456789abcdef", d + 1, 1) s; v = (v - d) / 16 } while (v > 0)
		return "0x" s
	}
	/NIC extended statistics for port/ { port = $NF; np++; ports[np] = port; next }
	/^(rx|tx)_q[0-9]+_[a-z_]+: / {
		name = substr($1, 1, length($1) - 1)
		if (!(name in seen)) { seen[name] = 1; names[++nn] = name }
		val[port, name] = $2
	}
	END {
		printf "  %-30s", "xstat"
		for (p = 1; p <= np; p++) printf " %20s", "port " ports[p]
		printf "\n"
		for (i = 1; i <= nn; i++) {
			printf "  %-30s", names[i]
			for (p = 1; p <= np; p++) {
				v = val[ports[p], names[i]]
				if (names[i] ~ /reg_doorbell$/) v = hex(v)
				printf " %20s", v
			}
			printf "\n"
		}
	}' "$WORK/final"

echo
echo "== register file of both ports (telemetry /qpring/regs,<port_id>)"
cat <<'EOF'
   sqN/rqN      send/receive queue N (queue pair N)
   doorbell     raw doorbell register: VA of the newest WQE | in-service bit (bit 0)
   doorbell_va  the VA of the newest WQE, the slot the last doorbell named
   in_service   1 while the WQE at doorbell_va is not yet serviced
   pending      WQEs notified to the adapter and not yet serviced (for an Rx
                queue: empty buffers posted and waiting for frames)
   driver_index / adapter_index  free-running slot counters of each side
   done_slots   slots whose completion indicator reads "completed"
EOF
timeout 10 python3 "$HERE/qpring-telemetry.py" --file-prefix "$PREFIX" --wait 5 regs 0 1 ||
	fail "telemetry query /qpring/regs failed"

NCMD=$((NCMD + 1))
printf 'quit\n' >&3
exec 3>&-
rc=0
wait "$PMD_PID" || rc=$?
PMD_PID=
[ "$rc" -eq 0 ] || fail "testpmd exited with status $rc"
grep -q 'Bye' "$LOG" || fail "testpmd did not shut down cleanly"
echo
echo "demo: OK (testpmd exited cleanly)"
