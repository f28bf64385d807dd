#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Ask a running DPDK process for a qpring port's register file (or any other
# telemetry command) over the telemetry v2 socket, and print it readably.
"""Minimal client for DPDK's telemetry v2 socket.

Usage:
  qpring-telemetry.py [--file-prefix P | --socket PATH] regs PORT [PORT...]
  qpring-telemetry.py [--file-prefix P | --socket PATH] raw COMMAND
  qpring-telemetry.py ... --wait SECONDS ...   (retry while the socket appears)

The socket is a SOCK_SEQPACKET Unix socket: on connect the server sends one
JSON object (version, pid, max_output_len); every command sent afterwards is
answered by exactly one JSON message {"<command>": <data or null>}.
"""

import argparse
import json
import os
import socket
import sys
import time

SOCKET_NAME = "dpdk_telemetry.v2"
QUEUE_FIELDS = ("doorbell", "doorbell_va", "in_service", "pending", "size",
                "ring_va", "driver_index", "adapter_index", "done_slots")


def runtime_dir(prefix):
    """Where EAL keeps a process's runtime files (the same rule EAL uses)."""
    if os.geteuid() == 0:
        base = "/var/run"
    else:
        base = os.environ.get("XDG_RUNTIME_DIR", "/tmp")
    return os.path.join(base, "dpdk", prefix)


class Telemetry:
    """One connection to a DPDK process's telemetry socket."""

    def __init__(self, path, wait=0.0):
        deadline = time.monotonic() + wait
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            try:
                sock.connect(path)
                break
            except OSError as err:
                sock.close()
                if time.monotonic() >= deadline:
                    raise OSError(f"cannot connect to {path}: {err}") from err
                time.sleep(0.1)
        self.sock = sock
        self.sock.settimeout(10)
        hello = json.loads(self.sock.recv(65536).decode())
        self.pid = hello.get("pid")
        self.version = hello.get("version")
        self.max_len = int(hello.get("max_output_len", 16384))

    def query(self, command):
        """Send one command, return the value under the command's key."""
        self.sock.send(command.encode())
        reply = self.sock.recv(self.max_len + 1024)
        if not reply:
            raise OSError("telemetry socket closed by the DPDK process")
        data = json.loads(reply.decode())
        key = command.split(",", 1)[0]
        if key not in data:
            raise ValueError(f"unexpected reply to {command!r}: {data!r}")
        return data[key]

    def close(self):
        self.sock.close()


def fmt_field(name, value):
    if name in ("doorbell", "doorbell_va", "ring_va"):
        return f"0x{value:x}"
    return str(value)


def print_regs(port, regs):
    """Print the per-queue register file of one port as a table."""
    if regs is None:
        print(f"port {port}: no register file (not a qpring port, or no such port)")
        return False
    nqp = regs.get("queue_pairs", 0)
    print(f"port {port}: {nqp} queue pair(s)")
    queues = [k for k in regs if k[:2] in ("sq", "rq") and isinstance(regs[k], dict)]
    queues.sort(key=lambda k: (int(k[2:]), k[0] == "r"))
    header = ["queue"] + list(QUEUE_FIELDS)
    rows = [header]
    for q in queues:
        rows.append([q] + [fmt_field(f, regs[q].get(f, 0)) for f in QUEUE_FIELDS])
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for r in rows:
        print("  " + "  ".join(c.rjust(w) for c, w in zip(r, widths)))
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--file-prefix", default="rte",
                       help="the DPDK process's --file-prefix (default rte)")
    where.add_argument("--socket", help="path of the telemetry socket")
    ap.add_argument("--wait", type=float, default=0.0,
                    help="seconds to keep retrying the connection")
    ap.add_argument("--json", action="store_true", help="print raw JSON")
    ap.add_argument("what", choices=("regs", "raw"))
    ap.add_argument("args", nargs="+")
    opt = ap.parse_args()

    path = opt.socket or os.path.join(runtime_dir(opt.file_prefix), SOCKET_NAME)
    try:
        tel = Telemetry(path, opt.wait)
    except (OSError, ValueError) as err:
        print(f"qpring-telemetry: {err}", file=sys.stderr)
        return 1
    ok = True
    try:
        if opt.what == "raw":
            data = tel.query(",".join(opt.args) if len(opt.args) > 1 else opt.args[0])
            print(json.dumps(data, indent=2))
            ok = data is not None
        else:
            for port in opt.args:
                regs = tel.query(f"/qpring/regs,{int(port)}")
                if opt.json:
                    print(json.dumps(regs, indent=2))
                    ok = ok and regs is not None
                else:
                    ok = print_regs(port, regs) and ok
    except (OSError, ValueError) as err:
        print(f"qpring-telemetry: {err}", file=sys.stderr)
        ok = False
    finally:
        tel.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
