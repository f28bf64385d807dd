#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The qpring authors
# Issue 10, item 12: the driver loaded twice into one process.
"""Usage: plugin_twice.py PLUGIN WORKDIR

dpdk-testpmd loads the plugin twice, through two paths (-d PLUGIN and -d a
copy of it under WORKDIR, as when the driver is installed in EAL's plugin
directory and also given with -d). The second copy must say so once, in
one message naming both files, and stay inactive: telemetry lists
/qpring/regs once and it answers; two cabled ports probe and forward.
(Before the fix: /qpring/regs was listed twice and answered null.)
"""

import os
import re
import shutil
import sys

import fixes_tools as ft
from fixes_tools import q


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    plugin = os.path.abspath(sys.argv[1])
    if shutil.which("dpdk-testpmd") is None:
        q.skip("dpdk-testpmd not installed (Debian package dpdk)")
    q.term_as_exit()
    c = q.Checks()
    # EAL loads no plugin from a world-writable directory: the copy goes
    # into the build tree, 0755.
    w = os.path.join(os.path.abspath(sys.argv[2]), "plugin-twice")
    shutil.rmtree(w, ignore_errors=True)
    os.makedirs(os.path.join(w, "copy"), mode=0o755)
    os.chmod(os.path.join(w, "copy"), 0o755)
    copy = os.path.join(w, "copy", os.path.basename(plugin))
    shutil.copy2(plugin, copy)
    prefix = "fxpt%d" % os.getpid()

    tp = ft.TestPmd(["dpdk-testpmd", "-l", "0,1", "--no-huge", "--no-pci", "-m", "512",
                     "--file-prefix", prefix, "-d", plugin, "-d", copy,
                     "--vdev", "net_qpring0", "--vdev", "net_qpring1,peer=net_qpring0",
                     "--log-level", "pmd.net.qpring:info",
                     "--", "-i", "--total-num-mbufs=8192"],
                    os.path.join(w, "testpmd.log"))
    tel = None
    try:
        if not c.check(tp.ready(60), "testpmd reached its prompt (log %s)" % tp.log):
            return c.finish()
        lines = [ln for ln in tp.text().splitlines() if plugin in ln and copy in ln]
        c.eq(len(lines), 1, "messages naming both %s and %s" % (plugin, copy))
        for ln in lines:
            print("  " + ln)

        tel = q.Telemetry(prefix)
        cmds = tel.query("/") or []
        c.eq(cmds.count("/qpring/regs"), 1, "/qpring/regs in telemetry's command list")
        for port in (0, 1):
            regs = tel.query("/qpring/regs,%d" % port)
            c.check(isinstance(regs, dict) and regs.get("port_id") == port,
                    "/qpring/regs,%d answers port %d's registers: %r" % (port, port, regs))

        # The ports work: frames go round the cable.
        out = tp.cmd("start tx_first")
        c.check(out is not None, "start tx_first")
        m = tp.cmd_until("show port stats 1", r"RX-packets:\s+([1-9]\d*)", 30)
        c.check(m is not None, "port 1 receives what port 0 sends")
        out = tp.cmd("stop") or ""
        m = re.search(r"Accumulated forward statistics.*?RX-packets:\s+(\d+).*?"
                      r"TX-packets:\s+(\d+)", out, re.S)
        c.check(m is not None and int(m.group(1)) > 0 and int(m.group(2)) > 0,
                "forwarding moved frames: %s" % (m.group(0).split("\n")[1:3] if m else out))
        regs = tel.query("/qpring/regs,0") or {}
        c.check((regs.get("sq0") or {}).get("driver_index", 0) > 0,
                "/qpring/regs,0 sq0 shows the WQEs sent: %r" % regs.get("sq0"))
    finally:
        if tel is not None:
            tel.close()
        rc = tp.quit()
        c.eq(ft.exit_text(rc), "0", "testpmd exit status (log %s)" % tp.log)
        q.remove_runtime_dir(prefix)
    if c.failed:
        print("---- testpmd output (end) ----")
        print("\n".join(tp.text().splitlines()[-40:]))
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
