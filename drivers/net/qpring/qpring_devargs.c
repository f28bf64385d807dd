/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Device arguments of net_qpring: the table of keys, one rte_kvargs
 * handler per key that parses and range-checks its value (and says what is
 * wrong), and the checks across keys. The result is a struct qpring_args.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_kvargs.h>
#include <rte_string_fns.h>
#include <bus_vdev_driver.h>

#include "qpring.h"
#include "qpring_wire.h"

#define QPRING_ARG_MAC     "mac"
#define QPRING_ARG_PEER    "peer"
#define QPRING_ARG_COPY    "copy"
#define QPRING_ARG_ADAPTER "adapter"
#define QPRING_ARG_F_DELAY "fault_delay"
#define QPRING_ARG_F_OOO   "fault_ooo"
#define QPRING_ARG_F_ERROR "fault_error"
#define QPRING_ARG_F_DROP  "fault_drop"
#define QPRING_ARG_SEED    "seed"
#define QPRING_ARG_RX_PCAP "rx_pcap"
#define QPRING_ARG_TX_PCAP "tx_pcap"
#define QPRING_ARG_IFACE   "iface"
#define QPRING_ARG_RXQ_MAP "rxq_map"
#define QPRING_ARG_RX_WIN  "rx_window"
#define QPRING_ARG_XPROC   "xproc"
#define QPRING_ARG_XP_ROLE "xproc_role"
#define QPRING_ARG_XP_MEM  "xproc_mem"
#define QPRING_ARG_XP_BUFS "xproc_bufs"

/* Cross-process wire: receive region size (MiB) and buffers per queue. */
#define QPRING_XP_MEM_DEFAULT 256u
#define QPRING_XP_MEM_MIN     4u
#define QPRING_XP_MEM_MAX     65536u
#define QPRING_XP_BUFS_MAX    1048576u

/* What xproc_role= said (qpring_args.xproc_role; zero, the default, is
 * server); the connection's role (QP_XPROC_ROLE_*) follows from it.
 */
#define QPRING_XP_SERVER 0u
#define QPRING_XP_CLIENT 1u

static const char *const valid_arguments[] = {
	QPRING_ARG_MAC,
	QPRING_ARG_PEER,
	QPRING_ARG_COPY,
	QPRING_ARG_ADAPTER,
	QPRING_ARG_F_DELAY,
	QPRING_ARG_F_OOO,
	QPRING_ARG_F_ERROR,
	QPRING_ARG_F_DROP,
	QPRING_ARG_SEED,
	QPRING_ARG_RX_PCAP,
	QPRING_ARG_TX_PCAP,
	QPRING_ARG_IFACE,
	QPRING_ARG_RXQ_MAP,
	QPRING_ARG_RX_WIN,
	QPRING_ARG_XPROC,
	QPRING_ARG_XP_ROLE,
	QPRING_ARG_XP_MEM,
	QPRING_ARG_XP_BUFS,
	NULL
};



static int
qpring_arg_mac(const char *key, const char *value, void *opaque)
{
	struct qpring_args *a = opaque;

	if (value == NULL || rte_ether_unformat_addr(value, &a->mac) != 0 ||
	    !rte_is_unicast_ether_addr(&a->mac) || rte_is_zero_ether_addr(&a->mac)) {
		QPRING_LOG(ERR, "%s=%s: expected a unicast MAC address xx:xx:xx:xx:xx:xx",
			   key, value ? value : "(none)");
		return -EINVAL;
	}
	a->mac_given = 1;
	return 0;
}

static int
qpring_arg_peer(const char *key, const char *value, void *opaque)
{
	struct qpring_args *a = opaque;

	if (value == NULL || value[0] == '\0' ||
	    strlcpy(a->peer, value, sizeof(a->peer)) >= sizeof(a->peer)) {
		QPRING_LOG(ERR, "%s=%s: expected the name of another net_qpring vdev",
			   key, value ? value : "(none)");
		return -EINVAL;
	}
	return 0;
}

/* A string that must fit its buffer: a path or an interface name. */
struct qpring_str_arg {
	char *buf;
	size_t len;
};

static int
qpring_arg_str(const char *key, const char *value, void *opaque)
{
	struct qpring_str_arg *a = opaque;

	if (value == NULL || value[0] == '\0' || strlen(value) >= a->len) {
		QPRING_LOG(ERR, "%s=%s: expected a non-empty %s of at most %zu characters", key,
			   value ? value : "(none)",
			   strcmp(key, QPRING_ARG_IFACE) == 0 ? "interface name" : "file path",
			   a->len - 1);
		return -EINVAL;
	}
	strlcpy(a->buf, value, a->len);
	return 0;
}

static int
qpring_arg_bool(const char *key, const char *value, void *opaque)
{
	uint8_t *out = opaque;

	if (value == NULL || (strcmp(value, "0") != 0 && strcmp(value, "1") != 0)) {
		QPRING_LOG(ERR, "%s=%s: expected 0 or 1", key, value ? value : "(none)");
		return -EINVAL;
	}
	*out = (uint8_t)(value[0] - '0');
	return 0;
}

static int
qpring_arg_adapter(const char *key, const char *value, void *opaque)
{
	uint8_t *out = opaque;

	if (value != NULL && strcmp(value, "inline") == 0) {
		*out = QPRING_ADAPTER_INLINE;
	} else if (value != NULL && strcmp(value, "manual") == 0) {
		*out = QPRING_ADAPTER_MANUAL;
	} else if (value != NULL && strcmp(value, "service") == 0) {
		*out = QPRING_ADAPTER_SERVICE;
	} else {
		QPRING_LOG(ERR, "%s=%s: expected inline, service or manual", key,
			   value ? value : "(none)");
		return -EINVAL;
	}
	return 0;
}

/* rxq_map=rss (the receiving port picks the queue: RSS, or queue 0) or
 * rxq_map=same (send queue i delivers into receive queue i).
 */
static int
qpring_arg_rxq_map(const char *key, const char *value, void *opaque)
{
	uint8_t *out = opaque;

	if (value != NULL && strcmp(value, "rss") == 0) {
		*out = QP_RXSEL_FIRST;
	} else if (value != NULL && strcmp(value, "same") == 0) {
		*out = QP_RXSEL_SAME;
	} else {
		QPRING_LOG(ERR, "%s=%s: expected rss or same", key, value ? value : "(none)");
		return -EINVAL;
	}
	return 0;
}

/* xproc=<path>: a Unix socket path (sun_path holds 107 bytes and a NUL),
 * or @name in the abstract namespace.
 */
static int
qpring_arg_xproc(const char *key, const char *value, void *opaque)
{
	struct qpring_xproc_conf *x = opaque;

	if (value == NULL || value[0] == '\0' || (value[0] == '@' && value[1] == '\0') ||
	    strlen(value) >= sizeof(x->path)) {
		QPRING_LOG(ERR, "%s=%s: expected a Unix socket path of 1 to %zu bytes (or @name "
			   "for an abstract socket)", key, value ? value : "(none)",
			   sizeof(x->path) - 1);
		return -EINVAL;
	}
	strlcpy(x->path, value, sizeof(x->path));
	return 0;
}

/* xproc_role=server|client. */
static int
qpring_arg_xp_role(const char *key, const char *value, void *opaque)
{
	uint8_t *out = opaque;

	if (value != NULL && strcmp(value, "server") == 0) {
		*out = QPRING_XP_SERVER;
	} else if (value != NULL && strcmp(value, "client") == 0) {
		*out = QPRING_XP_CLIENT;
	} else {
		QPRING_LOG(ERR, "%s=%s: expected server or client", key, value ? value : "(none)");
		return -EINVAL;
	}
	return 0;
}

/* A decimal number within [min, max]. */
struct qpring_num_arg {
	uint64_t min, max;
	uint64_t value;
};

static int
qpring_arg_num(const char *key, const char *value, void *opaque)
{
	struct qpring_num_arg *a = opaque;
	unsigned long long v = 0;
	char *end = NULL;

	errno = 0;
	if (value != NULL && value[0] >= '0' && value[0] <= '9')
		v = strtoull(value, &end, 10);
	if (value == NULL || end == NULL || end == value || *end != '\0' || errno != 0 ||
	    v < a->min || v > a->max) {
		QPRING_LOG(ERR, "%s=%s: expected a decimal number from %" PRIu64 " to %" PRIu64,
			   key, value ? value : "(none)", a->min, a->max);
		return -EINVAL;
	}
	a->value = v;
	return 0;
}

/*
 * fault_delay=N: N adapter calls (0 to QPRING_MAX_DELAY_POLLS);
 * fault_delay=Nns, Nus or Nms: that much time (at most 1 s).
 */
static int
qpring_arg_delay(const char *key, const char *value, void *opaque)
{
	static const struct {
		const char *unit;
		uint64_t ns;
	} units[] = { { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 } };
	struct qp_faults *f = opaque;
	unsigned long long v = 0;
	char *end = NULL;
	unsigned int u;

	errno = 0;
	if (value != NULL && value[0] >= '0' && value[0] <= '9')
		v = strtoull(value, &end, 10);
	if (end == NULL || end == value || errno != 0)
		goto bad;
	if (*end == '\0') {
		if (v > QPRING_MAX_DELAY_POLLS)
			goto bad;
		f->delay_polls = (uint32_t)v;
		f->delay_ns = 0;
		return 0;
	}
	for (u = 0; u < RTE_DIM(units); u++) {
		if (strcmp(end, units[u].unit) == 0) {
			if (v > QPRING_MAX_DELAY_NS / units[u].ns)
				goto bad;
			f->delay_ns = (uint32_t)(v * units[u].ns);
			f->delay_polls = 0;
			return 0;
		}
	}
bad:
	QPRING_LOG(ERR, "%s=%s: expected adapter calls (0 to %u) or a time with a unit, "
		   "ns, us or ms (at most 1 s)", key, value ? value : "(none)",
		   QPRING_MAX_DELAY_POLLS);
	return -EINVAL;
}

/* The TSC form of the time delay (the adapter compares TSC readings). */
void
qpring_faults_derive(struct qp_faults *f)
{
	uint64_t hz = rte_get_tsc_hz();

	f->delay_tsc = 0;
	if (f->delay_ns != 0)
		f->delay_tsc = RTE_MAX((uint64_t)1, ((uint64_t)f->delay_ns * hz + 999999999u) /
						    1000000000u);
}

static int
qpring_parse_num(struct rte_kvargs *kv, const char *key, uint64_t min, uint64_t max,
		 uint64_t *out)
{
	struct qpring_num_arg a = { .min = min, .max = max, .value = *out };
	int ret;

	ret = rte_kvargs_process(kv, key, qpring_arg_num, &a);
	if (ret == 0)
		*out = a.value;
	return ret;
}

/* The cross-process wire's keys, and what they exclude. */
static int
qpring_parse_xproc(const char *name, struct rte_kvargs *kv, struct qpring_args *a)
{
	struct qpring_xproc_conf *x = &a->xproc;
	uint64_t v;
	int ret;

	x->mem_mb = QPRING_XP_MEM_DEFAULT;
	x->bufs = 0;
	ret = rte_kvargs_process(kv, QPRING_ARG_XPROC, qpring_arg_xproc, x);
	if (ret == 0)
		ret = rte_kvargs_process(kv, QPRING_ARG_XP_ROLE, qpring_arg_xp_role,
					 &a->xproc_role);
	/* QP_XPROC_ROLE_CLIENT (2) or _SERVER (1), as HELLO carries it. */
	x->role = a->xproc_role == QPRING_XP_CLIENT ? 2 : 1;
	v = x->mem_mb;
	if (ret == 0)
		ret = qpring_parse_num(kv, QPRING_ARG_XP_MEM, QPRING_XP_MEM_MIN, QPRING_XP_MEM_MAX,
				       &v);
	x->mem_mb = (uint32_t)v;
	v = x->bufs;
	if (ret == 0)
		ret = qpring_parse_num(kv, QPRING_ARG_XP_BUFS, 0, QPRING_XP_BUFS_MAX, &v);
	x->bufs = (uint32_t)v;
	if (ret != 0)
		return ret;
	if (x->path[0] == '\0') {
		if (rte_kvargs_count(kv, QPRING_ARG_XP_ROLE) + rte_kvargs_count(kv, QPRING_ARG_XP_MEM) +
		    rte_kvargs_count(kv, QPRING_ARG_XP_BUFS) != 0) {
			QPRING_LOG(ERR, "%s: xproc_role, xproc_mem and xproc_bufs belong to the "
				   "cross-process wire: give its socket with xproc=<path>", name);
			return -EINVAL;
		}
		return 0;
	}
	if (a->peer[0] != '\0' || qpring_medium_configured(&a->medium)) {
		QPRING_LOG(ERR, "%s: xproc and %s are different wires: choose one", name,
			   a->peer[0] != '\0' ? "peer" : "rx_pcap/tx_pcap/iface");
		return -EINVAL;
	}
	if (!a->copy) {
		QPRING_LOG(ERR, "%s: copy=0 (zero copy) cannot cross processes: an mbuf is a "
			   "pointer into this process's heap; the cross-process wire copies each "
			   "frame once, into a buffer the receiving process posted (omit copy=0)",
			   name);
		return -EINVAL;
	}
	return 0;
}

int
qpring_parse_args(const char *name, const char *params, struct qpring_args *a)
{
	struct rte_kvargs *kv;
	uint64_t v;
	unsigned int k;
	int ret = 0;

	if (params == NULL || params[0] == '\0')
		return 0;
	kv = rte_kvargs_parse(params, valid_arguments);
	if (kv == NULL) {
		QPRING_LOG(ERR, "%s: cannot parse devargs \"%s\"; accepted keys: "
			   "mac, peer, copy, adapter, fault_delay, fault_ooo, fault_error, "
			   "fault_drop, seed, rx_pcap, tx_pcap, iface, rxq_map, rx_window, "
			   "xproc, xproc_role, xproc_mem, xproc_bufs", name, params);
		return -EINVAL;
	}
	for (k = 0; valid_arguments[k] != NULL; k++) {
		if (rte_kvargs_count(kv, valid_arguments[k]) > 1) {
			QPRING_LOG(ERR, "%s: %s is given more than once in \"%s\"", name,
				   valid_arguments[k], params);
			ret = -EINVAL;
			goto out;
		}
	}
	ret = rte_kvargs_process(kv, QPRING_ARG_MAC, qpring_arg_mac, a);
	if (ret == 0)
		ret = rte_kvargs_process(kv, QPRING_ARG_PEER, qpring_arg_peer, a);
	if (ret == 0)
		ret = rte_kvargs_process(kv, QPRING_ARG_COPY, qpring_arg_bool, &a->copy);
	if (ret == 0)
		ret = rte_kvargs_process(kv, QPRING_ARG_ADAPTER, qpring_arg_adapter,
					 &a->adapter_mode);
	if (ret == 0)
		ret = rte_kvargs_process(kv, QPRING_ARG_RXQ_MAP, qpring_arg_rxq_map, &a->rxq_map);
	if (ret == 0)
		ret = rte_kvargs_process(kv, QPRING_ARG_F_DELAY, qpring_arg_delay, &a->faults);
	v = a->faults.ooo_window;
	if (ret == 0)
		ret = qpring_parse_num(kv, QPRING_ARG_F_OOO, 0, QP_RING_MAX, &v);
	a->faults.ooo_window = (uint32_t)v;
	v = a->faults.error_ppm;
	if (ret == 0)
		ret = qpring_parse_num(kv, QPRING_ARG_F_ERROR, 0, QPRING_PPM, &v);
	a->faults.error_ppm = (uint32_t)v;
	v = a->faults.drop_ppm;
	if (ret == 0)
		ret = qpring_parse_num(kv, QPRING_ARG_F_DROP, 0, QPRING_PPM, &v);
	a->faults.drop_ppm = (uint32_t)v;
	if (ret == 0)
		ret = qpring_parse_num(kv, QPRING_ARG_SEED, 1, UINT64_MAX, &a->seed);
	v = a->rx_window;
	if (ret == 0)
		ret = qpring_parse_num(kv, QPRING_ARG_RX_WIN, QP_RING_MIN, QP_RING_MAX, &v);
	a->rx_window = (uint32_t)v;
	if (ret == 0) {
		struct qpring_str_arg rx = { a->medium.rx_pcap, sizeof(a->medium.rx_pcap) };
		struct qpring_str_arg tx = { a->medium.tx_pcap, sizeof(a->medium.tx_pcap) };
		struct qpring_str_arg ifc = { a->medium.iface, sizeof(a->medium.iface) };

		ret = rte_kvargs_process(kv, QPRING_ARG_RX_PCAP, qpring_arg_str, &rx);
		if (ret == 0)
			ret = rte_kvargs_process(kv, QPRING_ARG_TX_PCAP, qpring_arg_str, &tx);
		if (ret == 0)
			ret = rte_kvargs_process(kv, QPRING_ARG_IFACE, qpring_arg_str, &ifc);
	}
	if (ret == 0)
		ret = qpring_parse_xproc(name, kv, a);
	if (ret == 0 && qpring_medium_configured(&a->medium)) {
		char err[PATH_MAX + 128] = "";

		if (a->peer[0] != '\0') {
			QPRING_LOG(ERR, "%s: peer and rx_pcap/tx_pcap/iface are different wires: "
				   "choose one", name);
			ret = -EINVAL;
		} else if (!a->copy) {
			QPRING_LOG(ERR, "%s: copy=0 needs a qpring peer; frames to or from "
				   "rx_pcap/tx_pcap/iface are always copied", name);
			ret = -EINVAL;
		} else if (qpring_medium_check(&a->medium, err, sizeof(err)) != 0) {
			QPRING_LOG(ERR, "%s: %s", name, err);
			ret = -EINVAL;
		}
	}
	if (ret != 0)
		ret = -EINVAL;
out:
	rte_kvargs_free(kv);
	return ret;
}

/* Every devarg with the shape of its value (dpdk-pmdinfo, usertools). */
RTE_PMD_REGISTER_PARAM_STRING(net_qpring,
	QPRING_ARG_MAC "=<xx:xx:xx:xx:xx:xx> "
	QPRING_ARG_PEER "=<net_qpring vdev name> "
	QPRING_ARG_COPY "=0|1 "
	QPRING_ARG_ADAPTER "=inline|service|manual "
	QPRING_ARG_F_DELAY "=<polls>|<N>ns|<N>us|<N>ms "
	QPRING_ARG_F_OOO "=<window> "
	QPRING_ARG_F_ERROR "=<ppm> "
	QPRING_ARG_F_DROP "=<ppm> "
	QPRING_ARG_SEED "=<uint64> "
	QPRING_ARG_RX_PCAP "=<file> "
	QPRING_ARG_TX_PCAP "=<file> "
	QPRING_ARG_IFACE "=<ifname> "
	QPRING_ARG_RXQ_MAP "=rss|same "
	QPRING_ARG_RX_WIN "=<buffers> "
	QPRING_ARG_XPROC "=<socket path>|@<abstract name> "
	QPRING_ARG_XP_ROLE "=server|client "
	QPRING_ARG_XP_MEM "=<MiB> "
	QPRING_ARG_XP_BUFS "=<buffers per rx queue>");
