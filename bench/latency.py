#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Round-trip latency (min, median, p99, p99.9, max, mean) of qpring and
# net_memif, measured by app/qpring-perf in ping-pong mode (--mode lat, one
# ping in flight), at 64 and 1500 bytes:
#
#   qpring_xproc  qpring, server and client processes cabled by the
#                 cross-process wire (xproc=, xproc_role=)
#   memif_2p      net_memif, server and client processes
#   qpring_local  qpring, one process, two cabled ports
#   memif_local   net_memif, one process, server and client ports
#
# A setup whose process refuses a devarg it does not know (a driver built
# before that devarg existed) is skipped with the reason. Writes
# latency.csv and latency.md into --out (default doc/bench) and prints the
# table. Every process runs under timeout(1), with its own --file-prefix;
# sockets live under /run with a unique name and are removed on every path.
#
#   python3 bench/latency.py --build build [--out DIR] [--count N]
#
# Python standard library only.

import argparse
import csv
import datetime
import io
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time

SIZES = (64, 1500)
DEFAULT_COUNT = 20000
WARMUP_S = 0.2            # pings before the measured ones (not counted)
PERF_TIMEOUT_S = 30       # qpring-perf's own --timeout (prints what it has)
PROC_LIMIT_S = 60         # timeout(1) around every process
SERVER_READY_S = 30       # wait for the server's "waiting ... for a client"
SERVER_EXIT_S = 10        # the server leaves on BYE; wait this long for it
EAL_COMMON = ["--no-huge", "--no-pci", "-m", "512"]
SERVER_LCORES = ["-l", "0"]
CLIENT_LCORES = ["-l", "1"]
LOCAL_LCORES = ["-l", "0,1"]   # main lcore pings, worker lcore reflects

# A process that stops on a devarg its driver does not know: the setup is
# skipped (qpring's rte_kvargs_parse refusal, or a later wording of it).
UNKNOWN_DEVARG = re.compile(
    r"cannot parse devargs|unknown (?:devarg|key|argument|parameter)|"
    r"invalid (?:devarg|key)", re.I)
SERVER_WAITING = "for a client"

CSV_FIELDS = ("setup", "processes", "frame_bytes", "count", "lost", "min_us",
              "median_us", "p99_us", "p999_us", "max_us", "mean_us")


class Setup:
    def __init__(self, key, label, processes, qpring, note):
        self.key = key
        self.label = label
        self.processes = processes
        self.qpring = qpring        # loads the plugin with -d
        self.note = note

    def vdevs(self, sock):
        """EAL --vdev arguments: [server, client] or [local]."""
        if self.key == "qpring_xproc":
            arg = "xproc=%s" % sock
            return [["--vdev", "net_qpring0,%s,xproc_role=server" % arg],
                    ["--vdev", "net_qpring0,%s,xproc_role=client" % arg]]
        if self.key == "memif_2p":
            arg = "socket=%s,socket-abstract=no" % sock
            return [["--vdev", "net_memif0,role=server," + arg],
                    ["--vdev", "net_memif0,role=client," + arg]]
        if self.key == "qpring_local":
            return [["--vdev", "net_qpring0",
                     "--vdev", "net_qpring1,peer=net_qpring0"]]
        if self.key == "memif_local":
            arg = "socket=%s,socket-abstract=no" % sock
            return [["--vdev", "net_memif0,role=server," + arg,
                     "--vdev", "net_memif1,role=client," + arg]]
        raise ValueError(self.key)


SETUPS = (
    Setup("qpring_xproc", "qpring, cross-process wire", 2, True,
          "server -l 0 and client -l 1, one port each, cabled by xproc="),
    Setup("memif_2p", "net_memif, two processes", 2, False,
          "server -l 0 and client -l 1, one port each (copy mode)"),
    Setup("qpring_local", "qpring, one process", 1, True,
          "-l 0,1: pinger on lcore 0 (port 0), reflector on lcore 1 "
          "(port 1, cabled to port 0)"),
    Setup("memif_local", "net_memif, one process", 1, False,
          "-l 0,1: pinger on lcore 0 (server port), reflector on lcore 1 "
          "(client port)"),
)


class Skip(Exception):
    """The setup cannot run with this build: not a failure."""


class Failed(Exception):
    """A measurement did not produce figures."""


class Proc:
    """One qpring-perf process under timeout(1); stdout and stderr are
    collected by reader threads and copied to a log file."""

    def __init__(self, argv, log_path):
        self.argv = argv
        self.out = bytearray()
        self.err = bytearray()
        self.cond = threading.Condition()
        self.log = open(log_path, "wb")
        self.log.write((" ".join(argv) + "\n").encode())
        self.log.flush()
        self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        self.readers = [threading.Thread(target=self._read, args=(f, b),
                                         daemon=True)
                        for f, b in ((self.p.stdout, self.out),
                                     (self.p.stderr, self.err))]
        for t in self.readers:
            t.start()

    def _read(self, f, buf):
        fd = f.fileno()
        while True:
            data = os.read(fd, 65536)
            with self.cond:
                if not data:
                    self.cond.notify_all()
                    return
                buf += data
                self.log.write(data)
                self.cond.notify_all()

    def wait_text(self, text, timeout):
        """True once stderr holds text; False when the process ended or
        the time is up first."""
        end = time.monotonic() + timeout
        with self.cond:
            while text.encode() not in self.err:
                left = end - time.monotonic()
                if left <= 0 or self.p.poll() is not None:
                    return text.encode() in self.err
                self.cond.wait(min(left, 0.1))
        return True

    def wait(self, timeout):
        """The exit status, or None if still running after timeout."""
        try:
            rc = self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        for t in self.readers:
            t.join(5)
        return rc

    def stop(self):
        """Ends the process (SIGTERM, which timeout(1) passes on, then
        SIGKILL) if it still runs; always closes the log."""
        if self.p.poll() is None:
            self.p.terminate()
            if self.wait(5) is None:
                self.p.kill()
                self.wait(5)
        for t in self.readers:
            t.join(5)
        for f in (self.p.stdout, self.p.stderr):
            f.close()
        self.log.close()

    def text(self, which="err"):
        buf = self.err if which == "err" else self.out
        return buf.decode(errors="replace")


def devarg_refusal(proc):
    """The stderr line that says a devarg is unknown, or None."""
    for line in proc.text().splitlines():
        if UNKNOWN_DEVARG.search(line):
            line = line.strip()
            return line if len(line) <= 160 else line[:157] + "..."
    return None


def last_lines(proc, n=3):
    """The process's last messages, without EAL's and telemetry's
    start-up chatter."""
    lines = [ln.strip() for ln in proc.text().splitlines()
             if ln.strip() and (not ln.startswith(("EAL:", "TELEMETRY:")) or
                                re.search(r"error|fail", ln, re.I))]
    return " | ".join(lines[-n:]) or "no message"


def parse_lat_csv(text):
    """The client's (or local run's) latency row of qpring-perf --csv."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for i, ln in enumerate(lines):
        if ln.startswith("mode,"):
            rows = list(csv.DictReader(io.StringIO("\n".join(lines[i:]))))
            for r in rows:
                if r.get("mode") == "lat" and r.get("role") in ("client",
                                                                "local"):
                    return r
    return None


def row_from(setup, size, r):
    def us(k):
        v = r.get(k, "")
        return "%.3f" % (float(v) / 1e3) if v not in ("", None) else ""
    return {"setup": setup.key, "processes": setup.processes,
            "frame_bytes": size, "count": r["sent"], "lost": r["lost"],
            "min_us": us("min_ns"), "median_us": us("median_ns"),
            "p99_us": us("p99_ns"), "p999_us": us("p999_ns"),
            "max_us": us("max_ns"), "mean_us": us("mean_ns"),
            "status": r.get("status", "")}


class Runner:
    def __init__(self, args):
        self.args = args
        self.perf = os.path.join(args.build, "app", "qpring-perf",
                                 "qpring-perf")
        self.plugin = os.path.join(args.build, "drivers", "net", "qpring",
                                   "librte_net_qpring.so")
        self.logdir = os.path.join(args.build, "bench-logs", "latency")
        self.n = 0
        self.commands = {}      # setup key -> command lines (first size)

    def uid(self):
        self.n += 1
        return "qplat-%d-%d" % (os.getpid(), self.n)

    def argv(self, setup, prefix, lcores, vdevs, app):
        eal = lcores + EAL_COMMON + ["--file-prefix", prefix]
        if setup.qpring:
            eal += ["-d", self.plugin]
        return (["timeout", "-k", "5", str(PROC_LIMIT_S), self.perf] + eal +
                vdevs + ["--"] + app)

    def client_app(self, size, role):
        return ["--role", role, "--mode", "lat", "--size", str(size),
                "--count", str(self.args.count), "--warmup", str(WARMUP_S),
                "--timeout", str(PERF_TIMEOUT_S), "--csv"]

    def note_cmd(self, setup, argv):
        shown = argv[4:]                # without timeout -k 5 N
        self.commands.setdefault(setup.key, []).append(" ".join(shown))

    def run(self, setup, size):
        """One measurement: the latency row, or Skip / Failed."""
        uid = self.uid()
        sock = "/run/%s.sock" % uid
        prefixes = []
        procs = []
        try:
            if os.path.exists(sock):
                os.unlink(sock)
            vd = setup.vdevs(sock)
            if setup.processes == 1:
                prefixes.append(uid)
                a = self.argv(setup, uid, LOCAL_LCORES, vd[0],
                              self.client_app(size, "local"))
                self.note_cmd(setup, a)
                p = Proc(a, os.path.join(self.logdir, uid + ".log"))
                procs.append(p)
                return self.finish_client(p)
            prefixes += [uid + "-s", uid + "-c"]
            sa = self.argv(setup, uid + "-s", SERVER_LCORES, vd[0],
                           ["--role", "server", "--csv"])
            ca = self.argv(setup, uid + "-c", CLIENT_LCORES, vd[1],
                           self.client_app(size, "client"))
            self.note_cmd(setup, sa)
            self.note_cmd(setup, ca)
            srv = Proc(sa, os.path.join(self.logdir, uid + "-server.log"))
            procs.append(srv)
            if not srv.wait_text(SERVER_WAITING, SERVER_READY_S):
                srv.wait(2)
                why = devarg_refusal(srv)
                if why:
                    raise Skip("the server refused its devargs: " + why)
                raise Failed("the server did not start (exit %s): %s"
                             % (srv.p.poll(), last_lines(srv)))
            cli = Proc(ca, os.path.join(self.logdir, uid + "-client.log"))
            procs.append(cli)
            row = self.finish_client(cli)
            if srv.wait(SERVER_EXIT_S) is None:
                print("  note: the server of %s did not leave after the run; "
                      "stopped" % setup.key, file=sys.stderr)
            return row
        finally:
            for p in reversed(procs):      # the client first, then the server
                p.stop()
            if os.path.exists(sock):
                os.unlink(sock)
            for pre in prefixes:
                shutil.rmtree("/var/run/dpdk/" + pre, ignore_errors=True)

    def finish_client(self, p):
        rc = p.wait(PROC_LIMIT_S + 15)
        if rc is None:
            raise Failed("still running after %d s" % (PROC_LIMIT_S + 15))
        why = devarg_refusal(p)
        if rc != 0 and why:
            raise Skip("the process refused its devargs: " + why)
        r = parse_lat_csv(p.text("out"))
        if r is None or r.get("median_ns", "") == "":
            raise Failed("no latency figures (exit %d): %s"
                         % (rc, last_lines(p)))
        return r


def fmt_table(rows, skipped, failed):
    head = ("setup", "proc", "bytes", "pings", "lost", "min", "median",
            "p99", "p99.9", "max", "mean")
    lines = ["%-13s %4s %5s %7s %5s %9s %9s %9s %9s %10s %9s" % head]
    for r in rows:
        lines.append("%-13s %4s %5s %7s %5s %9s %9s %9s %9s %10s %9s" % (
            r["setup"], r["processes"], r["frame_bytes"], r["count"],
            r["lost"], r["min_us"], r["median_us"], r["p99_us"],
            r["p999_us"], r["max_us"], r["mean_us"]))
    lines.append("(round trip, microseconds)")
    for key, why in skipped:
        lines.append("SKIPPED %s: %s" % (key, why))
    for key, size, why in failed:
        lines.append("FAILED %s %d B: %s" % (key, size, why))
    return "\n".join(lines)


def machine_text():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for ln in f:
                if ln.startswith("model name"):
                    model = ln.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        load = "; load average %.2f (1 min) at the start" % os.getloadavg()[0]
    except OSError:
        load = ""
    return "%s, %d cpus, Linux %s%s" % (model or platform.machine(),
                                        os.cpu_count() or 0,
                                        platform.release(), load)


def write_md(path, args, rows, skipped, failed, commands, machine):
    by_key = {s.key: s for s in SETUPS}
    out = ["<!-- generated by bench/latency.py; do not edit -->",
           "# Round-trip latency: qpring and net_memif", "",
           "Measured by `app/qpring-perf --mode lat` (one ping in flight, "
           "as perftest's `ib_send_lat`): the pinging lcore reads the TSC "
           "before `rte_eth_tx_burst()` and again when "
           "`rte_eth_rx_burst()` returns the answer. %d measured pings per "
           "frame size after %.1f s of warm-up pings; percentiles are "
           "nearest-rank. Microseconds." % (args.count, WARMUP_S), "",
           "Run %s on %s." % (datetime.datetime.now().strftime(
               "%Y-%m-%d %H:%M"), machine), "",
           "Wall-clock latency on a shared 2-core machine moves with its "
           "load: a descheduled lcore shows in p99.9 and max (up to "
           "milliseconds), and the two processes of a two-process setup "
           "each busy-poll one of the two cores. Compare medians across "
           "setups of one run rather than across runs.", "",
           "| setup | processes | frame bytes | pings | lost | min | median "
           "| p99 | p99.9 | max | mean |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |"
                   % (by_key[r["setup"]].label, r["processes"],
                      r["frame_bytes"], r["count"], r["lost"], r["min_us"],
                      r["median_us"], r["p99_us"], r["p999_us"], r["max_us"],
                      r["mean_us"]))
    if skipped or failed:
        out.append("")
    for key, why in skipped:
        out.append("- **%s** skipped: %s" % (by_key[key].label, why))
    for key, size, why in failed:
        out.append("- **%s**, %d bytes, failed: %s"
                   % (by_key[key].label, size, why))
    out += ["", "## Setups and command lines", "",
            "Every process runs under `timeout -k 5 %d`; the socket name "
            "and `--file-prefix` are unique per run. Shown: the %d-byte "
            "run (the other size differs only in `--size`)."
            % (PROC_LIMIT_S, SIZES[0]), ""]
    for s in SETUPS:
        out.append("- **%s** (`%s`): %s." % (s.label, s.key, s.note))
        cmds = commands.get(s.key, [])[:s.processes]
        if cmds:
            out += ["", "  ```"] + ["  " + c for c in cmds] + ["  ```", ""]
    with open(path, "w") as f:
        f.write("\n".join(out).rstrip() + "\n")


def main():
    ap = argparse.ArgumentParser(
        description="qpring and net_memif round-trip latency "
                    "(app/qpring-perf --mode lat)")
    ap.add_argument("--build", required=True, help="meson build directory")
    ap.add_argument("--out", default="doc/bench",
                    help="output folder (default doc/bench)")
    ap.add_argument("--count", type=int, default=DEFAULT_COUNT,
                    help="measured pings per setup and size (default %d)"
                         % DEFAULT_COUNT)
    ap.add_argument("--only", help="comma-separated setup keys (%s)"
                    % ",".join(s.key for s in SETUPS))
    args = ap.parse_args()
    if args.count < 1 or args.count > 10000000:
        ap.error("--count must be 1 to 10000000")
    setups = list(SETUPS)
    if args.only:
        keys = args.only.split(",")
        bad = [k for k in keys if k not in {s.key for s in SETUPS}]
        if bad:
            ap.error("unknown setup(s): " + ",".join(bad))
        setups = [s for s in SETUPS if s.key in keys]

    r = Runner(args)
    if not os.access(r.perf, os.X_OK):
        sys.exit("latency.py: %s not found: build the project first "
                 "(meson setup %s && ninja -C %s)"
                 % (r.perf, args.build, args.build))
    os.makedirs(r.logdir, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)

    rows, skipped, failed = [], [], []
    machine = machine_text()
    t0 = time.monotonic()
    print("latency: qpring-perf --mode lat, %d pings per setup and size, "
          "logs in %s" % (args.count, r.logdir))
    for s in setups:
        if s.qpring and not os.path.exists(r.plugin):
            skipped.append((s.key, "%s not built" % r.plugin))
            print("  %-13s SKIPPED: %s" % (s.key, skipped[-1][1]))
            continue
        for size in SIZES:
            res, why = None, ""
            try:
                for attempt in (1, 2):      # once more on a failure
                    try:
                        res = r.run(s, size)
                        break
                    except Failed as e:
                        why = str(e)
                        print("  %-13s %5d B: attempt %d failed: %s"
                              % (s.key, size, attempt, why))
            except Skip as e:
                skipped.append((s.key, str(e)))
                print("  %-13s SKIPPED: %s" % (s.key, e))
                break
            if res is None:
                failed.append((s.key, size, why))
                continue
            row = row_from(s, size, res)
            rows.append(row)
            print("  %-13s %5d B: median %s us, p99 %s us (%s)"
                  % (s.key, size, row["median_us"], row["p99_us"],
                     row["status"]))

    with open(os.path.join(args.out, "latency.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    write_md(os.path.join(args.out, "latency.md"), args, rows, skipped,
             failed, r.commands, machine)
    print()
    print(fmt_table(rows, skipped, failed))
    print("latency: %.0f s; wrote %s/latency.csv and latency.md"
          % (time.monotonic() - t0, args.out))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
