/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The cable wire: a port's send queues deliver into its own receive queues
 * (loopback) or into those of the port it is cabled to (peer=, a port of
 * this process). Both halves of the wire guard are here: the adapter's,
 * which reaches the destination only while it holds its queue's adapter
 * lock, and the control path's, which unpublishes a destination and then
 * waits for the locks of every send queue that could reach it.
 */
#include <errno.h>
#include <string.h>

#include <ethdev_driver.h>
#include <rte_devargs.h>
#include <rte_string_fns.h>

#include "qpring.h"
#include "qpring_wire.h"

/*
 * G2 for a whole port: wait until no adapter of @sender's send queues is
 * delivering. The caller has just unpublished something those adapters may
 * deliver into (wire_dst or an rx_live[] entry). Control lock held (keeps
 * the queue array still). 0, or -ETIMEDOUT.
 */
static int
qpring_cable_quiesce(struct qpring_port *sender)
{
	struct rte_eth_dev *dev = qpring_port_dev(sender);
	uint16_t q;
	int ret = 0;

	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		struct qpring_txq *txq = dev->data->tx_queues[q];

		if (txq != NULL && qpring_adapter_quiesce(txq->hw, "txq", sender->port_id, q) != 0)
			ret = -ETIMEDOUT;
	}
	return ret;
}

/* The port whose adapters deliver into @p's receive queues. */
static struct qpring_port *
qpring_cable_sender(struct qpring_port *p)
{
	if (p->peer != NULL)
		return p->peer;
	return p->peer_name[0] == '\0' ? p : NULL;
}

/*
 * The adapter's half: deliver the posted WQEs of @txq into the receive
 * queue of the same index at the other end of the cable. Caller holds the
 * adapter lock of @txq (G1 taken: the loads below are sequentially
 * consistent, see qpring_adapter_trylock()).
 */
uint32_t
qpring_cable_deliver(struct qpring_txq *txq, int zero_copy, uint32_t budget)
{
	struct qpring_port *dst;
	struct qpring_rxq *rxq = NULL;
	uint64_t before;
	uint32_t n;

	/* Sequentially consistent: ordered after G1 (see above); they also
	 * acquire, pairing with the release publication of wire_dst/rx_live
	 * in the control path (P1), so a receive queue seen is fully set up.
	 */
	dst = __atomic_load_n(&txq->port->wire_dst, __ATOMIC_SEQ_CST);
	if (likely(dst != NULL))
		rxq = __atomic_load_n(&dst->rx_live[txq->queue_id], __ATOMIC_SEQ_CST);
	if (likely(rxq == NULL || !__atomic_load_n(&rxq->intr_on, __ATOMIC_RELAXED)))
		return qp_adapter_service_sq(txq->hw, rxq != NULL ? rxq->hw : NULL, zero_copy,
					     budget);
	/* Rx interrupts configured on the receiver: like hardware, raise one
	 * when a receive WQE completes while armed.
	 */
	before = rxq->hw->ad.serviced;
	n = qp_adapter_service_sq(txq->hw, rxq->hw, zero_copy, budget);
	if (rxq->hw->ad.serviced != before) {
		/* I1: full fence between the indicator stores (A1) and the load
		 * of intr_armed; pairs with I2 in qpring_rx_queue_intr_enable(),
		 * which arms and then looks at the indicators. One of the two
		 * sees the other, so no completion is left without a wake-up.
		 */
		rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&rxq->intr_armed, __ATOMIC_RELAXED))
			qpring_rx_intr_signal(rxq);
	}
	return n;
}

static uint32_t
qpring_cable_tx(struct qpring_txq *txq, uint32_t budget)
{
	return qpring_cable_deliver(txq, !txq->port->copy, budget);
}

/* Control lock held. P1: publish with release; pairs with the adapter's
 * loads in qpring_cable_deliver().
 */
static void
qpring_cable_join(struct qpring_port *a, struct qpring_port *b)
{
	a->peer = b;
	b->peer = a;
	__atomic_store_n(&a->wire_dst, b, __ATOMIC_RELEASE);
	__atomic_store_n(&b->wire_dst, a, __ATOMIC_RELEASE);
	qpring_link_refresh(a);
	qpring_link_refresh(b);
	QPRING_LOG(INFO, "%s <-> %s cabled", a->name, b->name);
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
 * Probe, control lock held: validate @dev's cabling against the registry
 * and cable it: to the peer it names, or to a port that named it. Returns 0
 * or a negative errno with the reason logged.
 */
static int
qpring_cable_attach(struct rte_eth_dev *dev, const struct qpring_args *a)
{
	struct qpring_port *p = dev->data->dev_private, *q = NULL, *peer = NULL;

	strlcpy(p->peer_name, a->peer, sizeof(p->peer_name));
	while ((q = qpring_registry_next(q)) != NULL) {
		if (q->wire != QPRING_WIRE_CABLE)
			continue;
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
		peer = qpring_registry_find(p->peer_name);
		if (peer != NULL && peer->wire != QPRING_WIRE_CABLE) {
			QPRING_LOG(ERR, "%s: peer=%s is on another wire (%s)", p->name,
				   p->peer_name, qpring_wire_of(peer)->name);
			return -EINVAL;
		}
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

	qpring_registry_add(p);
	if (peer != NULL)
		qpring_cable_join(p, peer);
	else if (p->peer_name[0] == '\0')
		__atomic_store_n(&p->wire_dst, p, __ATOMIC_RELEASE); /* loopback, P1 */
	return 0;
}

/* Close, control lock held, @dev stopped and its queues released. */
static void
qpring_cable_detach(struct rte_eth_dev *dev)
{
	struct qpring_port *p = dev->data->dev_private;
	struct qpring_port *b = p->peer;

	__atomic_store_n(&p->wire_dst, NULL, __ATOMIC_RELEASE);
	if (b != NULL) {
		__atomic_store_n(&b->wire_dst, NULL, __ATOMIC_RELEASE);
		/* b's adapters may be delivering into p; p's queues are
		 * released already, so a timeout here leaves nothing to free.
		 */
		(void)qpring_cable_quiesce(b);
		b->peer = NULL;
		p->peer = NULL;
		/* A cable b asked for survives: if p comes back it is re-cabled. */
		if (strcmp(b->peer_name, p->name) != 0)
			b->peer_name[0] = '\0';
		qpring_link_refresh(b);
		QPRING_LOG(INFO, "%s <-> %s uncabled", p->name, b->name);
	}
	qpring_registry_remove(p);
}

static int
qpring_cable_open(struct rte_eth_dev *dev)
{
	RTE_SET_USED(dev);
	return 0; /* nothing per process: everything is in shared memory */
}

static void
qpring_cable_close(struct rte_eth_dev *dev)
{
	RTE_SET_USED(dev);
}

static void
qpring_cable_rxq_publish(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_port *p = dev->data->dev_private;

	__atomic_store_n(&p->rx_live[qid], dev->data->rx_queues[qid], __ATOMIC_RELEASE); /* P1 */
}

static int
qpring_cable_rxq_unpublish(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_port *p = dev->data->dev_private;
	struct qpring_port *sender;

	__atomic_store_n(&p->rx_live[qid], NULL, __ATOMIC_RELEASE);
	sender = qpring_cable_sender(p);
	return sender != NULL ? qpring_cable_quiesce(sender) : 0;
}

/* Up when the port at the other end (itself on loopback) is started. */
static int
qpring_cable_link_up(const struct qpring_port *p)
{
	const struct qpring_port *dst = p->wire_dst;

	return dst != NULL && dst->started;
}

const struct qpring_wire_ops qpring_wire_cable = {
	.name = "cable",
	.attach = qpring_cable_attach,
	.detach = qpring_cable_detach,
	.open = qpring_cable_open,
	.close = qpring_cable_close,
	.rxq_publish = qpring_cable_rxq_publish,
	.rxq_unpublish = qpring_cable_rxq_unpublish,
	.tx = qpring_cable_tx,
	.rx = NULL,
	.link_up = qpring_cable_link_up,
};
