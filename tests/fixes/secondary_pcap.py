#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The qpring authors
# Issue 10, item 4: a secondary process on a capture-file port.
"""Usage: secondary_pcap.py PLUGIN WORKDIR

The issue's reproduction: a hugepage-backed primary dpdk-testpmd owns a
qpring port whose wire is a capture file (tx_pcap); a secondary
dpdk-testpmd attaches and forwards with txonly. The capture file's handles
belong to the primary, so the secondary must refuse clearly (one log line)
and its bursts must move nothing, without crashing (it died with a
segmentation fault, exit 139, calling the primary's handle). The primary
keeps working: its own txonly run writes every frame it counts into the
file. Hugepages: set up here as root (nr_hugepages, a private hugetlbfs),
or the test is skipped (exit 77) with the reason.
"""

import os
import re
import shutil
import sys

import fixes_tools as ft
from fixes_tools import q

HUGEPAGES = 128  # 256 MB: testpmd's primary uses ~100 MB with 4096 mbufs
# As tests/tools/multiprocess.py: the primary's memory far from where a
# secondary's libraries (and ASan's regions) land.
BASE_VIRTADDR = "0x200000000000"


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    plugin = os.path.abspath(sys.argv[1])
    if shutil.which("dpdk-testpmd") is None:
        q.skip("dpdk-testpmd not installed (Debian package dpdk)")
    q.term_as_exit()
    q.require_hugepage_setup()
    c = q.Checks()
    w = os.path.join(os.path.abspath(sys.argv[2]), "secondary-pcap")
    shutil.rmtree(w, ignore_errors=True)
    os.makedirs(w)
    pcap = os.path.join(w, "out.pcap")
    prefix = "fxsp%d" % os.getpid()

    with q.hugepages(HUGEPAGES, os.path.join(w, "hugetlbfs")) as hdir:
        pri = ft.TestPmd(["dpdk-testpmd", "-l", "0,1", "--no-pci", "-m", "192",
                          "--file-prefix", prefix, "--huge-dir", hdir,
                          "--base-virtaddr", BASE_VIRTADDR, "-d", plugin,
                          "--vdev", "net_qpring0,tx_pcap=" + pcap,
                          "--", "-i", "--total-num-mbufs=4096"],
                         os.path.join(w, "primary.log"))
        sec = None
        sent = None
        try:
            if not c.check(pri.ready(60), "primary reached its prompt (log %s)" % pri.log):
                return c.finish()

            # The secondary: attach, forward txonly on the port, stop, quit.
            sec = ft.TestPmd(["dpdk-testpmd", "-l", "0,1", "--proc-type=secondary",
                              "--no-pci", "--file-prefix", prefix, "-d", plugin,
                              "--log-level", "pmd.net.qpring:info", "--", "-i"],
                             os.path.join(w, "secondary.log"))
            if c.check(sec.ready(60), "secondary reached its prompt (log %s)" % sec.log):
                c.check(sec.cmd("set fwd txonly") is not None, "secondary: set fwd txonly")
                c.check(sec.cmd("start") is not None, "secondary: start")
                # Its forwarding lcore calls the send burst: txonly counts
                # what the port does not take as TX-dropped.
                m = sec.cmd_until("show fwd stats all", r"TX-dropped:\s+([1-9]\d*)", 30)
                c.check(m is not None, "secondary: its send bursts ran and took nothing")
                c.check(sec.cmd("stop") is not None, "secondary: stop")
            rc = sec.quit()
            c.eq(ft.exit_text(rc), "0", "secondary exit status (log %s)" % sec.log)
            refusals = [ln for ln in sec.text().splitlines()
                        if "qpring" in ln and "secondary" in ln and "tx_pcap" in ln]
            c.eq(len(refusals), 1, "secondary: log lines refusing the capture-file port")
            for ln in refusals:
                print("  " + ln)

            # The primary: alive, and its own txonly run reaches the file.
            c.check(pri.alive(), "primary still running after the secondary")
            c.check(pri.cmd("set fwd txonly") is not None, "primary: set fwd txonly")
            c.check(pri.cmd("start") is not None, "primary: start")
            m = pri.cmd_until("show port stats 0", r"TX-packets:\s+([1-9]\d{3,})", 30)
            c.check(m is not None, "primary: port 0 sent 1000 frames or more")
            c.check(pri.cmd("stop") is not None, "primary: stop")
            out = pri.cmd("show port stats 0") or ""
            m = re.search(r"TX-packets:\s+(\d+)", out)
            sent = int(m.group(1)) if m else None
            c.check(sent is not None, "primary: port 0 TX-packets: %r" % out)
        finally:
            if sec is not None and sec.alive():
                sec.quit()
            rc = pri.quit()
            c.eq(ft.exit_text(rc), "0", "primary exit status (log %s)" % pri.log)
            q.remove_runtime_dir(prefix)
    # The primary closed the file at exit: every frame it counted is there
    # (and nothing from the secondary), each a whole 64-byte txonly frame.
    if os.path.exists(pcap):
        n, tail, lens = ft.pcap_records(pcap)
        c.check(sent is not None and n == sent and tail == 0,
                "%s: %d whole records, %d bytes after them; the primary sent %r"
                % (pcap, n, tail, sent))
        c.eq(sorted(set(lens)), [64], "record lengths in %s" % pcap)
    else:
        c.check(False, "%s does not exist" % pcap)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
