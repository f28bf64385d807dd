#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# The contenders of the benchmark and how to drive them: dpdk-testpmd in
# interactive mode fed commands on stdin (Testpmd), the process(es) of one
# driver for one launch (Session), and the drivers themselves
# (make_drivers). Used by run.py (Mpps) and ipp.py (instructions per
# packet under callgrind). Python standard library only.

import os
import re
import shutil
import signal
import statistics
import subprocess
import threading
import time

TESTPMD = "/usr/bin/dpdk-testpmd"
PROMPT = b"testpmd> "
TX_FIRST_BURSTS = 4          # bursts of 32 frames per port seeded for io
MBUFS = 16384


class Driver:
    """One contender: how to start its testpmd process(es)."""

    def __init__(self, key, label, peer, lcores_note, busy_cores):
        self.key = key
        self.label = label
        self.peer = peer                # a DPDK peer (ratios are taken to it)
        self.lcores_note = lcores_note
        self.busy_cores = busy_cores
        self.available = True
        self.reason = ""
        self.per_size = False           # one launch per frame size (net_null)
        self.hung = 0                   # launches whose testpmd would not quit


def make_drivers(plugin):
    qp = ["-d", plugin]
    d = []

    x = Driver("ring", "net_ring", True, "1 fwd lcore, 2 ports", 1)
    # Without nodeaction each net_ring port gets one ring used for both Rx
    # and Tx: a port receives what it sent. In io mode port 0 -> 1 -> 0 ...
    # goes through the same enqueue/dequeue per hop as a crossed cable.
    x.procs = lambda uid, size: [dict(
        eal=["--vdev", "net_ring0", "--vdev", "net_ring1"])]
    d.append(x)

    x = Driver("memif", "net_memif", True,
               "1 fwd lcore, server+client ports in one process (copy mode)", 1)

    def memif(uid, size):
        sock = "/run/qpbench-%s.sock" % uid
        arg = "socket=%s,socket-abstract=no" % sock
        return [dict(eal=["--vdev", "net_memif0,role=server," + arg,
                          "--vdev", "net_memif1,role=client," + arg],
                     files=[sock])]
    x.procs = memif
    d.append(x)

    x = Driver("null", "net_null", True,
               "1 fwd lcore, 2 ports; frames of size= bytes, data untouched", 1)
    x.per_size = True
    x.procs = lambda uid, size: [dict(
        eal=["--vdev", "net_null0,size=%d" % size,
             "--vdev", "net_null1,size=%d" % size])]
    d.append(x)

    x = Driver("vhost", "vhost/virtio_user packed", True,
               "2 processes x 1 fwd lcore on 2 cores (main lcores share "
               "them: oversubscribed)", 2)

    def vhost(uid, size):
        sock = "/run/qpbench-%s.sock" % uid
        return [dict(eal=["--vdev",
                          "net_vhost0,iface=%s,queues=1" % sock],
                     app=["--port-topology=loop"], files=[sock],
                     wait_file=sock, name="vhost"),
                dict(eal=["--single-file-segments", "--main-lcore",
                          "1", "--vdev",
                          "virtio_user0,path=%s,packed_vq=1,queues=1" % sock],
                     app=["--port-topology=loop"], seeds=True,
                     name="virtio_user")]
    x.procs = vhost
    d.append(x)

    x = Driver("memif_2p", "net_memif 2 processes", True,
               "server and client ports in two processes, 1 fwd lcore each "
               "(copy mode)", 2)

    def memif2(uid, size):
        sock = "/run/qpbench-%s.sock" % uid
        arg = "socket=%s,socket-abstract=no" % sock
        return [dict(eal=["--vdev", "net_memif0,role=server," + arg],
                     app=["--port-topology=loop"], files=[sock],
                     wait_file=sock, name="server"),
                dict(eal=["--main-lcore", "1", "--vdev",
                          "net_memif0,role=client," + arg],
                     app=["--port-topology=loop"], seeds=True,
                     name="client")]
    x.procs = memif2
    d.append(x)

    def qpring(extra, lcores=None, service=False):
        def f(uid, size):
            p = dict(eal=qp + ["--vdev", "net_qpring0," + extra,
                               "--vdev", "net_qpring1,peer=net_qpring0," + extra])
            if service:
                # EAL takes only lcores of detected cpus as service lcores:
                # service lcore 0 on cpu 0, forwarding lcore 1 on cpu 1, the
                # main lcore 2 (it only reads stdin) shares cpu 0.
                p["lcores"] = ["--lcores", "0@0,1@1,2@0", "--main-lcore", "2",
                               "-s", "0x1"]
            return [p]
        return f

    x = Driver("qpring_copy1", "qpring inline copy=1", False,
               "1 fwd lcore, 2 cabled ports, adapter inline", 1)
    x.procs = qpring("adapter=inline,copy=1")
    d.append(x)
    x = Driver("qpring_copy0", "qpring inline copy=0", False,
               "1 fwd lcore, 2 cabled ports, adapter inline, zero copy", 1)
    x.procs = qpring("adapter=inline,copy=0")
    d.append(x)
    x = Driver("qpring_service", "qpring service copy=1", False,
               "1 fwd lcore + 1 service lcore (adapter) on 2 cores", 2)
    x.procs = qpring("adapter=service,copy=1", service=True)
    d.append(x)
    x = Driver("qpring_xproc", "qpring 2 processes (xproc)", False,
               "server and client ports in two processes cabled by the "
               "cross-process wire, 1 fwd lcore each, adapter inline", 2)

    def xproc(uid, size):
        sock = "/run/qpbench-%s.sock" % uid
        arg = "xproc=%s" % sock
        return [dict(eal=qp + ["--vdev", "net_qpring0,xproc_role=server," + arg],
                     app=["--port-topology=loop"], files=[sock],
                     wait_file=sock, name="server"),
                dict(eal=qp + ["--main-lcore", "1", "--vdev",
                               "net_qpring0,xproc_role=client," + arg],
                     app=["--port-topology=loop"], seeds=True,
                     name="client")]
    x.procs = xproc
    d.append(x)
    return d


class Testpmd:
    """A dpdk-testpmd in interactive mode, fed commands on stdin."""

    def __init__(self, argv, log_path, limit_s, cmd_timeout=10):
        self.cmd_timeout = cmd_timeout
        self.log = open(log_path, "wb")
        self.t_spawn = time.monotonic()
        self.buf = bytearray()
        self.cond = threading.Condition()
        self.argv = ["timeout", "-k", "5", "%d" % limit_s,
                     "stdbuf", "-oL", "-eL"] + argv
        self.log.write((" ".join(self.argv) + "\n").encode())
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        fd = self.proc.stdout.fileno()
        while True:
            data = os.read(fd, 65536)
            with self.cond:
                if not data:
                    self.cond.notify_all()
                    break
                self.buf += data
                self.log.write(data)
                self.cond.notify_all()

    def _prompts(self):
        return self.buf.count(PROMPT)

    def wait_prompts(self, n, timeout):
        end = time.monotonic() + timeout
        with self.cond:
            while self._prompts() < n:
                left = end - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    return False
                self.cond.wait(min(left, 0.2))
        return True

    def started(self, timeout=30):
        ok = self.wait_prompts(1, timeout)
        with self.cond:
            self.log.write(b"\n[bench] first prompt after %.3f s\n"
                           % (time.monotonic() - self.t_spawn))
        return ok

    def cmd(self, text, timeout=None):
        """Send one command; return (output, t_sent, t_prompt)."""
        if timeout is None:
            timeout = self.cmd_timeout
        with self.cond:
            n = self._prompts()
            start = len(self.buf)
        t0 = time.monotonic()
        try:
            self.proc.stdin.write((text + "\n").encode())
            self.proc.stdin.flush()
        except OSError:
            raise BenchError("testpmd exited (writing %r)" % text)
        if not self.wait_prompts(n + 1, timeout):
            raise BenchError("no answer from testpmd to %r" % text)
        t1 = time.monotonic()
        with self.cond:
            out = bytes(self.buf[start:]).decode(errors="replace")
            self.log.write(b"\n[bench] %r answered in %.3f s\n"
                           % (text.encode(), t1 - t0))
        return out, t0, t1

    def program_pid(self):
        """The pid of the program under timeout(1) and stdbuf(1) (stdbuf
        and valgrind exec it: the same pid), or None once it has gone."""
        try:
            with open("/proc/%d/task/%d/children" % (self.proc.pid,
                                                     self.proc.pid)) as f:
                kids = f.read().split()
        except OSError:
            return None
        return int(kids[0]) if kids else None

    def text(self):
        with self.cond:
            return bytes(self.buf).decode(errors="replace")

    def close(self, quit_wait=5):
        """Quit testpmd; kill it (and its timeout wrapper) if it hangs.

        Returns the seconds quit took, or None when it had to be killed."""
        took = 0.0
        if self.proc.poll() is None:
            t0 = time.monotonic()
            try:
                self.proc.stdin.write(b"stop\nquit\n")
                self.proc.stdin.flush()
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=quit_wait)
                took = time.monotonic() - t0
            except subprocess.TimeoutExpired:
                took = None
                # timeout(1) leads its own process group: testpmd is in it.
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait()
        self.reader.join(timeout=5)
        with self.cond:
            self.log.write(b"\n[bench] quit %s\n" % (
                b"took %.3f s" % took if took is not None else
                b"did not finish within %d s: killed" % quit_wait))
        self.log.close()
        return took


class BenchError(Exception):
    pass


STATS_RE = re.compile(r"NIC statistics for port (\d+)\s+#+\s+"
                      r"RX-packets:\s+(\d+).*?TX-packets:\s+(\d+)", re.S)
CYCLES_RE = re.compile(r"CPU cycles/packet=([0-9.]+)")


def port_counters(tp):
    out, t0, t1 = tp.cmd("show port stats all")
    ports = {int(m.group(1)): (int(m.group(2)), int(m.group(3)))
             for m in STATS_RE.finditer(out)}
    if not ports:
        raise BenchError("no port statistics in testpmd's answer")
    return ports, (t0 + t1) / 2


def error_lines(text, limit=3):
    keys = ("fail", "error", "invalid", "expected", "cannot", "no probed")
    lines = [ln.strip() for ln in text.splitlines()
             if any(k in ln.lower() for k in keys)]
    return "; ".join(lines[:limit]) or "testpmd did not come up"


class Session:
    """The testpmd process(es) of one driver for one launch."""

    def __init__(self, args, drv, uid, size, limit_s, wrap=None,
                 app_extra=(), slow=1.0, cycles=True, tag="", lcores=None):
        """wrap(i, spec) gives a command to run testpmd i under (valgrind);
        app_extra: more testpmd arguments; slow: a factor for every timeout
        (valgrind starts and answers slowly); cycles: record-core-cycles;
        lcores: EAL lcore arguments for every process instead of the
        driver's own."""
        self.drv = drv
        self.specs = drv.procs(uid, size)
        self.uid = uid
        self.args = args
        self.limit_s = limit_s
        self.wrap = wrap
        self.app_extra = list(app_extra)
        self.slow = slow
        self.cycles = cycles
        self.tag = tag
        self.lcores = lcores
        self.tps = []
        self.files = [f for s in self.specs for f in s.get("files", [])]
        self.prefixes = []

    def open(self):
        """Start the processes one after the other; wait for links up."""
        for f in self.files:
            if os.path.exists(f):
                os.unlink(f)
        for i, spec in enumerate(self.specs):
            prefix = "qpbench-%s-%d" % (self.uid, i)
            self.prefixes.append(prefix)
            eal = list(self.lcores or spec.get("lcores", ["-l", "0-1"]))
            eal += ["--no-huge", "--no-pci", "--file-prefix", prefix]
            if "-m" not in spec["eal"]:
                eal += ["-m", "512"]
            eal += spec["eal"]
            app = ["-i", "--disable-link-check",
                   "--total-num-mbufs=%d" % MBUFS] + spec.get("app", []) + \
                self.app_extra + self.args.testpmd_args.split()
            log = os.path.join(self.args.logdir, "%s%s-%s-%d.log"
                               % (self.tag, self.drv.key, self.uid, i))
            pre = self.wrap(i, spec) if self.wrap else []
            tp = Testpmd(pre + [TESTPMD] + eal + ["--"] + app, log,
                         self.limit_s, cmd_timeout=10 * self.slow)
            tp.name = spec.get("name", "testpmd")
            self.tps.append(tp)
            if not tp.started(30 * self.slow):
                raise BenchError(error_lines(tp.text()))
            want = spec.get("wait_file")
            end = time.monotonic() + 10 * self.slow
            while want and not os.path.exists(want):
                if time.monotonic() > end:
                    raise BenchError("%s did not appear" % want)
                time.sleep(0.05)
        expect = 2 if len(self.specs) == 1 else 1
        for tp in self.tps:
            out, _, _ = tp.cmd("show port summary all")
            m = re.search(r"Number of available ports: (\d+)", out)
            if not m or int(m.group(1)) != expect:
                raise BenchError(error_lines(tp.text()))
            tp.nports = expect
            if self.cycles:
                tp.cmd("set record-core-cycles on")
        end = time.monotonic() + 15 * self.slow
        for tp in self.tps:
            for port in range(tp.nports):
                while "Link status: up" not in tp.cmd("show port info %d"
                                                      % port)[0]:
                    if time.monotonic() > end:
                        raise BenchError("link of port %d never came up" % port)
                    time.sleep(0.1)

    def measure(self, mode, size, warm, window):
        tps = self.tps
        # Drain what the previous measurement left in flight.
        for tp in tps:
            tp.cmd("set fwd rxonly")
            tp.cmd("start")
        time.sleep(0.1)
        for tp in tps:
            tp.cmd("stop")
        for tp in tps:
            # flowgen takes 4 bytes (the FCS) off the configured length.
            tp.cmd("set txpkts %d" % (size if mode == "io" else size + 4))
            tp.cmd("set fwd %s" % ("io" if mode == "io" else "flowgen"))
        if mode == "io":
            seeders = [tp for tp, s in zip(tps, self.specs) if s.get("seeds")] \
                or tps[:1]
            for tp in tps:
                if tp not in seeders:
                    tp.cmd("start")
            for tp in seeders:
                tp.cmd("start tx_first %d" % TX_FIRST_BURSTS)
        else:
            for tp in tps:
                tp.cmd("start")
        time.sleep(warm)
        first = []
        for tp in tps:
            tp.cmd("clear fwd stats all")
            first.append(port_counters(tp))
        time.sleep(window)
        last = [port_counters(tp) for tp in tps]
        cycles = []
        for tp in tps:
            m = CYCLES_RE.findall(tp.cmd("show fwd stats all")[0])
            if m:
                cycles.append(float(m[-1]))
        for tp in tps:
            tp.cmd("stop", timeout=20)
        rx, tx = [], []
        for (p0, t0), (p1, t1) in zip(first, last):
            dt = t1 - t0
            for port in sorted(p0):
                rx.append((p1[port][0] - p0[port][0]) / dt / 1e6)
                tx.append((p1[port][1] - p0[port][1]) / dt / 1e6)
        return dict(rx=rx, tx=tx, interval=last[0][1] - first[0][1],
                    cycles=statistics.mean(cycles) if cycles else None)

    def close(self, quit_wait=5):
        """Stop every process; the names of those that would not quit."""
        hung = []
        for tp in self.tps:
            if tp.close(quit_wait) is None:
                hung.append(tp)
        self.hung = len(hung)
        for f in self.files:
            if os.path.exists(f):
                os.unlink(f)
        for p in self.prefixes:
            shutil.rmtree("/var/run/dpdk/" + p, ignore_errors=True)
