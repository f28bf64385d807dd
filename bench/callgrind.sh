#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Instructions per forwarded packet, by function, for any testpmd vdev pair
# in one process: a measure that does not depend on what else the machine
# is running. A front end to ipp.py (which see for the method: testpmd
# under callgrind, instrumentation on exactly over a window of io
# forwarding whose received packets are counted).
#
#   bench/callgrind.sh BUILD NAME [FRAME] [SECONDS] -- EAL-ARGS...
#   bench/callgrind.sh build qpring-copy1 64 3 -- \
#       --vdev net_qpring0,copy=1 --vdev net_qpring1,peer=net_qpring0,copy=1
#   bench/callgrind.sh build ring 64 3 -- --vdev net_ring0 --vdev net_ring1
#
# The plugin of BUILD is loaded with -d. Prints IPP, packets per receive
# burst (32 when every burst is full) and the 20 biggest functions; the
# callgrind files are kept in BUILD/bench-logs/ipp/callgrind/. For the
# drivers of the benchmark by name (and two-process setups) use ipp.py.
set -eu

usage="usage: $0 BUILD NAME [FRAME] [SECONDS] -- EAL-ARGS..."
build=${1:?$usage}
name=${2:?$usage}
shift 2
frame=64
secs=3
[ "${1:-}" != "--" ] && { frame=$1; shift; }
[ "${1:-}" != "--" ] && { secs=$1; shift; }
[ "${1:-}" = "--" ] || { echo "$usage"; exit 2; }
shift
exec python3 "$(dirname "$0")/ipp.py" --build "$build" --name "$name" \
	--sizes "$frame" --window "$secs" --top 20 -- "$@"
