#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed corpora of the qpring fuzzers: fuzz/corpus/devargs/ (devargs
strings, valid and invalid) and fuzz/corpus/pcap/ (small capture files, valid
and damaged, in the classic pcap and the pcapng formats).

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


if __name__ == "__main__":
    main()
