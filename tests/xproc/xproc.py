#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The qpring authors
"""The cross-process wire, two processes at a time. No check asserts a speed.

usage: xproc.py CASE XPROC_PORT XPROC_FAKE PLUGIN
  fwd      server echoes, client sends: exactly N frames back (64 and 1500
           bytes), both processes' mempools whole at the end
  order    the client first, the server a second later (abstract socket
           name), then the server first: exact counts both ways
  restart  the sending port is stopped and started between batches (DOWN,
           DOWN_ACK, UP again): every batch exact
  rss      the echoing port has 4 receive queues with RSS: every queue gets
           frames, the hash is written back, the sum is exact
  kill     kill -9 of the client during traffic, 20 times, and of the server,
           20 times: the survivor sees the link go down within a bound, the
           link and the traffic come back with each new peer, and at the end
           the survivor's mempools are whole, its fds and mappings as before
  refuse   a second client on a busy server, protocol version mismatches
           (fake client, fake server), socket paths that cannot be used,
           copy=0 and other wires with xproc=: each refused with a clear
           message
  hostile  a fake peer does the handshake, then writes garbage into the
           port's rings, registers and buffers and into its own rings while
           the port sends and receives; the port survives, counts errors,
           refuses its last malformed message, and then works exactly with
           a proper peer; as server and as client

Every process runs under timeout(1) with --no-huge --no-pci -m, its own
--file-prefix and socket path, one lcore each (0 and 1). Exit 0 pass, 1 fail,
77 skipped.
"""

import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

PORT = FAKE = PLUGIN = None
FAILS = 0
TMP = None
SEQ = [0]
LIMIT = 240  # seconds for any one process


def fail(msg):
    global FAILS
    FAILS += 1
    print("FAIL: " + msg, flush=True)


def ok(msg):
    print("ok:   " + msg, flush=True)


def check(cond, msg):
    if cond:
        ok(msg)
    else:
        fail(msg)
    return cond


def uniq(name):
    SEQ[0] += 1
    return "xpt%d_%s%d" % (os.getpid(), name, SEQ[0])


def sock_path(name):
    return os.path.join(TMP, uniq(name) + ".sock")


class Proc:
    """A process under timeout(1); stdout lines collected as they come."""

    def __init__(self, argv, name, limit=LIMIT):
        self.name = name
        self.lines = []
        self.q = queue.Queue()
        self.errpath = os.path.join(TMP, uniq(name) + ".err")
        self.err = open(self.errpath, "w")
        cmd = ["timeout", "-k", "5", str(limit)] + argv
        print("$ " + " ".join(cmd), flush=True)
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.err, text=True,
                                  start_new_session=True)
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for line in self.p.stdout:
            line = line.rstrip("\n")
            self.lines.append(line)
            self.q.put(line)
        self.q.put(None)

    def expect(self, pattern, timeout):
        """The next line matching pattern (a regex), or None."""
        end = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            try:
                line = self.q.get(timeout=left)
            except queue.Empty:
                return None
            if line is None:
                self.q.put(None)
                return None
            if rx.search(line):
                return line

    def wait(self, timeout=LIMIT + 20):
        try:
            rc = self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            rc = self.p.wait()
        self.t.join(timeout=5)
        self.err.flush()
        return rc

    def term(self):
        if self.p.poll() is None:
            # The program itself (timeout(1)'s child) gets the signal.
            try:
                os.killpg(self.p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def kill(self):
        if self.p.poll() is None:
            try:
                os.killpg(self.p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def stderr(self):
        self.err.flush()
        with open(self.errpath, errors="replace") as f:
            return f.read()

    def show(self, n=25):
        for line in self.lines[-n:]:
            print("  %s| %s" % (self.name, line))
        for line in self.stderr().splitlines()[-n:]:
            print("  %s! %s" % (self.name, line))


def kv(line):
    return dict(re.findall(r"(\w+)=(\S+)", line or ""))


def port(name, lcore, devargs, args, limit=LIMIT, wrap=()):
    eal = ["-l", str(lcore), "--no-huge", "--no-pci", "-m", "256",
           "--file-prefix", uniq(name), "--log-level", "lib.eal:error",
           "--log-level", "pmd.net.qpring:info", "-d", PLUGIN,
           "--vdev", "net_qpring0," + devargs]
    return Proc(list(wrap) + [PORT] + eal + ["--"] + args, name, limit)


def fake(name, args, limit=60):
    return Proc([FAKE] + args, name, limit)


def ended_clean(p, what):
    """Exit 0, pools whole, no sanitizer report."""
    rc = p.wait()
    pools = kv(next((l for l in p.lines if l.startswith("POOLS")), ""))
    good = check(rc == 0, "%s exits 0 (rc %d)" % (what, rc))
    good &= check(pools.get("incomplete") == "0",
                  "%s: every mempool whole at the end (%s)" % (what, pools))
    good &= check("ERROR: AddressSanitizer" not in p.stderr() and
                  "runtime error:" not in p.stderr(),
                  "%s: no sanitizer report" % what)
    if not good:
        p.show()
    return good


def pair_run(path_srv, path_cli, count, size, client_first=False, extra_echo=(),
             extra_send=(), cycles=1):
    """Echo server + sending client; returns (echo, sender) after both end."""
    srv_args = ["--mode", "echo", "--duration", "120", "--size", str(size)] + list(extra_echo)
    cli_args = ["--mode", "send", "--count", str(count), "--window", "256",
                "--size", str(size), "--duration", "120", "--cycles", str(cycles),
                "--link-timeout", "30"] + list(extra_send)
    if client_first:
        s = port("cli", 1, "xproc=%s,xproc_role=client" % path_cli, cli_args)
        time.sleep(1.0)
        e = port("srv", 0, "xproc=%s,xproc_role=server" % path_srv, srv_args)
    else:
        e = port("srv", 0, "xproc=%s,xproc_role=server" % path_srv, srv_args)
        time.sleep(0.2)
        s = port("cli", 1, "xproc=%s,xproc_role=client" % path_cli, cli_args)
    s.wait()
    e.wait()
    return e, s


def check_exact(e, s, count, what, cycles=1):
    sends = [kv(l) for l in s.lines if l.startswith("SEND")]
    good = check(len(sends) == cycles, "%s: %d batches reported" % (what, cycles))
    for i, d in enumerate(sends):
        good &= check(d.get("sent") == str(count) and d.get("received") == str(count) and
                      d.get("lost") == "0" and d.get("dup") == "0" and
                      d.get("corrupt") == "0",
                      "%s batch %d: %d sent, %d back, none lost, duplicated or corrupt (%s)"
                      % (what, i, count, count, d))
    echo = kv(next((l for l in e.lines if l.startswith("ECHO")), ""))
    good &= check(echo.get("echoed") == str(count * cycles) and echo.get("stopped") == "1",
                  "%s: the echo side sent back exactly %d and saw STOP (%s)"
                  % (what, count * cycles, echo))
    good &= ended_clean(s, what + " sender")
    good &= ended_clean(e, what + " echo side")
    if not good:
        s.show()
        e.show()
    return echo


# ------------------------------------------------------------------ cases

def case_fwd():
    for size, count in ((64, 200000), (1500, 50000)):
        path = sock_path("fwd")
        e, s = pair_run(path, path, count, size)
        check_exact(e, s, count, "fwd %d B" % size)
        mpps = kv(next((l for l in s.lines if l.startswith("SEND")), "")).get("mpps")
        print("info: %d B, window 256: %s Mpps round trip (not asserted)" % (size, mpps))
    # Receive scatter: 1500-byte frames into 512-byte buffers of the echo
    # side (a chain of three), sent back as chains.
    path = sock_path("fwd")
    e, s = pair_run(path, path, 20000, 1500, extra_echo=["--scatter"],
                    extra_send=["--window", "100"])  # 3 slots a frame, 512 slots
    echo = check_exact(e, s, 20000, "fwd 1500 B into 512-byte buffers (scatter)")
    check(echo.get("chained") == echo.get("rx"), "every frame came as a chain (%s of %s)"
          % (echo.get("chained"), echo.get("rx")))


def case_order():
    path = "@" + uniq("order")
    e, s = pair_run(path, path, 50000, 64, client_first=True)
    check_exact(e, s, 50000, "client first (abstract socket)")
    check("Port 0" not in "" and any(l.startswith("UP") for l in s.lines),
          "client first: its link came up once the server started")
    path = sock_path("order")
    e, s = pair_run(path, path, 50000, 64, client_first=False)
    check_exact(e, s, 50000, "server first (socket file)")
    check(not os.path.exists(path), "the server removed its socket file at close")


def case_restart():
    path = sock_path("restart")
    e, s = pair_run(path, path, 20000, 64, cycles=5)
    check_exact(e, s, 20000, "stop/start of the sender between batches", cycles=5)
    acks = [l for l in s.stderr().splitlines() if "the peer let go of our rings" in l]
    check(len(acks) == 4, "each stop of the sender: DOWN, and DOWN_ACK from the echo side "
          "(%d of 4)" % len(acks))
    downs = [l for l in e.lines if l.startswith("DOWN")]
    check(len(downs) >= 1, "the echo side saw the link go down (%d times; a restart faster "
          "than its poll is not seen)" % len(downs))


def case_rss():
    path = sock_path("rss")
    e, s = pair_run(path, path, 40000, 128, extra_echo=["--rxq", "4", "--rss"])
    echo = check_exact(e, s, 40000, "RSS over 4 receive queues")
    qs = [kv(l) for l in e.lines if l.startswith("QUEUE")]
    counts = [int(q.get("rx", "0")) for q in qs]
    check(len(counts) == 4 and all(c > 0 for c in counts),
          "every receive queue got frames: %s" % counts)
    check(sum(counts) == int(echo.get("rx", "-1")), "the queues' counts add up (%d)"
          % sum(counts))
    check(echo.get("hashed") == echo.get("rx"),
          "every frame carries its RSS hash (%s of %s)" % (echo.get("hashed"), echo.get("rx")))
    # New receive settings while running reach the sending process: the
    # echo side points its whole RETA at queue 3 after 20000 frames. The
    # frames after the change must last well over the 100 ms the check
    # leaves the change to travel, on the fastest machine too (200000 took
    # 115 ms in all at 1.7 Mpps): a million.
    path = sock_path("reta")
    e, s = pair_run(path, path, 1000000, 128,
                    extra_echo=["--rxq", "4", "--rss", "--reta-after", "20000"])
    check_exact(e, s, 1000000, "RSS, RETA changed while running")
    qs = [kv(l) for l in e.lines if l.startswith("QUEUE")]
    late = [int(q.get("late", "-1")) for q in qs]
    check(len(late) == 4 and late[0] == late[1] == late[2] == 0 and late[3] > 0,
          "from 100 ms after the change every frame lands in queue 3: late %s" % late)


def kill_cycles(survivor_role, cycles):
    victim_role = "client" if survivor_role == "server" else "server"
    path = sock_path("kill")
    slc, vlc = (0, 1)
    sv = port("surv", slc, "xproc=%s,xproc_role=%s" % (path, survivor_role),
              ["--mode", "soak", "--duration", "400", "--window", "256"], limit=450)
    good = True
    downs = []
    for n in range(1, cycles + 1):
        v = port("vict%d" % n, vlc, "xproc=%s,xproc_role=%s" % (path, victim_role),
                 ["--mode", "echo", "--duration", "120"], limit=150)
        up = sv.expect(r"^UP n=%d " % n, 40)
        flow = sv.expect(r"^FLOW n=%d " % n, 20) if up else None
        if not flow:
            good = check(False, "%s survivor: link up and traffic with peer %d" %
                         (survivor_role, n))
            v.kill()
            v.wait()
            v.show()
            break
        t0 = time.monotonic()
        v.kill()
        down = sv.expect(r"^DOWN n=%d " % n, 10)
        dt = time.monotonic() - t0
        v.wait()
        if down is None:
            good = check(False, "%s survivor: link down after kill -9 of peer %d" %
                         (survivor_role, n))
            break
        downs.append(dt)
    if good:
        ok("%s survivor: %d peers killed with -9 during traffic; each time the link went "
           "down (at most %.3f s after the kill) and came back with traffic"
           % (survivor_role, cycles, max(downs)))
        check(max(downs) < 2.0, "link down within 2 s of the kill (worst %.3f s)" % max(downs))
    sv.term()
    ended_clean(sv, "%s survivor" % survivor_role)
    ups = [kv(l) for l in sv.lines if l.startswith("UP")]
    fds = sorted(set(u.get("fds") for u in ups))
    maps = sorted(set(u.get("maps") for u in ups))
    check(len(fds) == 1, "survivor's open fds the same at every link up: %s" % fds)
    check(maps == ["2"], "survivor maps two regions at every link up (its own, the "
          "peer's): %s" % maps)
    fin = kv(next((l for l in sv.lines if l.startswith("POOLS")), ""))
    check(fin.get("maps") == "1" and fin.get("fds") is not None and ups and
          int(fin["fds"]) == int(ups[0]["fds"]) - 1,
          "after the last peer: its region unmapped, its connection closed (%s)" % fin)
    gone = sum(1 for l in sv.stderr().splitlines() if "is gone" in l)
    check(gone == cycles, "survivor logged each vanished peer (%d of %d)" % (gone, cycles))


def case_kill():
    kill_cycles("server", 20)
    kill_cycles("client", 20)


def refused_port(devargs, pattern, what, wrap=()):
    p = port("bad", 0, devargs, ["--mode", "idle", "--duration", "1"], limit=30, wrap=wrap)
    rc = p.wait()
    err = p.stderr()
    good = check(rc != 0 and re.search(pattern, err) is not None,
                 "%s: refused with a clear message (rc %d, /%s/)" % (what, rc, pattern))
    if not good:
        p.show()


def case_refuse():
    # A second client on a busy server.
    path = sock_path("busy")
    srv = port("srv", 0, "xproc=%s,xproc_role=server" % path,
               ["--mode", "idle", "--duration", "60"], limit=90)
    cli = port("cli", 1, "xproc=%s,xproc_role=client" % path,
               ["--mode", "idle", "--duration", "60"], limit=90)
    check(srv.expect(r"^UP", 30) is not None and cli.expect(r"^UP", 30) is not None,
          "server and first client: link up")
    f = fake("busy", ["--connect", path, "--expect-refuse", "1", "--timeout", "10"])
    rc = f.wait()
    check(rc == 0 and any("refuse=1" in l and "busy" in l for l in f.lines),
          "a second client is refused: busy (%s)" %
          next((l for l in f.lines if "refuse=" in l), "no refusal"))
    time.sleep(0.3)
    check(re.search(r"second client on .* refused: busy", srv.stderr()) is not None,
          "the server says why it refused")
    check(not any(l.startswith("DOWN") for l in srv.lines + cli.lines),
          "the first client's link stayed up")
    # Version mismatch, fake client against the server.
    f = fake("ver", ["--connect", path, "--version", "2", "--expect-refuse", "1",
                     "--timeout", "10"])
    f.wait()
    srv.term()
    cli.term()
    ended_clean(srv, "busy server")
    ended_clean(cli, "first client")
    path = sock_path("ver")
    srv = port("srv", 0, "xproc=%s,xproc_role=server" % path,
               ["--mode", "idle", "--duration", "60"], limit=90)
    f = fake("ver", ["--connect", path, "--version", "2", "--expect-refuse", "2",
                     "--timeout", "15"])
    rc = f.wait()
    check(rc == 0, "a client of protocol version 2 is refused: version mismatch (%s)" %
          next((l for l in f.lines if "refuse=" in l), "no refusal"))
    time.sleep(0.3)
    check(re.search(r"version 2, this side version 1", srv.stderr()) is not None,
          "the server says: peer speaks protocol version 2, this side version 1")
    srv.term()
    ended_clean(srv, "server")
    # Version mismatch, fake server against a client.
    path = sock_path("fsrv")
    f = fake("fsrv", ["--listen", path, "--version", "2", "--expect-refuse", "2",
                      "--timeout", "20"])
    f.expect(r"listening", 10)
    cli = port("cli", 1, "xproc=%s,xproc_role=client" % path,
               ["--mode", "idle", "--duration", "60"], limit=90)
    rc = f.wait()
    check(rc == 0, "a server of protocol version 2 is refused by the client (%s)" %
          next((l for l in f.lines if "refuse=" in l), "no refusal"))
    time.sleep(0.3)
    check(re.search(r"version 2, this side version 1", cli.stderr()) is not None,
          "the client says why")
    cli.term()
    ended_clean(cli, "client")
    # Socket paths that cannot be used.
    refused_port("xproc=%s/nodir/x.sock,xproc_role=server" % TMP,
                 r"directory does not exist", "a server path in a missing directory")
    plain = os.path.join(TMP, "plainfile")
    with open(plain, "w") as fh:
        fh.write("not a socket\n")
    refused_port("xproc=%s,xproc_role=server" % plain, r"exists and is not a socket",
                 "a server path that is a regular file")
    check(os.path.exists(plain), "the regular file was left alone")
    refused_port("xproc=/tmp/%s,xproc_role=server" % ("x" * 120),
                 r"Unix socket path of 1 to 107 bytes", "a path longer than sun_path")
    srv_path = sock_path("live")
    srv = port("srv", 0, "xproc=%s,xproc_role=server" % srv_path,
               ["--mode", "idle", "--duration", "60"], limit=90)
    srv.expect(r"^READY", 30)
    refused_port("xproc=%s,xproc_role=server" % srv_path, r"busy: another process listens",
                 "a second server on a live socket")
    srv.term()
    ended_clean(srv, "first server")
    stream = os.path.join(TMP, uniq("stream") + ".sock")
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(stream)
    ls.listen(1)
    refused_port("xproc=%s,xproc_role=client" % stream, r"socket of another type",
                 "a client path where another program's stream socket listens")
    ls.close()
    refused_port("xproc=/proc/%s.sock,xproc_role=server" % uniq("p"),
                 r"directory does not take sockets",
                 "a server path in /proc, where no socket can be created")
    # Permission: as an unprivileged user (root may write anywhere).
    ro = tempfile.mkdtemp(prefix="qpxt-ro-", dir="/tmp")
    os.chmod(ro, 0o755)
    as_user = []
    if os.geteuid() == 0 and shutil.which("setpriv"):
        as_user = ["setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups",
                   "env", "XDG_RUNTIME_DIR=/tmp"]
    elif os.geteuid() != 0:
        os.chmod(ro, 0o555)
    if as_user or os.geteuid() != 0:
        refused_port("xproc=%s/x.sock,xproc_role=server" % ro, r"permission denied",
                     "a server path in a directory it may not write", wrap=as_user)
        srv_path = os.path.join(ro, "srv.sock")
        os.chmod(ro, 0o755)
        srv = port("srv", 0, "xproc=%s,xproc_role=server" % srv_path,
                   ["--mode", "idle", "--duration", "60"], limit=90)
        srv.expect(r"^READY", 30)
        os.chmod(srv_path, 0o700)
        if as_user:
            refused_port("xproc=%s,xproc_role=client" % srv_path, r"Permission denied",
                         "a client on a socket it may not connect to", wrap=as_user)
        srv.term()
        ended_clean(srv, "server of the protected socket")
    else:
        print("skip: permission refusals (root without setpriv)")
    shutil.rmtree(ro, ignore_errors=True)
    refused_port("xproc=%s,copy=0" % sock_path("zc"), r"copy=0 \(zero copy\) cannot cross",
                 "copy=0 on a cross-process port")
    refused_port("xproc=%s,peer=net_qpring1" % sock_path("pe"), r"different wires",
                 "xproc= with peer=")
    refused_port("xproc_role=client", r"give its socket with xproc=",
                 "xproc_role without xproc=")


def hostile_run(port_role):
    path = sock_path("host")
    fake_args = (["--listen", path] if port_role == "client" else ["--connect", path])
    if port_role == "client":
        f = fake("fake", fake_args + ["--hostile", "4", "--timeout", "30"], limit=90)
        f.expect(r"listening", 10)
    # The client victim receives with scatter: garbage "more" flags.
    v = port("victim", 0, "xproc=%s,xproc_role=%s" % (path, port_role),
             ["--mode", "soak", "--duration", "200", "--window", "64"] +
             (["--scatter"] if port_role == "client" else []), limit=240)
    if port_role == "server":
        v.expect(r"^READY", 60)
        f = fake("fake", fake_args + ["--hostile", "4", "--timeout", "30"], limit=90)
    rc = f.wait()
    scrib = kv(next((l for l in f.lines if "scribbled=" in l), ""))
    check(rc == 0 and int(scrib.get("scribbled", "0")) > 0,
          "hostile peer (port is %s): handshake, %s garbage writes, and its malformed "
          "RXPORT refused (%s)" % (port_role, scrib.get("scribbled"),
                                  next((l for l in f.lines if "refuse=" in l), "no refusal")))
    if rc != 0:
        f.show()
    check(v.p.poll() is None, "the port's process is alive after the hostile peer")
    check(re.search(r"refusing peer xproc_fake: RXPORT: rq 0: ring of", v.stderr())
          is not None, "the port says why it dropped the hostile peer")
    # Now a proper peer: the port must work as before.
    other = "client" if port_role == "server" else "server"
    e = port("peer", 1, "xproc=%s,xproc_role=%s" % (path, other),
             ["--mode", "echo", "--duration", "120"], limit=150)
    up = v.expect(r"^UP n=2 ", 60)
    flow = v.expect(r"^FLOW n=2 ", 30) if up else None
    check(flow is not None, "after the hostile peer a proper one connects and traffic flows")
    e.term()
    e.wait()
    v.term()
    ended_clean(v, "port after a hostile peer (%s)" % port_role)
    st = kv(next((l for l in v.lines if l.startswith("STATS")), ""))
    check(int(st.get("ierrors", "0")) > 0,
          "the garbage showed as counted receive errors (ierrors %s)" % st.get("ierrors"))
    ups = [kv(l) for l in v.lines if l.startswith("UP")]
    check(len(ups) >= 2 and ups[0].get("fds") == ups[-1].get("fds") and
          ups[0].get("maps") == ups[-1].get("maps"),
          "no fd or mapping left behind by the hostile peer (%s)" %
          [(u.get("fds"), u.get("maps")) for u in ups])


def case_hostile():
    hostile_run("server")
    hostile_run("client")


def main():
    global PORT, FAKE, PLUGIN, TMP
    if len(sys.argv) != 5:
        print(__doc__)
        return 2
    case, PORT, FAKE, PLUGIN = sys.argv[1:]
    if shutil.which("timeout") is None:
        print("timeout(1) not found")
        return 77
    TMP = tempfile.mkdtemp(prefix="qpxt-")
    try:
        {"fwd": case_fwd, "order": case_order, "restart": case_restart, "rss": case_rss,
         "kill": case_kill, "refuse": case_refuse, "hostile": case_hostile}[case]()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
        for d in os.listdir("/var/run/dpdk") if os.path.isdir("/var/run/dpdk") else []:
            if d.startswith("xpt%d_" % os.getpid()):
                shutil.rmtree(os.path.join("/var/run/dpdk", d), ignore_errors=True)
    print("%s: %d failed" % ("FAILED" if FAILS else "PASSED", FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
