/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The driver side of the queue pairs: the receive and send burst functions
 * (every variant named, chosen in one place: qpring_burst_select()), the
 * adapter runs a burst makes, and the descriptor-level operations.
 * Fast path: no locks, no logging, no allocation beyond the mbufs it posts.
 */
#include <stdlib.h>
#include <string.h>

#include <ethdev_driver.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_prefetch.h>

#include "qpring.h"
#include "qpring_rxtx.h"
#include "qpring_wire.h"

/* How far ahead a send burst prefetches the buffer it will reclaim. */
#define QPRING_TX_PREFETCH 8u

/* Receive slots harvested per inner round (one bulk allocation each). */
#define QPRING_RX_CHUNK 64u

/* The send-burst variants. */
enum qpring_tx_variant {
	QPRING_TX_CABLE_COPY, /* inline adapter, cable wire, frames copied */
	QPRING_TX_CABLE_ZC,   /* inline adapter, cable wire, buffers exchanged */
	QPRING_TX_WIRE,       /* inline adapter, through the wire's ops (pcap) */
	QPRING_TX_POST,       /* adapter elsewhere (service, manual): post and ring */
	QPRING_TX_REFUSED,    /* this process may not use the port's data path */
	QPRING_TX_NR
};

/* The receive-burst variants. */
enum qpring_rx_variant {
	QPRING_RX_COPY,       /* harvest buffers the adapter copied into */
	QPRING_RX_COPY_OL,    /* ... with receive offloads written back */
	QPRING_RX_ZC,         /* harvest the sender's buffers (copy=0) */
	QPRING_RX_ZC_OL,      /* ... with receive offloads written back */
	QPRING_RX_SCATTER,    /* frames may span several slots (offloads too) */
	QPRING_RX_WIRE,       /* inline adapter fills from the wire first (pcap) */
	QPRING_RX_REFUSED,
	QPRING_RX_NR
};

/* Run the adapter of one send queue once, if no other lcore holds it. */
uint32_t
qpring_adapter_run_txq(struct qpring_txq *txq, uint32_t budget)
{
	uint32_t n;

	if (!qpring_adapter_trylock(txq->hw))
		return 0;
	n = qpring_wire_of(txq->port)->tx(txq, budget);
	qpring_adapter_unlock(txq->hw);
	return n;
}

/* Run the receiving adapter of a queue its wire fills (pcap). */
uint32_t
qpring_adapter_run_rxq(struct qpring_rxq *rxq, uint32_t budget)
{
	const struct qpring_wire_ops *w = qpring_wire_of(rxq->port);
	uint32_t n;

	if (w->rx == NULL || !qpring_adapter_trylock(rxq->hw))
		return 0;
	n = w->rx(rxq, budget);
	qpring_adapter_unlock(rxq->hw);
	return n;
}

/* How reclaimed send buffers may be freed (qpring_tx_free()). */
enum qpring_free {
	QPRING_FREE_ANY = 0,  /* any mbuf: rte_pktmbuf_free_bulk() */
	QPRING_FREE_FAST = 1, /* MBUF_FAST_FREE: direct, refcnt 1 */
	QPRING_FREE_BULK = 2, /* ... and all single-segment from one pool */
};

/*
 * Free reclaimed send buffers. With RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE the
 * application promises direct mbufs with refcnt 1: single-buffer ones go
 * straight back to their pool, in runs of the same pool (zero-copy returns
 * the receiver's buffers here), without reading their second cache line.
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
	struct qp_slot *restrict const slots = txq->hw->slots;
	struct qp_slot *last = NULL;
	const uint32_t mask = txq->mask, size = mask + 1;
	const uint32_t max_len = txq->max_frame - RTE_ETHER_HDR_LEN;
	const uint8_t tx_ol = txq->tx_ol;
	const int inline_adapter = v != QPRING_TX_POST;
	const int zero_copy = v == QPRING_TX_CABLE_ZC;
	uint32_t tail = txq->tail, room, n, i, bad = 0;
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
	if (tail != txq->tail)
		last = &slots[(tail - 1) & mask];
	if (unlikely(n < nb_pkts))
		txq->c[QP_TXC_RING_FULL]++; /* the next slot is not completed yet */
	if (likely(last != NULL)) {
		const uint32_t posted = tail - txq->tail;

		qp_doorbell_ring(&txq->hw->regs, last, posted); /* R1 */
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
	    (last != NULL || n < nb_pkts || unlikely(qp_adapter_has_work(txq->hw))) &&
	    qpring_adapter_trylock(txq->hw)) {
		const struct qp_adapter_q *ad = &txq->hw->ad;
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
		qpring_adapter_unlock(txq->hw);
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

static uint16_t
qpring_tx_cable_copy(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return qpring_tx_common(q, pkts, nb_pkts, QPRING_TX_CABLE_COPY);
}

static uint16_t
qpring_tx_cable_zc(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return qpring_tx_common(q, pkts, nb_pkts, QPRING_TX_CABLE_ZC);
}

static uint16_t
qpring_tx_wire(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return qpring_tx_common(q, pkts, nb_pkts, QPRING_TX_WIRE);
}

static uint16_t
qpring_tx_post(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return qpring_tx_common(q, pkts, nb_pkts, QPRING_TX_POST);
}

/* A process that may not use the port (see qpring_burst_refuse()). */
static uint16_t
qpring_tx_refused(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	RTE_SET_USED(q);
	RTE_SET_USED(pkts);
	RTE_SET_USED(nb_pkts);
	return 0;
}

/* The rearm word: data_off, refcnt, nb_segs and port, 8 contiguous bytes. */
#define QPRING_REARM_OFF offsetof(struct rte_mbuf, data_off)
_Static_assert(offsetof(struct rte_mbuf, port) + sizeof(uint16_t) - QPRING_REARM_OFF ==
	       sizeof(uint64_t), "rearm fields are one 64-bit word");

/*
 * A buffer back with @len bytes of frame: the mbuf fields a fresh one
 * would have, set in its first cache line only (next is already NULL).
 */
static __rte_always_inline void
qpring_rx_rearm(const struct qpring_rxq *rxq, struct rte_mbuf *m, uint32_t len)
{
	/* packet_type, pkt_len, data_len and vlan_tci are 12 contiguous
	 * bytes: two stores, as the rearm word and ol_flags are two more.
	 */
	const uint64_t type_len = (uint64_t)len << 32; /* packet_type 0 */
	const uint32_t dlen_tci = len & 0xffffu;      /* vlan_tci 0 */

	memcpy((uint8_t *)m + QPRING_REARM_OFF, &rxq->rearm, sizeof(rxq->rearm));
	m->ol_flags = rxq->ol_init; /* a store, not a read of a cold line */
	memcpy(&m->packet_type, &type_len, sizeof(type_len));
	memcpy(&m->data_len, &dlen_tci, sizeof(dlen_tci));
}

_Static_assert(offsetof(struct rte_mbuf, pkt_len) == offsetof(struct rte_mbuf, packet_type) + 4,
	       "pkt_len follows packet_type");
_Static_assert(offsetof(struct rte_mbuf, data_len) == offsetof(struct rte_mbuf, pkt_len) + 4 &&
	       offsetof(struct rte_mbuf, vlan_tci) == offsetof(struct rte_mbuf, data_len) + 2,
	       "data_len and vlan_tci follow pkt_len");

/*
 * End of a receive burst: one doorbell for every slot re-posted (the newest
 * is @last), the harvest point moved to @head, and the burst's counters.
 */
static __rte_always_inline void
qpring_rx_publish(struct qpring_rxq *rxq, const struct qp_slot *last, uint32_t head,
		  uint32_t posted, uint16_t out, uint64_t bytes, uint32_t errors)
{
	if (posted == 0)
		return;
	qp_doorbell_ring(&rxq->hw->regs, last, posted); /* R1 */
	rxq->head = head;
	rxq->c[QP_RXC_DOORBELLS]++;
	rxq->c[QP_RXC_POSTED] += posted;
	rxq->c[QP_RXC_PKTS] += out;
	rxq->c[QP_RXC_BYTES] += bytes;
	rxq->c[QP_RXC_ERRORS] += errors;
}

/* A completed receive slot's write-back, read before the slot is re-posted. */
struct qpring_wb {
	uint32_t hash;
	uint32_t ptype;
	uint16_t vlan;
	uint16_t ol;
	uint16_t off;
};

static __rte_always_inline void
qpring_wb_read(const struct qp_slot *s, struct qpring_wb *w)
{
	w->hash = s->wb_hash;
	w->ptype = s->wb_ptype;
	w->vlan = s->wb_vlan;
	w->ol = s->wb_ol;
	w->off = s->wb_off;
}

/*
 * The adapter's receive offloads into the mbuf: hash, packet type, the
 * stripped tag, checksum flags (UNKNOWN where the adapter could not check,
 * which is the absence of both GOOD and BAD), and a frame start the strip
 * moved.
 */
static __rte_noinline void
qpring_wb_apply(const struct qpring_rxq *rxq, struct rte_mbuf *m, const struct qpring_wb *w)
{
	uint64_t ol = 0;

	if (w->ol & QP_WB_RSS) {
		m->hash.rss = w->hash;
		ol |= RTE_MBUF_F_RX_RSS_HASH;
	}
	if (w->ol & QP_WB_PTYPE)
		m->packet_type = w->ptype;
	if (w->ol & QP_WB_VLAN) {
		m->vlan_tci = w->vlan;
		ol |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
	}
	if (rxq->offloads & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM)
		ol |= (w->ol & QP_WB_IP_GOOD) ? RTE_MBUF_F_RX_IP_CKSUM_GOOD :
		      (w->ol & QP_WB_IP_BAD) ? RTE_MBUF_F_RX_IP_CKSUM_BAD :
		      RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN;
	if (rxq->offloads & (RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM))
		ol |= (w->ol & QP_WB_L4_GOOD) ? RTE_MBUF_F_RX_L4_CKSUM_GOOD :
		      (w->ol & QP_WB_L4_BAD) ? RTE_MBUF_F_RX_L4_CKSUM_BAD :
		      RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN;
	if (w->off != 0 && w->off <= m->data_len) {
		/* The stripped tag moved the frame's start. Copy mode set the
		 * lengths from the slot's result already; zero copy hands over
		 * the sender's mbuf, whose lengths still count the tag.
		 */
		m->data_off = (uint16_t)(m->data_off + w->off);
		if (rxq->zero_copy) {
			m->data_len = (uint16_t)(m->data_len - w->off);
			m->pkt_len -= w->off;
		}
	}
	m->ol_flags |= ol;
}

/*
 * Receive burst, copy mode. Harvests slots whose indicator reads DONE, in
 * ring order, and re-posts a fresh buffer into exactly those slots, then
 * rings the doorbell once. Replacement buffers are allocated before
 * anything is harvested: if the pool is empty the frames stay in their
 * slots (counted as rx_nombuf) and are returned by a later call, so no
 * slot is lost. @wb: the port asked for receive offloads (write-back).
 */
static __rte_always_inline uint16_t
qpring_rx_copy_common(struct qpring_rxq *rxq, struct rte_mbuf **restrict pkts, uint16_t nb_pkts,
		      int wb)
{
	struct qp_slot *restrict const slots = rxq->hw->slots;
	struct rte_mbuf *fresh[QPRING_RX_CHUNK];
	uint64_t res[QPRING_RX_CHUNK];
	struct qp_slot *last = NULL;
	const uint32_t mask = rxq->mask;
	const struct qp_slot *const end = slots + mask + 1;
	/* An ordinary pktmbuf pool keeps each buffer right behind its mbuf:
	 * a posted buffer's address and capacity are known without loading
	 * the mbuf's header, which is cold here.
	 */
	const int flat = rxq->flat_pool;
	const uint32_t buf_off = rxq->buf_off;
	const uint64_t wqe_word = (uint64_t)rxq->buf_cap | (uint64_t)QP_WQE_F_RECV << 32 |
				  (uint64_t)1 << 48;
	uint32_t head = rxq->head;
	uint32_t posted = 0, errors = 0;
	uint64_t bytes = 0;
	uint16_t out = 0, scanned = 0;

	if (unlikely(rxq->kick))
		qpring_cable_kick(rxq->port);
	while (scanned < nb_pkts) {
		/* Never more than the ring: a scan that wrapped would see the
		 * same completed slots twice.
		 */
		const uint32_t want = RTE_MIN(RTE_MIN((uint32_t)(nb_pkts - scanned),
						      QPRING_RX_CHUNK), mask + 1);
		struct qp_slot *s = &slots[head & mask];
		uint32_t k, j;

		for (k = 0; k < want; k++, s = unlikely(s + 1 == end) ? slots : s + 1) {
			res[k] = qp_slot_result(s); /* D1: length, status, indicator */
			if (QP_RES_IND(res[k]) != QP_IND_DONE)
				break;
			/* The buffer's mbuf header was last touched a ring ago:
			 * start loading it while the rest of the ring is scanned.
			 */
			rte_prefetch0((const void *)(uintptr_t)s->cookie);
		}
		if (k == 0)
			break;
		/* Raw: pool mbufs are refcnt 1, nb_segs 1, next NULL; the
		 * rest is set when the buffer comes back with a frame.
		 */
		if (unlikely(rte_mempool_get_bulk(rxq->mp, (void **)fresh, k) != 0)) {
			rxq->c[QP_RXC_NOMBUF] += k;
			break;
		}
		s = &slots[head & mask];
		for (j = 0; j < k; j++, last = s, s = unlikely(s + 1 == end) ? slots : s + 1) {
			struct rte_mbuf *m = (struct rte_mbuf *)(uintptr_t)s->cookie;
			struct rte_mbuf *nm = fresh[j];
			const uint32_t len = QP_RES_LEN(res[j]);
			const uint16_t st = QP_RES_STATUS(res[j]);
			struct qpring_wb w;

			if (wb && (st & QP_ST_F_WB))
				qpring_wb_read(s, &w); /* before the WQE overwrites it */
			/* The fresh buffer into the slot (the WQE), then the
			 * indicator, published by the doorbell (R1).
			 */
			if (likely(flat)) {
				s->addr = (uintptr_t)nm + buf_off;
				s->cookie = (uintptr_t)nm;
				s->wqe_word = wqe_word;
				__atomic_store_n(&s->res, QP_RES(0, 0, QP_IND_POSTED),
						 __ATOMIC_RELAXED);
			} else {
				qpring_rx_post(rxq, s, nm);
			}
			if (unlikely((st & QP_ST_MASK) != QP_ST_OK)) {
				/* An error, or a slot given back unused (skip). */
				rte_pktmbuf_free(m);
				errors += (st & QP_ST_MASK) != QP_ST_SKIP;
				continue;
			}
			qpring_rx_rearm(rxq, m, len);
			if (wb && (st & QP_ST_F_WB))
				qpring_wb_apply(rxq, m, &w);
			bytes += len;
			pkts[out++] = m;
		}
		head += k;
		posted += k;
		scanned = (uint16_t)(scanned + k);
		if (k < want)
			break;
	}

	qpring_rx_publish(rxq, last, head, posted, out, bytes, errors);
	return out;
}

/*
 * The common receive burst, copy mode: a run of completions that are done,
 * OK and carry no write-back, over slots that do not wrap. Each buffer goes
 * out with its frame, and a fresh one from @fresh takes its slot (with
 * @flat, at a fixed offset from its mbuf). Returns how many.
 */
static __rte_always_inline uint32_t
qpring_rx_copy_run(const struct qpring_rxq *rxq, struct qp_slot *restrict s,
		   struct rte_mbuf **restrict pkts, struct rte_mbuf *const *restrict fresh,
		   uint32_t n, uint64_t *bytes)
{
	const uint32_t buf_off = rxq->buf_off;
	const uint64_t wqe_word = (uint64_t)rxq->buf_cap | (uint64_t)QP_WQE_F_RECV << 32 |
				  (uint64_t)1 << 48;
	struct rte_mbuf **restrict p = pkts;
	struct rte_mbuf **const pend = pkts + n;
	struct rte_mbuf *const *restrict f = fresh;
	uint64_t b = 0;

	for (; p != pend; p++, f++, s++) {
		const uint64_t r = qp_slot_result(s); /* D1 */
		struct rte_mbuf *m, *nm;

		if (unlikely(r >> 32 != (uint64_t)QP_IND_DONE << 16))
			break;
		m = (struct rte_mbuf *)(uintptr_t)s->cookie;
		nm = *f;
		s->addr = (uintptr_t)nm + buf_off;
		s->cookie = (uintptr_t)nm;
		s->wqe_word = wqe_word;
		/* Relaxed: published by the doorbell's release (R1). */
		__atomic_store_n(&s->res, QP_RES(0, 0, QP_IND_POSTED), __ATOMIC_RELAXED);
		qpring_rx_rearm(rxq, m, QP_RES_LEN(r));
		*p = m;
		b += QP_RES_LEN(r);
	}
	*bytes += b;
	return (uint32_t)(p - pkts);
}

static uint16_t
qpring_rx_copy(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct qpring_rxq *rxq = q;
	struct qp_slot *const slots = rxq->hw->slots;
	struct rte_mbuf *fresh[QPRING_RX_CHUNK];
	const uint32_t mask = rxq->mask, head = rxq->head;
	const uint32_t want = RTE_MIN(RTE_MIN((uint32_t)nb_pkts, QPRING_RX_CHUNK), mask + 1);
	uint32_t n = 0, k;
	uint64_t bytes = 0;

	if (unlikely(rxq->kick))
		qpring_cable_kick(rxq->port);
	/* Nothing waiting: no allocation. */
	if (!qp_slot_is_done(&slots[head & mask])) /* D1 */
		return 0;
	/* The rarer cases take the general burst: buffers not at a fixed
	 * offset, more than one chunk, or a pool short of a chunk.
	 */
	if (unlikely(!rxq->flat_pool || want < nb_pkts ||
		     rte_mempool_get_bulk(rxq->mp, (void **)fresh, want) != 0))
		return qpring_rx_copy_common(rxq, pkts, nb_pkts, 0);
	while (n < want) {
		const uint32_t idx = (head + n) & mask;
		const uint32_t run = RTE_MIN(want - n, mask + 1 - idx);

		k = qpring_rx_copy_run(rxq, &slots[idx], &pkts[n], &fresh[n], run, &bytes);
		n += k;
		if (k != run)
			break;
	}
	if (n != want)
		rte_mempool_put_bulk(rxq->mp, (void **)&fresh[n], want - n);
	if (n != 0)
		qpring_rx_publish(rxq, &slots[(head + n - 1) & mask], head + n, n, (uint16_t)n,
				  bytes, 0);
	/* A slot that stopped the run with something other than a fresh
	 * frame (an error, a skip) is for the general burst, next call or
	 * now if there is room.
	 */
	if (n < nb_pkts && qp_slot_is_done(&slots[(head + n) & mask]))
		n += qpring_rx_copy_common(rxq, pkts + n, (uint16_t)(nb_pkts - n), 0);
	return (uint16_t)n;
}

static uint16_t
qpring_rx_copy_ol(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return qpring_rx_copy_common(q, pkts, nb_pkts, 1);
}

/*
 * A chained frame for a receive queue without RTE_ETH_RX_OFFLOAD_SCATTER
 * (zero copy hands over the sender's chain): linearised into one buffer of
 * the queue's pool, or dropped and counted when no buffer holds it.
 */
static __rte_noinline struct rte_mbuf *
qpring_rx_linearize(struct qpring_rxq *rxq, struct rte_mbuf *m)
{
	struct rte_mbuf *nm;
	uint32_t len = m->pkt_len;

	if (len > qpring_rx_buf_room(rxq->mp)) {
		rxq->c[QP_RXC_OVERSIZE]++;
		rte_pktmbuf_free(m);
		return NULL;
	}
	nm = rte_pktmbuf_alloc(rxq->mp);
	if (nm == NULL) {
		rxq->c[QP_RXC_NOMBUF]++;
		rte_pktmbuf_free(m);
		return NULL;
	}
	if (rte_pktmbuf_read(m, 0, len, rte_pktmbuf_mtod(nm, void *)) !=
	    rte_pktmbuf_mtod(nm, void *))
		memcpy(rte_pktmbuf_mtod(nm, void *), rte_pktmbuf_read(m, 0, len, NULL), len);
	nm->data_len = (uint16_t)len;
	nm->pkt_len = len;
	nm->port = m->port;
	nm->ol_flags |= m->ol_flags & ~(RTE_MBUF_F_EXTERNAL | RTE_MBUF_F_INDIRECT);
	nm->packet_type = m->packet_type;
	nm->vlan_tci = m->vlan_tci;
	nm->hash = m->hash;
	rte_pktmbuf_free(m);
	return nm;
}

/* Linearise the chained frames among @pkts[0..n) (or drop and count
 * them); returns how many frames are left, in order.
 */
static __rte_noinline uint16_t
qpring_rx_unchain(struct qpring_rxq *rxq, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i, out = 0;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (m->nb_segs != 1)
			m = qpring_rx_linearize(rxq, m);
		if (m != NULL)
			pkts[out++] = m;
	}
	return out;
}

/*
 * Receive burst, zero copy. A receive WQE is a credit: no buffer, only the
 * right to receive one frame; the adapter hands the sender's mbuf over
 * through the slot. Harvest the completed slots in ring order, take their
 * mbufs, and post fresh credits into exactly those slots: no mempool
 * operation at all.
 */
/* The rarer completions of a zero-copy receive slot: an error, a slot
 * given back unused, or a write-back to apply. Re-posts the credit; returns
 * the frame's mbuf or NULL (freed and counted in *errors).
 */
static __rte_noinline struct rte_mbuf *
qpring_rx_zc_slow(struct qpring_rxq *rxq, struct qp_slot *s, uint64_t r, uint32_t *errors)
{
	struct rte_mbuf *m = (struct rte_mbuf *)(uintptr_t)s->cookie;
	const uint16_t st = QP_RES_STATUS(r);
	struct qpring_wb w;

	if (st & QP_ST_F_WB)
		qpring_wb_read(s, &w); /* before the WQE overwrites it */
	qpring_rx_post_credit(s);
	if ((st & QP_ST_MASK) != QP_ST_OK) {
		if (m != NULL)
			rte_pktmbuf_free(m);
		*errors += (st & QP_ST_MASK) != QP_ST_SKIP;
		return NULL;
	}
	m->ol_flags &= RTE_MBUF_F_EXTERNAL | RTE_MBUF_F_INDIRECT;
	m->packet_type = 0;
	m->port = rxq->port_id;
	if (st & QP_ST_F_WB)
		qpring_wb_apply(rxq, m, &w);
	return m;
}

/*
 * Harvest the common zero-copy completions (done, status OK, nothing
 * written back) of at most @n consecutive slots from @s: take each frame's
 * mbuf, post a fresh credit (the cookie cleared, for the adapter puts the
 * next frame's mbuf there, and the indicator; the WQE's other fields are
 * the credit's already). Stops at the first other slot. Returns how many.
 */
static __rte_always_inline uint32_t
qpring_rx_zc_run(struct qp_slot *restrict s, struct rte_mbuf **restrict pkts, uint32_t n,
		 uint16_t port_id, uint64_t *bytes, uint16_t *segs)
{
	struct rte_mbuf **restrict p = pkts;
	struct rte_mbuf **const pend = pkts + n;
	uint64_t b = 0;
	uint16_t sg = 0;

	for (; p != pend; p++, s++) {
		const uint64_t r = qp_slot_result(s); /* D1 */
		struct rte_mbuf *m;

		if (unlikely(r >> 32 != (uint64_t)QP_IND_DONE << 16))
			break;
		m = (struct rte_mbuf *)(uintptr_t)s->cookie;
		s->cookie = 0;
		__atomic_store_n(&s->res, QP_RES(0, 0, QP_IND_POSTED), __ATOMIC_RELAXED);
		/* The sender's mbuf, chain and lengths intact; a chain goes
		 * back to the caller to check (receive scatter).
		 */
		m->ol_flags &= RTE_MBUF_F_EXTERNAL | RTE_MBUF_F_INDIRECT;
		m->packet_type = 0;
		m->port = port_id;
		sg |= m->nb_segs;
		*p = m;
		b += QP_RES_LEN(r);
	}
	*bytes += b;
	*segs |= sg;
	return (uint32_t)(p - pkts);
}

static __rte_always_inline uint16_t
qpring_rx_zc_common(struct qpring_rxq *rxq, struct rte_mbuf **restrict pkts, uint16_t nb_pkts)
{
	struct qp_slot *restrict const slots = rxq->hw->slots;
	const uint32_t mask = rxq->mask, head = rxq->head;
	const uint32_t lim = RTE_MIN((uint32_t)nb_pkts, mask + 1);
	uint32_t n = 0, errors = 0;
	uint64_t bytes = 0;
	uint16_t out = 0, segs = 0;

	if (unlikely(rxq->kick))
		qpring_cable_kick(rxq->port);
	while (n < lim) {
		const uint32_t idx = (head + n) & mask;
		const uint32_t run = RTE_MIN(lim - n, mask + 1 - idx);
		const uint32_t k = qpring_rx_zc_run(&slots[idx], &pkts[out], run, rxq->port_id,
						    &bytes, &segs);
		struct qp_slot *s;
		struct rte_mbuf *m;
		uint64_t r;

		n += k;
		out = (uint16_t)(out + k);
		if (k == run)
			continue;
		/* The slot that stopped it: not done yet, or a rarer one. */
		s = &slots[(head + n) & mask];
		r = qp_slot_result(s); /* D1 */
		if (QP_RES_IND(r) != QP_IND_DONE)
			break;
		n++;
		m = qpring_rx_zc_slow(rxq, s, r, &errors);
		if (m != NULL) {
			bytes += QP_RES_LEN(r);
			segs |= m->nb_segs;
			pkts[out++] = m;
		}
	}
	/* Chained frames for a queue without receive scatter: linearised
	 * (rare; a chain has nb_segs > 1, so some bit above bit 0 is set).
	 */
	if (unlikely(segs > 1) && !rxq->scatter)
		out = qpring_rx_unchain(rxq, pkts, out);
	if (n != 0)
		qpring_rx_publish(rxq, &slots[(head + n - 1) & mask], head + n, n, out, bytes,
				  errors);
	return out;
}

static uint16_t
qpring_rx_zc(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return qpring_rx_zc_common(q, pkts, nb_pkts);
}

static uint16_t
qpring_rx_zc_ol(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	/* The write-back flag sends each slot the slow way. */
	return qpring_rx_zc_common(q, pkts, nb_pkts);
}

/*
 * Receive burst with RTE_ETH_RX_OFFLOAD_SCATTER: a frame may span several
 * slots (QP_ST_F_MORE on every part but the last). The adapter completes
 * the parts last to first, so the first part's indicator (D1) covers them
 * all. Returned as an mbuf chain; every slot consumed is re-posted.
 */
static uint16_t
qpring_rx_scatter(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct qpring_rxq *rxq = q;
	struct qp_slot *slots = rxq->hw->slots;
	struct rte_mbuf *fresh[QP_MAX_RX_PARTS];
	struct qp_slot *last = NULL;
	const uint32_t mask = rxq->mask;
	uint32_t head = rxq->head, posted = 0, errors = 0;
	uint64_t bytes = 0;
	uint16_t out = 0;

	if (unlikely(rxq->kick))
		qpring_cable_kick(rxq->port);
	while (out < nb_pkts) {
		struct qp_slot *s = &slots[head & mask];
		struct rte_mbuf *first = NULL, *prev = NULL;
		uint32_t parts = 1, total = 0, j;
		uint16_t st, wst;
		struct qpring_wb w;

		if (!qp_slot_is_done(s)) /* D1 */
			break;
		while ((slots[(head + parts - 1) & mask].res_status & QP_ST_F_MORE) &&
		       parts < QP_MAX_RX_PARTS && parts <= mask)
			parts++;
		if (unlikely(rte_mempool_get_bulk(rxq->mp, (void **)fresh, parts) != 0)) {
			rxq->c[QP_RXC_NOMBUF] += parts;
			break;
		}
		wst = s->res_status;
		st = wst & QP_ST_MASK;
		if (wst & QP_ST_F_WB)
			qpring_wb_read(s, &w); /* before the WQE overwrites it */
		for (j = 0; j < parts; j++) {
			struct qp_slot *ps = &slots[(head + j) & mask];
			struct rte_mbuf *m = (struct rte_mbuf *)(uintptr_t)ps->cookie;
			struct rte_mbuf *nm = fresh[j];

			qpring_rx_rearm(rxq, m, ps->res_len);
			m->next = NULL;
			total += ps->res_len;
			if (first == NULL)
				first = m;
			else
				prev->next = m;
			prev = m;
			qpring_rx_post(rxq, ps, nm);
			last = ps;
		}
		first->nb_segs = (uint16_t)parts;
		first->pkt_len = total;
		head += parts;
		posted += parts;
		if (unlikely(st != QP_ST_OK)) {
			/* An error, or a slot given back unused (skip). */
			rte_pktmbuf_free(first);
			errors += st != QP_ST_SKIP;
			continue;
		}
		if (wst & QP_ST_F_WB)
			qpring_wb_apply(rxq, first, &w);
		bytes += total;
		pkts[out++] = first;
	}
	qpring_rx_publish(rxq, last, head, posted, out, bytes, errors);
	return out;
}

/* Inline adapter of a port fed by its wire (capture file, interface): the
 * receiving adapter fills posted buffers from the wire, then the driver
 * harvests as usual.
 */
static uint16_t
qpring_rx_wire(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct qpring_rxq *rxq = q;

	qpring_adapter_run_rxq(rxq, nb_pkts);
	if (rxq->scatter)
		return qpring_rx_scatter(q, pkts, nb_pkts);
	return qpring_rx_copy_common(rxq, pkts, nb_pkts, 1);
}

static uint16_t
qpring_rx_refused(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	RTE_SET_USED(q);
	RTE_SET_USED(pkts);
	RTE_SET_USED(nb_pkts);
	return 0;
}

static const eth_tx_burst_t qpring_tx_bursts[QPRING_TX_NR] = {
	[QPRING_TX_CABLE_COPY] = qpring_tx_cable_copy,
	[QPRING_TX_CABLE_ZC] = qpring_tx_cable_zc,
	[QPRING_TX_WIRE] = qpring_tx_wire,
	[QPRING_TX_POST] = qpring_tx_post,
	[QPRING_TX_REFUSED] = qpring_tx_refused,
};

static const eth_rx_burst_t qpring_rx_bursts[QPRING_RX_NR] = {
	[QPRING_RX_COPY] = qpring_rx_copy,
	[QPRING_RX_COPY_OL] = qpring_rx_copy_ol,
	[QPRING_RX_ZC] = qpring_rx_zc,
	[QPRING_RX_ZC_OL] = qpring_rx_zc_ol,
	[QPRING_RX_SCATTER] = qpring_rx_scatter,
	[QPRING_RX_WIRE] = qpring_rx_wire,
	[QPRING_RX_REFUSED] = qpring_rx_refused,
};

/*
 * The one place that chooses a port's burst functions, from its adapter
 * mode, wire, copy mode and receive scatter. Called at probe, attach of a
 * secondary and port start.
 */
void
qpring_burst_select(struct rte_eth_dev *dev)
{
	const struct qpring_port *p = dev->data->dev_private;
	const struct qpring_proc *pp = dev->process_private;
	/* Receive offloads the adapter writes back (qpring_rx_offloads_wb()). */
	const int ol = qpring_rx_offloads_wb(dev->data->dev_conf.rxmode.offloads) || p->ptypes;
	enum qpring_tx_variant tv;
	enum qpring_rx_variant rv;

	if (!p->copy)
		rv = ol ? QPRING_RX_ZC_OL : QPRING_RX_ZC;
	else if (p->scatter)
		rv = QPRING_RX_SCATTER;
	else
		rv = ol ? QPRING_RX_COPY_OL : QPRING_RX_COPY;
	if (pp != NULL && pp->refused) {
		tv = QPRING_TX_REFUSED;
		rv = QPRING_RX_REFUSED;
	} else if (p->adapter_mode != QPRING_ADAPTER_INLINE) {
		tv = QPRING_TX_POST;
	} else if (p->wire != QPRING_WIRE_CABLE) {
		tv = QPRING_TX_WIRE;
		rv = QPRING_RX_WIRE;
	} else {
		tv = p->copy ? QPRING_TX_CABLE_COPY : QPRING_TX_CABLE_ZC;
	}
	dev->tx_pkt_burst = qpring_tx_bursts[tv];
	dev->rx_pkt_burst = qpring_rx_bursts[rv];
	/* A wire with receive memory of its own harvests with its own burst. */
	if (rv != QPRING_RX_REFUSED && qpring_wire_of(p)->rxmem != NULL)
		dev->rx_pkt_burst = qpring_wire_of(p)->rxmem->burst;
	dev->rx_queue_count = qpring_rx_queue_count;
	dev->rx_descriptor_status = qpring_rx_descriptor_status;
	dev->tx_descriptor_status = qpring_tx_descriptor_status;
}

/* Receive slots whose indicator reads DONE: frames waiting to be harvested.
 * Every receive slot is either posted (adapter) or done (driver).
 */
uint32_t
qpring_rx_queue_count(void *q)
{
	const struct qpring_rxq *rxq = q;
	uint32_t n = 0;

	while (n <= rxq->mask && qp_slot_is_done(&rxq->hw->slots[(rxq->head + n) & rxq->mask]))
		n++;
	return n;
}

int
qpring_rx_descriptor_status(void *q, uint16_t offset)
{
	const struct qpring_rxq *rxq = q;

	if (offset > rxq->mask)
		return -EINVAL;
	return qp_slot_is_done(&rxq->hw->slots[(rxq->head + offset) & rxq->mask]) ?
		RTE_ETH_RX_DESC_DONE : RTE_ETH_RX_DESC_AVAIL;
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

