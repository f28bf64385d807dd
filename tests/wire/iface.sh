#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The qpring authors
#
# Live-interface wire: a veth pair across two network namespaces, a qpring
# port (iface=) at one end, and at the other an AF_PACKET raw socket, then a
# second qpring process. Frames are raw Ethernet (ethertype 0x88b5), so
# nothing leaves the namespaces. Readiness through fifos, never sleeps;
# every process under timeout. Exit 0 pass, 1 fail, 77 skipped.
# Usage: iface.sh <wire_iface_peer> <iface_raw.py> <work directory>
set -u

peer_bin=$1
raw_py=$2
work=$3
N=200   # frames the initiator sends
M=150   # frames the responder sends back
T=20    # seconds any one process may run

skip() {
	echo "SKIP: $*"
	exit 77
}

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces and a veth pair)"
command -v ip >/dev/null 2>&1 || skip "ip(8) not found (iproute2)"
command -v timeout >/dev/null 2>&1 || skip "timeout(1) not found"
command -v mkfifo >/dev/null 2>&1 || skip "mkfifo(1) not found"
py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) ||
	skip "python3 not found (the raw-socket end)"

tag=$$
token=$(( tag & 0x7fffffff ))
ns1=qpw1_$tag
ns2=qpw2_$tag
va=qpwa$tag
vb=qpwb$tag
dir=$work/iface_$tag
bg=""

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	for p in $bg; do
		kill "$p" 2>/dev/null
	done
	ip netns del "$ns1" 2>/dev/null
	ip netns del "$ns2" 2>/dev/null
	ip link del "$va" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

rm -rf "$dir"
mkdir -p "$dir" || exit 1
ip netns add "$ns1" 2>"$dir/err" || skip "cannot create a network namespace: $(cat "$dir/err")"
ip netns add "$ns2" 2>"$dir/err" || skip "cannot create a network namespace: $(cat "$dir/err")"
ip link add "$va" type veth peer name "$vb" 2>"$dir/err" ||
	skip "cannot create a veth pair: $(cat "$dir/err")"
ip link set "$va" netns "$ns1" && ip link set "$vb" netns "$ns2" || exit 1
for nsif in "$ns1:$va" "$ns2:$vb"; do
	ns=${nsif%%:*}
	ifc=${nsif#*:}
	# No IPv6 chatter (router solicitations, MLD) on the link: only our frames.
	ip netns exec "$ns" sysctl -q -w "net.ipv6.conf.$ifc.disable_ipv6=1" >/dev/null 2>&1
	ip -n "$ns" link set "$ifc" up || exit 1
done

fail=0

# Wait until a process writes its readiness line into fifo $1 (bounded).
await_ready() {
	if ! timeout "$T" sh -c "read -r line < '$1' && [ \"\$line\" = ready ]"; then
		echo "FAIL: no readiness on $1 within ${T}s"
		return 1
	fi
}

# $1 = label, $2 = log file, $3 = exit status
verdict() {
	echo "----- $1 (exit $3)"
	cat "$2"
	if [ "$3" != 0 ]; then
		echo "FAIL: $1 exited $3"
		fail=1
	fi
}

# 1. qpring (ns1, initiator) <-> AF_PACKET raw socket (ns2, responder).
echo "== qpring iface=$va <-> raw socket on $vb: $N frames out, $M back"
mkfifo "$dir/raw.ready" || exit 1
timeout "$T" ip netns exec "$ns2" "$py" "$raw_py" --iface "$vb" --token "$token" \
	--n "$N" --m "$M" --ready "$dir/raw.ready" >"$dir/raw.log" 2>&1 &
raw_pid=$!
bg="$raw_pid"
if await_ready "$dir/raw.ready"; then
	timeout "$T" ip netns exec "$ns1" "$peer_bin" --role initiator --iface "$va" \
		--token "$token" --n "$N" --m "$M" >"$dir/qa1.log" 2>&1
	rc=$?
	verdict "qpring initiator vs raw socket" "$dir/qa1.log" "$rc"
else
	fail=1
fi
wait "$raw_pid"
rc=$?
bg=""
verdict "raw-socket responder" "$dir/raw.log" "$rc"

# 2. qpring (ns1, initiator) <-> qpring (ns2, responder): two processes.
echo "== qpring iface=$va <-> qpring iface=$vb: $N frames out, $M back"
mkfifo "$dir/qp.ready" || exit 1
timeout "$T" ip netns exec "$ns2" "$peer_bin" --role responder --iface "$vb" \
	--token "$token" --n "$N" --m "$M" --ready "$dir/qp.ready" >"$dir/qb.log" 2>&1 &
qb_pid=$!
bg="$qb_pid"
if await_ready "$dir/qp.ready"; then
	timeout "$T" ip netns exec "$ns1" "$peer_bin" --role initiator --iface "$va" \
		--token "$token" --n "$N" --m "$M" >"$dir/qa2.log" 2>&1
	rc=$?
	verdict "qpring initiator vs qpring" "$dir/qa2.log" "$rc"
else
	fail=1
fi
wait "$qb_pid"
rc=$?
bg=""
verdict "qpring responder" "$dir/qb.log" "$rc"

# 3. The interface goes down under a started port.
echo "== qpring iface=$va taken down while started"
timeout "$T" ip netns exec "$ns1" "$peer_bin" --role down --iface "$va" --token "$token" \
	>"$dir/down.log" 2>&1
verdict "interface down" "$dir/down.log" "$?"

[ "$fail" = 0 ] && echo "PASSED" || echo "FAILED"
exit "$fail"
