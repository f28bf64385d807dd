#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Side-by-side benchmark: net_qpring against DPDK's own software PMDs
# (net_ring, net_memif, net_null, virtio_user + vhost, packed ring), all
# driven by the distribution's stock dpdk-testpmd through its stdin, run
# interleaved (one repetition of every driver, then the next repetition).
# Throughput is taken from port counter differences over an interval timed
# here; cycles per packet from testpmd's record-core-cycles. Writes
# samples.csv, results.csv, mpps.png and README.md into the output folder.
#
#   python3 bench/run.py --build build            # full run, < 10 min
#   python3 bench/run.py --build build --quick    # smoke run, < 2 min
#
# Python standard library only; matplotlib (Debian's python3-matplotlib,
# installed here with apt-get when missing) only for the plot.

import argparse
import csv
import datetime
import os
import platform
import re
import signal
import shutil
import statistics
import subprocess
import sys
import threading
import time

TESTPMD = "/usr/bin/dpdk-testpmd"
PROMPT = b"testpmd> "
SIZES = (64, 512, 1500)
MODES = ("io", "txrx")
MODE_TEXT = {
    "io": "io forwarding (start tx_first; each received frame is sent on "
          "the paired port)",
    "txrx": "tx-only + rx-only (testpmd flowgen engine: every port transmits "
            "freshly built frames and receives-and-frees what arrives; "
            "nothing is forwarded)",
}
NOTES = {
    "vhost": "two testpmd processes, one forwarding lcore each, plus their "
             "main lcores: 4 lcores on 2 cores, oversubscribed",
    "qpring_service": "one forwarding lcore and the adapter on a service "
                      "lcore; the main lcore shares the service lcore's core",
}
TX_FIRST_BURSTS = 4          # bursts of 32 frames per port seeded for io
MBUFS = 16384

# Figures the issue asks qpring to reach: (qpring driver, peer, mode,
# frame, minimum ratio qpring/peer).
TARGETS = (
    ("qpring_copy1", "memif", "io", 64, 1.5),
    ("qpring_copy0", "ring", "io", 64, 0.5),
    ("qpring_service", "vhost", "io", 64, 1.0),
    ("qpring_copy1", "memif", "io", 1500, 1.0),
)


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
    return d


class Testpmd:
    """A dpdk-testpmd in interactive mode, fed commands on stdin."""

    def __init__(self, argv, log_path, limit_s):
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

    def cmd(self, text, timeout=10):
        """Send one command; return (output, t_sent, t_prompt)."""
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

    def __init__(self, args, drv, uid, size, limit_s):
        self.drv = drv
        self.specs = drv.procs(uid, size)
        self.uid = uid
        self.args = args
        self.limit_s = limit_s
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
            eal = list(spec.get("lcores", ["-l", "0-1"]))
            eal += ["--no-huge", "--no-pci", "--file-prefix", prefix]
            if "-m" not in spec["eal"]:
                eal += ["-m", "512"]
            eal += spec["eal"]
            app = ["-i", "--disable-link-check",
                   "--total-num-mbufs=%d" % MBUFS] + spec.get("app", []) + \
                self.args.testpmd_args.split()
            log = os.path.join(self.args.logdir, "%s-%s-%d.log"
                               % (self.drv.key, self.uid, i))
            tp = Testpmd([TESTPMD] + eal + ["--"] + app, log, self.limit_s)
            self.tps.append(tp)
            if not tp.started():
                raise BenchError(error_lines(tp.text()))
            want = spec.get("wait_file")
            end = time.monotonic() + 10
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
            tp.cmd("set record-core-cycles on")
        end = time.monotonic() + 15
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

    def close(self):
        """Stop every process; the names of those that would not quit."""
        hung = []
        for tp in self.tps:
            if tp.close() is None:
                hung.append(tp)
        self.hung = len(hung)
        for f in self.files:
            if os.path.exists(f):
                os.unlink(f)
        for p in self.prefixes:
            shutil.rmtree("/var/run/dpdk/" + p, ignore_errors=True)


# --------------------------------------------------------------- reporting

def median_spread(vals):
    med = statistics.median(vals)
    return med, min(vals), max(vals), \
        (100.0 * (max(vals) - min(vals)) / med) if med else 0.0


def summarise(drivers, samples):
    """One row per (driver, mode, frame) with medians and ratios."""
    peers = [d for d in drivers if d.peer and d.available]
    rows = []
    for d in drivers:
        for mode in MODES:
            for size in SIZES:
                got = [s for s in samples if s["driver"] == d.key and
                       s["mode"] == mode and s["frame"] == size]
                row = dict(driver=d.key, label=d.label, mode=mode, frame=size,
                           reps=len(got), busy_cores=d.busy_cores)
                if got:
                    med, lo, hi, spread = median_spread(
                        [s["mpps_port"] for s in got])
                    cyc = [s["cycles_per_pkt"] for s in got
                           if s["cycles_per_pkt"] is not None]
                    row.update(mpps_median=med, mpps_min=lo, mpps_max=hi,
                               spread_pct=spread,
                               cycles_median=statistics.median(cyc)
                               if cyc else None)
                else:
                    row["note"] = d.reason or "no sample"
                rows.append(row)
    index = {(r["driver"], r["mode"], r["frame"]): r for r in rows}
    for r in rows:
        if r["driver"].startswith("qpring") and "mpps_median" in r:
            for p in peers:
                pr = index[(p.key, r["mode"], r["frame"])]
                if pr.get("mpps_median"):
                    r["vs_" + p.key] = r["mpps_median"] / pr["mpps_median"]
    return rows, index, peers


def fmt(v, nd=2):
    if v is None or v == "":
        return "-"
    return ("%%.%df" % nd) % v


def targets_table(index, drivers):
    byk = {d.key: d for d in drivers}
    out = []
    for q, p, mode, size, want in TARGETS:
        qr = index.get((q, mode, size), {})
        pr = index.get((p, mode, size), {})
        if q not in byk or p not in byk:
            status, ratio = "not measured in this run", None
        elif not byk[q].available:
            status, ratio = "not available (%s)" % byk[q].reason, None
        elif not byk[p].available:
            status, ratio = "peer not available (%s)" % byk[p].reason, None
        elif "mpps_median" not in qr or "mpps_median" not in pr:
            status, ratio = "no measurement", None
        else:
            ratio = qr["mpps_median"] / pr["mpps_median"]
            status = ("met" if ratio >= want else
                      "missed by %.0f%%" % (100 * (want - ratio) / want))
        out.append(dict(what="%s / %s, %s, %d B" % (
            byk[q].label if q in byk else q, byk[p].label if p in byk else p,
            mode, size),
                        want=want, ratio=ratio, status=status))
    return out


def text_tables(rows, peers, targets):
    lines = []
    labels = {r["driver"]: r["label"] for r in rows}
    for mode in MODES:
        lines.append("")
        lines.append("Mode %s: Mpps per port, median [min-max] over "
                     "repetitions, and cycles/packet" % mode)
        lines.append("%-25s" % "driver" + "".join(
            "| %-28s" % ("%d B" % s) for s in SIZES))
        for key in labels:
            cells = []
            for size in SIZES:
                r = next(x for x in rows if x["driver"] == key and
                         x["mode"] == mode and x["frame"] == size)
                if "mpps_median" in r:
                    cells.append("%7.2f [%6.2f-%6.2f] %5s" % (
                        r["mpps_median"], r["mpps_min"], r["mpps_max"],
                        fmt(r["cycles_median"], 0)))
                else:
                    cells.append("n/a")
            lines.append("%-25s" % labels[key] +
                         "".join("| %-28s" % c for c in cells))
    lines.append("")
    for key in labels:
        d = next(x for x in rows if x["driver"] == key)
        if d["busy_cores"] > 1:
            lines.append("note: %s keeps both cores busy (%s)" % (
                d["label"], NOTES.get(key, "")))
    lines.append("")
    lines.append("qpring / peer: ratio of median Mpps per port, same run")
    lines.append("%-25s%-6s%6s" % ("qpring", "mode", "frame") +
                 "".join("%12s" % p.key for p in peers))
    for r in rows:
        if r["driver"].startswith("qpring") and "mpps_median" in r:
            lines.append("%-25s%-6s%6d" % (r["label"], r["mode"], r["frame"]) +
                         "".join("%12s" % fmt(r.get("vs_" + p.key))
                                 for p in peers))
    lines.append("")
    lines.append("Targets (same run, io forwarding; inline modes use one "
                 "forwarding lcore)")
    for t in targets:
        lines.append("  %-55s want >= %.2fx  got %-5s %s" % (
            t["what"], t["want"], fmt(t["ratio"]), t["status"]))
    return "\n".join(lines)


def write_csvs(out, samples, rows, peers):
    with open(os.path.join(out, "samples.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["rep", "driver", "mode", "frame_bytes", "mpps_port",
                    "rx_mpps_per_port", "tx_mpps_per_port", "cycles_per_pkt",
                    "interval_s"])
        for s in samples:
            w.writerow([s["rep"], s["driver"], s["mode"], s["frame"],
                        "%.4f" % s["mpps_port"],
                        " ".join("%.4f" % v for v in s["rx"]),
                        " ".join("%.4f" % v for v in s["tx"]),
                        fmt(s["cycles_per_pkt"], 1), "%.4f" % s["interval"]])
    with open(os.path.join(out, "results.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["driver", "label", "mode", "frame_bytes", "reps",
                    "mpps_per_port_median", "mpps_min", "mpps_max",
                    "spread_pct", "cycles_per_pkt_median", "busy_cores"] +
                   ["ratio_vs_" + p.key for p in peers] + ["note"])
        for r in rows:
            w.writerow([r["driver"], r["label"], r["mode"], r["frame"],
                        r["reps"], fmt(r.get("mpps_median"), 3),
                        fmt(r.get("mpps_min"), 3), fmt(r.get("mpps_max"), 3),
                        fmt(r.get("spread_pct"), 1),
                        fmt(r.get("cycles_median"), 1), r["busy_cores"]] +
                       [fmt(r.get("vs_" + p.key), 3) if "vs_" + p.key in r
                        else "" for p in peers] + [r.get("note", "")])


DEBIAN_PYTHON = "/usr/bin/python3"


def can_import_matplotlib(python):
    if python == sys.executable:
        try:
            import matplotlib  # noqa: F401
            return True
        except ImportError:
            return False
    return subprocess.run([python, "-c", "import matplotlib"],
                          capture_output=True).returncode == 0


def ensure_matplotlib():
    """Return an interpreter that can import matplotlib, or None.

    Debian's python3-matplotlib lives in /usr/lib/python3/dist-packages,
    which a python3 from elsewhere on PATH (pyenv, venv) does not see: the
    plot is then drawn by Debian's own /usr/bin/python3."""
    pythons = [sys.executable]
    if os.path.exists(DEBIAN_PYTHON) and \
            os.path.realpath(DEBIAN_PYTHON) != os.path.realpath(sys.executable):
        pythons.append(DEBIAN_PYTHON)
    st = subprocess.run(["dpkg-query", "-W", "-f=${Status}",
                         "python3-matplotlib"], capture_output=True, text=True)
    if "install ok installed" not in st.stdout:
        print("bench: installing python3-matplotlib with apt-get ...",
              flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        cmd = ["timeout", "600", "apt-get", "install", "-y", "-q",
               "--no-install-recommends", "python3-matplotlib"]
        if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode:
            subprocess.run(["timeout", "300", "apt-get", "update", "-q"],
                           env=env, stdout=subprocess.DEVNULL)
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL)
    for py in pythons:
        if can_import_matplotlib(py):
            return py
    return None


def plot(csv_path, png_path, title):
    """Mpps per port by frame size, one line per driver, one panel a mode."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FormatStrFormatter, LogLocator
    with open(csv_path, newline="") as f:
        rows = [r for r in csv.DictReader(f)
                if r["mpps_per_port_median"] not in ("", "-")]
    fig, axes = plt.subplots(1, len(MODES), figsize=(13, 5.2))
    for ax, mode in zip(axes, MODES):
        for key in dict.fromkeys(r["driver"] for r in rows):
            pts = [r for r in rows if r["driver"] == key and r["mode"] == mode]
            if not pts:
                continue
            xs = [int(r["frame_bytes"]) for r in pts]
            med = [float(r["mpps_per_port_median"]) for r in pts]
            lo = [m - float(r["mpps_min"]) for m, r in zip(med, pts)]
            hi = [float(r["mpps_max"]) - m for m, r in zip(med, pts)]
            ours = key.startswith("qpring")
            ax.errorbar(xs, med, yerr=[lo, hi], fmt=("-" if ours else "--") +
                        "o", capsize=3, label=pts[0]["label"],
                        linewidth=2 if ours else 1.2)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.set_xticks(SIZES)
        ax.set_xticklabels([str(s) for s in SIZES])
        ax.minorticks_off()
        ax.set_xlabel("frame size (bytes)")
        ax.set_ylabel("Mpps per port (median; bars: min..max)")
        ax.set_title({"io": "io forwarding",
                      "txrx": "tx-only + rx-only (flowgen)"}[mode])
        ax.grid(True, which="major", alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)
    plt.close(fig)


def draw(python, csv_path, png_path, title):
    if python == sys.executable:
        plot(csv_path, png_path, title)
        return True
    r = subprocess.run(["timeout", "120", python, os.path.abspath(__file__),
                        "--plot", csv_path, png_path, title])
    return r.returncode == 0


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def machine():
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for ln in f:
            if ln.startswith("model name"):
                model = ln.split(":", 1)[1].strip()
                break
    dpdk = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "dpdk"],
                          capture_output=True, text=True).stdout.strip()
    pc = subprocess.run(["pkg-config", "--modversion", "libdpdk"],
                        capture_output=True, text=True).stdout.strip()
    rev = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(
        __file__)), "describe", "--always", "--dirty"],
        capture_output=True, text=True).stdout.strip()
    return dict(nproc=os.cpu_count(), cpu=model, kernel=platform.release(),
                dpdk="%s (Debian package %s)" % (pc or "?", dpdk or "?"),
                qpring=rev or "?",
                date=datetime.datetime.now().astimezone().strftime(
                    "%Y-%m-%d %H:%M %Z"))


def write_readme(out, m, args, drivers, rows, peers, targets, table, elapsed,
                 png):
    L = []
    L.append("<!-- SPDX-License-Identifier: BSD-3-Clause -->")
    L.append("<!-- Generated by bench/run.py; do not edit. -->")
    L.append("# qpring side-by-side benchmark")
    L.append("")
    L.append("Generated by `python3 bench/run.py%s` (`make bench%s`) on %s, "
             "in %.0f s." % (" --quick" if args.quick else "",
                             "-quick" if args.quick else "", m["date"],
                             elapsed))
    L.append("")
    L.append("| machine | |")
    L.append("|---|---|")
    L.append("| nproc | %s |" % m["nproc"])
    L.append("| CPU | %s |" % m["cpu"])
    L.append("| kernel | %s |" % m["kernel"])
    L.append("| DPDK | %s, stock `%s` |" % (m["dpdk"], TESTPMD))
    L.append("| qpring | %s |" % m["qpring"])
    L.append("| load average (1, 5, 15 min) | %s at the start, %s at the end |"
             % (args.load_start, loadavg()))
    L.append("")
    L.append("Files: [results.csv](results.csv) (medians, spread, ratios), "
             "[samples.csv](samples.csv) (every repetition)%s." %
             (", [mpps.png](mpps.png)" if png else ""))
    L.append("")
    if png:
        L.append("![Mpps per port by frame size](mpps.png)")
        L.append("")
    L.append("## Method")
    L.append("")
    L.append("- %d repetitions, interleaved: every driver once, then every "
             "driver again. Each launch measures every mode and frame size "
             "(64, 512, 1500 bytes, `set txpkts`); in-flight frames are "
             "drained (rxonly) between measurements." % args.reps)
    for mode in MODES:
        L.append("- `%s`: %s." % (mode, MODE_TEXT[mode]))
    L.append("- io is seeded with `start tx_first %d` (%d frames per port)."
             % (TX_FIRST_BURSTS, 32 * TX_FIRST_BURSTS))
    L.append("- After %.1f s of warm-up, Mpps come from the difference of "
             "`show port stats all` counters over a %.1f s interval timed by "
             "the script (not from testpmd's pps line); \"Mpps per port\" is "
             "the mean over the ports of received frames." %
             (args.warm, args.window))
    L.append("- Cycles/packet: testpmd's `set record-core-cycles on` figure "
             "(TSC cycles of forwarding-lcore iterations that moved frames, "
             "over the interval), averaged over processes for two-process "
             "setups; a service lcore's cycles are not in it. `perf stat` "
             "has no hardware cycle counter in this VM.")
    L.append("- Every testpmd: `--no-huge --no-pci -m 512`, "
             "`--total-num-mbufs=%d`, `--disable-link-check` (the script waits "
             "for link up itself), its own `--file-prefix`, under `timeout`; "
             "virtio_user adds `--single-file-segments` (its memory is shared "
             "with the vhost process through memfd)." % MBUFS)
    L.append("")
    L.append("| driver | setup | busy cores |")
    L.append("|---|---|---|")
    for d in drivers:
        L.append("| %s | %s | %s |" % (
            d.label, d.lcores_note if d.available else
            "not available: " + d.reason, d.busy_cores))
    L.append("")
    L.append("net_ring ports are created without `nodeaction`: each port has "
             "one ring for Rx and Tx, so io forwarding 0 -> 1 -> 0 makes the "
             "same ring operations per hop as a crossed cable. net_null frames "
             "are never touched (its `size=` devarg is set per frame size). "
             "vhost/virtio_user runs two testpmd processes of 2 lcores each "
             "on 2 cores: oversubscribed.")
    L.append("")
    slow = [d for d in drivers if d.hung]
    for d in slow:
        L.append("**%s: testpmd did not quit within 5 s of `quit` in %d "
                 "launch(es) and was killed** (port stop/close is slow)." %
                 (d.label, d.hung))
        L.append("")
    L.append("Other processes on the machine share its 2 cores with these "
             "runs (see the load average above): the spread columns say how "
             "much that moved the figures.")
    L.append("")
    L.append("## Results")
    L.append("")
    L.append("```")
    L.append(table.strip("\n"))
    L.append("```")
    L.append("")
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("\n".join(L) + "\n")


# -------------------------------------------------------------------- main

def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--plot":
        plot(sys.argv[2], sys.argv[3], sys.argv[4])
        return 0
    ap = argparse.ArgumentParser(description=__doc__ or "qpring benchmark")
    ap.add_argument("--build", required=True,
                    help="meson build directory holding the qpring plugin")
    ap.add_argument("--quick", action="store_true",
                    help="short run (< 2 minutes): fewer, shorter samples")
    ap.add_argument("--out", help="output folder (default doc/bench, or "
                    "<build>/bench-quick with --quick)")
    ap.add_argument("--reps", type=int)
    ap.add_argument("--window", type=float, help="measured interval, s")
    ap.add_argument("--warm", type=float, help="warm-up before it, s")
    ap.add_argument("--budget", type=float,
                    help="stop starting launches after this many seconds")
    ap.add_argument("--only", help="comma-separated driver keys (ring, "
                    "memif, null, vhost, qpring_copy1, qpring_copy0, "
                    "qpring_service)")
    ap.add_argument("--testpmd-args", default="",
                    help="more testpmd application arguments for every "
                    "driver, e.g. \"--rxd=256 --txd=256\"")
    args = ap.parse_args()

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    build = os.path.abspath(args.build)
    plugin = os.path.join(build, "drivers/net/qpring/librte_net_qpring.so")
    if not os.path.exists(plugin):
        sys.exit("bench: %s not found: build first (ninja -C %s)" %
                 (plugin, args.build))
    if args.reps is None:
        args.reps = 2 if args.quick else 5
    if args.window is None:
        args.window = 0.3 if args.quick else 1.5
    if args.warm is None:
        args.warm = 0.15 if args.quick else 0.4
    if args.budget is None:
        args.budget = 95 if args.quick else 550
    out = args.out or (os.path.join(build, "bench-quick") if args.quick
                       else os.path.join(root, "doc/bench"))
    os.makedirs(out, exist_ok=True)
    args.logdir = os.path.join(build, "bench-logs", "run")
    shutil.rmtree(args.logdir, ignore_errors=True)
    os.makedirs(args.logdir)

    mpl_python = ensure_matplotlib()
    args.load_start = loadavg()
    t_start = time.monotonic()
    deadline = t_start + args.budget
    drivers = make_drivers(plugin)
    if args.only:
        keep = args.only.split(",")
        drivers = [d for d in drivers if d.key in keep]
    uid_n = [0]

    def uid():
        uid_n[0] += 1
        return "%d-%d" % (os.getpid(), uid_n[0])

    # Does this build of the plugin accept adapter=service?
    for d in drivers:
        if d.key != "qpring_service":
            continue
        s = Session(args, d, uid(), SIZES[0], 40)
        try:
            s.open()
        except BenchError as e:
            d.available = False
            d.reason = "plugin rejects adapter=service: " + str(e)
        finally:
            s.close()
        print("bench: qpring service adapter: %s" %
              ("available" if d.available else "not available (%s)" % d.reason),
              flush=True)

    per_meas = args.warm + args.window + 0.5
    samples = []
    reps_done = 0
    stopped = False
    for rep in range(args.reps):
        for d in drivers:
            if not d.available:
                continue
            groups = [[s] for s in SIZES] if d.per_size else [list(SIZES)]
            for sizes in groups:
                need = 3 + 2 * len(d.procs("x", 0)) + \
                    per_meas * len(sizes) * len(MODES)
                if time.monotonic() + need > deadline:
                    stopped = True
                    break
                limit = int(60 + need * 3)
                s = Session(args, d, uid(), sizes[0], limit)
                try:
                    s.open()
                    for mode in MODES:
                        for size in sizes:
                            r = s.measure(mode, size, args.warm, args.window)
                            r.update(rep=rep, driver=d.key, mode=mode,
                                     frame=size,
                                     mpps_port=statistics.mean(r["rx"]),
                                     cycles_per_pkt=r["cycles"])
                            samples.append(r)
                            print("bench: rep %d %-22s %-4s %4d B  %7.2f Mpps/"
                                  "port  %s cyc/pkt" % (
                                      rep + 1, d.label, mode, size,
                                      r["mpps_port"], fmt(r["cycles"], 0)),
                                  flush=True)
                except BenchError as e:
                    print("bench: rep %d %s: failed: %s" % (rep + 1, d.label, e),
                          flush=True)
                    if rep == 0 and not any(x["driver"] == d.key
                                            for x in samples):
                        d.reason = str(e)
                finally:
                    s.close()
                    if s.hung:
                        d.hung += 1
                        print("bench: %s: testpmd did not quit within 5 s "
                              "of \"quit\": killed" % d.label, flush=True)
            if stopped:
                break
        if stopped:
            print("bench: time budget (%.0f s) reached: stopping after %d "
                  "complete repetition(s)" % (args.budget, reps_done),
                  flush=True)
            break
        reps_done += 1
    args.reps = reps_done
    for d in drivers:
        if d.available and not any(x["driver"] == d.key for x in samples):
            d.available = False
            d.reason = d.reason or "no sample"

    rows, index, peers = summarise(drivers, samples)
    targets = targets_table(index, drivers)
    table = text_tables(rows, peers, targets)
    elapsed = time.monotonic() - t_start
    m = machine()
    write_csvs(out, samples, rows, peers)
    png = False
    if mpl_python:
        png = draw(mpl_python, os.path.join(out, "results.csv"),
                   os.path.join(out, "mpps.png"),
                   "qpring vs DPDK software PMDs under dpdk-testpmd; %s, "
                   "%s cores; %s" % (m["cpu"], m["nproc"], m["date"]))
    if not png:
        print("bench: matplotlib unavailable: no plot", flush=True)
    write_readme(out, m, args, drivers, rows, peers, targets, table, elapsed,
                 png)
    print(table)
    print("")
    for d in drivers:
        if d.hung:
            print("bench: WARNING: %s: testpmd did not quit within 5 s in %d "
                  "launch(es) (killed)" % (d.label, d.hung))
    print("bench: %d repetition(s) in %.0f s; logs in %s" %
          (reps_done, elapsed, args.logdir))
    print("bench: CSV: %s, %s" % (os.path.join(out, "results.csv"),
                                  os.path.join(out, "samples.csv")))
    if png:
        print("bench: plot: %s" % os.path.join(out, "mpps.png"))
    print("bench: summary: %s" % os.path.join(out, "README.md"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
