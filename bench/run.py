#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Side-by-side benchmark: net_qpring against DPDK's own software PMDs
# (net_ring, net_memif, net_null, virtio_user + vhost, packed ring), all
# driven by the distribution's stock dpdk-testpmd through its stdin, run
# interleaved (one repetition of every driver, then the next repetition).
# Throughput is taken from port counter differences over an interval timed
# here; cycles per packet from testpmd's record-core-cycles; instructions
# per packet (IPP) from callgrind runs of io forwarding (ipp.py), which do
# not move with the machine's load. Writes samples.csv, results.csv,
# ipp.csv, ipp_functions.csv, mpps.png and README.md into the output folder.
#
#   python3 bench/run.py --build build            # full run, < 15 min
#   python3 bench/run.py --build build --quick    # smoke run, ~2 min
#
# Python standard library only; matplotlib (Debian's python3-matplotlib)
# for the plot and valgrind for IPP, installed with apt-get when missing.

import argparse
import csv
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

import ipp
from tpmd import (MBUFS, TESTPMD, TX_FIRST_BURSTS, BenchError, Session,
                  make_drivers)

SIZES = (64, 512, 1500)
MODES = ("io", "txrx")
MODE_TEXT = {
    "io": "io forwarding (start tx_first; each received frame is sent on "
          "the paired port)",
    "txrx": "tx-only + rx-only (testpmd flowgen engine: every port transmits "
            "freshly built frames and receives-and-frees what arrives; "
            "nothing is forwarded)",
}
NOTES = {
    "vhost": "two testpmd processes, one forwarding lcore each, plus their "
             "main lcores: 4 lcores on 2 cores, oversubscribed",
    "qpring_service": "one forwarding lcore and the adapter on a service "
                      "lcore; the main lcore shares the service lcore's core",
    "memif_2p": "two testpmd processes (server, client), one forwarding "
                "lcore each, plus their main lcores: oversubscribed",
    "qpring_xproc": "two testpmd processes cabled by the cross-process wire "
                    "(server, client), one forwarding lcore each, plus their "
                    "main lcores: oversubscribed",
}

# Figures the issue asks qpring to reach: (qpring driver, peer, mode,
# frame, minimum ratio qpring/peer).
TARGETS = (
    ("qpring_copy1", "memif", "io", 64, 1.5),
    ("qpring_copy1", "memif", "io", 1500, 1.5),
    ("qpring_copy0", "null", "io", 64, 2.0),
    ("qpring_service", "vhost", "io", 64, 1.0),
    ("qpring_xproc", "memif_2p", "io", 64, 1.0),
    ("qpring_xproc", "memif_2p", "io", 1500, 1.0),
)


# ------------------------------------------- instructions per packet (IPP)

IPP_FUNCTION_DRIVERS = ("qpring_copy0", "qpring_copy1")
IPP_TOP = 15


def ensure_valgrind():
    """valgrind's version string, installing Debian's valgrind if missing."""
    if ipp.check_tools():
        print("bench: installing valgrind with apt-get ...", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        cmd = ["timeout", "600", "apt-get", "install", "-y", "-q",
               "--no-install-recommends", "valgrind"]
        if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode:
            subprocess.run(["timeout", "300", "apt-get", "update", "-q"],
                           env=env, stdout=subprocess.DEVNULL)
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL)
    if ipp.check_tools():
        return None
    return ipp.valgrind_version()


def ipp_drivers(drivers, only):
    """The setups whose IPP is measured: the run's drivers and the
    IPP-only extras; (measured, skipped with a reason)."""
    extra = [d for d in ipp.extra_drivers()
             if not only or d.key in only]
    measured, skipped = [], []
    for d in drivers + extra:
        if d.key in ipp.SKIP:
            skipped.append(d)
        else:
            measured.append(d)
    return measured, skipped


def has_debug_info(so):
    r = subprocess.run(["readelf", "-S", so], capture_output=True, text=True)
    return ".debug_info" in r.stdout


def text_section(so, dest):
    r = subprocess.run(["objcopy", "-O", "binary", "--only-section=.text",
                        so, dest], capture_output=True)
    if r.returncode:
        return None
    with open(dest, "rb") as f:
        return f.read()


def debug_plugin(root, build, plugin):
    """The plugin with debug info and the very same machine code (its
    .text section compared byte for byte), for the breakdown by source
    file; built in BUILD/bench-g when BUILD has none. (path, how) or
    (None, why not)."""
    if has_debug_info(plugin):
        return plugin, "the build's own plugin has debug info"
    gdir = os.path.join(build, "bench-g")
    if not os.path.exists(os.path.join(gdir, "build.ninja")):
        r = subprocess.run(["timeout", "300", "meson", "setup", gdir,
                            "-Dbuildtype=release", "-Ddebug=true",
                            "-Dtests=false"], cwd=root,
                           capture_output=True, text=True)
        if r.returncode:
            return None, "meson setup %s failed" % gdir
    gplugin = os.path.join(gdir, "drivers/net/qpring/librte_net_qpring.so")
    r = subprocess.run(["timeout", "300", "ninja", "-C", gdir,
                        "drivers/net/qpring/librte_net_qpring.so"],
                       capture_output=True, text=True)
    if r.returncode or not os.path.exists(gplugin):
        return None, "building %s failed" % gplugin
    a = text_section(plugin, os.path.join(gdir, "text-release.bin"))
    b = text_section(gplugin, os.path.join(gdir, "text-debug.bin"))
    if a is None or a != b:
        return None, ("%s (-g) does not have the same machine code as %s"
                      % (gplugin, plugin))
    return gplugin, ("a copy built with -g (debug info) in %s, whose .text "
                     "section is byte for byte the build's" %
                     os.path.relpath(gdir, root))


def run_ipp(args, plugin, drivers, uid):
    """Every IPP window of every launch: a list of results."""
    out = []
    gdrivers = {}
    if any(d.key in IPP_FUNCTION_DRIVERS for d in drivers):
        gplugin, args.ipp_debug_how = debug_plugin(args.root, args.build_dir,
                                                   plugin)
        print("bench: IPP of %s: plugin with debug info: %s" % (
            ", ".join(IPP_FUNCTION_DRIVERS), gplugin or
            "none (%s)" % args.ipp_debug_how), flush=True)
        if gplugin:
            gdrivers = {d.key: d for d in make_drivers(gplugin)
                        if d.key in IPP_FUNCTION_DRIVERS}
    deadline = time.monotonic() + args.ipp_budget
    for rep in range(args.ipp_reps):
        for d in drivers:
            if time.monotonic() > deadline:
                print("bench: IPP time budget (%.0f s) reached: no launch %d "
                      "of %s" % (args.ipp_budget, rep + 1, d.label),
                      flush=True)
                continue
            top = IPP_TOP if d.key in IPP_FUNCTION_DRIVERS else 0
            try:
                rs = ipp.measure(args, gdrivers.get(d.key, d),
                                 args.ipp_sizes, args.ipp_window,
                                 uid(), top=top,
                                 log=lambda t: print("bench: rep %d %s" % (
                                     rep + 1, t[len("ipp: "):]),
                                     flush=True))
            except BenchError as e:
                print("bench: ipp rep %d %s: failed: %s" % (rep + 1, d.label,
                                                            e), flush=True)
                d.ipp_reason = str(e)
                continue
            for r in rs:
                r["rep"] = rep
            out.extend(rs)
    return out


def add_ipp(rows, ipp_samples, measured, skipped, args):
    """IPP columns on the io rows (one more row per IPP-only setup)."""
    have = {(r["driver"], r["mode"], r["frame"]): r for r in rows}
    for d in measured:
        for size in args.ipp_sizes:
            key = (d.key, "io", size)
            if key not in have:
                row = dict(driver=d.key, label=d.label, mode="io",
                           frame=size, reps=0, busy_cores=d.busy_cores,
                           note="IPP only")
                rows.append(row)
                have[key] = row
    for d in skipped:
        for size in args.ipp_sizes:
            r = have.get((d.key, "io", size))
            if r is not None:
                r["ipp_note"] = "no IPP: " + ipp.SKIP[d.key]
    for r in rows:
        got = [s for s in ipp_samples if s["driver"] == r["driver"] and
               s["frame"] == r["frame"]] if r["mode"] == "io" else []
        if not got:
            continue
        med, lo, hi, spread = median_spread([s["ipp"] for s in got])
        burst = [s["per_burst"] for s in got if s["per_burst"]]
        r.update(ipp=med, ipp_min=lo, ipp_max=hi, ipp_spread_pct=spread,
                 ipp_reps=len(got),
                 ipp_per_burst=statistics.median(burst) if burst else None,
                 ipp_empty_pct=statistics.median(
                     [s["empty_pct"] or 0.0 for s in got]))
        svc = [s["svc_bound"] for s in got if s.get("svc_bound")]
        if svc:
            r["ipp_svc_bound"] = statistics.median(svc)
            shares = [s["procs"][0] for s in got]
            if all(p.get("svc_share") is not None for p in shares):
                f = statistics.median([p["share"] - p["svc_share"]
                                       for p in shares])
                v = statistics.median([p["svc_share"] for p in shares])
                r["ipp_by_process"] = ("forwarding lcore %.1f + service "
                                       "lcore %.1f" % (f, v))
        if len(got[0]["procs"]) > 1:
            names = [p["name"] for p in got[0]["procs"]]
            r["ipp_by_process"] = " + ".join(
                "%s %.1f" % (n, statistics.median(
                    [s["procs"][i]["share"] for s in got]))
                for i, n in enumerate(names))


def ipp_functions(ipp_samples, what="functions"):
    """{(driver, frame): [(function, IPP)]} from the first launch
    (what="sources": by function and source file)."""
    out = {}
    for s in ipp_samples:
        if s.get(what) and (s["driver"], s["frame"]) not in out:
            out[(s["driver"], s["frame"])] = s[what]
    return out


# --------------------------------------------------------------- reporting

def median_spread(vals):
    med = statistics.median(vals)
    return med, min(vals), max(vals), \
        (100.0 * (max(vals) - min(vals)) / med) if med else 0.0


def summarise(drivers, samples):
    """One row per (driver, mode, frame) with medians and ratios."""
    peers = [d for d in drivers if d.peer and d.available]
    rows = []
    for d in drivers:
        for mode in MODES:
            for size in SIZES:
                got = [s for s in samples if s["driver"] == d.key and
                       s["mode"] == mode and s["frame"] == size]
                row = dict(driver=d.key, label=d.label, mode=mode, frame=size,
                           reps=len(got), busy_cores=d.busy_cores)
                if got:
                    med, lo, hi, spread = median_spread(
                        [s["mpps_port"] for s in got])
                    cyc = [s["cycles_per_pkt"] for s in got
                           if s["cycles_per_pkt"] is not None]
                    row.update(mpps_median=med, mpps_min=lo, mpps_max=hi,
                               spread_pct=spread,
                               cycles_median=statistics.median(cyc)
                               if cyc else None)
                else:
                    row["note"] = d.reason or "no sample"
                rows.append(row)
    index = {(r["driver"], r["mode"], r["frame"]): r for r in rows}
    for r in rows:
        if r["driver"].startswith("qpring") and "mpps_median" in r:
            for p in peers:
                pr = index[(p.key, r["mode"], r["frame"])]
                if pr.get("mpps_median"):
                    r["vs_" + p.key] = r["mpps_median"] / pr["mpps_median"]
    return rows, index, peers


def fmt(v, nd=2):
    if v is None or v == "":
        return "-"
    return ("%%.%df" % nd) % v


def targets_table(index, drivers):
    byk = {d.key: d for d in drivers}
    out = []
    for q, p, mode, size, want in TARGETS:
        qr = index.get((q, mode, size), {})
        pr = index.get((p, mode, size), {})
        if q not in byk or p not in byk:
            status, ratio = "not measured in this run", None
        elif not byk[q].available:
            status, ratio = "not available (%s)" % byk[q].reason, None
        elif not byk[p].available:
            status, ratio = "peer not available (%s)" % byk[p].reason, None
        elif "mpps_median" not in qr or "mpps_median" not in pr:
            status, ratio = "no measurement", None
        else:
            ratio = qr["mpps_median"] / pr["mpps_median"]
            status = ("met" if ratio >= want else
                      "missed by %.0f%%" % (100 * (want - ratio) / want))
        out.append(dict(what="%s / %s, %s, %d B" % (
            byk[q].label if q in byk else q, byk[p].label if p in byk else p,
            mode, size),
                        want=want, ratio=ratio, status=status))
    return out


def text_tables(rows, peers, targets, ipp_sizes=()):
    lines = []
    labels = {r["driver"]: r["label"] for r in rows
              if r.get("note") != "IPP only"}
    for mode in MODES:
        lines.append("")
        lines.append("Mode %s: Mpps per port, median [min-max] over "
                     "repetitions, and cycles/packet" % mode)
        lines.append("%-25s" % "driver" + "".join(
            "| %-28s" % ("%d B" % s) for s in SIZES))
        for key in labels:
            cells = []
            for size in SIZES:
                r = next(x for x in rows if x["driver"] == key and
                         x["mode"] == mode and x["frame"] == size)
                if "mpps_median" in r:
                    cells.append("%7.2f [%6.2f-%6.2f] %5s" % (
                        r["mpps_median"], r["mpps_min"], r["mpps_max"],
                        fmt(r["cycles_median"], 0)))
                else:
                    cells.append("n/a")
            lines.append("%-25s" % labels[key] +
                         "".join("| %-28s" % c for c in cells))
    lines.append("")
    for key in labels:
        d = next(x for x in rows if x["driver"] == key)
        if d["busy_cores"] > 1:
            lines.append("note: %s keeps both cores busy (%s)" % (
                d["label"], NOTES.get(key, "")))
    lines.append("")
    lines.extend(ipp_table(rows, ipp_sizes))
    lines.append("qpring / peer: ratio of median Mpps per port, same run")
    lines.append("%-25s%-6s%6s" % ("qpring", "mode", "frame") +
                 "".join("%12s" % p.key for p in peers))
    for r in rows:
        if r["driver"].startswith("qpring") and "mpps_median" in r:
            lines.append("%-25s%-6s%6d" % (r["label"], r["mode"], r["frame"]) +
                         "".join("%12s" % fmt(r.get("vs_" + p.key))
                                 for p in peers))
    lines.append("")
    lines.append("Targets (same run, io forwarding; inline modes use one "
                 "forwarding lcore)")
    for t in targets:
        lines.append("  %-55s want >= %.2fx  got %-5s %s" % (
            t["what"], t["want"], fmt(t["ratio"]), t["status"]))
    return "\n".join(lines)


def ipp_table(rows, sizes):
    """The IPP table of the text report (empty without IPP figures)."""
    if not any("ipp" in r for r in rows):
        return []
    lines = ["Instructions per packet under callgrind, io forwarding: median "
             "over launches (spread %), packets per receive burst"]
    lines.append("%-25s" % "driver" + "".join(
        "| %-24s" % ("%d B" % s) for s in sizes))
    notes = []
    for key in dict.fromkeys(r["driver"] for r in rows):
        cells = []
        for size in sizes:
            r = next((x for x in rows if x["driver"] == key and
                      x["mode"] == "io" and x["frame"] == size), None)
            if r is None or "ipp" not in r:
                cells.append("n/a")
                continue
            cells.append("%8.2f (%4.1f%%) %5s" % (
                r["ipp"], r["ipp_spread_pct"], fmt(r["ipp_per_burst"], 1)))
            if r.get("ipp_svc_bound"):
                notes.append("  %s %d B = %s; idle passes taken out (and "
                             "those that did work: add at most %.1f)" % (
                                 r["label"], size, r["ipp_by_process"],
                                 r["ipp_svc_bound"]))
            elif r.get("ipp_by_process"):
                notes.append("  %s %d B = %s; %.0f%% of receive polls were "
                             "empty (their cost taken out)" % (
                                 r["label"], size, r["ipp_by_process"],
                                 r["ipp_empty_pct"]))
        r0 = next(x for x in rows if x["driver"] == key)
        if any(c != "n/a" for c in cells):
            lines.append("%-25s" % r0["label"] +
                         "".join("| %-24s" % c for c in cells))
        elif any(x.get("ipp_note") for x in rows if x["driver"] == key):
            notes.append("  %s: not measured: %s" % (
                r0["label"], ipp.SKIP.get(key, "")))
    if notes:
        lines.append("notes (two-process setups: the processes' shares of "
                     "the sum of their instructions / the packets both "
                     "received; service: the two lcores' shares):")
        lines.extend(notes)
    lines.append("")
    return lines


def write_ipp_csvs(out, ipp_samples, functions):
    with open(os.path.join(out, "ipp.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["rep", "driver", "frame_bytes", "instr_per_pkt",
                    "instr_per_pkt_raw", "packets", "window_s",
                    "pkts_per_receive_burst", "empty_polls_pct",
                    "by_process"])
        for s in ipp_samples:
            w.writerow([s["rep"], s["driver"], s["frame"],
                        "%.3f" % s["ipp"], "%.3f" % s["ipp_raw"], s["pkts"],
                        s["window_s"], fmt(s["per_burst"], 2),
                        fmt(s["empty_pct"], 1),
                        " ".join("%s=%.3f" % (p["name"], p["share"])
                                 for p in s["procs"])
                        if len(s["procs"]) > 1 else ""])
    with open(os.path.join(out, "ipp_functions.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["driver", "frame_bytes", "level", "function",
                    "instr_per_pkt"])
        for level in ("functions", "sources"):
            for (drv, size), fns in sorted(functions[level].items()):
                for name, v in fns:
                    w.writerow([drv, size, level[:-1], name, "%.2f" % v])


def write_csvs(out, samples, rows, peers):
    with open(os.path.join(out, "samples.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["rep", "driver", "mode", "frame_bytes", "mpps_port",
                    "rx_mpps_per_port", "tx_mpps_per_port", "cycles_per_pkt",
                    "interval_s"])
        for s in samples:
            w.writerow([s["rep"], s["driver"], s["mode"], s["frame"],
                        "%.4f" % s["mpps_port"],
                        " ".join("%.4f" % v for v in s["rx"]),
                        " ".join("%.4f" % v for v in s["tx"]),
                        fmt(s["cycles_per_pkt"], 1), "%.4f" % s["interval"]])
    with open(os.path.join(out, "results.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["driver", "label", "mode", "frame_bytes", "reps",
                    "mpps_per_port_median", "mpps_min", "mpps_max",
                    "spread_pct", "cycles_per_pkt_median", "busy_cores",
                    "instr_per_pkt_median", "instr_per_pkt_spread_pct",
                    "instr_per_pkt_reps", "pkts_per_receive_burst",
                    "instr_per_pkt_by_process"] +
                   ["ratio_vs_" + p.key for p in peers] + ["note"])
        for r in rows:
            w.writerow([r["driver"], r["label"], r["mode"], r["frame"],
                        r["reps"], fmt(r.get("mpps_median"), 3),
                        fmt(r.get("mpps_min"), 3), fmt(r.get("mpps_max"), 3),
                        fmt(r.get("spread_pct"), 1),
                        fmt(r.get("cycles_median"), 1), r["busy_cores"],
                        fmt(r.get("ipp"), 2), fmt(r.get("ipp_spread_pct"), 2),
                        r.get("ipp_reps", ""),
                        fmt(r.get("ipp_per_burst"), 2),
                        r.get("ipp_by_process", "")] +
                       [fmt(r.get("vs_" + p.key), 3) if "vs_" + p.key in r
                        else "" for p in peers] +
                       ["; ".join(x for x in (r.get("note", ""),
                                              r.get("ipp_note", "")) if x)])


DEBIAN_PYTHON = "/usr/bin/python3"


def can_import_matplotlib(python):
    if python == sys.executable:
        try:
            import matplotlib  # noqa: F401
            return True
        except ImportError:
            return False
    return subprocess.run([python, "-c", "import matplotlib"],
                          capture_output=True).returncode == 0


def ensure_matplotlib():
    """Return an interpreter that can import matplotlib, or None.

    Debian's python3-matplotlib lives in /usr/lib/python3/dist-packages,
    which a python3 from elsewhere on PATH (pyenv, venv) does not see: the
    plot is then drawn by Debian's own /usr/bin/python3."""
    pythons = [sys.executable]
    if os.path.exists(DEBIAN_PYTHON) and \
            os.path.realpath(DEBIAN_PYTHON) != os.path.realpath(sys.executable):
        pythons.append(DEBIAN_PYTHON)
    st = subprocess.run(["dpkg-query", "-W", "-f=${Status}",
                         "python3-matplotlib"], capture_output=True, text=True)
    if "install ok installed" not in st.stdout:
        print("bench: installing python3-matplotlib with apt-get ...",
              flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        cmd = ["timeout", "600", "apt-get", "install", "-y", "-q",
               "--no-install-recommends", "python3-matplotlib"]
        if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode:
            subprocess.run(["timeout", "300", "apt-get", "update", "-q"],
                           env=env, stdout=subprocess.DEVNULL)
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL)
    for py in pythons:
        if can_import_matplotlib(py):
            return py
    return None


def plot(csv_path, png_path, title):
    """Mpps per port by frame size, one line per driver, one panel a mode."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FormatStrFormatter, LogLocator
    with open(csv_path, newline="") as f:
        rows = [r for r in csv.DictReader(f)
                if r["mpps_per_port_median"] not in ("", "-")]
    fig, axes = plt.subplots(1, len(MODES), figsize=(13, 5.2))
    for ax, mode in zip(axes, MODES):
        for key in dict.fromkeys(r["driver"] for r in rows):
            pts = [r for r in rows if r["driver"] == key and r["mode"] == mode]
            if not pts:
                continue
            xs = [int(r["frame_bytes"]) for r in pts]
            med = [float(r["mpps_per_port_median"]) for r in pts]
            lo = [m - float(r["mpps_min"]) for m, r in zip(med, pts)]
            hi = [float(r["mpps_max"]) - m for m, r in zip(med, pts)]
            ours = key.startswith("qpring")
            ax.errorbar(xs, med, yerr=[lo, hi], fmt=("-" if ours else "--") +
                        "o", capsize=3, label=pts[0]["label"],
                        linewidth=2 if ours else 1.2)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.set_xticks(SIZES)
        ax.set_xticklabels([str(s) for s in SIZES])
        ax.minorticks_off()
        ax.set_xlabel("frame size (bytes)")
        ax.set_ylabel("Mpps per port (median; bars: min..max)")
        ax.set_title({"io": "io forwarding",
                      "txrx": "tx-only + rx-only (flowgen)"}[mode])
        ax.grid(True, which="major", alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)
    plt.close(fig)


def draw(python, csv_path, png_path, title):
    if python == sys.executable:
        plot(csv_path, png_path, title)
        return True
    r = subprocess.run(["timeout", "120", python, os.path.abspath(__file__),
                        "--plot", csv_path, png_path, title])
    return r.returncode == 0


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def machine():
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for ln in f:
            if ln.startswith("model name"):
                model = ln.split(":", 1)[1].strip()
                break
    dpdk = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "dpdk"],
                          capture_output=True, text=True).stdout.strip()
    pc = subprocess.run(["pkg-config", "--modversion", "libdpdk"],
                        capture_output=True, text=True).stdout.strip()
    rev = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(
        __file__)), "describe", "--always", "--dirty"],
        capture_output=True, text=True).stdout.strip()
    return dict(nproc=os.cpu_count(), cpu=model, kernel=platform.release(),
                dpdk="%s (Debian package %s)" % (pc or "?", dpdk or "?"),
                qpring=rev or "?",
                date=datetime.datetime.now().astimezone().strftime(
                    "%Y-%m-%d %H:%M %Z"))


def ipp_method(args, ipp_samples, measured):
    """The README's account of how instructions per packet are counted."""
    L = ["## Instructions per packet (IPP)", ""]
    L.append("Mpps on this shared 2-core VM move with the machine's load; "
             "the number of instructions a forwarded packet costs does not. "
             "Each setup also runs under valgrind's callgrind (%s, "
             "`--tool=callgrind --instr-atstart=no --separate-threads=yes "
             "--fair-sched=yes`), io forwarding at %s bytes, %s. In "
             "every launch and frame size:" % (
                 args.valgrind, ", ".join(str(x) for x in args.ipp_sizes),
                 "%d launches per setup, interleaved (every setup once, then "
                 "again), after the Mpps runs" % args.ipp_reps
                 if args.ipp_reps > 1 else "one launch per setup"))
    L.append("")
    L.append("1. in-flight frames are drained (`set fwd rxonly`, `start`, "
             "`stop`), then io forwarding is seeded with `start tx_first %d` "
             "(%d frames of the size per port), forwards for %.1f s and is "
             "stopped; testpmd runs with `--no-flush-rx`, so the frames in "
             "flight stay in the rings at `stop` and forwarding resumes on "
             "`start` (without it `start` reads and drops them, counting them "
             "as received);" % (TX_FIRST_BURSTS, 32 * TX_FIRST_BURSTS,
                                ipp.WARM_S))
    L.append("2. the counted window: `clear port stats all`, "
             "`callgrind_control -i on`, `start`, %.1f s, `stop`, "
             "`callgrind_control -i off`, `callgrind_control -d`, then "
             "`show port stats all` (the callgrind requests go through "
             "`vgdb --pid=N instrumentation on` etc., to every process at "
             "once). Instrumentation is on exactly while the packets "
             "counted are forwarded, and nothing else forwards;"
             % args.ipp_window)
    L.append("3. IPP = instructions of the process's threads in the window / "
             "frames its ports received in it (each received frame is also "
             "transmitted: one receive and one transmit per packet, as in the "
             "Mpps columns). The main lcore's thread is left out: it only "
             "parses and answers `start` and `stop` (about 2.3 million "
             "instructions each, mostly the command parser);")
    L.append("4. two-process setups (vhost + virtio_user, and memif server + "
             "client in `net_memif 2 processes`, an IPP-only setup) run both "
             "processes under callgrind over the same window (each command "
             "is sent to both before waiting for either); IPP = the sum of "
             "both processes' instructions / the frames both received, and "
             "each process's share is given. Both processes are put on one "
             "cpu (`--lcores 0@0,1@0`): each runs while the other waits and "
             "finds all the frames the other sent, so every burst is full "
             "(on two cpus the faster process polls while the other is half-"
             "way through a burst, and burst fill, hence IPP, moves with the "
             "load by a few per cent). A process then polls its empty queue "
             "until the scheduler switches: the script counts these empty "
             "polls (the receive burst calls that testpmd's io forwarding did "
             "not follow with a transmit burst call), prices one in a window "
             "with nothing in flight (%.1f s, same launch), and takes their "
             "cost out (the raw figure is in ipp.csv). Check: memif in two "
             "processes gives the same IPP as memif in one;" % ipp.IDLE_S)
    L.append("5. the service adapter (`qpring service copy=1`): valgrind "
             "runs one thread of a process at a time, so the forwarding "
             "lcore and the service lcore take turns and each spends most "
             "of its time slice polling for what the other has not done "
             "yet. The forwarding lcore's empty polls are taken out as "
             "above, and so is every pass of the service lcore's loop "
             "(priced in the idle window: instructions of the service "
             "lcore's thread / calls of `qpring_service_run`). That also "
             "takes out the fixed cost of the passes that did work, at most "
             "one per transmit burst (a pass services everything posted "
             "before it): the table gives that bound;")
    L.append("6. check: packets per receive burst call (packets / receive "
             "calls that returned frames) must be 32, testpmd's burst: it is "
             "printed in the table. The frames' average size in the window "
             "(received bytes / packets) must be the size measured, or the "
             "launch fails.")
    L.append("")
    L.append("dpdk-testpmd and DPDK's drivers are stripped: their functions "
             "show as library:address; testpmd's io forwarding function is "
             "found by its calls (the forwarding loop calls it once per "
             "stream and pass)." + ("" if not ipp.SKIP else
                                     " Not measured: " + "; ".join(
                                         "%s (%s)" % (k, v)
                                         for k, v in ipp.SKIP.items()) + "."))
    L.append("")
    return L


def ipp_report(args, rows, ipp_samples, functions):
    """Repeatability and qpring's per-function breakdown."""
    L = ["### IPP repeatability", ""]
    L.append("Every window, launch by launch (ipp.csv); spread = (max - "
             "min) / median:")
    L.append("")
    reps = sorted({s["rep"] for s in ipp_samples})
    L.append("| setup | frame | " + " | ".join(
        "launch %d" % (r + 1) for r in reps) + " | spread | packets per "
        "window |")
    L.append("|---|---|" + "---|" * len(reps) + "---|---|")
    for r in rows:
        if "ipp" not in r:
            continue
        got = {s["rep"]: s for s in ipp_samples
               if s["driver"] == r["driver"] and s["frame"] == r["frame"]}
        L.append("| %s | %d | %s | %.2f%% | %s |" % (
            r["label"], r["frame"], " | ".join(
                "%.2f" % got[k]["ipp"] if k in got else "-" for k in reps),
            r["ipp_spread_pct"], " / ".join(
                "%d" % got[k]["pkts"] for k in reps if k in got)))
    L.append("")
    if not functions or not functions["functions"]:
        return L
    L.append("### qpring by function")
    L.append("")
    L.append("Instructions per packet by function (self cost, inlined "
             "callees included; first launch), io forwarding. "
             "ipp_functions.csv has the same figures. qpring's IPP runs load "
             "%s." % getattr(args, "ipp_debug_how", "the build's plugin"))
    L.append("")
    L.extend(breakdown(functions["functions"], ipp_samples, True))
    if functions["sources"]:
        L.append("By function and source file: the code inlined into a "
                 "function from a header (rte_memcpy.h, rte_mempool.h, "
                 "qp_slot.h...) counted apart from the function's own "
                 "file (figures of 0.5 instructions per packet and more):")
        L.append("")
        L.extend(breakdown(functions["sources"], ipp_samples, False))
    return L


def breakdown(functions, ipp_samples, total):
    """A markdown table: one row per function, a column per (driver,
    frame size)."""
    L = []
    keys = sorted(functions)
    names = []
    for k in keys:
        for name, _ in functions[k]:
            if name not in names:
                names.append(name)
    L.append("| function | " + " | ".join(
        "%s %d B" % (d.replace("qpring_", "qpring "), f) for d, f in keys) +
        " |")
    L.append("|---|" + "---:|" * len(keys))
    tables = {k: dict(functions[k]) for k in keys}
    for name in names:
        L.append("| `%s` | %s |" % (name, " | ".join(
            "%.1f" % tables[k][name] if name in tables[k] else "-"
            for k in keys)))
    if total:
        L.append("| **all (IPP)** | %s |" % " | ".join(
            "**%.1f**" % next(s["ipp"] for s in ipp_samples
                              if (s["driver"], s["frame"]) == k)
            for k in keys))
    L.append("")
    return L


def write_readme(out, m, args, drivers, rows, peers, targets, table, elapsed,
                 png, ipp_samples=(), ipp_measured=(), functions=None):
    L = []
    L.append("<!-- SPDX-License-Identifier: BSD-3-Clause -->")
    L.append("<!-- Generated by bench/run.py; do not edit. -->")
    L.append("# qpring side-by-side benchmark")
    L.append("")
    L.append("Generated by `python3 bench/run.py%s` (`make bench%s`) on %s, "
             "in %.0f s." % (" --quick" if args.quick else "",
                             "-quick" if args.quick else "", m["date"],
                             elapsed))
    L.append("")
    L.append("| machine | |")
    L.append("|---|---|")
    L.append("| nproc | %s |" % m["nproc"])
    L.append("| CPU | %s |" % m["cpu"])
    L.append("| kernel | %s |" % m["kernel"])
    L.append("| DPDK | %s, stock `%s` |" % (m["dpdk"], TESTPMD))
    L.append("| qpring | %s |" % m["qpring"])
    L.append("| load average (1, 5, 15 min) | %s at the start, %s at the end |"
             % (args.load_start, loadavg()))
    L.append("")
    L.append("Files: [results.csv](results.csv) (medians, spread, ratios, "
             "instructions per packet), [samples.csv](samples.csv) (every "
             "repetition)%s%s." % (
                 ", [ipp.csv](ipp.csv) (every callgrind window), "
                 "[ipp_functions.csv](ipp_functions.csv) (qpring by "
                 "function)" if ipp_samples else "",
                 ", [mpps.png](mpps.png)" if png else ""))
    L.append("")
    if png:
        L.append("![Mpps per port by frame size](mpps.png)")
        L.append("")
    L.append("## Method")
    L.append("")
    L.append("- %d repetitions, interleaved: every driver once, then every "
             "driver again. Each launch measures every mode and frame size "
             "(64, 512, 1500 bytes, `set txpkts`); in-flight frames are "
             "drained (rxonly) between measurements." % args.reps)
    for mode in MODES:
        L.append("- `%s`: %s." % (mode, MODE_TEXT[mode]))
    L.append("- io is seeded with `start tx_first %d` (%d frames per port)."
             % (TX_FIRST_BURSTS, 32 * TX_FIRST_BURSTS))
    L.append("- After %.1f s of warm-up, Mpps come from the difference of "
             "`show port stats all` counters over a %.1f s interval timed by "
             "the script (not from testpmd's pps line); \"Mpps per port\" is "
             "the mean over the ports of received frames." %
             (args.warm, args.window))
    L.append("- Cycles/packet: testpmd's `set record-core-cycles on` figure "
             "(TSC cycles of forwarding-lcore iterations that moved frames, "
             "over the interval), averaged over processes for two-process "
             "setups; a service lcore's cycles are not in it. `perf stat` "
             "has no hardware cycle counter in this VM.")
    L.append("- Every testpmd: `--no-huge --no-pci -m 512`, "
             "`--total-num-mbufs=%d`, `--disable-link-check` (the script waits "
             "for link up itself), its own `--file-prefix`, under `timeout`; "
             "virtio_user adds `--single-file-segments` (its memory is shared "
             "with the vhost process through memfd)." % MBUFS)
    L.append("")
    L.append("| driver | setup | busy cores |")
    L.append("|---|---|---|")
    for d in drivers:
        L.append("| %s | %s | %s |" % (
            d.label, d.lcores_note if d.available else
            "not available: " + d.reason, d.busy_cores))
    L.append("")
    L.append("net_ring ports are created without `nodeaction`: each port has "
             "one ring for Rx and Tx, so io forwarding 0 -> 1 -> 0 makes the "
             "same ring operations per hop as a crossed cable. net_null frames "
             "are never touched (its `size=` devarg is set per frame size). "
             "vhost/virtio_user runs two testpmd processes of 2 lcores each "
             "on 2 cores: oversubscribed.")
    L.append("")
    slow = [d for d in drivers if d.hung]
    for d in slow:
        L.append("**%s: testpmd did not quit within 5 s of `quit` in %d "
                 "launch(es) and was killed** (port stop/close is slow)." %
                 (d.label, d.hung))
        L.append("")
    L.append("Other processes on the machine share its 2 cores with these "
             "runs (see the load average above): the spread columns say how "
             "much that moved the figures.")
    L.append("")
    if ipp_samples:
        L.extend(ipp_method(args, ipp_samples, ipp_measured))
    L.append("## Results")
    L.append("")
    L.append("```")
    L.append(table.strip("\n"))
    L.append("```")
    L.append("")
    if ipp_samples:
        L.extend(ipp_report(args, rows, ipp_samples, functions))
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("\n".join(L) + "\n")


# -------------------------------------------------------------------- main

def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--plot":
        plot(sys.argv[2], sys.argv[3], sys.argv[4])
        return 0
    ap = argparse.ArgumentParser(description=__doc__ or "qpring benchmark")
    ap.add_argument("--build", required=True,
                    help="meson build directory holding the qpring plugin")
    ap.add_argument("--quick", action="store_true",
                    help="short run (~2 minutes): fewer, shorter samples")
    ap.add_argument("--out", help="output folder (default doc/bench, or "
                    "<build>/bench-quick with --quick)")
    ap.add_argument("--reps", type=int)
    ap.add_argument("--window", type=float, help="measured interval, s")
    ap.add_argument("--warm", type=float, help="warm-up before it, s")
    ap.add_argument("--budget", type=float,
                    help="stop starting launches after this many seconds")
    ap.add_argument("--only", help="comma-separated driver keys (ring, "
                    "memif, null, vhost, qpring_copy1, qpring_copy0, "
                    "qpring_service)")
    ap.add_argument("--no-ipp", action="store_true",
                    help="no instructions-per-packet (callgrind) phase")
    ap.add_argument("--ipp-window", type=float,
                    help="seconds of forwarding counted per IPP window")
    ap.add_argument("--ipp-reps", type=int,
                    help="callgrind launches per setup")
    ap.add_argument("--ipp-budget", type=float,
                    help="start no callgrind launch after this many seconds "
                    "of the IPP phase")
    ap.add_argument("--ipp-sizes", help="frame sizes for IPP, e.g. 64,1500")
    ap.add_argument("--ipp-only", help="comma-separated setups for IPP "
                    "(default: the run's drivers)")
    ap.add_argument("--testpmd-args", default="",
                    help="more testpmd application arguments for every "
                    "driver, e.g. \"--rxd=256 --txd=256\"")
    args = ap.parse_args()

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    build = os.path.abspath(args.build)
    plugin = os.path.join(build, "drivers/net/qpring/librte_net_qpring.so")
    if not os.path.exists(plugin):
        sys.exit("bench: %s not found: build first (ninja -C %s)" %
                 (plugin, args.build))
    if args.reps is None:
        args.reps = 2 if args.quick else 5
    if args.window is None:
        args.window = 0.3 if args.quick else 1.5
    if args.warm is None:
        args.warm = 0.15 if args.quick else 0.4
    if args.budget is None:
        args.budget = 80 if args.quick else 410
    if args.ipp_window is None:
        args.ipp_window = 1.0
    if args.ipp_reps is None:
        args.ipp_reps = 1 if args.quick else 2
    if args.ipp_budget is None:
        args.ipp_budget = 60 if args.quick else 420
    args.ipp_sizes = [int(x) for x in (
        args.ipp_sizes or ("64" if args.quick else "64,1500")).split(",")]
    if args.ipp_only is None and args.quick:
        args.ipp_only = "ring,qpring_copy0,qpring_copy1"
    out = args.out or (os.path.join(build, "bench-quick") if args.quick
                       else os.path.join(root, "doc/bench"))
    os.makedirs(out, exist_ok=True)
    args.logdir = os.path.join(build, "bench-logs", "run")
    args.root, args.build_dir = root, build
    shutil.rmtree(args.logdir, ignore_errors=True)
    os.makedirs(args.logdir)

    mpl_python = ensure_matplotlib()
    args.load_start = loadavg()
    t_start = time.monotonic()
    deadline = t_start + args.budget
    drivers = make_drivers(plugin)
    if args.only:
        keep = args.only.split(",")
        drivers = [d for d in drivers if d.key in keep]
    uid_n = [0]

    def uid():
        uid_n[0] += 1
        return "%d-%d" % (os.getpid(), uid_n[0])

    # Does this build of the plugin accept adapter=service?
    for d in drivers:
        if d.key != "qpring_service":
            continue
        s = Session(args, d, uid(), SIZES[0], 40)
        try:
            s.open()
        except BenchError as e:
            d.available = False
            d.reason = "plugin rejects adapter=service: " + str(e)
        finally:
            s.close()
        print("bench: qpring service adapter: %s" %
              ("available" if d.available else "not available (%s)" % d.reason),
              flush=True)

    per_meas = args.warm + args.window + 0.5
    samples = []
    reps_done = 0
    stopped = False
    for rep in range(args.reps):
        for d in drivers:
            if not d.available:
                continue
            groups = [[s] for s in SIZES] if d.per_size else [list(SIZES)]
            for sizes in groups:
                need = 3 + 2 * len(d.procs("x", 0)) + \
                    per_meas * len(sizes) * len(MODES)
                if time.monotonic() + need > deadline:
                    stopped = True
                    break
                limit = int(60 + need * 3)
                s = Session(args, d, uid(), sizes[0], limit)
                try:
                    s.open()
                    for mode in MODES:
                        for size in sizes:
                            r = s.measure(mode, size, args.warm, args.window)
                            r.update(rep=rep, driver=d.key, mode=mode,
                                     frame=size,
                                     mpps_port=statistics.mean(r["rx"]),
                                     cycles_per_pkt=r["cycles"])
                            samples.append(r)
                            print("bench: rep %d %-22s %-4s %4d B  %7.2f Mpps/"
                                  "port  %s cyc/pkt" % (
                                      rep + 1, d.label, mode, size,
                                      r["mpps_port"], fmt(r["cycles"], 0)),
                                  flush=True)
                except BenchError as e:
                    print("bench: rep %d %s: failed: %s" % (rep + 1, d.label, e),
                          flush=True)
                    if rep == 0 and not any(x["driver"] == d.key
                                            for x in samples):
                        d.reason = str(e)
                finally:
                    s.close()
                    if s.hung:
                        d.hung += 1
                        print("bench: %s: testpmd did not quit within 5 s "
                              "of \"quit\": killed" % d.label, flush=True)
            if stopped:
                break
        if stopped:
            print("bench: time budget (%.0f s) reached: stopping after %d "
                  "complete repetition(s)" % (args.budget, reps_done),
                  flush=True)
            break
        reps_done += 1
    args.reps = reps_done
    for d in drivers:
        if d.available and not any(x["driver"] == d.key for x in samples):
            d.available = False
            d.reason = d.reason or "no sample"

    ipp_samples = []
    ipp_measured, ipp_skipped = [], []
    args.valgrind = None
    if not args.no_ipp:
        args.valgrind = ensure_valgrind()
        if args.valgrind is None:
            print("bench: valgrind unavailable: no IPP figures", flush=True)
        else:
            only = args.ipp_only.split(",") if args.ipp_only else None
            ipp_measured, ipp_skipped = ipp_drivers(
                [d for d in drivers if d.available], only)
            if only:
                ipp_measured = [d for d in ipp_measured if d.key in only]
            t_ipp = time.monotonic()
            ipp_samples = run_ipp(args, plugin, ipp_measured, uid)
            args.ipp_elapsed = time.monotonic() - t_ipp
            print("bench: IPP phase: %d windows in %.0f s" % (
                len(ipp_samples), args.ipp_elapsed), flush=True)

    rows, index, peers = summarise(drivers, samples)
    add_ipp(rows, ipp_samples, ipp_measured, ipp_skipped, args)
    targets = targets_table(index, drivers)
    table = text_tables(rows, peers, targets, args.ipp_sizes
                        if ipp_samples else ())
    elapsed = time.monotonic() - t_start
    m = machine()
    write_csvs(out, samples, rows, peers)
    functions = dict(functions=ipp_functions(ipp_samples),
                     sources=ipp_functions(ipp_samples, "sources"))
    if ipp_samples:
        write_ipp_csvs(out, ipp_samples, functions)
    png = False
    if mpl_python:
        png = draw(mpl_python, os.path.join(out, "results.csv"),
                   os.path.join(out, "mpps.png"),
                   "qpring vs DPDK software PMDs under dpdk-testpmd; %s, "
                   "%s cores; %s" % (m["cpu"], m["nproc"], m["date"]))
    if not png:
        print("bench: matplotlib unavailable: no plot", flush=True)
    write_readme(out, m, args, drivers, rows, peers, targets, table, elapsed,
                 png, ipp_samples, ipp_measured, functions)
    print(table)
    print("")
    for d in drivers:
        if d.hung:
            print("bench: WARNING: %s: testpmd did not quit within 5 s in %d "
                  "launch(es) (killed)" % (d.label, d.hung))
    print("bench: %d repetition(s) in %.0f s; logs in %s" %
          (reps_done, elapsed, args.logdir))
    print("bench: CSV: %s, %s" % (os.path.join(out, "results.csv"),
                                  os.path.join(out, "samples.csv")))
    if png:
        print("bench: plot: %s" % os.path.join(out, "mpps.png"))
    print("bench: summary: %s" % os.path.join(out, "README.md"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
