# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The qpring authors
# Shared by the script tests of tests/fixes: stock dpdk-testpmd driven
# through its prompt, on top of tests/tools/qptools.py (bounded waits,
# checks, hugepages, telemetry).
"""Helpers for tests/fixes/*.py. Every wait here has a timeout."""

import contextlib
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import qptools as q  # noqa: E402  (after the path it lives on)

PROMPT = rb"testpmd> "


class TestPmd:
    """dpdk-testpmd -i: one command at a time on stdin, each answered when
    the next prompt appears (testpmd runs a command before reading the
    next), so no timing is involved. Its stdout is made line-buffered
    (stdbuf): the prompt is written unbuffered, and a command's output must
    be out before it."""

    def __init__(self, argv, log_path, env=None):
        argv = ["stdbuf", "-oL"] + argv
        self.argv = argv
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, env=env)
        self.out = q.Stream(self.p.stdout, log_path, "$ %s\n" % " ".join(argv))
        self.log = log_path

    def ready(self, timeout=60):
        """True once the first prompt is there."""
        return self.out.wait(PROMPT, timeout) is not None

    def cmd(self, text, timeout=30):
        """Run one command; its output, or None if no prompt came back
        (testpmd died or hung)."""
        with self.out.cond:
            start = self.out.mark
        try:
            self.p.stdin.write((text + "\n").encode())
            self.p.stdin.flush()
        except (BrokenPipeError, OSError):
            return None
        m = self.out.wait(PROMPT, timeout)
        if m is None:
            return None
        with self.out.cond:
            return self.out.buf[start:m.start()].decode(errors="replace")

    def cmd_until(self, text, regex, timeout=30):
        """Run @text again and again until its output matches @regex;
        the match, or None after @timeout seconds of trying."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            out = self.cmd(text, max(1, end - time.monotonic()))
            if out is None:
                return None
            m = re.search(regex, out)
            if m:
                return m
        return None

    def alive(self):
        return self.p.poll() is None

    def quit(self, timeout=30):
        """quit, then wait (kill if it does not go). Its exit status;
        negative: the signal that ended it."""
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

    def text(self):
        return self.out.text()


def exit_text(rc):
    """An exit status as a shell shows it (139 for a segmentation fault)."""
    if rc is None:
        return "still running"
    return "%d (signal %d)" % (128 - rc, -rc) if rc < 0 else str(rc)


def pcap_records(path):
    """(whole records, bytes of a truncated one at the end, lengths) of a
    classic little-endian pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return 0, len(data), []
    off, lens = 24, []
    while off + 16 <= len(data):
        caplen = int.from_bytes(data[off + 8:off + 12], "little")
        if off + 16 + caplen > len(data):
            break
        lens.append(caplen)
        off += 16 + caplen
    return len(lens), len(data) - off, lens
