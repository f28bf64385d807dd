#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The qpring authors
# dpdk-proc-info --show-rx-descriptor / --show-tx-descriptor against a
# primary that owns two cabled qpring ports (tests/tools/qp_primary).
"""Usage: procinfo_desc.py QP_PRIMARY PLUGIN

The primary sends 100 frames from port 0 to port 1 and receives them.
dpdk-proc-info (a secondary) then dumps 8 descriptors of queue 0 of both
ports in both directions through rte_eth_rx/tx_descriptor_dump(): each
dump names its queue, its ring and the indexes the traffic left (driver
and adapter index 100 where 100 frames went, 0 elsewhere), and one line
per slot from the driver's index on, POSTED (adapter) for the receive
buffers waiting for frames, DONE (driver) for the send slots. Hugepages
as in tests/tools/multiprocess.py (root), else skipped.
"""

import os
import re
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import qptools as q  # noqa: E402

HUGEPAGES = 48
BASE_VIRTADDR = "0x200000000000"  # see tests/tools/multiprocess.py
RING = 64
N, LEN = 100, 128
NUM = 8

HEAD = re.compile(r"qpring port (\d+) (rx|tx) queue (\d+): (\d+) slots at (0x[0-9a-f]+), "
                  r"doorbell (0x[0-9a-f]+|0) \(in service (\d)\), pending (\d+), "
                  r"driver index (\d+), adapter index (\d+)")
SLOT = re.compile(r"^\s+(\d+)\s+(\d+)\s+(0x[0-9a-f]+|0)\s+(\d+)\s+(0x[0-9a-f]+|0)\s+(\d+)\s+"
                  r"(0x[0-9a-f]+|0)\s+(\d+)\s+(\S+) (DONE \(driver\)|POSTED \(adapter\))$")


def parse(out):
    """{(port, 'rx'|'tx'): {'head': dict, 'slots': [dict]}} from proc-info."""
    dumps, cur = {}, None
    for line in out.splitlines():
        m = HEAD.search(line)
        if m:
            g = m.groups()
            cur = {"head": {"size": int(g[3]), "in_service": int(g[6]), "pending": int(g[7]),
                            "driver": int(g[8]), "adapter": int(g[9])},
                   "slots": []}
            dumps[(int(g[0]), g[1])] = cur
            continue
        m = SLOT.match(line)
        if m and cur is not None:
            g = m.groups()
            cur["slots"].append({"offset": int(g[0]), "slot": int(g[1]),
                                 "addr": int(g[2], 16), "len": int(g[3]),
                                 "flags": int(g[4], 16), "cookie": int(g[6], 16),
                                 "status": g[8], "ind": g[9].split()[0]})
    return dumps


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    primary_exe, plugin = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    q.term_as_exit()
    if shutil.which("dpdk-proc-info") is None:
        q.skip("dpdk-proc-info not installed (Debian package dpdk)")
    q.require_hugepage_setup()
    c = q.Checks()
    w = q.workdir("nic-procinfo-desc")
    prefix = "qpnicpi%d" % os.getpid()

    with q.hugepages(HUGEPAGES, os.path.join(w, "hugetlbfs")) as hdir:
        pri = q.Primary(primary_exe,
                        ["-l", "0", "--no-pci", "--file-prefix", prefix, "--huge-dir", hdir,
                         "--base-virtaddr", BASE_VIRTADDR,
                         "--vdev", "net_qpring0", "--vdev", "net_qpring1,peer=net_qpring0"],
                        ["--queues", "1", "--desc", str(RING)], os.path.join(w, "primary.log"))
        try:
            r = pri.reply(60)
            if not c.eq(r, "ready ports=2 queues=1", "primary ready (log %s)" % pri.out.log.name):
                return c.finish()
            c.eq(pri.cmd("send 0 0 %d %d" % (N, LEN)), "sent %d received %d" % (N, N),
                 "primary: traffic from port 0 to port 1")
            log = os.path.join(w, "proc-info.log")
            rc, out = q.run(["dpdk-proc-info", "-d", plugin, "--file-prefix", prefix,
                             "--no-pci", "--log-level", "lib.eal:error", "--",
                             "--show-rx-descriptor", "0:0:%d" % NUM,
                             "--show-tx-descriptor", "0:0:%d" % NUM], 60, log)
            c.eq(rc, 0, "dpdk-proc-info exit status (log %s)" % log)
            d = parse(out)
            c.eq(sorted(d), [(0, "rx"), (0, "tx"), (1, "rx"), (1, "tx")],
                 "a qpring dump of each direction of both ports (log %s)" % log)
            # Where the 100 frames went: port 0 sent, port 1 received.
            moved = {(0, "tx"): N, (1, "rx"): N, (0, "rx"): 0, (1, "tx"): 0}
            for key, idx in sorted(moved.items()):
                if key not in d:
                    continue
                port, dr = key
                h, slots = d[key]["head"], d[key]["slots"]
                what = "port %d %s queue 0" % key
                c.eq(h["size"], RING, what + ": slots")
                c.eq((h["driver"], h["adapter"]), (idx, idx),
                     what + ": driver and adapter index")
                c.eq(h["pending"], RING if dr == "rx" else 0, what + ": pending")
                c.eq([s["slot"] for s in slots], [(idx + i) % RING for i in range(NUM)],
                     what + ": slot lines from the driver's index")
                c.eq([s["offset"] for s in slots], list(range(NUM)), what + ": offsets")
                if dr == "rx":
                    c.check(all(s["ind"] == "POSTED" and s["flags"] == 0x2 and s["addr"] != 0
                                and s["cookie"] != 0 and s["len"] > 0 for s in slots),
                            what + ": every slot a posted receive buffer: %r" % slots[:2])
                else:
                    c.check(all(s["ind"] == "DONE" for s in slots),
                            what + ": every send slot completed: %r" % slots[:2])
                    c.eq(h["in_service"], 0, what + ": in service")
        finally:
            c.eq(pri.close(), 0, "primary exit status")
            q.remove_runtime_dir(prefix)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
