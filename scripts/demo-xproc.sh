#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# `make demo-xproc`: two dpdk-testpmd processes, each with one net_qpring
# port, cabled through the cross-process wire (a Unix socket and shared
# memory). They forward, each prints its Mpps; then one is killed with
# SIGKILL, the other sees its link go down, the killed one is started again,
# and the link and the traffic come back.
set -eu
. "$(dirname "$0")/qp-lib.sh"

BUILD=${1:-build}
PLUGIN=$(cd "$BUILD" && pwd)/drivers/net/qpring/librte_net_qpring.so
TESTPMD=${TESTPMD:-dpdk-testpmd}
WARMUP=${WARMUP:-2}     # seconds of traffic before a sample
INTERVAL=${INTERVAL:-3} # seconds between the two readings of a sample
LINK_WAIT=${LINK_WAIT:-20}

if ! command -v "$TESTPMD" >/dev/null 2>&1; then
	echo "demo-xproc: $TESTPMD not found (Debian package dpdk)" >&2
	exit 1
fi
if [ ! -f "$PLUGIN" ]; then
	echo "demo-xproc: $PLUGIN not built; run 'make build' first" >&2
	exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/qpring-demo-xproc.XXXXXX")
SOCK=$WORK/xproc.sock
PIDS=""
PREFIXES=""

cleanup() {
	for fd in 3 4 5; do eval "exec $fd>&-" 2>/dev/null || true; done
	for p in $PIDS; do
		kill "$p" 2>/dev/null || true
	done
	for p in $PIDS; do
		wait "$p" 2>/dev/null || true
	done
	[ -n "${DEMO_KEEP:-}" ] && echo "demo-xproc: logs kept in $WORK" || rm -rf "$WORK"
	for p in $PREFIXES; do qp_runtime_rm "$p"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
	echo "demo-xproc: FAIL: $*" >&2
	for l in "$WORK"/*.log; do
		[ -s "$l" ] || continue
		echo "---- last lines of $(basename "$l") ----" >&2
		tail -n 20 "$l" >&2
	done
	exit 1
}

# One testpmd per name (A, B1, B2): its fifo, log, pid, and the count of
# commands sent (testpmd prints "testpmd> " when it is ready for the next).
start_pmd() { # start_pmd NAME FD ROLE MAIN_LCORE
	name=$1 fd=$2 role=$3 main=$4
	prefix=qpdx$$$name
	PREFIXES="$PREFIXES $prefix"
	mkfifo "$WORK/$name.fifo"
	: > "$WORK/$name.log"
	# One lcore forwards: lcore 1 in A, lcore 0 in B, so the two
	# processes' forwarding loops run on different cores.
	timeout -k 5 120 stdbuf -oL "$TESTPMD" -l 0,1 --main-lcore "$main" --no-huge --no-pci \
		-m 512 --file-prefix "$prefix" -d "$PLUGIN" \
		--vdev "net_qpring0,xproc=$SOCK,xproc_role=$role" \
		--log-level pmd.net.qpring:info \
		-- -i --total-num-mbufs=16384 --rxd=1024 --txd=1024 \
		< "$WORK/$name.fifo" > "$WORK/$name.log" 2>&1 &
	eval "PID_$name=$!"
	PIDS="$PIDS $!"
	eval "exec $fd> \"$WORK/$name.fifo\""
	eval "NCMD_$name=0"
	wait_prompt "$name" 1
}

prompts() { grep -o 'testpmd> ' "$WORK/$1.log" 2>/dev/null | wc -l; }

wait_prompt() { # wait_prompt NAME N
	deadline=$(( $(date +%s) + 30 ))
	eval "pid=\$PID_$1"
	while [ "$(prompts "$1")" -lt "$2" ]; do
		kill -0 "$pid" 2>/dev/null || fail "testpmd $1 exited early"
		[ "$(date +%s)" -le "$deadline" ] || fail "testpmd $1 did not answer"
		sleep 0.05
	done
}

cmd() { # cmd NAME FD "command": send it, wait until testpmd has finished it
	eval "n=\$((NCMD_$1 + 1)); NCMD_$1=\$n"
	printf '%s\n' "$3" >&"$2"
	wait_prompt "$1" $((n + 1))
}

mark() { wc -c < "$WORK/$1.log"; }

since() { tail -c +"$(($2 + 1))" "$WORK/$1.log"; } # since NAME OFFSET

# out NAME FD "command" PATTERN: run the command and print its output, once
# a line matching PATTERN (its last line) is in the log.
out() {
	m=$(mark "$1")
	cmd "$1" "$2" "$3"
	deadline=$(( $(date +%s) + 10 ))
	until since "$1" "$m" | grep -q "$4"; do
		[ "$(date +%s)" -le "$deadline" ] || fail "no output of '$3' from $1"
		sleep 0.02
	done
	since "$1" "$m"
}

link_of() { # link_of NAME FD: "up" or "down", from show port info
	out "$1" "$2" "show port info 0" "Link status:" | awk '/Link status:/ { print $3; exit }'
}

wait_link() { # wait_link NAME FD up|down: seconds it took, or fail
	t0=$(date +%s.%N)
	deadline=$(( $(date +%s) + LINK_WAIT ))
	while [ "$(link_of "$1" "$2")" != "$3" ]; do
		[ "$(date +%s)" -le "$deadline" ] || fail "link of $1 not $3 after ${LINK_WAIT}s"
		sleep 0.05
	done
	awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'
}

rate() { # rate NAME FD: "rx Mpps, tx Mpps" over INTERVAL seconds
	out "$1" "$2" "show port stats 0" "Tx-pps:" > /dev/null
	sleep "$INTERVAL"
	out "$1" "$2" "show port stats 0" "Tx-pps:" | awk '
		/Rx-pps:/ { rx = $2 } /Tx-pps:/ { tx = $2 }
		END { printf "%.3f Mpps rx, %.3f Mpps tx", rx / 1e6, tx / 1e6 }'
}

cat <<'EOF'
============================= qpring demo-xproc =============================
Two dpdk-testpmd processes (separate primaries, --no-huge, each its own
--file-prefix), one net_qpring port each, cabled through the cross-process
wire:  A: net_qpring0,xproc=<socket>,xproc_role=server
       B: net_qpring0,xproc=<socket>,xproc_role=client
The Unix socket carries the control protocol; each port shares its receive
rings and buffers as a memfd, and each side's adapter copies a frame straight
into a buffer the other process posted (one copy per frame). io forwarding in
both: what A receives it sends back to B and the other way round.
EOF

echo
echo "== A (server) starts first, then B (client)"
start_pmd A 3 server 0
cmd A 3 "set fwd io"
cmd A 3 "start"
start_pmd B1 4 client 1
cmd B1 4 "set fwd io"
echo "link of A up after $(wait_link A 3 up) s; B: $(link_of B1 4)"
cmd B1 4 "start tx_first 16"
sleep "$WARMUP"
ra=$(rate A 3)
rb=$(rate B1 4)
echo "A: $ra"
echo "B: $rb"
echo "$ra" | awk '{ exit !($1 > 0) }' || fail "A received nothing"
echo "$rb" | awk '{ exit !($1 > 0) }' || fail "B received nothing"

echo
eval "bpid=\$PID_B1"
tp=$(pgrep -P "$bpid" | head -n 1)
[ -n "$tp" ] || fail "cannot find B's testpmd process"
echo "== kill -9 B (testpmd pid $tp) during traffic"
kill -9 "$tp"
wait "$bpid" 2>/dev/null || true
exec 4>&-
echo "link of A down $(wait_link A 3 down) s after the kill"
grep -m 1 'is gone' "$WORK/A.log" | sed 's/^.*qpring: [a-z_]*(): /A: /' || fail "A did not log its peer as gone"
ra=$(rate A 3)
echo "A while alone: $ra"

echo
echo "== B starts again"
start_pmd B2 5 client 1
cmd B2 5 "set fwd io"
echo "link of A up again after $(wait_link A 3 up) s"
cmd B2 5 "start tx_first 16"
sleep "$WARMUP"
ra=$(rate A 3)
rb=$(rate B2 5)
echo "A: $ra"
echo "B: $rb"
echo "$ra" | awk '{ exit !($1 > 0) }' || fail "traffic did not resume at A"
echo "$rb" | awk '{ exit !($1 > 0) }' || fail "traffic did not resume at B"

echo
echo "== stop, and the totals"
for n in B2:5 A:3; do
	name=${n%:*} fd=${n#*:}
	cmd "$name" "$fd" "stop"
	out "$name" "$fd" "show port stats 0" "Tx-pps:" | awk -v n="$name" '
		/RX-packets:/ { printf "%s: RX-packets %s RX-missed %s", n, $2, $4 }
		/TX-packets:/ { printf " TX-packets %s TX-errors %s\n", $2, $4 }'
done
for n in B2:5 A:3; do
	name=${n%:*} fd=${n#*:}
	printf 'quit\n' >&"$fd"
	eval "exec $fd>&-"
	eval "pid=\$PID_$name"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ] || fail "testpmd $name exited with status $rc"
	grep -q 'Bye' "$WORK/$name.log" || fail "testpmd $name did not shut down cleanly"
done
PIDS=""
echo
echo "demo-xproc: OK"
