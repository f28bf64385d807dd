# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The qpring authors
# Shared by the tools tests: the qp_primary driver, bounded subprocess runs,
# a hugepage set-up that undoes itself, a telemetry client and a pcapng reader.
"""Helpers for tests/tools/*.py. Every wait here has a timeout."""

import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

SKIP = 77
RUN_DIR = "/var/run/dpdk" if os.geteuid() == 0 else \
    os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")


class Checks:
    """Counts checks; prints each failure; exit status at the end."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, cond, what):
        self.n += 1
        if not cond:
            self.failed += 1
            print("FAIL:", what, flush=True)
        return cond

    def eq(self, got, want, what):
        return self.check(got == want, "%s: got %r, want %r" % (what, got, want))

    def finish(self):
        print("%s: %d checks, %d failed" % ("FAILED" if self.failed else "PASSED",
                                            self.n, self.failed), flush=True)
        return 1 if self.failed else 0


def skip(why):
    print("SKIP:", why, flush=True)
    sys.exit(SKIP)


def term_as_exit():
    """meson stops a test that overruns with SIGTERM: unwind (finally:)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))


def workdir(name):
    """A fresh directory for logs and files, in the build tree (not /tmp:
    EAL refuses plugins and meson keeps logs there)."""
    d = os.path.join(os.getcwd(), "tools-" + name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def run(cmd, timeout, log=None, env=None):
    """Run cmd (list) to completion within timeout seconds; its output."""
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout, env=env)
        out, rc = p.stdout.decode(errors="replace"), p.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        rc = "timeout"
    if log:
        with open(log, "w") as f:
            f.write("$ %s\n%s\nexit: %s\n" % (" ".join(cmd), out, rc))
    return rc, out


class Stream:
    """Collects a process's output in a thread, so that waits can time out;
    copies it to a log file. Waits look for a regex after a moving mark, so
    each reply is consumed once (and "\\r"-updated counters are seen too)."""

    def __init__(self, fileobj, log_path, header=""):
        self.fd = fileobj.fileno()
        self.buf = b""
        self.mark = 0
        self.eof = False
        self.cond = threading.Condition()
        self.log = open(log_path, "wb")
        self.log.write(header.encode())
        self.t = threading.Thread(target=self._pump, daemon=True)
        self.t.start()

    def _pump(self):
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                chunk = b""
            with self.cond:
                if chunk:
                    self.buf += chunk
                    self.log.write(chunk)
                    self.log.flush()
                else:
                    self.eof = True
                self.cond.notify_all()
            if not chunk:
                return

    def wait(self, regex, timeout):
        """The next match of regex (bytes) after the mark, which moves past
        it; None on timeout or end of output."""
        rx = re.compile(regex, re.M)
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                m = rx.search(self.buf, self.mark)
                if m:
                    self.mark = m.end()
                    return m
                left = end - time.monotonic()
                if self.eof or left <= 0:
                    return None
                self.cond.wait(left)

    def text(self):
        with self.cond:
            return self.buf.decode(errors="replace")


class Primary:
    """tests/tools/qp_primary: commands on stdin, "QP> " replies on stdout."""

    def __init__(self, exe, eal_args, app_args, log_path):
        self.argv = [exe] + eal_args + (["--"] + app_args if app_args else [])
        self.p = subprocess.Popen(self.argv, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.out = Stream(self.p.stdout, log_path, "$ %s\n" % " ".join(self.argv))

    def reply(self, timeout=30):
        """The next "QP> " line, without the marker; None if none came."""
        m = self.out.wait(rb"^QP> (.*)$", timeout)
        return None if m is None else m.group(1).decode(errors="replace").rstrip("\r")

    def cmd(self, text, timeout=30):
        try:
            self.p.stdin.write((text + "\n").encode())
            self.p.stdin.flush()
        except BrokenPipeError:
            return None
        return self.reply(timeout)

    def close(self, timeout=20):
        """quit, then wait; kill if it does not go. Its exit status."""
        if self.p.poll() is None:
            with contextlib.suppress(OSError):
                self.p.stdin.write(b"quit\n")
                self.p.stdin.flush()
                self.p.stdin.close()
            try:
                self.p.wait(timeout)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        return self.p.returncode


class Background:
    """A tool running beside the test (dpdk-dumpcap): output in a Stream."""

    def __init__(self, argv, log_path, env=None):
        self.argv = argv
        self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, env=env)
        self.out = Stream(self.p.stdout, log_path, "$ %s\n" % " ".join(argv))

    def wait(self, timeout):
        """Its exit status, or None if it is still running after timeout s."""
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, timeout=10):
        """SIGINT (a tool's normal stop), then SIGKILL. Its exit status."""
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGINT)
            if self.wait(timeout) is None:
                self.p.kill()
                self.p.wait()
        return self.p.returncode


def kv(text):
    """'a=1 b=2' -> {'a': 1, 'b': 2} (ints where they parse)."""
    d = {}
    for tok in text.split():
        if "=" in tok:
            k, v = tok.split("=", 1)
            d[k] = int(v) if v.lstrip("-").isdigit() else v
    return d


def remove_runtime_dir(prefix):
    shutil.rmtree(os.path.join(RUN_DIR, prefix), ignore_errors=True)


# ------------------------------------------------------------ hugepages

HP_SYS = "/sys/kernel/mm/hugepages/hugepages-2048kB"
HP_LOCK = "/run/lock/qpring-hugepages.lock"


def _hp_read(name):
    with open(os.path.join(HP_SYS, name)) as f:
        return int(f.read())


def _hp_adjust(delta):
    """nr_hugepages += delta, under a lock that other qpring tests share, so
    concurrent tests add and take back only their own pages."""
    os.makedirs(os.path.dirname(HP_LOCK), exist_ok=True)
    with open(HP_LOCK, "a") as lk:
        fcntl.flock(lk, fcntl.LOCK_EX)
        nr = _hp_read("nr_hugepages")
        with open(os.path.join(HP_SYS, "nr_hugepages"), "w") as f:
            f.write(str(max(nr + delta, 0)))
        return _hp_read("nr_hugepages") - nr


def require_hugepage_setup():
    """Exit 77 (skip) unless hugepages() can work here: 2 MB pages exist and
    we are root (to write nr_hugepages and mount hugetlbfs)."""
    if not os.path.isdir(HP_SYS):
        skip("no 2 MB hugepage support (%s missing): secondary processes need a "
             "hugepage-backed primary" % HP_SYS)
    if os.geteuid() != 0:
        skip("not root: cannot reserve hugepages (nr_hugepages) or mount hugetlbfs; "
             "secondary processes need a hugepage-backed primary")


@contextlib.contextmanager
def hugepages(pages, mount_dir):
    """2 MB hugepages for a multi-process test: as root, add @pages to the
    pool and mount a private hugetlbfs at @mount_dir; undo both on exit.
    Exits 77 (skip) with the reason when the machine cannot."""
    require_hugepage_setup()
    added = 0
    mounted = False
    try:
        try:
            added = _hp_adjust(pages)
        except OSError as e:
            skip("cannot write %s/nr_hugepages: %s" % (HP_SYS, e))
        if _hp_read("free_hugepages") < pages:
            skip("asked the kernel for %d more 2 MB hugepages, got %d (free %d): "
                 "memory too fragmented or too small" % (pages, added,
                                                         _hp_read("free_hugepages")))
        os.makedirs(mount_dir, exist_ok=True)
        rc, out = run(["mount", "-t", "hugetlbfs", "-o", "pagesize=2M", "nodev",
                       mount_dir], 20)
        if rc != 0:
            skip("cannot mount hugetlbfs at %s: %s" % (mount_dir, out.strip()))
        mounted = True
        yield mount_dir
    finally:
        if mounted:
            rc, _ = run(["umount", mount_dir], 20)
            if rc != 0:
                run(["umount", "-l", mount_dir], 20)
        with contextlib.suppress(OSError):
            os.rmdir(mount_dir)
        if added:
            with contextlib.suppress(OSError):
                _hp_adjust(-added)


# ------------------------------------------------------------ telemetry

class Telemetry:
    """Client of DPDK's telemetry v2 socket: SOCK_SEQPACKET, one JSON reply
    per command; the first message on connect describes the server."""

    def __init__(self, prefix, timeout=10):
        self.path = os.path.join(RUN_DIR, prefix, "dpdk_telemetry.v2")
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.s.settimeout(timeout)
        self.s.connect(self.path)
        self.info = json.loads(self.s.recv(65536).decode())
        self.max_len = int(self.info.get("max_output_len", 16384))

    def query(self, cmd):
        """The reply's value for @cmd (its JSON object has one key, the
        command without parameters); None when the command failed."""
        self.s.send(cmd.encode())
        reply = json.loads(self.s.recv(self.max_len + 1024).decode())
        return reply.get(cmd.split(",", 1)[0])

    def close(self):
        self.s.close()


# --------------------------------------------------------------- pcapng

def _pcapng_options(body, o, bo):
    """{code: [value bytes, ...]} of the options from offset o of a block body."""
    opts = {}
    while o + 4 <= len(body):
        code, ln = struct.unpack_from(bo + "HH", body, o)
        if code == 0:
            break
        opts.setdefault(code, []).append(body[o + 4:o + 4 + ln])
        o += 4 + ((ln + 3) & ~3)
    return opts


def pcapng_packets(path):
    """Every Enhanced Packet Block of a pcapng file, as a dict: iface (the
    IDB's if_name, option 2), hw (if_hardware, option 15), frame (captured
    bytes), origlen, dir ("in"/"out"/None from epb_flags, option 2)."""
    with open(path, "rb") as f:
        data = f.read()
    out, ifaces, off, bo = [], [], 0, "<"
    while off + 12 <= len(data):
        if struct.unpack_from("<I", data, off)[0] == 0x0A0D0D0A:
            # Section header: its byte-order magic decides the rest.
            magic = struct.unpack_from("<I", data, off + 8)[0]
            bo = "<" if magic == 0x1A2B3C4D else ">"
            ifaces = []
        btype, blen = struct.unpack_from(bo + "II", data, off)
        if blen < 12 or off + blen > len(data):
            raise ValueError("pcapng: bad block length %d at offset %d" % (blen, off))
        body = data[off + 8:off + blen - 4]
        if btype == 1:  # Interface Description Block
            opts = _pcapng_options(body, 8, bo)
            name = opts.get(2, [str(len(ifaces)).encode()])[0]
            hw = opts.get(15, [b""])[0]
            ifaces.append((name.rstrip(b"\0").decode(errors="replace"),
                           hw.rstrip(b"\0").decode(errors="replace")))
        elif btype == 6:  # Enhanced Packet Block
            ifid, _, _, caplen, origlen = struct.unpack_from(bo + "IIIII", body, 0)
            opts = _pcapng_options(body, 20 + ((caplen + 3) & ~3), bo)
            direction = None
            if 2 in opts and len(opts[2][0]) >= 4:
                direction = {1: "in", 2: "out"}.get(
                    struct.unpack_from(bo + "I", opts[2][0])[0] & 3)
            name, hw = ifaces[ifid] if ifid < len(ifaces) else (str(ifid), "")
            out.append({"iface": name, "hw": hw, "frame": body[20:20 + caplen],
                        "origlen": origlen, "dir": direction})
        off += blen
    return out
