#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The qpring authors
# Issue 10, item 2: the inline adapter with fault injection stranded frames.
"""Usage: fault_forwarding.py PLUGIN WORKDIR [SECONDS]

dpdk-testpmd forwarding between two cabled ports with the inline adapter
and each fault devarg, alone and combined: frames must keep moving for
SECONDS (default 10), in every one of its intervals, and at the end, the
ports stopped, every frame each port sent is accounted for at the other end
(received, missed, received with an error, or lost on the wire). Delays
and reordering run io forwarding, which recirculates the frames tx_first
seeds; errors and drops lose frames for good, which would empty such a
loop, so those run flowgen, which keeps generating. (Before the fix: 64
frames forwarded, then nothing: a completion a fault held back waited for
a burst that never came.)
"""

import os
import re
import shutil
import sys
import time

import fixes_tools as ft
from fixes_tools import q

CONFIGS = [
    "fault_delay=3",
    "fault_delay=100us",
    "fault_ooo=8",
    "fault_delay=3,fault_ooo=8",
    "fault_error=10000",
    "fault_drop=10000",
    "fault_delay=3,fault_ooo=8,fault_error=10000,fault_drop=10000",
    "fault_delay=20us,fault_ooo=16,fault_error=1000,fault_drop=1000,seed=7",
]
INTERVALS = 5


def port_stats(tp, port):
    """{name: value} of 'show port stats <port>'."""
    out = tp.cmd("show port stats %d" % port) or ""
    st = {}
    for k, v in re.findall(r"([A-Za-z-]+):\s+(\d+)", out):
        st.setdefault(k, int(v))
    return st


def xstats(tp, port):
    out = tp.cmd("show port xstats %d" % port) or ""
    return {k: int(v) for k, v in re.findall(r"^(\w+): (\d+)$", out, re.M)}


def sum_x(x, suffix):
    return sum(v for k, v in x.items() if k.startswith("tx_q") and k.endswith(suffix))


def run(plugin, w, devargs, seconds, c):
    prefix = "fxff%d" % os.getpid()
    log = os.path.join(w, re.sub(r"[^a-z0-9]+", "_", devargs) + ".log")
    tp = ft.TestPmd(["dpdk-testpmd", "-l", "0,1", "--no-huge", "--no-pci", "-m", "1024",
                     "--file-prefix", prefix, "-d", plugin,
                     "--vdev", "net_qpring0," + devargs,
                     "--vdev", "net_qpring1,peer=net_qpring0," + devargs,
                     "--", "-i", "--total-num-mbufs=16384"], log)
    try:
        if not c.check(tp.ready(60), "%s: testpmd reached its prompt (log %s)" % (devargs, log)):
            return
        lossy = "fault_error" in devargs or "fault_drop" in devargs
        if lossy:
            c.check(tp.cmd("set fwd flowgen") is not None, "%s: flowgen" % devargs)
            c.check(tp.cmd("start") is not None, "%s: start" % devargs)
        else:
            c.check(tp.cmd("start tx_first") is not None, "%s: start tx_first" % devargs)
        prev = port_stats(tp, 0).get("RX-packets", 0)
        moving = 0
        for i in range(INTERVALS):
            # The measurement window itself: forwarding runs meanwhile.
            time.sleep(seconds / INTERVALS)
            now = port_stats(tp, 0).get("RX-packets", 0)
            moving += now > prev
            print("  %s: interval %d: port 0 received %d frames" % (devargs, i, now - prev))
            prev = now
        c.eq(moving, INTERVALS, "%s: intervals in which frames moved" % devargs)
        c.check(tp.cmd("stop", 60) is not None, "%s: stop" % devargs)
        # Stopped ports: what was in flight is flushed and counted.
        c.check(tp.cmd("port stop all", 60) is not None, "%s: port stop all" % devargs)
        st = [port_stats(tp, p) for p in (0, 1)]
        x = [xstats(tp, p) for p in (0, 1)]
        for a, b in ((0, 1), (1, 0)):
            sent = st[a].get("TX-packets", 0)
            lost = sum_x(x[a], "_fault_wire_drops")
            got = st[b].get("RX-packets", 0) + st[b].get("RX-missed", 0) + \
                st[b].get("RX-errors", 0)
            print("  %s: port %d sent %d, %d lost on the wire; port %d received %d, "
                  "missed %d, errors %d" % (devargs, a, sent, lost, b,
                                            st[b].get("RX-packets", 0),
                                            st[b].get("RX-missed", 0),
                                            st[b].get("RX-errors", 0)))
            c.check(sent > 1000, "%s: port %d sent %d frames" % (devargs, a, sent))
            c.eq(got + lost, sent, "%s: port %d's frames accounted for at port %d" %
                 (devargs, a, b))
    finally:
        rc = tp.quit()
        c.eq(rc, 0, "%s: testpmd exit status" % devargs)
        q.remove_runtime_dir(prefix)


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    plugin = os.path.abspath(sys.argv[1])
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
    if shutil.which("dpdk-testpmd") is None:
        q.skip("dpdk-testpmd not installed (Debian package dpdk)")
    q.term_as_exit()
    c = q.Checks()
    w = os.path.join(os.path.abspath(sys.argv[2]), "fault-forwarding")
    os.makedirs(w, exist_ok=True)
    for devargs in CONFIGS:
        run(plugin, w, devargs, seconds, c)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
