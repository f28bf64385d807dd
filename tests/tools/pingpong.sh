#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Runs examples/qp_pingpong briefly, on one lcore and on two: every request
# answered on its own queue pair, a histogram, and a register dump in which
# every send queue is fully serviced (pending 0, in-service bit clear).
set -u

EXE=${1:?usage: pingpong.sh QP_PINGPONG}
COUNT=4000
QPS=4
PER_QP=$((COUNT / QPS))
PREFIX=qpping$$
fail=0
checks=0

check() { # check DESCRIPTION COMMAND...
	what=$1
	shift
	checks=$((checks + 1))
	if ! "$@"; then
		echo "FAIL: $what"
		fail=$((fail + 1))
	fi
}

OUT=$(mktemp)
cleanup() { rm -rf "$OUT" "/var/run/dpdk/$PREFIX"_*; }
trap cleanup EXIT
trap "exit 1" INT TERM # meson stops an overrunning test with SIGTERM

for lcores in 0 0-1; do
	echo "--- qp_pingpong -l $lcores --count $COUNT --qps $QPS"
	timeout 60 "$EXE" --no-huge --no-pci -m 128 -l "$lcores" \
		--file-prefix "${PREFIX}_$lcores" --log-level=lib.eal:error \
		-- --count $COUNT --qps $QPS > "$OUT" 2>&1
	rc=$?
	cat "$OUT"
	check "-l $lcores: exit status $rc, want 0" [ "$rc" -eq 0 ]
	check "-l $lcores: all answered on their own QP" \
		grep -q "answered $COUNT of $COUNT requests on their own QP, 0 on another" "$OUT"
	check "-l $lcores: latency summary" grep -q "round-trip latency, $COUNT samples" "$OUT"
	check "-l $lcores: histogram rows" [ "$(grep -cE '^  (<|>=) *[0-9]+ ns' "$OUT")" -eq 12 ]
	q=0
	while [ $q -lt $QPS ]; do
		check "-l $lcores: qp$q row" grep -qE "^$q +$PER_QP +$PER_QP +$PER_QP +0$" "$OUT"
		idx="driver_index=$PER_QP adapter_index=$PER_QP "
		for side in ping pong; do
			check "-l $lcores: $side qp$q SQ serviced" grep -qE \
				"^  $side qp$q +SQ .* in_service=0 pending=0 $idx" "$OUT"
			check "-l $lcores: $side qp$q RQ registers" grep -qE "^  $side qp$q +RQ \
doorbell_va=0x[0-9a-f]+ \(slot [0-9]+\) in_service=[01] pending=[0-9]+ $idx" "$OUT"
		done
		q=$((q + 1))
	done
done

echo "--- bad arguments are refused"
timeout 30 "$EXE" --no-huge --no-pci -m 64 -l 0 --file-prefix "${PREFIX}_bad" \
	--log-level=lib.eal:error -- --qps 0 > "$OUT" 2>&1
rc=$?
check "--qps 0: exit status $rc, want 1" [ "$rc" -eq 1 ]
check "--qps 0: usage printed" grep -q "^usage:" "$OUT"

echo "$checks checks, $fail failed"
[ $fail -eq 0 ]
