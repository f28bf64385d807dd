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
#include <rte_cycles.h>
#include <rte_devargs.h>
#include <rte_pause.h>
#include <rte_string_fns.h>

#include "qpring.h"
#include "qpring_wire.h"

/*
 * G2 for a whole port: wait until no adapter of @sender's send queues is
 * delivering. The caller has just unpublished something those adapters may
 * deliver into (wire_dst or a receive queue). Control lock held (keeps
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
 * The adapter's half: deliver the posted WQEs of @txq into the port at the
 * other end of the cable, which picks the receive queue of each frame.
 * Caller holds the adapter lock of @txq (G1 taken: the loads of wire_dst
 * here and of the receive queues in the engine are sequentially
 * consistent, see qpring_adapter_trylock()).
 */
uint32_t
qpring_cable_deliver(struct qpring_txq *txq, int zero_copy, uint32_t budget)
{
	uint64_t before[QP_MAX_RQ];
	struct qpring_port *dst;
	uint32_t n, q, nb;

	/* Sequentially consistent: ordered after G1; it also acquires,
	 * pairing with the release publication of wire_dst (P1).
	 */
	dst = __atomic_load_n(&txq->port->wire_dst, __ATOMIC_SEQ_CST);
	if (likely(dst == NULL || !__atomic_load_n(&dst->intr_any, __ATOMIC_RELAXED)))
		return qp_adapter_service_sq(txq->hw, dst != NULL ? &dst->rx : NULL,
					     txq->queue_id, zero_copy, budget);
	/* Rx interrupts on the receiver: like hardware, raise one on each
	 * queue where a receive WQE completed while it was armed.
	 */
	nb = RTE_MIN(__atomic_load_n(&dst->rx.nb_rq, __ATOMIC_RELAXED), QP_MAX_RQ);
	for (q = 0; q < nb; q++) {
		struct qp_hwq *hw = qp_rxport_rq(&dst->rx, q);

		before[q] = hw != NULL ? __atomic_load_n(&hw->ad.serviced, __ATOMIC_RELAXED) : 0;
	}
	n = qp_adapter_service_sq(txq->hw, &dst->rx, txq->queue_id, zero_copy, budget);
	/* I1: full fence between the indicator stores (A1) and the loads of
	 * intr_armed; pairs with I2 in qpring_rx_queue_intr_enable(), which
	 * arms and then looks at the indicators. One of the two sees the
	 * other, so no completion is left without a wake-up.
	 */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (q = 0; q < nb; q++) {
		struct qp_hwq *hw = qp_rxport_rq(&dst->rx, q);

		if (hw != NULL && __atomic_load_n(&hw->ad.intr_on, __ATOMIC_RELAXED) &&
		    __atomic_load_n(&hw->ad.serviced, __ATOMIC_RELAXED) != before[q] &&
		    __atomic_load_n(&hw->ad.intr_armed, __ATOMIC_RELAXED))
			qpring_rx_intr_signal(dst->port_id, (uint16_t)q, hw);
	}
	return n;
}

static uint32_t
qpring_cable_tx(struct qpring_txq *txq, uint32_t budget)
{
	return qpring_cable_deliver(txq, !txq->port->copy, budget);
}

/*
 * Move along what the inline adapters of the port that delivers into @p
 * hold back (a fault's delayed or out-of-order completions, WQEs behind
 * them): called by @p's receive bursts, so held work completes by itself
 * once its delay has passed, whatever the application calls (an empty
 * receive loop, typically). A queue whose adapter another lcore runs at
 * the moment is skipped.
 *
 * K1: announce on @p (kick_busy), then load the sender and its queues,
 * sequentially consistent; pairs with K2 (qpring_cable_kick_quiesce()),
 * which unpublishes first and then waits for kick_busy, as G1/G2 do.
 */
void
qpring_cable_kick(struct qpring_port *p)
{
	struct qpring_port *s;
	uint32_t q;

	__atomic_fetch_add(&p->kick_busy, 1, __ATOMIC_SEQ_CST);
	s = __atomic_load_n(&p->wire_dst, __ATOMIC_SEQ_CST);
	for (q = 0; s != NULL && q < QPRING_MAX_QPS; q++) {
		struct qpring_txq *txq = __atomic_load_n(&s->tx_live[q], __ATOMIC_SEQ_CST);

		if (txq == NULL || !qp_adapter_has_work(txq->hw) ||
		    !qpring_adapter_trylock(txq->hw))
			continue;
		qpring_cable_deliver(txq, !s->copy, QPRING_SERVICE_BUDGET);
		qpring_adapter_unlock(txq->hw);
	}
	/* Release: our accesses to the sender's queues happen before a
	 * quiescer reads the count back to zero (acquire).
	 */
	__atomic_fetch_sub(&p->kick_busy, 1, __ATOMIC_RELEASE);
}

/* K2: wait until no receive burst of @p is inside qpring_cable_kick(). */
static void
qpring_cable_kick_wait(struct qpring_port *p)
{
	uint64_t limit = rte_get_timer_cycles() + rte_get_timer_hz() * QPRING_QUIESCE_MS / 1000;

	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	while (__atomic_load_n(&p->kick_busy, __ATOMIC_ACQUIRE) != 0) {
		if (rte_get_timer_cycles() > limit) {
			QPRING_LOG(ERR, "%s: a receive burst still moves held completions "
				   "after %u ms", p->name, QPRING_QUIESCE_MS);
			return;
		}
		rte_pause();
	}
}

/* K2 for sender @s: every port whose receive bursts may kick @s's queues. */
static void
qpring_cable_kick_quiesce(struct qpring_port *s)
{
	qpring_cable_kick_wait(s);
	if (s->peer != NULL)
		qpring_cable_kick_wait(s->peer);
}

/*
 * Control lock held: should @p's receive bursts kick its sender (the port
 * at the other end, itself on loopback)? Only for an inline adapter with
 * faults: the service runs by itself, a manual adapter is the
 * application's to drive.
 */
static void
qpring_cable_kick_update(struct qpring_port *p)
{
	const struct qpring_port *s = p->wire_dst;
	struct rte_eth_dev *dev = qpring_port_dev(p);
	uint8_t kick = s != NULL && s->adapter_mode == QPRING_ADAPTER_INLINE &&
		       __atomic_load_n(&s->faults_on, __ATOMIC_RELAXED);
	uint16_t q;

	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		struct qpring_rxq *rxq = dev->data->rx_queues[q];

		if (rxq != NULL)
			__atomic_store_n(&rxq->kick, kick, __ATOMIC_RELAXED);
	}
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
	qpring_cable_kick_update(a);
	qpring_cable_kick_update(b);
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

	__atomic_store_n(&p->wire_dst, NULL, __ATOMIC_SEQ_CST);
	qpring_cable_kick_wait(p);
	if (b != NULL) {
		__atomic_store_n(&b->wire_dst, NULL, __ATOMIC_SEQ_CST);
		qpring_cable_kick_wait(b);
		/* b's adapters may be delivering into p; p's queues are
		 * released already, so a timeout here leaves nothing to free.
		 */
		(void)qpring_cable_quiesce(b);
		qpring_cable_kick_update(b);
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

/* A receive queue starts: its kick setting follows the sender's. */
static void
qpring_cable_rxq_publish(struct rte_eth_dev *dev, uint16_t qid)
{
	RTE_SET_USED(qid);
	qpring_cable_kick_update(dev->data->dev_private);
}

/* The queue is unpublished from the port's receiving side: wait for the
 * senders that could still be delivering into it.
 */
static int
qpring_cable_rxq_unpublish(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_port *sender = qpring_cable_sender(dev->data->dev_private);

	RTE_SET_USED(qid);
	return sender != NULL ? qpring_cable_quiesce(sender) : 0;
}

/* A send queue is unpublished from tx_live[]: wait for the kickers. */
static void
qpring_cable_txq_unpublish(struct rte_eth_dev *dev, uint16_t qid)
{
	RTE_SET_USED(qid);
	qpring_cable_kick_quiesce(dev->data->dev_private);
}

/* The faults or the adapter mode of @dev's port changed. */
static void
qpring_cable_faults_changed(struct rte_eth_dev *dev)
{
	struct qpring_port *p = dev->data->dev_private;

	qpring_cable_kick_update(p);
	if (p->peer != NULL)
		qpring_cable_kick_update(p->peer);
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
	.txq_unpublish = qpring_cable_txq_unpublish,
	.faults_changed = qpring_cable_faults_changed,
	.tx = qpring_cable_tx,
	.rx = NULL,
	.link_up = qpring_cable_link_up,
};
