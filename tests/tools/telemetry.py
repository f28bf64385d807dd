#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The qpring authors
# Telemetry: ethdev's stats/xstats of qpring ports and qpring's own
# /qpring/regs command, read over the primary's telemetry socket.
"""Usage: telemetry.py QP_PRIMARY

A primary (tests/tools/qp_primary, --no-huge: telemetry needs no
hugepages) owns two cabled qpring ports with three queue pairs and sends
known traffic; the test then connects to
/var/run/dpdk/<prefix>/dpdk_telemetry.v2 (SOCK_SEQPACKET, JSON) and checks
/ethdev/stats, /ethdev/xstats and /qpring/regs against what was sent and
against rte_pmd_qpring_regs_get() in the primary. Both ports receive and
have rxq_map=same (the receiving port picks the queue), so the counters of
queue q are those of the traffic sent on queue q.
"""

import os
import sys

import qptools as q

QUEUES = 3
DESC = 256
TRAFFIC = [(0, 0, 100, 128), (0, 1, 50, 256), (0, 2, 300, 64), (1, 2, 20, 1000)]
REG_KEYS = ["doorbell", "doorbell_va", "in_service", "pending", "size", "ring_va",
            "driver_index", "adapter_index", "done_slots"]
SLOT_BYTES = 32  # rte_pmd_qpring.h: slot i is at ring_va + 32 * i


def sent_by(port, queue=None):
    return sum(n for p, qq, n, _ in TRAFFIC if p == port and queue in (None, qq))


def bytes_by(port, queue=None):
    return sum(n * ln for p, qq, n, ln in TRAFFIC if p == port and queue in (None, qq))


def check_regs(c, tel, pri, port):
    regs = tel.query("/qpring/regs,%d" % port)
    if not c.check(isinstance(regs, dict), "/qpring/regs,%d answers a dict: %r" % (port, regs)):
        return
    c.eq(regs.get("port_id"), port, "/qpring/regs,%d port_id" % port)
    c.eq(regs.get("queue_pairs"), QUEUES, "/qpring/regs,%d queue_pairs" % port)
    want = sorted(["port_id", "queue_pairs"] + ["%s%d" % (d, i) for i in range(QUEUES)
                                                for d in ("sq", "rq")])
    c.eq(sorted(regs), want, "/qpring/regs,%d keys" % port)
    for qid in range(QUEUES):
        # The same registers through the PMD API in the primary.
        api = pri.cmd("regs %d %d" % (port, qid)) or ""
        c.check(api.startswith("regs sq: ") and " rq: " in api,
                "primary regs %d %d: %r" % (port, qid, api))
        sq_api, _, rq_api = api[len("regs sq: "):].partition(" rq: ")
        for d, api_regs in (("sq", q.kv(sq_api)), ("rq", q.kv(rq_api))):
            name = "/qpring/regs,%d %s%d" % (port, d, qid)
            r = regs.get("%s%d" % (d, qid))
            if not c.check(isinstance(r, dict), "%s is a dict: %r" % (name, r)):
                continue
            c.eq(sorted(r), sorted(REG_KEYS), name + " keys")
            # Quiescent ports: telemetry and the API read the same values.
            c.eq(r, api_regs, name + " equals rte_pmd_qpring_regs_get()")
            c.eq(r.get("size"), DESC, name + " size")
            c.eq(r.get("doorbell_va"), r.get("doorbell", 0) & ~0x1f,
                 name + " doorbell_va is the doorbell's VA bits")
            c.eq(r.get("in_service"), r.get("doorbell", 0) & 1,
                 name + " in_service is the doorbell's bit 0")
            if d == "sq":
                n = sent_by(port, qid)
                c.eq(r.get("driver_index"), n, name + " driver_index (WQEs written)")
                c.eq(r.get("adapter_index"), n, name + " adapter_index (WQEs serviced)")
                c.eq(r.get("pending"), 0, name + " pending (inline adapter: none)")
                c.eq(r.get("done_slots"), DESC, name + " done_slots (all completed)")
                if n:
                    c.eq(r.get("doorbell_va"), r["ring_va"] + SLOT_BYTES * ((n - 1) % DESC),
                         name + " doorbell_va is the newest WQE's slot")
                    c.eq(r.get("in_service"), 0, name + " in_service (newest serviced)")
            else:
                n = sent_by(1 - port, qid)
                c.eq(r.get("driver_index"), n, name + " driver_index (frames harvested)")
                c.eq(r.get("adapter_index"), n, name + " adapter_index (frames placed)")
                c.eq(r.get("pending"), DESC, name + " pending (every buffer posted again)")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    q.term_as_exit()
    c = q.Checks()
    w = q.workdir("telemetry")
    prefix = "qptel%d" % os.getpid()
    pri = q.Primary(os.path.abspath(sys.argv[1]),
                    ["-l", "0", "--no-huge", "--no-pci", "-m", "128", "--file-prefix", prefix,
                     "--vdev", "net_qpring0,rxq_map=same",
                     "--vdev", "net_qpring1,peer=net_qpring0,rxq_map=same"],
                    ["--queues", str(QUEUES), "--desc", str(DESC)],
                    os.path.join(w, "primary.log"))
    tel = None
    try:
        if not c.eq(pri.reply(60), "ready ports=2 queues=%d" % QUEUES,
                    "primary ready (log %s)" % pri.out.log.name):
            return c.finish()
        for port, qid, n, ln in TRAFFIC:
            c.eq(pri.cmd("send %d %d %d %d" % (port, qid, n, ln)),
                 "sent %d received %d" % (n, n), "traffic %d/%d" % (port, qid))
        # The socket exists once EAL is up, and EAL was up before "ready".
        try:
            tel = q.Telemetry(prefix)
        except OSError as e:
            c.check(False, "connect to the telemetry socket: %s" % e)
            return c.finish()
        c.check("version" in tel.info, "telemetry greeting: %r" % tel.info)

        ports = tel.query("/ethdev/list")
        c.eq(ports, [0, 1], "/ethdev/list")
        for port in (0, 1):
            st = tel.query("/ethdev/stats,%d" % port) or {}
            c.eq(st.get("opackets"), sent_by(port), "/ethdev/stats,%d opackets" % port)
            c.eq(st.get("obytes"), bytes_by(port), "/ethdev/stats,%d obytes" % port)
            c.eq(st.get("ipackets"), sent_by(1 - port), "/ethdev/stats,%d ipackets" % port)
            c.eq(st.get("ibytes"), bytes_by(1 - port), "/ethdev/stats,%d ibytes" % port)
            c.eq(st.get("oerrors"), 0, "/ethdev/stats,%d oerrors" % port)
            c.eq(st.get("imissed"), 0, "/ethdev/stats,%d imissed" % port)
            # Per-queue arrays of the basic stats (q_opackets[i]).
            qo = st.get("q_opackets") or []
            c.eq(list(qo[:QUEUES]), [sent_by(port, i) for i in range(QUEUES)],
                 "/ethdev/stats,%d q_opackets" % port)

            xs = tel.query("/ethdev/xstats,%d" % port) or {}
            c.eq(xs.get("tx_good_packets"), sent_by(port), "/ethdev/xstats,%d tx_good_packets"
                 % port)
            c.eq(xs.get("rx_good_bytes"), bytes_by(1 - port), "/ethdev/xstats,%d rx_good_bytes"
                 % port)
            for i in range(QUEUES):
                c.eq(xs.get("tx_q%d_wqes_posted" % i), sent_by(port, i),
                     "/ethdev/xstats,%d tx_q%d_wqes_posted" % (port, i))
                c.eq(xs.get("tx_q%d_adapter_serviced" % i), sent_by(port, i),
                     "/ethdev/xstats,%d tx_q%d_adapter_serviced" % (port, i))
                c.eq(xs.get("rx_q%d_completions_reaped" % i), sent_by(1 - port, i),
                     "/ethdev/xstats,%d rx_q%d_completions_reaped" % (port, i))
                c.eq(xs.get("tx_q%d_reg_pending" % i), 0,
                     "/ethdev/xstats,%d tx_q%d_reg_pending" % (port, i))
            check_regs(c, tel, pri, port)

        # Bad parameters fail cleanly (the reply's value is null) and the
        # server keeps answering.
        for bad in ("/qpring/regs", "/qpring/regs,", "/qpring/regs,7", "/qpring/regs,x",
                    "/qpring/regs,0x", "/qpring/regs,-1", "/qpring/regs,99999"):
            c.eq(tel.query(bad), None, "%s fails" % bad)
        helptext = tel.query("/help,/qpring/regs")
        if isinstance(helptext, dict):  # {"/qpring/regs": "text"}
            helptext = helptext.get("/qpring/regs")
        c.check(isinstance(helptext, str) and "port" in helptext.lower(),
                "/help,/qpring/regs: %r" % helptext)
        c.check("/qpring/regs" in (tel.query("/") or []), "/ lists /qpring/regs")
        c.eq(tel.query("/ethdev/list"), [0, 1], "telemetry still answers after bad commands")
    finally:
        if tel is not None:
            tel.close()
        c.eq(pri.close(), 0, "primary exit status")
        q.remove_runtime_dir(prefix)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
