/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * net_qpring ethdev glue: devargs, the registry of cabled ports, dev_ops
 * (queue pairs, start/stop, stats, xstats, register dump), the telemetry
 * command, the PMD-specific API and probe/remove.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <bus_vdev_driver.h>
#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_cycles.h>
#include <rte_devargs.h>
#include <rte_kvargs.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memzone.h>
#include <rte_interrupts.h>
#include <rte_pause.h>
#include <rte_power_intrinsics.h>
#include <rte_service.h>
#include <rte_service_component.h>
#include <rte_spinlock.h>
#include <rte_string_fns.h>
#include <rte_telemetry.h>

#include "qpring.h"
#include "rte_pmd_qpring.h"

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
	NULL
};

#define QPRING_MAX_DELAY_POLLS 1000000u
#define QPRING_MAX_DELAY_NS    1000000000u /* 1 s */
#define QPRING_PPM             1000000u

/* Version of the register dump layout (rte_eth_dev_get_reg_info()). */
#define QPRING_REGS_VERSION 1u
#define QPRING_REGS_PER_QUEUE 8u

/* How long a control path waits for an adapter to leave the wire guard. */
#define QPRING_QUIESCE_MS 1000u

struct qpring_args {
	struct rte_ether_addr mac;
	int mac_given;
	char peer[RTE_DEV_NAME_MAX_LEN];
	uint8_t copy;
	uint8_t adapter_mode;
	struct qp_faults faults;
	uint64_t seed;
	struct qp_medium_conf medium;
};

/*
 * The registry of this process's qpring ports, used to cable peers. Taken
 * by the control path only (probe, close, start, stop, queue set-up and
 * release), never by the fast path.
 */
static TAILQ_HEAD(, qpring_port) qpring_ports = TAILQ_HEAD_INITIALIZER(qpring_ports);
static rte_spinlock_t qpring_lock = RTE_SPINLOCK_INITIALIZER;

static const struct eth_dev_ops qpring_ops;
static void qpring_set_burst(struct rte_eth_dev *dev);

static inline struct rte_eth_dev *
qpring_port_dev(const struct qpring_port *p)
{
	return &rte_eth_devices[p->port_id];
}

/* ---------------------------------------------------------------- devargs */

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

/* A decimal number within [min, max]. */
struct qpring_num_arg {
	uint64_t min, max;
	uint64_t value;
};

static int
qpring_arg_num(const char *key, const char *value, void *opaque)
{
	struct qpring_num_arg *a = opaque;
	unsigned long long v;
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
static void
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

static int
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
			   "fault_drop, seed, rx_pcap, tx_pcap, iface", name, params);
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
	if (ret == 0 && qp_medium_configured(&a->medium)) {
		char err[PATH_MAX + 128] = "";

		if (a->peer[0] != '\0') {
			QPRING_LOG(ERR, "%s: peer and rx_pcap/tx_pcap/iface are different wires: "
				   "choose one", name);
			ret = -EINVAL;
		} else if (!a->copy) {
			QPRING_LOG(ERR, "%s: copy=0 needs a qpring peer; frames to or from "
				   "rx_pcap/tx_pcap/iface are always copied", name);
			ret = -EINVAL;
		} else if (qp_medium_check(&a->medium, err, sizeof(err)) != 0) {
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

/* ------------------------------------------------------------------ wire */

/*
 * G2: wait until no adapter of @sender's send queues is inside the wire
 * guard. The caller has just unpublished something those adapters may
 * deliver into (wire_dst or an rx_live[] entry). Pairs with G1/G3 in
 * qpring_wire_service(). Registry lock held (keeps the queue array still).
 */
static void
qpring_wire_quiesce(struct qpring_port *sender)
{
	struct rte_eth_dev *dev = qpring_port_dev(sender);
	uint64_t limit = rte_get_timer_cycles() + rte_get_timer_hz() * QPRING_QUIESCE_MS / 1000;
	uint16_t q;

	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		struct qpring_txq *txq = dev->data->tx_queues[q];

		if (txq == NULL)
			continue;
		/* Acquire: pairs with G3, the adapter's release on leaving. */
		while (__atomic_load_n(&txq->hw->ad.wire_busy, __ATOMIC_ACQUIRE) != 0) {
			if (rte_get_timer_cycles() > limit) {
				QPRING_LOG(ERR, "port %u txq %u: adapter still on the wire after %u ms",
					   sender->port_id, q, QPRING_QUIESCE_MS);
				break;
			}
			rte_pause();
		}
	}
}

/* The port whose adapters deliver into @p's receive queues. */
static struct qpring_port *
qpring_wire_sender(struct qpring_port *p)
{
	if (p->peer != NULL)
		return p->peer;
	return p->peer_name[0] == '\0' && !p->has_medium ? p : NULL;
}

static void
qpring_link_refresh(struct qpring_port *p)
{
	struct rte_eth_link link = {
		.link_speed = RTE_ETH_SPEED_NUM_100G,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
	};
	struct qpring_port *dst = p->wire_dst;

	link.link_status = p->started && (p->has_medium || (dst != NULL && dst->started)) ?
		RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN;
	/* 0 means the status changed (-1: unchanged). */
	if (rte_eth_linkstatus_set(qpring_port_dev(p), &link) == 0)
		p->lsc_pending = 1;
}

/*
 * Release the registry lock, then deliver the link-state-change events
 * noted under it. Callbacks run unlocked: an application callback may call
 * back into the driver (rte_eth_link_get() takes the lock).
 */
static void
qpring_unlock(void)
{
	uint16_t ids[RTE_MAX_ETHPORTS];
	struct qpring_port *p;
	unsigned int n = 0, i;

	TAILQ_FOREACH(p, &qpring_ports, next) {
		if (!p->lsc_pending)
			continue;
		p->lsc_pending = 0;
		if (qpring_port_dev(p)->data->dev_conf.intr_conf.lsc && n < RTE_DIM(ids))
			ids[n++] = p->port_id;
	}
	rte_spinlock_unlock(&qpring_lock);
	for (i = 0; i < n; i++)
		rte_eth_dev_callback_process(&rte_eth_devices[ids[i]], RTE_ETH_EVENT_INTR_LSC,
					     NULL);
}

/* Registry lock held. P1: publish with release; pairs with the adapter's
 * acquire loads in qpring_wire_service().
 */
static void
qpring_cable(struct qpring_port *a, struct qpring_port *b)
{
	a->peer = b;
	b->peer = a;
	__atomic_store_n(&a->wire_dst, b, __ATOMIC_RELEASE);
	__atomic_store_n(&b->wire_dst, a, __ATOMIC_RELEASE);
	qpring_link_refresh(a);
	qpring_link_refresh(b);
	QPRING_LOG(INFO, "%s <-> %s cabled", a->name, b->name);
}

/* Registry lock held, @p stopped. */
static void
qpring_uncable(struct qpring_port *p)
{
	struct qpring_port *b = p->peer;

	__atomic_store_n(&p->wire_dst, NULL, __ATOMIC_RELEASE);
	if (b == NULL)
		return;
	__atomic_store_n(&b->wire_dst, NULL, __ATOMIC_RELEASE);
	qpring_wire_quiesce(b); /* b's adapters may be delivering into p */
	b->peer = NULL;
	p->peer = NULL;
	/* A cable b asked for survives: if p comes back it is re-cabled. */
	if (strcmp(b->peer_name, p->name) != 0)
		b->peer_name[0] = '\0';
	qpring_link_refresh(b);
	QPRING_LOG(INFO, "%s <-> %s uncabled", p->name, b->name);
}

static struct qpring_port *
qpring_find(const char *name)
{
	struct qpring_port *p;

	TAILQ_FOREACH(p, &qpring_ports, next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

/* Is a net_qpring vdev of this name waiting to be probed (given with
 * --vdev, not probed yet)? vdev names select their driver by prefix.
 */
static int
qpring_vdev_pending(const char *name)
{
	struct rte_devargs *da;
	uint16_t port;

	if (strncmp(name, "net_qpring", strlen("net_qpring")) != 0 ||
	    rte_eth_dev_get_port_by_name(name, &port) == 0)
		return 0;
	RTE_EAL_DEVARGS_FOREACH("vdev", da)
		if (strcmp(da->name, name) == 0)
			return 1;
	return 0;
}

/*
 * Registry lock held. Validate @p's cabling against the registry and cable
 * it: to the peer it names, or to a port that named it. Returns 0 or a
 * negative errno with the reason logged.
 */
static int
qpring_register(struct qpring_port *p)
{
	struct qpring_port *q, *peer = NULL;

	TAILQ_FOREACH(q, &qpring_ports, next) {
		if (p->peer_name[0] != '\0' && q->peer == NULL &&
		    strcmp(q->peer_name, p->peer_name) == 0 &&
		    strcmp(p->peer_name, q->name) != 0) {
			QPRING_LOG(ERR, "%s: peer=%s is already claimed by %s (a cable joins two ports)",
				   p->name, p->peer_name, q->name);
			return -EBUSY; /* not -EEXIST: hotplug reads that as success */
		}
		if (strcmp(q->peer_name, p->name) == 0 && q->peer == NULL) {
			if (p->peer_name[0] != '\0' && strcmp(p->peer_name, q->name) != 0) {
				QPRING_LOG(ERR, "%s: peer=%s, but %s already names %s as its peer",
					   p->name, p->peer_name, q->name, p->name);
				return -EBUSY;
			}
			peer = q;
		}
	}
	if (p->peer_name[0] != '\0' && peer == NULL) {
		if (strcmp(p->peer_name, p->name) == 0) {
			QPRING_LOG(ERR, "%s: peer=%s names the port itself; omit peer for loopback",
				   p->name, p->peer_name);
			return -EINVAL;
		}
		peer = qpring_find(p->peer_name);
		if (peer != NULL && peer->peer != NULL) {
			QPRING_LOG(ERR, "%s: peer=%s is already cabled to %s",
				   p->name, p->peer_name, peer->peer->name);
			return -EBUSY;
		}
		if (peer != NULL && peer->peer_name[0] != '\0' &&
		    strcmp(peer->peer_name, p->name) != 0) {
			QPRING_LOG(ERR, "%s: peer=%s is waiting for its own peer %s",
				   p->name, p->peer_name, peer->peer_name);
			return -EBUSY;
		}
		if (peer != NULL && peer->copy != p->copy) {
			QPRING_LOG(ERR, "%s: copy=%u but peer %s has copy=%u; both ends of a cable "
				   "must agree", p->name, p->copy, peer->name, peer->copy);
			return -EINVAL;
		}
		if (peer == NULL && !qpring_vdev_pending(p->peer_name)) {
			QPRING_LOG(ERR, "%s: peer=%s: no such net_qpring device (probed or given "
				   "with --vdev)", p->name, p->peer_name);
			return -ENODEV;
		}
	} else if (peer != NULL && peer->copy != p->copy) {
		QPRING_LOG(ERR, "%s: copy=%u but %s, which names it as peer, has copy=%u",
			   p->name, p->copy, peer->name, peer->copy);
		return -EINVAL;
	}

	TAILQ_INSERT_TAIL(&qpring_ports, p, next);
	if (peer != NULL)
		qpring_cable(p, peer);
	else if (p->peer_name[0] == '\0' && !p->has_medium)
		__atomic_store_n(&p->wire_dst, p, __ATOMIC_RELEASE); /* loopback, P1 */
	return 0;
}

/* --------------------------------------------------- service and interrupts */

/*
 * adapter=service: one rte_service per port runs the adapters of all its
 * send queues in turn, on whatever service lcore the application (or EAL's
 * -s default mapping, or qpring_service_start()) gives it.
 */
static int32_t
qpring_service_run(void *arg)
{
	struct qpring_port *p = arg;
	struct rte_eth_dev *dev = qpring_port_dev(p);
	uint16_t q;

	/* S1: announce, then look at svc_run: a store followed by a load
	 * needs a full fence. Pairs with S2 in qpring_service_quiesce().
	 */
	__atomic_store_n(&p->svc_busy, 1, __ATOMIC_RELAXED);
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* Acquire: pairs with the release store in qpring_service_start(),
	 * so the queues it started are visible.
	 */
	if (__atomic_load_n(&p->svc_run, __ATOMIC_ACQUIRE)) {
		for (q = 0; q < dev->data->nb_tx_queues; q++) {
			struct qpring_txq *txq = __atomic_load_n(
				(struct qpring_txq **)&dev->data->tx_queues[q], __ATOMIC_ACQUIRE);

			if (txq != NULL && __atomic_load_n(&txq->started, __ATOMIC_RELAXED))
				qpring_adapter_run_txq(txq, QPRING_SERVICE_BUDGET);
		}
		for (q = 0; p->has_medium && q < dev->data->nb_rx_queues; q++) {
			struct qpring_rxq *rxq = __atomic_load_n(
				(struct qpring_rxq **)&dev->data->rx_queues[q], __ATOMIC_ACQUIRE);

			if (rxq != NULL && __atomic_load_n(&rxq->started, __ATOMIC_RELAXED))
				qpring_adapter_run_rxq(rxq, QPRING_SERVICE_BUDGET);
		}
	}
	/* S3: leave. Release: our queue accesses happen before the
	 * quiescer's acquire load of 0.
	 */
	__atomic_store_n(&p->svc_busy, 0, __ATOMIC_RELEASE);
	return 0;
}

/* S2: wait until the service callback is not inside (after the caller
 * cleared svc_run or unpublished a queue). Pairs with S1/S3.
 */
static void
qpring_service_quiesce(struct qpring_port *p)
{
	uint64_t limit = rte_get_timer_cycles() + rte_get_timer_hz() * QPRING_QUIESCE_MS / 1000;

	if (!p->service_registered)
		return;
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	while (__atomic_load_n(&p->svc_busy, __ATOMIC_ACQUIRE) != 0) {
		if (rte_get_timer_cycles() > limit) {
			QPRING_LOG(ERR, "%s: adapter service still running after %u ms", p->name,
				   QPRING_QUIESCE_MS);
			break;
		}
		rte_pause();
	}
}

static int
qpring_service_register(struct qpring_port *p, int socket)
{
	struct rte_service_spec spec;
	int ret;

	memset(&spec, 0, sizeof(spec));
	snprintf(spec.name, sizeof(spec.name), "qpring_adapter_p%u", p->port_id);
	spec.callback = qpring_service_run;
	spec.callback_userdata = p;
	spec.socket_id = socket;
	ret = rte_service_component_register(&spec, &p->service_id);
	if (ret != 0) {
		QPRING_LOG(ERR, "%s: cannot register the adapter service: %s", p->name,
			   rte_strerror(-ret));
		return ret;
	}
	rte_service_component_runstate_set(p->service_id, 1);
	p->service_registered = 1;
	return 0;
}

static void
qpring_service_unregister(struct qpring_port *p)
{
	uint32_t ids[RTE_MAX_LCORE];
	uint64_t limit = rte_get_timer_cycles() + rte_get_timer_hz() * QPRING_QUIESCE_MS / 1000;
	int n, i;

	if (!p->service_registered)
		return;
	rte_service_runstate_set(p->service_id, 0);
	rte_service_component_runstate_set(p->service_id, 0);
	while (rte_service_may_be_active(p->service_id) == 1 &&
	       rte_get_timer_cycles() < limit)
		rte_pause();
	n = rte_service_lcore_list(ids, RTE_DIM(ids));
	for (i = 0; i < n; i++)
		rte_service_map_lcore_set(p->service_id, ids[i], 0);
	rte_service_component_unregister(p->service_id);
	p->service_registered = 0;
}

/* Port start, adapter=service: make sure a service lcore runs the adapter. */
static void
qpring_service_start(struct qpring_port *p)
{
	uint32_t ids[RTE_MAX_LCORE];
	int n, i, mapped = 0;

	n = rte_service_lcore_list(ids, RTE_DIM(ids));
	for (i = 0; i < n; i++)
		mapped |= rte_service_map_lcore_get(p->service_id, ids[i]) == 1;
	if (!mapped && n > 0 && rte_service_map_lcore_set(p->service_id, ids[0], 1) == 0) {
		mapped = 1;
		QPRING_LOG(INFO, "%s: adapter service mapped to service lcore %u", p->name,
			   ids[0]);
	}
	rte_service_runstate_set(p->service_id, 1);
	__atomic_store_n(&p->svc_run, 1, __ATOMIC_RELEASE);
	if (!mapped)
		QPRING_LOG(WARNING, "%s: adapter=service but no service lcore runs service %u "
			   "(EAL -s <mask> or rte_service_map_lcore_set()); WQEs stay pending "
			   "until one does", p->name, p->service_id);
}

static void
qpring_service_stop(struct qpring_port *p)
{
	__atomic_store_n(&p->svc_run, 0, __ATOMIC_RELAXED);
	qpring_service_quiesce(p);
}

void
qpring_rx_intr_signal(struct qpring_rxq *rxq)
{
	uint64_t one = 1;

	/* One interrupt per arming: whoever disarms writes. */
	if (__atomic_exchange_n(&rxq->intr_armed, 0, __ATOMIC_RELAXED) == 0)
		return;
	/* EAGAIN means the counter is saturated: it is readable anyway. */
	if (write(rxq->intr_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		QPRING_LOG(ERR, "port %u rxq %u: eventfd write: %s", rxq->port_id, rxq->queue_id,
			   strerror(errno));
}

static void
qpring_intr_uninstall(struct rte_eth_dev *dev)
{
	struct rte_intr_handle *h = dev->intr_handle;
	uint16_t q;
	int i, n;

	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		struct qpring_rxq *rxq = dev->data->rx_queues[q];

		if (rxq != NULL) {
			rxq->intr_fd = -1;
			rxq->intr_armed = 0;
		}
	}
	if (h == NULL)
		return;
	n = rte_intr_nb_efd_get(h);
	for (i = 0; i < n; i++) {
		int fd = rte_intr_efds_index_get(h, i);

		if (fd >= 0)
			close(fd);
	}
	rte_intr_vec_list_free(h);
	rte_intr_instance_free(h);
	dev->intr_handle = NULL;
}

/* One eventfd per receive queue, signalled by the adapter (Rx interrupts). */
static int
qpring_intr_install(struct rte_eth_dev *dev)
{
	uint16_t n = dev->data->nb_rx_queues, q;
	struct rte_intr_handle *h;

	h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (h == NULL)
		goto err_nomem;
	dev->intr_handle = h;
	if (rte_intr_type_set(h, RTE_INTR_HANDLE_VDEV) != 0 ||
	    rte_intr_efd_counter_size_set(h, sizeof(uint64_t)) != 0 ||
	    rte_intr_vec_list_alloc(h, NULL, n) != 0)
		goto err_nomem;
	for (q = 0; q < n; q++) {
		struct qpring_rxq *rxq = dev->data->rx_queues[q];
		int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

		if (fd < 0) {
			QPRING_LOG(ERR, "port %u: eventfd: %s", dev->data->port_id,
				   strerror(errno));
			goto err;
		}
		if (rte_intr_efds_index_set(h, q, fd) != 0 ||
		    rte_intr_nb_efd_set(h, q + 1) != 0) {
			close(fd);
			goto err;
		}
		rte_intr_vec_list_index_set(h, q, RTE_INTR_VEC_RXTX_OFFSET + q);
		if (rxq != NULL)
			rxq->intr_fd = fd;
	}
	rte_intr_max_intr_set(h, n + 1);
	return 0;

err_nomem:
	QPRING_LOG(ERR, "port %u: cannot set up Rx interrupts", dev->data->port_id);
err:
	qpring_intr_uninstall(dev);
	return -ENOMEM;
}

static int
qpring_rx_queue_intr_enable(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_rxq *rxq = dev->data->rx_queues[qid];

	if (rxq == NULL || rxq->intr_fd < 0) {
		QPRING_LOG(ERR, "port %u rxq %u: Rx interrupts need intr_conf.rxq = 1 and a "
			   "started port", dev->data->port_id, qid);
		return -EINVAL;
	}
	__atomic_store_n(&rxq->intr_armed, 1, __ATOMIC_RELAXED);
	/* I2: arm, then look: pairs with I1 in qpring_wire_service(). */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (rxq->started && qp_slot_is_done(&rxq->hw->slots[rxq->head & rxq->mask]))
		qpring_rx_intr_signal(rxq);
	return 0;
}

static int
qpring_rx_queue_intr_disable(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_rxq *rxq = dev->data->rx_queues[qid];

	if (rxq == NULL)
		return -EINVAL;
	__atomic_store_n(&rxq->intr_armed, 0, __ATOMIC_RELAXED);
	return 0;
}

/* Abort the sleep if the indicator already reads "completed". */
static int
qpring_monitor_cb(const uint64_t val, const uint64_t opaque[RTE_POWER_MONITOR_OPAQUE_SZ])
{
	return val == opaque[0] ? -1 : 0;
}

/* PMD power management waits on the very word the adapter writes: the
 * indicator of the next receive slot the driver will harvest.
 */
static int
qpring_get_monitor_addr(void *q, struct rte_power_monitor_cond *pmc)
{
	struct qpring_rxq *rxq = q;

	pmc->addr = &rxq->hw->slots[rxq->head & rxq->mask].indicator;
	pmc->size = sizeof(uint16_t);
	pmc->fn = qpring_monitor_cb;
	pmc->opaque[0] = QP_IND_DONE;
	return 0;
}

static int
qpring_tx_done_cleanup(void *q, uint32_t free_cnt)
{
	return qpring_tx_done_cleanup_q(q, free_cnt);
}

/* ------------------------------------------------------------ queues */

static int
qpring_check_ring(const struct rte_eth_dev *dev, const char *dir, uint16_t qid,
		  uint16_t nb_desc)
{
	if (!rte_is_power_of_2(nb_desc) || nb_desc < QP_RING_MIN || nb_desc > QP_RING_MAX) {
		QPRING_LOG(ERR, "port %u %s queue %u: %u descriptors; a ring holds a power of "
			   "two from %u to %u slots", dev->data->port_id, dir, qid, nb_desc,
			   QP_RING_MIN, QP_RING_MAX);
		return -EINVAL;
	}
	if (qid >= QPRING_MAX_QPS)
		return -EINVAL;
	return 0;
}

static const struct rte_memzone *
qpring_hwq_alloc(const struct rte_eth_dev *dev, char dir, uint16_t qid, uint16_t nb_desc,
		 unsigned int socket)
{
	char name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;

	snprintf(name, sizeof(name), "qpring_p%u_%cq%u", dev->data->port_id, dir, qid);
	mz = rte_memzone_reserve_aligned(name, qp_hwq_size(nb_desc), (int)socket, 0,
					 RTE_CACHE_LINE_SIZE);
	if (mz == NULL) {
		QPRING_LOG(ERR, "port %u %cq %u: cannot reserve memzone %s of %zu bytes on "
			   "socket %d: %s", dev->data->port_id, dir, qid, name,
			   qp_hwq_size(nb_desc), (int)socket, rte_strerror(rte_errno));
		return NULL;
	}
	qp_hwq_init(mz->addr, nb_desc);
	qp_hwq_park(mz->addr); /* not running until its queue starts */
	return mz;
}

static void
qpring_rx_filter_apply(const struct qpring_port *p, struct qpring_rxq *rxq)
{
	const struct rte_eth_dev *dev = qpring_port_dev(p);
	uint32_t f = (dev->data->promiscuous ? QP_RXF_PROMISC : 0) |
		     (dev->data->all_multicast ? QP_RXF_ALLMULTI : 0);

	__atomic_store_n(&rxq->hw->ad.mac, qp_mac_word(&p->mac), __ATOMIC_RELAXED);
	__atomic_store_n(&rxq->hw->ad.rx_filter, f, __ATOMIC_RELAXED);
}

static void
qpring_rx_filter_update(struct rte_eth_dev *dev)
{
	struct qpring_port *p = dev->data->dev_private;
	uint16_t q;

	for (q = 0; q < dev->data->nb_rx_queues; q++)
		if (dev->data->rx_queues[q] != NULL)
			qpring_rx_filter_apply(p, dev->data->rx_queues[q]);
}

static uint32_t
qpring_rx_buf_room(const struct rte_mempool *mp)
{
	return rte_pktmbuf_data_room_size((struct rte_mempool *)(uintptr_t)mp) -
	       RTE_PKTMBUF_HEADROOM;
}

static int
qpring_rxq_start_locked(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_port *p = dev->data->dev_private;
	struct qpring_rxq *rxq = dev->data->rx_queues[qid];
	int ret;

	if (rxq == NULL)
		return -EINVAL;
	if (rxq->started)
		return 0;
	qpring_rx_filter_apply(p, rxq);
	ret = qpring_rxq_fill(rxq);
	if (ret != 0)
		return ret;
	rxq->started = 1;
	__atomic_store_n(&p->rx_live[qid], rxq, __ATOMIC_RELEASE); /* P1 */
	dev->data->rx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STARTED;
	return 0;
}

static void
qpring_rxq_stop_locked(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_port *p = dev->data->dev_private;
	struct qpring_rxq *rxq = dev->data->rx_queues[qid];
	struct qpring_port *sender;

	dev->data->rx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STOPPED;
	if (rxq == NULL || !rxq->started)
		return;
	__atomic_store_n(&p->rx_live[qid], NULL, __ATOMIC_RELEASE);
	__atomic_store_n(&rxq->started, 0, __ATOMIC_RELAXED);
	sender = qpring_wire_sender(p);
	if (sender != NULL)
		qpring_wire_quiesce(sender);
	if (p->has_medium)
		qpring_service_quiesce(p); /* the service fills it from the medium */
	qpring_rxq_drain(rxq);
}

static int
qpring_txq_start_locked(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_port *p = dev->data->dev_private;
	struct qpring_txq *txq = dev->data->tx_queues[qid];

	if (txq == NULL)
		return -EINVAL;
	txq->max_frame = p->max_frame;
	qp_hwq_unpark(txq->hw);
	txq->tail = 0;
	txq->started = 1;
	dev->data->tx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STARTED;
	return 0;
}

static void
qpring_txq_stop_locked(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_txq *txq = dev->data->tx_queues[qid];

	dev->data->tx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STOPPED;
	if (txq == NULL || !txq->started)
		return;
	__atomic_store_n(&txq->started, 0, __ATOMIC_RELAXED);
	qpring_service_quiesce(dev->data->dev_private);
	qpring_txq_drain(txq);
	txq->started = 0;
}

static void
qpring_rxq_free(struct qpring_rxq *rxq)
{
	if (rxq == NULL)
		return;
	qpring_rxq_drain(rxq);
	rte_memzone_free(rxq->mz);
	rte_free(rxq);
}

static void
qpring_txq_free(struct qpring_txq *txq)
{
	if (txq == NULL)
		return;
	qpring_txq_drain(txq);
	rte_memzone_free(txq->mz);
	rte_free(txq);
}

static void
qpring_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_port *p = dev->data->dev_private;

	rte_spinlock_lock(&qpring_lock);
	qpring_rxq_stop_locked(dev, qid);
	__atomic_store_n(&p->rx_live[qid], NULL, __ATOMIC_RELEASE);
	qpring_rxq_free(dev->data->rx_queues[qid]);
	dev->data->rx_queues[qid] = NULL;
	qpring_unlock();
}

static void
qpring_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_txq *txq = dev->data->tx_queues[qid];

	rte_spinlock_lock(&qpring_lock);
	__atomic_store_n((struct qpring_txq **)&dev->data->tx_queues[qid], NULL,
			 __ATOMIC_RELAXED);
	/* The service may hold the pointer: wait it out before freeing. */
	qpring_service_quiesce(dev->data->dev_private);
	qpring_txq_free(txq);
	qpring_unlock();
}

static int
qpring_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		      unsigned int socket, const struct rte_eth_rxconf *conf,
		      struct rte_mempool *mp)
{
	struct qpring_port *p = dev->data->dev_private;
	struct qpring_rxq *rxq;
	uint32_t room, frame;
	int scatter;
	int ret;

	ret = qpring_check_ring(dev, "rx", qid, nb_desc);
	if (ret != 0)
		return ret;
	scatter = (dev->data->dev_conf.rxmode.offloads & RTE_ETH_RX_OFFLOAD_SCATTER) ||
		  (conf != NULL && (conf->offloads & RTE_ETH_RX_OFFLOAD_SCATTER));
	room = qpring_rx_buf_room(mp);
	frame = (uint32_t)dev->data->mtu + QPRING_FRAME_OVERHEAD; /* as configured now */
	if (!scatter && room < frame) {
		QPRING_LOG(ERR, "port %u rx queue %u: buffers of mempool %s hold %u bytes, "
			   "frames up to the MTU need %u (or enable RTE_ETH_RX_OFFLOAD_SCATTER)",
			   dev->data->port_id, qid, mp->name, room, frame);
		return -EINVAL;
	}
	if (scatter && room * QP_MAX_RX_PARTS < QPRING_MAX_FRAME) {
		QPRING_LOG(ERR, "port %u rx queue %u: buffers of %u bytes; a frame spans at most "
			   "%u buffers, so they must hold at least %u", dev->data->port_id, qid,
			   room, QP_MAX_RX_PARTS, QPRING_MAX_FRAME / QP_MAX_RX_PARTS);
		return -EINVAL;
	}
	if (dev->data->rx_queues[qid] != NULL)
		qpring_rx_queue_release(dev, qid);

	rxq = rte_zmalloc_socket("qpring_rxq", sizeof(*rxq), RTE_CACHE_LINE_SIZE, (int)socket);
	if (rxq == NULL) {
		QPRING_LOG(ERR, "port %u rx queue %u: out of memory", dev->data->port_id, qid);
		return -ENOMEM;
	}
	rxq->mz = qpring_hwq_alloc(dev, 'r', qid, nb_desc, socket);
	if (rxq->mz == NULL) {
		rte_free(rxq);
		return -ENOMEM;
	}
	rxq->hw = rxq->mz->addr;
	rxq->mask = nb_desc - 1u;
	rxq->nb_desc = nb_desc;
	rxq->queue_id = qid;
	rxq->port_id = dev->data->port_id;
	rxq->port = p;
	rxq->mp = mp;
	rxq->deferred_start = conf != NULL && conf->rx_deferred_start;
	rxq->intr_fd = -1;
	rxq->headroom = (uint16_t)RTE_MIN((uint32_t)RTE_PKTMBUF_HEADROOM,
					  (uint32_t)rte_pktmbuf_data_room_size(mp));
	/* rte_pktmbuf_init() puts the buffer behind the mbuf and its private
	 * area; pools of pinned external buffers do not, nor keep ol_flags 0.
	 */
	rxq->flat_pool = !(rte_pktmbuf_priv_flags(mp) & RTE_PKTMBUF_POOL_F_PINNED_EXT_BUF);
	rxq->buf_off = (uint32_t)(sizeof(struct rte_mbuf) + rte_pktmbuf_priv_size(mp) +
				  rxq->headroom);
	rxq->buf_cap = rte_pktmbuf_data_room_size(mp) - rxq->headroom;
	rxq->ol_init = rxq->flat_pool ? 0 : RTE_MBUF_F_EXTERNAL;
	{
		/* The rearm word of a harvested buffer, built once. */
		struct rte_mbuf tmpl;

		memset(&tmpl, 0, sizeof(tmpl));
		tmpl.data_off = rxq->headroom;
		tmpl.nb_segs = 1;
		tmpl.port = dev->data->port_id;
		rte_mbuf_refcnt_set(&tmpl, 1);
		memcpy(&rxq->rearm, (const uint8_t *)&tmpl + offsetof(struct rte_mbuf, data_off),
		       sizeof(rxq->rearm));
	}
	rxq->scatter = (uint8_t)scatter;
	rxq->hw->ad.rx_scatter = (uint32_t)scatter;
	rxq->hw->ad.rx_max_len = frame;
	if (scatter)
		p->scatter = 1;

	rte_spinlock_lock(&qpring_lock);
	dev->data->rx_queues[qid] = rxq;
	qpring_unlock();
	return 0;
}

static int
qpring_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		      unsigned int socket, const struct rte_eth_txconf *conf)
{
	struct qpring_port *p = dev->data->dev_private;
	struct qpring_txq *txq;
	int ret;

	ret = qpring_check_ring(dev, "tx", qid, nb_desc);
	if (ret != 0)
		return ret;
	if (dev->data->tx_queues[qid] != NULL)
		qpring_tx_queue_release(dev, qid);

	txq = rte_zmalloc_socket("qpring_txq", sizeof(*txq), RTE_CACHE_LINE_SIZE, (int)socket);
	if (txq == NULL) {
		QPRING_LOG(ERR, "port %u tx queue %u: out of memory", dev->data->port_id, qid);
		return -ENOMEM;
	}
	txq->mz = qpring_hwq_alloc(dev, 't', qid, nb_desc, socket);
	if (txq->mz == NULL) {
		rte_free(txq);
		return -ENOMEM;
	}
	txq->hw = txq->mz->addr;
	txq->mask = nb_desc - 1u;
	txq->nb_desc = nb_desc;
	txq->queue_id = qid;
	txq->port_id = dev->data->port_id;
	txq->port = p;
	txq->max_frame = (uint32_t)dev->data->mtu + QPRING_FRAME_OVERHEAD;
	txq->deferred_start = conf != NULL && conf->tx_deferred_start;
	txq->fast_free = !!((dev->data->dev_conf.txmode.offloads |
			     (conf != NULL ? conf->offloads : 0)) &
			    RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE);
	qp_hwq_set_faults(txq->hw, &p->faults,
			  p->seed ^ (0x9e3779b97f4a7c15ull * ((uint64_t)qid + 1)));

	rte_spinlock_lock(&qpring_lock);
	dev->data->tx_queues[qid] = txq;
	qpring_unlock();
	return 0;
}

static int
qpring_rx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	int ret;

	rte_spinlock_lock(&qpring_lock);
	ret = qpring_rxq_start_locked(dev, qid);
	qpring_unlock();
	return ret;
}

static int
qpring_rx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	rte_spinlock_lock(&qpring_lock);
	qpring_rxq_stop_locked(dev, qid);
	qpring_unlock();
	return 0;
}

static int
qpring_tx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	int ret;

	rte_spinlock_lock(&qpring_lock);
	ret = qpring_txq_start_locked(dev, qid);
	qpring_unlock();
	return ret;
}

static int
qpring_tx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	rte_spinlock_lock(&qpring_lock);
	qpring_txq_stop_locked(dev, qid);
	qpring_unlock();
	return 0;
}

/* ------------------------------------------------------------ dev ops */

static int
qpring_dev_configure(struct rte_eth_dev *dev)
{
	const struct rte_eth_conf *conf = &dev->data->dev_conf;

	if (conf->rxmode.mq_mode != RTE_ETH_MQ_RX_NONE) {
		QPRING_LOG(ERR, "port %u: rx mq_mode %d not supported (queue pair i carries "
			   "what send queue i of the peer sends)", dev->data->port_id,
			   conf->rxmode.mq_mode);
		return -ENOTSUP;
	}
	if (conf->txmode.mq_mode != RTE_ETH_MQ_TX_NONE) {
		QPRING_LOG(ERR, "port %u: tx mq_mode %d not supported", dev->data->port_id,
			   conf->txmode.mq_mode);
		return -ENOTSUP;
	}
	return 0;
}

static void
qpring_stop_locked(struct rte_eth_dev *dev)
{
	struct qpring_port *p = dev->data->dev_private;
	uint16_t q;

	p->started = 0;
	qpring_service_stop(p);
	for (q = 0; q < dev->data->nb_rx_queues; q++)
		qpring_rxq_stop_locked(dev, q);
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		qpring_txq_stop_locked(dev, q);
	qpring_link_refresh(p);
	if (p->peer != NULL)
		qpring_link_refresh(p->peer);
}

/* Open the pcap/interface wire for this run and hand each queue its context. */
static int
qpring_medium_start(struct rte_eth_dev *dev)
{
	struct qpring_port *p = dev->data->dev_private;
	struct qp_medium *m = NULL;
	uint16_t q;
	int ret;

	ret = qp_medium_open(&m, &p->medium, p->name, dev->data->nb_rx_queues,
			     dev->data->nb_tx_queues);
	if (ret != 0)
		return ret;
	dev->process_private = m;
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		struct qpring_rxq *rxq = dev->data->rx_queues[q];

		if (rxq != NULL)
			rxq->medium_ctx = qp_medium_rx_ctx(m, q);
	}
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		struct qpring_txq *txq = dev->data->tx_queues[q];

		if (txq != NULL)
			txq->medium_ctx = qp_medium_tx_ctx(m, q);
	}
	return 0;
}

/* Port stopped (queues drained, service quiesced): close the wire. */
static void
qpring_medium_stop(struct rte_eth_dev *dev)
{
	uint16_t q;

	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		struct qpring_rxq *rxq = dev->data->rx_queues[q];

		if (rxq != NULL)
			rxq->medium_ctx = NULL;
	}
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		struct qpring_txq *txq = dev->data->tx_queues[q];

		if (txq != NULL)
			txq->medium_ctx = NULL;
	}
	qp_medium_close(dev->process_private);
	dev->process_private = NULL;
}

static int
qpring_dev_start(struct rte_eth_dev *dev)
{
	struct qpring_port *p = dev->data->dev_private;
	uint16_t q;
	int ret = 0;

	p->max_frame = dev->data->mtu + QPRING_FRAME_OVERHEAD;
	if (dev->data->dev_conf.rxmode.offloads & RTE_ETH_RX_OFFLOAD_SCATTER)
		p->scatter = 1;
	qpring_set_burst(dev);
	if (p->has_medium) {
		ret = qpring_medium_start(dev);
		if (ret != 0)
			return ret;
	}
	if (dev->data->dev_conf.intr_conf.rxq) {
		ret = qpring_intr_install(dev);
		if (ret != 0) {
			qpring_medium_stop(dev);
			return ret;
		}
	}
	rte_spinlock_lock(&qpring_lock);
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		struct qpring_txq *txq = dev->data->tx_queues[q];

		if (txq != NULL && !txq->deferred_start)
			qpring_txq_start_locked(dev, q);
	}
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		struct qpring_rxq *rxq = dev->data->rx_queues[q];

		if (rxq == NULL)
			continue;
		/* The MTU may have changed by a configure since the queue was
		 * set up (relaxed: no adapter serves a stopped queue).
		 */
		__atomic_store_n(&rxq->hw->ad.rx_max_len, p->max_frame, __ATOMIC_RELAXED);
		if (rxq->deferred_start)
			continue;
		ret = qpring_rxq_start_locked(dev, q);
		if (ret != 0)
			goto err_rxq;
	}
	p->started = 1;
	if (p->adapter_mode == QPRING_ADAPTER_SERVICE)
		qpring_service_start(p);
	qpring_link_refresh(p);
	if (p->peer != NULL)
		qpring_link_refresh(p->peer);
	qpring_unlock();
	return 0;

err_rxq:
	qpring_stop_locked(dev);
	qpring_unlock();
	qpring_intr_uninstall(dev);
	qpring_medium_stop(dev);
	return ret;
}

static int
qpring_dev_stop(struct rte_eth_dev *dev)
{
	rte_spinlock_lock(&qpring_lock);
	qpring_stop_locked(dev);
	qpring_unlock();
	qpring_intr_uninstall(dev);
	qpring_medium_stop(dev);
	dev->data->dev_started = 0;
	return 0;
}

static int
qpring_set_link(struct rte_eth_dev *dev, int up)
{
	RTE_SET_USED(up);
	QPRING_LOG(ERR, "port %u: the link follows the cable; start or stop a port instead",
		   dev->data->port_id);
	return -ENOTSUP;
}

static int
qpring_set_link_up(struct rte_eth_dev *dev)
{
	return qpring_set_link(dev, 1);
}

static int
qpring_set_link_down(struct rte_eth_dev *dev)
{
	return qpring_set_link(dev, 0);
}

static void
qpring_release_queues(struct rte_eth_dev *dev)
{
	uint16_t q;

	for (q = 0; q < dev->data->nb_rx_queues; q++)
		if (dev->data->rx_queues[q] != NULL)
			qpring_rx_queue_release(dev, q);
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		if (dev->data->tx_queues[q] != NULL)
			qpring_tx_queue_release(dev, q);
}

static int
qpring_dev_close(struct rte_eth_dev *dev)
{
	struct qpring_port *p = dev->data->dev_private;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	rte_spinlock_lock(&qpring_lock);
	if (p->started)
		qpring_stop_locked(dev);
	qpring_unlock();
	qpring_release_queues(dev);
	rte_spinlock_lock(&qpring_lock);
	qpring_uncable(p);
	TAILQ_REMOVE(&qpring_ports, p, next);
	qpring_unlock();
	qpring_intr_uninstall(dev);
	qpring_service_unregister(p);
	return 0;
}

static int
qpring_dev_reset(struct rte_eth_dev *dev)
{
	/* ethdev stopped the port; back to the state after probe: no queues. */
	qpring_release_queues(dev);
	return 0;
}

static int
qpring_link_update(struct rte_eth_dev *dev, int wait_to_complete)
{
	struct rte_eth_link before = dev->data->dev_link;

	RTE_SET_USED(wait_to_complete);
	rte_spinlock_lock(&qpring_lock);
	qpring_link_refresh(dev->data->dev_private);
	qpring_unlock();
	return before.link_status == dev->data->dev_link.link_status ? -1 : 0;
}

static int
qpring_promiscuous_enable(struct rte_eth_dev *dev)
{
	dev->data->promiscuous = 1;
	qpring_rx_filter_update(dev);
	return 0;
}

static int
qpring_promiscuous_disable(struct rte_eth_dev *dev)
{
	dev->data->promiscuous = 0;
	qpring_rx_filter_update(dev);
	return 0;
}

static int
qpring_allmulticast_enable(struct rte_eth_dev *dev)
{
	dev->data->all_multicast = 1;
	qpring_rx_filter_update(dev);
	return 0;
}

static int
qpring_allmulticast_disable(struct rte_eth_dev *dev)
{
	dev->data->all_multicast = 0;
	qpring_rx_filter_update(dev);
	return 0;
}

static int
qpring_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr)
{
	struct qpring_port *p = dev->data->dev_private;

	if (!rte_is_unicast_ether_addr(addr) || rte_is_zero_ether_addr(addr)) {
		QPRING_LOG(ERR, "port %u: MAC address must be unicast and non-zero",
			   dev->data->port_id);
		return -EINVAL;
	}
	rte_ether_addr_copy(addr, &p->mac);
	rte_ether_addr_copy(addr, &dev->data->mac_addrs[0]);
	qpring_rx_filter_update(dev);
	return 0;
}

static int
qpring_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct qpring_port *p = dev->data->dev_private;
	uint32_t frame = (uint32_t)mtu + QPRING_FRAME_OVERHEAD;
	uint16_t q;

	if (mtu < QPRING_MIN_MTU || mtu > QPRING_MAX_MTU) {
		QPRING_LOG(ERR, "port %u: MTU %u outside %u..%u", dev->data->port_id, mtu,
			   QPRING_MIN_MTU, QPRING_MAX_MTU);
		return -EINVAL;
	}
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		struct qpring_rxq *rxq = dev->data->rx_queues[q];

		if (rxq != NULL && !rxq->scatter && qpring_rx_buf_room(rxq->mp) < frame) {
			QPRING_LOG(ERR, "port %u: MTU %u needs %u-byte frames, but rx queue %u "
				   "buffers hold %u", dev->data->port_id, mtu, frame, q,
				   qpring_rx_buf_room(rxq->mp));
			return -EINVAL;
		}
	}
	p->max_frame = frame;
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		struct qpring_txq *txq = dev->data->tx_queues[q];

		if (txq != NULL)
			__atomic_store_n(&txq->max_frame, frame, __ATOMIC_RELAXED);
	}
	/* Relaxed: the adapters pick the new limit up at their next call. */
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		struct qpring_rxq *rxq = dev->data->rx_queues[q];

		if (rxq != NULL)
			__atomic_store_n(&rxq->hw->ad.rx_max_len, frame, __ATOMIC_RELAXED);
	}
	return 0;
}

static void
qpring_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid, struct rte_eth_rxq_info *qi)
{
	const struct qpring_rxq *rxq = dev->data->rx_queues[qid];

	qi->mp = rxq->mp;
	qi->nb_desc = (uint16_t)rxq->nb_desc;
	qi->scattered_rx = rxq->scatter;
	qi->queue_state = dev->data->rx_queue_state[qid];
	qi->rx_buf_size = (uint16_t)qpring_rx_buf_room(rxq->mp);
	qi->conf.rx_deferred_start = rxq->deferred_start;
	qi->conf.offloads = rxq->scatter ? RTE_ETH_RX_OFFLOAD_SCATTER : 0;
}

static void
qpring_txq_info_get(struct rte_eth_dev *dev, uint16_t qid, struct rte_eth_txq_info *qi)
{
	const struct qpring_txq *txq = dev->data->tx_queues[qid];

	qi->nb_desc = (uint16_t)txq->nb_desc;
	qi->queue_state = dev->data->tx_queue_state[qid];
	qi->conf.tx_deferred_start = txq->deferred_start;
	qi->conf.offloads = dev->data->dev_conf.txmode.offloads |
			    (txq->fast_free ? RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE : 0);
}

static int
qpring_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	RTE_SET_USED(dev);
	info->max_mac_addrs = 1;
	info->max_rx_pktlen = QPRING_MAX_FRAME;
	info->min_rx_bufsize = RTE_ETHER_MIN_LEN;
	info->min_mtu = QPRING_MIN_MTU;
	info->max_mtu = QPRING_MAX_MTU;
	info->max_rx_queues = QPRING_MAX_QPS;
	info->max_tx_queues = QPRING_MAX_QPS;
	info->rx_offload_capa = RTE_ETH_RX_OFFLOAD_SCATTER;
	info->rx_queue_offload_capa = RTE_ETH_RX_OFFLOAD_SCATTER; /* per queue too */
	info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS | RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	info->tx_queue_offload_capa = RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	info->rx_desc_lim = (struct rte_eth_desc_lim){
		.nb_max = QP_RING_MAX, .nb_min = QP_RING_MIN, .nb_align = 1,
		.nb_seg_max = QP_MAX_RX_PARTS, .nb_mtu_seg_max = QP_MAX_RX_PARTS,
	};
	info->tx_desc_lim = (struct rte_eth_desc_lim){
		.nb_max = QP_RING_MAX, .nb_min = QP_RING_MIN, .nb_align = 1,
		.nb_seg_max = QP_MAX_SEGS, .nb_mtu_seg_max = QP_MAX_SEGS,
	};
	info->default_rxportconf.ring_size = QPRING_DEFAULT_RING;
	info->default_txportconf.ring_size = QPRING_DEFAULT_RING;
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.nb_queues = 1;
	info->speed_capa = RTE_ETH_LINK_SPEED_100G | RTE_ETH_LINK_SPEED_FIXED;
	info->dev_capa = RTE_ETH_DEV_CAPA_RUNTIME_RX_QUEUE_SETUP |
			 RTE_ETH_DEV_CAPA_RUNTIME_TX_QUEUE_SETUP;
	return 0;
}

/* ------------------------------------------------------ stats and xstats */

static inline uint64_t
qpring_load(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/* Adapter counters, by offset into struct qp_adapter_q. */
#define QP_AD(f) offsetof(struct qp_adapter_q, f)

static inline uint64_t
qpring_ad(const struct qp_hwq *hw, const struct qp_adapter_q *base, size_t off)
{
	return qpring_load((const uint64_t *)(const void *)((const char *)&hw->ad + off)) -
	       *(const uint64_t *)(const void *)((const char *)base + off);
}

#define QP_TX(q, i) (qpring_load(&(q)->c[i]) - (q)->base[i])
#define QP_RX(q, i) (qpring_load(&(q)->c[i]) - (q)->base[i])

static int
qpring_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st)
{
	uint16_t q;

	memset(st, 0, sizeof(*st));
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		const struct qpring_rxq *rxq = dev->data->rx_queues[q];
		uint64_t pk, by, er, ms;

		if (rxq == NULL)
			continue;
		pk = QP_RX(rxq, QP_RXC_PKTS);
		by = QP_RX(rxq, QP_RXC_BYTES);
		er = QP_RX(rxq, QP_RXC_ERRORS) +
		     qpring_ad(rxq->hw, &rxq->ad_base, QP_AD(too_big)) +
		     qpring_ad(rxq->hw, &rxq->ad_base, QP_AD(medium_errors));
		ms = qpring_ad(rxq->hw, &rxq->ad_base, QP_AD(no_buffer)) +
		     QP_RX(rxq, QP_RXC_FLUSHED);
		st->ipackets += pk;
		st->ibytes += by;
		st->ierrors += er;
		st->imissed += ms;
		st->rx_nombuf += QP_RX(rxq, QP_RXC_NOMBUF);
		if (q < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_ipackets[q] = pk;
			st->q_ibytes[q] = by;
			st->q_errors[q] = er;
		}
	}
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		const struct qpring_txq *txq = dev->data->tx_queues[q];
		uint64_t pk, by, failed;

		if (txq == NULL)
			continue;
		/* Sent = posted minus what completed with a failure (no link,
		 * error, medium error, flushed at stop); those are oerrors,
		 * with the frames the driver refused.
		 */
		failed = qpring_ad(txq->hw, &txq->ad_base, QP_AD(failed));
		pk = QP_TX(txq, QP_TXC_PKTS) - failed;
		by = QP_TX(txq, QP_TXC_BYTES) -
		     qpring_ad(txq->hw, &txq->ad_base, QP_AD(fail_bytes));
		st->opackets += pk;
		st->obytes += by;
		st->oerrors += QP_TX(txq, QP_TXC_BAD_FRAME) + failed;
		if (q < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_opackets[q] = pk;
			st->q_obytes[q] = by;
		}
	}
	return 0;
}

static void
qpring_ad_snapshot(const struct qp_hwq *hw, struct qp_adapter_q *base)
{
	static const size_t offs[] = {
		QP_AD(serviced), QP_AD(polls), QP_AD(idle_polls), QP_AD(no_link),
		QP_AD(no_buffer), QP_AD(too_big), QP_AD(filtered), QP_AD(medium_errors),
		QP_AD(failed), QP_AD(fail_bytes),
		QP_AD(f_delayed),
		QP_AD(f_reordered), QP_AD(f_errors), QP_AD(f_rx_errors), QP_AD(f_drops),
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(offs); i++)
		*(uint64_t *)(void *)((char *)base + offs[i]) =
			qpring_load((const uint64_t *)(const void *)((const char *)&hw->ad + offs[i]));
}

static int
qpring_stats_reset(struct rte_eth_dev *dev)
{
	uint16_t q;
	unsigned int i;

	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		struct qpring_rxq *rxq = dev->data->rx_queues[q];

		if (rxq == NULL)
			continue;
		for (i = 0; i < QP_RXC_NR; i++)
			rxq->base[i] = qpring_load(&rxq->c[i]);
		qpring_ad_snapshot(rxq->hw, &rxq->ad_base);
	}
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		struct qpring_txq *txq = dev->data->tx_queues[q];

		if (txq == NULL)
			continue;
		for (i = 0; i < QP_TXC_NR; i++)
			txq->base[i] = qpring_load(&txq->c[i]);
		qpring_ad_snapshot(txq->hw, &txq->ad_base);
	}
	return 0;
}

/* Where an xstat's value comes from. */
enum qpring_xsrc { XS_DRV, XS_AD, XS_REG };
enum qpring_xreg { XR_DOORBELL_VA, XR_PENDING, XR_IN_SERVICE };

struct qpring_xstat_def {
	const char *name; /* after "rx_q<N>_" / "tx_q<N>_" */
	uint8_t src;
	size_t idx;       /* counter index, adapter offset, or register */
};

static const struct qpring_xstat_def qpring_tx_xstats[] = {
	{ "doorbells",           XS_DRV, QP_TXC_DOORBELLS },
	{ "wqes_posted",         XS_DRV, QP_TXC_PKTS },
	{ "completions_reaped",  XS_DRV, QP_TXC_REAPED },
	{ "ring_full_stalls",    XS_DRV, QP_TXC_RING_FULL },
	{ "bad_frame_drops",     XS_DRV, QP_TXC_BAD_FRAME },
	{ "error_completions",   XS_DRV, QP_TXC_ERRORS },
	{ "flushed_wqes",        XS_DRV, QP_TXC_FLUSHED },
	{ "no_link_drops",       XS_AD,  QP_AD(no_link) },
	{ "adapter_serviced",    XS_AD,  QP_AD(serviced) },
	{ "adapter_polls",       XS_AD,  QP_AD(polls) },
	{ "adapter_idle_polls",  XS_AD,  QP_AD(idle_polls) },
	{ "fault_delayed_batches", XS_AD, QP_AD(f_delayed) },
	{ "fault_reordered_completions", XS_AD, QP_AD(f_reordered) },
	{ "fault_error_completions", XS_AD, QP_AD(f_errors) },
	{ "fault_rx_error_completions", XS_AD, QP_AD(f_rx_errors) },
	{ "fault_wire_drops",    XS_AD,  QP_AD(f_drops) },
	{ "medium_errors",       XS_AD,  QP_AD(medium_errors) },
	{ "reg_doorbell",        XS_REG, XR_DOORBELL_VA },
	{ "reg_pending",         XS_REG, XR_PENDING },
	{ "reg_in_service",      XS_REG, XR_IN_SERVICE },
};

static const struct qpring_xstat_def qpring_rx_xstats[] = {
	{ "doorbells",           XS_DRV, QP_RXC_DOORBELLS },
	{ "wqes_posted",         XS_DRV, QP_RXC_POSTED },
	{ "completions_reaped",  XS_DRV, QP_RXC_PKTS },
	{ "mbuf_alloc_failures", XS_DRV, QP_RXC_NOMBUF },
	{ "error_completions",   XS_DRV, QP_RXC_ERRORS },
	{ "flushed_frames",      XS_DRV, QP_RXC_FLUSHED },
	{ "no_buffer_drops",     XS_AD,  QP_AD(no_buffer) },
	{ "oversize_drops",      XS_AD,  QP_AD(too_big) },
	{ "mac_filter_drops",    XS_AD,  QP_AD(filtered) },
	{ "medium_errors",       XS_AD,  QP_AD(medium_errors) },
	{ "adapter_completions", XS_AD,  QP_AD(serviced) },
	{ "reg_doorbell",        XS_REG, XR_DOORBELL_VA },
	{ "reg_pending",         XS_REG, XR_PENDING },
	{ "reg_in_service",      XS_REG, XR_IN_SERVICE },
};

#define QPRING_NB_TX_XSTATS RTE_DIM(qpring_tx_xstats)
#define QPRING_NB_RX_XSTATS RTE_DIM(qpring_rx_xstats)

static unsigned int
qpring_xstats_count(const struct rte_eth_dev *dev)
{
	return dev->data->nb_rx_queues * QPRING_NB_RX_XSTATS +
	       dev->data->nb_tx_queues * QPRING_NB_TX_XSTATS;
}

static uint64_t
qpring_xstat_value(const struct qpring_xstat_def *d, const struct qp_hwq *hw,
		   const uint64_t *c, const uint64_t *base, const struct qp_adapter_q *ad_base)
{
	if (hw == NULL)
		return 0;
	switch (d->src) {
	case XS_DRV:
		return qpring_load(&c[d->idx]) - base[d->idx];
	case XS_AD:
		return qpring_ad(hw, ad_base, d->idx);
	default:
		if (d->idx == XR_DOORBELL_VA)
			return qp_regs_doorbell_va(&hw->regs);
		if (d->idx == XR_PENDING)
			return qp_regs_pending_peek(&hw->regs);
		return qp_regs_in_service(&hw->regs);
	}
}

static int
qpring_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs, unsigned int n)
{
	unsigned int total = qpring_xstats_count(dev), k = 0, i;
	uint16_t q;

	if (xs == NULL || n < total)
		return (int)total;
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		const struct qpring_rxq *rxq = dev->data->rx_queues[q];

		for (i = 0; i < QPRING_NB_RX_XSTATS; i++, k++) {
			xs[k].id = k;
			xs[k].value = rxq == NULL ? 0 :
				qpring_xstat_value(&qpring_rx_xstats[i], rxq->hw, rxq->c,
						   rxq->base, &rxq->ad_base);
		}
	}
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		const struct qpring_txq *txq = dev->data->tx_queues[q];

		for (i = 0; i < QPRING_NB_TX_XSTATS; i++, k++) {
			xs[k].id = k;
			xs[k].value = txq == NULL ? 0 :
				qpring_xstat_value(&qpring_tx_xstats[i], txq->hw, txq->c,
						   txq->base, &txq->ad_base);
		}
	}
	return (int)k;
}

static int
qpring_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
			unsigned int size)
{
	unsigned int total = qpring_xstats_count(dev), k = 0, i;
	uint16_t q;

	if (names == NULL || size < total)
		return (int)total;
	for (q = 0; q < dev->data->nb_rx_queues; q++)
		for (i = 0; i < QPRING_NB_RX_XSTATS; i++, k++)
			snprintf(names[k].name, sizeof(names[k].name), "rx_q%u_%s", q,
				 qpring_rx_xstats[i].name);
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		for (i = 0; i < QPRING_NB_TX_XSTATS; i++, k++)
			snprintf(names[k].name, sizeof(names[k].name), "tx_q%u_%s", q,
				 qpring_tx_xstats[i].name);
	return (int)k;
}

static int
qpring_xstats_reset(struct rte_eth_dev *dev)
{
	return qpring_stats_reset(dev);
}

/* --------------------------------------------------------- register dump */

static const struct qp_hwq *
qpring_queue_hw(const struct rte_eth_dev *dev, uint16_t qid, enum rte_pmd_qpring_dir dir,
		uint32_t *driver_index)
{
	if (dir == RTE_PMD_QPRING_SQ) {
		const struct qpring_txq *txq;

		if (qid >= dev->data->nb_tx_queues || dev->data->tx_queues[qid] == NULL)
			return NULL;
		txq = dev->data->tx_queues[qid];
		*driver_index = txq->tail;
		return txq->hw;
	} else {
		const struct qpring_rxq *rxq;

		if (qid >= dev->data->nb_rx_queues || dev->data->rx_queues[qid] == NULL)
			return NULL;
		rxq = dev->data->rx_queues[qid];
		*driver_index = rxq->head;
		return rxq->hw;
	}
}

static void
qpring_regs_fill(const struct qp_hwq *hw, uint32_t driver_index, struct rte_pmd_qpring_regs *r)
{
	memset(r, 0, sizeof(*r));
	if (hw == NULL)
		return;
	r->doorbell = __atomic_load_n(&hw->regs.doorbell, __ATOMIC_RELAXED);
	r->doorbell_va = r->doorbell & QP_DB_VA_MASK;
	r->in_service = (uint32_t)(r->doorbell & QP_DB_IN_SERVICE);
	r->pending = qp_regs_pending_peek(&hw->regs);
	r->size = hw->regs.size;
	r->ring_va = hw->regs.ring_va;
	r->driver_index = driver_index;
	r->adapter_index = __atomic_load_n(&hw->ad.head, __ATOMIC_RELAXED);
	r->done_slots = qp_hwq_count_done(hw);
}

static uint16_t
qpring_nb_qps(const struct rte_eth_dev *dev)
{
	return RTE_MAX(dev->data->nb_rx_queues, dev->data->nb_tx_queues);
}

/*
 * Register dump: 64-bit registers, QPRING_REGS_PER_QUEUE per queue, for
 * each queue pair i the send queue's block and then the receive queue's:
 *   0 DOORBELL (raw)  1 PENDING  2 IN_SERVICE  3 SIZE
 *   4 RING_VA  5 DRIVER_INDEX  6 ADAPTER_INDEX  7 DONE_SLOTS
 * A queue not set up reads as zeros. Only whole dumps are supported.
 */
static int
qpring_get_reg(struct rte_eth_dev *dev, struct rte_dev_reg_info *info)
{
	uint32_t nregs = (uint32_t)qpring_nb_qps(dev) * 2u * QPRING_REGS_PER_QUEUE;
	uint64_t *out = info->data;
	uint16_t q;
	int d;

	if (out == NULL) {
		info->length = nregs;
		info->width = sizeof(uint64_t);
		info->version = QPRING_REGS_VERSION;
		return 0;
	}
	if ((info->length != 0 && info->length != nregs) || info->offset != 0) {
		QPRING_LOG(ERR, "port %u: only a whole register dump (%u registers) is supported",
			   dev->data->port_id, nregs);
		return -ENOTSUP;
	}
	for (q = 0; q < qpring_nb_qps(dev); q++) {
		for (d = RTE_PMD_QPRING_SQ; d <= RTE_PMD_QPRING_RQ; d++) {
			struct rte_pmd_qpring_regs r;
			const struct qp_hwq *hw;
			uint32_t di = 0;

			hw = qpring_queue_hw(dev, q, d, &di); /* sets di: its own statement */
			qpring_regs_fill(hw, di, &r);
			*out++ = r.doorbell;
			*out++ = r.pending;
			*out++ = r.in_service;
			*out++ = r.size;
			*out++ = r.ring_va;
			*out++ = r.driver_index;
			*out++ = r.adapter_index;
			*out++ = r.done_slots;
		}
	}
	info->length = nregs;
	info->width = sizeof(uint64_t);
	info->version = QPRING_REGS_VERSION;
	return 0;
}

static const struct eth_dev_ops qpring_ops = {
	.dev_configure = qpring_dev_configure,
	.dev_start = qpring_dev_start,
	.dev_stop = qpring_dev_stop,
	.dev_set_link_up = qpring_set_link_up,
	.dev_set_link_down = qpring_set_link_down,
	.dev_close = qpring_dev_close,
	.dev_reset = qpring_dev_reset,
	.link_update = qpring_link_update,
	.promiscuous_enable = qpring_promiscuous_enable,
	.promiscuous_disable = qpring_promiscuous_disable,
	.allmulticast_enable = qpring_allmulticast_enable,
	.allmulticast_disable = qpring_allmulticast_disable,
	.mac_addr_set = qpring_mac_addr_set,
	.mtu_set = qpring_mtu_set,
	.stats_get = qpring_stats_get,
	.stats_reset = qpring_stats_reset,
	.xstats_get = qpring_xstats_get,
	.xstats_reset = qpring_xstats_reset,
	.xstats_get_names = qpring_xstats_get_names,
	.dev_infos_get = qpring_dev_infos_get,
	.rxq_info_get = qpring_rxq_info_get,
	.txq_info_get = qpring_txq_info_get,
	.rx_queue_start = qpring_rx_queue_start,
	.rx_queue_stop = qpring_rx_queue_stop,
	.tx_queue_start = qpring_tx_queue_start,
	.tx_queue_stop = qpring_tx_queue_stop,
	.rx_queue_setup = qpring_rx_queue_setup,
	.rx_queue_release = qpring_rx_queue_release,
	.rx_queue_intr_enable = qpring_rx_queue_intr_enable,
	.rx_queue_intr_disable = qpring_rx_queue_intr_disable,
	.tx_queue_setup = qpring_tx_queue_setup,
	.tx_queue_release = qpring_tx_queue_release,
	.tx_done_cleanup = qpring_tx_done_cleanup,
	.get_reg = qpring_get_reg,
	.get_monitor_addr = qpring_get_monitor_addr,
};

/* ---------------------------------------------------- PMD-specific API */

static struct rte_eth_dev *
qpring_dev_of(uint16_t port_id, int *err)
{
	struct rte_eth_dev *dev;

	if (!rte_eth_dev_is_valid_port(port_id)) {
		*err = -ENODEV;
		return NULL;
	}
	dev = &rte_eth_devices[port_id];
	if (dev->dev_ops != &qpring_ops) {
		*err = -ENOTSUP;
		return NULL;
	}
	return dev;
}

/* The PMD API's common check: a qpring port, and a non-NULL argument. */
static struct rte_eth_dev *
qpring_api_dev(uint16_t port_id, const void *arg, int *err)
{
	struct rte_eth_dev *dev = qpring_dev_of(port_id, err);

	if (dev != NULL && arg == NULL) {
		*err = -EINVAL;
		return NULL;
	}
	return dev;
}

int
rte_pmd_qpring_regs_get(uint16_t port_id, uint16_t queue_id, enum rte_pmd_qpring_dir dir,
			struct rte_pmd_qpring_regs *regs)
{
	const struct qp_hwq *hw;
	struct rte_eth_dev *dev;
	uint32_t di = 0;
	int err = 0;

	dev = qpring_api_dev(port_id, regs, &err);
	if (dev == NULL)
		return err;
	if (dir != RTE_PMD_QPRING_SQ && dir != RTE_PMD_QPRING_RQ)
		return -EINVAL;
	hw = qpring_queue_hw(dev, queue_id, dir, &di);
	if (hw == NULL)
		return -EINVAL;
	qpring_regs_fill(hw, di, regs);
	return 0;
}

int
rte_pmd_qpring_adapter_poll(uint16_t port_id, unsigned int budget)
{
	struct rte_eth_dev *dev;
	uint32_t n = 0;
	uint16_t q;
	int err = 0;

	dev = qpring_dev_of(port_id, &err);
	if (dev == NULL)
		return err;
	if (((struct qpring_port *)dev->data->dev_private)->adapter_mode ==
	    QPRING_ADAPTER_SERVICE)
		return -EBUSY; /* the service lcore owns the adapters */
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		struct qpring_txq *txq = dev->data->tx_queues[q];

		if (txq != NULL && txq->started)
			n += qpring_adapter_run_txq(txq, budget);
	}
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		struct qpring_rxq *rxq = dev->data->rx_queues[q];

		if (rxq != NULL && rxq->started)
			n += qpring_adapter_run_rxq(rxq, budget);
	}
	return (int)RTE_MIN(n, (uint32_t)INT32_MAX);
}

static int
qpring_faults_check(const struct rte_pmd_qpring_faults *f)
{
	if (f->delay_polls > QPRING_MAX_DELAY_POLLS || f->delay_ns > QPRING_MAX_DELAY_NS ||
	    f->ooo_window > QP_RING_MAX ||
	    f->error_ppm > QPRING_PPM || f->drop_ppm > QPRING_PPM)
		return -EINVAL;
	return 0;
}

int
rte_pmd_qpring_faults_get(uint16_t port_id, struct rte_pmd_qpring_faults *f)
{
	struct rte_eth_dev *dev;
	const struct qpring_port *p;
	int err = 0;

	dev = qpring_api_dev(port_id, f, &err);
	if (dev == NULL)
		return err;
	p = dev->data->dev_private;
	f->delay_polls = p->faults.delay_polls;
	f->ooo_window = p->faults.ooo_window;
	f->error_ppm = p->faults.error_ppm;
	f->drop_ppm = p->faults.drop_ppm;
	f->delay_ns = p->faults.delay_ns;
	return 0;
}

int
rte_pmd_qpring_faults_set(uint16_t port_id, const struct rte_pmd_qpring_faults *f)
{
	struct rte_eth_dev *dev;
	struct qpring_port *p;
	uint16_t q;
	int err = 0;

	dev = qpring_api_dev(port_id, f, &err);
	if (dev == NULL)
		return err;
	if (qpring_faults_check(f) != 0)
		return -EINVAL;
	p = dev->data->dev_private;
	p->faults.delay_polls = f->delay_polls;
	p->faults.ooo_window = f->ooo_window;
	p->faults.error_ppm = f->error_ppm;
	p->faults.drop_ppm = f->drop_ppm;
	p->faults.delay_ns = f->delay_ns;
	qpring_faults_derive(&p->faults);
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		struct qpring_txq *txq = dev->data->tx_queues[q];

		if (txq != NULL)
			qp_hwq_set_faults(txq->hw, &p->faults, 0);
	}
	return 0;
}

int
rte_pmd_qpring_service_id_get(uint16_t port_id, uint32_t *service_id)
{
	struct rte_eth_dev *dev;
	const struct qpring_port *p;
	int err = 0;

	dev = qpring_api_dev(port_id, service_id, &err);
	if (dev == NULL)
		return err;
	p = dev->data->dev_private;
	if (!p->service_registered)
		return -ENOTSUP;
	*service_id = p->service_id;
	return 0;
}

/* ---------------------------------------------------------- telemetry */

static void
qpring_tel_queue(struct rte_tel_data *d, const char *name, const struct qp_hwq *hw,
		 uint32_t driver_index)
{
	struct rte_tel_data *q = rte_tel_data_alloc();
	struct rte_pmd_qpring_regs r;

	if (q == NULL)
		return;
	qpring_regs_fill(hw, driver_index, &r);
	rte_tel_data_start_dict(q);
	rte_tel_data_add_dict_u64(q, "doorbell", r.doorbell);
	rte_tel_data_add_dict_u64(q, "doorbell_va", r.doorbell_va);
	rte_tel_data_add_dict_u64(q, "in_service", r.in_service);
	rte_tel_data_add_dict_u64(q, "pending", r.pending);
	rte_tel_data_add_dict_u64(q, "size", r.size);
	rte_tel_data_add_dict_u64(q, "ring_va", r.ring_va);
	rte_tel_data_add_dict_u64(q, "driver_index", r.driver_index);
	rte_tel_data_add_dict_u64(q, "adapter_index", r.adapter_index);
	rte_tel_data_add_dict_u64(q, "done_slots", r.done_slots);
	rte_tel_data_add_dict_container(d, name, q, 0);
}

static int
qpring_tel_regs(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_eth_dev *dev;
	char *end = NULL;
	unsigned long port;
	uint16_t q;
	int err = 0;

	RTE_SET_USED(cmd);
	if (params == NULL || params[0] == '\0')
		return -EINVAL;
	port = strtoul(params, &end, 10);
	if (end == params || *end != '\0' || port >= RTE_MAX_ETHPORTS)
		return -EINVAL;
	dev = qpring_dev_of((uint16_t)port, &err);
	if (dev == NULL)
		return err;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "port_id", port);
	rte_tel_data_add_dict_u64(d, "queue_pairs", qpring_nb_qps(dev));
	for (q = 0; q < qpring_nb_qps(dev); q++) {
		char name[32];
		uint32_t di = 0;
		const struct qp_hwq *hw;

		hw = qpring_queue_hw(dev, q, RTE_PMD_QPRING_SQ, &di);
		snprintf(name, sizeof(name), "sq%u", q);
		qpring_tel_queue(d, name, hw, di);
		hw = qpring_queue_hw(dev, q, RTE_PMD_QPRING_RQ, &di);
		snprintf(name, sizeof(name), "rq%u", q);
		qpring_tel_queue(d, name, hw, di);
	}
	return 0;
}

RTE_INIT(qpring_telemetry_init)
{
	rte_telemetry_register_cmd("/qpring/regs", qpring_tel_regs,
		"Register file of every queue of a qpring port. Parameters: int port_id");
}

/* -------------------------------------------------------- probe/remove */

static void
qpring_set_burst(struct rte_eth_dev *dev)
{
	const struct qpring_port *p = dev->data->dev_private;

	dev->rx_pkt_burst = !p->copy ? qpring_rx_burst_zc :
			    p->scatter ? qpring_rx_burst_scatter : qpring_rx_burst;
	dev->rx_queue_count = qpring_rx_queue_count;
	dev->rx_descriptor_status = qpring_rx_descriptor_status;
	dev->tx_descriptor_status = qpring_tx_descriptor_status;
	if (p->adapter_mode == QPRING_ADAPTER_INLINE && p->has_medium) {
		/* The receiving adapter runs in the rx burst, fed by the medium. */
		dev->rx_pkt_burst = qpring_rx_burst_medium;
		dev->tx_pkt_burst = qpring_tx_burst_medium;
	} else if (p->adapter_mode == QPRING_ADAPTER_INLINE) {
		dev->tx_pkt_burst = p->copy ? qpring_tx_burst_inline : qpring_tx_burst_inline_zc;
	} else {
		dev->tx_pkt_burst = qpring_tx_burst_deferred;
	}
}

static int
qpring_create(struct rte_vdev_device *vdev, const struct qpring_args *a)
{
	const char *name = rte_vdev_device_name(vdev);
	struct rte_eth_dev *dev;
	struct qpring_port *p;
	int ret;

	if (vdev->device.numa_node == SOCKET_ID_ANY)
		vdev->device.numa_node = (int)rte_socket_id();
	dev = rte_eth_vdev_allocate(vdev, sizeof(*p));
	if (dev == NULL) {
		QPRING_LOG(ERR, "%s: cannot allocate an ethdev port", name);
		return -ENOMEM;
	}
	p = dev->data->dev_private;
	strlcpy(p->name, name, sizeof(p->name));
	strlcpy(p->peer_name, a->peer, sizeof(p->peer_name));
	p->port_id = dev->data->port_id;
	p->copy = a->copy;
	p->adapter_mode = a->adapter_mode;
	p->faults = a->faults;
	qpring_faults_derive(&p->faults);
	p->seed = a->seed;
	p->medium = a->medium;
	p->has_medium = (uint8_t)qp_medium_configured(&a->medium);
	p->max_frame = RTE_ETHER_MTU + QPRING_FRAME_OVERHEAD;
	if (a->mac_given) {
		p->mac = a->mac;
	} else {
		/* Locally administered, "qpr" and the port id. */
		const struct rte_ether_addr mac = {
			.addr_bytes = { 0x02, 0x71, 0x70, 0x72,
					(uint8_t)(p->port_id >> 8), (uint8_t)p->port_id },
		};
		p->mac = mac;
	}
	dev->data->mac_addrs = rte_zmalloc_socket(name, sizeof(struct rte_ether_addr), 0,
						  vdev->device.numa_node);
	if (dev->data->mac_addrs == NULL) {
		QPRING_LOG(ERR, "%s: out of memory", name);
		ret = -ENOMEM;
		goto err_release;
	}
	rte_ether_addr_copy(&p->mac, &dev->data->mac_addrs[0]);
	dev->data->promiscuous = 1;
	dev->data->all_multicast = 1;
	dev->data->dev_flags |= RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS | RTE_ETH_DEV_INTR_LSC;
	dev->dev_ops = &qpring_ops;
	qpring_set_burst(dev);

	if (p->adapter_mode == QPRING_ADAPTER_SERVICE) {
		ret = qpring_service_register(p, vdev->device.numa_node);
		if (ret != 0)
			goto err_release;
	}
	rte_spinlock_lock(&qpring_lock);
	ret = qpring_register(p);
	if (ret == 0)
		qpring_link_refresh(p);
	qpring_unlock();
	if (ret != 0)
		goto err_service;

	rte_eth_dev_probing_finish(dev);
	QPRING_LOG(INFO, "%s: port %u, %s wire, copy=%u, adapter=%s", name, p->port_id,
		   p->peer_name[0] ? "peer" : p->has_medium ? "pcap" : "loopback", p->copy,
		   p->adapter_mode == QPRING_ADAPTER_INLINE ? "inline" :
		   p->adapter_mode == QPRING_ADAPTER_SERVICE ? "service" : "manual");
	return 0;

err_service:
	qpring_service_unregister(p);
err_release:
	rte_eth_dev_release_port(dev); /* frees dev_private and mac_addrs */
	return ret;
}

static int
qpring_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct qpring_args a = { .copy = 1, .adapter_mode = QPRING_ADAPTER_INLINE, .seed = 1 };
	struct rte_eth_dev *dev;
	int ret;

	if (rte_eal_process_type() == RTE_PROC_SECONDARY) {
		dev = rte_eth_dev_attach_secondary(name);
		if (dev == NULL) {
			QPRING_LOG(ERR, "%s: cannot attach to the primary's port", name);
			return -ENODEV;
		}
		/* Function addresses differ per process: set them again. */
		dev->dev_ops = &qpring_ops;
		dev->device = &vdev->device;
		qpring_set_burst(dev);
		rte_eth_dev_probing_finish(dev);
		return 0;
	}

	ret = qpring_parse_args(name, rte_vdev_device_args(vdev), &a);
	if (ret != 0)
		return ret;
	return qpring_create(vdev, &a);
}

static int
qpring_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return 0; /* already closed and released */
	if (rte_eal_process_type() == RTE_PROC_PRIMARY) {
		if (dev->data->dev_started)
			rte_eth_dev_stop(dev->data->port_id);
		qpring_dev_close(dev);
	}
	return rte_eth_dev_release_port(dev);
}

static struct rte_vdev_driver qpring_vdev_driver = {
	.probe = qpring_probe,
	.remove = qpring_remove,
};

RTE_PMD_REGISTER_VDEV(net_qpring, qpring_vdev_driver);
RTE_PMD_REGISTER_PARAM_STRING(net_qpring,
	QPRING_ARG_MAC "=<xx:xx:xx:xx:xx:xx> "
	QPRING_ARG_PEER "=<net_qpring vdev name> "
	QPRING_ARG_COPY "=0|1 "
	QPRING_ARG_ADAPTER "=inline|service|manual "
	QPRING_ARG_F_DELAY "=<polls> "
	QPRING_ARG_F_OOO "=<window> "
	QPRING_ARG_F_ERROR "=<ppm> "
	QPRING_ARG_F_DROP "=<ppm> "
	QPRING_ARG_SEED "=<uint64> "
	QPRING_ARG_RX_PCAP "=<file> "
	QPRING_ARG_TX_PCAP "=<file> "
	QPRING_ARG_IFACE "=<ifname>");
RTE_LOG_REGISTER_DEFAULT(qpring_logtype, NOTICE);
