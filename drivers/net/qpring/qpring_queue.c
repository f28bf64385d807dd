/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Queue pairs on the control path (claims 7, 8, 15, 16, 23, 24): set-up
 * allocates each queue's slot ring and register file, more queues come
 * with configure and run-time set-up; start posts receive buffers and
 * publishes the queue on its wire; stop unpublishes it, waits for its
 * adapters and flushes what they did not service; release frees it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ethdev_driver.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memzone.h>

#include "qpring.h"
#include "qpring_rx.h"
#include "qpring_wire.h"

/* ------------------------------------------------------------ rings */

/*
 * A ring holds a power of two of slots: any count in the advertised range
 * is accepted and rounded up (rte_eth_rx_queue_info_get() reports the real
 * size). Returns the slot count, or 0 with the reason logged.
 */
static uint32_t
qpring_ring_size(const struct rte_eth_dev *dev, const char *dir, uint16_t qid, uint16_t nb_desc)
{
	uint32_t n = nb_desc == 0 ? QPRING_DEFAULT_RING : rte_align32pow2(nb_desc);

	if (nb_desc != 0 && (nb_desc < QP_RING_MIN || nb_desc > QP_RING_MAX)) {
		QPRING_LOG(ERR, "port %u %s queue %u: %u descriptors; a ring holds %u to %u slots",
			   dev->data->port_id, dir, qid, nb_desc, QP_RING_MIN, QP_RING_MAX);
		return 0;
	}
	if (qid >= QPRING_MAX_QPS)
		return 0;
	if (n != nb_desc && nb_desc != 0)
		QPRING_LOG(INFO, "port %u %s queue %u: %u descriptors rounded up to %u slots",
			   dev->data->port_id, dir, qid, nb_desc, n);
	return n;
}

/* Process-wide: a port that gets a closed port's id must not meet the
 * names of queues that port kept (a queue marked stuck keeps its memzone).
 */
static uint32_t qpring_qgen;

static const struct rte_memzone *
qpring_hwq_alloc(const struct rte_eth_dev *dev, char dir, uint16_t qid, uint32_t nb_desc,
		 unsigned int socket)
{
	char name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;

	/* A generation number keeps names unique: memory an adapter never
	 * left (a queue marked stuck) keeps its name for good.
	 */
	snprintf(name, sizeof(name), "qpring_p%u_%cq%u_%u", dev->data->port_id, dir, qid,
		 __atomic_fetch_add(&qpring_qgen, 1, __ATOMIC_RELAXED));
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

/* Control path: post a buffer (zero copy: a credit) into every slot of a
 * stopped receive queue.
 */
static int
qpring_rxq_fill(struct qpring_rxq *rxq)
{
	const struct qpring_rxmem_ops *rm = qpring_wire_of(rxq->port)->rxmem;
	struct rte_mbuf **bufs;
	uint32_t i, n = rxq->nb_desc;

	if (rm != NULL)
		return rm->fill(rxq);

	if (rxq->zero_copy) {
		/* Credits hold no buffer: the whole ring. */
		for (i = 0; i < n; i++)
			qpring_rx_post_credit(&rxq->hw->slots[i]);
		rxq->head = 0;
		qp_doorbell_ring(&rxq->hw->regs, &rxq->hw->slots[n - 1], n); /* R1 */
		rxq->c[QP_RXC_DOORBELLS]++;
		rxq->c[QP_RXC_POSTED] += n;
		return 0;
	}
	/* Copy mode posts a window of buffers, the first slots of the ring. */
	n = rxq->window;
	bufs = calloc(n, sizeof(struct rte_mbuf *));
	if (bufs == NULL)
		return -ENOMEM;
	if (rte_pktmbuf_alloc_bulk(rxq->mp, bufs, n) != 0) {
		free(bufs);
		QPRING_LOG(ERR, "port %u rxq %u: mempool %s cannot supply %u buffers to post",
			   rxq->port_id, rxq->queue_id, rxq->mp->name, n);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		qpring_rx_post(rxq, &rxq->hw->slots[i], bufs[i]);
	rxq->head = 0;
	qp_doorbell_ring(&rxq->hw->regs, &rxq->hw->slots[n - 1], n); /* R1 */
	rxq->c[QP_RXC_DOORBELLS]++;
	rxq->c[QP_RXC_POSTED] += n;
	free(bufs);
	return 0;
}

/* Free the mbufs a queue's slots hold and give every slot back to the driver.
 * Caller: control path, queue unpublished and quiesced.
 */
static void
qpring_hwq_release_bufs(struct qp_hwq *hw, uint32_t nb_desc)
{
	uint32_t i;

	for (i = 0; i < nb_desc; i++) {
		struct qp_slot *s = &hw->slots[i];

		if (s->cookie != 0)
			rte_pktmbuf_free((struct rte_mbuf *)(uintptr_t)s->cookie);
		qp_slot_reset(s);
	}
	hw->ad.head = 0;
	hw->ad.done_head = 0;
	__atomic_store_n(&hw->regs.pending, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&hw->regs.doorbell, 0, __ATOMIC_RELAXED);
}

static void
qpring_rxq_drain(struct qpring_rxq *rxq)
{
	const struct qpring_rxmem_ops *rm = qpring_wire_of(rxq->port)->rxmem;
	uint32_t i;

	if (rm != NULL) {
		rm->drain(rxq);
		return;
	}
	/* Frames the adapter placed that the application never took: lost
	 * with the stop, and counted (imissed, rx_q<N>_flushed_frames), one
	 * per frame however many slots it spans.
	 */
	rxq->c[QP_RXC_FLUSHED] += qp_hwq_count_frames(rxq->hw, rxq->head, rxq->window);
	qp_hwq_flush(rxq->hw);
	/* Only the window's slots hold buffers; the others keep the stale
	 * cookies of buffers handed to the application.
	 */
	for (i = 0; i < rxq->nb_desc; i++) {
		struct qp_slot *s = &rxq->hw->slots[(rxq->head + i) & rxq->mask];

		if (i >= rxq->window)
			s->cookie = 0;
	}
	qpring_hwq_release_bufs(rxq->hw, rxq->nb_desc);
	qp_hwq_park(rxq->hw);
	rxq->head = 0;
}

/* A send queue that is not running has no free slot: a burst on it finds
 * none (the slots are parked too, so a reclaim finds none either).
 */
static void
qpring_txq_park_indexes(struct qpring_txq *txq)
{
	qp_hwq_park(txq->hw);
	txq->tail = 0;
	txq->clean = -(uint32_t)txq->nb_desc;
	txq->multi_until = 0;
}

static void
qpring_txq_drain(struct qpring_txq *txq)
{
	uint32_t i;

	txq->c[QP_TXC_FLUSHED] += qp_hwq_flush(txq->hw);
	/* Every WQE is complete now: the buffers of [clean, tail) go back
	 * (the slots before clean were reclaimed already).
	 */
	for (i = txq->clean; i != txq->tail; i++) {
		struct qp_slot *s = &txq->hw->slots[i & txq->mask];

		if (s->cookie != 0)
			rte_pktmbuf_free((struct rte_mbuf *)(uintptr_t)s->cookie);
		s->cookie = 0;
	}
	for (i = 0; i < txq->nb_desc; i++)
		txq->hw->slots[i].cookie = 0; /* stale, reclaimed already */
	qpring_hwq_release_bufs(txq->hw, txq->nb_desc);
	qpring_txq_park_indexes(txq);
}

/* ------------------------------------------------------------ receive filter */

/* The port's receive filter, as its senders apply it. Relaxed: a setting;
 * senders pick a change up at their next call.
 */
void
qpring_rx_filter_update(struct rte_eth_dev *dev)
{
	struct qpring_port *p = dev->data->dev_private;
	uint32_t f = (dev->data->promiscuous ? QP_RXF_PROMISC : 0) |
		     (dev->data->all_multicast ? QP_RXF_ALLMULTI : 0);

	__atomic_store_n(&p->rx.mac, qp_mac_word(&p->mac), __ATOMIC_RELAXED);
	__atomic_store_n(&p->rx.filter, f, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------ start, stop */

int
qpring_rxq_start_locked(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_port *p = dev->data->dev_private;
	struct qpring_rxq *rxq = dev->data->rx_queues[qid];
	int ret;

	if (rxq == NULL)
		return -EINVAL;
	if (rxq->started)
		return 0;
	if (rxq->stuck) {
		QPRING_LOG(ERR, "port %u rxq %u: an adapter never left it at its last stop; "
			   "set it up again", dev->data->port_id, qid);
		return -EBUSY;
	}
	ret = qpring_rxq_fill(rxq);
	if (ret != 0)
		return ret;
	__atomic_store_n(&rxq->started, 1, __ATOMIC_RELEASE);
	/* P1: senders may deliver into it from now on. */
	qp_rxport_publish(&p->rx, qid, rxq->hw, rxq->zero_copy ? 0 : rxq->buf_cap, rxq->scatter);
	qpring_wire_of(p)->rxq_publish(dev, qid);
	dev->data->rx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STARTED;
	return 0;
}

void
qpring_rxq_stop_locked(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_port *p = dev->data->dev_private;
	struct qpring_rxq *rxq = dev->data->rx_queues[qid];

	dev->data->rx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STOPPED;
	if (rxq == NULL || !rxq->started)
		return;
	__atomic_store_n(&rxq->started, 0, __ATOMIC_RELAXED);
	qp_rxport_unpublish(&p->rx, qid);
	if (qpring_wire_of(p)->rxq_unpublish(dev, qid) != 0) {
		rxq->stuck = 1; /* an adapter may still write into it */
		return;
	}
	qpring_rxq_drain(rxq);
}

int
qpring_txq_start_locked(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_port *p = dev->data->dev_private;
	struct qpring_txq *txq = dev->data->tx_queues[qid];

	if (txq == NULL)
		return -EINVAL;
	if (txq->stuck) {
		/* Park it once its adapter has left, so a send on the stopped
		 * queue finds no slot; its memory stays until set-up.
		 */
		if (__atomic_load_n(&txq->hw->ad.busy, __ATOMIC_ACQUIRE) == 0)
			qp_hwq_park(txq->hw);
		QPRING_LOG(ERR, "port %u txq %u: an adapter never left it at its last stop; "
			   "set it up again", dev->data->port_id, qid);
		return -EBUSY;
	}
	txq->max_frame = p->max_frame;
	qp_hwq_unpark(txq->hw);
	txq->tail = 0;
	txq->clean = 0;
	txq->multi_until = 0;
	__atomic_store_n(&txq->started, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&p->tx_live[qid], txq, __ATOMIC_RELEASE); /* P1 */
	dev->data->tx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STARTED;
	return 0;
}

void
qpring_txq_stop_locked(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_port *p = dev->data->dev_private;
	struct qpring_txq *txq = dev->data->tx_queues[qid];

	dev->data->tx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STOPPED;
	if (txq == NULL || !txq->started)
		return;
	/* Nobody starts its adapter after this (service, manual poll check
	 * started; kickers find it gone from tx_live[]); wait for one that
	 * is running.
	 */
	__atomic_store_n(&txq->started, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&p->tx_live[qid], NULL, __ATOMIC_SEQ_CST);
	qpring_wire_of(p)->txq_unpublish(dev, qid);
	if (qpring_adapter_quiesce(txq->hw, "txq", dev->data->port_id, qid) != 0) {
		txq->stuck = 1;
		return;
	}
	qpring_txq_drain(txq);
}

/* ------------------------------------------------------------ set-up, release */

/* The last of a queue: free it, unless an adapter may still touch it. */
static void
qpring_rxq_free(struct qpring_rxq *rxq)
{
	if (rxq->stuck) {
		QPRING_LOG(ERR, "port %u rxq %u: kept (%zu bytes) rather than freed: an adapter "
			   "may still write into it", rxq->port_id, rxq->queue_id,
			   qp_hwq_size(rxq->nb_desc));
		return;
	}
	qpring_rxq_drain(rxq);
	if (qpring_wire_of(rxq->port)->rxmem != NULL)
		qpring_wire_of(rxq->port)->rxmem->release(rxq);
	else
		rte_memzone_free(rxq->mz);
	rte_free(rxq);
}

static void
qpring_txq_free(struct qpring_txq *txq)
{
	if (txq->stuck) {
		QPRING_LOG(ERR, "port %u txq %u: kept (%zu bytes) rather than freed: an adapter "
			   "may still use it", txq->port_id, txq->queue_id,
			   qp_hwq_size(txq->nb_desc));
		return;
	}
	qpring_txq_drain(txq);
	rte_memzone_free(txq->mz);
	rte_free(txq);
}

void
qpring_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_rxq *rxq = dev->data->rx_queues[qid];

	if (rxq == NULL)
		return;
	qpring_lock();
	qpring_rxq_stop_locked(dev, qid);
	/* Unpublish the queue from the port before freeing it: the adapter
	 * service walks the port's queue array (qpring_service_run()).
	 */
	__atomic_store_n((struct qpring_rxq **)&dev->data->rx_queues[qid], NULL,
			 __ATOMIC_RELAXED);
	qpring_service_quiesce(dev->data->dev_private);
	/* A wire with receive memory of its own has no receiving adapter in
	 * this process (and its lock word is in memory another may write).
	 */
	if (qpring_wire_of(rxq->port)->rxmem == NULL &&
	    qpring_adapter_quiesce(rxq->hw, "rxq", dev->data->port_id, qid) != 0)
		rxq->stuck = 1;
	qpring_rxq_free(rxq);
	qpring_unlock();
}

void
qpring_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_txq *txq = dev->data->tx_queues[qid];

	if (txq == NULL)
		return;
	qpring_lock();
	qpring_txq_stop_locked(dev, qid);
	__atomic_store_n((struct qpring_txq **)&dev->data->tx_queues[qid], NULL,
			 __ATOMIC_RELAXED);
	/* The service may hold the pointer: wait it out before freeing. */
	qpring_service_quiesce(dev->data->dev_private);
	if (qpring_adapter_quiesce(txq->hw, "txq", dev->data->port_id, qid) != 0)
		txq->stuck = 1;
	qpring_txq_free(txq);
	qpring_unlock();
}

int
qpring_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		      unsigned int socket, const struct rte_eth_rxconf *conf,
		      struct rte_mempool *mp)
{
	struct qpring_port *p = dev->data->dev_private;
	struct qpring_rxq *rxq;
	uint32_t room, frame, nb;
	int scatter;

	nb = qpring_ring_size(dev, "rx", qid, nb_desc);
	if (nb == 0)
		return -EINVAL;
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
	if (qpring_wire_of(p)->rxmem == NULL) {
		rxq->mz = qpring_hwq_alloc(dev, 'r', qid, nb, socket);
		if (rxq->mz == NULL) {
			rte_free(rxq);
			return -ENOMEM;
		}
		rxq->hw = rxq->mz->addr;
	}
	rxq->mask = nb - 1u;
	rxq->nb_desc = nb;
	rxq->queue_id = qid;
	rxq->port_id = dev->data->port_id;
	rxq->port = p;
	rxq->mp = mp;
	rxq->deferred_start = conf != NULL && conf->rx_deferred_start;
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
	rxq->zero_copy = !p->copy;
	/* Zero copy posts credits over the whole ring; copy mode a window of
	 * buffers (never more than the ring, nor fewer than a frame needs in
	 * parts with scatter).
	 */
	rxq->window = rxq->zero_copy || p->rx_window == 0 ? nb :
		RTE_MIN(nb, RTE_MAX(p->rx_window, scatter ? QP_MAX_RX_PARTS : 1u));
	rxq->offloads = dev->data->dev_conf.rxmode.offloads |
			(conf != NULL ? conf->offloads : 0);
	if (scatter)
		p->scatter = 1;
	if (qpring_wire_of(p)->rxmem != NULL) {
		/* Ring and pool in memory the wire shares (qpring_wire.h). */
		int ret = qpring_wire_of(p)->rxmem->setup(dev, rxq, mp);

		if (ret != 0) {
			rte_free(rxq);
			return ret;
		}
	}

	qpring_lock();
	dev->data->rx_queues[qid] = rxq;
	qpring_unlock();
	return 0;
}

int
qpring_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		      unsigned int socket, const struct rte_eth_txconf *conf)
{
	struct qpring_port *p = dev->data->dev_private;
	struct qpring_txq *txq;
	uint32_t nb;

	nb = qpring_ring_size(dev, "tx", qid, nb_desc);
	if (nb == 0)
		return -EINVAL;
	if (dev->data->tx_queues[qid] != NULL)
		qpring_tx_queue_release(dev, qid);

	txq = rte_zmalloc_socket("qpring_txq", sizeof(*txq), RTE_CACHE_LINE_SIZE, (int)socket);
	if (txq == NULL) {
		QPRING_LOG(ERR, "port %u tx queue %u: out of memory", dev->data->port_id, qid);
		return -ENOMEM;
	}
	txq->mz = qpring_hwq_alloc(dev, 't', qid, nb, socket);
	if (txq->mz == NULL) {
		rte_free(txq);
		return -ENOMEM;
	}
	txq->hw = txq->mz->addr;
	txq->mask = nb - 1u;
	txq->nb_desc = nb;
	txq->queue_id = qid;
	txq->port_id = dev->data->port_id;
	txq->port = p;
	txq->max_frame = (uint32_t)dev->data->mtu + QPRING_FRAME_OVERHEAD;
	txq->deferred_start = conf != NULL && conf->tx_deferred_start;
	qpring_txq_park_indexes(txq);
	txq->offloads = dev->data->dev_conf.txmode.offloads | (conf != NULL ? conf->offloads : 0);
	txq->fast_free = !!(txq->offloads & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE);
	txq->tx_ol = !!(txq->offloads & QPRING_TX_OFFLOAD_HW);
	qp_hwq_set_faults(txq->hw, &p->faults,
			  p->seed ^ (0x9e3779b97f4a7c15ull * ((uint64_t)qid + 1)));

	qpring_lock();
	dev->data->tx_queues[qid] = txq;
	qpring_unlock();
	return 0;
}

int
qpring_rx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	int ret;

	qpring_lock();
	ret = qpring_rxq_start_locked(dev, qid);
	qpring_unlock();
	return ret;
}

int
qpring_rx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	qpring_lock();
	qpring_rxq_stop_locked(dev, qid);
	qpring_unlock();
	return 0;
}

int
qpring_tx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	int ret;

	qpring_lock();
	ret = qpring_txq_start_locked(dev, qid);
	qpring_unlock();
	return ret;
}

int
qpring_tx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	qpring_lock();
	qpring_txq_stop_locked(dev, qid);
	qpring_unlock();
	return 0;
}

void
qpring_release_queues(struct rte_eth_dev *dev)
{
	uint16_t q;

	for (q = 0; q < dev->data->nb_rx_queues; q++)
		qpring_rx_queue_release(dev, q);
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		qpring_tx_queue_release(dev, q);
}

void
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

void
qpring_txq_info_get(struct rte_eth_dev *dev, uint16_t qid, struct rte_eth_txq_info *qi)
{
	const struct qpring_txq *txq = dev->data->tx_queues[qid];

	qi->nb_desc = (uint16_t)txq->nb_desc;
	qi->queue_state = dev->data->tx_queue_state[qid];
	qi->conf.tx_deferred_start = txq->deferred_start;
	qi->conf.offloads = dev->data->dev_conf.txmode.offloads |
			    (txq->fast_free ? RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE : 0);
}
