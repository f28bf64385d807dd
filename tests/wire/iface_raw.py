#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The qpring authors
#
# The raw-socket end of the live-interface test (iface.sh): an AF_PACKET
# socket on the interface receives the qpring port's marked frames
# (count-exact, in order, checksummed), then sends marked frames back.
# Frame layout: see iface_peer.c.
"""Responder over an AF_PACKET raw socket for tests/wire/iface.sh."""

import argparse
import socket
import struct
import sys
import time

ETH_P = 0x88B5
MAGIC = b"QPW1"
HDR = 36
PACKET_OUTGOING = 4
DEADLINE_S = 12.0


def mk_len(seq):
    return 60 + (seq * 97) % 1455


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def mk_frame(kind, tag, token, seq):
    length = mk_len(seq) if kind == b"D" else 60
    body = bytes((seq * 131 + i * 7 + (i >> 8)) & 0xFF for i in range(HDR, length))
    head = (b"\xff" * 6 + bytes([0x02, 0, 0, 0, 0, tag[0]]) + struct.pack(">H", ETH_P) +
            MAGIC + kind + tag + struct.pack(">IIII", token, seq, length, fnv1a(body)))
    return head + body


def receive(sock, token, tag):
    """Frames of @tag until its end frame: (data, lost, bad, foreign, end)."""
    data = lost = bad = foreign = nxt = 0
    end = -1
    deadline = time.monotonic() + DEADLINE_S
    while end < 0:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        sock.settimeout(left)
        try:
            frame, addr = sock.recvfrom(65535)
        except socket.timeout:
            break
        if addr[2] == PACKET_OUTGOING:
            continue
        if (len(frame) < HDR or frame[14:18] != MAGIC or frame[19:20] != tag or
                struct.unpack(">I", frame[20:24])[0] != token):
            foreign += 1
            continue
        seq, length, csum = struct.unpack(">III", frame[24:36])
        if seq < nxt:
            bad += 1
            continue
        lost += seq - nxt
        if frame[18:19] == b"E":
            end = seq
            nxt = seq
        elif length == len(frame) == mk_len(seq) and csum == fnv1a(frame[HDR:]):
            data += 1
            nxt = seq + 1
        else:
            bad += 1
            nxt = seq + 1
    return data, lost, bad, foreign, end


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--iface", required=True)
    ap.add_argument("--token", type=lambda s: int(s, 0), required=True)
    ap.add_argument("--n", type=int, required=True, help="frames to receive")
    ap.add_argument("--m", type=int, required=True, help="frames to send back")
    ap.add_argument("--ready", required=True, help="fifo to report readiness on")
    a = ap.parse_args()

    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P))
    try:
        sock.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE (root)
    except OSError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind((a.iface, ETH_P))
    with open(a.ready, "w", encoding="ascii") as f:  # blocks until iface.sh reads
        f.write("ready\n")

    data, lost, bad, foreign, end = receive(sock, a.token, b"a")
    sent = 0
    for seq in range(a.m + 1):
        kind = b"D" if seq < a.m else b"E"
        frame = mk_frame(kind, b"b", a.token, seq if seq < a.m else a.m)
        if sock.send(frame) == len(frame):
            sent += 1
    print(f"raw: received {data} data, {lost} lost, {bad} bad, {foreign} foreign, end {end}; "
          f"sent {sent - 1} data + end")
    ok = data == a.n and lost == 0 and bad == 0 and end == a.n and sent == a.m + 1
    print("PASSED" if ok else f"FAILED: want {a.n} frames in, {a.m} + end out")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
