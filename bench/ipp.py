#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Instructions per packet (IPP): a fast-path yardstick that does not move
# with the load of the machine, unlike Mpps. Every testpmd process of a
# driver runs under valgrind's callgrind with instrumentation off; io
# forwarding is seeded and left running, then stopped, and the counted
# window is exactly
#
#   clear port stats all; callgrind_control -i on; start
#   ... WINDOW seconds ...
#   stop; callgrind_control -i off; callgrind_control -d; show port stats all
#
# (callgrind_control's requests are sent with vgdb directly, to every
# process at once.)
#
# in every process (testpmd runs with --no-flush-rx, so the frames in
# flight at "stop" stay in the rings and forwarding resumes on "start").
# IPP = instructions executed by all the processes' threads in the window
# / packets their ports received in it. Each receive burst call should
# return a full burst (32): the script prints packets per burst to show it.
#
#   python3 bench/ipp.py --build build                        # every driver
#   python3 bench/ipp.py --build build --only qpring_copy0 --sizes 64 --top 25
#   python3 bench/ipp.py --build build --name ring2 --sizes 64 -- \
#       --vdev net_ring0 --vdev net_ring1            # any vdev pair
#
# Used by run.py for the IPP column of make bench. Python standard library.

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import time

from tpmd import (STATS_RE, TX_FIRST_BURSTS, BenchError, Driver, Session,
                  make_drivers)

VALGRIND = "valgrind"
VGDB = "vgdb"
BURST = 32                   # testpmd's default packets per burst
DRAIN_S = 0.3                # rxonly pass that empties the rings
WARM_S = 0.3                 # io forwarding before the counted window
IDLE_S = 0.5                 # window to price an empty poll


# Drivers whose IPP is not measured, and why.
SKIP = {}
SERVICE_FN = "qpring_service_run"   # a service lcore's pass over a port


def extra_drivers():
    """Setups measured for IPP only (not in the Mpps runs): none at
    present (the two-process setups are in both, tpmd.make_drivers())."""
    return []


def valgrind_version():
    try:
        r = subprocess.run([VALGRIND, "--version"], capture_output=True,
                           text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return r.stdout.strip() or None


# ------------------------------------------------------- callgrind files

NAME_RE = re.compile(r"\((\d+)\)(?: (.*))?$")


def parse_callgrind(path):
    """Total Ir, self Ir by (object, function), and call counts by
    (caller, callee) from a callgrind output file (events: Ir)."""
    names = {"ob": {}, "fl": {}, "fn": {}}
    kinds = {"ob": "ob", "cob": "ob", "fl": "fl", "fi": "fl", "fe": "fl",
             "cfi": "fl", "cfl": "fl", "fn": "fn", "cfn": "fn"}

    def name(kind, text):
        m = NAME_RE.match(text)
        if not m:
            return text
        table = names[kinds[kind]]
        if m.group(2) is not None:
            table[m.group(1)] = m.group(2)
        return table.get(m.group(1), "(%s)" % m.group(1))

    total = None
    events = None
    cost = collections.Counter()
    by_file = collections.Counter()     # (object, function, source file)
    calls = collections.Counter()
    ob = fn = cob = cfn = fl = None
    call_cost_next = False
    with open(path, errors="replace") as f:
        for line in f:
            c = line[:1]
            if c.isdigit() or c in "+-*":
                if call_cost_next:      # inclusive cost of a call: not self
                    call_cost_next = False
                    continue
                parts = line.split()
                if len(parts) > 1:
                    cost[(ob, fn)] += int(parts[1])
                    by_file[(ob, fn, fl)] += int(parts[1])
                continue
            call_cost_next = False
            key, _, rest = line.rstrip("\n").partition("=")
            if key == "calls":
                calls[((ob, fn), (cob or ob, cfn))] += int(rest.split()[0])
                call_cost_next = True
                cob = None
            elif key in ("fn",):
                fn = name(key, rest)
                cob = None
            elif key == "ob":
                ob = name(key, rest)
            elif key == "cob":
                cob = name(key, rest)
            elif key == "cfn":
                cfn = name(key, rest)
            elif key in ("fl", "fi", "fe"):
                fl = name(key, rest)    # fi/fe: code inlined from a file
            elif key in ("cfi", "cfl"):
                name(key, rest)
            elif line.startswith("totals:"):
                total = int(line.split()[1])
            elif line.startswith("events:"):
                events = line.split()[1:]
    if events != ["Ir"]:
        raise BenchError("%s: events %s, expected Ir only" % (path, events))
    if total is None:
        total = sum(cost.values())
    return dict(total=total, cost=cost, calls=calls, by_file=by_file)


def short_obj(ob):
    base = os.path.basename(ob or "?")
    return re.sub(r"\.so(\.[0-9.]+)?$", "", base)


def io_forward_fn(data):
    """testpmd's io forwarding function and how often it was called.

    dpdk-testpmd is stripped, so the function is found by its calls: the
    forwarding lcore's loop calls it once per stream and iteration (the
    busiest call from testpmd into testpmd), and each call makes one
    receive burst call."""
    best = None
    for (caller, callee), n in data["calls"].items():
        if "testpmd" in (caller[0] or "") and "testpmd" in (callee[0] or ""):
            if best is None or n > best[1]:
                best = (callee, n)
    return best


def burst_calls(data):
    """(io forwarding function, receive burst calls, transmit burst calls).

    The io forwarding function calls the driver's receive burst once and,
    only when that returned frames, its transmit burst (the busiest other
    callee in the same library): receive calls - transmit calls = empty
    polls."""
    fwd = io_forward_fn(data)
    if fwd is None:
        return None, 0, None
    callees = [(callee, n) for (caller, callee), n in data["calls"].items()
               if caller == fwd[0]]
    if not callees:
        return fwd, fwd[1], None
    rx = max(callees, key=lambda x: x[1])
    tx = [n for callee, n in callees
          if callee != rx[0] and callee[0] == rx[0][0]]
    return fwd, fwd[1], max(tx) if tx else None


def functions(data, pkts, fwd):
    """[(label, Ir per packet)] by function, biggest first."""
    loop = None
    if fwd:
        callers = [(caller, n) for (caller, callee), n in
                   data["calls"].items() if callee == fwd[0]]
        loop = max(callers, key=lambda x: x[1])[0] if callers else None
    out = []
    for (ob, fn), ir in data["cost"].items():
        label = "%s:%s" % (short_obj(ob), fn)
        if fwd and (ob, fn) == fwd[0]:
            label += " (testpmd io forwarding)"
        elif (ob, fn) == loop:
            label += " (testpmd forwarding loop)"
        out.append((label, ir / pkts))
    out.sort(key=lambda x: -x[1])
    return out


def source_files(data, pkts, threshold=0.5):
    """[(function [source file], Ir per packet)] where the objects have
    debug info (a -g build): the code inlined into a function from other
    files (rte_memcpy.h, rte_mempool.h...) shows apart."""
    out = collections.Counter()
    for (ob, fn, fl), ir in data["by_file"].items():
        if not fl or fl == "???":
            continue
        out["%s:%s [%s]" % (short_obj(ob), fn, os.path.basename(fl))] += ir
    return [(k, v / pkts) for k, v in out.most_common()
            if v / pkts >= threshold]


# ----------------------------------------------------------- measurement

def vgdb(pids, *commands, timeout=60):
    """Send callgrind monitor commands ("instrumentation on", "dump": what
    callgrind_control sends) to every process at once through vgdb."""
    argv = []
    for c in commands:
        argv += (["-c"] if argv else []) + c.split()
    procs = [(pid, subprocess.Popen(
        [VGDB, "--pid=%d" % pid, "--max-invoke-ms=20"] + argv,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        for pid in pids]
    for pid, p in procs:
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            raise BenchError("vgdb %s: no answer from %d in %d s"
                             % (" ".join(argv), pid, timeout))
        if p.returncode != 0:
            raise BenchError("vgdb %s to %d failed: %s" % (
                " ".join(argv), pid, (out + err).strip()[-300:]))


RX_BYTES_RE = re.compile(r"RX-bytes:\s+(\d+)")


def rx_counters(tp):
    """(packets, bytes) received by TP's ports since the last clear."""
    out, _, _ = tp.cmd("show port stats all")
    ports = {int(m.group(1)): int(m.group(2))
             for m in STATS_RE.finditer(out)}
    if len(ports) != tp.nports:
        raise BenchError("%s: no port statistics in testpmd's answer"
                         % tp.name)
    return sum(ports.values()), sum(int(b) for b in
                                    RX_BYTES_RE.findall(out))


def send_all(tps, text, timeout=None):
    """Send a command to every process at once, then wait for each."""
    marks = []
    for tp in tps:
        with tp.cond:
            marks.append(tp._prompts())
        try:
            tp.proc.stdin.write((text + "\n").encode())
            tp.proc.stdin.flush()
        except OSError:
            raise BenchError("%s exited (writing %r)" % (tp.name, text))
    for tp, n in zip(tps, marks):
        if not tp.wait_prompts(n + 1, timeout or tp.cmd_timeout):
            raise BenchError("no answer from %s to %r" % (tp.name, text))


class IppSession:
    """A driver's testpmd process(es) under callgrind, for one launch."""

    def __init__(self, args, drv, uid, size, limit_s):
        self.outdir = os.path.join(args.logdir, "callgrind")
        os.makedirs(self.outdir, exist_ok=True)
        self.outs = []
        self.uid = uid

        def wrap(i, spec):
            out = os.path.join(self.outdir, "%s-%s-%d.out" % (drv.key, uid, i))
            self.outs.append(out)
            # --fair-sched: the main lcore must get its turn to answer
            # commands while the forwarding lcore spins (valgrind runs one
            # thread of a process at a time).
            # --separate-threads: one file per thread, so that the main
            # lcore's work (parsing and answering "start" and "stop") can
            # be told apart from the forwarding threads'.
            return [VALGRIND, "--tool=callgrind", "--instr-atstart=no",
                    "--fair-sched=yes", "--separate-threads=yes",
                    "--callgrind-out-file=" + out]

        # Two processes share one cpu: each runs while the other waits, and
        # finds every frame the other sent in its queue (full bursts); on
        # two cpus the faster one would poll while the other is half-way
        # through a burst and see part of it.
        lcores = ["--lcores", "0@0,1@0"] if len(drv.procs("x", size)) > 1 \
            else None
        # --no-flush-rx: "start" would otherwise read and drop every frame
        # waiting in the receive queues, counting them as received.
        self.s = Session(args, drv, uid, size, limit_s, wrap=wrap,
                         app_extra=["--no-flush-rx"], slow=8, cycles=False,
                         tag="ipp-", lcores=lcores)

    def open(self):
        self.s.open()
        self.idle = None
        self.pids = []
        for tp in self.s.tps:
            pid = tp.program_pid()
            if pid is None:
                raise BenchError("%s: no process under valgrind" % tp.name)
            self.pids.append(pid)

    def close(self):
        self.s.close(quit_wait=20)

    def drain(self):
        """Receive and free whatever is in flight (rxonly) until a pass
        receives nothing."""
        tps = self.s.tps
        for tp in tps:
            tp.cmd("set fwd rxonly")
        for _ in range(5):
            for tp in tps:
                tp.cmd("clear port stats all")
            send_all(tps, "start")
            time.sleep(DRAIN_S)
            send_all(tps, "stop")
            got = sum(rx_counters(tp)[0] for tp in tps)
            if got == 0:
                return
        raise BenchError("frames still arriving after 5 passes of rxonly")

    def seed(self, size):
        """Drain what is in flight, seed io forwarding with SIZE frames."""
        tps = self.s.tps
        if not self.s.drv.per_size:
            self.drain()
        for tp in tps:
            tp.cmd("set txpkts %d" % size)
            tp.cmd("set fwd io")
        seeders = [tp for tp, sp in zip(tps, self.s.specs)
                   if sp.get("seeds")] or tps[:1]
        for tp in tps:
            if tp not in seeders:
                tp.cmd("start")
        for tp in seeders:
            tp.cmd("start tx_first %d" % TX_FIRST_BURSTS)
        time.sleep(WARM_S)
        send_all(tps, "stop")

    def idle_costs(self):
        """Per process: instructions per pass of the forwarding loop when
        nothing is in flight (every receive burst returns empty), and per
        pass of the service lcore's loop when it finds nothing to do."""
        tps = self.s.tps
        self.drain()
        for tp in tps:
            tp.cmd("set fwd io")
        costs = []
        for p in self.window(IDLE_S):
            _, calls, _ = burst_calls(p["data"])
            if p["pkts"] or not calls:
                raise BenchError("%s: idle window: %d packets, %d polls"
                                 % (p["name"], p["pkts"], calls))
            costs.append(dict(
                fwd=(p["ir"] - p["svc_ir"]) / calls,
                svc=p["svc_ir"] / p["svc_calls"] if p["svc_calls"] else None))
        return costs

    def window(self, seconds):
        """One counted window; per process (Ir, packets, data)."""
        tps = self.s.tps
        before = []
        for tp, out in zip(tps, self.s_outs()):
            tp.cmd("clear port stats all")
            before.append(set(dumps(out)))
        vgdb(self.pids, "instrumentation on")
        send_all(tps, "start")
        time.sleep(seconds)
        send_all(tps, "stop")
        vgdb(self.pids, "instrumentation off", "dump")
        res = []
        for tp, out, old in zip(tps, self.s_outs(), before):
            pkts, nbytes = rx_counters(tp)
            files = wait_new_dump(out, old)
            # Thread 1 is the main lcore: testpmd's command line.
            threads = {t: parse_callgrind(f) for t, f in files.items()}
            ctl = threads.pop(1, None)
            data = merge(list(threads.values()))
            # A service lcore's thread: the one that runs the service.
            svc_calls = svc_ir = 0
            for d in threads.values():
                n = sum(c for (_, callee), c in d["calls"].items()
                        if callee[1] == SERVICE_FN)
                if n:
                    svc_calls += n
                    svc_ir += d["total"]
            res.append(dict(name=tp.name, ir=data["total"], pkts=pkts,
                            bytes=nbytes, svc_calls=svc_calls, svc_ir=svc_ir,
                            ctl_ir=ctl["total"] if ctl else 0,
                            threads={t: d["total"]
                                     for t, d in threads.items()},
                            data=data, file=files))
        return res

    def s_outs(self):
        return self.outs


def dumps(out):
    """{(dump number, thread number): path} of OUT's dump files."""
    d, base = os.path.split(out)
    got = {}
    for f in os.listdir(d):
        m = re.fullmatch(re.escape(base) + r"\.(\d+)-(\d+)", f)
        if m:
            got[(int(m.group(1)), int(m.group(2)))] = os.path.join(d, f)
    return got


def wait_new_dump(out, old, timeout=30):
    """{thread: path} of the dump made after the dumps in OLD."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        new = {k: v for k, v in dumps(out).items() if k not in old}
        if new:
            last = max(k[0] for k in new)
            files = {k[1]: v for k, v in new.items() if k[0] == last}
            # callgrind writes the totals line last
            done = True
            for f in files.values():
                with open(f, errors="replace") as fh:
                    done = done and any(ln.startswith("totals:") for ln in fh)
            if done:
                return files
        time.sleep(0.1)
    raise BenchError("no new callgrind dump for %s" % out)


def merge(datas):
    """One callgrind profile out of several threads' profiles."""
    m = dict(total=0, cost=collections.Counter(),
             calls=collections.Counter(), by_file=collections.Counter())
    for d in datas:
        m["total"] += d["total"]
        m["cost"].update(d["cost"])
        m["calls"].update(d["calls"])
        m["by_file"].update(d["by_file"])
    return m


def empty_polls(p):
    """Receive burst calls and empty ones (that returned no frame)."""
    fwd, calls, tx = burst_calls(p["data"])
    if tx is None:
        return fwd, calls, None
    return fwd, calls, calls - tx


def summarise_window(procs, idle=None, top=0):
    """IPP of one window from its processes' figures.

    IDLE: per process, the instructions one empty poll costs (a pass of
    the forwarding loop whose receive burst returned nothing), or None;
    taken out when a process polled empty (two-process setups: the
    process that runs faster waits for the other by polling)."""
    pkts = sum(p["pkts"] for p in procs)
    ir = sum(p["ir"] for p in procs)
    if pkts <= 0:
        raise BenchError("the counted window received 0 packets")
    nbytes = sum(p.get("bytes", 0) for p in procs)
    r = dict(pkts=pkts, ir_raw=ir, ipp_raw=ir / pkts, procs=[],
             frame_seen=nbytes / pkts if nbytes else None)
    calls_all = full_all = empty_all = 0
    known = True
    net = 0.0
    svc_bound = 0.0
    for i, p in enumerate(procs):
        fwd, calls, empty = empty_polls(p)
        cost = idle[i]["fwd"] if idle else None
        svc_cost = idle[i]["svc"] if idle else None
        if empty is None:
            known = False
            empty = 0
        taken = empty * cost if (empty and cost) else 0.0
        if empty and not cost:
            known = False
        svc = p.get("svc_calls", 0)
        if svc:
            if svc_cost is None:
                known = False
            else:
                # Every service pass's cost is taken out, also that of the
                # passes that found work: those are at most one per
                # transmit burst (valgrind runs one thread at a time, and a
                # pass services everything posted before it).
                taken += svc * svc_cost
                svc_bound += min(svc, calls - empty) * svc_cost
        calls_all += calls
        empty_all += empty
        full_all += calls - empty
        net += p["ir"] - taken
        r["procs"].append(dict(
            name=p["name"], ir=p["ir"], pkts=p["pkts"], ctl_ir=p["ctl_ir"],
            threads=p["threads"], calls=calls, empty=empty,
            empty_cost=cost, svc_calls=svc, svc_cost=svc_cost,
            share=(p["ir"] - taken) / pkts,
            svc_share=(p["svc_ir"] - svc * svc_cost) / pkts
            if svc and svc_cost is not None else None,
            per_burst=p["pkts"] / (calls - empty) if calls - empty else None,
            file=p["file"]))
        if top:
            p["fns"] = functions(p["data"], pkts, fwd)
            p["srcs"] = source_files(p["data"], pkts)
    r.update(ir=net, ipp=net / pkts, calls=calls_all, empty=empty_all,
             svc_bound=svc_bound / pkts,
             empty_pct=100.0 * empty_all / calls_all if calls_all else None,
             per_burst=pkts / full_all if full_all and known else None,
             bursts_known=known)
    if top:
        merged = collections.Counter()
        for p in procs:
            tagged = len(procs) > 1
            for label, v in p["fns"]:
                merged[(p["name"] + " " if tagged else "") + label] += v
        r["functions"] = [(k, v) for k, v in merged.most_common(top)
                          if v >= 0.05]
        r["sources"] = [x for p in procs for x in p["srcs"]][:top]
    return r


def measure(args, drv, sizes, seconds, uid, top=0, log=print):
    """IPP of DRV at each of SIZES (one launch): a list of results."""
    results = []
    groups = [[s] for s in sizes] if drv.per_size else [list(sizes)]
    for group in groups:
        limit = int(300 + len(group) * (seconds + 60) * 2)
        s = IppSession(args, drv, "%s-%d" % (uid, group[0]), group[0], limit)
        try:
            s.open()
            for size in group:
                s.seed(size)
                procs = s.window(seconds)
                if s.idle is None and any(empty_polls(p)[2] or
                                          p["svc_calls"] for p in procs):
                    s.idle = s.idle_costs()
                r = summarise_window(procs, s.idle, top)
                r.update(driver=drv.key, frame=size, window_s=seconds)
                seen = r["frame_seen"]
                if seen is not None and abs(seen - size) > 0.01 * size:
                    raise BenchError("%d B window received frames of %.1f "
                                     "bytes on average: frames of another "
                                     "size were in flight" % (size, seen))
                results.append(r)
                log(line(drv.label, r))
                if r["per_burst"] is None:
                    log("ipp: %s %d B: could not count receive bursts "
                        "(testpmd's io forwarding function not found)" %
                        (drv.label, size))
                elif len(procs) == 1 and r["per_burst"] < BURST - 0.5:
                    log("ipp: %s %d B: WARNING: receive bursts were not "
                        "full: the figure counts partly empty polls" %
                        (drv.label, size))
        finally:
            s.close()
    return results


def role_shares(r):
    """'forwarding lcore X + service lcore Y' for a service setup."""
    p = r["procs"][0]
    if p.get("svc_share") is None:
        return ""
    return "forwarding lcore %.1f + service lcore %.1f" % (
        p["share"] - p["svc_share"], p["svc_share"])


def line(label, r):
    out = "ipp: %-24s %4d B  %8.2f instr/pkt  %9d pkts  %s pkts/burst" % (
        label, r["frame"], r["ipp"], r["pkts"],
        "%.2f" % r["per_burst"] if r["per_burst"] else "?")
    svc = sum(p["svc_calls"] for p in r["procs"])
    if r["empty"] or svc:
        out += "  (%.0f%% empty polls%s taken out: %.1f raw)" % (
            r["empty_pct"], " and %d service passes" % svc if svc else "",
            r["ipp_raw"])
    if svc:
        out += "\nipp:     %s; service passes that did work: at most " \
            "%.1f instr/pkt more" % (role_shares(r), r["svc_bound"])
    if len(r["procs"]) > 1:
        out += "\nipp:     " + "; ".join(
            "%s %.1f instr/pkt, %s pkts/burst, %.0f%% polls empty" % (
                p["name"], p["share"],
                "%.2f" % p["per_burst"] if p["per_burst"] else "?",
                100.0 * p["empty"] / p["calls"] if p["calls"] else 0)
            for p in r["procs"])
    return out


def check_tools():
    for t in (VALGRIND, VGDB):
        if shutil.which(t) is None:
            return "%s not installed (Debian package valgrind)" % t
    return None


# ------------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser(
        description="instructions per packet under callgrind")
    ap.add_argument("--build", required=True)
    ap.add_argument("--only", help="comma-separated driver keys")
    ap.add_argument("--name", help="a name for the EAL arguments after --")
    ap.add_argument("--sizes", default="64,1500")
    ap.add_argument("--window", type=float, default=3.0,
                    help="seconds of forwarding counted")
    ap.add_argument("--repeat", type=int, default=1,
                    help="launches per driver (to check repeatability)")
    ap.add_argument("--top", type=int, default=0,
                    help="print the N biggest functions")
    ap.add_argument("--testpmd-args", default="")
    ap.add_argument("eal", nargs="*", help="-- EAL arguments (with --name)")
    args = ap.parse_args()
    missing = check_tools()
    if missing:
        print("ipp: " + missing)
        return 77
    build = os.path.abspath(args.build)
    plugin = os.path.join(build, "drivers/net/qpring/librte_net_qpring.so")
    if not os.path.exists(plugin):
        sys.exit("ipp: %s not found: build first" % plugin)
    args.logdir = os.path.join(build, "bench-logs", "ipp")
    os.makedirs(args.logdir, exist_ok=True)
    if args.name:
        d = Driver(args.name, args.name, False, "", 1)
        d.procs = lambda uid, size: [dict(eal=["-d", plugin] + args.eal)]
        drivers = [d]
    else:
        drivers = make_drivers(plugin) + extra_drivers()
        drivers = [d for d in drivers if d.key not in SKIP]
        if args.only:
            keep = args.only.split(",")
            drivers = [d for d in drivers if d.key in keep]
    sizes = [int(x) for x in args.sizes.split(",")]
    print("ipp: %s; %.1f s windows" % (valgrind_version(), args.window))
    status = 0
    for d in drivers:
        for rep in range(args.repeat):
            try:
                rs = measure(args, d, sizes, args.window,
                             "%d-%d" % (os.getpid(), rep), top=args.top)
            except BenchError as e:
                print("ipp: %s: failed: %s" % (d.label, e))
                status = 1
                continue
            for r in rs:
                for label, v in r.get("functions", []):
                    print("    %8.1f  %s" % (v, label))
                if r.get("sources"):
                    print("  by function and source file (code inlined "
                          "from headers apart):")
                for label, v in r.get("sources", []):
                    print("    %8.1f  %s" % (v, label))
    return status


if __name__ == "__main__":
    sys.exit(main())
