#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The qpring authors
"""Check that the documentation is true of the driver's code.

Usage: check_docs.py facts SRCROOT   devargs, xstats, features matrix, registers,
                                     telemetry, PMD API, limits, README commands
       check_docs.py rst SRCROOT     the RST guide parses with no error or warning
                                     (exit 77 when docutils is not installed)

Everything is read from the sources: the devarg table, the xstats tables, the
eth_dev_ops initialiser, the register dump, the telemetry fields. When the code
changes and the documentation does not, this test fails and says what is stale.
"""

import configparser
import os
import re
import sys

DRV = "drivers/net/qpring"
README = "README.md"
RST = "doc/guides/nics/qpring.rst"
INI = "doc/guides/nics/features/qpring.ini"

# DPDK 22.11 doc/guides/nics/features/default.ini, [Features], in order.
DPDK_FEATURES = [
    "Speed capabilities", "Link speed configuration", "Link status",
    "Link status event", "Removal event", "Queue status event", "Rx interrupt",
    "Lock-free Tx queue", "Fast mbuf free", "Free Tx mbuf on demand",
    "Queue start/stop", "Runtime Rx queue setup", "Runtime Tx queue setup",
    "Shared Rx queue", "Burst mode info", "Power mgmt address monitor",
    "MTU update", "Buffer split on Rx", "Scattered Rx", "LRO", "TSO",
    "Promiscuous mode", "Allmulticast mode", "Unicast MAC filter",
    "Multicast MAC filter", "RSS hash", "RSS key update", "RSS reta update",
    "Inner RSS", "VMDq", "SR-IOV", "DCB", "VLAN filter", "Flow control",
    "Rate limitation", "Congestion management", "Traffic manager",
    "Inline crypto", "Inline protocol", "CRC offload", "VLAN offload",
    "QinQ offload", "FEC", "IP reassembly", "L3 checksum offload",
    "L4 checksum offload", "Timestamp offload", "MACsec offload",
    "Inner L3 checksum", "Inner L4 checksum", "Packet type parsing", "Timesync",
    "Rx descriptor status", "Tx descriptor status", "Basic stats",
    "Extended stats", "Stats per queue", "FW version", "EEPROM dump",
    "Module EEPROM dump", "Registers dump", "LED", "Multiprocess aware",
    "FreeBSD", "Linux", "Windows", "ARMv7", "ARMv8", "LoongArch64", "Power8",
    "rv64", "x86-32", "x86-64", "Usage doc", "Design doc", "Perf doc",
]

# Feature row -> what in the code implements it (features.rst of 22.11).
# "op:x" is an eth_dev_ops member set in qpring_ops; other markers are
# found in the driver's source (see code_markers()). A row marked Y needs
# every marker; P needs at least one; a marker present needs the row.
FEATURE_MAP = {
    "Speed capabilities": ["speed_capa"],
    "Link status": ["op:link_update"],
    "Link status event": ["flag:RTE_ETH_DEV_INTR_LSC"],
    "Rx interrupt": ["op:rx_queue_intr_enable", "op:rx_queue_intr_disable"],
    "Fast mbuf free": ["offload:RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE"],
    "Free Tx mbuf on demand": ["op:tx_done_cleanup"],
    "Queue start/stop": ["op:rx_queue_start", "op:rx_queue_stop",
                         "op:tx_queue_start", "op:tx_queue_stop"],
    "Runtime Rx queue setup": ["capa:RTE_ETH_DEV_CAPA_RUNTIME_RX_QUEUE_SETUP"],
    "Runtime Tx queue setup": ["capa:RTE_ETH_DEV_CAPA_RUNTIME_TX_QUEUE_SETUP"],
    "Burst mode info": ["op:rx_burst_mode_get", "op:tx_burst_mode_get"],
    "Power mgmt address monitor": ["op:get_monitor_addr"],
    "MTU update": ["op:mtu_set"],
    "Scattered Rx": ["offload:RTE_ETH_RX_OFFLOAD_SCATTER"],
    "LRO": ["offload:RTE_ETH_RX_OFFLOAD_TCP_LRO"],
    "TSO": ["offload:RTE_ETH_TX_OFFLOAD_TCP_TSO"],
    "Promiscuous mode": ["op:promiscuous_enable", "op:promiscuous_disable"],
    "Allmulticast mode": ["op:allmulticast_enable", "op:allmulticast_disable"],
    "Unicast MAC filter": ["op:mac_addr_set", "op:mac_addr_add", "op:mac_addr_remove"],
    "Multicast MAC filter": ["op:set_mc_addr_list"],
    "RSS hash": ["op:rss_hash_conf_get", "offload:RTE_ETH_RX_OFFLOAD_RSS_HASH"],
    "RSS key update": ["op:rss_hash_update"],
    "RSS reta update": ["op:reta_update", "op:reta_query"],
    "VLAN filter": ["op:vlan_filter_set"],
    "VLAN offload": ["offload:RTE_ETH_RX_OFFLOAD_VLAN_STRIP",
                     "offload:RTE_ETH_TX_OFFLOAD_VLAN_INSERT"],
    "L3 checksum offload": ["offload:RTE_ETH_RX_OFFLOAD_IPV4_CKSUM",
                            "offload:RTE_ETH_TX_OFFLOAD_IPV4_CKSUM"],
    "L4 checksum offload": ["offload:RTE_ETH_RX_OFFLOAD_UDP_CKSUM",
                            "offload:RTE_ETH_RX_OFFLOAD_TCP_CKSUM",
                            "offload:RTE_ETH_TX_OFFLOAD_UDP_CKSUM",
                            "offload:RTE_ETH_TX_OFFLOAD_TCP_CKSUM"],
    "Packet type parsing": ["op:dev_supported_ptypes_get", "op:dev_ptypes_set"],
    "Flow control": ["op:flow_ctrl_get", "op:flow_ctrl_set"],
    "Traffic manager": ["op:tm_ops_get"],
    "FEC": ["op:fec_get", "op:fec_set"],
    "Timesync": ["op:timesync_enable", "op:timesync_disable",
                 "op:timesync_read_rx_timestamp", "op:timesync_read_tx_timestamp"],
    "Rx descriptor status": ["fp:rx_descriptor_status"],
    "Tx descriptor status": ["fp:tx_descriptor_status"],
    "Basic stats": ["op:stats_get", "op:stats_reset"],
    "Extended stats": ["op:xstats_get", "op:xstats_reset", "op:xstats_get_names"],
    "Stats per queue": ["q_ipackets"],
    "FW version": ["op:fw_version_get"],
    "EEPROM dump": ["op:get_eeprom_length", "op:get_eeprom"],
    "Module EEPROM dump": ["op:get_module_info", "op:get_module_eeprom"],
    "Registers dump": ["op:get_reg"],
    "LED": ["op:dev_led_on", "op:dev_led_off"],
    "Multiprocess aware": ["rte_eth_dev_attach_secondary"],
}

failures = []


def fail(msg):
    failures.append(msg)
    print(f"FAIL: {msg}")


def ok(msg):
    print(f"ok:   {msg}")


def read(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        return f.read()


def strip_c_comments(text):
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


def c_block(text, start_re):
    """The text between the '{' after start_re and its matching '}'."""
    m = re.search(start_re, text)
    if not m:
        return None
    i = text.index("{", m.end() - 1 if text[m.end() - 1] == "{" else m.end())
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1:j]
    return None


def md_section(text, heading):
    """A README section: from '## heading' to the next '## '."""
    m = re.search(r"^## " + re.escape(heading) + r".*$", text, flags=re.M)
    if not m:
        return ""
    rest = text[m.end():]
    n = re.search(r"^## ", rest, flags=re.M)
    return rest[:n.start()] if n else rest


def rst_section(text, title):
    """An RST section body: from its '---' underline to the next title."""
    m = re.search(r"^" + re.escape(title) + r"\n-{3,}\n", text, flags=re.M)
    if not m:
        return ""
    rest = text[m.end():]
    n = re.search(r"^\S.*\n[-=~]{3,}\n", rest, flags=re.M)
    return rest[:n.start()] if n else rest


class Code:
    """Facts parsed from the driver's sources."""

    def __init__(self, root):
        self.root = root
        self.files = {}
        for name in sorted(os.listdir(os.path.join(root, DRV))):
            if name.endswith((".c", ".h")):
                self.files[name] = strip_c_comments(read(root, os.path.join(DRV, name)))
        # The ethdev glue is split by concern over the driver's .c files.
        self.ethdev = "\n".join(v for k, v in self.files.items() if k.endswith(".c"))
        self.all = "\n".join(self.files.values())
        self.defines = {}
        # A definition may go on over lines ending in a backslash.
        joined = re.sub(r"\\\n", " ", self.all)
        for m in re.finditer(r"^#define\s+(\w+)\s+(.+?)\s*$", joined, flags=re.M):
            self.defines.setdefault(m.group(1), m.group(2))
        # Enumerators, as names for value(): enum x { A = 0, B, C };
        for m in re.finditer(r"\benum\s+\w*\s*\{([^}]*)\}", self.all):
            nxt = 0
            for item in m.group(1).split(","):
                item = item.strip()
                e = re.fullmatch(r"(\w+)(?:\s*=\s*(.+))?", item, flags=re.S)
                if not e:
                    continue
                if e.group(2) is not None:
                    try:
                        nxt = self.value(e.group(2))
                    except ValueError:
                        continue
                self.defines.setdefault(e.group(1), str(nxt))
                nxt += 1

    def value(self, expr):
        """Evaluate a small integer expression made of #defines and literals."""
        expr = expr.strip()
        names = {"UINT64_MAX": 2**64 - 1, "UINT32_MAX": 2**32 - 1, "UINT16_MAX": 2**16 - 1,
                 "RTE_ETHER_HDR_LEN": 14, "RTE_VLAN_HLEN": 4, "RTE_ETHER_MTU": 1500}
        for _ in range(10):
            changed = False
            for tok in set(re.findall(r"\b[A-Z_][A-Z0-9_]*\b", expr)):
                if tok in names:
                    expr = re.sub(r"\b%s\b" % tok, str(names[tok]), expr)
                    changed = True
                elif tok in self.defines:
                    expr = re.sub(r"\b%s\b" % tok, "(%s)" % self.defines[tok], expr)
                    changed = True
            if not changed:
                break
        expr = re.sub(r"\b0x([0-9a-f]+)(?:ull|ul|u|ll|l)?\b",
                      lambda m: str(int(m.group(1), 16)), expr, flags=re.I)
        expr = re.sub(r"(\d+)(?:ull|ul|u|ll|l)\b", r"\1", expr, flags=re.I)
        if not re.fullmatch(r"[\d\s()+\-*/]+", expr):
            raise ValueError(f"cannot evaluate {expr!r}")
        return int(eval(expr))  # digits and + - * / ( ) only, checked above

    def devargs(self):
        """[(macro, key)] in valid_arguments[] order."""
        body = c_block(self.ethdev, r"valid_arguments\s*\[\s*\]\s*=\s*\{")
        if body is None:
            raise ValueError("no valid_arguments[] table in the driver")
        out = []
        for tok in re.findall(r"\b(\w+)\b", body):
            if tok == "NULL":
                continue
            key = self.defines.get(tok, "").strip('"')
            if not key:
                raise ValueError(f"valid_arguments[] entry {tok} is not a #define")
            out.append((tok, key))
        return out

    def param_shapes(self):
        """{key: shape} from RTE_PMD_REGISTER_PARAM_STRING, e.g. {"rxq_map": "rss|same"}."""
        m = re.search(r"RTE_PMD_REGISTER_PARAM_STRING\(\s*net_qpring\s*,(.*?)\);", self.ethdev,
                      flags=re.S)
        out = {}
        if not m:
            return out
        for mac, lit in re.findall(r"\b(QPRING_ARG_\w+)\s*\"=([^\"]*)\"", m.group(1)):
            out[self.defines.get(mac, "").strip('"')] = lit.strip()
        return out

    def keyword_devargs(self):
        """{key: (words, default word)} for the devargs whose value is one of a few
        words (the param string shows w1|w2|...): the words each handler accepts
        (strcmp(value, "w") == 0 ... = CONSTANT), and the word of the field's
        value in qpring_probe()'s initialiser (0 when it sets none)."""
        out = {}
        defaults = self.probe_defaults()
        for key, shape in self.param_shapes().items():
            if not re.fullmatch(r"[a-z]+(\|[a-z]+)+", shape):
                continue
            mac = next((k for k, v in self.defines.items() if v == '"%s"' % key), None)
            call = re.search(r"rte_kvargs_process\(\s*kv\s*,\s*%s\s*,\s*(\w+)\s*,\s*&a->(\w+)"
                             % re.escape(mac or "?"), self.ethdev)
            if not call:
                raise ValueError(f"devarg {key}: no rte_kvargs_process() handler parsed")
            body = c_block(self.ethdev, r"\n%s\([^)]*\)\s*\{" % re.escape(call.group(1)))
            words = {}
            for w, const in re.findall(r"strcmp\(\s*value\s*,\s*\"(\w+)\"\s*\)\s*==\s*0\s*\)"
                                       r"\s*\{?\s*\*\w+\s*=\s*(\w+)\s*;", body or ""):
                words[w] = self.value(const)
            if sorted(words) != sorted(shape.split("|")):
                raise ValueError(f"devarg {key}: handler accepts {sorted(words)}, "
                                 f"param string says {shape}")
            dflt = self.value(defaults.get(call.group(2), "0"))
            names = [w for w, v in words.items() if v == dflt]
            out[key] = (shape.split("|"), names[0] if names else "?")
        return out

    def num_ranges(self):
        """{macro: (min, max)} for devargs parsed by qpring_parse_num()."""
        out = {}
        for m in re.finditer(r"qpring_parse_num\(\s*\w+\s*,\s*(\w+)\s*,\s*([^,]+),\s*([^,]+),",
                             self.ethdev):
            out[m.group(1)] = (self.value(m.group(2)), self.value(m.group(3)))
        return out

    def probe_defaults(self):
        """{field: value} of the qpring_args initialiser in qpring_probe()."""
        m = re.search(r"struct qpring_args a\s*=\s*\{([^}]*)\}", self.ethdev)
        out = {}
        if m:
            for f, v in re.findall(r"\.(\w+)\s*=\s*([^,]+)", m.group(1)):
                out[f] = v.strip()
        return out

    def xstats(self, table):
        body = c_block(self.ethdev, re.escape(table) + r"\s*\[\s*\]\s*=\s*\{")
        if body is None:
            raise ValueError(f"no {table}[] in the driver")
        return re.findall(r"\{\s*\"(\w+)\"", body)

    def ops(self):
        body = c_block(self.ethdev, r"struct eth_dev_ops qpring_ops\s*=\s*\{")
        if body is None:
            raise ValueError("no qpring_ops initialiser in the driver")
        return set(re.findall(r"\.(\w+)\s*=", body))

    def expand(self, expr):
        """@expr with the driver's own macros (QPRING_*, QP_*) replaced by their
        definitions, e.g. an offload capability built from QPRING_RX_OFFLOAD_WB."""
        for _ in range(10):
            new = re.sub(r"\b(QPRING_\w+|QP_\w+)\b",
                         lambda m: "(%s)" % self.defines.get(m.group(1), m.group(1)), expr)
            if new == expr:
                break
            expr = new
        return expr

    def markers(self):
        have = {"op:" + o for o in self.ops()}
        e = self.ethdev
        for fp in ("rx_descriptor_status", "tx_descriptor_status"):
            if re.search(r"dev->%s\s*=" % fp, e):
                have.add("fp:" + fp)
        for capa in re.findall(r"RTE_ETH_DEV_CAPA_\w+", e):
            have.add("capa:" + capa)
        m = re.search(r"rx_offload_capa\s*=([^;]*);", e)
        for off in re.findall(r"RTE_ETH_RX_OFFLOAD_\w+", self.expand(m.group(1) if m else "")):
            have.add("offload:" + off)
        m = re.search(r"tx_offload_capa\s*=([^;]*);", e)
        for off in re.findall(r"RTE_ETH_TX_OFFLOAD_\w+", self.expand(m.group(1) if m else "")):
            have.add("offload:" + off)
        if re.search(r"dev_flags\s*\|?=[^;]*RTE_ETH_DEV_INTR_LSC", e):
            have.add("flag:RTE_ETH_DEV_INTR_LSC")
        if re.search(r"info->speed_capa\s*=", e):
            have.add("speed_capa")
        if re.search(r"->q_ipackets\[", e):
            have.add("q_ipackets")
        if "rte_eth_dev_attach_secondary" in e:
            have.add("rte_eth_dev_attach_secondary")
        return have

    def reg_dump_order(self):
        body = c_block(self.ethdev, r"\nqpring_get_reg\([^)]*\)\s*\{")
        return [f.upper() for f in re.findall(r"\*out\+\+\s*=\s*r\.(\w+)\s*;", body or "")]

    def telemetry_fields(self):
        body = c_block(self.ethdev, r"\nqpring_tel_queue\([^)]*\)\s*\{")
        return re.findall(r"rte_tel_data_add_dict_u64\(\s*q\s*,\s*\"(\w+)\"", body or "")

    def telemetry_cmd(self):
        m = re.search(r"rte_telemetry_register_cmd\(\s*\"([^\"]+)\"", self.ethdev)
        return m.group(1) if m else None

    def api(self):
        hdr = self.files.get("rte_pmd_qpring.h", "")
        return re.findall(r"^\w[\w\s\*]*?\b(rte_pmd_qpring_\w+)\s*\(", hdr, flags=re.M)


def check_devargs(code, readme, rst):
    args = code.devargs()
    keys = [k for _, k in args]
    ok(f"driver devargs: {', '.join(keys)}")
    rt = rst_section(rst, "Runtime configuration")
    md = md_section(readme, "Device arguments")
    if not rt:
        fail(f"{RST} has no 'Runtime configuration' section")
    if not md:
        fail(f"{README} has no '## Device arguments' section")
    # Every key: a README table row, and an RST "- ``key``" item with a default.
    items = {}
    for m in re.finditer(r"^- ``(\w+)``(.*)$", rt, flags=re.M):
        end = rt.find("\n- ``", m.end())
        items[m.group(1)] = rt[m.start():end if end >= 0 else len(rt)]
    rows = {}
    for m in re.finditer(r"^\| `(\w+)` \|(.*)$", md, flags=re.M):
        rows[m.group(1)] = m.group(2)
    for k in keys:
        if k not in items:
            fail(f"devarg {k}: no '- ``{k}``' item in {RST}, Runtime configuration")
        elif "(default **" not in items[k].splitlines()[0]:
            fail(f"devarg {k}: the {RST} item does not give its default as (default **x**)")
        if k not in rows:
            fail(f"devarg {k}: no '| `{k}` |' row in {README}, Device arguments")
    for k in items:
        if k not in keys:
            fail(f"{RST} documents devarg {k}, which the driver does not accept")
    for k in rows:
        if k not in keys:
            fail(f"{README} documents devarg {k}, which the driver does not accept")
    if all(k in items and k in rows for k in keys):
        ok(f"every devarg is documented in {README} and {RST}, and no other")

    # The param string shown by dpdk-pmdinfo.py lists the same keys.
    m = re.search(r"RTE_PMD_REGISTER_PARAM_STRING\(\s*net_qpring\s*,(.*?)\);", code.ethdev,
                  flags=re.S)
    listed = re.findall(r"\b(QPRING_ARG_\w+)\b", m.group(1)) if m else []
    if sorted(listed) != sorted(mac for mac, _ in args):
        fail("RTE_PMD_REGISTER_PARAM_STRING does not list exactly the valid_arguments[] keys")
    else:
        ok("RTE_PMD_REGISTER_PARAM_STRING lists every devarg")

    # Numeric ranges, as parsed, appear in both documents.
    macro_of = dict((k, mac) for mac, k in args)
    for mac, (lo, hi) in code.num_ranges().items():
        k = code.defines.get(mac, "").strip('"')
        item, row = items.get(k, ""), rows.get(k, "")
        for doc, text in ((RST, item), (README, row)):
            nums = set(re.findall(r"\d+", text))
            if str(lo) not in nums or str(hi) not in nums:
                fail(f"devarg {k}: range {lo}..{hi} (code) not stated in {doc}")
        if macro_of.get(k) != mac:
            fail(f"devarg {k}: parsed with qpring_parse_num() but not in valid_arguments[]")
    ok("numeric devarg ranges match qpring_parse_num() bounds")

    # Defaults set in qpring_probe(); devargs not initialised there default to 0/none.
    defaults = code.probe_defaults()
    expect = {"copy": defaults.get("copy", "0"), "seed": defaults.get("seed", "0"),
              "adapter": {"QPRING_ADAPTER_INLINE": "inline", "QPRING_ADAPTER_SERVICE": "service",
                          "QPRING_ADAPTER_MANUAL": "manual"}.get(
                              defaults.get("adapter_mode", "QPRING_ADAPTER_INLINE"), "?")}
    for k in keys:
        if k.startswith("fault_"):
            expect[k] = "0"
    # Devargs that take one of a few words: each word documented, and the default.
    for k, (words, dflt) in code.keyword_devargs().items():
        if k in expect and expect[k] != dflt:
            fail(f"devarg {k}: default {expect[k]} (qpring_probe()) but the handler maps "
                 f"the initial value to {dflt}")
        expect[k] = dflt
        for doc, text, q in ((RST, items.get(k, ""), "``"), (README, rows.get(k, ""), "`")):
            # As a literal each, or as the RST item's [w1|w2|...] list.
            listed = {w for b in re.findall(r"\[([a-z|]+)\]", text) for w in b.split("|")}
            missing = [w for w in words if f"{q}{w}{q}" not in text and w not in listed]
            if text and missing:
                fail(f"devarg {k}: values {', '.join(missing)} not shown in {doc}")
    for k, v in expect.items():
        if k not in keys:
            continue
        m = re.search(r"\(default \*\*([^*]+)\*\*", items.get(k, ""))
        if not m or m.group(1).split(":")[0].strip() != v:
            fail(f"devarg {k}: code default is {v}, {RST} says "
                 f"{m.group(1) if m else 'nothing'}")
        if f"`{v}`" not in rows.get(k, "").split("|")[1 if len(rows.get(k, "").split("|")) > 2
                                                     else 0]:
            fail(f"devarg {k}: code default {v} is not the default column of {README}")
    ok("devarg defaults match qpring_probe()")


def check_xstats(code, readme, rst):
    sec = rst_section(rst, "Extended statistics")
    for d, table in (("tx", "qpring_tx_xstats"), ("rx", "qpring_rx_xstats")):
        names = code.xstats(table)
        documented = re.findall(r"``%s_q<N>_(\w+)``" % d, sec)
        missing = [n for n in names if n not in documented]
        stale = [n for n in documented if n not in names]
        if missing:
            fail(f"{RST}: {d} xstats not documented: {', '.join(missing)}")
        if stale:
            fail(f"{RST}: documents {d} xstats the driver lacks: {', '.join(stale)}")
        if not missing and not stale:
            ok(f"{RST} documents exactly the {len(names)} {d}_q<N>_* xstats")
        # README: the same names in the send/receive queue bullet.
        md = md_section(readme, "Extended statistics")
        label = "send queue:" if d == "tx" else "receive queue:"
        m = re.search(r"^- " + label + r"(.*?)(?=^- |\n\n)", md, flags=re.M | re.S)
        listed = re.findall(r"`(\w+)`", m.group(1)) if m else []
        if sorted(listed) != sorted(names):
            fail(f"{README}: the '{label}' xstats list differs from {table}[]: "
                 f"missing {sorted(set(names) - set(listed))}, "
                 f"extra {sorted(set(listed) - set(names))}")
        else:
            ok(f"{README} lists exactly the {d} xstats")


def check_features(code, root):
    cp = configparser.ConfigParser(delimiters=("=",), comment_prefixes=(";",),
                                   inline_comment_prefixes=None)
    cp.optionxform = str
    try:
        cp.read_string(read(root, INI))
    except configparser.Error as e:
        fail(f"{INI}: {e}")
        return
    if cp.sections() != ["Features"]:
        fail(f"{INI}: expected exactly one [Features] section, got {cp.sections()}")
        return
    rows = dict(cp.items("Features"))
    order = [k for k in cp["Features"]]
    for k, v in rows.items():
        if k not in DPDK_FEATURES:
            fail(f"{INI}: '{k}' is not a DPDK 22.11 feature name (default.ini)")
        if v not in ("Y", "P"):
            fail(f"{INI}: '{k} = {v}': value must be Y or P")
    known = [k for k in order if k in DPDK_FEATURES]
    if known != sorted(known, key=DPDK_FEATURES.index):
        fail(f"{INI}: rows are not in default.ini's order")
    have = code.markers()
    for feat, needs in FEATURE_MAP.items():
        present = [n for n in needs if n in have]
        row = rows.get(feat)
        if present and row is None:
            fail(f"{INI}: code has {', '.join(present)} but no '{feat}' row")
        elif row is not None and not present:
            fail(f"{INI}: '{feat} = {row}' but the code has none of {', '.join(needs)}")
        elif row == "Y" and len(present) != len(needs):
            absent = [n for n in needs if n not in have]
            fail(f"{INI}: '{feat} = Y' but the code lacks {', '.join(absent)} (use P)")
    # Ops in qpring_ops that are mapped must be covered (guards the map too).
    mapped = {n for needs in FEATURE_MAP.values() for n in needs}
    print(f"      qpring_ops: {', '.join(sorted(code.ops()))}")
    unmapped_rows = [k for k in rows if k not in FEATURE_MAP and k not in (
        "Linux", "x86-64", "Usage doc", "Design doc")]
    if unmapped_rows:
        fail(f"{INI}: rows the check cannot verify (add them to FEATURE_MAP): "
             f"{', '.join(unmapped_rows)}")
    if not any(f.startswith(INI) for f in failures):
        ok(f"{INI}: {len(rows)} rows, each backed by the code; "
           f"{len([m for m in mapped if m in have])} implemented markers all have rows")


def check_registers(code, readme, rst):
    order = code.reg_dump_order()
    if len(order) != 8:
        fail(f"qpring_get_reg(): expected 8 registers per queue, parsed {order}")
    sec = rst_section(rst, "Register layout")
    start = sec.find("rte_eth_dev_get_reg_info()")
    pos = [sec.find(f"``{r}``", start) for r in order]
    if start < 0 or -1 in pos or pos != sorted(pos):
        fail(f"{RST}: register dump order is not {order}")
    else:
        ok(f"{RST}: register dump order {', '.join(order)}")
    md = md_section(readme, "Registers")
    start = md.find("rte_eth_dev_get_reg_info()")
    pos = [md.find(f"`{r}`", start) for r in order]
    if start < 0 or -1 in pos or pos != sorted(pos):
        fail(f"{README}: register dump order is not {order}")
    else:
        ok(f"{README}: register dump order matches")
    ver = code.value(code.defines.get("QPRING_REGS_VERSION", "0"))
    for doc, text in ((RST, sec), (README, md)):
        if not re.search(r"version %d\b" % ver, text):
            fail(f"{doc}: register dump layout version {ver} not stated")
    # Doorbell bit layout: in-service bit and VA mask as in qp_regs.h.
    ins = code.value(code.defines.get("QP_DB_IN_SERVICE", "0"))
    if ins != 1 or "~0x1full" not in code.defines.get("QP_DB_VA_MASK", ""):
        fail("qp_regs.h: doorbell layout changed (in-service bit 0, VA bits 63..5 documented)")
    for doc, text in ((RST, sec), (README, md)):
        if "bits 63..5" not in text or "IS" not in text:
            fail(f"{doc}: doorbell bit layout diagram missing")
    # Telemetry command and fields.
    cmd = code.telemetry_cmd()
    fields = code.telemetry_fields()
    for doc, text, q in ((RST, sec, "``"), (README, md, "`")):
        if cmd is None or f"{cmd},<port_id>" not in text:
            fail(f"{doc}: telemetry command {cmd},<port_id> not documented")
        missing = [f for f in fields if f"{q}{f}{q}" not in text]
        if missing:
            fail(f"{doc}: telemetry fields not documented: {', '.join(missing)}")
    ok(f"telemetry {cmd}: fields {', '.join(fields)}")


def check_api_and_limits(code, readme, rst):
    api = code.api()
    if not api:
        fail("no rte_pmd_qpring_*() declarations parsed from rte_pmd_qpring.h")
    for doc, text in ((README, readme), (RST, rst)):
        missing = [f for f in api if f not in text]
        if missing:
            fail(f"{doc}: PMD API not documented: {', '.join(missing)}")
    ok(f"PMD API documented: {', '.join(api)}")
    v = code.value
    limits = {
        "queue pairs per port": v("QPRING_MAX_QPS"),
        "smallest ring": v("QP_RING_MIN"),
        "largest ring": v("QP_RING_MAX"),
        "default ring": v("QPRING_DEFAULT_RING"),
        "smallest MTU": v("QPRING_MIN_MTU"),
        "largest MTU": v("QPRING_MAX_MTU"),
        "largest frame": v("QPRING_MAX_FRAME"),
        "Tx segments": v("QP_MAX_SEGS"),
        "Rx scatter buffers": v("QP_MAX_RX_PARTS"),
    }
    for doc, text in ((README, readme), (RST, rst)):
        nums = set(re.findall(r"\d+", text))
        bad = [f"{what} {n}" for what, n in limits.items() if str(n) not in nums]
        if bad:
            fail(f"{doc}: limits from the code not stated: {', '.join(bad)}")
    ok("limits stated: " + ", ".join(f"{w} {n}" for w, n in limits.items()))
    # Planned features are documented only when the code has them.
    pcap = "qpring_wire_pcap.c" in code.files
    for doc, text in ((README, readme), (RST, rst)):
        if ("rx_pcap" in text) != pcap:
            fail(f"{doc}: pcap wire documented={'rx_pcap' in text}, in code={pcap}")
        scat = "RTE_ETH_RX_OFFLOAD_SCATTER" in code.ethdev
        if ("RTE_ETH_RX_OFFLOAD_SCATTER" in text) != scat:
            fail(f"{doc}: Rx scatter documented={not scat}, in code={scat}")


def check_readme_commands(readme):
    for cmd in ("make demo", "make test", "make bench",
                "meson setup build && ninja -C build && meson test -C build",
                "-d build/drivers/net/qpring/librte_net_qpring.so",
                "--lcores 0@0,1@1,2@0 -S 2", "-l 0-2 -S 2",
                "buildtools/fetch-sdk-headers.sh", "doc/bench/README.md",
                "## Layout of the source", "## Limitations"):
        if cmd not in readme:
            fail(f"{README} does not show '{cmd}'")
    if re.search(r"^N passed, N failed$", readme, flags=re.M) is None:
        fail(f"{README} does not show the 'N passed, N failed' summary line")
    ok(f"{README} shows make demo, make test, the meson commands and plugin loading")


def facts(root):
    code = Code(root)
    readme = read(root, README)
    rst = read(root, RST)
    for step in (lambda: check_devargs(code, readme, rst),
                 lambda: check_xstats(code, readme, rst),
                 lambda: check_features(code, root),
                 lambda: check_registers(code, readme, rst),
                 lambda: check_api_and_limits(code, readme, rst),
                 lambda: check_readme_commands(readme)):
        try:
            step()
        except (ValueError, KeyError, AttributeError) as e:
            fail(f"cannot parse the driver: {e!r}")
    return 1 if failures else 0


def rst(root):
    try:
        import docutils.core
        import docutils.utils
    except ImportError:
        print("SKIP: docutils is not installed (Debian package python3-docutils)")
        return 77
    messages = []

    class Collect:
        def write(self, s):
            messages.append(s)

        def flush(self):
            pass

    src = read(root, RST)
    docutils.core.publish_doctree(
        src, source_path=RST,
        settings_overrides={"report_level": docutils.utils.Reporter.WARNING_LEVEL,
                            "halt_level": docutils.utils.Reporter.SEVERE_LEVEL + 1,
                            "warning_stream": Collect(), "input_encoding": "utf-8"})
    text = "".join(messages).strip()
    if text:
        print(text)
        fail(f"{RST}: docutils reported the problems above")
        return 1
    # The title uses '=' as DPDK's NIC guides do.
    lines = src.splitlines()
    titles = [i for i in range(1, len(lines)) if re.fullmatch(r"=+", lines[i])
              and lines[i - 1].strip() and len(lines[i]) >= len(lines[i - 1])]
    if len(titles) != 1:
        fail(f"{RST}: expected one '=' title, found {len(titles)}")
        return 1
    ok(f"{RST} parses with docutils {docutils.__version__}: no errors or warnings")
    return 0


def main(argv):
    if len(argv) != 3 or argv[1] not in ("facts", "rst"):
        print(__doc__)
        return 2
    root = argv[2]
    rc = facts(root) if argv[1] == "facts" else rst(root)
    if rc == 1:
        print(f"check_docs {argv[1]}: {len(failures)} problem(s)")
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
