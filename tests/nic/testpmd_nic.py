#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The qpring authors
# Stock dpdk-testpmd on two cabled qpring ports, as a user runs it, for the
# NIC behaviour of issue 12: RSS spreading flowgen traffic, the csum engine
# with checksum offloads, and the MTU reconfiguration sequence.
"""Usage: testpmd_nic.py PLUGIN flowgen|csum|mtu

flowgen  --rxq=4 --txq=1 --forward-mode=flowgen. testpmd makes min(rxq,
         txq) = 1 stream per port, so only receive queue 0 is polled; what
         arrives on each queue is still counted (adapter completions, plus
         no_buffer drops once the unpolled queues are full). Each of the 4
         queues gets between 15% and 35% of the frames, and they add up to
         exactly what the other port sent.
csum     the csum engine with IP, UDP and TCP checksum offloads in hw and
         --enable-rx-cksum: txonly's frames forwarded back and forth arrive
         good every time (Bad-ipcsum 0, Bad-l4csum 0); then TCP and UDP over
         IPv4 and IPv6 from a capture file, some with wrong checksums, go
         file -> port 2 -> port 0 -> cable -> port 1 -> port 2 -> file: the
         wrong ones counted exactly on port 2, none on port 1, and every
         checksum in the output file right (port 0's and port 2's adapters
         filled them in).
mtu      port stop all; port config mtu 0/1 9000 succeeds; port start fails
         naming the sizes while the receive queues hold 2048-byte buffers;
         with receive scatter on it starts and 9000-byte frames arrive
         (5 buffers each). A second testpmd with 10 KB mbufs starts at MTU
         9000 and receives them in one buffer.
Each testpmd runs under a timeout, is driven through stdin command by
command (the next command is written after the prompt came back), and
waits for traffic by polling its counters against a deadline.
Exit 0 pass, 1 fail, 77 skipped (dpdk-testpmd missing).
"""

import os
import re
import shutil
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import qptools as q  # noqa: E402

import subprocess  # noqa: E402

TESTPMD = os.environ.get("TESTPMD", "dpdk-testpmd")
PROMPT = rb"testpmd> "
LIMIT_S = 60          # each testpmd process
TRAFFIC_WAIT_S = 20   # for the frames a check needs


class TestPmd:
    """An interactive dpdk-testpmd under `timeout`, one command at a time."""

    def __init__(self, plugin, prefix, app_args, log_path, mem_mb=1024, vdevs=None):
        self.prefix = prefix
        vdevs = vdevs or ["net_qpring0", "net_qpring1,peer=net_qpring0"]
        # Unbuffered: testpmd prints with stdio, its prompt with write(2).
        argv = ["timeout", "-k", "5", str(LIMIT_S), "stdbuf", "-o0", TESTPMD, "-l", "0,1",
                "--no-huge", "--no-pci", "-m", str(mem_mb), "--file-prefix", prefix, "-d", plugin]
        for v in vdevs:
            argv += ["--vdev", v]
        argv += ["--", "-i"] + app_args
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.out = q.Stream(self.p.stdout, log_path, "$ %s\n" % " ".join(argv))
        self.ready = self.out.wait(PROMPT, 60) is not None

    def cmd(self, text, timeout=30):
        """Write @text, wait for the next prompt; the output in between
        (None if no prompt came)."""
        start = self.out.mark
        try:
            self.p.stdin.write((text + "\n").encode())
            self.p.stdin.flush()
        except BrokenPipeError:
            return None
        m = self.out.wait(PROMPT, timeout)
        if m is None:
            return None
        with self.out.cond:
            return self.out.buf[start:m.start()].decode(errors="replace")

    def close(self):
        """quit; its exit status (killed after a bound if it hangs)."""
        if self.p.poll() is None:
            try:
                self.p.stdin.write(b"quit\n")
                self.p.stdin.flush()
                self.p.stdin.close()
            except BrokenPipeError:
                pass
            try:
                self.p.wait(20)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        q.remove_runtime_dir(self.prefix)
        return self.p.returncode


def counters(text):
    """{'RX-packets': n, ...} from 'show port stats' / 'show port xstats'
    output ('Name: value' pairs, any number per line)."""
    d = {}
    for k, v in re.findall(r"([A-Za-z][A-Za-z0-9_-]*):\s+(\d+)", text or ""):
        d[k] = int(v)
    return d


def port_counters(t, port, what="stats"):
    return counters(t.cmd("show port %s %d" % (what, port)))


def wait_counter(t, port, name, want):
    """Poll `show port stats` until counter @name of @port reaches @want
    or the deadline passes; its last value."""
    end = time.monotonic() + TRAFFIC_WAIT_S
    v = 0
    while time.monotonic() < end:
        v = port_counters(t, port).get(name, 0)
        if v >= want:
            break
        time.sleep(0.05)  # a poll interval, not a synchronisation
    return v


def started(c, t, what):
    return c.check(t.ready, "%s: testpmd reached its prompt (log %s)" % (what, t.out.log.name))


# --------------------------------------------------------------- flowgen

def flowgen(c, plugin, w):
    want = 40000  # frames per direction: the 1024 flows many times over
    t = TestPmd(plugin, "qpnictf%d" % os.getpid(),
                ["--rxq=4", "--txq=1", "--forward-mode=flowgen", "--rxd=512", "--txd=512",
                 "--total-num-mbufs=16384"], os.path.join(w, "flowgen.log"))
    try:
        if not started(c, t, "flowgen"):
            return
        out = t.cmd("start")
        c.check(out is not None and "flowgen" in out, "start: flowgen forwarding")
        for port in (0, 1):
            got = wait_counter(t, port, "TX-packets", want)
            c.check(got >= want, "port %d sent %d frames within %d s (want >= %d)"
                    % (port, got, TRAFFIC_WAIT_S, want))
        t.cmd("stop")
        xs = {p: port_counters(t, p, "xstats") for p in (0, 1)}
        st = {p: port_counters(t, p) for p in (0, 1)}
        for rx in (0, 1):
            tx = 1 - rx
            x = xs[rx]
            arrived = []
            for qid in range(4):
                names = ["rx_q%d_%s" % (qid, n) for n in
                         ("adapter_completions", "no_buffer_drops", "mac_filter_drops",
                          "oversize_drops")]
                if not c.check(all(n in x for n in names),
                               "port %d: xstats %s present" % (rx, names)):
                    return
                arrived.append(sum(x[n] for n in names))
            total = sum(arrived)
            sent = st[tx].get("TX-packets")
            c.eq(total, sent, "port %d: frames arriving on its 4 queues == port %d's "
                 "TX-packets" % (rx, tx))
            shares = ["%.1f%%" % (100.0 * a / total) for a in arrived] if total else []
            print("port %d: per-queue arrivals %s of %d (%s)" % (rx, arrived, total,
                                                                  ", ".join(shares)))
            for qid, a in enumerate(arrived):
                c.check(total > 0 and 0.15 * total <= a <= 0.35 * total,
                        "port %d rx queue %d: %d of %d frames (%s), want 15%%..35%%"
                        % (rx, qid, a, total, shares[qid] if shares else "-"))
            # Only queue 0 is polled by testpmd (one stream per port).
            c.eq(x.get("rx_q0_packets", 0) > 0, True, "port %d: queue 0 polled" % rx)
            c.eq(x.get("rx_q0_no_buffer_drops"), 0, "port %d: queue 0 drops" % rx)
    finally:
        rc = t.close()
        c.eq(rc, 0, "flowgen testpmd exit status (124/137: killed by timeout)")


# ------------------------------------------------------------------ csum

def csum_set_hw(c, t, ports):
    """csum set ip/udp/tcp hw on stopped @ports; csum show says hw."""
    t.cmd("port stop all")
    for port in ports:
        for proto in ("ip", "udp", "tcp"):
            out = t.cmd("csum set %s hw %d" % (proto, port))
            c.check(out is not None and "not supported" not in out and
                    "Please stop" not in out,
                    "csum set %s hw %d accepted: %r" % (proto, port, (out or "")[-120:]))
        out = t.cmd("csum show %d" % port)
        for proto in ("IP", "UDP", "TCP"):
            c.check(out is not None and
                    re.search(r"%s checksum offload is hw" % proto, out) is not None,
                    "csum show %d: %s in hw" % (port, proto))
    out = t.cmd("port start all")
    c.check(out is not None and "Fail" not in out, "ports start with the offloads")


def fwd_stats(out):
    """{port: {'RX-packets': n, 'TX-packets': n, 'Bad-ipcsum': n, ...}} from
    the "Forward statistics for port N" blocks that stop prints."""
    d = {}
    for chunk in re.split(r"Forward statistics for port ", out or "")[1:]:
        m = re.match(r"(\d+)", chunk)
        if m:
            body = re.split(r"-{10,}|\+{10,}|Accumulated", chunk[m.end():])
            body = body[1] if len(body) > 1 and not body[0].strip() else body[0]
            d[int(m.group(1))] = counters(body)
    return d


def csum_loop(c, plugin, w):
    """txonly's IPv4/UDP frames forwarded back and forth by the csum engine:
    every hop's adapter fills the IP checksum in (UDP without a checksum
    stays so: the engine leaves a 0 UDP checksum alone)."""
    want = 20000
    t = TestPmd(plugin, "qpnictc%d" % os.getpid(),
                ["--enable-rx-cksum", "--rxd=512", "--txd=512", "--total-num-mbufs=16384"],
                os.path.join(w, "csum.log"))
    try:
        if not started(c, t, "csum"):
            return
        csum_set_hw(c, t, (0, 1))
        t.cmd("set fwd csum")
        t.cmd("start tx_first 4")
        for port in (0, 1):
            got = wait_counter(t, port, "RX-packets", want)
            c.check(got >= want, "port %d received %d frames within %d s (want >= %d)"
                    % (port, got, TRAFFIC_WAIT_S, want))
        fs = fwd_stats(t.cmd("stop"))
        c.eq(sorted(fs), [0, 1], "stop printed forward statistics of both ports")
        for port, x in sorted(fs.items()):
            c.eq((x.get("Bad-ipcsum"), x.get("Bad-l4csum")), (0, 0),
                 "port %d: Bad-ipcsum, Bad-l4csum" % port)
            c.check(x.get("TX-packets", 0) >= want, "port %d forwarded %s frames"
                    % (port, x.get("TX-packets")))
        for port in (0, 1):
            st = port_counters(t, port)
            c.eq(st.get("RX-errors"), 0, "port %d RX-errors" % port)
            c.eq(st.get("TX-errors"), 0, "port %d TX-errors" % port)
    finally:
        rc = t.close()
        c.eq(rc, 0, "csum testpmd exit status (124/137: killed by timeout)")


def ck16(data):
    """The Internet checksum of @data (complemented, as in a header)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def l4_ck(v6, src, dst, proto, l4):
    ph = src + dst + (struct.pack("!IxxxB", len(l4), proto) if v6 else
                      struct.pack("!xBH", proto, len(l4)))
    v = ck16(ph + l4)
    return 0xffff if v == 0 and proto == 17 else v


def frame(i, bad_ip, bad_l4):
    """Frame i of the capture: IPv4/IPv6 x TCP/UDP by i, checksums right
    unless asked wrong. Returns (bytes, l3 offset, l4 offset, v6, proto)."""
    v6, proto = bool(i & 2), 6 if i & 1 == 0 else 17
    payload = bytes((i * 7 + k) & 0xff for k in range(40 + i % 300))
    sport, dport = 1024 + i, 80 + (i % 7)
    if proto == 6:
        l4 = struct.pack("!HHIIBBHHH", sport, dport, i, 0, 5 << 4, 0x18, 8192, 0, 0) + payload
    else:
        l4 = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    if v6:
        src = bytes([0xfd] + [i & 0xff] * 15)
        dst = bytes([0xfd, 1] + [(i >> 8) & 0xff] * 14)
        ip = struct.pack("!IHBB", 0x60000000, len(l4), proto, 64) + src + dst
    else:
        src, dst = struct.pack("!I", 0x0a000000 | i), struct.pack("!I", 0x0a800000 | i)
        ip = bytearray(struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(l4), i & 0xffff, 0x4000,
                                   64, proto, 0) + src + dst)
        ip[10:12] = struct.pack("!H", ck16(bytes(ip)) ^ (0x0101 if bad_ip else 0))
        ip = bytes(ip)
    l4 = bytearray(l4)
    off = 16 if proto == 6 else 6
    l4[off:off + 2] = struct.pack("!H", l4_ck(v6, src, dst, proto, bytes(l4)) ^
                                  (0x1234 if bad_l4 else 0))
    eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x03" + \
        struct.pack("!H", 0x86dd if v6 else 0x0800)
    return eth + ip + bytes(l4), 14, 14 + len(ip), v6, proto


def pcap_write(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for k, fr in enumerate(frames):
            f.write(struct.pack("<IIII", k, 0, len(fr), len(fr)) + fr)


def pcap_read(path):
    """The frames of a classic pcap file (either timestamp precision)."""
    out = []
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return out
    magic = struct.unpack("<I", data[:4])[0]
    e = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        out.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return out


def frame_cksums_ok(fr):
    """(ip ok or None for IPv6, l4 ok) of a captured frame."""
    et = struct.unpack("!H", fr[12:14])[0]
    if et == 0x0800:
        ihl = (fr[14] & 0xf) * 4
        ip = fr[14:14 + ihl]
        tot = struct.unpack("!H", fr[16:18])[0]
        l4, proto, src, dst = fr[14 + ihl:14 + tot], fr[23], fr[26:30], fr[30:34]
        ip_ok = ck16(ip) == 0
        v6 = False
    else:
        plen = struct.unpack("!H", fr[18:20])[0]
        l4, proto, src, dst = fr[54:54 + plen], fr[20], fr[22:38], fr[38:54]
        ip_ok, v6 = None, True
    ph = src + dst + (struct.pack("!IxxxB", len(l4), proto) if v6 else
                      struct.pack("!xBH", proto, len(l4)))
    return ip_ok, ck16(ph + l4) == 0


def csum_capture(c, plugin, w):
    """TCP and UDP over IPv4 and IPv6 from a capture file (port 2,
    rx_pcap), some with wrong checksums: port 2's flags count exactly those
    as bad; the csum engine sends them on through port 0 with the offloads
    (the adapter fills them in), port 1 receives them all good and sends
    them on through port 2 into a capture file (tx_pcap), where every
    checksum is right. --port-topology=chained: 2 -> 0 -> 1 -> 2."""
    n = 400
    frames, bad_ip, bad_l4 = [], 0, 0
    for i in range(n):
        bi, bl = (i % 10 == 3) and not (i & 2), i % 7 == 5
        fr = frame(i, bi, bl)
        frames.append(fr[0])
        bad_ip += bi
        bad_l4 += bl
    src, dst = os.path.join(w, "in.pcap"), os.path.join(w, "out.pcap")
    pcap_write(src, frames)
    t = TestPmd(plugin, "qpnictp%d" % os.getpid(),
                ["--enable-rx-cksum", "--port-topology=chained", "--no-flush-rx", "--rxd=512",
                 "--txd=512",
                 "--total-num-mbufs=16384"], os.path.join(w, "csum-capture.log"),
                vdevs=["net_qpring0", "net_qpring1,peer=net_qpring0",
                       "net_qpring2,rx_pcap=%s,tx_pcap=%s" % (src, dst)])
    try:
        if not started(c, t, "csum, capture"):
            if re.search(r"libpcap", t.out.text()):
                print("SKIP part: the driver was built without libpcap")
            return
        csum_set_hw(c, t, (0, 1, 2))
        t.cmd("set fwd csum")
        t.cmd("start")
        got = wait_counter(t, 2, "TX-packets", n)
        c.eq(got, n, "port 2 sent all %d frames into %s" % (n, dst))
        fs = fwd_stats(t.cmd("stop"))
        x2, x1 = fs.get(2, {}), fs.get(1, {})
        c.eq((x2.get("RX-packets"), x2.get("Bad-ipcsum"), x2.get("Bad-l4csum")),
             (n, bad_ip, bad_l4), "port 2 (from the file): RX-packets, Bad-ipcsum, Bad-l4csum")
        c.eq((x1.get("RX-packets"), x1.get("Bad-ipcsum"), x1.get("Bad-l4csum")),
             (n, 0, 0), "port 1 (from port 0's adapter): RX-packets, Bad-ipcsum, Bad-l4csum")
    finally:
        rc = t.close()
        c.eq(rc, 0, "csum capture testpmd exit status (124/137: killed by timeout)")
    out = pcap_read(dst) if os.path.exists(dst) else []
    c.eq(len(out), n, "frames in %s" % dst)
    wrong = [k for k, fr in enumerate(out) if frame_cksums_ok(fr) not in ((True, True),
                                                                         (None, True))]
    c.check(not wrong, "every checksum in %s right; wrong in frames %s" % (dst, wrong[:8]))
    same = [k for k, fr in enumerate(out[:n]) if fr[12:] != frames[k][12:] and
            not (k % 10 == 3 and not (k & 2)) and k % 7 != 5]
    c.check(not same, "frames whose checksums were right come out unchanged after the MAC "
            "addresses; changed: %s" % same[:8])


def csum(c, plugin, w):
    csum_loop(c, plugin, w)
    csum_capture(c, plugin, w)


# ------------------------------------------------------------------- mtu

REFUSAL = re.compile(r"MTU 9000 needs 9018-byte frames, but rx queue \d+ buffers .*hold 2048")
SEGS = "2000,2000,2000,2000,1000"  # 9000 bytes in 2 KB mbufs
N_JUMBO = 4 * 32                   # start tx_first 4: 4 bursts of 32 per port


def jumbo_traffic(c, t, what, segs):
    """rxonly after tx_first: each port's N_JUMBO 9000-byte frames arrive."""
    out = t.cmd("set txpkts %s" % segs)
    c.check(out is not None and "error" not in out.lower() and "invalid" not in out.lower(),
            "%s: set txpkts %s: %r" % (what, segs, (out or "")[-160:]))
    t.cmd("set fwd rxonly")
    t.cmd("start tx_first 4")
    for port in (0, 1):
        wait_counter(t, port, "RX-packets", N_JUMBO)
    t.cmd("stop")
    for port in (0, 1):
        st = port_counters(t, port)
        c.eq((st.get("RX-packets"), st.get("RX-bytes")), (N_JUMBO, N_JUMBO * 9000),
             "%s: port %d RX-packets, RX-bytes" % (what, port))
        c.eq((st.get("RX-missed"), st.get("RX-errors"), st.get("TX-errors")), (0, 0, 0),
             "%s: port %d RX-missed, RX-errors, TX-errors" % (what, port))


def mtu(c, plugin, w):
    # 2 KB mbufs: refused, then scatter.
    t = TestPmd(plugin, "qpnictm%d" % os.getpid(),
                ["--rxd=1024", "--txd=1024", "--total-num-mbufs=16384"],
                os.path.join(w, "mtu-scatter.log"))
    try:
        if not started(c, t, "mtu"):
            return
        t.cmd("port stop all")
        for port in (0, 1):
            out = t.cmd("port config mtu %d 9000" % port)
            c.check(out is not None and "failed" not in out.lower(),
                    "port config mtu %d 9000 on the stopped port: %r" % (port, out))
        out = t.cmd("show port info 0")
        c.check(out is not None and re.search(r"MTU:\s+9000", out) is not None,
                "show port info 0: MTU 9000")
        out = t.cmd("port start all")
        c.check(out is not None and re.search(r"Fail to start port 0", out) is not None,
                "port start fails while the rx queues hold 2048-byte buffers: %r"
                % (out or "")[-300:])
        c.check(out is not None and REFUSAL.search(out) is not None,
                "the refusal names MTU 9000, 9018-byte frames and 2048-byte buffers")
        for port in (0, 1):
            out = t.cmd("port config %d rx_offload scatter on" % port)
            c.check(out is not None and "Error" not in out and "not" not in out,
                    "port config %d rx_offload scatter on: %r" % (port, out))
        out = t.cmd("port start all")
        c.check(out is not None and "Fail" not in out,
                "port start with receive scatter: %r" % (out or "")[-300:])
        out = t.cmd("show port info 1")
        c.check(out is not None and re.search(r"MTU:\s+9000", out) is not None,
                "show port info 1: MTU 9000")
        jumbo_traffic(c, t, "scatter, 2 KB buffers", SEGS)
    finally:
        rc = t.close()
        c.eq(rc, 0, "mtu testpmd exit status (124/137: killed by timeout)")

    # 10 KB mbufs: the receive queues hold 9018 bytes; MTU 9000 just starts.
    t = TestPmd(plugin, "qpnictn%d" % os.getpid(),
                ["--rxd=512", "--txd=512", "--total-num-mbufs=4096", "--mbuf-size=10240"],
                os.path.join(w, "mtu-large.log"), mem_mb=1024)
    try:
        if not started(c, t, "mtu, 10 KB mbufs"):
            return
        t.cmd("port stop all")
        for port in (0, 1):
            out = t.cmd("port config mtu %d 9000" % port)
            c.check(out is not None and "failed" not in out.lower(),
                    "10 KB mbufs: port config mtu %d 9000: %r" % (port, out))
        out = t.cmd("port start all")
        c.check(out is not None and "Fail" not in out and REFUSAL.search(out) is None,
                "10 KB mbufs: port start at MTU 9000: %r" % (out or "")[-300:])
        jumbo_traffic(c, t, "10 KB buffers", "9000")
    finally:
        rc = t.close()
        c.eq(rc, 0, "mtu (10 KB) testpmd exit status (124/137: killed by timeout)")


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("flowgen", "csum", "mtu"):
        print(__doc__)
        return 2
    plugin = os.path.abspath(sys.argv[1])
    q.term_as_exit()
    if shutil.which(TESTPMD) is None:
        q.skip("%s not found (Debian package dpdk)" % TESTPMD)
    c = q.Checks()
    w = q.workdir("nic-testpmd-" + sys.argv[2])
    {"flowgen": flowgen, "csum": csum, "mtu": mtu}[sys.argv[2]](c, plugin, w)
    return c.finish()


if __name__ == "__main__":
    sys.exit(main())
