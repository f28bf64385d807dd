#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# dpdk-test's pmd_perf_autotest, which runs on whatever ethdev ports exist,
# over qpring ports.
#
# pmd_perf_autotest polls the ports from a worker lcore (it needs two
# lcores; on this 2-core machine the main lcore mostly sleeps meanwhile).
#  - continuous (the default, DPDK_TEST=...): injects 2048 frames per port,
#    then echoes what each port receives back out of it until 2 s worth of
#    the reported link speed (100 Gbps: ~300 M frames per port) has passed.
#    One port on the loopback wire keeps that to one port's worth (~10 s of
#    CPU). Must pass with no frame refused on transmit.
#  - poll_after_xmit (set_rxtx_sc, interactive): one burst of 2048 frames
#    per port over two cabled ports, received after a pause; every frame
#    must arrive ("0 packets lost").
#  - poll_before_xmit: the same with the poller started first. It gives up
#    after 10000 empty polls, so on a loaded 2-core machine it fails when
#    the sending lcore is descheduled that long: reported, not required.
set -u

PLUGIN=${1:?usage: dpdk_test.sh PLUGIN}
PREFIX=qpdt$$
OUT=$(mktemp)
fail=0
cleanup() { rm -f "$OUT"; rm -rf "/var/run/dpdk/$PREFIX"_*; }
trap cleanup EXIT
trap "exit 1" INT TERM # meson stops an overrunning test with SIGTERM

if ! command -v dpdk-test >/dev/null 2>&1; then
	echo "SKIP: dpdk-test not installed (Debian package dpdk-test)"
	exit 77
fi
if [ "$(nproc)" -lt 2 ]; then
	echo "SKIP: pmd_perf_autotest needs two lcores, this machine has $(nproc) CPU"
	exit 77
fi

EAL="-d $PLUGIN --no-huge --no-pci -m 256 -l 0-1 --log-level=lib.eal:error"

echo "--- pmd_perf_autotest, continuous, one loopback port"
# shellcheck disable=SC2086 # EAL is a word list
DPDK_TEST=pmd_perf_autotest timeout 240 dpdk-test $EAL --file-prefix "${PREFIX}_c" \
	--vdev net_qpring0 > "$OUT" 2>&1
rc=$?
cat "$OUT"
if [ $rc -ne 0 ] || ! grep -q "^Test OK" "$OUT"; then
	echo "FAIL: pmd_perf_autotest (continuous): exit status $rc"
	fail=$((fail + 1))
elif ! grep -q "packet, 0 drop," "$OUT"; then
	echo "FAIL: pmd_perf_autotest (continuous): frames dropped on transmit"
	fail=$((fail + 1))
fi

echo "--- pmd_perf_autotest, poll_after_xmit then poll_before_xmit, two cabled ports"
# shellcheck disable=SC2086
printf '%s\n' 'set_rxtx_sc poll_after_xmit' pmd_perf_autotest \
	'set_rxtx_sc poll_before_xmit' pmd_perf_autotest quit |
	timeout 120 dpdk-test $EAL --file-prefix "${PREFIX}_b" \
	--vdev net_qpring0 --vdev net_qpring1,peer=net_qpring0 > "$OUT" 2>&1
rc=$?
cat "$OUT"
# The two runs' verdicts, in order: "Test OK" or "Test Failed".
first=$(grep -E "^Test (OK|Failed)" "$OUT" | sed -n 1p)
second=$(grep -E "^Test (OK|Failed)" "$OUT" | sed -n 2p)
lost=$(grep -E "^[0-9]+ packets lost" "$OUT" | sed -n 1p)
if [ "$first" != "Test OK" ] || [ "$lost" != "0 packets lost, IDLE 0 times" ]; then
	echo "FAIL: pmd_perf_autotest (poll_after_xmit): '$first', '$lost' (exit status $rc)"
	fail=$((fail + 1))
fi
echo "INFO: pmd_perf_autotest (poll_before_xmit, timing-dependent): ${second:-no verdict}"

[ $fail -eq 0 ] && echo "pmd_perf_autotest: continuous and poll_after_xmit passed"
[ $fail -eq 0 ]
