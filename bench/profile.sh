#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Where does a qpring forwarding lcore spend its time? Starts dpdk-testpmd
# on two cabled qpring ports, lets it forward, samples only the forwarding
# lcore's thread with perf (cpu-clock: this VM has no hardware counters)
# and prints the hottest functions.
#
#   bench/profile.sh BUILD [DEVARGS] [FWD] [FRAME] [SECONDS]
#   bench/profile.sh build copy=1 io 64 3
#
# DEVARGS go on both ports (e.g. "copy=0" or "adapter=service,copy=1");
# FWD is io or flowgen. The report is kept in BUILD/bench-logs/.
set -eu

build=$(cd "${1:?usage: $0 BUILD [DEVARGS] [FWD] [FRAME] [SECONDS]}" && pwd)
devargs=${2:-copy=1}
fwd=${3:-io}
frame=${4:-64}
secs=${5:-3}
plugin=$build/drivers/net/qpring/librte_net_qpring.so
logs=$build/bench-logs
mkdir -p "$logs"
tag=$(echo "$devargs-$fwd-$frame" | tr ',=' '__')
fifo=$logs/profile-$$.fifo
data=$logs/profile-$tag.data
prefix=qpbench-prof-$$
lcores="-l 0-1"
case $devargs in
*adapter=service*) lcores="--lcores 0@0,1@1,2@0 --main-lcore 2 -s 0x1" ;;
esac

command -v perf >/dev/null || { echo "profile: perf not installed (apt-get install linux-perf)"; exit 77; }
rm -f "$fifo"
mkfifo "$fifo"
# shellcheck disable=SC2086
timeout -k 5 $((secs + 60)) stdbuf -oL dpdk-testpmd $lcores --no-huge --no-pci -m 512 \
	--file-prefix "$prefix" -d "$plugin" \
	--vdev "net_qpring0,$devargs" --vdev "net_qpring1,peer=net_qpring0,$devargs" \
	-- -i --total-num-mbufs=16384 --disable-link-check \
	<"$fifo" >"$logs/profile-$tag.log" 2>&1 &
wrapper=$!
exec 7>"$fifo"
cleanup() {
	exec 7>&- 2>/dev/null || true
	pid=$(pgrep -P "$wrapper" 2>/dev/null || true)
	# Give testpmd a moment to quit, then make sure it is gone.
	sleep 2
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
	wait "$wrapper" 2>/dev/null || true
	rm -f "$fifo"
	rm -rf "/var/run/dpdk/$prefix"
}
trap cleanup EXIT
sleep 2
size=$frame
[ "$fwd" = flowgen ] && size=$((frame + 4))
printf 'set txpkts %s\nset fwd %s\n' "$size" "$fwd" >&7
if [ "$fwd" = io ]; then echo "start tx_first 4" >&7; else echo start >&7; fi
sleep 1
pid=$(pgrep -P "$wrapper")
# stdbuf execs testpmd in place: the wrapper's child is testpmd itself.
tid=$(ps -L -o tid=,comm= -p "$pid" | awk '$2 == "rte-worker-1" { print $1 }')
[ -n "$tid" ] || { echo "profile: no forwarding lcore thread in pid $pid"; exit 1; }
echo "show port stats all" >&7
perf record -q -e cpu-clock -F 9999 -t "$tid" -o "$data" -- sleep "$secs" 2>/dev/null
echo "show port stats all" >&7
printf 'stop\nquit\n' >&7
echo "profile: net_qpring $devargs, $fwd, $frame B, ${secs} s of lcore $tid"
perf report -i "$data" --no-children --sort dso,sym --stdio 2>/dev/null |
	grep -v '^#' | grep -v '^$' | head -25 | tee "$logs/profile-$tag.txt"
