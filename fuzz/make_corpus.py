#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed corpora of the qpring fuzzers: fuzz/corpus/devargs/ (devargs
strings, valid and invalid), fuzz/corpus/pcap/ (small capture files, valid
and damaged, in the classic pcap and the pcapng formats) and
fuzz/corpus/xproc/ (cross-process control messages, valid and damaged).

usage: make_corpus.py [FUZZ_DIR]   (default: the directory of this script)

The files are committed; run this again after changing it and commit the
result. File names carry no .pcap suffix (.gitignore ignores *.pcap).
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- devargs
# File names in the scratch directory of devargs_fuzz.c: rx.pcap (3 frames),
# rx0.pcap / rx1.pcap (for "%u"), empty.pcap, junk.pcap, raw.pcap (not
# Ethernet). Any rx_pcap/tx_pcap value is confined to that directory. The
# device under test is net_qpring_fz0; peer=net_qpring_fzp makes the
# harness create that port, so the input's port gets a cable.
DEVARGS = {
    # valid
    "empty": "",
    "mac": "mac=02:00:00:00:00:01",
    "copy0": "copy=0",
    "copy1-inline": "copy=1,adapter=inline",
    "service": "adapter=service",
    "manual": "adapter=manual",
    "faults": "fault_delay=3,fault_ooo=4,fault_error=100000,fault_drop=100000,seed=42",
    "faults-max": "fault_delay=1000000,fault_ooo=32768,fault_error=1000000,"
                  "fault_drop=1000000,seed=18446744073709551615",
    "peer-self": "peer=net_qpring_fz0",
    # net_qpring_fzp: the harness creates and starts it first (a cable)
    "cable": "peer=net_qpring_fzp",
    "cable-copy0": "peer=net_qpring_fzp,copy=0",
    "cable-copy0-faults": "peer=net_qpring_fzp,copy=0,fault_ooo=8,fault_drop=200000,seed=3",
    "cable-faults": "peer=net_qpring_fzp,fault_delay=2,fault_ooo=8,fault_error=200000,"
                    "fault_drop=200000,seed=7",
    "cable-manual": "peer=net_qpring_fzp,adapter=manual,fault_delay=1",
    "delay-us": "fault_delay=20us,fault_ooo=4,seed=5",
    "delay-ns-max": "fault_delay=1000000000ns",
    "cable-service": "peer=net_qpring_fzp,adapter=service,mac=02:00:00:00:00:07",
    "peer-absent": "peer=net_qpring_elsewhere",
    "rx-pcap": "rx_pcap=rx.pcap",
    "rx-pcap-queue": "rx_pcap=rx%u.pcap",
    "tx-pcap": "tx_pcap=out.pcap",
    "tx-pcap-queue": "tx_pcap=out%u.pcap",
    "rx-tx-pcap": "rx_pcap=rx.pcap,tx_pcap=out.pcap,mac=02:00:00:00:00:02",
    "rx-pcap-manual": "rx_pcap=rx.pcap,adapter=manual",
    "rx-pcap-service": "rx_pcap=rx.pcap,adapter=service,fault_drop=500000",
    # invalid
    "mac-multicast": "mac=03:00:00:00:00:01",
    "mac-zero": "mac=00:00:00:00:00:00",
    "mac-novalue": "mac",
    "copy2": "copy=2",
    "adapter-bad": "adapter=fast",
    "delay-over": "fault_delay=1000001",
    "delay-time-over": "fault_delay=1001ms",
    "delay-unit-bad": "fault_delay=5s",
    "seed-zero": "seed=0",
    "seed-over": "seed=18446744073709551616",
    "num-sign": "fault_ooo=-1",
    "num-space": "fault_ooo= 1",
    "rx-junk": "rx_pcap=junk.pcap",
    "rx-raw": "rx_pcap=raw.pcap",
    "rx-empty": "rx_pcap=empty.pcap",
    "rx-absent": "rx_pcap=absent.pcap",
    "path-percent": "tx_pcap=out%d.pcap",
    "path-two-u": "tx_pcap=o%u%u",
    "peer-and-pcap": "peer=net_qpring_fz1,tx_pcap=o",
    "copy0-pcap": "copy=0,rx_pcap=rx.pcap",
    "iface": "iface=eth0",
    "iface-and-pcap": "iface=lo,rx_pcap=rx.pcap",
    "duplicate": "mac=02:00:00:00:00:01,mac=02:00:00:00:00:02",
    "unknown-key": "speed=100",
    "list": "peer=[a,b],copy=1",
    "two-equals": "adapter=inline=service",
    "commas": ",,,copy=1,,",
    "long-peer": "peer=" + "p" * 300,
}

# ------------------------------------------------------------------- pcap
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101


def frame(n, seed):
    """An Ethernet frame of n bytes: broadcast to, a fixed source, a pattern."""
    hdr = b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x09" + b"\x08\x00"
    body = bytes((seed * 31 + i) & 0xFF for i in range(max(0, n - len(hdr))))
    return (hdr + body)[:n]


def pcap(frames, endian="<", nsec=False, linktype=LINKTYPE_ETHERNET, snaplen=65535,
         caplens=None, lens=None):
    """A classic pcap file; caplens/lens override the record header fields."""
    magic = 0xA1B23C4D if nsec else 0xA1B2C3D4
    out = struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)
    for i, f in enumerate(frames):
        cap = caplens[i] if caplens else len(f)
        orig = lens[i] if lens else len(f)
        out += struct.pack(endian + "IIII", 1700000000 + i, i * 1000, cap, orig) + f
    return out


def pcapng(frames, linktype=LINKTYPE_ETHERNET):
    """A pcapng file: section header, one interface, enhanced packet blocks."""
    def block(btype, body):
        body += b"\x00" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += block(0x00000001, struct.pack("<HHI", linktype, 0, 0))
    for i, f in enumerate(frames):
        out += block(0x00000006, struct.pack("<IIIII", 0, 0, i, len(f), len(f)) + f)
    return out


def pcap_corpus():
    small = [frame(60, i) for i in range(3)]
    sizes = [frame(n, n) for n in (0, 1, 13, 14, 15, 59, 60, 64, 1514, 1518, 1519)]
    big = [frame(n, n) for n in (2047, 2049, 9216)]
    three = pcap(small)
    return {
        "le-usec-3": three,
        "be-usec-3": pcap(small, endian=">"),
        "le-nsec-3": pcap(small, nsec=True),
        "header-only": pcap([]),
        "sizes": pcap(sizes),
        "big": pcap(big),
        "snaplen-64": pcap([frame(200, 1)], snaplen=64, caplens=[64], lens=[200]),
        "caplen-gt-len": pcap([frame(100, 2)], lens=[60]),
        "caplen-huge": pcap([frame(60, 3)], caplens=[0x7FFFFFFF]),
        "truncated-record": three[:-20],
        "truncated-header": three[:30],
        "global-header-short": three[:10],
        "raw-linktype": pcap(small, linktype=LINKTYPE_RAW),
        "bad-version": three[:4] + struct.pack("<HH", 9, 9) + three[8:],
        "empty-file": b"",
        "not-a-capture": b"qpring is not a capture file\n",
        "pcapng-3": pcapng(small),
        "pcapng-sizes": pcapng(sizes),
        "pcapng-raw": pcapng(small, linktype=LINKTYPE_RAW),
        "many-small": pcap([frame(60, i) for i in range(200)]),
    }


# ------------------------------------------------------------------ xproc
# The cross-process control protocol (drivers/net/qpring/qpring_xproc_proto.h),
# encoded here independently of the C encoder. An input of xproc_fuzz.c is
# an option byte (bit 0: through a socketpair) and messages, each a u16 LE
# length, an fd byte (bits 0-1 kind: 0 none, 1 /dev/null, 2 sealed 64 KiB
# memfd, 3 unsealed; bits 2-3 how many) and its bytes. The harness's ring
# layout: 192-byte ring header, 32-byte slots.
XP_HELLO, XP_REFUSE, XP_REGION, XP_RXPORT, XP_UP, XP_DOWN, XP_DOWN_ACK, XP_BYE = range(1, 9)
XP_OWNER_VA = 0x7F5500000000


def xp_msg(mtype, body, seq=0, version=1, magic=b"qpxc"):
    return magic + struct.pack("<HHII", version, mtype, 16 + len(body), seq) + body


def xp_hello(role=2, name=b"net_qpring_x0", seq=0, version=1):
    body = struct.pack("<B3xIQIII4x", role, 4242, 0, 0x5150, 32, 192)
    return xp_msg(XP_HELLO, body + name.ljust(64, b"\0"), seq, version)


def xp_refuse(reason=1, text=b"busy: net_qpring_s already has a peer", seq=0, version=1):
    return xp_msg(XP_REFUSE, struct.pack("<I4x", reason) + text.ljust(120, b"\0"), seq,
                  version)


def xp_region(rid=0, size=65536, va=XP_OWNER_VA, seq=0):
    return xp_msg(XP_REGION, struct.pack("<I4xQQ", rid, size, va), seq)


def xp_rxport(rqs, rss=True, seq=0, mfl=1518, filt=0):
    """rqs: [(region, offset, nb_slots, buf_size)]."""
    nb = len(rqs)
    key = bytes((0x6D + 3 * i) & 0xFF for i in range(40)) if rss else bytes(40)
    reta = [i % nb for i in range(128)] if rss else [0] * 128
    body = b"\x02\x00\x00\x00\x00\x42" + struct.pack(
        "<HIIQQHH4x", nb, filt, mfl, 0, 0x38D34 if rss else 0, 40 if rss else 0,
        128 if rss else 0)
    body += key + struct.pack("<128H", *reta)
    for region, off, slots, buf in rqs:
        body += struct.pack("<QIII4x", off, region, slots, buf)
    return xp_msg(XP_RXPORT, body, seq)


def xp_state(mtype, epoch=1, seq=0):
    return xp_msg(mtype, struct.pack("<I4x", epoch), seq)


XP_NULL1 = 1 | (1 << 2)     # one /dev/null
XP_SEALED1 = 2 | (1 << 2)   # one sealed memfd
XP_UNSEALED1 = 3 | (1 << 2)  # one unsealed memfd


def xp_input(sock, *msgs):
    """msgs: message bytes, or (message bytes, fd byte)."""
    out = bytes([1 if sock else 0])
    for m in msgs:
        m, fdspec = m if isinstance(m, tuple) else (m, 0)
        out += struct.pack("<HB", len(m), fdspec) + m
    return out


def xproc_corpus():
    ring = 192 + 512 * 32
    good_rx = xp_rxport([(0, 0, 512, 2048), (0, 32768, 512, 2048)])
    region = (xp_region(0, 65536), XP_SEALED1)
    return {
        "hello": xp_input(False, xp_hello()),
        "hello-server": xp_input(True, xp_hello(role=1, name=b"net_qpring_s")),
        "hello-v2": xp_input(False, xp_hello(version=2)),
        "hello-fd": xp_input(False, (xp_hello(), XP_NULL1)),
        "refuse": xp_input(False, xp_refuse()),
        "refuse-v9": xp_input(True, xp_refuse(reason=2, version=9, seq=5)),
        "region-sealed": xp_input(False, region),
        "region-sealed-sock": xp_input(True, region),
        "region-unsealed": xp_input(False, (xp_region(0, 65536), XP_UNSEALED1)),
        "region-devnull": xp_input(False, (xp_region(0, 65536), XP_NULL1)),
        "region-nofd": xp_input(False, xp_region(0, 65536)),
        "region-2fds": xp_input(True, (xp_region(0, 65536), 2 | (2 << 2))),
        "region-too-big": xp_input(False, (xp_region(0, 131072), XP_SEALED1)),
        "region-rxport": xp_input(False, region, good_rx),
        "region-rxport-sock": xp_input(True, region, good_rx),
        "region-rxport-edge": xp_input(False, region,
                                       xp_rxport([(0, 65536 - ring, 512, 2048)], rss=False)),
        "region-rxport-past": xp_input(False, region,
                                       xp_rxport([(0, 65536 - ring + 64, 512, 2048)],
                                                 rss=False)),
        "two-regions-rxport": xp_input(False, region, (xp_region(5, 65536), XP_SEALED1),
                                       xp_rxport([(5, 0, 1024, 64), (0, 4096, 16, 65535)])),
        "rxport-256": xp_input(False, xp_rxport([(i % 16, i * 4096, 16 << (i % 12), 2048)
                                                 for i in range(256)])),
        "rxport-none": xp_input(False, xp_rxport([], rss=False)),
        "rxport-unmapped": xp_input(False, xp_rxport([(3, 0, 16, 64)], rss=False)),
        "states": xp_input(False, xp_state(XP_UP, 1), xp_state(XP_DOWN, 1),
                           xp_state(XP_DOWN_ACK, 1), xp_msg(XP_BYE, b"")),
        "session": xp_input(True, xp_hello(seq=0), (xp_region(0, 65536, seq=1), XP_SEALED1),
                            xp_rxport([(0, 0, 512, 2048)], seq=2), xp_state(XP_UP, 3, seq=3),
                            xp_state(XP_DOWN, 3, seq=4), xp_msg(XP_BYE, b"", seq=5)),
        "bad-magic": xp_input(False, xp_msg(XP_BYE, b"", magic=b"QPXC")),
        "short": xp_input(False, xp_hello()[:10]),
        "truncated-rxport": xp_input(False, good_rx[:-24]),
        "oversize-sock": xp_input(True, xp_msg(XP_BYE, bytes(7000))),
        "empty-sock": xp_input(True, (b"", XP_NULL1)),
        "many-fds-sock": xp_input(True, (xp_msg(XP_BYE, b""), 1 | (3 << 2))),
    }


def write(dirpath, files):
    os.makedirs(dirpath, exist_ok=True)
    for name, data in sorted(files.items()):
        if isinstance(data, str):
            data = data.encode()
        with open(os.path.join(dirpath, name), "wb") as f:
            f.write(data)
    print("%s: %d files" % (dirpath, len(files)))


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else HERE
    write(os.path.join(top, "corpus", "devargs"), DEVARGS)
    write(os.path.join(top, "corpus", "pcap"), pcap_corpus())
    write(os.path.join(top, "corpus", "xproc"), xproc_corpus())


if __name__ == "__main__":
    main()
