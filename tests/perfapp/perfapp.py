#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The qpring authors
"""Runs app/qpring-perf and checks what it reports. No check asserts a speed.

usage: perfapp.py CASE QPRING_PERF PLUGIN
  local_bw    one process, two cabled qpring ports: --count N gives exactly N
              sent and N received (one lcore; two lcores with --window, both
              directions); CSV parses with the expected columns; SIGINT stops
              a long run cleanly with the results so far
  local_lat   latency: min <= median <= p99 <= p99.9 <= max, and the
              histogram's counts sum to the samples (table and CSV)
  memif       two processes over net_memif (server + client): exact counts
              on both sides through DONE/REPORT, latency, both directions;
              and both memif ports in one process (clean teardown);
              skipped (77) when memif cannot run here
  options     bad options refused with exit status 2 and a message naming
              the problem; ports that do not exist; --help
  idle        a server with no client, a client with no server: both give up
              after their timeout with a clear message, in bounded time

Every DPDK process runs under timeout(1) with --no-huge --no-pci -m and its
own --file-prefix. Exit 0 pass, 1 fail, 77 skipped.
"""

import csv
import io
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time

PERF = PLUGIN = None
FAILS = 0
PREFIXES = []
RUN_TIMEOUT = 60  # seconds for any one process

BW_COLUMNS = ["mode", "role", "direction", "frame_bytes", "burst", "rate_pps",
              "sent", "received", "lost", "loss_pct", "reordered", "corrupt",
              "tx_seconds", "rx_seconds", "tx_mpps", "rx_mpps", "tx_gbps",
              "rx_gbps", "tx_gbps_l1", "rx_gbps_l1", "warmup_sent",
              "warmup_received", "status"]
LAT_COLUMNS = ["mode", "role", "frame_bytes", "rate_pps", "sent", "received",
               "lost", "late", "percentile_samples", "min_ns", "median_ns",
               "p99_ns", "p999_ns", "max_ns", "mean_ns", "status"]


def fail(msg):
    global FAILS
    FAILS += 1
    print("FAIL: " + msg)


def ok(msg):
    print("ok:   " + msg)


def check(cond, msg):
    if cond:
        ok(msg)
    else:
        fail(msg)
    return cond


def prefix(name):
    p = "qpperf_%d_%s" % (os.getpid(), name)
    PREFIXES.append(p)
    return p


def eal(name, lcores, vdevs, plugin=True):
    args = ["-l", lcores, "--no-huge", "--no-pci", "-m", "256",
            "--file-prefix", prefix(name), "--log-level", "lib.eal:error"]
    if plugin:
        args += ["-d", PLUGIN]
    for v in vdevs:
        args += ["--vdev", v]
    return args


QP_PAIR = ["net_qpring0", "net_qpring1,peer=net_qpring0"]


def cmd(eal_args, tool_args, limit=RUN_TIMEOUT):
    return (["timeout", "-k", "5", str(limit), PERF] + eal_args + ["--"] +
            tool_args)


def run(eal_args, tool_args, limit=RUN_TIMEOUT):
    """Run to completion; returns (rc, stdout, stderr)."""
    c = cmd(eal_args, tool_args, limit)
    print("$ " + " ".join(c))
    p = subprocess.run(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=limit + 15)
    return p.returncode, p.stdout, p.stderr


def show(out, err):
    sys.stdout.write(out)
    for line in err.splitlines()[-15:]:
        print("  stderr: " + line)


# ---------------------------------------------------------------- parsing

def bw_table(out):
    """Directions of the human table: {label: {sent, received, lost}}."""
    dirs, cur = {}, None
    for line in out.splitlines():
        if "->" in line and not line.startswith(" "):
            cur = dirs.setdefault(line.strip(), {})
            continue
        m = re.match(r"\s+(sent|received|lost)\s+(-?\d+)\b", line)
        if m and cur is not None:
            cur[m.group(1)] = int(m.group(2))
    return dirs


def lat_table(out):
    """(sent, answered, [min, median, p99, p99.9, max, mean] us, histogram)."""
    m = re.search(r"pings sent (\d+), answered (\d+), lost (-?\d+)", out)
    lines = out.splitlines()
    figs = None
    for i, line in enumerate(lines):
        if re.match(r"\s+min\s+median\s+p99\s+p99\.9\s+max\s+mean", line):
            figs = [float(x) for x in lines[i + 1].split()]
    hist = []
    for line in lines:
        h = re.match(r"\s+\[\s*([\d.]+ \w+),\s*([\d.]+ \w+)\)\s+(\d+)\s+[\d.]+ %", line)
        if h:
            hist.append(int(h.group(3)))
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), figs, hist


def csv_rows(out, columns):
    rows = list(csv.reader(io.StringIO(out)))
    if not rows:
        fail("CSV: no output at all")
        return []
    check(rows[0] == columns, "CSV header is %s" % ",".join(rows[0]))
    data = [dict(zip(rows[0], r)) for r in rows[1:]]
    check(all(len(r) == len(rows[0]) for r in rows[1:]),
          "CSV: every row has %d fields" % len(rows[0]))
    return data


def expect_exact(out, label_part, n):
    dirs = bw_table(out)
    hits = [d for lbl, d in dirs.items() if label_part in lbl]
    if not check(len(hits) == 1, "a direction '%s' in the table (have %s)" %
                 (label_part, list(dirs))):
        return
    d = hits[0]
    check(d.get("sent") == n and d.get("received") == n and d.get("lost") == 0,
          "%s: sent %s, received %s, lost %s (want %d, %d, 0)" %
          (label_part, d.get("sent"), d.get("received"), d.get("lost"), n, n))


# ---------------------------------------------------------------- cases

def case_local_bw():
    n = 20000
    rc, out, err = run(eal("bw1", "0", QP_PAIR), ["--count", str(n)])
    show(out, err)
    check(rc == 0, "one lcore --count %d: exit status %d" % (n, rc))
    expect_exact(out, "port 0 (net_qpring0) -> port 1 (net_qpring1)", n)

    # two lcores: a window below the receive ring makes it lossless
    rc, out, err = run(eal("bw2", "0,1", QP_PAIR),
                       ["--count", str(n), "--bidir", "--window", "256",
                        "--verify", "--size", "256"])
    show(out, err)
    check(rc == 0, "two lcores --bidir --window: exit status %d" % rc)
    expect_exact(out, "port 0 (net_qpring0) -> port 1", n)
    expect_exact(out, "port 1 (net_qpring1) -> port 0", n)
    check(re.search(r"corrupt [1-9]", out) is None, "--verify: no corrupt frame")

    rc, out, err = run(eal("bw3", "0", QP_PAIR),
                       ["--count", "5000", "--bidir", "--csv", "--warmup", "0.05"])
    print(out)
    check(rc == 0, "--csv: exit status %d" % rc)
    rows = csv_rows(out, BW_COLUMNS)
    check(sorted(r.get("direction") for r in rows) == ["0->1", "1->0"],
          "CSV: one row per direction")
    for r in rows:
        check(r["mode"] == "bw" and r["role"] == "local" and r["status"] == "ok" and
              r["frame_bytes"] == "64", "CSV %s: mode, role, size, status" %
              r["direction"])
        check(r["sent"] == "5000" and r["received"] == "5000" and r["lost"] == "0",
              "CSV %s: sent %s received %s lost %s" %
              (r["direction"], r["sent"], r["received"], r["lost"]))
        try:
            vals = [float(r[c]) for c in BW_COLUMNS[6:-1]]
            check(all(v >= 0 for v in vals), "CSV %s: numbers are numbers" %
                  r["direction"])
        except ValueError as e:
            fail("CSV %s: a field is not a number: %s" % (r["direction"], e))
        check(int(r["warmup_sent"]) == int(r["warmup_received"]),
              "CSV %s: warm-up frames all arrived (%s sent, %s received)" %
              (r["direction"], r["warmup_sent"], r["warmup_received"]))

    # SIGINT: a long run stops cleanly with the results so far
    c = cmd(eal("bw4", "0", QP_PAIR), ["--duration", "100", "--progress", "0.2"])
    print("$ " + " ".join(c))
    p = subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    got = wait_line(p.stderr, r"^\[\s*[\d.]+ s\].*sent", 30)
    check(got is not None, "a progress line appears")
    p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    show(out, err)
    check(p.returncode == 130, "SIGINT: exit status %s (want 130)" % p.returncode)
    check("interrupted" in out and "stopped by signal 2" in err,
          "SIGINT: the table says interrupted, stderr names the signal")
    d = bw_table(out)
    check(any(v.get("sent", 0) > 0 for v in d.values()),
          "SIGINT: what was sent so far is printed")


def wait_line(stream, pattern, limit):
    """Read lines from a pipe until one matches, for at most `limit` s."""
    sel = selectors.DefaultSelector()
    sel.register(stream, selectors.EVENT_READ)
    end = time.monotonic() + limit
    buf = ""
    while time.monotonic() < end:
        if not sel.select(timeout=max(0.0, end - time.monotonic())):
            break
        chunk = os.read(stream.fileno(), 4096).decode(errors="replace")
        if not chunk:
            break
        buf += chunk
        sys.stdout.write("".join("  | " + l + "\n" for l in chunk.splitlines()))
        for line in buf.splitlines():
            if re.search(pattern, line):
                sel.close()
                return line
    sel.close()
    return None


def check_lat(out, n, what):
    t = lat_table(out)
    if not check(t is not None, "%s: a latency table" % what):
        return
    sent, answered, figs, hist = t
    check(sent == n and answered == n, "%s: %d pings sent, %d answered (want %d)" %
          (what, sent, answered, n))
    if check(figs is not None and len(figs) == 6, "%s: min median p99 p99.9 max mean" % what):
        check(figs[0] <= figs[1] <= figs[2] <= figs[3] <= figs[4] and figs[0] > 0,
              "%s: 0 < min <= median <= p99 <= p99.9 <= max: %s" % (what, figs[:5]))
        check(figs[0] <= figs[5] <= figs[4], "%s: min <= mean <= max" % what)
    check(len(hist) > 0 and sum(hist) == answered,
          "%s: histogram counts %s sum to %d samples" % (what, hist, answered))


def case_local_lat():
    n = 3000
    for lcores in ("0", "0,1"):
        rc, out, err = run(eal("lat" + lcores[-1], lcores, QP_PAIR),
                           ["--mode", "lat", "--count", str(n), "--reply-timeout", "5000"])
        show(out, err)
        check(rc == 0, "-l %s: exit status %d" % (lcores, rc))
        check_lat(out, n, "-l %s" % lcores)

    # one looped-back port pings itself
    rc, out, err = run(eal("lat_loop", "0", ["net_qpring0"]),
                       ["--mode", "lat", "--port", "0,0", "--count", "500",
                        "--reply-timeout", "5000", "--warmup", "0.02"])
    show(out, err)
    check(rc == 0, "--port 0,0: exit status %d" % rc)
    check_lat(out, 500, "--port 0,0")

    rc, out, err = run(eal("lat_csv", "0", QP_PAIR),
                       ["--mode", "lat", "--count", "1000", "--rate", "20k", "--csv",
                        "--reply-timeout", "5000"])
    print(out)
    check(rc == 0, "lat --csv: exit status %d" % rc)
    rows = csv_rows(out, LAT_COLUMNS)
    if check(len(rows) == 1, "lat CSV: one row"):
        r = rows[0]
        check(r["sent"] == "1000" and r["received"] == "1000" and r["lost"] == "0" and
              r["percentile_samples"] == "1000" and r["rate_pps"] == "20000",
              "lat CSV: sent %s received %s lost %s samples %s rate %s" %
              (r["sent"], r["received"], r["lost"], r["percentile_samples"],
               r["rate_pps"]))
        try:
            v = [float(r[c]) for c in ("min_ns", "median_ns", "p99_ns", "p999_ns",
                                        "max_ns")]
            check(v == sorted(v), "lat CSV: min <= median <= p99 <= p99.9 <= max: %s" % v)
        except ValueError as e:
            fail("lat CSV: a figure is not a number: %s" % e)


def memif_pair(tag, sock, server_args, client_args):
    """Server then client over net_memif; returns (srv rc/out/err, cli rc/out/err)
    or None when memif cannot run here (the caller skips)."""
    arg = "socket=%s,socket-abstract=no" % sock
    sc = cmd(eal("srv_" + tag, "0", ["net_memif0,role=server," + arg], plugin=False),
             ["--role", "server", "--idle-timeout", "20"] + server_args)
    print("$ " + " ".join(sc))
    srv = subprocess.Popen(sc, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ready = wait_line(srv.stderr, r"waiting up to", 30)
    if ready is None:
        try:
            out, err = srv.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            srv.kill()
            out, err = srv.communicate()
        show(out, err)
        if srv.returncode not in (0, None) and re.search(
                r"memif|EAL initialisation failed|no ethdev port", err, re.I):
            return None
        fail("memif server %s: never said it was waiting for a client (status %s)" %
             (tag, srv.returncode))
        return (srv.returncode, out, err), (None, "", "")
    cc = cmd(eal("cli_" + tag, "1", ["net_memif0,role=client," + arg], plugin=False),
             ["--role", "client", "--idle-timeout", "20"] + client_args)
    print("$ " + " ".join(cc))
    cli = subprocess.run(cc, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         timeout=RUN_TIMEOUT + 15)
    try:
        out, err = srv.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        srv.kill()
        out, err = srv.communicate()
        fail("memif server %s: still running 30 s after its client finished" % tag)
    print("---- client")
    show(cli.stdout, cli.stderr)
    print("---- server")
    show(out, err)
    return (srv.returncode, out, err), (cli.returncode, cli.stdout, cli.stderr)


def case_memif():
    tmp = tempfile.mkdtemp(prefix="qpperf-")
    try:
        n = 20000
        r = memif_pair("bw", os.path.join(tmp, "bw.sock"), [], ["--count", str(n)])
        if r is None:
            print("SKIP: net_memif cannot run on this machine (its server port did "
                  "not come up; see the output above)")
            return 77
        (src, sout, _), (crc, cout, _) = r
        check(crc == 0, "bw client: exit status %s" % crc)
        check(src == 0, "bw server: exit status %s after DONE" % src)
        expect_exact(cout, "client port 0 (net_memif0) -> server", n)
        expect_exact(sout, "client -> server port 0 (net_memif0)", n)

        r = memif_pair("bidir", os.path.join(tmp, "bidir.sock"), [],
                       ["--count", "5000", "--bidir", "--csv"])
        (src, sout, _), (crc, cout, _) = r
        check(crc == 0 and src == 0, "bidir: client %s, server %s" % (crc, src))
        rows = csv_rows(cout, BW_COLUMNS)
        check(sorted(x["direction"] for x in rows) == ["client->server", "server->client"],
              "bidir CSV: both directions")
        for x in rows:
            check(x["sent"] == "5000" and x["received"] == "5000" and x["lost"] == "0",
                  "bidir CSV %s: sent %s received %s lost %s" %
                  (x["direction"], x["sent"], x["received"], x["lost"]))

        # server and client ports in one process: exact counts, and a
        # teardown that does not race net_memif's interrupt thread
        arg = "socket=%s,socket-abstract=no" % os.path.join(tmp, "one.sock")
        for lcores in ("0", "0,1"):
            rc, out, err = run(eal("memif1p" + lcores[-1], lcores,
                                   ["net_memif0,role=server," + arg,
                                    "net_memif1,role=client," + arg], plugin=False),
                               ["--count", "5000", "--bidir"])
            show(out, err)
            check(rc == 0, "one process -l %s: exit status %d" % (lcores, rc))
            expect_exact(out, "port 0 (net_memif0) -> port 1 (net_memif1)", 5000)
            expect_exact(out, "port 1 (net_memif1) -> port 0 (net_memif0)", 5000)
            check("Invalid memory" not in err,
                  "one process -l %s: no double free at teardown" % lcores)

        m = 2000
        r = memif_pair("lat", os.path.join(tmp, "lat.sock"), [],
                       ["--mode", "lat", "--count", str(m), "--reply-timeout", "5000"])
        (src, sout, _), (crc, cout, _) = r
        check(crc == 0 and src == 0, "lat: client %s, server %s" % (crc, src))
        check_lat(cout, m, "memif lat")
        check("reflected by the server %d" % m in cout,
              "lat: the REPORT says the server reflected %d" % m)
        check(re.search(r"reflected %d pings .*the client sent %d and got %d" % (m, m, m),
                        sout) is not None, "lat: the server printed both sides")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def case_options():
    bad = [
        (["--size", "63"], "--size 63: must be a whole number from 64 to 9000"),
        (["--size", "9001"], "--size 9001: must be a whole number from 64 to 9000"),
        (["--size", "1k"], "--size 1k: must be a whole number"),
        (["--mode", "throughput"], "--mode throughput: must be bw or lat"),
        (["--role", "master"], "--role master: must be local, server or client"),
        (["--count", "0"], "--count 0: must be a whole number from 1"),
        (["--count", "10", "--duration", "1"], "give one of them"),
        (["--duration", "-1"], "--duration -1: must be a number of seconds"),
        (["--burst", "513"], "--burst 513: must be a whole number from 1 to 512"),
        (["--rate", "fast"], "--rate fast: must be frames per second"),
        (["--frobnicate"], "unknown option '--frobnicate'"),
        (["--count"], "option --count needs a value"),
        (["stray"], "unexpected argument 'stray'"),
        (["--port", "0"], "--role local takes two port ids"),
        (["--port", "x,1"], "--port x: must be a whole number"),
        (["--role", "client", "--port", "0,1"], "--role client takes one port id"),
        (["--role", "server", "--count", "5"], "--count does not apply to --role server"),
        (["--role", "server", "--mode", "lat"], "--mode does not apply to --role server"),
        (["--role", "client", "--window", "8"], "--window does not apply to --role client"),
        (["--mode", "lat", "--bidir"], "--bidir is for --mode bw only"),
        (["--reply-timeout", "10"], "--reply-timeout is for --mode lat only"),
        (["--bidir", "--port", "1,1"], "--bidir: needs two different ports"),
        (["--idle-timeout", "5"], "--idle-timeout does not apply to --role local"),
        (["--mode", "lat", "--verify"], "--verify is for --mode bw only"),
    ]
    for args, want in bad:
        c = [PERF, "--"] + args
        p = subprocess.run(["timeout", "10"] + c, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=20)
        check(p.returncode == 2 and want in p.stderr,
              "%s -> status %d, %r" % (" ".join(args), p.returncode,
                                       p.stderr.strip()[:160]))

    p = subprocess.run(["timeout", "10", PERF, "--", "--help"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=20)
    check(p.returncode == 0 and "usage: qpring-perf" in p.stdout and
          "preamble" in p.stdout and "rte_get_tsc_hz" in p.stdout,
          "--help: status %d, usage with the units and the clock" % p.returncode)

    # needs EAL: a port that does not exist, a frame too large for the driver
    rc, out, err = run(eal("opt_port", "0", QP_PAIR), ["--port", "0,5", "--count", "10"])
    check(rc == 1 and "port 5 does not exist" in err,
          "--port 0,5 with two ports: status %d, %r" % (rc, err.strip()[-160:]))
    rc, out, err = run(eal("opt_none", "0", [], plugin=False), ["--count", "10"])
    check(rc == 1 and "no ethdev port" in err,
          "no --vdev: status %d, %r" % (rc, err.strip()[-160:]))


def case_idle():
    tmp = tempfile.mkdtemp(prefix="qpperf-")
    try:
        # memif server, nobody connects: the link stays down
        sock = os.path.join(tmp, "idle.sock")
        t0 = time.monotonic()
        rc, out, err = run(eal("idle_memif", "0",
                               ["net_memif0,role=server,socket=%s,socket-abstract=no" % sock],
                               plugin=False),
                           ["--role", "server", "--idle-timeout", "2"], limit=30)
        dt = time.monotonic() - t0
        print(err.strip()[-400:])
        if rc != 1 and re.search(r"memif|EAL initialisation failed", err, re.I) and \
                "waiting up to" not in err:
            print("note: net_memif cannot run here; its idle case is not checked")
        else:
            check(rc == 1 and "no client connected (--idle-timeout)" in err,
                  "memif server without a client: status %d, says no client" % rc)
            check(dt < 20, "memif server gave up in %.1f s (idle timeout 2 s)" % dt)

        # a port whose link is up at once (net_ring) but no HELLO ever comes
        t0 = time.monotonic()
        rc, out, err = run(eal("idle_ring", "0", ["net_ring0"], plugin=False),
                           ["--role", "server", "--idle-timeout", "1.5"], limit=30)
        dt = time.monotonic() - t0
        print(err.strip()[-300:])
        check(rc == 1 and "no client in 1.5 s (--idle-timeout); exiting" in err,
              "net_ring server without a client: status %d" % rc)
        check(dt < 20, "net_ring server gave up in %.1f s" % dt)

        # a client whose HELLOs nobody answers (net_ring hands them back to itself)
        t0 = time.monotonic()
        rc, out, err = run(eal("idle_cli", "0", ["net_ring0"], plugin=False),
                           ["--role", "client", "--idle-timeout", "1.5", "--count", "10"],
                           limit=30)
        dt = time.monotonic() - t0
        print(err.strip()[-300:])
        check(rc == 1 and "no READY from a server" in err,
              "client without a server: status %d, says no READY" % rc)
        check(dt < 20, "client gave up in %.1f s" % dt)

        # a memif client whose server is not there: its port cannot start
        rc, out, err = run(eal("idle_mcli", "0",
                               ["net_memif0,role=client,socket=%s,socket-abstract=no" % sock],
                               plugin=False),
                           ["--role", "client", "--link-timeout", "2", "--count", "10"],
                           limit=30)
        print(err.strip()[-300:])
        check(rc == 1 and ("is the server process running" in err or
                           "link still down" in err),
              "memif client without a server: status %d, a message" % rc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def cleanup():
    base = "/var/run/dpdk" if os.getuid() == 0 else os.path.join(
        os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")
    for p in PREFIXES:
        shutil.rmtree(os.path.join(base, p), ignore_errors=True)


def main():
    global PERF, PLUGIN
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    case, PERF, PLUGIN = sys.argv[1], os.path.abspath(sys.argv[2]), \
        os.path.abspath(sys.argv[3])
    if shutil.which("timeout") is None:
        print("SKIP: timeout(1) not found")
        return 77
    cases = {"local_bw": case_local_bw, "local_lat": case_local_lat,
             "memif": case_memif, "options": case_options, "idle": case_idle}
    if case not in cases:
        print("unknown case %s; cases: %s" % (case, ", ".join(cases)))
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        rc = cases[case]() or 0
    finally:
        cleanup()
    if rc == 77:
        return 77
    if FAILS:
        print("perfapp %s: %d check(s) FAILED" % (case, FAILS))
        return 1
    print("perfapp %s: all checks passed" % case)
    return 0


if __name__ == "__main__":
    sys.exit(main())
