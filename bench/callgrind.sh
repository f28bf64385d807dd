#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Instructions per forwarded packet, by function, for any testpmd vdev pair:
# a measure that does not depend on what else the machine is running. Runs
# dpdk-testpmd under valgrind's callgrind with instrumentation off, starts io
# forwarding, instruments a window of forwarding only, and divides the
# instruction counts by the packets received in that window.
#
#   bench/callgrind.sh BUILD NAME [FRAME] [SECONDS] -- EAL-ARGS...
#   bench/callgrind.sh build qpring-copy1 64 10 -- \
#       --vdev net_qpring0,copy=1 --vdev net_qpring1,peer=net_qpring0,copy=1
#   bench/callgrind.sh build memif 64 10 -- --vdev net_memif0,role=server,...
#
# The plugin of BUILD is loaded with -d. Output: BUILD/bench-logs/cg-NAME.*
set -eu

usage="usage: $0 BUILD NAME [FRAME] [SECONDS] -- EAL-ARGS..."
build=$(cd "${1:?$usage}" && pwd)
name=${2:?$usage}
shift 2
frame=64
secs=10
[ "${1:-}" != "--" ] && { frame=$1; shift; }
[ "${1:-}" != "--" ] && { secs=$1; shift; }
[ "${1:-}" = "--" ] || { echo "$usage"; exit 2; }
shift
command -v valgrind >/dev/null || { echo "callgrind: valgrind not installed"; exit 77; }

plugin=$build/drivers/net/qpring/librte_net_qpring.so
logs=$build/bench-logs
mkdir -p "$logs"
fifo=$logs/cg-$$.fifo
out=$logs/cg-$name.out
log=$logs/cg-$name.log
prefix=qpbench-cg-$$
rm -f "$fifo" "$out"*
mkfifo "$fifo"
# --fair-sched: the main lcore must get its turn to answer commands while
# the forwarding lcore spins (valgrind runs one thread at a time).
timeout -k 5 $((secs * 4 + 600)) stdbuf -oL valgrind --tool=callgrind --instr-atstart=no \
	--fair-sched=yes \
	--callgrind-out-file="$out" dpdk-testpmd -l 0-1 --no-huge --no-pci -m 512 \
	--file-prefix "$prefix" -d "$plugin" "$@" \
	-- -i --total-num-mbufs=16384 --disable-link-check <"$fifo" >"$log" 2>&1 &
wrapper=$!
exec 7>"$fifo"
cleanup() {
	exec 7>&- 2>/dev/null || true
	pid=$(pgrep -P "$wrapper" 2>/dev/null || true)
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
	wait "$wrapper" 2>/dev/null || true
	rm -f "$fifo"
	rm -rf "/var/run/dpdk/$prefix"
}
trap cleanup EXIT

# Wait for the prompt (valgrind makes EAL start slowly).
i=0
until grep -q 'testpmd> ' "$log" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 600 ] && { echo "callgrind: testpmd did not start; see $log"; exit 1; }
	sleep 0.2
done
pid=$(pgrep -P "$wrapper")

prompts() { grep -o 'testpmd> ' "$log" 2>/dev/null | wc -l; }

rx_total() { # sum of RX-packets over the ports, from a fresh "show port stats all"
	n=$(prompts)
	echo "show port stats all" >&7
	j=0
	# The command's answer is complete when the next prompt shows.
	while [ "$(prompts)" -lt $((n + 1)) ]; do
		j=$((j + 1))
		if [ $j -gt 3000 ]; then
			echo "callgrind: no answer to 'show port stats all' in 300 s; see $log" >&2
			exit 1
		fi
		sleep 0.1
	done
	grep -A2 'NIC statistics for port' "$log" | grep 'RX-packets' |
		tail -n "$ports" | awk '{ s += $2 } END { print s }'
}

echo "set txpkts $frame" >&7
echo "start tx_first 4" >&7
sleep 3
ports=$(grep -c '^Configuring Port' "$log" || true)
[ "$ports" -ge 1 ] || ports=2
callgrind_control -i on "$pid" >/dev/null 2>&1
r0=$(rx_total) && [ -n "$r0" ] || exit 1
sleep "$secs"
r1=$(rx_total) && [ -n "$r1" ] || exit 1
callgrind_control -d "$pid" >/dev/null 2>&1
callgrind_control -i off "$pid" >/dev/null 2>&1
pkts=$((r1 - r0))
echo "callgrind: $name, io, $frame B: $pkts packets received in the instrumented window"
[ "$pkts" -gt 0 ] || exit 1
sleep 1
data=$(ls -t "$out"* | head -1)
# Self cost by function, summed over the source files inlined into it.
callgrind_annotate --auto=no --threshold=100 "$data" 2>/dev/null |
	sed -n 's/^ *\([0-9,][0-9,]*\) *([ 0-9.]*%) *\(.*\)$/\1 \2/p' |
	awk -v p="$pkts" '{ n = $1; gsub(",", "", n); $1 = "";
	    if ($0 ~ /PROGRAM TOTALS/) { total = n; next }
	    f = $0; sub(/^.*:/, "", f); sub(/ \[.*$/, "", f); sub(/^ +/, "", f);
	    cost[f] += n }
	  END { printf "%8.1f Ir/pkt  all (instrumented window)\n", total / p;
	    for (f in cost) if (cost[f] / p >= 0.5)
	        printf "%8.1f Ir/pkt  %s\n", cost[f] / p, f }' |
	sort -rn | head -20 | tee "$logs/cg-$name.txt"
# How full the bursts were: Ir per packet grows when bursts run part-empty.
awk -v p="$pkts" '
/^c?fn=\([0-9]+\) / { match($0, /\([0-9]+\)/); name[substr($0, RSTART, RLENGTH)] = $2 }
/^cfn=/ { match($0, /\([0-9]+\)/); cur = substr($0, RSTART, RLENGTH); next }
/^calls=/ { split($1, a, "="); if (name[cur] ~ /rx_burst/) calls[name[cur]] += a[2] }
END { for (n in calls) printf "%8.1f packets per %s call\n", p / calls[n], n }' "$data" |
	tee -a "$logs/cg-$name.txt"
