/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The send side of the queue pairs: the send burst variants (chosen by
 * qpring_burst_select(), qpring_rxtx.c), send reclaim and the send
 * descriptor operations.
 * Fast path: no locks, no logging, no allocation.
 */
#include <string.h>

#include <ethdev_driver.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "qpring.h"
#include "qpring_tx.h"
#include "qpring_wire.h"

/* How reclaimed send buffers may be freed (qpring_tx_free()). */
enum qpring_free {
	QPRING_FREE_ANY = 0,  /* any mbuf: rte_pktmbuf_free_bulk() */
	QPRING_FREE_FAST = 1, /* MBUF_FAST_FREE: direct, refcnt 1 */
	QPRING_FREE_BULK = 2, /* ... and all single-segment from one pool */
};

/*
 * Free reclaimed send buffers. With RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE the
 * application promises direct mbufs with refcnt 1: single-buffer ones go
 * straight back to their pool, in runs of the same pool (in zero copy only
 * frames that were not handed over come back here), without reading their
 * second cache line.
 */
static __rte_always_inline void
qpring_tx_free(struct rte_mbuf **m, uint32_t n, enum qpring_free how)
{
	uint32_t start = 0, i;

	if (how == QPRING_FREE_ANY) {
		rte_pktmbuf_free_bulk(m, n);
		return;
	}
	if (how == QPRING_FREE_BULK) {
		/* The caller knows them single-segment and the application's
		 * own (one pool per queue, as MBUF_FAST_FREE promises).
		 */
		rte_mempool_put_bulk(m[0]->pool, (void **)m, n);
		return;
	}
	while (start < n) {
		struct rte_mempool *mp = m[start]->pool;

		for (i = start; i < n && m[i]->pool == mp && m[i]->nb_segs == 1; i++)
			;
		if (i > start)
			rte_mempool_put_bulk(mp, (void **)&m[start], i - start);
		else
			rte_pktmbuf_free(m[i++]); /* a chain: segment by segment */
		start = i;
	}
}

/* The send offloads a frame asks for, as WQE flags (only those the queue
 * enabled; the adapter takes lengths and tag from the mbuf).
 */
static __rte_noinline uint16_t
qpring_txo_flags(const struct qpring_txq *txq, const struct rte_mbuf *m)
{
	const uint64_t f = m->ol_flags, on = txq->offloads;
	uint16_t w = 0;

	if ((f & RTE_MBUF_F_TX_IP_CKSUM) && (on & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM))
		w |= QP_WQE_F_CSUM_IP4;
	if ((f & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_TCP_CKSUM &&
	    (on & RTE_ETH_TX_OFFLOAD_TCP_CKSUM))
		w |= QP_WQE_F_CSUM_TCP;
	if ((f & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_UDP_CKSUM &&
	    (on & RTE_ETH_TX_OFFLOAD_UDP_CKSUM))
		w |= QP_WQE_F_CSUM_UDP;
	if ((f & RTE_MBUF_F_TX_VLAN) && (on & RTE_ETH_TX_OFFLOAD_VLAN_INSERT))
		w |= QP_WQE_F_VLAN;
	return w;
}

/* The WQE word of a send WQE of one buffer and no offload, less its length. */
#define QP_WQE_SEND_1 ((uint64_t)1 << 48 | (uint64_t)QP_WQE_F_SEND << 32)

/*
 * Post the common WQEs (one buffer, within the MTU, no offload) of @pkts
 * into consecutive slots from @s, at most @n, stopping at the first frame
 * that is not common. Returns how many it posted; adds their bytes.
 */
static __rte_always_inline uint32_t
qpring_tx_post_run(struct qp_slot *restrict s, struct rte_mbuf *const *restrict pkts, uint32_t n,
		   uint32_t max_len, uint64_t *bytes)
{
	struct rte_mbuf *const *restrict p = pkts;
	struct rte_mbuf *const *const pend = pkts + n;
	uint64_t b = 0;

	for (; p != pend; p++, s++) {
		const struct rte_mbuf *m = *p;
		const uint32_t len = m->pkt_len;

		if (unlikely(len - RTE_ETHER_HDR_LEN > max_len || m->nb_segs != 1))
			break;
		s->addr = rte_pktmbuf_mtod(m, uintptr_t);
		s->cookie = (uintptr_t)m;
		s->wqe_word = QP_WQE_SEND_1 | len;
		/* Relaxed: published by the doorbell's release (R1). */
		__atomic_store_n(&s->res, QP_RES(0, 0, QP_IND_POSTED), __ATOMIC_RELAXED);
		b += len;
	}
	*bytes += b;
	return (uint32_t)(p - pkts);
}

/*
 * A send WQE that is not the common one: a chained frame (up to QP_MAX_SEGS
 * buffers), send offloads, or a frame to refuse (shorter than an Ethernet
 * header, over the MTU, too many buffers: freed, returns -1, counted by the
 * caller). Posts it into @s (the @tail-th slot) otherwise.
 */
static __rte_noinline int
qpring_tx_post_slow(struct qpring_txq *txq, struct qp_slot *s, struct rte_mbuf *m, uint32_t tail,
		    uint32_t max_len)
{
	if (m->pkt_len - RTE_ETHER_HDR_LEN > max_len || m->nb_segs > QP_MAX_SEGS) {
		rte_pktmbuf_free(m);
		return -1;
	}
	if (m->nb_segs != 1)
		txq->multi_until = tail + 1; /* a chain among the slots before it */
	qp_slot_post(s, rte_pktmbuf_mtod(m, uintptr_t), m->pkt_len, (uintptr_t)m,
		     txq->tx_ol ? QP_WQE_F_SEND | qpring_txo_flags(txq, m) : QP_WQE_F_SEND,
		     m->nb_segs);
	return 0;
}

/*
 * Reclaim completed send slots in ring order from txq->clean, at most @max,
 * stopping at the first slot the adapter still owns (D1): each becomes the
 * driver's again, free for a new WQE (claim 1), and the buffer it carried
 * goes back to its pool, unless zero copy handed it to the receiver (cookie
 * 0). Reclaimed slots keep their stale fields; only [clean, tail) matters.
 */
static __rte_always_inline uint32_t
qpring_tx_reclaim(struct qpring_txq *txq, uint32_t max)
{
	struct rte_mbuf *reaped[QPRING_TX_BURST_FREE];
	const struct qp_slot *restrict const slots = txq->hw->slots;
	const uint32_t mask = txq->mask, start = txq->clean;
	const uint32_t end = start + RTE_MIN(txq->tail - start, max);
	/* MBUF_FAST_FREE, and no chained buffer among these slots (none
	 * posted since multi_until): one bulk put to the queue's one pool,
	 * which is what the offload promises.
	 */
	const enum qpring_free how = !txq->fast_free ? QPRING_FREE_ANY :
		(int32_t)(start - txq->multi_until) >= 0 ? QPRING_FREE_BULK : QPRING_FREE_FAST;
	const struct qp_slot *const ring_end = slots + mask + 1;
	const struct qp_slot *s = &slots[start & mask];
	uint32_t clean, k = 0;

	for (clean = start; clean != end; clean++, s = unlikely(s + 1 == ring_end) ? slots : s + 1) {
		uint64_t ck;

		if (QP_RES_IND(qp_slot_result(s)) != QP_IND_DONE) /* D1 */
			break;
		ck = s->cookie;
		if (ck != 0) {
			reaped[k++] = (struct rte_mbuf *)(uintptr_t)ck;
			if (unlikely(k == QPRING_TX_BURST_FREE)) {
				qpring_tx_free(reaped, k, how);
				k = 0;
			}
		}
	}
	if (k != 0)
		qpring_tx_free(reaped, k, how);
	/* Every buffer kept so far is freed once a walk reaches the tail (the
	 * reclaim shortcut of zero copy relies on it). Relaxed: a hint; a
	 * stale value only makes the next burst walk.
	 */
	if (clean == txq->tail)
		txq->kept_seen = __atomic_load_n(&txq->hw->ad.kept, __ATOMIC_RELAXED);
	txq->clean = clean;
	txq->c[QP_TXC_REAPED] += clean - start;
	return clean - start;
}

/*
 * Send burst. Writes WQEs only into slots reclaimed after their indicator
 * read DONE (claim 1): slots [tail, clean + size) are free. When the burst
 * needs more, it reclaims first. It rings the doorbell once (claims 3-5),
 * and with the inline adapter runs it and reclaims what it completed while
 * the buffers are hot, which keeps the mbufs in flight (and the cache
 * footprint) small.
 */
static __rte_always_inline uint16_t
qpring_tx_common(struct qpring_txq *txq, struct rte_mbuf **restrict pkts, uint16_t nb_pkts,
		 enum qpring_tx_variant v)
{
	struct qp_hwq *const hw = txq->hw;
	struct qp_slot *restrict const slots = hw->slots;
	const uint32_t mask = txq->mask, size = mask + 1;
	const uint32_t max_len = txq->max_frame - RTE_ETHER_HDR_LEN;
	const uint8_t tx_ol = txq->tx_ol;
	const int inline_adapter = v != QPRING_TX_POST;
	const int zero_copy = v == QPRING_TX_CABLE_ZC;
	uint32_t tail = txq->tail, room, n, i, bad = 0, posted;
	uint64_t bytes = 0;

	room = size - (tail - txq->clean);
	if (unlikely(room < nb_pkts)) {
		qpring_tx_reclaim(txq, UINT32_MAX);
		room = size - (tail - txq->clean);
	}
	n = RTE_MIN((uint32_t)nb_pkts, room);
	for (i = 0; i < n;) {
		/* A run of common WQEs into slots that do not wrap. */
		const uint32_t idx = tail & mask;
		const uint32_t run = RTE_MIN(n - i, size - idx);
		uint32_t k = tx_ol ? 0 : qpring_tx_post_run(&slots[idx], &pkts[i], run, max_len,
							     &bytes);

		tail += k;
		i += k;
		if (k == run)
			continue;
		/* The frame that stopped it: a chain, offloads, or refused. */
		if (qpring_tx_post_slow(txq, &slots[tail & mask], pkts[i], tail, max_len) != 0) {
			bad++;
		} else {
			bytes += pkts[i]->pkt_len;
			tail++;
		}
		i++;
	}
	posted = tail - txq->tail;
	if (unlikely(n < nb_pkts))
		txq->c[QP_TXC_RING_FULL]++; /* the next slot is not completed yet */
	if (likely(posted != 0)) {
		/* The newest WQE's address: the doorbell. */
		qp_doorbell_ring(&hw->regs, &slots[(tail - 1) & mask], posted); /* R1 */
		txq->tail = tail;
		txq->c[QP_TXC_DOORBELLS]++;
		txq->c[QP_TXC_PKTS] += posted;
		txq->c[QP_TXC_BYTES] += bytes;
	}
	if (unlikely(bad != 0))
		txq->c[QP_TXC_BAD_FRAME] += bad;
	/* The inline adapter runs after a doorbell, and also when the burst
	 * could not take everything, or found nothing to send while a fault
	 * holds completions back: the adapter completes them once their delay
	 * has passed, whichever burst comes.
	 */
	if (inline_adapter &&
	    (posted != 0 || n < nb_pkts || unlikely(qp_adapter_has_work(hw))) &&
	    qpring_adapter_trylock(hw)) {
		const struct qp_adapter_q *ad = &hw->ad;
		int all_handed_over, all_mine;

		if (v == QPRING_TX_WIRE)
			qpring_wire_of(txq->port)->tx(txq, UINT32_MAX);
		else
			qpring_cable_deliver(txq, zero_copy, UINT32_MAX);
		/* Zero copy, read under the adapter lock: every WQE up to the
		 * tail completed, and none kept its buffer since the last full
		 * reclaim: nothing to free, the slots are free again as they
		 * are, without a walk over them.
		 */
		all_handed_over = zero_copy && ad->head == tail && ad->done_head == tail &&
				  ad->kept == txq->kept_seen;
		/* Copy mode, every WQE up to the tail completed, none older
		 * outstanding, and this burst's frames all posted, single: they
		 * are exactly pkts[0..n), which go back in one bulk put without
		 * a walk over the slots.
		 */
		all_mine = !zero_copy && ad->head == tail && ad->done_head == tail &&
			   txq->clean == tail - n && bad == 0 && txq->fast_free &&
			   (int32_t)(txq->clean - txq->multi_until) >= 0;
		qpring_adapter_unlock(hw);
		if (all_handed_over) {
			txq->c[QP_TXC_REAPED] += tail - txq->clean;
			txq->clean = tail;
		} else if (all_mine) {
			/* MBUF_FAST_FREE: one pool, refcnt 1, direct. */
			rte_mempool_put_bulk(pkts[0]->pool, (void **)pkts, n);
			txq->c[QP_TXC_REAPED] += n;
			txq->clean = tail;
		} else {
			qpring_tx_reclaim(txq, UINT32_MAX);
		}
	}
	return (uint16_t)n;
}

uint16_t
qpring_tx_cable_copy(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return qpring_tx_common(q, pkts, nb_pkts, QPRING_TX_CABLE_COPY);
}

uint16_t
qpring_tx_cable_zc(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return qpring_tx_common(q, pkts, nb_pkts, QPRING_TX_CABLE_ZC);
}

uint16_t
qpring_tx_wire(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return qpring_tx_common(q, pkts, nb_pkts, QPRING_TX_WIRE);
}

uint16_t
qpring_tx_post(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return qpring_tx_common(q, pkts, nb_pkts, QPRING_TX_POST);
}

/* Offset 0 is the slot the next send WQE goes into. Slots up to the
 * reclaim point plus a ring are free; beyond, a slot holds a WQE, done or
 * not yet.
 */
int
qpring_tx_descriptor_status(void *q, uint16_t offset)
{
	const struct qpring_txq *txq = q;
	uint32_t idx = txq->tail + offset;

	if (offset > txq->mask)
		return -EINVAL;
	if (idx - txq->clean < txq->mask + 1u)
		return RTE_ETH_TX_DESC_DONE;
	return qp_slot_is_done(&txq->hw->slots[idx & txq->mask]) ?
		RTE_ETH_TX_DESC_DONE : RTE_ETH_TX_DESC_FULL;
}

/*
 * Free the mbufs of completed send slots, oldest first, stopping at the
 * first slot the adapter still owns. The lcore that sends on the queue;
 * with the inline adapter it also completes what a fault held back once
 * its delay has passed.
 */
int
qpring_tx_done_cleanup(void *q, uint32_t free_cnt)
{
	struct qpring_txq *txq = q;

	if (txq->port->adapter_mode == QPRING_ADAPTER_INLINE && qp_adapter_has_work(txq->hw))
		qpring_adapter_run_txq(txq, UINT32_MAX);
	return (int)qpring_tx_reclaim(txq, free_cnt == 0 ? UINT32_MAX : free_cnt);
}
