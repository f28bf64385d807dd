#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The qpring authors
# Secondary processes on qpring ports: dpdk-proc-info reads the primary's
# stats and xstats, dpdk-dumpcap captures the frames crossing a port.
"""Usage: multiprocess.py QP_PRIMARY PLUGIN

A primary (tests/tools/qp_primary) on hugepages owns two cabled qpring
ports with two queue pairs each and sends known traffic. Then:
  * dpdk-proc-info (secondary, -d PLUGIN) shows exactly those counters in
    --stats and in --xstats, qpring's own per-queue ones included;
  * dpdk-dumpcap (secondary; it takes no -d, so the plugin is preloaded)
    captures port 0 while frames leave it and then arrive on it, and the
    pcapng file holds exactly those frames, with their directions.
Both ports receive and have rxq_map=same (the receiving port picks the
queue), so each queue's counters are those of the traffic sent on it.
Hugepages: the test reserves them and mounts a private hugetlbfs (root),
or exits 77 saying why. Runs are bounded; the primary reports readiness
and each command's completion on its stdout, dumpcap its start on its own.
"""

import os
import re
import shutil
import sys

import qptools as q

HUGEPAGES = 64          # 128 MB: the primary uses ~20 MB, dumpcap ~10 MB
# A secondary maps the primary's memory at the primary's addresses. Left to
# EAL, the primary reserves its 16 GB of hugepage address space wherever mmap
# puts it, near the shared libraries; in a secondary, whose libraries land
# elsewhere (ASLR) and which under ASan also holds shadow and allocator
# regions, that range is sometimes taken and EAL init fails ("Cannot get a
# virtual area at requested address"; 1 run in 5 under ASan). 32 TB up is
# above ASan's shadow (ends at 0x10007fff7fff) and below its allocator
# (0x600000000000), and far from where libraries and heaps are placed.
BASE_VIRTADDR = "0x200000000000"
N_Q0, LEN_Q0 = 1000, 128
N_Q1, LEN_Q1 = 500, 256
N_CAP, LEN_CAP = 300, 200


def proc_info(c, plugin, prefix, what, log):
    """Run dpdk-proc-info -- --<what>; its output, or None."""
    rc, out = q.run(["dpdk-proc-info", "-d", plugin, "--file-prefix", prefix, "--no-pci",
                     "--log-level", "lib.eal:error", "--", "--" + what], 60, log)
    if not c.eq(rc, 0, "dpdk-proc-info --%s exit status (log %s)" % (what, log)):
        return None
    return out


def parse_stats(out):
    """{port: {'RX-packets': n, ...}} from proc-info --stats."""
    ports, cur = {}, None
    for line in out.splitlines():
        m = re.search(r"NIC statistics for port (\d+)", line)
        if m:
            cur = ports.setdefault(int(m.group(1)), {})
            continue
        if cur is None or "Stats reg" in line:
            continue
        for k, v in re.findall(r"([A-Z]+-[a-z]+):\s+(\d+)", line):
            cur[k] = int(v)
    return ports


def parse_xstats(out):
    """{port: {name: value}} from proc-info --xstats."""
    ports, cur = {}, None
    for line in out.splitlines():
        m = re.search(r"NIC extended statistics for port (\d+)", line)
        if m:
            cur = ports.setdefault(int(m.group(1)), {})
            continue
        m = re.match(r"^([a-z0-9_]+): (\d+)$", line.strip())
        if m and cur is not None:
            cur[m.group(1)] = int(m.group(2))
    return ports


def check_counters(c, plugin, prefix, w, sent0, bytes0, tag):
    """proc-info's view of port 0 (sender) and 1 (receiver) against what
    the primary sent and its own rte_eth_stats_get()."""
    out = proc_info(c, plugin, prefix, "stats", os.path.join(w, "proc-info-stats-%s.log" % tag))
    if out is not None:
        st = parse_stats(out)
        c.check(0 in st and 1 in st, "proc-info --stats shows ports 0 and 1")
        p0, p1 = st.get(0, {}), st.get(1, {})
        c.eq(p0.get("TX-packets"), sent0, "%s: proc-info port 0 TX-packets" % tag)
        c.eq(p0.get("TX-bytes"), bytes0, "%s: proc-info port 0 TX-bytes" % tag)
        c.eq(p1.get("RX-packets"), sent0, "%s: proc-info port 1 RX-packets" % tag)
        c.eq(p1.get("RX-bytes"), bytes0, "%s: proc-info port 1 RX-bytes" % tag)
        c.eq(p0.get("TX-errors"), 0, "%s: proc-info port 0 TX-errors" % tag)
    out = proc_info(c, plugin, prefix, "xstats", os.path.join(w, "proc-info-xstats-%s.log" % tag))
    if out is None:
        return None
    xs = parse_xstats(out)
    x0, x1 = xs.get(0, {}), xs.get(1, {})
    c.eq(x0.get("tx_good_packets"), sent0, "%s: xstats port 0 tx_good_packets" % tag)
    c.eq(x0.get("tx_good_bytes"), bytes0, "%s: xstats port 0 tx_good_bytes" % tag)
    c.eq(x1.get("rx_good_packets"), sent0, "%s: xstats port 1 rx_good_packets" % tag)
    return x0, x1


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    primary_exe, plugin = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    q.term_as_exit()
    for tool in ("dpdk-proc-info", "dpdk-dumpcap"):
        if shutil.which(tool) is None:
            q.skip("%s not installed (Debian package dpdk)" % tool)
    q.require_hugepage_setup()
    c = q.Checks()
    w = q.workdir("multiprocess")
    prefix = "qpmp%d" % os.getpid()
    pcap = os.path.join(w, "port0.pcapng")

    with q.hugepages(HUGEPAGES, os.path.join(w, "hugetlbfs")) as hdir:
        pri = q.Primary(primary_exe,
                        ["-l", "0", "--no-pci", "--file-prefix", prefix, "--huge-dir", hdir,
                         "--base-virtaddr", BASE_VIRTADDR,
                         "--vdev", "net_qpring0,rxq_map=same",
                         "--vdev", "net_qpring1,peer=net_qpring0,rxq_map=same",
                         "--log-level", "pmd.net.qpring:info"],
                        ["--queues", "2"], os.path.join(w, "primary.log"))
        dumpcap = None
        try:
            r = pri.reply(60)
            if not c.eq(r, "ready ports=2 queues=2", "primary ready (log %s)" % pri.out.log.name):
                return c.finish()

            # Traffic on both queue pairs of port 0 towards port 1.
            c.eq(pri.cmd("send 0 0 %d %d" % (N_Q0, LEN_Q0)),
                 "sent %d received %d" % (N_Q0, N_Q0), "primary: QP 0 traffic")
            c.eq(pri.cmd("send 0 1 %d %d" % (N_Q1, LEN_Q1)),
                 "sent %d received %d" % (N_Q1, N_Q1), "primary: QP 1 traffic")
            sent, nbytes = N_Q0 + N_Q1, N_Q0 * LEN_Q0 + N_Q1 * LEN_Q1
            own = q.kv(pri.cmd("stats 0") or "")
            c.eq(own.get("opackets"), sent, "primary's own opackets of port 0")

            # dpdk-proc-info as a secondary: the same numbers, per queue too.
            x = check_counters(c, plugin, prefix, w, sent, nbytes, "before-capture")
            if x is not None:
                x0, x1 = x
                c.eq(x0.get("tx_q0_packets"), N_Q0, "xstats port 0 tx_q0_packets")
                c.eq(x0.get("tx_q1_packets"), N_Q1, "xstats port 0 tx_q1_packets")
                c.eq(x0.get("tx_q0_bytes"), N_Q0 * LEN_Q0, "xstats port 0 tx_q0_bytes")
                c.eq(x1.get("rx_q1_packets"), N_Q1, "xstats port 1 rx_q1_packets")
                # qpring's own: one WQE per frame, every one serviced.
                c.eq(x0.get("tx_q0_wqes_posted"), N_Q0, "xstats port 0 tx_q0_wqes_posted")
                c.eq(x0.get("tx_q1_wqes_posted"), N_Q1, "xstats port 0 tx_q1_wqes_posted")
                c.eq(x0.get("tx_q0_adapter_serviced"), N_Q0,
                     "xstats port 0 tx_q0_adapter_serviced")
                c.eq(x0.get("tx_q0_reg_pending"), 0, "xstats port 0 tx_q0_reg_pending")
                c.check((x0.get("tx_q0_doorbells") or 0) >= 1 and
                        (x0.get("tx_q0_doorbells") or 0) <= N_Q0,
                        "xstats port 0 tx_q0_doorbells in [1, %d]: %r"
                        % (N_Q0, x0.get("tx_q0_doorbells")))
                c.eq(x1.get("rx_q0_completions_reaped"), N_Q0,
                     "xstats port 1 rx_q0_completions_reaped")

            # dpdk-dumpcap as a secondary on port 0. It has no -d option:
            # the plugin is preloaded so that its vdev driver exists there.
            env = dict(os.environ, LD_PRELOAD=plugin)
            dumpcap = q.Background(["dpdk-dumpcap", "--file-prefix", prefix, "-i", "net_qpring0",
                                    "-c", str(2 * N_CAP), "-w", pcap],
                                   os.path.join(w, "dumpcap.log"), env)
            # "Packets captured:" is printed once capture is enabled in the
            # primary (pdump's enable request is synchronous).
            if not c.check(dumpcap.out.wait(rb"Packets captured:", 60) is not None,
                           "dumpcap started (log %s)" % dumpcap.out.log.name):
                return c.finish()
            c.eq(pri.cmd("send 0 0 %d %d" % (N_CAP, LEN_CAP)),
                 "sent %d received %d" % (N_CAP, N_CAP), "primary: traffic out of port 0")
            c.eq(pri.cmd("send 1 1 %d %d" % (N_CAP, LEN_CAP)),
                 "sent %d received %d" % (N_CAP, N_CAP), "primary: traffic into port 0")
            rc = dumpcap.wait(60)
            c.eq(rc, 0, "dumpcap stopped by itself after -c %d packets" % (2 * N_CAP))
            if rc is None:
                dumpcap.stop()
            pk = q.pcapng_packets(pcap) if os.path.exists(pcap) else []
            c.eq(len(pk), 2 * N_CAP, "frames in %s" % pcap)
            out_ = [p for p in pk if p["dir"] == "out"]
            in_ = [p for p in pk if p["dir"] == "in"]
            c.eq(len(out_), N_CAP, "outbound frames captured on port 0")
            c.eq(len(in_), N_CAP, "inbound frames captured on port 0")
            c.eq(sorted({p["hw"] for p in pk}), ["vdev-net_qpring0"],
                 "capture interface (IDB if_hardware)")
            c.check(all(p["origlen"] == LEN_CAP and len(p["frame"]) == LEN_CAP and
                        p["frame"][12:14] == b"\x88\xb5" for p in pk),
                    "every captured frame is one of ours, %d bytes, whole" % LEN_CAP)
            for d, lst in (("out", out_), ("in", in_)):
                seqs = sorted(int.from_bytes(p["frame"][14:18], "little") for p in lst)
                c.eq(seqs, list(range(N_CAP)), "sequence numbers of the %s frames" % d)

            # Counters after the capture: port 0 sent N_CAP more.
            own = q.kv(pri.cmd("stats 0") or "")
            c.eq(own.get("opackets"), sent + N_CAP, "primary's opackets after capture")
            c.eq(own.get("ipackets"), N_CAP, "primary's ipackets of port 0 after capture")
            out = proc_info(c, plugin, prefix, "stats", os.path.join(w, "proc-info-final.log"))
            if out is not None:
                p0 = parse_stats(out).get(0, {})
                c.eq(p0.get("TX-packets"), sent + N_CAP, "proc-info port 0 TX-packets, final")
                c.eq(p0.get("RX-packets"), N_CAP, "proc-info port 0 RX-packets, final")
        finally:
            if dumpcap is not None:
                dumpcap.stop()
            c.eq(pri.close(), 0, "primary exit status")
            q.remove_runtime_dir(prefix)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
